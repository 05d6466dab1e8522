//! Faults on purpose, each as the exact frames it puts on the wire, and the proof that the rest of
//! the connection stays correct.

use super::*;
use crate::http::Fault;

/// The content every fault response carries, unless the fault sizes it.
const BODY: &[u8] = b"hello, h2lab\n";

/// Answers `/NAME` with [`BODY`] and the fault called NAME (none for any other path).
struct Faulty;

impl Handler for Faulty {
    fn start(&self, request: Request) -> Box<dyn Exchange> {
        Box::new(FaultyExchange(request.path.to_string()))
    }
}

struct FaultyExchange(String);

impl Exchange for FaultyExchange {
    fn body(&mut self, _chunk: &[u8]) {}

    fn finish(self: Box<Self>, _trailers: &[(String, String)]) -> Response {
        Response {
            status: 200,
            headers: vec![
                ("content-type".into(), "text/plain".into()),
                ("content-length".into(), BODY.len().to_string().into()),
            ],
            body: Body::Bytes(BODY.to_vec()),
            fault: Fault::from_name(self.0.trim_start_matches('/')),
            push: Vec::new(),
            goaway_after: false,
        }
    }
}

/// A client past the opening, with `peer` as its SETTINGS, served by [`Faulty`].
fn faulty_client(peer: &[(u16, u32)]) -> Client {
    let mut client = Client::serving(Arc::new(Faulty));
    client.handshake_with(peer);
    client
}

/// The answer to a GET of `/NAME` on stream 1.
fn answer(fault: Fault) -> (Client, Vec<Out>) {
    let mut client = faulty_client(&[]);
    client.send_get(1, &format!("/{}", fault.name()));
    let out = client.output();
    (client, out)
}

fn field(name: &str, value: &str) -> (String, String) {
    (name.to_string(), value.to_string())
}

/// The fields of the one header block in `out`.
fn fields(out: &[Out]) -> Vec<(String, String)> {
    let mut blocks = out.iter().filter_map(|f| f.fields.clone());
    let fields = blocks.next().expect("a header block");
    assert!(blocks.next().is_none(), "{out:?}");
    fields
}

fn content(out: &[Out], stream: u32) -> Vec<u8> {
    out.iter()
        .filter(|f| f.kind == DATA && f.stream == stream)
        .flat_map(|f| f.payload.clone())
        .collect()
}

/// A GET on stream 3 after the fault is answered correctly: the fault was that response's alone.
fn assert_next_request_is_correct(client: &mut Client) {
    client.send_get(3, "/");
    let out = client.output();
    assert_eq!(out[0].shape(), (HEADERS, END_HEADERS, 3));
    assert_eq!(
        out[0].fields.as_deref(),
        Some(
            &[
                field(":status", "200"),
                field("content-type", "text/plain"),
                field("content-length", "13"),
            ][..]
        )
    );
    assert_eq!(out[1].shape(), (DATA, END_STREAM, 3));
    assert_eq!(out[1].payload, BODY);
}

#[test]
fn status_colon_names_the_status_field_with_a_trailing_colon() {
    let (mut client, out) = answer(Fault::StatusColon);
    assert_eq!(out[0].shape(), (HEADERS, END_HEADERS, 1));
    assert_eq!(
        fields(&out),
        [
            field(":status:", "200"),
            field("content-type", "text/plain"),
            field("content-length", "13"),
        ]
    );
    assert_eq!(out[1].shape(), (DATA, END_STREAM, 1));
    assert_next_request_is_correct(&mut client);
}

#[test]
fn new_stream_answers_stream_1_on_stream_2() {
    let (mut client, out) = answer(Fault::NewStream);
    let shapes: Vec<_> = out.iter().map(Out::shape).collect();
    assert_eq!(
        shapes,
        [(HEADERS, END_HEADERS, 2), (DATA, END_STREAM, 2)],
        "nothing on stream 1"
    );
    assert_eq!(fields(&out)[0], field(":status", "200"));
    assert_eq!(out[1].payload, BODY);
    assert!(!client.conn.has_open_streams());
    // The client's RST_STREAM on the stream it never opened is no error of ours: 2 is used.
    client.send(&rst_stream(2, PROTOCOL_ERROR)).unwrap();
    assert_next_request_is_correct(&mut client);
}

