//! The `-v` and `-vv` log: one line per event, in the words `h2lab-decode` uses.
//!
//! Every line starts with the connection and the time since it began, `[conn 1] +0.036s`, then:
//!
//! | event | level | line |
//! |---|---|---|
//! | preface | debug (`-v`) | `recv client preface (24 octets)` |
//! | frame | debug | `recv HEADERS flags=END_STREAM\|END_HEADERS stream=1 length=29 fragment_length=29` |
//! | header field | debug | `recv   stream=1 :path = "/"`, and with `-vv` its representation: `[indexed: index 4 (static)]` |
//! | table size update, insertion, eviction | trace (`-vv`) | `recv   stream=1   + dynamic table [62]: ...` |
//! | stream state | trace | `stream 1: open → half-closed (remote)` |
//! | window | trace | `stream 1 send window 65,521 (-14)` |
//! | waiting for window | trace | `stream 1 waits for window (0 octets, 48,000 queued)` |
//! | limit | debug | `limit reached: SETTINGS_MAX_CONCURRENT_STREAMS = 128` |
//! | error | debug | `connection error FRAME_SIZE_ERROR (RFC 9113 §6.7): PING frame of 7 octets, not 8` |
//! | end | debug | `connection ends: closed after GOAWAY` |
//!
//! A "send window" is the one we send in (the peer's credit to us), a "recv window" the one the
//! peer sends in.

use std::fmt::Write;
use std::time::{Duration, Instant};

use log::Level;

use super::event::{Direction, Event, Observer};
use super::inspect::describe_representation;
use super::{field, frame_line, header_line};
use crate::error::write_error;
use crate::frame::{flags, FrameHeader, FrameType};
use crate::hpack;

/// The log target of these lines; `RUST_LOG=h2lab=debug` (or `-v`) turns them on.
pub const TARGET: &str = module_path!();

/// The `-v` / `-vv` observer of one connection: writes each event as a log line.
pub struct TextLog {
    connection: u64,
    started: Instant,
    /// Whether the `-vv` lines are wanted (trace level on).
    detail: bool,
}

impl TextLog {
    /// An observer for connection `connection`, its clock starting now; `-vv` detail when the
    /// trace level is on for [`TARGET`].
    pub fn new(connection: u64) -> TextLog {
        TextLog {
            connection,
            started: Instant::now(),
            detail: log::log_enabled!(target: TARGET, Level::Trace),
        }
    }

    /// Whether anyone would read the lines: the debug level is on for [`TARGET`].
    pub fn wanted() -> bool {
        log::log_enabled!(target: TARGET, Level::Debug)
    }
}

impl Observer for TextLog {
    fn event(&mut self, event: &Event<'_>) {
        let Some((level, text)) = line(event, self.detail) else {
            return;
        };
        log::log!(
            target: TARGET,
            level,
            "{} {text}",
            prefix(self.connection, self.started.elapsed())
        );
    }
}

/// `[conn 1] +0.036s`: the connection and the time since it began, in milliseconds.
pub fn prefix(connection: u64, elapsed: Duration) -> String {
    format!("[conn {connection}] +{:.3}s", elapsed.as_secs_f64())
}

/// The text of one event after the prefix, and the level it is logged at; `None` for an event
/// that shows only with `-vv` when `detail` is off.
pub fn line(event: &Event<'_>, detail: bool) -> Option<(Level, String)> {
    let (level, text) = match *event {
        Event::Preface { direction, octets } => {
            let octets = octets.len();
            (
                Level::Debug,
                format!("{} client preface ({octets} octets)", direction.label()),
            )
        }
        Event::Frame {
            direction,
            header,
            frame,
            ..
        } => (Level::Debug, frame_text(direction, header, frame)),
        Event::Hpack {
            direction,
            stream_id,
            step,
        } => return hpack_line(direction, stream_id, step, detail),
        Event::StreamState {
            stream_id,
            from,
            to,
        } => (Level::Trace, format!("stream {stream_id}: {from} → {to}")),
        Event::Window {
            direction,
            stream_id,
            size,
            change,
        } => (
            Level::Trace,
            window_text(direction, stream_id, size, change),
        ),
        Event::Blocked {
            stream_id,
            window,
            queued,
        } => (Level::Trace, blocked_text(stream_id, window, queued)),
        Event::Limit { name, value } => (
            Level::Debug,
            format!("limit reached: {name} = {}", thousands_u64(value)),
        ),
        Event::Error {
            stream_id,
            code,
            section,
            reason,
        } => {
            let mut text = String::new();
            // Writing to a String cannot fail.
            let _ = write_error(&mut text, stream_id, code, section, reason);
            (Level::Debug, text)
        }
        Event::Closed { reason } => (Level::Debug, format!("connection ends: {reason}")),
    };
    if level == Level::Trace && !detail {
        return None;
    }
    Some((level, text))
}

