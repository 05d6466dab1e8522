//! HTTP-date — RFC 9110 §5.6.7: `date`, `last-modified` and `if-modified-since`.
//!
//! Times are whole seconds since 1970-01-01T00:00:00Z, the precision HTTP-date has. Dates before
//! 1970 are not representable here; a field that names one is treated as not parseable, which a
//! comparison of modification times never needs to tell apart from a very old date.

use std::time::{SystemTime, UNIX_EPOCH};

const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const LONG_DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Seconds since the epoch of `time` (0 for a time before it).
pub fn unix_seconds(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// `seconds` as an IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`, the only format a sender may
/// generate (RFC 9110 §5.6.7).
pub fn format(seconds: u64) -> String {
    let days = seconds / 86_400;
    let in_day = seconds % 86_400;
    let (year, month, day) = civil_from_days(days);
    // 1970-01-01 was a Thursday (index 3 from Monday).
    let weekday = DAYS[((days + 3) % 7) as usize];
    format!(
        "{weekday}, {day:02} {} {year:04} {:02}:{:02}:{:02} GMT",
        MONTHS[(month - 1) as usize],
        in_day / 3600,
        in_day % 3600 / 60,
        in_day % 60
    )
}

/// Parses an HTTP-date in any of its three formats into seconds since the epoch.
///
/// RFC 9110 §5.6.7: "A recipient that parses a timestamp value in an HTTP field MUST accept all
/// three HTTP-date formats."
pub fn parse(text: &str) -> Option<u64> {
    parse_relative(text, unix_seconds(SystemTime::now()))
}

/// [`parse`], with `now` deciding the century of an rfc850-date's two-digit year.
fn parse_relative(text: &str, now: u64) -> Option<u64> {
    parse_imf_fixdate(text)
        .or_else(|| parse_rfc850(text, now))
        .or_else(|| parse_asctime(text))
}

/// `Sun, 06 Nov 1994 08:49:37 GMT`
fn parse_imf_fixdate(text: &str) -> Option<u64> {
    let (day_name, rest) = text.split_once(", ")?;
    if !DAYS.contains(&day_name) {
        return None;
    }
    let mut parts = rest.split(' ');
    let day = two_digits(parts.next()?)?;
    let month = month(parts.next()?)?;
    let year = four_digits(parts.next()?)?;
    let time = time_of_day(parts.next()?)?;
    if parts.next()? != "GMT" || parts.next().is_some() {
        return None;
    }
    to_seconds(year, month, day, time)
}

/// `Sunday, 06-Nov-94 08:49:37 GMT` (obsolete).
fn parse_rfc850(text: &str, now: u64) -> Option<u64> {
    let (day_name, rest) = text.split_once(", ")?;
    if !LONG_DAYS.contains(&day_name) {
        return None;
    }
    let mut parts = rest.split(' ');
    let mut date = parts.next()?.split('-');
    let day = two_digits(date.next()?)?;
    let month = month(date.next()?)?;
    let short_year = two_digits(date.next()?)?;
    if date.next().is_some() {
        return None;
    }
    let time = time_of_day(parts.next()?)?;
    if parts.next()? != "GMT" || parts.next().is_some() {
        return None;
    }
    // RFC 9110 §5.6.7: "Recipients of a timestamp value in rfc850-date format, which uses a two-digit
    // year, MUST interpret a timestamp that appears to be more than 50 years in the future as
    // representing the most recent year in the past that had the same last two digits."
    let (current_year, _, _) = civil_from_days(now / 86_400);
    let mut year = current_year - current_year % 100 + short_year;
    if year > current_year + 50 {
        year -= 100;
    }
    to_seconds(year, month, day, time)
}

/// `Sun Nov  6 08:49:37 1994` (obsolete C asctime; the day is space-padded).
fn parse_asctime(text: &str) -> Option<u64> {
    let (day_name, rest) = text.split_once(' ')?;
    if !DAYS.contains(&day_name) {
        return None;
    }
    let (month_name, rest) = rest.split_once(' ')?;
    let month = month(month_name)?;
    let (day_text, rest) = match rest.strip_prefix(' ') {
        Some(padded) => (padded.get(..1)?, padded.get(1..)?),
        None => (rest.get(..2)?, rest.get(2..)?),
    };
    let day = digits(day_text)?;
    let mut parts = rest.strip_prefix(' ')?.split(' ');
    let time = time_of_day(parts.next()?)?;
    let year = four_digits(parts.next()?)?;
    if parts.next().is_some() {
        return None;
    }
    to_seconds(year, month, day, time)
}

fn month(name: &str) -> Option<u64> {
    MONTHS.iter().position(|m| *m == name).map(|i| i as u64 + 1)
}

/// `08:49:37` as seconds into the day; second 60 is a leap second (RFC 9110 §5.6.7).
fn time_of_day(text: &str) -> Option<u64> {
    let mut parts = text.split(':');
    let hour = two_digits(parts.next()?)?;
    let minute = two_digits(parts.next()?)?;
    let second = two_digits(parts.next()?)?;
    if parts.next().is_some() || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    Some(hour * 3600 + minute * 60 + second)
}

fn two_digits(text: &str) -> Option<u64> {
    if text.len() != 2 {
        return None;
    }
    digits(text)
}

fn four_digits(text: &str) -> Option<u64> {
    if text.len() != 4 {
        return None;
    }
    digits(text)
}

fn digits(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn to_seconds(year: u64, month: u64, day: u64, time: u64) -> Option<u64> {
    if year < 1970 || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + time)
}

fn days_in_month(year: u64, month: u64) -> u64 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a Gregorian date (year ≥ 1970), after H. Hinnant's `days_from_civil`:
/// counting years from March puts the leap day at the end of the year.
fn days_from_civil(year: u64, month: u64, day: u64) -> u64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y / 400;
    let year_of_era = y - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    // 719_468 days lie between 0000-03-01 and 1970-01-01.
    era * 146_097 + day_of_era - 719_468
}

