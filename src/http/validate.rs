//! Request validation — RFC 9113 §8.1–§8.3 (and §8.5 for CONNECT)
//!
//! A decoded header block becomes a [`Request`] only if it is a well-formed HTTP/2 request. Every
//! rule broken here makes the request *malformed* (§8.1.1), which the connection answers with a
//! stream error of type PROTOCOL_ERROR: only that stream ends, the connection stays.

use crate::error::{ErrorCode, StreamError};
use crate::hpack::{is_valid_field_name, Field};

use super::Request;

/// A request that passed validation, with its announced body length.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidRequest {
    /// The request for the handler.
    pub request: Request,
    /// The `content-length` field's value, which the DATA received must match (§8.1.1).
    pub content_length: Option<u64>,
}

/// Header fields that only mean something on a single HTTP/1.1 hop (RFC 9113 §8.2.2).
const CONNECTION_SPECIFIC: [&str; 5] = [
    "connection",
    "keep-alive",
    "proxy-connection",
    "transfer-encoding",
    "upgrade",
];

/// Checks a request's header block and builds the [`Request`].
pub fn validate_request(stream_id: u32, fields: &[Field]) -> Result<ValidRequest, StreamError> {
    request(fields).map_err(|reason| malformed(stream_id, reason))
}

/// Checks a trailer block (the second HEADERS of a request) and returns its fields.
pub fn validate_trailers(
    stream_id: u32,
    fields: &[Field],
    end_stream: bool,
) -> Result<Vec<(String, String)>, StreamError> {
    trailers(fields, end_stream).map_err(|reason| malformed(stream_id, reason))
}

/// RFC 9113 §8.1.1: Malformed requests or responses that are detected MUST be treated as a stream
/// error (Section 5.4.2) of type PROTOCOL_ERROR.
fn malformed(stream_id: u32, reason: String) -> StreamError {
    StreamError::new(stream_id, ErrorCode::PROTOCOL_ERROR, "§8.1.1", reason)
}

/// The request of a header block, or why it is malformed.
fn request(fields: &[Field]) -> Result<ValidRequest, String> {
    let mut pseudo = PseudoHeaders::default();
    let mut host = None;
    let mut content_length: Option<u64> = None;
    let mut regular_seen = false;
    let mut named = Vec::with_capacity(fields.len());
    for field in fields {
        let (name, value) = check_field(field)?;
        if name.starts_with(':') {
            // RFC 9113 §8.3: All pseudo-header fields MUST appear in a field block before all
            // regular field lines. Any request or response that contains a pseudo-header field
            // that appears in a field block after a regular field line MUST be treated as
            // malformed.
            if regular_seen {
                return Err(format!(
                    "pseudo-header field {name} after a regular field (RFC 9113 §8.3)"
                ));
            }
            pseudo.set(&name, &value)?;
        } else {
            regular_seen = true;
            check_regular(&name, &value)?;
            match name.as_str() {
                "host" if host.is_none() => host = Some(value.clone()),
                "content-length" => {
                    content_length = Some(agreeing_content_length(content_length, &value)?)
                }
                _ => {}
            }
        }
        named.push((name, value));
    }
    Ok(ValidRequest {
        request: pseudo.into_request(host, named)?,
        content_length,
    })
}

/// The fields of a trailer block, or why it is malformed.
fn trailers(fields: &[Field], end_stream: bool) -> Result<Vec<(String, String)>, String> {
    // RFC 9113 §8.1: An endpoint that receives a HEADERS frame without the END_STREAM flag set
    // after receiving the HEADERS frame that opens a request ... MUST treat the corresponding
    // request or response as malformed.
    if !end_stream {
        return Err("trailer HEADERS without END_STREAM (RFC 9113 §8.1)".to_string());
    }
    let mut trailers = Vec::with_capacity(fields.len());
    for field in fields {
        let (name, value) = check_field(field)?;
        // RFC 9113 §8.1: Trailers MUST NOT include pseudo-header fields.
        if name.starts_with(':') {
            return Err(format!(
                "pseudo-header field {name} in trailers (RFC 9113 §8.1)"
            ));
        }
        check_regular(&name, &value)?;
        trailers.push((name, value));
    }
    Ok(trailers)
}

/// The pseudo-header fields of a request (§8.3.1), as they arrive.
#[derive(Default)]
struct PseudoHeaders {
    method: Option<String>,
    scheme: Option<String>,
    authority: Option<String>,
    path: Option<String>,
}

impl PseudoHeaders {
    /// Records the pseudo-header field `name` (colon included).
    fn set(&mut self, name: &str, value: &str) -> Result<(), String> {
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
        // RFC 9113 §8.3: The same pseudo-header field name MUST NOT appear more than once in a
        // field block. A field block for an HTTP request or response that contains a repeated
        // pseudo-header field name MUST be treated as malformed.
        if slot.is_some() {
            return Err(format!(
                "pseudo-header field {name} appears twice (RFC 9113 §8.3)"
            ));
        }
        *slot = Some(value.to_string());
        Ok(())
    }

