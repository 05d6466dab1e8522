//! A response's field name — RFC 9113 §8.2.1: lowercase, whoever wrote it.

use std::borrow::Cow;

use crate::hpack::Octets;

/// The name of a field that a handler puts in a [`super::Response`]: lowercase from the moment it
/// is made, so that the connection sends it as it is. A name written in the source, as nearly
/// every one is, is borrowed: it costs nothing until HPACK takes its octets.
///
/// RFC 9113 §8.2.1: A field name MUST NOT contain characters in the ranges 0x00-0x20, 0x41-0x5a,
/// or 0x7f-0xff. (0x41-0x5a: uppercase.) An uppercase letter is turned into its lowercase here;
/// the rest of the rule is the handler's to keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldName(Cow<'static, str>);

impl FieldName {
    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name's octets, for an HPACK field: a name written in the source is borrowed, one made
    /// at run time moved.
    pub fn into_octets(self) -> Octets {
        match self.0 {
            Cow::Borrowed(name) => Octets::Static(name),
            Cow::Owned(name) => Octets::Owned(name.into_bytes()),
        }
    }
}

impl From<&'static str> for FieldName {
    fn from(name: &'static str) -> FieldName {
        if name.bytes().any(|c| c.is_ascii_uppercase()) {
            return FieldName(Cow::Owned(name.to_ascii_lowercase()));
        }
        FieldName(Cow::Borrowed(name))
    }
}

impl From<String> for FieldName {
    fn from(mut name: String) -> FieldName {
        name.make_ascii_lowercase();
        FieldName(Cow::Owned(name))
    }
}

impl PartialEq<str> for FieldName {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_lowercase_however_it_was_written() {
        assert_eq!(FieldName::from("Content-Type").as_str(), "content-type");
        assert_eq!(FieldName::from("X-Fill".to_string()).as_str(), "x-fill");
        assert_eq!(
            FieldName::from("X-Fill".to_string()).into_octets(),
            b"x-fill"
        );
    }

    #[test]
    fn a_lowercase_name_written_in_the_source_is_borrowed() {
        assert!(matches!(FieldName::from("etag").0, Cow::Borrowed("etag")));
        assert!(matches!(
            FieldName::from("etag").into_octets(),
            Octets::Static("etag")
        ));
    }
}
