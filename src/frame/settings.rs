//! SETTINGS frame — RFC 9113 §6.5
//!
//! ```text
//! +-------------------------------+
//! |       Identifier (16)         |
//! +-------------------------------+-------------------------------+
//! |                        Value (32)                             |
//! +---------------------------------------------------------------+
//! ```
//! The payload is zero or more such settings. Flags: ACK (0x01). Always on stream 0.

use std::fmt;

use super::{
    connection_error, flag_if, flags, write_header, FrameHeader, FrameType, DEFAULT_MAX_FRAME_SIZE,
    MAX_MAX_FRAME_SIZE, MAX_WINDOW_SIZE,
};
use crate::error::{ErrorCode, ProtocolError};

/// Octets of one setting: a 16-bit identifier and a 32-bit value.
const SETTING_LEN: usize = 6;

/// A setting identifier (§6.5.2). The set stays open: unknown identifiers MUST be ignored.
///
/// Named constants rather than an enum, so that an unknown identifier is still a `SettingId`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SettingId(pub u16);

impl SettingId {
    /// SETTINGS_HEADER_TABLE_SIZE (0x01).
    pub const HEADER_TABLE_SIZE: SettingId = SettingId(0x1);
    /// SETTINGS_ENABLE_PUSH (0x02).
    pub const ENABLE_PUSH: SettingId = SettingId(0x2);
    /// SETTINGS_MAX_CONCURRENT_STREAMS (0x03).
    pub const MAX_CONCURRENT_STREAMS: SettingId = SettingId(0x3);
    /// SETTINGS_INITIAL_WINDOW_SIZE (0x04).
    pub const INITIAL_WINDOW_SIZE: SettingId = SettingId(0x4);
    /// SETTINGS_MAX_FRAME_SIZE (0x05).
    pub const MAX_FRAME_SIZE: SettingId = SettingId(0x5);
    /// SETTINGS_MAX_HEADER_LIST_SIZE (0x06).
    pub const MAX_HEADER_LIST_SIZE: SettingId = SettingId(0x6);
    /// SETTINGS_ENABLE_CONNECT_PROTOCOL (0x08), RFC 8441 §3: the extended CONNECT of WebSockets.
    /// h2lab does not act on it; clients send it, so it is named.
    pub const ENABLE_CONNECT_PROTOCOL: SettingId = SettingId(0x8);
    /// SETTINGS_NO_RFC7540_PRIORITIES (0x09), RFC 9218 §2.1: the sender ignores RFC 7540
    /// priority signals. Named only, like the one above.
    pub const NO_RFC7540_PRIORITIES: SettingId = SettingId(0x9);

    /// The registered name of the setting (RFC 9113 §6.5.2, RFC 8441, RFC 9218), or `None` for
    /// an identifier outside them.
    pub fn name(self) -> Option<&'static str> {
        let name = match self {
            SettingId::HEADER_TABLE_SIZE => "SETTINGS_HEADER_TABLE_SIZE",
            SettingId::ENABLE_PUSH => "SETTINGS_ENABLE_PUSH",
            SettingId::MAX_CONCURRENT_STREAMS => "SETTINGS_MAX_CONCURRENT_STREAMS",
            SettingId::INITIAL_WINDOW_SIZE => "SETTINGS_INITIAL_WINDOW_SIZE",
            SettingId::MAX_FRAME_SIZE => "SETTINGS_MAX_FRAME_SIZE",
            SettingId::MAX_HEADER_LIST_SIZE => "SETTINGS_MAX_HEADER_LIST_SIZE",
            SettingId::ENABLE_CONNECT_PROTOCOL => "SETTINGS_ENABLE_CONNECT_PROTOCOL",
            SettingId::NO_RFC7540_PRIORITIES => "SETTINGS_NO_RFC7540_PRIORITIES",
            _ => return None,
        };
        Some(name)
    }
}

