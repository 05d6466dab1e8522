//! The words of an `h2lab-client` line, and the values they stand for.
//!
//! A line is split into words by [`tokens`]: spaces separate them; a `"…"` string may hold
//! spaces and the escapes `\"`, `\\`, `\r`, `\n`, `\t` and `\xNN` (so a value copied from the
//! output, which [`crate::trace::quote`] writes that way, reads back as the same octets); a word
//! that starts with `#` starts a comment that runs to the end of the line. Numbers are decimal or
//! `0x` hexadecimal; durations are `250ms`, `2s` or `1.5s`; frame types, settings and error codes
//! go by their RFC names in any case (`window_update`, `initial_window_size`, `cancel`) or by
//! number. [`Words`] hands a command its words one at a time.

use std::path::Path;
use std::time::Duration;

use crate::error::ErrorCode;
use crate::frame::{FrameType, SettingId};

/// The words of one line after its command, taken one at a time.
pub struct Words<'a> {
    words: &'a [String],
    next: usize,
    /// The folder `@FILE` payloads are read from.
    base: &'a Path,
}

impl<'a> Words<'a> {
    /// The words of a line after its command; `@FILE` payloads are read from `base`.
    pub fn new(words: &'a [String], base: &'a Path) -> Words<'a> {
        Words {
            words,
            next: 0,
            base,
        }
    }

    /// The next word, if any, without taking it.
    pub fn peek(&self) -> Option<&String> {
        self.words.get(self.next)
    }

    /// Takes the word [`Words::peek`] showed.
    pub fn skip(&mut self) {
        self.next += 1;
    }

    /// Takes the next word; `what` says what was expected when there is none.
    pub fn next(&mut self, what: &str) -> Result<String, String> {
        let word = self
            .peek()
            .cloned()
            .ok_or_else(|| format!("missing {what}"))?;
        self.skip();
        Ok(word)
    }

    /// Takes the next word if it is `flag`.
    pub fn flag(&mut self, flag: &str) -> bool {
        let found = self.peek().is_some_and(|word| word == flag);
        if found {
            self.skip();
        }
        found
    }

    /// Takes a stream identifier (31 bits, RFC 9113 §5.1.1).
    pub fn stream(&mut self) -> Result<u32, String> {
        let word = self.next("a stream number")?;
        let stream = number(&word, "a stream number")?;
        // RFC 9113 §5.1.1: "Streams are identified by an unsigned 31-bit integer." (The `frame`
        // command writes all 32 bits, for a reserved bit set on purpose.)
        if stream > MAX_STREAM_ID {
            return Err(format!(
                "stream {word} is more than 31 bits (RFC 9113 §5.1.1)"
            ));
        }
        Ok(stream)
    }

    /// Takes a number no larger than `max`.
    pub(super) fn number_up_to(&mut self, what: &str, max: u32) -> Result<u32, String> {
        let word = self.next(what)?;
        let value = number(&word, what)?;
        if value > max {
            return Err(format!("{what} {word} is more than {max}"));
        }
        Ok(value)
    }

    /// Takes a `within=D` if it comes next.
    pub fn within(&mut self) -> Result<Option<Duration>, String> {
        let Some(word) = self.peek().cloned() else {
            return Ok(None);
        };
        let Some((_, value)) = option_value(&word, &["within"]) else {
            return Ok(None);
        };
        self.skip();
        duration(value).map(Some)
    }

    /// Takes a payload if one comes next: `"text"`, `hex=…`, `size=N` or `@FILE`.
    pub fn payload(&mut self) -> Result<Option<Vec<u8>>, String> {
        let Some(word) = self.peek().cloned() else {
            return Ok(None);
        };
        let payload = if let Some(path) = word.strip_prefix('@') {
            let file = self.base.join(path);
            std::fs::read(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?
        } else if let Some((name, value)) = option_value(&word, &["hex", "size"]) {
            if name == "hex" {
                hex(value)?
            } else {
                vec![FILLER; number(value, "size")? as usize]
            }
        } else if word.starts_with('"') {
            octets(&word)?
        } else {
            return Ok(None);
        };
        self.skip();
        Ok(Some(payload))
    }

    /// The words not taken yet, all of them.
    pub(super) fn rest(&mut self) -> &'a [String] {
        let rest = self.words.get(self.next..).unwrap_or_default();
        self.next = self.words.len();
        rest
    }

    /// Fails if a word is left over.
    pub(super) fn finish(&self) -> Result<(), String> {
        match self.peek() {
            Some(word) => Err(format!("unexpected {word:?}")),
            None => Ok(()),
        }
    }
}

