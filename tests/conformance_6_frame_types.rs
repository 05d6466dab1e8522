//! Conformance: the rules of each frame type — RFC 9113 §6.1 to §6.10, flow control (§6.9.1,
//! §6.9.2) included.
//!
//! Each test runs over TLS and over cleartext h2c (see `conformance_support`). Where a rule names
//! a stream error, the test requires RST_STREAM and a connection that still serves (h2lab keeps
//! connections on stream errors; §5.4.1 would allow escalating).

mod conformance_support;

use conformance_support::*;

/// The largest flow-control window, 2^31-1 (RFC 9113 §6.9.1).
const MAX_WINDOW: u32 = 0x7fff_ffff;

/// A SETTINGS frame payload of (identifier, value) pairs.
fn settings_payload(params: &[(u16, u32)]) -> Vec<u8> {
    params
        .iter()
        .flat_map(|(id, value)| {
            let mut entry = id.to_be_bytes().to_vec();
            entry.extend(value.to_be_bytes());
            entry
        })
        .collect()
}

/// Handshakes, sends `bytes`, and requires a connection error of `code` with last-stream-id 0.
fn expect_connection_error_after(t: &Target, bytes: &[u8], code: ErrorCode) {
    let mut client = t.handshake();
    must(&mut client, |c| c.send_raw(bytes), "to send the frame");
    expect_connection_error(&mut client, code, &[0x0]);
}

// ---- §6.1 DATA ----

/// RFC 9113 §6.1: "If a DATA frame is received whose Stream Identifier field is 0x00, the
/// recipient MUST respond with a connection error (Section 5.4.1) of type PROTOCOL_ERROR."
#[test]
fn s6_1_data_on_stream_zero_is_connection_protocol_error() {
    each_transport(|t| {
        let frame = raw_frame(0x0, 0x0, 0x0, b"abc");
        expect_connection_error_after(t, &frame, ErrorCode::PROTOCOL_ERROR);
    });
}

/// RFC 9113 §6.1: "If the length of the padding is the length of the frame payload or greater,
/// the recipient MUST treat this as a connection error (Section 5.4.1) of type PROTOCOL_ERROR."
/// Pad Length 3 in a payload of 3 octets (the Pad Length octet and 2 more).
#[test]
fn s6_1_data_padding_as_long_as_the_payload_is_connection_protocol_error() {
    each_transport(|t| {
        let mut client = t.handshake();
        let stream_id = open_stream(&mut client);
        let frame = raw_frame(0x0, flags::PADDED, stream_id, &[0x3, 0x0, 0x0]);
        must(&mut client, |c| c.send_raw(&frame), "to send DATA");
        expect_connection_error(&mut client, ErrorCode::PROTOCOL_ERROR, &[stream_id]);
    });
}

/// RFC 9113 §6.1: padding is allowed and is not content: a padded DATA frame with 3 octets of
/// data and 4 of padding delivers 3 octets.
#[test]
fn s6_1_padded_data_delivers_only_its_data() {
    each_transport(|t| {
        let mut client = t.handshake();
        let stream_id = open_stream(&mut client);
        let payload = [0x4, 0x61, 0x62, 0x63, 0x0, 0x0, 0x0, 0x0];
        let frame = raw_frame(0x0, flags::PADDED | flags::END_STREAM, stream_id, &payload);
        must(&mut client, |c| c.send_raw(&frame), "to send DATA");
        let response = expect_ok(&mut client, stream_id);
        let body = String::from_utf8_lossy(&response.body);
        assert!(body.contains("\"length\":3"), "echo: {body}");
    });
}

// ---- §6.2 HEADERS ----

/// RFC 9113 §6.2: "If a HEADERS frame is received whose Stream Identifier field is 0x00, the
/// recipient MUST respond with a connection error (Section 5.4.1) of type PROTOCOL_ERROR."
#[test]
fn s6_2_headers_on_stream_zero_is_connection_protocol_error() {
    each_transport(|t| {
        let mut client = t.handshake();
        let fields = client.request_fields("GET", HELLO_PATH);
        let block = client.encode_block(&fields);
        let frame = raw_frame(0x1, flags::END_STREAM | flags::END_HEADERS, 0x0, &block);
        must(&mut client, |c| c.send_raw(&frame), "to send HEADERS");
        expect_connection_error(&mut client, ErrorCode::PROTOCOL_ERROR, &[0x0]);
    });
}

/// RFC 9113 §6.2: "If the length of the padding is the length of the frame payload or greater,
/// the recipient MUST treat this as a connection error (Section 5.4.1) of type PROTOCOL_ERROR."
#[test]
fn s6_2_headers_padding_as_long_as_the_payload_is_connection_protocol_error() {
    each_transport(|t| {
        let flags = flags::END_STREAM | flags::END_HEADERS | flags::PADDED;
        let frame = raw_frame(0x1, flags, 0x1, &[0x4, 0x82, 0x87, 0x84]);
        let mut client = t.handshake();
        must(&mut client, |c| c.send_raw(&frame), "to send HEADERS");
        expect_connection_error(&mut client, ErrorCode::PROTOCOL_ERROR, &[0x0, 0x1]);
    });
}

