//! Frames out — RFC 9113 §6.1, §6.2, §6.9 and §8.1: responses as HEADERS and DATA, control frames
//! first, DATA round-robin within the flow-control windows.
//!
//! This is also the one place where a response's [`Fault`] is applied (DESIGN.md, "Faults on
//! purpose"): each fault is a few lines beside the rule it breaks, marked `Fault::…`, and touches
//! only the response that carries it.

use std::io::Read;

use log::info;

use super::access::AccessLine;
use super::body::Outgoing;
use super::stream::{Event, State};
use super::{
    report_state, state_event, window_event, Closure, Connection, DataStep, Queued, StateChange,
    Stream,
};
use crate::error::{ConnectionError, ErrorCode, StreamError};
use crate::frame::{Continuation, Data, DataInPlace, Frame, Headers, MAX_MAX_FRAME_SIZE};
use crate::hpack::{self, Encoder, Field, Octets, Representation};
use crate::http::{Body, Fault, FieldName, Response, Text};
use crate::trace::{self, Direction, Followed, Watchers};

/// An indexed field representation (RFC 7541 §6.1) of index 1000: `1` then 7-bit prefix 127 and
/// the continuation octets of 873 (§5.1). Our encoder's dynamic table holds at most 4096 octets,
/// so at most 128 entries of 32 octets or more (§4.1): 1000 is past the 61 static entries and
/// any dynamic table it can have.
const INDEX_PAST_BOTH_TABLES: [u8; 3] = [0xff, 0xe9, 0x06];

/// The octet that fills a content sized by a fault.
const FILLER: u8 = b'x';

impl Connection {
    /// Turns a response into HEADERS (+ CONTINUATION) now, so that header blocks leave in the
    /// order the HPACK encoder produced them, and queues its body for DATA. Its pushes are
    /// promised first and sent after it (`push.rs`).
    pub(super) fn respond(
        &mut self,
        stream_id: u32,
        mut response: Response,
    ) -> Result<(), ConnectionError> {
        let promised = self.promise(stream_id, std::mem::take(&mut response.push));
        let Some(stream) = self.streams.get_mut(&stream_id) else {
            return Ok(());
        };
        stream.status = response.status;
        stream.goaway_after = response.goaway_after;
        stream.fault = response.fault;
        if let Some(len) =
            content_len_for_fault(stream, &self.send_window, self.peer.max_frame_size)
        {
            replace_content(&mut response, len);
        }
        if response.fault == Some(Fault::NewStream) {
            // RFC 9113 §8.1: A server sends an HTTP response on the same stream as the request.
            // Fault::NewStream takes the next stream id of the server's own instead (2 for the
            // first), as if it had to open a stream to answer. Marked as used, so that no push
            // takes it.
            if let Some(wire_id) = self.closed.next_server_id() {
                self.closed.promised(wire_id);
                stream.wire_id = wire_id;
            }
        }
        let (wire_id, watchers) = (stream.wire_id, stream.watchers);
        let fields = header_list(response.status, response.headers, response.fault);
        let (mut block, steps) = self.encode_block(watchers, fields);
        if response.fault == Some(Fault::BadHpackIndex) {
            // RFC 7541 §2.3.3: Indices strictly greater than the sum of the lengths of both
            // tables MUST be treated as a decoding error. (RFC 9113 §4.3: a connection error
            // COMPRESSION_ERROR.) Fault::BadHpackIndex ends the block with one.
            block.extend_from_slice(&INDEX_PAST_BOTH_TABLES);
        }

        let body = Outgoing::new(response.body);
        if let Some(new) = body.as_ref().map(Outgoing::held).filter(|&n| n > 0) {
            let streams = &self.streams;
            self.limits.check_held(new, || {
                streams
                    .values()
                    .filter_map(|s| s.body.as_ref())
                    .map(Outgoing::held)
                    .sum()
            })?;
        }
        let Some(stream) = self.streams.get_mut(&stream_id) else {
            return Ok(());
        };
        // RFC 9113 §8.1: The last frame in the sequence bears an END_STREAM flag.
        // Fault::NoEndStream never sets it (see `send_data` for a response with content).
        let end_stream = body.is_none() && response.fault != Some(Fault::NoEndStream);
        let state_change = match stream.send(Event::SendHeaders, end_stream, stream_id) {
            Ok(change) => change,
            Err(error) => return self.on_state_error(error),
        };
        let has_body = body.is_some();
        stream.body = body;
        let start = BlockStart::Headers {
            stream_id: wire_id,
            end_stream,
        };
        let state_change = StateChange {
            stream_id,
            watchers,
            states: state_change,
        };
        let steps = (steps, watchers);
        self.queue_header_block(start, block, steps, Some(state_change), response.fault);
        if end_stream {
            self.response_sent(stream_id);
        } else if has_body {
            self.ready.push_back(stream_id);
        }
        for (promised_id, request) in promised {
            self.push(promised_id, request)?;
        }
        Ok(())
    }

