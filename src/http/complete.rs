//! The fields every response carries — RFC 9110 §8.6 (Content-Length), §6.6.1 (Date), §10.2.4
//! (Server) — added in one place, whoever made the response: a handler or the connection itself.

use std::cell::RefCell;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use httpdate::HttpDate;

use super::{Body, Response};

/// The `server` field: the product and its version.
const SERVER: &str = concat!("h2lab/", env!("CARGO_PKG_VERSION"));

/// How many fields [`Response::complete`] adds at most. A handler that builds its list with room
/// for them as well spares it a move to a larger allocation on every response.
pub const COMPLETING_FIELDS: usize = 3;

/// The latest instant an HTTP-date can name, 9999-12-31T23:59:59Z: its year has four digits.
const LAST_HTTP_DATE: Duration = Duration::from_secs(253_402_300_799);

impl Response {
    /// Adds `content-length` (unless already set, as a 304 sets it), `date` and `server`; for a
    /// response to HEAD, drops the body after its length has been recorded.
    ///
    /// RFC 9110 §9.3.2: "The server SHOULD send the same header fields in response to a HEAD
    /// request as it would have sent if the request method had been GET."
    pub fn complete(mut self, head: bool, now: SystemTime) -> Response {
        if !self.headers.iter().any(|(n, _)| n == "content-length") {
            let len = self.body.len();
            self.headers
                .push(("content-length".into(), len.to_string().into()));
        }
        // RFC 9110 §6.6.1: "An origin server with a clock ... MUST generate a Date header field"
        // (for 2xx, 3xx and 4xx responses; it may for the rest, and h2lab always does).
        self.headers.push(("date".into(), date_text(now).into()));
        self.headers.push(("server".into(), SERVER.into()));
        if head {
            self.body = Body::Empty;
        }
        self
    }
}

/// `now` as the `date` field's value. Every response within one second carries the same text,
/// so each thread formats it once a second and shares it with the responses after.
fn date_text(now: SystemTime) -> Arc<str> {
    thread_local! {
        /// The second (since the epoch) last formatted on this thread, and its text.
        static LAST: RefCell<(Option<u64>, Arc<str>)> = RefCell::new((None, Arc::from("")));
    }
    let second = now
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs());
    LAST.with_borrow_mut(|(last_second, text)| {
        if *last_second != Some(second) {
            *last_second = Some(second);
            *text = http_date(now).to_string().into();
        }
        Arc::clone(text)
    })
}

