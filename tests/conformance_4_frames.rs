//! Conformance: frame format, frame size and field blocks — RFC 9113 §4.1, §4.2, §4.3.
//!
//! Each test runs over TLS and over cleartext h2c (see `conformance_support`).

mod conformance_support;

use conformance_support::*;

/// A request for the small fixture file, encoded with the client's encoder into one block.
fn hello_block(client: &mut Client) -> Vec<u8> {
    let fields = client.request_fields("GET", HELLO_PATH);
    client.encode_block(&fields)
}

/// Reads the response on `stream_id` and checks it is the small fixture file.
fn expect_hello(client: &mut Client, stream_id: u32) {
    let response = must(client, |c| c.read_response(stream_id, WAIT), "the response");
    assert_eq!(response.status, 200);
    assert_eq!(response.body, HELLO);
}

/// RFC 9113 §4.1: "Implementations MUST ignore and discard frames of unknown types." An unknown
/// frame type on stream 0 changes nothing.
#[test]
fn s4_1_unknown_frame_type_on_stream_zero_is_ignored() {
    each_transport(|t| {
        let mut client = t.handshake();
        let unknown = raw_frame(0xfa, 0xff, 0x0, &[0x1, 0x2, 0x3, 0x4]);
        must(&mut client, |c| c.send_raw(&unknown), "to send the frame");
        expect_no_error(&mut client);
    });
}

/// RFC 9113 §4.1: "Unused flags are those that have no defined semantics for a particular frame
/// type. Unused flags MUST be ignored on receipt". A PING with every flag but ACK set is a plain
/// PING, answered with its data.
#[test]
fn s4_1_unknown_flags_on_ping_are_ignored() {
    each_transport(|t| {
        let mut client = t.handshake();
        let data = [0x1, 0x2, 0x3, 0x4, 0x5, 0x6, 0x7, 0x8];
        let ping = raw_frame(0x6, 0xfe, 0x0, &data);
        must(&mut client, |c| c.send_raw(&ping), "to send PING");
        let answer = must(
            &mut client,
            |c| c.expect_frame(WAIT, "PING", |f| matches!(f, Frame::Ping(_))),
            "the PING answer",
        );
        assert_eq!(answer.frame, Frame::Ping(Ping { ack: true, data }));
    });
}

/// RFC 9113 §4.1: "Unused flags are those that have no defined semantics for a particular frame
/// type. Unused flags MUST be ignored on receipt". HEADERS with the undefined bits 0x02, 0x10, 0x40
/// and 0x80 set opens a request as usual.
#[test]
fn s4_1_unknown_flags_on_headers_are_ignored() {
    each_transport(|t| {
        let mut client = t.handshake();
        let block = hello_block(&mut client);
        let flags = flags::END_STREAM | flags::END_HEADERS | 0xd2;
        let headers = raw_frame(0x1, flags, 0x1, &block);
        must(&mut client, |c| c.send_raw(&headers), "to send HEADERS");
        expect_hello(&mut client, 0x1);
    });
}

/// RFC 9113 §4.1: the reserved bit of the stream identifier "MUST remain unset (0x00) when
/// sending and MUST be ignored when receiving". HEADERS on 0x80000001 is HEADERS on stream 1.
#[test]
fn s4_1_reserved_bit_of_the_stream_identifier_is_ignored() {
    each_transport(|t| {
        let mut client = t.handshake();
        let block = hello_block(&mut client);
        let flags = flags::END_STREAM | flags::END_HEADERS;
        let headers = raw_frame(0x1, flags, 0x8000_0001, &block);
        must(&mut client, |c| c.send_raw(&headers), "to send HEADERS");
        expect_hello(&mut client, 0x1);
    });
}

