//! PUSH_PROMISE frame — RFC 9113 §6.6
//!
//! ```text
//! +---------------+
//! |Pad Length? (8)|
//! +-+-------------+-----------------------------------------------+
//! |R|                  Promised Stream ID (31)                    |
//! +-+-----------------------------+-------------------------------+
//! |                   Field Block Fragment (*)                  ...
//! +---------------------------------------------------------------+
//! |                           Padding (*)                       ...
//! +---------------------------------------------------------------+
//! ```
//! Flags: END_HEADERS (0x04), PADDED (0x08).

use super::{
    connection_error, flag_if, flags, strip_padding, write_header, FrameHeader, FrameType, Padded,
    RESERVED_BIT,
};
use crate::error::{ErrorCode, ProtocolError};

/// Octets of the Promised Stream ID field.
const PROMISED_ID_LEN: usize = 4;

/// PUSH_PROMISE reserves a stream for a server push. A server only ever receives one in error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushPromise {
    /// The stream the promise is associated with; never 0 (§6.6).
    pub stream_id: u32,
    /// The reserved stream (31 bits).
    pub promised_stream_id: u32,
    /// The field block fragment, padding removed.
    pub fragment: Vec<u8>,
    /// END_HEADERS flag.
    pub end_headers: bool,
    /// The Pad Length field when PADDED is set.
    pub pad_len: Option<u8>,
}

impl PushPromise {
    /// Decodes a PUSH_PROMISE payload. That a server must never receive one (§8.4) and whether the
    /// promised stream is idle (§6.6) are the connection's checks.
    pub fn decode(header: &FrameHeader, payload: &[u8]) -> Result<PushPromise, ProtocolError> {
        // RFC 9113 §6.6: "If the Stream Identifier field specifies the value 0x00, a recipient MUST
        // respond with a connection error (Section 5.4.1) of type PROTOCOL_ERROR."
        if header.stream_id == 0x0 {
            return Err(connection_error(
                ErrorCode::PROTOCOL_ERROR,
                "§6.6",
                "PUSH_PROMISE frame on stream 0",
            ));
        }
        let Padded {
            pad_len,
            fixed: promised,
            body: fragment,
        } = strip_padding::<PROMISED_ID_LEN>(header, payload)?;
        let promised_stream_id = u32::from_be_bytes(*promised) & !RESERVED_BIT;
        // RFC 9113 §6.6: "A receiver MUST treat the receipt of a PUSH_PROMISE that promises an
        // illegal stream identifier (Section 5.1.1) as a connection error (Section 5.4.1) of type
        // PROTOCOL_ERROR." Stream 0 is never idle, so it is illegal whatever the state.
        if promised_stream_id == 0x0 {
            return Err(connection_error(
                ErrorCode::PROTOCOL_ERROR,
                "§6.6",
                "PUSH_PROMISE promises stream 0",
            ));
        }
        Ok(PushPromise {
            stream_id: header.stream_id,
            promised_stream_id,
            fragment: fragment.to_vec(),
            end_headers: header.flags & flags::END_HEADERS != 0,
            pad_len,
        })
    }

    /// Writes the frame; padding octets are zero (§6.6: "MUST be set to zero when sending").
    pub fn encode(&self, out: &mut Vec<u8>) {
        let flags = flag_if(self.end_headers, flags::END_HEADERS)
            | flag_if(self.pad_len.is_some(), flags::PADDED);
        let padding = self.pad_len.map_or(0, |pad_len| 1 + usize::from(pad_len));
        let length = padding + PROMISED_ID_LEN + self.fragment.len();
        write_header(out, FrameType::PUSH_PROMISE, flags, self.stream_id, length);
        if let Some(pad_len) = self.pad_len {
            out.push(pad_len);
        }
        out.extend_from_slice(&(self.promised_stream_id & !RESERVED_BIT).to_be_bytes());
        out.extend_from_slice(&self.fragment);
        out.resize(out.len() + usize::from(self.pad_len.unwrap_or(0)), 0x0);
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{assert_connection_error, assert_round_trip, decode_hex};
    use super::*;
    use crate::frame::Frame;

    #[test]
    fn push_promise_round_trips_as_exact_bytes() {
        let frame = PushPromise {
            stream_id: 0x1,
            promised_stream_id: 0x2,
            fragment: vec![0x82, 0x84, 0x87],
            end_headers: true,
            pad_len: None,
        };
        assert_round_trip(
            "000007 05 04 00000001 00000002 828487",
            Frame::PushPromise(frame),
        );
    }

    #[test]
    fn padded_push_promise_round_trips_as_exact_bytes() {
        let frame = PushPromise {
            stream_id: 0x1,
            promised_stream_id: 0x2,
            fragment: vec![0x82],
            end_headers: false,
            pad_len: Some(0x2),
        };
        assert_round_trip(
            "000008 05 08 00000001 02 00000002 82 0000",
            Frame::PushPromise(frame),
        );
    }

    #[test]
    fn promised_stream_reserved_bit_is_ignored() {
        let Ok(Frame::PushPromise(frame)) = decode_hex("000004 05 04 00000001 80000002") else {
            panic!("the reserved bit does not make the frame invalid");
        };
        assert_eq!(frame.promised_stream_id, 0x2);
    }

    #[test]
    fn push_promise_on_stream_zero_is_connection_protocol_error() {
        assert_connection_error("000004 05 04 00000000 00000002", ErrorCode::PROTOCOL_ERROR);
    }

    #[test]
    fn push_promise_of_stream_zero_is_connection_protocol_error() {
        assert_connection_error("000004 05 04 00000001 00000000", ErrorCode::PROTOCOL_ERROR);
    }

    #[test]
    fn push_promise_too_short_for_promised_stream_is_connection_frame_size_error() {
        assert_connection_error("000003 05 04 00000001 000002", ErrorCode::FRAME_SIZE_ERROR);
        assert_connection_error(
            "000004 05 0c 00000001 00 000002",
            ErrorCode::FRAME_SIZE_ERROR,
        );
    }

    #[test]
    fn push_promise_padding_over_the_promised_stream_is_connection_protocol_error() {
        assert_connection_error(
            "000006 05 0c 00000001 02 00000002 00",
            ErrorCode::PROTOCOL_ERROR,
        );
        assert_connection_error(
            "000005 05 0c 00000001 01 00000002",
            ErrorCode::PROTOCOL_ERROR,
        );
    }
}
