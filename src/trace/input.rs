//! The hex text that `h2lab-decode` reads, in each form people have at hand, told apart line by
//! line so that the forms may even be mixed:
//!
//! ```text
//! 000006 04 00 00000000 0003 00000064      plain hex: `xxd -p`, annotated by hand, capture files
//! 00000010: 0d0a 534d 0d0a 0d0a 0000 1204  ..SM......   `xxd`: offset, colon, groups, text
//! 00000010  03 00 00 00 80 00 04 00  00 ff  |..........|  `nghttp --hexdump`, `hexdump -C`
//! 00000027                                  the dump's length, alone, ends a `hexdump -C` dump
//! ```
//!
//! Plain hex may split an octet across lines and ignores whitespace; `#` starts a comment, and a
//! whole-line comment `# t=SECONDS` stamps the octets that follow with a time (capture files).
//! An offset line's text column is never read: only its hex groups are. Its offset must carry on
//! from the line before, or be 0 (the next of several dumps, as `nghttp --hexdump` prints one per
//! read), so a missing, doubled or cut line is an error rather than junk octets. A `*` line
//! (`xxd -a`, `hexdump -C`) stands for copies of the line before it, up to the next offset.
//!
//! One case is ambiguous: plain hex that starts with 8 digits and two spaces before two-digit
//! groups, as in `00000000  00 01`. Without a `|text|` column, such a line is read as a dump line
//! only when its offset is 0 or carries on a dump; otherwise it is plain hex.

use std::fmt;
use std::ops::Range;

/// A time since the connection began, in microseconds: the precision of capture files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Time(pub u64);

impl Time {
    /// Seconds as written in a capture file (`0.036512`): digits, optionally a point and up to 6
    /// more digits.
    pub fn parse(text: &str) -> Option<Time> {
        let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !digits(whole) || !digits(fraction) || fraction.len() > 6 {
            return None;
        }
        let seconds: u64 = whole.parse().ok()?;
        let micros: u64 = format!("{fraction:0<6}").parse().ok()?;
        seconds
            .checked_mul(1_000_000)
            .and_then(|m| m.checked_add(micros))
            .map(Time)
    }
}

impl fmt::Display for Time {
    /// Seconds with 6 decimals, as capture files write them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:06}", self.0 / 1_000_000, self.0 % 1_000_000)
    }
}

/// Octets read from hex text, with the times that `# t=` lines gave them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HexText {
    /// The octets, in order.
    pub octets: Vec<u8>,
    /// `(offset, time)`: the octets from `offset` on were stamped `time`, up to the next mark.
    pub times: Vec<(usize, Time)>,
}

impl HexText {
    /// The time of the octet at `offset`: that of the last mark at or before it; 0 before any.
    pub fn time_at(&self, offset: usize) -> Time {
        let marks_before = self.times.partition_point(|&(start, _)| start <= offset);
        match marks_before.checked_sub(1) {
            Some(last) => self.times[last].1,
            None => Time::default(),
        }
    }
}

/// Reads hex text in any of the forms of this module. Errors name the line (and the column,
/// where one character is at fault).
pub fn parse(text: &str) -> Result<HexText, String> {
    let mut reader = Reader::default();
    for (index, line) in text.lines().enumerate() {
        reader.line(index + 1, line)?;
    }
    reader.finish()
}

/// The two forms of a line that starts with an offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    /// `00000010: 0d0a 534d ...  text`
    Xxd,
    /// `00000010  03 00 00 00 ...  |text|`
    Canonical,
}

/// A dump in progress: lines of one form whose offsets carry on.
#[derive(Debug)]
struct Dump {
    form: Form,
    /// The offset that the dump's first line gave.
    first_offset: usize,
    /// Where the dump's first octet is in the output.
    start: usize,
    /// Where the last line's octets are in the output: what a `*` line repeats.
    last_line: Range<usize>,
}

/// A line that starts with an offset, taken apart.
struct OffsetLine<'a> {
    form: Form,
    offset: usize,
    /// The hex groups, each with its column (1-based).
    groups: Vec<(usize, &'a str)>,
    /// Whether the line has a text column (`|...|` for the canonical form).
    has_text: bool,
}

