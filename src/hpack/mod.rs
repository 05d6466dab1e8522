//! HPACK: header compression for HTTP/2 — RFC 7541
//!
//! A header block is a sequence of field representations (§6). Each side keeps a *dynamic table*
//! (§2.3.2) of recently sent fields, so a field seen before can be sent as a single index. The
//! modules follow the RFC: integers (§5.1) and string literals (§5.2, with the Huffman
//! code of Appendix B) are the primitives; the static table (Appendix A) and the dynamic table (§4)
//! make up the index address space (§2.3.3); [`Decoder`] reads the representations of §6 and
//! [`Encoder`] writes them.
//!
//! HPACK works on octets: names and values are [`Octets`], and whether they are valid HTTP field
//! names and values (RFC 9113 §8.2) is for the layer above to check ([`is_valid_field_name`] is
//! here only so that every layer reads that rule from one place).

mod decoder;
mod encoder;
mod huffman;
mod integer;
mod octets;
mod static_table;
mod string;
mod table;

use std::fmt;

use crate::error::{ConnectionError, ErrorCode};

pub use decoder::{Decoder, Event, Indexing, Representation};
pub use encoder::Encoder;
pub use octets::Octets;

/// The maximum dynamic table size both ends of an HTTP/2 connection start with: 4096 octets, the
/// initial value of SETTINGS_HEADER_TABLE_SIZE (RFC 9113 §6.5.2; RFC 7541 §4.2 leaves the limit to
/// the protocol that uses HPACK).
pub const DEFAULT_TABLE_SIZE: usize = 0x1000;

/// One header field: a name and a value, as octets.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Field {
    /// The field name (lowercase in HTTP/2, but HPACK does not check).
    pub name: Octets,
    /// The field value.
    pub value: Octets,
}

impl Field {
    /// A field from anything that gives octets (`&str`, `&[u8]`, `String`, `Vec<u8>`: borrowed
    /// ones are copied) or from [`Octets`] as they are.
    pub fn new(name: impl Into<Octets>, value: impl Into<Octets>) -> Field {
        Field {
            name: name.into(),
            value: value.into(),
        }
    }

    /// The same field with its octets shared ([`Octets::into_shared`]), as a table entry keeps it.
    pub fn into_shared(self) -> Field {
        Field {
            name: self.name.into_shared(),
            value: self.value.into_shared(),
        }
    }

    /// A field written in the program, which costs nothing to make.
    pub const fn fixed(name: &'static str, value: &'static str) -> Field {
        Field {
            name: Octets::Static(name),
            value: Octets::Static(value),
        }
    }

    /// The size that counts against the dynamic table (RFC 7541 §4.1) and against
    /// SETTINGS_MAX_HEADER_LIST_SIZE (RFC 9113 §6.5.2): name + value + 32 octets.
    pub fn size(&self) -> usize {
        self.name.len() + self.value.len() + table::ENTRY_OVERHEAD
    }
}

/// Whether `name` is a valid HTTP/2 field name (RFC 9113 §8.2.1): a token of RFC 9110 §5.6.2 with
/// no uppercase letter, after the one `:` that opens a pseudo-header field. HPACK carries any
/// octets; `http` rejects a request that breaks this, and `trace` quotes such a name when it shows
/// it, so both read the rule from here.
pub fn is_valid_field_name(name: &[u8]) -> bool {
    let bare = name.strip_prefix(b":").unwrap_or(name);
    !bare.is_empty() && bare.iter().all(|&c| NAME_OCTETS[usize::from(c)])
}

/// The octets a field name may hold, as a table: one look-up an octet.
const NAME_OCTETS: [bool; 256] = {
    let mut table = [false; 256];
    let mut c = 0;
    while c < 256 {
        table[c] = matches!(c as u8,
            b'a'..=b'z' | b'0'..=b'9'
            | b'!' | b'#' | b'$' | b'%' | b'&' | b'\'' | b'*' | b'+' | b'-' | b'.' | b'^'
            | b'_' | b'`' | b'|' | b'~');
        c += 1;
    }
    table
};

