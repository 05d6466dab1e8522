//! The rules of RFC 9113 §8.1–§8.3 on the field lines of one message, as pure checks.
//!
//! Two places apply them: the server's request validation (`http::validate`), which stops at the
//! first rule a request breaks, and `h2lab-decode --check` (`trace::check`), which reports every
//! rule that a request, a response or a trailer section breaks. Both read the rules from here, so
//! the module sits low, just above `hpack`. Each check returns why it failed, RFC section included.

use std::ops::Deref;

use crate::hpack::{is_valid_field_name, Field, Octets};

/// Header fields that only mean something on a single HTTP/1.1 hop (RFC 9113 §8.2.2).
pub const CONNECTION_SPECIFIC: [&str; 5] = [
    "connection",
    "keep-alive",
    "proxy-connection",
    "transfer-encoding",
    "upgrade",
];

/// The checks of §8.2.1 that apply to every field, pseudo or not: [`check_name`], then
/// [`check_value`]. Octets written in the program ([`Octets::Static`]) are not checked: in a
/// decoded field they are the static table's (RFC 7541 Appendix A), whose names and values keep
/// the rules, and a request's `:method GET` or `:scheme https` is nearly always one.
pub fn check_field(field: &Field) -> Result<(), String> {
    if !matches!(field.name, Octets::Static(_)) {
        check_name(&field.name)?;
    }
    if matches!(field.value, Octets::Static(_)) {
        return Ok(());
    }
    check_value(&field.name, &field.value)
}

/// The §8.2.1 rule on a field name. The two usual ways to break it are named as such: an
/// uppercase letter, and a colon other than the one that opens a pseudo-header field's name
/// (`:status:`, written as if HTTP/1.1's `name: value` had lost its value).
pub fn check_name(name: &[u8]) -> Result<(), String> {
    // RFC 9113 §8.2.1: A field name MUST NOT contain characters in the ranges 0x00-0x20, 0x41-0x5a,
    // or 0x7f-0xff ... When a request message violates one of these requirements, an
    // implementation SHOULD generate a 400 (Bad Request) status code ... [or] treat [it] as
    // malformed. (RFC 9110 §5.1: a field name is a token.)
    if is_valid_field_name(name) {
        return Ok(());
    }
    let shown = String::from_utf8_lossy(name);
    if name.iter().any(u8::is_ascii_uppercase) {
        return Err(format!(
            "field name {shown:?} has uppercase letters (RFC 9113 §8.2.1)"
        ));
    }
    if name.iter().skip(1).any(|&c| c == b':') {
        return Err(format!(
            "field name {shown:?} is not a token: ':' may only open a pseudo-header field's name (RFC 9113 §8.2.1)"
        ));
    }
    Err(format!(
        "field name {shown:?} is not a lowercase token (RFC 9113 §8.2.1)"
    ))
}

/// The §8.2.1 rule on the value of the field named `name`.
pub fn check_value(name: &[u8], value: &[u8]) -> Result<(), String> {
    // RFC 9113 §8.2.1: A field value MUST NOT contain the zero value (ASCII NUL, 0x00), line feed
    // (ASCII LF, 0x0a), or carriage return (ASCII CR, 0x0d) at any position. A field value MUST
    // NOT start or end with an ASCII whitespace character (ASCII SP or HTAB, 0x20 or 0x09).
    let bad_octet = value.iter().any(|&c| matches!(c, 0x00 | 0x0a | 0x0d));
    let padded =
        matches!(value.first(), Some(0x20 | 0x09)) || matches!(value.last(), Some(0x20 | 0x09));
    if bad_octet || padded {
        return Err(format!(
            "value of field {:?} has NUL, CR, LF or surrounding whitespace (RFC 9113 §8.2.1)",
            String::from_utf8_lossy(name)
        ));
    }
    Ok(())
}

/// The §8.3 rule on where the pseudo-header field `name` may stand, given whether a regular
/// field came before it in the block.
pub fn check_position(name: &str, regular_seen: bool) -> Result<(), String> {
    // RFC 9113 §8.3: All pseudo-header fields MUST appear in a field block before all regular
    // field lines. Any request or response that contains a pseudo-header field that appears in a
    // field block after a regular field line MUST be treated as malformed.
    if regular_seen {
        return Err(format!(
            "pseudo-header field {name} after a regular field (RFC 9113 §8.3)"
        ));
    }
    Ok(())
}

