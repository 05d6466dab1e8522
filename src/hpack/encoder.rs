//! Header block encoding — RFC 7541 §2.3, §4, §6 and §7.1
//!
//! The choices an encoder makes are its own; the RFC only fixes what each representation means.
//! This one, field by field:
//!
//! 1. A sensitive field (§7.1.3) is a literal *never indexed*, whatever the tables hold:
//!    `authorization`, `proxy-authorization`, and `cookie` values shorter than 20 octets
//!    (short cookies are easy to guess, one compression probe at a time).
//! 2. A field that a table holds exactly is sent as its index (§6.1), static table first.
//! 3. A field that is rarely repeated (`content-length`, `etag`, `last-modified`, and `:path`
//!    values longer than 32 octets), or larger than the whole table, is a literal *without
//!    indexing* (§6.2.2): storing it would only push out entries that do get reused.
//! 4. Everything else is a literal *with incremental indexing* (§6.2.1).
//!
//! A literal takes its name from a table when it can (lowest static index first, then the newest
//! dynamic entry), and a string is Huffman-coded unless that makes it longer (§5.2).
//!
//! A response's fields mostly come back in the same order with the same values (`:status 200`,
//! `server`, the `date` of this second, a file's `etag`), and the same field written against the
//! same table is the same octets. So the encoder remembers what it wrote for each position of the
//! last block, and while its table has not changed since, a field equal to the one remembered is
//! written by copying those octets, without looking in either table or Huffman-coding it again.
//!
//! [`Encoder::encode_with`] reports what it writes in the decoder's terms ([`Event`]), so that a
//! person watching our side sees the same steps as one watching the peer's decoder.

use super::table::DynamicTable;
use super::{
    integer, static_table, string, Event, Field, Indexing, Representation, DEFAULT_TABLE_SIZE,
};

/// Cookies shorter than this are never indexed (RFC 7541 §7.1.3).
const SHORT_COOKIE: usize = 20;

/// `:path` values longer than this are not indexed.
const LONG_PATH: usize = 0x20;

/// How many positions of a block the encoder remembers what it wrote for, and the longest
/// representation it remembers: a response's usual fields (a Huffman-coded `last-modified` takes
/// 24 octets), not a large value's copy.
const REMEMBERED_POSITIONS: usize = 16;
const REMEMBERED_OCTETS: usize = 48;

/// Encodes the header blocks that we send on one connection, keeping a dynamic table that the
/// peer's decoder mirrors.
#[derive(Debug, Clone)]
pub struct Encoder {
    table: DynamicTable,
    /// The maximum size to announce at the start of the next block, if it changed.
    pending_size: Option<usize>,
    /// The smallest maximum size set since the last block (§4.2).
    smallest_pending: Option<usize>,
    /// Whether strings may be Huffman-coded.
    huffman: bool,
    /// How many times the table (or the Huffman setting) has changed: what was written for a
    /// field stands for it again only while this has not moved.
    changes: u64,
    /// What was written at each position of the last blocks (see the module documentation).
    written: Vec<Written>,
}

/// The representation written for a field at one position of a block, and when. The octets are
/// held in place, not behind a pointer of their own: a connection's thread comes back to its
/// encoder after others ran, and each pointer followed then is a likely cache miss.
#[derive(Debug, Clone)]
struct Written {
    field: Field,
    /// [`Encoder::changes`] at the time.
    changes: u64,
    representation: Representation,
    len: usize,
    octets: [u8; REMEMBERED_OCTETS],
}

impl Written {
    fn octets(&self) -> &[u8] {
        &self.octets[..self.len]
    }
}

impl Default for Encoder {
    fn default() -> Self {
        Encoder::new()
    }
}

impl Encoder {
    /// An encoder for a new connection: empty dynamic table of 4096 octets, Huffman coding on.
    pub fn new() -> Encoder {
        Encoder::with_table_size(DEFAULT_TABLE_SIZE)
    }

    /// An encoder whose table has maximum size `size` from the start, without a size update: for
    /// contexts that agreed on a size out of band, such as the RFC 7541 Appendix C examples (256).
    /// HTTP/2 connections start at 4096: use [`Encoder::new`].
    pub fn with_table_size(size: usize) -> Encoder {
        Encoder {
            table: DynamicTable::new(size),
            pending_size: None,
            smallest_pending: None,
            huffman: true,
            changes: 0,
            written: Vec::new(),
        }
    }

