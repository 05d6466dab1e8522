//! The connection — RFC 9113 §3.4, §5 and §6: one HTTP/2 connection's protocol state, free of I/O.
//!
//! Octets from the client go into [`Connection::receive`]; octets for the client come out of
//! [`Connection::poll_output`]. In between, the connection checks the preface (§3.4), exchanges
//! SETTINGS (§6.5), assembles header blocks (§6.10) and decodes them with one HPACK decoder, walks
//! each stream through the states of §5.1, keeps the flow-control windows of §6.9, hands requests
//! to the [`Handler`] and turns each [`Response`] into HEADERS and DATA frames.
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

mod body;
mod describe;
mod flow;
mod header_block;
mod settings;
mod stream;

pub use settings::{LocalSettings, PeerSettings};

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;
use std::time::Instant;

use log::{debug, info};

use crate::error::{ConnectionError, ErrorCode, ProtocolError, StreamError};
use crate::frame::{
    encode_data, flags, split_frame, Continuation, Data, Frame, FrameHeader, FrameType, GoAway,
    Headers, Ping, RstStream, Settings, WindowUpdate, HEADER_LEN, PREFACE,
};
use crate::hpack::{DecodeError, Decoder, Encoder, Field};
use crate::http::{validate_request, validate_trailers, Exchange, Handler, Response};

use body::Outgoing;
use describe::{field_line, frame_line, Direction};
use flow::{Window, DEFAULT_WINDOW};
use header_block::{Assembler, HeaderBlock};
use stream::{Event, State};

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

