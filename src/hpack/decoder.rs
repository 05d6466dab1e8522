//! Header block decoding — RFC 7541 §3, §4 and §6
//!
//! The first bits of each representation say what it is (§6):
//!
//! ```text
//! 1xxxxxxx  indexed field (§6.1): 7-bit index
//! 01xxxxxx  literal with incremental indexing (§6.2.1): 6-bit name index, 0 = new name
//! 001xxxxx  dynamic table size update (§6.3): 5-bit new maximum size
//! 0001xxxx  literal never indexed (§6.2.3): 4-bit name index
//! 0000xxxx  literal without indexing (§6.2.2): 4-bit name index
//! ```

use super::table::DynamicTable;
use super::{integer, static_table, string, DecodeError, Field, DEFAULT_TABLE_SIZE};

/// Decodes the header blocks that one peer sends on one connection, keeping the dynamic table
/// in step with the peer's encoder.
#[derive(Debug, Clone)]
pub struct Decoder {
    table: DynamicTable,
    /// The acknowledged SETTINGS_HEADER_TABLE_SIZE: no size update may go above it.
    max_table_size: usize,
    /// Set when the limit went below the table's maximum size: the next block must start with a
    /// size update to at most this.
    required_update: Option<usize>,
    /// SETTINGS_MAX_HEADER_LIST_SIZE as we advertised it.
    max_header_list_size: usize,
}

/// How a field was represented on the wire (RFC 7541 §6), for a person watching the decoder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Representation {
    /// §6.1: the whole field is an entry of the static or dynamic table.
    Indexed {
        /// The index (1–61 static, 62 and up dynamic).
        index: usize,
    },
    /// §6.2: the value, and perhaps the name, are string literals.
    Literal {
        /// What the receiver does with the field afterwards.
        indexing: Indexing,
        /// The index of the table entry that gave the name, or `None` for a literal name.
        name_index: Option<usize>,
        /// Whether the literal name was Huffman-coded (`false` when the name was indexed).
        name_huffman: bool,
        /// Whether the value was Huffman-coded.
        value_huffman: bool,
    },
}

/// The three kinds of literal field of RFC 7541 §6.2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Indexing {
    /// §6.2.1: the field is added to the dynamic table.
    Incremental,
    /// §6.2.2: the field is not added to the table here.
    WithoutIndexing,
    /// §6.2.3: the field is not added, and any intermediary must keep it that way.
    NeverIndexed,
}

impl Indexing {
    /// The bit pattern that opens this kind of literal, and the size of the prefix of the name
    /// index that follows it (§6.2.1: `01` and 6 bits; §6.2.2: `0000` and 4; §6.2.3: `0001` and 4).
    pub(super) fn prefix(self) -> (u8, u8) {
        match self {
            Indexing::Incremental => (0x40, 6),
            Indexing::WithoutIndexing => (0x00, 4),
            Indexing::NeverIndexed => (0x10, 4),
        }
    }
}

/// What [`Decoder::decode_with`] reports, in the order it happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event<'a> {
    /// A dynamic table size update (§6.3), at `offset`.
    SizeUpdate {
        /// The update's first octet.
        offset: usize,
        /// The table's new maximum size.
        max_size: usize,
    },
    /// A field, decoded from the representation at `offset`.
    Field {
        /// The representation's first octet.
        offset: usize,
        /// How it was represented.
        representation: Representation,
        /// The field.
        field: &'a Field,
    },
    /// An entry left the dynamic table to make room (§4.4) or after a size update (§4.3).
    Evicted {
        /// The entry that left.
        field: &'a Field,
    },
    /// An entry was added to the dynamic table, with index 62.
    Inserted {
        /// The new entry.
        field: &'a Field,
        /// The table's size afterwards.
        table_size: usize,
    },
}

impl Default for Decoder {
    fn default() -> Self {
        Decoder::new()
    }
}

impl Decoder {
    /// A decoder for a new connection: empty dynamic table, limit 4096, no header list limit.
    pub fn new() -> Decoder {
        Decoder::with_table_size(DEFAULT_TABLE_SIZE)
    }

    /// A decoder whose table size and limit are `size` from the start, with no size update
    /// expected: for contexts that agreed on a size out of band, such as the RFC 7541 Appendix C
    /// examples (256). HTTP/2 connections start at 4096: use [`Decoder::new`].
    pub fn with_table_size(size: usize) -> Decoder {
        Decoder {
            table: DynamicTable::new(size),
            max_table_size: size,
            required_update: None,
            max_header_list_size: usize::MAX,
        }
    }

