//! Shared support of the conformance catalogue — the server under test, the transport loop, and
//! the checks of RFC 9113 §5.4 (what a connection error and a stream error look like on the wire).
//!
//! Each test starts its own `h2lab` on a fresh temporary ROOT (killed and removed on drop) and runs
//! its body twice, over TLS and over cleartext h2c, reporting both runs before failing.
//! `H2LAB_CONFORMANCE_TLS` / `H2LAB_CONFORMANCE_H2C` (`host:port`) point the catalogue at a server
//! that is already running instead; it must serve the two files of [`write_fixtures`].
// Each file of the catalogue uses a part of this module and of what it re-exports.
#![allow(dead_code, unused_imports)]

#[path = "../common/mod.rs"]
mod common;

use std::net::{SocketAddr, ToSocketAddrs};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::time::Duration;

pub use h2lab::client::{
    describe, field, raw_frame, Client, ClientError, Reaction, Received, Response, Transport,
};
pub use h2lab::error::ErrorCode;
pub use h2lab::frame::{
    flags, Data, Frame, FrameType, GoAway, Headers, Ping, Priority, PrioritySpec, RstStream,
    SettingId, Settings, WindowUpdate,
};
pub use h2lab::hpack::Field;

/// How long a test waits for any one reaction of the server.
pub const WAIT: Duration = Duration::from_secs(3);

/// How long a test watches for something that must not happen (a frame beyond a window).
pub const QUIET: Duration = Duration::from_millis(300);

/// The small file of the fixture ROOT, and its content.
pub const HELLO_PATH: &str = "/hello.txt";
/// Content of [`HELLO_PATH`].
pub const HELLO: &[u8] = b"hello, h2lab\n";
/// The large file of the fixture ROOT: far larger than any initial window.
pub const BIG_PATH: &str = "/big.bin";
/// Size of [`BIG_PATH`].
pub const BIG_LEN: usize = 0x40000;
/// The built-in that answers any request, after reading the whole request body.
pub const ECHO_PATH: &str = "/_h2lab/echo";

/// Runs `body` once per transport against a server of its own, and fails after both runs if
/// either failed, naming the transports that failed.
pub fn each_transport(body: impl Fn(&Target)) {
    each_transport_with(&[], body);
}

/// Like [`each_transport`], with extra command-line options for the server (an external server
/// is used as it is).
pub fn each_transport_with(options: &[&str], body: impl Fn(&Target)) {
    let server = Server::start(options);
    let mut failed = Vec::new();
    for (transport, addr) in server.targets() {
        let target = Target { addr, transport };
        if catch_unwind(AssertUnwindSafe(|| body(&target))).is_err() {
            failed.push(format!("{transport:?}"));
        }
    }
    if !failed.is_empty() {
        server.print_log();
        panic!("failed over {}", failed.join(" and "));
    }
}

/// One server address and the transport to reach it by.
pub struct Target {
    /// Where the server listens.
    pub addr: SocketAddr,
    /// TLS or cleartext.
    pub transport: Transport,
}

impl Target {
    /// A connection on which nothing has been sent yet.
    pub fn connect(&self) -> Client {
        Client::connect(self.addr, self.transport)
            .unwrap_or_else(|e| panic!("{:?}: cannot connect: {e}", self.transport))
    }

    /// A connection after the preface and the SETTINGS exchange, with empty SETTINGS.
    pub fn handshake(&self) -> Client {
        self.handshake_with(&[])
    }

    /// A connection after the preface and the SETTINGS exchange, with our `settings`.
    pub fn handshake_with(&self, settings: &[(SettingId, u32)]) -> Client {
        let mut client = self.connect();
        client
            .handshake_with(settings)
            .unwrap_or_else(|e| panic!("{:?}: handshake failed: {e}", self.transport));
        client
    }
}

/// Reads the response on `stream_id`, which must be a 200.
pub fn expect_ok(client: &mut Client, stream_id: u32) -> Response {
    let response = must(client, |c| c.read_response(stream_id, WAIT), "the response");
    assert_eq!(response.status, 200, "stream {stream_id}");
    response
}

/// Ends the request open on `stream_id` with a last DATA frame carrying `body`, then reads its
/// response, which must be a 200.
pub fn end_and_expect_ok(client: &mut Client, stream_id: u32, body: &[u8]) -> Response {
    must(
        client,
        |c| c.send_data(stream_id, body, true),
        "to end the request",
    );
    expect_ok(client, stream_id)
}

