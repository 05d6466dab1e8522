//! Request validation — RFC 9113 §8.1–§8.3 (and §8.5 for CONNECT)
//!
//! A decoded header block becomes a [`Request`] only if it is a well-formed HTTP/2 request. Every
//! rule broken here makes the request *malformed* (§8.1.1), which the connection answers with a
//! stream error of type PROTOCOL_ERROR: only that stream ends, the connection stays.
//! The rules themselves are written once, in [`crate::fields`], which `h2lab-decode --check` shares.

use crate::error::{ErrorCode, StreamError};
use crate::fields::{
    check_field, check_position, check_regular, check_trailer_field, check_trailers_end_stream,
    RequestPseudo,
};
use crate::hpack::Field;

use super::{Request, Text};

/// A request that passed validation, with its announced body length.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidRequest {
    /// The request for the handler.
    pub request: Request,
    /// The `content-length` field's value, which the DATA received must match (§8.1.1).
    pub content_length: Option<u64>,
}

/// Checks a request's header block and builds the [`Request`], whose [`Text`] takes over the
/// fields' octets rather than copying them.
pub fn validate_request(stream_id: u32, fields: Vec<Field>) -> Result<ValidRequest, StreamError> {
    request(fields).map_err(|reason| malformed(stream_id, reason))
}

/// Checks a trailer block (the second HEADERS of a request) and returns its fields.
pub fn validate_trailers(
    stream_id: u32,
    fields: Vec<Field>,
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
fn request(fields: Vec<Field>) -> Result<ValidRequest, String> {
    let mut pseudo = RequestPseudo::<Text>::default();
    let mut host = None;
    let mut content_length: Option<u64> = None;
    let mut regular_seen = false;
    let mut named = Vec::with_capacity(fields.len());
    for field in fields {
        check_field(&field)?;
        let (name, value) = (
            Text::from_octets(field.name),
            Text::from_octets(field.value),
        );
        if name.starts_with(':') {
            check_position(&name, regular_seen)?;
            // Shared, so that the request's field and its target hold one copy.
            let value = value.into_shared();
            pseudo.set(&name, value.clone())?;
            named.push((name, value));
            continue;
        }
        regular_seen = true;
        check_regular(&name, &value)?;
        match name.as_str() {
            "host" if host.is_none() => host = Some(value.clone()),
            "content-length" => {
                content_length = Some(agreeing_content_length(content_length, &value)?)
            }
            _ => {}
        }
        named.push((name, value));
    }
    let target = pseudo.complete()?;
    let request = Request {
        method: target.method,
        scheme: target.scheme,
        // A `host` field stands in for a missing `:authority`.
        authority: target.authority.or(host),
        path: target.path,
        fields: named,
        // The connection fills in its own id.
        connection: 0,
    };
    Ok(ValidRequest {
        request,
        content_length,
    })
}

/// The fields of a trailer block, or why it is malformed.
fn trailers(fields: Vec<Field>, end_stream: bool) -> Result<Vec<(String, String)>, String> {
    check_trailers_end_stream(end_stream)?;
    let mut trailers = Vec::with_capacity(fields.len());
    for field in fields {
        check_field(&field)?;
        let (name, value) = text(field);
        check_trailer_field(&name)?;
        check_regular(&name, &value)?;
        trailers.push((name, value));
    }
    Ok(trailers)
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

/// A trailer field that passed [`check_field`], as text: its name is ASCII; its value is kept as
/// UTF-8, an octet sequence that is not UTF-8 becoming U+FFFD.
fn text(field: Field) -> (String, String) {
    (
        into_text(field.name.into_vec()),
        into_text(field.value.into_vec()),
    )
}

/// `octets` as a `String`, without a copy when they are UTF-8, as nearly every field is.
fn into_text(octets: Vec<u8>) -> String {
    String::from_utf8(octets)
        .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned())
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
    use crate::fields::CONNECTION_SPECIFIC;

    fn fields(pairs: &[(&str, &str)]) -> Vec<Field> {
        pairs
            .iter()
            .map(|(n, v)| Field {
                name: (*n).into(),
                value: (*v).into(),
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
        let err = validate_request(1, block.to_vec()).unwrap_err();
        assert_eq!(err.stream_id, 1);
        assert_eq!(err.code, ErrorCode::PROTOCOL_ERROR);
    }

    #[test]
    fn valid_get_keeps_every_field_in_order() {
        let valid = validate_request(1, with(&[("accept", "*/*")])).unwrap();
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
        let valid = validate_request(1, block).unwrap();
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
        assert!(validate_request(1, with(&[("te", "trailers")])).is_ok());
    }

    #[test]
    fn value_with_nul_cr_lf_or_surrounding_whitespace_is_malformed() {
        for value in ["a\0b", "a\rb", "a\nb", " a", "a ", "\ta", "a\t"] {
            let mut block = with(&[]);
            block.push(Field {
                name: b"x-test".into(),
                value: value.into(),
            });
            rejects(&block);
        }
    }

    #[test]
    fn a_value_is_kept_as_utf8_and_octets_that_are_not_become_replacement_characters() {
        let mut block = with(&[("x-utf8", "café")]);
        block.push(Field {
            name: b"x-latin1".into(),
            value: b"caf\xe9".into(),
        });
        let fields = validate_request(1, block).unwrap().request.fields;
        assert_eq!(fields[4], ("x-utf8".into(), "café".into()));
        assert_eq!(fields[5], ("x-latin1".into(), "caf\u{fffd}".into()));
    }

    #[test]
    fn inner_whitespace_in_a_value_is_allowed() {
        assert!(validate_request(1, with(&[("user-agent", "a b\tc")])).is_ok());
    }

    #[test]
    fn content_length_is_parsed_and_must_be_a_number() {
        let valid = validate_request(1, with(&[("content-length", "42")])).unwrap();
        assert_eq!(valid.content_length, Some(42));
        rejects(&with(&[("content-length", "4x")]));
        rejects(&with(&[("content-length", "+4")]));
        rejects(&with(&[("content-length", "1"), ("content-length", "2")]));
    }

    #[test]
    fn connect_takes_only_method_and_authority() {
        let valid = validate_request(
            1,
            fields(&[(":method", "CONNECT"), (":authority", "a:443")]),
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
        let ok = validate_trailers(3, fields(&[("x-checksum", "1")]), true).unwrap();
        assert_eq!(ok, vec![("x-checksum".to_string(), "1".to_string())]);
        let err = validate_trailers(3, fields(&[("x-checksum", "1")]), false).unwrap_err();
        assert_eq!(err.code, ErrorCode::PROTOCOL_ERROR);
        let err = validate_trailers(3, fields(&[(":path", "/")]), true).unwrap_err();
        assert_eq!((err.stream_id, err.code), (3, ErrorCode::PROTOCOL_ERROR));
    }
}
