//! A field's text, a name or a value, held the cheapest way its origin allows.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use crate::hpack::Octets;

/// The text of a field name or value of a [`super::Request`] or a [`super::Response`].
///
/// Most fields of a busy connection are not made for their message. A request's `:method GET` or
/// `user-agent` arrives as an index into a table that holds the octets already (RFC 7541 §6.1);
/// a response's `accept-ranges: bytes` is written in the source, a file's `etag` is held by the
/// file cache, the `date` is the same for a whole second. Such text is borrowed or shared: it
/// goes from HPACK to the handler, or from the handler to HPACK, without an allocation or a copy.
/// Text made for one message is owned.
#[derive(Clone)]
pub struct Text(Held);

#[derive(Clone)]
enum Held {
    Static(&'static str),
    Shared(Arc<str>),
    Owned(String),
}

impl Text {
    /// The text of `octets`, checked once here: as they are when they are UTF-8, as nearly every
    /// field is; otherwise each sequence that is not becomes U+FFFD.
    pub fn from_octets(octets: Octets) -> Text {
        let lossy = |octets: &[u8]| Held::Owned(String::from_utf8_lossy(octets).into_owned());
        Text(match octets {
            Octets::Static(text) => Held::Static(text),
            Octets::SharedText(text) => Held::Shared(text),
            Octets::Shared(octets) => lossy(&octets),
            Octets::Owned(octets) => String::from_utf8(octets)
                .map(Held::Owned)
                .unwrap_or_else(|error| lossy(error.as_bytes())),
        })
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Held::Static(text) => text,
            Held::Shared(text) => text,
            Held::Owned(text) => text,
        }
    }

    /// The same text, shared: for text that more than one holder keeps.
    pub fn into_shared(self) -> Text {
        match self.0 {
            Held::Owned(text) => Text(Held::Shared(text.into())),
            held => Text(held),
        }
    }

    /// The text's octets, for an HPACK field: borrowed, shared or owned as the text is.
    pub fn into_octets(self) -> Octets {
        match self.0 {
            Held::Static(text) => Octets::Static(text),
            Held::Shared(text) => Octets::SharedText(text),
            Held::Owned(text) => Octets::Owned(text.into_bytes()),
        }
    }
}

impl Default for Text {
    fn default() -> Text {
        Text(Held::Static(""))
    }
}

impl Deref for Text {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl From<&'static str> for Text {
    fn from(text: &'static str) -> Text {
        Text(Held::Static(text))
    }
}

impl From<String> for Text {
    fn from(text: String) -> Text {
        Text(Held::Owned(text))
    }
}

impl From<Arc<str>> for Text {
    fn from(text: Arc<str>) -> Text {
        Text(Held::Shared(text))
    }
}

/// Shown as the text is, whichever way it is held.
impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self)
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Text {}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_reaches_hpack_as_it_is_held() {
        let shared: Arc<str> = Arc::from("\"d-1\"");
        assert!(matches!(
            Text::from("bytes").into_octets(),
            Octets::Static("bytes")
        ));
        assert!(matches!(
            Text::from(Arc::clone(&shared)).into_octets(),
            Octets::SharedText(text) if Arc::ptr_eq(&text, &shared)
        ));
        assert!(matches!(
            Text::from("13".to_string()).into_octets(),
            Octets::Owned(octets) if octets == b"13"
        ));
    }

    #[test]
    fn octets_become_text_as_they_are_unless_they_are_not_utf8() {
        let shared = Octets::from(&b"caf\xc3\xa9"[..]).into_shared();
        let text = Text::from_octets(shared.clone());
        assert_eq!(text, "café");
        assert!(matches!(
            (text.into_octets(), shared),
            (Octets::SharedText(text), Octets::SharedText(table)) if Arc::ptr_eq(&text, &table)
        ));
        assert_eq!(
            Text::from_octets(Octets::from(&b"caf\xe9"[..])),
            "caf\u{fffd}"
        );
    }

    #[test]
    fn text_compares_and_shows_as_it_reads() {
        let shared: Arc<str> = Arc::from("bytes");
        assert_eq!(Text::from(shared), Text::from("bytes"));
        assert_eq!(Text::from("bytes".to_string()), "bytes");
        assert_eq!(format!("{:?}", Text::from("a\"b")), r#""a\"b""#);
        assert_eq!(Text::default(), "");
    }
}
