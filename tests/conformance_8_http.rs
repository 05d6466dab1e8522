//! Conformance: HTTP semantics in HTTP/2 — RFC 9113 §8.1 (message framing), §8.2 (fields), §8.3
//! (control data), §8.4 (push), §8.5 (CONNECT).
//!
//! Each test runs over TLS and over cleartext h2c (see `conformance_support`). A malformed request
//! (§8.1.1) must be answered with RST_STREAM PROTOCOL_ERROR, optionally after a 4xx response ("a
//! server MAY send an HTTP response prior to closing or resetting the stream"); the connection
//! must still serve afterwards (`expect_malformed`).

mod conformance_support;

use conformance_support::*;

/// Sends a whole request of `fields` on a new stream and requires it to be treated as malformed.
fn expect_request_malformed(t: &Target, fields: impl Fn(&Client) -> Vec<Field>) {
    let mut client = t.handshake();
    let fields = fields(&client);
    let stream_id = send_request(&mut client, &fields);
    expect_malformed(&mut client, stream_id);
}

/// A request for the echo built-in with `extra` after the four pseudo-header fields.
fn echo_with(client: &Client, extra: &[Field]) -> Vec<Field> {
    request_with(client, "GET", ECHO_PATH, extra)
}

/// The four pseudo-header fields of a GET for the echo built-in, without the one called `name`.
fn echo_without(client: &Client, name: &str) -> Vec<Field> {
    client
        .request_fields("GET", ECHO_PATH)
        .into_iter()
        .filter(|f| f.name != name.as_bytes())
        .collect()
}

// ---- §8.1 message framing ----

/// Opens a request to the echo, sends three octets of body, then `trailers` in a second HEADERS
/// (with END_STREAM when `end_stream`); the stream id.
fn body_then_trailers(client: &mut Client, trailers: &[Field], end_stream: bool) -> u32 {
    let stream_id = open_stream(client);
    must(
        client,
        |c| c.send_data(stream_id, b"abc", false),
        "to send DATA",
    );
    must(
        client,
        |c| c.send_headers(stream_id, trailers, end_stream),
        "to send trailers",
    );
    stream_id
}

/// RFC 9113 §8.1 and §5.1 half-closed (remote): a frame after END_STREAM — "an endpoint receives
/// additional frames ... MUST respond with a stream error (Section 5.4.2) of type STREAM_CLOSED".
/// HEADERS with END_STREAM and DATA in one write; the server may have answered in between and
/// closed the stream, when §5.1 closed allows a connection error of type STREAM_CLOSED instead.
#[test]
fn s8_1_data_after_end_stream_is_stream_closed_error() {
    each_transport(|t| {
        let mut client = t.handshake();
        let fields = client.request_fields("POST", ECHO_PATH);
        let stream_id = client.next_stream_id();
        must(
            &mut client,
            |c| c.send_headers(stream_id, &fields, true),
            "to send HEADERS",
        );
        must(
            &mut client,
            |c| c.send_raw(&raw_frame(0x0, 0x0, stream_id, b"late")),
            "to send DATA",
        );
        expect_stream_or_connection_error(&mut client, stream_id, ErrorCode::STREAM_CLOSED);
    });
}

/// RFC 9113 §8.1: "An endpoint that receives a HEADERS frame without the END_STREAM flag set after
/// receiving the HEADERS frame that opens a request ... MUST treat the corresponding request or
/// response as malformed (Section 8.1.1)." Trailers after DATA, without END_STREAM.
#[test]
fn s8_1_trailers_without_end_stream_are_malformed() {
    each_transport(|t| {
        let mut client = t.handshake();
        let stream_id = body_then_trailers(&mut client, &[field("x-trailer", "1")], false);
        expect_malformed(&mut client, stream_id);
    });
}

