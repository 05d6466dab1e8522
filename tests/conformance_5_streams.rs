//! Conformance: streams — RFC 9113 §5.1 (states), §5.1.1 (identifiers), §5.1.2 (concurrency),
//! §5.3 (priority), §5.4 (error handling), §5.5 (extensions).
//!
//! Each test runs over TLS and over cleartext h2c (see `conformance_support`). The states are
//! the server's view of a stream: "idle" (never used), "open" (a POST whose body the server
//! awaits), "half-closed (remote)" (a whole request whose large response is held back by a
//! 1,000-octet window) and "closed" (a request answered to its end).
//!
//! Where a rule names a stream error, the test requires RST_STREAM and a connection that still
//! serves: §5.4.1 lets any stream error be escalated to a connection error, but h2lab's design
//! (DESIGN.md, "Errors") keeps the connection on stream errors.

mod conformance_support;

use conformance_support::*;

/// The frames of one type, valid in themselves, on `stream_id`.
fn data(stream_id: u32) -> Vec<u8> {
    raw_frame(0x0, 0x0, stream_id, b"abc")
}

fn trailers(client: &mut Client, stream_id: u32) -> Vec<u8> {
    let block = client.encode_block(&[field("x-trailer", "1")]);
    raw_frame(
        0x1,
        flags::END_STREAM | flags::END_HEADERS,
        stream_id,
        &block,
    )
}

fn priority(stream_id: u32) -> Vec<u8> {
    raw_frame(0x2, 0x0, stream_id, &[0x0, 0x0, 0x0, 0x0, 0x0f])
}

fn rst_stream(stream_id: u32) -> Vec<u8> {
    raw_frame(0x3, 0x0, stream_id, &[0x0, 0x0, 0x0, 0x8])
}

fn window_update(stream_id: u32, increment: u32) -> Vec<u8> {
    raw_frame(0x8, 0x0, stream_id, &increment.to_be_bytes())
}

/// PUSH_PROMISE on `stream_id` promising stream 2, with a one-field block that leaves the dynamic
/// table alone (`:method GET`, static index 2).
fn push_promise(stream_id: u32) -> Vec<u8> {
    raw_frame(
        0x5,
        flags::END_HEADERS,
        stream_id,
        &[0x0, 0x0, 0x0, 0x2, 0x82],
    )
}

fn continuation(stream_id: u32) -> Vec<u8> {
    raw_frame(0x9, flags::END_HEADERS, stream_id, &[0x82])
}

/// A connection that has completed one request, on stream 1, so that the last-stream-id of a
/// GOAWAY is 1.
fn after_one_request(t: &Target) -> Client {
    let mut client = t.handshake();
    let stream_id = closed_stream(&mut client);
    assert_eq!(stream_id, 0x1);
    client
}

/// Sends `bytes` and requires a connection error of `code` with last-stream-id `last`.
fn send_expect_connection_error(client: &mut Client, bytes: &[u8], code: ErrorCode, last: u32) {
    must(client, |c| c.send_raw(bytes), "to send the frame");
    expect_connection_error(client, code, &[last]);
}

// ---- §5.1 idle ----

/// RFC 9113 §5.1 idle: "Receiving any frame other than HEADERS or PRIORITY on a stream in this
/// state MUST be treated as a connection error (Section 5.4.1) of type PROTOCOL_ERROR." DATA.
#[test]
fn s5_1_data_on_an_idle_stream_is_connection_protocol_error() {
    each_transport(|t| {
        let mut client = after_one_request(t);
        send_expect_connection_error(&mut client, &data(0x3), ErrorCode::PROTOCOL_ERROR, 0x1);
    });
}

/// RFC 9113 §5.1 idle, and §6.4: "If a RST_STREAM frame identifying an idle stream is received,
/// the recipient MUST treat this as a connection error (Section 5.4.1) of type PROTOCOL_ERROR."
#[test]
fn s5_1_rst_stream_on_an_idle_stream_is_connection_protocol_error() {
    each_transport(|t| {
        let mut client = after_one_request(t);
        let rst = rst_stream(0x3);
        send_expect_connection_error(&mut client, &rst, ErrorCode::PROTOCOL_ERROR, 0x1);
    });
}