/// Fails unless the server answers with a connection error (RFC 9113 §5.4.1): GOAWAY with
/// `code` and a last-stream-id among `last_stream_ids`, then the end of the connection.
pub fn expect_connection_error(client: &mut Client, code: ErrorCode, last_stream_ids: &[u32]) {
    let goaway = must(client, |c| c.wait_for_goaway(WAIT), "GOAWAY");
    assert_goaway(client, &goaway, &[code], last_stream_ids);
}

/// Like [`expect_connection_error`], for rules that allow more than one code.
pub fn expect_connection_error_of(client: &mut Client, codes: &[ErrorCode], last: &[u32]) {
    let goaway = must(client, |c| c.wait_for_goaway(WAIT), "GOAWAY");
    assert_goaway(client, &goaway, codes, last);
}

/// Checks a GOAWAY against the allowed codes and last-stream-ids, then waits for the close.
pub fn assert_goaway(client: &mut Client, goaway: &GoAway, codes: &[ErrorCode], last: &[u32]) {
    assert!(
        codes.contains(&goaway.error_code),
        "GOAWAY code {} (expected one of {codes:?}); frames: {:#?}",
        goaway.error_code,
        client.seen()
    );
    assert!(
        last.contains(&goaway.last_stream_id),
        "GOAWAY last-stream-id {} (expected one of {last:?}); frames: {:#?}",
        goaway.last_stream_id,
        client.seen()
    );
    expect_closed(client);
}

/// Fails unless the server closes the connection (RFC 9113 §5.4.1: "After sending the GOAWAY
/// frame for an error condition, the endpoint MUST close the TCP connection").
pub fn expect_closed(client: &mut Client) {
    let closed = must(client, |c| c.is_closed(WAIT), "the end of the connection");
    assert!(
        closed,
        "the connection stayed open; frames: {:#?}",
        client.seen()
    );
}

/// Fails unless the server answers with a stream error (RFC 9113 §5.4.2): RST_STREAM with
/// `code` on `stream_id`, after which the connection still serves a new request.
pub fn expect_stream_error(client: &mut Client, stream_id: u32, code: ErrorCode) {
    expect_stream_error_of(client, stream_id, &[code]);
}

/// Like [`expect_stream_error`], for rules that allow more than one code.
pub fn expect_stream_error_of(client: &mut Client, stream_id: u32, codes: &[ErrorCode]) {
    let rst = must(
        client,
        |c| c.wait_for_rst(stream_id, WAIT),
        "RST_STREAM on the stream",
    );
    assert!(
        codes.contains(&rst.error_code),
        "RST_STREAM code {} on stream {stream_id} (expected one of {codes:?}); frames: {:#?}",
        rst.error_code,
        client.seen()
    );
    expect_silence_after_reset(client, stream_id);
}

/// After a RST_STREAM from the server on `stream_id`: the connection still serves a new request,
/// and nothing more came on that stream (RFC 9113 §5.4.2: "A RST_STREAM is the last frame that an
/// endpoint can send on a stream").
pub fn expect_silence_after_reset(client: &mut Client, stream_id: u32) {
    let after_reset = client.seen().len();
    expect_still_serving(client);
    let marker = format!(" stream={stream_id} ");
    let later: Vec<&String> = client.seen()[after_reset..]
        .iter()
        .filter(|line| line.contains(&marker))
        .collect();
    assert!(
        later.is_empty(),
        "frames on stream {stream_id} after its RST_STREAM: {later:?}"
    );
}

/// For rules that allow either scope: RST_STREAM with `code` on `stream_id` (then the connection
/// still serves), or GOAWAY with `code` (then it closes).
pub fn expect_stream_or_connection_error(client: &mut Client, stream_id: u32, code: ErrorCode) {
    let reaction = must(client, |c| c.wait_for_error(stream_id, WAIT), "an error");
    match reaction {
        Reaction::Stream(rst) => {
            assert_eq!(
                rst.error_code,
                code,
                "RST_STREAM code; frames: {:#?}",
                client.seen()
            );
            expect_silence_after_reset(client, stream_id);
        }
        Reaction::Connection(goaway) => {
            let any_last: Vec<u32> = (0x0..=stream_id).collect();
            assert_goaway(client, &goaway, &[code], &any_last);
        }
    }
}

