//! The inspector — `/_h2lab/`: a page that shows the connection it came over, frame by frame, and
//! lists the recent connections of every client; the JSON behind it.
//!
//! | path | answer |
//! |---|---|
//! | `/_h2lab/` | `inspector.html`: HTML, CSS and JavaScript in one file, nothing else fetched |
//! | `/_h2lab/connections` | the connections recorded, newest first |
//! | `/_h2lab/connections/N` | connection N: its events, dynamic tables, streams and windows |
//!
//! The JSON is written by `trace::record::json`.
//!
//! The page learns which connection is its own from the request that fetched it
//! ([`Request::connection`]), written into the page where it says `{{connection}}`, then polls
//! the JSON once a second. The server hands the application the record ([`Store`]); with
//! `--no-inspect` there is none, the page says that recording is off and the JSON says
//! `"recording": false`.

use super::mime;
use crate::http::{Body, Request, Response};
use crate::json;
use crate::trace::record::{json as record_json, Store};

/// The page.
pub const PAGE: &str = "/_h2lab/";

/// The list of connections; one connection is `/_h2lab/connections/N`.
const CONNECTIONS: &str = "/_h2lab/connections";

/// The page's HTML, with `{{connection}}` and `{{recording}}` to fill in.
const HTML: &str = include_str!("inspector.html");

/// Whether `path` (without its query) is the inspector's.
pub fn serves(path: &str) -> bool {
    path == PAGE || path == CONNECTIONS || path.starts_with("/_h2lab/connections/")
}

/// The answer to `request` for `path`, one of those [`serves`] accepts, from `record`.
pub fn respond(path: &str, request: &Request, record: Option<&Store>) -> Response {
    if path == PAGE {
        return page(request.connection, record.is_some());
    }
    let Some(record) = record else {
        return answer(
            200,
            mime::JSON,
            "{\"recording\": false, \"connections\": []}".to_string(),
        );
    };
    let Some(id) = path.strip_prefix("/_h2lab/connections/") else {
        return answer(200, mime::JSON, record_json::connections(record));
    };
    let Ok(id) = id.parse::<u64>() else {
        return error(404, "no such connection: expected /_h2lab/connections/N");
    };
    match record_json::connection(record, id) {
        Some(json) => answer(200, mime::JSON, json),
        None => error(
            404,
            &format!(
                "connection {id} is not recorded: only the last {} are kept \
                 (--inspect-connections)",
                record.limits().connections
            ),
        ),
    }
}

/// The page, told which connection it came over and whether anything is recorded.
fn page(connection: u64, recording: bool) -> Response {
    let html = HTML
        .replace("{{connection}}", &connection.to_string())
        .replace("{{recording}}", if recording { "on" } else { "off" });
    answer(200, mime::HTML, html)
}

/// `{"error": message}`.
fn error(status: u16, message: &str) -> Response {
    let mut body = String::from("{\"error\": ");
    json::push_str(&mut body, message.as_bytes());
    body.push('}');
    answer(status, mime::JSON, body)
}

/// A response that no cache keeps: the record changes with every request.
fn answer(status: u16, content_type: &'static str, body: String) -> Response {
    let headers = vec![
        ("content-type".into(), content_type.into()),
        ("cache-control".into(), "no-store".into()),
    ];
    Response::new(status, headers, Body::Bytes(body.into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{get, TempDir};
    use super::super::App;
    use super::*;
    use crate::trace::record::Limits;
    use crate::trace::{Event, Observer};
    use std::sync::Arc;

    fn app(record: Option<Arc<Store>>) -> (TempDir, App) {
        let dir = TempDir::new();
        let app = App::new(dir.path().to_path_buf())
            .unwrap()
            .with_record(record);
        (dir, app)
    }

    fn json(body: &[u8]) -> serde_json::Value {
        serde_json::from_slice(body).unwrap()
    }

    #[test]
    fn the_page_knows_its_own_connection_and_needs_nothing_from_elsewhere() {
        let (_dir, app) = app(Some(Arc::new(Store::new(Limits::default()))));
        let answer = get(&app, PAGE);
        assert_eq!(answer.status, 200);
        assert_eq!(answer.header("content-type"), Some(mime::HTML));
        assert_eq!(answer.header("cache-control"), Some("no-store"));
        let html = String::from_utf8(answer.body).unwrap();
        // The test request came over connection 1 (testutil::request).
        assert!(html.contains("data-connection=\"1\""), "{html}");
        assert!(html.contains("data-recording=\"on\""));
        assert!(!html.contains("{{"), "every placeholder is filled");
        for external in ["http://", "https://", "src=\"/", "href=\"/"] {
            assert!(!html.contains(external), "{external} in the page");
        }
    }

    #[test]
    fn the_json_lists_the_connections_and_shows_each() {
        let store = Arc::new(Store::new(Limits::default()));
        let mut recorder = store.recorder(4, None);
        recorder.event(&Event::Closed { reason: "done" });
        recorder.end_turn();
        let (_dir, app) = app(Some(Arc::clone(&store)));

        let list = get(&app, "/_h2lab/connections");
        assert_eq!(list.header("content-type"), Some(mime::JSON));
        let list = json(&list.body);
        assert_eq!(list["connections"][0]["id"], 4);

        let one = get(&app, "/_h2lab/connections/4");
        assert_eq!(one.status, 200);
        assert_eq!(json(&one.body)["events"]["first"][0]["kind"], "closed");

        let gone = get(&app, "/_h2lab/connections/5");
        assert_eq!(gone.status, 404);
        assert_eq!(
            json(&gone.body)["error"],
            "connection 5 is not recorded: only the last 32 are kept (--inspect-connections)"
        );
        assert_eq!(get(&app, "/_h2lab/connections/x").status, 404);
    }

    #[test]
    fn without_a_record_the_page_and_the_json_say_that_recording_is_off() {
        let (_dir, app) = app(None);
        let html = String::from_utf8(get(&app, PAGE).body).unwrap();
        assert!(html.contains("data-recording=\"off\""));
        let list = json(&get(&app, "/_h2lab/connections").body);
        assert_eq!(list["recording"], false);
        let one = json(&get(&app, "/_h2lab/connections/1").body);
        assert_eq!(one["recording"], false);
    }
}
