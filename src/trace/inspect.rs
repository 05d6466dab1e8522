//! The inspector behind `h2lab-decode`: one direction of an HTTP/2 connection taken apart, frame
//! by frame, with every header block decoded by one HPACK decoder carried across the whole input.
//!
//! It follows the receiver's rules that need no knowledge of the other direction: the frame size
//! limit (RFC 9113 §4.2), the rules of each frame type (§6), and the assembly of a header block
//! from HEADERS or PUSH_PROMISE and CONTINUATION frames with nothing in between (§6.10).

use std::fmt::Write;

use super::{field, flag_list, header_line, payload_items, Value};
use crate::error::{ConnectionError, ErrorCode, ProtocolError};
use crate::frame::{continuation, split_frame, Frame, FrameHeader, PREFACE};
use crate::hpack::{DecodeError, Decoder, Event, Field, Indexing, Representation};
use crate::json;

/// The last index of the static table (RFC 7541 Appendix A); above it, indices name dynamic entries.
const STATIC_TABLE_LAST: usize = 61;

/// One step of HPACK decoding, owned so that it outlives the decoder's borrow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A dynamic table size update (RFC 7541 §6.3).
    SizeUpdate {
        /// The table's new maximum size.
        max_size: usize,
    },
    /// A field and how it was represented.
    Field {
        /// The decoded field.
        field: Field,
        /// Its representation (RFC 7541 §6).
        representation: Representation,
    },
    /// An entry added to the dynamic table as index 62.
    Inserted {
        /// The entry.
        field: Field,
        /// The table's size afterwards.
        table_size: usize,
    },
    /// An entry that left the dynamic table.
    Evicted {
        /// The entry.
        field: Field,
    },
}

/// A decoded header block: the steps in order, and the field list or why decoding failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// What the decoder did, in order.
    pub steps: Vec<Step>,
    /// The header list, or the decoding error.
    pub result: Result<Vec<Field>, DecodeError>,
}

/// Decodes one header block with `decoder`, recording each step.
pub fn decode_block(decoder: &mut Decoder, block: &[u8]) -> Block {
    let mut steps = Vec::new();
    let result = decoder.decode_with(block, &mut |event| {
        steps.push(match event {
            Event::SizeUpdate { max_size, .. } => Step::SizeUpdate { max_size },
            Event::Field {
                representation,
                field,
                ..
            } => Step::Field {
                field: field.clone(),
                representation,
            },
            Event::Inserted { field, table_size } => Step::Inserted {
                field: field.clone(),
                table_size,
            },
            Event::Evicted { field } => Step::Evicted {
                field: field.clone(),
            },
        })
    });
    Block { steps, result }
}

/// What the inspector found at one place of the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    /// The client connection preface (RFC 9113 §3.4).
    Preface {
        /// Where it starts.
        offset: usize,
    },
    /// A frame, and the header block it completes, if any.
    Frame {
        /// Where its header starts.
        offset: usize,
        /// Its 9-octet header.
        header: FrameHeader,
        /// The decoded frame.
        frame: Frame,
        /// The header block this frame completes (END_HEADERS), decoded.
        block: Option<Block>,
    },
    /// A frame the receiver must reject. A stream error leaves the rest of the input readable;
    /// a connection error ends it.
    Rejected {
        /// Where its header starts.
        offset: usize,
        /// Its 9-octet header.
        header: FrameHeader,
        /// The error the receiver raises.
        error: ProtocolError,
    },
    /// The input cannot be followed past this point.
    Error {
        /// Where.
        offset: usize,
        /// Why.
        message: String,
    },
}

impl Record {
    /// Whether this record reports a fault in the input.
    pub fn is_error(&self) -> bool {
        match self {
            Record::Preface { .. } => false,
            Record::Frame { block, .. } => block.as_ref().is_some_and(|b| b.result.is_err()),
            Record::Rejected { .. } | Record::Error { .. } => true,
        }
    }
}

/// A header block being assembled from HEADERS or PUSH_PROMISE and CONTINUATION frames.
struct Pending {
    /// The stream of the HEADERS or PUSH_PROMISE frame; every CONTINUATION must be on it too.
    stream_id: u32,
    /// The fragments so far, joined.
    fragment: Vec<u8>,
}

