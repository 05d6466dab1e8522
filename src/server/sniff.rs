//! Which protocol a new connection speaks, from its first octets — RFC 9113 §3.3, §3.4; RFC 8446 §5.1
//!
//! One port takes every way in. The first octets the client sends tell them apart before any is
//! consumed (they are only peeked at):
//!
//! - `0x16` is the content type `handshake` of a TLS record (RFC 8446 §5.1): a ClientHello;
//! - the client connection preface `PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n` is HTTP/2 over cleartext
//!   TCP with prior knowledge (RFC 9113 §3.3);
//! - `METHOD SP target SP HTTP/1.x` is an HTTP/1.x request line, which gets a readable answer.
//!
//! Anything else is not a way in: RFC 9113 §3.4 makes an invalid preface a connection error
//! PROTOCOL_ERROR, and "a GOAWAY frame MAY be omitted in this case, since an invalid preface
//! indicates that the peer is not using HTTP/2", so the connection is closed without a word. A
//! preface that starts `PRI * HTTP/2.0` and then differs is such a case, not an HTTP/1.x request.

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
    /// Anything else, an invalid preface included: the connection is closed (§3.4).
    Unknown,
}

/// The TLS record content type `handshake` (RFC 8446 §5.1).
const TLS_HANDSHAKE: u8 = 0x16;

/// HTTP/1.x methods are tokens; the longest registered ones are short. A request line whose first
/// word is longer than this is not one a client would send.
const MAX_METHOD_LEN: usize = 24;

/// The most octets looked at before deciding. A request line whose target is longer than what
/// fits is taken for HTTP/1.x as far as it goes.
pub const LOOK_AHEAD: usize = 256;

/// The version that ends an HTTP/1.x request line (RFC 9112 §3).
const HTTP1_VERSION: &[u8] = b" HTTP/1.";

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
    let Some(space) = method_end(first)? else {
        return Some(Opening::Unknown);
    };
    request_line(first.get(space..).unwrap_or_default(), first.len())
}

/// Where the method of a request line ends (its space), `Some(None)` when the octets cannot start
/// one, `None` when more are needed.
fn method_end(first: &[u8]) -> Option<Option<usize>> {
    for (at, &octet) in first.iter().enumerate() {
        match octet {
            b'A'..=b'Z' | b'a'..=b'z' | b'-' | b'_' if at < MAX_METHOD_LEN => continue,
            b' ' if at > 0 => return Some(Some(at)),
            _ => return Some(None),
        }
    }
    if first.len() >= MAX_METHOD_LEN {
        return Some(None);
    }
    None
}

/// The rest of a request line after its method, ` target HTTP/1.x`: HTTP/1.x once the version is
/// seen (or the target fills [`LOOK_AHEAD`]), unknown when the line ends or breaks otherwise.
fn request_line(rest: &[u8], seen: usize) -> Option<Opening> {
    let target = rest.get(1..).unwrap_or_default();
    let Some(end) = target.iter().position(|&b| !b.is_ascii_graphic()) else {
        return (seen >= LOOK_AHEAD).then_some(Opening::Http1);
    };
    let version = target.get(end..).unwrap_or_default();
    let compared = version.len().min(HTTP1_VERSION.len());
    if end == 0 || version.get(..compared) != HTTP1_VERSION.get(..compared) {
        return Some(Opening::Unknown);
    }
    (compared == HTTP1_VERSION.len()).then_some(Opening::Http1)
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
        assert_eq!(classify(b"OPTIONS * HTTP/1.0"), Some(Opening::Http1));
        let long = format!("GET /{} HTTP/1.1", "a".repeat(LOOK_AHEAD));
        assert_eq!(
            classify(&long.as_bytes()[..LOOK_AHEAD]),
            Some(Opening::Http1)
        );
    }

    #[test]
    fn a_request_line_not_yet_whole_waits_for_more() {
        assert_eq!(classify(b"GE"), None);
        assert_eq!(classify(b"DELETE"), None);
        assert_eq!(classify(b"OPTIONS "), None);
        assert_eq!(classify(b"GET /index.html"), None);
        assert_eq!(classify(b"GET / HTTP/"), None);
    }

    #[test]
    fn an_invalid_preface_is_not_http1() {
        // RFC 9113 §3.4: a connection error PROTOCOL_ERROR, the GOAWAY omitted.
        let corrupted = b"PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n";
        assert_eq!(classify(corrupted), Some(Opening::Unknown));
        assert_eq!(classify(b"PRI * HTTP/2.1\r\n"), Some(Opening::Unknown));
        assert_eq!(classify(b"GET / HTTP/2.0\r\n"), Some(Opening::Unknown));
        assert_eq!(classify(b"GET /\r\n"), Some(Opening::Unknown));
        assert_eq!(classify(b"GET  / HTTP/1.1\r\n"), Some(Opening::Unknown));
    }

    #[test]
    fn binary_or_overlong_openings_are_unknown() {
        assert_eq!(classify(&[0x00, 0x00, 0x12, 0x04]), Some(Opening::Unknown));
        assert_eq!(classify(b" GET"), Some(Opening::Unknown));
        assert_eq!(classify(&[b'A'; 30]), Some(Opening::Unknown));
        assert_eq!(classify(b"GET\r\n"), Some(Opening::Unknown));
    }
}