/// For a malformed request (RFC 9113 §8.1.1: "MUST be treated as a stream error of type
/// PROTOCOL_ERROR"; "a server MAY send an HTTP response prior to closing or resetting the
/// stream"): RST_STREAM PROTOCOL_ERROR on `stream_id`, possibly after a 4xx response, and the
/// connection still serves.
pub fn expect_malformed(client: &mut Client, stream_id: u32) {
    let transport = client.transport();
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        let received = match client.read_frame(left) {
            Ok(Some(received)) => received,
            Ok(None) => panic!(
                "{transport:?}: no RST_STREAM PROTOCOL_ERROR on stream {stream_id}; frames: {:#?}",
                client.seen()
            ),
            Err(e) => panic!("{transport:?}: expected RST_STREAM PROTOCOL_ERROR: {e}"),
        };
        match (&received.frame, &received.fields) {
            (Frame::RstStream(r), _) if r.stream_id == stream_id => {
                assert_eq!(
                    r.error_code,
                    ErrorCode::PROTOCOL_ERROR,
                    "{transport:?}: RST_STREAM code; frames: {:#?}",
                    client.seen()
                );
                break;
            }
            (Frame::GoAway(g), _) if g.error_code != ErrorCode::NO_ERROR => panic!(
                "{transport:?}: connection error {} instead of a stream error; frames: {:#?}",
                g.error_code,
                client.seen()
            ),
            (Frame::Headers(h), Some(fields)) if h.stream_id == stream_id => {
                let status = h2lab::client::find_field(fields, ":status").unwrap_or_default();
                assert!(
                    status.starts_with(b"4"),
                    "{transport:?}: the malformed request was answered with {:?}; frames: {:#?}",
                    String::from_utf8_lossy(status),
                    client.seen()
                );
            }
            _ => {}
        }
    }
    expect_silence_after_reset(client, stream_id);
}

/// Fails unless the connection still answers a new request with the fixture file.
pub fn expect_still_serving(client: &mut Client) {
    let response = must(
        client,
        |c| c.request(HELLO_PATH),
        "a response to a new request",
    );
    assert_eq!(response.status, 200, "status of {HELLO_PATH}");
    assert_eq!(response.body, HELLO, "body of {HELLO_PATH}");
}

/// Fails if the server reacts to what was just sent with an error: a PING round trip completes
/// with no RST_STREAM or GOAWAY on the way, and a new request is still answered.
pub fn expect_no_error(client: &mut Client) {
    let before = client.seen().len();
    must(
        client,
        |c| c.ping([0x68, 0x32, 0x6c, 0x61, 0x62, 0x0, 0x0, 0x1], WAIT),
        "the PING ACK",
    );
    let errors: Vec<&String> = client
        .seen()
        .iter()
        .skip(before)
        .filter(|line| line.starts_with("RST_STREAM") || line.starts_with("GOAWAY"))
        .collect();
    assert!(errors.is_empty(), "unexpected error frames: {errors:?}");
    expect_still_serving(client);
}

/// Whether a line of [`Client::seen`] is a RST_STREAM on `stream_id`.
pub fn is_rst_on(line: &str, stream_id: u32) -> bool {
    line.starts_with("RST_STREAM") && line.contains(&format!(" stream={stream_id} "))
}

/// Unwraps a client result, failing with the error (which lists the frames seen) otherwise.
pub fn must<T>(
    client: &mut Client,
    call: impl FnOnce(&mut Client) -> Result<T, ClientError>,
    what: &str,
) -> T {
    let transport = client.transport();
    call(client).unwrap_or_else(|e| panic!("{transport:?}: expected {what}: {e}"))
}

/// Opens a request stream and leaves it open (RFC 9113 §5.1 "open" on the server's side): a POST
/// to the echo built-in without END_STREAM, whose body the server waits for.
pub fn open_stream(client: &mut Client) -> u32 {
    let stream_id = client.next_stream_id();
    let fields = client.request_fields("POST", ECHO_PATH);
    must(
        client,
        |c| c.send_headers(stream_id, &fields, false),
        "to send HEADERS",
    );
    stream_id
}

