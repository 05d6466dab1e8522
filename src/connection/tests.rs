//! The connection's rules, each as exact frame octets in and exact frames out.
//!
//! [`Client`] plays the client: it writes frames byte by byte (not with the frame layer, so that
//! the tests check the wire format too), encodes header blocks with `hpack::Encoder`, and splits
//! what the server writes back into [`Out`] frames, decoding every header block in order.

use super::*;
use crate::frame::PREFACE;
use crate::hpack::Field;
use crate::http::{Body, Request, Response};
use std::io::{self, Read};
use std::sync::atomic::{AtomicBool, Ordering};

const DATA: u8 = 0x0;
const HEADERS: u8 = 0x1;
const PRIORITY: u8 = 0x2;
const RST_STREAM: u8 = 0x3;
const SETTINGS: u8 = 0x4;
const PUSH_PROMISE: u8 = 0x5;
const PING: u8 = 0x6;
const GOAWAY: u8 = 0x7;
const WINDOW_UPDATE: u8 = 0x8;
const CONTINUATION: u8 = 0x9;

const END_STREAM: u8 = 0x1;
const ACK: u8 = 0x1;
const END_HEADERS: u8 = 0x4;
const PADDED: u8 = 0x8;
const PRIORITY_FLAG: u8 = 0x20;

const NO_ERROR: u32 = 0x0;
const PROTOCOL_ERROR: u32 = 0x1;
const INTERNAL_ERROR: u32 = 0x2;
const FLOW_CONTROL_ERROR: u32 = 0x3;
const STREAM_CLOSED: u32 = 0x5;
const REFUSED_STREAM: u32 = 0x7;
const CANCEL: u32 = 0x8;
const COMPRESSION_ERROR: u32 = 0x9;

// ---- the test handler ---------------------------------------------------------------------------

/// Answers by path: `/big/N` N octets, `/shared/N` N octets shared with other responses,
/// `/reader/N` N octets through a `Read`, `/empty` 204 without
/// a body, `/broken` a body whose reader fails, `/watched` a body that reports being dropped,
/// `/wide` a response header of 40,000 octets; anything else: the number of request body octets
/// received and of trailer fields, as text.
struct TestHandler {
    dropped: Arc<AtomicBool>,
}

struct TestExchange {
    path: String,
    received: usize,
    dropped: Arc<AtomicBool>,
}

impl Handler for TestHandler {
    fn start(&self, request: Request) -> Box<dyn Exchange> {
        Box::new(TestExchange {
            path: request.path.to_string(),
            received: 0,
            dropped: Arc::clone(&self.dropped),
        })
    }
}

impl Exchange for TestExchange {
    fn body(&mut self, chunk: &[u8]) {
        self.received += chunk.len();
    }

    fn finish(self: Box<Self>, trailers: &[(String, String)]) -> Response {
        let number = |prefix: &str| self.path.strip_prefix(prefix).and_then(|n| n.parse().ok());
        let (status, body) = if let Some(len) = number("/big/") {
            (200, Body::Bytes(vec![0x61; len]))
        } else if let Some(len) = number("/shared/") {
            (200, Body::Shared(vec![0x61; len].into()))
        } else if let Some(len) = number("/reader/") {
            let source = io::Cursor::new(vec![0x62; len]);
            (
                200,
                Body::Reader {
                    source: Box::new(source),
                    len: len as u64,
                },
            )
        } else if self.path == "/empty" {
            (204, Body::Empty)
        } else if self.path == "/broken" {
            (
                200,
                Body::Reader {
                    source: Box::new(Broken),
                    len: 10,
                },
            )
        } else if self.path == "/watched" {
            let source = Watched(Arc::clone(&self.dropped));
            (
                200,
                Body::Reader {
                    source: Box::new(source),
                    len: 0x10_0000,
                },
            )
        } else {
            let text = format!("{} {}", self.received, trailers.len());
            (200, Body::Bytes(text.into_bytes()))
        };
        let mut headers = vec![("content-type".into(), "text/plain".into())];
        if self.path == "/wide" {
            headers.push(("x-wide".into(), "x".repeat(40_000).into()));
        }
        Response::new(status, headers, body)
    }
}

struct Broken;

impl Read for Broken {
    fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
        Err(io::Error::other("disk on fire"))
    }
}

struct Watched(Arc<AtomicBool>);

impl Read for Watched {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        buf.fill(0x77);
        Ok(buf.len())
    }
}

impl Drop for Watched {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

// ---- the test client ----------------------------------------------------------------------------

/// One frame the server wrote, with the header block decoded when it ends in this frame.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Out {
    kind: u8,
    flags: u8,
    stream: u32,
    payload: Vec<u8>,
    fields: Option<Vec<(String, String)>>,
}

impl Out {
    /// The frame without its payload, to compare shapes.
    fn shape(&self) -> (u8, u8, u32) {
        (self.kind, self.flags, self.stream)
    }

    fn code_at(&self, offset: usize) -> u32 {
        let octets: [u8; 4] = self.payload[offset..offset + 4].try_into().unwrap();
        u32::from_be_bytes(octets)
    }
}

fn frame(kind: u8, flags: u8, stream: u32, payload: &[u8]) -> Vec<u8> {
    let mut out = (payload.len() as u32).to_be_bytes()[1..].to_vec();
    out.push(kind);
    out.push(flags);
    out.extend_from_slice(&stream.to_be_bytes());
    out.extend_from_slice(payload);
    out
}

fn settings(params: &[(u16, u32)]) -> Vec<u8> {
    let mut payload = Vec::new();
    for (id, value) in params {
        payload.extend_from_slice(&id.to_be_bytes());
        payload.extend_from_slice(&value.to_be_bytes());
    }
    frame(SETTINGS, 0, 0, &payload)
}

fn window_update(stream: u32, increment: u32) -> Vec<u8> {
    frame(WINDOW_UPDATE, 0, stream, &increment.to_be_bytes())
}

fn rst_stream(stream: u32, code: u32) -> Vec<u8> {
    frame(RST_STREAM, 0, stream, &code.to_be_bytes())
}

fn data(stream: u32, flags: u8, len: usize) -> Vec<u8> {
    frame(DATA, flags, stream, &vec![0x64; len])
}

fn priority(stream: u32, depends_on: u32) -> Vec<u8> {
    let mut payload = depends_on.to_be_bytes().to_vec();
    payload.push(0xf);
    frame(PRIORITY, 0, stream, &payload)
}

struct Client {
    conn: Connection,
    encoder: Encoder,
    decoder: Decoder,
    dropped: Arc<AtomicBool>,
}

impl Client {
    fn with(settings: LocalSettings) -> Client {
        let dropped = Arc::new(AtomicBool::new(false));
        let handler = TestHandler {
            dropped: Arc::clone(&dropped),
        };
        Client {
            conn: Connection::new(7, settings, Arc::new(handler)),
            encoder: Encoder::new(),
            decoder: Decoder::new(),
            dropped,
        }
    }

    fn serving(handler: Arc<dyn Handler>) -> Client {
        let mut client = Client::with(LocalSettings::default());
        client.conn = Connection::new(8, LocalSettings::default(), handler);
        client
    }

    fn handshake(&mut self) {
        self.handshake_with(&[]);
    }

    /// Preface, `peer` as the client's SETTINGS and the ACK of ours; the output so far is read.
    fn handshake_with(&mut self, peer: &[(u16, u32)]) {
        let mut octets = PREFACE.to_vec();
        octets.extend(settings(peer));
        octets.extend(frame(SETTINGS, ACK, 0, &[]));
        self.send(&octets).unwrap();
        self.output();
    }

    /// Preface, the client's SETTINGS and the ACK of ours are through; the output so far is read.
    fn ready_with(local: LocalSettings, peer: &[(u16, u32)]) -> Client {
        let mut client = Client::with(local);
        let mut octets = PREFACE.to_vec();
        octets.extend(settings(peer));
        octets.extend(frame(SETTINGS, ACK, 0, &[]));
        client.send(&octets).unwrap();
        let out = client.output();
        assert_eq!(out[0].shape(), (SETTINGS, 0, 0));
        assert_eq!(out.last().unwrap().shape(), (SETTINGS, ACK, 0));
        client
    }

    fn ready() -> Client {
        Client::ready_with(LocalSettings::default(), &[])
    }

    fn send(&mut self, octets: &[u8]) -> Result<(), ConnectionError> {
        self.conn.receive(octets)
    }

    /// Everything the server has to write, DATA without a budget limit.
    fn output(&mut self) -> Vec<Out> {
        self.output_within(usize::MAX)
    }

    fn output_within(&mut self, budget: usize) -> Vec<Out> {
        let mut octets = Vec::new();
        self.conn.poll_output(&mut octets, budget);
        self.split(&octets)
    }

    fn split(&mut self, mut octets: &[u8]) -> Vec<Out> {
        let mut frames = Vec::new();
        let mut block = Vec::new();
        while !octets.is_empty() {
            let len = u32::from_be_bytes([0, octets[0], octets[1], octets[2]]) as usize;
            let payload = octets[9..9 + len].to_vec();
            let mut out = Out {
                kind: octets[3],
                flags: octets[4],
                stream: u32::from_be_bytes(octets[5..9].try_into().unwrap()),
                payload,
                fields: None,
            };
            if out.kind == HEADERS || out.kind == CONTINUATION || out.kind == PUSH_PROMISE {
                // PUSH_PROMISE: the block follows the Promised Stream ID (we never pad).
                let skip = if out.kind == PUSH_PROMISE { 4 } else { 0 };
                block.extend_from_slice(&out.payload[skip..]);
                if out.flags & END_HEADERS != 0 {
                    let fields = self.decoder.decode(&std::mem::take(&mut block)).unwrap();
                    let text = |octets: &[u8]| String::from_utf8(octets.to_vec()).unwrap();
                    out.fields = Some(
                        fields
                            .iter()
                            .map(|f| (text(&f.name), text(&f.value)))
                            .collect(),
                    );
                }
            }
            frames.push(out);
            octets = &octets[9 + len..];
        }
        frames
    }

