//! `/_h2lab/headers?size=N` — a response whose header section is larger than one frame, so that it
//! arrives as HEADERS followed by CONTINUATION frames (RFC 9113 §4.3, §6.10).
//!
//! Any method. The response carries fields `x-h2lab-fill-1`, `x-h2lab-fill-2`, … whose values add
//! up to N octets (default 40,000, at most 1 MiB); HPACK's Huffman coding shrinks them to about
//! three quarters on the wire, so the default makes a header block of some 30,000 octets, more
//! than the 16,384 of the smallest SETTINGS_MAX_FRAME_SIZE. The body says how many octets were
//! asked for.

use super::text;
use crate::http::Response;

/// Where the large header section lives.
pub const PATH: &str = "/_h2lab/headers";

/// The size when the query does not name one.
const DEFAULT_SIZE: usize = 40_000;

/// The largest size served: far more than a frame, not so much that a typo costs a client dear.
const MAX_SIZE: usize = 0x10_0000;

/// The octets of one fill field's value at most.
const FIELD_VALUE_LEN: usize = 1_000;

/// What each fill value is made of, over and over.
const FILL: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

/// The answer for `path` (with its query): the large header section, or 400 for a size that is
/// not a number up to 1 MiB. The request body is ignored.
pub fn respond(path: &str) -> Response {
    let size = match requested_size(path) {
        Ok(size) => size,
        Err(message) => return text(400, &message),
    };
    let mut response = text(
        200,
        &format!("this response's header section holds {size} octets of x-h2lab-fill values"),
    );
    let mut left = size;
    let mut number = 0;
    while left > 0 {
        let len = left.min(FIELD_VALUE_LEN);
        number += 1;
        let value: String = FILL
            .iter()
            .cycle()
            .skip(number)
            .take(len)
            .map(|&b| char::from(b))
            .collect();
        response
            .headers
            .push((format!("x-h2lab-fill-{number}").into(), value.into()));
        left -= len;
    }
    response
}

/// The `size` of the query, or the default when there is none.
fn requested_size(path: &str) -> Result<usize, String> {
    let query = path.split_once('?').map(|(_, query)| query).unwrap_or("");
    let Some(value) = query.split('&').find_map(|pair| pair.strip_prefix("size=")) else {
        return Ok(DEFAULT_SIZE);
    };
    match value.parse::<usize>() {
        Ok(size) if size <= MAX_SIZE => Ok(size),
        _ => Err(format!(
            "size must be a number of octets up to {MAX_SIZE}, not {value:?}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::get;
    use super::super::App;

    fn fill_octets(answer: &super::super::testutil::Answer) -> usize {
        answer
            .headers
            .iter()
            .filter(|(name, _)| name.starts_with("x-h2lab-fill-"))
            .map(|(_, value)| value.len())
            .sum()
    }

    #[test]
    fn header_section_holds_the_octets_asked_for() {
        let app = App::new(std::env::temp_dir()).unwrap();
        let answer = get(&app, "/_h2lab/headers?size=2500");
        assert_eq!(answer.status, 200);
        assert_eq!(fill_octets(&answer), 2500);
        assert_eq!(answer.header("x-h2lab-fill-3").map(str::len), Some(500));
    }

    #[test]
    fn no_size_is_the_default_of_40000() {
        let app = App::new(std::env::temp_dir()).unwrap();
        assert_eq!(fill_octets(&get(&app, "/_h2lab/headers")), 40_000);
    }

    #[test]
    fn a_size_that_is_not_a_number_or_too_large_is_400() {
        let app = App::new(std::env::temp_dir()).unwrap();
        for path in ["/_h2lab/headers?size=big", "/_h2lab/headers?size=1048577"] {
            let answer = get(&app, path);
            assert_eq!(answer.status, 400, "{path}");
            assert_eq!(fill_octets(&answer), 0, "{path}");
        }
    }
}