/// How a stream ended, remembered for a while after it left the stream table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Closure {
    /// We reset it, or ignored it after our GOAWAY: frames the client sent before learning so
    /// are ignored (§5.1, closed; §6.8).
    Discarded,
    /// Both sides ended it, or the client reset it.
    Ended,
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

    /// Starts a graceful shutdown (§6.8): GOAWAY with the last processed stream id; streams up to
    /// it are finished, later ones are ignored.
    pub fn go_away(&mut self, code: ErrorCode, reason: &str) {
        if self.goaway_sent {
            return;
        }
        self.goaway_sent = true;
        self.queue(Frame::GoAway(GoAway {
            last_stream_id: self.last_processed,
            error_code: code,
            debug_data: reason.as_bytes().to_vec(),
        }));
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

    /// Whether the socket can be closed: GOAWAY sent or received, and nothing left to send.
    pub fn is_closed(&self) -> bool {
        let ending = self.goaway_sent || self.goaway_received || self.phase == Phase::Failed;
        let drained = self.phase == Phase::Failed || self.streams.is_empty();
        ending && drained && self.control.is_empty()
    }

    /// The client's SETTINGS as applied so far.
    pub fn peer_settings(&self) -> &PeerSettings {
        &self.peer
    }

    // ---- input ---------------------------------------------------------------------------------

    fn process_input(&mut self) -> Result<(), ConnectionError> {
        if self.phase == Phase::Preface {
            let seen = self.input.len().min(PREFACE.len());
            // RFC 9113 §3.4: Clients and servers MUST treat an invalid connection preface as a
            // connection error of type PROTOCOL_ERROR.
            if self.input.get(..seen) != PREFACE.get(..seen) {
                return Err(ConnectionError::new(
                    ErrorCode::PROTOCOL_ERROR,
                    "invalid connection preface (RFC 9113 §3.4)",
                ));
            }
            if seen < PREFACE.len() {
                return Ok(());
            }
            self.input.drain(..PREFACE.len());
            self.phase = Phase::FirstSettings;
        }
        let buffer = std::mem::take(&mut self.input);
        let mut offset = 0;
        let result = loop {
            let rest = buffer.get(offset..).unwrap_or_default();
            match split_frame(rest, self.local.max_frame_size) {
                Ok(Some((header, payload, used))) => {
                    offset += used;
                    if let Err(error) = self.on_frame(&header, payload) {
                        break Err(error);
                    }
                }
                Ok(None) => break Ok(()),
                Err(error) => break Err(error),
            }
        };
        self.input = buffer.get(offset..).unwrap_or_default().to_vec();
        result
    }

    fn on_frame(&mut self, header: &FrameHeader, payload: &[u8]) -> Result<(), ConnectionError> {
        self.assembler.check_next(header)?;
        if self.phase == Phase::FirstSettings {
            // RFC 9113 §3.4: This sequence MUST be followed by a SETTINGS frame. ... Clients and
            // servers MUST treat an invalid connection preface as a connection error of type
            // PROTOCOL_ERROR.
            if header.kind != FrameType::SETTINGS || header.flags & flags::ACK != 0 {
                self.log_frame(Direction::Recv, header, None);
                return Err(ConnectionError::new(
                    ErrorCode::PROTOCOL_ERROR,
                    "the client's first frame is not SETTINGS (RFC 9113 §3.4)",
                ));
            }
            self.phase = Phase::Running;
        }
        let frame = match Frame::decode(header, payload) {
            Ok(frame) => frame,
            Err(error) => {
                self.log_frame(Direction::Recv, header, None);
                return self.on_malformed_frame(header, error);
            }
        };
        self.log_frame(Direction::Recv, header, Some(&frame));
        match frame {
            Frame::Data(data) => self.on_data(data),
            Frame::Headers(headers) => match self.assembler.headers(headers)? {
                Some(block) => self.on_header_block(block),
                None => Ok(()),
            },
            Frame::Continuation(continuation) => match self.assembler.continuation(continuation)? {
                Some(block) => self.on_header_block(block),
                None => Ok(()),
            },
            // RFC 9113 §5.1 (idle): PRIORITY is allowed on a stream in any state, idle included;
            // it opens nothing, and §5.3.2 deprecates the scheme, so it is not acted on.
            Frame::Priority(_) => Ok(()),
            Frame::RstStream(rst) => self.on_rst_stream(rst),
            Frame::Settings(settings) => self.on_settings(settings),
            // RFC 9113 §8.4: A client cannot push. Thus, servers MUST treat the receipt of a
            // PUSH_PROMISE frame as a connection error of type PROTOCOL_ERROR.
            Frame::PushPromise(_) => Err(ConnectionError::new(
                ErrorCode::PROTOCOL_ERROR,
                "PUSH_PROMISE from a client (RFC 9113 §8.4)",
            )),
            Frame::Ping(ping) => {
                // RFC 9113 §6.7: Receivers of a PING frame that does not include an ACK flag
                // MUST send a PING frame with the ACK flag set in response, with an identical
                // frame payload. (A PING with ACK answers one of ours: we send none.)
                if !ping.ack {
                    self.queue(Frame::Ping(Ping {
                        ack: true,
                        data: ping.data,
                    }));
                }
                Ok(())
            }
            Frame::GoAway(_) => {
                // The client ends the connection: no new streams, the open ones are finished.
                // (Its Last-Stream-ID names streams *we* initiated; h2lab initiates none.)
                self.goaway_received = true;
                Ok(())
            }
            Frame::WindowUpdate(update) => self.on_window_update(update),
            // RFC 9113 §5.5: Implementations MUST ignore unknown or unsupported values in all
            // extensible protocol elements.
            Frame::Unknown(_) => Ok(()),
        }
    }

    /// A frame that broke a rule of §4–§6 on its own. Connection errors end the connection;
    /// stream errors reset the stream, with two exceptions written below.
    fn on_malformed_frame(
        &mut self,
        header: &FrameHeader,
        error: ProtocolError,
    ) -> Result<(), ConnectionError> {
        let error = match error {
            ProtocolError::Connection(error) => return Err(error),
            ProtocolError::Stream(error) => error,
        };
        // A HEADERS frame that could not be decoded took its field block fragment with it: the
        // HPACK decoder could no longer follow the client's encoder, so the connection ends
        // (RFC 9113 §4.3, §5.4.2: frames that modify the compression state are never skipped).
        // The frame layer reports no stream error for HEADERS today; this keeps it so.
        if header.kind == FrameType::HEADERS {
            return Err(ConnectionError::new(error.code, error.reason));
        }
        // RFC 9113 §5.1 (idle): Receiving any frame other than HEADERS or PRIORITY on a stream in
        // this state MUST be treated as a connection error of type PROTOCOL_ERROR.
        if header.kind != FrameType::PRIORITY && self.is_idle(error.stream_id) {
            return Err(ConnectionError::new(
                ErrorCode::PROTOCOL_ERROR,
                format!("{} (on idle stream {})", error.reason, error.stream_id),
            ));
        }
        self.reset(error);
        Ok(())
    }

    fn on_data(&mut self, data: Data) -> Result<(), ConnectionError> {
        let stream_id = data.stream_id;
        let flow_len = data.flow_len();
        // RFC 9113 §6.9: A receiver that receives a flow-controlled frame MUST always account for
        // its contribution against the connection flow-control window, unless the receiver treats
        // this as a connection error.
        self.recv_window.receive(flow_len).map_err(|reason| {
            ConnectionError::new(
                ErrorCode::FLOW_CONTROL_ERROR,
                format!("{reason} of the connection (RFC 9113 §6.9.1)"),
            )
        })?;
        // Whatever happens to the frame below, it is consumed now: its credit goes back.
        self.recv_credit = self.recv_credit.saturating_add(flow_len);

        let Some(stream) = self.streams.get_mut(&stream_id) else {
            return self.on_frame_for_absent_stream(stream_id, Event::RecvData);
        };
        match stream.state.on(Event::RecvData, stream_id) {
            Ok(state) => stream.state = state,
            Err(error) => return self.on_state_error(error),
        }
        // RFC 9113 §6.9.1: A receiver MAY respond with a stream error or connection error of type
        // FLOW_CONTROL_ERROR if it is unable to accept a frame. (The stream's window: stream.)
        if let Err(reason) = stream.recv_window.receive(flow_len) {
            let error = StreamError::new(
                stream_id,
                ErrorCode::FLOW_CONTROL_ERROR,
                format!("{reason} of stream {stream_id} (RFC 9113 §6.9.1)"),
            );
            self.reset(error);
            return Ok(());
        }
        if !data.end_stream {
            stream.recv_credit = stream.recv_credit.saturating_add(flow_len);
        }
        stream.received += data.data.len() as u64;
        // RFC 9113 §8.1.1: A request or response is also malformed if the value of a
        // content-length header field does not equal the sum of the DATA frame payload lengths.
        if let Some(expected) = stream.content_length {
            if stream.received > expected {
                let error = StreamError::new(
                    stream_id,
                    ErrorCode::PROTOCOL_ERROR,
                    format!(
                        "{} octets of content, more than content-length {expected} \
                         (RFC 9113 §8.1.1)",
                        stream.received
                    ),
                );
                self.reset(error);
                return Ok(());
            }
        }
        if let Some(exchange) = stream.exchange.as_mut() {
            exchange.body(&data.data);
        }
        if data.end_stream {
            return self.end_request(stream_id, Vec::new());
        }
        Ok(())
    }

    fn on_header_block(&mut self, block: HeaderBlock) -> Result<(), ConnectionError> {
        let stream_id = block.stream_id;
        // The block is decoded whatever becomes of the stream: HPACK state is per connection.
        let fields = match self.decoder.decode(&block.block) {
            Ok(fields) => Some(fields),
            // The list was longer than our SETTINGS_MAX_HEADER_LIST_SIZE: the decoder kept its
            // table in sync but not the fields. Answered with 431 below.
            Err(DecodeError::HeaderListTooLarge { .. }) => None,
            // RFC 9113 §4.3: A decoding error in a field block MUST be treated as a connection
            // error of type COMPRESSION_ERROR.
            Err(error) => return Err(ConnectionError::from(error)),
        };
        for field in fields.iter().flatten() {
            debug!(
                "{}",
                field_line(
                    self.id,
                    Direction::Recv,
                    stream_id,
                    &field.name,
                    &field.value
                )
            );
        }

        if self.streams.contains_key(&stream_id) {
            return self.on_trailers(block, fields);
        }
        // RFC 9113 §5.1.1: Streams initiated by a client MUST use odd-numbered stream
        // identifiers. ... An endpoint that receives an unexpected stream identifier MUST respond
        // with a connection error of type PROTOCOL_ERROR.
        if stream_id.is_multiple_of(2) {
            return Err(ConnectionError::new(
                ErrorCode::PROTOCOL_ERROR,
                format!("HEADERS on even stream {stream_id} (RFC 9113 §5.1.1)"),
            ));
        }
        if stream_id > self.highest_opened {
            return self.open_stream(block, fields);
        }
        match self.closure(stream_id) {
            // RFC 9113 §5.1 (closed): after we sent RST_STREAM, the client "could receive any type
            // of frame" ... "An endpoint MUST minimally process and then discard any frames it
            // receives in this state. This means updating header compression state": done above.
            Some(Closure::Discarded) => Ok(()),
            // RFC 9113 §5.1.1: "Stream identifiers cannot be reused." The client ended or reset
            // this stream itself, so it cannot be a frame in flight. §5.1 (closed): "An endpoint
            // MAY treat receipt of any other type of frame on a closed stream as a connection
            // error (Section 5.4.1) of type STREAM_CLOSED."
            Some(Closure::Ended) => Err(ConnectionError::new(
                ErrorCode::STREAM_CLOSED,
                format!("HEADERS on closed stream {stream_id} (RFC 9113 §5.1, §5.1.1)"),
            )),
            // RFC 9113 §5.1.1: The identifier of a newly established stream MUST be numerically
            // greater than all streams that the initiating endpoint has opened or reserved. ...
            // An endpoint that receives an unexpected stream identifier MUST respond with a
            // connection error of type PROTOCOL_ERROR.
            None => Err(ConnectionError::new(
                ErrorCode::PROTOCOL_ERROR,
                format!(
                    "HEADERS on stream {stream_id}, not above stream {} opened before \
                     (RFC 9113 §5.1.1)",
                    self.highest_opened
                ),
            )),
        }
    }

    fn open_stream(
        &mut self,
        block: HeaderBlock,
        fields: Option<Vec<Field>>,
    ) -> Result<(), ConnectionError> {
        let stream_id = block.stream_id;
        self.highest_opened = stream_id;
        // RFC 9113 §6.8: Once the GOAWAY is sent, the sender will ignore frames sent on streams
        // initiated by the receiver if the stream has an identifier higher than the included last
        // stream identifier.
        if self.goaway_sent {
            self.remember_closed(stream_id, Closure::Discarded);
            return Ok(());
        }
        // RFC 9113 §5.1.2: An endpoint that receives a HEADERS frame that causes its advertised
        // concurrent stream limit to be exceeded MUST treat this as a stream error of type
        // PROTOCOL_ERROR or REFUSED_STREAM. (REFUSED_STREAM: the client may retry.) A client
        // that has sent GOAWAY gets the same answer for a new stream.
        if self.goaway_received || self.streams.len() >= self.local.max_concurrent_streams as usize
        {
            self.reset(StreamError::new(
                stream_id,
                ErrorCode::REFUSED_STREAM,
                format!(
                    "stream {stream_id} beyond MAX_CONCURRENT_STREAMS of {} (RFC 9113 §5.1.2)",
                    self.local.max_concurrent_streams
                ),
            ));
            return Ok(());
        }
        self.last_processed = stream_id;
        let state = match State::Idle.on(Event::RecvHeaders, stream_id) {
            Ok(state) => state,
            Err(error) => return self.on_state_error(error),
        };
        let mut stream = Stream {
            state,
            recv_window: Window::new(self.local.initial_window_size),
            recv_credit: 0,
            send_window: Window::new(self.peer.initial_window_size),
            exchange: None,
            content_length: None,
            received: 0,
            body: None,
            method: "-".to_string(),
            path: "-".to_string(),
            status: 0,
            sent: 0,
            started: Instant::now(),
        };
        // RFC 9113 §5.3.1 (RFC 7540): A stream cannot depend on itself. An endpoint MUST treat
        // this as a stream error of type PROTOCOL_ERROR. (Checked here, not by the frame layer,
        // so that the block was decoded first.)
        if let Some(Err(error)) = block.priority.map(|spec| spec.check_not_self(stream_id)) {
            self.reset(error);
            return Ok(());
        }
        let Some(fields) = fields else {
            self.streams.insert(stream_id, stream);
            return self.refuse_large_header_list(stream_id, block.end_stream);
        };
        let valid = match validate_request(stream_id, &fields) {
            Ok(valid) => valid,
            Err(error) => {
                self.reset(error);
                return Ok(());
            }
        };
        stream.method.clone_from(&valid.request.method);
        stream.path.clone_from(&valid.request.path);
        stream.content_length = valid.content_length;
        stream.exchange = Some(self.handler.start(valid.request));
        self.streams.insert(stream_id, stream);
        if block.end_stream {
            return self.end_request(stream_id, Vec::new());
        }
        Ok(())
    }

    /// A second header block on an open stream: trailers (§8.1).
    fn on_trailers(
        &mut self,
        block: HeaderBlock,
        fields: Option<Vec<Field>>,
    ) -> Result<(), ConnectionError> {
        let stream_id = block.stream_id;
        let Some(stream) = self.streams.get_mut(&stream_id) else {
            return Ok(());
        };
        match stream.state.on(Event::RecvHeaders, stream_id) {
            Ok(state) => stream.state = state,
            Err(error) => return self.on_state_error(error),
        }
        // RFC 9113 §5.3.1 (RFC 7540): A stream cannot depend on itself.
        if let Some(Err(error)) = block.priority.map(|spec| spec.check_not_self(stream_id)) {
            self.reset(error);
            return Ok(());
        }
        let Some(fields) = fields else {
            return self.refuse_large_header_list(stream_id, block.end_stream);
        };
        match validate_trailers(stream_id, &fields, block.end_stream) {
            Ok(trailers) => self.end_request(stream_id, trailers),
            Err(error) => {
                self.reset(error);
                Ok(())
            }
        }
    }

    /// The header list was over our SETTINGS_MAX_HEADER_LIST_SIZE: answer 431 (RFC 6585 §5)
    /// without a body, instead of handing the handler a truncated request.
    fn refuse_large_header_list(
        &mut self,
        stream_id: u32,
        end_stream: bool,
    ) -> Result<(), ConnectionError> {
        if let Some(stream) = self.streams.get_mut(&stream_id) {
            stream.exchange = None;
            if end_stream {
                match stream.state.on(Event::RecvEndStream, stream_id) {
                    Ok(state) => stream.state = state,
                    Err(error) => return self.on_state_error(error),
                }
            }
        }
        let response = Response {
            status: 0x1af,
            headers: Vec::new(),
            body: crate::http::Body::Empty,
        };
        self.respond(stream_id, response)
    }

    /// The request has ended (END_STREAM received): check its length, then get the response.
    fn end_request(
        &mut self,
        stream_id: u32,
        trailers: Vec<(String, String)>,
    ) -> Result<(), ConnectionError> {
        let Some(stream) = self.streams.get_mut(&stream_id) else {
            return Ok(());
        };
        match stream.state.on(Event::RecvEndStream, stream_id) {
            Ok(state) => stream.state = state,
            Err(error) => return self.on_state_error(error),
        }
        // RFC 9113 §8.1.1: A request or response is also malformed if the value of a
        // content-length header field does not equal the sum of the DATA frame payload lengths
        // that form the content.
        if let Some(expected) = stream.content_length {
            if stream.received != expected {
                let reason = format!(
                    "{} octets of content, content-length said {expected} (RFC 9113 §8.1.1)",
                    stream.received
                );
                self.reset(StreamError::new(
                    stream_id,
                    ErrorCode::PROTOCOL_ERROR,
                    reason,
                ));
                return Ok(());
            }
        }
        let Some(exchange) = stream.exchange.take() else {
            return Ok(());
        };
        let response = exchange.finish(&trailers);
        self.respond(stream_id, response)
    }

    fn on_rst_stream(&mut self, rst: RstStream) -> Result<(), ConnectionError> {
        let stream_id = rst.stream_id;
        if let Some(stream) = self.streams.remove(&stream_id) {
            // The exchange and the response body are dropped here, at once.
            if let Err(error) = stream.state.on(Event::RecvRstStream, stream_id) {
                return self.on_state_error(error);
            }
            self.remember_closed(stream_id, Closure::Ended);
            debug!(
                "[conn {}] stream {stream_id} reset by the client: {}",
                self.id, rst.error_code
            );
            return Ok(());
        }
        let state = if self.is_idle(stream_id) {
            State::Idle
        } else {
            State::Closed
        };
        // RFC 9113 §6.4: If a RST_STREAM frame identifying an idle stream is received, the
        // recipient MUST treat this as a connection error of type PROTOCOL_ERROR.
        match state.on(Event::RecvRstStream, stream_id) {
            Ok(_) => Ok(()),
            Err(error) => self.on_state_error(error),
        }
    }

    fn on_settings(&mut self, settings: Settings) -> Result<(), ConnectionError> {
        if settings.ack {
            // RFC 9113 §6.5.3: the ACK says the client applied our SETTINGS, so from now on its
            // encoder may use the whole header table we offered. An ACK we did not ask for is
            // ignored.
            if !self.settings_acked {
                self.settings_acked = true;
                self.decoder
                    .set_max_table_size(self.local.header_table_size as usize);
            }
            return Ok(());
        }
        let changes = self.peer.apply(&settings.params)?;
        if let Some(size) = changes.header_table_size {
            self.encoder.set_max_table_size(size as usize);
        }
        if changes.window_delta != 0 {
            // RFC 9113 §6.9.2: When the value of SETTINGS_INITIAL_WINDOW_SIZE changes, a
            // receiver MUST adjust the size of all stream flow-control windows that it maintains
            // by the difference between the new value and the old value. ... An endpoint MUST
            // treat a change to SETTINGS_INITIAL_WINDOW_SIZE that causes any flow-control window
            // to exceed the maximum size as a connection error of type FLOW_CONTROL_ERROR.
            for (&stream_id, stream) in self.streams.iter_mut() {
                stream
                    .send_window
                    .shift(changes.window_delta)
                    .map_err(|reason| {
                        ConnectionError::new(
                            ErrorCode::FLOW_CONTROL_ERROR,
                            format!("{reason} on stream {stream_id} (RFC 9113 §6.9.2)"),
                        )
                    })?;
            }
        }
        // RFC 9113 §6.5.3: Upon receiving and applying [the SETTINGS frame], the recipient MUST
        // immediately emit a SETTINGS frame with the ACK flag set.
        self.queue(Frame::Settings(Settings {
            ack: true,
            params: Vec::new(),
        }));
        Ok(())
    }

    fn on_window_update(&mut self, update: WindowUpdate) -> Result<(), ConnectionError> {
        let stream_id = update.stream_id;
        if stream_id == 0 {
            // RFC 9113 §6.9.1: If a sender receives a WINDOW_UPDATE that causes a flow-control
            // window to exceed this maximum, it MUST terminate either the stream or the
            // connection, as appropriate. ... by sending ... a GOAWAY for the connection.
            return self
                .send_window
                .increase(update.increment)
                .map_err(|reason| {
                    ConnectionError::new(
                        ErrorCode::FLOW_CONTROL_ERROR,
                        format!("{reason} on the connection (RFC 9113 §6.9.1)"),
                    )
                });
        }
        let Some(stream) = self.streams.get_mut(&stream_id) else {
            let state = if self.is_idle(stream_id) {
                State::Idle
            } else {
                State::Closed
            };
            return match state.on(Event::RecvWindowUpdate, stream_id) {
                Ok(_) => Ok(()),
                Err(error) => self.on_state_error(error),
            };
        };
        match stream.state.on(Event::RecvWindowUpdate, stream_id) {
            Ok(state) => stream.state = state,
            Err(error) => return self.on_state_error(error),
        }
        // RFC 9113 §6.9.1: ... it MUST terminate either the stream or the connection, as
        // appropriate. For streams, the sender sends a RST_STREAM with an error code of
        // FLOW_CONTROL_ERROR.
        if let Err(reason) = stream.send_window.increase(update.increment) {
            self.reset(StreamError::new(
                stream_id,
                ErrorCode::FLOW_CONTROL_ERROR,
                format!("{reason} on stream {stream_id} (RFC 9113 §6.9.1)"),
            ));
        }
        Ok(())
    }

    /// DATA or HEADERS for a stream that is not in the table: idle, reset by us, or closed.
    fn on_frame_for_absent_stream(
        &mut self,
        stream_id: u32,
        event: Event,
    ) -> Result<(), ConnectionError> {
        if self.is_idle(stream_id) {
            return match State::Idle.on(event, stream_id) {
                Ok(_) => Ok(()),
                Err(error) => self.on_state_error(error),
            };
        }
        // RFC 9113 §5.1 (closed): An endpoint MUST ignore frames that it receives on closed
        // streams after it has sent a RST_STREAM frame.
        if self.closure(stream_id) == Some(Closure::Discarded) {
            return Ok(());
        }
        match State::Closed.on(event, stream_id) {
            Ok(_) => Ok(()),
            Err(error) => self.on_state_error(error),
        }
    }

    fn on_state_error(&mut self, error: ProtocolError) -> Result<(), ConnectionError> {
        match error {
            ProtocolError::Connection(error) => Err(error),
            ProtocolError::Stream(error) => {
                self.reset(error);
                Ok(())
            }
        }
    }

    /// Whether `stream_id` is still idle: never opened by the client (§5.1.1: client streams are
    /// odd and opened in increasing order; even ones would be ours, and we open none).
    fn is_idle(&self, stream_id: u32) -> bool {
        stream_id.is_multiple_of(2) || stream_id > self.highest_opened
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
        self.goaway_sent = true;
        self.queue(Frame::GoAway(GoAway {
            last_stream_id: self.last_processed,
            error_code: error.code,
            debug_data: error.reason.as_bytes().to_vec(),
        }));
    }

    /// Sends WINDOW_UPDATE for the octets consumed once half a window's worth has gathered, on
    /// the connection and on each stream that may still send.
    fn give_back_credit(&mut self) {
        if self.recv_credit > 0 && self.recv_credit >= self.recv_window_size / 2 {
            let increment = std::mem::take(&mut self.recv_credit);
            self.recv_window.restore(increment);
            self.queue(Frame::WindowUpdate(WindowUpdate {
                stream_id: 0,
                increment,
            }));
        }
        let threshold = self.local.initial_window_size / 2;
        for (&stream_id, stream) in self.streams.iter_mut() {
            let receiving = matches!(stream.state, State::Open | State::HalfClosedLocal);
            if !receiving || stream.recv_credit == 0 || stream.recv_credit < threshold {
                continue;
            }
            let increment = std::mem::take(&mut stream.recv_credit);
            stream.recv_window.restore(increment);
            self.control
                .push_back(Queued::frame(Frame::WindowUpdate(WindowUpdate {
                    stream_id,
                    increment,
                })));
        }
    }

    // ---- output --------------------------------------------------------------------------------

    /// Turns a response into HEADERS (+ CONTINUATION) now, so that header blocks leave in the
    /// order the HPACK encoder produced them, and queues its body for DATA.
    fn respond(&mut self, stream_id: u32, response: Response) -> Result<(), ConnectionError> {
        let Some(stream) = self.streams.get_mut(&stream_id) else {
            return Ok(());
        };
        stream.status = response.status;
        // RFC 9113 §8.3: All pseudo-header fields MUST appear in a field block before all regular
        // field lines. (`:status` is the only one of a response, §8.3.2.)
        let mut fields = Vec::with_capacity(response.headers.len() + 1);
        fields.push(Field {
            name: b":status".to_vec(),
            value: response.status.to_string().into_bytes(),
        });
        for (name, value) in response.headers {
            fields.push(Field {
                name: name.to_ascii_lowercase().into_bytes(),
                value: value.into_bytes(),
            });
        }
        let mut block = Vec::new();
        self.encoder.encode(&fields, &mut block);

        let body = Outgoing::new(response.body);
        let end_stream = body.is_none();
        let mut state = stream.state.on(Event::SendHeaders, stream_id);
        if end_stream {
            state = state.and_then(|s| s.on(Event::SendEndStream, stream_id));
        }
        match state {
            Ok(state) => stream.state = state,
            Err(error) => return self.on_state_error(error),
        }
        stream.body = body;
        self.queue_header_block(stream_id, block, end_stream, fields);
        if end_stream {
            self.response_sent(stream_id);
        } else {
            self.ready.push_back(stream_id);
        }
        Ok(())
    }

    /// HEADERS, then CONTINUATION frames if the block is longer than the client's
    /// SETTINGS_MAX_FRAME_SIZE (§4.2, §6.10). `fields` go with HEADERS, for the log.
    fn queue_header_block(
        &mut self,
        stream_id: u32,
        block: Vec<u8>,
        end_stream: bool,
        fields: Vec<Field>,
    ) {
        let max = (self.peer.max_frame_size as usize).max(1);
        let mut pieces = block.chunks(max);
        let first = pieces.next().unwrap_or_default().to_vec();
        let rest: Vec<Vec<u8>> = pieces.map(<[u8]>::to_vec).collect();
        self.control.push_back(Queued {
            frame: Frame::Headers(Headers {
                stream_id,
                fragment: first,
                end_stream,
                end_headers: rest.is_empty(),
                priority: None,
                pad_len: None,
            }),
            fields,
        });
        let count = rest.len();
        for (index, fragment) in rest.into_iter().enumerate() {
            self.queue(Frame::Continuation(Continuation {
                stream_id,
                fragment,
                end_headers: index + 1 == count,
            }));
        }
    }

    /// One DATA frame of one stream, as large as the windows, MAX_FRAME_SIZE and `room` allow.
    fn send_data(&mut self, stream_id: u32, room: usize, out: &mut Vec<u8>) -> DataStep {
        let connection_room = self.send_window.sendable();
        let max_frame = self.peer.max_frame_size as usize;
        let Some(stream) = self.streams.get_mut(&stream_id) else {
            return DataStep::Done;
        };
        let Some(body) = stream.body.as_mut() else {
            return DataStep::Done;
        };
        let limit = room
            .min(max_frame)
            .min(connection_room)
            .min(stream.send_window.sendable());
        if limit == 0 {
            return DataStep::Blocked;
        }
        if let Err(reason) = body.next_chunk(limit, &mut self.chunk) {
            self.reset(StreamError::new(
                stream_id,
                ErrorCode::INTERNAL_ERROR,
                reason,
            ));
            return DataStep::Done;
        }
        let end_stream = body.remaining() == 0;
        let mut state = stream.state.on(Event::SendData, stream_id);
        if end_stream {
            state = state.and_then(|s| s.on(Event::SendEndStream, stream_id));
        }
        match state {
            Ok(state) => stream.state = state,
            Err(error) => {
                let reason = error.to_string();
                self.reset(StreamError::new(
                    stream_id,
                    ErrorCode::INTERNAL_ERROR,
                    reason,
                ));
                return DataStep::Done;
            }
        }
        let len = self.chunk.len();
        stream.send_window.send(len);
        stream.sent += len as u64;
        if end_stream {
            stream.body = None;
        }
        self.send_window.send(len);
        let start = out.len();
        encode_data(stream_id, &self.chunk, end_stream, out);
        self.log_written(out, start, None);
        if end_stream {
            self.response_sent(stream_id);
        }
        DataStep::Sent {
            len,
            more: !end_stream,
        }
    }

    /// The response has ended (END_STREAM queued): the access line, then the stream closes, or,
    /// if the client is still sending, it is asked to stop (§8.1: "A server can send a complete
    /// response prior to the client sending an entire request ... the server MAY request that
    /// the client abort transmission of a request without error by sending a RST_STREAM with an
    /// error code of NO_ERROR").
    fn response_sent(&mut self, stream_id: u32) {
        let Some(stream) = self.streams.get(&stream_id) else {
            return;
        };
        info!(
            "[conn {}] stream={stream_id} {} {} {} {} octets {} ms",
            self.id,
            stream.method,
            stream.path,
            stream.status,
            stream.sent,
            stream.started.elapsed().as_millis()
        );
        if stream.state == State::Closed {
            self.streams.remove(&stream_id);
            self.remember_closed(stream_id, Closure::Ended);
            return;
        }
        self.reset(StreamError::new(
            stream_id,
            ErrorCode::NO_ERROR,
            "response complete before the request (RFC 9113 §8.1)",
        ));
    }

    fn queue(&mut self, frame: Frame) {
        self.control.push_back(Queued::frame(frame));
    }

    fn write_control(&mut self, out: &mut Vec<u8>) {
        while let Some(queued) = self.control.pop_front() {
            let start = out.len();
            queued.frame.encode(out);
            self.log_written(out, start, Some(&queued.frame));
            let stream_id = queued.frame.stream_id();
            for field in &queued.fields {
                debug!(
                    "{}",
                    field_line(
                        self.id,
                        Direction::Send,
                        stream_id,
                        &field.name,
                        &field.value
                    )
                );
            }
        }
    }

    fn log_written(&self, out: &[u8], start: usize, frame: Option<&Frame>) {
        if !log::log_enabled!(log::Level::Debug) {
            return;
        }
        let header_octets = out
            .get(start..start + HEADER_LEN)
            .and_then(|octets| <&[u8; HEADER_LEN]>::try_from(octets).ok());
        if let Some(octets) = header_octets {
            self.log_frame(Direction::Send, &FrameHeader::decode(octets), frame);
        }
    }

    fn log_frame(&self, direction: Direction, header: &FrameHeader, frame: Option<&Frame>) {
        debug!("{}", frame_line(self.id, direction, header, frame));
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