/// RFC 9113 §8.1: "Trailers MUST NOT include pseudo-header fields (Section 8.3). An endpoint that
/// receives pseudo-header fields in trailers MUST treat the request or response as malformed".
#[test]
fn s8_1_pseudo_header_field_in_trailers_is_malformed() {
    each_transport(|t| {
        let mut client = t.handshake();
        let stream_id = body_then_trailers(&mut client, &[field(":method", "GET")], true);
        expect_malformed(&mut client, stream_id);
    });
}

/// RFC 9113 §8.1: trailers in a HEADERS frame with END_STREAM, after DATA, end the request; the
/// server reads them (the echo lists them).
#[test]
fn s8_1_trailers_with_end_stream_are_accepted() {
    each_transport(|t| {
        let mut client = t.handshake();
        let stream_id = body_then_trailers(&mut client, &[field("x-checksum", "abc")], true);
        let response = expect_ok(&mut client, stream_id);
        let body = String::from_utf8_lossy(&response.body);
        assert!(body.contains("x-checksum"), "echo: {body}");
    });
}

/// RFC 9113 §8.1.1: "A request or response is also malformed if the value of a content-length
/// header field does not equal the sum of the DATA frame payload lengths that form the content".
/// content-length 10 with 3 octets of DATA.
#[test]
fn s8_1_1_content_length_larger_than_the_data_is_malformed() {
    each_transport(|t| {
        let mut client = t.handshake();
        let stream_id = client.next_stream_id();
        let fields = request_with(&client, "POST", ECHO_PATH, &[field("content-length", "10")]);
        must(
            &mut client,
            |c| c.send_headers(stream_id, &fields, false),
            "to send HEADERS",
        );
        must(
            &mut client,
            |c| c.send_data(stream_id, b"abc", true),
            "to send DATA",
        );
        expect_malformed(&mut client, stream_id);
    });
}

/// RFC 9113 §8.1.1: content-length 1 with 3 octets of DATA is malformed.
#[test]
fn s8_1_1_content_length_smaller_than_the_data_is_malformed() {
    each_transport(|t| {
        let mut client = t.handshake();
        let stream_id = client.next_stream_id();
        let fields = request_with(&client, "POST", ECHO_PATH, &[field("content-length", "1")]);
        must(
            &mut client,
            |c| c.send_headers(stream_id, &fields, false),
            "to send HEADERS",
        );
        must(
            &mut client,
            |c| c.send_data(stream_id, b"abc", true),
            "to send DATA",
        );
        expect_malformed(&mut client, stream_id);
    });
}

/// RFC 9113 §8.1.1: content-length 5 on a request that ends with its HEADERS (no DATA at all) is
/// malformed.
#[test]
fn s8_1_1_content_length_without_any_data_is_malformed() {
    each_transport(|t| {
        expect_request_malformed(t, |c| {
            request_with(c, "POST", ECHO_PATH, &[field("content-length", "5")])
        });
    });
}

/// RFC 9113 §8.1.1: "A request or response is also malformed if the value of a content-length
/// header field does not equal the sum of the DATA frame payload lengths" — the server's
/// responses too, for a file, the echo and a 404.
#[test]
fn s8_1_1_response_content_length_matches_its_data() {
    each_transport(|t| {
        let mut client = t.handshake();
        for path in [HELLO_PATH, BIG_PATH, ECHO_PATH, "/missing"] {
            let response = must(&mut client, |c| c.request(path), "the response");
            if let Some(length) = response.field("content-length") {
                let length = String::from_utf8_lossy(length);
                assert_eq!(
                    length,
                    response.body.len().to_string(),
                    "{path}: content-length"
                );
            }
        }
    });
}

/// RFC 9113 §8.1.1: "the response to a HEAD request" contains no content, though it "MAY have a
/// non-zero content-length header field": a HEAD for the small file gets no DATA octet, and a
/// content-length, if any, of the file's size.
#[test]
fn s8_1_1_response_to_head_has_no_content() {
    each_transport(|t| {
        let mut client = t.handshake();
        let fields = client.request_fields("HEAD", HELLO_PATH);
        let stream_id = send_request(&mut client, &fields);
        let response = expect_ok(&mut client, stream_id);
        assert!(response.body.is_empty(), "HEAD answered with content");
        if let Some(length) = response.field("content-length") {
            assert_eq!(length, HELLO.len().to_string().as_bytes());
        }
    });
}