/// The inverse of [`days_from_civil`]: (year, month, day).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sun, 06 Nov 1994 08:49:37 GMT, the example of RFC 9110 §5.6.7.
    const RFC_EXAMPLE: u64 = 784_111_777;
    /// 2026-01-01T00:00:00Z.
    const IN_2026: u64 = 1_767_225_600;

    #[test]
    fn formats_rfc_example_as_imf_fixdate() {
        assert_eq!(format(RFC_EXAMPLE), "Sun, 06 Nov 1994 08:49:37 GMT");
    }

    #[test]
    fn formats_epoch_and_leap_day() {
        assert_eq!(format(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(format(951_782_400), "Tue, 29 Feb 2000 00:00:00 GMT");
        assert_eq!(format(4_133_980_799), "Fri, 31 Dec 2100 23:59:59 GMT");
    }

    #[test]
    fn accepts_all_three_formats_of_the_rfc_example() {
        assert_eq!(
            parse_relative("Sun, 06 Nov 1994 08:49:37 GMT", IN_2026),
            Some(RFC_EXAMPLE)
        );
        assert_eq!(
            parse_relative("Sunday, 06-Nov-94 08:49:37 GMT", IN_2026),
            Some(RFC_EXAMPLE)
        );
        assert_eq!(
            parse_relative("Sun Nov  6 08:49:37 1994", IN_2026),
            Some(RFC_EXAMPLE)
        );
    }

    #[test]
    fn rfc850_year_more_than_50_years_ahead_is_in_the_past() {
        // In 2026, "76" would be 2076, exactly 50 years ahead: kept. "77" would be 2077: 1977.
        assert_eq!(
            parse_relative("Wednesday, 01-Jan-76 00:00:00 GMT", IN_2026).map(format),
            Some("Wed, 01 Jan 2076 00:00:00 GMT".to_string())
        );
        assert_eq!(
            parse_relative("Saturday, 01-Jan-77 00:00:00 GMT", IN_2026).map(format),
            Some("Sat, 01 Jan 1977 00:00:00 GMT".to_string())
        );
    }

    #[test]
    fn asctime_with_two_digit_day() {
        assert_eq!(
            parse_relative("Sun Nov 16 08:49:37 1994", IN_2026),
            Some(RFC_EXAMPLE + 10 * 86_400)
        );
    }

    #[test]
    fn malformed_dates_are_rejected() {
        for text in [
            "",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 6 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 94 08:49:37 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 31 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 Nov 1994 08:49:37 GMT ",
            "Xyz, 06 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1969 08:49:37 GMT",
            "Sun, +6 Nov 1994 08:49:37 GMT",
            "Sun Nov  6 08:49:37 94",
            "Sunday, 06-Nov-1994 08:49:37 GMT",
        ] {
            assert_eq!(parse_relative(text, IN_2026), None, "{text:?}");
        }
    }

    #[test]
    fn leap_second_is_accepted() {
        assert_eq!(
            parse_relative("Sat, 31 Dec 2016 23:59:60 GMT", IN_2026),
            Some(1_483_228_800)
        );
    }

    proptest::proptest! {
        #[test]
        fn format_then_parse_is_identity(seconds in 0u64..253_402_300_800) {
            proptest::prop_assert_eq!(parse_relative(&format(seconds), IN_2026), Some(seconds));
        }
    }
}
