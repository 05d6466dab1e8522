//! The inspector's record — DESIGN.md "Watching": what the last connections did, kept in memory
//! for the page at `/_h2lab/` and its JSON (`json.rs`).
//!
//! ```text
//!  a connection's thread                          the thread of a page's request
//!  Connection ──Event──▶ Recorder                 json::connections / json::connection
//!                          │ an Entry: numbers       │ renders, only when asked
//!                          ▼ and shared octets       ▼
//!                  Arc<Mutex<ConnectionRecord>> ◀── Store: the last N connections
//! ```
//!
//! One [`Recorder`] per connection, on the connection's own thread, turns each [`Event`] into an
//! [`Entry`] (numbers, the frame header, and a field's octets copied once and shared with the
//! dynamic table entry it enters or comes from) and gathers the entries of a turn; when the
//! connection ends its turn ([`Observer::end_turn`]) it files them in that connection's
//! [`ConnectionRecord`], under a lock of its own that only a page's request ever contends for.
//! No text is formatted while recording: `json.rs` does that when a page asks.
//!
//! Bounded (DESIGN.md "Limits"), every bound named: the [`Store`] keeps the last
//! [`Limits::connections`] connections; a record keeps its first [`Limits::first_events`] events
//! (the preface, both SETTINGS, the first requests) and its last [`Limits::last_events`], and
//! counts those in between; header fields keep [`FIELD_OCTETS_KEPT`] octets, SETTINGS frames
//! [`SETTINGS_KEPT`] parameters, GOAWAY debug data and error reasons [`TEXT_OCTETS_KEPT`] octets;
//! closed streams are shown [`CLOSED_STREAMS_KEPT`] at most. The rest is counted, not kept.
//!
//! Besides the events, a record keeps what they add up to, as a person watching wants to see it:
//! both HPACK dynamic tables (rebuilt from insertions and evictions), every stream's state and
//! windows, the connection's windows and both ends' SETTINGS.

pub mod json;

use std::collections::{BTreeMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Instant, SystemTime};

use super::event::{Direction, Event, Observer};
use super::{ping_data, Value};
use crate::error::ErrorCode;
use crate::frame::{flags, Frame, FrameHeader, FrameType, PrioritySpec, SettingId};
use crate::hpack::{self, Field, Indexing, Representation, DEFAULT_TABLE_SIZE};

/// How much the record keeps: the flags `--inspect-connections N` and `--inspect-events K,M`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The last N connections are kept; an older one goes when a new one starts (one that has
    /// ended first, so that a page watching its own open connection keeps it).
    pub connections: usize,
    /// Per connection, its first K events: the preface, both SETTINGS, the first requests.
    pub first_events: usize,
    /// Per connection, its last M events.
    pub last_events: usize,
}

impl Default for Limits {
    /// 32 connections; per connection the first 200 events and the last 300: a page load with a
    /// few requests, or a curl request, whole.
    fn default() -> Limits {
        Limits {
            connections: 32,
            first_events: 200,
            last_events: 300,
        }
    }
}

/// Octets of a header field (name and value together) that an event or table entry keeps; the
/// field's full lengths are kept beside them.
pub const FIELD_OCTETS_KEPT: usize = 1024;

/// Parameters of one SETTINGS frame that its event keeps. RFC 9113 defines six, its extensions a
/// few more; a frame with more repeats or invents them.
pub const SETTINGS_KEPT: usize = 16;

/// Octets of GOAWAY debug data, and of an error's reason (which may quote it), that are kept.
pub const TEXT_OCTETS_KEPT: usize = 512;

/// Closed streams that a record still shows besides the open ones, the latest ones.
pub const CLOSED_STREAMS_KEPT: usize = 16;

/// The overhead that RFC 7541 §4.1 adds to each table entry's name and value.
const ENTRY_OVERHEAD: usize = 32;

/// The records of the last connections, shared by every connection's thread and the page.
pub struct Store {
    limits: Limits,
    /// Oldest first.
    connections: Mutex<VecDeque<Arc<Mutex<ConnectionRecord>>>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// An empty store that will keep what `limits` allow.
    pub fn new(limits: Limits) -> Store {
        Store {
            limits,
            connections: Mutex::new(VecDeque::new()),
        }
    }