#[derive(Debug, Default)]
struct Reader {
    out: HexText,
    /// A plain-hex digit waiting for the second digit of its octet.
    high: Option<u8>,
    /// The dump that the last line with data belongs to.
    dump: Option<Dump>,
    /// The line of a `*` that waits for the next offset to say how many copies it stands for.
    repeat_line: Option<usize>,
}

impl Reader {
    fn line(&mut self, number: usize, line: &str) -> Result<(), String> {
        let trimmed = line.trim_start();
        if let Some(comment) = trimmed.strip_prefix('#') {
            if let Some(time) = comment.trim().strip_prefix("t=").and_then(Time::parse) {
                self.out.times.push((self.out.octets.len(), time));
            }
            return Ok(());
        }
        let code = line.split('#').next().unwrap_or("");
        if code.trim().is_empty() {
            return Ok(());
        }
        if code.trim() == "*" && self.dump.is_some() {
            self.repeat_line = Some(number);
            return Ok(());
        }
        if let Some(offset_line) = self.offset_line(code) {
            return self.dump_line(number, offset_line);
        }
        if let Some(length) = self.dump_length(code) {
            return self.end_dump(number, length);
        }
        self.plain(number, code)
    }

    /// `code` as a line of `xxd` or of a canonical dump, if it is one.
    fn offset_line<'a>(&self, code: &'a str) -> Option<OffsetLine<'a>> {
        let digits = code.bytes().take_while(u8::is_ascii_hexdigit).count();
        let offset = usize::from_str_radix(code.get(..digits)?, 16).ok()?;
        let rest = &code[digits..];
        if let Some(groups) = rest.strip_prefix(':') {
            // xxd: one space after the colon; two spaces before the text column.
            let hex = groups.split("  ").next().unwrap_or("");
            return Some(OffsetLine {
                form: Form::Xxd,
                offset,
                groups: columns(hex, digits + 1),
                has_text: hex.len() < groups.len(),
            });
        }
        if digits < 8 || !rest.starts_with("  ") {
            return None;
        }
        let (hex, text) = rest.split_once('|').unwrap_or((rest, ""));
        let line = OffsetLine {
            form: Form::Canonical,
            offset,
            groups: columns(hex, digits),
            has_text: !text.is_empty(),
        };
        let pairs = line
            .groups
            .iter()
            .all(|(_, g)| g.len() == 2 && g.bytes().all(|b| b.is_ascii_hexdigit()));
        let carries_on = offset == 0 || self.expected_offset(Form::Canonical) == Some(offset);
        (line.has_text || (pairs && !line.groups.is_empty() && carries_on)).then_some(line)
    }

    /// The offset the next line of the current dump must have, if that dump is of `form`.
    fn expected_offset(&self, form: Form) -> Option<usize> {
        let dump = self.dump.as_ref().filter(|d| d.form == form)?;
        Some(dump.first_offset + (self.out.octets.len() - dump.start))
    }

    fn dump_line(&mut self, number: usize, line: OffsetLine<'_>) -> Result<(), String> {
        if self.high.is_some() {
            return Err(odd_digits(number));
        }
        self.fill_repeat(number, line.offset)?;
        match self.expected_offset(line.form) {
            Some(expected) if expected == line.offset => {}
            Some(expected) if line.offset != 0 => {
                return Err(format!(
                    "line {number}: offset {:08x}, but the lines before end at {expected:08x}: a line is missing, doubled or cut",
                    line.offset
                ))
            }
            _ => {
                self.dump = Some(Dump {
                    form: line.form,
                    first_offset: line.offset,
                    start: self.out.octets.len(),
                    last_line: 0..0,
                })
            }
        }
        let start = self.out.octets.len();
        for (column, group) in line.groups {
            self.group(number, column, group, line.form)?;
        }
        let end = self.out.octets.len();
        if let Some(dump) = &mut self.dump {
            dump.last_line = start..end;
        }
        Ok(())
    }

    /// One hex group of an offset line: whole octets, two digits each.
    fn group(
        &mut self,
        number: usize,
        column: usize,
        group: &str,
        form: Form,
    ) -> Result<(), String> {
        let mut digits = Vec::with_capacity(group.len());
        for (i, c) in group.char_indices() {
            let Some(digit) = c.to_digit(16) else {
                return Err(not_hex(number, column + i, c));
            };
            // A hex digit is below 16, so it fits in a u8.
            digits.push(digit as u8);
        }
        let whole_octets = match form {
            Form::Xxd => digits.len() % 2 == 0,
            Form::Canonical => digits.len() == 2,
        };
        if !whole_octets {
            return Err(format!(
                "line {number}, column {column}: {group:?} is not a group of whole octets"
            ));
        }
        for pair in digits.chunks_exact(2) {
            self.out.octets.push(pair[0] << 4 | pair[1]);
        }
        Ok(())
    }

    /// `code` as the line that ends a canonical dump (its length alone), if it is one.
    fn dump_length(&self, code: &str) -> Option<usize> {
        let code = code.trim();
        self.expected_offset(Form::Canonical)?;
        if code.len() < 8 || !code.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        usize::from_str_radix(code, 16).ok()
    }

    fn end_dump(&mut self, number: usize, length: usize) -> Result<(), String> {
        self.fill_repeat(number, length)?;
        let expected = self.expected_offset(Form::Canonical).unwrap_or(length);
        if expected != length {
            return Err(format!(
                "line {number}: the dump ends at {length:08x}, but its lines end at {expected:08x}: a line is missing, doubled or cut"
            ));
        }
        self.dump = None;
        Ok(())
    }

    /// Copies the line before a pending `*` until the dump reaches `offset`.
    fn fill_repeat(&mut self, number: usize, offset: usize) -> Result<(), String> {
        let (Some(star), Some(dump)) = (self.repeat_line.take(), &self.dump) else {
            return Ok(());
        };
        let line = dump.last_line.clone();
        let reached = dump.first_offset + (self.out.octets.len() - dump.start);
        let copies = match offset.checked_sub(reached) {
            Some(gap) if !line.is_empty() && gap % line.len() == 0 => gap / line.len(),
            _ => {
                return Err(format!(
                    "line {number}: offset {offset:08x} is not a whole number of copies of the line before the '*' of line {star}"
                ))
            }
        };
        for _ in 0..copies {
            self.out.octets.extend_from_within(line.clone());
        }
        Ok(())
    }

    /// A line of plain hex: digits and whitespace.
    fn plain(&mut self, number: usize, code: &str) -> Result<(), String> {
        if let Some(star) = self.repeat_line {
            return Err(format!(
                "line {star}: '*' stands for repeated lines, but line {number} gives no offset where they end"
            ));
        }
        self.dump = None;
        for (i, c) in code.char_indices() {
            if c.is_whitespace() {
                continue;
            }
            let Some(digit) = c.to_digit(16) else {
                return Err(not_hex(number, i + 1, c));
            };
            // A hex digit is below 16, so it fits in a u8.
            let digit = digit as u8;
            match self.high.take() {
                Some(high) => self.out.octets.push(high << 4 | digit),
                None => self.high = Some(digit),
            }
        }
        Ok(())
    }

    fn finish(self) -> Result<HexText, String> {
        if self.high.is_some() {
            return Err("odd number of hex digits: the last octet is missing a digit".to_string());
        }
        if let Some(star) = self.repeat_line {
            return Err(format!(
                "line {star}: '*' stands for repeated lines, but no offset follows to say how many"
            ));
        }
        Ok(self.out)
    }
}

