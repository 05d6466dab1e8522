//! Deadlines, not timeouts: the TLS handshake, the client preface (RFC 9113 §3.4), an HTTP/1.1
//! request head and the first request must each be complete within a time counted from the
//! connection's start, however the octets trickle in. And the idle timer counts only progress
//! (§9.1): a PING, or a WINDOW_UPDATE that lets nothing move, does not keep a stalled stream alive.
//! Over TLS and h2c where both apply.

mod common;

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::{small_site, split_frames, Server, TempDir};
use h2lab::client::{Client, Transport};
use h2lab::error::ErrorCode;
use h2lab::frame::{Frame, GoAway, Ping, SettingId, WindowUpdate, PREFACE};

/// The deadlines these tests set, in seconds, and how far from them the end may come.
const DEADLINE: Duration = Duration::from_secs(2);
const EARLY: Duration = Duration::from_millis(300);
const LATE: Duration = Duration::from_millis(1500);
/// The trickle: one octet, or one PING, this often.
const DRIP: Duration = Duration::from_millis(250);

fn assert_near_deadline(took: Duration, what: &str, server: &Server) {
    assert!(
        took >= DEADLINE - EARLY && took < DEADLINE + LATE,
        "{what}: closed after {took:?}, the deadline is {DEADLINE:?}\n{}",
        server.log()
    );
}

fn start(root: &TempDir, flags: &[&str]) -> Server {
    let mut args = flags.to_vec();
    args.push(root.path().to_str().unwrap());
    Server::start(&args)
}

/// Connects and writes `octets` one at a time, a [`DRIP`] apart, reading whatever comes back;
/// how long after the connect the server closed the connection.
fn trickle_until_closed(server: &Server, octets: &[u8]) -> Duration {
    trickle_after(server, &[], octets)
}

/// Like [`trickle_until_closed`], after sending `at_once` in one piece.
fn trickle_after(server: &Server, at_once: &[u8], octets: &[u8]) -> Duration {
    let started = Instant::now();
    let mut tcp = TcpStream::connect(server.addr).unwrap();
    tcp.set_read_timeout(Some(DRIP)).unwrap();
    tcp.write_all(at_once).unwrap();
    let mut sink = [0u8; 4096];
    for octet in octets.iter().cycle().take(200) {
        if tcp.write_all(&[*octet]).is_err() {
            return started.elapsed();
        }
        match tcp.read(&mut sink) {
            Ok(0) => return started.elapsed(),
            Ok(_) => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(_) => return started.elapsed(),
        }
    }
    panic!(
        "the server kept a trickling connection for {:?}",
        started.elapsed()
    );
}

#[test]
fn a_tls_handshake_trickled_one_octet_at_a_time_is_cut_at_its_deadline() {
    let root = small_site();
    let server = start(&root, &["--handshake-timeout", "2"]);
    // A TLS record header announcing a 512-octet handshake message, then its octets, slowly.
    let mut record = vec![0x16, 0x03, 0x01, 0x02, 0x00, 0x01];
    record.resize(517, 0x00);
    let took = trickle_until_closed(&server, &record);
    assert_near_deadline(took, "TLS handshake", &server);
    assert!(
        server.wait_for_log(
            "no complete TLS handshake within 2s of connecting",
            Duration::from_secs(1)
        ),
        "{}",
        server.log()
    );
}

#[test]
fn an_h2c_preface_trickled_one_octet_at_a_time_is_cut_at_its_deadline() {
    let root = small_site();
    let server = start(&root, &["--handshake-timeout", "2"]);
    let took = trickle_until_closed(&server, PREFACE);
    assert_near_deadline(took, "h2c preface", &server);
}

#[test]
fn an_http1_request_head_trickled_one_octet_at_a_time_is_cut_at_its_deadline() {
    let root = small_site();
    let server = start(&root, &["--handshake-timeout", "2"]);
    // The request line at once (it tells HTTP/1.1 from HTTP/2), then the fields, slowly.
    let took = trickle_after(
        &server,
        b"GET / HTTP/1.1\r\n",
        b"host: localhost\r\nx-slow: ",
    );
    assert_near_deadline(took, "HTTP/1.1 request head", &server);
    assert!(
        server.wait_for_log(
            "no complete HTTP/1.1 request head within 2s",
            Duration::from_secs(1)
        ),
        "{}",
        server.log()
    );
}