/// RFC 9113 §6.2: PADDED and PRIORITY may both be set; the field block sits between the priority
/// fields and the padding, and the request is served.
#[test]
fn s6_2_headers_with_padding_and_priority_is_served() {
    each_transport(|t| {
        let mut client = t.handshake();
        let fields = client.request_fields("GET", HELLO_PATH);
        let block = client.encode_block(&fields);
        let mut payload = vec![0x3, 0x0, 0x0, 0x0, 0x0, 0x0f];
        payload.extend(block);
        payload.extend([0x0; 3]);
        let flags = flags::END_STREAM | flags::END_HEADERS | flags::PADDED | flags::PRIORITY;
        must(
            &mut client,
            |c| c.send_raw(&raw_frame(0x1, flags, 0x1, &payload)),
            "to send HEADERS",
        );
        let response = must(&mut client, |c| c.read_response(0x1, WAIT), "the response");
        assert_eq!(response.status, 200);
        assert_eq!(response.body, HELLO);
    });
}

// ---- §6.3 PRIORITY ----

/// RFC 9113 §6.3: "If a PRIORITY frame is received with a stream identifier of 0x00, the
/// recipient MUST respond with a connection error (Section 5.4.1) of type PROTOCOL_ERROR."
#[test]
fn s6_3_priority_on_stream_zero_is_connection_protocol_error() {
    each_transport(|t| {
        let frame = raw_frame(0x2, 0x0, 0x0, &[0x0, 0x0, 0x0, 0x1, 0x0f]);
        expect_connection_error_after(t, &frame, ErrorCode::PROTOCOL_ERROR);
    });
}

/// RFC 9113 §6.3: "A PRIORITY frame with a length other than 5 octets MUST be treated as a stream
/// error (Section 5.4.2) of type FRAME_SIZE_ERROR." On an open stream, 4 octets.
#[test]
fn s6_3_priority_of_4_octets_is_stream_frame_size_error() {
    each_transport(|t| {
        let mut client = t.handshake();
        let stream_id = open_stream(&mut client);
        let frame = raw_frame(0x2, 0x0, stream_id, &[0x0, 0x0, 0x0, 0x0]);
        must(&mut client, |c| c.send_raw(&frame), "to send PRIORITY");
        expect_stream_error(&mut client, stream_id, ErrorCode::FRAME_SIZE_ERROR);
    });
}

/// RFC 9113 §6.3: a PRIORITY frame of 6 octets is a stream error of type FRAME_SIZE_ERROR.
#[test]
fn s6_3_priority_of_6_octets_is_stream_frame_size_error() {
    each_transport(|t| {
        let mut client = t.handshake();
        let stream_id = open_stream(&mut client);
        let frame = raw_frame(0x2, 0x0, stream_id, &[0x0, 0x0, 0x0, 0x0, 0xf, 0x0]);
        must(&mut client, |c| c.send_raw(&frame), "to send PRIORITY");
        expect_stream_error(&mut client, stream_id, ErrorCode::FRAME_SIZE_ERROR);
    });
}

// ---- §6.4 RST_STREAM ----

/// RFC 9113 §6.4: "If a RST_STREAM frame is received with a stream identifier of 0x00, the
/// recipient MUST treat this as a connection error (Section 5.4.1) of type PROTOCOL_ERROR."
#[test]
fn s6_4_rst_stream_on_stream_zero_is_connection_protocol_error() {
    each_transport(|t| {
        let frame = raw_frame(0x3, 0x0, 0x0, &[0x0, 0x0, 0x0, 0x8]);
        expect_connection_error_after(t, &frame, ErrorCode::PROTOCOL_ERROR);
    });
}

/// RFC 9113 §6.4: "A RST_STREAM frame with a length other than 4 octets MUST be treated as a
/// connection error (Section 5.4.1) of type FRAME_SIZE_ERROR." 3 octets, on an open stream.
#[test]
fn s6_4_rst_stream_of_3_octets_is_connection_frame_size_error() {
    each_transport(|t| {
        let mut client = t.handshake();
        let stream_id = open_stream(&mut client);
        let frame = raw_frame(0x3, 0x0, stream_id, &[0x0, 0x0, 0x8]);
        must(&mut client, |c| c.send_raw(&frame), "to send RST_STREAM");
        expect_connection_error(&mut client, ErrorCode::FRAME_SIZE_ERROR, &[stream_id]);
    });
}

/// RFC 9113 §6.4: a RST_STREAM of 5 octets is a connection error of type FRAME_SIZE_ERROR.
#[test]
fn s6_4_rst_stream_of_5_octets_is_connection_frame_size_error() {
    each_transport(|t| {
        let mut client = t.handshake();
        let stream_id = open_stream(&mut client);
        let frame = raw_frame(0x3, 0x0, stream_id, &[0x0, 0x0, 0x0, 0x8, 0x0]);
        must(&mut client, |c| c.send_raw(&frame), "to send RST_STREAM");
        expect_connection_error(&mut client, ErrorCode::FRAME_SIZE_ERROR, &[stream_id]);
    });
}

// ---- §6.5 SETTINGS ----

/// RFC 9113 §6.5: "If an endpoint receives a SETTINGS frame whose Stream Identifier field is
/// anything other than 0x00, the endpoint MUST respond with a connection error (Section 5.4.1) of
/// type PROTOCOL_ERROR."
#[test]
fn s6_5_settings_on_a_stream_is_connection_protocol_error() {
    each_transport(|t| {
        let frame = raw_frame(0x4, 0x0, 0x1, &[]);
        expect_connection_error_after(t, &frame, ErrorCode::PROTOCOL_ERROR);
    });
}

