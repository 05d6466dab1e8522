//! Dynamic table — RFC 7541 §2.3.2, §2.3.3 and §4
//!
//! A first-in, first-out list of fields that both sides build up in the same way as header blocks
//! go by. The newest entry has the lowest index (62, right after the static table). The table's
//! size is the sum of its entries' sizes, and entries are evicted from the oldest end to keep it
//! within the maximum size that the encoder has chosen.

use std::collections::VecDeque;

use super::Field;

/// RFC 7541 §4.1: "The size of an entry is the sum of its name's length in octets ..., its value's
/// length in octets, and 32."
pub(super) const ENTRY_OVERHEAD: usize = 0x20;

/// The dynamic table of one side of one connection (an encoder's or a decoder's).
#[derive(Debug, Clone)]
pub(super) struct DynamicTable {
    /// Newest entry first: `entries[0]` has index 62.
    entries: VecDeque<Field>,
    /// The [`name_key`] of each entry's name, oldest first: what `find` compares first, in a plain
    /// slice that a loop runs through quickly. (An eviction moves the rest, at most 128 keys.)
    name_keys: Vec<u64>,
    /// Sum of the entries' sizes.
    size: usize,
    /// The maximum size, as last set by a dynamic table size update (§6.3).
    max_size: usize,
}

impl DynamicTable {
    /// An empty table with maximum size `max_size`.
    pub(super) fn new(max_size: usize) -> Self {
        DynamicTable {
            entries: VecDeque::new(),
            name_keys: Vec::new(),
            size: 0,
            max_size,
        }
    }

    /// The current size: the sum of the entries' sizes (§4.1).
    pub(super) fn size(&self) -> usize {
        self.size
    }

    /// The maximum size (§4.2).
    pub(super) fn max_size(&self) -> usize {
        self.max_size
    }

    /// The number of entries.
    pub(super) fn len(&self) -> usize {
        self.entries.len()
    }

    /// The entries, newest (index 62) first.
    pub(super) fn entries(&self) -> impl Iterator<Item = &Field> {
        self.entries.iter()
    }

    /// The entry at dynamic position `position` (0 is the newest, index 62 on the wire).
    pub(super) fn get(&self, position: usize) -> Option<&Field> {
        self.entries.get(position)
    }

    /// Sets a new maximum size and evicts entries until the table fits it. RFC 7541 §4.3:
    /// "Whenever the maximum size for the dynamic table is reduced, entries are evicted from the
    /// end of the dynamic table until the size of the dynamic table is less than or equal to the
    /// maximum size." Each evicted entry is passed to `on_evict`.
    pub(super) fn set_max_size(&mut self, max_size: usize, on_evict: &mut dyn FnMut(&Field)) {
        self.max_size = max_size;
        self.evict_to(max_size, on_evict);
    }

    /// Adds `field` as the newest entry, evicting old entries first to make room. Returns whether
    /// it was added: RFC 7541 §4.4: "an attempt to add an entry larger than the maximum size causes
    /// the table to be emptied of all existing entries and results in an empty table."
    pub(super) fn insert(&mut self, field: Field, on_evict: &mut dyn FnMut(&Field)) -> bool {
        let entry_size = field.size();
        if entry_size > self.max_size {
            self.evict_to(0, on_evict);
            return false;
        }
        self.evict_to(self.max_size - entry_size, on_evict);
        self.size += entry_size;
        // Shared, so that each field taken from the entry later refers to it (see `Octets`).
        self.name_keys.push(name_key(&field.name));
        self.entries.push_front(field.into_shared());
        true
    }

    /// Where the table offers a field to the encoder: the position of the newest entry with this
    /// name and value, `true`; else of the newest with this name, `false`.
    pub(super) fn find(&self, name: &[u8], value: &[u8]) -> Option<(usize, bool)> {
        let key = name_key(name);
        let mut name_match = None;
        let newest_first = self.name_keys.iter().rev().enumerate();
        for (position, _) in newest_first.filter(|(_, &entry_key)| entry_key == key) {
            let Some(entry) = self.entries.get(position) else {
                break;
            };
            if entry.name != *name {
                continue;
            }
            if entry.value == *value {
                return Some((position, true));
            }
            name_match = name_match.or(Some((position, false)));
        }
        name_match
    }