/// `time` as an HTTP-date (RFC 9110 §5.6.7), whole seconds; its `Display` is the IMF-fixdate.
///
/// An HTTP-date names 1970 to 9999: a time before (a clock or a file time gone wrong) is taken as
/// the epoch, a time after as the last second of 9999, where `HttpDate::from` would panic.
pub fn http_date(time: SystemTime) -> HttpDate {
    let since_epoch = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    HttpDate::from(UNIX_EPOCH + since_epoch.min(LAST_HTTP_DATE))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sun, 06 Nov 1994 08:49:37 GMT, the example of RFC 9110 §5.6.7.
    fn rfc_example() -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(784_111_777)
    }

    fn text(status: u16, body: &str) -> Response {
        Response::new(
            status,
            vec![("content-type".into(), "text/plain".into())],
            Body::Bytes(body.as_bytes().to_vec()),
        )
    }

    #[test]
    fn date_is_now_as_imf_fixdate() {
        let response = text(200, "x\n").complete(false, rfc_example());
        assert_eq!(
            response.headers,
            vec![
                ("content-type".into(), "text/plain".into()),
                ("content-length".into(), "2".into()),
                ("date".into(), "Sun, 06 Nov 1994 08:49:37 GMT".into()),
                (
                    "server".into(),
                    format!("h2lab/{}", env!("CARGO_PKG_VERSION")).into()
                ),
            ]
        );
    }

    #[test]
    fn the_date_follows_the_clock_second_by_second_though_formatted_once_a_second() {
        let date = |after: Duration| {
            let response = text(200, "").complete(false, rfc_example() + after);
            let (_, date) = response
                .headers
                .into_iter()
                .find(|(n, _)| n == "date")
                .unwrap();
            date
        };
        assert_eq!(date(Duration::ZERO), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(
            date(Duration::from_millis(999)),
            "Sun, 06 Nov 1994 08:49:37 GMT"
        );
        assert_eq!(
            date(Duration::from_secs(1)),
            "Sun, 06 Nov 1994 08:49:38 GMT"
        );
        assert_eq!(
            date(Duration::from_secs(86_400)),
            "Mon, 07 Nov 1994 08:49:37 GMT"
        );
        assert_eq!(date(Duration::ZERO), "Sun, 06 Nov 1994 08:49:37 GMT");
    }

    #[test]
    fn head_keeps_get_length_but_has_no_body() {
        let response = text(404, "gone\n").complete(true, SystemTime::now());
        assert!(matches!(response.body, Body::Empty));
        assert!(response
            .headers
            .contains(&("content-length".into(), "5".into())));
    }

    #[test]
    fn a_length_already_set_is_kept() {
        let mut not_modified = text(304, "");
        not_modified
            .headers
            .push(("content-length".into(), "13".into()));
        let response = not_modified.complete(false, SystemTime::now());
        let lengths: Vec<_> = response
            .headers
            .iter()
            .filter(|(n, _)| n == "content-length")
            .collect();
        assert_eq!(lengths, [&("content-length".into(), "13".into())]);
    }

    #[test]
    fn http_dates_format_the_epoch_a_leap_day_and_the_last_representable_second() {
        assert_eq!(
            http_date(UNIX_EPOCH).to_string(),
            "Thu, 01 Jan 1970 00:00:00 GMT"
        );
        let leap_day = UNIX_EPOCH + Duration::from_secs(951_782_400);
        assert_eq!(
            http_date(leap_day).to_string(),
            "Tue, 29 Feb 2000 00:00:00 GMT"
        );
        let end_of_2100 = UNIX_EPOCH + Duration::from_secs(4_133_980_799);
        assert_eq!(
            http_date(end_of_2100).to_string(),
            "Fri, 31 Dec 2100 23:59:59 GMT"
        );
    }

    #[test]
    fn times_outside_what_an_http_date_names_are_clamped_not_a_panic() {
        let before = UNIX_EPOCH - Duration::from_secs(1);
        assert_eq!(http_date(before), http_date(UNIX_EPOCH));
        let year_10000 = UNIX_EPOCH + Duration::from_secs(253_402_300_800);
        assert_eq!(
            http_date(year_10000).to_string(),
            "Fri, 31 Dec 9999 23:59:59 GMT"
        );
    }

    /// RFC 9110 §5.6.7: "A recipient that parses a timestamp value in an HTTP field MUST accept
    /// all three HTTP-date formats."
    #[test]
    fn all_three_formats_of_the_rfc_example_parse_to_the_same_date() {
        for text in [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
        ] {
            assert_eq!(
                text.parse().ok(),
                Some(http_date(rfc_example())),
                "{text:?}"
            );
        }
    }

    #[test]
    fn malformed_dates_do_not_parse() {
        for text in [
            "",
            "yesterday",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 6 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 94 08:49:37 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 31 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Xyz, 06 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1969 08:49:37 GMT",
            "Sun, +6 Nov 1994 08:49:37 GMT",
            "Sun Nov  6 08:49:37 94",
            "Sunday, 06-Nov-1994 08:49:37 GMT",
        ] {
            assert!(text.parse::<HttpDate>().is_err(), "{text:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn format_then_parse_is_identity(seconds in 0u64..253_402_300_800) {
            let date = http_date(UNIX_EPOCH + Duration::from_secs(seconds));
            proptest::prop_assert_eq!(date.to_string().parse().ok(), Some(date));
        }
    }
}
