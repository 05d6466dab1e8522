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
//! window has been consumed.
//!
//! Choices and simplifications, each where the RFC leaves room:
//! - A request header list over our SETTINGS_MAX_HEADER_LIST_SIZE is answered with 431 and no
//!   body (followed by RST_STREAM NO_ERROR if the request had not ended, §8.1), not a bare reset.
//! - The client's SETTINGS_MAX_HEADER_LIST_SIZE is advisory (§6.5.2) and only recorded;
//!   SETTINGS_MAX_CONCURRENT_STREAMS and SETTINGS_ENABLE_PUSH concern pushed streams, and h2lab
//!   never pushes.
//! - A GOAWAY from the client stops new streams; the open ones are finished whatever its
//!   Last-Stream-ID, which names streams the server initiated (none).
//! - Our SETTINGS_INITIAL_WINDOW_SIZE applies to each stream from its first frame, before the
//!   client has acknowledged it.
//! - The last 256 closed streams are remembered (`CLOSED_MEMORY`). Frames on one we reset are
//!   processed for their effect on HPACK and the connection window, then ignored; HEADERS on one
//!   the client ended is a connection error STREAM_CLOSED (§5.1, §5.1.1), DATA a stream error
//!   STREAM_CLOSED. HEADERS on an older one is taken for a stream id that does not increase
//!   (§5.1.1, connection PROTOCOL_ERROR); DATA on one is STREAM_CLOSED.
//!
//! The files: this one holds the connection's state and its public face; `receive.rs` what each
//! arriving frame does; `send.rs` how responses become HEADERS and DATA; `stream.rs` the §5.1
//! state machine; `flow.rs` a flow-control window; `settings.rs` both ends' SETTINGS;
//! `header_block.rs` HEADERS + CONTINUATION assembly; `body.rs` a response body read in slices;
//! `describe.rs` the `-v` log lines; `timers.rs` deadlines, the idle timer and graceful shutdown.

mod body;
mod describe;
mod flow;
pub mod header_block;
mod receive;
mod send;
mod settings;
mod stream;
mod timers;

pub use settings::{LocalSettings, PeerSettings};
pub use timers::{Expired, Timeouts};

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;
use std::time::Instant;

use log::debug;

use crate::error::{ConnectionError, ErrorCode, ProtocolError, StreamError};
use crate::frame::{Frame, FrameHeader, GoAway, RstStream, Settings, WindowUpdate};
use crate::hpack::{Decoder, Encoder, Field};
use crate::http::{Exchange, Handler};

use body::Outgoing;
use describe::{field_line, frame_line, Direction};
use flow::{Window, DEFAULT_WINDOW};
use header_block::Assembler;
use stream::{Event, State};
use timers::Timers;

/// How many closed streams the connection remembers, to tell "closed" from "never opened" (§5.1.1)
/// and to tolerate frames on streams it reset (§5.1, closed).
const CLOSED_MEMORY: usize = 0x100;

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

/// How a stream ended, remembered for a while after it left the stream table: it decides what a
/// late frame from the client on that stream means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Closure {
    /// We reset it, or ignored it after our GOAWAY: frames the client sent before learning so
    /// are ignored (§5.1, closed; §6.8).
    Discarded,
    /// The client closed it itself: with END_STREAM, after which we ended our side too, or with
    /// RST_STREAM. No frame it sends on the stream afterwards can have been in flight.
    ClosedByClient,
}

/// One stream that is not idle and not yet closed.
struct Stream {
    state: State,
    /// What the client may still send us on this stream.
    recv_window: Window,
    /// Octets received and consumed, not yet given back with WINDOW_UPDATE.
    recv_credit: u32,
    /// What we may still send on this stream.
    send_window: Window,
    /// The handler's side of the request, until the request ends.
    exchange: Option<Box<dyn Exchange>>,
    /// The request's `content-length`, to check against the DATA received (§8.1.1).
    content_length: Option<u64>,
    /// Octets of request content received (padding excluded).
    received: u64,
    /// The response body still to send.
    body: Option<Outgoing>,
    /// For the access line.
    method: String,
    path: String,
    status: u16,
    sent: u64,
    started: Instant,
}

