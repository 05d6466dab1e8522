//! PING frame — RFC 9113 §6.7
//!
//! ```text
//! +---------------------------------------------------------------+
//! |                      Opaque Data (64)                         |
//! +---------------------------------------------------------------+
//! ```
//! Flags: ACK (0x01). Always on stream 0.

use super::{connection_error, flag_if, flags, write_header, FrameHeader, FrameType};
use crate::error::{ErrorCode, ProtocolError};

/// PING measures a round trip and checks that the connection still works.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ping {
    /// ACK flag: this answers the peer's PING.
    pub ack: bool,
    /// Opaque data, echoed in the answer.
    pub data: [u8; 8],
}

impl Ping {
    /// Decodes a PING payload.
    pub fn decode(header: &FrameHeader, payload: &[u8]) -> Result<Ping, ProtocolError> {
        // RFC 9113 §6.7: "If a PING frame is received with a Stream Identifier field value other
        // than 0x00, the recipient MUST respond with a connection error (Section 5.4.1) of type
        // PROTOCOL_ERROR."
        if header.stream_id != 0x0 {
            return Err(connection_error(
                ErrorCode::PROTOCOL_ERROR,
                "§6.7",
                format!("PING frame on stream {}", header.stream_id),
            ));
        }
        // RFC 9113 §6.7: "Receipt of a PING frame with a length field value other than 8 MUST be
        // treated as a connection error (Section 5.4.1) of type FRAME_SIZE_ERROR."
        let Ok(data) = <[u8; 8]>::try_from(payload) else {
            return Err(connection_error(
                ErrorCode::FRAME_SIZE_ERROR,
                "§6.7",
                format!("PING frame of {} octets, not 8", payload.len()),
            ));
        };
        Ok(Ping {
            ack: header.flags & flags::ACK != 0,
            data,
        })
    }

    /// Writes the frame.
    pub fn encode(&self, out: &mut Vec<u8>) {
        write_header(out, FrameType::PING, flag_if(self.ack, flags::ACK), 0x0, 8);
        out.extend_from_slice(&self.data);
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{assert_connection_error, assert_round_trip};
    use super::*;
    use crate::frame::Frame;

    #[test]
    fn ping_and_ping_ack_round_trip_as_exact_bytes() {
        let data = [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08];
        let ping = Ping { ack: false, data };
        assert_round_trip("000008 06 00 00000000 0102030405060708", Frame::Ping(ping));
        let ack = Ping { ack: true, data };
        assert_round_trip("000008 06 01 00000000 0102030405060708", Frame::Ping(ack));
    }

    #[test]
    fn ping_on_a_stream_is_connection_protocol_error() {
        assert_connection_error(
            "000008 06 00 00000001 0102030405060708",
            ErrorCode::PROTOCOL_ERROR,
        );
    }

    #[test]
    fn ping_of_length_other_than_8_is_connection_frame_size_error() {
        assert_connection_error(
            "000007 06 00 00000000 01020304050607",
            ErrorCode::FRAME_SIZE_ERROR,
        );
        assert_connection_error(
            "000009 06 00 00000000 010203040506070809",
            ErrorCode::FRAME_SIZE_ERROR,
        );
        assert_connection_error("000000 06 01 00000000", ErrorCode::FRAME_SIZE_ERROR);
    }
}