#[test]
fn a_client_preface_trickled_after_the_tls_handshake_is_cut_at_its_deadline() {
    let root = small_site();
    let server = start(&root, &["--handshake-timeout", "2"]);
    let started = Instant::now();
    let connector = native_tls::TlsConnector::builder()
        .request_alpns(&["h2"])
        .danger_accept_invalid_certs(true)
        .build()
        .unwrap();
    let mut tls = connector
        .connect("localhost", TcpStream::connect(server.addr).unwrap())
        .unwrap();
    tls.get_ref().set_read_timeout(Some(DRIP)).unwrap();
    let mut received = Vec::new();
    let mut sink = [0u8; 4096];
    // All but the last octet: 23 drips, longer than the deadline.
    for octet in &PREFACE[..PREFACE.len() - 1] {
        if tls.write_all(&[*octet]).is_err() {
            break;
        }
        match tls.read(&mut sink) {
            Ok(0) => break,
            Ok(n) => received.extend_from_slice(&sink[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(_) => break,
        }
    }
    assert_near_deadline(started.elapsed(), "preface over TLS", &server);
    // Our SETTINGS, then GOAWAY NO_ERROR with the last stream id 0.
    let frames = split_frames(&received);
    assert_eq!(frames.first().map(|f| f.0), Some(0x4), "{frames:?}");
    let (kind, _, _, payload) = frames.last().unwrap();
    assert_eq!(*kind, 0x7, "{frames:?}");
    assert_eq!(payload[..8], [0, 0, 0, 0, 0, 0, 0, 0]);
}

/// Sends a PING every [`DRIP`] and answers the server's frames until it sends GOAWAY; the GOAWAY
/// and when it came, counted from `started`.
fn ping_until_goaway(client: &mut Client, started: Instant) -> (GoAway, Duration) {
    let mut extra = Vec::new();
    while started.elapsed() < Duration::from_secs(10) {
        client
            .send_frame(&Frame::Ping(Ping {
                ack: false,
                data: *b"still-up",
            }))
            .unwrap();
        for frame in &extra {
            client.send_frame(frame).unwrap();
        }
        let until = Instant::now() + DRIP;
        while let Some(left) = until.checked_duration_since(Instant::now()) {
            match client.read_frame(left).unwrap() {
                Some(received) => {
                    if let Frame::GoAway(goaway) = received.frame {
                        return (goaway, started.elapsed());
                    }
                }
                None => break,
            }
        }
        // A WINDOW_UPDATE on the connection: credit that nothing can use while the stream's
        // window stays at 0 (added after the first round, once a stream is waiting).
        extra = vec![Frame::WindowUpdate(WindowUpdate {
            stream_id: 0,
            increment: 1,
        })];
    }
    panic!("no GOAWAY within 10 s: {:?}", client.seen());
}

#[test]
fn a_client_that_only_pings_gets_goaway_at_the_first_request_deadline() {
    let root = small_site();
    let server = start(&root, &["--first-request-timeout", "2"]);
    for transport in Transport::ALL {
        let started = Instant::now();
        let mut client = Client::connect(server.addr, transport).unwrap();
        client.handshake().unwrap();
        let (goaway, took) = ping_until_goaway(&mut client, started);
        assert_eq!(goaway.error_code, ErrorCode::NO_ERROR, "{transport:?}");
        assert_eq!(goaway.last_stream_id, 0, "{transport:?}");
        assert_near_deadline(took, "first request", &server);
        assert!(client.is_closed(Duration::from_secs(2)).unwrap());
    }
    assert!(
        server.wait_for_log(
            "no request within 2s of connecting: GOAWAY",
            Duration::from_secs(1)
        ),
        "{}",
        server.log()
    );
}

#[test]
fn a_ping_every_quarter_second_does_not_keep_a_stalled_stream_alive() {
    let root = small_site();
    let server = start(&root, &["--idle-timeout", "2"]);
    for transport in Transport::ALL {
        let mut client = Client::connect(server.addr, transport).unwrap();
        // A stream window of 0: the response's DATA cannot move until the client says so.
        client
            .handshake_with(&[(SettingId::INITIAL_WINDOW_SIZE, 0)])
            .unwrap();
        let started = Instant::now();
        client
            .send_headers(1, &client.request_fields("GET", "/hello.txt"), true)
            .unwrap();
        let (goaway, took) = ping_until_goaway(&mut client, started);
        assert_eq!(goaway.error_code, ErrorCode::NO_ERROR, "{transport:?}");
        assert_eq!(goaway.last_stream_id, 1, "{transport:?}");
        assert_near_deadline(took, "stalled stream", &server);
        assert!(client.is_closed(Duration::from_secs(2)).unwrap());
    }
    assert!(
        server.wait_for_log("no progress for 2s: GOAWAY", Duration::from_secs(1)),
        "{}",
        server.log()
    );
}

#[test]
fn a_download_that_keeps_moving_outlives_the_idle_timeout() {
    let root = small_site();
    std::fs::write(root.path().join("slow.bin"), vec![0x61; 64 * 1024]).unwrap();
    let server = start(&root, &["--idle-timeout", "1"]);
    for transport in Transport::ALL {
        let mut client = Client::connect(server.addr, transport).unwrap();
        client
            .handshake_with(&[(SettingId::INITIAL_WINDOW_SIZE, 0)])
            .unwrap();
        client
            .send_headers(1, &client.request_fields("GET", "/slow.bin"), true)
            .unwrap();
        let started = Instant::now();
        let mut received = 0;
        // 100 octets every 300 ms, for three idle timeouts.
        while started.elapsed() < Duration::from_secs(3) {
            for stream_id in [0, 1] {
                client
                    .send_frame(&Frame::WindowUpdate(WindowUpdate {
                        stream_id,
                        increment: 100,
                    }))
                    .unwrap();
            }
            let until = Instant::now() + Duration::from_millis(300);
            while let Some(left) = until.checked_duration_since(Instant::now()) {
                match client.read_frame(left).unwrap() {
                    Some(r) => match r.frame {
                        Frame::Data(data) => received += data.data.len(),
                        Frame::GoAway(goaway) => panic!("{transport:?}: {goaway:?}"),
                        _ => {}
                    },
                    None => break,
                }
            }
        }
        assert!(received >= 900, "{transport:?}: {received} octets");
        client.ping(*b"still-up", Duration::from_secs(1)).unwrap();
    }
}

/// A client that stops reading holds the connection's thread in a write: the write waits for
/// room at most the idle timeout, then the connection is closed and says so in the log.
#[test]
fn a_client_that_reads_nothing_is_closed_after_the_idle_timeout() {
    let root = small_site();
    std::fs::write(root.path().join("big.bin"), vec![0x61; 32 * 1024 * 1024]).unwrap();
    let server = start(&root, &["--idle-timeout", "1"]);
    let said = "read nothing we wrote for 1s: closed";
    for (closed, transport) in Transport::ALL.into_iter().enumerate() {
        let mut client = Client::connect(server.addr, transport).unwrap();
        client
            .handshake_with(&[(SettingId::INITIAL_WINDOW_SIZE, 0x7fff_ffff)])
            .unwrap();
        client
            .send_frame(&Frame::WindowUpdate(WindowUpdate {
                stream_id: 0,
                increment: 0x7fff_ffff - 0xffff,
            }))
            .unwrap();
        client
            .send_headers(1, &client.request_fields("GET", "/big.bin"), true)
            .unwrap();
        let started = Instant::now();
        while server.log().matches(said).count() == closed {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "{transport:?}: still open\n{}",
                server.log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        let took = started.elapsed();
        assert!(took >= Duration::from_secs(1), "{transport:?}: {took:?}");
    }
}