    /// What the store keeps.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Starts the record of connection `id`, from `peer`, and gives the observer that fills it.
    /// Beyond [`Limits::connections`], the oldest record of a connection that has ended goes, or
    /// if all are open, the oldest.
    pub fn recorder(&self, id: u64, peer: Option<SocketAddr>) -> Recorder {
        let record = Arc::new(Mutex::new(ConnectionRecord::new(id, peer, self.limits)));
        let mut connections = lock(&self.connections);
        while !connections.is_empty() && connections.len() >= self.limits.connections {
            let ended = connections
                .iter()
                .position(|record| lock(record).ended.is_some());
            connections.remove(ended.unwrap_or(0));
        }
        connections.push_back(Arc::clone(&record));
        Recorder::new(record)
    }

    /// The records kept, newest first. The list is copied (a handle each) so that no lock is held
    /// while the caller reads them one by one.
    fn records(&self) -> Vec<Arc<Mutex<ConnectionRecord>>> {
        lock(&self.connections).iter().rev().cloned().collect()
    }

    /// The record of connection `id`, if it is still kept.
    fn record(&self, id: u64) -> Option<Arc<Mutex<ConnectionRecord>>> {
        self.records()
            .into_iter()
            .find(|record| lock(record).id == id)
    }
}

/// Locks `mutex`. A thread that panicked while holding it leaves a record that is still a record
/// (each change is a few assignments), so the lock is taken anyway.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The observer that records one connection, owned by the connection's thread. It gathers the
/// events of a turn and files them in the shared record when the turn ends, under one lock.
///
/// What it keeps of an event costs little to make: the clock is read once a turn (the events of
/// a turn happen together: what one read brought, or what one write sent), and a header field
/// that HPACK sent as an index shares the octets of the table entry it names (the recorder
/// follows both dynamic tables for that, and keeps the static entries it meets).
pub struct Recorder {
    record: Arc<Mutex<ConnectionRecord>>,
    started: Instant,
    /// The events of this turn, not yet in the record.
    pending: Vec<Entry>,
    /// When this turn began, in microseconds since the connection did.
    micros: u64,
    /// The peer's blocks decoded: the decoder's table, as in the record.
    decoder_table: Table,
    /// Our blocks encoded: the encoder's table.
    encoder_table: Table,
    /// The entries of the static table (RFC 7541 Appendix A) met so far, by index.
    statics: Vec<Option<KeptField>>,
    /// The last field that HPACK is to add to a table: the insertion that follows shares its
    /// octets.
    last_field: Option<KeptField>,
}

/// The last index of the static table (RFC 7541 Appendix A); above it, dynamic entries.
const STATIC_LAST: usize = 61;

/// Capacity of a recorder's buffer kept between turns; a turn with more events (a flood of small
/// frames in one read) gives the rest back.
const PENDING_KEPT: usize = 256;

impl Observer for Recorder {
    fn event(&mut self, event: &Event<'_>) {
        if self.pending.is_empty() {
            self.micros = u64::try_from(self.started.elapsed().as_micros()).unwrap_or(u64::MAX);
        }
        let what = self.compact(event);
        self.pending.push(Entry {
            micros: self.micros,
            what,
        });
    }

    fn end_turn(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let mut record = lock(&self.record);
        for entry in self.pending.drain(..) {
            record.apply(entry);
        }
        drop(record);
        self.pending.shrink_to(PENDING_KEPT);
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        self.end_turn();
    }
}

impl Recorder {
    fn new(record: Arc<Mutex<ConnectionRecord>>) -> Recorder {
        Recorder {
            record,
            started: Instant::now(),
            pending: Vec::new(),
            micros: 0,
            decoder_table: Table::new(),
            encoder_table: Table::new(),
            statics: vec![None; STATIC_LAST + 1],
            last_field: None,
        }
    }

    /// What the record keeps of `event`: owned, and no larger than the bounds allow.
    fn compact(&mut self, event: &Event<'_>) -> What {
        match *event {
            Event::Preface { direction, .. } => What::Preface { direction },
            Event::Frame {
                direction,
                header,
                frame,
                ..
            } => What::Frame {
                direction,
                header: *header,
                payload: Payload::kept(header, frame),
            },
            Event::Hpack {
                direction,
                stream_id,
                step,
            } => self.compact_step(direction, stream_id, step),
            Event::StreamState {
                stream_id,
                from,
                to,
            } => What::StreamState {
                stream_id,
                from,
                to,
            },
            Event::Window {
                direction,
                stream_id,
                size,
                change,
            } => What::Window {
                direction,
                stream_id,
                size,
                change,
            },
            Event::Blocked {
                stream_id,
                window,
                queued,
            } => What::Blocked {
                stream_id,
                window,
                queued,
            },
            Event::Limit { name, value } => What::Limit { name, value },
            Event::Error {
                stream_id,
                code,
                section,
                reason,
            } => What::Error {
                stream_id,
                code,
                section: section.into(),
                reason: cut_text(reason),
            },
            Event::Closed { reason } => What::Closed {
                reason: cut_text(reason),
            },
        }
    }

