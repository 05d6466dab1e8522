//! Conformance: header compression errors on the wire — RFC 7541, as RFC 9113 §4.3 applies it.
//!
//! RFC 9113 §4.3: "A decoding error in a field block MUST be treated as a connection error
//! (Section 5.4.1) of type COMPRESSION_ERROR." Each broken block below is a request on stream 1;
//! whether the server counts that stream as processed is left open, so the GOAWAY's
//! last-stream-id may be 0 or 1.
//!
//! The blocks are written by hand, octet by octet, without the dynamic table (literals "without
//! indexing"), so the client's own HPACK encoder stays in step with the server's decoder. Each test
//! runs over TLS and over cleartext h2c (see `conformance_support`).

mod conformance_support;

use conformance_support::*;

/// A literal field `x-h` without indexing whose value is the Huffman-coded octets `huffman`.
fn huffman_value_field(huffman: &[u8], out: &mut Vec<u8>) {
    out.extend_from_slice(&[0x00, 0x03, b'x', b'-', b'h']);
    integer(0x80, 7, huffman.len(), out);
    out.extend_from_slice(huffman);
}

/// Sends `block` as a whole request (HEADERS with END_STREAM and END_HEADERS) on a new stream,
/// and returns the stream.
fn send_block(client: &mut Client, block: &[u8]) -> u32 {
    let stream_id = client.next_stream_id();
    let flags = flags::END_STREAM | flags::END_HEADERS;
    must(
        client,
        |c| c.send_raw(&raw_frame(0x1, flags, stream_id, block)),
        "to send HEADERS",
    );
    stream_id
}

/// Sends `tail` after a valid request block for the echo, and requires COMPRESSION_ERROR.
fn expect_compression_error_with(t: &Target, head: &[u8], tail: &[u8]) {
    let mut client = t.handshake();
    let mut block = head.to_vec();
    block.extend(plain_request_block(&client, ECHO_PATH));
    block.extend_from_slice(tail);
    send_block(&mut client, &block);
    expect_connection_error(&mut client, ErrorCode::COMPRESSION_ERROR, &[0x0, 0x1]);
}

/// Sends a request block for the echo followed by `tail` and requires a 200 echo.
fn expect_served_with(t: &Target, head: &[u8], tail: &[u8]) -> String {
    let mut client = t.handshake();
    let mut block = head.to_vec();
    block.extend(plain_request_block(&client, ECHO_PATH));
    block.extend_from_slice(tail);
    let stream_id = send_block(&mut client, &block);
    let response = must(
        &mut client,
        |c| c.read_response(stream_id, WAIT),
        "the echo",
    );
    assert_eq!(response.status, 200);
    expect_still_serving(&mut client);
    String::from_utf8_lossy(&response.body).into_owned()
}

/// RFC 7541 §6.1: "The index value of 0 is not used. It MUST be treated as a decoding error if
/// found in an indexed header field representation."
#[test]
fn hpack_6_1_indexed_field_with_index_0_is_compression_error() {
    each_transport(|t| expect_compression_error_with(t, &[], &[0x80]));
}

/// RFC 7541 §2.3.3: "Indices strictly greater than the sum of the lengths of both tables MUST be
/// treated as a decoding error." Index 1,000 (the dynamic table holds at most 128 entries of a
/// 4,096-octet table, so at most index 189 exists).
#[test]
fn hpack_2_3_3_indexed_field_past_both_tables_is_compression_error() {
    each_transport(|t| {
        let mut tail = Vec::new();
        integer(0x80, 7, 1000, &mut tail);
        expect_compression_error_with(t, &[], &tail);
    });
}

/// RFC 7541 §2.3.3: a literal whose indexed name lies past both tables is a decoding error.
#[test]
fn hpack_2_3_3_literal_with_a_name_index_past_both_tables_is_compression_error() {
    each_transport(|t| {
        let mut tail = Vec::new();
        integer(0x40, 6, 1000, &mut tail);
        tail.extend([0x1, b'x']);
        expect_compression_error_with(t, &[], &tail);
    });
}

