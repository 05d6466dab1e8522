//! `h2lab-decode --check`: what a peer would reject in one direction of a connection, beyond the
//! frame and HPACK rules that the inspector follows as it reads.
//!
//! Two kinds of rule, each cited by its RFC 9113 section:
//! - the fields of each message (§8.1–§8.3): the server applies the same rules to the requests it
//!   receives, and both read them from [`crate::fields`]; here they apply to responses too;
//! - the stream numbers each side may open (§5.1.1) and who may push (§8.4).
//!
//! Which rules apply depends on the [`Sender`]: a client's first header block on a stream is a
//! request, a server's is a response (or, with a 1xx status, an interim one), and a later block on
//! the same stream is a trailer section. A server's PUSH_PROMISE carries a request.

use std::collections::HashSet;

use super::inspect::{Record, Sender};
use crate::fields::{
    check_name, check_position, check_regular, check_trailer_field, check_trailers_end_stream,
    check_value, RequestPseudo, ResponsePseudo,
};
use crate::frame::Frame;
use crate::hpack::Field;

/// What a peer would reject in each of `records`, all sent by `sender`: one list per record,
/// each problem with its RFC section.
pub fn check(records: &[Record], sender: Sender) -> Vec<Vec<String>> {
    let mut checker = Checker {
        sender,
        started: HashSet::new(),
        promised: HashSet::new(),
        opening: None,
    };
    records
        .iter()
        .map(|record| checker.record(record))
        .collect()
}

/// What a header block is, which decides the pseudo-header fields it must and may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Message {
    /// A request, or the request a PUSH_PROMISE promises (§8.4.1).
    Request,
    /// A response, interim or final (§8.3.2).
    Response,
    /// A trailer section (§8.1).
    Trailers,
}

/// The frame that opened the header block being assembled.
#[derive(Debug, Clone, Copy)]
enum Opening {
    /// A HEADERS frame on `stream`.
    Headers { stream: u32, end_stream: bool },
    /// A PUSH_PROMISE frame.
    PushPromise,
}

struct Checker {
    sender: Sender,
    /// The streams whose message has begun: a request seen (client), a final response seen
    /// (server). The next block on such a stream is a trailer section.
    started: HashSet<u32>,
    /// The streams that a PUSH_PROMISE of this input promised.
    promised: HashSet<u32>,
    opening: Option<Opening>,
}

impl Checker {
    fn record(&mut self, record: &Record) -> Vec<String> {
        let Record::Frame { frame, block, .. } = record else {
            return Vec::new();
        };
        let mut problems = Vec::new();
        match frame {
            Frame::Headers(f) => {
                problems.extend(self.headers_stream(f.stream_id));
                self.opening = Some(Opening::Headers {
                    stream: f.stream_id,
                    end_stream: f.end_stream,
                });
            }
            Frame::PushPromise(f) => {
                problems.extend(self.push_promise(f.promised_stream_id));
                self.opening = Some(Opening::PushPromise);
            }
            _ => {}
        }
        let fields = block.as_ref().and_then(|b| b.result.as_ref().ok());
        if let (Some(fields), Some(opening)) = (fields, self.opening.take()) {
            problems.extend(self.message(opening, fields));
        }
        problems
    }

    /// The stream numbers rule for a HEADERS frame on `stream`.
    fn headers_stream(&self, stream: u32) -> Option<String> {
        let even = stream.is_multiple_of(2);
        // RFC 9113 §5.1.1: Streams initiated by a client MUST use odd-numbered stream
        // identifiers; those initiated by the server MUST use even-numbered stream identifiers.
        match self.sender {
            Sender::Client if even => Some(format!(
                "HEADERS on stream {stream} from the client: a client opens odd-numbered streams (RFC 9113 §5.1.1)"
            )),
            Sender::Server if even && !self.promised.contains(&stream) => Some(format!(
                "HEADERS on stream {stream} from the server: a response goes on the client's odd-numbered stream, and no PUSH_PROMISE promised stream {stream} (RFC 9113 §5.1.1)"
            )),
            _ => None,
        }
    }

