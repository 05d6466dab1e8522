//! HEADERS frame — RFC 9113 §6.2
//!
//! ```text
//! +---------------+
//! |Pad Length? (8)|
//! +-+-------------+-----------------------------------------------+
//! |E|                 Stream Dependency? (31)                     |
//! +-+-------------+-----------------------------------------------+
//! |  Weight? (8)  |
//! +-+-------------+-----------------------------------------------+
//! |                   Field Block Fragment (*)                  ...
//! +---------------------------------------------------------------+
//! |                           Padding (*)                       ...
//! +---------------------------------------------------------------+
//! ```
//! Flags: END_STREAM (0x01), END_HEADERS (0x04), PADDED (0x08), PRIORITY (0x20).

use super::{
    connection_error, flag_if, flags, strip_padding, write_header, FrameHeader, FrameType,
    RESERVED_BIT,
};
use crate::error::{ErrorCode, ProtocolError, StreamError};

/// The priority fields of HEADERS and PRIORITY (RFC 9113 §5.3.2, deprecated but still parsed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrioritySpec {
    /// E flag: the dependency is exclusive.
    pub exclusive: bool,
    /// Stream Dependency (31 bits).
    pub dependency: u32,
    /// Weight as on the wire: the real weight minus one (0..=255).
    pub weight: u8,
}

/// Octets of the Exclusive, Stream Dependency and Weight fields.
pub(super) const PRIORITY_SPEC_LEN: usize = 5;

impl PrioritySpec {
    /// Reads the five priority octets.
    pub(super) fn decode(fields: &[u8; PRIORITY_SPEC_LEN]) -> PrioritySpec {
        let [d0, d1, d2, d3, weight] = *fields;
        let word = u32::from_be_bytes([d0, d1, d2, d3]);
        PrioritySpec {
            exclusive: word & RESERVED_BIT != 0,
            dependency: word & !RESERVED_BIT,
            weight,
        }
    }

    /// Checks that stream `stream_id`, which these fields belong to, does not depend on itself.
    ///
    /// PRIORITY calls this while decoding. HEADERS does not: its field block must still reach the
    /// HPACK decoder to keep the compression state in sync (RFC 9113 §4.3), so the connection calls
    /// this after decoding the block.
    pub fn check_not_self(&self, stream_id: u32) -> Result<(), StreamError> {
        // RFC 7540 §5.3.1, kept by RFC 9113 §5.3.2: "A stream cannot depend on itself. An endpoint
        // MUST treat this as a stream error (Section 5.4.2) of type PROTOCOL_ERROR."
        if self.dependency == stream_id {
            return Err(StreamError::new(
                stream_id,
                ErrorCode::PROTOCOL_ERROR,
                "RFC 7540 §5.3.1",
                format!("stream {stream_id} depends on itself"),
            ));
        }
        Ok(())
    }

    /// Writes the five priority octets.
    pub(super) fn encode(&self, out: &mut Vec<u8>) {
        let exclusive = if self.exclusive { RESERVED_BIT } else { 0x0 };
        out.extend_from_slice(&(exclusive | (self.dependency & !RESERVED_BIT)).to_be_bytes());
        out.push(self.weight);
    }
}

/// HEADERS opens a stream and carries a field block fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Headers {
    /// The stream; never 0 (§6.2).
    pub stream_id: u32,
    /// The field block fragment, padding and priority fields removed.
    pub fragment: Vec<u8>,
    /// END_STREAM flag.
    pub end_stream: bool,
    /// END_HEADERS flag: no CONTINUATION follows.
    pub end_headers: bool,
    /// The priority fields when the PRIORITY flag is set.
    pub priority: Option<PrioritySpec>,
    /// The Pad Length field when PADDED is set.
    pub pad_len: Option<u8>,
}

impl Headers {
    /// Decodes a HEADERS payload.
    ///
    /// A dependency on the frame's own stream is not checked here but by the connection, after the
    /// field block has been decoded: see [`PrioritySpec::check_not_self`].
    pub fn decode(header: &FrameHeader, payload: &[u8]) -> Result<Headers, ProtocolError> {
        // RFC 9113 §6.2: "If a HEADERS frame is received whose Stream Identifier field is 0x00, the
        // recipient MUST respond with a connection error (Section 5.4.1) of type PROTOCOL_ERROR."
        if header.stream_id == 0x0 {
            return Err(connection_error(
                ErrorCode::PROTOCOL_ERROR,
                "§6.2",
                "HEADERS frame on stream 0",
            ));
        }
        let (pad_len, priority, fragment) = if header.flags & flags::PRIORITY != 0 {
            let padded = strip_padding::<PRIORITY_SPEC_LEN>(header, payload)?;
            let spec = PrioritySpec::decode(padded.fixed);
            (padded.pad_len, Some(spec), padded.body)
        } else {
            let padded = strip_padding::<0>(header, payload)?;
            (padded.pad_len, None, padded.body)
        };
        Ok(Headers {
            stream_id: header.stream_id,
            fragment: fragment.to_vec(),
            end_stream: header.flags & flags::END_STREAM != 0,
            end_headers: header.flags & flags::END_HEADERS != 0,
            priority,
            pad_len,
        })
    }