/// RFC 9113 §6.5: "Receipt of a SETTINGS frame with the ACK flag set and a length field value
/// other than 0 MUST be treated as a connection error (Section 5.4.1) of type FRAME_SIZE_ERROR."
#[test]
fn s6_5_settings_ack_with_a_payload_is_connection_frame_size_error() {
    each_transport(|t| {
        let payload = settings_payload(&[(0x3, 0x64)]);
        let frame = raw_frame(0x4, flags::ACK, 0x0, &payload);
        expect_connection_error_after(t, &frame, ErrorCode::FRAME_SIZE_ERROR);
    });
}

/// RFC 9113 §6.5: "A SETTINGS frame with a length other than a multiple of 6 octets MUST be
/// treated as a connection error (Section 5.4.1) of type FRAME_SIZE_ERROR."
#[test]
fn s6_5_settings_of_a_length_not_a_multiple_of_6_is_connection_frame_size_error() {
    each_transport(|t| {
        let frame = raw_frame(0x4, 0x0, 0x0, &[0x0, 0x3, 0x0, 0x0, 0x0]);
        expect_connection_error_after(t, &frame, ErrorCode::FRAME_SIZE_ERROR);
    });
}

/// RFC 9113 §6.5.2 SETTINGS_ENABLE_PUSH: "Any value other than 0 or 1 MUST be treated as a
/// connection error (Section 5.4.1) of type PROTOCOL_ERROR."
#[test]
fn s6_5_2_enable_push_of_2_is_connection_protocol_error() {
    each_transport(|t| {
        let frame = raw_frame(0x4, 0x0, 0x0, &settings_payload(&[(0x2, 0x2)]));
        expect_connection_error_after(t, &frame, ErrorCode::PROTOCOL_ERROR);
    });
}

/// RFC 9113 §6.5.2 SETTINGS_INITIAL_WINDOW_SIZE: "Values above the maximum flow-control window
/// size of 2^31-1 MUST be treated as a connection error (Section 5.4.1) of type
/// FLOW_CONTROL_ERROR."
#[test]
fn s6_5_2_initial_window_size_above_2_31_minus_1_is_connection_flow_control_error() {
    each_transport(|t| {
        let payload = settings_payload(&[(0x4, 0x8000_0000)]);
        let frame = raw_frame(0x4, 0x0, 0x0, &payload);
        expect_connection_error_after(t, &frame, ErrorCode::FLOW_CONTROL_ERROR);
    });
}

/// RFC 9113 §6.5.2 SETTINGS_MAX_FRAME_SIZE: "The initial value is 2^14 (16,384) octets. The value
/// advertised by an endpoint MUST be between this initial value and the maximum allowed frame
/// size (2^24-1 or 16,777,215 octets), inclusive. Values outside this range MUST be treated as a
/// connection error (Section 5.4.1) of type PROTOCOL_ERROR." 16,383.
#[test]
fn s6_5_2_max_frame_size_below_16384_is_connection_protocol_error() {
    each_transport(|t| {
        let frame = raw_frame(0x4, 0x0, 0x0, &settings_payload(&[(0x5, 0x3fff)]));
        expect_connection_error_after(t, &frame, ErrorCode::PROTOCOL_ERROR);
    });
}

/// RFC 9113 §6.5.2 SETTINGS_MAX_FRAME_SIZE: 2^24 is out of range, a connection error of type
/// PROTOCOL_ERROR.
#[test]
fn s6_5_2_max_frame_size_above_2_24_minus_1_is_connection_protocol_error() {
    each_transport(|t| {
        let frame = raw_frame(0x4, 0x0, 0x0, &settings_payload(&[(0x5, 0x100_0000)]));
        expect_connection_error_after(t, &frame, ErrorCode::PROTOCOL_ERROR);
    });
}

/// RFC 9113 §6.5.2: the bounds themselves are valid: SETTINGS_MAX_FRAME_SIZE 2^24-1,
/// SETTINGS_INITIAL_WINDOW_SIZE 2^31-1 and SETTINGS_ENABLE_PUSH 0 and 1 are acknowledged.
#[test]
fn s6_5_2_settings_at_the_bounds_of_their_ranges_are_accepted() {
    each_transport(|t| {
        let mut client = t.handshake_with(&[
            (SettingId::MAX_FRAME_SIZE, 0xff_ffff),
            (SettingId::INITIAL_WINDOW_SIZE, MAX_WINDOW),
            (SettingId::ENABLE_PUSH, 0x1),
            (SettingId::ENABLE_PUSH, 0x0),
        ]);
        expect_no_error(&mut client);
    });
}

/// RFC 9113 §6.5.2: "An endpoint that receives a SETTINGS frame with any unknown or unsupported
/// identifier MUST ignore that setting." §6.5.3: the frame is still acknowledged.
#[test]
fn s6_5_2_unknown_setting_is_ignored_and_acknowledged() {
    each_transport(|t| {
        let mut client = t.handshake();
        let payload = settings_payload(&[(0xff00, 0x1234), (0x0, 0x0)]);
        let frame = raw_frame(0x4, 0x0, 0x0, &payload);
        must(&mut client, |c| c.send_raw(&frame), "to send SETTINGS");
        must(
            &mut client,
            |c| {
                c.expect_frame(
                    WAIT,
                    "SETTINGS ACK",
                    |f| matches!(f, Frame::Settings(s) if s.ack),
                )
            },
            "the SETTINGS ACK",
        );
        expect_no_error(&mut client);
    });
}