/// Takes apart `input`: an optional client preface, then frames no longer than `max_frame_size`.
/// Header blocks are decoded by `decoder`. Stops at the first connection error.
pub fn inspect_frames(input: &[u8], max_frame_size: u32, decoder: &mut Decoder) -> Vec<Record> {
    let mut records = Vec::new();
    let mut offset = 0;
    if input.starts_with(PREFACE) {
        records.push(Record::Preface { offset });
        offset = PREFACE.len();
    }
    let mut pending: Option<Pending> = None;
    while offset < input.len() {
        let rest = &input[offset..];
        let (header, payload, used) = match split_frame(rest, max_frame_size) {
            Ok(Some(split)) => split,
            Ok(None) => {
                records.push(Record::Error {
                    offset,
                    message: format!(
                        "input ends inside a frame: {} octets left, a frame needs at least 9 and its header's length",
                        rest.len()
                    ),
                });
                break;
            }
            Err(error) => {
                records.push(Record::Error {
                    offset,
                    message: error.to_string(),
                });
                break;
            }
        };
        let record = inspect_one(offset, header, payload, &mut pending, decoder);
        let fatal = matches!(
            &record,
            Record::Rejected {
                error: ProtocolError::Connection(_),
                ..
            } | Record::Frame {
                block: Some(Block { result: Err(_), .. }),
                ..
            }
        );
        records.push(record);
        if fatal {
            break;
        }
        offset += used;
    }
    records
}

/// One frame, as a record: rejected, or decoded with the header block it completes.
fn inspect_one(
    offset: usize,
    header: FrameHeader,
    payload: &[u8],
    pending: &mut Option<Pending>,
    decoder: &mut Decoder,
) -> Record {
    match decode_in_sequence(&header, payload, pending, decoder) {
        Ok((frame, block)) => Record::Frame {
            offset,
            header,
            frame,
            block,
        },
        Err(error) => Record::Rejected {
            offset,
            header,
            error,
        },
    }
}

/// Checks that the frame may come here, decodes it, and decodes the header block it completes.
fn decode_in_sequence(
    header: &FrameHeader,
    payload: &[u8],
    pending: &mut Option<Pending>,
    decoder: &mut Decoder,
) -> Result<(Frame, Option<Block>), ProtocolError> {
    check_sequence(header, pending.as_ref())?;
    let frame = Frame::decode(header, payload)?;
    let block = assemble(&frame, pending)?.map(|block| decode_block(decoder, &block));
    Ok((frame, block))
}

/// While a header block is open, only a CONTINUATION on its stream may come next.
fn check_sequence(header: &FrameHeader, pending: Option<&Pending>) -> Result<(), ConnectionError> {
    match pending {
        Some(open) => continuation::check_follows(header, open.stream_id),
        None => Ok(()),
    }
}

/// Adds the field block fragment of a HEADERS, PUSH_PROMISE or CONTINUATION frame to the block
/// being assembled; gives back the whole block once a frame carries END_HEADERS.
fn assemble(
    frame: &Frame,
    pending: &mut Option<Pending>,
) -> Result<Option<Vec<u8>>, ConnectionError> {
    let (fragment, end_headers) = match frame {
        Frame::Headers(f) => (&f.fragment, f.end_headers),
        Frame::PushPromise(f) => (&f.fragment, f.end_headers),
        Frame::Continuation(f) => (&f.fragment, f.end_headers),
        _ => return Ok(None),
    };
    let open = match (pending.take(), frame) {
        (Some(mut open), Frame::Continuation(_)) => {
            open.fragment.extend_from_slice(fragment);
            open
        }
        // RFC 9113 §6.10: a CONTINUATION that follows no open header block "MUST" be treated as a
        // connection error of type PROTOCOL_ERROR.
        (None, Frame::Continuation(_)) => {
            return Err(ConnectionError::new(
                ErrorCode::PROTOCOL_ERROR,
                "§6.10",
                "CONTINUATION without a header block to continue",
            ))
        }
        _ => Pending {
            stream_id: frame.stream_id(),
            fragment: fragment.clone(),
        },
    };
    if end_headers {
        return Ok(Some(open.fragment));
    }
    *pending = Some(open);
    Ok(None)
}