impl fmt::Display for SettingId {
    /// The RFC's name of the setting, or `UNKNOWN(0xNNNN)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "UNKNOWN(0x{:04x})", self.0),
        }
    }
}

impl SettingId {
    /// Checks `value` against the range §6.5.2 gives this setting. The only place these ranges
    /// are written: the decoder checks every received setting with it, and the command line the
    /// values h2lab will announce. Other settings, unknown ones included, take any value.
    pub fn check(self, value: u32) -> Result<(), OutOfRange> {
        let out_of_range = |allowed, code| {
            Err(OutOfRange {
                setting: self,
                value,
                allowed,
                code,
            })
        };
        match self {
            // RFC 9113 §6.5.2: "Any value other than 0 or 1 MUST be treated as a connection error
            // (Section 5.4.1) of type PROTOCOL_ERROR."
            SettingId::ENABLE_PUSH if value > 0x1 => {
                out_of_range("0 or 1", ErrorCode::PROTOCOL_ERROR)
            }
            // RFC 9113 §6.5.2: "Values above the maximum flow-control window size of 2^31-1 MUST
            // be treated as a connection error (Section 5.4.1) of type FLOW_CONTROL_ERROR."
            SettingId::INITIAL_WINDOW_SIZE if value > MAX_WINDOW_SIZE => {
                out_of_range("at most 2147483647 (2^31-1)", ErrorCode::FLOW_CONTROL_ERROR)
            }
            // RFC 9113 §6.5.2: "Values outside this range MUST be treated as a connection error
            // (Section 5.4.1) of type PROTOCOL_ERROR." (the range is 2^14..=2^24-1)
            SettingId::MAX_FRAME_SIZE
                if !(DEFAULT_MAX_FRAME_SIZE..=MAX_MAX_FRAME_SIZE).contains(&value) =>
            {
                out_of_range(
                    "16384..=16777215 (2^14..=2^24-1)",
                    ErrorCode::PROTOCOL_ERROR,
                )
            }
            _ => Ok(()),
        }
    }
}

/// A setting's value outside the range RFC 9113 §6.5.2 gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutOfRange {
    /// The setting.
    pub setting: SettingId,
    /// The value that is out of range.
    pub value: u32,
    /// What the value must be instead.
    pub allowed: &'static str,
    /// The connection error §6.5.2 names for a peer that sends it.
    pub code: ErrorCode,
}

impl fmt::Display for OutOfRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let OutOfRange {
            setting,
            value,
            allowed,
            ..
        } = self;
        write!(f, "{setting} of {value}: must be {allowed}")
    }
}

/// SETTINGS: the sender's configuration, or (with ACK) the acknowledgement of the peer's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// ACK flag; an ACK has no parameters (§6.5).
    pub ack: bool,
    /// The parameters in the order received, unknown identifiers included.
    pub params: Vec<(SettingId, u32)>,
}