/// RFC 9113 §6.5.3: "Upon receiving and applying a SETTINGS frame, the receiver MUST immediately
/// emit a SETTINGS frame with the ACK flag set" — an ACK with an empty payload (§6.5: "the
/// payload of this frame MUST be empty"). Checked on the raw octets of a mid-connection SETTINGS.
#[test]
fn s6_5_3_settings_is_acknowledged_with_an_empty_ack() {
    each_transport(|t| {
        let mut client = t.handshake();
        let frame = raw_frame(0x4, 0x0, 0x0, &settings_payload(&[(0x3, 0x64)]));
        must(&mut client, |c| c.send_raw(&frame), "to send SETTINGS");
        let ack = must(
            &mut client,
            |c| c.expect_frame(WAIT, "SETTINGS", |f| matches!(f, Frame::Settings(_))),
            "the SETTINGS ACK",
        );
        assert_eq!(
            ack.frame,
            Frame::Settings(Settings {
                ack: true,
                params: Vec::new()
            })
        );
    });
}

/// RFC 9113 §6.5.3: "The values in the SETTINGS frame MUST be processed in the order they appear,
/// with no other frame processing between values." INITIAL_WINDOW_SIZE 1 then 1,000 in one frame
/// leaves a window of 1,000: the large response stops after exactly 1,000 octets.
#[test]
fn s6_5_3_settings_values_are_processed_in_order() {
    each_transport(|t| {
        let mut client = t.handshake_with(&[
            (SettingId::INITIAL_WINDOW_SIZE, 0x1),
            (SettingId::INITIAL_WINDOW_SIZE, 1000),
        ]);
        let stream_id = half_closed_remote_stream(&mut client);
        expect_data_exactly(&mut client, stream_id, 1000);
    });
}

// ---- §6.6 PUSH_PROMISE ----

/// RFC 9113 §8.4: "A client cannot push. Thus, servers MUST treat the receipt of a PUSH_PROMISE
/// frame as a connection error (Section 5.4.1) of type PROTOCOL_ERROR." §6.6 agrees for a peer
/// that disabled push. On an open stream.
#[test]
fn s6_6_push_promise_from_the_client_is_connection_protocol_error() {
    each_transport(|t| {
        let mut client = t.handshake();
        let stream_id = open_stream(&mut client);
        let fields = client.request_fields("GET", HELLO_PATH);
        let mut payload = 0x2_u32.to_be_bytes().to_vec();
        payload.extend(client.encode_block(&fields));
        let frame = raw_frame(0x5, flags::END_HEADERS, stream_id, &payload);
        must(&mut client, |c| c.send_raw(&frame), "to send PUSH_PROMISE");
        expect_connection_error(&mut client, ErrorCode::PROTOCOL_ERROR, &[stream_id]);
    });
}

/// RFC 9113 §6.6: "If the Stream Identifier field specifies the value 0x00, a recipient MUST
/// respond with a connection error (Section 5.4.1) of type PROTOCOL_ERROR."
#[test]
fn s6_6_push_promise_on_stream_zero_is_connection_protocol_error() {
    each_transport(|t| {
        let payload = [0x0, 0x0, 0x0, 0x2, 0x82];
        let frame = raw_frame(0x5, flags::END_HEADERS, 0x0, &payload);
        expect_connection_error_after(t, &frame, ErrorCode::PROTOCOL_ERROR);
    });
}

// ---- §6.7 PING ----

/// RFC 9113 §6.7: "Receivers of a PING frame that does not include an ACK flag MUST send a PING
/// frame with the ACK flag set in response, with an identical frame payload."
#[test]
fn s6_7_ping_is_answered_with_ack_and_the_same_payload() {
    each_transport(|t| {
        let mut client = t.handshake();
        let data = [0xde, 0xad, 0xbe, 0xef, 0x0, 0x1, 0x2, 0x3];
        must(
            &mut client,
            |c| c.send_raw(&raw_frame(0x6, 0x0, 0x0, &data)),
            "to send PING",
        );
        let answer = must(
            &mut client,
            |c| c.expect_frame(WAIT, "PING", |f| matches!(f, Frame::Ping(_))),
            "the PING answer",
        );
        assert_eq!(answer.frame, Frame::Ping(Ping { ack: true, data }));
    });
}

/// RFC 9113 §6.7: "An endpoint MUST NOT respond to PING frames containing this flag." A PING ACK
/// for a PING never sent is not answered: the next PING frame from the server answers our next
/// PING.
#[test]
fn s6_7_ping_ack_is_not_answered() {
    each_transport(|t| {
        let mut client = t.handshake();
        let mut bytes = raw_frame(0x6, flags::ACK, 0x0, &[0xaa; 8]);
        bytes.extend(raw_frame(0x6, 0x0, 0x0, &[0xbb; 8]));
        must(&mut client, |c| c.send_raw(&bytes), "to send the PINGs");
        let answer = must(
            &mut client,
            |c| c.expect_frame(WAIT, "PING", |f| matches!(f, Frame::Ping(_))),
            "the PING answer",
        );
        assert_eq!(
            answer.frame,
            Frame::Ping(Ping {
                ack: true,
                data: [0xbb; 8]
            })
        );
    });
}

/// RFC 9113 §6.7: "If a PING frame is received with a Stream Identifier field value other than
/// 0x00, the recipient MUST respond with a connection error (Section 5.4.1) of type
/// PROTOCOL_ERROR."
#[test]
fn s6_7_ping_on_a_stream_is_connection_protocol_error() {
    each_transport(|t| {
        let frame = raw_frame(0x6, 0x0, 0x1, &[0x0; 8]);
        expect_connection_error_after(t, &frame, ErrorCode::PROTOCOL_ERROR);
    });
}

