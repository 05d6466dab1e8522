//! PRIORITY frame — RFC 9113 §6.3
//!
//! ```text
//! +-+-------------------------------------------------------------+
//! |E|                  Stream Dependency (31)                     |
//! +-+-------------+-----------------------------------------------+
//! |   Weight (8)  |
//! +-+-------------+
//! ```
//! No flags. Deprecated (§5.3.2): parsed and checked, never acted on.

use super::headers::PRIORITY_SPEC_LEN;
use super::{connection_error, write_header, FrameHeader, FrameType, PrioritySpec};
use crate::error::{ErrorCode, ProtocolError, StreamError};

/// PRIORITY: the deprecated priority signal; still parsed and checked, never acted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Priority {
    /// The stream whose priority this is; never 0 (§6.3). May name an idle stream.
    pub stream_id: u32,
    /// The priority fields.
    pub spec: PrioritySpec,
}

impl Priority {
    /// Decodes a PRIORITY payload.
    pub fn decode(header: &FrameHeader, payload: &[u8]) -> Result<Priority, ProtocolError> {
        // RFC 9113 §6.3: "If a PRIORITY frame is received with a stream identifier of 0x00, the
        // recipient MUST respond with a connection error (Section 5.4.1) of type PROTOCOL_ERROR."
        if header.stream_id == 0x0 {
            return Err(connection_error(
                ErrorCode::PROTOCOL_ERROR,
                "§6.3",
                "PRIORITY frame on stream 0",
            ));
        }
        // RFC 9113 §6.3: "A PRIORITY frame with a length other than 5 octets MUST be treated as a
        // stream error (Section 5.4.2) of type FRAME_SIZE_ERROR."
        let Ok(fields) = <&[u8; PRIORITY_SPEC_LEN]>::try_from(payload) else {
            return Err(StreamError::new(
                header.stream_id,
                ErrorCode::FRAME_SIZE_ERROR,
                "§6.3",
                format!("PRIORITY frame of {} octets, not 5", payload.len()),
            )
            .into());
        };
        let spec = PrioritySpec::decode(fields);
        spec.check_not_self(header.stream_id)?;
        Ok(Priority {
            stream_id: header.stream_id,
            spec,
        })
    }

    /// Writes the frame.
    pub fn encode(&self, out: &mut Vec<u8>) {
        write_header(
            out,
            FrameType::PRIORITY,
            0x0,
            self.stream_id,
            PRIORITY_SPEC_LEN,
        );
        self.spec.encode(out);
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{assert_connection_error, assert_round_trip, assert_stream_error};
    use super::*;
    use crate::frame::Frame;

    #[test]
    fn priority_round_trips_as_exact_bytes() {
        let frame = Priority {
            stream_id: 0x3,
            spec: PrioritySpec {
                exclusive: true,
                dependency: 0x1,
                weight: 0xff,
            },
        };
        assert_round_trip("000005 02 00 00000003 80000001 ff", Frame::Priority(frame));
    }

    #[test]
    fn priority_on_stream_zero_is_connection_protocol_error() {
        assert_connection_error(
            "000005 02 00 00000000 00000001 10",
            ErrorCode::PROTOCOL_ERROR,
        );
    }

    #[test]
    fn priority_of_length_other_than_5_is_stream_frame_size_error() {
        assert_stream_error(
            "000004 02 00 00000003 00000001",
            0x3,
            ErrorCode::FRAME_SIZE_ERROR,
        );
        assert_stream_error(
            "000006 02 00 00000003 00000001 10 00",
            0x3,
            ErrorCode::FRAME_SIZE_ERROR,
        );
    }

    #[test]
    fn priority_depending_on_own_stream_is_stream_protocol_error() {
        assert_stream_error(
            "000005 02 00 00000007 00000007 10",
            0x7,
            ErrorCode::PROTOCOL_ERROR,
        );
    }
}