    /// Sets the limit for dynamic table size updates: the SETTINGS_HEADER_TABLE_SIZE we sent, once
    /// the peer has acknowledged it. Below the table's current maximum size, the peer's next block
    /// must start with a size update that complies.
    pub fn set_max_table_size(&mut self, size: usize) {
        self.max_table_size = size;
        if size < self.table.max_size() {
            let smallest = self.required_update.map_or(size, |s| s.min(size));
            self.required_update = Some(smallest);
        }
    }

    /// Sets the largest header list we keep, counted as name + value + 32 octets per field
    /// (RFC 9113 §6.5.2). The default is no limit.
    pub fn set_max_header_list_size(&mut self, size: usize) {
        self.max_header_list_size = size;
    }

    /// The dynamic table's current size (§4.1).
    pub fn table_size(&self) -> usize {
        self.table.size()
    }

    /// The dynamic table's maximum size, as last set by the peer (§4.2).
    pub fn table_max_size(&self) -> usize {
        self.table.max_size()
    }

    /// The dynamic table's entries, index 62 first.
    pub fn table_entries(&self) -> impl Iterator<Item = &Field> {
        self.table.entries()
    }

    /// Decodes one complete header block (the HEADERS or PUSH_PROMISE fragment and its
    /// CONTINUATION fragments, joined) into its header list.
    pub fn decode(&mut self, block: &[u8]) -> Result<Vec<Field>, DecodeError> {
        self.decode_with(block, &mut |_| {})
    }