/// RFC 9113 §5.1 idle: WINDOW_UPDATE on an idle stream is a connection error of type
/// PROTOCOL_ERROR.
#[test]
fn s5_1_window_update_on_an_idle_stream_is_connection_protocol_error() {
    each_transport(|t| {
        let mut client = after_one_request(t);
        let update = window_update(0x3, 0x1);
        send_expect_connection_error(&mut client, &update, ErrorCode::PROTOCOL_ERROR, 0x1);
    });
}

/// RFC 9113 §5.1 idle and §6.10: CONTINUATION on an idle stream, with no HEADERS before it, is a
/// connection error of type PROTOCOL_ERROR.
#[test]
fn s5_1_continuation_on_an_idle_stream_is_connection_protocol_error() {
    each_transport(|t| {
        let mut client = after_one_request(t);
        let frame = continuation(0x3);
        send_expect_connection_error(&mut client, &frame, ErrorCode::PROTOCOL_ERROR, 0x1);
    });
}

/// RFC 9113 §5.1 idle and §8.4: "servers MUST treat the receipt of a PUSH_PROMISE frame as a
/// connection error (Section 5.4.1) of type PROTOCOL_ERROR." On an idle stream.
#[test]
fn s5_1_push_promise_on_an_idle_stream_is_connection_protocol_error() {
    each_transport(|t| {
        let mut client = after_one_request(t);
        let frame = push_promise(0x3);
        send_expect_connection_error(&mut client, &frame, ErrorCode::PROTOCOL_ERROR, 0x1);
    });
}

/// RFC 9113 §5.1: "PRIORITY can be sent and received in any stream state"; §6.3: "Sending or
/// receiving a PRIORITY frame does not affect the state of any stream". PRIORITY on idle streams
/// 3 to 11 (what nghttp sends) neither opens them nor raises the highest stream seen, so stream 5
/// may still be opened afterwards.
#[test]
fn s5_1_priority_on_idle_streams_neither_opens_nor_closes_them() {
    each_transport(|t| {
        let mut client = after_one_request(t);
        let mut bytes = Vec::new();
        for stream_id in [0x3, 0x5, 0x7, 0x9, 0xb] {
            bytes.extend(priority(stream_id));
        }
        must(&mut client, |c| c.send_raw(&bytes), "to send PRIORITY");
        let fields = client.request_fields("GET", HELLO_PATH);
        must(
            &mut client,
            |c| c.send_headers(0x5, &fields, true),
            "to send HEADERS",
        );
        let response = must(&mut client, |c| c.read_response(0x5, WAIT), "the response");
        assert_eq!(response.status, 200);
        expect_no_error(&mut client);
    });
}

// ---- §5.1 open ----

/// RFC 9113 §5.1 open: "A stream in the "open" state may be used by both peers to send frames of
/// any type." DATA, then trailers with END_STREAM, complete the request.
#[test]
fn s5_1_data_and_trailers_on_an_open_stream_complete_the_request() {
    each_transport(|t| {
        let mut client = t.handshake();
        let stream_id = open_stream(&mut client);
        let mut bytes = data(stream_id);
        bytes.extend(trailers(&mut client, stream_id));
        must(&mut client, |c| c.send_raw(&bytes), "to send DATA");
        let response = expect_ok(&mut client, stream_id);
        let body = String::from_utf8_lossy(&response.body);
        assert!(body.contains("\"length\":3"), "echo: {body}");
        assert!(body.contains("x-trailer"), "echo: {body}");
    });
}

/// RFC 9113 §5.1 open: PRIORITY and WINDOW_UPDATE on an open stream are accepted; the request
/// then completes.
#[test]
fn s5_1_priority_and_window_update_on_an_open_stream_are_accepted() {
    each_transport(|t| {
        let mut client = t.handshake();
        let stream_id = open_stream(&mut client);
        let mut bytes = priority(stream_id);
        bytes.extend(window_update(stream_id, 0x100));
        must(&mut client, |c| c.send_raw(&bytes), "to send the frames");
        expect_no_error(&mut client);
        end_and_expect_ok(&mut client, stream_id, b"");
    });
}

