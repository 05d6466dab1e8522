//! What happens on a connection, as events for whoever watches it (DESIGN.md, "Watching").
//!
//! The connection core reports each thing that happens as an [`Event`] to the [`Observers`] it is
//! given, and never formats text itself. The renderers that make something of the events live
//! beside this file: the `-v` / `-vv` lines ([`super::text`]) and the capture files
//! ([`super::capture`]). Events borrow what they show, so building one costs nothing but the enum;
//! and with no observer attached the connection builds none that costs more (octet slices, HPACK
//! steps): it asks [`Observers::is_watching`] first.

use crate::error::ErrorCode;
use crate::frame::{Frame, FrameHeader};
use crate::hpack;

/// Which way octets went, seen from the endpoint that reports: `Recv` = from the peer, `Send` =
/// to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// From the peer to us.
    Recv,
    /// From us to the peer.
    Send,
}

impl Direction {
    /// `recv` or `send`, as the log lines say it.
    pub fn label(self) -> &'static str {
        match self {
            Direction::Recv => "recv",
            Direction::Send => "send",
        }
    }
}

/// One thing that happened on a connection. Borrowed: building one costs nothing but the enum.
#[derive(Debug, Clone, Copy)]
pub enum Event<'a> {
    /// The 24-octet client preface (RFC 9113 §3.4), seen or sent.
    Preface {
        /// Which way it went.
        direction: Direction,
        /// Its octets.
        octets: &'a [u8],
    },
    /// A whole frame, header included (`octets`), seen or sent; `frame` is `None` when it could
    /// not be decoded (the error follows as its own event) or was not decoded to save work (our
    /// DATA).
    Frame {
        /// Which way it went.
        direction: Direction,
        /// Its 9-octet header, decoded.
        header: &'a FrameHeader,
        /// The decoded frame, when there is one.
        frame: Option<&'a Frame>,
        /// The frame's octets as they went over the wire.
        octets: &'a [u8],
    },
    /// One step of HPACK while decoding a received block or encoding one we send: a field with
    /// its representation and offset, a size update, an insertion, an eviction.
    Hpack {
        /// Recv: the peer's block, decoded; Send: ours, encoded.
        direction: Direction,
        /// The stream of the header block.
        stream_id: u32,
        /// What the decoder (or encoder) did.
        step: &'a hpack::Event<'a>,
    },
    /// A stream's state changed (RFC 9113 §5.1); names as the RFC writes them ("idle", "open",
    /// "half-closed (remote)", ...).
    StreamState {
        /// The stream.
        stream_id: u32,
        /// The state before.
        from: &'static str,
        /// The state after.
        to: &'static str,
    },
    /// A flow-control window changed (§6.9); stream 0 is the connection.
    Window {
        /// Send: the window we send in; Recv: the window the peer sends in.
        direction: Direction,
        /// The stream, or 0 for the connection's window.
        stream_id: u32,
        /// The window's size after the change (it can be negative, §6.9.2).
        size: i64,
        /// How much it changed: DATA takes octets, WINDOW_UPDATE gives them back.
        change: i64,
    },
    /// A stream has octets to send but no window (§6.9): how much window, how much queued.
    Blocked {
        /// The stream that waits.
        stream_id: u32,
        /// The window it may send in: the smaller of its own and the connection's.
        window: i64,
        /// Octets of its body still to send.
        queued: u64,
    },
    /// A named limit was reached (DESIGN.md "Limits"): its name and value.
    Limit {
        /// The limit's name, as its flag or setting is called.
        name: &'static str,
        /// Its value.
        value: u64,
    },
    /// A protocol error we detected, or one the peer reported (GOAWAY / RST_STREAM received):
    /// stream `None` = connection error; with the RFC section that the rule comes from.
    Error {
        /// The stream of a stream error; `None` for a connection error.
        stream_id: Option<u32>,
        /// The code sent or received.
        code: ErrorCode,
        /// The section the rule comes from, as [`crate::error::ConnectionError::section`].
        section: &'a str,
        /// Why, in words.
        reason: &'a str,
    },
    /// The connection ended, and why, in words ("closed after GOAWAY", "timed out: ...",
    /// "refused: ...").
    Closed {
        /// Why.
        reason: &'a str,
    },
}

/// Whoever watches a connection. Called on the connection's own thread, in order.
pub trait Observer: Send {
    /// One event, as it happens.
    fn event(&mut self, event: &Event<'_>);

    /// The connection has finished a turn: it has handled the octets that arrived, or written
    /// what was due, or ended. An observer that gathers events makes them visible now (the
    /// inspector's record publishes a turn's events at once); the others have nothing to do.
    fn end_turn(&mut self) {}

    /// Whether the observer wants the field steps of the header block of `stream_id` about to be
    /// decoded or encoded: one [`hpack::Event::Field`] per field, the costliest events to report
    /// and to keep. Size updates, insertions and evictions are reported whatever the answer, so
    /// that a table followed from the events stays right. Asked once a block; when any observer
    /// wants the fields, every observer gets them. By default, yes.
    fn wants_fields(&mut self, _stream_id: u32) -> bool {
        true
    }
}

/// The observers of one connection, each seeing every event in order. Empty, reporting an event
/// costs one branch.
#[derive(Default)]
pub struct Observers(Vec<Box<dyn Observer>>);

impl Observers {
    /// Adds an observer; it sees the events from now on.
    pub fn add(&mut self, observer: Box<dyn Observer>) {
        self.0.push(observer);
    }

    /// Whether anyone watches: callers ask before building an event that costs work.
    pub fn is_watching(&self) -> bool {
        !self.0.is_empty()
    }

    /// Hands `event` to every observer, in the order they were added.
    pub fn emit(&mut self, event: &Event<'_>) {
        for observer in &mut self.0 {
            observer.event(event);
        }
    }

    /// Whether any observer wants the field steps of the next header block, of `stream_id`
    /// ([`Observer::wants_fields`]).
    pub fn want_fields(&mut self, stream_id: u32) -> bool {
        self.0
            .iter_mut()
            .any(|observer| observer.wants_fields(stream_id))
    }

    /// Tells every observer that the connection has finished a turn.
    pub fn end_turn(&mut self) {
        for observer in &mut self.0 {
            observer.end_turn();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    struct Count(Arc<Mutex<Vec<&'static str>>>, &'static str);

    impl Observer for Count {
        fn event(&mut self, _: &Event<'_>) {
            self.0.lock().unwrap().push(self.1);
        }
    }

    #[test]
    fn every_observer_sees_every_event_in_the_order_added() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let mut observers = Observers::default();
        assert!(!observers.is_watching());
        observers.add(Box::new(Count(Arc::clone(&seen), "a")));
        observers.add(Box::new(Count(Arc::clone(&seen), "b")));
        assert!(observers.is_watching());
        observers.emit(&Event::Closed { reason: "done" });
        observers.emit(&Event::Limit {
            name: "x",
            value: 1,
        });
        assert_eq!(*seen.lock().unwrap(), ["a", "b", "a", "b"]);
    }
}