/// Why a header block could not be decoded. `offset` is the position, in octets from the start of
/// the block, of the representation, integer or string at fault.
///
/// Every variant but [`DecodeError::HeaderListTooLarge`] leaves the decoder's dynamic table in an
/// unknown state, so the connection cannot go on: RFC 9113 §4.3: "A decoding error in a field block
/// MUST be treated as a connection error (Section 5.4.1) of type COMPRESSION_ERROR."
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// The block ends in the middle of a representation.
    Truncated {
        /// Where the missing octets should have been.
        offset: usize,
    },
    /// An integer needs more than 32 bits or more than 5 continuation octets (§5.1).
    IntegerOverflow {
        /// The first octet of the integer.
        offset: usize,
    },
    /// Index 0 in an indexed field (§6.1).
    IndexZero {
        /// The representation's first octet.
        offset: usize,
    },
    /// An index past the end of the dynamic table (§2.3.3).
    IndexOutOfRange {
        /// The representation's first octet.
        offset: usize,
        /// The index received.
        index: usize,
        /// The highest valid index at that point (61 + dynamic entries).
        last: usize,
    },
    /// A dynamic table size update above the acknowledged SETTINGS_HEADER_TABLE_SIZE (§6.3).
    SizeUpdateTooLarge {
        /// The update's first octet.
        offset: usize,
        /// The size asked for.
        size: usize,
        /// The acknowledged limit.
        max: usize,
    },
    /// A dynamic table size update after the first field of the block (§4.2).
    SizeUpdateNotAtStart {
        /// The update's first octet.
        offset: usize,
    },
    /// The limit was reduced below the table's maximum size, and this block did not begin with a
    /// size update that complies (§4.2).
    SizeUpdateMissing {
        /// The first representation of the block (or its end).
        offset: usize,
        /// The size the update must not exceed.
        max: usize,
    },
    /// A Huffman-coded string ends with more than 7 bits of padding (§5.2).
    HuffmanPaddingTooLong {
        /// The string's last octet.
        offset: usize,
    },
    /// A Huffman-coded string's padding is not the high bits of EOS, all ones (§5.2).
    HuffmanPaddingNotOnes {
        /// The string's last octet.
        offset: usize,
    },
    /// A Huffman-coded string contains the EOS symbol (§5.2).
    HuffmanEos {
        /// The octet in which EOS ends.
        offset: usize,
    },
    /// The decoded header list is larger than SETTINGS_MAX_HEADER_LIST_SIZE (RFC 9113 §6.5.2).
    /// The block was still decoded to its end, so the dynamic table is in sync and the connection
    /// can go on; only the fields from `offset` on were dropped.
    HeaderListTooLarge {
        /// The representation of the first field that did not fit.
        offset: usize,
        /// The size of the whole list (name + value + 32 per field).
        size: usize,
        /// The limit.
        max: usize,
    },
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            DecodeError::Truncated { offset } => {
                write!(f, "header block ends inside a representation (octet {offset})")
            }
            DecodeError::IntegerOverflow { offset } => {
                write!(f, "integer too large at octet {offset} (RFC 7541 §5.1)")
            }
            DecodeError::IndexZero { offset } => {
                write!(f, "index 0 at octet {offset} (RFC 7541 §6.1)")
            }
            DecodeError::IndexOutOfRange {
                offset,
                index,
                last,
            } => write!(
                f,
                "index {index} at octet {offset} is past the table (last index {last}, RFC 7541 §2.3.3)"
            ),
            DecodeError::SizeUpdateTooLarge { offset, size, max } => write!(
                f,
                "dynamic table size update to {size} at octet {offset} exceeds the limit {max} (RFC 7541 §6.3)"
            ),
            DecodeError::SizeUpdateNotAtStart { offset } => write!(
                f,
                "dynamic table size update at octet {offset} is not at the start of the block (RFC 7541 §4.2)"
            ),
            DecodeError::SizeUpdateMissing { offset, max } => write!(
                f,
                "block does not start with a dynamic table size update to at most {max} (octet {offset}, RFC 7541 §4.2)"
            ),
            DecodeError::HuffmanPaddingTooLong { offset } => write!(
                f,
                "Huffman string ending at octet {offset} has more than 7 bits of padding (RFC 7541 §5.2)"
            ),
            DecodeError::HuffmanPaddingNotOnes { offset } => write!(
                f,
                "Huffman string ending at octet {offset} has padding that is not all ones (RFC 7541 §5.2)"
            ),
            DecodeError::HuffmanEos { offset } => write!(
                f,
                "Huffman string contains EOS at octet {offset} (RFC 7541 §5.2)"
            ),
            DecodeError::HeaderListTooLarge { offset, size, max } => write!(
                f,
                "header list of {size} octets exceeds the limit {max} from octet {offset} (RFC 9113 §6.5.2)"
            ),
        }
    }
}

impl std::error::Error for DecodeError {}

