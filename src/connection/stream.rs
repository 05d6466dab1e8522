//! Stream states — RFC 9113 §5.1
//!
//! ```text
//!                              +--------+
//!                      send PP |        | recv PP
//!                     ,--------+  idle  +--------.
//!                    /         |        |         \
//!                   v          +--------+          v
//!            +----------+          |           +----------+
//!            |          |          | send H /  |          |
//!     ,------+ reserved |          | recv H    | reserved +------.
//!     |      | (local)  |          |           | (remote) |      |
//!     |      +---+------+          v           +------+---+      |
//!     |          |             +--------+             |          |
//!     |          |     recv ES |        | send ES     |          |
//!     |   send H |     ,-------+  open  +-------.     | recv H   |
//!     |          |    /        |        |        \    |          |
//!     |          v   v         +---+----+         v   v          |
//!     |      +----------+          |           +----------+      |
//!     |      |   half-  |          |           |   half-  |      |
//!     |      |  closed  |          | send R /  |  closed  |      |
//!     |      | (remote) |          | recv R    | (local)  |      |
//!     |      +----+-----+          |           +-----+----+      |
//!     |           |                |                 |           |
//!     |           | send ES /      |       recv ES / |           |
//!     |           |  send R /      v        send R / |           |
//!     |           |  recv R    +--------+   recv R   |           |
//!     | send R /  `----------->|        |<-----------'  send R / |
//!     | recv R                 | closed |               recv R   |
//!     `----------------------->|        |<-----------------------'
//!                              +--------+
//!
//!   H: HEADERS (with its CONTINUATION frames)   ES: END_STREAM flag
//!   R: RST_STREAM                               PP: PUSH_PROMISE
//! ```
//!
//! A server walks the left half of the diagram when it pushes (RFC 9113 §8.4): PUSH_PROMISE on
//! the request's stream moves the promised stream from "idle" to "reserved (local)", the pushed
//! response's HEADERS to "half-closed (remote)" (the client never sends on a pushed stream), and
//! its END_STREAM to "closed".
//!
//! Simplification: "reserved (remote)" is never entered. It needs a PUSH_PROMISE from the client,
//! which is a connection error before it reaches a stream (§8.4), so that state and the receiving
//! of PUSH_PROMISE are left out of [`State`] and [`Event`].
//!
//! As in the RFC, END_STREAM is its own event, separate from the frame that carries it: a HEADERS
//! frame with END_STREAM is two events, `RecvHeaders` then `RecvEndStream`.

use crate::error::{ConnectionError, ErrorCode, ProtocolError, StreamError};

/// The state of one stream, as the server sees it (RFC 9113 §5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Not yet used. Streams not in the connection's table with an id above the highest one seen.
    Idle,
    /// Promised with our PUSH_PROMISE; the pushed response's HEADERS is next.
    ReservedLocal,
    /// Both ends may send: the request is still arriving.
    Open,
    /// We have ended our side (END_STREAM sent); the client is still sending.
    HalfClosedLocal,
    /// The client has ended the request (END_STREAM received); the response is under way.
    HalfClosedRemote,
    /// Done. Only PRIORITY, and for a short while WINDOW_UPDATE and RST_STREAM, may still arrive.
    Closed,
}

/// What happens to a stream: a frame (or the END_STREAM flag) sent or received.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// A complete header block arrived (a request, or trailers).
    RecvHeaders,
    /// A DATA frame arrived.
    RecvData,
    /// The frame that arrived carried END_STREAM.
    RecvEndStream,
    /// A WINDOW_UPDATE arrived for the stream.
    RecvWindowUpdate,
    /// We promise the stream in a PUSH_PROMISE sent on another stream (§8.4).
    SendPushPromise,
    /// We send a header block (the response).
    SendHeaders,
    /// We send a DATA frame.
    SendData,
    /// The frame we send carries END_STREAM.
    SendEndStream,
    /// The client reset the stream.
    RecvRstStream,
    /// We reset the stream.
    SendRstStream,
}

