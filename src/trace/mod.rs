//! How frames and header fields are shown to a person: the server's `-v` log lines, its capture
//! files and the output of `h2lab-decode` share these functions, so a frame reads the same wherever
//! it is shown. It sits below `connection` and knows only `frame`, `hpack`, `json` and `error`:
//! the connection reports what happens as [`Event`]s to [`Observer`]s ([`event`]) and never
//! formats text; the observers here render them ([`text`] for `-v`/`-vv`, [`capture`] for
//! `--capture`, [`record`] for the inspector page).
//!
//! Two rules make the output unambiguous for a learner:
//! - a header field is always `name = "value"`, the value quoted and escaped, so `:status = "200"`
//!   can never be read as a field named `:status:`;
//! - flags are named per frame type (bit 0x1 is END_STREAM on DATA but ACK on SETTINGS), and bits
//!   that the type does not define are shown in hex rather than dropped.

use std::fmt;

use crate::frame::{Frame, FrameHeader, FrameType};
use crate::hpack::is_valid_field_name;

pub mod capture;
pub mod check;
pub mod event;
pub mod input;
pub mod inspect;
pub mod pair;
pub mod record;
pub mod text;

pub use event::{Direction, Event, Followed, Observer, Observers, Watchers};

/// The flags octet by name for this frame type (the table is [`FrameType::defined_flags`]), in
/// bit order. Bits the type does not define are kept, in hex, because the RFC says to ignore them,
/// not that they are absent.
pub fn flag_list(kind: FrameType, bits: u8) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = bits;
    for &(bit, name) in kind.defined_flags() {
        if bits & bit != 0 {
            names.push(name.to_string());
            rest &= !bit;
        }
    }
    if rest != 0 {
        names.push(format!("0x{rest:02x}"));
    }
    names
}

/// The flags octet as one word: the names of [`flag_list`] `|`-separated, `-` when none is set.
pub fn flag_names(kind: FrameType, bits: u8) -> String {
    let names = flag_list(kind, bits);
    if names.is_empty() {
        return "-".to_string();
    }
    names.join("|")
}

/// Octets as a quoted string: printable ASCII as is, `"` and `\` escaped, anything else as `\xNN`.
pub fn quote(octets: &[u8]) -> String {
    let mut out = String::with_capacity(octets.len() + 2);
    out.push('"');
    for &b in octets {
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            0x20..=0x7e => out.push(char::from(b)),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push('"');
    out
}

/// One header field: `name = "value"`. The name is quoted too when it is not a valid field name
/// ([`is_valid_field_name`]: a lowercase token after an optional leading `:`), so that a malformed
/// name cannot pass for a well-formed one.
pub fn field(name: &[u8], value: &[u8]) -> String {
    if is_valid_field_name(name) {
        format!("{} = {}", String::from_utf8_lossy(name), quote(value))
    } else {
        format!("{} = {}", quote(name), quote(value))
    }
}

/// The header line of a frame: type, flags by name, stream and length.
pub fn header_line(header: &FrameHeader) -> String {
    format!(
        "{} flags={} stream={} length={}",
        header.kind,
        flag_names(header.kind, header.flags),
        header.stream_id,
        header.length
    )
}

/// One value of a frame's payload, kept typed so that text and JSON can each show it their way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// A number: a length, a stream, a setting's value.
    Number(u64),
    /// A flag-like field (the E bit of a priority).
    Bool(bool),
    /// A registry name (an error code), shown bare.
    Name(String),
    /// Opaque octets (PING data, GOAWAY debug data), shown quoted and escaped.
    Octets(Vec<u8>),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Number(n) => write!(f, "{n}"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Name(name) => f.write_str(name),
            Value::Octets(octets) => f.write_str(&quote(octets)),
        }
    }
}

