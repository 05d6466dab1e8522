//! The connection's clock — RFC 9113 §3.4, §6.5.3, §6.8 and §9.1: deadlines, the idle timer and a
//! graceful shutdown, free of I/O.
//!
//! The connection never reads a clock: it is told the time. As quinn-proto's `Connection` does,
//! it says when it next needs to be told ([`Connection::poll_timeout`]) and acts when it is
//! ([`Connection::handle_timeout`]). The socket loop calls `handle_timeout(now)` after each
//! `receive` and `poll_output` and whenever the instant `poll_timeout` named has come, and waits
//! for input no longer than until that instant. A test does the same with instants it makes up.
//!
//! The deadlines, set by [`Connection::start_timers`]:
//!
//! | deadline | counted from | when it passes |
//! |---|---|---|
//! | the client preface and its SETTINGS (§3.4) | the connection's start | GOAWAY NO_ERROR, close |
//! | the first request | the connection's start | GOAWAY NO_ERROR, close |
//! | the ACK of our SETTINGS (§6.5.3) | the connection's start: our SETTINGS is the first frame | GOAWAY SETTINGS_TIMEOUT, close |
//! | idle (§9.1) | the last progress | GOAWAY NO_ERROR, close |
//! | drain, in a graceful shutdown | the shutdown's start | the final GOAWAY if not sent yet, open streams cut, close |
//!
//! Counting from the start makes them deadlines, not timeouts between two reads: a peer that
//! trickles one octet at a time does not extend them.
//!
//! **Progress** is what serving a client consists of: a stream opened or ended, DATA with content
//! moving either way. Nothing else counts: a peer that sends a PING a second, or WINDOW_UPDATEs
//! that let nothing move, does not keep a stalled stream (and the thread that serves it) alive.
//!
//! **Close** means: [`Connection::is_closed`] turns true once the GOAWAY, and whatever else can be
//! written at once, is written; the loop then closes the socket.
//!
//! **Graceful shutdown** ([`Connection::begin_shutdown`]) follows RFC 9113 §6.8: GOAWAY with the
//! last stream id 2^31-1 and a PING; when the PING's ACK comes back, every request the client sent
//! before it saw the first GOAWAY has arrived, and a second GOAWAY names the real last stream.
//! The open streams then finish, up to the drain deadline.

use std::fmt;
use std::time::{Duration, Instant};

use super::{Connection, Phase};
use crate::error::ErrorCode;
use crate::frame::{Frame, GoAway, Ping};

/// The highest stream identifier there can be (RFC 9113 §5.1.1: identifiers are 31 bits): the
/// first GOAWAY of a graceful shutdown names it, so that no request already on its way is lost.
const LAST_POSSIBLE_STREAM: u32 = 0x7fff_ffff;

/// The payload of the PING that measures the round trip of a graceful shutdown.
const SHUTDOWN_PING: [u8; 8] = *b"shutdown";

/// How long each deadline is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// The client preface and its SETTINGS, from the connection's start.
    pub preface: Duration,
    /// The first request, from the connection's start.
    pub first_request: Duration,
    /// The ACK of our SETTINGS, from the connection's start.
    pub settings_ack: Duration,
    /// How long the connection may go without progress.
    pub idle: Duration,
}

impl Default for Timeouts {
    /// Ten seconds for the client's first octets, as for a TLS handshake; a browser that opens a
    /// connection ahead of need sends its request well within thirty; a minute without progress.
    fn default() -> Timeouts {
        Timeouts {
            preface: Duration::from_secs(10),
            first_request: Duration::from_secs(30),
            settings_ack: Duration::from_secs(10),
            idle: Duration::from_secs(60),
        }
    }
}

/// A deadline that passed, with its length: what [`Connection::handle_timeout`] acted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expired {
    /// No client preface (with its SETTINGS) in time.
    Preface(Duration),
    /// No request in time.
    FirstRequest(Duration),
    /// Our SETTINGS went unacknowledged.
    SettingsAck(Duration),
    /// No progress for this long.
    Idle(Duration),
    /// A graceful shutdown's drain time is over; streams still open were cut.
    Drain(Duration),
}