    fn block(&mut self, fields: &[(&str, &str)]) -> Vec<u8> {
        let fields: Vec<Field> = fields
            .iter()
            .map(|(n, v)| Field {
                name: (*n).into(),
                value: (*v).into(),
            })
            .collect();
        let mut block = Vec::new();
        self.encoder.encode(&fields, &mut block);
        block
    }

    /// HEADERS with END_HEADERS for a request of `method` on `path`, plus `extra` fields.
    fn request_with(
        &mut self,
        stream: u32,
        method: &str,
        path: &str,
        extra: &[(&str, &str)],
        end_stream: bool,
    ) -> Vec<u8> {
        let mut fields = vec![
            (":method", method),
            (":scheme", "https"),
            (":authority", "h2lab.test"),
        ];
        fields.push((":path", path));
        fields.extend_from_slice(extra);
        let block = self.block(&fields);
        let flags = END_HEADERS | if end_stream { END_STREAM } else { 0 };
        frame(HEADERS, flags, stream, &block)
    }

    fn get(&mut self, stream: u32, path: &str) -> Vec<u8> {
        self.request_with(stream, "GET", path, &[], true)
    }

    /// Sends `octets`, which must be a connection error: `receive` fails with `code`, and the
    /// first frame written is GOAWAY naming `last_stream` and `code`.
    fn send_expecting_goaway(&mut self, octets: &[u8], last_stream: u32, code: u32) {
        assert_eq!(self.send(octets).unwrap_err().code.0, code);
        assert_goaway(&self.output()[0], last_stream, code);
    }

    /// Sends a GET of `path` on `stream`, which the connection must accept.
    fn send_get(&mut self, stream: u32, path: &str) {
        let request = self.get(stream, path);
        self.send(&request).unwrap();
    }
}

fn assert_goaway(out: &Out, last_stream: u32, code: u32) {
    assert_eq!(out.shape(), (GOAWAY, 0, 0));
    assert_eq!(
        (out.code_at(0), out.code_at(4)),
        (last_stream, code),
        "{out:?}"
    );
}

fn assert_rst(out: &Out, stream: u32, code: u32) {
    assert_eq!(out.shape(), (RST_STREAM, 0, stream));
    assert_eq!(out.code_at(0), code, "{out:?}");
}

fn status(out: &Out) -> &str {
    let fields = out.fields.as_ref().expect("a complete header block");
    assert_eq!(fields[0].0, ":status", "{fields:?}");
    &fields[0].1
}

fn data_lengths(frames: &[Out]) -> Vec<(u32, usize)> {
    frames
        .iter()
        .filter(|f| f.kind == DATA)
        .map(|f| (f.stream, f.payload.len()))
        .collect()
}

// ---- §3.4 preface and §6.5 SETTINGS -------------------------------------------------------------

#[test]
fn our_settings_frame_is_the_first_output() {
    let mut client = Client::with(LocalSettings::default());
    assert!(client.conn.wants_write());
    let out = client.output();
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].shape(), (SETTINGS, 0, 0));
    assert_eq!(
        out[0].payload,
        [
            0x00, 0x01, 0x00, 0x00, 0x10, 0x00, // HEADER_TABLE_SIZE 4096
            0x00, 0x03, 0x00, 0x00, 0x00, 0x80, // MAX_CONCURRENT_STREAMS 128
            0x00, 0x04, 0x00, 0x00, 0xff, 0xff, // INITIAL_WINDOW_SIZE 65535
            0x00, 0x05, 0x00, 0x00, 0x40, 0x00, // MAX_FRAME_SIZE 16384
            0x00, 0x06, 0x00, 0x01, 0x00, 0x00, // MAX_HEADER_LIST_SIZE 65536
        ]
    );
    assert!(!client.conn.wants_write());
}

#[test]
fn larger_local_window_raises_the_connection_window_after_settings() {
    let local = LocalSettings {
        initial_window_size: 0x10_0000,
        ..LocalSettings::default()
    };
    let mut client = Client::with(local);
    let out = client.output();
    assert_eq!(out[1].shape(), (WINDOW_UPDATE, 0, 0));
    assert_eq!(out[1].code_at(0), 0x10_0000 - 0xffff);
}

#[test]
fn bad_preface_is_connection_protocol_error_and_later_input_is_ignored() {
    let mut client = Client::with(LocalSettings::default());
    client.output();
    let err = client
        .send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::PROTOCOL_ERROR);
    let out = client.output();
    assert_eq!(out.len(), 1);
    assert_goaway(&out[0], 0, PROTOCOL_ERROR);
    assert_eq!(client.send(PREFACE), Ok(()));
    assert!(client.output().is_empty());
    assert!(client.conn.is_closed());
}

#[test]
fn preface_and_settings_may_arrive_one_octet_at_a_time() {
    let mut client = Client::with(LocalSettings::default());
    client.output();
    let mut octets = PREFACE.to_vec();
    octets.extend(settings(&[(0x4, 0x100)]));
    for octet in octets {
        client.send(&[octet]).unwrap();
    }
    let out = client.output();
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].shape(), (SETTINGS, ACK, 0));
    assert!(out[0].payload.is_empty());
    assert_eq!(client.conn.peer_settings().initial_window_size, 0x100);
}

#[test]
fn first_frame_other_than_settings_is_connection_protocol_error() {
    let mut client = Client::with(LocalSettings::default());
    client.output();
    let mut octets = PREFACE.to_vec();
    octets.extend(frame(PING, 0, 0, &[0; 8]));
    client.send_expecting_goaway(&octets, 0, PROTOCOL_ERROR);
}

#[test]
fn settings_ack_ends_the_wait_and_an_unexpected_ack_is_ignored() {
    let mut client = Client::with(LocalSettings::default());
    let mut octets = PREFACE.to_vec();
    octets.extend(settings(&[]));
    client.send(&octets).unwrap();
    assert!(client.conn.awaiting_settings_ack());
    client.send(&frame(SETTINGS, ACK, 0, &[])).unwrap();
    assert!(!client.conn.awaiting_settings_ack());
    client.output();
    assert_eq!(client.send(&frame(SETTINGS, ACK, 0, &[])), Ok(()));
    assert!(client.output().is_empty());
}

#[test]
fn every_client_settings_frame_is_acknowledged_and_applied() {
    let mut client = Client::ready();
    client
        .send(&settings(&[
            (0x1, 0x0),
            (0x2, 0x0),
            (0x3, 0x64),
            (0x5, 0x8000),
            (0x6, 0x2000),
        ]))
        .unwrap();
    let out = client.output();
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].shape(), (SETTINGS, ACK, 0));
    let peer = client.conn.peer_settings();
    assert_eq!(peer.header_table_size, 0x0);
    assert!(!peer.enable_push);
    assert_eq!(peer.max_concurrent_streams, Some(0x64));
    assert_eq!(peer.max_frame_size, 0x8000);
    assert_eq!(peer.max_header_list_size, Some(0x2000));
}

#[test]
fn settings_enable_push_of_2_is_connection_protocol_error() {
    let mut client = Client::ready();
    client.send_expecting_goaway(&settings(&[(0x2, 0x2)]), 0, PROTOCOL_ERROR);
}

#[test]
fn client_header_table_size_reaches_our_encoder() {
    let mut client = Client::ready_with(LocalSettings::default(), &[(0x1, 0x0)]);
    client.send_get(1, "/empty");
    let out = client.output();
    // RFC 7541 §6.3: the block opens with a dynamic table size update to 0 (0b001_00000).
    assert_eq!(out[0].payload[0], 0x20);
    assert_eq!(status(&out[0]), "204");
}

#[test]
fn acknowledged_header_table_size_binds_the_clients_next_block() {
    let local = LocalSettings {
        header_table_size: 0x0,
        ..LocalSettings::default()
    };
    // Before the ACK, the client may still use the 4,096-octet table of §6.5.2.
    let mut client = Client::with(local);
    let mut octets = PREFACE.to_vec();
    octets.extend(settings(&[]));
    octets.extend(client.get(1, "/"));
    client.send(&octets).unwrap();
    assert_eq!(status(&client.output()[2]), "200");

    // After the ACK, a block that does not shrink the table first is a COMPRESSION_ERROR
    // (RFC 7541 §4.2).
    let mut client = Client::ready_with(local, &[]);
    let request = client.get(1, "/");
    let err = client.send(&request).unwrap_err();
    assert_eq!(err.code, ErrorCode::COMPRESSION_ERROR);

    let mut client = Client::ready_with(local, &[]);
    client.encoder.set_max_table_size(0x0);
    client.send_get(1, "/");
    assert_eq!(status(&client.output()[0]), "200");
}

#[test]
fn initial_window_size_change_applies_to_open_streams() {
    let mut client = Client::ready_with(LocalSettings::default(), &[(0x4, 0x10)]);
    client.send_get(1, "/big/64");
    let out = client.output();
    assert_eq!(out[0].shape(), (HEADERS, END_HEADERS, 1));
    assert_eq!(data_lengths(&out), vec![(1, 0x10)]);
    client.send(&settings(&[(0x4, 0x30)])).unwrap();
    let out = client.output();
    assert_eq!(out[0].shape(), (SETTINGS, ACK, 0));
    assert_eq!(out[1].shape(), (DATA, 0, 1));
    assert_eq!(out[1].payload.len(), 0x20);
    assert_eq!(out.len(), 2);
}

