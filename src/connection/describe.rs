//! How a frame reads in the debug log: one line per frame, one per header field.
//!
//! The wording is the `trace` layer's, shared with `h2lab-decode`; this file only adds what the
//! connection knows: which connection, and which way the frame went.

use crate::frame::{Frame, FrameHeader};
use crate::trace;

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

/// One line for one frame: connection, direction, then the trace layer's line — type, flags by
/// name, stream, length and, when the frame could be decoded, its main fields (`frame` is `None`
/// for DATA we send and for frames that failed to decode).
pub fn frame_line(
    connection: u64,
    direction: Direction,
    header: &FrameHeader,
    frame: Option<&Frame>,
) -> String {
    let text = match frame {
        Some(frame) => trace::frame_line(header, frame),
        None => trace::header_line(header),
    };
    format!("[conn {connection}] {} {text}", direction.label())
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
        "[conn {connection}] {}   stream={stream_id} {}",
        direction.label(),
        trace::field(name, value)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use crate::frame::{FrameType, RstStream};

    #[test]
    fn frame_line_names_connection_direction_type_flags_stream_and_fields() {
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
            "[conn 7] recv RST_STREAM flags=- stream=3 length=4 error_code=CANCEL"
        );
    }

    #[test]
    fn frame_without_decoded_payload_shows_its_header() {
        let header = FrameHeader {
            length: 0,
            kind: FrameType::HEADERS,
            flags: 0x05,
            stream_id: 1,
        };
        assert_eq!(
            frame_line(1, Direction::Send, &header, None),
            "[conn 1] send HEADERS flags=END_STREAM|END_HEADERS stream=1 length=0"
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