impl fmt::Display for Expired {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expired::Preface(d) => write!(f, "no client preface within {d:?} of connecting"),
            Expired::FirstRequest(d) => write!(f, "no request within {d:?} of connecting"),
            Expired::SettingsAck(d) => write!(f, "our SETTINGS went unacknowledged for {d:?}"),
            Expired::Idle(d) => write!(f, "no progress for {d:?}"),
            Expired::Drain(d) => write!(f, "streams still open after draining for {d:?}"),
        }
    }
}

/// The clock's state, held by the connection.
#[derive(Debug, Default)]
pub(super) struct Timers {
    /// `None` until [`Connection::start_timers`]: a connection driven without time has no
    /// deadlines (the unit tests of the other rules).
    armed: Option<Armed>,
    /// Progress happened since the last `handle_timeout`, which dates it.
    progressed: bool,
    shutdown: Option<Shutdown>,
    /// A deadline passed: the connection closes once what it could write is written.
    expired: bool,
}

#[derive(Debug)]
struct Armed {
    started: Instant,
    timeouts: Timeouts,
    last_progress: Instant,
}

#[derive(Debug)]
struct Shutdown {
    started: Instant,
    drain: Duration,
    /// The first GOAWAY and our PING are out; the PING's ACK has not come back.
    awaiting_ping: bool,
}

impl Timers {
    /// A stream opened or ended, or DATA with content moved: the idle timer starts again.
    pub(super) fn progress(&mut self) {
        self.progressed = true;
    }

    /// A deadline passed and the connection is closing.
    pub(super) fn expired(&self) -> bool {
        self.expired
    }
}

impl Connection {
    /// Arms the deadlines: the connection started at `started` (when it was accepted, before any
    /// TLS handshake), and `timeouts` says how long each deadline is.
    pub fn start_timers(&mut self, started: Instant, timeouts: Timeouts) {
        self.timers.armed = Some(Armed {
            started,
            timeouts,
            last_progress: started,
        });
    }

    /// Tells the connection the time: dates the progress made since the last call at `now`, then
    /// acts on the first deadline that has passed (GOAWAY queued, the connection closing), and
    /// says which it was. Call it after each `receive` and `poll_output`, and at the instant
    /// [`Connection::poll_timeout`] names.
    pub fn handle_timeout(&mut self, now: Instant) -> Option<Expired> {
        if std::mem::take(&mut self.timers.progressed) {
            if let Some(armed) = self.timers.armed.as_mut() {
                armed.last_progress = now;
            }
        }
        let (_, expired) = self
            .deadlines()
            .into_iter()
            .flatten()
            .filter(|&(at, _)| at <= now)
            .min_by_key(|&(at, _)| at)?;
        self.expire(expired);
        Some(expired)
    }