/// RFC 9113 §8.1.1: a content-length equal to the DATA received is fine.
#[test]
fn s8_1_1_content_length_matching_the_data_is_accepted() {
    each_transport(|t| {
        let mut client = t.handshake();
        let stream_id = client.next_stream_id();
        let fields = request_with(&client, "POST", ECHO_PATH, &[field("content-length", "3")]);
        must(
            &mut client,
            |c| c.send_headers(stream_id, &fields, false),
            "to send HEADERS",
        );
        end_and_expect_ok(&mut client, stream_id, b"abc");
    });
}

// ---- §8.2 fields ----

/// RFC 9113 §8.2: "Field names MUST be converted to lowercase when constructing an HTTP/2
/// message"; §8.2.1: "A field name MUST NOT contain characters in the ranges ... 0x41-0x5a"; a
/// request with an uppercase name "MUST be treated as malformed".
#[test]
fn s8_2_uppercase_field_name_is_malformed() {
    each_transport(|t| {
        expect_request_malformed(t, |c| echo_with(c, &[field("X-Upper", "1")]));
    });
}

/// RFC 9113 §8.2.1: a field name MUST NOT contain 0x00-0x20: a space in a name is malformed.
#[test]
fn s8_2_1_space_in_a_field_name_is_malformed() {
    each_transport(|t| {
        expect_request_malformed(t, |c| echo_with(c, &[field("x name", "1")]));
    });
}

/// RFC 9113 §8.2.1: a field name MUST NOT contain 0x7f-0xff: an octet 0x80 in a name is
/// malformed.
#[test]
fn s8_2_1_non_ascii_octet_in_a_field_name_is_malformed() {
    each_transport(|t| {
        expect_request_malformed(t, |c| echo_with(c, &[field_bytes(b"x-\x80", b"1")]));
    });
}

/// RFC 9113 §8.2.1: DEL (0x7f) in a field name is malformed.
#[test]
fn s8_2_1_del_in_a_field_name_is_malformed() {
    each_transport(|t| {
        expect_request_malformed(t, |c| echo_with(c, &[field_bytes(b"x-\x7f", b"1")]));
    });
}

/// RFC 9113 §8.2.1: "With the exception of pseudo-header fields ... field names MUST NOT include a
/// colon". A colon inside a regular name is malformed.
#[test]
fn s8_2_1_colon_inside_a_field_name_is_malformed() {
    each_transport(|t| {
        expect_request_malformed(t, |c| echo_with(c, &[field("x:y", "1")]));
    });
}

/// RFC 9113 §8.2.1: "A field value MUST NOT contain the zero value (ASCII NUL, 0x00), line feed
/// (ASCII LF, 0x0a), or carriage return (ASCII CR, 0x0d) at any position." CR LF in a value.
#[test]
fn s8_2_1_cr_lf_in_a_field_value_is_malformed() {
    each_transport(|t| {
        expect_request_malformed(t, |c| {
            echo_with(c, &[field_bytes(b"x-value", b"a\r\nx-injected: 1")])
        });
    });
}

/// RFC 9113 §8.2.1: NUL in a field value is malformed.
#[test]
fn s8_2_1_nul_in_a_field_value_is_malformed() {
    each_transport(|t| {
        expect_request_malformed(t, |c| echo_with(c, &[field_bytes(b"x-value", b"a\x00b")]));
    });
}

