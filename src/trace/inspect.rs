//! The inspector behind `h2lab-decode`: one direction of an HTTP/2 connection taken apart, frame
//! by frame, with every header block decoded by one HPACK decoder carried across the whole input.
//!
//! It follows the receiver's rules that need no knowledge of the other direction: the frame size
//! limit (RFC 9113 §4.2), the rules of each frame type (§6), and the assembly of a header block
//! from HEADERS or PUSH_PROMISE and CONTINUATION frames with nothing in between (§6.10).
//!
//! Each record can be shown as text or as one line of JSON, with more detail on request
//! ([`Detail`]): the octets of each frame-header field and HPACK representation beside what they
//! mean, laid out as in RFC 7541 Appendix C, and the dynamic table after each block.

use std::fmt::Write;
use std::ops::Range;

use super::input::Time;
use super::{field, flag_list, flag_names, header_line, payload_items, Value};
use crate::error::{ConnectionError, ErrorCode, ProtocolError};
use crate::frame::{continuation, split_frame, Frame, FrameHeader, HEADER_LEN, PREFACE};
use crate::hpack::{DecodeError, Decoder, Event, Field, Indexing, Representation};
use crate::json;

/// The last index of the static table (RFC 7541 Appendix A); above it, indices name dynamic entries.
const STATIC_TABLE_LAST: usize = 61;

/// Which endpoint sent the octets being inspected. Some rules depend on it: which stream numbers
/// it may open (RFC 9113 §5.1.1), which pseudo-header fields its blocks carry (§8.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sender {
    /// The client: its octets start with the client preface.
    Client,
    /// The server.
    Server,
}

impl Sender {
    /// The sender of `input`: octets that start with the client preface (RFC 9113 §3.4) come from
    /// a client; any others, from a server.
    pub fn of(input: &[u8]) -> Sender {
        if input.starts_with(PREFACE) {
            Sender::Client
        } else {
            Sender::Server
        }
    }

    /// `c2s` or `s2c`: the direction, as capture files name it.
    pub fn direction(self) -> &'static str {
        match self {
            Sender::Client => "c2s",
            Sender::Server => "s2c",
        }
    }
}

/// One step of HPACK decoding, owned so that it outlives the decoder's borrow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A dynamic table size update (RFC 7541 §6.3).
    SizeUpdate {
        /// The table's new maximum size.
        max_size: usize,
        /// Where the update is in the block.
        span: Range<usize>,
    },
    /// A field and how it was represented.
    Field {
        /// The decoded field.
        field: Field,
        /// Its representation (RFC 7541 §6).
        representation: Representation,
        /// Where the representation is in the block.
        span: Range<usize>,
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

impl Step {
    /// Where the representation of this step is in the block; `None` for a table change, which
    /// has no octets of its own.
    pub fn span(&self) -> Option<&Range<usize>> {
        match self {
            Step::SizeUpdate { span, .. } | Step::Field { span, .. } => Some(span),
            Step::Inserted { .. } | Step::Evicted { .. } => None,
        }
    }

    fn span_mut(&mut self) -> Option<&mut Range<usize>> {
        match self {
            Step::SizeUpdate { span, .. } | Step::Field { span, .. } => Some(span),
            Step::Inserted { .. } | Step::Evicted { .. } => None,
        }
    }
}

/// The dynamic table as a block left it (RFC 7541 §2.3.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// The entries, index 62 first.
    pub entries: Vec<Field>,
    /// Their size (§4.1).
    pub size: usize,
    /// The maximum size (§4.2).
    pub max_size: usize,
}

/// A decoded header block: its octets, the steps in order, the field list or why decoding
/// failed, and the dynamic table afterwards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// The block, its fragments joined.
    pub octets: Vec<u8>,
    /// What the decoder did, in order.
    pub steps: Vec<Step>,
    /// The header list, or the decoding error.
    pub result: Result<Vec<Field>, DecodeError>,
    /// The dynamic table after the block.
    pub table: Table,
}