    /// When [`Connection::handle_timeout`] next has something to do; `None`: nothing is timed.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.deadlines()
            .into_iter()
            .flatten()
            .map(|(at, _)| at)
            .min()
    }

    /// Starts a graceful shutdown at `now` (RFC 9113 §6.8); the open streams may take `drain` to
    /// finish. Does nothing if one is under way, or if the connection has failed.
    pub fn begin_shutdown(&mut self, now: Instant, drain: Duration) {
        if self.timers.shutdown.is_some() || self.phase == Phase::Failed {
            return;
        }
        let awaiting_ping = !self.goaway_sent;
        if awaiting_ping {
            // RFC 9113 §6.8: A server that is attempting to gracefully shut down a connection
            // SHOULD send an initial GOAWAY frame with the last stream identifier set to 2^31-1
            // and a NO_ERROR code. This signals to the client that a shutdown is imminent and
            // that initiating further requests is prohibited. After allowing time for any
            // in-flight stream creation (at least one round-trip time), the server MAY send
            // another GOAWAY frame with an updated last stream identifier.
            self.queue(Frame::GoAway(GoAway {
                last_stream_id: LAST_POSSIBLE_STREAM,
                error_code: ErrorCode::NO_ERROR,
                debug_data: b"shutting down".to_vec(),
            }));
            // The round trip is measured with a PING (§6.7: "a mechanism for measuring a
            // minimal round-trip time from the sender").
            self.queue(Frame::Ping(Ping {
                ack: false,
                data: SHUTDOWN_PING,
            }));
        }
        self.timers.shutdown = Some(Shutdown {
            started: now,
            drain,
            awaiting_ping,
        });
    }

    /// Whether a graceful shutdown is under way.
    pub fn is_shutting_down(&self) -> bool {
        self.timers.shutdown.is_some()
    }

    /// Whether the client has sent a request the connection processed: a client that has not is
    /// the first to make room for another when the server is full.
    pub fn has_had_a_request(&self) -> bool {
        self.last_processed > 0
    }

    /// The ACK of a PING of ours (§6.7). The shutdown's PING ends the round trip: whatever the
    /// client sent before it saw the first GOAWAY has arrived, so the second GOAWAY can name
    /// the last stream.
    pub(super) fn on_ping_ack(&mut self, data: [u8; 8]) {
        let Some(shutdown) = self.timers.shutdown.as_mut() else {
            return;
        };
        if !shutdown.awaiting_ping || data != SHUTDOWN_PING {
            return;
        }
        shutdown.awaiting_ping = false;
        self.go_away(ErrorCode::NO_ERROR, "shutting down");
    }

    /// Every deadline that applies now, each with what it means when it passes.
    fn deadlines(&self) -> [Option<(Instant, Expired)>; 5] {
        if self.timers.expired || self.phase == Phase::Failed {
            return [None; 5];
        }
        let drain = self.timers.shutdown.as_ref().map(|shutdown| {
            (
                shutdown.started + shutdown.drain,
                Expired::Drain(shutdown.drain),
            )
        });
        let Some(armed) = self.timers.armed.as_ref() else {
            return [drain, None, None, None, None];
        };
        let Timeouts {
            preface,
            first_request,
            settings_ack,
            idle,
        } = armed.timeouts;
        let from_start =
            |length: Duration, expired: Expired| Some((armed.started + length, expired));
        let waiting_for_preface = matches!(self.phase, Phase::Preface | Phase::FirstSettings);
        [
            drain,
            Some((armed.last_progress + idle, Expired::Idle(idle))),
            if waiting_for_preface {
                from_start(preface, Expired::Preface(preface))
            } else {
                None
            },
            if self.has_had_a_request() {
                None
            } else {
                from_start(first_request, Expired::FirstRequest(first_request))
            },
            if self.settings_acked {
                None
            } else {
                from_start(settings_ack, Expired::SettingsAck(settings_ack))
            },
        ]
    }

    /// A deadline passed: GOAWAY, and the connection closes.
    fn expire(&mut self, expired: Expired) {
        self.timers.expired = true;
        let reason = expired.to_string();
        match expired {
            // RFC 9113 §6.5.3: If the sender of a SETTINGS frame does not receive an
            // acknowledgment within a reasonable amount of time, it MAY issue a connection error
            // of type SETTINGS_TIMEOUT.
            Expired::SettingsAck(_) => self.go_away(ErrorCode::SETTINGS_TIMEOUT, &reason),
            // RFC 9113 §6.8: the final GOAWAY names the last stream, whether or not the PING
            // came back; the streams that did not finish in time are cut with the connection.
            Expired::Drain(_) => {
                self.go_away(ErrorCode::NO_ERROR, &reason);
                self.streams.clear();
                self.ready.clear();
            }
            // RFC 9113 §9.1: Servers are encouraged to maintain open connections for as long as
            // possible but are permitted to terminate idle connections if necessary. (A client
            // that never starts to use its connection, or stops in the middle, is idle.)
            Expired::Preface(_) | Expired::FirstRequest(_) | Expired::Idle(_) => {
                self.go_away(ErrorCode::NO_ERROR, &reason);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connection::LocalSettings;
    use crate::frame::PREFACE;
    use crate::hpack::{Encoder, Field};
    use crate::http::{Body, Exchange, Handler, Request, Response};
    use std::sync::Arc;

    const SECOND: Duration = Duration::from_secs(1);
    const GOAWAY: u8 = 0x7;
    const PING: u8 = 0x6;
    const NO_ERROR: u32 = 0x0;
    const SETTINGS_TIMEOUT: u32 = 0x4;

    /// Answers `/big` with 1 MiB and anything else with two octets.
    struct Sizes;

    struct SizesExchange(String);

    impl Handler for Sizes {
        fn start(&self, request: Request) -> Box<dyn Exchange> {
            Box::new(SizesExchange(request.path.to_string()))
        }
    }

    impl Exchange for SizesExchange {
        fn body(&mut self, _chunk: &[u8]) {}

        fn finish(self: Box<Self>, _trailers: &[(String, String)]) -> Response {
            let len = if self.0 == "/big" { 0x10_0000 } else { 2 };
            Response::new(200, Vec::new(), Body::Bytes(vec![0x61; len]))
        }
    }

    /// A connection whose clock is `t0` plus what the test adds, with the default timeouts.
    struct Clocked {
        conn: Connection,
        t0: Instant,
        encoder: Encoder,
    }

    impl Clocked {
        fn new() -> Clocked {
            let t0 = Instant::now();
            let mut conn = Connection::new(1, LocalSettings::default(), Arc::new(Sizes));
            conn.start_timers(t0, Timeouts::default());
            Clocked {
                conn,
                t0,
                encoder: Encoder::new(),
            }
        }

        /// The preface, empty SETTINGS and the ACK of ours, at `t0 + at`.
        fn ready(at: Duration) -> Clocked {
            let mut clocked = Clocked::new();
            let mut octets = PREFACE.to_vec();
            octets.extend(frame(0x4, 0, 0, &[]));
            octets.extend(frame(0x4, 0x1, 0, &[]));
            clocked.send(at, &octets);
            clocked
        }

        fn at(&self, offset: Duration) -> Instant {
            self.t0 + offset
        }

        /// Octets from the client at `t0 + at`, then the output the loop would write.
        fn send(&mut self, at: Duration, octets: &[u8]) -> Vec<(u8, u8, u32, Vec<u8>)> {
            self.conn.receive(octets).unwrap();
            self.conn.handle_timeout(self.at(at));
            self.output(at)
        }

        fn output(&mut self, at: Duration) -> Vec<(u8, u8, u32, Vec<u8>)> {
            let mut out = Vec::new();
            self.conn.poll_output(&mut out, usize::MAX);
            self.conn.handle_timeout(self.at(at));
            frames(&out)
        }

        /// Lets the clock run to `t0 + at`, as the loop does when `poll_timeout` comes.
        fn tick(&mut self, at: Duration) -> Option<Expired> {
            self.conn.handle_timeout(self.at(at))
        }

        fn get(&mut self, stream: u32, path: &str) -> Vec<u8> {
            let fields = [
                (":method", "GET"),
                (":scheme", "https"),
                (":authority", "h2lab.test"),
                (":path", path),
            ]
            .map(|(name, value)| Field::new(name, value));
            let mut block = Vec::new();
            self.encoder.encode(&fields, &mut block);
            frame(0x1, 0x1 | 0x4, stream, &block)
        }
    }

    fn frame(kind: u8, flags: u8, stream: u32, payload: &[u8]) -> Vec<u8> {
        let mut out = (payload.len() as u32).to_be_bytes()[1..].to_vec();
        out.extend([kind, flags]);
        out.extend(stream.to_be_bytes());
        out.extend(payload);
        out
    }

    fn frames(mut octets: &[u8]) -> Vec<(u8, u8, u32, Vec<u8>)> {
        let mut out = Vec::new();
        while octets.len() >= 9 {
            let len = u32::from_be_bytes([0, octets[0], octets[1], octets[2]]) as usize;
            let stream = u32::from_be_bytes(octets[5..9].try_into().unwrap());
            out.push((octets[3], octets[4], stream, octets[9..9 + len].to_vec()));
            octets = &octets[9 + len..];
        }
        out
    }

    /// (last stream id, error code) of every GOAWAY in `out`.
    fn goaways(out: &[(u8, u8, u32, Vec<u8>)]) -> Vec<(u32, u32)> {
        out.iter()
            .filter(|f| f.0 == GOAWAY)
            .map(|f| {
                let word = |at: usize| u32::from_be_bytes(f.3[at..at + 4].try_into().unwrap());
                (word(0), word(4))
            })
            .collect()
    }

    fn ping(flags: u8, data: &[u8; 8]) -> Vec<u8> {
        frame(PING, flags, 0, data)
    }

    fn window_update(stream: u32, increment: u32) -> Vec<u8> {
        frame(0x8, 0, stream, &increment.to_be_bytes())
    }

    #[test]
    fn a_connection_without_timers_never_needs_the_time() {
        let mut conn = Connection::new(1, LocalSettings::default(), Arc::new(Sizes));
        assert_eq!(conn.poll_timeout(), None);
        assert_eq!(conn.handle_timeout(Instant::now() + 1000 * SECOND), None);
    }

    #[test]
    fn the_preface_deadline_counts_from_the_start_however_the_octets_trickle() {
        let mut clocked = Clocked::new();
        clocked.output(Duration::ZERO);
        assert_eq!(clocked.conn.poll_timeout(), Some(clocked.at(10 * SECOND)));
        for (i, octet) in PREFACE.iter().take(20).enumerate() {
            clocked.send(SECOND / 2 * i as u32, &[*octet]);
            assert_eq!(clocked.conn.poll_timeout(), Some(clocked.at(10 * SECOND)));
        }
        assert_eq!(clocked.tick(10 * SECOND - Duration::from_millis(1)), None);
        assert_eq!(
            clocked.tick(10 * SECOND),
            Some(Expired::Preface(10 * SECOND))
        );
        let out = clocked.output(10 * SECOND);
        assert_eq!(goaways(&out), vec![(0, NO_ERROR)]);
        assert!(clocked.conn.is_closed());
    }

    #[test]
    fn a_client_that_only_pings_meets_the_first_request_deadline() {
        let mut clocked = Clocked::ready(SECOND);
        for second in 2..30 {
            let out = clocked.send(second * SECOND, &ping(0, b"12345678"));
            assert_eq!(out.len(), 1, "the PING is answered");
        }
        assert_eq!(clocked.conn.poll_timeout(), Some(clocked.at(30 * SECOND)));
        assert_eq!(
            clocked.tick(30 * SECOND),
            Some(Expired::FirstRequest(30 * SECOND))
        );
        assert_eq!(goaways(&clocked.output(30 * SECOND)), vec![(0, NO_ERROR)]);
        assert!(clocked.conn.is_closed());
    }

    #[test]
    fn unacknowledged_settings_meet_settings_timeout() {
        let mut clocked = Clocked::new();
        let mut octets = PREFACE.to_vec();
        octets.extend(frame(0x4, 0, 0, &[]));
        clocked.send(SECOND, &octets);
        let get = clocked.get(1, "/");
        clocked.send(2 * SECOND, &get);
        assert_eq!(clocked.conn.poll_timeout(), Some(clocked.at(10 * SECOND)));
        assert_eq!(
            clocked.tick(10 * SECOND),
            Some(Expired::SettingsAck(10 * SECOND))
        );
        assert_eq!(
            goaways(&clocked.output(10 * SECOND)),
            vec![(1, SETTINGS_TIMEOUT)]
        );
        assert!(clocked.conn.is_closed());
    }

    #[test]
    fn a_request_restarts_the_idle_timer_and_a_ping_does_not() {
        let mut clocked = Clocked::ready(SECOND);
        let get = clocked.get(1, "/");
        clocked.send(5 * SECOND, &get);
        assert_eq!(clocked.conn.poll_timeout(), Some(clocked.at(65 * SECOND)));
        clocked.send(40 * SECOND, &ping(0, b"12345678"));
        assert_eq!(clocked.conn.poll_timeout(), Some(clocked.at(65 * SECOND)));
        assert_eq!(clocked.tick(65 * SECOND), Some(Expired::Idle(60 * SECOND)));
        assert_eq!(goaways(&clocked.output(65 * SECOND)), vec![(1, NO_ERROR)]);
        assert!(clocked.conn.is_closed());
    }

    #[test]
    fn a_stalled_stream_kept_busy_with_pings_and_empty_updates_is_idle() {
        let mut clocked = Clocked::ready(Duration::ZERO);
        let get = clocked.get(1, "/big");
        // The client's windows (65,535 octets) let the first part out, then the stream stalls.
        let out = clocked.send(SECOND, &get);
        assert!(out.iter().any(|f| f.0 == 0x0));
        assert!(!clocked.conn.wants_write());
        for second in 2..61 {
            clocked.send(second * SECOND, &ping(0, b"12345678"));
            // The connection window opens, the stream's does not: nothing can move.
            clocked.send(second * SECOND, &window_update(0, 1));
        }
        assert!(clocked.conn.has_open_streams());
        assert_eq!(clocked.tick(61 * SECOND), Some(Expired::Idle(60 * SECOND)));
        assert_eq!(goaways(&clocked.output(61 * SECOND)), vec![(1, NO_ERROR)]);
        assert!(clocked.conn.is_closed());
    }

    #[test]
    fn data_that_keeps_moving_keeps_the_connection() {
        let mut clocked = Clocked::ready(Duration::ZERO);
        let get = clocked.get(1, "/big");
        clocked.send(SECOND, &get);
        // A slow reader: every 50 s, credit for 1,000 more octets on the stream and the connection.
        for step in 1..=5u32 {
            let at = SECOND + 50 * SECOND * step;
            let mut credit = window_update(0, 1000);
            credit.extend(window_update(1, 1000));
            let out = clocked.send(at, &credit);
            assert_eq!(out.iter().filter(|f| f.0 == 0x0).count(), 1, "DATA moved");
            assert_eq!(
                clocked.conn.poll_timeout(),
                Some(clocked.at(at + 60 * SECOND))
            );
        }
        assert!(!clocked.conn.is_closed());
    }

    #[test]
    fn graceful_shutdown_sends_two_goaways_around_a_ping_round_trip() {
        let mut clocked = Clocked::ready(Duration::ZERO);
        let get = clocked.get(1, "/big");
        clocked.send(SECOND, &get);
        clocked
            .conn
            .begin_shutdown(clocked.at(2 * SECOND), 5 * SECOND);
        let out = clocked.output(2 * SECOND);
        assert_eq!(goaways(&out), vec![(LAST_POSSIBLE_STREAM, NO_ERROR)]);
        assert!(out
            .iter()
            .any(|f| f.0 == PING && f.1 == 0 && f.3 == b"shutdown"));
        // A request the client sent before it saw the GOAWAY is still served.
        let get = clocked.get(3, "/");
        let out = clocked.send(2 * SECOND, &get);
        assert!(out.iter().any(|f| f.0 == 0x1 && f.2 == 3));
        let out = clocked.send(2 * SECOND, &ping(0x1, b"shutdown"));
        assert_eq!(goaways(&out), vec![(3, NO_ERROR)]);
        // Stream 1 goes on; a stream after the final GOAWAY is ignored.
        let get = clocked.get(5, "/");
        assert!(clocked.send(3 * SECOND, &get).is_empty());
        assert!(!clocked.conn.is_closed());
        let mut credit = window_update(0, 0x10_0000);
        credit.extend(window_update(1, 0x10_0000));
        clocked.send(3 * SECOND, &credit);
        assert!(clocked.conn.is_closed());
    }

    #[test]
    fn the_drain_deadline_cuts_what_is_still_open() {
        let mut clocked = Clocked::ready(Duration::ZERO);
        let get = clocked.get(1, "/big");
        clocked.send(SECOND, &get);
        clocked
            .conn
            .begin_shutdown(clocked.at(2 * SECOND), 5 * SECOND);
        clocked.output(2 * SECOND);
        assert_eq!(clocked.conn.poll_timeout(), Some(clocked.at(7 * SECOND)));
        assert_eq!(clocked.tick(7 * SECOND), Some(Expired::Drain(5 * SECOND)));
        // The PING never came back: the final GOAWAY goes now.
        assert_eq!(goaways(&clocked.output(7 * SECOND)), vec![(1, NO_ERROR)]);
        assert!(clocked.conn.is_closed());
    }

    #[test]
    fn an_idle_connection_closes_as_soon_as_the_ping_comes_back() {
        let mut clocked = Clocked::ready(Duration::ZERO);
        clocked.conn.begin_shutdown(clocked.at(SECOND), 5 * SECOND);
        clocked.output(SECOND);
        assert!(!clocked.conn.is_closed(), "a request may be on its way");
        clocked.send(SECOND, &ping(0x1, b"not-ours"));
        assert!(!clocked.conn.is_closed());
        let out = clocked.send(SECOND, &ping(0x1, b"shutdown"));
        assert_eq!(goaways(&out), vec![(0, NO_ERROR)]);
        assert!(clocked.conn.is_closed());
    }
}