/// RFC 9113 §5.1 open: "Either endpoint can send a RST_STREAM frame from this state, causing it
/// to transition immediately to "closed"", and §5.4.2: "an endpoint MUST NOT send a RST_STREAM in
/// response to a RST_STREAM frame". The server sends nothing more on the stream.
#[test]
fn s5_1_rst_stream_on_an_open_stream_closes_it_without_an_answer() {
    each_transport(|t| {
        let mut client = t.handshake();
        let stream_id = open_stream(&mut client);
        must(
            &mut client,
            |c| c.send_raw(&rst_stream(stream_id)),
            "to send RST_STREAM",
        );
        expect_no_error(&mut client);
        let prefix = format!(" stream={stream_id} ");
        let on_stream: Vec<&String> = client
            .seen()
            .iter()
            .filter(|line| line.contains(&prefix))
            .collect();
        assert!(
            on_stream.is_empty(),
            "frames on the reset stream: {on_stream:?}"
        );
    });
}

// ---- §5.1 half-closed (remote) ----

/// RFC 9113 §5.1 half-closed (remote): "If an endpoint receives additional frames, other than
/// WINDOW_UPDATE, PRIORITY, or RST_STREAM, for a stream that is in this state, it MUST respond
/// with a stream error (Section 5.4.2) of type STREAM_CLOSED." DATA.
#[test]
fn s5_1_data_on_a_half_closed_remote_stream_is_stream_closed_error() {
    each_transport(|t| {
        let mut client = t.handshake_with(&SMALL_WINDOW);
        let stream_id = half_closed_remote_stream(&mut client);
        must(
            &mut client,
            |c| c.send_raw(&data(stream_id)),
            "to send DATA",
        );
        expect_stream_error(&mut client, stream_id, ErrorCode::STREAM_CLOSED);
    });
}

/// RFC 9113 §5.1 half-closed (remote): HEADERS (a second trailer section) is a stream error of
/// type STREAM_CLOSED.
#[test]
fn s5_1_headers_on_a_half_closed_remote_stream_is_stream_closed_error() {
    each_transport(|t| {
        let mut client = t.handshake_with(&SMALL_WINDOW);
        let stream_id = half_closed_remote_stream(&mut client);
        let bytes = trailers(&mut client, stream_id);
        must(&mut client, |c| c.send_raw(&bytes), "to send HEADERS");
        expect_stream_error(&mut client, stream_id, ErrorCode::STREAM_CLOSED);
    });
}

/// RFC 9113 §5.1 half-closed (remote): WINDOW_UPDATE is allowed, and the server uses it: after
/// its first 1,000 octets, a WINDOW_UPDATE of 500 on the stream lets exactly 500 more through.
#[test]
fn s5_1_window_update_on_a_half_closed_remote_stream_releases_exactly_that_much() {
    each_transport(|t| {
        let mut client = t.handshake_with(&SMALL_WINDOW);
        let stream_id = half_closed_remote_stream(&mut client);
        expect_data_exactly(&mut client, stream_id, 1000);
        must(
            &mut client,
            |c| c.send_raw(&window_update(stream_id, 500)),
            "to send WINDOW_UPDATE",
        );
        expect_data_exactly(&mut client, stream_id, 500);
    });
}

/// RFC 9113 §5.1 half-closed (remote): PRIORITY is allowed.
#[test]
fn s5_1_priority_on_a_half_closed_remote_stream_is_accepted() {
    each_transport(|t| {
        let mut client = t.handshake_with(&SMALL_WINDOW);
        let stream_id = half_closed_remote_stream(&mut client);
        must(
            &mut client,
            |c| c.send_raw(&priority(stream_id)),
            "to send PRIORITY",
        );
        expect_no_error(&mut client);
    });
}

