//! Frames in — RFC 9113 §5.1, §6 and §8: what the connection does with each frame the client sends.
//!
//! Each handler returns the `ProtocolError` it meets and stops there. What becomes of the error is
//! decided in one place, once per frame (`on_state_error`): a stream error resets its stream and
//! the connection goes on (§5.4.2), a connection error ends the connection (§5.4.1).

use super::header_block::HeaderBlock;
use super::stream::{Event, State};
use super::{
    report_connection_window, report_window, window_event, Closure, Connection, Phase, Queued,
    Stream,
};
use crate::error::{ConnectionError, ErrorCode, ProtocolError, StreamError};
use crate::frame::{
    flags, split_frame, Data, Frame, FrameHeader, FrameType, GoAway, Ping, RstStream, Settings,
    WindowUpdate, PREFACE,
};
use crate::hpack::{self, DecodeError, Field};
use crate::http::{validate_request, validate_trailers, Response};
use crate::trace::{self, Direction, Followed, Observers, Watchers};

/// Input buffer capacity kept once the buffer is empty: a few ordinary reads' worth. More, left
/// behind by a large frame, is given back.
const INPUT_KEPT: usize = 64 * 1024;

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
                    "§3.4",
                    "invalid connection preface",
                ));
            }
            if seen < PREFACE.len() {
                return Ok(());
            }
            self.input.drain(..PREFACE.len());
            self.phase = Phase::FirstSettings;
            self.observers.emit(&trace::Event::Preface {
                direction: Direction::Recv,
                octets: PREFACE,
            });
        }
        // The buffer is taken out while its frames are handled (they borrow from it), then put
        // back with only the consumed frames removed: a frame that arrives in many small pieces
        // is never copied while it waits for its end, so its cost stays linear in its size.
        let mut buffer = std::mem::take(&mut self.input);
        let mut offset = 0;
        let result = loop {
            let rest = buffer.get(offset..).unwrap_or_default();
            match split_frame(rest, self.local.max_frame_size) {
                Ok(Some((header, payload, used))) => {
                    offset += used;
                    let octets = rest.get(..used).unwrap_or_default();
                    if let Err(error) = self.on_frame(&header, payload, octets) {
                        break Err(error);
                    }
                }
                Ok(None) => break Ok(()),
                Err(error) => break Err(error),
            }
        };
        buffer.drain(..offset);
        if buffer.is_empty() && buffer.capacity() > INPUT_KEPT {
            // A large frame has gone: an idle connection does not keep its memory.
            buffer = Vec::new();
        }
        self.input = buffer;
        result
    }

    /// One frame (`octets`: header and payload): checked, decoded, shown to the observers, then
    /// handled.
    fn on_frame(
        &mut self,
        header: &FrameHeader,
        payload: &[u8],
        octets: &[u8],
    ) -> Result<(), ConnectionError> {
        let decoded = self.decode_frame(header, payload);
        let watchers = self.frame_watchers(header);
        let followed = Followed::frame(Direction::Recv, octets.len(), 0);
        self.observers
            .report(watchers, followed, || trace::Event::Frame {
                direction: Direction::Recv,
                header,
                frame: decoded.as_ref().ok(),
                octets,
            });
        decoded
            .and_then(|frame| self.on_decoded_frame(frame))
            .or_else(|error| self.on_state_error(error))?;
        self.limits.check_queue(self.control.len())
    }

    /// The observers that watch the stream of a frame that arrived ([`Connection::stream_watchers`]).
    /// The first frame of a request's HEADERS asks them, for the stream it is to open.
    fn frame_watchers(&mut self, header: &FrameHeader) -> Watchers {
        let stream_id = header.stream_id;
        let opens = header.kind == FrameType::HEADERS
            && self.observers.is_watching()
            && !stream_id.is_multiple_of(2)
            && stream_id > self.closed.highest_opened();
        if !opens {
            return self.stream_watchers(stream_id);
        }
        let watchers = self.observers.watchers(stream_id);
        self.opening = Some((stream_id, watchers));
        watchers
    }

    /// Checks a frame against the header block in progress and the preface, then decodes it.
    fn decode_frame(
        &mut self,
        header: &FrameHeader,
        payload: &[u8],
    ) -> Result<Frame, ProtocolError> {
        self.assembler.check_next(header)?;
        self.limits.on_frame(header)?;
        if self.phase == Phase::FirstSettings {
            self.on_first_frame(header)?;
        }
        Frame::decode(header, payload).map_err(|error| self.malformed_frame(header, error))
    }

    /// The frame right after the client preface.
    fn on_first_frame(&mut self, header: &FrameHeader) -> Result<(), ConnectionError> {
        // RFC 9113 §3.4: This sequence MUST be followed by a SETTINGS frame. ... Clients and
        // servers MUST treat an invalid connection preface as a connection error of type
        // PROTOCOL_ERROR.
        if header.kind != FrameType::SETTINGS || header.flags & flags::ACK != 0 {
            return Err(ConnectionError::new(
                ErrorCode::PROTOCOL_ERROR,
                "§3.4",
                "the client's first frame is not SETTINGS",
            ));
        }
        self.phase = Phase::Running;
        Ok(())
    }

    fn on_decoded_frame(&mut self, frame: Frame) -> Result<(), ProtocolError> {
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
            Frame::Settings(settings) => Ok(self.on_settings(settings)?),
            // RFC 9113 §8.4: A client cannot push. Thus, servers MUST treat the receipt of a
            // PUSH_PROMISE frame as a connection error of type PROTOCOL_ERROR.
            Frame::PushPromise(_) => Err(ConnectionError::new(
                ErrorCode::PROTOCOL_ERROR,
                "§8.4",
                "PUSH_PROMISE from a client",
            )
            .into()),
            Frame::Ping(ping) => {
                self.on_ping(ping);
                Ok(())
            }
            Frame::GoAway(goaway) => {
                self.on_goaway(&goaway);
                Ok(())
            }
            Frame::WindowUpdate(update) => self.on_window_update(update),
            // RFC 9113 §5.5: Implementations MUST ignore unknown or unsupported values in all
            // extensible protocol elements.
            Frame::Unknown(_) => Ok(()),
        }
    }

    /// The error to act on for a frame that broke a rule of §4–§6 on its own: the frame layer's,
    /// with the exceptions written below that make a stream error a connection error.
    fn malformed_frame(&self, header: &FrameHeader, error: ProtocolError) -> ProtocolError {
        let ProtocolError::Stream(error) = error else {
            return error;
        };
        // A HEADERS frame that could not be decoded took its field block fragment with it: the
        // HPACK decoder could no longer follow the client's encoder, so the connection ends
        // (RFC 9113 §4.3, §5.4.2: frames that modify the compression state are never skipped).
        // The frame layer reports no stream error for HEADERS today; this keeps it so.
        if header.kind == FrameType::HEADERS {
            return ConnectionError::new(error.code, error.section, error.reason).into();
        }
        // RFC 9113 §5.1 (idle): Receiving any frame other than HEADERS or PRIORITY on a stream in
        // this state MUST be treated as a connection error of type PROTOCOL_ERROR.
        if header.kind != FrameType::PRIORITY && self.closed.is_idle(error.stream_id) {
            return ConnectionError::new(
                ErrorCode::PROTOCOL_ERROR,
                "§5.1",
                format!("{} (on idle stream {})", error.reason, error.stream_id),
            )
            .into();
        }
        // RFC 9113 §6.4: RST_STREAM frames MUST NOT be sent for a stream in the "idle" state.
        // So a malformed PRIORITY on an idle stream cannot get the stream error §6.3 and §5.3.1
        // name; it gets a connection error of the same code (§5.4.1: "an endpoint MAY choose to
        // treat a stream error as a connection error").
        if self.closed.is_idle(error.stream_id) {
            return ConnectionError::new(
                error.code,
                error.section,
                format!("{} (on idle stream {})", error.reason, error.stream_id),
            )
            .into();
        }
        error.into()
    }

    fn on_data(&mut self, data: Data) -> Result<(), ProtocolError> {
        let stream_id = data.stream_id;
        let flow_len = data.flow_len();
        // RFC 9113 §6.9: A receiver that receives a flow-controlled frame MUST always account for
        // its contribution against the connection flow-control window, unless the receiver treats
        // this as a connection error.
        self.recv_window.receive(flow_len).map_err(|reason| {
            ConnectionError::new(
                ErrorCode::FLOW_CONTROL_ERROR,
                "§6.9.1",
                format!("{reason} of the connection"),
            )
        })?;
        let taken = -i64::from(flow_len);
        let window = self.recv_window.window();
        let watchers = self.stream_watchers(stream_id);
        let followed = Followed::events(0).connection_window(Direction::Recv, window.size());
        self.observers.report(watchers, followed, || {
            window_event(Direction::Recv, 0, window, taken)
        });
        // Whatever happens to the frame below, it is consumed now: `give_back_credit` returns its
        // credit on the connection.

        let Some(stream) = self.streams.get_mut(&stream_id) else {
            return self.on_frame_for_absent_stream(stream_id, Event::RecvData);
        };
        stream.transition(Event::RecvData, stream_id, &mut self.observers)?;
        // RFC 9113 §6.9.1: A receiver MAY respond with a stream error or connection error of type
        // FLOW_CONTROL_ERROR if it is unable to accept a frame. (The stream's window: stream.)
        stream.recv_window.receive(flow_len).map_err(|reason| {
            StreamError::new(
                stream_id,
                ErrorCode::FLOW_CONTROL_ERROR,
                "§6.9.1",
                format!("{reason} of stream {stream_id}"),
            )
        })?;
        let window = stream.recv_window.window();
        report_window(
            &mut self.observers,
            stream.watchers,
            Direction::Recv,
            stream_id,
            window,
            taken,
        );
        stream.received += data.data.len() as u64;
        if !data.data.is_empty() {
            self.timers.progress();
        }
        stream.check_content_length(stream_id)?;
        if let Some(exchange) = stream.exchange.as_mut() {
            exchange.body(&data.data);
        }
        if data.end_stream {
            return self.end_request(stream_id, Vec::new());
        }
        Ok(())
    }

    fn on_header_block(&mut self, block: HeaderBlock) -> Result<(), ProtocolError> {
        let stream_id = block.stream_id;
        // The block is decoded whatever becomes of the stream: HPACK state is per connection.
        let fields = self.decode_block(&block)?;
        if self.streams.contains_key(&stream_id) {
            return self.on_trailers(block, fields);
        }
        // RFC 9113 §5.1.1: Streams initiated by a client MUST use odd-numbered stream
        // identifiers. ... An endpoint that receives an unexpected stream identifier MUST respond
        // with a connection error of type PROTOCOL_ERROR.
        if stream_id.is_multiple_of(2) {
            return Err(ConnectionError::new(
                ErrorCode::PROTOCOL_ERROR,
                "§5.1.1",
                format!("HEADERS on even stream {stream_id}"),
            )
            .into());
        }
        if stream_id > self.closed.highest_opened() {
            return self.open_stream(block, fields);
        }
        self.on_headers_for_closed_stream(stream_id)
    }

    /// Decodes a complete block with the connection's HPACK decoder, each step reported to the
    /// observers when there are any. `None` when the list was longer than our
    /// SETTINGS_MAX_HEADER_LIST_SIZE: the decoder kept its table in sync but not the fields, and
    /// the request is answered with 431.
    fn decode_block(&mut self, block: &HeaderBlock) -> Result<Option<Vec<Field>>, ConnectionError> {
        let decoded = if self.observers.is_watching() {
            let stream_id = block.stream_id;
            let watchers = self.stream_watchers(stream_id);
            let fields_wanted = watchers.any();
            let observers = &mut self.observers;
            self.decoder.decode_with(&block.block, &mut |step| {
                if fields_wanted || !matches!(step, hpack::Event::Field { .. }) {
                    report_step(observers, watchers, stream_id, &step);
                }
            })
        } else {
            self.decoder.decode(&block.block)
        };
        match decoded {
            Ok(fields) => Ok(Some(fields)),
            Err(DecodeError::HeaderListTooLarge { .. }) => Ok(None),
            // RFC 9113 §4.3: A decoding error in a field block MUST be treated as a connection
            // error of type COMPRESSION_ERROR.
            Err(error) => Err(ConnectionError::from(error)),
        }
    }

    /// HEADERS on an odd stream below the highest one opened, and no longer in the table.
    fn on_headers_for_closed_stream(&self, stream_id: u32) -> Result<(), ProtocolError> {
        match self.closed.closure(stream_id) {
            // RFC 9113 §5.1 (closed): after we sent RST_STREAM, the client "could receive any type
            // of frame" ... "An endpoint MUST minimally process and then discard any frames it
            // receives in this state. This means updating header compression state": done before.
            Some(Closure::Discarded) => Ok(()),
            // RFC 9113 §5.1.1: "Stream identifiers cannot be reused." The client ended or reset
            // this stream itself, so it cannot be a frame in flight. §5.1 (closed): "An endpoint
            // MAY treat receipt of any other type of frame on a closed stream as a connection
            // error (Section 5.4.1) of type STREAM_CLOSED."
            Some(Closure::ClosedByClient) => Err(ConnectionError::new(
                ErrorCode::STREAM_CLOSED,
                "§5.1",
                format!("HEADERS on closed stream {stream_id}, which cannot be reused (§5.1.1)"),
            )
            .into()),
            // RFC 9113 §5.1.1: The identifier of a newly established stream MUST be numerically
            // greater than all streams that the initiating endpoint has opened or reserved. ...
            // An endpoint that receives an unexpected stream identifier MUST respond with a
            // connection error of type PROTOCOL_ERROR.
            None => Err(ConnectionError::new(
                ErrorCode::PROTOCOL_ERROR,
                "§5.1.1",
                format!(
                    "HEADERS on stream {stream_id}, not above stream {} opened before",
                    self.closed.highest_opened()
                ),
            )
            .into()),
        }
    }

    /// HEADERS on a stream above every one opened before: a request, and the stream leaves idle.
    fn open_stream(
        &mut self,
        block: HeaderBlock,
        fields: Option<Vec<Field>>,
    ) -> Result<(), ProtocolError> {
        let stream_id = block.stream_id;
        let watchers = self.stream_watchers(stream_id);
        self.opening = None;
        self.closed.opened(stream_id);
        self.limits.on_useful_frame();
        // RFC 9113 §6.8: Once the GOAWAY is sent, the sender will ignore frames sent on streams
        // initiated by the receiver if the stream has an identifier higher than the included last
        // stream identifier.
        if self.goaway_sent {
            self.closed.remember(stream_id, Closure::Discarded);
            return Ok(());
        }
        // RFC 9113 §5.1.2: An endpoint that receives a HEADERS frame that causes its advertised
        // concurrent stream limit to be exceeded MUST treat this as a stream error of type
        // PROTOCOL_ERROR or REFUSED_STREAM. (REFUSED_STREAM: the client may retry.) A client
        // that has sent GOAWAY may still open streams: §6.8 forbids that only to the receiver.
        let client_streams = self
            .streams
            .keys()
            .filter(|id| !id.is_multiple_of(2))
            .count();
        if client_streams >= self.local.max_concurrent_streams as usize {
            self.observers.emit(&trace::Event::Limit {
                name: "SETTINGS_MAX_CONCURRENT_STREAMS",
                value: self.local.max_concurrent_streams.into(),
            });
            return Err(StreamError::new(
                stream_id,
                ErrorCode::REFUSED_STREAM,
                "§5.1.2",
                format!(
                    "stream {stream_id} beyond MAX_CONCURRENT_STREAMS of {}",
                    self.local.max_concurrent_streams
                ),
            )
            .into());
        }
        self.last_processed = stream_id;
        self.timers.progress();
        let mut stream = Stream::new(
            stream_id,
            self.local.initial_window_in_force(self.settings_acked),
            self.peer.initial_window_size,
        );
        stream.watchers = watchers;
        stream.transition(Event::RecvHeaders, stream_id, &mut self.observers)?;
        // RFC 9113 §5.3.1 (RFC 7540): A stream cannot depend on itself. An endpoint MUST treat
        // this as a stream error of type PROTOCOL_ERROR. (Checked here, not by the frame layer,
        // so that the block was decoded first.)
        block.check_priority()?;
        let Some(fields) = fields else {
            self.streams.insert(stream_id, Box::new(stream));
            return Ok(self.refuse_large_header_list(stream_id, block.end_stream)?);
        };
        let mut valid = validate_request(stream_id, fields)?;
        valid.request.connection = self.id;
        stream.method.clone_from(&valid.request.method);
        stream.path.clone_from(&valid.request.path);
        stream.content_length = valid.content_length;
        stream.exchange = Some(self.handler.start(valid.request));
        self.streams.insert(stream_id, Box::new(stream));
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
    ) -> Result<(), ProtocolError> {
        let stream_id = block.stream_id;
        let Some(stream) = self.streams.get_mut(&stream_id) else {
            return Ok(());
        };
        stream.transition(Event::RecvHeaders, stream_id, &mut self.observers)?;
        // RFC 9113 §5.3.1 (RFC 7540): A stream cannot depend on itself.
        block.check_priority()?;
        let Some(fields) = fields else {
            return Ok(self.refuse_large_header_list(stream_id, block.end_stream)?);
        };
        let trailers = validate_trailers(stream_id, fields, block.end_stream)?;
        self.end_request(stream_id, trailers)
    }

    /// The header list was over our SETTINGS_MAX_HEADER_LIST_SIZE: answer 431 (RFC 6585 §5)
    /// without a body, instead of handing the handler a truncated request.
    fn refuse_large_header_list(
        &mut self,
        stream_id: u32,
        end_stream: bool,
    ) -> Result<(), ConnectionError> {
        self.observers.emit(&trace::Event::Limit {
            name: "SETTINGS_MAX_HEADER_LIST_SIZE",
            value: self.local.max_header_list_size.into(),
        });
        if let Some(stream) = self.streams.get_mut(&stream_id) {
            stream.exchange = None;
            if end_stream {
                let ended = stream.transition(Event::RecvEndStream, stream_id, &mut self.observers);
                if let Err(error) = ended {
                    return self.on_state_error(error);
                }
            }
        }
        let response = Response::new(431, Vec::new(), crate::http::Body::Empty)
            .complete(false, std::time::SystemTime::now());
        self.respond(stream_id, response)
    }

    /// The request has ended (END_STREAM received): check its length, then get the response.
    fn end_request(
        &mut self,
        stream_id: u32,
        trailers: Vec<(String, String)>,
    ) -> Result<(), ProtocolError> {
        let Some(stream) = self.streams.get_mut(&stream_id) else {
            return Ok(());
        };
        stream.transition(Event::RecvEndStream, stream_id, &mut self.observers)?;
        stream.check_content_length(stream_id)?;
        let Some(exchange) = stream.exchange.take() else {
            return Ok(());
        };
        let response = exchange.finish(&trailers);
        Ok(self.respond(stream_id, response)?)
    }

    fn on_rst_stream(&mut self, rst: RstStream) -> Result<(), ProtocolError> {
        let stream_id = rst.stream_id;
        let Some(stream) = self.streams.get_mut(&stream_id) else {
            // RFC 9113 §6.4: If a RST_STREAM frame identifying an idle stream is received, the
            // recipient MUST treat this as a connection error of type PROTOCOL_ERROR.
            return self.on_frame_for_absent_stream(stream_id, Event::RecvRstStream);
        };
        stream.transition(Event::RecvRstStream, stream_id, &mut self.observers)?;
        // The exchange and the response body are dropped here, at once.
        self.streams.remove(&stream_id);
        self.timers.progress();
        self.closed.remember(stream_id, Closure::ClosedByClient);
        self.observers.emit(&trace::Event::Error {
            stream_id: Some(stream_id),
            code: rst.error_code,
            section: "§6.4",
            reason: "reset by the client with RST_STREAM",
        });
        Ok(self.limits.on_client_reset()?)
    }

    /// The client ends the connection: the open streams are finished, then our own GOAWAY closes
    /// it. (Its Last-Stream-ID names streams *we* initiated, pushes: none is promised after it.) A
    /// code other than NO_ERROR reports an error the client found (§6.8), shown to the observers.
    fn on_goaway(&mut self, goaway: &GoAway) {
        self.goaway_received = true;
        if goaway.error_code == ErrorCode::NO_ERROR || !self.observers.is_watching() {
            return;
        }
        let reason = format!(
            "reported by the client with GOAWAY, debug data {}",
            trace::quote(&goaway.debug_data)
        );
        self.observers.emit(&trace::Event::Error {
            stream_id: None,
            code: goaway.error_code,
            section: "§6.8",
            reason: &reason,
        });
    }

    fn on_settings(&mut self, settings: Settings) -> Result<(), ConnectionError> {
        if settings.ack {
            // An ACK we did not ask for is ignored.
            if !self.settings_acked {
                self.on_settings_acknowledged()?;
            }
            return Ok(());
        }
        let changes = self.peer.apply(&settings.params);
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
                            "§6.9.2",
                            format!("{reason} on stream {stream_id}"),
                        )
                    })?;
                let (window, delta) = (&stream.send_window, changes.window_delta);
                report_window(
                    &mut self.observers,
                    stream.watchers,
                    Direction::Send,
                    stream_id,
                    window,
                    delta,
                );
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

    /// RFC 9113 §6.5.3: "Upon receiving a SETTINGS frame with the ACK flag set, the sender of the
    /// altered settings can rely on the values from the oldest unacknowledged SETTINGS frame having
    /// been applied." From here on the client's encoder may use the whole header table we offered
    /// (§4.3.1), and our initial window binds its streams: new ones start with it, open ones move
    /// to it.
    fn on_settings_acknowledged(&mut self) -> Result<(), ConnectionError> {
        self.settings_acked = true;
        self.decoder
            .set_max_table_size(self.local.header_table_size as usize);
        let delta = self.local.window_shift_on_ack();
        if delta == 0 {
            return Ok(());
        }
        // RFC 9113 §6.9.2: When the value of SETTINGS_INITIAL_WINDOW_SIZE changes, a receiver MUST
        // adjust the size of all stream flow-control windows that it maintains by the difference
        // between the new value and the old value. ... An endpoint MUST treat a change to
        // SETTINGS_INITIAL_WINDOW_SIZE that causes any flow-control window to exceed the maximum
        // size as a connection error of type FLOW_CONTROL_ERROR. (Our windows stay within their
        // 65,535 until the ACK, so this cannot happen; the check keeps the arithmetic honest.)
        for (&stream_id, stream) in self.streams.iter_mut() {
            stream.recv_window.shift(delta).map_err(|reason| {
                ConnectionError::new(
                    ErrorCode::FLOW_CONTROL_ERROR,
                    "§6.9.2",
                    format!("{reason} on stream {stream_id}"),
                )
            })?;
        }
        Ok(())
    }

    fn on_ping(&mut self, ping: Ping) {
        // RFC 9113 §6.7: Receivers of a PING frame that does not include an ACK flag MUST send a
        // PING frame with the ACK flag set in response, with an identical frame payload. (A PING
        // with ACK answers one of ours: a graceful shutdown sends one.)
        if ping.ack {
            self.on_ping_ack(ping.data);
        } else {
            self.queue(Frame::Ping(Ping {
                ack: true,
                data: ping.data,
            }));
        }
    }

    fn on_window_update(&mut self, update: WindowUpdate) -> Result<(), ProtocolError> {
        let stream_id = update.stream_id;
        let increment = i64::from(update.increment);
        if stream_id == 0 {
            // RFC 9113 §6.9.1: If a sender receives a WINDOW_UPDATE that causes a flow-control
            // window to exceed this maximum, it MUST terminate either the stream or the
            // connection, as appropriate. ... by sending ... a GOAWAY for the connection.
            self.send_window
                .increase(update.increment)
                .map_err(|reason| {
                    ConnectionError::new(
                        ErrorCode::FLOW_CONTROL_ERROR,
                        "§6.9.1",
                        format!("{reason} on the connection"),
                    )
                })?;
            let window = &self.send_window;
            report_connection_window(&mut self.observers, Direction::Send, window, increment);
            return Ok(());
        }
        let Some(stream) = self.streams.get_mut(&stream_id) else {
            return self.on_frame_for_absent_stream(stream_id, Event::RecvWindowUpdate);
        };
        stream.transition(Event::RecvWindowUpdate, stream_id, &mut self.observers)?;
        // RFC 9113 §6.9.1: ... it MUST terminate either the stream or the connection, as
        // appropriate. For streams, the sender sends a RST_STREAM with an error code of
        // FLOW_CONTROL_ERROR.
        stream
            .send_window
            .increase(update.increment)
            .map_err(|reason| {
                StreamError::new(
                    stream_id,
                    ErrorCode::FLOW_CONTROL_ERROR,
                    "§6.9.1",
                    format!("{reason} on stream {stream_id}"),
                )
            })?;
        let window = &stream.send_window;
        report_window(
            &mut self.observers,
            stream.watchers,
            Direction::Send,
            stream_id,
            window,
            increment,
        );
        Ok(())
    }

    /// A frame for a stream that is not in the table, so idle, or closed (reset by us, or
    /// forgotten): the state machine decides, as for a stream in the table.
    fn on_frame_for_absent_stream(
        &self,
        stream_id: u32,
        event: Event,
    ) -> Result<(), ProtocolError> {
        let state = if self.closed.is_idle(stream_id) {
            State::Idle
        } else {
            State::Closed
        };
        // RFC 9113 §5.1 (closed): An endpoint MUST ignore frames that it receives on closed
        // streams after it has sent a RST_STREAM frame.
        if state == State::Closed && self.closed.closure(stream_id) == Some(Closure::Discarded) {
            return Ok(());
        }
        state.on(event, stream_id)?;
        Ok(())
    }

    /// Where a protocol error met while handling a frame is acted on: a stream error resets its
    /// stream and the connection goes on (§5.4.2); a connection error is returned, to end it.
    pub(super) fn on_state_error(&mut self, error: ProtocolError) -> Result<(), ConnectionError> {
        match error {
            ProtocolError::Connection(error) => Err(error),
            ProtocolError::Stream(error) => {
                self.reset(error);
                self.limits.on_provoked_reset()
            }
        }
    }

    /// Sends WINDOW_UPDATE for the octets consumed, on the connection and on each stream that may
    /// still send, by the rule of [`ReceiveWindow`](super::flow::ReceiveWindow): once half a
    /// budget is used, with the budget doubled when the window was used up. A stream's budget only
    /// grows once our SETTINGS are acknowledged, so that the shift of §6.9.2 at the ACK starts from
    /// the window the client knows.
    pub(super) fn give_back_credit(&mut self) {
        if let Some(increment) = self.recv_window.credit_due(true) {
            let (window, change) = (self.recv_window.window(), i64::from(increment));
            report_connection_window(&mut self.observers, Direction::Recv, window, change);
            self.queue(Frame::WindowUpdate(WindowUpdate {
                stream_id: 0,
                increment,
            }));
        }
        for (&stream_id, stream) in self.streams.iter_mut() {
            if !stream.state.client_may_send() {
                continue;
            }
            let Some(increment) = stream.recv_window.credit_due(self.settings_acked) else {
                continue;
            };
            let (window, change) = (stream.recv_window.window(), i64::from(increment));
            report_window(
                &mut self.observers,
                stream.watchers,
                Direction::Recv,
                stream_id,
                window,
                change,
            );
            let update = Frame::WindowUpdate(WindowUpdate {
                stream_id,
                increment,
            });
            self.control
                .push_back(Queued::on_stream(update, stream.watchers));
        }
    }
}

/// Tells the observers about a step of the HPACK decoder on the block of `stream_id`: a field to
/// those that watch the stream, a change of the table to every one.
fn report_step(
    observers: &mut Observers,
    watchers: Watchers,
    stream_id: u32,
    step: &hpack::Event<'_>,
) {
    let event = trace::Event::Hpack {
        direction: Direction::Recv,
        stream_id,
        step,
    };
    if matches!(step, hpack::Event::Field { .. }) {
        observers.emit_to(watchers, &event);
    } else {
        observers.emit(&event);
    }
}