/// RFC 7541 §2.3.3: index 62, the first dynamic entry, while the dynamic table is empty, is past
/// both tables.
#[test]
fn hpack_2_3_3_dynamic_index_into_an_empty_table_is_compression_error() {
    each_transport(|t| expect_compression_error_with(t, &[], &[0xbe]));
}

/// RFC 7541 §6.3: "The new maximum size MUST be lower than or equal to the limit determined by the
/// protocol using HPACK. A value that exceeds this limit MUST be treated as a decoding error. In
/// HTTP/2, this limit is the last value of the SETTINGS_HEADER_TABLE_SIZE parameter". An update to
/// one more than the server's SETTINGS_HEADER_TABLE_SIZE (4,096 unless it said otherwise).
#[test]
fn hpack_6_3_table_size_update_above_the_settings_limit_is_compression_error() {
    each_transport(|t| {
        let mut client = t.handshake();
        let limit = client
            .server_setting(SettingId::HEADER_TABLE_SIZE)
            .unwrap_or(0x1000) as usize;
        let mut block = Vec::new();
        integer(0x20, 5, limit + 1, &mut block);
        block.extend(plain_request_block(&client, ECHO_PATH));
        send_block(&mut client, &block);
        expect_connection_error(&mut client, ErrorCode::COMPRESSION_ERROR, &[0x0, 0x1]);
    });
}

/// RFC 7541 §4.2: "This dynamic table size update MUST occur at the beginning of the first header
/// block following the change to the dynamic table size." An update after the fields of a block
/// is a decoding error.
#[test]
fn hpack_4_2_table_size_update_after_a_field_is_compression_error() {
    each_transport(|t| expect_compression_error_with(t, &[], &[0x20]));
}

/// RFC 7541 §4.2: two size updates at the start of a block (down to 0, then back to 4,096) are
/// allowed: "the smallest maximum table size that occurs in that interval MUST be signaled ...
/// followed by the final maximum size".
#[test]
fn hpack_4_2_table_size_updates_at_the_start_of_a_block_are_accepted() {
    each_transport(|t| {
        let mut head = vec![0x20];
        integer(0x20, 5, 0x1000, &mut head);
        expect_served_with(t, &head, &[]);
    });
}

/// RFC 7541 §5.2: "A padding strictly longer than 7 bits MUST be treated as a decoding error."
/// 'a' (00011) followed by 11 bits of ones.
#[test]
fn hpack_5_2_huffman_padding_longer_than_7_bits_is_compression_error() {
    each_transport(|t| {
        let mut tail = Vec::new();
        huffman_value_field(&[0x1f, 0xff], &mut tail);
        expect_compression_error_with(t, &[], &tail);
    });
}

/// RFC 7541 §5.2: "A padding not corresponding to the most significant bits of the code for the
/// EOS symbol MUST be treated as a decoding error." 'a' (00011) followed by 000.
#[test]
fn hpack_5_2_huffman_padding_not_all_ones_is_compression_error() {
    each_transport(|t| {
        let mut tail = Vec::new();
        huffman_value_field(&[0x18], &mut tail);
        expect_compression_error_with(t, &[], &tail);
    });
}

/// RFC 7541 §5.2: "A Huffman-encoded string literal containing the EOS symbol MUST be treated as a
/// decoding error." Thirty ones (EOS) and two more of padding.
#[test]
fn hpack_5_2_huffman_string_containing_eos_is_compression_error() {
    each_transport(|t| {
        let mut tail = Vec::new();
        huffman_value_field(&[0xff, 0xff, 0xff, 0xff], &mut tail);
        expect_compression_error_with(t, &[], &tail);
    });
}

/// RFC 7541 §5.2: the same field correctly coded ('a' and 111 of padding) is accepted, and the
/// server decodes it to "a".
#[test]
fn hpack_5_2_huffman_string_with_valid_padding_is_accepted() {
    each_transport(|t| {
        let mut tail = Vec::new();
        huffman_value_field(&[0x1f], &mut tail);
        let body = expect_served_with(t, &[], &tail);
        assert!(body.contains("[\"x-h\",\"a\"]"), "echo: {body}");
    });
}

