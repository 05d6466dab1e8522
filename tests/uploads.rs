//! Uploads through every initial window the server may advertise — RFC 9113 §6.5.3, §6.9.2 and
//! §6.9.3: our SETTINGS take effect when the client acknowledges them.
//!
//! A client may send up to the initial 65,535 octets per stream before it has processed our
//! SETTINGS, and §6.9.3 says the receiver "MUST be prepared to receive data that exceeds this
//! window size". So h2lab runs here with `--initial-window-size` 0, 16, 1000 and the default,
//! and four clients upload to `/_h2lab/echo` over TLS and h2c: a raw client that sends a 16 KiB
//! body in its first flight, before reading anything, then curl, nghttp and Python `h2` with
//! 1 MiB each. Every upload must arrive whole (the echo's length and SHA-256), and the one through
//! a window of 16 octets must take seconds, not the 65,536 round trips that giving back only what
//! was used would cost.

mod common;

use std::time::{Duration, Instant};

use h2lab::client::{field, Client, Transport};
use h2lab::frame::{self, Frame, Settings};
use sha2::{Digest, Sha256};

use common::{crate_file, curl, have, python_h2_available, run, small_site, text, Server, TempDir};

/// The `--initial-window-size` values tested; `None` is the default, 65,535.
const WINDOWS: [Option<&str>; 4] = [Some("0"), Some("16"), Some("1000"), None];

/// The body of the large uploads: 1 MiB, octet i = i mod 251.
const LARGE: usize = 0x10_0000;