/// RFC 9113 §6.7: "Receipt of a PING frame with a length field value other than 8 MUST be treated
/// as a connection error (Section 5.4.1) of type FRAME_SIZE_ERROR." 7 octets.
#[test]
fn s6_7_ping_of_7_octets_is_connection_frame_size_error() {
    each_transport(|t| {
        let frame = raw_frame(0x6, 0x0, 0x0, &[0x0; 7]);
        expect_connection_error_after(t, &frame, ErrorCode::FRAME_SIZE_ERROR);
    });
}

/// RFC 9113 §6.7: a PING of 9 octets is a connection error of type FRAME_SIZE_ERROR.
#[test]
fn s6_7_ping_of_9_octets_is_connection_frame_size_error() {
    each_transport(|t| {
        let frame = raw_frame(0x6, 0x0, 0x0, &[0x0; 9]);
        expect_connection_error_after(t, &frame, ErrorCode::FRAME_SIZE_ERROR);
    });
}

// ---- §6.8 GOAWAY ----

/// RFC 9113 §6.8: "An endpoint MUST treat a GOAWAY frame with a stream identifier other than 0x00
/// as a connection error (Section 5.4.1) of type PROTOCOL_ERROR."
#[test]
fn s6_8_goaway_on_a_stream_is_connection_protocol_error() {
    each_transport(|t| {
        let frame = raw_frame(0x7, 0x0, 0x1, &[0x0; 8]);
        expect_connection_error_after(t, &frame, ErrorCode::PROTOCOL_ERROR);
    });
}

/// RFC 9113 §4.2: a frame "too small to contain mandatory frame data" is a FRAME_SIZE_ERROR, and
/// a connection error for a frame on stream 0. GOAWAY needs 8 octets; this one has 4.
#[test]
fn s6_8_goaway_of_4_octets_is_connection_frame_size_error() {
    each_transport(|t| {
        let mut client = t.handshake();
        let frame = raw_frame(0x7, 0x0, 0x0, &[0x0; 4]);
        must(&mut client, |c| c.send_raw(&frame), "to send GOAWAY");
        match client.wait_for_goaway(WAIT) {
            Ok(goaway) => {
                assert_goaway(&mut client, &goaway, &[ErrorCode::FRAME_SIZE_ERROR], &[0x0])
            }
            Err(e) => panic!("expected GOAWAY FRAME_SIZE_ERROR: {e}"),
        }
    });
}

/// RFC 9113 §6.8: the client's GOAWAY concerns streams the server would initiate; "Activity on
/// streams numbered lower than or equal to the last stream identifier might still complete
/// successfully." A request open before the client's GOAWAY (NO_ERROR, last-stream-id 0) is still
/// answered.
#[test]
fn s6_8_client_goaway_lets_open_requests_complete() {
    each_transport(|t| {
        let mut client = t.handshake();
        let stream_id = open_stream(&mut client);
        let goaway = raw_frame(0x7, 0x0, 0x0, &[0x0; 8]);
        must(&mut client, |c| c.send_raw(&goaway), "to send GOAWAY");
        end_and_expect_ok(&mut client, stream_id, b"abc");
    });
}

/// RFC 9113 §6.8: "Receivers of a GOAWAY frame MUST NOT open additional streams": the rule binds
/// the receiver, so a client that has sent GOAWAY while a stream is open may still open another,
/// which is served; once its streams are done, the server ends the connection with a GOAWAY of its
/// own (NO_ERROR, naming the last stream), not a bare close.
#[test]
fn s6_8_after_the_client_goaway_a_new_stream_is_served_and_our_goaway_ends_it() {
    each_transport(|t| {
        let mut client = t.handshake();
        let open = open_stream(&mut client);
        let goaway = raw_frame(0x7, 0x0, 0x0, &[0x0; 8]);
        must(&mut client, |c| c.send_raw(&goaway), "to send GOAWAY");
        let response = must(&mut client, |c| c.request(HELLO_PATH), "the response");
        assert_eq!(response.status, 200);
        end_and_expect_ok(&mut client, open, b"abc");
        let ours = must(&mut client, |c| c.wait_for_goaway(WAIT), "our GOAWAY");
        assert_eq!(
            (ours.error_code, ours.last_stream_id),
            (ErrorCode::NO_ERROR, 3)
        );
        expect_closed(&mut client);
    });
}

// ---- §6.9 WINDOW_UPDATE ----

/// RFC 9113 §6.9: "A receiver MUST treat the receipt of a WINDOW_UPDATE frame with a flow-control
/// window increment of 0 as a stream error (Section 5.4.2) of type PROTOCOL_ERROR".
#[test]
fn s6_9_zero_window_increment_on_a_stream_is_stream_protocol_error() {
    each_transport(|t| {
        let mut client = t.handshake();
        let stream_id = open_stream(&mut client);
        let frame = raw_frame(0x8, 0x0, stream_id, &[0x0; 4]);
        must(&mut client, |c| c.send_raw(&frame), "to send WINDOW_UPDATE");
        expect_stream_error(&mut client, stream_id, ErrorCode::PROTOCOL_ERROR);
    });
}