#[test]
fn initial_window_size_change_past_2_pow_31_minus_1_is_connection_flow_control_error() {
    let mut client = Client::ready_with(LocalSettings::default(), &[(0x4, 0x0)]);
    let request = client.request_with(1, "POST", "/", &[], false);
    client.send(&request).unwrap();
    client.send(&window_update(1, 0x7fff_ffff)).unwrap();
    client.output();
    let err = client.send(&settings(&[(0x4, 0x1)])).unwrap_err();
    assert_eq!(err.code, ErrorCode::FLOW_CONTROL_ERROR);
    let out = client.output();
    assert_goaway(out.last().unwrap(), 1, FLOW_CONTROL_ERROR);
}

#[test]
fn peer_max_frame_size_bounds_data_frames() {
    let mut client = Client::ready();
    client.send_get(1, "/big/40000");
    assert_eq!(
        data_lengths(&client.output()),
        vec![(1, 16384), (1, 16384), (1, 7232)]
    );

    let mut client = Client::ready_with(LocalSettings::default(), &[(0x5, 20000)]);
    client.send_get(1, "/big/40000");
    assert_eq!(data_lengths(&client.output()), vec![(1, 20000), (1, 20000)]);
}

// ---- §6.7 PING, §6.8 GOAWAY ---------------------------------------------------------------------

#[test]
fn ping_is_answered_with_ack_and_the_same_data() {
    let mut client = Client::ready();
    let opaque = [0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef];
    client.send(&frame(PING, 0, 0, &opaque)).unwrap();
    let out = client.output();
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].shape(), (PING, ACK, 0));
    assert_eq!(out[0].payload, opaque);
}

#[test]
fn ping_ack_is_not_answered() {
    let mut client = Client::ready();
    client.send(&frame(PING, ACK, 0, &[0; 8])).unwrap();
    assert!(client.output().is_empty());
}

#[test]
fn goaway_received_still_serves_new_streams_then_closes_with_our_goaway() {
    let local = LocalSettings::default();
    let mut client = Client::ready_with(local, &[(0x4, 0x0)]);
    client.send_get(1, "/big/10");
    client.output();
    client
        .send(&frame(GOAWAY, 0, 0, &[0, 0, 0, 0, 0, 0, 0, 0]))
        .unwrap();
    assert!(!client.conn.is_closed());
    // §6.8 forbids new streams only to the GOAWAY's receiver: the client's new stream is served.
    client.send_get(3, "/");
    assert_eq!(status(&client.output()[0]), "200");
    let mut credit = window_update(1, 0x10);
    credit.extend(window_update(3, 0x100));
    client.send(&credit).unwrap();
    let out = client.output();
    assert_eq!(data_lengths(&out), vec![(1, 10), (3, 3)]);
    assert_goaway(out.last().unwrap(), 3, NO_ERROR);
    assert!(client.conn.is_closed());
}

#[test]
fn client_goaway_is_answered_with_ours_once_its_streams_are_done() {
    let mut client = Client::ready_with(LocalSettings::default(), &[(0x4, 0x0)]);
    client.send_get(1, "/big/10");
    client.output();
    client
        .send(&frame(GOAWAY, 0, 0, &[0, 0, 0, 0, 0, 0, 0, 0]))
        .unwrap();
    assert!(client.output().is_empty());
    client.send(&window_update(1, 0x10)).unwrap();
    let out = client.output();
    assert_eq!(data_lengths(&out), vec![(1, 10)]);
    assert_goaway(out.last().unwrap(), 1, NO_ERROR);
    assert!(client.conn.is_closed());
}

#[test]
fn client_goaway_with_nothing_open_is_answered_at_once() {
    let mut client = Client::ready();
    client.send_get(1, "/");
    client.output();
    client
        .send(&frame(GOAWAY, 0, 0, &[0, 0, 0, 0, 0, 0, 0, 0]))
        .unwrap();
    let out = client.output();
    assert_eq!(out.len(), 1);
    assert_goaway(&out[0], 1, NO_ERROR);
    assert!(client.conn.is_closed());
}

#[test]
fn a_response_that_asks_for_goaway_is_followed_by_it() {
    let app = crate::app::App::new(std::env::temp_dir()).unwrap();
    let mut client = Client::serving(Arc::new(app));
    client.handshake();
    client.send_get(1, "/_h2lab/goaway");
    let out = client.output();
    let kinds: Vec<u8> = out.iter().map(|f| f.kind).collect();
    assert_eq!(kinds, vec![HEADERS, DATA, GOAWAY]);
    assert_eq!(out[1].flags, END_STREAM);
    assert_goaway(&out[2], 1, NO_ERROR);
    assert!(client.conn.is_closed());
}

#[test]
fn graceful_go_away_names_the_last_stream_and_ignores_later_ones() {
    let mut client = Client::ready();
    client.send_get(1, "/");
    client.output();
    client.conn.go_away(ErrorCode::NO_ERROR, "shutting down");
    let out = client.output();
    assert_goaway(&out[0], 1, NO_ERROR);
    assert_eq!(&out[0].payload[8..], b"shutting down");
    let request = client.request_with(3, "POST", "/", &[], false);
    client.send(&request).unwrap();
    client.send(&data(3, END_STREAM, 4)).unwrap();
    assert!(client.output().is_empty());
    assert!(client.conn.is_closed());
}

#[test]
fn connection_can_move_to_its_own_thread() {
    fn assert_send<T: Send>() {}
    assert_send::<Connection>();
}

#[test]
fn goaway_on_connection_error_carries_the_highest_processed_stream() {
    let mut client = Client::ready();
    for stream in [1, 3] {
        client.send_get(stream, "/");
    }
    client.output();
    client
        .send(&frame(PUSH_PROMISE, END_HEADERS, 3, &[0, 0, 0, 2]))
        .unwrap_err();
    let out = client.output();
    assert_eq!(out.len(), 1);
    assert_goaway(&out[0], 3, PROTOCOL_ERROR);
    assert!(client.conn.is_closed());
}

// ---- §4.3, §6.10 header blocks ------------------------------------------------------------------

#[test]
fn headers_and_continuation_form_one_request() {
    let mut client = Client::ready();
    let block = client.block(&[
        (":method", "GET"),
        (":scheme", "https"),
        (":authority", "h2lab.test"),
        (":path", "/big/3"),
    ]);
    let (first, rest) = block.split_at(block.len() / 2);
    let (second, third) = rest.split_at(rest.len() / 2);
    let mut octets = frame(HEADERS, END_STREAM, 1, first);
    octets.extend(frame(CONTINUATION, 0, 1, second));
    octets.extend(frame(CONTINUATION, END_HEADERS, 1, third));
    client.send(&octets).unwrap();
    let out = client.output();
    assert_eq!(status(&out[0]), "200");
    assert_eq!(out[1].shape(), (DATA, END_STREAM, 1));
}

#[test]
fn frame_inside_a_header_block_is_connection_protocol_error() {
    let mut client = Client::ready();
    let block = client.block(&[(":method", "GET")]);
    let mut octets = frame(HEADERS, END_STREAM, 1, &block);
    octets.extend(frame(PING, 0, 0, &[0; 8]));
    client.send_expecting_goaway(&octets, 0, PROTOCOL_ERROR);
}

#[test]
fn continuation_on_another_stream_is_connection_protocol_error() {
    let mut client = Client::ready();
    let block = client.block(&[(":method", "GET")]);
    let mut octets = frame(HEADERS, END_STREAM, 1, &block);
    octets.extend(frame(CONTINUATION, END_HEADERS, 3, &[]));
    client.send_expecting_goaway(&octets, 0, PROTOCOL_ERROR);
}

#[test]
fn continuation_without_an_open_block_is_connection_protocol_error() {
    let mut client = Client::ready();
    client.send_get(1, "/");
    client.output();
    client.send_expecting_goaway(&frame(CONTINUATION, END_HEADERS, 1, &[]), 1, PROTOCOL_ERROR);
}

#[test]
fn undecodable_header_block_is_connection_compression_error() {
    let mut client = Client::ready();
    let octets = frame(
        HEADERS,
        END_STREAM | END_HEADERS,
        1,
        &[0xff, 0xff, 0xff, 0xff, 0x0f],
    );
    client.send_expecting_goaway(&octets, 0, COMPRESSION_ERROR);
}

#[test]
fn header_list_over_our_limit_is_answered_with_431() {
    let local = LocalSettings {
        max_header_list_size: 0x100,
        ..LocalSettings::default()
    };
    let mut client = Client::ready_with(local, &[]);
    let long = "v".repeat(0x100);
    let request = client.request_with(1, "GET", "/", &[("x-long", &long)], true);
    client.send(&request).unwrap();
    let out = client.output();
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].shape(), (HEADERS, END_STREAM | END_HEADERS, 1));
    assert_eq!(status(&out[0]), "431");
    let fields = out[0].fields.as_ref().unwrap();
    let names: Vec<&str> = fields.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, [":status", "content-length", "date", "server"]);
    // The connection and its HPACK state carry on.
    client.send_get(3, "/");
    assert_eq!(status(&client.output()[0]), "200");
}

#[test]
fn header_list_over_our_limit_before_the_body_is_431_then_rst_stream_no_error() {
    let local = LocalSettings {
        max_header_list_size: 0x100,
        ..LocalSettings::default()
    };
    let mut client = Client::ready_with(local, &[]);
    let long = "v".repeat(0x100);
    let request = client.request_with(1, "POST", "/", &[("x-long", &long)], false);
    client.send(&request).unwrap();
    let out = client.output();
    assert_eq!(status(&out[0]), "431");
    assert_eq!(out[0].flags, END_STREAM | END_HEADERS);
    assert_rst(&out[1], 1, NO_ERROR);
    // The body that was already on its way is ignored.
    client.send(&data(1, END_STREAM, 10)).unwrap();
    assert!(client.output().is_empty());
}