impl State {
    /// The state's name as RFC 9113 §5.1 writes it: `half-closed (remote)`.
    pub fn name(self) -> &'static str {
        match self {
            State::Idle => "idle",
            State::ReservedLocal => "reserved (local)",
            State::Open => "open",
            State::HalfClosedLocal => "half-closed (local)",
            State::HalfClosedRemote => "half-closed (remote)",
            State::Closed => "closed",
        }
    }

    /// Whether the client may still send DATA on the stream: it has not ended its side.
    pub fn client_may_send(self) -> bool {
        matches!(self, State::Open | State::HalfClosedLocal)
    }

    /// The state after `event`, or the error the RFC prescribes when `event` is not allowed here.
    ///
    /// Errors on our own sending side are bugs in this crate, reported as INTERNAL_ERROR rather
    /// than a panic.
    pub fn on(self, event: Event, stream_id: u32) -> Result<State, ProtocolError> {
        use Event::*;
        use State::*;
        let next = match (self, event) {
            (Idle, RecvHeaders) => Open,
            (Idle, SendPushPromise) => ReservedLocal,
            // RFC 9113 §5.1 (idle): Receiving any frame other than HEADERS or PRIORITY on a stream
            // in this state MUST be treated as a connection error of type PROTOCOL_ERROR.
            (Idle, RecvData | RecvEndStream | RecvWindowUpdate | RecvRstStream) => {
                return Err(connection_protocol_error(self, stream_id, event))
            }
            (Idle, SendHeaders | SendData | SendEndStream | SendRstStream) => {
                return Err(internal_error(self, stream_id, event))
            }

            // RFC 9113 §5.1 (reserved (local)): The endpoint can send a HEADERS frame. This causes
            // the stream to open in a "half-closed (remote)" state. Either endpoint can send a
            // RST_STREAM frame to cause the stream to become "closed".
            (ReservedLocal, SendHeaders) => HalfClosedRemote,
            (ReservedLocal, RecvRstStream | SendRstStream) => Closed,
            // RFC 9113 §5.1 (reserved (local)): A PRIORITY or WINDOW_UPDATE frame MAY be received
            // in this state. Receiving any type of frame other than RST_STREAM, PRIORITY, or
            // WINDOW_UPDATE on a stream in this state MUST be treated as a connection error of
            // type PROTOCOL_ERROR.
            (ReservedLocal, RecvWindowUpdate) => ReservedLocal,
            (ReservedLocal, RecvHeaders | RecvData | RecvEndStream) => {
                return Err(connection_protocol_error(self, stream_id, event))
            }
            // RFC 9113 §5.1 (reserved (local)): An endpoint MUST NOT send any type of frame other
            // than HEADERS, RST_STREAM, or PRIORITY in this state.
            (ReservedLocal, SendData | SendEndStream) => {
                return Err(internal_error(self, stream_id, event))
            }

            (Open, RecvHeaders | RecvData | RecvWindowUpdate | SendHeaders | SendData) => Open,
            (Open, RecvEndStream) => HalfClosedRemote,
            (Open, SendEndStream) => HalfClosedLocal,
            (Open, RecvRstStream | SendRstStream) => Closed,

            (HalfClosedLocal, RecvHeaders | RecvData | RecvWindowUpdate) => HalfClosedLocal,
            (HalfClosedLocal, RecvEndStream) => Closed,
            (HalfClosedLocal, SendHeaders | SendData | SendEndStream) => {
                return Err(internal_error(self, stream_id, event))
            }
            (HalfClosedLocal, RecvRstStream | SendRstStream) => Closed,

            // RFC 9113 §5.1 (half-closed (remote)): If an endpoint receives additional frames,
            // other than WINDOW_UPDATE, PRIORITY, or RST_STREAM, for a stream that is in this
            // state, it MUST respond with a stream error of type STREAM_CLOSED.
            (HalfClosedRemote, RecvHeaders | RecvData | RecvEndStream) => {
                return Err(stream_closed(stream_id, event))
            }
            (HalfClosedRemote, RecvWindowUpdate | SendHeaders | SendData) => HalfClosedRemote,
            (HalfClosedRemote, SendEndStream | RecvRstStream | SendRstStream) => Closed,

            // RFC 9113 §5.1 (closed): "An endpoint MAY treat receipt of any other type of frame
            // on a closed stream as a connection error (Section 5.4.1) of type STREAM_CLOSED."
            // Here a stream error of that type, as RFC 7540 §5.1 required after a RST_STREAM; the
            // connection makes HEADERS a connection error, and tolerates frames on streams that
            // *we* reset before asking here.
            (Closed, RecvHeaders | RecvData | RecvEndStream) => {
                return Err(stream_closed(stream_id, event))
            }
            // RFC 9113 §5.1 (closed): "An endpoint that sends a frame with the END_STREAM flag
            // set or a RST_STREAM frame might receive a WINDOW_UPDATE or RST_STREAM frame from its
            // peer in the time before the peer receives and processes the frame that closes the
            // stream."
            (Closed, RecvWindowUpdate | RecvRstStream | SendRstStream) => Closed,
            (Closed, SendHeaders | SendData | SendEndStream) => {
                return Err(internal_error(self, stream_id, event))
            }

            // RFC 9113 §6.6: the sender MUST ensure that the promised stream is a valid choice for
            // a new stream identifier (Section 5.1.1) (that is, the promised stream MUST be in the
            // "idle" state).
            (
                ReservedLocal | Open | HalfClosedLocal | HalfClosedRemote | Closed,
                SendPushPromise,
            ) => return Err(internal_error(self, stream_id, event)),
        };
        Ok(next)
    }
}

fn connection_protocol_error(state: State, stream_id: u32, event: Event) -> ProtocolError {
    ConnectionError::new(
        ErrorCode::PROTOCOL_ERROR,
        "§5.1",
        format!("{event:?} on {} stream {stream_id}", state.name()),
    )
    .into()
}

fn stream_closed(stream_id: u32, event: Event) -> ProtocolError {
    StreamError::new(
        stream_id,
        ErrorCode::STREAM_CLOSED,
        "§5.1",
        format!("{event:?} after the client ended stream {stream_id}"),
    )
    .into()
}