/// RFC 9113 §4.2: "All implementations MUST be capable of receiving and minimally processing
/// frames up to 2^14 octets in length". A DATA frame of exactly 16,384 octets is accepted.
#[test]
fn s4_2_data_frame_of_exactly_16384_octets_is_accepted() {
    each_transport(|t| {
        let mut client = t.handshake();
        let stream_id = open_stream(&mut client);
        let data = raw_frame(0x0, flags::END_STREAM, stream_id, &[0x61; 0x4000]);
        must(&mut client, |c| c.send_raw(&data), "to send DATA");
        let response = expect_ok(&mut client, stream_id);
        let body = String::from_utf8_lossy(&response.body);
        assert!(body.contains("\"length\":16384"), "echo: {body}");
    });
}

/// RFC 9113 §4.2: "An endpoint MUST NOT send a frame with a length that exceeds the size
/// defined in SETTINGS_MAX_FRAME_SIZE" — ours is the initial 16,384, and the client refuses any
/// larger frame. The whole 256 KiB file arrives intact in frames within that size.
#[test]
fn s4_2_server_frames_stay_within_our_max_frame_size() {
    each_transport(|t| {
        let mut client = t.handshake();
        let response = must(&mut client, |c| c.request(BIG_PATH), "the large response");
        assert_eq!(response.status, 200);
        let expected: Vec<u8> = (0..BIG_LEN).map(|i| (i % 251) as u8).collect();
        assert!(response.body == expected, "the body differs from big.bin");
    });
}

/// The server's SETTINGS_MAX_FRAME_SIZE: the value it announced, else the initial 16,384.
fn server_max_frame_size(client: &Client) -> usize {
    client
        .server_setting(SettingId::MAX_FRAME_SIZE)
        .unwrap_or(0x4000) as usize
}

/// RFC 9113 §4.2: "An endpoint MUST send an error code of FRAME_SIZE_ERROR if a frame exceeds the
/// size defined in SETTINGS_MAX_FRAME_SIZE". DATA does not carry a field block and is not on stream
/// 0, so the RFC leaves the scope open: a stream or a connection error, FRAME_SIZE_ERROR either way.
#[test]
fn s4_2_data_frame_over_max_frame_size_is_frame_size_error() {
    each_transport(|t| {
        let mut client = t.handshake();
        let stream_id = open_stream(&mut client);
        let payload = vec![0x61; server_max_frame_size(&client) + 1];
        let data = raw_frame(0x0, flags::END_STREAM, stream_id, &payload);
        must(&mut client, |c| c.send_raw(&data), "to send DATA");
        expect_stream_or_connection_error(&mut client, stream_id, ErrorCode::FRAME_SIZE_ERROR);
    });
}

/// RFC 9113 §4.2: "A frame size error in a frame that could alter the state of the entire
/// connection MUST be treated as a connection error (Section 5.4.1); this includes any frame
/// carrying a field block (Section 4.3) (that is, HEADERS, PUSH_PROMISE, and CONTINUATION)".
/// (`!` has a 10-bit Huffman code, so the value stays as long as it is.)
#[test]
fn s4_2_headers_frame_over_max_frame_size_is_connection_frame_size_error() {
    each_transport(|t| {
        let mut client = t.handshake();
        let max = server_max_frame_size(&client);
        let long = "!".repeat(max);
        let fields = request_with(&client, "GET", HELLO_PATH, &[field("x-long", &long)]);
        let block = client.encode_block(&fields);
        let headers = raw_frame(0x1, flags::END_STREAM | flags::END_HEADERS, 0x1, &block);
        must(&mut client, |c| c.send_raw(&headers), "to send HEADERS");
        expect_connection_error(&mut client, ErrorCode::FRAME_SIZE_ERROR, &[0x0, 0x1]);
    });
}