/// A window's change: `stream 1 send window 33,554,418 (-14)`.
fn window_text(direction: Direction, stream_id: u32, size: i64, change: i64) -> String {
    format!(
        "{} {} window {} ({}{})",
        scope(stream_id),
        direction.label(),
        thousands(size),
        if change < 0 { "" } else { "+" },
        thousands(change)
    )
}

/// A stream that waits: `stream 1 waits for window (0 octets, 48,000 queued)`.
fn blocked_text(stream_id: u32, window: i64, queued: u64) -> String {
    format!(
        "stream {stream_id} waits for window ({} octets, {} queued)",
        thousands(window),
        thousands(i64::try_from(queued).unwrap_or(i64::MAX))
    )
}

/// A frame's line: direction, then the trace layer's line (type, flags by name, stream, length
/// and, when the frame was decoded, its payload's fields).
fn frame_text(
    direction: Direction,
    header: &FrameHeader,
    frame: Option<&crate::frame::Frame>,
) -> String {
    let mut text = format!("{} ", direction.label());
    match frame {
        Some(frame) => text.push_str(&frame_line(header, frame)),
        None => {
            text.push_str(&header_line(header));
            // DATA we send is not decoded again; without PADDED its payload is all data
            // (RFC 9113 §6.1), so its length is the data length, shown as for received DATA.
            if header.kind == FrameType::DATA && header.flags & flags::PADDED == 0 {
                let _ = write!(text, " data_length={}", header.length);
            }
        }
    }
    text
}

/// One HPACK step: a field at `-v` (with its representation at `-vv`); size updates, insertions
/// and evictions at `-vv`. Indented under the frame that carried the block.
fn hpack_line(
    direction: Direction,
    stream_id: u32,
    step: &hpack::Event<'_>,
    detail: bool,
) -> Option<(Level, String)> {
    let lead = format!("{}   stream={stream_id}", direction.label());
    let (level, text) = match *step {
        hpack::Event::Field {
            representation,
            field: f,
            ..
        } => {
            let mut text = format!("{lead} {}", field(&f.name, &f.value));
            if detail {
                let _ = write!(text, "    [{}]", describe_representation(&representation));
            }
            (Level::Debug, text)
        }
        hpack::Event::SizeUpdate { max_size, .. } => (
            Level::Trace,
            format!("{lead} dynamic table size update: {max_size}"),
        ),
        hpack::Event::Inserted {
            field: f,
            table_size,
        } => (
            Level::Trace,
            format!(
                "{lead}   + dynamic table [62]: {} (table now {table_size} octets)",
                field(&f.name, &f.value)
            ),
        ),
        hpack::Event::Evicted { field: f } => (
            Level::Trace,
            format!(
                "{lead}   - evicted from dynamic table: {}",
                field(&f.name, &f.value)
            ),
        ),
    };
    if level == Level::Trace && !detail {
        return None;
    }
    Some((level, text))
}

/// `stream 1`, or `connection` for stream 0.
fn scope(stream_id: u32) -> String {
    if stream_id == 0 {
        "connection".to_string()
    } else {
        format!("stream {stream_id}")
    }
}

/// A number with a comma every three digits: `48,000`, `-16,384`.
fn thousands(n: i64) -> String {
    let digits = thousands_u64(n.unsigned_abs());
    if n < 0 {
        format!("-{digits}")
    } else {
        digits
    }
}