#[test]
fn new_stream_takes_the_next_server_id_each_time() {
    let mut client = faulty_client(&[]);
    client.send_get(1, "/new-stream");
    client.send_get(3, "/new-stream");
    let streams: Vec<u32> = client.output().iter().map(|f| f.stream).collect();
    assert_eq!(streams, [2, 4, 2, 4]);
}

#[test]
fn uppercase_name_writes_field_names_as_http_1_1_does() {
    let (mut client, out) = answer(Fault::UppercaseName);
    assert_eq!(
        fields(&out),
        [
            field(":status", "200"),
            field("Content-Type", "text/plain"),
            field("Content-Length", "13"),
        ]
    );
    assert_next_request_is_correct(&mut client);
}

#[test]
fn connection_header_adds_connection_keep_alive() {
    let (mut client, out) = answer(Fault::ConnectionHeader);
    assert_eq!(
        fields(&out),
        [
            field(":status", "200"),
            field("content-type", "text/plain"),
            field("content-length", "13"),
            field("connection", "keep-alive"),
        ]
    );
    assert_next_request_is_correct(&mut client);
}

#[test]
fn no_status_leaves_status_out() {
    let (mut client, out) = answer(Fault::NoStatus);
    assert_eq!(
        fields(&out),
        [
            field("content-type", "text/plain"),
            field("content-length", "13")
        ]
    );
    assert_next_request_is_correct(&mut client);
}

#[test]
fn pseudo_after_regular_puts_status_last() {
    let (mut client, out) = answer(Fault::PseudoAfterRegular);
    assert_eq!(
        fields(&out),
        [
            field("content-type", "text/plain"),
            field("content-length", "13"),
            field(":status", "200"),
        ]
    );
    assert_next_request_is_correct(&mut client);
}

#[test]
fn content_length_mismatch_announces_one_octet_more_than_the_data_carries() {
    let (mut client, out) = answer(Fault::ContentLengthMismatch);
    assert!(fields(&out).contains(&field("content-length", "14")));
    assert_eq!(content(&out, 1), BODY);
    assert_eq!(out.last().unwrap().shape(), (DATA, END_STREAM, 1));
    assert_next_request_is_correct(&mut client);
}

#[test]
fn window_overrun_sends_data_one_octet_past_the_clients_stream_window() {
    let mut client = faulty_client(&[(0x4, 100)]);
    client.send_get(1, "/window-overrun");
    let out = client.output();
    assert!(fields(&out).contains(&field("content-length", "101")));
    assert_eq!(content(&out, 1), [b'x'; 101]);
    assert_eq!(out.last().unwrap().shape(), (DATA, END_STREAM, 1));
}

#[test]
fn window_overrun_sends_data_past_the_connection_window_too() {
    // The stream windows are 1 MiB, the connection's stays at 65,535.
    let mut client = faulty_client(&[(0x4, 0x10_0000)]);
    client.send_get(1, "/window-overrun");
    let out = client.output_within(0xffff);
    assert!(fields(&out).contains(&field("content-length", "65536")));
    assert_eq!(
        data_lengths(&out),
        [(1, 0x4000), (1, 0x4000), (1, 0x4000), (1, 0x3fff)],
        "the connection window is used up"
    );
    assert!(client.conn.wants_write(), "and yet the stream goes on");
    let out = client.output();
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].shape(), (DATA, END_STREAM, 1));
    assert_eq!(out[0].payload, b"x");
    assert!(!client.conn.wants_write());
}

#[test]
fn oversized_frame_sends_one_data_frame_past_the_clients_max_frame_size() {
    let (_, out) = answer(Fault::OversizedFrame);
    assert!(fields(&out).contains(&field("content-length", "16385")));
    assert_eq!(out.len(), 2);
    assert_eq!(out[1].shape(), (DATA, END_STREAM, 1));
    assert_eq!(out[1].payload.len(), 16_385);

    let mut client = faulty_client(&[(0x5, 0x8000)]);
    client.send_get(1, "/oversized-frame");
    assert_eq!(data_lengths(&client.output()), [(1, 0x8001)]);
}

