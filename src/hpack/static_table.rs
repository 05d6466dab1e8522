//! Static table — RFC 7541 §2.3.1 and Appendix A
//!
//! 61 fields that are common enough to be known by both sides in advance. Indices 1 to 61 of the
//! index address space (§2.3.3) refer to them; the dynamic table follows from 62.

/// The entries in index order (index 1 first), written out once from RFC 7541 Appendix A. The test
/// `table_matches_rfc_7541_appendix_a` checks every row against the RFC text.
pub(super) const ENTRIES: [(&[u8], &[u8]); 61] = [
    (b":authority", b""),                   // 1
    (b":method", b"GET"),                   // 2
    (b":method", b"POST"),                  // 3
    (b":path", b"/"),                       // 4
    (b":path", b"/index.html"),             // 5
    (b":scheme", b"http"),                  // 6
    (b":scheme", b"https"),                 // 7
    (b":status", b"200"),                   // 8
    (b":status", b"204"),                   // 9
    (b":status", b"206"),                   // 10
    (b":status", b"304"),                   // 11
    (b":status", b"400"),                   // 12
    (b":status", b"404"),                   // 13
    (b":status", b"500"),                   // 14
    (b"accept-charset", b""),               // 15
    (b"accept-encoding", b"gzip, deflate"), // 16
    (b"accept-language", b""),              // 17
    (b"accept-ranges", b""),                // 18
    (b"accept", b""),                       // 19
    (b"access-control-allow-origin", b""),  // 20
    (b"age", b""),                          // 21
    (b"allow", b""),                        // 22
    (b"authorization", b""),                // 23
    (b"cache-control", b""),                // 24
    (b"content-disposition", b""),          // 25
    (b"content-encoding", b""),             // 26
    (b"content-language", b""),             // 27
    (b"content-length", b""),               // 28
    (b"content-location", b""),             // 29
    (b"content-range", b""),                // 30
    (b"content-type", b""),                 // 31
    (b"cookie", b""),                       // 32
    (b"date", b""),                         // 33
    (b"etag", b""),                         // 34
    (b"expect", b""),                       // 35
    (b"expires", b""),                      // 36
    (b"from", b""),                         // 37
    (b"host", b""),                         // 38
    (b"if-match", b""),                     // 39
    (b"if-modified-since", b""),            // 40
    (b"if-none-match", b""),                // 41
    (b"if-range", b""),                     // 42
    (b"if-unmodified-since", b""),          // 43
    (b"last-modified", b""),                // 44
    (b"link", b""),                         // 45
    (b"location", b""),                     // 46
    (b"max-forwards", b""),                 // 47
    (b"proxy-authenticate", b""),           // 48
    (b"proxy-authorization", b""),          // 49
    (b"range", b""),                        // 50
    (b"referer", b""),                      // 51
    (b"refresh", b""),                      // 52
    (b"retry-after", b""),                  // 53
    (b"server", b""),                       // 54
    (b"set-cookie", b""),                   // 55
    (b"strict-transport-security", b""),    // 56
    (b"transfer-encoding", b""),            // 57
    (b"user-agent", b""),                   // 58
    (b"vary", b""),                         // 59
    (b"via", b""),                          // 60
    (b"www-authenticate", b""),             // 61
];

/// The number of entries: dynamic table indices start at `LEN + 1` (§2.3.3).
pub(super) const LEN: usize = ENTRIES.len();

/// The entry at `index` (1-based), or `None` past the static table.
pub(super) fn get(index: usize) -> Option<(&'static [u8], &'static [u8])> {
    ENTRIES.get(index.checked_sub(1)?).copied()
}

/// What the static table offers for a field: the index of an entry with the same name and value,
/// else the lowest index of an entry with the same name.
pub(super) fn find(name: &[u8], value: &[u8]) -> Option<(usize, bool)> {
    let names = names_by_length().get(name.len())?;
    let &(_, first, last) = names.iter().find(|(known, ..)| *known == name)?;
    let exact = (first..=last).find(|&index| get(index).is_some_and(|(_, v)| v == value));
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
            match same_length.iter_mut().find(|(known, ..)| known == name) {
                Some((_, _, last)) => *last = index,
                None => same_length.push((name, index, index)),
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
        assert_eq!(get(1), Some((&b":authority"[..], &b""[..])));
        assert_eq!(get(61), Some((&b"www-authenticate"[..], &b""[..])));
        assert_eq!(get(62), None);
    }

    #[test]
    fn find_prefers_an_exact_match_then_the_lowest_name_match() {
        assert_eq!(find(b":status", b"404"), Some((13, true)));
        assert_eq!(find(b":status", b"302"), Some((8, false)));
        assert_eq!(find(b"x-custom", b""), None);
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
            assert_eq!(
                get(index),
                Some((name.as_bytes(), value.as_bytes())),
                "static index {index}"
            );
        }
        assert_eq!(count, 61);
    }
}
