//! A response's field value: text, held the cheapest way its origin allows.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use crate::hpack::Octets;

/// The value of a field that a handler puts in a [`super::Response`]. Most values of a busy
/// server's responses are not made for the response: `accept-ranges: bytes` is written in the
/// source, a file's `etag` is held by the file cache, the `date` is the same for a whole second.
/// Such a value is borrowed or shared, and reaches HPACK without an allocation or a copy
/// ([`hpack::Octets`](crate::hpack::Octets)); one made for the response is owned.
#[derive(Clone)]
pub struct FieldValue(Text);

#[derive(Clone)]
enum Text {
    Static(&'static str),
    Shared(Arc<str>),
    Owned(String),
}

impl FieldValue {
    /// The value.
    pub fn as_str(&self) -> &str {
        self
    }

    /// The value's octets, for an HPACK field: borrowed or shared as the value is, moved when it
    /// is owned.
    pub fn into_octets(self) -> Octets {
        match self.0 {
            Text::Static(text) => Octets::Static(text.as_bytes()),
            Text::Shared(text) => Octets::Shared(text.into()),
            Text::Owned(text) => Octets::Owned(text.into_bytes()),
        }
    }
}

impl Deref for FieldValue {
    type Target = str;

    fn deref(&self) -> &str {
        match &self.0 {
            Text::Static(text) => text,
            Text::Shared(text) => text,
            Text::Owned(text) => text,
        }
    }
}

impl From<&'static str> for FieldValue {
    fn from(text: &'static str) -> FieldValue {
        FieldValue(Text::Static(text))
    }
}

impl From<String> for FieldValue {
    fn from(text: String) -> FieldValue {
        FieldValue(Text::Owned(text))
    }
}

impl From<Arc<str>> for FieldValue {
    fn from(text: Arc<str>) -> FieldValue {
        FieldValue(Text::Shared(text))
    }
}

/// Shown as the text is, whichever way it is held.
impl fmt::Debug for FieldValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for FieldValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self)
    }
}

impl PartialEq for FieldValue {
    fn eq(&self, other: &FieldValue) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for FieldValue {}

impl PartialEq<str> for FieldValue {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for FieldValue {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_reaches_hpack_as_it_is_held() {
        let shared: Arc<str> = Arc::from("\"d-1\"");
        assert!(matches!(
            FieldValue::from("bytes").into_octets(),
            Octets::Static(b"bytes")
        ));
        assert!(matches!(
            FieldValue::from(Arc::clone(&shared)).into_octets(),
            Octets::Shared(octets) if &octets[..] == b"\"d-1\""
        ));
        assert!(matches!(
            FieldValue::from("13".to_string()).into_octets(),
            Octets::Owned(octets) if octets == b"13"
        ));
    }

    #[test]
    fn values_compare_and_show_as_their_text() {
        let shared: Arc<str> = Arc::from("bytes");
        assert_eq!(FieldValue::from(shared), FieldValue::from("bytes"));
        assert_eq!(FieldValue::from("bytes".to_string()), "bytes");
        assert_eq!(format!("{:?}", FieldValue::from("a\"b")), r#""a\"b""#);
    }
}