/// The largest stream identifier, 31 bits (RFC 9113 §5.1.1).
const MAX_STREAM_ID: u32 = 0x7fff_ffff;

/// The octet `size=N` payloads are made of: `a`.
const FILLER: u8 = 0x61;

/// Splits a line into words: spaces separate them except inside `"…"`, and a word that starts
/// with `#` ends the line.
pub fn tokens(text: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if quoted {
            word.push(c);
            match c {
                '\\' => word.extend(chars.next()),
                '"' => quoted = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                quoted = true;
                word.push(c);
            }
            c if c.is_whitespace() => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            '#' if word.is_empty() => break,
            c => word.push(c),
        }
    }
    if quoted {
        return Err(format!("a quote is not closed: {word}"));
    }
    if !word.is_empty() {
        words.push(word);
    }
    Ok(words)
}

/// A word's octets: text inside `"…"` unescaped, text outside taken as written.
pub fn octets(word: &str) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(word.len());
    let mut quoted = false;
    let mut chars = word.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => quoted = !quoted,
            '\\' if quoted => out.push(escape(&mut chars)?),
            c => {
                let mut buf = [0; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
    Ok(out)
}

/// The octet an escape stands for, after its backslash.
fn escape(chars: &mut std::str::Chars<'_>) -> Result<u8, String> {
    match chars.next() {
        Some('"') => Ok(b'"'),
        Some('\\') => Ok(b'\\'),
        Some('r') => Ok(b'\r'),
        Some('n') => Ok(b'\n'),
        Some('t') => Ok(b'\t'),
        Some('x') => {
            let digits: String = chars.take(2).collect();
            u8::from_str_radix(&digits, 16)
                .map_err(|_| format!("\\x{digits} is not two hex digits"))
        }
        other => Err(format!(
            "unknown escape \\{}: \\\" \\\\ \\r \\n \\t \\xNN",
            other.map(String::from).unwrap_or_default()
        )),
    }
}

/// `NAME=VALUE` split at the first `=` outside quotes, both parts as written.
pub fn split_assignment(word: &str) -> Option<(String, String)> {
    let mut quoted = false;
    let mut escaped = false;
    for (at, c) in word.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            '=' if !quoted => {
                let (name, value) = word.split_at(at);
                return Some((name.to_string(), value.get(1..)?.to_string()));
            }
            _ => {}
        }
    }
    None
}

/// `word` as one of `names` followed by `=`, unquoted: a command's own option, not a field.
pub fn option_value<'w>(word: &'w str, names: &[&'static str]) -> Option<(&'static str, &'w str)> {
    names
        .iter()
        .find_map(|&name| Some((name, word.strip_prefix(name)?.strip_prefix('=')?)))
}

/// A header field `NAME=VALUE`; either part may be quoted.
pub fn field(word: &str) -> Result<(Vec<u8>, Vec<u8>), String> {
    let (name, value) = split_assignment(word)
        .ok_or_else(|| format!("{word:?} is not a header field NAME=VALUE"))?;
    Ok((octets(&name)?, octets(&value)?))
}

/// A number, decimal or `0x` hexadecimal, of 32 bits.
pub fn number(word: &str, what: &str) -> Result<u32, String> {
    let parsed = match word.strip_prefix("0x") {
        Some(digits) => u32::from_str_radix(digits, 16),
        None => word.parse(),
    };
    parsed.map_err(|_| format!("{word:?} is not {what} (a number, decimal or 0x hex)"))
}

/// A number of at least 1.
pub(super) fn positive(word: &str, what: &str) -> Result<u32, String> {
    match number(word, what)? {
        0 => Err(format!("{what} must be at least 1")),
        value => Ok(value),
    }
}

/// A number that fits in one octet.
pub(super) fn octet(word: &str, what: &str) -> Result<u8, String> {
    u8::try_from(number(word, what)?).map_err(|_| format!("{what}={word} is more than 255"))
}

/// A priority weight of 1..=256, as its octet on the wire (weight − 1, RFC 9113 §6.3).
pub(super) fn weight_octet(word: &str) -> Result<u8, String> {
    let weight = number(word, "a weight")?;
    weight
        .checked_sub(1)
        .and_then(|octet| u8::try_from(octet).ok())
        .ok_or_else(|| format!("weight {word} is not between 1 and 256"))
}