/// RFC 9113 §8.2.1: "A field value MUST NOT start or end with an ASCII whitespace character (ASCII
/// SP or HTAB, 0x20 or 0x09)." A leading space.
#[test]
fn s8_2_1_field_value_with_leading_whitespace_is_malformed() {
    each_transport(|t| {
        expect_request_malformed(t, |c| echo_with(c, &[field("x-value", " a")]));
    });
}

/// RFC 9113 §8.2.1: a trailing tab in a field value is malformed.
#[test]
fn s8_2_1_field_value_with_trailing_whitespace_is_malformed() {
    each_transport(|t| {
        expect_request_malformed(t, |c| echo_with(c, &[field("x-value", "a\t")]));
    });
}

/// RFC 9113 §8.2.2: "An endpoint MUST NOT generate an HTTP/2 message containing connection-
/// specific header fields. This includes the Connection header field and those listed as having
/// connection-specific semantics in Section 7.6.1 of [HTTP] (that is, Proxy-Connection,
/// Keep-Alive, Transfer-Encoding, and Upgrade). Any message containing connection-specific header
/// fields MUST be treated as malformed (Section 8.1.1)." One test per field.
#[test]
fn s8_2_2_connection_field_is_malformed() {
    each_transport(|t| {
        expect_request_malformed(t, |c| echo_with(c, &[field("connection", "keep-alive")]));
    });
}

/// RFC 9113 §8.2.2: keep-alive is connection-specific: malformed.
#[test]
fn s8_2_2_keep_alive_field_is_malformed() {
    each_transport(|t| {
        expect_request_malformed(t, |c| echo_with(c, &[field("keep-alive", "timeout=5")]));
    });
}

/// RFC 9113 §8.2.2: proxy-connection is connection-specific: malformed.
#[test]
fn s8_2_2_proxy_connection_field_is_malformed() {
    each_transport(|t| {
        expect_request_malformed(t, |c| {
            echo_with(c, &[field("proxy-connection", "keep-alive")])
        });
    });
}

/// RFC 9113 §8.2.2: transfer-encoding is connection-specific: malformed.
#[test]
fn s8_2_2_transfer_encoding_field_is_malformed() {
    each_transport(|t| {
        expect_request_malformed(t, |c| {
            echo_with(c, &[field("transfer-encoding", "chunked")])
        });
    });
}

/// RFC 9113 §8.2.2: upgrade is connection-specific: malformed.
#[test]
fn s8_2_2_upgrade_field_is_malformed() {
    each_transport(|t| {
        expect_request_malformed(t, |c| echo_with(c, &[field("upgrade", "h2c")]));
    });
}

/// RFC 9113 §8.2.2: "The only exception to this is the TE header field, which MAY be present in
/// an HTTP/2 request; when it is, it MUST NOT contain any value other than "trailers"." TE gzip.
#[test]
fn s8_2_2_te_other_than_trailers_is_malformed() {
    each_transport(|t| {
        expect_request_malformed(t, |c| echo_with(c, &[field("te", "gzip")]));
    });
}

/// RFC 9113 §8.2.2: TE "MUST NOT contain any value other than "trailers"": `trailers, gzip` is
/// malformed too.
#[test]
fn s8_2_2_te_with_trailers_and_another_value_is_malformed() {
    each_transport(|t| {
        expect_request_malformed(t, |c| echo_with(c, &[field("te", "trailers, gzip")]));
    });
}

/// RFC 9113 §8.2.2: TE with the value "trailers" is allowed.
#[test]
fn s8_2_2_te_trailers_is_accepted() {
    each_transport(|t| {
        let mut client = t.handshake();
        let fields = echo_with(&client, &[field("te", "trailers")]);
        let stream_id = send_request(&mut client, &fields);
        expect_ok(&mut client, stream_id);
    });
}

// ---- §8.3 pseudo-header fields ----