// ---- §5.1 stream states, §5.1.1 identifiers, §5.1.2 concurrency ----------------------------------

#[test]
fn request_on_even_stream_is_connection_protocol_error() {
    let mut client = Client::ready();
    let request = client.get(2, "/");
    client.send_expecting_goaway(&request, 0, PROTOCOL_ERROR);
}

#[test]
fn request_on_a_lower_stream_id_than_before_is_connection_protocol_error() {
    let mut client = Client::ready();
    client.send_get(5, "/");
    client.output();
    let request = client.get(3, "/");
    client.send_expecting_goaway(&request, 5, PROTOCOL_ERROR);
}

#[test]
fn data_on_idle_stream_is_connection_protocol_error() {
    let mut client = Client::ready();
    client.send_expecting_goaway(&data(1, 0, 4), 0, PROTOCOL_ERROR);
}

#[test]
fn rst_stream_on_idle_stream_is_connection_protocol_error() {
    let mut client = Client::ready();
    client.send_expecting_goaway(&rst_stream(1, CANCEL), 0, PROTOCOL_ERROR);
}

#[test]
fn window_update_on_idle_stream_is_connection_protocol_error() {
    let mut client = Client::ready();
    client.send_expecting_goaway(&window_update(3, 1), 0, PROTOCOL_ERROR);
}

#[test]
fn priority_on_idle_streams_neither_opens_them_nor_raises_the_highest_id() {
    let mut client = Client::ready();
    let mut octets = Vec::new();
    for stream in [3, 5, 7, 9, 11] {
        octets.extend(priority(stream, 0));
    }
    client.send(&octets).unwrap();
    assert!(client.output().is_empty());
    assert!(!client.conn.has_open_streams());
    // A request on stream 1, below the PRIORITY frames' ids, is still a new stream.
    client.send_get(1, "/");
    assert_eq!(status(&client.output()[0]), "200");
    client.send_get(13, "/");
    let out = client.output();
    assert_eq!(out[0].stream, 13);
    assert_eq!(status(&out[0]), "200");
}

#[test]
fn streams_beyond_max_concurrent_streams_are_refused() {
    let local = LocalSettings {
        max_concurrent_streams: 1,
        ..LocalSettings::default()
    };
    let mut client = Client::ready_with(local, &[]);
    let request = client.request_with(1, "POST", "/", &[], false);
    client.send(&request).unwrap();
    client.send_get(3, "/");
    let out = client.output();
    assert_eq!(out.len(), 1);
    assert_rst(&out[0], 3, REFUSED_STREAM);
    // Stream 1 is unaffected; once it is done, a new stream is accepted.
    client.send(&data(1, END_STREAM, 2)).unwrap();
    assert_eq!(client.output()[1].payload, b"2 0");
    client.send_get(5, "/");
    assert_eq!(status(&client.output()[0]), "200");
}

#[test]
fn data_on_half_closed_remote_stream_is_stream_closed() {
    let mut client = Client::ready_with(LocalSettings::default(), &[(0x4, 0x0)]);
    client.send_get(1, "/big/10");
    client.output();
    client.send(&data(1, 0, 4)).unwrap();
    let out = client.output();
    assert_eq!(out.len(), 1);
    assert_rst(&out[0], 1, STREAM_CLOSED);
    assert!(!client.conn.has_open_streams());
}

#[test]
fn headers_on_half_closed_remote_stream_is_stream_closed() {
    let mut client = Client::ready_with(LocalSettings::default(), &[(0x4, 0x0)]);
    client.send_get(1, "/big/10");
    client.output();
    let trailers = client.block(&[("x-late", "1")]);
    client
        .send(&frame(HEADERS, END_STREAM | END_HEADERS, 1, &trailers))
        .unwrap();
    assert_rst(&client.output()[0], 1, STREAM_CLOSED);
}

#[test]
fn frames_on_a_stream_we_reset_are_ignored() {
    let mut client = Client::ready();
    let request = client.request_with(1, "POST", "/", &[("Bad-Name", "1")], false);
    client.send(&request).unwrap();
    assert_rst(&client.output()[0], 1, PROTOCOL_ERROR);
    client.send(&data(1, 0, 10)).unwrap();
    let trailers = client.block(&[("x-checksum", "1")]);
    client
        .send(&frame(HEADERS, END_STREAM | END_HEADERS, 1, &trailers))
        .unwrap();
    client.send(&window_update(1, 10)).unwrap();
    client.send(&rst_stream(1, CANCEL)).unwrap();
    assert!(client.output().is_empty());
    // The HPACK state stayed in step: the next request decodes.
    client.send_get(3, "/");
    assert_eq!(status(&client.output()[0]), "200");
}

#[test]
fn data_on_a_stream_closed_normally_is_stream_closed() {
    let mut client = Client::ready();
    client.send_get(1, "/");
    client.output();
    client.send(&data(1, 0, 4)).unwrap();
    let out = client.output();
    assert_eq!(out.len(), 1);
    assert_rst(&out[0], 1, STREAM_CLOSED);
}

#[test]
fn headers_reusing_a_closed_stream_is_connection_stream_closed() {
    let mut client = Client::ready();
    client.send_get(3, "/");
    client.output();
    let again = client.get(3, "/");
    client.send_expecting_goaway(&again, 3, STREAM_CLOSED);
}

#[test]
fn headers_reusing_a_stream_closed_long_ago_is_still_connection_stream_closed() {
    let mut client = Client::ready();
    for stream in (1..=0x403).step_by(2) {
        client.send_get(stream, "/empty");
    }
    client.output();
    // 514 streams later, stream 1 is still known as used and ended (§5.1.1).
    let again = client.get(1, "/");
    client.send_expecting_goaway(&again, 0x403, STREAM_CLOSED);
}

#[test]
fn headers_on_an_id_skipped_long_ago_is_connection_protocol_error() {
    let mut client = Client::ready();
    // Stream 3 is skipped: opening 5 closed it without use (§5.1.1).
    client.send_get(1, "/empty");
    for stream in (5..=0x405).step_by(2) {
        client.send_get(stream, "/empty");
    }
    client.output();
    let late = client.get(3, "/");
    client.send_expecting_goaway(&late, 0x405, PROTOCOL_ERROR);
}

#[test]
fn data_on_a_stream_closed_long_ago_is_stream_closed() {
    let mut client = Client::ready();
    for stream in (1..=0x203).step_by(2) {
        client.send_get(stream, "/empty");
    }
    client.output();
    // Stream 1 is no longer among the 256 streams remembered.
    client.send(&data(1, 0, 4)).unwrap();
    let out = client.output();
    assert_eq!(out.len(), 1);
    assert_rst(&out[0], 1, STREAM_CLOSED);
}

#[test]
fn window_update_and_priority_on_a_closed_stream_are_ignored() {
    let mut client = Client::ready();
    client.send_get(1, "/");
    client.output();
    client.send(&window_update(1, 0x100)).unwrap();
    client.send(&priority(1, 0)).unwrap();
    assert!(client.output().is_empty());
}

#[test]
fn rst_stream_drops_the_exchange_and_the_body_at_once() {
    let mut client = Client::ready();
    client.send_get(1, "/watched");
    let out = client.output_within(0x100);
    assert_eq!(data_lengths(&out), vec![(1, 0x100)]);
    assert!(!client.dropped.load(Ordering::SeqCst));
    client.send(&rst_stream(1, CANCEL)).unwrap();
    assert!(client.dropped.load(Ordering::SeqCst));
    assert!(!client.conn.has_open_streams());
    assert!(!client.conn.wants_write());
    assert!(client.output().is_empty());
}

#[test]
fn headers_depending_on_its_own_stream_is_rst_stream_protocol_error() {
    let mut client = Client::ready();
    let block = client.block(&[(":method", "GET"), (":scheme", "https"), (":path", "/")]);
    let mut payload = vec![0x00, 0x00, 0x00, 0x01, 0x0f];
    payload.extend(block);
    let flags = END_STREAM | END_HEADERS | PRIORITY_FLAG;
    client.send(&frame(HEADERS, flags, 1, &payload)).unwrap();
    let out = client.output();
    assert_eq!(out.len(), 1);
    assert_rst(&out[0], 1, PROTOCOL_ERROR);
    // The block was decoded all the same: the next request, which may refer to its table
    // entries, decodes.
    client.send_get(3, "/");
    assert_eq!(status(&client.output()[0]), "200");
}

#[test]
fn push_promise_from_a_client_is_connection_protocol_error() {
    let mut client = Client::ready();
    client.send_expecting_goaway(
        &frame(PUSH_PROMISE, END_HEADERS, 1, &[0, 0, 0, 2]),
        0,
        PROTOCOL_ERROR,
    );
}

// ---- §8.1–§8.3 request validation ----------------------------------------------------------------

#[test]
fn malformed_request_is_rst_stream_protocol_error_and_the_connection_stays() {
    let mut client = Client::ready();
    let cases: [(&str, &[(&str, &str)]); 4] = [
        ("GET", &[("connection", "keep-alive")]),
        ("GET", &[("te", "gzip")]),
        ("GET", &[("x-bad", " padded")]),
        ("GET", &[(":status", "200")]),
    ];
    let mut stream = 1;
    for (method, extra) in cases {
        let request = client.request_with(stream, method, "/", extra, true);
        client.send(&request).unwrap();
        let out = client.output();
        assert_eq!(out.len(), 1, "{extra:?}");
        assert_rst(&out[0], stream, PROTOCOL_ERROR);
        stream += 2;
    }
    client.send_get(stream, "/");
    assert_eq!(status(&client.output()[0]), "200");
}

