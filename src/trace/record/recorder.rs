//! The observer that fills a connection's record: each event made compact, and filed with others
//! under one lock.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use super::entry::{cut_text, Entry, KeptField, Payload, What};
use super::{lock, ConnectionRecord, Followed, Table};
use crate::hpack::{self, Field, Indexing, Representation};
use crate::trace::event::{self, Direction, Event, Observer};

/// The observer that records one connection, owned by the connection's thread. It gathers events
/// and files them in the shared record under one lock: when the turn ends, and every
/// [`FILED_AT`] events of a long turn, so that those gathered stay in the processor's cache.
///
/// It records [`STREAMS_PER_SECOND`] streams a second whole, after a first [`STREAMS_BURST`]: a
/// person's browser or curl stays well within that, and is recorded whole; a load generator goes
/// past it at once. Its other streams are followed but not recorded: it declines their events
/// ([`Observer::wants_stream`]), and the connection tells it only what they add up to
/// ([`Observer::followed`]): their frames and octets are counted, their windows' effect on the
/// connection's is applied, and nothing else of them is kept, so that watching a busy connection
/// costs little. The connection's own frames (stream 0), errors, and the changes of both HPACK
/// tables are always recorded.
///
/// What it keeps of an event costs little to make: the clock is read once a turn (the events of
/// a turn happen together: what one read brought, or what one write sent), and a header field
/// that HPACK sent as an index shares the octets of the table entry it names (the recorder
/// follows both dynamic tables for that, and keeps the static entries it meets).
pub struct Recorder {
    /// The record it fills.
    pub(super) record: Arc<Mutex<ConnectionRecord>>,
    started: Instant,
    /// Events not yet in the record.
    pending: Vec<Entry>,
    /// Whether a turn has begun: it has had an event, and has not ended.
    in_turn: bool,
    /// When this turn began, in microseconds since the connection did.
    micros: u64,
    /// The peer's blocks decoded: the decoder's table, as in the record.
    decoder_table: Table,
    /// Our blocks encoded: the encoder's table.
    encoder_table: Table,
    /// The entries of the static table (RFC 7541 Appendix A) met so far, by index; empty until
    /// the first, so that an idle connection holds none of it.
    statics: Vec<Option<KeptField>>,
    /// The last field that HPACK is to add to a table: the insertion that follows shares its
    /// octets.
    last_field: Option<KeptField>,
    /// The last literal fields kept, either way: a literal that comes again shares their octets.
    recent_literals: Vec<KeptField>,
    /// Where the next literal goes in `recent_literals` once it is full.
    next_literal: usize,
    /// Streams that may still be recorded now.
    stream_tokens: u64,
    /// Up to when, in microseconds since the connection began, `stream_tokens` was refilled.
    refilled_micros: u64,
    /// What the streams not recorded add to the record, since the last filing.
    followed: Followed,
}

/// Streams a second that a recorder records whole, past the first [`STREAMS_BURST`].
pub const STREAMS_PER_SECOND: u64 = 10;

/// Streams that a recorder records whole before the rate counts: a page load of a hundred
/// requests.
pub const STREAMS_BURST: u64 = 100;

/// The last index of the static table (RFC 7541 Appendix A); above it, dynamic entries.
const STATIC_LAST: usize = 61;

/// Literal fields a recorder remembers. A server sends a few fields as literals on every response
/// (`content-length`, `etag`, `last-modified`: RFC 7541 lets an encoder keep any field out of its
/// table), and a client may do the same: a handful is enough to meet them again.
const RECENT_LITERALS: usize = 8;

/// Events gathered before they are filed, at most.
const FILED_AT: usize = 64;

impl Observer for Recorder {
    fn event(&mut self, event: &Event<'_>) {
        if !self.in_turn {
            self.begin_turn();
        }
        if let Event::Window {
            direction,
            stream_id: 0,
            ..
        } = *event
        {
            // Later than the connection window that the streams followed left.
            self.followed.events.connection_window[direction as usize] = None;
        }
        self.keep(event);
    }