    /// Like [`Decoder::decode`], and reports each step to `on_event`: each representation, each
    /// size update, insertion and eviction.
    pub fn decode_with(
        &mut self,
        block: &[u8],
        on_event: &mut dyn FnMut(Event<'_>),
    ) -> Result<Vec<Field>, DecodeError> {
        // A request's block holds a dozen fields or so: room for them from the start.
        let mut fields = Vec::with_capacity(16);
        let mut list_size: usize = 0;
        let mut too_large_at = None;
        let mut at_start = true;
        let mut pos = 0;
        while let Some(&first) = block.get(pos) {
            let offset = pos;
            if first & 0xe0 == 0x20 {
                pos = self.size_update(block, pos, at_start, on_event)?;
                continue;
            }
            if at_start {
                at_start = false;
                self.check_required_update(offset)?;
            }
            let (field, next) = self.field(block, pos, first, on_event)?;
            pos = next;
            // RFC 9113 §6.5.2: SETTINGS_MAX_HEADER_LIST_SIZE "is based on the uncompressed size of
            // field lines, including the length of the name and value in units of octets plus an
            // overhead of 32 octets for each field line." Past the limit we stop keeping fields
            // but go on decoding, so that the dynamic table stays in step with the peer's.
            list_size = list_size.saturating_add(field.size());
            if list_size > self.max_header_list_size {
                too_large_at.get_or_insert(offset);
            } else {
                fields.push(field);
            }
        }
        if at_start {
            self.check_required_update(block.len())?;
        }
        if let Some(offset) = too_large_at {
            return Err(DecodeError::HeaderListTooLarge {
                offset,
                size: list_size,
                max: self.max_header_list_size,
            });
        }
        Ok(fields)
    }

    /// The field representation (§6.1, §6.2) at `block[pos]`, whose first octet is `first`: the
    /// field, reported and, when the representation says so, added to the dynamic table; and the
    /// position after it.
    fn field(
        &mut self,
        block: &[u8],
        pos: usize,
        first: u8,
        on_event: &mut dyn FnMut(Event<'_>),
    ) -> Result<(Field, usize), DecodeError> {
        let (mut field, representation, next) = match first {
            0x80..=0xff => {
                let (index, next) = integer::decode(block, pos, 7)?;
                let field = self.lookup(index, pos)?;
                (field, Representation::Indexed { index }, next)
            }
            0x40..=0x7f => self.literal(block, pos, Indexing::Incremental)?,
            0x10..=0x1f => self.literal(block, pos, Indexing::NeverIndexed)?,
            _ => self.literal(block, pos, Indexing::WithoutIndexing)?,
        };
        let incremental = matches!(
            representation,
            Representation::Literal {
                indexing: Indexing::Incremental,
                ..
            }
        );
        if incremental {
            // Shared before it is reported: the entry and the field returned hold one copy.
            field = field.into_shared();
        }
        on_event(Event::Field {
            offset: pos,
            representation,
            field: &field,
        });
        if incremental {
            self.insert(field.clone(), on_event);
        }
        Ok((field, next))
    }

    /// A dynamic table size update (§6.3) at `block[pos]`; returns the position after it.
    fn size_update(
        &mut self,
        block: &[u8],
        pos: usize,
        at_start: bool,
        on_event: &mut dyn FnMut(Event<'_>),
    ) -> Result<usize, DecodeError> {
        // RFC 7541 §4.2: "This dynamic table size update MUST occur at the beginning of the first
        // header block following the change to the dynamic table size."
        if !at_start {
            return Err(DecodeError::SizeUpdateNotAtStart { offset: pos });
        }
        let (size, next) = integer::decode(block, pos, 5)?;
        // RFC 7541 §6.3: "The new maximum size MUST be lower than or equal to the limit determined
        // by the protocol using HPACK. A value that exceeds this limit MUST be treated as a
        // decoding error."
        if size > self.max_table_size {
            return Err(DecodeError::SizeUpdateTooLarge {
                offset: pos,
                size,
                max: self.max_table_size,
            });
        }
        if self.required_update.is_some_and(|max| size <= max) {
            self.required_update = None;
        }
        on_event(Event::SizeUpdate {
            offset: pos,
            max_size: size,
        });
        self.table
            .set_max_size(size, &mut |field| on_event(Event::Evicted { field }));
        Ok(next)
    }

    /// Fails when the limit was reduced and the block did not start with a matching size update.
    fn check_required_update(&self, offset: usize) -> Result<(), DecodeError> {
        // RFC 7541 §4.2: "This dynamic table size update MUST occur at the beginning of the first
        // header block following the change to the dynamic table size. ... the smallest maximum
        // table size that occurs in that interval MUST be signaled in a dynamic table size update."
        match self.required_update {
            Some(max) => Err(DecodeError::SizeUpdateMissing { offset, max }),
            None => Ok(()),
        }
    }

    /// A literal field (§6.2) of the given kind at `block[pos]`.
    fn literal(
        &self,
        block: &[u8],
        pos: usize,
        indexing: Indexing,
    ) -> Result<(Field, Representation, usize), DecodeError> {
        let (_, prefix_bits) = indexing.prefix();
        let (name_index, next) = integer::decode(block, pos, prefix_bits)?;
        let (name, name_index, name_huffman, next) = if name_index == 0 {
            let name = string::decode(block, next)?;
            (name.value.into(), None, name.huffman, name.end)
        } else {
            let entry = self.lookup(name_index, pos)?;
            (entry.name, Some(name_index), false, next)
        };
        let value = string::decode(block, next)?;
        let representation = Representation::Literal {
            indexing,
            name_index,
            name_huffman,
            value_huffman: value.huffman,
        };
        Ok((
            Field {
                name,
                value: value.value.into(),
            },
            representation,
            value.end,
        ))
    }

    /// The entry at `index` of the index address space (§2.3.3): static table, then dynamic.
    fn lookup(&self, index: usize, offset: usize) -> Result<Field, DecodeError> {
        // RFC 7541 §6.1: "The index value of 0 is not used. It MUST be treated as a decoding
        // error if found in an indexed header field representation."
        if index == 0 {
            return Err(DecodeError::IndexZero { offset });
        }
        if let Some((name, value)) = static_table::get(index) {
            return Ok(Field::fixed(name, value));
        }
        // RFC 7541 §2.3.3: "Indices strictly greater than the sum of the lengths of both tables
        // MUST be treated as a decoding error."
        self.table
            .get(index - static_table::LEN - 1)
            .cloned()
            .ok_or(DecodeError::IndexOutOfRange {
                offset,
                index,
                last: static_table::LEN + self.table.len(),
            })
    }

    /// Adds `field` to the dynamic table and reports the evictions and the insertion.
    fn insert(&mut self, field: Field, on_event: &mut dyn FnMut(Event<'_>)) {
        let inserted = self
            .table
            .insert(field, &mut |field| on_event(Event::Evicted { field }));
        if let (true, Some(entry)) = (inserted, self.table.get(0)) {
            on_event(Event::Inserted {
                field: entry,
                table_size: self.table.size(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn field(name: &str, value: &str) -> Field {
        Field::new(name, value)
    }

    /// One line per event, in the manner of the RFC 7541 Appendix C traces.
    fn describe(event: Event<'_>) -> String {
        let text = |f: &Field| {
            format!(
                "{}: {}",
                String::from_utf8_lossy(&f.name),
                String::from_utf8_lossy(&f.value)
            )
        };
        match event {
            Event::SizeUpdate { offset, max_size } => format!("{offset}: size update to {max_size}"),
            Event::Field {
                offset,
                representation: Representation::Indexed { index },
                field,
            } => format!("{offset}: indexed {index} -> {}", text(field)),
            Event::Field {
                offset,
                representation:
                    Representation::Literal {
                        indexing,
                        name_index,
                        name_huffman,
                        value_huffman,
                    },
                field,
            } => format!(
                "{offset}: literal {indexing:?} name {name_index:?} huffman {name_huffman}/{value_huffman} -> {}",
                text(field)
            ),
            Event::Evicted { field } => format!("evict {}", text(field)),
            Event::Inserted { field, table_size } => {
                format!("insert {} (table {table_size})", text(field))
            }
        }
    }

    fn hex(text: &str) -> Vec<u8> {
        let digits: Vec<u8> = text.bytes().filter(u8::is_ascii_hexdigit).collect();
        digits
            .chunks(2)
            .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).unwrap(), 16).unwrap())
            .collect()
    }

    /// The RFC 7541 C.3 and C.4 request blocks, in order (they share one decoder context).
    const REQUESTS: [&[u8]; 3] = [
        &[
            0x82, 0x86, 0x84, 0x41, 0x8c, 0xf1, 0xe3, 0xc2, 0xe5, 0xf2, 0x3a, 0x6b, 0xa0, 0xab,
            0x90, 0xf4, 0xff,
        ],
        &[
            0x82, 0x86, 0x84, 0xbe, 0x58, 0x86, 0xa8, 0xeb, 0x10, 0x64, 0x9c, 0xbf,
        ],
        &[
            0x82, 0x87, 0x85, 0xbf, 0x40, 0x0a, 0x63, 0x75, 0x73, 0x74, 0x6f, 0x6d, 0x2d, 0x6b,
            0x65, 0x79, 0x0c, 0x63, 0x75, 0x73, 0x74, 0x6f, 0x6d, 0x2d, 0x76, 0x61, 0x6c, 0x75,
            0x65,
        ],
    ];

    #[test]
    fn size_update_above_the_acknowledged_limit_is_an_error() {
        // 0x3f 0xe2 0x1f: size update to 31 + 0x62 + (0x1f << 7) = 4097.
        let mut decoder = Decoder::new();
        assert_eq!(
            decoder.decode(&[0x3f, 0xe2, 0x1f]),
            Err(DecodeError::SizeUpdateTooLarge {
                offset: 0,
                size: 4097,
                max: 4096
            })
        );
    }

    #[test]
    fn size_update_up_to_the_limit_is_accepted_and_evicts() {
        let mut decoder = Decoder::new();
        decoder.decode(REQUESTS[0]).unwrap();
        assert_eq!(decoder.table_size(), 57);
        let mut events = Vec::new();
        let decoded =
            decoder.decode_with(&[0x20, 0x3f, 0xe1, 0x1f], &mut |e| events.push(describe(e)));
        assert_eq!(decoded, Ok(vec![]));
        assert_eq!(decoder.table_size(), 0);
        assert_eq!(decoder.table_max_size(), 4096);
        assert_eq!(
            events,
            [
                "0: size update to 0",
                "evict :authority: www.example.com",
                "1: size update to 4096",
            ]
        );
    }

    #[test]
    fn size_update_after_a_field_is_an_error() {
        let mut decoder = Decoder::new();
        assert_eq!(
            decoder.decode(&[0x82, 0x20]),
            Err(DecodeError::SizeUpdateNotAtStart { offset: 1 })
        );
    }

    #[test]
    fn a_reduced_limit_requires_a_size_update_at_the_start_of_the_next_block() {
        let mut decoder = Decoder::new();
        decoder.set_max_table_size(0x100);
        assert_eq!(
            decoder.decode(&[0x82]),
            Err(DecodeError::SizeUpdateMissing {
                offset: 0,
                max: 0x100
            })
        );
        let mut decoder = Decoder::new();
        decoder.set_max_table_size(0x100);
        // An update to 512 does not comply with a limit of 256.
        assert_eq!(
            decoder.decode(&[0x3f, 0xe1, 0x03, 0x82]),
            Err(DecodeError::SizeUpdateTooLarge {
                offset: 0,
                size: 0x200,
                max: 0x100
            })
        );
        let mut decoder = Decoder::new();
        decoder.set_max_table_size(0x100);
        assert_eq!(
            decoder.decode(&[0x3f, 0xe1, 0x01, 0x82]),
            Ok(vec![field(":method", "GET")])
        );
        assert_eq!(decoder.table_max_size(), 0x100);
        assert_eq!(decoder.decode(&[0x82]), Ok(vec![field(":method", "GET")]));
    }

    #[test]
    fn a_raised_limit_needs_no_size_update() {
        let mut decoder = Decoder::new();
        decoder.set_max_table_size(0x4000);
        assert_eq!(decoder.decode(&[0x82]), Ok(vec![field(":method", "GET")]));
        assert_eq!(decoder.table_max_size(), 0x1000);
    }

    #[test]
    fn indexed_field_with_index_0_is_an_error() {
        let mut decoder = Decoder::new();
        assert_eq!(
            decoder.decode(&[0x82, 0x80]),
            Err(DecodeError::IndexZero { offset: 1 })
        );
    }

    #[test]
    fn index_past_the_dynamic_table_is_an_error() {
        let mut decoder = Decoder::new();
        assert_eq!(
            decoder.decode(&[0xbe]),
            Err(DecodeError::IndexOutOfRange {
                offset: 0,
                index: 62,
                last: 61
            })
        );
        let mut decoder = Decoder::new();
        decoder.decode(REQUESTS[0]).unwrap();
        assert_eq!(
            decoder.decode(&[0xbe, 0x7f, 0x01, 0x00]),
            Err(DecodeError::IndexOutOfRange {
                offset: 1,
                index: 64,
                last: 62
            })
        );
    }

    #[test]
    fn huffman_padding_longer_than_7_bits_is_an_error() {
        // Literal without indexing, name :path (4), value 'a' then 11 bits of ones.
        let mut decoder = Decoder::new();
        assert_eq!(
            decoder.decode(&[0x04, 0x82, 0x1f, 0xff]),
            Err(DecodeError::HuffmanPaddingTooLong { offset: 3 })
        );
    }

    #[test]
    fn huffman_padding_not_all_ones_is_an_error() {
        let mut decoder = Decoder::new();
        assert_eq!(
            decoder.decode(&[0x04, 0x81, 0x1e]),
            Err(DecodeError::HuffmanPaddingNotOnes { offset: 2 })
        );
    }

    #[test]
    fn huffman_eos_in_a_string_is_an_error() {
        let mut decoder = Decoder::new();
        assert_eq!(
            decoder.decode(&[0x04, 0x84, 0xff, 0xff, 0xff, 0xff]),
            Err(DecodeError::HuffmanEos { offset: 5 })
        );
    }

    #[test]
    fn integer_overflow_is_an_error() {
        let mut decoder = Decoder::new();
        assert_eq!(
            decoder.decode(&[0x82, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f]),
            Err(DecodeError::IntegerOverflow { offset: 1 })
        );
        // A string length past 32 bits.
        assert_eq!(
            decoder.decode(&[0x04, 0x7f, 0xff, 0xff, 0xff, 0xff, 0x7f]),
            Err(DecodeError::IntegerOverflow { offset: 1 })
        );
    }

    #[test]
    fn header_list_limit_drops_fields_but_keeps_the_table_in_step() {
        // Fields: :method GET (42), :scheme http (43), :path / (38), :authority ... (57) = 180.
        let mut decoder = Decoder::new();
        decoder.set_max_header_list_size(42 + 43);
        assert_eq!(
            decoder.decode(REQUESTS[0]),
            Err(DecodeError::HeaderListTooLarge {
                offset: 2,
                size: 180,
                max: 85
            })
        );
        // The :authority literal was still added: the next block can refer to it.
        assert_eq!(decoder.table_size(), 57);
        decoder.set_max_header_list_size(0x10000);
        assert_eq!(decoder.decode(REQUESTS[1]).map(|list| list.len()), Ok(5));
    }

    #[test]
    fn header_list_exactly_at_the_limit_is_kept() {
        let mut decoder = Decoder::new();
        decoder.set_max_header_list_size(180);
        assert_eq!(decoder.decode(REQUESTS[0]).map(|list| list.len()), Ok(4));
    }

    #[test]
    fn decode_with_reports_representations_and_insertions() {
        let mut decoder = Decoder::new();
        let mut events = Vec::new();
        decoder
            .decode_with(REQUESTS[0], &mut |event| match event {
                Event::Field {
                    offset,
                    representation,
                    ..
                } => events.push(format!("{offset}: {representation:?}")),
                Event::Inserted { table_size, .. } => events.push(format!("inserted {table_size}")),
                other => events.push(format!("{other:?}")),
            })
            .unwrap();
        assert_eq!(
            events,
            [
                "0: Indexed { index: 2 }",
                "1: Indexed { index: 6 }",
                "2: Indexed { index: 4 }",
                "3: Literal { indexing: Incremental, name_index: Some(1), name_huffman: false, \
                 value_huffman: true }",
                "inserted 57",
            ]
        );
    }

    /// RFC 7541 C.6.3, with the insertions and evictions that the RFC's trace shows.
    #[test]
    fn decode_with_reports_the_evictions_of_rfc_7541_c_6_3() {
        let mut decoder = Decoder::with_table_size(256);
        let blocks = [
            "4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6 2d1b
             ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3",
            "4883 640e ffc1 c0bf",
        ];
        for block in blocks {
            decoder.decode(&hex(block)).unwrap();
        }
        let third = hex(
            "88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab 77ad
             94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160
             65c0 03ed 4ee5 b106 3d50 07",
        );
        let mut events = Vec::new();
        decoder
            .decode_with(&third, &mut |e| events.push(describe(e)))
            .unwrap();
        let cookie = "set-cookie: foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1";
        assert_eq!(
            events,
            [
                "0: indexed 8 -> :status: 200".to_string(),
                "1: indexed 65 -> cache-control: private".to_string(),
                "2: literal Incremental name Some(33) huffman false/true -> date: Mon, 21 Oct 2013 \
                 20:13:22 GMT"
                    .to_string(),
                "evict cache-control: private".to_string(),
                "insert date: Mon, 21 Oct 2013 20:13:22 GMT (table 235)".to_string(),
                "26: indexed 64 -> location: https://www.example.com".to_string(),
                "27: literal Incremental name Some(26) huffman false/true -> content-encoding: gzip"
                    .to_string(),
                "evict date: Mon, 21 Oct 2013 20:13:21 GMT".to_string(),
                "insert content-encoding: gzip (table 222)".to_string(),
                format!("32: literal Incremental name Some(55) huffman false/true -> {cookie}"),
                "evict location: https://www.example.com".to_string(),
                "evict :status: 307".to_string(),
                format!("insert {cookie} (table 215)"),
            ]
        );
    }

    #[test]
    fn every_truncation_of_a_valid_block_fails_unless_it_ends_between_representations() {
        let mut decoder = Decoder::new();
        for block in REQUESTS {
            let mut boundaries = Vec::new();
            let before = decoder.clone();
            decoder
                .decode_with(block, &mut |event| {
                    if let Event::Field { offset, .. } | Event::SizeUpdate { offset, .. } = event {
                        boundaries.push(offset);
                    }
                })
                .unwrap();
            for cut in 0..block.len() {
                let result = before.clone().decode(&block[..cut]);
                match boundaries.iter().position(|&b| b == cut) {
                    Some(count) => assert_eq!(result.map(|list| list.len()), Ok(count)),
                    None => assert!(
                        matches!(result, Err(DecodeError::Truncated { .. })),
                        "cut at {cut}: {result:?}"
                    ),
                }
            }
        }
    }

    proptest! {
        #[test]
        fn random_bytes_never_panic(block in proptest::collection::vec(any::<u8>(), 0..64)) {
            let mut decoder = Decoder::new();
            let _ = decoder.decode(REQUESTS[0]);
            let _ = decoder.decode(&block);
        }

        #[test]
        fn random_bytes_after_a_valid_prefix_never_panic(
            tail in proptest::collection::vec(any::<u8>(), 0..64)
        ) {
            let mut block = REQUESTS[2].to_vec();
            block.extend_from_slice(&tail);
            let mut decoder = Decoder::new();
            let _ = decoder.decode(REQUESTS[0]);
            let _ = decoder.decode(REQUESTS[1]);
            let _ = decoder.decode_with(&block, &mut |_| {});
        }
    }
}