    /// Takes the peer's SETTINGS_HEADER_TABLE_SIZE: the table will use min(`size`, 4096), announced
    /// by a dynamic table size update at the start of the next block (§4.2, §6.3). A larger table
    /// than the default is never used: 4096 octets is plenty for the fields a server sends.
    pub fn set_max_table_size(&mut self, size: usize) {
        let size = size.min(DEFAULT_TABLE_SIZE);
        self.pending_size = Some(size);
        self.smallest_pending = Some(self.smallest_pending.map_or(size, |s| s.min(size)));
    }

    /// Turns Huffman coding of strings on (the default) or off. Off, every string is sent as raw
    /// octets, as in the RFC 7541 C.3 and C.5 examples.
    pub fn set_huffman(&mut self, enabled: bool) {
        self.huffman = enabled;
        self.changes += 1;
    }

    /// The dynamic table's current size (§4.1).
    pub fn table_size(&self) -> usize {
        self.table.size()
    }

    /// The dynamic table's entries, index 62 first.
    pub fn table_entries(&self) -> impl Iterator<Item = &Field> {
        self.table.entries()
    }

    /// Appends the header block for `fields`, in order, to `out`.
    pub fn encode(&mut self, fields: &[Field], out: &mut Vec<u8>) {
        self.encode_with(fields, out, &mut |_| {});
    }