/// RFC 9113 §4.2: the same for CONTINUATION, which also carries a field block: a CONTINUATION
/// one octet over the server's SETTINGS_MAX_FRAME_SIZE is a connection error of type
/// FRAME_SIZE_ERROR.
#[test]
fn s4_2_continuation_frame_over_max_frame_size_is_connection_frame_size_error() {
    each_transport(|t| {
        let mut client = t.handshake();
        let max = server_max_frame_size(&client);
        let long = "!".repeat(max);
        let fields = request_with(&client, "GET", HELLO_PATH, &[field("x-long", &long)]);
        let block = client.encode_block(&fields);
        let stream_id = client.next_stream_id();
        let (head, tail) = block.split_at(block.len() - (max + 1));
        let mut bytes = raw_frame(0x1, flags::END_STREAM, stream_id, head);
        bytes.extend(raw_frame(0x9, flags::END_HEADERS, stream_id, tail));
        must(&mut client, |c| c.send_raw(&bytes), "to send the block");
        expect_connection_error(&mut client, ErrorCode::FRAME_SIZE_ERROR, &[0x0, stream_id]);
    });
}

/// RFC 9113 §4.2: a frame size error in SETTINGS, or in any frame on stream 0, is a connection
/// error. A SETTINGS frame of 16,386 octets (2,731 unknown settings, a multiple of 6) exceeds
/// the default SETTINGS_MAX_FRAME_SIZE.
#[test]
fn s4_2_settings_frame_over_max_frame_size_is_connection_frame_size_error() {
    each_transport(|t| {
        let mut client = t.handshake();
        let count = server_max_frame_size(&client) / 6 + 1;
        let payload: Vec<u8> = (0..count)
            .flat_map(|_| [0xff, 0x00, 0x00, 0x00, 0x00, 0x01])
            .collect();
        let settings = raw_frame(0x4, 0x0, 0x0, &payload);
        must(&mut client, |c| c.send_raw(&settings), "to send SETTINGS");
        expect_connection_error(&mut client, ErrorCode::FRAME_SIZE_ERROR, &[0x0]);
    });
}

/// RFC 9113 §4.2: "An endpoint MUST send an error code of FRAME_SIZE_ERROR if a frame ... is too
/// small to contain mandatory frame data", a connection error for a frame carrying a field block.
/// HEADERS with the PRIORITY flag needs 5 octets of priority fields; this one has 3.
#[test]
fn s4_2_headers_too_short_for_its_priority_fields_is_connection_frame_size_error() {
    each_transport(|t| {
        let mut client = t.handshake();
        let flags = flags::END_HEADERS | flags::PRIORITY;
        let headers = raw_frame(0x1, flags, 0x1, &[0x0, 0x0, 0x0]);
        must(&mut client, |c| c.send_raw(&headers), "to send HEADERS");
        expect_connection_error(&mut client, ErrorCode::FRAME_SIZE_ERROR, &[0x0, 0x1]);
    });
}

/// RFC 9113 §4.3: "A receiving endpoint reassembles the field block by concatenating its
/// fragments and then decompresses the block". A block cut into HEADERS and two CONTINUATION
/// frames is one request.
#[test]
fn s4_3_field_block_in_headers_and_continuations_is_reassembled() {
    each_transport(|t| {
        let mut client = t.handshake();
        let block = hello_block(&mut client);
        let (a, rest) = block.split_at(block.len() / 3);
        let (b, c) = rest.split_at(rest.len() / 2);
        let mut bytes = raw_frame(0x1, flags::END_STREAM, 0x1, a);
        bytes.extend(raw_frame(0x9, 0x0, 0x1, b));
        bytes.extend(raw_frame(0x9, flags::END_HEADERS, 0x1, c));
        must(&mut client, |c| c.send_raw(&bytes), "to send the block");
        expect_hello(&mut client, 0x1);
    });
}

/// RFC 9113 §4.3: "A decoding error in a field block MUST be treated as a connection error
/// (Section 5.4.1) of type COMPRESSION_ERROR." The block ends inside a string literal. Whether the
/// stream counts as processed is open, so the last-stream-id may be 0 or 1.
#[test]
fn s4_3_field_block_that_fails_to_decode_is_connection_compression_error() {
    each_transport(|t| {
        let mut client = t.handshake();
        let block = [0x82, 0x87, 0x84, 0x40, 0x0a, 0x78];
        let headers = raw_frame(0x1, flags::END_STREAM | flags::END_HEADERS, 0x1, &block);
        must(&mut client, |c| c.send_raw(&headers), "to send HEADERS");
        expect_connection_error(&mut client, ErrorCode::COMPRESSION_ERROR, &[0x0, 0x1]);
    });
}

