//! Server push — RFC 9113 §8.4 and §6.6: a response sent before the client asks for it.
//!
//! A handler names the requests to push with its response ([`Response::push`]). For each one the
//! connection sends PUSH_PROMISE on the request's stream, carrying the promised request's fields
//! and reserving the next even stream id ("idle" → "reserved (local)", §5.1), before the
//! response's own HEADERS, so that the client learns of the push before it reads anything that
//! refers to it (§8.4.1). After the response it asks the handler for the promised request's
//! response and sends it on the promised stream like any other ("reserved (local)" →
//! "half-closed (remote)" → "closed", §8.4.2).
//!
//! Nothing is pushed, and the response simply goes out, when the client has turned push off
//! (SETTINGS_ENABLE_PUSH = 0), when its SETTINGS_MAX_CONCURRENT_STREAMS leaves no room for a
//! pushed stream, after a GOAWAY either way, when the server's stream ids are used up, or when
//! the promised request is not one that may be pushed (a GET or HEAD with an `:authority`).
//!
//! [`Response::push`]: crate::http::Response::push

use super::send::BlockStart;
use super::stream::{Event, State};
use super::{Connection, StateChange, Stream};
use crate::error::ConnectionError;
use crate::hpack::Field;
use crate::http::Request;

impl Connection {
    /// Sends PUSH_PROMISE on `stream_id` for each of `requests` that may be pushed now, and
    /// returns the promised stream ids with their requests, for [`Connection::push`].
    pub(super) fn promise(
        &mut self,
        stream_id: u32,
        requests: Vec<Request>,
    ) -> Vec<(u32, Request)> {
        let mut promised = Vec::new();
        for request in requests {
            if !self.may_push(stream_id, &request) {
                continue;
            }
            let Some(promised_id) = self.closed.next_server_id() else {
                break;
            };
            let mut stream = Stream::new(
                promised_id,
                self.local.initial_window_in_force(self.settings_acked),
                self.peer.initial_window_size,
            );
            let Ok(state_change) = stream.send(Event::SendPushPromise, false, promised_id) else {
                continue;
            };
            stream.method.clone_from(&request.method);
            stream.path.clone_from(&request.path);
            if self.observers.is_watching() {
                stream.watchers = self.observers.watchers(promised_id);
            }
            let state_change = StateChange {
                stream_id: promised_id,
                watchers: stream.watchers,
                states: state_change,
            };
            self.closed.promised(promised_id);
            self.streams.insert(promised_id, Box::new(stream));

            // The PUSH_PROMISE is a frame of the request's stream, its fields that stream's.
            let watchers = self.stream_watchers(stream_id);
            let (block, steps) = self.encode_block(watchers, promised_fields(&request));
            let start = BlockStart::PushPromise {
                stream_id,
                promised_stream_id: promised_id,
            };
            self.queue_header_block(start, block, (steps, watchers), Some(state_change), None);
            promised.push((promised_id, request));
        }
        promised
    }

    /// The promised request's response, from the handler, sent on the promised stream.
    pub(super) fn push(
        &mut self,
        promised_id: u32,
        request: Request,
    ) -> Result<(), ConnectionError> {
        let response = self.handler.start(request).finish(&[]);
        self.respond(promised_id, response)
    }

    /// Whether `request` may be promised on `stream_id` now.
    fn may_push(&self, stream_id: u32, request: &Request) -> bool {
        // RFC 9113 §6.5.2 (SETTINGS_ENABLE_PUSH): A server MUST NOT send a PUSH_PROMISE frame if
        // it receives this parameter set to a value of 0.
        if !self.peer.enable_push {
            return false;
        }
        // RFC 9113 §6.8: Receivers of a GOAWAY frame MUST NOT open additional streams on the
        // connection. (And after our own, the connection is ending: nothing new starts.)
        if self.goaway_received || self.goaway_sent {
            return false;
        }
        // RFC 9113 §8.4.1: PUSH_PROMISE frames can be sent by the server on any client-initiated
        // stream, but the stream MUST be in either the "open" or "half-closed (remote)" state.
        let associated = self.streams.get(&stream_id).map(|s| s.state);
        if stream_id.is_multiple_of(2)
            || !matches!(associated, Some(State::Open | State::HalfClosedRemote))
        {
            return false;
        }
        // RFC 9113 §8.4: Promised requests MUST be safe and cacheable. ... The server MUST
        // include a value in the ":authority" pseudo-header field for which the server is
        // authoritative. (GET and HEAD are both; the authority is the one the client asked.)
        if !matches!(request.method.as_str(), "GET" | "HEAD") || request.authority.is_none() {
            return false;
        }
        // RFC 9113 §5.1.2: Endpoints MUST NOT exceed the limit set by their peer. (A pushed
        // stream is "half-closed (remote)" as soon as its HEADERS go, and counts from then; the
        // ones promised with this response are in the table already.)
        let Some(limit) = self.peer.max_concurrent_streams else {
            return true;
        };
        let pushed = self
            .streams
            .keys()
            .filter(|id| id.is_multiple_of(2))
            .count();
        pushed < limit as usize
    }
}

/// The promised request's header list (RFC 9113 §8.4.1: "a valid and complete set of request
/// header fields", §8.3.1): the four pseudo-header fields, then its regular fields.
fn promised_fields(request: &Request) -> Vec<Field> {
    let mut fields = vec![
        Field::new(":method", request.method.as_str()),
        Field::new(":scheme", request.scheme.as_str()),
    ];
    if let Some(authority) = &request.authority {
        fields.push(Field::new(":authority", authority.as_str()));
    }
    fields.push(Field::new(":path", request.path.as_str()));
    let regular = request
        .fields
        .iter()
        .filter(|(name, _)| !name.starts_with(':'));
    fields.extend(regular.map(|(name, value)| Field::new(name.as_str(), value.as_str())));
    fields
}
