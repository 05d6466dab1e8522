//! GOAWAY frame — RFC 9113 §6.8
//!
//! ```text
//! +-+-------------------------------------------------------------+
//! |R|                  Last-Stream-ID (31)                        |
//! +-+-------------------------------------------------------------+
//! |                      Error Code (32)                          |
//! +---------------------------------------------------------------+
//! |                  Additional Debug Data (*)                    |
//! +---------------------------------------------------------------+
//! ```
//! No flags. Always on stream 0.

use super::{connection_error, write_header, FrameHeader, FrameType, RESERVED_BIT};
use crate::error::{ErrorCode, ProtocolError};

/// Octets of the Last-Stream-ID and Error Code fields.
const FIXED_LEN: usize = 8;

/// GOAWAY starts the shutdown of a connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoAway {
    /// The highest stream the sender processed or might process (31 bits).
    pub last_stream_id: u32,
    /// Why the connection ends.
    pub error_code: ErrorCode,
    /// Opaque diagnostic data; h2lab puts a readable reason here.
    pub debug_data: Vec<u8>,
}

impl GoAway {
    /// Decodes a GOAWAY payload.
    pub fn decode(header: &FrameHeader, payload: &[u8]) -> Result<GoAway, ProtocolError> {
        // RFC 9113 §6.8: "An endpoint MUST treat a GOAWAY frame with a stream identifier other than
        // 0x00 as a connection error (Section 5.4.1) of type PROTOCOL_ERROR."
        if header.stream_id != 0x0 {
            return Err(connection_error(
                ErrorCode::PROTOCOL_ERROR,
                "§6.8",
                format!("GOAWAY frame on stream {}", header.stream_id),
            ));
        }
        // RFC 9113 §4.2: "An endpoint MUST send an error code of FRAME_SIZE_ERROR if a frame ... is
        // too small to contain mandatory frame data. A frame size error in a frame that could alter
        // the state of the entire connection MUST be treated as a connection error (Section 5.4.1);
        // this includes ... any frame with a stream identifier of 0."
        let Some(([s0, s1, s2, s3, c0, c1, c2, c3], debug_data)) =
            payload.split_first_chunk::<FIXED_LEN>()
        else {
            return Err(connection_error(
                ErrorCode::FRAME_SIZE_ERROR,
                "§4.2",
                format!("GOAWAY frame of {} octets, fewer than 8", payload.len()),
            ));
        };
        Ok(GoAway {
            last_stream_id: u32::from_be_bytes([*s0, *s1, *s2, *s3]) & !RESERVED_BIT,
            error_code: ErrorCode(u32::from_be_bytes([*c0, *c1, *c2, *c3])),
            debug_data: debug_data.to_vec(),
        })
    }

    /// Writes the frame.
    pub fn encode(&self, out: &mut Vec<u8>) {
        let length = FIXED_LEN + self.debug_data.len();
        write_header(out, FrameType::GOAWAY, 0x0, 0x0, length);
        out.extend_from_slice(&(self.last_stream_id & !RESERVED_BIT).to_be_bytes());
        out.extend_from_slice(&self.error_code.0.to_be_bytes());
        out.extend_from_slice(&self.debug_data);
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{assert_connection_error, assert_round_trip, decode_hex};
    use super::*;
    use crate::frame::Frame;

    #[test]
    fn goaway_round_trips_as_exact_bytes() {
        let frame = GoAway {
            last_stream_id: 0x5,
            error_code: ErrorCode::PROTOCOL_ERROR,
            debug_data: b"hello".to_vec(),
        };
        assert_round_trip(
            "00000d 07 00 00000000 00000005 00000001 68656c6c6f",
            Frame::GoAway(frame),
        );
    }

    #[test]
    fn goaway_without_debug_data_round_trips() {
        let frame = GoAway {
            last_stream_id: 0x7fff_ffff,
            error_code: ErrorCode::NO_ERROR,
            debug_data: Vec::new(),
        };
        assert_round_trip(
            "000008 07 00 00000000 7fffffff 00000000",
            Frame::GoAway(frame),
        );
    }

    #[test]
    fn goaway_last_stream_reserved_bit_is_ignored() {
        let Ok(Frame::GoAway(frame)) = decode_hex("000008 07 00 00000000 80000003 00000000") else {
            panic!("the reserved bit does not make the frame invalid");
        };
        assert_eq!(frame.last_stream_id, 0x3);
    }

    #[test]
    fn goaway_on_a_stream_is_connection_protocol_error() {
        assert_connection_error(
            "000008 07 00 00000001 00000000 00000000",
            ErrorCode::PROTOCOL_ERROR,
        );
    }

    #[test]
    fn goaway_shorter_than_8_is_connection_frame_size_error() {
        assert_connection_error(
            "000007 07 00 00000000 00000000 000000",
            ErrorCode::FRAME_SIZE_ERROR,
        );
        assert_connection_error("000000 07 00 00000000", ErrorCode::FRAME_SIZE_ERROR);
    }
}
