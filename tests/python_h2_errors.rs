//! Error cases through an independent client, Python `h2` (driven by `tests/h2_errors.py`): what
//! a real HTTP/2 stack sees when it breaks a rule, over TLS and h2c. The raw-frame catalogue
//! (`conformance_*.rs`) covers every rule; these check that another implementation reads our
//! reactions the same way.

mod common;

use common::{crate_file, python_h2_available, run, small_site, text, Server};

const PROTOCOL_ERROR: u64 = 0x1;

/// Runs one case of `h2_errors.py` against a fresh server; its JSON report.
fn reaction(mode: &str, case: &str) -> Option<serde_json::Value> {
    if !python_h2_available() {
        return None;
    }
    let root = small_site();
    let server = Server::start(&[root.path().to_str().unwrap()]);
    let script = crate_file("tests/h2_errors.py");
    let ca = crate_file("certs/ca.pem");
    let out = run(
        "python3",
        &[
            script.to_str().unwrap(),
            mode,
            &server.port().to_string(),
            ca.to_str().unwrap(),
            case,
        ],
    );
    assert!(
        out.status.success(),
        "{case} over {mode}: {}\nserver log:\n{}",
        text(&out.stderr),
        server.log()
    );
    Some(serde_json::from_slice(&out.stdout).expect("one JSON object"))
}

/// RFC 9113 §8.1.1: a malformed request is a stream error PROTOCOL_ERROR; the connection goes on.
fn malformed_request_is_reset_and_the_connection_serves_on(case: &str) {
    for mode in ["tls", "h2c"] {
        let Some(seen) = reaction(mode, case) else {
            return;
        };
        assert_eq!(seen["reaction"], "reset", "{case} over {mode}: {seen}");
        assert_eq!(seen["stream"], seen["expected_stream"], "{seen}");
        assert_eq!(seen["code"], PROTOCOL_ERROR, "{seen}");
        assert_eq!(seen["then_get"], 200, "{seen}");
    }
}

#[test]
fn s8_2_uppercase_field_name_is_reset_by_protocol_error() {
    malformed_request_is_reset_and_the_connection_serves_on("uppercase-field-name");
}

#[test]
fn s8_2_2_connection_specific_field_is_reset_by_protocol_error() {
    malformed_request_is_reset_and_the_connection_serves_on("connection-specific-field");
}

#[test]
fn s8_2_2_te_other_than_trailers_is_reset_by_protocol_error() {
    malformed_request_is_reset_and_the_connection_serves_on("te-not-trailers");
}

/// A connection error: GOAWAY PROTOCOL_ERROR with last stream 0 (no request was processed).
fn connection_error(case: &str) {
    for mode in ["tls", "h2c"] {
        let Some(seen) = reaction(mode, case) else {
            return;
        };
        assert_eq!(seen["reaction"], "goaway", "{case} over {mode}: {seen}");
        assert_eq!(seen["code"], PROTOCOL_ERROR, "{seen}");
        assert_eq!(seen["last_stream"], 0, "{seen}");
    }
}

#[test]
fn s6_7_ping_on_a_stream_ends_the_connection_with_protocol_error() {
    connection_error("ping-on-a-stream");
}

#[test]
fn s6_9_zero_connection_window_increment_ends_the_connection_with_protocol_error() {
    connection_error("zero-window-increment");
}