fn thousands_u64(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use crate::frame::{Frame, Ping, RstStream, SettingId, Settings};
    use crate::hpack::{Field, Indexing, Representation};

    fn header(length: u32, kind: FrameType, flags: u8, stream_id: u32) -> FrameHeader {
        FrameHeader {
            length,
            kind,
            flags,
            stream_id,
        }
    }

    /// The line of `event` at `-vv`, with its level.
    fn vv(event: Event<'_>) -> (Level, String) {
        line(&event, true).expect("every event shows at -vv")
    }

    fn debug(text: &str) -> (Level, String) {
        (Level::Debug, text.to_string())
    }

    fn trace(text: &str) -> (Level, String) {
        (Level::Trace, text.to_string())
    }

    #[test]
    fn the_prefix_is_the_connection_and_the_time_since_it_began() {
        assert_eq!(prefix(1, Duration::from_millis(36)), "[conn 1] +0.036s");
        assert_eq!(
            prefix(12, Duration::from_micros(61_234_567)),
            "[conn 12] +61.235s"
        );
    }

    #[test]
    fn the_preface_shows_its_length() {
        assert_eq!(
            vv(Event::Preface {
                direction: Direction::Recv,
                octets: crate::frame::PREFACE
            }),
            debug("recv client preface (24 octets)")
        );
    }

    #[test]
    fn a_frame_shows_direction_type_flags_stream_length_and_fields() {
        let frame = Frame::RstStream(RstStream {
            stream_id: 3,
            error_code: ErrorCode::CANCEL,
        });
        assert_eq!(
            vv(Event::Frame {
                direction: Direction::Recv,
                header: &header(4, FrameType::RST_STREAM, 0, 3),
                frame: Some(&frame),
                octets: &[],
            }),
            debug("recv RST_STREAM flags=- stream=3 length=4 error_code=CANCEL")
        );
    }

    #[test]
    fn every_setting_is_named_those_of_rfc_8441_and_9218_included() {
        let frame = Frame::Settings(Settings {
            ack: false,
            params: vec![
                (SettingId::MAX_CONCURRENT_STREAMS, 100),
                (SettingId(0x8), 1),
                (SettingId(0x9), 1),
            ],
        });
        assert_eq!(
            vv(Event::Frame {
                direction: Direction::Recv,
                header: &header(18, FrameType::SETTINGS, 0, 0),
                frame: Some(&frame),
                octets: &[],
            }),
            debug(
                "recv SETTINGS flags=- stream=0 length=18 SETTINGS_MAX_CONCURRENT_STREAMS=100 \
                 SETTINGS_ENABLE_CONNECT_PROTOCOL=1 SETTINGS_NO_RFC7540_PRIORITIES=1"
            )
        );
    }

    #[test]
    fn ping_data_is_text_when_printable_and_hex_otherwise() {
        let ping = |data: [u8; 8]| {
            let frame = Frame::Ping(Ping { ack: false, data });
            vv(Event::Frame {
                direction: Direction::Recv,
                header: &header(8, FrameType::PING, 0, 0),
                frame: Some(&frame),
                octets: &[],
            })
        };
        assert_eq!(
            ping(*b"h2lab!!!"),
            debug("recv PING flags=- stream=0 length=8 opaque_data=\"h2lab!!!\"")
        );
        assert_eq!(
            ping([0, 1, 2, 3, 4, 5, 6, 7]),
            debug("recv PING flags=- stream=0 length=8 opaque_data=0001020304050607")
        );
    }

    #[test]
    fn data_we_send_shows_its_data_length_as_received_data_does() {
        assert_eq!(
            vv(Event::Frame {
                direction: Direction::Send,
                header: &header(14, FrameType::DATA, 0x1, 1),
                frame: None,
                octets: &[],
            }),
            debug("send DATA flags=END_STREAM stream=1 length=14 data_length=14")
        );
    }

    #[test]
    fn a_frame_that_failed_to_decode_shows_its_header() {
        assert_eq!(
            vv(Event::Frame {
                direction: Direction::Recv,
                header: &header(7, FrameType::PING, 0, 0),
                frame: None,
                octets: &[],
            }),
            debug("recv PING flags=- stream=0 length=7")
        );
    }

    #[test]
    fn a_field_shows_its_representation_only_at_vv() {
        let f = Field::new(":method", "GET");
        let step = hpack::Event::Field {
            offset: 0,
            representation: Representation::Indexed { index: 2 },
            field: &f,
        };
        let event = Event::Hpack {
            direction: Direction::Recv,
            stream_id: 1,
            step: &step,
        };
        assert_eq!(
            line(&event, false),
            Some(debug("recv   stream=1 :method = \"GET\""))
        );
        assert_eq!(
            vv(event),
            debug("recv   stream=1 :method = \"GET\"    [indexed: index 2 (static)]")
        );
        let f = Field::new("x-a", "b");
        let step = hpack::Event::Field {
            offset: 1,
            representation: Representation::Literal {
                indexing: Indexing::Incremental,
                name_index: None,
                name_huffman: true,
                value_huffman: false,
            },
            field: &f,
        };
        assert_eq!(
            vv(Event::Hpack {
                direction: Direction::Send,
                stream_id: 3,
                step: &step,
            }),
            debug(
                "send   stream=3 x-a = \"b\"    [literal with incremental indexing; name Huffman; \
                 value plain]"
            )
        );
    }

    #[test]
    fn table_changes_show_only_at_vv() {
        let f = Field::new("x-a", "b");
        let steps = [
            hpack::Event::SizeUpdate {
                offset: 0,
                max_size: 256,
            },
            hpack::Event::Inserted {
                field: &f,
                table_size: 36,
            },
            hpack::Event::Evicted { field: &f },
        ];
        let lines: Vec<_> = steps
            .iter()
            .map(|step| Event::Hpack {
                direction: Direction::Recv,
                stream_id: 1,
                step,
            })
            .map(|event| (line(&event, false), vv(event)))
            .collect();
        assert_eq!(
            lines,
            [
                (
                    None,
                    trace("recv   stream=1 dynamic table size update: 256")
                ),
                (
                    None,
                    trace(
                        "recv   stream=1   + dynamic table [62]: x-a = \"b\" (table now 36 octets)"
                    )
                ),
                (
                    None,
                    trace("recv   stream=1   - evicted from dynamic table: x-a = \"b\"")
                ),
            ]
        );
    }

    #[test]
    fn a_state_change_names_both_states_as_the_rfc_does() {
        let event = Event::StreamState {
            stream_id: 1,
            from: "open",
            to: "half-closed (remote)",
        };
        assert_eq!(line(&event, false), None);
        assert_eq!(vv(event), trace("stream 1: open → half-closed (remote)"));
    }

    #[test]
    fn a_window_change_shows_the_size_and_the_signed_change() {
        assert_eq!(
            vv(Event::Window {
                direction: Direction::Send,
                stream_id: 1,
                size: 65_521,
                change: -14,
            }),
            trace("stream 1 send window 65,521 (-14)")
        );
        assert_eq!(
            vv(Event::Window {
                direction: Direction::Recv,
                stream_id: 0,
                size: 1_048_576,
                change: 983_041,
            }),
            trace("connection recv window 1,048,576 (+983,041)")
        );
        assert_eq!(
            vv(Event::Window {
                direction: Direction::Send,
                stream_id: 5,
                size: -1_000,
                change: -65_535,
            }),
            trace("stream 5 send window -1,000 (-65,535)")
        );
    }

    #[test]
    fn a_stall_says_how_much_window_and_how_much_is_queued() {
        assert_eq!(
            vv(Event::Blocked {
                stream_id: 1,
                window: 0,
                queued: 48_000,
            }),
            trace("stream 1 waits for window (0 octets, 48,000 queued)")
        );
    }

    #[test]
    fn a_limit_names_itself_and_its_value() {
        assert_eq!(
            vv(Event::Limit {
                name: "SETTINGS_MAX_CONCURRENT_STREAMS",
                value: 128,
            }),
            debug("limit reached: SETTINGS_MAX_CONCURRENT_STREAMS = 128")
        );
    }

    #[test]
    fn errors_carry_their_rfc_section() {
        assert_eq!(
            vv(Event::Error {
                stream_id: None,
                code: ErrorCode::FRAME_SIZE_ERROR,
                section: "§6.7",
                reason: "PING frame of 7 octets, not 8",
            }),
            debug(
                "connection error FRAME_SIZE_ERROR (RFC 9113 §6.7): PING frame of 7 octets, not 8"
            )
        );
        assert_eq!(
            vv(Event::Error {
                stream_id: Some(1),
                code: ErrorCode::PROTOCOL_ERROR,
                section: "§8.1.1",
                reason: "no :method pseudo-header field (RFC 9113 §8.3.1)",
            }),
            debug(
                "stream error on stream 1 PROTOCOL_ERROR (RFC 9113 §8.1.1): no :method \
                 pseudo-header field (RFC 9113 §8.3.1)"
            )
        );
    }

    #[test]
    fn the_end_says_why() {
        assert_eq!(
            vv(Event::Closed {
                reason: "timed out: idle for 60s"
            }),
            debug("connection ends: timed out: idle for 60s")
        );
    }

    #[test]
    fn thousands_are_separated_by_commas() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(-65_535), "-65,535");
        assert_eq!(thousands_u64(2_147_483_647), "2,147,483,647");
    }
}