/// Requests a complete response and returns its stream, now "closed" (RFC 9113 §5.1).
pub fn closed_stream(client: &mut Client) -> u32 {
    let stream_id = client.next_stream_id();
    let fields = client.request_fields("GET", HELLO_PATH);
    must(
        client,
        |c| c.send_headers(stream_id, &fields, true),
        "to send HEADERS",
    );
    let response = must(client, |c| c.read_response(stream_id, WAIT), "the response");
    assert_eq!(response.status, 200);
    stream_id
}

/// The SETTINGS that keep a large response stalled: a stream window of 1,000 octets.
pub const SMALL_WINDOW: [(SettingId, u32); 1] = [(SettingId::INITIAL_WINDOW_SIZE, 1000)];

/// On a connection whose stream window is smaller than the large file (e.g. [`SMALL_WINDOW`]),
/// requests the large file and reads the response header section: the server has the whole
/// request ("half-closed (remote)", RFC 9113 §5.1) and its response stays stalled by the window.
pub fn half_closed_remote_stream(client: &mut Client) -> u32 {
    let stream_id = client.next_stream_id();
    let fields = client.request_fields("GET", BIG_PATH);
    must(
        client,
        |c| c.send_headers(stream_id, &fields, true),
        "to send HEADERS",
    );
    let (fields, end_stream) = must(
        client,
        |c| c.expect_headers(stream_id, WAIT),
        "the response header section",
    );
    assert_eq!(
        h2lab::client::find_field(&fields, ":status"),
        Some(b"200".as_slice())
    );
    assert!(!end_stream, "the large response ended at once");
    stream_id
}

/// Fails unless exactly `expected` flow-controlled octets (RFC 9113 §6.9.1: padding included) of
/// DATA arrive on `stream_id`: reads until that many came (within [`WAIT`]), then watches for
/// [`QUIET`] that no more follow.
pub fn expect_data_exactly(client: &mut Client, stream_id: u32, expected: usize) {
    let transport = client.transport();
    let mut total = 0;
    let deadline = std::time::Instant::now() + WAIT;
    while total < expected {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match client.read_frame(left) {
            Ok(Some(Received {
                frame: Frame::Data(d),
                ..
            })) if d.stream_id == stream_id => total += d.flow_len() as usize,
            Ok(Some(_)) => {}
            Ok(None) => panic!(
                "{transport:?}: {total} octets of DATA on stream {stream_id}, expected {expected}; \
                 frames: {:#?}",
                client.seen()
            ),
            Err(e) => panic!("{transport:?}: reading DATA of stream {stream_id}: {e}"),
        }
    }
    loop {
        match client.read_frame(QUIET) {
            Ok(Some(Received {
                frame: Frame::Data(d),
                ..
            })) if d.stream_id == stream_id => total += d.flow_len() as usize,
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(e) => panic!("{transport:?}: reading DATA of stream {stream_id}: {e}"),
        }
    }
    assert_eq!(
        total, expected,
        "{transport:?}: octets of DATA on stream {stream_id}"
    );
}

/// A header block with the four pseudo-header fields of `GET path` and then `extra`.
pub fn request_with(client: &Client, method: &str, path: &str, extra: &[Field]) -> Vec<Field> {
    let mut fields = client.request_fields(method, path);
    fields.extend_from_slice(extra);
    fields
}

/// Sends `fields` as a whole request (END_STREAM) on a new stream and returns the stream.
pub fn send_request(client: &mut Client, fields: &[Field]) -> u32 {
    let stream_id = client.next_stream_id();
    must(
        client,
        |c| c.send_headers(stream_id, fields, true),
        "to send HEADERS",
    );
    stream_id
}

/// An HPACK integer with an `n`-bit prefix and the `first` bits above it (RFC 7541 §5.1).
pub fn integer(first: u8, n: u32, value: usize, out: &mut Vec<u8>) {
    let max = (1_usize << n) - 1;
    if value < max {
        out.push(first | value as u8);
        return;
    }
    out.push(first | max as u8);
    let mut rest = value - max;
    while rest >= 0x80 {
        out.push(0x80 | (rest % 0x80) as u8);
        rest /= 0x80;
    }
    out.push(rest as u8);
}

/// A literal field without indexing, with an indexed name (RFC 7541 §6.2.2) and a raw value.
pub fn literal_indexed_name(name_index: usize, value: &[u8], out: &mut Vec<u8>) {
    integer(0x00, 4, name_index, out);
    integer(0x00, 7, value.len(), out);
    out.extend_from_slice(value);
}