/// Sends the first half of a request's field block in HEADERS without END_HEADERS on stream 1,
/// then `interloper`, then the rest in CONTINUATION.
fn interrupt_block(t: &Target, interloper: Vec<u8>) -> Client {
    let mut client = t.handshake();
    let block = hello_block(&mut client);
    let (a, b) = block.split_at(block.len() / 2);
    let mut bytes = raw_frame(0x1, flags::END_STREAM, 0x1, a);
    bytes.extend(interloper);
    bytes.extend(raw_frame(0x9, flags::END_HEADERS, 0x1, b));
    must(&mut client, |c| c.send_raw(&bytes), "to send the frames");
    client
}

/// RFC 9113 §4.3: "Field blocks MUST be transmitted as a contiguous sequence of frames, with no
/// interleaved frames of any other type or from any other stream." ... "receipt of any other type
/// of frame or a frame on a different stream MUST be treated as a connection error (Section
/// 5.4.1) of type PROTOCOL_ERROR". A PING inside the block.
#[test]
fn s4_3_ping_inside_a_field_block_is_connection_protocol_error() {
    each_transport(|t| {
        let mut client = interrupt_block(t, raw_frame(0x6, 0x0, 0x0, &[0x0; 8]));
        expect_connection_error(&mut client, ErrorCode::PROTOCOL_ERROR, &[0x0, 0x1]);
    });
}

/// RFC 9113 §4.3: a DATA frame of the same stream inside the block is a connection error of type
/// PROTOCOL_ERROR.
#[test]
fn s4_3_data_inside_a_field_block_is_connection_protocol_error() {
    each_transport(|t| {
        let mut client = interrupt_block(t, raw_frame(0x0, 0x0, 0x1, b"abc"));
        expect_connection_error(&mut client, ErrorCode::PROTOCOL_ERROR, &[0x0, 0x1]);
    });
}

/// RFC 9113 §4.3: HEADERS of another stream inside the block is a connection error of type
/// PROTOCOL_ERROR.
#[test]
fn s4_3_headers_of_another_stream_inside_a_field_block_is_connection_protocol_error() {
    each_transport(|t| {
        let other = raw_frame(0x1, flags::END_STREAM | flags::END_HEADERS, 0x3, &[0x82]);
        let mut client = interrupt_block(t, other);
        expect_connection_error(&mut client, ErrorCode::PROTOCOL_ERROR, &[0x0, 0x1, 0x3]);
    });
}

/// RFC 9113 §4.3 and §6.10: a CONTINUATION of another stream inside the block is a connection
/// error of type PROTOCOL_ERROR.
#[test]
fn s4_3_continuation_of_another_stream_inside_a_field_block_is_connection_protocol_error() {
    each_transport(|t| {
        let mut client = interrupt_block(t, raw_frame(0x9, 0x0, 0x3, &[0x82]));
        expect_connection_error(&mut client, ErrorCode::PROTOCOL_ERROR, &[0x0, 0x1]);
    });
}

/// RFC 9113 §6.3: "A PRIORITY frame cannot be sent between consecutive frames that comprise a
/// single field block"; by §4.3 a connection error of type PROTOCOL_ERROR.
#[test]
fn s4_3_priority_inside_a_field_block_is_connection_protocol_error() {
    each_transport(|t| {
        let priority = raw_frame(0x2, 0x0, 0x1, &[0x0, 0x0, 0x0, 0x0, 0x0f]);
        let mut client = interrupt_block(t, priority);
        expect_connection_error(&mut client, ErrorCode::PROTOCOL_ERROR, &[0x0, 0x1]);
    });
}

