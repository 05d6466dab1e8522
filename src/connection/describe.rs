//! How a frame reads in the debug log: one line per frame, one per decoded header field.
//!
//! All formatting of the frame log lives here, in [`frame_line`] and [`field_line`], so that the
//! `trace` layer can take it over in one place.

use crate::frame::{flags, Frame, FrameHeader, FrameType};

/// Which way a frame went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// From the client to us.
    Recv,
    /// From us to the client.
    Send,
}

impl Direction {
    fn label(self) -> &'static str {
        match self {
            Direction::Recv => "recv",
            Direction::Send => "send",
        }
    }
}

/// One line for one frame: direction, type, flags by name, stream, length, then the main fields
/// when the frame could be decoded (`frame` is `None` for DATA we send and for frames that failed
/// to decode).
pub fn frame_line(
    connection: u64,
    direction: Direction,
    header: &FrameHeader,
    frame: Option<&Frame>,
) -> String {
    let mut line = format!(
        "[conn {connection}] {} {} flags=0x{:02x}{} stream={} length={}",
        direction.label(),
        type_name(header.kind),
        header.flags,
        flag_names(header),
        header.stream_id,
        header.length
    );
    if let Some(frame) = frame {
        let details = main_fields(frame);
        if !details.is_empty() {
            line.push(' ');
            line.push_str(&details);
        }
    }
    line
}

/// One line for one decoded (or encoded) header field: `name = "value"`.
pub fn field_line(
    connection: u64,
    direction: Direction,
    stream_id: u32,
    name: &[u8],
    value: &[u8],
) -> String {
    format!(
        "[conn {connection}] {}   stream={stream_id} {} = {:?}",
        direction.label(),
        String::from_utf8_lossy(name),
        String::from_utf8_lossy(value)
    )
}

fn type_name(kind: FrameType) -> String {
    let name = match kind {
        FrameType::DATA => "DATA",
        FrameType::HEADERS => "HEADERS",
        FrameType::PRIORITY => "PRIORITY",
        FrameType::RST_STREAM => "RST_STREAM",
        FrameType::SETTINGS => "SETTINGS",
        FrameType::PUSH_PROMISE => "PUSH_PROMISE",
        FrameType::PING => "PING",
        FrameType::GOAWAY => "GOAWAY",
        FrameType::WINDOW_UPDATE => "WINDOW_UPDATE",
        FrameType::CONTINUATION => "CONTINUATION",
        FrameType(other) => return format!("UNKNOWN(0x{other:02x})"),
    };
    name.to_string()
}

/// The names of the flags this frame type defines, in brackets; other bits are only in the hex.
fn flag_names(header: &FrameHeader) -> String {
    let defined: &[(u8, &str)] = match header.kind {
        FrameType::DATA => &[(flags::END_STREAM, "END_STREAM"), (flags::PADDED, "PADDED")],
        FrameType::HEADERS => &[
            (flags::END_STREAM, "END_STREAM"),
            (flags::END_HEADERS, "END_HEADERS"),
            (flags::PADDED, "PADDED"),
            (flags::PRIORITY, "PRIORITY"),
        ],
        FrameType::SETTINGS | FrameType::PING => &[(flags::ACK, "ACK")],
        FrameType::PUSH_PROMISE => &[
            (flags::END_HEADERS, "END_HEADERS"),
            (flags::PADDED, "PADDED"),
        ],
        FrameType::CONTINUATION => &[(flags::END_HEADERS, "END_HEADERS")],
        _ => &[],
    };
    let names: Vec<&str> = defined
        .iter()
        .filter(|(bit, _)| header.flags & bit != 0)
        .map(|&(_, name)| name)
        .collect();
    if names.is_empty() {
        return String::new();
    }
    format!("[{}]", names.join("|"))
}

fn main_fields(frame: &Frame) -> String {
    match frame {
        Frame::Data(data) => format!(
            "data={} padding={}",
            data.data.len(),
            data.pad_len.map_or(0, u32::from)
        ),
        Frame::Headers(headers) => {
            let mut text = format!("fragment={}", headers.fragment.len());
            if let Some(spec) = headers.priority {
                text.push_str(&format!(
                    " depends_on={} weight={} exclusive={}",
                    spec.dependency,
                    u16::from(spec.weight) + 1,
                    spec.exclusive
                ));
            }
            text
        }
        Frame::Priority(priority) => format!(
            "depends_on={} weight={} exclusive={}",
            priority.spec.dependency,
            u16::from(priority.spec.weight) + 1,
            priority.spec.exclusive
        ),
        Frame::RstStream(rst) => format!("error={}", rst.error_code),
        Frame::Settings(settings) => settings
            .params
            .iter()
            .map(|(id, value)| format!("{}={value}", setting_name(id.0)))
            .collect::<Vec<_>>()
            .join(" "),
        Frame::PushPromise(promise) => format!("promised_stream={}", promise.promised_stream_id),
        Frame::Ping(ping) => {
            let hex: String = ping.data.iter().map(|b| format!("{b:02x}")).collect();
            format!("data={hex}")
        }
        Frame::GoAway(goaway) => format!(
            "last_stream={} error={} debug={:?}",
            goaway.last_stream_id,
            goaway.error_code,
            String::from_utf8_lossy(&goaway.debug_data)
        ),
        Frame::WindowUpdate(update) => format!("increment={}", update.increment),
        Frame::Continuation(continuation) => format!("fragment={}", continuation.fragment.len()),
        Frame::Unknown(_) => "ignored".to_string(),
    }
}

fn setting_name(id: u16) -> String {
    let name = match id {
        0x1 => "HEADER_TABLE_SIZE",
        0x2 => "ENABLE_PUSH",
        0x3 => "MAX_CONCURRENT_STREAMS",
        0x4 => "INITIAL_WINDOW_SIZE",
        0x5 => "MAX_FRAME_SIZE",
        0x6 => "MAX_HEADER_LIST_SIZE",
        other => return format!("0x{other:04x}"),
    };
    name.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use crate::frame::RstStream;

    #[test]
    fn frame_line_names_type_flags_stream_and_fields() {
        let header = FrameHeader {
            length: 4,
            kind: FrameType::RST_STREAM,
            flags: 0,
            stream_id: 3,
        };
        let frame = Frame::RstStream(RstStream {
            stream_id: 3,
            error_code: ErrorCode::CANCEL,
        });
        assert_eq!(
            frame_line(7, Direction::Recv, &header, Some(&frame)),
            "[conn 7] recv RST_STREAM flags=0x00 stream=3 length=4 error=CANCEL"
        );
    }

    #[test]
    fn flags_are_named_per_frame_type() {
        let header = FrameHeader {
            length: 0,
            kind: FrameType::HEADERS,
            flags: 0x05,
            stream_id: 1,
        };
        assert_eq!(
            frame_line(1, Direction::Send, &header, None),
            "[conn 1] send HEADERS flags=0x05[END_STREAM|END_HEADERS] stream=1 length=0"
        );
    }

    #[test]
    fn field_line_quotes_the_value() {
        assert_eq!(
            field_line(2, Direction::Recv, 5, b":path", b"/a b"),
            "[conn 2] recv   stream=5 :path = \"/a b\""
        );
    }
}