    fn compact_step(&mut self, direction: Direction, stream_id: u32, step: &hpack::Event) -> What {
        match *step {
            hpack::Event::Field {
                representation,
                field,
                ..
            } => {
                let field = self.field(direction, representation, field);
                // RFC 7541 §6.2.1: only this representation adds the field to the table.
                if let Representation::Literal {
                    indexing: Indexing::Incremental,
                    ..
                } = representation
                {
                    self.last_field = Some(field.clone());
                }
                What::Field {
                    direction,
                    stream_id,
                    field,
                    representation,
                }
            }
            hpack::Event::SizeUpdate { max_size, .. } => {
                self.table(direction).max_size = max_size;
                What::SizeUpdate {
                    direction,
                    stream_id,
                    max_size,
                }
            }
            hpack::Event::Inserted { field, table_size } => {
                // The decoder and the encoder report a field, then its insertion.
                let field = match self.last_field.take() {
                    Some(last) if last.is(field) => last,
                    _ => KeptField::new(field),
                };
                self.table(direction).insert(&field, table_size);
                What::Inserted {
                    direction,
                    stream_id,
                    field,
                    table_size,
                }
            }
            hpack::Event::Evicted { field } => {
                let table = self.table(direction);
                let oldest = table
                    .entries
                    .back()
                    .filter(|oldest| oldest.is(field))
                    .cloned();
                table.evict();
                What::Evicted {
                    direction,
                    stream_id,
                    field: oldest.unwrap_or_else(|| KeptField::new(field)),
                }
            }
        }
    }

    /// The kept form of a field that HPACK represented as `representation`: an indexed field
    /// shares the octets of the entry it names (RFC 7541 §2.3.3: 1 to 61 the static table, from
    /// 62 the dynamic table), any other is copied.
    fn field(
        &mut self,
        direction: Direction,
        representation: Representation,
        field: &Field,
    ) -> KeptField {
        let Representation::Indexed { index } = representation else {
            return KeptField::new(field);
        };
        let known = match index.checked_sub(STATIC_LAST + 1) {
            None => self.statics.get(index).cloned().flatten(),
            Some(dynamic) => self.table(direction).entries.get(dynamic).cloned(),
        };
        if let Some(known) = known.filter(|known| known.is(field)) {
            return known;
        }
        let kept = KeptField::new(field);
        if let Some(slot) = self.statics.get_mut(index) {
            *slot = Some(kept.clone());
        }
        kept
    }

    fn table(&mut self, direction: Direction) -> &mut Table {
        match direction {
            Direction::Recv => &mut self.decoder_table,
            Direction::Send => &mut self.encoder_table,
        }
    }
}

/// One event as the record keeps it.
#[derive(Debug, Clone)]
pub struct Entry {
    /// When it happened, in microseconds since the connection began: the time of the turn
    /// (the read or the write) that it was part of.
    pub micros: u64,
    /// What happened.
    pub what: What,
}

