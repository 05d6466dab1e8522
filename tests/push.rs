//! Server push (`/_h2lab/push`, RFC 9113 §8.4) as real clients see it, over TLS and h2c: nghttp
//! shows the PUSH_PROMISE and the pushed stream, Python `h2` receives the pushed response, and a
//! client that says SETTINGS_ENABLE_PUSH = 0 gets the page alone.

mod common;

use common::{crate_file, have, python_h2_available, run, small_site, text, Server};

const CSS_LENGTH: &str = "89";

fn urls(server: &Server) -> [String; 2] {
    [server.https("/_h2lab/push"), server.http("/_h2lab/push")]
}

#[test]
fn nghttp_shows_the_push_promise_and_the_pushed_stream() {
    if !have("nghttp") {
        return;
    }
    let root = small_site();
    let server = Server::start(&[root.path().to_str().unwrap()]);
    for url in urls(&server) {
        let out = run("nghttp", &["-v", "--timeout=5", &url]);
        let shown = text(&out.stdout);
        for expected in [
            "recv (stream_id=13) :path: /_h2lab/push/style.css",
            "recv PUSH_PROMISE frame <length=",
            "(padlen=0, promised_stream_id=2)",
            "recv (stream_id=2) :status: 200",
            "recv (stream_id=2) content-type: text/css; charset=utf-8",
            &format!("recv DATA frame <length={CSS_LENGTH}, flags=0x01, stream_id=2>"),
            "recv DATA frame <length=",
        ] {
            assert!(shown.contains(expected), "{url}: {expected}\n{shown}");
        }
        assert!(out.status.success(), "{url}\n{shown}");
    }
}

#[test]
fn nghttp_with_no_push_gets_the_page_alone() {
    if !have("nghttp") {
        return;
    }
    let root = small_site();
    let server = Server::start(&[root.path().to_str().unwrap()]);
    for url in urls(&server) {
        let out = run("nghttp", &["-v", "--no-push", "--timeout=5", &url]);
        let shown = text(&out.stdout);
        assert!(
            shown.contains("[SETTINGS_ENABLE_PUSH(0x02):0]"),
            "{url}\n{shown}"
        );
        assert!(!shown.contains("recv PUSH_PROMISE"), "{url}\n{shown}");
        assert!(
            shown.contains("recv (stream_id=13) :status: 200"),
            "{shown}"
        );
        assert!(out.status.success(), "{url}\n{shown}");
    }
}

#[test]
fn python_h2_receives_the_pushed_stylesheet_unless_it_turns_push_off() {
    if !python_h2_available() {
        return;
    }
    let root = small_site();
    let server = Server::start(&[root.path().to_str().unwrap()]);
    let script = crate_file("tests/h2_mistakes.py");
    let ca = crate_file("certs/ca.pem");
    let port = server.port().to_string();
    for mode in ["tls", "h2c"] {
        for push in [true, false] {
            let mut args = vec![
                script.to_str().unwrap(),
                mode,
                &port,
                ca.to_str().unwrap(),
                "/_h2lab/push",
            ];
            if !push {
                args.push("--no-push");
            }
            let out = run("python3", &args);
            assert!(out.status.success(), "{}", text(&out.stderr));
            let seen: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            assert_eq!(seen["outcome"], "complete", "{mode} push={push}: {seen}");
            assert_eq!(seen["status"], "200", "{seen}");
            let pushed = if push {
                serde_json::json!([{
                    "stream": 2,
                    "path": "/_h2lab/push/style.css",
                    "status": "200",
                    "body_length": CSS_LENGTH.parse::<u64>().unwrap(),
                }])
            } else {
                serde_json::json!([])
            };
            assert_eq!(seen["pushed"], pushed, "{mode} push={push}: {seen}");
        }
    }
}

#[test]
fn curl_which_turns_push_off_gets_the_page_and_can_fetch_the_stylesheet() {
    if !have("curl") {
        return;
    }
    let root = small_site();
    let server = Server::start(&[root.path().to_str().unwrap()]);
    let out = run(
        "curl",
        &[
            "-sS",
            "--http2",
            "-k",
            &server.https("/_h2lab/push"),
            &server.https("/_h2lab/push/style.css"),
        ],
    );
    let both = text(&out.stdout);
    assert!(both.contains("<h1>Server push</h1>"), "{both}");
    assert!(both.contains("body { font-family"), "{both}");
}
