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
//! One [`Recorder`] per connection, on the connection's own thread, turns each
//! [`Event`](crate::trace::Event) into an [`Entry`] (numbers, the frame header, and a field's
//! octets copied once and shared with the dynamic table entry it enters or comes from) and
//! gathers the entries of a turn; when the connection ends its turn
//! ([`end_turn`](crate::trace::Observer::end_turn)) it files them in that connection's
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
//!
//! The files: this one holds the store and a connection's record; `recorder.rs` the observer;
//! `entry.rs` what an event becomes; `json.rs` how the page reads it all.

mod entry;
pub mod json;
mod recorder;

pub use entry::{Entry, KeptField, Payload, What};
pub use recorder::{Recorder, STREAMS_BURST, STREAMS_PER_SECOND};

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::SystemTime;

use super::event::{self, Direction};
use crate::frame::{FrameHeader, SettingId};
use crate::hpack::DEFAULT_TABLE_SIZE;

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
    /// Streams that are not closed, in no order: a connection has a few dozen at most open at once
    /// (SETTINGS_MAX_CONCURRENT_STREAMS), and a list is cheaper to keep than a map.
    streams: Vec<StreamRecord>,
    /// The ids of `streams`, in the same order: a search reads these few octets, not the records.
    stream_ids: Vec<u32>,
    /// The last streams that closed, oldest first.
    closed_streams: VecDeque<StreamRecord>,
    /// The `:method` and `:path` of the last request block, until its stream leaves idle.
    request_line: Option<(u32, Option<KeptField>, Option<KeptField>)>,
    /// The `user-agent` of the first request that had one: which client this is.
    user_agent: Option<KeptField>,
    /// Why the connection ended, once it has.
    ended: Option<Box<str>>,
    /// Streams followed but not recorded: past the recorder's rate
    /// ([`recorder::STREAMS_PER_SECOND`]).
    streams_not_recorded: u64,
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
            streams: Vec::new(),
            stream_ids: Vec::new(),
            closed_streams: VecDeque::new(),
            request_line: None,
            user_agent: None,
            ended: None,
            streams_not_recorded: 0,
        }
    }

    /// Takes in a batch of events, in order: what each changes, then the events themselves, kept
    /// as far as the bounds allow.
    fn file(&mut self, entries: &mut Vec<Entry>) {
        for entry in entries.iter() {
            self.apply(entry);
        }
        self.keep(entries);
    }

    /// Adds what the events of streams not recorded add up to; after the recorded events of the
    /// same time, which they follow.
    fn add_followed(&mut self, followed: &Followed) {
        let (recv, send) = (Direction::Recv as usize, Direction::Send as usize);
        let events = &followed.events;
        self.counts.events += events.events;
        self.counts.streams += followed.streams;
        self.counts.frames_recv += events.frames[recv];
        self.counts.frames_sent += events.frames[send];
        self.counts.octets_recv += events.octets[recv];
        self.counts.octets_sent += events.octets[send];
        self.streams_not_recorded += followed.streams;
        if let Some(size) = events.connection_window[send] {
            self.send_window = size;
        }
        if let Some(size) = events.connection_window[recv] {
            self.recv_window = size;
            self.recv_window_reported = true;
        }
    }

    /// What one event changes.
    fn apply(&mut self, entry: &Entry) {
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
    }

    /// Keeps `entries` (and empties it): the first ones while there are fewer than
    /// [`Limits::first_events`], the others among the last [`Limits::last_events`].
    fn keep(&mut self, entries: &mut Vec<Entry>) {
        let room = self.limits.first_events.saturating_sub(self.first.len());
        let mut entries = entries.drain(..);
        self.first.extend(entries.by_ref().take(room));
        self.last.extend(entries);
        let excess = self.last.len().saturating_sub(self.limits.last_events);
        self.last.drain(..excess);
        self.skipped += excess as u64;
    }

    fn table(&mut self, direction: Direction) -> &mut Table {
        match direction {
            Direction::Recv => &mut self.decoder_table,
            Direction::Send => &mut self.encoder_table,
        }
    }

    fn open_stream_mut(&mut self, stream_id: u32) -> Option<&mut StreamRecord> {
        let position = self.stream_ids.iter().position(|&id| id == stream_id)?;
        self.streams.get_mut(position)
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
                if let Some(stream) = self.open_stream_mut(stream_id) {
                    stream.status = Some(field.clone());
                }
            }
            _ => {}
        }
    }

    fn on_state(&mut self, stream_id: u32, to: &'static str) {
        let position = match self.stream_ids.iter().position(|&id| id == stream_id) {
            Some(position) => position,
            None => self.open_stream(stream_id),
        };
        if to != "closed" {
            if let Some(stream) = self.streams.get_mut(position) {
                stream.state = to;
            }
            return;
        }
        self.stream_ids.swap_remove(position);
        let mut stream = self.streams.swap_remove(position);
        stream.state = to;
        if self.closed_streams.len() >= CLOSED_STREAMS_KEPT {
            self.closed_streams.pop_front();
        }
        self.closed_streams.push_back(stream);
    }

    /// A stream leaves idle: its windows start at the INITIAL_WINDOW_SIZE of the end that
    /// receives in them (§6.9.2), and it takes the request line of the block that opened it.
    /// Returns its position in `streams`.
    fn open_stream(&mut self, stream_id: u32) -> usize {
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
        self.streams.push(stream);
        self.stream_ids.push(stream_id);
        self.streams.len() - 1
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
        let stream = match self.open_stream_mut(stream_id) {
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

/// What the streams that are not recorded add to a record: what their events add up to, and how
/// many there were.
#[derive(Debug, Default)]
struct Followed {
    events: event::Followed,
    /// New streams not recorded.
    streams: u64,
}

impl Followed {
    fn is_empty(&self) -> bool {
        self.events.events == 0 && self.streams == 0
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