/// RFC 9113 §5.1 half-closed (remote): RST_STREAM is allowed and closes the stream: the server
/// sends no more DATA on it even when window is given, and does not answer with RST_STREAM.
#[test]
fn s5_1_rst_stream_on_a_half_closed_remote_stream_stops_the_response() {
    each_transport(|t| {
        let mut client = t.handshake_with(&SMALL_WINDOW);
        let stream_id = half_closed_remote_stream(&mut client);
        expect_data_exactly(&mut client, stream_id, 1000);
        must(
            &mut client,
            |c| c.send_raw(&rst_stream(stream_id)),
            "to send RST_STREAM",
        );
        expect_no_error(&mut client);
        let after = client.seen().len();
        let more = window_update(0x0, 0x10000);
        must(&mut client, |c| c.send_raw(&more), "to send WINDOW_UPDATE");
        expect_data_exactly(&mut client, stream_id, 0);
        assert!(
            !client.seen()[after..]
                .iter()
                .any(|line| is_rst_on(line, stream_id)),
            "RST_STREAM answered with RST_STREAM: {:#?}",
            client.seen()
        );
    });
}

/// RFC 9113 §5.1 half-closed (remote) and §6.10: CONTINUATION without a HEADERS frame before it
/// is a connection error of type PROTOCOL_ERROR, whatever the stream's state.
#[test]
fn s5_1_continuation_on_a_half_closed_remote_stream_is_connection_protocol_error() {
    each_transport(|t| {
        let mut client = t.handshake_with(&SMALL_WINDOW);
        let stream_id = half_closed_remote_stream(&mut client);
        let frame = continuation(stream_id);
        send_expect_connection_error(&mut client, &frame, ErrorCode::PROTOCOL_ERROR, stream_id);
    });
}

/// RFC 9113 §8.4: PUSH_PROMISE from a client is a connection error of type PROTOCOL_ERROR, on a
/// half-closed (remote) stream too.
#[test]
fn s5_1_push_promise_on_a_half_closed_remote_stream_is_connection_protocol_error() {
    each_transport(|t| {
        let mut client = t.handshake_with(&SMALL_WINDOW);
        let stream_id = half_closed_remote_stream(&mut client);
        let frame = push_promise(stream_id);
        send_expect_connection_error(&mut client, &frame, ErrorCode::PROTOCOL_ERROR, stream_id);
    });
}

// ---- §5.1 closed ----

/// RFC 9113 §6.1: "If a DATA frame is received whose stream is not in the "open" or "half-closed
/// (local)" state, the recipient MUST respond with a stream error (Section 5.4.2) of type
/// STREAM_CLOSED." §5.1 closed also allows "a connection error (Section 5.4.1) of type
/// STREAM_CLOSED": either scope is accepted, the code must be STREAM_CLOSED.
#[test]
fn s5_1_data_on_a_closed_stream_is_stream_closed_error() {
    each_transport(|t| {
        let mut client = t.handshake();
        let stream_id = closed_stream(&mut client);
        must(
            &mut client,
            |c| c.send_raw(&data(stream_id)),
            "to send DATA",
        );
        expect_stream_or_connection_error(&mut client, stream_id, ErrorCode::STREAM_CLOSED);
    });
}

/// RFC 9113 §5.1 closed: DATA after the client's own RST_STREAM is DATA on a closed stream: a
/// stream error, or a connection error, of type STREAM_CLOSED.
#[test]
fn s5_1_data_after_the_client_reset_the_stream_is_stream_closed_error() {
    each_transport(|t| {
        let mut client = t.handshake();
        let stream_id = open_stream(&mut client);
        let mut bytes = rst_stream(stream_id);
        bytes.extend(data(stream_id));
        must(&mut client, |c| c.send_raw(&bytes), "to send the frames");
        expect_stream_or_connection_error(&mut client, stream_id, ErrorCode::STREAM_CLOSED);
    });
}

