//! Streams that have left the table — RFC 9113 §5.1 (closed) and §5.1.1
//!
//! A late frame on a stream the connection no longer holds means different things depending on
//! how the stream ended, so the connection must remember that, for any number of streams, in
//! bounded memory:
//!
//! - a stream the client used and ended (END_STREAM, RST_STREAM): HEADERS on it again is a
//!   connection error STREAM_CLOSED (§5.1.1, "Stream identifiers cannot be reused");
//! - a lower id the client skipped when it opened a higher one, and so never used: that stream
//!   went from idle to closed without a frame (§5.1.1), and HEADERS on it is an identifier that
//!   does not increase, PROTOCOL_ERROR;
//! - a stream we reset a moment ago: the client may still have frames for it in flight, which
//!   are ignored (§5.1, closed).
//!
//! Even ids are the server's (§5.1.1): one is idle until we promise it (a push, §8.4) or a higher
//! one, and afterwards follows the same rules.
//!
//! Client stream ids mostly run 1, 3, 5, …, so instead of the streams this remembers the gaps:
//! every odd id up to the highest opened is "used" unless it lies in a recorded gap. Only the
//! last [`RECENT`] closures are remembered one by one, which is what frames in flight need.

use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasherDefault, Hasher};

/// The highest stream identifier, 2^31-1: identifiers are 31 bits (§5.1.1).
const MAX_STREAM_ID: u32 = 0x7fff_ffff;

/// How many recently closed streams are remembered with how they ended.
const RECENT: usize = 0x100;

/// How many ranges of skipped ids are remembered. A client that skips ids more often than this is
/// unusual; the oldest gaps are then forgotten, and their ids count as used (STREAM_CLOSED rather
/// than PROTOCOL_ERROR: a connection error either way).
const MAX_GAPS: usize = 0x100;

/// How a stream ended, as a late frame on it needs to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closure {
    /// We reset it, or ignored it after our GOAWAY: frames the client sent before learning so
    /// are ignored (§5.1, closed; §6.8).
    Discarded,
    /// The client closed it itself: with END_STREAM, after which we ended our side too, or with
    /// RST_STREAM. No frame it sends on the stream afterwards can have been in flight.
    ClosedByClient,
}

/// What the connection remembers of client streams that are no longer in its table.
#[derive(Debug, Default)]
pub struct ClosedStreams {
    /// The highest stream id the client opened with HEADERS (§5.1.1); PRIORITY does not count.
    highest_opened: u32,
    /// The highest even id we used (§5.1.1), 0 before the first.
    highest_promised: u32,
    /// Ranges of odd ids skipped by an opening HEADERS, ascending, at most [`MAX_GAPS`].
    gaps: VecDeque<(u32, u32)>,
    /// The last [`RECENT`] closures, by id, and their order for forgetting the oldest.
    recent: HashMap<u32, Closure, BuildHasherDefault<IdHasher>>,
    order: VecDeque<u32>,
}

impl ClosedStreams {
    /// The highest stream id the client has opened (0 before the first).
    pub fn highest_opened(&self) -> u32 {
        self.highest_opened
    }

    /// Whether a stream id is still idle: an odd one until the client opens it or a higher one,
    /// an even one until we use it or a higher one (§5.1.1).
    pub fn is_idle(&self, stream_id: u32) -> bool {
        if stream_id.is_multiple_of(2) {
            return stream_id > self.highest_promised;
        }
        stream_id > self.highest_opened
    }

    /// The next even id the server may use for a stream it initiates, if any is left
    /// (§5.1.1: "Stream identifiers cannot be reused").
    pub fn next_server_id(&self) -> Option<u32> {
        self.highest_promised
            .checked_add(2)
            .filter(|&id| id <= MAX_STREAM_ID)
    }

    /// We used the even id `stream_id` (a promise, §8.4); the ids below it are no longer idle.
    pub fn promised(&mut self, stream_id: u32) {
        self.highest_promised = self.highest_promised.max(stream_id);
    }

    /// HEADERS opened `stream_id`, above every id opened before: the odd ids skipped in between
    /// are closed without ever being used (§5.1.1).
    pub fn opened(&mut self, stream_id: u32) {
        let first_skipped = match self.highest_opened {
            0 => 1,
            highest => highest.saturating_add(2),
        };
        if stream_id > first_skipped {
            if self.gaps.len() == MAX_GAPS {
                self.gaps.pop_front();
            }
            self.gaps.push_back((first_skipped, stream_id - 2));
        }
        self.highest_opened = self.highest_opened.max(stream_id);
    }

    /// Records how a stream ended, unless it is already recorded among the recent ones (the first
    /// cause stands: a stream the client ended and that we then reset stays the client's).
    pub fn remember(&mut self, stream_id: u32, closure: Closure) {
        if self.recent.contains_key(&stream_id) {
            return;
        }
        if self.order.len() == RECENT {
            if let Some(oldest) = self.order.pop_front() {
                self.recent.remove(&oldest);
            }
        }
        self.recent.insert(stream_id, closure);
        self.order.push_back(stream_id);
    }

