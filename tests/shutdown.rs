//! Graceful shutdown on SIGTERM and SIGINT — RFC 9113 §6.8: GOAWAY with the last stream id
//! 2^31-1, a PING round trip, then GOAWAY with the real last stream id; open streams finish within
//! the drain time; no new connections; exit status 0. A second signal stops at once.

mod common;

use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::{small_site, Server, TempDir};
use h2lab::client::{Client, Transport};
use h2lab::error::ErrorCode;
use h2lab::frame::{Frame, Ping, SettingId, WindowUpdate};

const BIG: usize = 64 * 1024 * 1024;
const LARGEST_WINDOW: u32 = 0x7fff_ffff;

fn site_with_a_big_file() -> TempDir {
    let root = small_site();
    let big: Vec<u8> = (0..BIG).map(|i| (i % 251) as u8).collect();
    std::fs::write(root.path().join("big.bin"), big).unwrap();
    root
}

/// What the client saw of a shutdown.
#[derive(Default)]
struct Seen {
    /// (last stream id, error code) of each GOAWAY, in order.
    goaways: Vec<(u32, ErrorCode)>,
    data: usize,
    ended: bool,
}

/// Reads frames for up to `timeout`, answering PINGs, until stream 1 ends or the server closes.
fn read_on(client: &mut Client, seen: &mut Seen, timeout: Duration) {
    let deadline = Instant::now() + timeout;
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        let received = match client.read_frame(left) {
            Ok(Some(received)) => received,
            Ok(None) | Err(_) => return,
        };
        match received.frame {
            Frame::Data(data) => {
                seen.data += data.data.len();
                if data.end_stream {
                    seen.ended = true;
                    return;
                }
            }
            Frame::GoAway(goaway) => seen
                .goaways
                .push((goaway.last_stream_id, goaway.error_code)),
            Frame::Ping(ping) if !ping.ack => client
                .send_frame(&Frame::Ping(Ping {
                    ack: true,
                    data: ping.data,
                }))
                .unwrap(),
            _ => {}
        }
    }
}

/// Reads as [`read_on`] does until `done` says so, for at most 10 s.
fn read_until(client: &mut Client, seen: &mut Seen, done: impl Fn(&Seen) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !done(seen) {
        assert!(
            Instant::now() < deadline,
            "waited 10 s: {:?}",
            client.seen()
        );
        read_on(client, seen, Duration::from_millis(10));
    }
}

/// A client that asked for `path` on stream 1 with the given stream window.
fn downloading(server: &Server, transport: Transport, path: &str, window: u32) -> Client {
    let mut client = Client::connect(server.addr, transport).unwrap();
    client
        .handshake_with(&[(SettingId::INITIAL_WINDOW_SIZE, window)])
        .unwrap();
    client
        .send_frame(&Frame::WindowUpdate(WindowUpdate {
            stream_id: 0,
            increment: LARGEST_WINDOW - 0xffff,
        }))
        .unwrap();
    client
        .send_headers(1, &client.request_fields("GET", path), true)
        .unwrap();
    client
}

fn download_survives_sigterm(transport: Transport) {
    let root = site_with_a_big_file();
    let mut server = Server::start(&[root.path().to_str().unwrap()]);
    let mut client = downloading(&server, transport, "/big.bin", LARGEST_WINDOW);
    let mut seen = Seen::default();
    read_until(&mut client, &mut seen, |seen| seen.data >= 1024 * 1024);
    server.signal("TERM");
    read_until(&mut client, &mut seen, |seen| !seen.goaways.is_empty());
    assert!(!seen.ended, "the download was over before SIGTERM");
    // No new connections once the shutdown began.
    let refused = (0..50).any(|_| {
        std::thread::sleep(Duration::from_millis(20));
        TcpStream::connect(server.addr).is_err()
    });
    assert!(refused, "{transport:?}: still accepting\n{}", server.log());
    read_on(&mut client, &mut seen, Duration::from_secs(10));
    assert!(
        seen.ended,
        "{transport:?}: {} octets\n{}",
        seen.data,
        server.log()
    );
    assert_eq!(seen.data, BIG, "{transport:?}");
    assert_eq!(
        seen.goaways,
        vec![
            (LARGEST_WINDOW, ErrorCode::NO_ERROR),
            (1, ErrorCode::NO_ERROR)
        ],
        "{transport:?}"
    );
    assert!(client.is_closed(Duration::from_secs(3)).unwrap());
    let status = server.wait_for_exit(Duration::from_secs(5));
    assert_eq!(
        status.and_then(|s| s.code()),
        Some(0),
        "{transport:?}\n{}",
        server.log()
    );
    for line in [
        "SIGTERM: stopping gracefully",
        "no longer accepting connections; 1 open get GOAWAY",
        "stream=1 GET /big.bin 200 67108864 octets",
        "stopped: every connection closed",
    ] {
        assert!(
            server.wait_for_log(line, Duration::from_secs(1)),
            "{transport:?}: no {line:?} in\n{}",
            server.log()
        );
    }
}