    /// Writes the frame; padding octets are zero (§6.2: "MUST be set to zero when sending").
    pub fn encode(&self, out: &mut Vec<u8>) {
        let flags = flag_if(self.end_stream, flags::END_STREAM)
            | flag_if(self.end_headers, flags::END_HEADERS)
            | flag_if(self.pad_len.is_some(), flags::PADDED)
            | flag_if(self.priority.is_some(), flags::PRIORITY);
        let padding = self.pad_len.map_or(0, |pad_len| 1 + usize::from(pad_len));
        let priority = if self.priority.is_some() {
            PRIORITY_SPEC_LEN
        } else {
            0
        };
        let length = padding + priority + self.fragment.len();
        write_header(out, FrameType::HEADERS, flags, self.stream_id, length);
        if let Some(pad_len) = self.pad_len {
            out.push(pad_len);
        }
        if let Some(spec) = self.priority {
            spec.encode(out);
        }
        out.extend_from_slice(&self.fragment);
        out.resize(out.len() + usize::from(self.pad_len.unwrap_or(0)), 0x0);
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{
        assert_connection_error, assert_encodes_to, assert_round_trip, decode_hex,
    };
    use super::*;
    use crate::frame::Frame;

    #[test]
    fn headers_round_trip_as_exact_bytes() {
        let frame = Headers {
            stream_id: 0x1,
            fragment: vec![0x82, 0x84, 0x87],
            end_stream: true,
            end_headers: true,
            priority: None,
            pad_len: None,
        };
        assert_round_trip("000003 01 05 00000001 828487", Frame::Headers(frame));
    }

    #[test]
    fn padded_headers_with_priority_round_trip_as_exact_bytes() {
        let frame = Headers {
            stream_id: 0x5,
            fragment: vec![0x82, 0x84],
            end_stream: false,
            end_headers: true,
            priority: Some(PrioritySpec {
                exclusive: true,
                dependency: 0x3,
                weight: 0xf,
            }),
            pad_len: Some(0x1),
        };
        assert_round_trip(
            "000009 01 2c 00000005 01 80000003 0f 8284 00",
            Frame::Headers(frame),
        );
    }

    #[test]
    fn headers_unknown_flags_are_ignored_and_not_sent() {
        let frame = decode_hex("000001 01 d2 00000001 82").unwrap();
        assert_encodes_to(&frame, "000001 01 00 00000001 82");
    }

    #[test]
    fn headers_on_stream_zero_is_connection_protocol_error() {
        assert_connection_error("000001 01 04 00000000 82", ErrorCode::PROTOCOL_ERROR);
    }

    #[test]
    fn headers_pad_length_equal_to_payload_length_is_connection_protocol_error() {
        assert_connection_error("000003 01 0c 00000001 03 8284", ErrorCode::PROTOCOL_ERROR);
    }

    #[test]
    fn headers_padding_over_the_priority_fields_is_connection_protocol_error() {
        assert_connection_error(
            "000007 01 2c 00000001 02 00000000 0f 82",
            ErrorCode::PROTOCOL_ERROR,
        );
    }

    #[test]
    fn headers_padding_up_to_the_priority_fields_is_valid() {
        let Ok(Frame::Headers(headers)) = decode_hex("000007 01 2c 00000001 01 00000000 0f 00")
        else {
            panic!("padding that leaves the priority fields whole is valid");
        };
        assert_eq!((headers.fragment.len(), headers.pad_len), (0, Some(0x1)));
    }

    #[test]
    fn padded_headers_without_pad_length_is_connection_frame_size_error() {
        assert_connection_error("000000 01 0c 00000001", ErrorCode::FRAME_SIZE_ERROR);
    }

    #[test]
    fn headers_too_short_for_priority_fields_is_connection_frame_size_error() {
        assert_connection_error(
            "000004 01 24 00000001 00000003",
            ErrorCode::FRAME_SIZE_ERROR,
        );
    }

    #[test]
    fn padded_headers_too_short_for_priority_fields_is_connection_frame_size_error() {
        assert_connection_error(
            "000005 01 2c 00000001 00 00000003",
            ErrorCode::FRAME_SIZE_ERROR,
        );
    }

    #[test]
    fn headers_depending_on_own_stream_decodes_and_fails_the_separate_check() {
        let Ok(Frame::Headers(frame)) = decode_hex("000006 01 24 00000003 00000003 0f 82") else {
            panic!("a self-dependent HEADERS frame must still decode, to keep its field block");
        };
        assert_eq!(frame.fragment, vec![0x82]);
        let spec = frame.priority.unwrap();
        let err = spec.check_not_self(0x3).unwrap_err();
        assert_eq!((err.stream_id, err.code), (0x3, ErrorCode::PROTOCOL_ERROR));
        assert!(spec.check_not_self(0x5).is_ok());
    }

    #[test]
    fn headers_self_dependency_yields_to_a_connection_error() {
        assert_connection_error(
            "000006 01 2c 00000003 01 00000003 0f",
            ErrorCode::PROTOCOL_ERROR,
        );
    }
}
