//! The connection — RFC 9113 §3.4, §5 and §6: one HTTP/2 connection's protocol state, free of I/O.
//!
//! Octets from the client go into [`Connection::receive`]; octets for the client come out of
//! [`Connection::poll_output`]. In between, the connection checks the preface (§3.4), exchanges
//! SETTINGS (§6.5), assembles header blocks (§6.10) and decodes them with one HPACK decoder, walks
//! each stream through the states of §5.1, keeps the flow-control windows of §6.9, hands requests
//! to the [`Handler`] and turns each [`Response`](crate::http::Response) into HEADERS and DATA frames.
//!
//! Two queues feed the output: control frames (SETTINGS, PING, WINDOW_UPDATE, RST_STREAM, GOAWAY
//! and response HEADERS, whose order matters to HPACK) are written first, all of them; then the
//! DATA of every stream that has some, one frame per stream in turn (round-robin), so that a small
//! response is not stuck behind a large one.
//!
//! The handler's exchange consumes each DATA frame synchronously, inside `receive`, so the credit
//! that frame used is given back with WINDOW_UPDATE (stream and connection) as soon as half a
//! window has been consumed. A stream starts at our SETTINGS_INITIAL_WINDOW_SIZE, but we may give
//! more than that: each window has a receive budget of ours that doubles whenever the client uses
//! the whole window, up to 1 MiB (`flow::ReceiveWindow` states the rule). So an upload through an
//! initial window of 16 octets, or of 0, gets going, and `-v` shows the WINDOW_UPDATEs pacing it.
//!
//! Choices and simplifications, each where the RFC leaves room:
//! - A request header list over our SETTINGS_MAX_HEADER_LIST_SIZE is answered with 431 and no
//!   body (followed by RST_STREAM NO_ERROR if the request had not ended, §8.1), not a bare reset.
//! - The client's SETTINGS_MAX_HEADER_LIST_SIZE is advisory (§6.5.2) and only recorded;
//!   SETTINGS_MAX_CONCURRENT_STREAMS and SETTINGS_ENABLE_PUSH bound pushes (`push.rs`).
//! - A GOAWAY from the client does not stop its new streams (§6.8 binds only the receiver); its
//!   streams are finished whatever its Last-Stream-ID, which names streams the server initiated
//!   (pushes, of which none is promised after it), and then our own GOAWAY NO_ERROR goes out
//!   before the connection closes.
//! - Our SETTINGS take effect when the client acknowledges them (§6.5.3): before its ACK, a new
//!   stream starts with the initial window of 65,535, and the ACK shifts the open streams' windows
//!   to ours (§6.9.2). `settings.rs` says what each setting does before the ACK.
//! - Closed streams are told apart for any number of streams (`closed.rs`): frames on one we
//!   reset a moment ago are processed for their effect on HPACK and the connection window, then
//!   ignored; HEADERS on one the client used and ended is a connection error STREAM_CLOSED (§5.1,
//!   §5.1.1), DATA a stream error STREAM_CLOSED; HEADERS on a lower id the client skipped is a
//!   stream id that does not increase (§5.1.1, connection PROTOCOL_ERROR).
//!
//! The files: this one holds the connection's state and its public face; `receive.rs` what each
//! arriving frame does; `send.rs` how responses become HEADERS and DATA; `stream.rs` the §5.1
//! state machine; `flow.rs` a flow-control window; `settings.rs` both ends' SETTINGS;
//! `header_block.rs` HEADERS + CONTINUATION assembly; `body.rs` a response body read in slices;
//! `timers.rs` deadlines, the idle timer and graceful shutdown; `closed.rs` what is remembered of
//! closed streams; `open.rs` the streams held, by id; `limits.rs` what a client may make us do for
//! nothing; `access.rs` the access line each response ends with.
//!
//! For lessons: `push.rs` pushes the responses a handler names (§8.4), and `send.rs` makes, when a
//! response asks for one, the mistake of its [`Fault`] (DESIGN.md, "Faults on purpose").
//!
//! Watching: the connection reports what happens (frames with their octets, HPACK steps, state
//! changes, windows, errors) as [`trace::Event`]s to the observers given to
//! [`Connection::observe`]; it formats no text. Events that cost work to build are built only
//! when someone watches.