/// RFC 9113 §8.3: "Endpoints MUST treat a request or response that contains undefined or invalid
/// pseudo-header fields as malformed (Section 8.1.1)." `:foo`.
#[test]
fn s8_3_unknown_pseudo_header_field_is_malformed() {
    each_transport(|t| {
        expect_request_malformed(t, |c| {
            let mut fields = c.request_fields("GET", ECHO_PATH);
            fields.push(field(":foo", "bar"));
            fields
        });
    });
}

/// RFC 9113 §8.3: "pseudo-header fields defined for responses MUST NOT appear in requests": a
/// request with `:status` is malformed.
#[test]
fn s8_3_response_pseudo_header_field_in_a_request_is_malformed() {
    each_transport(|t| {
        expect_request_malformed(t, |c| {
            let mut fields = c.request_fields("GET", ECHO_PATH);
            fields.push(field(":status", "200"));
            fields
        });
    });
}

/// RFC 9113 §8.3: "All pseudo-header fields MUST appear in a field block before all regular field
/// lines. Any request or response that contains a pseudo-header field that appears in a field
/// block after a regular field line MUST be treated as malformed".
#[test]
fn s8_3_pseudo_header_field_after_a_regular_field_is_malformed() {
    each_transport(|t| {
        expect_request_malformed(t, |c| {
            let mut fields = echo_without(c, ":path");
            fields.push(field("x-regular", "1"));
            fields.push(field(":path", ECHO_PATH));
            fields
        });
    });
}

/// RFC 9113 §8.3: "The same pseudo-header field name MUST NOT appear more than once in a field
/// block. A field block for an HTTP request or response that contains a repeated pseudo-header
/// field name MUST be treated as malformed". `:path` twice.
#[test]
fn s8_3_duplicated_path_is_malformed() {
    each_transport(|t| {
        expect_request_malformed(t, |c| {
            let mut fields = c.request_fields("GET", ECHO_PATH);
            fields.push(field(":path", HELLO_PATH));
            fields
        });
    });
}

/// RFC 9113 §8.3: `:method` twice is malformed.
#[test]
fn s8_3_duplicated_method_is_malformed() {
    each_transport(|t| {
        expect_request_malformed(t, |c| {
            let mut fields = c.request_fields("GET", ECHO_PATH);
            fields.insert(1, field(":method", "POST"));
            fields
        });
    });
}

/// RFC 9113 §8.3: `:scheme` twice is malformed.
#[test]
fn s8_3_duplicated_scheme_is_malformed() {
    each_transport(|t| {
        expect_request_malformed(t, |c| {
            let mut fields = c.request_fields("GET", ECHO_PATH);
            let scheme = c.transport().scheme();
            fields.insert(1, field(":scheme", scheme));
            fields
        });
    });
}

/// RFC 9113 §8.3.1: "All HTTP/2 requests MUST include exactly one valid value for the ":method",
/// ":scheme", and ":path" pseudo-header fields, unless they are CONNECT requests (Section 8.5). An
/// HTTP request that omits mandatory pseudo-header fields is malformed (Section 8.1.1)."
/// Without `:method`.
#[test]
fn s8_3_1_missing_method_is_malformed() {
    each_transport(|t| {
        expect_request_malformed(t, |c| echo_without(c, ":method"));
    });
}

/// RFC 9113 §8.3.1: a request without `:scheme` is malformed.
#[test]
fn s8_3_1_missing_scheme_is_malformed() {
    each_transport(|t| {
        expect_request_malformed(t, |c| echo_without(c, ":scheme"));
    });
}

/// RFC 9113 §8.3.1: a request without `:path` is malformed.
#[test]
fn s8_3_1_missing_path_is_malformed() {
    each_transport(|t| {
        expect_request_malformed(t, |c| echo_without(c, ":path"));
    });
}

/// RFC 9113 §8.3.1 `:path`: "This pseudo-header field MUST NOT be empty for "http" or "https"
/// URIs". An empty `:path` is an invalid pseudo-header field: malformed (§8.3).
#[test]
fn s8_3_1_empty_path_is_malformed() {
    each_transport(|t| {
        expect_request_malformed(t, |c| {
            let mut fields = echo_without(c, ":path");
            fields.push(field(":path", ""));
            fields
        });
    });
}

