//! Frames out — RFC 9113 §6.1, §6.2, §6.9 and §8.1: responses as HEADERS and DATA, control frames
//! first, DATA round-robin within the flow-control windows.

use log::info;

use super::body::Outgoing;
use super::stream::{Event, State};
use super::{report_state, report_window, Closure, Connection, DataStep, Queued};
use crate::error::{ConnectionError, ErrorCode, StreamError};
use crate::frame::{encode_data, Continuation, Frame, Headers};
use crate::hpack::{self, Field, Representation};
use crate::http::Response;
use crate::trace::{self, Direction};

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
        stream.goaway_after = response.goaway_after;
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
        let mut steps = Vec::new();
        if self.observers.is_watching() {
            self.encoder.encode_with(&fields, &mut block, &mut |step| {
                steps.push(EncodedStep::record(step));
            });
        } else {
            self.encoder.encode(&fields, &mut block);
        }

        let body = Outgoing::new(response.body);
        if let Some(new) = body.as_ref().map(Outgoing::held).filter(|&n| n > 0) {
            let held: u64 = self
                .streams
                .values()
                .filter_map(|s| s.body.as_ref())
                .map(Outgoing::held)
                .sum();
            self.limits.check_held(held + new)?;
        }
        let Some(stream) = self.streams.get_mut(&stream_id) else {
            return Ok(());
        };
        let end_stream = body.is_none();
        let state_change = match stream.send(Event::SendHeaders, end_stream, stream_id) {
            Ok(change) => change,
            Err(error) => return self.on_state_error(error),
        };
        stream.body = body;
        self.queue_header_block(stream_id, block, end_stream, steps, state_change);
        if end_stream {
            self.response_sent(stream_id);
        } else {
            self.ready.push_back(stream_id);
        }
        Ok(())
    }

    /// HEADERS, then CONTINUATION frames if the block is longer than the client's
    /// SETTINGS_MAX_FRAME_SIZE (§4.2, §6.10). The HPACK `steps` and the stream's state change go
    /// with HEADERS, for the observers.
    fn queue_header_block(
        &mut self,
        stream_id: u32,
        block: Vec<u8>,
        end_stream: bool,
        steps: Vec<EncodedStep>,
        state_change: (State, State),
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
            steps,
            state_change: Some(state_change),
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
            self.reset_internal(stream_id, reason);
            return DataStep::Done;
        }
        let end_stream = body.remaining() == 0;
        let state_change = match stream.send(Event::SendData, end_stream, stream_id) {
            Ok(change) => change,
            Err(error) => {
                self.reset_internal(stream_id, error.to_string());
                return DataStep::Done;
            }
        };
        let len = self.chunk.len();
        stream.send_window.send(len);
        stream.sent += len as u64;
        stream.waiting = false;
        if end_stream {
            stream.body = None;
        }
        self.send_window.send(len);
        let start = out.len();
        encode_data(stream_id, &self.chunk, end_stream, out);
        if self.observers.is_watching() {
            self.report_data(stream_id, out, start, state_change);
        }
        if end_stream {
            self.response_sent(stream_id);
        }
        DataStep::Sent {
            len,
            more: !end_stream,
        }
    }

    /// A response that cannot go on (its body failed, or the stream refuses the frame): RFC 9113
    /// §7, INTERNAL_ERROR "The endpoint encountered an unexpected internal error."
    fn reset_internal(&mut self, stream_id: u32, reason: String) {
        self.reset(StreamError::new(
            stream_id,
            ErrorCode::INTERNAL_ERROR,
            "§7",
            reason,
        ));
    }

    /// The response has ended (END_STREAM queued): the access line, then the stream closes, or,
    /// if the client is still sending, it is asked to stop (§8.1: "A server can send a complete
    /// response prior to the client sending an entire request ... the server MAY request that
    /// the client abort transmission of a request without error by sending a RST_STREAM with an
    /// error code of NO_ERROR"). A response that asked for it is followed by our GOAWAY.
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
        self.limits.on_response_completed();
        let closed = stream.state == State::Closed;
        if stream.goaway_after {
            // RFC 9113 §6.8: GOAWAY "allows an endpoint to gracefully stop accepting new streams
            // while still finishing processing of previously established streams". Its
            // Last-Stream-ID is this stream, unless the client has opened later ones already.
            self.go_away(ErrorCode::NO_ERROR, "the response asked for GOAWAY");
        }
        if closed {
            self.streams.remove(&stream_id);
            self.timers.progress();
            self.closed.remember(stream_id, Closure::ClosedByClient);
            return;
        }
        self.reset(StreamError::new(
            stream_id,
            ErrorCode::NO_ERROR,
            "§8.1",
            "response complete before the request",
        ));
    }

    /// Tells the observers about a DATA frame just written: the frame, both windows it took
    /// from, and the stream's state change if it carried END_STREAM.
    fn report_data(
        &mut self,
        stream_id: u32,
        out: &[u8],
        start: usize,
        state_change: (State, State),
    ) {
        self.report_written(out, start, None);
        let taken = -i64::try_from(out.len() - start - crate::frame::HEADER_LEN).unwrap_or(0);
        if let Some(stream) = self.streams.get(&stream_id) {
            let window = &stream.send_window;
            report_window(
                &mut self.observers,
                Direction::Send,
                stream_id,
                window,
                taken,
            );
        }
        report_window(
            &mut self.observers,
            Direction::Send,
            0,
            &self.send_window,
            taken,
        );
        if state_change.0 != state_change.1 {
            report_state(&mut self.observers, stream_id, state_change);
        }
    }

    pub(super) fn write_control(&mut self, out: &mut Vec<u8>) {
        while let Some(queued) = self.control.pop_front() {
            let start = out.len();
            queued.frame.encode(out);
            if self.observers.is_watching() {
                self.report_queued(out, start, &queued);
            }
        }
    }

    /// Tells the observers about a control frame just written, then what it carried: the HPACK
    /// steps of its header block and the stream's state change.
    fn report_queued(&mut self, out: &[u8], start: usize, queued: &Queued) {
        self.report_written(out, start, Some(&queued.frame));
        let stream_id = queued.frame.stream_id();
        for step in &queued.steps {
            self.observers.emit(&trace::Event::Hpack {
                direction: Direction::Send,
                stream_id,
                step: &step.event(),
            });
        }
        if let Some((from, to)) = queued.state_change.filter(|(from, to)| from != to) {
            report_state(&mut self.observers, stream_id, (from, to));
        }
    }
}