mod access;
mod body;
mod closed;
mod flow;
pub mod header_block;
mod limits;
mod open;
mod push;
mod receive;
mod send;
mod settings;
mod stream;
mod timers;

pub use settings::{LocalSettings, PeerSettings};
pub use timers::{Expired, Timeouts};

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Instant;

use crate::error::{ConnectionError, ErrorCode, ProtocolError, StreamError};
use crate::frame::{Frame, FrameHeader, GoAway, RstStream, Settings, WindowUpdate, HEADER_LEN};
use crate::hpack::{Decoder, Encoder};
use crate::http::{Exchange, Fault, Handler, Text};
use crate::trace::{self, Direction, Followed, Observer, Observers, Watchers};

use body::Outgoing;
use closed::{ClosedStreams, Closure};
use flow::{ReceiveWindow, Window, DEFAULT_WINDOW};
use header_block::Assembler;
use limits::Limits;
use open::OpenStreams;
use send::EncodedSteps;
use stream::{Event, State};
use timers::Timers;

/// Where the connection is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Waiting for the 24 octets of the client preface (§3.4).
    Preface,
    /// Preface seen; the next frame must be the client's SETTINGS (§3.4).
    FirstSettings,
    /// Frames flow.
    Running,
    /// A connection error happened; GOAWAY is queued and input is ignored.
    Failed,
}

/// One stream that is not idle and not yet closed.
struct Stream {
    state: State,
    /// What the client may still send us on this stream, and our budget for it.
    recv_window: ReceiveWindow,
    /// What we may still send on this stream.
    send_window: Window,
    /// The observers were told that the stream waits for window, and it has not sent since.
    waiting: bool,
    /// The observers that want this stream's events, asked once as it opened; the others are
    /// told only what its events add up to.
    watchers: Watchers,
    /// The handler's side of the request, until the request ends.
    exchange: Option<Box<dyn Exchange>>,
    /// The request's `content-length`, to check against the DATA received (§8.1.1).
    content_length: Option<u64>,
    /// Octets of request content received (padding excluded).
    received: u64,
    /// The response body still to send.
    body: Option<Outgoing>,
    /// The mistake the response is sent with, on purpose (`send.rs` applies it).
    fault: Option<Fault>,
    /// The stream id the response's frames carry: the stream's own, but for [`Fault::NewStream`].
    wire_id: u32,
    /// The response asked for our GOAWAY once it has gone out (`Response::goaway_after`).
    goaway_after: bool,
    /// For the access line: the request's `:method` and `:path`, empty until they are known.
    method: Text,
    path: Text,
    status: u16,
    sent: u64,
    started: Instant,
}

impl Stream {
    /// A stream record for a new request or a push, still idle: the windows start at the initial
    /// window sizes of both ends (§6.9.2).
    fn new(stream_id: u32, recv_window: u32, send_window: u32) -> Stream {
        Stream {
            state: State::Idle,
            recv_window: ReceiveWindow::new(recv_window),
            send_window: Window::new(send_window),
            waiting: false,
            watchers: Watchers::ALL,
            exchange: None,
            content_length: None,
            received: 0,
            body: None,
            fault: None,
            wire_id: stream_id,
            goaway_after: false,
            method: Text::default(),
            path: Text::default(),
            status: 0,
            sent: 0,
            started: Instant::now(),
        }
    }

    /// Moves the stream to its state after `event` (something received) and tells the observers
    /// if the state changed, or returns the error the state machine prescribes (§5.1) and leaves
    /// the state as it was.
    fn transition(
        &mut self,
        event: Event,
        stream_id: u32,
        observers: &mut Observers,
    ) -> Result<(), ProtocolError> {
        let next = self.state.on(event, stream_id)?;
        if next != self.state {
            report_state(observers, self.watchers, stream_id, (self.state, next));
        }
        self.state = next;
        Ok(())
    }

    /// We send a frame (`event`) that may carry END_STREAM: two events, as in §5.1. Returns the
    /// states before and after, for the observers once the frame is written.
    fn send(
        &mut self,
        event: Event,
        end_stream: bool,
        stream_id: u32,
    ) -> Result<(State, State), ProtocolError> {
        let before = self.state;
        let mut next = self.state.on(event, stream_id)?;
        if end_stream {
            next = next.on(Event::SendEndStream, stream_id)?;
        }
        self.state = next;
        Ok((before, next))
    }