/// A body of `len` octets, octet i = i mod 251.
fn body(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

/// Lowercase hex SHA-256, as the echo reports it.
fn sha256(octets: &[u8]) -> String {
    Sha256::digest(octets)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A server with `--initial-window-size` set to `window` (or left at its default).
fn server(window: Option<&str>, root: &TempDir) -> Server {
    let mut args = Vec::new();
    if let Some(window) = window {
        args.extend(["--initial-window-size", window]);
    }
    args.push(root.path().to_str().unwrap());
    Server::start(&args)
}

/// Fails unless `answer` is the echo's JSON for `sent`.
fn check_echo(answer: &[u8], sent: &[u8], what: &str) {
    let echo: serde_json::Value = serde_json::from_slice(answer)
        .unwrap_or_else(|e| panic!("{what}: not the echo's JSON ({e}): {}", text(answer)));
    assert_eq!(echo["body"]["length"], sent.len(), "{what}: {echo}");
    assert_eq!(echo["body"]["sha256"], sha256(sent), "{what}: {echo}");
}

/// Runs `upload(url, window)` for every window and both transports, each window on its server.
fn every_window(mut upload: impl FnMut(&str, Option<&str>, &Server)) {
    let root = small_site();
    for window in WINDOWS {
        let server = server(window, &root);
        for url in [server.https("/_h2lab/echo"), server.http("/_h2lab/echo")] {
            upload(&url, window, &server);
        }
    }
}

#[test]
fn a_16_kib_body_in_the_first_flight_is_taken_before_our_settings_are_acknowledged() {
    let root = small_site();
    let sent = body(0x4000);
    for window in WINDOWS {
        let server = server(window, &root);
        for transport in Transport::ALL {
            let what = format!("--initial-window-size {window:?} over {transport:?}");
            let mut client = Client::connect(server.addr, transport).unwrap();
            let mut fields = client.request_fields("POST", "/_h2lab/echo");
            fields.push(field("content-length", "16384"));
            let block = client.encode_block(&fields);
            // Preface, SETTINGS, HEADERS and 16 KiB of DATA in one write, before reading a frame.
            let mut flight = frame::PREFACE.to_vec();
            Frame::Settings(Settings {
                ack: false,
                params: Vec::new(),
            })
            .encode(&mut flight);
            flight.extend(h2lab::client::raw_frame(0x1, 0x4, 0x1, &block));
            frame::encode_data(0x1, &sent, true, &mut flight);
            client.send_raw(&flight).unwrap();
            let response = client
                .read_response(0x1, Duration::from_secs(10))
                .unwrap_or_else(|e| panic!("{what}: {e}\n{}", server.log()));
            assert_eq!(response.status, 200, "{what}");
            check_echo(&response.body, &sent, &what);
        }
    }
}

#[test]
fn curl_uploads_1_mib_through_every_initial_window() {
    if !have("curl") {
        return;
    }
    let folder = TempDir::new("upload");
    let file = folder.path().join("body.bin");
    let sent = body(LARGE);
    std::fs::write(&file, &sent).unwrap();
    let data = format!("@{}", file.display());
    let ca = crate_file("certs/ca.pem");
    every_window(|url, window, server| {
        let mut args = match url.starts_with("https") {
            true => vec!["--cacert", ca.to_str().unwrap()],
            false => vec!["--http2-prior-knowledge"],
        };
        args.extend(["--data-binary", &data, url]);
        let out = curl(&args);
        let what = format!("curl to {url} with window {window:?}");
        assert!(
            out.status.success(),
            "{what}: {}\n{}",
            text(&out.stderr),
            server.log()
        );
        check_echo(&out.stdout, &sent, &what);
    });
}

#[test]
fn nghttp_uploads_1_mib_through_every_initial_window() {
    if !have("nghttp") {
        return;
    }
    let folder = TempDir::new("upload");
    let file = folder.path().join("body.bin");
    let sent = body(LARGE);
    std::fs::write(&file, &sent).unwrap();
    every_window(|url, window, server| {
        let out = run("nghttp", &["-t", "60", "-d", file.to_str().unwrap(), url]);
        let what = format!("nghttp to {url} with window {window:?}");
        assert!(
            out.status.success(),
            "{what}: {}\n{}",
            text(&out.stderr),
            server.log()
        );
        check_echo(&out.stdout, &sent, &what);
    });
}

#[test]
fn python_h2_uploads_1_mib_through_every_initial_window() {
    if !python_h2_available() {
        return;
    }
    let script = crate_file("tests/h2_upload.py");
    let ca = crate_file("certs/ca.pem");
    let sent = body(LARGE);
    every_window(|url, window, server| {
        let mode = if url.starts_with("https") {
            "tls"
        } else {
            "h2c"
        };
        let out = run(
            "python3",
            &[
                script.to_str().unwrap(),
                mode,
                &server.port().to_string(),
                ca.to_str().unwrap(),
                &LARGE.to_string(),
            ],
        );
        let what = format!("python h2 over {mode} with window {window:?}");
        assert!(
            out.status.success(),
            "{what}: {}\n{}",
            text(&out.stderr),
            server.log()
        );
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["status"], 200, "{what}: {report}");
        let echo = serde_json::to_vec(&report["echo"]).unwrap();
        check_echo(&echo, &sent, &what);
    });
}

/// The receive budget at work: through an initial window of 16 octets, h2lab's credit doubles
/// each time curl uses it all, so 1 MiB takes a few dozen round trips; `-v` shows the pacing.
#[test]
fn a_1_mib_curl_upload_through_an_initial_window_of_16_takes_seconds_and_v_shows_the_pacing() {
    if !have("curl") {
        return;
    }
    let root = small_site();
    let folder = TempDir::new("upload");
    let file = folder.path().join("body.bin");
    let sent = body(LARGE);
    std::fs::write(&file, &sent).unwrap();
    let data = format!("@{}", file.display());
    let server = Server::start(&[
        "-v",
        "--initial-window-size",
        "16",
        root.path().to_str().unwrap(),
    ]);
    for url in [server.https("/_h2lab/echo"), server.http("/_h2lab/echo")] {
        let transport = match url.starts_with("https") {
            true => "--insecure",
            false => "--http2-prior-knowledge",
        };
        let started = Instant::now();
        let out = curl(&[transport, "--data-binary", &data, &url]);
        let took = started.elapsed();
        eprintln!("1 MiB through an initial window of 16 to {url}: {took:?}");
        assert!(out.status.success(), "{url}: {}", text(&out.stderr));
        check_echo(&out.stdout, &sent, &url);
        assert!(took < Duration::from_secs(10), "{url}: {took:?}");
    }
    // The log goes out in batches, a line within 50 ms: wait for the last ones.
    for increment in [64, 128, 256, 512, 1024] {
        let line = format!("send WINDOW_UPDATE flags=- stream=1 length=4 increment={increment}");
        assert!(
            server.wait_for_log(&line, Duration::from_secs(5)),
            "{line:?} missing from the -v log:\n{}",
            server.log()
        );
    }
}