#[test]
fn request_without_path_is_rst_stream_protocol_error() {
    let mut client = Client::ready();
    let block = client.block(&[(":method", "GET"), (":scheme", "https")]);
    client
        .send(&frame(HEADERS, END_STREAM | END_HEADERS, 1, &block))
        .unwrap();
    assert_rst(&client.output()[0], 1, PROTOCOL_ERROR);
}

#[test]
fn content_length_larger_than_the_data_is_rst_stream_protocol_error() {
    let mut client = Client::ready();
    let request = client.request_with(1, "POST", "/", &[("content-length", "5")], false);
    client.send(&request).unwrap();
    client.send(&data(1, END_STREAM, 3)).unwrap();
    let out = client.output();
    assert_eq!(out.len(), 1);
    assert_rst(&out[0], 1, PROTOCOL_ERROR);
}

#[test]
fn data_beyond_content_length_is_rst_stream_protocol_error() {
    let mut client = Client::ready();
    let request = client.request_with(1, "POST", "/", &[("content-length", "2")], false);
    client.send(&request).unwrap();
    client.send(&data(1, 0, 3)).unwrap();
    assert_rst(&client.output()[0], 1, PROTOCOL_ERROR);
}

#[test]
fn content_length_on_a_request_without_body_must_be_zero() {
    let mut client = Client::ready();
    let request = client.request_with(1, "POST", "/", &[("content-length", "1")], true);
    client.send(&request).unwrap();
    assert_rst(&client.output()[0], 1, PROTOCOL_ERROR);
    let request = client.request_with(3, "POST", "/", &[("content-length", "0")], true);
    client.send(&request).unwrap();
    assert_eq!(status(&client.output()[0]), "200");
}

#[test]
fn trailers_reach_the_exchange() {
    let mut client = Client::ready();
    let request = client.request_with(1, "POST", "/", &[("content-length", "4")], false);
    client.send(&request).unwrap();
    client.send(&data(1, 0, 4)).unwrap();
    let trailers = client.block(&[("x-checksum", "abc"), ("x-count", "4")]);
    client
        .send(&frame(HEADERS, END_STREAM | END_HEADERS, 1, &trailers))
        .unwrap();
    let out = client.output();
    assert_eq!(status(&out[0]), "200");
    assert_eq!(out[1].payload, b"4 2");
}

#[test]
fn trailers_without_end_stream_or_with_pseudo_headers_are_rst_stream_protocol_error() {
    let mut client = Client::ready();
    let request = client.request_with(1, "POST", "/", &[], false);
    client.send(&request).unwrap();
    let trailers = client.block(&[("x-checksum", "abc")]);
    client
        .send(&frame(HEADERS, END_HEADERS, 1, &trailers))
        .unwrap();
    assert_rst(&client.output()[0], 1, PROTOCOL_ERROR);

    let request = client.request_with(3, "POST", "/", &[], false);
    client.send(&request).unwrap();
    let trailers = client.block(&[(":path", "/again")]);
    client
        .send(&frame(HEADERS, END_STREAM | END_HEADERS, 3, &trailers))
        .unwrap();
    assert_rst(&client.output()[0], 3, PROTOCOL_ERROR);
}

// ---- §6.9 flow control ---------------------------------------------------------------------------

#[test]
fn upload_gets_window_updates_and_never_stalls() {
    let mut client = Client::ready();
    let request = client.request_with(1, "POST", "/", &[], false);
    client.send(&request).unwrap();
    let mut stream_credit = 0;
    let mut connection_credit = 0;
    let mut in_flight = 0;
    for _ in 0..12 {
        client.send(&data(1, 0, 0x4000)).unwrap();
        in_flight += 0x4000;
        for out in client.output() {
            assert_eq!(out.kind, WINDOW_UPDATE);
            match out.stream {
                0 => connection_credit += out.code_at(0),
                1 => stream_credit += out.code_at(0),
                other => panic!("WINDOW_UPDATE on stream {other}"),
            }
        }
        // The client never has more than its windows outstanding.
        assert!(in_flight - stream_credit <= 0xffff);
        assert!(in_flight - connection_credit <= 0xffff);
    }
    client.send(&data(1, END_STREAM, 0)).unwrap();
    let out = client.output();
    assert_eq!(out.last().unwrap().payload, b"196608 0");
}

#[test]
fn window_updates_are_sent_once_half_a_window_is_consumed() {
    let mut client = Client::ready();
    let request = client.request_with(1, "POST", "/", &[], false);
    client.send(&request).unwrap();
    client.send(&data(1, 0, 0x4000)).unwrap();
    assert!(client.output().is_empty());
    client.send(&data(1, 0, 0x4000)).unwrap();
    let out = client.output();
    assert_eq!(out.len(), 2);
    assert_eq!(
        (out[0].shape(), out[0].code_at(0)),
        ((WINDOW_UPDATE, 0, 0), 0x8000)
    );
    assert_eq!(
        (out[1].shape(), out[1].code_at(0)),
        ((WINDOW_UPDATE, 0, 1), 0x8000)
    );
}

/// Our SETTINGS, then, without waiting for anything, a POST on stream 1 and `body` octets of it:
/// a client's first flight. Returns the WINDOW_UPDATEs written, as (stream, increment).
fn first_flight(client: &mut Client, body: usize) -> Vec<(u32, u32)> {
    let mut octets = PREFACE.to_vec();
    octets.extend(settings(&[]));
    octets.extend(client.request_with(1, "POST", "/", &[], false));
    for _ in 0..body / 0x4000 {
        octets.extend(data(1, 0, 0x4000));
    }
    octets.extend(data(1, 0, body % 0x4000));
    client.send(&octets).unwrap();
    window_updates(&client.output())
}

fn window_updates(frames: &[Out]) -> Vec<(u32, u32)> {
    frames
        .iter()
        .filter(|f| f.kind == WINDOW_UPDATE)
        .map(|f| (f.stream, f.code_at(0)))
        .collect()
}

fn small_window(initial_window_size: u32) -> LocalSettings {
    LocalSettings {
        initial_window_size,
        ..LocalSettings::default()
    }
}

#[test]
fn before_its_ack_a_client_may_fill_the_initial_window_of_65535() {
    // RFC 9113 §6.9.3: the receiver "MUST be prepared to receive data that exceeds this window
    // size, since the sender might send data that exceeds the lower limit prior to processing the
    // SETTINGS frame."
    let mut client = Client::with(small_window(0x10));
    client.output();
    let updates = first_flight(&mut client, 0xffff);
    // Both windows were used up: the connection's budget doubles at once; the stream's only
    // once our SETTINGS are acknowledged, so that its window stays the one the client knows.
    assert_eq!(updates, vec![(0, 0x1_fffe), (1, 0xffff)]);
    client.send(&data(1, END_STREAM, 0x0)).unwrap();
    assert_eq!(client.output().last().unwrap().payload, b"65535 0");
}

#[test]
fn the_ack_moves_open_streams_to_our_window_and_new_ones_start_with_it() {
    let mut client = Client::with(small_window(0x10));
    client.output();
    let mut octets = PREFACE.to_vec();
    octets.extend(settings(&[]));
    octets.extend(client.request_with(1, "POST", "/", &[], false));
    for len in [0x4000, 0x4000, 0x4000, 60_000 - 3 * 0x4000] {
        octets.extend(data(1, 0, len));
    }
    octets.extend(frame(SETTINGS, ACK, 0, &[]));
    client.send(&octets).unwrap();
    // RFC 9113 §6.9.2's example: 60,000 octets were sent against 65,535; the window of 16 leaves
    // -59,984. The client cannot send until credit makes it positive: what it used, and the
    // doubled budget of 32.
    let out = client.output();
    assert_eq!(
        window_updates(&out),
        vec![(0, 60_000), (1, 60_000 - 0x10 + 0x20)]
    );
    // A stream opened after the ACK starts at 16.
    let request = client.request_with(3, "POST", "/", &[], false);
    client.send(&request).unwrap();
    client.send(&data(3, 0, 0x11)).unwrap();
    assert_rst(&client.output()[0], 3, FLOW_CONTROL_ERROR);
}

#[test]
fn an_upload_through_a_window_of_16_gets_doubling_credit() {
    let mut client = Client::ready_with(small_window(0x10), &[]);
    let request = client.request_with(1, "POST", "/", &[], false);
    client.send(&request).unwrap();
    assert!(client.output().is_empty());
    let mut credit = Vec::new();
    let mut window = 0x10;
    for _ in 0..6 {
        client.send(&data(1, 0, window)).unwrap();
        let updates = window_updates(&client.output());
        assert_eq!(updates.len(), 1, "{updates:?}");
        window = updates[0].1 as usize;
        credit.push(updates[0]);
    }
    assert_eq!(
        credit,
        vec![
            (1, 0x20),
            (1, 0x40),
            (1, 0x80),
            (1, 0x100),
            (1, 0x200),
            (1, 0x400)
        ]
    );
}

#[test]
fn with_an_initial_window_of_0_a_request_body_still_gets_credit() {
    let mut client = Client::ready_with(small_window(0x0), &[]);
    let request = client.request_with(1, "POST", "/", &[], false);
    client.send(&request).unwrap();
    assert_eq!(window_updates(&client.output()), vec![(1, 0x1)]);
    client.send(&data(1, 0, 0x1)).unwrap();
    assert_eq!(window_updates(&client.output()), vec![(1, 0x2)]);
    client.send(&data(1, END_STREAM, 0x2)).unwrap();
    assert_eq!(client.output().last().unwrap().payload, b"3 0");
}

#[test]
fn a_request_without_body_gets_no_credit_even_with_a_window_of_0() {
    let mut client = Client::ready_with(small_window(0x0), &[]);
    client.send_get(1, "/");
    assert!(window_updates(&client.output()).is_empty());
}