    /// Evicts the oldest entries until the size is at most `limit`.
    fn evict_to(&mut self, limit: usize, on_evict: &mut dyn FnMut(&Field)) {
        while self.size > limit {
            let Some(oldest) = self.entries.pop_back() else {
                break;
            };
            self.name_keys.remove(0);
            self.size -= oldest.size();
            on_evict(&oldest);
        }
    }
}

/// A summary of a field name that differs for nearly any two names and costs a few instructions:
/// its length, and its first and last eight octets. The encoder looks for each field of each
/// response in the table; comparing keys first spares it comparing names octet by octet, which
/// took most of its time. Equal keys are only a hint: `find` compares the names themselves.
fn name_key(name: &[u8]) -> u64 {
    let word = |octets: &[u8]| {
        let mut word = [0; 8];
        word[..octets.len()].copy_from_slice(octets);
        u64::from_le_bytes(word)
    };
    let head = word(&name[..name.len().min(8)]);
    let tail = word(&name[name.len().saturating_sub(8)..]);
    head ^ tail.rotate_left(29) ^ (name.len() as u64).rotate_left(58)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(name: &str, value: &str) -> Field {
        Field::new(name, value)
    }

    #[test]
    fn entry_size_is_name_plus_value_plus_32() {
        let mut table = DynamicTable::new(4096);
        table.insert(field("custom-key", "custom-header"), &mut |_| {});
        assert_eq!(table.size(), 10 + 13 + 32);
        assert_eq!(table.len(), 1);
    }

    #[test]
    fn the_newest_entry_comes_first_and_the_oldest_is_evicted_first() {
        let mut table = DynamicTable::new(2 * 34);
        table.insert(field("a", "1"), &mut |_| {});
        table.insert(field("b", "2"), &mut |_| {});
        let mut evicted = Vec::new();
        table.insert(field("c", "3"), &mut |f| evicted.push(f.clone()));
        assert_eq!(evicted, [field("a", "1")]);
        assert_eq!(table.get(0), Some(&field("c", "3")));
        assert_eq!(table.get(1), Some(&field("b", "2")));
        assert_eq!(table.size(), 68);
    }

    #[test]
    fn an_entry_larger_than_the_table_empties_it_and_is_not_added() {
        let mut table = DynamicTable::new(40);
        table.insert(field("a", "1"), &mut |_| {});
        assert!(!table.insert(field("long-name", "long-value"), &mut |_| {}));
        assert_eq!(table.len(), 0);
        assert_eq!(table.size(), 0);
    }

    #[test]
    fn reducing_the_maximum_size_evicts_until_it_fits() {
        let mut table = DynamicTable::new(4096);
        table.insert(field("a", "1"), &mut |_| {});
        table.insert(field("b", "2"), &mut |_| {});
        table.set_max_size(34, &mut |_| {});
        assert_eq!(table.len(), 1);
        assert_eq!(table.get(0), Some(&field("b", "2")));
        table.set_max_size(0, &mut |_| {});
        assert_eq!(table.size(), 0);
    }

    #[test]
    fn find_prefers_an_exact_match_then_the_newest_name_match() {
        let mut table = DynamicTable::new(4096);
        table.insert(field("x", "1"), &mut |_| {});
        table.insert(field("x", "2"), &mut |_| {});
        assert_eq!(table.find(b"x", b"1"), Some((1, true)));
        assert_eq!(table.find(b"x", b"3"), Some((0, false)));
        assert_eq!(table.find(b"y", b"1"), None);
    }

    #[test]
    fn names_alike_at_both_ends_are_still_told_apart() {
        let (one, other) = ("x-middle-one-x-suffix", "x-middle-two-x-suffix");
        assert_eq!(name_key(one.as_bytes()), name_key(other.as_bytes()));
        let mut table = DynamicTable::new(4096);
        table.insert(field(one, "1"), &mut |_| {});
        assert_eq!(table.find(other.as_bytes(), b"1"), None);
        assert_eq!(table.find(one.as_bytes(), b"1"), Some((0, true)));
    }

    #[test]
    fn find_sees_the_table_as_it_is_after_evictions() {
        let mut table = DynamicTable::new(3 * 34);
        for (name, value) in [("a", "1"), ("b", "2"), ("c", "3"), ("d", "4")] {
            table.insert(field(name, value), &mut |_| {});
        }
        assert_eq!(table.find(b"a", b"1"), None);
        assert_eq!(table.find(b"b", b"2"), Some((2, true)));
        assert_eq!(table.find(b"d", b"9"), Some((0, false)));
    }
}