    /// Checks the request content received so far against its `content-length`: while the client
    /// is still sending, the content must not exceed it; once the client has ended the request,
    /// it must match it.
    fn check_content_length(&self, stream_id: u32) -> Result<(), StreamError> {
        let Some(expected) = self.content_length else {
            return Ok(());
        };
        let received = self.received;
        // RFC 9113 §8.1.1: A request or response is also malformed if the value of a
        // content-length header field does not equal the sum of the DATA frame payload lengths
        // that form the content.
        let wrong = if self.state.client_may_send() {
            received > expected
        } else {
            received != expected
        };
        if !wrong {
            return Ok(());
        }
        Err(StreamError::new(
            stream_id,
            ErrorCode::PROTOCOL_ERROR,
            "§8.1.1",
            format!("{received} octets of content, content-length said {expected}"),
        ))
    }
}

/// One HTTP/2 connection, server side. See the module documentation.
pub struct Connection {
    id: u64,
    local: LocalSettings,
    peer: PeerSettings,
    handler: Arc<dyn Handler>,
    phase: Phase,
    /// Octets received but not yet a complete frame.
    input: Vec<u8>,
    decoder: Decoder,
    encoder: Encoder,
    assembler: Assembler,
    /// The streams that are open (or reserved), boxed: a map's nodes then move pointers, not
    /// whole streams, as streams come and go.
    streams: OpenStreams,
    closed: ClosedStreams,
    /// Counters against what a client may make us do for nothing (§10.5).
    limits: Limits,
    /// The highest stream id we processed: GOAWAY's Last-Stream-ID (§6.8).
    last_processed: u32,
    /// What we may still send on the connection.
    send_window: Window,
    /// What the client may still send us on the connection, and our budget for it.
    recv_window: ReceiveWindow,
    control: VecDeque<Queued>,
    /// Streams with response DATA to send, in round-robin order.
    ready: VecDeque<u32>,
    settings_acked: bool,
    goaway_sent: bool,
    goaway_received: bool,
    /// Whoever watches this connection (the `-v` log, a capture); often no one.
    observers: Observers,
    /// The stream whose HEADERS are arriving, not open yet, and the observers that want its
    /// events: asked at its first frame, kept on the stream once it opens.
    opening: Option<(u32, Watchers)>,
    /// Deadlines, the idle timer and a graceful shutdown.
    timers: Timers,
}

impl Connection {
    /// A connection that will announce `settings` and hand requests to `handler`. Our SETTINGS
    /// frame is the first output (§3.4: "MUST be the first frame the server sends").
    pub fn new(id: u64, settings: LocalSettings, handler: Arc<dyn Handler>) -> Connection {
        let mut decoder = Decoder::new();
        decoder.set_max_header_list_size(settings.max_header_list_size as usize);
        let block_limit = (settings.max_header_list_size as usize)
            .saturating_mul(4)
            .saturating_add(settings.max_frame_size as usize);
        let mut connection = Connection {
            id,
            local: settings,
            peer: PeerSettings::default(),
            handler,
            phase: Phase::Preface,
            input: Vec::new(),
            decoder,
            encoder: Encoder::new(),
            assembler: Assembler::new(block_limit),
            streams: OpenStreams::default(),
            closed: ClosedStreams::default(),
            limits: Limits::default(),
            last_processed: 0,
            send_window: Window::new(DEFAULT_WINDOW),
            // The connection window starts at 65,535 whatever SETTINGS say (§6.9.2); its budget
            // matches a larger stream window, so that one upload can use its whole stream window.
            recv_window: ReceiveWindow::with_budget(
                DEFAULT_WINDOW,
                settings.initial_window_size.max(DEFAULT_WINDOW),
            ),
            control: VecDeque::new(),
            ready: VecDeque::new(),
            settings_acked: false,
            goaway_sent: false,
            goaway_received: false,
            observers: Observers::default(),
            opening: None,
            timers: Timers::default(),
        };
        connection.queue(Frame::Settings(Settings {
            ack: false,
            params: settings.params(),
        }));
        if let Some(increment) = connection.recv_window.open_to_budget() {
            connection.queue(Frame::WindowUpdate(WindowUpdate {
                stream_id: 0,
                increment,
            }));
        }
        connection
    }