/// RFC 9113 §5.1.1: "The identifier of a newly established stream MUST be numerically greater
/// than all streams that the initiating endpoint has opened ... An endpoint that receives an
/// unexpected stream identifier MUST respond with a connection error (Section 5.4.1) of type
/// PROTOCOL_ERROR." §5.1 closed also allows a connection error of type STREAM_CLOSED for a frame
/// on a closed stream: HEADERS on a closed stream may get either code. Reading taken: a request
/// HEADERS on stream 1 after stream 1 completed would open stream 1 a second time ("Stream
/// identifiers cannot be reused"), so a stream error is not enough.
#[test]
fn s5_1_headers_reusing_a_closed_stream_is_connection_error() {
    each_transport(|t| {
        let mut client = after_one_request(t);
        let fields = client.request_fields("GET", HELLO_PATH);
        must(
            &mut client,
            |c| c.send_headers(0x1, &fields, true),
            "to send HEADERS",
        );
        expect_connection_error_of(
            &mut client,
            &[ErrorCode::PROTOCOL_ERROR, ErrorCode::STREAM_CLOSED],
            &[0x1],
        );
    });
}

/// RFC 9113 §5.1 closed: "An endpoint that sends a frame with the END_STREAM flag set or a
/// RST_STREAM frame might receive a WINDOW_UPDATE or RST_STREAM frame from its peer in the time
/// before the peer receives and processes the frame that closes the stream." Both are ignored,
/// and RST_STREAM is not answered with RST_STREAM (§5.4.2).
#[test]
fn s5_1_window_update_and_rst_stream_on_a_closed_stream_are_ignored() {
    each_transport(|t| {
        let mut client = t.handshake();
        let stream_id = closed_stream(&mut client);
        let mut bytes = window_update(stream_id, 0x100);
        bytes.extend(rst_stream(stream_id));
        must(&mut client, |c| c.send_raw(&bytes), "to send the frames");
        expect_no_error(&mut client);
    });
}

/// RFC 9113 §5.1 closed: after sending RST_STREAM "An endpoint MUST minimally process and then
/// discard any frames it receives in this state. This means updating header compression state for
/// HEADERS". Stream 1 is reset by the server (a zero WINDOW_UPDATE, §6.9); trailers then sent on
/// it add `x-dyn: one` to the dynamic table, and the next request, which names the entry by index
/// 62 only, shows it in the echo. (All blocks are written by hand, the client's encoder unused.)
#[test]
fn s5_1_headers_on_a_stream_the_server_reset_still_update_the_dynamic_table() {
    each_transport(|t| {
        let mut client = t.handshake();
        let first = client.next_stream_id();
        let block = plain_request_block(&client, ECHO_PATH);
        let mut bytes = raw_frame(0x1, flags::END_HEADERS, first, &block);
        bytes.extend(window_update(first, 0x0));
        must(
            &mut client,
            |c| c.send_raw(&bytes),
            "to open and break stream 1",
        );
        let rst = must(
            &mut client,
            |c| c.wait_for_rst(first, WAIT),
            "RST_STREAM on stream 1",
        );
        assert_eq!(rst.error_code, ErrorCode::PROTOCOL_ERROR);
        let mut trailer_block = Vec::new();
        literal_with_indexing(b"x-dyn", b"one", &mut trailer_block);
        let trailers = raw_frame(
            0x1,
            flags::END_STREAM | flags::END_HEADERS,
            first,
            &trailer_block,
        );
        let second = client.next_stream_id();
        let mut block = plain_request_block(&client, ECHO_PATH);
        block.push(0xbe);
        let mut bytes = trailers;
        bytes.extend(raw_frame(
            0x1,
            flags::END_STREAM | flags::END_HEADERS,
            second,
            &block,
        ));
        must(&mut client, |c| c.send_raw(&bytes), "to send the blocks");
        let response = must(&mut client, |c| c.read_response(second, WAIT), "the echo");
        assert_eq!(response.status, 200);
        let body = String::from_utf8_lossy(&response.body);
        assert!(body.contains("[\"x-dyn\",\"one\"]"), "echo: {body}");
    });
}

