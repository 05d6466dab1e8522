//! RST_STREAM frame — RFC 9113 §6.4
//!
//! ```text
//! +---------------------------------------------------------------+
//! |                        Error Code (32)                        |
//! +---------------------------------------------------------------+
//! ```
//! No flags.

use super::{connection_error, write_header, FrameHeader, FrameType};
use crate::error::{ErrorCode, ProtocolError};

/// RST_STREAM ends one stream at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RstStream {
    /// The stream; never 0 (§6.4).
    pub stream_id: u32,
    /// Why the stream ends.
    pub error_code: ErrorCode,
}

impl RstStream {
    /// Decodes a RST_STREAM payload. Whether the stream is idle (§6.4) is the connection's check.
    pub fn decode(header: &FrameHeader, payload: &[u8]) -> Result<RstStream, ProtocolError> {
        // RFC 9113 §6.4: "If a RST_STREAM frame is received with a stream identifier of 0x00, the
        // recipient MUST treat this as a connection error (Section 5.4.1) of type PROTOCOL_ERROR."
        if header.stream_id == 0x0 {
            return Err(connection_error(
                ErrorCode::PROTOCOL_ERROR,
                "§6.4",
                "RST_STREAM frame on stream 0",
            ));
        }
        // RFC 9113 §6.4: "A RST_STREAM frame with a length other than 4 octets MUST be treated as a
        // connection error (Section 5.4.1) of type FRAME_SIZE_ERROR."
        let Ok(code) = <[u8; 4]>::try_from(payload) else {
            return Err(connection_error(
                ErrorCode::FRAME_SIZE_ERROR,
                "§6.4",
                format!("RST_STREAM frame of {} octets, not 4", payload.len()),
            ));
        };
        Ok(RstStream {
            stream_id: header.stream_id,
            error_code: ErrorCode(u32::from_be_bytes(code)),
        })
    }

    /// Writes the frame.
    pub fn encode(&self, out: &mut Vec<u8>) {
        write_header(out, FrameType::RST_STREAM, 0x0, self.stream_id, 4);
        out.extend_from_slice(&self.error_code.0.to_be_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{assert_connection_error, assert_round_trip};
    use super::*;
    use crate::frame::Frame;

    #[test]
    fn rst_stream_round_trips_as_exact_bytes() {
        let frame = RstStream {
            stream_id: 0x1,
            error_code: ErrorCode::CANCEL,
        };
        assert_round_trip("000004 03 00 00000001 00000008", Frame::RstStream(frame));
    }

    #[test]
    fn rst_stream_keeps_an_unknown_error_code() {
        let frame = RstStream {
            stream_id: 0x1,
            error_code: ErrorCode(0xff),
        };
        assert_round_trip("000004 03 00 00000001 000000ff", Frame::RstStream(frame));
    }

    #[test]
    fn rst_stream_on_stream_zero_is_connection_protocol_error() {
        assert_connection_error("000004 03 00 00000000 00000008", ErrorCode::PROTOCOL_ERROR);
    }

    #[test]
    fn rst_stream_of_length_other_than_4_is_connection_frame_size_error() {
        assert_connection_error("000003 03 00 00000001 000008", ErrorCode::FRAME_SIZE_ERROR);
        assert_connection_error(
            "000005 03 00 00000001 0000000800",
            ErrorCode::FRAME_SIZE_ERROR,
        );
    }
}