    /// Adds an observer: it sees every event from now on (our first SETTINGS included, which is
    /// reported when it is written).
    pub fn observe(&mut self, observer: Box<dyn Observer>) {
        self.observers.add(observer);
    }

    /// The socket loop has ended the connection, for `reason` ("closed after GOAWAY", "timed
    /// out: ..."): the observers' last event.
    pub fn ended(&mut self, reason: &str) {
        self.observers.emit(&trace::Event::Closed { reason });
        self.observers.end_turn();
    }

    /// Octets from the client, in pieces of any size. Processes every complete frame. A
    /// connection error queues GOAWAY and is returned for the log; input after it is ignored.
    pub fn receive(&mut self, input: &[u8]) -> Result<(), ConnectionError> {
        if self.phase == Phase::Failed {
            return Ok(());
        }
        self.input.extend_from_slice(input);
        let result = self.process_input();
        if let Err(error) = &result {
            self.fail(error);
        } else {
            self.give_back_credit();
            self.answer_goaway_once_drained();
        }
        self.observers.end_turn();
        result
    }

    /// Appends what is due: every control frame, then DATA of the streams that have some,
    /// round-robin, within the client's windows and MAX_FRAME_SIZE, stopping once about `budget`
    /// octets of DATA are written.
    pub fn poll_output(&mut self, out: &mut Vec<u8>, budget: usize) {
        self.write_control(out);
        if self.phase == Phase::Failed {
            self.observers.end_turn();
            return;
        }
        let mut written = 0;
        loop {
            let mut progress = false;
            for _ in 0..self.ready.len() {
                if written >= budget {
                    break;
                }
                let Some(stream_id) = self.ready.pop_front() else {
                    break;
                };
                match self.send_data(stream_id, budget - written, out) {
                    DataStep::Sent { len, more } => {
                        written += len;
                        progress = true;
                        if more {
                            self.ready.push_back(stream_id);
                        }
                    }
                    DataStep::Blocked => self.ready.push_back(stream_id),
                    DataStep::Done => {}
                }
            }
            if !progress || written >= budget {
                break;
            }
        }
        if written > 0 {
            self.timers.progress();
        }
        self.answer_goaway_once_drained();
        if self.observers.is_watching() {
            self.report_stalls();
        }
        // A body that failed to read queued RST_STREAM just now, or our GOAWAY.
        self.write_control(out);
        self.observers.end_turn();
    }

    /// Whether [`Connection::poll_output`] would append something now.
    pub fn wants_write(&self) -> bool {
        if !self.control.is_empty() {
            return true;
        }
        if self.phase == Phase::Failed {
            return false;
        }
        self.ready.iter().any(|id| {
            self.streams
                .get(id)
                .is_some_and(|s| s.may_send(&self.send_window))
        })
    }

    /// Sends GOAWAY (§6.8) with `code`, `reason` as debug data and the last stream we processed,
    /// unless a GOAWAY went out already. Streams up to that one are still finished, later ones
    /// are ignored, and the connection closes once they are done ([`Connection::is_closed`]).
    ///
    /// The timers call this when a deadline passes: with NO_ERROR when the connection was idle
    /// (§9.1), a graceful shutdown; with SETTINGS_TIMEOUT when our SETTINGS went unacknowledged
    /// (§6.5.3), a connection error, though one that still lets the open streams finish. The
    /// server calls it to close a connection that must make room or that it refuses. Errors in
    /// the client's frames take another way: [`Connection::receive`] drops every stream.
    pub fn go_away(&mut self, code: ErrorCode, reason: &str) {
        if self.goaway_sent {
            return;
        }
        self.queue_goaway(code, reason);
    }

    /// Whether our SETTINGS still waits for the client's acknowledgement (§6.5.3: the server may
    /// end the connection with SETTINGS_TIMEOUT if it waits too long).
    pub fn awaiting_settings_ack(&self) -> bool {
        !self.settings_acked
    }

    /// Whether any stream is open or half-closed.
    pub fn has_open_streams(&self) -> bool {
        !self.streams.is_empty()
    }

