//! The inspector behind `h2lab-decode`: one direction of an HTTP/2 connection taken apart, frame
//! by frame, with every header block decoded by one HPACK decoder carried across the whole input.
//!
//! It follows the receiver's rules that need no knowledge of the other direction: the frame size
//! limit (RFC 9113 §4.2), the rules of each frame type (§6), and the assembly of a header block
//! from HEADERS or PUSH_PROMISE and CONTINUATION frames with nothing in between (§6.10).
//!
//! Each record can be shown as text or as one line of JSON (`show.rs`), with more detail on
//! request ([`Detail`]): the octets of each frame-header field and HPACK representation beside
//! what they mean, laid out as in RFC 7541 Appendix C, and the dynamic table after each block.

use std::ops::Range;

use crate::error::{ConnectionError, ErrorCode, ProtocolError};
use crate::frame::{continuation, split_frame, Frame, FrameHeader, HEADER_LEN, PREFACE};
use crate::hpack::{DecodeError, Decoder, Event, Field, Indexing, Representation};

mod show;

pub use show::{
    block_json, block_json_with, block_text, block_text_with, record_json, record_json_with,
    record_text, record_text_with, table_text, Detail, Notes,
};
pub(crate) use show::{push_header_json, push_joined, push_payload_json, push_representation_json};

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
    fn each_representation_spans_its_own_octets() {
        let mut decoder = Decoder::new();
        // A size update, an indexed field, a literal with a literal name (`x-a: b`).
        let block = decode_block(&mut decoder, &bytes("3fe11f 82 40 03 782d61 01 62"));
        let spans: Vec<_> = block.steps.iter().filter_map(Step::span).cloned().collect();
        assert_eq!(spans, [0..3, 3..4, 4..11]);
        assert_eq!(block.decoded_len(), 11);
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