#[test]
fn padding_counts_against_the_stream_window() {
    let local = LocalSettings {
        initial_window_size: 0x64,
        ..LocalSettings::default()
    };
    let mut client = Client::ready_with(local, &[]);
    let request = client.request_with(1, "POST", "/", &[], false);
    client.send(&request).unwrap();
    client.output();
    // 1 Pad Length octet + 50 data octets + 50 padding octets = 101 > 100.
    let mut payload = vec![0x32];
    payload.extend([0x64; 0x32]);
    payload.extend([0x00; 0x32]);
    client.send(&frame(DATA, PADDED, 1, &payload)).unwrap();
    let out = client.output();
    assert_rst(&out[0], 1, FLOW_CONTROL_ERROR);
}

#[test]
fn data_beyond_the_connection_window_is_connection_flow_control_error() {
    let mut client = Client::ready();
    let mut octets = Vec::new();
    for stream in [1, 3, 5, 7, 9] {
        octets.extend(client.request_with(stream, "POST", "/", &[], false));
    }
    for stream in [1, 3, 5, 7, 9] {
        octets.extend(data(stream, 0, 0x4000));
    }
    client.send_expecting_goaway(&octets, 9, FLOW_CONTROL_ERROR);
}

#[test]
fn data_is_sent_within_the_stream_window_and_resumes_on_window_update() {
    let mut client = Client::ready_with(LocalSettings::default(), &[(0x4, 0x10)]);
    client.send_get(1, "/reader/100");
    let out = client.output();
    assert_eq!(data_lengths(&out), vec![(1, 0x10)]);
    assert_eq!(out[1].payload, vec![0x62; 0x10]);
    assert!(!client.conn.wants_write());
    client.send(&window_update(1, 0x20)).unwrap();
    assert!(client.conn.wants_write());
    assert_eq!(data_lengths(&client.output()), vec![(1, 0x20)]);
    client.send(&window_update(1, 0x100)).unwrap();
    let out = client.output();
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].shape(), (DATA, END_STREAM, 1));
    assert_eq!(out[0].payload.len(), 100 - 0x30);
}

#[test]
fn data_is_sent_within_the_connection_window() {
    let mut client = Client::ready_with(LocalSettings::default(), &[(0x4, 0x10_0000)]);
    client.send_get(1, "/big/70000");
    let sent: usize = data_lengths(&client.output())
        .iter()
        .map(|(_, len)| len)
        .sum();
    assert_eq!(sent, 0xffff);
    assert!(!client.conn.wants_write());
    client.send(&window_update(0, 10000)).unwrap();
    let out = client.output();
    assert_eq!(data_lengths(&out), vec![(1, 70000 - 0xffff)]);
    assert_eq!(out[0].flags, END_STREAM);
}

#[test]
fn window_update_overflow_on_a_stream_is_rst_stream_flow_control_error() {
    let mut client = Client::ready_with(LocalSettings::default(), &[(0x4, 0x0)]);
    let request = client.request_with(1, "POST", "/", &[], false);
    client.send(&request).unwrap();
    client.output();
    client.send(&window_update(1, 0x7fff_ffff)).unwrap();
    client.output();
    client.send(&window_update(1, 0x1)).unwrap();
    let out = client.output();
    assert_eq!(out.len(), 1);
    assert_rst(&out[0], 1, FLOW_CONTROL_ERROR);
}

#[test]
fn window_update_overflow_on_the_connection_is_connection_flow_control_error() {
    let mut client = Client::ready();
    client.send_expecting_goaway(&window_update(0, 0x7fff_0001), 0, FLOW_CONTROL_ERROR);
}

// ---- responses -----------------------------------------------------------------------------------

#[test]
fn response_headers_carry_status_first_then_the_handlers_fields() {
    let mut client = Client::ready();
    client.send_get(1, "/big/5");
    let out = client.output();
    assert_eq!(out.len(), 2);
    assert_eq!(out[0].shape(), (HEADERS, END_HEADERS, 1));
    assert_eq!(
        out[0].fields,
        Some(vec![
            (":status".to_string(), "200".to_string()),
            ("content-type".to_string(), "text/plain".to_string()),
        ])
    );
    assert_eq!(out[1].shape(), (DATA, END_STREAM, 1));
    assert_eq!(out[1].payload, b"aaaaa");
    assert!(!client.conn.has_open_streams());
}

#[test]
fn empty_body_puts_end_stream_on_headers() {
    let mut client = Client::ready();
    client.send_get(1, "/empty");
    let out = client.output();
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].shape(), (HEADERS, END_STREAM | END_HEADERS, 1));
    assert_eq!(status(&out[0]), "204");
}

#[test]
fn long_response_header_block_is_split_into_continuation() {
    let mut client = Client::ready();
    client.send_get(1, "/wide");
    let out = client.output();
    let blocks: Vec<&Out> = out.iter().filter(|f| f.kind != DATA).collect();
    assert!(blocks.len() >= 2);
    assert_eq!(blocks[0].shape(), (HEADERS, 0, 1));
    assert_eq!(blocks[0].payload.len(), 16384);
    for middle in &blocks[1..blocks.len() - 1] {
        assert_eq!(middle.shape(), (CONTINUATION, 0, 1));
    }
    let last = blocks[blocks.len() - 1];
    assert_eq!(last.shape(), (CONTINUATION, END_HEADERS, 1));
    let fields = last.fields.as_ref().unwrap();
    assert_eq!(fields[0], (":status".to_string(), "200".to_string()));
    assert_eq!(fields[2].1.len(), 40_000);
}

#[test]
fn body_read_error_is_rst_stream_internal_error() {
    let mut client = Client::ready();
    client.send_get(1, "/broken");
    let out = client.output();
    assert_eq!(out.len(), 2);
    assert_eq!(out[0].shape(), (HEADERS, END_HEADERS, 1));
    assert_rst(&out[1], 1, INTERNAL_ERROR);
    assert!(!client.conn.has_open_streams());
}

#[test]
fn data_of_several_streams_is_interleaved_round_robin() {
    let mut client = Client::ready_with(LocalSettings::default(), &[(0x4, 0x10_0000)]);
    client.send(&window_update(0, 0x10_0000)).unwrap();
    let first = client.get(1, "/big/50000");
    let second = client.get(3, "/big/20000");
    client.send(&first).unwrap();
    client.send(&second).unwrap();
    let out = client.output();
    assert_eq!(
        data_lengths(&out),
        vec![
            (1, 16384),
            (3, 16384),
            (1, 16384),
            (3, 3616),
            (1, 16384),
            (1, 848)
        ]
    );
}

#[test]
fn budget_bounds_the_data_written_per_call() {
    let mut client = Client::ready();
    client.send_get(1, "/big/5000");
    let out = client.output_within(1000);
    assert_eq!(out[0].kind, HEADERS);
    assert_eq!(data_lengths(&out), vec![(1, 1000)]);
    assert_eq!(data_lengths(&client.output_within(3000)), vec![(1, 3000)]);
    let out = client.output_within(3000);
    assert_eq!(data_lengths(&out), vec![(1, 1000)]);
    assert_eq!(out[0].flags, END_STREAM);
}

// ---- through the application --------------------------------------------------------------------

#[test]
fn echo_through_the_app_counts_an_upload_larger_than_the_initial_windows() {
    let app = crate::app::App::new(std::env::temp_dir()).unwrap();
    let mut client = Client::serving(Arc::new(app));
    client.handshake();
    let request = client.request_with(1, "POST", "/_h2lab/echo", &[], false);
    client.send(&request).unwrap();
    let mut credit = 0;
    for _ in 0..10 {
        client.send(&data(1, 0, 0x4000)).unwrap();
        credit += client
            .output()
            .iter()
            .filter(|f| f.shape() == (WINDOW_UPDATE, 0, 1))
            .map(|f| f.code_at(0))
            .sum::<u32>();
    }
    assert_eq!(credit, 0x8000 * 5);
    client.send(&data(1, END_STREAM, 0x10)).unwrap();
    let out = client.output();
    let headers = out.iter().find(|f| f.kind == HEADERS).unwrap();
    assert_eq!(status(headers), "200");
    let body: Vec<u8> = out
        .iter()
        .filter(|f| f.kind == DATA)
        .flat_map(|f| f.payload.clone())
        .collect();
    let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(json["method"], "POST");
    assert_eq!(json["body"]["length"], 0x4000 * 10 + 0x10);
}

#[test]
fn missing_file_through_the_app_is_404_and_the_connection_goes_on() {
    let app = crate::app::App::new(std::env::temp_dir()).unwrap();
    let mut client = Client::serving(Arc::new(app));
    client.handshake();
    client.send_get(1, "/h2lab-surely-missing-file");
    assert_eq!(status(&client.output()[0]), "404");
    client.send_get(3, "/_h2lab/echo");
    assert_eq!(status(&client.output()[0]), "200");
}

// ---- hostile input -------------------------------------------------------------------------------

