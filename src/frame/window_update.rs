//! WINDOW_UPDATE frame — RFC 9113 §6.9
//!
//! ```text
//! +-+-------------------------------------------------------------+
//! |R|              Window Size Increment (31)                     |
//! +-+-------------------------------------------------------------+
//! ```
//! No flags. Stream 0 means the connection window.

use super::{connection_error, write_header, FrameHeader, FrameType, RESERVED_BIT};
use crate::error::{ErrorCode, ProtocolError, StreamError};

/// The largest a flow-control window may be, 2^31-1 octets (RFC 9113 §6.9.1): the limit of
/// every window, and of SETTINGS_INITIAL_WINDOW_SIZE (§6.5.2).
pub const MAX_WINDOW_SIZE: u32 = 0x7fff_ffff;

/// WINDOW_UPDATE grants the peer more flow-control credit, on a stream or (stream 0) the connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WindowUpdate {
    /// The stream, or 0 for the connection window.
    pub stream_id: u32,
    /// Window Size Increment (31 bits, 1..=2^31-1).
    pub increment: u32,
}

impl WindowUpdate {
    /// Decodes a WINDOW_UPDATE payload. Whether the window then overflows (§6.9.1) is the
    /// connection's check.
    pub fn decode(header: &FrameHeader, payload: &[u8]) -> Result<WindowUpdate, ProtocolError> {
        // RFC 9113 §6.9: "A WINDOW_UPDATE frame with a length other than 4 octets MUST be treated as
        // a connection error (Section 5.4.1) of type FRAME_SIZE_ERROR."
        let Ok(word) = <[u8; 4]>::try_from(payload) else {
            return Err(connection_error(
                ErrorCode::FRAME_SIZE_ERROR,
                "§6.9",
                format!("WINDOW_UPDATE frame of {} octets, not 4", payload.len()),
            ));
        };
        let increment = u32::from_be_bytes(word) & !RESERVED_BIT;
        // RFC 9113 §6.9: "A receiver MUST treat the receipt of a WINDOW_UPDATE frame with a
        // flow-control window increment of 0 as a stream error (Section 5.4.2) of type
        // PROTOCOL_ERROR; errors on the connection flow-control window MUST be treated as a
        // connection error (Section 5.4.1)."
        if increment == 0x0 {
            if header.stream_id == 0x0 {
                return Err(connection_error(
                    ErrorCode::PROTOCOL_ERROR,
                    "§6.9",
                    "WINDOW_UPDATE with increment 0 on the connection",
                ));
            }
            return Err(StreamError::new(
                header.stream_id,
                ErrorCode::PROTOCOL_ERROR,
                "§6.9",
                "WINDOW_UPDATE with increment 0",
            )
            .into());
        }
        Ok(WindowUpdate {
            stream_id: header.stream_id,
            increment,
        })
    }

    /// Writes the frame.
    pub fn encode(&self, out: &mut Vec<u8>) {
        write_header(out, FrameType::WINDOW_UPDATE, 0x0, self.stream_id, 4);
        out.extend_from_slice(&(self.increment & !RESERVED_BIT).to_be_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{
        assert_connection_error, assert_round_trip, assert_stream_error, decode_hex,
    };
    use super::*;
    use crate::frame::Frame;

    #[test]
    fn window_update_round_trips_on_the_connection_and_on_a_stream() {
        let connection = WindowUpdate {
            stream_id: 0x0,
            increment: 0x7fff_ffff,
        };
        assert_round_trip(
            "000004 08 00 00000000 7fffffff",
            Frame::WindowUpdate(connection),
        );
        let stream = WindowUpdate {
            stream_id: 0x1,
            increment: 0x1_0000,
        };
        assert_round_trip(
            "000004 08 00 00000001 00010000",
            Frame::WindowUpdate(stream),
        );
    }

    #[test]
    fn window_update_reserved_bit_is_ignored() {
        let Ok(Frame::WindowUpdate(frame)) = decode_hex("000004 08 00 00000001 80000001") else {
            panic!("the reserved bit does not make the frame invalid");
        };
        assert_eq!(frame.increment, 0x1);
    }

    #[test]
    fn window_update_of_length_other_than_4_is_connection_frame_size_error() {
        assert_connection_error("000003 08 00 00000001 000001", ErrorCode::FRAME_SIZE_ERROR);
        assert_connection_error(
            "000005 08 00 00000000 0000000100",
            ErrorCode::FRAME_SIZE_ERROR,
        );
    }

    #[test]
    fn window_update_increment_0_on_a_stream_is_stream_protocol_error() {
        assert_stream_error(
            "000004 08 00 00000005 00000000",
            0x5,
            ErrorCode::PROTOCOL_ERROR,
        );
        assert_stream_error(
            "000004 08 00 00000005 80000000",
            0x5,
            ErrorCode::PROTOCOL_ERROR,
        );
    }

    #[test]
    fn window_update_increment_0_on_the_connection_is_connection_protocol_error() {
        assert_connection_error("000004 08 00 00000000 00000000", ErrorCode::PROTOCOL_ERROR);
    }
}