/// The whitespace-separated groups of `hex`, each with its 1-based column in the line, given that
/// `hex` starts at 0-based column `start`.
fn columns(hex: &str, start: usize) -> Vec<(usize, &str)> {
    let mut groups = Vec::new();
    let mut rest = hex;
    while let Some(at) = rest.find(|c: char| !c.is_whitespace()) {
        let group_len = rest[at..]
            .find(char::is_whitespace)
            .unwrap_or(rest.len() - at);
        let column = start + (hex.len() - rest.len()) + at + 1;
        groups.push((column, &rest[at..at + group_len]));
        rest = &rest[at + group_len..];
    }
    groups
}

fn not_hex(number: usize, column: usize, c: char) -> String {
    format!("line {number}, column {column}: {c:?} is not a hex digit")
}

fn odd_digits(number: usize) -> String {
    format!("line {number}: odd number of hex digits before this line")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn octets(text: &str) -> Vec<u8> {
        parse(text).unwrap().octets
    }

    #[test]
    fn plain_hex_ignores_whitespace_and_comments() {
        assert_eq!(octets("00 0a # a comment\n ff\n"), [0x00, 0x0a, 0xff]);
        assert_eq!(octets("0\na"), [0x0a], "an octet may span lines");
    }

    #[test]
    fn plain_hex_errors_name_line_and_column() {
        assert_eq!(
            parse("00\n0g").unwrap_err(),
            "line 2, column 2: 'g' is not a hex digit"
        );
        assert!(parse("abc").unwrap_err().starts_with("odd number"));
    }

    #[test]
    fn xxd_lines_give_their_groups_and_never_their_text() {
        let text = "\
00000000: 5052 4920 2a20 4854 5450 2f32 2e30 0d0a  PRI * HTTP/2.0..
00000010: 0d0a 534d 0d0a 0d0a 0000 1204            ..SM......
";
        let mut expected = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".to_vec();
        expected.extend([0x00, 0x00, 0x12, 0x04]);
        assert_eq!(octets(text), expected);
    }

    #[test]
    fn xxd_with_one_octet_groups_or_no_text_column_reads_the_same() {
        assert_eq!(octets("00000000: 00 00 12 04  ....\n"), [0, 0, 0x12, 4]);
        assert_eq!(octets("00000000: 0000 1204\n"), [0, 0, 0x12, 4]);
    }

    #[test]
    fn canonical_dumps_as_nghttp_prints_them_one_per_read() {
        let text = "\
00000000  00 00 00 04 01 00 00 00  00 00 00 6d 01 04 00 00  |...........m....|
00000010  00 0d                                             |..|
00000012
00000000  00 00 06 00 01 00 00 00  0d 68 65 6c 6c 6f 0a     |.........hello.|
0000000f
";
        let all = octets(text);
        assert_eq!(all.len(), 0x12 + 0x0f);
        assert_eq!(&all[..4], [0x00, 0x00, 0x00, 0x04]);
        assert_eq!(&all[all.len() - 6..], b"hello\n");
    }

    #[test]
    fn a_text_column_with_a_bar_or_a_hash_inside_is_skipped() {
        assert_eq!(
            octets("00000000  7c 23 41                                          ||#A|\n00000003\n"),
            [0x7c, 0x23, 0x41]
        );
    }

    #[test]
    fn a_canonical_dump_without_its_text_column_is_still_recognised() {
        let text = "00000000  00 00 04 08 00 00 00  00 00\n00000009  00\n0000000a\n";
        assert_eq!(octets(text), [0, 0, 4, 8, 0, 0, 0, 0, 0, 0]);
    }

    #[test]
    fn eight_digits_two_spaces_and_pairs_off_any_dump_are_plain_hex() {
        assert_eq!(octets("00000001  82 86"), [0, 0, 0, 1, 0x82, 0x86]);
    }

    #[test]
    fn a_missing_line_is_an_error_not_junk() {
        let text = "\
00000000: 0000 1204 0000 0000 0000 0300 0000 6400  ..............d.
00000020: 0000 0300 0000 6400 0402 0000 0000 0200  ......d.........
";
        assert_eq!(
            parse(text).unwrap_err(),
            "line 2: offset 00000020, but the lines before end at 00000010: a line is missing, doubled or cut"
        );
        let cut = "00000000  00 00 00 04 01 00 00 00  00 00 00 6d  |...|\n00000010\n";
        assert_eq!(
            parse(cut).unwrap_err(),
            "line 2: the dump ends at 00000010, but its lines end at 0000000c: a line is missing, doubled or cut"
        );
    }

    #[test]
    fn a_bad_group_names_its_column() {
        assert_eq!(
            parse("00000000: 00x0 1204  ....").unwrap_err(),
            "line 1, column 13: 'x' is not a hex digit"
        );
    }

    #[test]
    fn a_star_stands_for_copies_of_the_line_before() {
        let zeros = "\
00000000: 0000 0000 0000 0000 0000 0000 0000 0000  ................
*
00000030: 0000 0000 0000 0000 0000 0000 0000 0000  ................
";
        assert_eq!(octets(zeros), [0; 64]);
        let canonical = "\
00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
*
00000040
";
        assert_eq!(octets(canonical), [0; 64]);
        assert!(parse("00000000: 0000  ..\n*\n").is_err());
    }

    #[test]
    fn time_lines_stamp_the_octets_that_follow() {
        let text = parse("# h2lab capture\n# t=0.000000\n0000\n# t=0.036512\nff ff\n").unwrap();
        assert_eq!(text.octets, [0, 0, 0xff, 0xff]);
        assert_eq!(text.times, [(0, Time(0)), (2, Time(36_512))]);
        assert_eq!(text.time_at(1), Time(0));
        assert_eq!(text.time_at(3), Time(36_512));
        assert_eq!(Time(36_512).to_string(), "0.036512");
    }

    #[test]
    fn times_are_seconds_with_up_to_six_decimals() {
        assert_eq!(Time::parse("12"), Some(Time(12_000_000)));
        assert_eq!(Time::parse("1.5"), Some(Time(1_500_000)));
        for bad in ["", ".5", "1.1234567", "-1", "1e3", "x"] {
            assert_eq!(Time::parse(bad), None, "{bad}");
        }
    }

    /// `octets` as `xxd` prints them: 16 a line in groups of 2, then the text column.
    fn xxd(octets: &[u8]) -> String {
        let mut out = String::new();
        for (i, line) in octets.chunks(16).enumerate() {
            let groups: Vec<String> = line
                .chunks(2)
                .map(|g| g.iter().map(|b| format!("{b:02x}")).collect())
                .collect();
            out.push_str(&format!(
                "{:08x}: {:<40} {}\n",
                i * 16,
                groups.join(" "),
                text(line)
            ));
        }
        out
    }

    /// `octets` as `hexdump -C` prints them, its length last.
    fn canonical(octets: &[u8]) -> String {
        let mut out = String::new();
        for (i, line) in octets.chunks(16).enumerate() {
            let pairs: Vec<String> = line.iter().map(|b| format!("{b:02x}")).collect();
            let (left, right) = pairs.split_at(pairs.len().min(8));
            let hex = format!("{}  {}", left.join(" "), right.join(" "));
            out.push_str(&format!("{:08x}  {hex:<48}  |{}|\n", i * 16, text(line)));
        }
        out.push_str(&format!("{:08x}\n", octets.len()));
        out
    }

    /// The text column: printable ASCII as is, anything else as a dot.
    fn text(octets: &[u8]) -> String {
        octets
            .iter()
            .map(|&b| {
                if (0x20..0x7f).contains(&b) {
                    char::from(b)
                } else {
                    '.'
                }
            })
            .collect()
    }

    proptest::proptest! {
        #[test]
        fn xxd_and_canonical_dumps_give_back_their_octets(
            octets in proptest::collection::vec(proptest::prelude::any::<u8>(), 1..100)
        ) {
            proptest::prop_assert_eq!(&parse(&xxd(&octets)).unwrap().octets, &octets);
            proptest::prop_assert_eq!(&parse(&canonical(&octets)).unwrap().octets, &octets);
        }

        #[test]
        fn any_text_is_read_or_refused_never_a_panic(text in "[0-9a-f :|*#t=.\n]{0,200}") {
            let _ = parse(&text);
        }
    }
}