/// RFC 9113 §6.9: "errors on the connection flow-control window MUST be treated as a connection
/// error (Section 5.4.1)": an increment of 0 on stream 0 is a connection error of type
/// PROTOCOL_ERROR.
#[test]
fn s6_9_zero_window_increment_on_the_connection_is_connection_protocol_error() {
    each_transport(|t| {
        let frame = raw_frame(0x8, 0x0, 0x0, &[0x0; 4]);
        expect_connection_error_after(t, &frame, ErrorCode::PROTOCOL_ERROR);
    });
}

/// RFC 9113 §6.9: "A WINDOW_UPDATE frame with a length other than 4 octets MUST be treated as a
/// connection error (Section 5.4.1) of type FRAME_SIZE_ERROR." 3 octets.
#[test]
fn s6_9_window_update_of_3_octets_is_connection_frame_size_error() {
    each_transport(|t| {
        let frame = raw_frame(0x8, 0x0, 0x0, &[0x0, 0x0, 0x1]);
        expect_connection_error_after(t, &frame, ErrorCode::FRAME_SIZE_ERROR);
    });
}

/// RFC 9113 §6.9: a WINDOW_UPDATE of 5 octets is a connection error of type FRAME_SIZE_ERROR.
#[test]
fn s6_9_window_update_of_5_octets_is_connection_frame_size_error() {
    each_transport(|t| {
        let frame = raw_frame(0x8, 0x0, 0x0, &[0x0, 0x0, 0x0, 0x1, 0x0]);
        expect_connection_error_after(t, &frame, ErrorCode::FRAME_SIZE_ERROR);
    });
}

/// RFC 9113 §6.9: the reserved bit before the increment "The semantics of this bit are
/// undefined": with the bit set and an increment of 1, the frame is an ordinary update.
#[test]
fn s6_9_reserved_bit_of_the_increment_is_ignored() {
    each_transport(|t| {
        let mut client = t.handshake();
        let frame = raw_frame(0x8, 0x0, 0x0, &[0x80, 0x0, 0x0, 0x1]);
        must(&mut client, |c| c.send_raw(&frame), "to send WINDOW_UPDATE");
        expect_no_error(&mut client);
    });
}

/// RFC 9113 §6.9.1: "If a sender receives a WINDOW_UPDATE that causes a flow-control window to
/// exceed this maximum, it MUST terminate either the stream or the connection, as appropriate.
/// For streams, the sender sends a RST_STREAM with an error code of FLOW_CONTROL_ERROR". The
/// stream's send window starts at 65,535; adding 2^31-1 overflows it.
#[test]
fn s6_9_1_stream_window_overflow_is_stream_flow_control_error() {
    each_transport(|t| {
        let mut client = t.handshake();
        let stream_id = open_stream(&mut client);
        let frame = raw_frame(0x8, 0x0, stream_id, &MAX_WINDOW.to_be_bytes());
        must(&mut client, |c| c.send_raw(&frame), "to send WINDOW_UPDATE");
        expect_stream_error(&mut client, stream_id, ErrorCode::FLOW_CONTROL_ERROR);
    });
}

/// RFC 9113 §6.9.1: "for the connection, a GOAWAY frame with an error code of FLOW_CONTROL_ERROR
/// is sent." The connection's send window starts at 65,535; adding 2^31-1 overflows it.
#[test]
fn s6_9_1_connection_window_overflow_is_connection_flow_control_error() {
    each_transport(|t| {
        let frame = raw_frame(0x8, 0x0, 0x0, &MAX_WINDOW.to_be_bytes());
        expect_connection_error_after(t, &frame, ErrorCode::FLOW_CONTROL_ERROR);
    });
}

/// RFC 9113 §6.9.1: a window may reach 2^31-1 exactly: 65,535 + (2^31-1 - 65,535) is accepted on
/// the connection.
#[test]
fn s6_9_1_connection_window_of_exactly_2_31_minus_1_is_accepted() {
    each_transport(|t| {
        let mut client = t.handshake();
        let increment = MAX_WINDOW - 0xffff;
        let frame = raw_frame(0x8, 0x0, 0x0, &increment.to_be_bytes());
        must(&mut client, |c| c.send_raw(&frame), "to send WINDOW_UPDATE");
        expect_no_error(&mut client);
    });
}

/// RFC 9113 §6.9.1: "The sender MUST NOT send a flow-controlled frame with a length that exceeds
/// the space available in either of the flow-control windows advertised by the receiver." With a
/// stream window of 1,000, a large response stops after exactly 1,000 octets (padding counted)
/// until WINDOW_UPDATE; 2,000 more then arrive, exactly.
#[test]
fn s6_9_1_server_stops_at_the_stream_window_until_window_update() {
    each_transport(|t| {
        let mut client = t.handshake_with(&SMALL_WINDOW);
        let stream_id = half_closed_remote_stream(&mut client);
        expect_data_exactly(&mut client, stream_id, 1000);
        let frame = raw_frame(0x8, 0x0, stream_id, &2000_u32.to_be_bytes());
        must(&mut client, |c| c.send_raw(&frame), "to send WINDOW_UPDATE");
        expect_data_exactly(&mut client, stream_id, 2000);
    });
}

