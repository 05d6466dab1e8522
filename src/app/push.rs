//! `/_h2lab/push` — server push as a lesson (RFC 9113 §8.4): a page, and its stylesheet pushed
//! with it.
//!
//! The page names its stylesheet, `/_h2lab/push/style.css`, and its response asks the connection
//! to push that stylesheet (a GET with the page request's `:scheme` and `:authority`). The
//! connection sends PUSH_PROMISE and the pushed response when the client allows push, and only the
//! page when it does not (SETTINGS_ENABLE_PUSH = 0, as every current browser says); the client
//! then asks for the stylesheet itself, and gets the same octets.

use super::mime;
use crate::http::{Body, Request, Response};

/// The page.
pub const PATH: &str = "/_h2lab/push";

/// The stylesheet, pushed with the page.
pub const STYLESHEET: &str = "/_h2lab/push/style.css";

/// The page's HTML.
const PAGE: &str = "<!doctype html>
<html lang=\"en\"><head><meta charset=\"utf-8\"><title>h2lab: server push</title>
<link rel=\"stylesheet\" href=\"/_h2lab/push/style.css\"></head>
<body>
<h1>Server push</h1>
<p>Along with this page h2lab promised its stylesheet in a PUSH_PROMISE frame on this page's
stream, then sent the stylesheet's response on the stream it promised (RFC 9113 §8.4), unless the
client had said SETTINGS_ENABLE_PUSH = 0. Browsers no longer accept push; <code>nghttp -v</code>
shows it: <code>nghttp -v https://127.0.0.1:8443/_h2lab/push</code>.</p>
</body></html>
";

/// The stylesheet.
const CSS: &str = "body { font-family: sans-serif; max-width: 40em; margin: 2em auto; }
h1 { color: #2a6; }
";

/// The answer to `path`, which is [`PATH`] or [`STYLESHEET`], for `request`.
pub fn respond(path: &str, request: &Request) -> Option<Response> {
    let (content_type, body, push) = match path {
        PATH => (
            mime::HTML,
            PAGE,
            vec![Request::promised(request, STYLESHEET)],
        ),
        STYLESHEET => (mime::content_type("style.css"), CSS, Vec::new()),
        _ => return None,
    };
    Some(Response {
        status: 200,
        headers: vec![("content-type".into(), content_type.into())],
        body: Body::Bytes(body.as_bytes().to_vec()),
        fault: None,
        push,
        goaway_after: false,
    })
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{get, request};
    use super::super::App;
    use super::*;

    #[test]
    fn the_page_names_its_stylesheet_and_asks_to_push_it_with_the_requests_authority() {
        let app = App::new(std::env::temp_dir()).unwrap();
        let answer = get(&app, PATH);
        assert_eq!(answer.status, 200);
        assert!(String::from_utf8(answer.body).unwrap().contains(STYLESHEET));
        let page_request = request("GET", PATH, &[]);
        assert_eq!(
            answer.push,
            vec![Request {
                method: "GET".into(),
                scheme: "https".into(),
                authority: Some("localhost".into()),
                path: STYLESHEET.into(),
                fields: vec![
                    (":method".into(), "GET".into()),
                    (":scheme".into(), page_request.scheme.clone()),
                    (":authority".into(), "localhost".into()),
                    (":path".into(), STYLESHEET.into()),
                ],
                connection: page_request.connection,
            }]
        );
    }

    #[test]
    fn the_stylesheet_is_served_on_its_own_too() {
        let app = App::new(std::env::temp_dir()).unwrap();
        let answer = get(&app, STYLESHEET);
        assert_eq!(answer.status, 200);
        assert_eq!(
            answer.header("content-type"),
            Some("text/css; charset=utf-8")
        );
        assert_eq!(answer.body, CSS.as_bytes());
        assert!(answer.push.is_empty());
    }
}