/// A request header block for `GET path`, written by hand so that it leaves the dynamic table
/// alone: `:method GET` and `:scheme` from the static table (indices 2 and 6/7), `:authority` and
/// `:path` as literals without indexing. For tests that write their own blocks while the client's
/// encoder stays in step with the server's decoder.
pub fn plain_request_block(client: &Client, path: &str) -> Vec<u8> {
    let mut block = vec![0x82];
    block.push(match client.transport() {
        Transport::Tls => 0x87,
        Transport::Cleartext => 0x86,
    });
    let authority = client.request_fields("GET", path)[2].value.clone();
    literal_indexed_name(0x1, &authority, &mut block);
    literal_indexed_name(0x4, path.as_bytes(), &mut block);
    block
}

/// A literal field with incremental indexing and a new name (RFC 7541 §6.2.1): the server's
/// decoder adds it to its dynamic table.
pub fn literal_with_indexing(name: &[u8], value: &[u8], out: &mut Vec<u8>) {
    out.push(0x40);
    integer(0x00, 7, name.len(), out);
    out.extend_from_slice(name);
    integer(0x00, 7, value.len(), out);
    out.extend_from_slice(value);
}

/// A field from octets.
pub fn field_bytes(name: &[u8], value: &[u8]) -> Field {
    Field {
        name: name.into(),
        value: value.into(),
    }
}

/// Writes the files that every test may request into `root`.
pub fn write_fixtures(root: &Path) {
    std::fs::write(root.join("hello.txt"), HELLO).expect("write hello.txt");
    let big: Vec<u8> = (0..BIG_LEN).map(|i| (i % 251) as u8).collect();
    std::fs::write(root.join("big.bin"), big).expect("write big.bin");
}

/// A running `h2lab` on a temporary ROOT, killed and cleaned up on drop; or the addresses of a
/// server started by hand (`H2LAB_CONFORMANCE_TLS`, `H2LAB_CONFORMANCE_H2C`).
pub struct Server {
    /// The server we started and its fixture ROOT, in that order so that the server stops before
    /// its ROOT is removed; `None` for a server started by hand.
    local: Option<(common::Server, common::TempDir)>,
    /// Where to connect, per transport.
    targets: Vec<(Transport, SocketAddr)>,
}

impl Server {
    /// Starts `h2lab -v --listen 127.0.0.1:0 OPTIONS ROOT` on a fresh fixture ROOT, unless the
    /// environment names a server to use instead.
    pub fn start(options: &[&str]) -> Server {
        let external: Vec<(Transport, SocketAddr)> = [
            (Transport::Tls, "H2LAB_CONFORMANCE_TLS"),
            (Transport::Cleartext, "H2LAB_CONFORMANCE_H2C"),
        ]
        .into_iter()
        .filter_map(|(t, var)| {
            let addr = std::env::var(var).ok()?;
            let addr = addr.to_socket_addrs().ok()?.next()?;
            Some((t, addr))
        })
        .collect();
        if !external.is_empty() {
            return Server {
                local: None,
                targets: external,
            };
        }
        let root = common::TempDir::new("conformance");
        write_fixtures(root.path());
        let root_arg = root.path().to_string_lossy().into_owned();
        let args: Vec<&str> = ["-v"]
            .into_iter()
            .chain(options.iter().copied())
            .chain([root_arg.as_str()])
            .collect();
        let server = common::Server::start(&args);
        let targets = Transport::ALL.iter().map(|&t| (t, server.addr)).collect();
        Server {
            local: Some((server, root)),
            targets,
        }
    }

    /// Where to connect, per transport.
    pub fn targets(&self) -> Vec<(Transport, SocketAddr)> {
        self.targets.clone()
    }

    /// Prints the last 200 lines of the server's standard error, for a failed test.
    pub fn print_log(&self) {
        let Some((server, _)) = &self.local else {
            return;
        };
        let log = server.log();
        let lines: Vec<&str> = log.lines().collect();
        eprintln!("---- h2lab stderr ----");
        for line in &lines[lines.len().saturating_sub(200)..] {
            eprintln!("{line}");
        }
        eprintln!("---- end of h2lab stderr ----");
    }
}