/// RFC 9113 §5.1: "PRIORITY can be sent and received in any stream state", closed included.
#[test]
fn s5_1_priority_on_a_closed_stream_is_accepted() {
    each_transport(|t| {
        let mut client = t.handshake();
        let stream_id = closed_stream(&mut client);
        must(
            &mut client,
            |c| c.send_raw(&priority(stream_id)),
            "to send PRIORITY",
        );
        expect_no_error(&mut client);
    });
}

/// RFC 9113 §6.10: CONTINUATION on a closed stream follows no HEADERS: a connection error of type
/// PROTOCOL_ERROR.
#[test]
fn s5_1_continuation_on_a_closed_stream_is_connection_protocol_error() {
    each_transport(|t| {
        let mut client = after_one_request(t);
        let frame = continuation(0x1);
        send_expect_connection_error(&mut client, &frame, ErrorCode::PROTOCOL_ERROR, 0x1);
    });
}

// ---- §5.1.1 stream identifiers ----

/// RFC 9113 §5.1.1: "Streams initiated by a client MUST use odd-numbered stream identifiers";
/// an even one is an unexpected stream identifier: connection error of type PROTOCOL_ERROR.
#[test]
fn s5_1_1_even_stream_identifier_from_the_client_is_connection_protocol_error() {
    each_transport(|t| {
        let mut client = after_one_request(t);
        let fields = client.request_fields("GET", HELLO_PATH);
        must(
            &mut client,
            |c| c.send_headers(0x2, &fields, true),
            "to send HEADERS",
        );
        expect_connection_error(&mut client, ErrorCode::PROTOCOL_ERROR, &[0x1]);
    });
}

/// RFC 9113 §5.1.1: a new stream identifier smaller than one already opened is a connection
/// error of type PROTOCOL_ERROR. Stream 5 is opened first, then stream 3.
#[test]
fn s5_1_1_stream_identifier_below_a_previous_one_is_connection_protocol_error() {
    each_transport(|t| {
        let mut client = t.handshake();
        let fields = client.request_fields("GET", HELLO_PATH);
        must(
            &mut client,
            |c| c.send_headers(0x5, &fields, true),
            "to send HEADERS",
        );
        let response = must(&mut client, |c| c.read_response(0x5, WAIT), "the response");
        assert_eq!(response.status, 200);
        must(
            &mut client,
            |c| c.send_headers(0x3, &fields, true),
            "to send HEADERS",
        );
        expect_connection_error_of(
            &mut client,
            &[ErrorCode::PROTOCOL_ERROR, ErrorCode::STREAM_CLOSED],
            &[0x5],
        );
    });
}

/// RFC 9113 §5.1.1: "an endpoint may skip a stream identifier, with the effect being that the
/// skipped stream is immediately closed." A first request on stream 7 is served.
#[test]
fn s5_1_1_skipped_stream_identifiers_are_allowed() {
    each_transport(|t| {
        let mut client = t.handshake();
        let fields = client.request_fields("GET", HELLO_PATH);
        must(
            &mut client,
            |c| c.send_headers(0x7, &fields, true),
            "to send HEADERS",
        );
        let response = must(&mut client, |c| c.read_response(0x7, WAIT), "the response");
        assert_eq!(response.status, 200);
        expect_still_serving(&mut client);
    });
}

// ---- §5.1.2 concurrency ----