/// What happened: [`Event`], owned and compact.
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
        let mut push = |name: &str, value: Value| items.push((name.to_string(), value));
        let number = |n: u32| Value::Number(n.into());
        match self {
            Payload::None => {}
            Payload::Data {
                pad_len,
                data_length,
            } => {
                if let Some(pad_len) = pad_len {
                    push("pad_length", Value::Number((*pad_len).into()));
                }
                push("data_length", number(*data_length));
            }
            Payload::Headers {
                pad_len,
                priority,
                fragment_length,
            } => {
                if let Some(pad_len) = pad_len {
                    push("pad_length", Value::Number((*pad_len).into()));
                }
                if let Some(p) = priority {
                    push("exclusive", Value::Bool(p.exclusive));
                    push("dependency", number(p.dependency));
                    push("weight", Value::Number(u64::from(p.weight) + 1));
                }
                push("fragment_length", number(*fragment_length));
            }
            Payload::Priority(p) => {
                push("exclusive", Value::Bool(p.exclusive));
                push("dependency", number(p.dependency));
                push("weight", Value::Number(u64::from(p.weight) + 1));
            }
            Payload::RstStream(code) => push("error_code", Value::Name(code.to_string())),
            Payload::Settings { params, more } => {
                for (id, value) in params.iter() {
                    push(&id.to_string(), number(*value));
                }
                if *more > 0 {
                    push("settings_not_kept", Value::Number(*more as u64));
                }
            }
            Payload::PushPromise {
                pad_len,
                promised_stream_id,
                fragment_length,
            } => {
                if let Some(pad_len) = pad_len {
                    push("pad_length", Value::Number((*pad_len).into()));
                }
                push("promised_stream", number(*promised_stream_id));
                push("fragment_length", number(*fragment_length));
            }
            Payload::Ping(data) => push("opaque_data", ping_data(data)),
            Payload::GoAway {
                last_stream_id,
                error_code,
                debug_data,
            } => {
                push("last_stream", number(*last_stream_id));
                push("error_code", Value::Name(error_code.to_string()));
                push("debug_data", Value::Octets(debug_data.to_vec()));
            }
            Payload::WindowUpdate(increment) => push("increment", number(*increment)),
            Payload::Continuation { fragment_length } => {
                push("fragment_length", number(*fragment_length))
            }
            Payload::Unknown { length } => push("ignored_payload_length", number(*length)),
        }
        items
    }
}

/// A header field as the record keeps it: its name and value in one shared allocation, together
/// at most [`FIELD_OCTETS_KEPT`] octets, and the lengths they had. An event and the table entry
/// it creates share one.
#[derive(Clone, PartialEq, Eq)]
pub struct KeptField {
    /// The name's kept octets, then the value's.
    octets: Arc<[u8]>,
    /// How many of `octets` are the name's.
    name_kept: usize,
    /// The name's full length.
    name_len: usize,
    /// The value's full length.
    value_len: usize,
}

impl std::fmt::Debug for KeptField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", super::field(self.name(), self.value()))
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
    fn is(&self, field: &Field) -> bool {
        !self.is_cut() && self.name() == field.name && self.value() == field.value
    }
}

/// The first `max` octets of `octets`.
fn cut(octets: &[u8], max: usize) -> &[u8] {
    octets.get(..max).unwrap_or(octets)
}

/// `text` cut to [`TEXT_OCTETS_KEPT`] octets, at a character boundary, `…` marking the cut.
fn cut_text(text: &str) -> Box<str> {
    if text.len() <= TEXT_OCTETS_KEPT {
        return text.into();
    }
    let mut end = TEXT_OCTETS_KEPT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end]).into()
}

/// A dynamic table as the events rebuild it (RFC 7541 §2.3.2): the decoder's, from the peer's
/// blocks, or our encoder's.
#[derive(Debug, Clone)]
struct Table {
    /// Index 62 first.
    entries: VecDeque<KeptField>,
    /// The size of the entries (§4.1).
    size: usize,
    /// The maximum size (§4.2).
    max_size: usize,
}

impl Table {
    fn new() -> Table {
        Table {
            entries: VecDeque::new(),
            size: 0,
            max_size: DEFAULT_TABLE_SIZE,
        }
    }

    fn insert(&mut self, field: &KeptField, table_size: usize) {
        self.entries.push_front(field.clone());
        self.size = table_size;
        // Every entry takes at least 32 octets of the maximum size: a table that holds more than
        // that many has missed an eviction, and its oldest entries are gone anyway.
        let most = self.max_size / ENTRY_OVERHEAD;
        self.entries.truncate(most.max(1));
    }

    fn evict(&mut self) {
        if let Some(oldest) = self.entries.pop_back() {
            self.size = self.size.saturating_sub(oldest.size());
        }
    }
}

/// A stream as its events left it.
#[derive(Debug, Clone)]
struct StreamRecord {
    id: u32,
    /// Its state, as RFC 9113 §5.1 names it.
    state: &'static str,
    /// The window we send in.
    send_window: i64,
    /// The window the peer sends in.
    recv_window: i64,
    /// The request's `:method` and `:path`, and the response's `:status`, when seen.
    method: Option<KeptField>,
    path: Option<KeptField>,
    status: Option<KeptField>,
}

/// How much went each way.
#[derive(Debug, Clone, Copy, Default)]
struct Counts {
    events: u64,
    frames_recv: u64,
    frames_sent: u64,
    /// Frame octets, headers included (the preface is not counted).
    octets_recv: u64,
    octets_sent: u64,
    /// Streams that left idle.
    streams: u64,
}

