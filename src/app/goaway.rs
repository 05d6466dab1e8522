//! `/_h2lab/goaway` — a server's GOAWAY on demand (RFC 9113 §6.8).
//!
//! Any method. The answer is a short text, and once it has gone out the connection sends GOAWAY
//! NO_ERROR naming this stream as the last it processed (unless the client has opened later ones
//! already), finishes whatever else is open and closes: a graceful shutdown, as a server does for
//! maintenance, that a learner can watch from `h2lab-client`.

use super::text;
use crate::http::Response;

/// Where the GOAWAY lives.
pub const PATH: &str = "/_h2lab/goaway";

/// The answer, marked for GOAWAY after it. The request body is ignored.
pub fn respond() -> Response {
    let mut response = text(200, "this answer is followed by GOAWAY NO_ERROR");
    response.goaway_after = true;
    response
}

#[cfg(test)]
mod tests {
    use super::super::testutil::request;
    use super::super::App;
    use crate::http::Handler;

    #[test]
    fn goaway_answers_and_asks_for_goaway_after() {
        let app = App::new(std::env::temp_dir()).unwrap();
        let response = app.start(request("GET", "/_h2lab/goaway", &[])).finish(&[]);
        assert_eq!(response.status, 200);
        assert!(response.goaway_after);
    }

    #[test]
    fn other_paths_do_not_ask_for_goaway() {
        let app = App::new(std::env::temp_dir()).unwrap();
        let response = app.start(request("GET", "/_h2lab/echo", &[])).finish(&[]);
        assert!(!response.goaway_after);
    }
}
