//! Real HTTP/2 clients against h2lab: nghttp (every frame, PRIORITY for idle streams) and h2load
//! (many streams on many connections), over TLS and h2c — RFC 9113 §5.1, §5.1.1, §5.3.

mod common;

use common::{have, run, small_site, text, Server};

/// Runs `nghttp -v URL` and checks the exchange: nghttp first sends PRIORITY frames for the idle
/// streams 3, 5, 7, 9 and 11 (which must not open them, RFC 9113 §5.1), then asks on stream 13.
fn nghttp_sees_priority_then_a_200_on_stream_13(url: &str) {
    let out = run("nghttp", &["-v", "-t", "30", url]);
    let trace = text(&out.stdout);
    assert!(out.status.success(), "{trace}\n{}", text(&out.stderr));
    for stream in [3, 5, 7, 9, 11] {
        assert!(
            trace.contains(&format!(
                "send PRIORITY frame <length=5, flags=0x00, stream_id={stream}>"
            )),
            "{trace}"
        );
    }
    assert!(trace.contains("send HEADERS frame <length="), "{trace}");
    assert!(
        trace.contains("recv (stream_id=13) :status: 200"),
        "{trace}"
    );
    assert!(
        trace.contains("recv SETTINGS frame <length=0, flags=0x01, stream_id=0>"),
        "{trace}"
    );
    assert!(
        trace.contains("recv DATA frame <length=14, flags=0x01, stream_id=13>"),
        "{trace}"
    );
    assert!(!trace.contains("recv RST_STREAM"), "{trace}");
    assert!(!trace.contains("recv GOAWAY"), "{trace}");
}

#[test]
fn nghttp_over_tls_gets_the_file_on_stream_13_after_its_priority_frames() {
    if !have("nghttp") {
        return;
    }
    let root = small_site();
    let server = Server::start(&[root.path().to_str().unwrap()]);
    nghttp_sees_priority_then_a_200_on_stream_13(&server.https("/hello.txt"));
}

#[test]
fn nghttp_over_h2c_gets_the_file_on_stream_13_after_its_priority_frames() {
    if !have("nghttp") {
        return;
    }
    let root = small_site();
    let server = Server::start(&[root.path().to_str().unwrap()]);
    nghttp_sees_priority_then_a_200_on_stream_13(&server.http("/hello.txt"));
}

#[test]
fn nghttp_with_small_windows_downloads_a_file_larger_than_them() {
    if !have("nghttp") {
        return;
    }
    let root = small_site();
    let big: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(root.path().join("big.bin"), &big).unwrap();
    let server = Server::start(&[root.path().to_str().unwrap()]);
    // -w 16 / -W 16: stream and connection windows of 2^16-1 octets, far below the file.
    let out = run(
        "nghttp",
        &["-w", "16", "-W", "16", &server.https("/big.bin")],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(out.stdout.len(), big.len());
    assert!(out.stdout == big);
}

/// Runs h2load and expects every request to succeed.
fn h2load_all_succeed(url: &str) {
    let out = run("h2load", &["-n", "2000", "-c", "10", "-m", "20", url]);
    let report = text(&out.stdout);
    assert!(
        report.contains("requests: 2000 total, 2000 started, 2000 done, 2000 succeeded, 0 failed, 0 errored, 0 timeout"),
        "{report}\n{}",
        text(&out.stderr)
    );
    assert!(report.contains("status codes: 2000 2xx"), "{report}");
}

#[test]
fn h2load_over_tls_2000_requests_10_connections_20_streams_each_all_succeed() {
    if !have("h2load") {
        return;
    }
    let root = small_site();
    let server = Server::start(&[root.path().to_str().unwrap()]);
    h2load_all_succeed(&server.https("/hello.txt"));
}

#[test]
fn h2load_over_h2c_2000_requests_10_connections_20_streams_each_all_succeed() {
    if !have("h2load") {
        return;
    }
    let root = small_site();
    let server = Server::start(&[root.path().to_str().unwrap()]);
    h2load_all_succeed(&server.http("/hello.txt"));
}

/// h2load opens 20 streams per connection before our SETTINGS (limit 5) reach it: those past the
/// limit are refused (RFC 9113 §5.1.2: "An endpoint that receives a HEADERS frame that causes its
/// advertised concurrent stream limit to be exceeded MUST treat this as a stream error of type
/// PROTOCOL_ERROR or REFUSED_STREAM"); after that it keeps to the limit and nothing else fails.
#[test]
fn h2load_past_max_concurrent_streams_sees_only_its_first_flight_refused() {
    if !have("h2load") {
        return;
    }
    let root = small_site();
    let server = Server::start(&[
        "--max-concurrent-streams",
        "5",
        root.path().to_str().unwrap(),
    ]);
    let out = run(
        "h2load",
        &[
            "-n",
            "500",
            "-c",
            "2",
            "-m",
            "20",
            &server.http("/hello.txt"),
        ],
    );
    let report = text(&out.stdout);
    let line = report
        .lines()
        .find(|line| line.starts_with("requests: "))
        .unwrap_or_else(|| panic!("{report}"));
    let count = |word: &str| -> u32 {
        line.split(", ")
            .find_map(|part| part.strip_suffix(word))
            .and_then(|n| n.trim_start_matches("requests: ").trim().parse().ok())
            .unwrap_or_else(|| panic!("{line}"))
    };
    assert_eq!(count(" done"), 500, "{report}");
    assert_eq!(count(" succeeded") + count(" failed"), 500, "{report}");
    assert!(count(" failed") <= 2 * (20 - 5), "{report}");
    assert!(count(" succeeded") >= 500 - 2 * (20 - 5), "{report}");
}

/// The SETTINGS flags reach the wire: nghttp prints our SETTINGS frame parameter by parameter.
#[test]
fn the_settings_flags_are_what_nghttp_receives() {
    if !have("nghttp") {
        return;
    }
    let root = small_site();
    let server = Server::start(&[
        "--max-concurrent-streams",
        "7",
        "--initial-window-size",
        "1048576",
        "--max-frame-size",
        "32768",
        "--header-table-size",
        "8192",
        "--max-header-list-size",
        "20000",
        root.path().to_str().unwrap(),
    ]);
    let out = run("nghttp", &["-v", "-t", "30", &server.http("/hello.txt")]);
    let trace = text(&out.stdout);
    assert!(out.status.success(), "{trace}");
    for setting in [
        "[SETTINGS_HEADER_TABLE_SIZE(0x01):8192]",
        "[SETTINGS_MAX_CONCURRENT_STREAMS(0x03):7]",
        "[SETTINGS_INITIAL_WINDOW_SIZE(0x04):1048576]",
        "[SETTINGS_MAX_FRAME_SIZE(0x05):32768]",
        "[SETTINGS_MAX_HEADER_LIST_SIZE(0x06):20000]",
    ] {
        assert!(trace.contains(setting), "{setting} missing:\n{trace}");
    }
}
