//! Admission: a new client is served at once while the server holds many connections that do
//! nothing; when the server is full, those make room first, and a working client is never the one
//! turned away. A connection refused after its handshake is told so with GOAWAY (RFC 9113 §6.8).
//! Every test runs over TLS and over h2c.

mod common;

use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::{small_site, Server, TempDir};
use h2lab::client::{Client, Transport};
use h2lab::error::ErrorCode;
use h2lab::frame::{Frame, Settings, PREFACE};

/// The most a new client may wait for its response while the server is crowded.
const PROMPTLY: Duration = Duration::from_secs(1);

/// Raises this process's soft limit on open files to the hard one: a thousand sockets need more
/// than the 1,024 many systems allow by default.
fn raise_open_files_limit() {
    use rustix::process::{getrlimit, setrlimit, Resource, Rlimit};
    let limit = getrlimit(Resource::Nofile);
    let raised = Rlimit {
        current: limit.maximum,
        maximum: limit.maximum,
    };
    setrlimit(Resource::Nofile, raised).unwrap();
}

/// `count` connections that send nothing.
fn silent_sockets(server: &Server, count: usize) -> Vec<TcpStream> {
    (0..count).map(|_| server.connect()).collect()
}

/// Connects, handshakes and fetches `/hello.txt`; how long it took.
fn served(server: &Server, transport: Transport) -> Duration {
    let started = Instant::now();
    let mut client = Client::connect(server.addr, transport).unwrap();
    client.handshake().unwrap();
    let response = client.request("/hello.txt").unwrap();
    assert_eq!(response.status, 200, "{transport:?}");
    started.elapsed()
}

/// A client that has handshaken and had one response, and stays connected.
fn working_client(server: &Server, transport: Transport) -> Client {
    let mut client = Client::connect(server.addr, transport).unwrap();
    client.handshake().unwrap();
    assert_eq!(client.request("/hello.txt").unwrap().status, 200);
    client
}

fn crowded(root: &TempDir, args: &[&str]) {
    raise_open_files_limit();
    let mut all = args.to_vec();
    all.push(root.path().to_str().unwrap());
    let server = Server::start(&all);
    let _silent = silent_sockets(&server, 1000);
    for transport in Transport::ALL {
        let took = served(&server, transport);
        assert!(
            took < PROMPTLY,
            "{transport:?}: {took:?} for a new client beside 1,000 silent sockets\n{}",
            server.log()
        );
    }
}

#[test]
fn a_thousand_silent_sockets_do_not_keep_a_new_client_waiting() {
    crowded(&small_site(), &[]);
}

#[test]
fn past_max_connections_silent_sockets_make_room_for_a_new_client() {
    let root = small_site();
    crowded(&root, &["--max-connections", "100"]);
}

#[test]
fn a_connection_without_a_request_makes_room_with_goaway() {
    let root = small_site();
    for transport in Transport::ALL {
        let server = Server::start(&["--max-connections", "1", root.path().to_str().unwrap()]);
        let mut idle = Client::connect(server.addr, transport).unwrap();
        idle.handshake().unwrap();
        let took = served(&server, transport);
        assert!(took < PROMPTLY, "{transport:?}: {took:?}\n{}", server.log());
        let goaway = idle.wait_for_goaway(Duration::from_secs(3)).unwrap();
        assert_eq!(goaway.error_code, ErrorCode::NO_ERROR, "{transport:?}");
        assert_eq!(goaway.last_stream_id, 0, "{transport:?}");
        assert!(
            idle.is_closed(Duration::from_secs(3)).unwrap(),
            "{transport:?}"
        );
        assert!(
            server.wait_for_log("[conn 1] makes room for connection 2", PROMPTLY),
            "{}",
            server.log()
        );
    }
}

#[test]
fn a_server_full_of_working_clients_refuses_a_new_one_with_goaway_refused_stream() {
    let root = small_site();
    for transport in Transport::ALL {
        let server = Server::start(&["--max-connections", "2", root.path().to_str().unwrap()]);
        let mut first = working_client(&server, transport);
        let mut second = working_client(&server, transport);
        let mut refused = Client::connect(server.addr, transport).unwrap();
        let mut hello = PREFACE.to_vec();
        Frame::Settings(Settings {
            ack: false,
            params: Vec::new(),
        })
        .encode(&mut hello);
        refused.send_raw(&hello).unwrap();
        let goaway = refused.wait_for_goaway(Duration::from_secs(3)).unwrap();
        assert_eq!(
            goaway.error_code,
            ErrorCode::REFUSED_STREAM,
            "{transport:?}"
        );
        assert_eq!(goaway.last_stream_id, 0, "{transport:?}");
        assert!(refused.is_closed(Duration::from_secs(3)).unwrap());
        assert!(
            server.wait_for_log(
                "refused, with GOAWAY REFUSED_STREAM: all 2 connections serve clients",
                PROMPTLY
            ),
            "{}",
            server.log()
        );
        // The working clients were not disturbed.
        for client in [&mut first, &mut second] {
            assert_eq!(client.request("/hello.txt").unwrap().status, 200);
        }
    }
}