impl From<DecodeError> for ConnectionError {
    /// Every decoding error is a COMPRESSION_ERROR (RFC 9113 §4.3). A header list that is merely
    /// too large left the compression context intact; a connection that chooses to end over it
    /// rather than refuse the one stream uses ENHANCE_YOUR_CALM.
    fn from(e: DecodeError) -> Self {
        let (code, section) = match e {
            // RFC 9113 §10.5.1: "A server that receives a larger field block than it is willing
            // to handle can send an HTTP 431 ... or ... treat it as a connection error".
            DecodeError::HeaderListTooLarge { .. } => (ErrorCode::ENHANCE_YOUR_CALM, "§10.5.1"),
            _ => (ErrorCode::COMPRESSION_ERROR, "§4.3"),
        };
        ConnectionError::new(code, section, e.to_string())
    }
}

/// The text of `../shared/reference/rfc7541.txt` from the heading `start` up to the heading `end`,
/// for the tests that check our tables against the RFC; `None` (reported loudly) when the
/// reference folder is not beside the project.
#[cfg(test)]
fn rfc7541_between(start: &str, end: &str) -> Option<String> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/reference/rfc7541.txt"
    );
    let Ok(text) = std::fs::read_to_string(path) else {
        eprintln!("SKIPPED: ../shared/reference not found ({path})");
        return None;
    };
    let from = text.find(start).expect("the start heading is in RFC 7541");
    let to = text.find(end).expect("the end heading is in RFC 7541");
    Some(text[from..to].to_string())
}

/// RFC 7541 Appendix C.2 to C.6, byte for byte in both directions, with the dynamic table after
/// each block; then how decoding errors become connection errors.
#[cfg(test)]
mod tests {
    use super::*;