    /// Like [`Encoder::encode`], and reports each step to `on_event` as the peer's decoder will
    /// meet it: each size update, each field with its representation and its offset in the block,
    /// each insertion and eviction.
    pub fn encode_with(
        &mut self,
        fields: &[Field],
        out: &mut Vec<u8>,
        on_event: &mut impl FnMut(Event<'_>),
    ) {
        self.encode_reporting(fields, out, true, on_event);
    }

    /// Like [`Encoder::encode_with`], but reports only the changes of the table: size updates,
    /// insertions and evictions. For a block whose fields nobody watches, this costs what
    /// [`Encoder::encode`] costs: a field written from memory is not reported at all, where a step
    /// built only to be dropped took a watched server a tenth of its time per request (S1).
    pub fn encode_with_table_changes(
        &mut self,
        fields: &[Field],
        out: &mut Vec<u8>,
        on_change: &mut impl FnMut(Event<'_>),
    ) {
        self.encode_reporting(fields, out, false, on_change);
    }

    /// [`Encoder::encode_with`], the field steps reported only when `fields_reported`.
    fn encode_reporting(
        &mut self,
        fields: &[Field],
        out: &mut Vec<u8>,
        fields_reported: bool,
        on_event: &mut impl FnMut(Event<'_>),
    ) {
        let start = out.len();
        self.size_updates(start, out, on_event);
        for (position, field) in fields.iter().enumerate() {
            let remembered = self
                .written
                .get(position)
                .filter(|written| written.changes == self.changes && written.field == *field);
            if let Some(written) = remembered {
                if fields_reported {
                    on_event(Event::Field {
                        offset: out.len() - start,
                        representation: written.representation,
                        field,
                    });
                }
                out.extend_from_slice(written.octets());
                continue;
            }
            let (changes, from) = (self.changes, out.len());
            let representation = self.field(field, start, out, &mut |event| {
                if fields_reported || !matches!(event, Event::Field { .. }) {
                    on_event(event);
                }
            });
            if self.changes == changes {
                self.remember(position, field, representation, &out[from..]);
            }
        }
    }

    /// Keeps what was written for `field` at `position`, unless the block is longer than the
    /// positions remembered or the octets are many.
    fn remember(
        &mut self,
        position: usize,
        field: &Field,
        representation: Representation,
        octets: &[u8],
    ) {
        if position >= REMEMBERED_POSITIONS || octets.len() > REMEMBERED_OCTETS {
            return;
        }
        let mut written = Written {
            field: field.clone(),
            changes: self.changes,
            representation,
            len: octets.len(),
            octets: [0; REMEMBERED_OCTETS],
        };
        written.octets[..octets.len()].copy_from_slice(octets);
        if let Some(slot) = self.written.get_mut(position) {
            *slot = written;
        } else if position == self.written.len() {
            self.written.push(written);
        }
    }

    /// Announces a changed maximum size. RFC 7541 §4.2: "This dynamic table size update MUST occur
    /// at the beginning of the first header block following the change to the dynamic table size.
    /// ... the smallest maximum table size that occurs in that interval MUST be signaled in a
    /// dynamic table size update."
    fn size_updates(
        &mut self,
        start: usize,
        out: &mut Vec<u8>,
        on_event: &mut impl FnMut(Event<'_>),
    ) {
        let (Some(size), Some(smallest)) = (self.pending_size.take(), self.smallest_pending.take())
        else {
            return;
        };
        if smallest < size {
            self.size_update(smallest, start, out, on_event);
        } else if size == self.table.max_size() {
            return;
        }
        self.size_update(size, start, out, on_event);
    }

    /// One dynamic table size update (§6.3), applied to our table as the peer will apply it.
    fn size_update(
        &mut self,
        size: usize,
        start: usize,
        out: &mut Vec<u8>,
        on_event: &mut impl FnMut(Event<'_>),
    ) {
        on_event(Event::SizeUpdate {
            offset: out.len() - start,
            max_size: size,
        });
        integer::encode(size, 5, 0x20, out);
        self.table
            .set_max_size(size, &mut |field| on_event(Event::Evicted { field }));
        self.changes += 1;
    }

    /// One field, as the module documentation describes; returns how it was represented.
    fn field(
        &mut self,
        field: &Field,
        start: usize,
        out: &mut Vec<u8>,
        on_event: &mut impl FnMut(Event<'_>),
    ) -> Representation {
        let indexing = if is_sensitive(field) {
            Indexing::NeverIndexed
        } else if worth_indexing(field) && field.size() <= self.table.max_size() {
            Indexing::Incremental
        } else {
            Indexing::WithoutIndexing
        };
        let found = self.lookup(field, indexing);
        if let (false, Some(index)) = (indexing == Indexing::NeverIndexed, found.exact) {
            let representation = Representation::Indexed { index };
            on_event(Event::Field {
                offset: out.len() - start,
                representation,
                field,
            });
            integer::encode(index, 7, 0x80, out);
            return representation;
        }
        self.literal(field, indexing, found.name, start, out, on_event)
    }

    /// What the tables offer for `field`, static table first (RFC 7541 §2.3.3: indices 1 to 61,
    /// then the dynamic table from 62). Our table holds only fields that this encoder added with
    /// incremental indexing, and it decides that the same way for the same field (entries larger
    /// than the table leave it, §4.3, §4.4): a field it would not add now cannot be in the table,
    /// and the table is not searched for it once the static table offers its name.
    fn lookup(&self, field: &Field, indexing: Indexing) -> Found {
        let in_static = static_table::find(&field.name, &field.value);
        if let Some((index, true)) = in_static {
            return Found {
                exact: Some(index),
                name: Some(index),
            };
        }
        if indexing != Indexing::Incremental && in_static.is_some() {
            return Found {
                exact: None,
                name: in_static.map(|(index, _)| index),
            };
        }
        let in_dynamic = self
            .table
            .find(&field.name, &field.value)
            .map(|(position, exact)| (static_table::LEN + 1 + position, exact));
        Found {
            exact: in_dynamic
                .filter(|&(_, exact)| exact)
                .map(|(index, _)| index),
            name: in_static.or(in_dynamic).map(|(index, _)| index),
        }
    }

    /// One field as a literal of the given kind (§6.2), its name given as the index of a table
    /// entry when one has it; with incremental indexing, the field is then added to our table as
    /// the peer will. `start` is where the block begins in `out`, for the offset reported.
    pub(super) fn literal(
        &mut self,
        field: &Field,
        indexing: Indexing,
        name_index: Option<usize>,
        start: usize,
        out: &mut Vec<u8>,
        on_event: &mut impl FnMut(Event<'_>),
    ) -> Representation {
        let offset = out.len() - start;
        let (pattern, prefix_bits) = indexing.prefix();
        integer::encode(name_index.unwrap_or(0), prefix_bits, pattern, out);
        let name_huffman = name_index.is_none() && string::encode(&field.name, self.huffman, out);
        let value_huffman = string::encode(&field.value, self.huffman, out);
        let representation = Representation::Literal {
            indexing,
            name_index,
            name_huffman,
            value_huffman,
        };
        on_event(Event::Field {
            offset,
            representation,
            field,
        });
        if indexing != Indexing::Incremental {
            return representation;
        }
        self.changes += 1;
        let inserted = self.table.insert(field.clone(), &mut |field| {
            on_event(Event::Evicted { field })
        });
        if let (true, Some(entry)) = (inserted, self.table.get(0)) {
            on_event(Event::Inserted {
                field: entry,
                table_size: self.table.size(),
            });
        }
        representation
    }
}

/// Where the tables hold a field: the index of an entry with its name and value, and of one with
/// its name (the lowest static index, else the newest dynamic entry).
struct Found {
    exact: Option<usize>,
    name: Option<usize>,
}

/// Fields whose value must not be put in any table (RFC 7541 §7.1.3).
fn is_sensitive(field: &Field) -> bool {
    match &field.name[..] {
        b"authorization" | b"proxy-authorization" => true,
        b"cookie" => field.value.len() < SHORT_COOKIE,
        _ => false,
    }
}

/// Whether a field is likely to be sent again with the same value on this connection.
fn worth_indexing(field: &Field) -> bool {
    match &field.name[..] {
        b"content-length" | b"etag" | b"last-modified" => false,
        b":path" => field.value.len() <= LONG_PATH,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::super::Decoder;
    use super::*;
    use proptest::prelude::*;

    fn encode(encoder: &mut Encoder, fields: &[Field]) -> Vec<u8> {
        let mut out = Vec::new();
        encoder.encode(fields, &mut out);
        out
    }

    fn plain() -> Encoder {
        let mut encoder = Encoder::new();
        encoder.set_huffman(false);
        encoder
    }

    #[test]
    fn authorization_is_never_indexed_with_the_static_name() {
        let mut encoder = plain();
        let field = Field::new("authorization", "Basic YQ==");
        let expected = b"\x1f\x08\x0aBasic YQ==";
        assert_eq!(encode(&mut encoder, std::slice::from_ref(&field)), expected);
        // Not in the table, so the second time it is sent the same way.
        assert_eq!(encode(&mut encoder, &[field]), expected);
        assert_eq!(encoder.table_size(), 0);
    }

    #[test]
    fn proxy_authorization_is_never_indexed() {
        let mut encoder = plain();
        let out = encode(&mut encoder, &[Field::new("proxy-authorization", "x")]);
        assert_eq!(out, [0x1f, 0x22, 0x01, 0x78]);
        assert_eq!(encoder.table_size(), 0);
    }

    #[test]
    fn short_cookie_is_never_indexed_but_a_long_one_is_indexed() {
        let mut encoder = plain();
        let out = encode(&mut encoder, &[Field::new("cookie", "id=1")]);
        assert_eq!(out, b"\x1f\x11\x04id=1");
        assert_eq!(encoder.table_size(), 0);

        let long = "session=0123456789abcdef";
        let out = encode(&mut encoder, &[Field::new("cookie", long)]);
        assert_eq!(out, [&[0x60, 0x18][..], long.as_bytes()].concat());
        assert_eq!(encoder.table_size(), 6 + 24 + 32);
        assert_eq!(encode(&mut encoder, &[Field::new("cookie", long)]), [0xbe]);
    }

    #[test]
    fn rarely_repeated_fields_are_literals_without_indexing() {
        let mut encoder = plain();
        let out = encode(&mut encoder, &[Field::new("content-length", "42")]);
        assert_eq!(out, b"\x0f\x0d\x0242");
        let path = "/a/long/path/that/is/not/worth/indexing";
        let out = encode(&mut encoder, &[Field::new(":path", path)]);
        assert_eq!(out, [&[0x04, 0x27][..], path.as_bytes()].concat());
        assert_eq!(encoder.table_size(), 0);
    }

    #[test]
    fn a_field_larger_than_the_table_is_not_indexed() {
        let mut encoder = Encoder::with_table_size(40);
        encoder.set_huffman(false);
        let out = encode(&mut encoder, &[Field::new("x-a", "0123456789")]);
        assert_eq!(out, b"\x00\x03x-a\x0a0123456789");
        assert_eq!(encoder.table_size(), 0);
    }

    #[test]
    fn a_dynamic_name_match_gives_the_name_index() {
        let mut encoder = plain();
        encode(&mut encoder, &[Field::new("x-a", "1")]);
        assert_eq!(
            encode(&mut encoder, &[Field::new("x-a", "2")]),
            b"\x7e\x012"
        );
        assert_eq!(encode(&mut encoder, &[Field::new("x-a", "1")]), [0xbf]);
    }

    #[test]
    fn a_new_table_size_is_announced_at_the_start_of_the_next_block_only() {
        let mut encoder = Encoder::new();
        encoder.set_max_table_size(0x100);
        let get = [Field::new(":method", "GET")];
        // 0x3f 0xe1 0x01: size update to 31 + 0x61 + (0x01 << 7) = 256.
        assert_eq!(encode(&mut encoder, &get), [0x3f, 0xe1, 0x01, 0x82]);
        assert_eq!(encode(&mut encoder, &get), [0x82]);
    }

    #[test]
    fn the_smallest_size_since_the_last_block_is_announced_first() {
        let mut encoder = Encoder::new();
        encode(&mut encoder, &[Field::new("x-a", "1")]);
        encoder.set_max_table_size(0);
        encoder.set_max_table_size(0x2000);
        let out = encode(&mut encoder, &[]);
        // 0, then min(8192, 4096) = 4096: the table was emptied in between.
        assert_eq!(out, [0x20, 0x3f, 0xe1, 0x1f]);
        assert_eq!(encoder.table_size(), 0);
    }

    #[test]
    fn an_unchanged_table_size_is_not_announced() {
        let mut encoder = Encoder::new();
        encoder.set_max_table_size(0x1000);
        assert_eq!(
            encode(&mut encoder, &[Field::new(":method", "GET")]),
            [0x82]
        );
    }

    #[test]
    fn a_peer_limit_above_4096_is_capped() {
        let mut encoder = Encoder::with_table_size(0x100);
        encoder.set_max_table_size(0x10000);
        assert_eq!(encode(&mut encoder, &[]), [0x3f, 0xe1, 0x1f]);
    }

    fn arbitrary_field() -> impl Strategy<Value = Field> {
        let names = prop::sample::select(vec![
            ":method",
            ":path",
            ":status",
            "authorization",
            "cookie",
            "content-length",
            "x-custom",
            "set-cookie",
            "",
        ]);
        let name = prop_oneof![
            names.prop_map(|n| n.as_bytes().to_vec()),
            prop::collection::vec(any::<u8>(), 0..12),
        ];
        let value = prop_oneof![
            prop::sample::select(vec!["GET", "/", "200", "", "gzip"]).prop_map(|v| v.into()),
            prop::collection::vec(any::<u8>(), 0..80),
        ];
        (name, value).prop_map(|(name, value)| Field::new(name, value))
    }

    #[test]
    fn encode_with_reports_each_representation_insertion_and_eviction() {
        let mut encoder = Encoder::with_table_size(0x50);
        encoder.set_huffman(false);
        let mut events = Vec::new();
        let mut out = Vec::new();
        let fields = [
            Field::new(":status", "200"),
            Field::new("x-a", "0123456789"),
            Field::new("x-b", "0123456789"),
        ];
        encoder.encode_with(&fields, &mut out, &mut |event| {
            events.push(format!("{event:?}"))
        });
        let literal = |name_index: Option<usize>| Representation::Literal {
            indexing: Indexing::Incremental,
            name_index,
            name_huffman: false,
            value_huffman: false,
        };
        assert_eq!(
            events,
            [
                format!(
                    "{:?}",
                    Event::Field {
                        offset: 0,
                        representation: Representation::Indexed { index: 8 },
                        field: &fields[0]
                    }
                ),
                format!(
                    "{:?}",
                    Event::Field {
                        offset: 1,
                        representation: literal(None),
                        field: &fields[1]
                    }
                ),
                format!(
                    "{:?}",
                    Event::Inserted {
                        field: &fields[1],
                        table_size: 45
                    }
                ),
                format!(
                    "{:?}",
                    Event::Field {
                        offset: 17,
                        representation: literal(None),
                        field: &fields[2]
                    }
                ),
                format!("{:?}", Event::Evicted { field: &fields[1] }),
                format!(
                    "{:?}",
                    Event::Inserted {
                        field: &fields[2],
                        table_size: 45
                    }
                ),
            ]
        );
    }

    #[test]
    fn a_field_remembered_is_written_afresh_once_the_table_has_changed() {
        let mut encoder = plain();
        let x_a = [Field::new("x-a", "1")];
        assert_eq!(encode(&mut encoder, &x_a), b"\x40\x03x-a\x011");
        assert_eq!(encode(&mut encoder, &x_a), [0x80 | 62]);
        assert_eq!(encode(&mut encoder, &x_a), [0x80 | 62]);
        encode(&mut encoder, &[Field::new("x-b", "2")]);
        assert_eq!(encode(&mut encoder, &x_a), [0x80 | 63]);
    }

    #[test]
    fn table_changes_alone_are_the_steps_of_encode_with_but_the_fields() {
        let blocks = [
            vec![Field::new("x-a", "1"), Field::fixed(":status", "200")],
            vec![Field::new("x-a", "1"), Field::new("x-b", "2")],
            vec![Field::new("x-a", "1"), Field::new("x-b", "2")],
        ];
        let (mut all, mut changes_only) =
            (Encoder::with_table_size(60), Encoder::with_table_size(60));
        for fields in &blocks {
            let (mut out, mut out_too) = (Vec::new(), Vec::new());
            let (mut steps, mut changes) = (Vec::new(), Vec::new());
            all.encode_with(fields, &mut out, &mut |step| {
                if !matches!(step, Event::Field { .. }) {
                    steps.push(format!("{step:?}"));
                }
            });
            changes_only.encode_with_table_changes(fields, &mut out_too, &mut |step| {
                changes.push(format!("{step:?}"));
            });
            assert_eq!(out, out_too);
            assert_eq!(steps, changes);
        }
        assert!(all.table_entries().eq(changes_only.table_entries()));
    }

    proptest! {
        #[test]
        fn a_field_written_from_memory_is_what_encoding_it_afresh_gives(
            blocks in prop::collection::vec(prop::collection::vec(0usize..7, 0..10), 1..16),
            sizes in prop::collection::vec(prop::option::of(0usize..400), 16),
            huffman in any::<bool>(),
        ) {
            let pool = [
                Field::fixed(":status", "200"),
                Field::fixed("server", "h2lab"),
                Field::new("date", "Tue, 01 Dec 2026 07:06:44 GMT"),
                Field::fixed("etag", "\"d-1\""),
                Field::new("x-a", "1"),
                Field::new("cookie", "short"),
                Field::new("x-long", "v".repeat(200)),
            ];
            let mut remembering = Encoder::new();
            let mut afresh = Encoder::new();
            remembering.set_huffman(huffman);
            afresh.set_huffman(huffman);
            for (block, size) in blocks.iter().zip(sizes) {
                if let Some(size) = size {
                    remembering.set_max_table_size(size);
                    afresh.set_max_table_size(size);
                }
                let fields: Vec<Field> = block.iter().map(|&i| pool[i].clone()).collect();
                afresh.written.clear();
                let (mut from_memory, mut computed) = (Vec::new(), Vec::new());
                let (mut told, mut expected) = (Vec::new(), Vec::new());
                remembering.encode_with(&fields, &mut from_memory, &mut |e| told.push(format!("{e:?}")));
                afresh.encode_with(&fields, &mut computed, &mut |e| expected.push(format!("{e:?}")));
                prop_assert_eq!(from_memory, computed);
                prop_assert_eq!(told, expected);
            }
        }

        #[test]
        fn whatever_we_encode_our_decoder_decodes_to_the_same_list(
            blocks in prop::collection::vec(
                (prop::collection::vec(arbitrary_field(), 0..12), prop::option::of(0usize..5000)),
                1..8,
            ),
            huffman in any::<bool>(),
        ) {
            let mut encoder = Encoder::new();
            encoder.set_huffman(huffman);
            let mut decoder = Decoder::new();
            for (fields, new_size) in blocks {
                if let Some(size) = new_size {
                    encoder.set_max_table_size(size);
                    decoder.set_max_table_size(size);
                }
                let mut out = Vec::new();
                let mut sent = Vec::new();
                encoder.encode_with(&fields, &mut out, &mut |event| sent.push(format!("{event:?}")));
                let mut seen = Vec::new();
                let decoded = decoder.decode_with(&out, &mut |event| seen.push(format!("{event:?}")));
                prop_assert_eq!(decoded, Ok(fields));
                prop_assert_eq!(sent, seen);
                prop_assert!(encoder.table_entries().eq(decoder.table_entries()));
            }
        }
    }
}