/// The checks of §8.2.2 on a regular field.
pub fn check_regular(name: &str, value: &str) -> Result<(), String> {
    // RFC 9113 §8.2.2: An endpoint MUST NOT generate an HTTP/2 message containing
    // connection-specific header fields. ... Any message containing connection-specific header
    // fields MUST be treated as malformed.
    if CONNECTION_SPECIFIC.contains(&name) {
        return Err(format!(
            "connection-specific field {name} (RFC 9113 §8.2.2)"
        ));
    }
    // RFC 9113 §8.2.2: The only exception to this is the TE header field, which MAY be present in
    // an HTTP/2 request; when it is, it MUST NOT contain any value other than "trailers".
    if name == "te" && value != "trailers" {
        return Err(format!(
            "te field with value {value:?}, not \"trailers\" (RFC 9113 §8.2.2)"
        ));
    }
    Ok(())
}

/// The §8.1 rule that a trailer section ends its stream.
pub fn check_trailers_end_stream(end_stream: bool) -> Result<(), String> {
    // RFC 9113 §8.1: An endpoint that receives a HEADERS frame without the END_STREAM flag set
    // after receiving the HEADERS frame that opens a request ... MUST treat the corresponding
    // request or response as malformed.
    if !end_stream {
        return Err("trailer HEADERS without END_STREAM (RFC 9113 §8.1)".to_string());
    }
    Ok(())
}

/// The §8.1 rule for a field `name` of a trailer section.
pub fn check_trailer_field(name: &str) -> Result<(), String> {
    // RFC 9113 §8.1: Trailers MUST NOT include pseudo-header fields.
    if name.starts_with(':') {
        return Err(format!(
            "pseudo-header field {name} in trailers (RFC 9113 §8.1)"
        ));
    }
    Ok(())
}

/// The pseudo-header fields of a request (§8.3.1), as they arrive, their values kept as `V`: the
/// server keeps the [`Text`](crate::http::Text) it builds the request of, `h2lab-decode` a
/// `String`.
#[derive(Debug)]
pub struct RequestPseudo<V> {
    method: Option<V>,
    scheme: Option<V>,
    authority: Option<V>,
    path: Option<V>,
}

impl<V> Default for RequestPseudo<V> {
    fn default() -> Self {
        RequestPseudo {
            method: None,
            scheme: None,
            authority: None,
            path: None,
        }
    }
}

/// What a complete request's pseudo-header fields say: the request line of HTTP/1.1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestTarget<V> {
    /// `:method`.
    pub method: V,
    /// `:scheme`; empty for CONNECT (§8.5).
    pub scheme: V,
    /// `:authority`, when present.
    pub authority: Option<V>,
    /// `:path`; empty for CONNECT (§8.5).
    pub path: V,
}

impl<V: Deref<Target = str> + Default> RequestPseudo<V> {
    /// Records the pseudo-header field `name` (colon included).
    pub fn set(&mut self, name: &str, value: V) -> Result<(), String> {
        let slot = match name {
            ":method" => &mut self.method,
            ":scheme" => &mut self.scheme,
            ":authority" => &mut self.authority,
            ":path" => &mut self.path,
            // RFC 9113 §8.3: Endpoints MUST treat a request or response that contains undefined
            // or invalid pseudo-header fields as malformed. (`:status` belongs to responses:
            // §8.3.2.)
            _ => {
                return Err(format!(
                    "pseudo-header field {name} is not one of a request (RFC 9113 §8.3)"
                ))
            }
        };
        set_once(slot, name, value)
    }

    /// The request target, once the whole block is read: the rules of §8.3.1 and §8.5 on which
    /// pseudo-header fields a request must have, which depend on its method.
    pub fn complete(self) -> Result<RequestTarget<V>, String> {
        // RFC 9113 §8.3.1: All HTTP/2 requests MUST include exactly one valid value for the
        // ":method" ... pseudo-header field[s]. An HTTP request that omits mandatory
        // pseudo-header fields is malformed.
        let Some(method) = self.method else {
            return Err("no :method pseudo-header field (RFC 9113 §8.3.1)".to_string());
        };
        let (scheme, path) = if &*method == "CONNECT" {
            // RFC 9113 §8.5: The ":scheme" and ":path" pseudo-header fields MUST be omitted. The
            // ":authority" pseudo-header field contains the host and port to connect to.
            if self.scheme.is_some() || self.path.is_some() || self.authority.is_none() {
                return Err(
                    "CONNECT must have :authority and neither :scheme nor :path (RFC 9113 §8.5)"
                        .to_string(),
                );
            }
            (V::default(), V::default())
        } else {
            // RFC 9113 §8.3.1: All HTTP/2 requests MUST include exactly one valid value for the
            // ":method", ":scheme", and ":path" pseudo-header fields, unless they are CONNECT
            // requests. An HTTP request that omits mandatory pseudo-header fields is malformed.
            let (Some(scheme), Some(path)) = (self.scheme, self.path) else {
                return Err("request without :scheme or :path (RFC 9113 §8.3.1)".to_string());
            };
            // RFC 9113 §8.3.1: This pseudo-header field MUST NOT be empty for "http" or "https"
            // URIs.
            if path.is_empty() {
                return Err("empty :path (RFC 9113 §8.3.1)".to_string());
            }
            (scheme, path)
        };
        Ok(RequestTarget {
            method,
            scheme,
            authority: self.authority,
            path,
        })
    }
}