fn internal_error(state: State, stream_id: u32, event: Event) -> ProtocolError {
    ConnectionError::new(
        ErrorCode::INTERNAL_ERROR,
        "§5.1",
        format!(
            "server tried {event:?} on stream {stream_id} in state {}",
            state.name()
        ),
    )
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(events: &[Event]) -> Result<State, ProtocolError> {
        events
            .iter()
            .try_fold(State::Idle, |state, &event| state.on(event, 1))
    }

    #[test]
    fn request_then_response_walks_open_half_closed_remote_closed() {
        use Event::*;
        assert_eq!(run(&[RecvHeaders]), Ok(State::Open));
        assert_eq!(
            run(&[RecvHeaders, RecvEndStream]),
            Ok(State::HalfClosedRemote)
        );
        assert_eq!(
            run(&[
                RecvHeaders,
                RecvEndStream,
                SendHeaders,
                SendData,
                SendEndStream
            ]),
            Ok(State::Closed)
        );
    }

    #[test]
    fn early_response_walks_open_half_closed_local_closed() {
        use Event::*;
        assert_eq!(
            run(&[RecvHeaders, SendHeaders, SendEndStream]),
            Ok(State::HalfClosedLocal)
        );
        assert_eq!(
            run(&[
                RecvHeaders,
                SendHeaders,
                SendEndStream,
                RecvData,
                RecvEndStream
            ]),
            Ok(State::Closed)
        );
    }

    #[test]
    fn rst_stream_closes_every_open_state() {
        for state in [State::Open, State::HalfClosedLocal, State::HalfClosedRemote] {
            assert_eq!(state.on(Event::RecvRstStream, 1), Ok(State::Closed));
            assert_eq!(state.on(Event::SendRstStream, 1), Ok(State::Closed));
        }
    }

    #[test]
    fn data_on_idle_stream_is_connection_protocol_error() {
        for event in [
            Event::RecvData,
            Event::RecvWindowUpdate,
            Event::RecvRstStream,
        ] {
            let err = State::Idle.on(event, 3).unwrap_err();
            assert!(matches!(err, ProtocolError::Connection(_)));
            assert_eq!(err.code(), ErrorCode::PROTOCOL_ERROR);
        }
    }

    #[test]
    fn data_on_half_closed_remote_is_stream_closed() {
        for event in [Event::RecvData, Event::RecvHeaders] {
            let err = State::HalfClosedRemote.on(event, 1).unwrap_err();
            assert_eq!(
                err,
                ProtocolError::Stream(StreamError {
                    stream_id: 1,
                    code: ErrorCode::STREAM_CLOSED,
                    section: "§5.1",
                    reason: format!("{event:?} after the client ended stream 1"),
                })
            );
        }
    }

    #[test]
    fn data_on_closed_stream_is_stream_closed() {
        let err = State::Closed.on(Event::RecvData, 5).unwrap_err();
        assert!(matches!(err, ProtocolError::Stream(_)));
        assert_eq!(err.code(), ErrorCode::STREAM_CLOSED);
    }

    #[test]
    fn a_push_walks_reserved_local_half_closed_remote_closed() {
        use Event::*;
        assert_eq!(run(&[SendPushPromise]), Ok(State::ReservedLocal));
        assert_eq!(
            run(&[SendPushPromise, SendHeaders]),
            Ok(State::HalfClosedRemote)
        );
        assert_eq!(
            run(&[SendPushPromise, SendHeaders, SendData, SendEndStream]),
            Ok(State::Closed)
        );
        assert_eq!(State::ReservedLocal.name(), "reserved (local)");
    }

    #[test]
    fn a_reserved_stream_takes_window_update_and_rst_stream_only() {
        let reserved = State::ReservedLocal;
        assert_eq!(reserved.on(Event::RecvWindowUpdate, 2), Ok(reserved));
        assert_eq!(reserved.on(Event::RecvRstStream, 2), Ok(State::Closed));
        assert_eq!(reserved.on(Event::SendRstStream, 2), Ok(State::Closed));
        for event in [Event::RecvHeaders, Event::RecvData, Event::RecvEndStream] {
            let err = reserved.on(event, 2).unwrap_err();
            assert!(matches!(err, ProtocolError::Connection(_)), "{event:?}");
            assert_eq!(err.code(), ErrorCode::PROTOCOL_ERROR);
        }
        assert!(!reserved.client_may_send());
    }

    #[test]
    fn data_before_the_pushed_headers_or_a_second_promise_is_an_internal_error() {
        let err = State::ReservedLocal.on(Event::SendData, 2).unwrap_err();
        assert_eq!(err.code(), ErrorCode::INTERNAL_ERROR);
        let err = State::Open.on(Event::SendPushPromise, 1).unwrap_err();
        assert_eq!(err.code(), ErrorCode::INTERNAL_ERROR);
    }

    #[test]
    fn sending_after_end_stream_is_an_internal_error() {
        let err = State::HalfClosedLocal.on(Event::SendData, 1).unwrap_err();
        assert_eq!(err.code(), ErrorCode::INTERNAL_ERROR);
    }
}