/// RFC 9113 §6.9.1 and §6.9.2: "The connection flow-control window can only be changed using
/// WINDOW_UPDATE frames": with a stream window of 2^31-1, a large response stops after exactly
/// the connection's 65,535 octets, and a connection WINDOW_UPDATE of 1,000 lets 1,000 more through.
#[test]
fn s6_9_1_server_stops_at_the_connection_window_until_window_update() {
    each_transport(|t| {
        let mut client = t.handshake_with(&[(SettingId::INITIAL_WINDOW_SIZE, MAX_WINDOW)]);
        let stream_id = half_closed_remote_stream(&mut client);
        expect_data_exactly(&mut client, stream_id, 0xffff);
        let frame = raw_frame(0x8, 0x0, 0x0, &1000_u32.to_be_bytes());
        must(&mut client, |c| c.send_raw(&frame), "to send WINDOW_UPDATE");
        expect_data_exactly(&mut client, stream_id, 1000);
    });
}

/// RFC 9113 §6.9.1: "The sender MUST NOT send a flow-controlled frame with a length that exceeds
/// the space available in either of the flow-control windows advertised by the receiver." The
/// server runs with `--initial-window-size 1000`, so one DATA frame of 1,001 octets on a new
/// stream breaks its stream window before any WINDOW_UPDATE could have widened it:
/// FLOW_CONTROL_ERROR (§7: "The endpoint detected that its peer violated the flow-control
/// protocol"), on the stream or the connection — the RFC does not fix the scope.
#[test]
fn s6_9_1_client_data_past_the_server_stream_window_is_flow_control_error() {
    each_transport_with(&["--initial-window-size", "1000"], |t| {
        let mut client = t.handshake();
        assert_eq!(
            client.server_setting(SettingId::INITIAL_WINDOW_SIZE),
            Some(1000),
            "the server's SETTINGS_INITIAL_WINDOW_SIZE"
        );
        let stream_id = open_stream(&mut client);
        let frame = raw_frame(0x0, 0x0, stream_id, &[0x61; 1001]);
        must(&mut client, |c| c.send_raw(&frame), "to send DATA");
        expect_stream_or_connection_error(&mut client, stream_id, ErrorCode::FLOW_CONTROL_ERROR);
    });
}

/// RFC 9113 §6.9.1: padding counts against the window (§6.1: "The entire DATA frame payload is
/// included in flow control, including the Pad Length and Padding fields if present"). With the
/// server's stream window of 1,000, a DATA frame of 900 octets of data and 100 of padding (1,001
/// with the Pad Length octet) breaks it: FLOW_CONTROL_ERROR on the stream or the connection.
#[test]
fn s6_9_1_padding_counts_against_the_server_window() {
    each_transport_with(&["--initial-window-size", "1000"], |t| {
        let mut client = t.handshake();
        let stream_id = open_stream(&mut client);
        let mut payload = vec![0x64];
        payload.extend([0x61; 900]);
        payload.extend([0x0; 100]);
        let frame = raw_frame(0x0, flags::PADDED, stream_id, &payload);
        must(&mut client, |c| c.send_raw(&frame), "to send DATA");
        expect_stream_or_connection_error(&mut client, stream_id, ErrorCode::FLOW_CONTROL_ERROR);
    });
}

/// RFC 9113 §6.9.1: the exact window is allowed: 1,000 octets on a stream whose window is 1,000
/// complete the request.
#[test]
fn s6_9_1_client_data_filling_the_server_window_exactly_is_accepted() {
    each_transport_with(&["--initial-window-size", "1000"], |t| {
        let mut client = t.handshake();
        let stream_id = open_stream(&mut client);
        let frame = raw_frame(0x0, flags::END_STREAM, stream_id, &[0x61; 1000]);
        must(&mut client, |c| c.send_raw(&frame), "to send DATA");
        let response = expect_ok(&mut client, stream_id);
        let body = String::from_utf8_lossy(&response.body);
        assert!(body.contains("\"length\":1000"), "echo: {body}");
    });
}

/// RFC 9113 §6.9.2: "When the value of SETTINGS_INITIAL_WINDOW_SIZE changes, a receiver MUST
/// adjust the size of all stream flow-control windows that it maintains by the difference between
/// the new value and the old value." A stalled stream (window 1,000, all used) gets 2,000 more
/// octets when the setting rises to 3,000.
#[test]
fn s6_9_2_initial_window_size_increase_applies_to_open_streams() {
    each_transport(|t| {
        let mut client = t.handshake_with(&SMALL_WINDOW);
        let stream_id = half_closed_remote_stream(&mut client);
        expect_data_exactly(&mut client, stream_id, 1000);
        let frame = raw_frame(0x4, 0x0, 0x0, &settings_payload(&[(0x4, 3000)]));
        must(&mut client, |c| c.send_raw(&frame), "to send SETTINGS");
        expect_data_exactly(&mut client, stream_id, 2000);
    });
}

/// RFC 9113 §6.9.2 and §6.9.1: with SETTINGS_INITIAL_WINDOW_SIZE 0 a response has no window:
/// its header section comes, no DATA octet does, until a WINDOW_UPDATE of 100 on the stream lets
/// exactly 100 through.
#[test]
fn s6_9_2_initial_window_size_0_holds_back_all_data() {
    each_transport(|t| {
        let mut client = t.handshake_with(&[(SettingId::INITIAL_WINDOW_SIZE, 0x0)]);
        let stream_id = half_closed_remote_stream(&mut client);
        expect_data_exactly(&mut client, stream_id, 0);
        let update = raw_frame(0x8, 0x0, stream_id, &100_u32.to_be_bytes());
        must(
            &mut client,
            |c| c.send_raw(&update),
            "to send WINDOW_UPDATE",
        );
        expect_data_exactly(&mut client, stream_id, 100);
    });
}

