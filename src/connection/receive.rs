//! Frames in — RFC 9113 §5.1, §6 and §8: what the connection does with each frame the client sends.

use std::time::Instant;

use log::debug;

use super::describe::{field_line, Direction};
use super::flow::Window;
use super::header_block::HeaderBlock;
use super::stream::{Event, State};
use super::{Closure, Connection, Phase, Queued, Stream};
use crate::error::{ConnectionError, ErrorCode, ProtocolError, StreamError};
use crate::frame::{
    flags, split_frame, Data, Frame, FrameHeader, FrameType, Ping, RstStream, Settings,
    WindowUpdate, PREFACE,
};
use crate::hpack::{DecodeError, Field};
use crate::http::{validate_request, validate_trailers, Response};

impl Connection {
    /// Takes every complete unit off the input buffer: the client preface first (§3.4), then
    /// frames no longer than our SETTINGS_MAX_FRAME_SIZE (§4.2), each handled in turn.
    pub(super) fn process_input(&mut self) -> Result<(), ConnectionError> {
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
    /// stream errors reset the stream, with the exceptions written below.
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
        // RFC 9113 §6.4: RST_STREAM frames MUST NOT be sent for a stream in the "idle" state.
        // So a malformed PRIORITY on an idle stream cannot get the stream error §6.3 and §5.3.1
        // name; it gets a connection error of the same code (§5.4.1: "an endpoint MAY choose to
        // treat a stream error as a connection error").
        if self.is_idle(error.stream_id) {
            return Err(ConnectionError::new(
                error.code,
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

    pub(super) fn on_state_error(&mut self, error: ProtocolError) -> Result<(), ConnectionError> {
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

    /// Sends WINDOW_UPDATE for the octets consumed once half a window's worth has gathered, on
    /// the connection and on each stream that may still send.
    pub(super) fn give_back_credit(&mut self) {
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
}