impl Settings {
    /// Decodes a SETTINGS payload and checks each known value's range (§6.5.2). Unknown
    /// identifiers are kept in `params` for a trace to show; the connection ignores them.
    pub fn decode(header: &FrameHeader, payload: &[u8]) -> Result<Settings, ProtocolError> {
        // RFC 9113 §6.5: "If an endpoint receives a SETTINGS frame whose Stream Identifier field is
        // anything other than 0x00, the endpoint MUST respond with a connection error
        // (Section 5.4.1) of type PROTOCOL_ERROR."
        if header.stream_id != 0x0 {
            return Err(connection_error(
                ErrorCode::PROTOCOL_ERROR,
                "§6.5",
                format!("SETTINGS frame on stream {}", header.stream_id),
            ));
        }
        let ack = header.flags & flags::ACK != 0;
        // RFC 9113 §6.5: "Receipt of a SETTINGS frame with the ACK flag set and a length field value
        // other than 0 MUST be treated as a connection error (Section 5.4.1) of type
        // FRAME_SIZE_ERROR."
        if ack && !payload.is_empty() {
            return Err(connection_error(
                ErrorCode::FRAME_SIZE_ERROR,
                "§6.5",
                format!("SETTINGS ACK with {} octets of payload", payload.len()),
            ));
        }
        // RFC 9113 §6.5: "A SETTINGS frame with a length other than a multiple of 6 octets MUST be
        // treated as a connection error (Section 5.4.1) of type FRAME_SIZE_ERROR."
        let (settings, rest) = payload.as_chunks::<SETTING_LEN>();
        if !rest.is_empty() {
            return Err(connection_error(
                ErrorCode::FRAME_SIZE_ERROR,
                "§6.5",
                format!(
                    "SETTINGS frame of {} octets, not a multiple of 6",
                    payload.len()
                ),
            ));
        }
        let mut params = Vec::with_capacity(settings.len());
        for [i0, i1, v0, v1, v2, v3] in settings {
            let id = SettingId(u16::from_be_bytes([*i0, *i1]));
            let value = u32::from_be_bytes([*v0, *v1, *v2, *v3]);
            id.check(value)
                .map_err(|e| connection_error(e.code, "§6.5.2", e.to_string()))?;
            params.push((id, value));
        }
        Ok(Settings { ack, params })
    }