#[test]
fn over_tls_a_64_mib_download_under_way_at_sigterm_completes_between_two_goaways() {
    download_survives_sigterm(Transport::Tls);
}

#[test]
fn over_h2c_a_64_mib_download_under_way_at_sigterm_completes_between_two_goaways() {
    download_survives_sigterm(Transport::Cleartext);
}

#[test]
fn the_drain_time_cuts_a_stalled_download_and_the_process_still_exits_0() {
    let root = small_site();
    for transport in Transport::ALL {
        let mut server = Server::start(&["--drain-timeout", "1", root.path().to_str().unwrap()]);
        // A stream window of 0: the response cannot move.
        let mut client = downloading(&server, transport, "/hello.txt", 0);
        let mut seen = Seen::default();
        read_on(&mut client, &mut seen, Duration::from_millis(200));
        let started = Instant::now();
        server.signal("INT");
        read_on(&mut client, &mut seen, Duration::from_secs(5));
        assert_eq!(
            seen.goaways,
            vec![
                (LARGEST_WINDOW, ErrorCode::NO_ERROR),
                (1, ErrorCode::NO_ERROR)
            ],
            "{transport:?}"
        );
        assert!(!seen.ended);
        let status = server.wait_for_exit(Duration::from_secs(5));
        assert_eq!(status.and_then(|s| s.code()), Some(0), "{}", server.log());
        assert!(
            started.elapsed() < Duration::from_secs(4),
            "{:?}",
            started.elapsed()
        );
        assert!(
            server.wait_for_log(
                "streams still open after draining for 1s: GOAWAY",
                Duration::from_secs(1)
            ),
            "{}",
            server.log()
        );
    }
}

#[test]
fn a_second_signal_stops_at_once() {
    let root = small_site();
    let mut server = Server::start(&[root.path().to_str().unwrap()]);
    let mut client = downloading(&server, Transport::Cleartext, "/hello.txt", 0);
    server.signal("INT");
    let mut seen = Seen::default();
    read_until(&mut client, &mut seen, |seen| !seen.goaways.is_empty());
    let started = Instant::now();
    server.signal("INT");
    let status = server.wait_for_exit(Duration::from_secs(2));
    assert_eq!(status.and_then(|s| s.code()), Some(130), "{}", server.log());
    assert!(started.elapsed() < Duration::from_secs(1));
    assert!(
        server.wait_for_log("SIGINT again: stopping at once", Duration::from_secs(1)),
        "{}",
        server.log()
    );
}

/// The log goes to stderr in batches (`src/logging.rs`): a line alone still comes out soon, and
/// the lines still waiting when a graceful stop ends the process are written before it exits.
#[test]
fn every_access_line_is_in_the_log_when_sigterm_has_stopped_the_server() {
    const REQUESTS: u32 = 600;
    let root = small_site();
    let mut server = Server::start(&[root.path().to_str().unwrap()]);
    let mut client = Client::connect(server.addr, Transport::Cleartext).unwrap();
    client.handshake().unwrap();
    assert_eq!(client.request("/hello.txt").unwrap().status, 200);
    assert!(
        server.wait_for_log(
            "[conn 1] stream=1 GET /hello.txt 200 14 octets",
            Duration::from_secs(3)
        ),
        "the line of a lone request is held back:\n{}",
        server.log()
    );
    for _ in 1..REQUESTS {
        assert_eq!(client.request("/hello.txt").unwrap().status, 200);
    }
    drop(client);
    server.signal("TERM");
    let status = server.wait_for_exit(Duration::from_secs(5));
    assert_eq!(status.and_then(|s| s.code()), Some(0), "{}", server.log());
    assert!(
        server.wait_for_log("stopped: every connection closed", Duration::from_secs(1)),
        "{}",
        server.log()
    );
    let log = server.log();
    let streams: Vec<u32> = log
        .lines()
        .filter_map(|line| line.strip_prefix("INFO  [conn 1] stream="))
        .filter_map(|rest| rest.strip_suffix(" ms").and(rest.split(' ').next()))
        .map(|id| id.parse().unwrap())
        .collect();
    let expected: Vec<u32> = (0..REQUESTS).map(|n| 2 * n + 1).collect();
    assert_eq!(streams, expected, "{log}");
}