/// RFC 9113 §6.9.2: "A change to SETTINGS_INITIAL_WINDOW_SIZE can cause the available space in a
/// flow-control window to become negative. A sender MUST track the negative flow-control window
/// and MUST NOT send new flow-controlled frames until it receives WINDOW_UPDATE frames that cause
/// the flow-control window to become positive." Window 1,000 used up, the setting lowered to 500
/// (window -500), then WINDOW_UPDATE 600: exactly 100 octets follow.
#[test]
fn s6_9_2_initial_window_size_decrease_makes_the_window_negative() {
    each_transport(|t| {
        let mut client = t.handshake_with(&SMALL_WINDOW);
        let stream_id = half_closed_remote_stream(&mut client);
        expect_data_exactly(&mut client, stream_id, 1000);
        let settings = raw_frame(0x4, 0x0, 0x0, &settings_payload(&[(0x4, 500)]));
        must(&mut client, |c| c.send_raw(&settings), "to send SETTINGS");
        must(
            &mut client,
            |c| {
                c.expect_frame(
                    WAIT,
                    "SETTINGS ACK",
                    |f| matches!(f, Frame::Settings(s) if s.ack),
                )
            },
            "the SETTINGS ACK",
        );
        let update = raw_frame(0x8, 0x0, stream_id, &600_u32.to_be_bytes());
        must(
            &mut client,
            |c| c.send_raw(&update),
            "to send WINDOW_UPDATE",
        );
        expect_data_exactly(&mut client, stream_id, 100);
    });
}

/// RFC 9113 §6.9.2: "An endpoint MUST treat a change to SETTINGS_INITIAL_WINDOW_SIZE that causes
/// any flow-control window to exceed the maximum size as a connection error (Section 5.4.1) of
/// type FLOW_CONTROL_ERROR." An open stream's window is raised to 2^31-1 by WINDOW_UPDATE, then
/// the setting rises by one.
#[test]
fn s6_9_2_initial_window_size_change_overflowing_a_stream_window_is_connection_flow_control_error()
{
    each_transport(|t| {
        let mut client = t.handshake();
        let stream_id = open_stream(&mut client);
        let update = raw_frame(0x8, 0x0, stream_id, &(MAX_WINDOW - 0xffff).to_be_bytes());
        must(
            &mut client,
            |c| c.send_raw(&update),
            "to send WINDOW_UPDATE",
        );
        expect_no_error(&mut client);
        let settings = raw_frame(0x4, 0x0, 0x0, &settings_payload(&[(0x4, 0x1_0000)]));
        must(&mut client, |c| c.send_raw(&settings), "to send SETTINGS");
        let goaway = must(&mut client, |c| c.wait_for_goaway(WAIT), "GOAWAY");
        let last: Vec<u32> = (0x0..=stream_id + 0x2).collect();
        assert_goaway(
            &mut client,
            &goaway,
            &[ErrorCode::FLOW_CONTROL_ERROR],
            &last,
        );
    });
}

// ---- §6.10 CONTINUATION ----

/// RFC 9113 §6.10: "If a CONTINUATION frame is received with a Stream Identifier field of 0x00,
/// the recipient MUST respond with a connection error (Section 5.4.1) of type PROTOCOL_ERROR."
#[test]
fn s6_10_continuation_on_stream_zero_is_connection_protocol_error() {
    each_transport(|t| {
        let mut client = t.handshake();
        let fields = client.request_fields("GET", HELLO_PATH);
        let block = client.encode_block(&fields);
        let (a, b) = block.split_at(block.len() / 2);
        let mut bytes = raw_frame(0x1, flags::END_STREAM, 0x1, a);
        bytes.extend(raw_frame(0x9, flags::END_HEADERS, 0x0, b));
        must(&mut client, |c| c.send_raw(&bytes), "to send the frames");
        expect_connection_error(&mut client, ErrorCode::PROTOCOL_ERROR, &[0x0, 0x1]);
    });
}

/// RFC 9113 §6.10: "A CONTINUATION frame MUST be preceded by a HEADERS, PUSH_PROMISE or
/// CONTINUATION frame without the END_HEADERS flag set. A recipient that observes violation of
/// this rule MUST respond with a connection error (Section 5.4.1) of type PROTOCOL_ERROR."
/// CONTINUATION after a HEADERS that had END_HEADERS.
#[test]
fn s6_10_continuation_after_end_headers_is_connection_protocol_error() {
    each_transport(|t| {
        let mut client = t.handshake();
        let stream_id = open_stream(&mut client);
        let frame = raw_frame(0x9, flags::END_HEADERS, stream_id, &[0x82]);
        must(&mut client, |c| c.send_raw(&frame), "to send CONTINUATION");
        expect_connection_error(&mut client, ErrorCode::PROTOCOL_ERROR, &[stream_id]);
    });
}

/// RFC 9113 §6.10: CONTINUATION after a DATA frame (not a HEADERS, PUSH_PROMISE or CONTINUATION)
/// is a connection error of type PROTOCOL_ERROR.
#[test]
fn s6_10_continuation_after_data_is_connection_protocol_error() {
    each_transport(|t| {
        let mut client = t.handshake();
        let stream_id = open_stream(&mut client);
        let mut bytes = raw_frame(0x0, 0x0, stream_id, b"abc");
        bytes.extend(raw_frame(0x9, flags::END_HEADERS, stream_id, &[0x82]));
        must(&mut client, |c| c.send_raw(&bytes), "to send the frames");
        expect_connection_error(&mut client, ErrorCode::PROTOCOL_ERROR, &[stream_id]);
    });
}