/// RFC 9113 §5.1.2: "An endpoint that receives a HEADERS frame that causes its advertised
/// concurrent stream limit to be exceeded MUST treat this as a stream error (Section 5.4.2) of
/// type PROTOCOL_ERROR or REFUSED_STREAM." The server runs with `--max-concurrent-streams 4`;
/// as many streams as its SETTINGS_MAX_CONCURRENT_STREAMS says
/// are opened and kept open; the next one is refused, the others are not; once they are reset, a
/// new request is served.
#[test]
fn s5_1_2_stream_past_max_concurrent_streams_is_refused() {
    each_transport_with(&["--max-concurrent-streams", "4"], |t| {
        let mut client = t.handshake();
        let Some(limit) = client.server_setting(SettingId::MAX_CONCURRENT_STREAMS) else {
            panic!("the server announces no SETTINGS_MAX_CONCURRENT_STREAMS");
        };
        assert!(limit <= 1000, "limit {limit} too large to test");
        let open: Vec<u32> = (0..limit).map(|_| open_stream(&mut client)).collect();
        let extra = open_stream(&mut client);
        let rst = must(
            &mut client,
            |c| c.wait_for_rst(extra, WAIT),
            "RST_STREAM on the stream past the limit",
        );
        assert!(
            [ErrorCode::REFUSED_STREAM, ErrorCode::PROTOCOL_ERROR].contains(&rst.error_code),
            "code {}",
            rst.error_code
        );
        let refused: Vec<&String> = client
            .seen()
            .iter()
            .filter(|line| line.starts_with("RST_STREAM") && !is_rst_on(line, extra))
            .collect();
        assert!(
            refused.is_empty(),
            "streams within the limit reset: {refused:?}"
        );
        let resets: Vec<u8> = open.iter().flat_map(|&id| rst_stream(id)).collect();
        must(&mut client, |c| c.send_raw(&resets), "to reset the streams");
        expect_still_serving(&mut client);
    });
}

/// RFC 9113 §5.1.2: "Streams that are in the "open" state or in either of the "half-closed"
/// states count toward the maximum number of streams". With `--max-concurrent-streams 2`, two
/// whole requests whose responses are held back by a 1,000-octet window (half-closed (remote) on
/// the server) fill the limit: a third request is refused (REFUSED_STREAM or PROTOCOL_ERROR); once
/// the two are reset, a new request is served.
#[test]
fn s5_1_2_half_closed_remote_streams_count_toward_the_limit() {
    each_transport_with(&["--max-concurrent-streams", "2"], |t| {
        let mut client = t.handshake_with(&SMALL_WINDOW);
        assert_eq!(
            client.server_setting(SettingId::MAX_CONCURRENT_STREAMS),
            Some(0x2)
        );
        let first = half_closed_remote_stream(&mut client);
        let second = half_closed_remote_stream(&mut client);
        let fields = client.request_fields("GET", HELLO_PATH);
        let third = send_request(&mut client, &fields);
        let rst = must(
            &mut client,
            |c| c.wait_for_rst(third, WAIT),
            "RST_STREAM on the stream past the limit",
        );
        assert!(
            [ErrorCode::REFUSED_STREAM, ErrorCode::PROTOCOL_ERROR].contains(&rst.error_code),
            "code {}",
            rst.error_code
        );
        let mut resets = rst_stream(first);
        resets.extend(rst_stream(second));
        must(&mut client, |c| c.send_raw(&resets), "to reset the streams");
        expect_still_serving(&mut client);
    });
}

// ---- §5.3 priority ----

/// RFC 7540 §5.3.1: "A stream cannot depend on itself. An endpoint MUST treat this as a stream
/// error (Section 5.4.2) of type PROTOCOL_ERROR." RFC 9113 §5.3.2 deprecates the priority scheme
/// but keeps "the description of frame fields and some of the mandatory handling" so that it stays
/// interoperable with RFC 7540; h2lab keeps this rule, strictly.
#[test]
fn s5_3_priority_frame_making_a_stream_depend_on_itself_is_stream_protocol_error() {
    each_transport(|t| {
        let mut client = t.handshake();
        let stream_id = open_stream(&mut client);
        let mut payload = stream_id.to_be_bytes().to_vec();
        payload.push(0x0f);
        let frame = raw_frame(0x2, 0x0, stream_id, &payload);
        must(&mut client, |c| c.send_raw(&frame), "to send PRIORITY");
        expect_stream_error(&mut client, stream_id, ErrorCode::PROTOCOL_ERROR);
    });
}