    /// Whether the socket can be closed: our GOAWAY sent, and nothing left to send; or a deadline
    /// passed and nothing more can be written at once.
    pub fn is_closed(&self) -> bool {
        let ending = self.goaway_sent || self.phase == Phase::Failed;
        let drained = self.phase == Phase::Failed || self.streams.is_empty();
        (ending && drained && self.control.is_empty())
            || (self.timers.expired() && !self.wants_write())
    }

    /// The client's SETTINGS as applied so far.
    pub fn peer_settings(&self) -> &PeerSettings {
        &self.peer
    }

    /// After the client's GOAWAY, once its last stream is done: our own GOAWAY NO_ERROR with the
    /// last stream we processed, and then the connection closes ([`Connection::is_closed`]).
    /// RFC 9113 §6.8: "a receiver of a GOAWAY that has no more use for the connection SHOULD still
    /// send a GOAWAY frame before terminating the connection."
    fn answer_goaway_once_drained(&mut self) {
        if self.goaway_received
            && !self.goaway_sent
            && self.phase == Phase::Running
            && self.streams.is_empty()
        {
            self.go_away(ErrorCode::NO_ERROR, "the client sent GOAWAY");
        }
    }

    /// A stream error (§5.4.2): RST_STREAM, and the stream, its exchange and its body are gone.
    fn reset(&mut self, error: StreamError) {
        self.observers.emit(&trace::Event::Error {
            stream_id: Some(error.stream_id),
            code: error.code,
            section: error.section,
            reason: &error.reason,
        });
        let stream_id = error.stream_id;
        let mut queued = Queued::frame(Frame::RstStream(RstStream {
            stream_id,
            error_code: error.code,
        }));
        if let Some(stream) = self.streams.remove(&stream_id) {
            queued.watchers = stream.watchers;
            self.timers.progress();
            // The table holds no idle streams, so RST_STREAM always leads to "closed".
            debug_assert_eq!(
                stream.state.on(Event::SendRstStream, stream_id),
                Ok(State::Closed)
            );
            if stream.state != State::Closed {
                queued.state_change = Some(StateChange {
                    stream_id,
                    watchers: stream.watchers,
                    states: (stream.state, State::Closed),
                });
            }
        }
        self.control.push_back(queued);
        self.closed.remember(stream_id, Closure::Discarded);
    }

    /// A connection error (§5.4.1): GOAWAY with the last stream we processed, then nothing more.
    /// GOAWAY's debug data is the reason with the section it comes from.
    fn fail(&mut self, error: &ConnectionError) {
        self.observers.emit(&trace::Event::Error {
            stream_id: None,
            code: error.code,
            section: error.section,
            reason: &error.reason,
        });
        self.phase = Phase::Failed;
        self.streams.clear();
        self.ready.clear();
        let debug_data = format!(
            "{} ({})",
            error.reason,
            crate::error::citation(error.section)
        );
        self.queue_goaway(error.code, &debug_data);
    }

    /// GOAWAY's Last-Stream-ID is the highest stream we processed (§6.8).
    fn queue_goaway(&mut self, code: ErrorCode, reason: &str) {
        self.goaway_sent = true;
        self.queue(Frame::GoAway(GoAway {
            last_stream_id: self.last_processed,
            error_code: code,
            debug_data: reason.as_bytes().to_vec(),
        }));
    }

    fn queue(&mut self, frame: Frame) {
        self.control.push_back(Queued::frame(frame));
    }

    /// Tells `watchers` about a frame just written to `out` from `start`: its header and octets,
    /// and the decoded frame when there is one at hand.
    fn emit_written(
        &mut self,
        watchers: Watchers,
        out: &[u8],
        start: usize,
        frame: Option<&Frame>,
    ) {
        let Some(octets) = out.get(start..) else {
            return;
        };
        let Some(head) = octets
            .get(..HEADER_LEN)
            .and_then(|head| <&[u8; HEADER_LEN]>::try_from(head).ok())
        else {
            return;
        };
        let event = trace::Event::Frame {
            direction: Direction::Send,
            header: &FrameHeader::decode(head),
            frame,
            octets,
        };
        self.observers.emit_to(watchers, &event);
    }