/// One step of our HPACK encoder, kept (owned) until the HEADERS frame of its block is written,
/// so that observers see the frame first and its fields after it, as for a block received.
pub(super) enum EncodedStep {
    /// A dynamic table size update.
    SizeUpdate { offset: usize, max_size: usize },
    /// A field and its representation.
    Field {
        offset: usize,
        representation: Representation,
        field: Field,
    },
    /// An entry added to our table.
    Inserted { field: Field, table_size: usize },
    /// An entry that left our table.
    Evicted { field: Field },
}

impl EncodedStep {
    /// An owned copy of what the encoder reported.
    fn record(event: hpack::Event<'_>) -> EncodedStep {
        match event {
            hpack::Event::SizeUpdate { offset, max_size } => {
                EncodedStep::SizeUpdate { offset, max_size }
            }
            hpack::Event::Field {
                offset,
                representation,
                field,
            } => EncodedStep::Field {
                offset,
                representation,
                field: field.clone(),
            },
            hpack::Event::Inserted { field, table_size } => EncodedStep::Inserted {
                field: field.clone(),
                table_size,
            },
            hpack::Event::Evicted { field } => EncodedStep::Evicted {
                field: field.clone(),
            },
        }
    }

    /// The step as the encoder reported it.
    fn event(&self) -> hpack::Event<'_> {
        match self {
            EncodedStep::SizeUpdate { offset, max_size } => hpack::Event::SizeUpdate {
                offset: *offset,
                max_size: *max_size,
            },
            EncodedStep::Field {
                offset,
                representation,
                field,
            } => hpack::Event::Field {
                offset: *offset,
                representation: *representation,
                field,
            },
            EncodedStep::Inserted { field, table_size } => hpack::Event::Inserted {
                field,
                table_size: *table_size,
            },
            EncodedStep::Evicted { field } => hpack::Event::Evicted { field },
        }
    }
}