/// Everything kept about one connection.
#[derive(Debug)]
pub struct ConnectionRecord {
    id: u64,
    peer: Option<SocketAddr>,
    started: SystemTime,
    limits: Limits,
    /// The first [`Limits::first_events`] events.
    first: Vec<Entry>,
    /// The last [`Limits::last_events`] events after those.
    last: VecDeque<Entry>,
    /// Events between `first` and `last` that are no longer kept.
    skipped: u64,
    /// When the last event happened.
    last_micros: u64,
    counts: Counts,
    /// The peer's blocks decoded: the decoder's table.
    decoder_table: Table,
    /// Our blocks encoded: the encoder's table.
    encoder_table: Table,
    /// The SETTINGS we sent, merged in order.
    local_settings: Vec<(SettingId, u32)>,
    /// The SETTINGS the peer sent, merged in order.
    peer_settings: Vec<(SettingId, u32)>,
    /// The connection's windows (§6.9): the one we send in, the one the peer sends in.
    send_window: i64,
    recv_window: i64,
    /// Whether a change of the receive window was reported as a window event yet.
    recv_window_reported: bool,
    /// Streams that are not closed.
    streams: BTreeMap<u32, StreamRecord>,
    /// The last streams that closed, oldest first.
    closed_streams: VecDeque<StreamRecord>,
    /// The `:method` and `:path` of the last request block, until its stream leaves idle.
    request_line: Option<(u32, Option<KeptField>, Option<KeptField>)>,
    /// The `user-agent` of the first request that had one: which client this is.
    user_agent: Option<KeptField>,
    /// Why the connection ended, once it has.
    ended: Option<Box<str>>,
}

impl ConnectionRecord {
    fn new(id: u64, peer: Option<SocketAddr>, limits: Limits) -> ConnectionRecord {
        ConnectionRecord {
            id,
            peer,
            started: SystemTime::now(),
            limits,
            first: Vec::new(),
            last: VecDeque::new(),
            skipped: 0,
            last_micros: 0,
            counts: Counts::default(),
            decoder_table: Table::new(),
            encoder_table: Table::new(),
            local_settings: Vec::new(),
            peer_settings: Vec::new(),
            send_window: INITIAL_WINDOW,
            recv_window: INITIAL_WINDOW,
            recv_window_reported: false,
            streams: BTreeMap::new(),
            closed_streams: VecDeque::new(),
            request_line: None,
            user_agent: None,
            ended: None,
        }
    }

    /// Takes in one event: what it changes, then the event itself, kept if the bounds allow.
    fn apply(&mut self, entry: Entry) {
        self.counts.events += 1;
        self.last_micros = entry.micros;
        match &entry.what {
            What::Frame {
                direction,
                header,
                payload,
            } => self.on_frame(*direction, header, payload),
            What::Field {
                direction,
                stream_id,
                field,
                ..
            } => self.on_field(*direction, *stream_id, field),
            What::SizeUpdate {
                direction,
                max_size,
                ..
            } => self.table(*direction).max_size = *max_size,
            What::Inserted {
                direction,
                field,
                table_size,
                ..
            } => self.table(*direction).insert(field, *table_size),
            What::Evicted { direction, .. } => self.table(*direction).evict(),
            What::StreamState { stream_id, to, .. } => self.on_state(*stream_id, to),
            What::Window {
                direction,
                stream_id,
                size,
                ..
            } => self.on_window(*direction, *stream_id, *size),
            What::Closed { reason } => self.ended = Some(reason.clone()),
            What::Preface { .. }
            | What::Blocked { .. }
            | What::Limit { .. }
            | What::Error { .. } => {}
        }
        self.keep(entry);
    }

    fn keep(&mut self, entry: Entry) {
        if self.first.len() < self.limits.first_events {
            self.first.push(entry);
            return;
        }
        if self.limits.last_events == 0 {
            self.skipped += 1;
            return;
        }
        if self.last.len() >= self.limits.last_events {
            self.last.pop_front();
            self.skipped += 1;
        }
        self.last.push_back(entry);
    }

    fn table(&mut self, direction: Direction) -> &mut Table {
        match direction {
            Direction::Recv => &mut self.decoder_table,
            Direction::Send => &mut self.encoder_table,
        }
    }

