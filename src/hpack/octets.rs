//! A field name's or value's octets, held the cheapest way their origin allows.
//!
//! The same few fields go by on every request and response of a connection: `:method GET`, the
//! client's `user-agent`, our `server` and `date`. HPACK sends them as one index each (RFC 7541
//! §6.1), and the octets they stand for are already held: by the static table (Appendix A), by
//! the dynamic table's entry (§2.3.2), by the file cache that knows a file's `etag`. An
//! [`Octets`] refers to them there, so that handing a field on costs no allocation and no copy;
//! only octets that arrive in a literal (§6.2) or are made for one message are owned.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

/// The octets of a field name or value.
#[derive(Clone)]
pub enum Octets {
    /// Written in the program, and so text: the static table's, or a name or value in the source.
    Static(&'static str),
    /// Held by a table entry or a cache, and shared with it.
    Shared(Arc<[u8]>),
    /// Shared as [`Octets::Shared`], and known to be UTF-8, as nearly every field is: the layer
    /// above reads it as text without checking it again.
    SharedText(Arc<str>),
    /// Made for this one field.
    Owned(Vec<u8>),
}

impl Octets {
    /// The octets as a `Vec`: moved when owned, copied otherwise.
    pub fn into_vec(self) -> Vec<u8> {
        match self {
            Octets::Owned(octets) => octets,
            other => other.to_vec(),
        }
    }

    /// The same octets, shared: what a table entry holds, so that each field taken from it later
    /// is a reference, not a copy. Octets that are UTF-8 are shared as text.
    pub fn into_shared(self) -> Octets {
        match self {
            Octets::Owned(octets) => match String::from_utf8(octets) {
                Ok(text) => Octets::SharedText(text.into()),
                Err(error) => Octets::Shared(error.into_bytes().into()),
            },
            other => other,
        }
    }
}

impl Deref for Octets {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            Octets::Static(text) => text.as_bytes(),
            Octets::Shared(octets) => octets,
            Octets::SharedText(text) => text.as_bytes(),
            Octets::Owned(octets) => octets,
        }
    }
}

/// Shown as the octets are, whichever way they are held.
impl fmt::Debug for Octets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

/// Octets held in the same place are equal without a look at them: a field taken again from
/// the same table entry, cache or source string.
impl PartialEq for Octets {
    fn eq(&self, other: &Octets) -> bool {
        let (one, another) = (&**self, &**other);
        one.len() == another.len()
            && (std::ptr::eq(one.as_ptr(), another.as_ptr()) || one == another)
    }
}

impl Eq for Octets {}

impl std::hash::Hash for Octets {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (**self).hash(state);
    }
}

impl PartialEq<[u8]> for Octets {
    fn eq(&self, other: &[u8]) -> bool {
        **self == *other
    }
}

impl PartialEq<&[u8]> for Octets {
    fn eq(&self, other: &&[u8]) -> bool {
        **self == **other
    }
}

impl<const N: usize> PartialEq<[u8; N]> for Octets {
    fn eq(&self, other: &[u8; N]) -> bool {
        **self == other[..]
    }
}

impl<const N: usize> PartialEq<&[u8; N]> for Octets {
    fn eq(&self, other: &&[u8; N]) -> bool {
        **self == other[..]
    }
}

impl PartialEq<Vec<u8>> for Octets {
    fn eq(&self, other: &Vec<u8>) -> bool {
        **self == other[..]
    }
}

impl From<Vec<u8>> for Octets {
    fn from(octets: Vec<u8>) -> Octets {
        Octets::Owned(octets)
    }
}

impl From<String> for Octets {
    fn from(text: String) -> Octets {
        Octets::Owned(text.into_bytes())
    }
}

impl From<&[u8]> for Octets {
    fn from(octets: &[u8]) -> Octets {
        Octets::Owned(octets.to_vec())
    }
}

impl<const N: usize> From<&[u8; N]> for Octets {
    fn from(octets: &[u8; N]) -> Octets {
        Octets::Owned(octets.to_vec())
    }
}

impl From<&str> for Octets {
    fn from(text: &str) -> Octets {
        Octets::Owned(text.as_bytes().to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn octets_compare_by_content_however_held() {
        let shared = Octets::Shared(Arc::from(&b"gzip"[..]));
        assert_eq!(Octets::Static("gzip"), shared);
        assert_eq!(Octets::SharedText(Arc::from("gzip")), shared);
        assert_eq!(shared, Octets::from("gzip"));
        assert_eq!(shared, b"gzip");
        assert_eq!(format!("{shared:?}"), format!("{:?}", b"gzip".to_vec()));
    }

    #[test]
    fn sharing_owned_octets_keeps_them_and_moving_them_out_copies_only_borrowed_ones() {
        let shared = Octets::from("etag").into_shared();
        assert!(matches!(&shared, Octets::SharedText(text) if &text[..] == "etag"));
        let latin1 = Octets::from(&b"caf\xe9"[..]).into_shared();
        assert!(matches!(&latin1, Octets::Shared(octets) if &octets[..] == b"caf\xe9"));
        assert!(matches!(
            Octets::Static("x").into_shared(),
            Octets::Static("x")
        ));
        assert_eq!(shared.into_vec(), b"etag");
    }
}
