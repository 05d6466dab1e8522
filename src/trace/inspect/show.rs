//! How the inspector's records read: as text, a block of lines per record, or as one line of
//! JSON each. Both forms walk the same parts of a record in the same order ([`Record::parts`]),
//! so they cannot drift apart; [`Detail`] adds the octets and the dynamic table, [`Notes`] what
//! the caller knows (a time and a direction, what `--check` found).

use std::fmt::Write;

use super::{
    describe_representation, literal_kind, Block, Record, Sender, Step, Table, STATIC_TABLE_LAST,
};
use crate::error::ProtocolError;
use crate::frame::{FrameHeader, HEADER_LEN, PREFACE};
use crate::hpack::{Field, Representation};
use crate::json;
use crate::trace::input::Time;
use crate::trace::{field, flag_list, flag_names, header_line, hex, payload_items, quote, Value};

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
                hex(&block.octets[span.clone()])
            );
        }
        out.push('}');
    });
    out.push(']');
}

/// Appends a representation's members: its kind in the words of the text form, and its index
/// or, for a literal, where the name came from and which strings were Huffman-coded.
pub(crate) fn push_representation_json(out: &mut String, representation: &Representation) {
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
                    beside(&mut out, "    ", PREFACE, &quote(PREFACE));
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
                    let _ = write!(out, ", \"octets\": \"{}\"", hex(PREFACE));
                }
            }
            Part::Header(header) => push_header_json(&mut out, header),
            Part::HeaderOctets(header, octets) => {
                out.push_str(", \"header_octets\": {");
                push_joined(&mut out, header_fields(header, octets), |out, field| {
                    let _ = write!(out, "\"{}\": \"{}\"", field.0, hex(field.1));
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
pub(crate) fn push_header_json(out: &mut String, header: &FrameHeader) {
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
pub(crate) fn push_payload_json(out: &mut String, items: &[(String, Value)]) {
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
pub(crate) fn push_joined<T>(
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
    use crate::hpack::Decoder;
    use crate::trace::inspect::{decode_block, inspect_frames};

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
}