    /// The header block of `fields`, for a frame on a stream that `watchers` watch, from the
    /// connection's one HPACK encoder, and the steps it took when someone watches: the field
    /// steps only when someone watches the stream.
    pub(super) fn encode_block(
        &mut self,
        watchers: Watchers,
        fields: Vec<Field>,
    ) -> (Vec<u8>, EncodedSteps) {
        // Our blocks are short once the table holds the usual fields: room for one from the start.
        let mut block = Vec::with_capacity(128);
        if !self.observers.is_watching() {
            self.encoder.encode(&fields, &mut block);
            return (block, EncodedSteps::default());
        }
        let steps = EncodedSteps::encode(&mut self.encoder, fields, &mut block, watchers.any());
        (block, steps)
    }

    /// A header block as HEADERS or PUSH_PROMISE, then CONTINUATION frames if the block is longer
    /// than the client's SETTINGS_MAX_FRAME_SIZE allows (§4.2, §6.10). The HPACK `steps` and the
    /// state change go with the first frame, for the observers, with those that watch the stream
    /// the frames are on.
    pub(super) fn queue_header_block(
        &mut self,
        start: BlockStart,
        block: Vec<u8>,
        (steps, watchers): (EncodedSteps, Watchers),
        state_change: Option<StateChange>,
        fault: Option<Fault>,
    ) {
        let max = self.peer.max_frame_size as usize;
        let first_max = match start {
            BlockStart::Headers { .. } => max,
            // The Promised Stream ID takes 4 octets of the PUSH_PROMISE payload (§6.6).
            BlockStart::PushPromise { .. } => max.saturating_sub(4),
        };
        let mut first = block;
        let rest = first.split_off(first_max.min(first.len()));
        let mut fragments: Vec<Vec<u8>> = rest.chunks(max.max(1)).map(<[u8]>::to_vec).collect();
        let interleaved = fault == Some(Fault::InterleavedHeaderBlock);
        if interleaved && fragments.is_empty() {
            fragments.push(first.split_off(first.len() / 2));
        }
        let end_headers = fragments.is_empty();
        let frame = match start {
            BlockStart::Headers {
                stream_id,
                end_stream,
            } => Frame::Headers(Headers {
                stream_id,
                fragment: first,
                end_stream,
                end_headers,
                priority: None,
                pad_len: None,
            }),
            BlockStart::PushPromise {
                stream_id,
                promised_stream_id,
            } => Frame::PushPromise(crate::frame::PushPromise {
                stream_id,
                promised_stream_id,
                fragment: first,
                end_headers,
                pad_len: None,
            }),
        };
        let stream_id = frame.stream_id();
        self.control.push_back(Queued {
            frame,
            watchers,
            steps,
            state_change,
        });
        if interleaved {
            // RFC 9113 §4.3: Field blocks MUST be transmitted as a contiguous sequence of frames,
            // with no interleaved frames of any other type or from any other stream.
            // Fault::InterleavedHeaderBlock sends an empty DATA frame between HEADERS and the
            // CONTINUATION that ends its block.
            let data = Frame::Data(Data {
                stream_id,
                data: Vec::new(),
                end_stream: false,
                pad_len: None,
            });
            self.control.push_back(Queued::on_stream(data, watchers));
        }
        let count = fragments.len();
        for (index, fragment) in fragments.into_iter().enumerate() {
            let continuation = Frame::Continuation(Continuation {
                stream_id,
                fragment,
                end_headers: index + 1 == count,
            });
            self.control
                .push_back(Queued::on_stream(continuation, watchers));
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
        let limit = match stream.fault {
            // RFC 9113 §6.9.1: The sender MUST NOT send a flow-controlled frame with a length that
            // exceeds the space available in either of the flow-control windows advertised by
            // the receiver. Fault::WindowOverrun sends as if there were no windows (and its
            // content is one octet longer than they were).
            Some(Fault::WindowOverrun) => room.min(max_frame),
            // RFC 9113 §4.2: An endpoint MUST send an error code of FRAME_SIZE_ERROR if a frame
            // exceeds the size defined in SETTINGS_MAX_FRAME_SIZE. Fault::OversizedFrame sends
            // its content, one octet longer than that, in one frame, whatever the windows.
            Some(Fault::OversizedFrame) => usize::try_from(body.remaining()).unwrap_or(usize::MAX),
            _ => room
                .min(max_frame)
                .min(connection_room)
                .min(stream.send_window.sendable()),
        };
        if limit == 0 {
            return DataStep::Blocked;
        }
        let frame = DataInPlace::begin(out);
        if let Err(reason) = body.append_chunk(limit, out) {
            frame.abandon(out);
            self.reset_internal(stream_id, reason);
            return DataStep::Done;
        }
        let body_done = body.remaining() == 0;
        // RFC 9113 §8.1: The last frame in the sequence bears an END_STREAM flag.
        // Fault::NoEndStream leaves it off: the stream stays "half-closed (remote)" on our side,
        // and the client waits for the rest of a response that never comes.
        let end_stream = body_done && stream.fault != Some(Fault::NoEndStream);
        let state_change = match stream.send(Event::SendData, end_stream, stream_id) {
            Ok(change) => change,
            Err(error) => {
                frame.abandon(out);
                self.reset_internal(stream_id, error.to_string());
                return DataStep::Done;
            }
        };
        let len = frame.data_len(out);
        stream.send_window.send(len);
        stream.sent += len as u64;
        stream.waiting = false;
        if body_done {
            stream.body = None;
        }
        self.send_window.send(len);
        let start = frame.finish(stream.wire_id, end_stream, out);
        if self.observers.is_watching() {
            let watchers = stream.watchers;
            self.report_data(stream_id, watchers, out, start, state_change);
        }
        if end_stream {
            self.response_sent(stream_id);
        }
        DataStep::Sent {
            len,
            more: !body_done,
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
            "{}",
            AccessLine {
                connection: self.id,
                stream: stream_id,
                method: &stream.method,
                path: &stream.path,
                status: stream.status,
                octets: stream.sent,
                elapsed: stream.started.elapsed(),
            }
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
    /// from, and the stream's state change if it carried END_STREAM. Those that do not watch the
    /// stream (`watchers`) are told what that adds up to.
    fn report_data(
        &mut self,
        stream_id: u32,
        watchers: Watchers,
        out: &[u8],
        start: usize,
        state_change: (State, State),
    ) {
        let octets = out.len().saturating_sub(start);
        let changed = state_change.0 != state_change.1;
        let followed = Followed::frame(Direction::Send, octets, 1 + u64::from(changed))
            .connection_window(Direction::Send, self.send_window.size());
        self.observers.follow(watchers, &followed);
        if !watchers.any() {
            return;
        }
        self.emit_written(watchers, out, start, None);
        let taken = -i64::try_from(octets.saturating_sub(crate::frame::HEADER_LEN)).unwrap_or(0);
        if let Some(stream) = self.streams.get(&stream_id) {
            let event = window_event(Direction::Send, stream_id, &stream.send_window, taken);
            self.observers.emit_to(watchers, &event);
        }
        let event = window_event(Direction::Send, 0, &self.send_window, taken);
        self.observers.emit_to(watchers, &event);
        if changed {
            self.observers
                .emit_to(watchers, &state_event(stream_id, state_change));
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
    /// steps of its header block and the stream's state change. Those that do not watch its
    /// stream are told what the frame and the change add up to, and see the table's changes.
    fn report_queued(&mut self, out: &[u8], start: usize, queued: &Queued) {
        let watchers = queued.watchers;
        let followed = Followed::frame(Direction::Send, out.len().saturating_sub(start), 0);
        self.observers.follow(watchers, &followed);
        if watchers.any() {
            self.emit_written(watchers, out, start, Some(&queued.frame));
        }
        let stream_id = queued.frame.stream_id();
        for step in queued.steps.events() {
            let event = trace::Event::Hpack {
                direction: Direction::Send,
                stream_id,
                step: &step,
            };
            if matches!(step, hpack::Event::Field { .. }) {
                self.observers.emit_to(watchers, &event);
            } else {
                self.observers.emit(&event);
            }
        }
        if let Some(change) = queued.state_change.filter(|c| c.states.0 != c.states.1) {
            let StateChange {
                stream_id,
                watchers,
                states,
            } = change;
            report_state(&mut self.observers, watchers, stream_id, states);
        }
    }
}

impl Stream {
    /// Whether the stream has DATA to send now: body left, and room in both windows unless its
    /// fault ignores them.
    pub(super) fn may_send(&self, connection: &super::flow::Window) -> bool {
        if self.body.is_none() {
            return false;
        }
        self.ignores_windows() || (connection.sendable() > 0 && self.send_window.sendable() > 0)
    }

    /// Whether the stream's fault makes it send regardless of flow control.
    pub(super) fn ignores_windows(&self) -> bool {
        matches!(
            self.fault,
            Some(Fault::WindowOverrun | Fault::OversizedFrame)
        )
    }
}

/// What begins a header block: HEADERS (a response) or PUSH_PROMISE (a promised request).
pub(super) enum BlockStart {
    /// A response's HEADERS on `stream_id` (the id written in the frame).
    Headers { stream_id: u32, end_stream: bool },
    /// A PUSH_PROMISE on the request's stream `stream_id`, reserving `promised_stream_id`.
    PushPromise {
        stream_id: u32,
        promised_stream_id: u32,
    },
}

/// The response's header list: `:status` first, then the regular fields with lowercase names —
/// unless the response carries a fault of its header list, which is made here.
fn header_list(status: u16, headers: Vec<(FieldName, Text)>, fault: Option<Fault>) -> Vec<Field> {
    let mut fields = Vec::with_capacity(headers.len() + 2);
    // RFC 9113 §8.3: Endpoints MUST NOT generate pseudo-header fields other than those defined in
    // this document. Fault::StatusColon names the status `:status:`, the colon of an HTTP/1.1
    // `name: value` line kept.
    let name = if fault == Some(Fault::StatusColon) {
        ":status:"
    } else {
        ":status"
    };
    let status = Field {
        name: Octets::Static(name),
        value: status_value(status),
    };
    // RFC 9113 §8.3.2: This pseudo-header field MUST be included in all responses.
    // Fault::NoStatus leaves `:status` out.
    // RFC 9113 §8.3: All pseudo-header fields MUST appear in a field block before all regular
    // field lines. (`:status` is the only one of a response, §8.3.2.) Fault::PseudoAfterRegular
    // puts it last.
    let (status_first, status_last) = match fault {
        Some(Fault::NoStatus) => (None, None),
        Some(Fault::PseudoAfterRegular) => (None, Some(status)),
        _ => (Some(status), None),
    };
    fields.extend(status_first);
    for (name, value) in headers {
        // RFC 9113 §8.2.1: A field name MUST NOT contain characters in the ranges 0x00-0x20,
        // 0x41-0x5a, or 0x7f-0xff. (0x41-0x5a: uppercase.) A `FieldName` is lowercase already;
        // Fault::UppercaseName writes each name as HTTP/1.1 does: `Content-Type`.
        let name = if fault == Some(Fault::UppercaseName) {
            http1_case(name.as_str()).into()
        } else {
            name.into_octets()
        };
        fields.push(Field {
            name,
            value: value.into_octets(),
        });
    }
    if fault == Some(Fault::ContentLengthMismatch) {
        // RFC 9113 §8.1.1: A request or response is also malformed if the value of a
        // content-length header field does not equal the sum of the DATA frame payload lengths
        // that form the content. Fault::ContentLengthMismatch announces one octet more.
        for field in fields.iter_mut().filter(|f| f.name == b"content-length") {
            let announced = std::str::from_utf8(&field.value).ok();
            if let Some(len) = announced.and_then(|v| v.parse::<u64>().ok()) {
                field.value = (len + 1).to_string().into();
            }
        }
    }
    if fault == Some(Fault::ConnectionHeader) {
        // RFC 9113 §8.2.2: An endpoint MUST NOT generate an HTTP/2 message containing
        // connection-specific header fields. Fault::ConnectionHeader adds the one an HTTP/1.1
        // server sends most.
        fields.push(Field::fixed("connection", "keep-alive"));
    }
    fields.extend(status_last);
    fields
}

/// The `:status` value: the three digits of a common status borrowed, others made.
fn status_value(status: u16) -> Octets {
    let common: &'static str = match status {
        200 => "200",
        204 => "204",
        206 => "206",
        301 => "301",
        304 => "304",
        400 => "400",
        404 => "404",
        500 => "500",
        _ => return status.to_string().into(),
    };
    Octets::Static(common)
}

/// A field name as HTTP/1.1 messages usually write it: each word capitalised, `Content-Type`.
fn http1_case(name: &str) -> String {
    name.split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + &chars.as_str().to_ascii_lowercase()
            })
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// For the faults that need a content of a certain length, that length: the client's window
/// (the smaller of the stream's and the connection's) plus one octet for
/// [`Fault::WindowOverrun`], its SETTINGS_MAX_FRAME_SIZE plus one for [`Fault::OversizedFrame`]
/// (the length field holds 2^24-1 at most: a client that allows that much cannot be sent a
/// larger frame, and gets one of exactly that length). A response without content (HEAD, 204)
/// stays without.
fn content_len_for_fault(
    stream: &Stream,
    connection: &super::flow::Window,
    max_frame_size: u32,
) -> Option<u64> {
    match stream.fault {
        Some(Fault::WindowOverrun) => {
            let window = stream.send_window.size().min(connection.size()).max(0);
            Some(window.unsigned_abs() + 1)
        }
        Some(Fault::OversizedFrame) => Some(u64::from(
            max_frame_size.saturating_add(1).min(MAX_MAX_FRAME_SIZE),
        )),
        _ => None,
    }
}

/// Replaces the content of a response that has some with `len` octets of filler, read as they
/// are sent, and its `content-length` with `len`.
fn replace_content(response: &mut Response, len: u64) {
    if response.body.is_empty() {
        return;
    }
    response.body = Body::Reader {
        source: Box::new(std::io::repeat(FILLER).take(len)),
        len,
    };
    for (name, value) in &mut response.headers {
        if name.as_str() == "content-length" {
            *value = len.to_string().into();
        }
    }
}

/// The steps our HPACK encoder took for one header block, kept until the block's first frame is
/// written, so that observers see the frame first and its fields after it, as for a block
/// received. A step names its field by position in `fields`: the block's fields kept whole (they
/// were made for this block and are moved here, not copied), or, when nobody wants the field
/// steps, copies of the few that entered the table. Only an eviction, rare, copies the entry that
/// left. Empty when nobody watches.
#[derive(Default)]
pub(super) struct EncodedSteps {
    fields: Vec<Field>,
    steps: Vec<EncodedStep>,
}

/// One step of our HPACK encoder.
enum EncodedStep {
    /// A dynamic table size update.
    SizeUpdate { offset: usize, max_size: usize },
    /// The block's field at position `field`, and its representation.
    Field {
        offset: usize,
        representation: Representation,
        field: usize,
    },
    /// The block's field at position `field`, added to our table.
    Inserted { field: usize, table_size: usize },
    /// An entry that left our table.
    Evicted { field: Field },
}

impl EncodedSteps {
    /// Encodes `fields` with `encoder` into `block`, keeping its steps: the field steps only
    /// when `fields_wanted`, the table's changes always.
    fn encode(
        encoder: &mut Encoder,
        fields: Vec<Field>,
        block: &mut Vec<u8>,
        fields_wanted: bool,
    ) -> EncodedSteps {
        if !fields_wanted {
            return EncodedSteps::encode_table_changes(encoder, &fields, block);
        }
        let mut steps = Vec::new();
        // The encoder reports one field step per field, in order; an insertion follows the
        // field it inserts.
        let mut next = 0;
        encoder.encode_with(&fields, block, &mut |step| {
            steps.push(match step {
                hpack::Event::SizeUpdate { offset, max_size } => {
                    EncodedStep::SizeUpdate { offset, max_size }
                }
                hpack::Event::Field {
                    offset,
                    representation,
                    ..
                } => {
                    next += 1;
                    if !fields_wanted {
                        return;
                    }
                    EncodedStep::Field {
                        offset,
                        representation,
                        field: next - 1,
                    }
                }
                hpack::Event::Inserted { table_size, .. } => EncodedStep::Inserted {
                    field: next.saturating_sub(1),
                    table_size,
                },
                hpack::Event::Evicted { field } => EncodedStep::Evicted {
                    field: field.clone(),
                },
            });
        });
        if steps.is_empty() {
            // Nothing names a field: they go now, as they would unwatched.
            return EncodedSteps::default();
        }
        EncodedSteps { fields, steps }
    }

    /// Encodes `fields` keeping only the changes of the table: nothing is done for a field that
    /// the table does not take, so that a block nobody wants the fields of costs what it costs
    /// unwatched. The block's fields are not kept; a field that enters the table is copied
    /// (rarely: once the table holds a server's usual fields, they are sent as indices).
    fn encode_table_changes(
        encoder: &mut Encoder,
        fields: &[Field],
        block: &mut Vec<u8>,
    ) -> EncodedSteps {
        let mut kept = EncodedSteps::default();
        encoder.encode_with_table_changes(fields, block, &mut |step| kept.keep_table_change(step));
        kept
    }

    /// Keeps a size update, an insertion (its field copied) or an eviction.
    #[inline(never)]
    fn keep_table_change(&mut self, step: hpack::Event<'_>) {
        let step = match step {
            hpack::Event::Field { .. } => return,
            hpack::Event::SizeUpdate { offset, max_size } => {
                EncodedStep::SizeUpdate { offset, max_size }
            }
            hpack::Event::Inserted { field, table_size } => {
                self.fields.push(field.clone());
                EncodedStep::Inserted {
                    field: self.fields.len() - 1,
                    table_size,
                }
            }
            hpack::Event::Evicted { field } => EncodedStep::Evicted {
                field: field.clone(),
            },
        };
        self.steps.push(step);
    }

    /// The steps as the encoder reported them.
    fn events(&self) -> impl Iterator<Item = hpack::Event<'_>> {
        self.steps.iter().filter_map(|step| {
            Some(match step {
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
                    field: self.fields.get(*field)?,
                },
                EncodedStep::Inserted { field, table_size } => hpack::Event::Inserted {
                    field: self.fields.get(*field)?,
                    table_size: *table_size,
                },
                EncodedStep::Evicted { field } => hpack::Event::Evicted { field },
            })
        })
    }
}