    /// Yes while the rate allows: [`STREAMS_BURST`] streams, then [`STREAMS_PER_SECOND`].
    fn wants_stream(&mut self, _stream_id: u32) -> bool {
        if !self.in_turn {
            self.begin_turn();
        }
        if self.stream_tokens > 0 {
            self.stream_tokens -= 1;
            return true;
        }
        self.followed.streams += 1;
        false
    }

    fn followed(&mut self, followed: &event::Followed) {
        self.followed.events.add(followed);
    }

    fn end_turn(&mut self) {
        self.in_turn = false;
        self.file();
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        self.end_turn();
    }
}

impl Recorder {
    pub(super) fn new(record: Arc<Mutex<ConnectionRecord>>) -> Recorder {
        Recorder {
            record,
            started: Instant::now(),
            pending: Vec::new(),
            in_turn: false,
            micros: 0,
            decoder_table: Table::new(),
            encoder_table: Table::new(),
            statics: Vec::new(),
            last_field: None,
            recent_literals: Vec::with_capacity(RECENT_LITERALS),
            next_literal: 0,
            stream_tokens: STREAMS_BURST,
            refilled_micros: 0,
            followed: Followed::default(),
        }
    }

    /// Reads the clock for the turn's events, and gives back the streams earned since the last
    /// turn.
    #[inline(never)]
    fn begin_turn(&mut self) {
        self.in_turn = true;
        self.micros = u64::try_from(self.started.elapsed().as_micros()).unwrap_or(u64::MAX);
        self.refill();
    }

    /// Gathers what the record keeps of `event`.
    fn keep(&mut self, event: &Event<'_>) {
        let what = self.compact(event);
        self.pending.push(Entry {
            micros: self.micros,
            what,
        });
        if self.pending.len() >= FILED_AT {
            self.file();
        }
    }

    /// Files the events gathered in the record, and what those followed add to it (after them:
    /// a connection window they set is the latest).
    fn file(&mut self) {
        if self.pending.is_empty() && self.followed.is_empty() {
            return;
        }
        let mut record = lock(&self.record);
        record.file(&mut self.pending);
        record.add_followed(&std::mem::take(&mut self.followed));
    }

    /// Gives back the streams earned since the last refill, at the start of a turn.
    fn refill(&mut self) {
        const MICROS_PER_STREAM: u64 = 1_000_000 / STREAMS_PER_SECOND;
        let earned = self.micros.saturating_sub(self.refilled_micros) / MICROS_PER_STREAM;
        if earned > 0 {
            self.stream_tokens = (self.stream_tokens + earned).min(STREAMS_BURST);
            self.refilled_micros += earned * MICROS_PER_STREAM;
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
    /// 62 the dynamic table), a literal those of the same literal met recently, any other is
    /// copied.
    fn field(
        &mut self,
        direction: Direction,
        representation: Representation,
        field: &Field,
    ) -> KeptField {
        let Representation::Indexed { index } = representation else {
            return self.literal(field);
        };
        let known = match index.checked_sub(STATIC_LAST + 1) {
            None => self.statics.get(index).cloned().flatten(),
            Some(dynamic) => self.table(direction).entries.get(dynamic).cloned(),
        };
        if let Some(known) = known.filter(|known| known.is(field)) {
            return known;
        }
        let kept = KeptField::new(field);
        if index <= STATIC_LAST {
            self.statics.resize(STATIC_LAST + 1, None);
        }
        if let Some(slot) = self.statics.get_mut(index) {
            *slot = Some(kept.clone());
        }
        kept
    }

    /// A literal field, shared with the same one met among the last [`RECENT_LITERALS`].
    fn literal(&mut self, field: &Field) -> KeptField {
        if let Some(known) = self.recent_literals.iter().find(|known| known.is(field)) {
            return known.clone();
        }
        let kept = KeptField::new(field);
        if self.recent_literals.len() < RECENT_LITERALS {
            self.recent_literals.push(kept.clone());
        } else if let Some(slot) = self.recent_literals.get_mut(self.next_literal) {
            *slot = kept.clone();
            self.next_literal = (self.next_literal + 1) % RECENT_LITERALS;
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