    /// The observers that watch `stream_id`: those the stream kept as it opened, or those asked
    /// as its HEADERS began to arrive; every observer for the connection (stream 0) and for a
    /// stream that is not open (its frames are rare, and errors).
    fn stream_watchers(&self, stream_id: u32) -> Watchers {
        if !self.observers.is_watching() || stream_id == 0 {
            return Watchers::ALL;
        }
        match self.opening {
            Some((opening, watchers)) if opening == stream_id => watchers,
            _ => self
                .streams
                .get(&stream_id)
                .map_or(Watchers::ALL, |s| s.watchers),
        }
    }

    /// Tells the observers about each stream that has body left but no window to send it in
    /// (§6.9), once per stall: the stream's window or the connection's is used up.
    fn report_stalls(&mut self) {
        let connection = self.send_window.size();
        for &stream_id in &self.ready {
            let Some(stream) = self.streams.get_mut(&stream_id) else {
                continue;
            };
            let window = connection.min(stream.send_window.size());
            let Some(body) = &stream.body else {
                continue;
            };
            if window > 0 || stream.waiting || stream.ignores_windows() {
                continue;
            }
            stream.waiting = true;
            let queued = body.remaining();
            self.observers
                .report(stream.watchers, Followed::events(1), || {
                    trace::Event::Blocked {
                        stream_id,
                        window,
                        queued,
                    }
                });
        }
    }
}

/// Tells the observers that a stream went from one state to another (§5.1).
#[inline]
fn report_state(
    observers: &mut Observers,
    watchers: Watchers,
    stream_id: u32,
    (from, to): (State, State),
) {
    observers.report(watchers, Followed::events(1), || {
        state_event(stream_id, (from, to))
    });
}

/// The event of a stream's state change.
fn state_event(stream_id: u32, (from, to): (State, State)) -> trace::Event<'static> {
    trace::Event::StreamState {
        stream_id,
        from: from.name(),
        to: to.name(),
    }
}

/// Tells the observers that a stream's window changed by `change` (§6.9).
#[inline]
fn report_window(
    observers: &mut Observers,
    watchers: Watchers,
    direction: Direction,
    stream_id: u32,
    window: &Window,
    change: i64,
) {
    observers.report(watchers, Followed::events(1), || {
        window_event(direction, stream_id, window, change)
    });
}

/// Tells the observers that the connection's window changed by `change` (§6.9).
fn report_connection_window(
    observers: &mut Observers,
    direction: Direction,
    window: &Window,
    change: i64,
) {
    observers.emit(&window_event(direction, 0, window, change));
}

/// The event of a window's change by `change`, on stream `stream_id` (0: the connection's).
fn window_event(
    direction: Direction,
    stream_id: u32,
    window: &Window,
    change: i64,
) -> trace::Event<'static> {
    trace::Event::Window {
        direction,
        stream_id,
        size: window.size(),
        change,
    }
}

/// A control frame waiting to be written, with what the observers learn once it is: the HPACK
/// steps of its header block (recorded only when someone watches) and the stream state change
/// that sending it makes, with its stream (a PUSH_PROMISE changes the stream it promises). It
/// keeps the observers that watch its stream, for a stream that may be gone once it is written.
struct Queued {
    frame: Frame,
    watchers: Watchers,
    steps: EncodedSteps,
    state_change: Option<StateChange>,
}

impl Queued {
    /// A frame with nothing more to report, that every observer sees.
    fn frame(frame: Frame) -> Queued {
        Queued::on_stream(frame, Watchers::ALL)
    }

    /// A frame with nothing more to report, on a stream that `watchers` watch.
    fn on_stream(frame: Frame, watchers: Watchers) -> Queued {
        Queued {
            frame,
            watchers,
            steps: EncodedSteps::default(),
            state_change: None,
        }
    }
}

/// A stream's change of state (§5.1) that a queued frame makes, reported once it is written.
#[derive(Clone, Copy)]
struct StateChange {
    stream_id: u32,
    /// The observers that watch the stream.
    watchers: Watchers,
    /// The states before and after.
    states: (State, State),
}

/// What one turn of the round-robin did for a stream.
enum DataStep {
    /// A DATA frame of `len` octets went out; `more` when the body has octets left.
    Sent { len: usize, more: bool },
    /// The stream has body left but no window (stream or connection) to send it in.
    Blocked,
    /// Nothing more to send on this stream (ended, reset or gone).
    Done,
}

#[cfg(test)]
mod tests;