#[test]
fn interleaved_header_block_sends_data_between_headers_and_continuation() {
    let (mut client, out) = answer(Fault::InterleavedHeaderBlock);
    let shapes: Vec<_> = out.iter().map(Out::shape).collect();
    assert_eq!(
        shapes,
        [
            (HEADERS, 0, 1),
            (DATA, 0, 1),
            (CONTINUATION, END_HEADERS, 1),
            (DATA, END_STREAM, 1),
        ]
    );
    assert!(out[1].payload.is_empty());
    assert_eq!(fields(&out)[0], field(":status", "200"));
    assert_eq!(out[3].payload, BODY);
    assert_next_request_is_correct(&mut client);
}

#[test]
fn bad_hpack_index_ends_the_block_with_an_index_in_neither_table() {
    let mut client = faulty_client(&[]);
    client.send_get(1, "/bad-hpack-index");
    let mut octets = Vec::new();
    client.conn.poll_output(&mut octets, usize::MAX);
    // HEADERS: length, type 0x1, END_HEADERS, stream 1; the block ends in index 1000.
    assert_eq!(octets[3..9], [HEADERS, END_HEADERS, 0, 0, 0, 1]);
    let len = u32::from_be_bytes([0, octets[0], octets[1], octets[2]]) as usize;
    let block = &octets[9..9 + len];
    assert_eq!(block[len - 3..], [0xff, 0xe9, 0x06]);
    let mut decoder = Decoder::new();
    assert!(matches!(
        decoder.decode(block),
        Err(crate::hpack::DecodeError::IndexOutOfRange { index: 1000, .. })
    ));
    // Without those three octets the block is the correct response.
    let fields = decoder.decode(&block[..len - 3]).unwrap();
    assert_eq!(fields[0], Field::new(":status", "200"));
}

#[test]
fn no_end_stream_leaves_the_stream_open_and_the_connection_serving() {
    let (mut client, out) = answer(Fault::NoEndStream);
    let shapes: Vec<_> = out.iter().map(Out::shape).collect();
    assert_eq!(shapes, [(HEADERS, END_HEADERS, 1), (DATA, 0, 1)]);
    assert_eq!(out[1].payload, BODY);
    assert!(client.conn.has_open_streams());
    assert!(!client.conn.wants_write());
    assert_next_request_is_correct(&mut client);
    // The client gives up on it: the stream goes.
    client.send(&rst_stream(1, CANCEL)).unwrap();
    assert!(!client.conn.has_open_streams());
}

#[test]
fn an_observer_sees_a_faulty_response_as_the_frames_that_went_out() {
    let mut client = faulty_client(&[]);
    let mut lines = record(&mut client);
    client.send_get(1, "/new-stream");
    client.output();
    let lines = lines();
    let sent: Vec<&str> = lines
        .iter()
        .map(String::as_str)
        .filter(|line| line.starts_with("send ") || line.starts_with("stream 1:"))
        .collect();
    assert_eq!(
        sent,
        [
            "stream 1: idle → open",
            "stream 1: open → half-closed (remote)",
            "send HEADERS flags=END_HEADERS stream=2 length=15 fragment_length=15",
            "send   stream=2 :status = \"200\"    [indexed: index 8 (static)]",
            "send   stream=2 content-type = \"text/plain\"    [literal with incremental \
             indexing; name index 31 (static); value Huffman]",
            "send   stream=2   + dynamic table [62]: content-type = \"text/plain\" (table now 54 \
             octets)",
            "send   stream=2 content-length = \"13\"    [literal without indexing; name index 28 \
             (static); value Huffman]",
            "send DATA flags=END_STREAM stream=2 length=13 data_length=13",
            "stream 1: half-closed (remote) → closed",
        ]
    );
}
