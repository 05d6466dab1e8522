//! JSON strings — RFC 8259 §7: the one place where h2lab escapes text for a JSON document (the
//! echo built-in and `h2lab-decode --json`).

use std::fmt::Write;

/// Appends `bytes` to `out` as a quoted JSON string.
///
/// Quotation mark, reverse solidus and the control characters U+0000 to U+001F are escaped
/// (RFC 8259 §7: they MUST be escaped); so are U+007F and U+2028/U+2029, which some readers choke on.
/// JSON text is Unicode, so octets that are not UTF-8 cannot be carried as they are: each
/// ill-formed sequence becomes U+FFFD, as `String::from_utf8_lossy` would do.
pub fn push_str(out: &mut String, bytes: &[u8]) {
    out.push('"');
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            push_char(out, c);
        }
        if !chunk.invalid().is_empty() {
            out.push_str("\\ufffd");
        }
    }
    out.push('"');
}

/// One character, escaped if JSON or its readers need it.
fn push_char(out: &mut String, c: char) {
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{08}' => out.push_str("\\b"),
        '\u{0c}' => out.push_str("\\f"),
        '\u{00}'..='\u{1f}' | '\u{7f}' | '\u{2028}' | '\u{2029}' => {
            // Writing to a String cannot fail.
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        }
        _ => out.push(c),
    }
}

/// `bytes` as a quoted JSON string.
pub fn string(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 2);
    push_str(&mut out, bytes);
    out
}

/// Appends `[[name, value], …]`: a list of fields that keeps order and repeated names, which a JSON
/// object would not.
pub fn push_fields<T: std::ops::Deref<Target = str>>(out: &mut String, fields: &[(T, T)]) {
    push_field_list(
        out,
        fields
            .iter()
            .map(|(name, value)| (name.as_bytes(), value.as_bytes())),
    );
}

/// [`push_fields`] for fields held as octets, such as a decoded HPACK header list.
pub fn push_field_list<'a>(
    out: &mut String,
    fields: impl IntoIterator<Item = (&'a [u8], &'a [u8])>,
) {
    out.push('[');
    for (i, (name, value)) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('[');
        push_str(out, name);
        out.push(',');
        push_str(out, value);
        out.push(']');
    }
    out.push(']');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_and_backslash_are_escaped() {
        assert_eq!(string(b"a\"b\\c"), r#""a\"b\\c""#);
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(
            string(&[0x00, 0x08, 0x09, 0x0a, 0x0c, 0x0d, 0x1f, 0x7f]),
            r#""\u0000\b\t\n\f\r\u001f\u007f""#
        );
    }

    #[test]
    fn line_and_paragraph_separators_are_escaped() {
        assert_eq!(string("\u{2028}\u{2029}".as_bytes()), r#""\u2028\u2029""#);
    }

    #[test]
    fn utf8_passes_through() {
        assert_eq!(string("é€😀".as_bytes()), "\"é€😀\"");
    }

    #[test]
    fn invalid_utf8_becomes_replacement_character() {
        assert_eq!(string(&[0x61, 0xff, 0x62, 0xc3]), r#""a\ufffdb\ufffd""#);
    }

    #[test]
    fn fields_keep_order_and_repeats() {
        let fields = vec![
            (":method".to_string(), "GET".to_string()),
            ("x".to_string(), "1".to_string()),
            ("x".to_string(), "\"".to_string()),
        ];
        let mut out = String::new();
        push_fields(&mut out, &fields);
        assert_eq!(out, r#"[[":method","GET"],["x","1"],["x","\""]]"#);
    }

    proptest::proptest! {
        #[test]
        fn any_octets_give_a_json_string_that_parses_back_to_the_lossy_text(
            data in proptest::collection::vec(proptest::num::u8::ANY, 0..64),
        ) {
            let parsed: String = serde_json::from_str(&string(&data))
                .map_err(|e| proptest::test_runner::TestCaseError::fail(e.to_string()))?;
            proptest::prop_assert_eq!(parsed, String::from_utf8_lossy(&data).into_owned());
        }
    }
}