/// The fields of a frame's payload as (name, value) in wire order. A field block fragment is
/// shown by its length only: its fields are the HPACK decoder's to show.
pub fn payload_items(frame: &Frame) -> Vec<(String, Value)> {
    let mut items = Vec::new();
    let mut push = |name: &str, value: Value| items.push((name.to_string(), value));
    let number = |n: usize| Value::Number(n as u64);
    match frame {
        Frame::Data(f) => {
            if let Some(pad_len) = f.pad_len {
                push("pad_length", Value::Number(pad_len.into()));
            }
            push("data_length", number(f.data.len()));
        }
        Frame::Headers(f) => {
            if let Some(pad_len) = f.pad_len {
                push("pad_length", Value::Number(pad_len.into()));
            }
            if let Some(p) = f.priority {
                push("exclusive", Value::Bool(p.exclusive));
                push("dependency", Value::Number(p.dependency.into()));
                push("weight", Value::Number(u64::from(p.weight) + 1));
            }
            push("fragment_length", number(f.fragment.len()));
        }
        Frame::Priority(f) => {
            push("exclusive", Value::Bool(f.spec.exclusive));
            push("dependency", Value::Number(f.spec.dependency.into()));
            push("weight", Value::Number(u64::from(f.spec.weight) + 1));
        }
        Frame::RstStream(f) => push("error_code", Value::Name(f.error_code.to_string())),
        Frame::Settings(f) => {
            for (id, value) in &f.params {
                push(&id.to_string(), Value::Number((*value).into()));
            }
        }
        Frame::PushPromise(f) => {
            if let Some(pad_len) = f.pad_len {
                push("pad_length", Value::Number(pad_len.into()));
            }
            push(
                "promised_stream",
                Value::Number(f.promised_stream_id.into()),
            );
            push("fragment_length", number(f.fragment.len()));
        }
        Frame::Ping(f) => push("opaque_data", ping_data(&f.data)),
        Frame::GoAway(f) => {
            push("last_stream", Value::Number(f.last_stream_id.into()));
            push("error_code", Value::Name(f.error_code.to_string()));
            push("debug_data", Value::Octets(f.debug_data.clone()));
        }
        Frame::WindowUpdate(f) => push("increment", Value::Number(f.increment.into())),
        Frame::Continuation(f) => push("fragment_length", number(f.fragment.len())),
        Frame::Unknown(f) => push("ignored_payload_length", number(f.payload.len())),
    }
    items
}

/// PING's opaque data as text when every octet is printable ASCII (`"h2lab!!!"`, as a person
/// would choose it), else as hex (a counter or a timestamp).
fn ping_data(data: &[u8]) -> Value {
    if data.iter().all(|b| (0x20..=0x7e).contains(b)) {
        Value::Octets(data.to_vec())
    } else {
        Value::Name(hex(data))
    }
}

/// A frame on one line, as the server logs it with `-v`: the header line, then the payload's
/// fields as `name=value`.
pub fn frame_line(header: &FrameHeader, frame: &Frame) -> String {
    let mut line = header_line(header);
    for (name, value) in payload_items(frame) {
        line.push_str(&format!(" {name}={value}"));
    }
    line
}

/// Octets as lowercase hex, two digits each, no separator.
pub fn hex(octets: &[u8]) -> String {
    octets.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_are_named_per_frame_type() {
        assert_eq!(flag_names(FrameType::DATA, 0x01), "END_STREAM");
        assert_eq!(flag_names(FrameType::SETTINGS, 0x01), "ACK");
        assert_eq!(
            flag_names(FrameType::HEADERS, 0x25),
            "END_STREAM|END_HEADERS|PRIORITY"
        );
        assert_eq!(flag_names(FrameType::PING, 0x00), "-");
    }

    #[test]
    fn undefined_flag_bits_are_shown_in_hex() {
        assert_eq!(flag_names(FrameType::SETTINGS, 0x81), "ACK|0x80");
        assert_eq!(flag_names(FrameType::WINDOW_UPDATE, 0x01), "0x01");
    }

    #[test]
    fn a_status_field_cannot_read_like_a_name_ending_in_a_colon() {
        assert_eq!(field(b":status", b"200"), ":status = \"200\"");
        assert_eq!(field(b":status:", b"200"), "\":status:\" = \"200\"");
    }

    #[test]
    fn values_escape_quotes_backslashes_and_control_octets() {
        assert_eq!(quote(b"a\"b\\c\r\n\xff"), "\"a\\\"b\\\\c\\x0d\\x0a\\xff\"");
    }

    #[test]
    fn uppercase_empty_or_bare_colon_names_are_quoted() {
        assert_eq!(field(b"Host", b"x"), "\"Host\" = \"x\"");
        assert_eq!(field(b"", b"x"), "\"\" = \"x\"");
        assert_eq!(field(b":", b"x"), "\":\" = \"x\"");
    }

    #[test]
    fn a_frame_line_names_type_flags_stream_length_and_fields() {
        let header = FrameHeader {
            length: 8,
            kind: FrameType::GOAWAY,
            flags: 0x0,
            stream_id: 0,
        };
        let frame = Frame::GoAway(crate::frame::GoAway {
            last_stream_id: 5,
            error_code: crate::error::ErrorCode::PROTOCOL_ERROR,
            debug_data: b"bad".to_vec(),
        });
        assert_eq!(
            frame_line(&header, &frame),
            "GOAWAY flags=- stream=0 length=8 last_stream=5 error_code=PROTOCOL_ERROR debug_data=\"bad\""
        );
    }

    #[test]
    fn unknown_types_and_settings_are_named_in_hex() {
        assert_eq!(FrameType(0xfa).to_string(), "UNKNOWN(0xfa)");
        assert_eq!(FrameType(0xa).to_string(), "UNKNOWN(0x0a)");
        assert_eq!(crate::frame::SettingId(0x99).to_string(), "UNKNOWN(0x0099)");
    }
}
