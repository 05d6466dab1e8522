//! CONTINUATION frame — RFC 9113 §6.10
//!
//! ```text
//! +---------------------------------------------------------------+
//! |                   Field Block Fragment (*)                  ...
//! +---------------------------------------------------------------+
//! ```
//! Flags: END_HEADERS (0x04). [`check_follows`] says which frame may come while a field block is
//! open: the connection and `h2lab-decode` both assemble blocks under that rule.

use super::{connection_error, flag_if, flags, write_header, FrameHeader, FrameType};
use crate::error::{ConnectionError, ErrorCode, ProtocolError};

/// While the field block of stream `open_stream` lacks END_HEADERS, checks the header of the next
/// frame: only a CONTINUATION on that same stream may come.
pub fn check_follows(header: &FrameHeader, open_stream: u32) -> Result<(), ConnectionError> {
    if header.kind == FrameType::CONTINUATION && header.stream_id == open_stream {
        return Ok(());
    }
    // RFC 9113 §6.10: "If the END_HEADERS flag is not set, this frame MUST be followed by another
    // CONTINUATION frame. A receiver MUST treat the receipt of any other type of frame or a frame
    // on a different stream as a connection error (Section 5.4.1) of type PROTOCOL_ERROR."
    Err(ConnectionError::new(
        ErrorCode::PROTOCOL_ERROR,
        "§6.10",
        format!(
            "{} on stream {} inside the header block of stream {}",
            header.kind, header.stream_id, open_stream
        ),
    ))
}

/// CONTINUATION carries the rest of a field block begun by HEADERS or PUSH_PROMISE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Continuation {
    /// The stream; the same as the HEADERS it continues (§6.10).
    pub stream_id: u32,
    /// The field block fragment.
    pub fragment: Vec<u8>,
    /// END_HEADERS flag.
    pub end_headers: bool,
}

impl Continuation {
    /// Decodes a CONTINUATION payload.
    pub fn decode(header: &FrameHeader, payload: &[u8]) -> Result<Continuation, ProtocolError> {
        // RFC 9113 §6.10: "If a CONTINUATION frame is received with a Stream Identifier field of
        // 0x00, the recipient MUST respond with a connection error (Section 5.4.1) of type
        // PROTOCOL_ERROR."
        if header.stream_id == 0x0 {
            return Err(connection_error(
                ErrorCode::PROTOCOL_ERROR,
                "§6.10",
                "CONTINUATION frame on stream 0",
            ));
        }
        Ok(Continuation {
            stream_id: header.stream_id,
            fragment: payload.to_vec(),
            end_headers: header.flags & flags::END_HEADERS != 0,
        })
    }

    /// Writes the frame.
    pub fn encode(&self, out: &mut Vec<u8>) {
        let flags = flag_if(self.end_headers, flags::END_HEADERS);
        write_header(
            out,
            FrameType::CONTINUATION,
            flags,
            self.stream_id,
            self.fragment.len(),
        );
        out.extend_from_slice(&self.fragment);
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{assert_connection_error, assert_round_trip};
    use super::*;
    use crate::frame::Frame;

    #[test]
    fn continuation_round_trips_as_exact_bytes() {
        let frame = Continuation {
            stream_id: 0x1,
            fragment: vec![0x82, 0x84, 0x87],
            end_headers: true,
        };
        assert_round_trip("000003 09 04 00000001 828487", Frame::Continuation(frame));
    }

    #[test]
    fn empty_continuation_without_end_headers_round_trips() {
        let frame = Continuation {
            stream_id: 0x3,
            fragment: Vec::new(),
            end_headers: false,
        };
        assert_round_trip("000000 09 00 00000003", Frame::Continuation(frame));
    }

    #[test]
    fn continuation_on_stream_zero_is_connection_protocol_error() {
        assert_connection_error("000001 09 04 00000000 82", ErrorCode::PROTOCOL_ERROR);
    }
}
