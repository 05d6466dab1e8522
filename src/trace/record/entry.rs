//! One event as the record keeps it: owned, small, and no larger than the bounds allow.

use std::sync::Arc;

use super::{ENTRY_OVERHEAD, FIELD_OCTETS_KEPT, SETTINGS_KEPT, TEXT_OCTETS_KEPT};
use crate::error::ErrorCode;
use crate::frame::{flags, Frame, FrameHeader, FrameType, PrioritySpec, SettingId};
use crate::hpack::{Field, Representation};
use crate::trace::event::Direction;
use crate::trace::{field, ping_data, Value};

/// One event as the record keeps it.
#[derive(Debug, Clone)]
pub struct Entry {
    /// When it happened, in microseconds since the connection began: the time of the turn
    /// (the read or the write) that it was part of.
    pub micros: u64,
    /// What happened.
    pub what: What,
}

/// What happened: a [`crate::trace::Event`], owned and compact.
#[derive(Debug, Clone)]
pub enum What {
    /// The client preface (RFC 9113 §3.4).
    Preface {
        /// Which way it went.
        direction: Direction,
    },
    /// A frame, its header and its payload's numbers.
    Frame {
        /// Which way it went.
        direction: Direction,
        /// Its 9-octet header.
        header: FrameHeader,
        /// What its payload said.
        payload: Payload,
    },
    /// A header field and how HPACK represented it (RFC 7541 §6).
    Field {
        /// Recv: decoded from the peer's block; Send: encoded in ours.
        direction: Direction,
        /// The stream of the header block.
        stream_id: u32,
        /// The field.
        field: KeptField,
        /// Its representation.
        representation: Representation,
    },
    /// A dynamic table size update (RFC 7541 §6.3).
    SizeUpdate {
        /// Which table: Recv the decoder's, Send the encoder's.
        direction: Direction,
        /// The stream of the header block.
        stream_id: u32,
        /// The table's new maximum size.
        max_size: usize,
    },
    /// An entry added to a dynamic table, as index 62 (RFC 7541 §4.4).
    Inserted {
        /// Which table.
        direction: Direction,
        /// The stream of the header block.
        stream_id: u32,
        /// The entry.
        field: KeptField,
        /// The table's size afterwards.
        table_size: usize,
    },
    /// An entry that left a dynamic table (RFC 7541 §4.3, §4.4).
    Evicted {
        /// Which table.
        direction: Direction,
        /// The stream of the header block.
        stream_id: u32,
        /// The entry.
        field: KeptField,
    },
    /// A stream's state changed (RFC 9113 §5.1).
    StreamState {
        /// The stream.
        stream_id: u32,
        /// The state before.
        from: &'static str,
        /// The state after.
        to: &'static str,
    },
    /// A flow-control window changed (RFC 9113 §6.9); stream 0 is the connection.
    Window {
        /// Send: the window we send in; Recv: the one the peer sends in.
        direction: Direction,
        /// The stream, or 0.
        stream_id: u32,
        /// The size after the change.
        size: i64,
        /// The change.
        change: i64,
    },
    /// A stream waits for window.
    Blocked {
        /// The stream.
        stream_id: u32,
        /// The window it may send in.
        window: i64,
        /// Octets still to send.
        queued: u64,
    },
    /// A named limit was reached.
    Limit {
        /// Its name.
        name: &'static str,
        /// Its value.
        value: u64,
    },
    /// A protocol error, detected or reported by the peer.
    Error {
        /// `None` for a connection error.
        stream_id: Option<u32>,
        /// The code.
        code: ErrorCode,
        /// The RFC section of the rule.
        section: Box<str>,
        /// Why, cut to [`TEXT_OCTETS_KEPT`].
        reason: Box<str>,
    },
    /// The connection ended.
    Closed {
        /// Why, cut to [`TEXT_OCTETS_KEPT`].
        reason: Box<str>,
    },
}