    /// The request, once the whole block is read: the rules of §8.3.1 and §8.5 on which
    /// pseudo-header fields a request must have, which depend on its method. `host` stands in
    /// for a missing `:authority`.
    fn into_request(
        self,
        host: Option<String>,
        fields: Vec<(String, String)>,
    ) -> Result<Request, String> {
        // RFC 9113 §8.3.1: All HTTP/2 requests MUST include exactly one valid value for the
        // ":method" ... pseudo-header field[s]. An HTTP request that omits mandatory
        // pseudo-header fields is malformed.
        let Some(method) = self.method else {
            return Err("no :method pseudo-header field (RFC 9113 §8.3.1)".to_string());
        };
        let (scheme, path) = if method == "CONNECT" {
            // RFC 9113 §8.5: The ":scheme" and ":path" pseudo-header fields MUST be omitted. The
            // ":authority" pseudo-header field contains the host and port to connect to.
            if self.scheme.is_some() || self.path.is_some() || self.authority.is_none() {
                return Err(
                    "CONNECT must have :authority and neither :scheme nor :path (RFC 9113 §8.5)"
                        .to_string(),
                );
            }
            (String::new(), String::new())
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
        Ok(Request {
            method,
            scheme,
            authority: self.authority.or(host),
            path,
            fields,
        })
    }
}

/// A `content-length` field's value, given the value of an earlier one in the same block.
fn agreeing_content_length(earlier: Option<u64>, value: &str) -> Result<u64, String> {
    let length = parse_content_length(value)?;
    // RFC 9113 §8.1.1: a content-length that does not match the content makes the request
    // malformed; two different ones cannot both match it.
    if earlier.is_some_and(|earlier| earlier != length) {
        return Err("two different content-length values (RFC 9113 §8.1.1)".to_string());
    }
    Ok(length)
}

/// The checks of §8.2.1 that apply to every field, pseudo or not; the field as text.
fn check_field(field: &Field) -> Result<(String, String), String> {
    let name = field.name.as_slice();
    // RFC 9113 §8.2.1: A field name MUST NOT contain characters in the ranges 0x00-0x20, 0x41-0x5a,
    // or 0x7f-0xff ... When a request message violates one of these requirements, an
    // implementation SHOULD generate a 400 (Bad Request) status code ... [or] treat [it] as
    // malformed. (RFC 9110 §5.1: a field name is a token.)
    if !is_valid_field_name(name) {
        return Err(format!(
            "field name {:?} is not a lowercase token (RFC 9113 §8.2.1)",
            String::from_utf8_lossy(name)
        ));
    }
    let value = field.value.as_slice();
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
    Ok((
        String::from_utf8_lossy(name).into_owned(),
        String::from_utf8_lossy(value).into_owned(),
    ))
}

/// The checks of §8.2.2 on a regular field.
fn check_regular(name: &str, value: &str) -> Result<(), String> {
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

fn parse_content_length(value: &str) -> Result<u64, String> {
    let digits_only = !value.is_empty() && value.bytes().all(|c| c.is_ascii_digit());
    match value.parse::<u64>() {
        Ok(length) if digits_only => Ok(length),
        _ => Err(format!(
            "content-length {value:?} is not a number (RFC 9110 §8.6)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Vec<Field> {
        pairs
            .iter()
            .map(|(n, v)| Field {
                name: n.as_bytes().to_vec(),
                value: v.as_bytes().to_vec(),
            })
            .collect()
    }

    const GET: [(&str, &str); 4] = [
        (":method", "GET"),
        (":scheme", "https"),
        (":authority", "example.org"),
        (":path", "/a"),
    ];

    fn with(extra: &[(&'static str, &'static str)]) -> Vec<Field> {
        let mut pairs = GET.to_vec();
        pairs.extend_from_slice(extra);
        fields(&pairs)
    }

    fn rejects(block: &[Field]) {
        let err = validate_request(1, block).unwrap_err();
        assert_eq!(err.stream_id, 1);
        assert_eq!(err.code, ErrorCode::PROTOCOL_ERROR);
    }

    #[test]
    fn valid_get_keeps_every_field_in_order() {
        let valid = validate_request(1, &with(&[("accept", "*/*")])).unwrap();
        assert_eq!(valid.request.method, "GET");
        assert_eq!(valid.request.scheme, "https");
        assert_eq!(valid.request.authority.as_deref(), Some("example.org"));
        assert_eq!(valid.request.path, "/a");
        assert_eq!(valid.request.fields.len(), 5);
        assert_eq!(valid.request.fields[4], ("accept".into(), "*/*".into()));
        assert_eq!(valid.content_length, None);
    }

    #[test]
    fn host_stands_in_for_a_missing_authority() {
        let block = fields(&[
            (":method", "GET"),
            (":scheme", "http"),
            (":path", "/"),
            ("host", "h2lab.test"),
        ]);
        let valid = validate_request(1, &block).unwrap();
        assert_eq!(valid.request.authority.as_deref(), Some("h2lab.test"));
    }

    #[test]
    fn missing_method_scheme_or_path_is_malformed() {
        for missing in [":method", ":scheme", ":path"] {
            let pairs: Vec<_> = GET.iter().copied().filter(|(n, _)| *n != missing).collect();
            rejects(&fields(&pairs));
        }
    }

    #[test]
    fn empty_path_is_malformed() {
        rejects(&fields(&[
            (":method", "GET"),
            (":scheme", "https"),
            (":path", ""),
        ]));
    }

    #[test]
    fn repeated_pseudo_header_is_malformed() {
        rejects(
            &with(&[])
                .into_iter()
                .chain(fields(&[(":path", "/b")]))
                .collect::<Vec<_>>(),
        );
    }

    #[test]
    fn pseudo_header_after_regular_field_is_malformed() {
        let block = fields(&[
            (":method", "GET"),
            (":scheme", "https"),
            ("accept", "*/*"),
            (":path", "/"),
        ]);
        rejects(&block);
    }

    #[test]
    fn response_or_unknown_pseudo_header_is_malformed() {
        rejects(
            &fields(&[(":status", "200")])
                .into_iter()
                .chain(with(&[]))
                .collect::<Vec<_>>(),
        );
        rejects(
            &fields(&[(":protocol", "websocket")])
                .into_iter()
                .chain(with(&[]))
                .collect::<Vec<_>>(),
        );
    }

    #[test]
    fn uppercase_field_name_is_malformed() {
        rejects(&with(&[("Accept", "*/*")]));
    }

    #[test]
    fn field_name_with_space_or_colon_is_malformed() {
        rejects(&with(&[("x y", "1")]));
        rejects(&with(&[("x:y", "1")]));
    }

    #[test]
    fn connection_specific_fields_are_malformed() {
        for name in CONNECTION_SPECIFIC {
            rejects(&with(&[(name, "close")]));
        }
    }

    #[test]
    fn te_other_than_trailers_is_malformed() {
        rejects(&with(&[("te", "gzip")]));
        assert!(validate_request(1, &with(&[("te", "trailers")])).is_ok());
    }

    #[test]
    fn value_with_nul_cr_lf_or_surrounding_whitespace_is_malformed() {
        for value in ["a\0b", "a\rb", "a\nb", " a", "a ", "\ta", "a\t"] {
            let mut block = with(&[]);
            block.push(Field {
                name: b"x-test".to_vec(),
                value: value.as_bytes().to_vec(),
            });
            rejects(&block);
        }
    }

    #[test]
    fn inner_whitespace_in_a_value_is_allowed() {
        assert!(validate_request(1, &with(&[("user-agent", "a b\tc")])).is_ok());
    }

    #[test]
    fn content_length_is_parsed_and_must_be_a_number() {
        let valid = validate_request(1, &with(&[("content-length", "42")])).unwrap();
        assert_eq!(valid.content_length, Some(42));
        rejects(&with(&[("content-length", "4x")]));
        rejects(&with(&[("content-length", "+4")]));
        rejects(&with(&[("content-length", "1"), ("content-length", "2")]));
    }

    #[test]
    fn connect_takes_only_method_and_authority() {
        let valid = validate_request(
            1,
            &fields(&[(":method", "CONNECT"), (":authority", "a:443")]),
        )
        .unwrap();
        assert_eq!(valid.request.path, "");
        rejects(&fields(&[
            (":method", "CONNECT"),
            (":authority", "a:443"),
            (":path", "/"),
        ]));
        rejects(&fields(&[(":method", "CONNECT")]));
    }

    #[test]
    fn trailers_must_end_the_stream_and_carry_no_pseudo_header() {
        let ok = validate_trailers(3, &fields(&[("x-checksum", "1")]), true).unwrap();
        assert_eq!(ok, vec![("x-checksum".to_string(), "1".to_string())]);
        let err = validate_trailers(3, &fields(&[("x-checksum", "1")]), false).unwrap_err();
        assert_eq!(err.code, ErrorCode::PROTOCOL_ERROR);
        let err = validate_trailers(3, &fields(&[(":path", "/")]), true).unwrap_err();
        assert_eq!((err.stream_id, err.code), (3, ErrorCode::PROTOCOL_ERROR));
    }
}
