//! Mistakes on demand as real clients meet them: `/_h2lab/mistakes/NAME` fetched with curl, nghttp
//! and Python `h2` (`tests/h2_mistakes.py`), over TLS and over h2c, and what each one reports,
//! pinned as measured (curl 7.88, nghttp2 1.52, h2 4.4). `scripts/mistakes-table.sh` measures the
//! same, headless Chromium included, for the README's table.

mod common;

use std::process::Output;

use common::{crate_file, have, python_h2_available, run, small_site, text, Server};

/// What curl, nghttp and Python `h2` are expected to say about one fault.
struct Expected {
    /// curl's exit status, and a part of its one-line complaint (empty when it has none).
    curl: (i32, &'static str),
    /// A part of what nghttp reports: see [`nghttp_verdict`].
    nghttp: &'static str,
    /// Python `h2`: how the exchange ended, and a part of the error it raised.
    python: (&'static str, &'static str),
}

/// Runs the three clients against `/_h2lab/mistakes/NAME` over TLS and h2c and checks each report.
fn clients_report(name: &str, expected: &Expected) {
    let root = small_site();
    let server = Server::start(&[root.path().to_str().unwrap()]);
    let path = format!("/_h2lab/mistakes/{name}");
    for tls in [true, false] {
        let transport = if tls { "TLS" } else { "h2c" };
        let context = |client: &str, seen: &str| {
            format!(
                "{name} over {transport}, {client} said:\n{seen}\nserver log:\n{}",
                server.log()
            )
        };
        if have("curl") {
            let (url, mode) = if tls {
                (server.https(&path), "--http2")
            } else {
                (server.http(&path), "--http2-prior-knowledge")
            };
            let out = run(
                "curl",
                &[
                    "-sS",
                    mode,
                    "-k",
                    "--max-time",
                    "10",
                    "-o",
                    "/dev/null",
                    &url,
                ],
            );
            let stderr = text(&out.stderr);
            let (status, complaint) = expected.curl;
            assert_eq!(
                out.status.code(),
                Some(status),
                "{}",
                context("curl", &stderr)
            );
            assert!(stderr.contains(complaint), "{}", context("curl", &stderr));
            if complaint.is_empty() {
                assert_eq!(stderr, "", "{}", context("curl", &stderr));
            }
        }
        if have("nghttp") {
            let url = if tls {
                server.https(&path)
            } else {
                server.http(&path)
            };
            let verdict = nghttp_verdict(&run("nghttp", &["-v", "--timeout=2", &url]));
            assert!(
                verdict.contains(expected.nghttp),
                "{}",
                context("nghttp", &verdict)
            );
        }
        if python_h2_available() {
            let seen = python_h2(&server, if tls { "tls" } else { "h2c" }, &path, &[]);
            let (outcome, error) = expected.python;
            let said = seen.to_string();
            assert_eq!(seen["outcome"], outcome, "{}", context("h2", &said));
            let raised = seen["error"].as_str().unwrap_or_default();
            assert!(raised.contains(error), "{}", context("h2", &said));
        }
    }
}

/// The lines of `nghttp -v` that tell what it made of the response: its `[ERROR]` and
/// `[INVALID; …]` lines, each RST_STREAM and GOAWAY it sent with the line of codes after it, and
/// the last frame received.
fn nghttp_verdict(out: &Output) -> String {
    let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
    let lines: Vec<&str> = all.lines().collect();
    let mut verdict = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let line = line.trim();
        if line.contains("[ERROR]") || line.contains("[INVALID") {
            verdict.push(line.to_string());
        }
        if line.contains("send RST_STREAM") || line.contains("send GOAWAY") {
            let codes = lines.get(index + 1).map_or("", |next| next.trim());
            verdict.push(format!("{line} {codes}"));
        }
    }
    if let Some(last) = lines.iter().rev().find(|line| line.contains(" recv ")) {
        verdict.push(format!("last received: {}", last.trim()));
    }
    verdict.join("\n")
}

