//! `/_h2lab/mistakes/` — the classic mistakes of a hand-written HTTP/2 server, made on request.
//!
//! `/_h2lab/mistakes/` lists every [`Fault`]: a link, what the server does wrong and the rule it
//! breaks. `/_h2lab/mistakes/NAME` answers that one request with that fault (the connection's
//! send path makes it; this module only names it), so that a learner can point curl, nghttp or a
//! browser at it and read what the client says. An unknown NAME is a 404 that lists the names.

use super::mime;
use crate::http::{Body, Fault, Response};

/// Where the mistakes live.
pub const PREFIX: &str = "/_h2lab/mistakes/";

/// The answer to `path`, which starts with `/_h2lab/mistakes` (with or without the slash).
pub fn respond(path: &str) -> Response {
    let name = path
        .strip_prefix(PREFIX)
        .or_else(|| path.strip_prefix(PREFIX.trim_end_matches('/')))
        .unwrap_or_default();
    if name.is_empty() {
        return index();
    }
    let Some(fault) = Fault::from_name(name) else {
        return unknown(name);
    };
    let text = format!(
        "h2lab sent this response with a mistake on purpose: {} ({}, {}).\n\
         If you can read this, your client did not notice.\n",
        fault.name(),
        fault.summary(),
        fault.rule(),
    );
    Response {
        status: 200,
        headers: vec![("content-type".into(), mime::TEXT.into())],
        body: Body::Bytes(text.into_bytes()),
        fault: Some(fault),
        push: Vec::new(),
        goaway_after: false,
    }
}

/// The list of faults, as HTML: one link and one line each.
fn index() -> Response {
    let mut page = String::from(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>h2lab: mistakes on demand</title></head><body>\n\
         <h1>Mistakes on demand</h1>\n\
         <p>Each link below is answered with one classic mistake of a hand-written HTTP/2 server; \
         the rest of the server stays correct. Try them with <code>curl -v --http2</code>, \
         <code>nghttp -v</code> or this browser, and read what the client says.</p>\n<ul>\n",
    );
    for fault in Fault::ALL {
        page.push_str(&format!(
            "<li><a href=\"{PREFIX}{name}\">{name}</a>: {summary} ({rule})</li>\n",
            name = fault.name(),
            summary = html_code(fault.summary()),
            rule = fault.rule(),
        ));
    }
    page.push_str("</ul>\n</body></html>\n");
    Response::new(
        200,
        vec![("content-type".into(), mime::HTML.into())],
        Body::Bytes(page.into_bytes()),
    )
}

/// 404 for a name that is no fault, with the names there are.
fn unknown(name: &str) -> Response {
    let mut text = format!("no mistake called {name:?}; there are:\n");
    for fault in Fault::ALL {
        text.push_str(fault.name());
        text.push('\n');
    }
    Response::new(
        404,
        vec![("content-type".into(), mime::TEXT.into())],
        Body::Bytes(text.into_bytes()),
    )
}

/// A summary as HTML: `` `x` `` becomes `<code>x</code>`; the summaries hold no other markup.
fn html_code(summary: &str) -> String {
    let escaped = summary.replace('&', "&amp;").replace('<', "&lt;");
    let mut out = String::new();
    for (index, part) in escaped.split('`').enumerate() {
        if index % 2 == 1 {
            out.push_str("<code>");
            out.push_str(part);
            out.push_str("</code>");
        } else {
            out.push_str(part);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::testutil::get;
    use super::super::App;
    use super::*;

    fn app() -> App {
        App::new(std::env::temp_dir()).unwrap()
    }

    #[test]
    fn the_index_links_every_fault_with_its_rule() {
        let app = app();
        for path in ["/_h2lab/mistakes/", "/_h2lab/mistakes"] {
            let answer = get(&app, path);
            assert_eq!(answer.status, 200);
            assert_eq!(answer.fault, None);
            assert_eq!(answer.header("content-type"), Some(mime::HTML));
            let page = String::from_utf8(answer.body).unwrap();
            for fault in Fault::ALL {
                let link = format!("<a href=\"/_h2lab/mistakes/{0}\">{0}</a>", fault.name());
                assert!(page.contains(&link), "{path}: {link}");
                assert!(page.contains(fault.rule()), "{fault:?}");
            }
            assert!(page.contains("named <code>:status:</code>"));
        }
    }

    #[test]
    fn each_name_answers_with_its_fault_and_a_body_that_names_it() {
        let app = app();
        for fault in Fault::ALL {
            let answer = get(&app, &format!("/_h2lab/mistakes/{}", fault.name()));
            assert_eq!(answer.status, 200);
            assert_eq!(answer.fault, Some(fault));
            let length = answer.body.len().to_string();
            assert_eq!(answer.header("content-length"), Some(length.as_str()));
            let text = String::from_utf8(answer.body).unwrap();
            assert!(text.contains(fault.name()) && text.contains(fault.rule()));
        }
    }

    #[test]
    fn an_unknown_name_is_404_listing_the_names() {
        let answer = get(&app(), "/_h2lab/mistakes/status-semicolon");
        assert_eq!(answer.status, 404);
        assert_eq!(answer.fault, None);
        let text = String::from_utf8(answer.body).unwrap();
        assert!(text.starts_with("no mistake called \"status-semicolon\""));
        for fault in Fault::ALL {
            assert!(text.lines().any(|line| line == fault.name()), "{fault:?}");
        }
    }
}