proptest::proptest! {
    /// Whatever frames follow the preface, the connection never panics, and once it reports a
    /// connection error its last output frame is GOAWAY with that error's code.
    #[test]
    fn arbitrary_frames_never_panic_and_errors_end_with_goaway(
        frames in proptest::collection::vec(
            (
                0x0u8..0xb,
                proptest::num::u8::ANY,
                0u32..8,
                proptest::collection::vec(proptest::num::u8::ANY, 0..40),
            ),
            0..24,
        )
    ) {
        let mut client = Client::with(LocalSettings::default());
        let mut octets = PREFACE.to_vec();
        octets.extend(settings(&[]));
        let mut error = client.send(&octets).err();
        for (kind, flags, stream, payload) in frames {
            if error.is_some() {
                break;
            }
            // Type 0xa stands for a well-formed request, so that streams really open.
            let octets = if kind == 0xa {
                client.request_with(stream | 1, "POST", "/big/100", &[], flags & END_STREAM != 0)
            } else {
                frame(kind, flags, stream, &payload)
            };
            error = client.send(&octets).err();
        }
        let mut out = Vec::new();
        client.conn.poll_output(&mut out, 0x10_0000);
        if let Some(error) = error {
            let frames = client.split(&out);
            let last = frames.last().unwrap();
            proptest::prop_assert_eq!(last.kind, GOAWAY);
            proptest::prop_assert_eq!(last.code_at(4), error.code.0);
            proptest::prop_assert!(client.conn.is_closed());
        }
    }
}

const ENHANCE_YOUR_CALM: u32 = 0xb;

/// Sends `octets`, which must cross a limit of §10.5: `receive` fails with ENHANCE_YOUR_CALM and
/// the last frame written is GOAWAY with that code, naming `last_stream`.
fn assert_calm(client: &mut Client, octets: &[u8], last_stream: u32) {
    assert_eq!(client.send(octets).unwrap_err().code.0, ENHANCE_YOUR_CALM);
    let out = client.output();
    assert_goaway(out.last().unwrap(), last_stream, ENHANCE_YOUR_CALM);
    assert!(client.conn.is_closed());
}

#[test]
fn a_ping_flood_is_enhance_your_calm() {
    let mut client = Client::ready();
    let ping = frame(PING, 0, 0, b"h2lab-01");
    assert_calm(&mut client, &ping.repeat(1001), 0);
}

#[test]
fn runs_of_empty_data_priority_and_settings_are_enhance_your_calm() {
    for unproductive in [data(1, 0, 0), priority(3, 0), settings(&[])] {
        let mut client = Client::ready();
        let request = client.request_with(1, "POST", "/", &[], false);
        client.send(&request).unwrap();
        client.output();
        assert_calm(&mut client, &unproductive.repeat(1001), 1);
    }
}

#[test]
fn pings_between_requests_and_data_are_not_a_flood() {
    let mut client = Client::ready();
    let request = client.request_with(1, "POST", "/", &[], false);
    client.send(&request).unwrap();
    let mut octets = Vec::new();
    for _ in 0..5 {
        octets.extend(frame(PING, 0, 0, b"h2lab-01").repeat(900));
        octets.extend(data(1, 0, 1));
    }
    client.send(&octets).unwrap();
    assert_eq!(client.output().len(), 4500);
}

#[test]
fn rapid_reset_is_enhance_your_calm() {
    let mut client = Client::ready();
    let mut octets = Vec::new();
    for stream in (1..=401).step_by(2) {
        octets.extend(client.get(stream, "/"));
        octets.extend(rst_stream(stream, CANCEL));
    }
    assert_calm(&mut client, &octets, 401);
}

#[test]
fn resets_provoked_by_the_clients_own_frames_are_enhance_your_calm() {
    // MadeYouReset: a WINDOW_UPDATE of 0 on a stream is a stream error (§6.9) that the client
    // can cause at will.
    let mut client = Client::ready();
    let mut octets = Vec::new();
    for stream in (1..=401).step_by(2) {
        octets.extend(client.request_with(stream, "POST", "/", &[], false));
        octets.extend(window_update(stream, 0));
    }
    assert_calm(&mut client, &octets, 401);
}

#[test]
fn a_client_that_cancels_now_and_then_is_served() {
    let mut client = Client::ready();
    for stream in (1..=1201).step_by(4) {
        client.send_get(stream, "/");
        assert_eq!(status(&client.output()[0]), "200");
        let mut cancelled = client.get(stream + 2, "/");
        cancelled.extend(rst_stream(stream + 2, CANCEL));
        client.send(&cancelled).unwrap();
        client.output();
    }
}

#[test]
fn control_frames_queued_past_the_limit_are_enhance_your_calm() {
    let mut client = Client::ready();
    let request = client.request_with(1, "POST", "/", &[], false);
    client.send(&request).unwrap();
    client.output();
    let mut octets = Vec::new();
    for _ in 0..11 {
        octets.extend(frame(PING, 0, 0, b"h2lab-01").repeat(999));
        octets.extend(data(1, 0, 1));
    }
    assert_calm(&mut client, &octets, 1);
}

#[test]
fn response_octets_held_past_the_limit_are_enhance_your_calm() {
    // A client whose windows are zero keeps every response: 4 MiB of them are held, not more.
    let local = LocalSettings::default();
    let mut client = Client::ready_with(local, &[(0x4, 0x0)]);
    for stream in [1, 3, 5, 7] {
        client.send_get(stream, "/big/1048576");
    }
    client.send_get(9, "/reader/1048576");
    assert_eq!(client.output().len(), 5);
    let fifth = client.get(11, "/big/1");
    assert_calm(&mut client, &fifth, 11);
}

#[test]
fn shared_response_octets_count_against_the_held_limit_as_a_response_of_its_own() {
    // A body shared with other responses (a cached file's) is kept alive by the response that
    // waits to send it, so it is held as much as `/big/`'s octets are.
    let local = LocalSettings::default();
    let mut client = Client::ready_with(local, &[(0x4, 0x0)]);
    for stream in [1, 3, 5, 7] {
        client.send_get(stream, "/shared/1048576");
    }
    client.send_get(9, "/reader/1048576");
    assert_eq!(client.output().len(), 5);
    let fifth = client.get(11, "/shared/1");
    assert_calm(&mut client, &fifth, 11);
}

// ---- watching: the events an observer sees ------------------------------------------------------

/// Writes each event down as its `-vv` line (the time prefix left out).
struct Recorder(Arc<std::sync::Mutex<Vec<String>>>);

impl Observer for Recorder {
    fn event(&mut self, event: &trace::Event<'_>) {
        if let Some((_, line)) = trace::text::line(event, true) {
            self.0.lock().unwrap().push(line);
        }
    }
}

/// Attaches a [`Recorder`] to the client's connection; the closure takes the lines so far.
fn record(client: &mut Client) -> impl FnMut() -> Vec<String> {
    let lines = Arc::new(std::sync::Mutex::new(Vec::new()));
    client.conn.observe(Box::new(Recorder(Arc::clone(&lines))));
    move || std::mem::take(&mut *lines.lock().unwrap())
}

#[test]
fn an_observer_sees_preface_settings_fields_states_and_data_in_order() {
    let mut client = Client::with(LocalSettings::default());
    let mut lines = record(&mut client);
    client.handshake();
    client.send_get(1, "/big/5");
    client.output();
    client.conn.ended("closed by the peer");
    assert_eq!(
        lines(),
        [
            "recv client preface (24 octets)",
            "recv SETTINGS flags=- stream=0 length=0",
            "recv SETTINGS flags=ACK stream=0 length=0",
            "send SETTINGS flags=- stream=0 length=30 SETTINGS_HEADER_TABLE_SIZE=4096 \
             SETTINGS_MAX_CONCURRENT_STREAMS=128 SETTINGS_INITIAL_WINDOW_SIZE=65535 \
             SETTINGS_MAX_FRAME_SIZE=16384 SETTINGS_MAX_HEADER_LIST_SIZE=65536",
            "send SETTINGS flags=ACK stream=0 length=0",
            "recv HEADERS flags=END_STREAM|END_HEADERS stream=1 length=18 fragment_length=18",
            "recv   stream=1 :method = \"GET\"    [indexed: index 2 (static)]",
            "recv   stream=1 :scheme = \"https\"    [indexed: index 7 (static)]",
            "recv   stream=1 :authority = \"h2lab.test\"    [literal with incremental indexing; \
             name index 1 (static); value Huffman]",
            "recv   stream=1   + dynamic table [62]: :authority = \"h2lab.test\" (table now 52 octets)",
            "recv   stream=1 :path = \"/big/5\"    [literal with incremental indexing; name index 4 \
             (static); value Huffman]",
            "recv   stream=1   + dynamic table [62]: :path = \"/big/5\" (table now 95 octets)",
            "stream 1: idle → open",
            "stream 1: open → half-closed (remote)",
            "send HEADERS flags=END_HEADERS stream=1 length=10 fragment_length=10",
            "send   stream=1 :status = \"200\"    [indexed: index 8 (static)]",
            "send   stream=1 content-type = \"text/plain\"    [literal with incremental indexing; \
             name index 31 (static); value Huffman]",
            "send   stream=1   + dynamic table [62]: content-type = \"text/plain\" (table now 54 octets)",
            "send DATA flags=END_STREAM stream=1 length=5 data_length=5",
            "stream 1 send window 65,530 (-5)",
            "connection send window 65,530 (-5)",
            "stream 1: half-closed (remote) → closed",
            "connection ends: closed by the peer",
        ]
    );
}

/// Writes each event down as [`Recorder`] does, declines every stream, and adds up what the
/// connection reports of them.
struct Declining(Recorder, Arc<std::sync::Mutex<trace::Followed>>);

impl Observer for Declining {
    fn event(&mut self, event: &trace::Event<'_>) {
        self.0.event(event);
    }

    fn wants_stream(&mut self, _stream_id: u32) -> bool {
        false
    }

    fn followed(&mut self, followed: &trace::Followed) {
        self.1.lock().unwrap().add(followed);
    }
}