/// The pseudo-header field of a response (§8.3.2), as it arrives.
#[derive(Debug, Default)]
pub struct ResponsePseudo {
    status: Option<String>,
}

impl ResponsePseudo {
    /// Records the pseudo-header field `name` (colon included).
    pub fn set(&mut self, name: &str, value: &str) -> Result<(), String> {
        // RFC 9113 §8.3: Pseudo-header fields defined for requests MUST NOT appear in responses
        // ... Endpoints MUST treat a request or response that contains undefined or invalid
        // pseudo-header fields as malformed.
        if name != ":status" {
            return Err(format!(
                "pseudo-header field {name} is not one of a response (RFC 9113 §8.3)"
            ));
        }
        set_once(&mut self.status, name, value.to_string())
    }

    /// The status, once the whole block is read.
    pub fn complete(self) -> Result<String, String> {
        // RFC 9113 §8.3.2: This pseudo-header field MUST be included in all responses, including
        // interim responses; otherwise, the response is malformed.
        self.status
            .ok_or_else(|| "response without :status (RFC 9113 §8.3.2)".to_string())
    }
}

/// Fills `slot` with the value of pseudo-header field `name`, unless it came before.
fn set_once<V>(slot: &mut Option<V>, name: &str, value: V) -> Result<(), String> {
    // RFC 9113 §8.3: The same pseudo-header field name MUST NOT appear more than once in a field
    // block. A field block for an HTTP request or response that contains a repeated pseudo-header
    // field name MUST be treated as malformed.
    if slot.is_some() {
        return Err(format!(
            "pseudo-header field {name} appears twice (RFC 9113 §8.3)"
        ));
    }
    *slot = Some(value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_ending_in_a_colon_is_not_a_token() {
        assert_eq!(
            check_name(b":status:").unwrap_err(),
            "field name \":status:\" is not a token: ':' may only open a pseudo-header field's name (RFC 9113 §8.2.1)"
        );
        assert_eq!(
            check_name(b"x y").unwrap_err(),
            "field name \"x y\" is not a lowercase token (RFC 9113 §8.2.1)"
        );
    }

    #[test]
    fn an_uppercase_name_is_named_as_such() {
        assert_eq!(
            check_name(b"Content-Type").unwrap_err(),
            "field name \"Content-Type\" has uppercase letters (RFC 9113 §8.2.1)"
        );
        assert!(check_name(b":status").is_ok());
    }

    #[test]
    fn a_response_needs_exactly_one_status_and_nothing_of_a_request() {
        let mut pseudo = ResponsePseudo::default();
        assert!(pseudo.set(":status", "200").is_ok());
        assert_eq!(
            pseudo.set(":status", "204").unwrap_err(),
            "pseudo-header field :status appears twice (RFC 9113 §8.3)"
        );
        assert_eq!(
            pseudo.set(":path", "/").unwrap_err(),
            "pseudo-header field :path is not one of a response (RFC 9113 §8.3)"
        );
        assert_eq!(pseudo.complete().unwrap(), "200");
        assert_eq!(
            ResponsePseudo::default().complete().unwrap_err(),
            "response without :status (RFC 9113 §8.3.2)"
        );
    }

    #[test]
    fn trailers_carry_no_pseudo_header_and_end_the_stream() {
        assert!(check_trailer_field("x-checksum").is_ok());
        assert!(check_trailer_field(":status").is_err());
        assert!(check_trailers_end_stream(true).is_ok());
        assert!(check_trailers_end_stream(false).is_err());
    }
}