    /// The rules for a PUSH_PROMISE that promises stream `promised`.
    fn push_promise(&mut self, promised: u32) -> Option<String> {
        match self.sender {
            // RFC 9113 §8.4: A client cannot push. Thus, servers MUST treat the receipt of a
            // PUSH_PROMISE frame as a connection error (Section 5.4.1) of type PROTOCOL_ERROR.
            Sender::Client => Some("PUSH_PROMISE from the client: a client cannot push (RFC 9113 §8.4)".to_string()),
            // RFC 9113 §5.1.1: those [streams] initiated by the server MUST use even-numbered
            // stream identifiers.
            Sender::Server if !promised.is_multiple_of(2) => Some(format!(
                "PUSH_PROMISE promises stream {promised}: a server opens even-numbered streams (RFC 9113 §5.1.1)"
            )),
            Sender::Server => {
                self.promised.insert(promised);
                None
            }
        }
    }

    /// The rules for the fields of the block that `opening` began.
    fn message(&mut self, opening: Opening, fields: &[Field]) -> Vec<String> {
        let Opening::Headers { stream, end_stream } = opening else {
            return message_problems(Message::Request, fields, true);
        };
        if self.started.contains(&stream) {
            return message_problems(Message::Trailers, fields, end_stream);
        }
        let message = match self.sender {
            Sender::Client => Message::Request,
            Sender::Server => Message::Response,
        };
        // RFC 9113 §8.1: a response may begin with interim responses (1xx), each its own block;
        // the final response follows them.
        let interim = fields
            .iter()
            .any(|f| f.name == b":status" && f.value.first() == Some(&b'1'));
        if message == Message::Request || !interim {
            self.started.insert(stream);
        }
        message_problems(message, fields, end_stream)
    }
}