#[test]
fn an_observer_that_declines_a_stream_sees_the_tables_change_and_what_the_stream_adds_up_to() {
    let mut client = Client::with(LocalSettings::default());
    let lines = Arc::new(std::sync::Mutex::new(Vec::new()));
    let followed = Arc::new(std::sync::Mutex::new(trace::Followed::default()));
    let observer = Declining(Recorder(Arc::clone(&lines)), Arc::clone(&followed));
    client.conn.observe(Box::new(observer));
    client.handshake();
    client.send_get(1, "/big/5");
    client.output();
    client.conn.ended("closed by the peer");
    let lines = std::mem::take(&mut *lines.lock().unwrap());
    let of_stream_1: Vec<&str> = lines
        .iter()
        .map(String::as_str)
        .filter(|line| line.contains("stream=1") || line.contains("stream 1"))
        .collect();
    assert_eq!(
        of_stream_1,
        [
            "recv   stream=1   + dynamic table [62]: :authority = \"h2lab.test\" (table now 52 octets)",
            "recv   stream=1   + dynamic table [62]: :path = \"/big/5\" (table now 95 octets)",
            "send   stream=1   + dynamic table [62]: content-type = \"text/plain\" (table now 54 octets)",
        ]
    );
    // HEADERS in (18 octets of block) and its two state changes; HEADERS out (10), DATA out (5),
    // both windows it took from and the state change its END_STREAM made.
    assert_eq!(
        *followed.lock().unwrap(),
        trace::Followed {
            events: 3 + 1 + 4,
            frames: [1, 2],
            octets: [9 + 18, 9 + 10 + 9 + 5],
            connection_window: [None, Some(65_530)],
        }
    );
}

/// Counts every event, and the field steps of the streams past the recorder's burst.
struct Counting(Arc<std::sync::Mutex<(u64, u64)>>);

impl Observer for Counting {
    fn event(&mut self, event: &trace::Event<'_>) {
        let mut counts = self.0.lock().unwrap();
        counts.0 += 1;
        if let trace::Event::Hpack {
            stream_id,
            step: crate::hpack::Event::Field { .. },
            ..
        } = event
        {
            counts.1 += u64::from(*stream_id > 2 * STREAMS_BURST_U32);
        }
    }
}

const STREAMS_BURST_U32: u32 = crate::trace::record::STREAMS_BURST as u32;

/// The frames and octets of `octets` (whole frames, after the preface if it starts with it).
fn frames_and_octets(octets: &[u8]) -> (u64, u64) {
    let mut rest = octets.strip_prefix(PREFACE).unwrap_or(octets);
    let (mut frames, mut total) = (0, 0);
    while rest.len() >= 9 {
        let len = 9 + u32::from_be_bytes([0, rest[0], rest[1], rest[2]]) as usize;
        frames += 1;
        total += len as u64;
        rest = &rest[len..];
    }
    (frames, total)
}

/// A handshake and three more GETs of 5 octets than the inspector's recorder records whole,
/// through a connection that it records, with `also` watching after it. Returns the record's
/// JSON, and the frames and octets that went each way (received, sent).
fn recorded_requests(also: Option<Box<dyn Observer>>) -> (serde_json::Value, [(u64, u64); 2]) {
    use crate::trace::record::{json, Limits, Store};
    let store = Store::new(Limits::default());
    let mut client = Client::with(LocalSettings::default());
    client.conn.observe(Box::new(store.recorder(7, None)));
    if let Some(observer) = also {
        client.conn.observe(observer);
    }
    let mut totals = [(0, 0); 2];
    let mut count = |way: usize, octets: &[u8]| {
        let (frames, octets) = frames_and_octets(octets);
        totals[way].0 += frames;
        totals[way].1 += octets;
    };
    let mut input = PREFACE.to_vec();
    input.extend(settings(&[]));
    input.extend(frame(SETTINGS, ACK, 0, &[]));
    for n in 0..STREAMS_BURST_U32 + 3 {
        input.extend(client.get(2 * n + 1, "/big/5"));
        client.send(&input).unwrap();
        count(0, &input);
        let mut output = Vec::new();
        client.conn.poll_output(&mut output, usize::MAX);
        client.split(&output);
        count(1, &output);
        input.clear();
    }
    client.conn.ended("closed by the peer");
    let record = serde_json::from_str(&json::connection(&store, 7).unwrap()).unwrap();
    (record, totals)
}

#[test]
fn the_record_counts_the_frames_octets_and_windows_of_the_streams_it_only_follows() {
    let (record, [(frames_recv, octets_recv), (frames_sent, octets_sent)]) =
        recorded_requests(None);
    let counts = &record["counts"];
    assert_eq!(counts["streams"], u64::from(STREAMS_BURST_U32) + 3);
    assert_eq!(counts["streams_not_recorded"], 3);
    assert_eq!(counts["frames_recv"], frames_recv);
    assert_eq!(counts["octets_recv"], octets_recv);
    assert_eq!(counts["frames_sent"], frames_sent);
    assert_eq!(counts["octets_sent"], octets_sent);
    let requests = i64::from(STREAMS_BURST_U32) + 3;
    assert_eq!(record["windows"]["send"], 65_535 - 5 * requests);
    let listed: Vec<u64> = record["streams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_u64().unwrap())
        .collect();
    let last_recorded = u64::from(2 * STREAMS_BURST_U32 - 1);
    assert_eq!(listed.last(), Some(&last_recorded), "{listed:?}");
}

#[test]
fn with_another_observer_watching_every_stream_the_record_is_the_same() {
    let counted = Arc::new(std::sync::Mutex::new((0, 0)));
    let (alone, totals) = recorded_requests(None);
    let (beside, same_totals) = recorded_requests(Some(Box::new(Counting(Arc::clone(&counted)))));
    assert_eq!(totals, same_totals);
    for key in ["counts", "windows", "streams"] {
        assert_eq!(alone[key], beside[key], "{key}");
    }
    // Every event is counted, but the field steps of the streams followed, which are never
    // built for the record alone.
    let (events, followed_fields) = *counted.lock().unwrap();
    assert_eq!(alone["counts"]["events"], events - followed_fields);
}

#[test]
fn the_vv_lines_are_the_same_with_the_record_watching() {
    use crate::trace::record::{Limits, Store};
    let store = Store::new(Limits::default());
    let lines_of = |recorded: bool| {
        let mut client = Client::with(LocalSettings::default());
        if recorded {
            client.conn.observe(Box::new(store.recorder(7, None)));
        }
        let mut lines = record(&mut client);
        client.handshake();
        for n in 0..STREAMS_BURST_U32 + 2 {
            client.send_get(2 * n + 1, "/big/5");
            client.output();
        }
        client.conn.ended("closed by the peer");
        lines()
    };
    let bare = lines_of(false);
    assert!(
        bare.contains(&format!(
            "stream {}: half-closed (remote) → closed",
            2 * STREAMS_BURST_U32 + 3
        )),
        "the last stream, past the recorder's burst, is shown"
    );
    assert_eq!(lines_of(true), bare);
}

#[test]
fn an_observer_sees_a_stream_wait_for_window_and_the_update_that_frees_it() {
    let mut client = Client::ready_with(LocalSettings::default(), &[(0x4, 0)]);
    let mut lines = record(&mut client);
    client.send_get(1, "/big/10");
    client.output();
    let waiting = lines();
    assert!(
        waiting.ends_with(&["stream 1 waits for window (0 octets, 10 queued)".to_string()]),
        "{waiting:#?}"
    );
    client.send(&window_update(1, 4)).unwrap();
    client.output();
    assert_eq!(
        lines(),
        [
            "recv WINDOW_UPDATE flags=- stream=1 length=4 increment=4",
            "stream 1 send window 4 (+4)",
            "send DATA flags=- stream=1 length=4 data_length=4",
            "stream 1 send window 0 (-4)",
            "connection send window 65,531 (-4)",
            "stream 1 waits for window (0 octets, 6 queued)",
        ]
    );
}

#[test]
fn an_observer_sees_each_error_with_its_rfc_section() {
    let mut client = Client::ready();
    let mut lines = record(&mut client);
    client.send_get(1, "/big/5");
    client.output();
    lines();
    client.send(&data(1, 0, 1)).unwrap();
    client.output();
    assert_eq!(
        lines(),
        [
            "recv DATA flags=- stream=1 length=1 data_length=1",
            "connection recv window 65,534 (-1)",
            "stream error on stream 1 STREAM_CLOSED (RFC 9113 §5.1): RecvData after the client \
             ended stream 1",
            "send RST_STREAM flags=- stream=1 length=4 error_code=STREAM_CLOSED",
        ]
    );
    client.send_expecting_goaway(&frame(PING, 0, 0, &[0; 7]), 1, 0x6);
    assert_eq!(
        lines(),
        [
            "recv PING flags=- stream=0 length=7",
            "connection error FRAME_SIZE_ERROR (RFC 9113 §6.7): PING frame of 7 octets, not 8",
            "send GOAWAY flags=- stream=0 length=54 last_stream=1 error_code=FRAME_SIZE_ERROR \
             debug_data=\"PING frame of 7 octets, not 8 (RFC 9113 \\xc2\\xa76.7)\"",
        ]
    );
}

#[test]
fn an_observer_sees_the_limit_that_refuses_a_stream() {
    let settings = LocalSettings {
        max_concurrent_streams: 1,
        ..LocalSettings::default()
    };
    let mut client = Client::ready_with(settings, &[]);
    let mut lines = record(&mut client);
    let open = client.request_with(1, "POST", "/", &[], false);
    client.send(&open).unwrap();
    client.send_get(3, "/");
    let seen = lines();
    let limit = seen
        .iter()
        .position(|line| line == "limit reached: SETTINGS_MAX_CONCURRENT_STREAMS = 1")
        .unwrap_or_else(|| panic!("{seen:#?}"));
    assert_eq!(
        seen[limit + 1],
        "stream error on stream 3 REFUSED_STREAM (RFC 9113 §5.1.2): stream 3 beyond \
         MAX_CONCURRENT_STREAMS of 1"
    );
}

mod faults;
mod pushes;
