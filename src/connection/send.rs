//! Frames out — RFC 9113 §6.1, §6.2, §6.9 and §8.1: responses as HEADERS and DATA, control frames
//! first, DATA round-robin within the flow-control windows.

use log::info;

use super::body::Outgoing;
use super::describe::Direction;
use super::stream::{Event, State};
use super::{Closure, Connection, DataStep, Queued};
use crate::error::{ConnectionError, ErrorCode, StreamError};
use crate::frame::{encode_data, Continuation, Frame, FrameHeader, Headers, HEADER_LEN};
use crate::hpack::Field;
use crate::http::Response;

impl Connection {
    /// Turns a response into HEADERS (+ CONTINUATION) now, so that header blocks leave in the
    /// order the HPACK encoder produced them, and queues its body for DATA.
    pub(super) fn respond(
        &mut self,
        stream_id: u32,
        response: Response,
    ) -> Result<(), ConnectionError> {
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
        if let Err(error) = stream.send(Event::SendHeaders, end_stream, stream_id) {
            return self.on_state_error(error);
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
    pub(super) fn send_data(&mut self, stream_id: u32, room: usize, out: &mut Vec<u8>) -> DataStep {
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
        if let Err(error) = stream.send(Event::SendData, end_stream, stream_id) {
            let reason = error.to_string();
            self.reset(StreamError::new(
                stream_id,
                ErrorCode::INTERNAL_ERROR,
                reason,
            ));
            return DataStep::Done;
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
            self.timers.progress();
            self.remember_closed(stream_id, Closure::ClosedByClient);
            return;
        }
        self.reset(StreamError::new(
            stream_id,
            ErrorCode::NO_ERROR,
            "response complete before the request (RFC 9113 §8.1)",
        ));
    }

    pub(super) fn write_control(&mut self, out: &mut Vec<u8>) {
        while let Some(queued) = self.control.pop_front() {
            let start = out.len();
            queued.frame.encode(out);
            self.log_written(out, start, Some(&queued.frame));
            self.log_fields(Direction::Send, queued.frame.stream_id(), &queued.fields);
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
}