/// Every rule of §8.1–§8.3 that the fields of a `message` break, in the order of the fields.
fn message_problems(message: Message, fields: &[Field], end_stream: bool) -> Vec<String> {
    let mut problems = Vec::new();
    let mut note = |result: Result<(), String>| problems.extend(result.err());
    if message == Message::Trailers {
        note(check_trailers_end_stream(end_stream));
    }
    let mut request = RequestPseudo::<String>::default();
    let mut response = ResponsePseudo::default();
    let mut regular_seen = false;
    for field in fields {
        // A field whose name is not a valid name is neither pseudo nor regular: no other rule
        // can say more about it.
        if let Err(problem) = check_name(&field.name) {
            note(Err(problem));
            continue;
        }
        note(check_value(&field.name, &field.value));
        let name = String::from_utf8_lossy(&field.name);
        let value = String::from_utf8_lossy(&field.value);
        if name.starts_with(':') {
            note(check_position(&name, regular_seen));
            note(match message {
                Message::Request => request.set(&name, value.to_string()),
                Message::Response => response.set(&name, &value),
                Message::Trailers => check_trailer_field(&name),
            });
        } else {
            regular_seen = true;
            note(check_regular(&name, &value));
        }
    }
    match message {
        Message::Request => note(request.complete().map(drop)),
        Message::Response => note(response.complete().map(drop)),
        Message::Trailers => {}
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::DEFAULT_MAX_FRAME_SIZE;
    use crate::hpack::{Decoder, Encoder};
    use crate::trace::inspect::inspect_frames;

    /// A HEADERS frame (END_HEADERS, and END_STREAM when `end_stream`) carrying `fields`, encoded
    /// without Huffman or indexing so that any name goes through as it is.
    fn headers(stream: u32, end_stream: bool, fields: &[(&str, &str)], out: &mut Vec<u8>) {
        let mut block = Vec::new();
        for (name, value) in fields {
            // RFC 7541 §6.2.2: literal without indexing, new name; plain strings.
            block.push(0x00);
            block.push(name.len() as u8);
            block.extend_from_slice(name.as_bytes());
            block.push(value.len() as u8);
            block.extend_from_slice(value.as_bytes());
        }
        let flags = if end_stream { 0x05 } else { 0x04 };
        out.extend_from_slice(&(block.len() as u32).to_be_bytes()[1..]);
        out.extend_from_slice(&[0x01, flags]);
        out.extend_from_slice(&stream.to_be_bytes());
        out.extend_from_slice(&block);
    }

    fn problems(input: &[u8], sender: Sender) -> Vec<Vec<String>> {
        let records = inspect_frames(input, DEFAULT_MAX_FRAME_SIZE, &mut Decoder::new());
        check(&records, sender)
    }

    const GET: [(&str, &str); 4] = [
        (":method", "GET"),
        (":scheme", "https"),
        (":authority", "example.org"),
        (":path", "/"),
    ];

    #[test]
    fn a_status_field_with_a_trailing_colon_is_an_invalid_name_and_leaves_no_status() {
        let mut input = Vec::new();
        headers(
            1,
            false,
            &[(":status:", "200"), ("server", "x")],
            &mut input,
        );
        assert_eq!(
            problems(&input, Sender::Server),
            [[
                "field name \":status:\" is not a token: ':' may only open a pseudo-header field's name (RFC 9113 §8.2.1)",
                "response without :status (RFC 9113 §8.3.2)",
            ]]
        );
    }

    #[test]
    fn uppercase_names_misplaced_pseudo_headers_and_hop_fields_are_each_flagged() {
        let mut input = Vec::new();
        headers(
            1,
            true,
            &[
                (":status", "200"),
                ("Content-Type", "text/plain"),
                ("connection", "close"),
                ("te", "gzip"),
                (":path", "/"),
            ],
            &mut input,
        );
        assert_eq!(
            problems(&input, Sender::Server),
            [[
                "field name \"Content-Type\" has uppercase letters (RFC 9113 §8.2.1)",
                "connection-specific field connection (RFC 9113 §8.2.2)",
                "te field with value \"gzip\", not \"trailers\" (RFC 9113 §8.2.2)",
                "pseudo-header field :path after a regular field (RFC 9113 §8.3)",
                "pseudo-header field :path is not one of a response (RFC 9113 §8.3)",
            ]]
        );
    }

    #[test]
    fn a_request_needs_its_pseudo_headers() {
        let mut input = Vec::new();
        headers(1, true, &GET, &mut input);
        headers(3, true, &[(":method", "GET"), (":path", "/")], &mut input);
        assert_eq!(
            problems(&input, Sender::Client),
            [
                vec![],
                vec!["request without :scheme or :path (RFC 9113 §8.3.1)".to_string()]
            ]
        );
    }

    #[test]
    fn stream_numbers_have_the_parity_of_the_side_that_opens_them() {
        let mut input = Vec::new();
        headers(2, true, &GET, &mut input);
        assert_eq!(
            problems(&input, Sender::Client),
            [["HEADERS on stream 2 from the client: a client opens odd-numbered streams (RFC 9113 §5.1.1)"]]
        );
        let mut input = Vec::new();
        headers(2, true, &[(":status", "200")], &mut input);
        assert_eq!(
            problems(&input, Sender::Server),
            [["HEADERS on stream 2 from the server: a response goes on the client's odd-numbered stream, and no PUSH_PROMISE promised stream 2 (RFC 9113 §5.1.1)"]]
        );
    }

    #[test]
    fn a_promised_even_stream_may_carry_the_pushed_response() {
        let mut encoder = Encoder::new();
        let mut block = Vec::new();
        let promised: Vec<Field> = GET.iter().map(|(n, v)| Field::new(*n, *v)).collect();
        encoder.encode(&promised, &mut block);
        // PUSH_PROMISE on stream 1, END_HEADERS, promising stream 2.
        let mut input = Vec::new();
        input.extend_from_slice(&((block.len() + 4) as u32).to_be_bytes()[1..]);
        input.extend_from_slice(&[0x05, 0x04, 0, 0, 0, 1, 0, 0, 0, 2]);
        input.extend_from_slice(&block);
        headers(2, true, &[(":status", "200")], &mut input);
        assert_eq!(
            problems(&input, Sender::Server),
            [Vec::<String>::new(), vec![]]
        );
        assert_eq!(
            problems(&input, Sender::Client)[0],
            ["PUSH_PROMISE from the client: a client cannot push (RFC 9113 §8.4)"]
        );
    }

    #[test]
    fn interim_responses_then_the_final_one_then_trailers() {
        let mut input = Vec::new();
        headers(
            1,
            false,
            &[(":status", "103"), ("link", "</a>")],
            &mut input,
        );
        headers(1, false, &[(":status", "200")], &mut input);
        headers(1, true, &[("x-checksum", "1")], &mut input);
        headers(1, true, &[(":status", "200")], &mut input);
        assert_eq!(
            problems(&input, Sender::Server),
            [
                vec![],
                vec![],
                vec![],
                vec!["pseudo-header field :status in trailers (RFC 9113 §8.1)".to_string()]
            ]
        );
    }

    #[test]
    fn trailers_must_end_the_stream() {
        let mut input = Vec::new();
        headers(1, false, &GET, &mut input);
        headers(1, false, &[("x-checksum", "1")], &mut input);
        assert_eq!(
            problems(&input, Sender::Client)[1],
            ["trailer HEADERS without END_STREAM (RFC 9113 §8.1)"]
        );
    }
}