/// A frame's payload as the record keeps it: the values that `trace::payload_items` shows, not
/// the octets of data or header block fragments (their fields are events of their own).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    /// A frame that was not decoded: one that failed to (its error follows), or our DATA with
    /// padding.
    None,
    /// DATA, §6.1.
    Data {
        /// The Pad Length field, when PADDED.
        pad_len: Option<u8>,
        /// Octets of data.
        data_length: u32,
    },
    /// HEADERS, §6.2.
    Headers {
        /// The Pad Length field, when PADDED.
        pad_len: Option<u8>,
        /// The priority fields, when PRIORITY.
        priority: Option<PrioritySpec>,
        /// Octets of field block fragment.
        fragment_length: u32,
    },
    /// PRIORITY, §6.3.
    Priority(PrioritySpec),
    /// RST_STREAM, §6.4.
    RstStream(ErrorCode),
    /// SETTINGS, §6.5.
    Settings {
        /// The parameters in order, the first [`SETTINGS_KEPT`].
        params: Box<[(SettingId, u32)]>,
        /// How many more the frame had.
        more: usize,
    },
    /// PUSH_PROMISE, §6.6.
    PushPromise {
        /// The Pad Length field, when PADDED.
        pad_len: Option<u8>,
        /// The Promised Stream ID.
        promised_stream_id: u32,
        /// Octets of field block fragment.
        fragment_length: u32,
    },
    /// PING, §6.7.
    Ping([u8; 8]),
    /// GOAWAY, §6.8.
    GoAway {
        /// The Last-Stream-ID.
        last_stream_id: u32,
        /// The error code.
        error_code: ErrorCode,
        /// The debug data, cut to [`TEXT_OCTETS_KEPT`].
        debug_data: Box<[u8]>,
    },
    /// WINDOW_UPDATE, §6.9: the increment.
    WindowUpdate(u32),
    /// CONTINUATION, §6.10.
    Continuation {
        /// Octets of field block fragment.
        fragment_length: u32,
    },
    /// A type outside §6, ignored.
    Unknown {
        /// Octets of payload.
        length: u32,
    },
}

impl Payload {
    /// What the record keeps of a frame with `header`, decoded as `frame` when it was.
    pub fn kept(header: &FrameHeader, frame: Option<&Frame>) -> Payload {
        let length = |octets: &[u8]| u32::try_from(octets.len()).unwrap_or(u32::MAX);
        let Some(frame) = frame else {
            // Our DATA is not decoded again; without PADDED its payload is all data (§6.1).
            if header.kind == FrameType::DATA && header.flags & flags::PADDED == 0 {
                return Payload::Data {
                    pad_len: None,
                    data_length: header.length,
                };
            }
            return Payload::None;
        };
        match frame {
            Frame::Data(f) => Payload::Data {
                pad_len: f.pad_len,
                data_length: length(&f.data),
            },
            Frame::Headers(f) => Payload::Headers {
                pad_len: f.pad_len,
                priority: f.priority,
                fragment_length: length(&f.fragment),
            },
            Frame::Priority(f) => Payload::Priority(f.spec),
            Frame::RstStream(f) => Payload::RstStream(f.error_code),
            Frame::Settings(f) => Payload::Settings {
                params: f.params.iter().take(SETTINGS_KEPT).copied().collect(),
                more: f.params.len().saturating_sub(SETTINGS_KEPT),
            },
            Frame::PushPromise(f) => Payload::PushPromise {
                pad_len: f.pad_len,
                promised_stream_id: f.promised_stream_id,
                fragment_length: length(&f.fragment),
            },
            Frame::Ping(f) => Payload::Ping(f.data),
            Frame::GoAway(f) => Payload::GoAway {
                last_stream_id: f.last_stream_id,
                error_code: f.error_code,
                debug_data: cut(&f.debug_data, TEXT_OCTETS_KEPT).into(),
            },
            Frame::WindowUpdate(f) => Payload::WindowUpdate(f.increment),
            Frame::Continuation(f) => Payload::Continuation {
                fragment_length: length(&f.fragment),
            },
            Frame::Unknown(f) => Payload::Unknown {
                length: length(&f.payload),
            },
        }
    }