    /// How a client stream that is not in the table ended: `None` when it is idle or was skipped
    /// (never used). Beyond the recent ones, a used stream counts as closed by the client.
    pub fn closure(&self, stream_id: u32) -> Option<Closure> {
        if let Some(&closure) = self.recent.get(&stream_id) {
            return Some(closure);
        }
        if self.is_idle(stream_id) || self.skipped(stream_id) {
            return None;
        }
        Some(Closure::ClosedByClient)
    }

    /// Whether `stream_id` lies in a recorded gap.
    fn skipped(&self, stream_id: u32) -> bool {
        let after = self.gaps.partition_point(|&(first, _)| first <= stream_id);
        after
            .checked_sub(1)
            .and_then(|i| self.gaps.get(i))
            .is_some_and(|&(_, last)| stream_id <= last)
    }
}

/// Hashes a stream id with one multiplication (Fibonacci hashing), where the standard hasher
/// took a few hundred instructions for every stream a connection closes. The odd multiplier maps
/// the ids of a window of 2^n to distinct values modulo 2^n, so the usual run of ids 1, 3, 5, …
/// never collides; and as the map holds at most [`RECENT`] ids, ids that a client chose to collide
/// cost at most a walk through those.
#[derive(Debug, Default)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn write_u32(&mut self, id: u32) {
        self.0 = u64::from(id).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }

    /// Any other key, byte by byte (the map's keys are `u32`, which take `write_u32`).
    fn write(&mut self, octets: &[u8]) {
        for &octet in octets {
            self.0 = (self.0.rotate_left(8) ^ u64::from(octet)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_up_to_the_highest_opened_are_used_unless_skipped() {
        let mut closed = ClosedStreams::default();
        closed.opened(1);
        closed.opened(3);
        closed.opened(9);
        assert_eq!(closed.closure(1), Some(Closure::ClosedByClient));
        assert_eq!(closed.closure(3), Some(Closure::ClosedByClient));
        assert_eq!(closed.closure(5), None);
        assert_eq!(closed.closure(7), None);
        assert_eq!(closed.closure(9), Some(Closure::ClosedByClient));
        assert_eq!(closed.closure(11), None);
        assert!(closed.is_idle(11));
        assert!(closed.is_idle(4));
    }

    #[test]
    fn even_ids_are_idle_until_we_use_them_and_are_handed_out_in_order() {
        let mut closed = ClosedStreams::default();
        assert!(closed.is_idle(2));
        assert_eq!(closed.next_server_id(), Some(2));
        closed.promised(2);
        assert!(!closed.is_idle(2));
        assert!(closed.is_idle(4));
        assert_eq!(closed.next_server_id(), Some(4));
        closed.promised(0x7fff_fffe);
        assert_eq!(closed.next_server_id(), None);
    }

    #[test]
    fn a_first_stream_above_one_skips_the_ids_below_it() {
        let mut closed = ClosedStreams::default();
        closed.opened(13);
        assert_eq!(closed.closure(1), None);
        assert_eq!(closed.closure(11), None);
        assert_eq!(closed.closure(13), Some(Closure::ClosedByClient));
    }

    #[test]
    fn recent_closures_keep_their_cause_and_the_first_cause_stands() {
        let mut closed = ClosedStreams::default();
        closed.opened(1);
        closed.opened(3);
        closed.remember(1, Closure::Discarded);
        closed.remember(3, Closure::ClosedByClient);
        closed.remember(3, Closure::Discarded);
        assert_eq!(closed.closure(1), Some(Closure::Discarded));
        assert_eq!(closed.closure(3), Some(Closure::ClosedByClient));
    }

    #[test]
    fn any_number_of_streams_is_told_apart_in_bounded_memory() {
        let mut closed = ClosedStreams::default();
        // 100,000 streams: every tenth one skips an id.
        let mut id = 1;
        for n in 0..100_000u32 {
            closed.opened(id);
            closed.remember(id, Closure::Discarded);
            id += if n % 10 == 0 { 4 } else { 2 };
        }
        assert!(closed.recent.len() <= RECENT && closed.order.len() <= RECENT);
        assert!(closed.gaps.len() <= MAX_GAPS);
        // An old stream, long forgotten one by one, is still known as used.
        assert_eq!(closed.closure(1), Some(Closure::ClosedByClient));
        // The newest gap is known as never used.
        let (first, last) = *closed.gaps.back().unwrap();
        assert_eq!(first, last);
        assert_eq!(closed.closure(first), None);
        // The last one reset is still known as discarded.
        assert_eq!(
            closed.closure(closed.highest_opened()),
            Some(Closure::Discarded)
        );
    }
}