    fn on_frame(&mut self, direction: Direction, header: &FrameHeader, payload: &Payload) {
        let octets = u64::from(header.length) + crate::frame::HEADER_LEN as u64;
        match direction {
            Direction::Recv => {
                self.counts.frames_recv += 1;
                self.counts.octets_recv += octets;
            }
            Direction::Send => {
                self.counts.frames_sent += 1;
                self.counts.octets_sent += octets;
            }
        }
        match payload {
            Payload::Settings { params, .. } => {
                let settings = match direction {
                    Direction::Recv => &mut self.peer_settings,
                    Direction::Send => &mut self.local_settings,
                };
                for &(id, value) in params.iter() {
                    match settings.iter_mut().find(|(known, _)| *known == id) {
                        Some(setting) => setting.1 = value,
                        None => settings.push((id, value)),
                    }
                }
            }
            // Our opening WINDOW_UPDATE on the connection (sent when our initial window is above
            // 65,535) is the one change of the receive window that is not also a window event.
            Payload::WindowUpdate(increment)
                if direction == Direction::Send
                    && header.stream_id == 0
                    && !self.recv_window_reported =>
            {
                self.recv_window += i64::from(*increment);
            }
            _ => {}
        }
    }

    fn on_field(&mut self, direction: Direction, stream_id: u32, field: &KeptField) {
        match (direction, field.name()) {
            (Direction::Recv, b":method" | b":path") => {
                let line = match &mut self.request_line {
                    Some(line) if line.0 == stream_id => line,
                    other => other.insert((stream_id, None, None)),
                };
                match field.name() {
                    b":method" => line.1 = Some(field.clone()),
                    _ => line.2 = Some(field.clone()),
                }
            }
            (Direction::Recv, b"user-agent") if self.user_agent.is_none() => {
                self.user_agent = Some(field.clone());
            }
            (Direction::Send, b":status") => {
                if let Some(stream) = self.streams.get_mut(&stream_id) {
                    stream.status = Some(field.clone());
                }
            }
            _ => {}
        }
    }

    fn on_state(&mut self, stream_id: u32, to: &'static str) {
        if !self.streams.contains_key(&stream_id) {
            self.open_stream(stream_id);
        }
        let Some(stream) = self.streams.get_mut(&stream_id) else {
            return;
        };
        stream.state = to;
        if to != "closed" {
            return;
        }
        if let Some(stream) = self.streams.remove(&stream_id) {
            if self.closed_streams.len() >= CLOSED_STREAMS_KEPT {
                self.closed_streams.pop_front();
            }
            self.closed_streams.push_back(stream);
        }
    }

    /// A stream leaves idle: its windows start at the INITIAL_WINDOW_SIZE of the end that
    /// receives in them (§6.9.2), and it takes the request line of the block that opened it.
    fn open_stream(&mut self, stream_id: u32) {
        self.counts.streams += 1;
        let (method, path) = match self.request_line.take() {
            Some((id, method, path)) if id == stream_id => (method, path),
            other => {
                self.request_line = other;
                (None, None)
            }
        };
        let stream = StreamRecord {
            id: stream_id,
            state: "idle",
            send_window: initial_window(&self.peer_settings),
            recv_window: initial_window(&self.local_settings),
            method,
            path,
            status: None,
        };
        self.streams.insert(stream_id, stream);
    }

    fn on_window(&mut self, direction: Direction, stream_id: u32, size: i64) {
        if stream_id == 0 {
            match direction {
                Direction::Send => self.send_window = size,
                Direction::Recv => {
                    self.recv_window = size;
                    self.recv_window_reported = true;
                }
            }
            return;
        }
        let stream = match self.streams.get_mut(&stream_id) {
            Some(stream) => stream,
            None => match self.closed_streams.iter_mut().find(|s| s.id == stream_id) {
                Some(stream) => stream,
                None => return,
            },
        };
        match direction {
            Direction::Send => stream.send_window = size,
            Direction::Recv => stream.recv_window = size,
        }
    }
}

/// Every window's size until SETTINGS or WINDOW_UPDATE change it: 65,535 (RFC 9113 §6.9.2).
const INITIAL_WINDOW: i64 = 0xffff;

/// SETTINGS_INITIAL_WINDOW_SIZE in `settings`, or its initial value.
fn initial_window(settings: &[(SettingId, u32)]) -> i64 {
    settings
        .iter()
        .find(|(id, _)| *id == SettingId::INITIAL_WINDOW_SIZE)
        .map_or(INITIAL_WINDOW, |&(_, value)| i64::from(value))
}

#[cfg(test)]
mod tests;