/// RFC 7541 §5.1: "Integer encodings that exceed implementation limits -- in value or octet
/// length -- MUST be treated as decoding errors." An index with ten continuation octets.
#[test]
fn hpack_5_1_integer_overflow_is_compression_error() {
    each_transport(|t| {
        let tail = [
            0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f,
        ];
        expect_compression_error_with(t, &[], &tail);
    });
}

/// RFC 7541 §5.2 and RFC 9113 §4.3: a string whose length runs past the end of the block cannot be
/// decoded: a decoding error.
#[test]
fn hpack_5_2_string_longer_than_the_block_is_compression_error() {
    each_transport(|t| {
        expect_compression_error_with(t, &[], &[0x00, 0x03, b'x', b'-', b'h', 0x10, b'a'])
    });
}

/// RFC 7541 §2.3.2 and §6.2.1: an entry added by a literal with incremental indexing in one block
/// is in the dynamic table for the next block, at index 62.
#[test]
fn hpack_2_3_2_dynamic_table_entry_is_reused_by_the_next_block() {
    each_transport(|t| {
        let mut client = t.handshake();
        let mut first = plain_request_block(&client, ECHO_PATH);
        literal_with_indexing(b"x-dyn", b"one", &mut first);
        let first_id = send_block(&mut client, &first);
        let response = must(&mut client, |c| c.read_response(first_id, WAIT), "the echo");
        assert_eq!(response.status, 200);
        let mut second = plain_request_block(&client, ECHO_PATH);
        second.push(0xbe);
        let second_id = send_block(&mut client, &second);
        let response = expect_ok(&mut client, second_id);
        let body = String::from_utf8_lossy(&response.body);
        assert!(body.contains("[\"x-dyn\",\"one\"]"), "echo: {body}");
    });
}

/// RFC 7541 §4.2: "A change in the maximum size of the dynamic table is signaled via a dynamic
/// table size update (see Section 6.3). This dynamic table size update MUST occur at the beginning
/// of the first header block following the change to the dynamic table size. In HTTP/2, this
/// follows a settings acknowledgment". After the client sets SETTINGS_HEADER_TABLE_SIZE to 0 the
/// server's table must shrink from 4,096 to 0, so its first response block opens with an update
/// to 0 (0x20).
#[test]
fn hpack_4_2_server_signals_a_reduced_table_size_at_the_start_of_its_next_block() {
    each_transport(|t| {
        let mut client = t.handshake_with(&[(SettingId::HEADER_TABLE_SIZE, 0x0)]);
        let fields = client.request_fields("GET", HELLO_PATH);
        let stream_id = send_request(&mut client, &fields);
        let received = must(
            &mut client,
            |c| {
                c.expect_frame(
                    WAIT,
                    "the response HEADERS",
                    |f| matches!(f, Frame::Headers(h) if h.stream_id == stream_id),
                )
            },
            "the response HEADERS",
        );
        let Frame::Headers(headers) = received.frame else {
            panic!("expected HEADERS");
        };
        assert_eq!(
            headers.fragment.first(),
            Some(&0x20),
            "first octet of the response block"
        );
    });
}

/// RFC 7541 §4.2 and RFC 9113 §6.5.2: after the client sets SETTINGS_HEADER_TABLE_SIZE to 0, the
/// server's encoder must not keep entries in its dynamic table: responses decode with a decoder
/// whose table is limited to 0 octets.
#[test]
fn hpack_4_2_server_encoder_respects_a_header_table_size_of_0() {
    each_transport(|t| {
        let mut client = t.handshake_with(&[(SettingId::HEADER_TABLE_SIZE, 0x0)]);
        for _ in 0..3 {
            let response = must(&mut client, |c| c.request(HELLO_PATH), "the response");
            assert_eq!(response.status, 200);
            assert_eq!(response.body, HELLO);
        }
    });
}