/// How a field was represented, in words (RFC 7541 §6).
pub fn describe_representation(representation: &Representation) -> String {
    match *representation {
        Representation::Indexed { index } => format!("indexed: {}", describe_index(index)),
        Representation::Literal {
            indexing,
            name_index,
            name_huffman,
            value_huffman,
        } => {
            let kind = match indexing {
                Indexing::Incremental => "literal with incremental indexing",
                Indexing::WithoutIndexing => "literal without indexing",
                Indexing::NeverIndexed => "literal never indexed",
            };
            let name = match name_index {
                Some(index) => format!("name {}", describe_index(index)),
                None => format!("name {}", coding(name_huffman)),
            };
            format!("{kind}; {name}; value {}", coding(value_huffman))
        }
    }
}

/// `index 2 (static)` or `index 62 (dynamic)`.
fn describe_index(index: usize) -> String {
    let table = if index <= STATIC_TABLE_LAST {
        "static"
    } else {
        "dynamic"
    };
    format!("index {index} ({table})")
}

/// How a string literal was coded (RFC 7541 §5.2).
fn coding(huffman: bool) -> &'static str {
    if huffman {
        "Huffman"
    } else {
        "plain"
    }
}

/// A decoded block as indented text lines: each field with its representation, each table change.
pub fn block_text(block: &Block, indent: &str) -> String {
    let mut out = String::new();
    for step in &block.steps {
        // Writing to a String cannot fail.
        let _ = match step {
            Step::SizeUpdate { max_size } => {
                writeln!(out, "{indent}dynamic table size update: {max_size}")
            }
            Step::Field {
                field: f,
                representation,
            } => writeln!(
                out,
                "{indent}{}    [{}]",
                field(&f.name, &f.value),
                describe_representation(representation)
            ),
            Step::Inserted {
                field: f,
                table_size,
            } => writeln!(
                out,
                "{indent}  + dynamic table [62]: {} (table now {table_size} octets)",
                field(&f.name, &f.value)
            ),
            Step::Evicted { field: f } => writeln!(
                out,
                "{indent}  - evicted from dynamic table: {}",
                field(&f.name, &f.value)
            ),
        };
    }
    if let Err(error) = &block.result {
        let _ = writeln!(out, "{indent}error: {error}");
    }
    out
}

/// A block as JSON, exactly `{"headers": [[name, value], …]}` or `{"error": "…"}`.
pub fn block_json(block: &Block) -> String {
    let mut out = String::from("{");
    push_block_result(&mut out, block);
    out.push('}');
    out
}

/// Appends `"headers": [[name, value], …]` or `"error": "…"`: a block's result as JSON members.
fn push_block_result(out: &mut String, block: &Block) {
    match &block.result {
        Ok(fields) => {
            out.push_str("\"headers\": ");
            json::push_field_list(out, fields.iter().map(|f| (&f.name[..], &f.value[..])));
        }
        Err(error) => {
            out.push_str("\"error\": ");
            json::push_str(out, error.to_string().as_bytes());
        }
    }
}

