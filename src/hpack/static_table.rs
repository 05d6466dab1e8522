//! Static table — RFC 7541 §2.3.1 and Appendix A
//!
//! 61 fields that are common enough to be known by both sides in advance. Indices 1 to 61 of the
//! index address space (§2.3.3) refer to them; the dynamic table follows from 62.

/// The entries in index order (index 1 first), written out once from RFC 7541 Appendix A. The test
/// `table_matches_rfc_7541_appendix_a` checks every row against the RFC text.
pub(super) const ENTRIES: [(&str, &str); 61] = [
    (":authority", ""),                   // 1
    (":method", "GET"),                   // 2
    (":method", "POST"),                  // 3
    (":path", "/"),                       // 4
    (":path", "/index.html"),             // 5
    (":scheme", "http"),                  // 6
    (":scheme", "https"),                 // 7
    (":status", "200"),                   // 8
    (":status", "204"),                   // 9
    (":status", "206"),                   // 10
    (":status", "304"),                   // 11
    (":status", "400"),                   // 12
    (":status", "404"),                   // 13
    (":status", "500"),                   // 14
    ("accept-charset", ""),               // 15
    ("accept-encoding", "gzip, deflate"), // 16
    ("accept-language", ""),              // 17
    ("accept-ranges", ""),                // 18
    ("accept", ""),                       // 19
    ("access-control-allow-origin", ""),  // 20
    ("age", ""),                          // 21
    ("allow", ""),                        // 22
    ("authorization", ""),                // 23
    ("cache-control", ""),                // 24
    ("content-disposition", ""),          // 25
    ("content-encoding", ""),             // 26
    ("content-language", ""),             // 27
    ("content-length", ""),               // 28
    ("content-location", ""),             // 29
    ("content-range", ""),                // 30
    ("content-type", ""),                 // 31
    ("cookie", ""),                       // 32
    ("date", ""),                         // 33
    ("etag", ""),                         // 34
    ("expect", ""),                       // 35
    ("expires", ""),                      // 36
    ("from", ""),                         // 37
    ("host", ""),                         // 38
    ("if-match", ""),                     // 39
    ("if-modified-since", ""),            // 40
    ("if-none-match", ""),                // 41
    ("if-range", ""),                     // 42
    ("if-unmodified-since", ""),          // 43
    ("last-modified", ""),                // 44
    ("link", ""),                         // 45
    ("location", ""),                     // 46
    ("max-forwards", ""),                 // 47
    ("proxy-authenticate", ""),           // 48
    ("proxy-authorization", ""),          // 49
    ("range", ""),                        // 50
    ("referer", ""),                      // 51
    ("refresh", ""),                      // 52
    ("retry-after", ""),                  // 53
    ("server", ""),                       // 54
    ("set-cookie", ""),                   // 55
    ("strict-transport-security", ""),    // 56
    ("transfer-encoding", ""),            // 57
    ("user-agent", ""),                   // 58
    ("vary", ""),                         // 59
    ("via", ""),                          // 60
    ("www-authenticate", ""),             // 61
];

/// The number of entries: dynamic table indices start at `LEN + 1` (§2.3.3).
pub(super) const LEN: usize = ENTRIES.len();

/// The entry at `index` (1-based), or `None` past the static table.
pub(super) fn get(index: usize) -> Option<(&'static str, &'static str)> {
    ENTRIES.get(index.checked_sub(1)?).copied()
}

/// What the static table offers for a field: the index of an entry with the same name and value,
/// else the lowest index of an entry with the same name.
pub(super) fn find(name: &[u8], value: &[u8]) -> Option<(usize, bool)> {
    let names = names_by_length().get(name.len())?;
    let &(_, first, last) = names.iter().find(|(known, ..)| *known == name)?;
    let exact =
        (first..=last).find(|&index| get(index).is_some_and(|(_, v)| v.as_bytes() == value));
    Some(exact.map_or((first, false), |index| (index, true)))
}

/// A name of the table, with the indices of its first and last entry (the entries of one name
/// are neighbours in Appendix A).
type Name = (&'static [u8], usize, usize);

/// The table's names grouped by length: an encoder compares a name with the few of its length,
/// not with all 61 entries.
fn names_by_length() -> &'static [Vec<Name>] {
    static NAMES: std::sync::OnceLock<Vec<Vec<Name>>> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| {
        let longest = ENTRIES
            .iter()
            .map(|(name, _)| name.len())
            .max()
            .unwrap_or(0);
        let mut names: Vec<Vec<Name>> = vec![Vec::new(); longest + 1];
        for (position, (name, _)) in ENTRIES.iter().enumerate() {
            let index = position + 1;
            let same_length = &mut names[name.len()];
            match same_length
                .iter_mut()
                .find(|(known, ..)| *known == name.as_bytes())
            {
                Some((_, _, last)) => *last = index,
                None => same_length.push((name.as_bytes(), index, index)),
            }
        }
        names
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indices_start_at_1_and_end_at_61() {
        assert_eq!(get(0), None);
        assert_eq!(get(1), Some((":authority", "")));
        assert_eq!(get(61), Some(("www-authenticate", "")));
        assert_eq!(get(62), None);
    }

    #[test]
    fn find_prefers_an_exact_match_then_the_lowest_name_match() {
        assert_eq!(find(b":status", b"404"), Some((13, true)));
        assert_eq!(find(b":status", b"302"), Some((8, false)));
        assert_eq!(find(b"x-custom", b""), None);
    }

    /// `fields::check_field` does not check the static table's octets: this is why it need not.
    #[test]
    fn every_entry_keeps_the_field_rules_of_rfc_9113() {
        for (name, value) in ENTRIES {
            assert_eq!(crate::fields::check_name(name.as_bytes()), Ok(()));
            assert_eq!(
                crate::fields::check_value(name.as_bytes(), value.as_bytes()),
                Ok(())
            );
        }
    }

    /// Parses the rows of Table 1 (`| 2     | :method   | GET   |`) and checks each against
    /// [`ENTRIES`].
    #[test]
    fn table_matches_rfc_7541_appendix_a() {
        let Some(text) = crate::hpack::rfc7541_between(
            "Appendix A.  Static Table Definition",
            "Appendix B.  Huffman Code",
        ) else {
            return;
        };
        let mut count = 0;
        for line in text.lines() {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let [_, index, name, value, _] = cells[..] else {
                continue;
            };
            let Ok(index) = index.parse::<usize>() else {
                continue;
            };
            count += 1;
            assert_eq!(index, count, "rows in order");
            assert_eq!(get(index), Some((name, value)), "static index {index}");
        }
        assert_eq!(count, 61);
    }
}