/// RFC 9113 §8.3: the response to a request starts with `:status`, its only pseudo-header field
/// ("Pseudo-header fields defined for requests MUST NOT appear in responses"), before every
/// regular field; §8.2: every field name is lowercase; §8.2.2: no connection-specific field.
#[test]
fn s8_3_2_response_fields_are_well_formed() {
    each_transport(|t| {
        let mut client = t.handshake();
        for path in [HELLO_PATH, ECHO_PATH, "/missing"] {
            let response = must(&mut client, |c| c.request(path), "the response");
            let names: Vec<&[u8]> = response.fields.iter().map(|f| &f.name[..]).collect();
            assert_eq!(
                names.first(),
                Some(&b":status".as_slice()),
                "{path}: {names:?}"
            );
            for name in names.iter().skip(1) {
                assert!(!name.starts_with(b":"), "{path}: pseudo-header {name:?}");
                assert!(
                    !name.iter().any(|b| b.is_ascii_uppercase()),
                    "{path}: uppercase name {name:?}"
                );
                let forbidden: [&[u8]; 5] = [
                    b"connection",
                    b"keep-alive",
                    b"proxy-connection",
                    b"transfer-encoding",
                    b"upgrade",
                ];
                assert!(
                    !forbidden.contains(name),
                    "{path}: connection-specific {name:?}"
                );
            }
        }
    });
}

// ---- §8.4 push ----

/// RFC 9113 §8.4: "A client cannot push. Thus, servers MUST treat the receipt of a PUSH_PROMISE
/// frame as a connection error (Section 5.4.1) of type PROTOCOL_ERROR." (The same test with a
/// PUSH_PROMISE on stream 0 is in the §6.6 group; here on a closed stream.)
#[test]
fn s8_4_push_promise_on_a_closed_stream_is_connection_protocol_error() {
    each_transport(|t| {
        let mut client = t.handshake();
        let stream_id = closed_stream(&mut client);
        let fields = client.request_fields("GET", HELLO_PATH);
        let mut payload = 0x2_u32.to_be_bytes().to_vec();
        payload.extend(client.encode_block(&fields));
        let frame = raw_frame(0x5, flags::END_HEADERS, stream_id, &payload);
        must(&mut client, |c| c.send_raw(&frame), "to send PUSH_PROMISE");
        expect_connection_error(&mut client, ErrorCode::PROTOCOL_ERROR, &[stream_id]);
    });
}

// ---- §8.5 CONNECT ----

/// RFC 9113 §8.5: in a CONNECT request "The ":scheme" and ":path" pseudo-header fields MUST be
/// omitted." and "A CONNECT request that does not conform to these restrictions is malformed".
/// CONNECT with `:path`.
#[test]
fn s8_5_connect_with_a_path_is_malformed() {
    each_transport(|t| {
        expect_request_malformed(t, |c| {
            let authority = c.request_fields("GET", "/")[2].clone();
            vec![field(":method", "CONNECT"), authority, field(":path", "/")]
        });
    });
}

/// RFC 9113 §8.5: CONNECT with `:scheme` is malformed.
#[test]
fn s8_5_connect_with_a_scheme_is_malformed() {
    each_transport(|t| {
        expect_request_malformed(t, |c| {
            let authority = c.request_fields("GET", "/")[2].clone();
            let scheme = field(":scheme", c.transport().scheme());
            vec![field(":method", "CONNECT"), scheme, authority]
        });
    });
}

/// RFC 9113 §8.5: "The ":authority" pseudo-header field contains the host and port to connect
/// to". CONNECT without `:authority` is malformed.
#[test]
fn s8_5_connect_without_authority_is_malformed() {
    each_transport(|t| {
        expect_request_malformed(t, |_| vec![field(":method", "CONNECT")]);
    });
}
