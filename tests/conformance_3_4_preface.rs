//! Conformance: the connection preface — RFC 9113 §3.4.
//!
//! Each test runs over TLS and over cleartext h2c (see `conformance_support`).

mod conformance_support;

use conformance_support::*;

/// RFC 9113 §3.4: "The server connection preface consists of a potentially empty SETTINGS frame
/// (Section 6.5) that MUST be the first frame the server sends in the HTTP/2 connection."
#[test]
fn s3_4_server_preface_is_a_settings_frame_first() {
    each_transport(|t| {
        let mut client = t.connect();
        must(&mut client, |c| c.send_preface(), "to send the preface");
        let settings = Frame::Settings(Settings {
            ack: false,
            params: Vec::new(),
        });
        must(&mut client, |c| c.send_frame(&settings), "to send SETTINGS");
        let first = must(&mut client, |c| c.read_frame(WAIT), "a frame")
            .unwrap_or_else(|| panic!("no frame from the server"));
        assert!(
            matches!(&first.frame, Frame::Settings(s) if !s.ack),
            "first frame: {}",
            describe(&first.frame)
        );
    });
}

/// RFC 9113 §3.4: "The SETTINGS frames received from a peer as part of the connection preface
/// MUST be acknowledged (see Section 6.5.3) after sending the connection preface."
#[test]
fn s3_4_client_settings_of_the_preface_are_acknowledged() {
    each_transport(|t| {
        let mut client = t.connect();
        must(&mut client, |c| c.handshake(), "the SETTINGS exchange");
        expect_still_serving(&mut client);
    });
}

/// RFC 9113 §3.4: the preface is a byte sequence on a byte stream; a server reassembles it and
/// the first SETTINGS frame from however many TCP segments they arrive in. (The client
/// acknowledges the server's SETTINGS by itself as it reads them.)
#[test]
fn s3_4_preface_and_settings_sent_one_octet_at_a_time_are_accepted() {
    each_transport(|t| {
        let mut client = t.connect();
        let mut bytes = h2lab::frame::PREFACE.to_vec();
        bytes.extend(raw_frame(0x4, 0x0, 0x0, &[]));
        for octet in bytes {
            must(&mut client, |c| c.send_raw(&[octet]), "to send one octet");
        }
        must(
            &mut client,
            |c| {
                c.expect_frame(
                    WAIT,
                    "the ACK of our SETTINGS",
                    |f| matches!(f, Frame::Settings(s) if s.ack),
                )
            },
            "SETTINGS ACK",
        );
        expect_still_serving(&mut client);
    });
}

/// Checks the reaction to an invalid client preface. RFC 9113 §3.4: "Clients and servers MUST
/// treat an invalid connection preface as a connection error (Section 5.4.1) of type
/// PROTOCOL_ERROR. A GOAWAY frame (Section 6.8) MAY be omitted in this case, since an invalid
/// preface indicates that the peer is not using HTTP/2."
///
/// Reading taken: the connection must close; before that the server may send its own SETTINGS
/// (its preface goes out before it reads ours), then either a GOAWAY, whose code must be
/// PROTOCOL_ERROR and last-stream-id 0, or nothing more in HTTP/2 — octets that are not a frame
/// (a plain-text hint for a peer that "is not using HTTP/2") are accepted in place of GOAWAY.
fn expect_preface_rejected(client: &mut Client) {
    let transport = client.transport();
    let (bytes, closed) = must(
        client,
        |c| c.read_raw_until_close(WAIT),
        "the end of the connection",
    );
    assert!(
        closed,
        "{transport:?}: the connection stayed open after {} octets",
        bytes.len()
    );
    let mut rest = bytes.as_slice();
    while let Ok(Some((header, payload, used))) = h2lab::frame::split_frame(rest, 0x4000) {
        let Ok(frame) = Frame::decode(&header, payload) else {
            break;
        };
        match frame {
            Frame::Settings(s) if !s.ack => {}
            Frame::GoAway(goaway) => {
                assert_eq!(
                    goaway.error_code,
                    ErrorCode::PROTOCOL_ERROR,
                    "{transport:?}"
                );
                assert_eq!(goaway.last_stream_id, 0x0, "{transport:?}");
            }
            other => panic!(
                "{transport:?}: expected GOAWAY PROTOCOL_ERROR or the close, got {}",
                describe(&other)
            ),
        }
        rest = &rest[used..];
    }
}

/// RFC 9113 §3.4: a preface that begins like HTTP/2's and differs afterwards (`SM` replaced) is
/// invalid: connection error PROTOCOL_ERROR, GOAWAY optional.
#[test]
fn s3_4_corrupted_preface_is_connection_protocol_error() {
    each_transport(|t| {
        let mut client = t.connect();
        let mut bytes = b"PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n".to_vec();
        bytes.extend(raw_frame(0x4, 0x0, 0x0, &[]));
        must(&mut client, |c| c.send_raw(&bytes), "to send the preface");
        expect_preface_rejected(&mut client);
    });
}

/// RFC 9113 §3.4: in cleartext, a corrupted preface (`PRI * HTTP/2.0` and then something else)
/// or octets that open neither TLS, HTTP/2 nor an HTTP/1.x request line are a connection error
/// PROTOCOL_ERROR with the GOAWAY omitted: the connection closes without a single octet, and
/// without the HTTP/1.1 answer, which is for real HTTP/1.1 request lines.
#[test]
fn s3_4_an_invalid_cleartext_opening_is_closed_without_a_word() {
    let server = Server::start(&[]);
    for (transport, addr) in server.targets() {
        if transport != Transport::Cleartext {
            continue;
        }
        let openings: [&[u8]; 3] = [
            b"PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n",
            b"GET / HTTP/2.0\r\n\r\n",
            &[0x00, 0x00, 0x12, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00],
        ];
        for opening in openings {
            let mut client = Client::connect(addr, transport).unwrap();
            must(&mut client, |c| c.send_raw(opening), "to send the opening");
            let (bytes, closed) = must(
                &mut client,
                |c| c.read_raw_until_close(WAIT),
                "the end of the connection",
            );
            assert!(closed && bytes.is_empty(), "{opening:?}: got {bytes:?}");
        }
    }
}

/// RFC 9113 §3.4: "That is, the connection preface ... MUST be followed by a SETTINGS frame";
/// a preface followed by PING is invalid: connection error PROTOCOL_ERROR, GOAWAY optional.
#[test]
fn s3_4_preface_followed_by_ping_instead_of_settings_is_connection_protocol_error() {
    each_transport(|t| {
        let mut client = t.connect();
        let mut bytes = h2lab::frame::PREFACE.to_vec();
        bytes.extend(raw_frame(0x6, 0x0, 0x0, &[0x0; 8]));
        must(&mut client, |c| c.send_raw(&bytes), "to send the preface");
        expect_preface_rejected(&mut client);
    });
}