impl Block {
    /// The octets of `step`'s representation; none for a table change.
    pub fn octets_of(&self, step: &Step) -> &[u8] {
        step.span()
            .and_then(|span| self.octets.get(span.clone()))
            .unwrap_or_default()
    }

    /// How many octets of the block were decoded: all of them, unless decoding failed.
    pub fn decoded_len(&self) -> usize {
        self.steps
            .iter()
            .filter_map(Step::span)
            .next_back()
            .map_or(0, |span| span.end)
    }
}

/// Decodes one header block with `decoder`, recording each step and where its octets are.
pub fn decode_block(decoder: &mut Decoder, block: &[u8]) -> Block {
    let before = decoder.clone();
    let mut steps = Vec::new();
    let result = decoder.decode_with(block, &mut |event| {
        steps.push(match event {
            Event::SizeUpdate { offset, max_size } => Step::SizeUpdate {
                max_size,
                span: offset..offset,
            },
            Event::Field {
                offset,
                representation,
                field,
            } => Step::Field {
                field: field.clone(),
                representation,
                span: offset..offset,
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
    // The decoder says where each representation starts; each ends where the next one starts,
    // and the last at the end of the block, unless the block failed after it.
    let mut end = match &result {
        Ok(_) | Err(DecodeError::HeaderListTooLarge { .. }) => block.len(),
        Err(_) => end_of_last(&before, block, steps.iter().filter_map(Step::span).count()),
    };
    for span in steps.iter_mut().rev().filter_map(Step::span_mut) {
        span.end = end;
        end = span.start;
    }
    Block {
        octets: block.to_vec(),
        steps,
        result,
        table: Table {
            entries: decoder.table_entries().cloned().collect(),
            size: decoder.table_size(),
            max_size: decoder.table_max_size(),
        },
    }
}

/// Where the `count`-th representation of `block` ends, when decoding failed on the one after it.
/// A prefix of the block yields that representation exactly when it holds all of it, so the
/// shortest such prefix is found by bisection, decoding each time with the decoder as it was
/// before the block.
fn end_of_last(before: &Decoder, block: &[u8], count: usize) -> usize {
    if count == 0 {
        return 0;
    }
    let holds_all = |end: usize| {
        let mut decoder = before.clone();
        let mut seen = 0;
        let _ = decoder.decode_with(&block[..end], &mut |event| {
            if matches!(event, Event::Field { .. } | Event::SizeUpdate { .. }) {
                seen += 1;
            }
        });
        seen >= count
    };
    let ends: Vec<usize> = (1..=block.len()).collect();
    ends.partition_point(|&end| !holds_all(end)) + 1
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
        /// The header's octets, as they came.
        header_octets: [u8; HEADER_LEN],
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
        /// The header's octets, as they came.
        header_octets: [u8; HEADER_LEN],
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

    /// Where the record's last octet is in the input (its first, for an error): where the
    /// receiver has the whole frame.
    pub fn last_octet(&self) -> usize {
        match self {
            Record::Preface { offset } => offset + PREFACE.len() - 1,
            Record::Frame { offset, header, .. } | Record::Rejected { offset, header, .. } => {
                offset + HEADER_LEN + header.length as usize - 1
            }
            Record::Error { offset, .. } => *offset,
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
        let (header, header_octets, payload, used) = match (
            split_frame(rest, max_frame_size),
            rest.first_chunk(),
        ) {
            (Ok(Some((header, payload, used))), Some(&octets)) => (header, octets, payload, used),
            (Err(error), _) => {
                records.push(Record::Error {
                    offset,
                    message: error.to_string(),
                });
                break;
            }
            _ => {
                records.push(Record::Error {
                        offset,
                        message: format!(
                            "input ends inside a frame: {} octets left, a frame needs at least 9 and its header's length",
                            rest.len()
                        ),
                    });
                break;
            }
        };
        let record = inspect_one(
            (offset, header, header_octets),
            payload,
            &mut pending,
            decoder,
        );
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

/// One frame, given where it is, its header and the header's octets: rejected, or decoded with
/// the header block it completes.
fn inspect_one(
    (offset, header, header_octets): (usize, FrameHeader, [u8; HEADER_LEN]),
    payload: &[u8],
    pending: &mut Option<Pending>,
    decoder: &mut Decoder,
) -> Record {
    match decode_in_sequence(&header, payload, pending, decoder) {
        Ok((frame, block)) => Record::Frame {
            offset,
            header,
            header_octets,
            frame,
            block,
        },
        Err(error) => Record::Rejected {
            offset,
            header,
            header_octets,
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
            let kind = literal_kind(indexing);
            let name = match name_index {
                Some(index) => format!("name {}", describe_index(index)),
                None => format!("name {}", coding(name_huffman)),
            };
            format!("{kind}; {name}; value {}", coding(value_huffman))
        }
    }
}

/// The name of a kind of literal field (RFC 7541 §6.2).
fn literal_kind(indexing: Indexing) -> &'static str {
    match indexing {
        Indexing::Incremental => "literal with incremental indexing",
        Indexing::WithoutIndexing => "literal without indexing",
        Indexing::NeverIndexed => "literal never indexed",
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

/// What a record shows beyond its frame, its payload's fields and its header block.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Detail {
    /// The octets of each frame-header field and each HPACK representation, beside their meaning.
    pub bytes: bool,
    /// The dynamic table after each header block.
    pub table: bool,
}

/// What the caller knows of a record that the record does not hold.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Notes<'a> {
    /// Who sent it and when its last octet came, when both directions are shown together.
    pub stamp: Option<(Sender, Time)>,
    /// What a peer would reject in it (`h2lab-decode --check`), each with its RFC section.
    pub problems: &'a [String],
}

/// How many octets a line of the octet column holds, as in RFC 7541 Appendix C.
const OCTETS_PER_LINE: usize = 8;

/// `octets` beside `meaning`: the octets in a column, `OCTETS_PER_LINE` a line, then `|` and the
/// meaning on the first line.
fn beside(out: &mut String, indent: &str, octets: &[u8], meaning: &str) {
    let width = OCTETS_PER_LINE * 3 - 1;
    let mut lines = octets.chunks(OCTETS_PER_LINE);
    let first = spaced_hex(lines.next().unwrap_or_default());
    // Writing to a String cannot fail.
    let _ = writeln!(out, "{indent}{first:<width$} | {meaning}");
    for line in lines {
        let _ = writeln!(out, "{indent}{:<width$} |", spaced_hex(line));
    }
}

/// Octets as lowercase hex, a space between two.
fn spaced_hex(octets: &[u8]) -> String {
    let digits: Vec<String> = octets.iter().map(|b| format!("{b:02x}")).collect();
    digits.join(" ")
}

/// The four fields of a frame header (RFC 9113 §4.1): name, octets, and what they say.
fn header_fields<'a>(
    header: &FrameHeader,
    octets: &'a [u8; HEADER_LEN],
) -> [(&'static str, &'a [u8], String); 4] {
    // RFC 9113 §4.1: the reserved bit's "semantics ... are undefined, and the bit MUST remain
    // unset (0x00) when sending and MUST be ignored when receiving."
    let reserved = if octets[5] & 0x80 != 0 {
        " (reserved bit set: ignored, RFC 9113 §4.1)"
    } else {
        ""
    };
    [
        ("length", &octets[0..3], header.length.to_string()),
        ("type", &octets[3..4], header.kind.to_string()),
        (
            "flags",
            &octets[4..5],
            flag_names(header.kind, header.flags),
        ),
        (
            "stream",
            &octets[5..9],
            format!("{}{reserved}", header.stream_id),
        ),
    ]
}

/// A decoded block as indented text lines: each field with its representation, each table change.
pub fn block_text(block: &Block, indent: &str) -> String {
    block_text_with(block, indent, Detail::default())
}

/// [`block_text`], with the octets of each representation when `detail` asks for them. The
/// dynamic table is [`table_text`]'s to show.
pub fn block_text_with(block: &Block, indent: &str, detail: Detail) -> String {
    let mut out = String::new();
    let line = |out: &mut String, octets: &[u8], meaning: String| {
        if detail.bytes {
            beside(out, indent, octets, &meaning);
        } else {
            // Writing to a String cannot fail.
            let _ = writeln!(out, "{indent}{meaning}");
        }
    };
    for step in &block.steps {
        let octets = step
            .span()
            .map_or(&[][..], |span| &block.octets[span.clone()]);
        let meaning = match step {
            Step::SizeUpdate { max_size, .. } => format!("dynamic table size update: {max_size}"),
            Step::Field {
                field: f,
                representation,
                ..
            } => format!(
                "{}    [{}]",
                field(&f.name, &f.value),
                describe_representation(representation)
            ),
            Step::Inserted {
                field: f,
                table_size,
            } => format!(
                "  + dynamic table [62]: {} (table now {table_size} octets)",
                field(&f.name, &f.value)
            ),
            Step::Evicted { field: f } => format!(
                "  - evicted from dynamic table: {}",
                field(&f.name, &f.value)
            ),
        };
        line(&mut out, octets, meaning);
    }
    if let Err(error) = &block.result {
        let undecoded = block.octets.get(block.decoded_len()..).unwrap_or_default();
        line(&mut out, undecoded, format!("error: {error}"));
    }
    out
}

/// The dynamic table as indented text: its size, then one line per entry with its index.
pub fn table_text(table: &Table, indent: &str) -> String {
    let count = match table.entries.len() {
        0 => "empty".to_string(),
        1 => "1 entry".to_string(),
        n => format!("{n} entries"),
    };
    let mut out = format!(
        "{indent}dynamic table: {count}, {} of {} octets\n",
        table.size, table.max_size
    );
    for (i, entry) in table.entries.iter().enumerate() {
        // Writing to a String cannot fail.
        let _ = writeln!(
            out,
            "{indent}  [{}] {}",
            STATIC_TABLE_LAST + 1 + i,
            field(&entry.name, &entry.value)
        );
    }
    out
}

/// A block as JSON, exactly `{"headers": [[name, value], …]}` or `{"error": "…"}`.
pub fn block_json(block: &Block) -> String {
    block_json_with(block, Detail::default())
}

/// [`block_json`], with more members when `detail` asks: `"hpack"`, each step with its octets,
/// and `"table"`.
pub fn block_json_with(block: &Block, detail: Detail) -> String {
    let mut out = String::from("{");
    push_block_result(&mut out, block);
    if detail.bytes {
        push_steps_json(&mut out, block, true);
    }
    if detail.table {
        push_table_json(&mut out, &block.table);
    }
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

/// Appends `, "hpack": […]`: each step of the block as an object, with its octets in hex when
/// `octets` is set.
fn push_steps_json(out: &mut String, block: &Block, octets: bool) {
    out.push_str(", \"hpack\": [");
    push_joined(out, &block.steps, |out, step| {
        out.push('{');
        // Writing to a String cannot fail.
        let _ = match step {
            Step::SizeUpdate { max_size, .. } => write!(out, "\"size_update\": {max_size}"),
            Step::Field {
                field,
                representation,
                ..
            } => {
                out.push_str("\"field\": ");
                push_field_json(out, field);
                push_representation_json(out, representation);
                Ok(())
            }
            Step::Inserted { field, table_size } => {
                out.push_str("\"inserted\": ");
                push_field_json(out, field);
                write!(out, ", \"table_size\": {table_size}")
            }
            Step::Evicted { field } => {
                out.push_str("\"evicted\": ");
                push_field_json(out, field);
                Ok(())
            }
        };
        if let (true, Some(span)) = (octets, step.span()) {
            let _ = write!(
                out,
                ", \"octets\": \"{}\"",
                super::hex(&block.octets[span.clone()])
            );
        }
        out.push('}');
    });
    out.push(']');
}

/// Appends a representation's members: its kind in the words of the text form, and its index
/// or, for a literal, where the name came from and which strings were Huffman-coded.
fn push_representation_json(out: &mut String, representation: &Representation) {
    // Writing to a String cannot fail.
    let _ = match *representation {
        Representation::Indexed { index } => {
            write!(out, ", \"representation\": \"indexed\", \"index\": {index}")
        }
        Representation::Literal {
            indexing,
            name_index,
            name_huffman,
            value_huffman,
        } => {
            let name_index = name_index.map_or("null".to_string(), |i| i.to_string());
            write!(
                out,
                ", \"representation\": \"{}\", \"name_index\": {name_index}, \"name_huffman\": {name_huffman}, \"value_huffman\": {value_huffman}",
                literal_kind(indexing)
            )
        }
    };
}

/// Appends `[name, value]`, as in a field list.
fn push_field_json(out: &mut String, field: &Field) {
    out.push('[');
    json::push_str(out, &field.name);
    out.push(',');
    json::push_str(out, &field.value);
    out.push(']');
}

/// Appends `, "table": {"size": …, "max_size": …, "entries": [[name, value], …]}`.
fn push_table_json(out: &mut String, table: &Table) {
    // Writing to a String cannot fail.
    let _ = write!(
        out,
        ", \"table\": {{\"size\": {}, \"max_size\": {}, \"entries\": ",
        table.size, table.max_size
    );
    json::push_field_list(
        out,
        table.entries.iter().map(|f| (&f.name[..], &f.value[..])),
    );
    out.push('}');
}

/// One part of a record. [`Record::parts`] takes a record apart once, in the order both forms
/// show it; [`record_text_with`] and [`record_json_with`] each write the parts their way.
enum Part<'a> {
    /// The record is the client preface.
    Preface,
    /// A frame's 9-octet header.
    Header(&'a FrameHeader),
    /// The octets of each field of a frame's header, when [`Detail::bytes`] asks for them.
    HeaderOctets(&'a FrameHeader, &'a [u8; HEADER_LEN]),
    /// The fields of a decoded frame's payload, in wire order.
    Payload(Vec<(String, Value)>),
    /// The header block that the frame completed, decoded.
    Block(&'a Block),
    /// The dynamic table after that block, when [`Detail::table`] asks for it.
    Table(&'a Table),
    /// Why the receiver rejects the frame.
    Rejected(&'a ProtocolError),
    /// Why the input cannot be followed past this point.
    Error(&'a str),
    /// What a peer would reject ([`Notes::problems`]).
    Problems(&'a [String]),
}

impl Record {
    /// Where the record starts in the input, and its parts in order.
    fn parts<'a>(&'a self, detail: Detail, notes: &Notes<'a>) -> (usize, Vec<Part<'a>>) {
        let mut parts = Vec::new();
        let offset = match self {
            Record::Preface { offset } => {
                parts.push(Part::Preface);
                *offset
            }
            Record::Frame {
                offset,
                header,
                header_octets,
                frame,
                block,
            } => {
                parts.push(Part::Header(header));
                if detail.bytes {
                    parts.push(Part::HeaderOctets(header, header_octets));
                }
                parts.push(Part::Payload(payload_items(frame)));
                if let Some(block) = block {
                    parts.push(Part::Block(block));
                    if detail.table {
                        parts.push(Part::Table(&block.table));
                    }
                }
                *offset
            }
            Record::Rejected {
                offset,
                header,
                header_octets,
                error,
            } => {
                parts.push(Part::Header(header));
                if detail.bytes {
                    parts.push(Part::HeaderOctets(header, header_octets));
                }
                parts.push(Part::Rejected(error));
                *offset
            }
            Record::Error { offset, message } => {
                parts.push(Part::Error(message));
                *offset
            }
        };
        if !notes.problems.is_empty() {
            parts.push(Part::Problems(notes.problems));
        }
        (offset, parts)
    }
}

/// A record as text: a line for the frame, then its payload fields and header block, indented.
pub fn record_text(record: &Record) -> String {
    record_text_with(record, Detail::default(), &Notes::default())
}

/// [`record_text`] with the detail asked for, and the caller's notes: the stamp opens the first
/// line, the problems close the record, one `check:` line each.
pub fn record_text_with(record: &Record, detail: Detail, notes: &Notes) -> String {
    let (offset, parts) = record.parts(detail, notes);
    let mut out = String::new();
    if let Some((sender, time)) = notes.stamp {
        out.push_str(&format!("+{time}s {} ", sender.direction()));
    }
    out.push_str(&format!("@{offset} "));
    for part in parts {
        match part {
            Part::Preface => {
                out.push_str("client preface (24 octets)\n");
                if detail.bytes {
                    beside(&mut out, "    ", PREFACE, &super::quote(PREFACE));
                }
            }
            Part::Header(header) => out.push_str(&format!("{}\n", header_line(header))),
            Part::HeaderOctets(header, octets) => {
                for (name, octets, meaning) in header_fields(header, octets) {
                    beside(&mut out, "    ", octets, &format!("{name} = {meaning}"));
                }
            }
            Part::Payload(items) => {
                for (name, value) in items {
                    out.push_str(&format!("    {name} = {value}\n"));
                }
            }
            Part::Block(block) => {
                out.push_str("    header block:\n");
                out.push_str(&block_text_with(block, "      ", detail));
            }
            Part::Table(table) => out.push_str(&table_text(table, "    ")),
            Part::Rejected(error) => out.push_str(&format!("    rejected: {error}\n")),
            Part::Error(message) => out.push_str(&format!("error: {message}\n")),
            Part::Problems(problems) => {
                for problem in problems {
                    out.push_str(&format!("    check: {problem}\n"));
                }
            }
        }
    }
    out
}

/// A record as one line of JSON: an object with a member or a few per part.
pub fn record_json(record: &Record) -> String {
    record_json_with(record, Detail::default(), &Notes::default())
}

/// [`record_json`] with the detail asked for, and the caller's notes: `"direction"` and `"time"`
/// first, `"check"` last.
pub fn record_json_with(record: &Record, detail: Detail, notes: &Notes) -> String {
    let (offset, parts) = record.parts(detail, notes);
    let mut out = String::from("{");
    if let Some((sender, time)) = notes.stamp {
        let _ = write!(
            out,
            "\"direction\": \"{}\", \"time\": {time}, ",
            sender.direction()
        );
    }
    let _ = write!(out, "\"offset\": {offset}");
    for part in parts {
        match part {
            Part::Preface => {
                out.push_str(", \"preface\": true");
                if detail.bytes {
                    let _ = write!(out, ", \"octets\": \"{}\"", super::hex(PREFACE));
                }
            }
            Part::Header(header) => push_header_json(&mut out, header),
            Part::HeaderOctets(header, octets) => {
                out.push_str(", \"header_octets\": {");
                push_joined(&mut out, header_fields(header, octets), |out, field| {
                    let _ = write!(out, "\"{}\": \"{}\"", field.0, super::hex(field.1));
                });
                out.push('}');
            }
            Part::Payload(items) => push_payload_json(&mut out, &items),
            Part::Block(block) => {
                out.push_str(", ");
                push_block_result(&mut out, block);
                push_steps_json(&mut out, block, detail.bytes);
            }
            Part::Table(table) => push_table_json(&mut out, table),
            Part::Rejected(error) => push_error_json(&mut out, &error.to_string()),
            Part::Error(message) => push_error_json(&mut out, message),
            Part::Problems(problems) => {
                out.push_str(", \"check\": [");
                push_joined(&mut out, problems, |out, problem| {
                    json::push_str(out, problem.as_bytes())
                });
                out.push(']');
            }
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
            concat!(
                r#"{"offset": 0, "type": "HEADERS", "flags": ["END_STREAM", "END_HEADERS"], "stream": 1, "length": 17, "payload": {"fragment_length": 17}, "#,
                r#""headers": [[":method","GET"],[":scheme","http"],[":path","/"],[":authority","www.example.com"]], "#,
                r#""hpack": [{"field": [":method","GET"], "representation": "indexed", "index": 2}, "#,
                r#"{"field": [":scheme","http"], "representation": "indexed", "index": 6}, "#,
                r#"{"field": [":path","/"], "representation": "indexed", "index": 4}, "#,
                r#"{"field": [":authority","www.example.com"], "representation": "literal with incremental indexing", "name_index": 1, "name_huffman": false, "value_huffman": true}, "#,
                r#"{"inserted": [":authority","www.example.com"], "table_size": 57}]}"#
            )
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

    const BYTES: Detail = Detail {
        bytes: true,
        table: false,
    };

    #[test]
    fn bytes_show_each_header_field_and_representation_beside_its_meaning() {
        // RFC 7541 C.4.1 in a HEADERS frame.
        let records = inspect("000011 01 05 00000001 828684418cf1e3c2e5f23a6ba0ab90f4ff");
        assert_eq!(
            record_text_with(&records[0], BYTES, &Notes::default()),
            "\
@0 HEADERS flags=END_STREAM|END_HEADERS stream=1 length=17
    00 00 11                | length = 17
    01                      | type = HEADERS
    05                      | flags = END_STREAM|END_HEADERS
    00 00 00 01             | stream = 1
    fragment_length = 17
    header block:
      82                      | :method = \"GET\"    [indexed: index 2 (static)]
      86                      | :scheme = \"http\"    [indexed: index 6 (static)]
      84                      | :path = \"/\"    [indexed: index 4 (static)]
      41 8c f1 e3 c2 e5 f2 3a | :authority = \"www.example.com\"    [literal with incremental indexing; name index 1 (static); value Huffman]
      6b a0 ab 90 f4 ff       |
                              |   + dynamic table [62]: :authority = \"www.example.com\" (table now 57 octets)
"
        );
    }

    #[test]
    fn a_set_reserved_bit_is_shown_and_said_to_be_ignored() {
        let records = inspect("000008 06 00 80000000 0102030405060708");
        let text = record_text_with(&records[0], BYTES, &Notes::default());
        assert!(
            text.contains(
                "    80 00 00 00             | stream = 0 (reserved bit set: ignored, RFC 9113 §4.1)\n"
            ),
            "{text}"
        );
    }

    #[test]
    fn the_preface_shows_its_octets_as_text() {
        let records = inspect_frames(PREFACE, DEFAULT_MAX_FRAME_SIZE, &mut Decoder::new());
        assert_eq!(
            record_text_with(&records[0], BYTES, &Notes::default()),
            "\
@0 client preface (24 octets)
    50 52 49 20 2a 20 48 54 | \"PRI * HTTP/2.0\\x0d\\x0a\\x0d\\x0aSM\\x0d\\x0a\\x0d\\x0a\"
    54 50 2f 32 2e 30 0d 0a |
    0d 0a 53 4d 0d 0a 0d 0a |
"
        );
    }

    #[test]
    fn each_representation_spans_its_own_octets() {
        let mut decoder = Decoder::new();
        // A size update, an indexed field, a literal with a literal name (`x-a: b`).
        let block = decode_block(&mut decoder, &bytes("3fe11f 82 40 03 782d61 01 62"));
        let spans: Vec<_> = block.steps.iter().filter_map(Step::span).cloned().collect();
        assert_eq!(spans, [0..3, 3..4, 4..11]);
        assert_eq!(block.decoded_len(), 11);
    }

    #[test]
    fn a_failed_block_shows_the_octets_it_could_not_decode() {
        // :method GET, then a literal whose Huffman value of 8 octets has only 2.
        let block = decode_block(&mut Decoder::new(), &bytes("82 4188 ffff"));
        assert_eq!(block.decoded_len(), 1);
        assert_eq!(
            block_text_with(&block, "", BYTES),
            "\
82                      | :method = \"GET\"    [indexed: index 2 (static)]
41 88 ff ff             | error: header block ends inside a representation (octet 5)
"
        );
    }

    #[test]
    fn the_table_after_a_block_lists_its_entries_from_index_62() {
        // RFC 7541 C.4.1 then C.4.2, which adds cache-control in front.
        let records = inspect(
            "000011 01 05 00000001 828684418cf1e3c2e5f23a6ba0ab90f4ff
             00000c 01 05 00000003 828684be5886a8eb10649cbf",
        );
        let table = Detail {
            bytes: false,
            table: true,
        };
        let text = record_text_with(&records[1], table, &Notes::default());
        assert!(
            text.ends_with(
                "\
    dynamic table: 2 entries, 110 of 4096 octets
      [62] cache-control = \"no-cache\"
      [63] :authority = \"www.example.com\"
"
            ),
            "{text}"
        );
        assert!(record_json_with(&records[1], table, &Notes::default()).ends_with(
            r#""table": {"size": 110, "max_size": 4096, "entries": [["cache-control","no-cache"],[":authority","www.example.com"]]}}"#
        ));
        let Record::Frame {
            block: Some(block), ..
        } = &records[0]
        else {
            panic!("the first frame is a whole block");
        };
        assert_eq!(
            table_text(&block.table, ""),
            "dynamic table: 1 entry, 57 of 4096 octets\n  [62] :authority = \"www.example.com\"\n"
        );
    }

    #[test]
    fn json_with_bytes_gives_the_octets_of_header_fields_and_representations() {
        let records = inspect("000002 01 05 00000001 8286");
        assert_eq!(
            record_json_with(&records[0], BYTES, &Notes::default()),
            concat!(
                r#"{"offset": 0, "type": "HEADERS", "flags": ["END_STREAM", "END_HEADERS"], "stream": 1, "length": 2, "#,
                r#""header_octets": {"length": "000002", "type": "01", "flags": "05", "stream": "00000001"}, "#,
                r#""payload": {"fragment_length": 2}, "headers": [[":method","GET"],[":scheme","http"]], "#,
                r#""hpack": [{"field": [":method","GET"], "representation": "indexed", "index": 2, "octets": "82"}, "#,
                r#"{"field": [":scheme","http"], "representation": "indexed", "index": 6, "octets": "86"}]}"#
            )
        );
    }

    #[test]
    fn a_stamp_opens_the_record_and_problems_close_it() {
        let records = inspect("000000 04 01 00000000");
        let notes = Notes {
            stamp: Some((Sender::Server, Time(36_512))),
            problems: &["a problem (RFC 9113 §0)".to_string()],
        };
        assert_eq!(
            record_text_with(&records[0], Detail::default(), &notes),
            "+0.036512s s2c @0 SETTINGS flags=ACK stream=0 length=0\n    check: a problem (RFC 9113 §0)\n"
        );
        assert_eq!(
            record_json_with(&records[0], Detail::default(), &notes),
            r#"{"direction": "s2c", "time": 0.036512, "offset": 0, "type": "SETTINGS", "flags": ["ACK"], "stream": 0, "length": 0, "payload": {}, "check": ["a problem (RFC 9113 §0)"]}"#
        );
    }

    #[test]
    fn the_sender_is_the_client_when_the_preface_opens_the_input() {
        assert_eq!(Sender::of(PREFACE), Sender::Client);
        assert_eq!(Sender::of(&bytes("000000 04 01 00000000")), Sender::Server);
        assert_eq!(Sender::Client.direction(), "c2s");
    }

    proptest::proptest! {
        #[test]
        fn spans_follow_each_other_from_the_first_octet_for_any_block(
            tail in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..48)
        ) {
            // A valid start (C.3.1), then anything.
            let mut octets = bytes("828684410f7777772e6578616d706c652e636f6d");
            octets.extend(tail);
            let block = decode_block(&mut Decoder::new(), &octets);
            let mut end = 0;
            for span in block.steps.iter().filter_map(Step::span) {
                proptest::prop_assert_eq!(span.start, end);
                proptest::prop_assert!(span.end > span.start);
                end = span.end;
            }
            proptest::prop_assert!(end <= octets.len());
            proptest::prop_assert_eq!(end == octets.len(), block.result.is_ok());
        }
    }
}