/// Runs `tests/h2_mistakes.py` for `path`; its JSON report.
fn python_h2(server: &Server, mode: &str, path: &str, extra: &[&str]) -> serde_json::Value {
    let script = crate_file("tests/h2_mistakes.py");
    let ca = crate_file("certs/ca.pem");
    let port = server.port().to_string();
    let mut args = vec![
        script.to_str().unwrap(),
        mode,
        &port,
        ca.to_str().unwrap(),
        path,
    ];
    args.extend_from_slice(extra);
    let out = run("python3", &args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("one JSON object")
}

/// curl's complaint when the client resets the stream it asked on.
const CURL_STREAM_ERROR: (i32, &str) = (
    92,
    "HTTP/2 stream 1 was not closed cleanly: PROTOCOL_ERROR (err 1)",
);

/// curl's complaint when it ends the connection before a response.
const CURL_EMPTY_REPLY: (i32, &str) = (52, "Empty reply from server");

#[test]
fn status_colon_is_an_invalid_field_to_every_client() {
    clients_report(
        "status-colon",
        &Expected {
            curl: CURL_STREAM_ERROR,
            nghttp: "Invalid HTTP header field was received: frame type: 1, stream: 13, name: \
                     [:status:], value: [200]",
            python: (
                "refused",
                "ProtocolError: Illegal character ':' in header name: b':status:'",
            ),
        },
    );
}

#[test]
fn new_stream_is_taken_for_a_request_sent_to_the_client() {
    clients_report(
        "new-stream",
        &Expected {
            curl: CURL_EMPTY_REPLY,
            nghttp: "error_code=PROTOCOL_ERROR(0x01), opaque_data(40)=[request HEADERS: client \
                     received request]",
            python: (
                "refused",
                "ProtocolError: Header block missing mandatory b':method' header",
            ),
        },
    );
}

#[test]
fn uppercase_name_is_refused_by_every_client() {
    clients_report(
        "uppercase-name",
        &Expected {
            curl: CURL_STREAM_ERROR,
            nghttp: "name: [Content-Type], value: [text/plain; charset=utf-8]",
            python: (
                "refused",
                "ProtocolError: Received uppercase header name b'Content-Type'.",
            ),
        },
    );
}

#[test]
fn connection_header_is_refused_by_every_client() {
    clients_report(
        "connection-header",
        &Expected {
            curl: CURL_STREAM_ERROR,
            nghttp: "name: [connection], value: [keep-alive]",
            python: (
                "refused",
                "ProtocolError: Connection-specific header field present: b'connection'.",
            ),
        },
    );
}

#[test]
fn no_status_is_refused_by_every_client() {
    clients_report(
        "no-status",
        &Expected {
            curl: CURL_STREAM_ERROR,
            nghttp: "[INVALID; error=Violation in HTTP messaging rule] recv HEADERS frame",
            python: (
                "refused",
                "ProtocolError: Header block missing mandatory b':status' header",
            ),
        },
    );
}

#[test]
fn pseudo_after_regular_is_refused_by_every_client() {
    clients_report(
        "pseudo-after-regular",
        &Expected {
            curl: CURL_STREAM_ERROR,
            nghttp: "name: [:status], value: [200]",
            python: (
                "refused",
                "ProtocolError: Received pseudo-header field out of sequence: b':status'",
            ),
        },
    );
}

#[test]
fn content_length_mismatch_is_noticed_at_the_end_of_the_stream() {
    clients_report(
        "content-length-mismatch",
        &Expected {
            curl: CURL_STREAM_ERROR,
            nghttp: "send RST_STREAM frame <length=4, flags=0x00, stream_id=13> \
                     (error_code=PROTOCOL_ERROR(0x01))",
            python: ("refused", "InvalidBodyLengthError"),
        },
    );
}

#[test]
fn window_overrun_is_caught_only_by_a_client_that_does_not_reopen_its_window() {
    clients_report(
        "window-overrun",
        &Expected {
            curl: (0, ""),
            // Nothing refused: the response's last frame arrives, and nghttp says goodbye.
            nghttp: "recv DATA frame <length=16384, flags=0x01, stream_id=13>",
            python: (
                "refused",
                "FlowControlError: Flow control window shrunk below 0",
            ),
        },
    );
}

#[test]
fn oversized_frame_is_a_frame_size_error() {
    clients_report(
        "oversized-frame",
        &Expected {
            curl: (18, "transfer closed with 16385 bytes remaining to read"),
            nghttp: "error_code=FRAME_SIZE_ERROR(0x06), opaque_data(20)=[too large frame size]",
            python: (
                "refused",
                "FrameTooLargeError: Received overlong frame: length 16385, max 16384",
            ),
        },
    );
}

#[test]
fn interleaved_header_block_ends_the_connection() {
    clients_report(
        "interleaved-header-block",
        &Expected {
            curl: CURL_EMPTY_REPLY,
            nghttp: "error_code=PROTOCOL_ERROR(0x01), opaque_data(57)=[unexpected \
                     non-CONTINUATION frame or stream_id is invalid]",
            python: (
                "refused",
                "ProtocolError: Invalid frame during header block.",
            ),
        },
    );
}

#[test]
fn bad_hpack_index_is_a_compression_error() {
    clients_report(
        "bad-hpack-index",
        &Expected {
            curl: CURL_EMPTY_REPLY,
            nghttp: "error_code=COMPRESSION_ERROR(0x09)",
            python: (
                "refused",
                "ProtocolError: Error decoding header block: Invalid table index 1000",
            ),
        },
    );
}

#[test]
fn no_end_stream_leaves_clients_waiting_unless_content_length_satisfies_them() {
    clients_report(
        "no-end-stream",
        &Expected {
            curl: (0, ""),
            nghttp: "[ERROR] Timeout",
            python: ("timeout", ""),
        },
    );
}

#[test]
fn the_index_lists_every_mistake_and_an_unknown_one_is_404() {
    if !have("curl") {
        return;
    }
    let root = small_site();
    let server = Server::start(&[root.path().to_str().unwrap()]);
    let out = run(
        "curl",
        &["-sS", "--http2", "-k", &server.https("/_h2lab/mistakes/")],
    );
    let page = text(&out.stdout);
    let names = [
        "status-colon",
        "new-stream",
        "uppercase-name",
        "connection-header",
        "no-status",
        "pseudo-after-regular",
        "content-length-mismatch",
        "window-overrun",
        "oversized-frame",
        "interleaved-header-block",
        "bad-hpack-index",
        "no-end-stream",
    ];
    for name in names {
        assert!(
            page.contains(&format!("<a href=\"/_h2lab/mistakes/{name}\">{name}</a>")),
            "{name}: {page}"
        );
    }
    let out = run(
        "curl",
        &[
            "-sS",
            "--http2",
            "-k",
            "-w",
            "%{http_code}",
            &server.https("/_h2lab/mistakes/no-such-mistake"),
        ],
    );
    let answer = text(&out.stdout);
    assert!(answer.ends_with("404"), "{answer}");
    for name in names {
        assert!(answer.lines().any(|line| line == name), "{name}: {answer}");
    }
}