/// RFC 9113 §5.5: "extension frames that appear in the middle of a field block (Section 4.3) are
/// not permitted; these MUST be treated as a connection error (Section 5.4.1) of type
/// PROTOCOL_ERROR."
#[test]
fn s4_3_unknown_frame_inside_a_field_block_is_connection_protocol_error() {
    each_transport(|t| {
        let mut client = interrupt_block(t, raw_frame(0xfa, 0x0, 0x1, &[0x0; 4]));
        expect_connection_error(&mut client, ErrorCode::PROTOCOL_ERROR, &[0x0, 0x1]);
    });
}

/// Opens a connection to a server started with `--header-table-size 100` and, before the server's
/// SETTINGS is acknowledged, fills the server's decoder table beyond 100 octets (an indexed
/// `x-fill` of 138 octets in request 1). Reading the response acknowledges the SETTINGS: the
/// reduction to 100 then applies to the next block. Returns the client.
fn fill_table_then_acknowledge_reduction(t: &Target) -> Client {
    let mut client = t.connect();
    let stream_id = client.next_stream_id();
    let mut bytes = h2lab::frame::PREFACE.to_vec();
    bytes.extend(raw_frame(0x4, 0x0, 0x0, &[]));
    let mut block = plain_request_block(&client, ECHO_PATH);
    literal_with_indexing(b"x-fill", &[0x61; 100], &mut block);
    bytes.extend(raw_frame(
        0x1,
        flags::END_STREAM | flags::END_HEADERS,
        stream_id,
        &block,
    ));
    must(&mut client, |c| c.send_raw(&bytes), "to send the preface");
    let response = must(
        &mut client,
        |c| c.read_response(stream_id, WAIT),
        "the echo",
    );
    assert_eq!(response.status, 200);
    assert_eq!(
        client.server_setting(SettingId::HEADER_TABLE_SIZE),
        Some(100),
        "the server's SETTINGS_HEADER_TABLE_SIZE"
    );
    client
}

/// RFC 9113 §4.3.1: "Once an endpoint acknowledges a change to SETTINGS_HEADER_TABLE_SIZE that
/// reduces the maximum below the current size of the dynamic table, its HPACK encoder MUST start
/// the next field block with a Dynamic Table Size Update instruction ... An endpoint MUST treat a
/// field block that follows an acknowledgment of the reduction to the maximum dynamic table size
/// as a connection error (Section 5.4.1) of type COMPRESSION_ERROR if it does not start with a
/// conformant Dynamic Table Size Update instruction."
#[test]
fn s4_3_1_block_without_size_update_after_acknowledged_reduction_is_compression_error() {
    each_transport_with(&["--header-table-size", "100"], |t| {
        let mut client = fill_table_then_acknowledge_reduction(t);
        let block = plain_request_block(&client, ECHO_PATH);
        let stream_id = client.next_stream_id();
        let headers = raw_frame(
            0x1,
            flags::END_STREAM | flags::END_HEADERS,
            stream_id,
            &block,
        );
        must(&mut client, |c| c.send_raw(&headers), "to send HEADERS");
        expect_connection_error(&mut client, ErrorCode::COMPRESSION_ERROR, &[0x1, stream_id]);
    });
}

/// RFC 9113 §4.3.1: the same block opened by a Dynamic Table Size Update to 100 is conformant and
/// served.
#[test]
fn s4_3_1_block_with_size_update_after_acknowledged_reduction_is_accepted() {
    each_transport_with(&["--header-table-size", "100"], |t| {
        let mut client = fill_table_then_acknowledge_reduction(t);
        let mut block = Vec::new();
        integer(0x20, 5, 100, &mut block);
        block.extend(plain_request_block(&client, ECHO_PATH));
        let stream_id = client.next_stream_id();
        let headers = raw_frame(
            0x1,
            flags::END_STREAM | flags::END_HEADERS,
            stream_id,
            &block,
        );
        must(&mut client, |c| c.send_raw(&headers), "to send HEADERS");
        expect_ok(&mut client, stream_id);
    });
}