/// An error code by name (any case) or number.
pub fn error_code(word: &str) -> Result<ErrorCode, String> {
    if let Ok(code) = number(word, "an error code") {
        return Ok(ErrorCode(code));
    }
    let wanted = word.to_ascii_uppercase();
    (0x0..=0xd)
        .map(ErrorCode)
        .find(|code| code.name() == Some(wanted.as_str()))
        .ok_or_else(|| {
            format!("unknown error code {word:?} (RFC 9113 §7: no_error, protocol_error, …)")
        })
}

/// Octets written as hex digits, spaces between them ignored.
pub fn hex(text: &str) -> Result<Vec<u8>, String> {
    let digits: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if !digits.len().is_multiple_of(2) {
        return Err(format!("{text:?} has an odd number of hex digits"));
    }
    digits
        .chunks(2)
        .map(|pair| {
            std::str::from_utf8(pair)
                .ok()
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
                .ok_or_else(|| format!("{text:?} is not hex"))
        })
        .collect()
}

/// A duration: `250ms`, `2s`, `1.5s`.
pub fn duration(word: &str) -> Result<Duration, String> {
    let wrong = || format!("{word:?} is not a duration (250ms, 2s, 1.5s)");
    if let Some(millis) = word.strip_suffix("ms") {
        return millis
            .parse()
            .map(Duration::from_millis)
            .map_err(|_| wrong());
    }
    let seconds: f64 = word
        .strip_suffix('s')
        .ok_or_else(wrong)?
        .parse()
        .map_err(|_| wrong())?;
    Duration::try_from_secs_f64(seconds).map_err(|_| wrong())
}

/// A setting by its name (with or without `SETTINGS_`, any case) or its number.
pub fn setting_id(name: &str) -> Result<SettingId, String> {
    if let Ok(id) = number(name, "a setting") {
        return u16::try_from(id)
            .map(SettingId)
            .map_err(|_| format!("setting identifier {name} is more than 16 bits"));
    }
    let wanted = name.to_ascii_uppercase();
    let wanted = wanted.strip_prefix("SETTINGS_").unwrap_or(&wanted);
    (0x1..=0x6)
        .map(SettingId)
        .find(|id| id.name().and_then(|n| n.strip_prefix("SETTINGS_")) == Some(wanted))
        .ok_or_else(|| {
            format!(
                "unknown setting {name:?}: header_table_size, enable_push, \
                 max_concurrent_streams, initial_window_size, max_frame_size, \
                 max_header_list_size, or a number"
            )
        })
}

/// A frame type by name (any case) or number.
pub fn frame_type(word: &str) -> Result<FrameType, String> {
    if let Ok(value) = number(word, "a frame type") {
        return u8::try_from(value)
            .map(FrameType)
            .map_err(|_| format!("frame type {word} is more than 8 bits"));
    }
    let wanted = word.to_ascii_uppercase();
    (0x0..=0x9)
        .map(FrameType)
        .find(|kind| kind.name() == Some(wanted.as_str()))
        .ok_or_else(|| {
            format!(
                "unknown frame type {word:?}: data, headers, priority, rst_stream, settings, \
                 push_promise, ping, goaway, window_update, continuation, or a number"
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_on_spaces_but_not_inside_quotes_and_stop_at_a_comment() {
        assert_eq!(
            tokens(r#"data 3 "a b\" c" x="1 2" # the rest"#).unwrap(),
            vec!["data", "3", r#""a b\" c""#, r#"x="1 2""#]
        );
        assert_eq!(tokens("  # only a comment").unwrap(), Vec::<String>::new());
        assert!(tokens(r#"ping "open"#).is_err());
    }

    #[test]
    fn quoted_text_reads_back_what_trace_quote_writes() {
        let original = b"a\"b\\c\r\n\xff";
        let written = crate::trace::quote(original);
        assert_eq!(octets(&written).unwrap(), original);
    }

    #[test]
    fn codes_and_types_are_names_in_any_case_or_numbers() {
        assert_eq!(error_code("cancel"), Ok(ErrorCode::CANCEL));
        assert_eq!(error_code("0x8"), Ok(ErrorCode::CANCEL));
        assert_eq!(frame_type("window_update"), Ok(FrameType::WINDOW_UPDATE));
        assert_eq!(frame_type("0xfa"), Ok(FrameType(0xfa)));
        assert!(error_code("oops").is_err());
    }

    #[test]
    fn durations_are_milliseconds_or_seconds() {
        assert_eq!(duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert!(duration("2").is_err());
    }
}
