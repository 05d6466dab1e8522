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
use super::{integer, static_table, string, DecodeError, Field};

/// The default SETTINGS_HEADER_TABLE_SIZE (RFC 9113 §6.5.2): both tables start at this size.
const DEFAULT_TABLE_SIZE: usize = 0x1000;

/// The number of entries in the static table; dynamic indices start right after.
const STATIC_LEN: usize = 61;

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
        let mut fields = Vec::new();
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
            let (field, representation, next) = match first {
                0x80..=0xff => {
                    let (index, next) = integer::decode(block, pos, 7)?;
                    let field = self.lookup(index, offset)?;
                    (field, Representation::Indexed { index }, next)
                }
                0x40..=0x7f => self.literal(block, pos, 6, Indexing::Incremental)?,
                0x10..=0x1f => self.literal(block, pos, 4, Indexing::NeverIndexed)?,
                _ => self.literal(block, pos, 4, Indexing::WithoutIndexing)?,
            };
            pos = next;
            on_event(Event::Field {
                offset,
                representation,
                field: &field,
            });
            if let Representation::Literal {
                indexing: Indexing::Incremental,
                ..
            } = representation
            {
                self.insert(field.clone(), on_event);
            }
            // RFC 9113 §6.5.2: SETTINGS_MAX_HEADER_LIST_SIZE "is calculated based on the
            // uncompressed size of header fields, including the length of the name and value in
            // octets plus an overhead of 32 octets for each header field." Past the limit we stop
            // keeping fields but go on decoding, so that the dynamic table stays in step.
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
        self.table
            .set_max_size(size, &mut |field| on_event(Event::Evicted { field }));
        on_event(Event::SizeUpdate {
            offset: pos,
            max_size: size,
        });
        Ok(next)
    }

    /// Fails when the limit was reduced and the block did not start with a matching size update.
    fn check_required_update(&self, offset: usize) -> Result<(), DecodeError> {
        // RFC 7541 §4.2: "... the encoder MUST signal the smallest maximum table size that occurs
        // in that interval. ... This dynamic table size update MUST occur at the beginning of the
        // first header block following the change to the dynamic table size."
        match self.required_update {
            Some(max) => Err(DecodeError::SizeUpdateMissing { offset, max }),
            None => Ok(()),
        }
    }

    /// A literal field (§6.2) whose name index has a `prefix_bits` prefix.
    fn literal(
        &self,
        block: &[u8],
        pos: usize,
        prefix_bits: u8,
        indexing: Indexing,
    ) -> Result<(Field, Representation, usize), DecodeError> {
        let (name_index, next) = integer::decode(block, pos, prefix_bits)?;
        let (name, name_index, name_huffman, next) = if name_index == 0 {
            let name = string::decode(block, next)?;
            (name.value, None, name.huffman, name.end)
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
                value: value.value,
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
            return Ok(Field::new(name, value));
        }
        // RFC 7541 §2.3.3: "Indices strictly greater than the sum of the lengths of both tables
        // MUST be treated as a decoding error."
        self.table
            .get(index - STATIC_LEN - 1)
            .cloned()
            .ok_or(DecodeError::IndexOutOfRange {
                offset,
                index,
                last: STATIC_LEN + self.table.len(),
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
