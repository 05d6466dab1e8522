//! Which protocol a new connection speaks, from its first octets — RFC 9113 §3.3, §3.4; RFC 8446 §5.1
//!
//! One port takes every way in. The first octets the client sends tell them apart before any is
//! consumed (they are only peeked at):
//!
//! - `0x16` is the content type `handshake` of a TLS record (RFC 8446 §5.1): a ClientHello;
//! - the client connection preface `PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n` is HTTP/2 over cleartext
//!   TCP with prior knowledge (RFC 9113 §3.3);
//! - a token of letters followed by a space is the start of an HTTP/1.x request line.

use crate::frame::PREFACE;

/// What the first octets of a connection say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opening {
    /// A TLS record of type handshake: a ClientHello follows.
    Tls,
    /// The HTTP/2 client connection preface, in cleartext.
    H2c,
    /// An HTTP/1.x request line (`GET / HTTP/1.1`), which deserves a readable answer.
    Http1,
    /// Anything else: the connection is closed.
    Unknown,
}

/// The TLS record content type `handshake` (RFC 8446 §5.1).
const TLS_HANDSHAKE: u8 = 0x16;

/// HTTP/1.x methods are tokens; the longest registered ones are short. A request line whose first
/// word is longer than this is not one a client would send.
const MAX_METHOD_LEN: usize = 24;

/// What `first` (the octets peeked so far, at least one) says, or `None` when more are needed.
pub fn classify(first: &[u8]) -> Option<Opening> {
    let &head = first.first()?;
    if head == TLS_HANDSHAKE {
        return Some(Opening::Tls);
    }
    let compared = first.len().min(PREFACE.len());
    if first.get(..compared) == PREFACE.get(..compared) {
        // RFC 9113 §3.4: "the connection preface starts with the string PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
        return if compared == PREFACE.len() {
            Some(Opening::H2c)
        } else {
            None
        };
    }
    for (at, &octet) in first.iter().enumerate() {
        match octet {
            b'A'..=b'Z' | b'a'..=b'z' | b'-' | b'_' if at < MAX_METHOD_LEN => continue,
            b' ' if at > 0 => return Some(Opening::Http1),
            _ => return Some(Opening::Unknown),
        }
    }
    if first.len() >= MAX_METHOD_LEN {
        return Some(Opening::Unknown);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tls_handshake_record_is_tls() {
        assert_eq!(classify(&[0x16]), Some(Opening::Tls));
        assert_eq!(
            classify(&[0x16, 0x03, 0x01, 0x02, 0x00]),
            Some(Opening::Tls)
        );
    }

    #[test]
    fn the_whole_preface_is_h2c() {
        assert_eq!(classify(PREFACE), Some(Opening::H2c));
        let mut with_settings = PREFACE.to_vec();
        with_settings.extend_from_slice(&[0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00]);
        assert_eq!(classify(&with_settings), Some(Opening::H2c));
    }

    #[test]
    fn a_partial_preface_waits_for_more() {
        assert_eq!(classify(b"P"), None);
        assert_eq!(classify(b"PRI * HTTP/2.0\r\n"), None);
        assert_eq!(classify(&PREFACE[..23]), None);
    }

    #[test]
    fn a_request_line_is_http1() {
        assert_eq!(classify(b"GET / HTTP/1.1\r\n"), Some(Opening::Http1));
        assert_eq!(classify(b"PRI / HTTP/1.1\r\n"), Some(Opening::Http1));
        assert_eq!(classify(b"OPTIONS "), Some(Opening::Http1));
    }

    #[test]
    fn a_method_without_its_space_yet_waits_for_more() {
        assert_eq!(classify(b"GE"), None);
        assert_eq!(classify(b"DELETE"), None);
    }

    #[test]
    fn binary_or_overlong_openings_are_unknown() {
        assert_eq!(classify(&[0x00, 0x00, 0x12, 0x04]), Some(Opening::Unknown));
        assert_eq!(classify(b" GET"), Some(Opening::Unknown));
        assert_eq!(classify(&[b'A'; 30]), Some(Opening::Unknown));
        assert_eq!(classify(b"GET\r\n"), Some(Opening::Unknown));
    }
}
