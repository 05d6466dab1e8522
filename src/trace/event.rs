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

    /// Whether the observer wants the events of `stream_id`, a stream that is opening (its
    /// HEADERS arrived, or a push reserves it). Asked once a stream. When it does not, the
    /// connection does not hand it the stream's events (its frames, field steps, states, windows,
    /// the connection window changes its DATA makes) but only what they add up to, through
    /// [`Observer::followed`]: that is what keeps watching a busy connection cheap. The
    /// connection's own events, errors and both HPACK tables' changes come whatever the answer,
    /// so that a table followed from the events stays right. By default, yes.
    fn wants_stream(&mut self, _stream_id: u32) -> bool {
        true
    }

    /// What the events of streams the observer declined ([`Observer::wants_stream`]) add up to,
    /// since the last report; always before the next event handed over, so that reports and
    /// events keep their order. Never called for an observer that wants every stream.
    fn followed(&mut self, _followed: &Followed) {}
}

/// What events of streams an observer does not watch add up to: how many there were, the frames
/// and octets each way, and the connection's windows after the last change they made. Indexed by
/// [`Direction`] (`Recv` 0, `Send` 1).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Followed {
    /// Events it stands for: a frame, a state or window change, a stream waiting for window.
    pub events: u64,
    /// Frames each way.
    pub frames: [u64; 2],
    /// Octets of those frames, headers included.
    pub octets: [u64; 2],
    /// The connection's windows after the DATA of these streams changed them, each way; `None`
    /// when they did not.
    pub connection_window: [Option<i64>; 2],
}

impl Followed {
    /// A frame of `octets` octets, header included, and `more` events it caused on its stream.
    pub fn frame(direction: Direction, octets: usize, more: u64) -> Followed {
        let mut followed = Followed::events(1 + more);
        followed.frames[direction as usize] = 1;
        followed.octets[direction as usize] = octets as u64;
        followed
    }

    /// `events` events that only count: state changes, a stream's windows, waits.
    pub fn events(events: u64) -> Followed {
        Followed {
            events,
            ..Followed::default()
        }
    }

    /// The connection's window one way after a DATA frame of the stream changed it, to `size`.
    pub fn connection_window(mut self, direction: Direction, size: i64) -> Followed {
        self.events += 1;
        self.connection_window[direction as usize] = Some(size);
        self
    }

    /// Adds `later` to these: the counts summed, the windows it set the latest.
    pub fn add(&mut self, later: &Followed) {
        self.events += later.events;
        for way in 0..2 {
            self.frames[way] += later.frames[way];
            self.octets[way] += later.octets[way];
            if later.connection_window[way].is_some() {
                self.connection_window[way] = later.connection_window[way];
            }
        }
    }
}

/// Which of a connection's observers watch one stream ([`Observer::wants_stream`]): a bit each,
/// in the order they were added. A connection has a few (the record, the `-v` log, a capture);
/// those from the 32nd on share the last bit, and see a stream's events when any of them wants
/// them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Watchers(u32);

impl Watchers {
    /// Every observer: for the connection's own events, and for a stream that was never asked
    /// about (one that is closed, or was never opened).
    pub const ALL: Watchers = Watchers(u32::MAX);

    /// Whether the observer at `index` watches.
    fn has(self, index: usize) -> bool {
        self.0 & Watchers::bit(index) != 0
    }

    /// Whether any observer watches: only then are the stream's events built.
    pub fn any(self) -> bool {
        self.0 != 0
    }

    fn bit(index: usize) -> u32 {
        1 << index.min(31)
    }
}

/// One observer, and what the streams it declined have added up to since it last heard.
struct Watching {
    observer: Box<dyn Observer>,
    followed: Followed,
}

impl Watching {
    /// Hands `event` over, after what the declined streams added up to before it.
    fn event(&mut self, event: &Event<'_>) {
        self.hand_over_followed();
        self.observer.event(event);
    }

    fn hand_over_followed(&mut self) {
        if self.followed.events > 0 {
            let followed = std::mem::take(&mut self.followed);
            self.observer.followed(&followed);
        }
    }
}

/// The observers of one connection, each seeing every event in order, but those of the streams it
/// declined, which it sees added up. Empty, reporting an event costs one branch.
#[derive(Default)]
pub struct Observers(Vec<Watching>);

impl Observers {
    /// Adds an observer; it sees the events from now on.
    pub fn add(&mut self, observer: Box<dyn Observer>) {
        self.0.push(Watching {
            observer,
            followed: Followed::default(),
        });
    }

    /// Whether anyone watches: callers ask before building an event that costs work.
    pub fn is_watching(&self) -> bool {
        !self.0.is_empty()
    }

    /// Hands `event` to every observer, in the order they were added.
    pub fn emit(&mut self, event: &Event<'_>) {
        for watching in &mut self.0 {
            watching.event(event);
        }
    }

    /// Asks every observer whether it wants the events of `stream_id`, which is opening
    /// ([`Observer::wants_stream`]).
    pub fn watchers(&mut self, stream_id: u32) -> Watchers {
        let mut watchers = Watchers(0);
        for (index, watching) in self.0.iter_mut().enumerate() {
            if watching.observer.wants_stream(stream_id) {
                watchers.0 |= Watchers::bit(index);
            }
        }
        watchers
    }

    /// An event of a stream watched by `watchers`: built (by `event`) and handed to them only if
    /// there are any; the other observers add `followed`, what it stands for, to their count.
    #[inline]
    pub fn report<'a>(
        &mut self,
        watchers: Watchers,
        followed: Followed,
        event: impl FnOnce() -> Event<'a>,
    ) {
        if !self.is_watching() {
            return;
        }
        if watchers.any() {
            self.emit_to(watchers, &event());
        }
        self.follow(watchers, &followed);
    }

    /// Hands `event` to the observers among `watchers`, in the order they were added.
    pub fn emit_to(&mut self, watchers: Watchers, event: &Event<'_>) {
        for (index, watching) in self.0.iter_mut().enumerate() {
            if watchers.has(index) {
                watching.event(event);
            }
        }
    }

    /// Adds `followed` to the count of each observer not among `watchers`.
    pub fn follow(&mut self, watchers: Watchers, followed: &Followed) {
        for (index, watching) in self.0.iter_mut().enumerate() {
            if !watchers.has(index) {
                watching.followed.add(followed);
            }
        }
    }

    /// Tells every observer that the connection has finished a turn.
    pub fn end_turn(&mut self) {
        for watching in &mut self.0 {
            watching.hand_over_followed();
            watching.observer.end_turn();
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
