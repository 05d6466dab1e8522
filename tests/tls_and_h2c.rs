//! One port, every way in — RFC 9113 §3.2 (TLS, ALPN h2), §3.3 (prior knowledge), §3.4 (preface);
//! HTTP/1.1 gets a readable answer; timers and limits of the server (§6.5.3, §9.1).

mod common;

use common::{
    curl, goaway_code, h2c_handshake, have, read_frames_until_close, small_site, text, Server,
};
use std::io::{Read, Write};
use std::time::{Duration, Instant};

const GOAWAY: u8 = 0x07;
const NO_ERROR: u32 = 0x0;
const SETTINGS_TIMEOUT: u32 = 0x4;

#[test]
fn curl_over_tls_negotiates_h2() {
    if !have("curl") {
        return;
    }
    let root = small_site();
    let server = Server::start(&[root.path().to_str().unwrap()]);
    let out = curl(&[
        "--http2",
        "-k",
        "-w",
        "\n%{http_version} %{response_code}",
        &server.https("/hello.txt"),
    ]);
    assert_eq!(
        text(&out.stdout),
        "hello, HTTP/2\n\n2 200",
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn curl_with_prior_knowledge_speaks_h2c() {
    if !have("curl") {
        return;
    }
    let root = small_site();
    let server = Server::start(&[root.path().to_str().unwrap()]);
    let out = curl(&[
        "--http2-prior-knowledge",
        "-w",
        "\n%{http_version} %{response_code}",
        &server.http("/sub/a.txt"),
    ]);
    assert_eq!(text(&out.stdout), "a\n\n2 200", "{}", text(&out.stderr));
}

#[test]
fn the_development_ca_verifies_localhost_and_127_0_0_1() {
    if !have("curl") {
        return;
    }
    let root = small_site();
    let server = Server::start(&[root.path().to_str().unwrap()]);
    let ca = common::crate_file("certs/ca.pem");
    for host in ["localhost", "127.0.0.1"] {
        let url = format!("https://{host}:{}/hello.txt", server.port());
        let out = curl(&[
            "--cacert",
            ca.to_str().unwrap(),
            "-w",
            "%{http_version}",
            &url,
        ]);
        assert_eq!(
            text(&out.stdout),
            "hello, HTTP/2\n2",
            "{host}: {}",
            text(&out.stderr)
        );
    }
}

/// Asks with curl over HTTP/1.1 (`curl_args` then the URL that `url` makes for the server) and
/// requires the readable 505: the text names how the request came and gives the curl `hint`.
fn http1_gets_a_readable_505(
    curl_args: &[&str],
    url: impl Fn(&Server) -> String,
    came_as: &str,
    hint: impl Fn(u16) -> String,
) {
    if !have("curl") {
        return;
    }
    let root = small_site();
    let server = Server::start(&[root.path().to_str().unwrap()]);
    let url = url(&server);
    let mut args = vec!["--http1.1", "-w", "%{http_version} %{response_code}"];
    args.extend_from_slice(curl_args);
    args.push(&url);
    let body = text(&curl(&args).stdout);
    assert!(body.contains("h2lab speaks HTTP/2 only"), "{body}");
    assert!(body.contains(came_as), "{body}");
    assert!(body.contains(&hint(server.port())), "{body}");
    assert!(body.ends_with("1.1 505"), "{body}");
}

#[test]
fn http1_in_cleartext_gets_a_readable_505() {
    http1_gets_a_readable_505(
        &[],
        |server| server.http("/hello.txt"),
        "came as HTTP/1.1",
        |port| format!("curl --http2-prior-knowledge http://127.0.0.1:{port}/hello.txt\n"),
    );
}

#[test]
fn http1_over_tls_without_alpn_h2_gets_a_readable_505() {
    http1_gets_a_readable_505(
        &["-k"],
        |server| server.https("/"),
        "came as HTTP/1.1 over TLS",
        |port| format!("curl --http2 -k https://127.0.0.1:{port}/\n"),
    );
}

#[test]
fn octets_that_are_neither_tls_nor_http_are_closed_at_once() {
    let root = small_site();
    let server = Server::start(&[root.path().to_str().unwrap()]);
    let mut tcp = server.connect();
    tcp.write_all(&[0x00, 0x01, 0x02, 0x03]).unwrap();
    let started = Instant::now();
    let mut rest = Vec::new();
    let _ = tcp.read_to_end(&mut rest);
    assert!(rest.is_empty());
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn a_client_that_sends_nothing_is_dropped_after_10_seconds() {
    let root = small_site();
    let server = Server::start(&[root.path().to_str().unwrap()]);
    let mut tcp = server.connect();
    let started = Instant::now();
    let mut rest = Vec::new();
    let _ = tcp.read_to_end(&mut rest);
    let waited = started.elapsed();
    assert!(rest.is_empty());
    assert!(waited >= Duration::from_secs(9), "{waited:?}");
    assert!(waited < Duration::from_secs(20), "{waited:?}");
}

#[test]
fn a_tls_client_that_stops_mid_handshake_is_dropped_after_10_seconds() {
    let root = small_site();
    let server = Server::start(&[root.path().to_str().unwrap()]);
    let mut tcp = server.connect();
    // A TLS record header of type handshake (0x16), version 0x0301, and nothing more.
    tcp.write_all(&[0x16, 0x03, 0x01, 0x00, 0x40]).unwrap();
    let started = Instant::now();
    let mut rest = Vec::new();
    let _ = tcp.read_to_end(&mut rest);
    let waited = started.elapsed();
    assert!(waited >= Duration::from_secs(9), "{waited:?}");
    assert!(waited < Duration::from_secs(20), "{waited:?}");
}

#[test]
fn unacknowledged_settings_end_in_goaway_settings_timeout() {
    let root = small_site();
    let server = Server::start(&[root.path().to_str().unwrap()]);
    let mut tcp = h2c_handshake(&server, false);
    let started = Instant::now();
    let (closed, frames) = read_frames_until_close(&mut tcp, Duration::from_secs(20));
    assert!(closed);
    assert!(started.elapsed() >= Duration::from_secs(9));
    let (kind, _, stream, payload) = frames.last().unwrap();
    assert_eq!((*kind, *stream), (GOAWAY, 0));
    assert_eq!(goaway_code(payload), SETTINGS_TIMEOUT);
}

#[test]
fn a_connection_without_streams_is_closed_after_the_idle_timeout() {
    let root = small_site();
    let server = Server::start(&["--idle-timeout", "1", root.path().to_str().unwrap()]);
    let mut tcp = h2c_handshake(&server, true);
    let started = Instant::now();
    let (closed, frames) = read_frames_until_close(&mut tcp, Duration::from_secs(10));
    let waited = started.elapsed();
    assert!(closed);
    assert!(waited >= Duration::from_millis(900), "{waited:?}");
    assert!(waited < Duration::from_secs(5), "{waited:?}");
    assert_eq!(
        frames.first().map(|f| f.0),
        Some(0x04),
        "our SETTINGS come first"
    );
    let (kind, _, _, payload) = frames.last().unwrap();
    assert_eq!(*kind, GOAWAY);
    assert_eq!(goaway_code(payload), NO_ERROR);
}

#[test]
fn a_slot_is_given_back_when_its_connection_ends() {
    if !have("curl") {
        return;
    }
    let root = small_site();
    let server = Server::start(&["--max-connections", "1", root.path().to_str().unwrap()]);
    for _ in 0..3 {
        let out = curl(&[
            "--http2-prior-knowledge",
            "-w",
            "%{response_code}",
            "-o",
            "/dev/null",
            &server.http("/"),
        ]);
        assert_eq!(text(&out.stdout), "200", "{}", text(&out.stderr));
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn garbage_after_the_preface_ends_that_connection_only() {
    if !have("curl") {
        return;
    }
    let root = small_site();
    let mut server = Server::start(&[root.path().to_str().unwrap()]);
    let mut tcp = server.connect();
    let mut bad = common::PREFACE.to_vec();
    bad.extend_from_slice(&[0xff; 64]);
    tcp.write_all(&bad).unwrap();
    let (closed, frames) = read_frames_until_close(&mut tcp, Duration::from_secs(10));
    assert!(closed);
    assert_eq!(frames.last().map(|f| f.0), Some(GOAWAY));
    assert!(server.is_running());
    let out = curl(&[
        "--http2-prior-knowledge",
        "-w",
        "%{response_code}",
        "-o",
        "/dev/null",
        &server.http("/"),
    ]);
    assert_eq!(text(&out.stdout), "200");
}

#[test]
fn a_client_that_does_not_trust_the_certificate_is_explained_in_the_log() {
    if !have("curl") {
        return;
    }
    let root = small_site();
    let server = Server::start(&[root.path().to_str().unwrap()]);
    let out = curl(&["--http2", &server.https("/hello.txt")]);
    assert_eq!(out.status.code(), Some(60), "{}", text(&out.stderr));
    assert!(
        server.wait_for_log("does not trust the certificate", Duration::from_secs(5)),
        "{}",
        server.log()
    );
}