impl Stream {
    /// A stream record for a new request, still idle: the windows start at the initial window
    /// sizes of both ends (§6.9.2).
    fn new(recv_window: u32, send_window: u32) -> Stream {
        Stream {
            state: State::Idle,
            recv_window: Window::new(recv_window),
            recv_credit: 0,
            send_window: Window::new(send_window),
            exchange: None,
            content_length: None,
            received: 0,
            body: None,
            method: "-".to_string(),
            path: "-".to_string(),
            status: 0,
            sent: 0,
            started: Instant::now(),
        }
    }

    /// Moves the stream to its state after `event`, or returns the error the state machine
    /// prescribes (§5.1) and leaves the state as it was.
    fn transition(&mut self, event: Event, stream_id: u32) -> Result<(), ProtocolError> {
        self.state = self.state.on(event, stream_id)?;
        Ok(())
    }

    /// We send a frame (`event`) that may carry END_STREAM: two events, as in §5.1.
    fn send(
        &mut self,
        event: Event,
        end_stream: bool,
        stream_id: u32,
    ) -> Result<(), ProtocolError> {
        self.transition(event, stream_id)?;
        if end_stream {
            self.transition(Event::SendEndStream, stream_id)?;
        }
        Ok(())
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
            format!(
                "{received} octets of content, content-length said {expected} (RFC 9113 §8.1.1)"
            ),
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
    streams: BTreeMap<u32, Stream>,
    closed: VecDeque<(u32, Closure)>,
    /// The highest stream id the client opened with HEADERS (§5.1.1); PRIORITY does not count.
    highest_opened: u32,
    /// The highest stream id we processed: GOAWAY's Last-Stream-ID (§6.8).
    last_processed: u32,
    /// What we may still send on the connection.
    send_window: Window,
    /// What the client may still send us on the connection.
    recv_window: Window,
    /// Connection-level octets consumed, not yet given back.
    recv_credit: u32,
    /// Our SETTINGS plus the connection WINDOW_UPDATE it may need: the size of `recv_window`.
    recv_window_size: u32,
    control: VecDeque<Queued>,
    /// Streams with response DATA to send, in round-robin order.
    ready: VecDeque<u32>,
    settings_acked: bool,
    goaway_sent: bool,
    goaway_received: bool,
    /// Reused buffer for one DATA frame's payload.
    chunk: Vec<u8>,
    /// Deadlines, the idle timer and a graceful shutdown.
    timers: Timers,
}

impl Connection {
    /// A connection that will announce `settings` and hand requests to `handler`. Our SETTINGS
    /// frame is the first output (§3.4: "MUST be the first frame the server sends").
    pub fn new(id: u64, settings: LocalSettings, handler: Arc<dyn Handler>) -> Connection {
        let mut decoder = Decoder::new();
        decoder.set_max_header_list_size(settings.max_header_list_size as usize);
        let recv_window_size = settings.initial_window_size.max(DEFAULT_WINDOW);
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
            streams: BTreeMap::new(),
            closed: VecDeque::new(),
            highest_opened: 0,
            last_processed: 0,
            send_window: Window::new(DEFAULT_WINDOW),
            recv_window: Window::new(recv_window_size),
            recv_credit: 0,
            recv_window_size,
            control: VecDeque::new(),
            ready: VecDeque::new(),
            settings_acked: false,
            goaway_sent: false,
            goaway_received: false,
            chunk: Vec::new(),
            timers: Timers::default(),
        };
        connection.queue(Frame::Settings(Settings {
            ack: false,
            params: settings.params(),
        }));
        // The connection window starts at 65,535 whatever SETTINGS say (§6.9.2); raise it to
        // match a larger stream window, so that one upload can use its whole stream window.
        if recv_window_size > DEFAULT_WINDOW {
            connection.queue(Frame::WindowUpdate(WindowUpdate {
                stream_id: 0,
                increment: recv_window_size - DEFAULT_WINDOW,
            }));
        }
        connection
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
            return result;
        }
        self.give_back_credit();
        result
    }

    /// Appends what is due: every control frame, then DATA of the streams that have some,
    /// round-robin, within the client's windows and MAX_FRAME_SIZE, stopping once about `budget`
    /// octets of DATA are written.
    pub fn poll_output(&mut self, out: &mut Vec<u8>, budget: usize) {
        self.write_control(out);
        if self.phase == Phase::Failed {
            return;
        }
        let mut written = 0;
        loop {
            let mut progress = false;
            for _ in 0..self.ready.len() {
                if written >= budget || self.send_window.sendable() == 0 {
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
        // A body that failed to read queued RST_STREAM just now.
        self.write_control(out);
    }

    /// Whether [`Connection::poll_output`] would append something now.
    pub fn wants_write(&self) -> bool {
        if !self.control.is_empty() {
            return true;
        }
        if self.phase == Phase::Failed || self.send_window.sendable() == 0 {
            return false;
        }
        self.ready.iter().any(|id| {
            self.streams
                .get(id)
                .is_some_and(|s| s.body.is_some() && s.send_window.sendable() > 0)
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

    /// Whether the socket can be closed: GOAWAY sent or received, and nothing left to send; or a
    /// deadline passed and nothing more can be written at once.
    pub fn is_closed(&self) -> bool {
        let ending = self.goaway_sent || self.goaway_received || self.phase == Phase::Failed;
        let drained = self.phase == Phase::Failed || self.streams.is_empty();
        (ending && drained && self.control.is_empty())
            || (self.timers.expired() && !self.wants_write())
    }

    /// The client's SETTINGS as applied so far.
    pub fn peer_settings(&self) -> &PeerSettings {
        &self.peer
    }

    fn closure(&self, stream_id: u32) -> Option<Closure> {
        self.closed
            .iter()
            .find(|(id, _)| *id == stream_id)
            .map(|&(_, closure)| closure)
    }

    fn remember_closed(&mut self, stream_id: u32, closure: Closure) {
        if self.closed.len() == CLOSED_MEMORY {
            self.closed.pop_front();
        }
        self.closed.push_back((stream_id, closure));
    }

    /// A stream error (§5.4.2): RST_STREAM, and the stream, its exchange and its body are gone.
    fn reset(&mut self, error: StreamError) {
        debug!("[conn {}] {error}", self.id);
        let stream_id = error.stream_id;
        self.queue(Frame::RstStream(RstStream {
            stream_id,
            error_code: error.code,
        }));
        if let Some(stream) = self.streams.remove(&stream_id) {
            self.timers.progress();
            // The table holds no idle streams, so RST_STREAM always leads to "closed".
            debug_assert_eq!(
                stream.state.on(Event::SendRstStream, stream_id),
                Ok(State::Closed)
            );
        }
        if self.closure(stream_id).is_none() {
            self.remember_closed(stream_id, Closure::Discarded);
        }
    }

    /// A connection error (§5.4.1): GOAWAY with the last stream we processed, then nothing more.
    fn fail(&mut self, error: &ConnectionError) {
        self.phase = Phase::Failed;
        self.streams.clear();
        self.ready.clear();
        self.queue_goaway(error.code, &error.reason);
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

    fn log_frame(&self, direction: Direction, header: &FrameHeader, frame: Option<&Frame>) {
        debug!("{}", frame_line(self.id, direction, header, frame));
    }

    fn log_fields(&self, direction: Direction, stream_id: u32, fields: &[Field]) {
        for field in fields {
            debug!(
                "{}",
                field_line(self.id, direction, stream_id, &field.name, &field.value)
            );
        }
    }
}

/// A control frame waiting to be written, with the header fields of its block for the log.
struct Queued {
    frame: Frame,
    fields: Vec<Field>,
}

impl Queued {
    /// A frame without header fields.
    fn frame(frame: Frame) -> Queued {
        Queued {
            frame,
            fields: Vec::new(),
        }
    }
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
