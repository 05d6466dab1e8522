//! Request targets to file names — RFC 3986 §2.1 (percent-encoding) and §3.3 (path segments).
//!
//! Everything that decides which file a `:path` names happens here, before the file system is
//! asked anything: what leaves this module is a list of plain names, none of which can climb out of
//! the root (no `..`, no slash, no backslash, no NUL). The second half of the defence, that a
//! symbolic link may not lead outside the root, is in `files.rs`, where the file system is asked.

/// Why a target cannot name a file; each is answered with 400 Bad Request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathError {
    /// The path does not begin with `/` (asterisk-form, or empty).
    NotOriginForm,
    /// A `%` not followed by two hexadecimal digits (RFC 3986 §2.1).
    BadEscape,
    /// A `..` segment, which would climb above the folder it is in.
    DotDot,
    /// A segment that decodes to a slash, backslash or NUL: it would not be one name on disk.
    ForbiddenOctet,
}

impl PathError {
    /// A one-line explanation for the response body.
    pub fn reason(self) -> &'static str {
        match self {
            PathError::NotOriginForm => "the path must begin with /",
            PathError::BadEscape => "invalid percent-encoding in the path",
            PathError::DotDot => "the path may not contain a .. segment",
            PathError::ForbiddenOctet => {
                "the path may not contain an encoded slash, a backslash or NUL"
            }
        }
    }
}

/// A decoded path: the names to follow from the root, and whether it ended with `/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// Decoded segments, empty and `.` segments left out.
    pub segments: Vec<Vec<u8>>,
    /// Whether the path ended with `/` (it names a folder).
    pub trailing_slash: bool,
    /// The query, without its `?`, if any; not used to find the file.
    pub query: Option<String>,
}

/// Splits `path` (the `:path` pseudo-header) into decoded segments.
pub fn parse(path: &str) -> Result<Target, PathError> {
    let (path, query) = match path.split_once('?') {
        Some((path, query)) => (path, Some(query.to_string())),
        None => (path, None),
    };
    let Some(rest) = path.strip_prefix('/') else {
        return Err(PathError::NotOriginForm);
    };
    let mut segments = Vec::new();
    for raw in rest.split('/') {
        let segment = decode(raw)?;
        if segment.is_empty() || segment == b"." {
            continue;
        }
        if segment == b".." {
            return Err(PathError::DotDot);
        }
        if segment.iter().any(|&b| matches!(b, 0x00 | b'/' | b'\\')) {
            return Err(PathError::ForbiddenOctet);
        }
        segments.push(segment);
    }
    Ok(Target {
        segments,
        trailing_slash: path.ends_with('/'),
        query,
    })
}

/// RFC 3986 §2.1: `%` HEXDIG HEXDIG is one octet; anything else after `%` is an error.
pub fn decode(raw: &str) -> Result<Vec<u8>, PathError> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b != b'%' {
            out.push(b);
            i += 1;
            continue;
        }
        let high = bytes.get(i + 1).and_then(|&h| hex_value(h));
        let low = bytes.get(i + 2).and_then(|&l| hex_value(l));
        let (Some(high), Some(low)) = (high, low) else {
            return Err(PathError::BadEscape);
        };
        out.push(high << 4 | low);
        i += 3;
    }
    Ok(out)
}

fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 0x0a),
        b'A'..=b'F' => Some(digit - b'A' + 0x0a),
        _ => None,
    }
}

/// One segment percent-encoded for a URL: only RFC 3986 §2.3 unreserved characters stay as they
/// are, so a name such as `javascript:x` or `a?b#c` stays a relative path to that file.
pub fn encode_segment(segment: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(segment.len());
    for &b in segment {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(DIGITS[usize::from(b >> 4)]));
            out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segments(path: &str) -> Result<Vec<Vec<u8>>, PathError> {
        parse(path).map(|t| t.segments)
    }

    #[test]
    fn plain_path_splits_into_segments() {
        assert_eq!(
            segments("/a/b.txt"),
            Ok(vec![b"a".to_vec(), b"b.txt".to_vec()])
        );
    }

    #[test]
    fn query_is_ignored_but_kept() {
        let target = parse("/a/?x=/../y").unwrap();
        assert_eq!(target.segments, vec![b"a".to_vec()]);
        assert!(target.trailing_slash);
        assert_eq!(target.query.as_deref(), Some("x=/../y"));
    }

    #[test]
    fn percent_escapes_decode_to_octets() {
        assert_eq!(
            segments("/a%20b/%C3%A9%ff"),
            Ok(vec![b"a b".to_vec(), vec![0xc3, 0xa9, 0xff]])
        );
    }

    #[test]
    fn invalid_escapes_are_bad_escape() {
        for path in ["/%", "/%4", "/%zz", "/a%2", "/%%41", "/%g0"] {
            assert_eq!(segments(path), Err(PathError::BadEscape), "{path}");
        }
    }

    #[test]
    fn dot_dot_in_any_spelling_is_refused() {
        for path in ["/..", "/a/../..", "/%2e%2e/x", "/.%2E/", "/a/..?q"] {
            assert_eq!(segments(path), Err(PathError::DotDot), "{path}");
        }
    }

    #[test]
    fn names_that_only_begin_with_dots_are_allowed() {
        assert_eq!(
            segments("/.../..a/.b"),
            Ok(vec![b"...".to_vec(), b"..a".to_vec(), b".b".to_vec()])
        );
    }

    #[test]
    fn encoded_slash_backslash_and_nul_are_refused() {
        for path in [
            "/a%2fb",
            "/..%2f..%2fetc",
            "/%5c..%5c",
            "/a\\b",
            "/..\\x",
            "/a%00.txt",
        ] {
            assert_eq!(segments(path), Err(PathError::ForbiddenOctet), "{path}");
        }
    }

    #[test]
    fn empty_and_dot_segments_are_skipped() {
        assert_eq!(
            segments("//a/./b//"),
            Ok(vec![b"a".to_vec(), b"b".to_vec()])
        );
        assert_eq!(segments("/"), Ok(vec![]));
    }

    #[test]
    fn path_must_be_origin_form() {
        assert_eq!(segments("*"), Err(PathError::NotOriginForm));
        assert_eq!(segments(""), Err(PathError::NotOriginForm));
        assert_eq!(segments("a/b"), Err(PathError::NotOriginForm));
    }

    #[test]
    fn encode_keeps_only_unreserved() {
        assert_eq!(encode_segment(b"aZ0-._~"), "aZ0-._~");
        assert_eq!(
            encode_segment(b"javascript:x?#%/ \xff"),
            "javascript%3Ax%3F%23%25%2F%20%FF"
        );
    }

    proptest::proptest! {
        #[test]
        fn encode_then_decode_is_identity(
            segment in proptest::collection::vec(proptest::num::u8::ANY, 0..32),
        ) {
            proptest::prop_assert_eq!(decode(&encode_segment(&segment)), Ok(segment));
        }
    }
}