    fn hex(text: &str) -> Vec<u8> {
        let digits: Vec<u8> = text.bytes().filter(u8::is_ascii_hexdigit).collect();
        digits
            .chunks(2)
            .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).unwrap(), 16).unwrap())
            .collect()
    }

    fn fields(pairs: &[(&str, &str)]) -> Vec<Field> {
        pairs.iter().map(|&(n, v)| Field::new(n, v)).collect()
    }

    #[test]
    fn a_field_name_is_a_lowercase_token_after_at_most_one_colon() {
        for name in [&b":path"[..], b"x-ok!#$%&'*+-.^_`|~09", b"te"] {
            assert!(is_valid_field_name(name), "{name:?}");
        }
        for name in [&b""[..], b":", b"::path", b"Host", b"a b", b"a:", b"\xff"] {
            assert!(!is_valid_field_name(name), "{name:?}");
        }
    }

    /// One block of an example: wire bytes, header list, dynamic table afterwards and its size.
    struct Block<'a> {
        wire: &'a str,
        list: &'a [(&'a str, &'a str)],
        table: &'a [(&'a str, &'a str)],
        table_size: usize,
    }

    /// Decodes and encodes a sequence of blocks with one decoder and one encoder.
    fn check_sequence(table_size: usize, huffman: bool, blocks: &[Block<'_>]) {
        let mut decoder = Decoder::with_table_size(table_size);
        let mut encoder = Encoder::with_table_size(table_size);
        encoder.set_huffman(huffman);
        for (i, block) in blocks.iter().enumerate() {
            let wire = hex(block.wire);
            let list = fields(block.list);
            let table = fields(block.table);
            assert_eq!(
                decoder.decode(&wire),
                Ok(list.clone()),
                "decoding block {i}"
            );
            assert_eq!(decoder.table_entries().cloned().collect::<Vec<_>>(), table);
            assert_eq!(decoder.table_size(), block.table_size);

            let mut out = Vec::new();
            encoder.encode(&list, &mut out);
            assert_eq!(out, wire, "encoding block {i}");
            assert_eq!(encoder.table_entries().cloned().collect::<Vec<_>>(), table);
            assert_eq!(encoder.table_size(), block.table_size);
        }
    }

    #[test]
    fn c_2_1_literal_with_indexing_adds_the_field_to_the_table() {
        let wire = hex("400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572");
        let field = Field::new("custom-key", "custom-header");
        let mut decoder = Decoder::new();
        assert_eq!(decoder.decode(&wire), Ok(vec![field.clone()]));
        assert_eq!(decoder.table_entries().collect::<Vec<_>>(), [&field]);
        assert_eq!(decoder.table_size(), 55);

        let mut encoder = Encoder::new();
        encoder.set_huffman(false);
        let mut out = Vec::new();
        encoder.encode(&[field], &mut out);
        assert_eq!(out, wire);
        assert_eq!(encoder.table_size(), 55);
    }

    #[test]
    fn c_2_2_literal_without_indexing_leaves_the_table_alone() {
        let wire = hex("040c 2f73 616d 706c 652f 7061 7468");
        let field = Field::new(":path", "/sample/path");
        let mut decoder = Decoder::new();
        assert_eq!(decoder.decode(&wire), Ok(vec![field.clone()]));
        assert_eq!(decoder.table_size(), 0);

        let mut encoder = Encoder::new();
        encoder.set_huffman(false);
        let mut out = Vec::new();
        encoder.literal(
            &field,
            Indexing::WithoutIndexing,
            Some(4),
            0,
            &mut out,
            &mut |_| {},
        );
        assert_eq!(out, wire);
        assert_eq!(encoder.table_size(), 0);
    }

    #[test]
    fn c_2_3_literal_never_indexed_leaves_the_table_alone() {
        let wire = hex("1008 7061 7373 776f 7264 0673 6563 7265 74");
        let field = Field::new("password", "secret");
        let mut decoder = Decoder::new();
        let mut representations = Vec::new();
        let decoded = decoder.decode_with(&wire, &mut |event| {
            if let Event::Field { representation, .. } = event {
                representations.push(representation);
            }
        });
        assert_eq!(decoded, Ok(vec![field.clone()]));
        assert_eq!(
            representations,
            [Representation::Literal {
                indexing: Indexing::NeverIndexed,
                name_index: None,
                name_huffman: false,
                value_huffman: false,
            }]
        );
        assert_eq!(decoder.table_size(), 0);

        let mut encoder = Encoder::new();
        encoder.set_huffman(false);
        let mut out = Vec::new();
        encoder.literal(
            &field,
            Indexing::NeverIndexed,
            None,
            0,
            &mut out,
            &mut |_| {},
        );
        assert_eq!(out, wire);
        assert_eq!(encoder.table_size(), 0);
    }

    #[test]
    fn c_2_4_indexed_field_comes_from_the_static_table() {
        let mut decoder = Decoder::new();
        assert_eq!(decoder.decode(&[0x82]), Ok(fields(&[(":method", "GET")])));
        assert_eq!(decoder.table_size(), 0);

        let mut out = Vec::new();
        Encoder::new().encode(&fields(&[(":method", "GET")]), &mut out);
        assert_eq!(out, [0x82]);
    }

    const REQUEST_1: &[(&str, &str)] = &[
        (":method", "GET"),
        (":scheme", "http"),
        (":path", "/"),
        (":authority", "www.example.com"),
    ];
    const REQUEST_2: &[(&str, &str)] = &[
        (":method", "GET"),
        (":scheme", "http"),
        (":path", "/"),
        (":authority", "www.example.com"),
        ("cache-control", "no-cache"),
    ];
    const REQUEST_3: &[(&str, &str)] = &[
        (":method", "GET"),
        (":scheme", "https"),
        (":path", "/index.html"),
        (":authority", "www.example.com"),
        ("custom-key", "custom-value"),
    ];
    const REQUEST_TABLE_1: &[(&str, &str)] = &[(":authority", "www.example.com")];
    const REQUEST_TABLE_2: &[(&str, &str)] = &[
        ("cache-control", "no-cache"),
        (":authority", "www.example.com"),
    ];
    const REQUEST_TABLE_3: &[(&str, &str)] = &[
        ("custom-key", "custom-value"),
        ("cache-control", "no-cache"),
        (":authority", "www.example.com"),
    ];

    #[test]
    fn c_3_requests_without_huffman_coding() {
        check_sequence(
            4096,
            false,
            &[
                Block {
                    wire: "8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d",
                    list: REQUEST_1,
                    table: REQUEST_TABLE_1,
                    table_size: 57,
                },
                Block {
                    wire: "8286 84be 5808 6e6f 2d63 6163 6865",
                    list: REQUEST_2,
                    table: REQUEST_TABLE_2,
                    table_size: 110,
                },
                Block {
                    wire:
                        "8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65",
                    list: REQUEST_3,
                    table: REQUEST_TABLE_3,
                    table_size: 164,
                },
            ],
        );
    }

    #[test]
    fn c_4_requests_with_huffman_coding() {
        check_sequence(
            4096,
            true,
            &[
                Block {
                    wire: "8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff",
                    list: REQUEST_1,
                    table: REQUEST_TABLE_1,
                    table_size: 57,
                },
                Block {
                    wire: "8286 84be 5886 a8eb 1064 9cbf",
                    list: REQUEST_2,
                    table: REQUEST_TABLE_2,
                    table_size: 110,
                },
                Block {
                    wire: "8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf",
                    list: REQUEST_3,
                    table: REQUEST_TABLE_3,
                    table_size: 164,
                },
            ],
        );
    }

    const RESPONSE_1: &[(&str, &str)] = &[
        (":status", "302"),
        ("cache-control", "private"),
        ("date", "Mon, 21 Oct 2013 20:13:21 GMT"),
        ("location", "https://www.example.com"),
    ];
    const RESPONSE_2: &[(&str, &str)] = &[
        (":status", "307"),
        ("cache-control", "private"),
        ("date", "Mon, 21 Oct 2013 20:13:21 GMT"),
        ("location", "https://www.example.com"),
    ];
    const RESPONSE_3: &[(&str, &str)] = &[
        (":status", "200"),
        ("cache-control", "private"),
        ("date", "Mon, 21 Oct 2013 20:13:22 GMT"),
        ("location", "https://www.example.com"),
        ("content-encoding", "gzip"),
        (
            "set-cookie",
            "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1",
        ),
    ];
    const RESPONSE_TABLE_1: &[(&str, &str)] = &[
        ("location", "https://www.example.com"),
        ("date", "Mon, 21 Oct 2013 20:13:21 GMT"),
        ("cache-control", "private"),
        (":status", "302"),
    ];
    const RESPONSE_TABLE_2: &[(&str, &str)] = &[
        (":status", "307"),
        ("location", "https://www.example.com"),
        ("date", "Mon, 21 Oct 2013 20:13:21 GMT"),
        ("cache-control", "private"),
    ];
    const RESPONSE_TABLE_3: &[(&str, &str)] = &[
        (
            "set-cookie",
            "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1",
        ),
        ("content-encoding", "gzip"),
        ("date", "Mon, 21 Oct 2013 20:13:22 GMT"),
    ];

    #[test]
    fn c_5_responses_without_huffman_coding_evict_with_a_256_octet_table() {
        check_sequence(
            256,
            false,
            &[
                Block {
                    wire: "4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420
                           3230 3133 2032 303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77
                           7777 2e65 7861 6d70 6c65 2e63 6f6d",
                    list: RESPONSE_1,
                    table: RESPONSE_TABLE_1,
                    table_size: 222,
                },
                Block {
                    wire: "4803 3330 37c1 c0bf",
                    list: RESPONSE_2,
                    table: RESPONSE_TABLE_2,
                    table_size: 222,
                },
                Block {
                    wire: "88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32
                           3220 474d 54c0 5a04 677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a
                           584f 5157 454f 5049 5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33
                           3630 303b 2076 6572 7369 6f6e 3d31",
                    list: RESPONSE_3,
                    table: RESPONSE_TABLE_3,
                    table_size: 215,
                },
            ],
        );
    }

    #[test]
    fn c_6_responses_with_huffman_coding_evict_with_a_256_octet_table() {
        check_sequence(
            256,
            true,
            &[
                Block {
                    wire: "4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81
                           66e0 82a6 2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3",
                    list: RESPONSE_1,
                    table: RESPONSE_TABLE_1,
                    table_size: 222,
                },
                Block {
                    wire: "4883 640e ffc1 c0bf",
                    list: RESPONSE_2,
                    table: RESPONSE_TABLE_2,
                    table_size: 222,
                },
                Block {
                    wire: "88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a
                           839b d9ab 77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36
                           72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07",
                    list: RESPONSE_3,
                    table: RESPONSE_TABLE_3,
                    table_size: 215,
                },
            ],
        );
    }

    #[test]
    fn decoding_errors_are_connection_compression_errors() {
        let e = ConnectionError::from(DecodeError::IndexZero { offset: 3 });
        assert_eq!(e.code, ErrorCode::COMPRESSION_ERROR);
        assert_eq!(e.reason, "index 0 at octet 3 (RFC 7541 §6.1)");
        let e = ConnectionError::from(DecodeError::HuffmanEos { offset: 0 });
        assert_eq!(e.code, ErrorCode::COMPRESSION_ERROR);
    }

    #[test]
    fn a_header_list_too_large_is_not_a_compression_error() {
        let e = ConnectionError::from(DecodeError::HeaderListTooLarge {
            offset: 1,
            size: 100,
            max: 64,
        });
        assert_eq!(e.code, ErrorCode::ENHANCE_YOUR_CALM);
    }
}