/// One part of a record. [`Record::parts`] takes a record apart once, in the order both forms
/// show it; [`record_text`] and [`record_json`] each write the parts their way.
enum Part<'a> {
    /// The record is the client preface.
    Preface,
    /// A frame's 9-octet header.
    Header(&'a FrameHeader),
    /// The fields of a decoded frame's payload, in wire order.
    Payload(Vec<(String, Value)>),
    /// The header block that the frame completed, decoded.
    Block(&'a Block),
    /// Why the receiver rejects the frame.
    Rejected(&'a ProtocolError),
    /// Why the input cannot be followed past this point.
    Error(&'a str),
}

impl Record {
    /// Where the record starts in the input, and its parts in order.
    fn parts(&self) -> (usize, Vec<Part<'_>>) {
        match self {
            Record::Preface { offset } => (*offset, vec![Part::Preface]),
            Record::Frame {
                offset,
                header,
                frame,
                block,
            } => {
                let mut parts = vec![Part::Header(header), Part::Payload(payload_items(frame))];
                parts.extend(block.as_ref().map(Part::Block));
                (*offset, parts)
            }
            Record::Rejected {
                offset,
                header,
                error,
            } => (*offset, vec![Part::Header(header), Part::Rejected(error)]),
            Record::Error { offset, message } => (*offset, vec![Part::Error(message)]),
        }
    }
}

/// A record as text: a line for the frame, then its payload fields and header block, indented.
pub fn record_text(record: &Record) -> String {
    let (offset, parts) = record.parts();
    let mut out = format!("@{offset} ");
    for part in parts {
        // Writing to a String cannot fail.
        let _ = match part {
            Part::Preface => writeln!(out, "client preface (24 octets)"),
            Part::Header(header) => writeln!(out, "{}", header_line(header)),
            Part::Payload(items) => items
                .iter()
                .try_for_each(|(name, value)| writeln!(out, "    {name} = {value}")),
            Part::Block(block) => write!(out, "    header block:\n{}", block_text(block, "      ")),
            Part::Rejected(error) => writeln!(out, "    rejected: {error}"),
            Part::Error(message) => writeln!(out, "error: {message}"),
        };
    }
    out
}

/// A record as one line of JSON: an object with a member or a few per part.
pub fn record_json(record: &Record) -> String {
    let (offset, parts) = record.parts();
    let mut out = format!("{{\"offset\": {offset}");
    for part in parts {
        match part {
            Part::Preface => out.push_str(", \"preface\": true"),
            Part::Header(header) => push_header_json(&mut out, header),
            Part::Payload(items) => push_payload_json(&mut out, &items),
            Part::Block(block) => {
                out.push_str(", ");
                push_block_result(&mut out, block);
            }
            Part::Rejected(error) => push_error_json(&mut out, &error.to_string()),
            Part::Error(message) => push_error_json(&mut out, message),
        }
    }
    out.push('}');
    out
}

/// Appends a frame header's members: type, flags by name, stream and length.
fn push_header_json(out: &mut String, header: &FrameHeader) {
    out.push_str(", \"type\": ");
    json::push_str(out, header.kind.to_string().as_bytes());
    out.push_str(", \"flags\": [");
    push_joined(out, flag_list(header.kind, header.flags), |out, name| {
        json::push_str(out, name.as_bytes());
    });
    let _ = write!(
        out,
        "], \"stream\": {}, \"length\": {}",
        header.stream_id, header.length
    );
}

/// Appends `"payload": {…}`: numbers and booleans bare, names and octets as strings.
fn push_payload_json(out: &mut String, items: &[(String, Value)]) {
    out.push_str(", \"payload\": {");
    push_joined(out, items, |out, (name, value)| {
        json::push_str(out, name.as_bytes());
        out.push_str(": ");
        match value {
            Value::Number(n) => {
                let _ = write!(out, "{n}");
            }
            Value::Bool(b) => {
                let _ = write!(out, "{b}");
            }
            Value::Name(text) => json::push_str(out, text.as_bytes()),
            Value::Octets(octets) => json::push_str(out, octets),
        }
    });
    out.push('}');
}

/// Appends `"error": "…"`.
fn push_error_json(out: &mut String, message: &str) {
    out.push_str(", \"error\": ");
    json::push_str(out, message.as_bytes());
}

/// Appends each of `items` with `push`, separated by `, `: the members of a JSON object or array.
fn push_joined<T>(
    out: &mut String,
    items: impl IntoIterator<Item = T>,
    mut push: impl FnMut(&mut String, T),
) {
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        push(out, item);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::DEFAULT_MAX_FRAME_SIZE;

    fn bytes(hex: &str) -> Vec<u8> {
        let digits: Vec<u8> = hex.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
        digits
            .chunks(2)
            .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).unwrap(), 16).unwrap())
            .collect()
    }

    fn inspect(hex: &str) -> Vec<Record> {
        inspect_frames(&bytes(hex), DEFAULT_MAX_FRAME_SIZE, &mut Decoder::new())
    }

    #[test]
    fn preface_then_settings_are_shown_in_order() {
        let mut input = PREFACE.to_vec();
        input.extend(bytes("000006 04 00 00000000 0003 00000064"));
        let records = inspect_frames(&input, DEFAULT_MAX_FRAME_SIZE, &mut Decoder::new());
        assert_eq!(records.len(), 2);
        assert_eq!(records[0], Record::Preface { offset: 0 });
        assert_eq!(
            record_text(&records[1]),
            "@24 SETTINGS flags=- stream=0 length=6\n    SETTINGS_MAX_CONCURRENT_STREAMS = 100\n"
        );
    }

    #[test]
    fn headers_and_continuation_form_one_block() {
        // RFC 7541 C.3.1 split after two octets: :method GET, :scheme http.
        let records = inspect("000002 01 00 00000001 8286  000002 09 04 00000001 8441");
        let text: String = records.iter().map(record_text).collect();
        assert!(text.contains("@11 CONTINUATION flags=END_HEADERS stream=1 length=2"));
        let Record::Frame {
            block: Some(block), ..
        } = &records[1]
        else {
            panic!("the CONTINUATION completes the block: {records:?}");
        };
        let Err(error) = &block.result else {
            panic!("0x41 opens a literal that the block cuts short");
        };
        assert!(matches!(error, DecodeError::Truncated { .. }));
    }

    #[test]
    fn fields_show_their_representation_and_table_insertions() {
        // RFC 7541 C.4.1: GET http / www.example.com, the authority Huffman-coded and indexed.
        let records = inspect("000011 01 05 00000001 828684418cf1e3c2e5f23a6ba0ab90f4ff");
        let text = record_text(&records[0]);
        assert!(text.contains(":method = \"GET\"    [indexed: index 2 (static)]"));
        assert!(text.contains(
            ":authority = \"www.example.com\"    [literal with incremental indexing; name index 1 (static); value Huffman]"
        ));
        assert!(text.contains(
            "+ dynamic table [62]: :authority = \"www.example.com\" (table now 57 octets)"
        ));
        assert_eq!(
            record_json(&records[0]),
            r#"{"offset": 0, "type": "HEADERS", "flags": ["END_STREAM", "END_HEADERS"], "stream": 1, "length": 17, "payload": {"fragment_length": 17}, "headers": [[":method","GET"],[":scheme","http"],[":path","/"],[":authority","www.example.com"]]}"#
        );
    }

    #[test]
    fn a_frame_between_headers_and_continuation_is_a_connection_error() {
        let records = inspect("000001 01 00 00000001 82  000008 06 00 00000000 0000000000000000");
        let Record::Rejected { offset, error, .. } = &records[1] else {
            panic!("PING inside a header block must be rejected: {records:?}");
        };
        assert_eq!(*offset, 10);
        assert!(
            matches!(error, ProtocolError::Connection(e) if e.code == ErrorCode::PROTOCOL_ERROR)
        );
        assert_eq!(records.len(), 2, "a connection error ends the input");
    }

    #[test]
    fn a_stream_error_is_shown_and_reading_goes_on() {
        let records =
            inspect("000004 02 00 00000003 00000000  000008 06 00 00000000 0102030405060708");
        assert!(matches!(
            &records[0],
            Record::Rejected { error: ProtocolError::Stream(e), .. } if e.code == ErrorCode::FRAME_SIZE_ERROR
        ));
        assert!(matches!(
            &records[1],
            Record::Frame {
                frame: Frame::Ping(_),
                ..
            }
        ));
    }

    #[test]
    fn truncated_input_says_where_it_ends() {
        let records = inspect("000008 06 00 00000000 0102");
        assert_eq!(records.len(), 1);
        assert!(matches!(&records[0], Record::Error { offset: 0, .. }));
        assert!(records[0].is_error());
    }

    #[test]
    fn block_json_is_exactly_headers_or_error() {
        let mut decoder = Decoder::new();
        assert_eq!(
            block_json(&decode_block(&mut decoder, &bytes("82"))),
            r#"{"headers": [[":method","GET"]]}"#
        );
        assert_eq!(
            block_json(&decode_block(&mut decoder, &bytes("80"))),
            r#"{"error": "index 0 at octet 0 (RFC 7541 §6.1)"}"#
        );
    }
}