/// RFC 7540 §5.3.1 (see above) for the priority fields of HEADERS: the field block is still
/// decoded (the next request relies on it), then the stream is reset with PROTOCOL_ERROR.
#[test]
fn s5_3_headers_making_a_stream_depend_on_itself_is_stream_protocol_error() {
    each_transport(|t| {
        let mut client = t.handshake();
        let fields = client.request_fields("GET", HELLO_PATH);
        let block = client.encode_block(&fields);
        let mut payload = vec![0x0, 0x0, 0x0, 0x1, 0x0f];
        payload.extend(block);
        let flags = flags::END_STREAM | flags::END_HEADERS | flags::PRIORITY;
        let stream_id = client.next_stream_id();
        assert_eq!(stream_id, 0x1, "the dependency above names stream 1");
        must(
            &mut client,
            |c| c.send_raw(&raw_frame(0x1, flags, stream_id, &payload)),
            "to send HEADERS",
        );
        expect_stream_error(&mut client, stream_id, ErrorCode::PROTOCOL_ERROR);
    });
}

// ---- §5.4 error handling ----

/// RFC 9113 §5.4.2: "A stream error is an error related to a specific stream that does not affect
/// processing of other streams." A request open before another stream's error completes after it.
#[test]
fn s5_4_2_stream_error_leaves_other_streams_alone() {
    each_transport(|t| {
        let mut client = t.handshake();
        let kept = open_stream(&mut client);
        let fields = request_with(&client, "GET", ECHO_PATH, &[field("connection", "close")]);
        let broken = send_request(&mut client, &fields);
        let rst = must(
            &mut client,
            |c| c.wait_for_rst(broken, WAIT),
            "RST_STREAM on the malformed request",
        );
        assert_eq!(rst.error_code, ErrorCode::PROTOCOL_ERROR);
        end_and_expect_ok(&mut client, kept, b"xyz");
    });
}

/// RFC 9113 §5.4.1: "An endpoint that encounters a connection error SHOULD first send a GOAWAY
/// frame (Section 6.8) with the stream identifier of the last stream that it successfully
/// received from its peer." After requests on 1 and 3, a PING on stream 5 gets GOAWAY with
/// last-stream-id 3, and "After sending the GOAWAY frame for an error condition, the endpoint
/// MUST close the TCP connection."
#[test]
fn s5_4_1_connection_error_names_the_last_stream_and_closes() {
    each_transport(|t| {
        let mut client = t.handshake();
        closed_stream(&mut client);
        closed_stream(&mut client);
        let ping = raw_frame(0x6, 0x0, 0x5, &[0x0; 8]);
        send_expect_connection_error(&mut client, &ping, ErrorCode::PROTOCOL_ERROR, 0x3);
    });
}

// ---- §5.5 extensions ----

/// RFC 9113 §5.5: "Implementations MUST discard frames that have unknown or unsupported types."
/// and §5.1: "Receipt of frames for which the semantics are unknown cannot be treated as an
/// error". An unknown frame on an open stream and on an idle stream changes nothing.
#[test]
fn s5_5_unknown_frame_on_open_and_idle_streams_is_ignored() {
    each_transport(|t| {
        let mut client = t.handshake();
        let stream_id = open_stream(&mut client);
        let mut bytes = raw_frame(0xfa, 0x0, stream_id, b"ext");
        bytes.extend(raw_frame(0xfb, 0x0, stream_id + 0x20, b"ext"));
        must(&mut client, |c| c.send_raw(&bytes), "to send the frames");
        expect_no_error(&mut client);
        end_and_expect_ok(&mut client, stream_id, b"");
    });
}

/// RFC 9113 §5.5: "Implementations MUST ignore unknown or unsupported values in all extensible
/// protocol elements." RST_STREAM with an unknown error code closes the stream like any other.
#[test]
fn s5_5_rst_stream_with_an_unknown_error_code_is_accepted() {
    each_transport(|t| {
        let mut client = t.handshake();
        let stream_id = open_stream(&mut client);
        let rst = raw_frame(0x3, 0x0, stream_id, &[0x0, 0x0, 0x0, 0xff]);
        must(&mut client, |c| c.send_raw(&rst), "to send RST_STREAM");
        expect_no_error(&mut client);
    });
}