    /// Writes the frame.
    pub fn encode(&self, out: &mut Vec<u8>) {
        let length = self.params.len() * SETTING_LEN;
        write_header(
            out,
            FrameType::SETTINGS,
            flag_if(self.ack, flags::ACK),
            0x0,
            length,
        );
        for (id, value) in &self.params {
            out.extend_from_slice(&id.0.to_be_bytes());
            out.extend_from_slice(&value.to_be_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{assert_connection_error, assert_round_trip, decode_hex};
    use super::*;
    use crate::frame::Frame;

    #[test]
    fn check_names_the_setting_the_range_and_the_error_code() {
        let error = SettingId::MAX_FRAME_SIZE.check(0x3fff).unwrap_err();
        assert_eq!(error.code, ErrorCode::PROTOCOL_ERROR);
        assert_eq!(
            error.to_string(),
            "SETTINGS_MAX_FRAME_SIZE of 16383: must be 16384..=16777215 (2^14..=2^24-1)"
        );
        let error = SettingId::INITIAL_WINDOW_SIZE
            .check(0x8000_0000)
            .unwrap_err();
        assert_eq!(error.code, ErrorCode::FLOW_CONTROL_ERROR);
        let error = SettingId::ENABLE_PUSH.check(2).unwrap_err();
        assert_eq!(error.code, ErrorCode::PROTOCOL_ERROR);
    }

    #[test]
    fn check_accepts_both_ends_of_each_range_and_anything_for_other_settings() {
        assert_eq!(SettingId::ENABLE_PUSH.check(0x1), Ok(()));
        assert_eq!(SettingId::INITIAL_WINDOW_SIZE.check(0x7fff_ffff), Ok(()));
        assert_eq!(SettingId::MAX_FRAME_SIZE.check(0x4000), Ok(()));
        assert_eq!(SettingId::MAX_FRAME_SIZE.check(0xff_ffff), Ok(()));
        for id in [0x1, 0x3, 0x6, 0xff] {
            assert_eq!(SettingId(id).check(u32::MAX), Ok(()));
        }
    }

    #[test]
    fn settings_round_trip_as_exact_bytes() {
        let frame = Settings {
            ack: false,
            params: vec![
                (SettingId::MAX_CONCURRENT_STREAMS, 0x64),
                (SettingId::INITIAL_WINDOW_SIZE, 0xffff),
            ],
        };
        assert_round_trip(
            "00000c 04 00 00000000 0003 00000064 0004 0000ffff",
            Frame::Settings(frame),
        );
    }

    #[test]
    fn empty_settings_and_settings_ack_round_trip() {
        let empty = Settings {
            ack: false,
            params: Vec::new(),
        };
        assert_round_trip("000000 04 00 00000000", Frame::Settings(empty));
        let ack = Settings {
            ack: true,
            params: Vec::new(),
        };
        assert_round_trip("000000 04 01 00000000", Frame::Settings(ack));
    }

    #[test]
    fn unknown_setting_is_kept_in_order() {
        let frame = Settings {
            ack: false,
            params: vec![
                (SettingId(0xff), 0xffff_ffff),
                (SettingId::HEADER_TABLE_SIZE, 0x0),
            ],
        };
        assert_round_trip(
            "00000c 04 00 00000000 00ff ffffffff 0001 00000000",
            Frame::Settings(frame),
        );
    }

    #[test]
    fn settings_of_rfc_8441_and_rfc_9218_are_named_and_0x7_is_not() {
        assert_eq!(
            SettingId(0x8).to_string(),
            "SETTINGS_ENABLE_CONNECT_PROTOCOL"
        );
        assert_eq!(SettingId(0x9).to_string(), "SETTINGS_NO_RFC7540_PRIORITIES");
        assert_eq!(SettingId(0x7).to_string(), "UNKNOWN(0x0007)");
        assert_eq!(SettingId(0x0).to_string(), "UNKNOWN(0x0000)");
    }

    #[test]
    fn settings_without_range_take_any_value() {
        let text = "000012 04 00 00000000 0001 ffffffff 0003 ffffffff 0006 ffffffff";
        assert!(decode_hex(text).is_ok());
    }

    #[test]
    fn settings_on_a_stream_is_connection_protocol_error() {
        assert_connection_error("000000 04 00 00000001", ErrorCode::PROTOCOL_ERROR);
    }

    #[test]
    fn settings_ack_with_payload_is_connection_frame_size_error() {
        assert_connection_error(
            "000006 04 01 00000000 0003 00000064",
            ErrorCode::FRAME_SIZE_ERROR,
        );
    }

    #[test]
    fn settings_length_not_a_multiple_of_6_is_connection_frame_size_error() {
        assert_connection_error(
            "000005 04 00 00000000 0003000000",
            ErrorCode::FRAME_SIZE_ERROR,
        );
        assert_connection_error(
            "000007 04 00 00000000 0003 00000064 00",
            ErrorCode::FRAME_SIZE_ERROR,
        );
    }

    #[test]
    fn enable_push_0_and_1_are_valid() {
        assert!(decode_hex("000006 04 00 00000000 0002 00000000").is_ok());
        assert!(decode_hex("000006 04 00 00000000 0002 00000001").is_ok());
    }

    #[test]
    fn enable_push_other_than_0_or_1_is_connection_protocol_error() {
        assert_connection_error(
            "000006 04 00 00000000 0002 00000002",
            ErrorCode::PROTOCOL_ERROR,
        );
    }

    #[test]
    fn initial_window_size_of_2_pow_31_minus_1_is_valid() {
        assert!(decode_hex("000006 04 00 00000000 0004 7fffffff").is_ok());
    }

    #[test]
    fn initial_window_size_above_2_pow_31_minus_1_is_connection_flow_control_error() {
        assert_connection_error(
            "000006 04 00 00000000 0004 80000000",
            ErrorCode::FLOW_CONTROL_ERROR,
        );
    }

    #[test]
    fn max_frame_size_at_both_ends_of_its_range_is_valid() {
        assert!(decode_hex("000006 04 00 00000000 0005 00004000").is_ok());
        assert!(decode_hex("000006 04 00 00000000 0005 00ffffff").is_ok());
    }

    #[test]
    fn max_frame_size_outside_its_range_is_connection_protocol_error() {
        assert_connection_error(
            "000006 04 00 00000000 0005 00003fff",
            ErrorCode::PROTOCOL_ERROR,
        );
        assert_connection_error(
            "000006 04 00 00000000 0005 01000000",
            ErrorCode::PROTOCOL_ERROR,
        );
    }
}