    /// The payload's values as (name, value) in wire order, named as `trace::payload_items`
    /// names them (a test holds the two together), plus how many SETTINGS were not kept.
    pub fn items(&self) -> Vec<(String, Value)> {
        let mut items = Vec::new();
        let number = |n: u32| Value::Number(n.into());
        match self {
            Payload::None => {}
            Payload::Data {
                pad_len,
                data_length,
            } => {
                push_pad_length(&mut items, *pad_len);
                push(&mut items, "data_length", number(*data_length));
            }
            Payload::Headers {
                pad_len,
                priority,
                fragment_length,
            } => {
                push_pad_length(&mut items, *pad_len);
                if let Some(p) = priority {
                    push_priority(&mut items, p);
                }
                push(&mut items, "fragment_length", number(*fragment_length));
            }
            Payload::Priority(p) => push_priority(&mut items, p),
            Payload::RstStream(code) => {
                push(&mut items, "error_code", Value::Name(code.to_string()))
            }
            Payload::Settings { params, more } => {
                for (id, value) in params.iter() {
                    push(&mut items, &id.to_string(), number(*value));
                }
                if *more > 0 {
                    push(&mut items, "settings_not_kept", Value::Number(*more as u64));
                }
            }
            Payload::PushPromise {
                pad_len,
                promised_stream_id,
                fragment_length,
            } => {
                push_pad_length(&mut items, *pad_len);
                push(&mut items, "promised_stream", number(*promised_stream_id));
                push(&mut items, "fragment_length", number(*fragment_length));
            }
            Payload::Ping(data) => push(&mut items, "opaque_data", ping_data(data)),
            Payload::GoAway {
                last_stream_id,
                error_code,
                debug_data,
            } => {
                push(&mut items, "last_stream", number(*last_stream_id));
                push(
                    &mut items,
                    "error_code",
                    Value::Name(error_code.to_string()),
                );
                push(&mut items, "debug_data", Value::Octets(debug_data.to_vec()));
            }
            Payload::WindowUpdate(increment) => push(&mut items, "increment", number(*increment)),
            Payload::Continuation { fragment_length } => {
                push(&mut items, "fragment_length", number(*fragment_length))
            }
            Payload::Unknown { length } => {
                push(&mut items, "ignored_payload_length", number(*length))
            }
        }
        items
    }
}

/// One item of a payload.
fn push(items: &mut Vec<(String, Value)>, name: &str, value: Value) {
    items.push((name.to_string(), value));
}

/// The Pad Length of a padded frame (RFC 9113 §6.1), when it has one.
fn push_pad_length(items: &mut Vec<(String, Value)>, pad_len: Option<u8>) {
    if let Some(pad_len) = pad_len {
        push(items, "pad_length", Value::Number(pad_len.into()));
    }
}

/// The priority fields of HEADERS or PRIORITY (RFC 9113 §5.3.2): the weight as the RFC counts it,
/// one more than the octet.
fn push_priority(items: &mut Vec<(String, Value)>, p: &PrioritySpec) {
    push(items, "exclusive", Value::Bool(p.exclusive));
    push(items, "dependency", Value::Number(p.dependency.into()));
    push(items, "weight", Value::Number(u64::from(p.weight) + 1));
}

/// A header field as the record keeps it: its name and value in one shared allocation, together
/// at most [`FIELD_OCTETS_KEPT`] octets, and the lengths they had. An event and the table entry
/// it creates share one.
#[derive(Clone, PartialEq, Eq)]
pub struct KeptField {
    /// The name's kept octets, then the value's.
    pub(super) octets: Arc<[u8]>,
    /// How many of `octets` are the name's.
    name_kept: usize,
    /// The name's full length.
    pub(super) name_len: usize,
    /// The value's full length.
    pub(super) value_len: usize,
}

impl std::fmt::Debug for KeptField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", field(self.name(), self.value()))
    }
}

impl KeptField {
    /// The kept part of `field`.
    pub fn new(field: &Field) -> KeptField {
        let name = cut(&field.name, FIELD_OCTETS_KEPT);
        let value = cut(&field.value, FIELD_OCTETS_KEPT - name.len());
        KeptField {
            octets: name.iter().chain(value).copied().collect(),
            name_kept: name.len(),
            name_len: field.name.len(),
            value_len: field.value.len(),
        }
    }

    /// The name, or as much of it as was kept.
    pub fn name(&self) -> &[u8] {
        self.octets.get(..self.name_kept).unwrap_or_default()
    }

    /// The value, or as much of it as was kept.
    pub fn value(&self) -> &[u8] {
        self.octets.get(self.name_kept..).unwrap_or_default()
    }

    /// Whether octets of the name or value were not kept.
    pub fn is_cut(&self) -> bool {
        self.octets.len() < self.name_len + self.value_len
    }

    /// The field's size in a dynamic table (RFC 7541 §4.1): its full name and value, plus 32.
    pub fn size(&self) -> usize {
        self.name_len + self.value_len + ENTRY_OVERHEAD
    }

    /// Whether this is `field`, whole.
    pub(super) fn is(&self, field: &Field) -> bool {
        !self.is_cut() && self.name() == &field.name[..] && self.value() == &field.value[..]
    }
}

/// The first `max` octets of `octets`.
fn cut(octets: &[u8], max: usize) -> &[u8] {
    octets.get(..max).unwrap_or(octets)
}

/// `text` cut to [`TEXT_OCTETS_KEPT`] octets, at a character boundary, `…` marking the cut.
pub(super) fn cut_text(text: &str) -> Box<str> {
    if text.len() <= TEXT_OCTETS_KEPT {
        return text.into();
    }
    let mut end = TEXT_OCTETS_KEPT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end]).into()
}
