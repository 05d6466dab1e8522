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
                    "WINDOW_UPDATE with increment 0 on the connection",
                ));
            }
            return Err(StreamError::new(
                header.stream_id,
                ErrorCode::PROTOCOL_ERROR,
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
