//! When a certificate expires — RFC 5280 §4.1.2.5 (Validity), read from PEM (RFC 7468) and DER (X.690)
//!
//! h2lab ships a development certificate and warns at start when it is about to expire. That needs
//! one date out of the certificate: `notAfter`. Rather than a dependency, this file holds just enough
//! of the three formats on the way, each bounded by the length of its input:
//!
//! - PEM: the base64 text between `-----BEGIN CERTIFICATE-----` and `-----END CERTIFICATE-----`;
//! - DER: tag, length, value; the path `Certificate → tbsCertificate → validity → notAfter`;
//! - the two ASN.1 times: `UTCTime` (`YYMMDDHHMMSSZ`) and `GeneralizedTime` (`YYYYMMDDHHMMSSZ`).

use std::fmt;

/// Why a certificate's expiry date could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CertificateError {
    /// The text holds no `-----BEGIN CERTIFICATE-----` block.
    NoPemBlock,
    /// A character outside the base64 alphabet, at this octet offset of the block's body.
    BadBase64(usize),
    /// The DER ends inside an element, or an element's length runs past its container.
    Truncated,
    /// An element has another tag than the structure requires here.
    UnexpectedTag {
        /// What the structure asks for.
        expected: &'static str,
        /// The tag found.
        found: u8,
    },
    /// A length in the long form of more than four octets, or the indefinite form (not DER).
    BadLength,
    /// A time that is not `YYMMDDHHMMSSZ` / `YYYYMMDDHHMMSSZ` or names an impossible date.
    BadTime,
}

impl fmt::Display for CertificateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CertificateError::NoPemBlock => f.write_str("no -----BEGIN CERTIFICATE----- block"),
            CertificateError::BadBase64(at) => write!(f, "bad base64 at octet {at}"),
            CertificateError::Truncated => f.write_str("the DER ends inside an element"),
            CertificateError::UnexpectedTag { expected, found } => {
                write!(f, "expected {expected}, found tag 0x{found:02x}")
            }
            CertificateError::BadLength => {
                f.write_str("a DER length that is not definite and short")
            }
            CertificateError::BadTime => f.write_str("a validity time that is not a valid date"),
        }
    }
}

/// The DER of the first certificate of a PEM text (RFC 7468 §5).
pub fn first_pem_certificate(pem: &[u8]) -> Result<Vec<u8>, CertificateError> {
    const BEGIN: &[u8] = b"-----BEGIN CERTIFICATE-----";
    const END: &[u8] = b"-----END CERTIFICATE-----";
    let start = find(pem, BEGIN).ok_or(CertificateError::NoPemBlock)? + BEGIN.len();
    let rest = pem.get(start..).ok_or(CertificateError::NoPemBlock)?;
    let end = find(rest, END).ok_or(CertificateError::NoPemBlock)?;
    base64_decode(rest.get(..end).ok_or(CertificateError::NoPemBlock)?)
}

/// `notAfter` of a DER certificate, in seconds since the Unix epoch (RFC 5280 §4.1).
///
/// ```text
/// Certificate ::= SEQUENCE { tbsCertificate TBSCertificate, ... }
/// TBSCertificate ::= SEQUENCE {
///     version [0] EXPLICIT Version DEFAULT v1, serialNumber INTEGER, signature AlgorithmIdentifier,
///     issuer Name, validity Validity, ... }
/// Validity ::= SEQUENCE { notBefore Time, notAfter Time }
/// ```
pub fn not_after(der: &[u8]) -> Result<i64, CertificateError> {
    let (certificate, _) = element(der, TAG_SEQUENCE, "Certificate SEQUENCE")?;
    let (tbs, _) = element(certificate, TAG_SEQUENCE, "TBSCertificate SEQUENCE")?;
    let mut rest = tbs;
    if rest.first() == Some(&TAG_VERSION) {
        rest = element(rest, TAG_VERSION, "[0] version")?.1;
    }
    rest = element(rest, TAG_INTEGER, "serialNumber INTEGER")?.1;
    rest = element(rest, TAG_SEQUENCE, "signature AlgorithmIdentifier")?.1;
    rest = element(rest, TAG_SEQUENCE, "issuer Name")?.1;
    let (validity, _) = element(rest, TAG_SEQUENCE, "Validity SEQUENCE")?;
    let (_, after_not_before) = any_time(validity)?;
    let (not_after, _) = any_time(after_not_before)?;
    Ok(not_after)
}

const TAG_INTEGER: u8 = 0x02;
const TAG_UTC_TIME: u8 = 0x17;
const TAG_GENERALIZED_TIME: u8 = 0x18;
const TAG_SEQUENCE: u8 = 0x30;
const TAG_VERSION: u8 = 0xa0;

/// One DER element off the front of `input`: its contents and what follows it (X.690 §8.1).
fn element<'a>(
    input: &'a [u8],
    tag: u8,
    expected: &'static str,
) -> Result<(&'a [u8], &'a [u8]), CertificateError> {
    let (&found, rest) = input.split_first().ok_or(CertificateError::Truncated)?;
    if found != tag {
        return Err(CertificateError::UnexpectedTag { expected, found });
    }
    let (&first, mut rest) = rest.split_first().ok_or(CertificateError::Truncated)?;
    let len = if first < 0x80 {
        usize::from(first)
    } else {
        // X.690 §10.1: DER uses the definite form; 0x80 alone would be the indefinite form.
        let count = usize::from(first & 0x7f);
        if count == 0 || count > 4 {
            return Err(CertificateError::BadLength);
        }
        let octets = rest.get(..count).ok_or(CertificateError::Truncated)?;
        rest = rest.get(count..).ok_or(CertificateError::Truncated)?;
        octets
            .iter()
            .fold(0usize, |len, &octet| (len << 8) | usize::from(octet))
    };
    let contents = rest.get(..len).ok_or(CertificateError::Truncated)?;
    let after = rest.get(len..).ok_or(CertificateError::Truncated)?;
    Ok((contents, after))
}

/// A `Time` (RFC 5280 §4.1.2.5): `UTCTime` or `GeneralizedTime`, as Unix seconds.
fn any_time(input: &[u8]) -> Result<(i64, &[u8]), CertificateError> {
    match input.first() {
        Some(&TAG_UTC_TIME) => {
            let (text, rest) = element(input, TAG_UTC_TIME, "UTCTime")?;
            Ok((utc_time(text)?, rest))
        }
        Some(&TAG_GENERALIZED_TIME) => {
            let (text, rest) = element(input, TAG_GENERALIZED_TIME, "GeneralizedTime")?;
            Ok((generalized_time(text)?, rest))
        }
        Some(&found) => Err(CertificateError::UnexpectedTag {
            expected: "UTCTime or GeneralizedTime",
            found,
        }),
        None => Err(CertificateError::Truncated),
    }
}

/// RFC 5280 §4.1.2.5.1: `YYMMDDHHMMSSZ`; "Where YY is greater than or equal to 50, the year SHALL be
/// interpreted as 19YY; and Where YY is less than 50, the year SHALL be interpreted as 20YY."
fn utc_time(text: &[u8]) -> Result<i64, CertificateError> {
    if text.len() != 13 {
        return Err(CertificateError::BadTime);
    }
    let yy = digits(text, 0, 2)?;
    let year = if yy >= 50 { 1900 + yy } else { 2000 + yy };
    date_time(year, text.get(2..).ok_or(CertificateError::BadTime)?)
}

/// RFC 5280 §4.1.2.5.2: `YYYYMMDDHHMMSSZ`.
fn generalized_time(text: &[u8]) -> Result<i64, CertificateError> {
    if text.len() != 15 {
        return Err(CertificateError::BadTime);
    }
    let year = digits(text, 0, 4)?;
    date_time(year, text.get(4..).ok_or(CertificateError::BadTime)?)
}

/// `MMDDHHMMSSZ` of `year`, as Unix seconds.
fn date_time(year: i64, text: &[u8]) -> Result<i64, CertificateError> {
    let month = digits(text, 0, 2)?;
    let day = digits(text, 2, 2)?;
    let hour = digits(text, 4, 2)?;
    let minute = digits(text, 6, 2)?;
    let second = digits(text, 8, 2)?;
    let valid = (1..=12).contains(&month)
        && (1..=31).contains(&day)
        && hour < 24
        && minute < 60
        && second < 60
        && text.get(10) == Some(&b'Z');
    if !valid {
        return Err(CertificateError::BadTime);
    }
    Ok(days_from_civil(year, month, day) * 86_400 + hour * 3_600 + minute * 60 + second)
}

/// `count` decimal digits of `text` from `at`.
fn digits(text: &[u8], at: usize, count: usize) -> Result<i64, CertificateError> {
    let field = text.get(at..at + count).ok_or(CertificateError::BadTime)?;
    field.iter().try_fold(0i64, |value, &c| match c {
        b'0'..=b'9' => Ok(value * 10 + i64::from(c - b'0')),
        _ => Err(CertificateError::BadTime),
    })
}

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (H. Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let shifted_month = (month + 9) % 12;
    let day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// Base64 (RFC 4648 §4) with the line breaks and whitespace of PEM skipped.
fn base64_decode(text: &[u8]) -> Result<Vec<u8>, CertificateError> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let mut bits: u32 = 0;
    let mut count = 0;
    for (at, &c) in text.iter().enumerate() {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' | b'\r' | b'\n' | b' ' | b'\t' => continue,
            _ => return Err(CertificateError::BadBase64(at)),
        };
        bits = (bits << 6) | u32::from(value);
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
        }
    }
    Ok(out)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCALHOST_PEM: &[u8] = include_bytes!("../../certs/localhost.pem");

    /// A minimal certificate skeleton: the fields `not_after` walks, with `validity` spliced in.
    fn skeleton(validity: &[u8]) -> Vec<u8> {
        let mut tbs = vec![
            0xa0, 0x03, 0x02, 0x01, 0x02, // [0] version v3
            0x02, 0x01, 0x07, // serialNumber 7
            0x30, 0x00, // signature AlgorithmIdentifier (empty)
            0x30, 0x00, // issuer Name (empty)
        ];
        tbs.push(0x30);
        tbs.push(validity.len() as u8);
        tbs.extend_from_slice(validity);
        let mut certificate = vec![0x30, tbs.len() as u8];
        certificate.extend_from_slice(&tbs);
        let mut der = vec![0x30, 0x81, certificate.len() as u8];
        der.extend_from_slice(&certificate);
        der
    }

    fn utc(text: &[u8]) -> Vec<u8> {
        let mut element = vec![TAG_UTC_TIME, text.len() as u8];
        element.extend_from_slice(text);
        element
    }

    #[test]
    fn epoch_and_leap_days_convert_to_unix_seconds() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(2024, 2, 29), 19_782);
    }

    #[test]
    fn utc_time_years_below_50_are_in_the_21st_century() {
        assert_eq!(utc_time(b"490101000000Z"), Ok(2_493_072_000));
        assert_eq!(utc_time(b"500101000000Z"), Ok(-631_152_000));
    }

    #[test]
    fn generalized_time_reads_four_digit_years() {
        assert_eq!(generalized_time(b"20500101000000Z"), Ok(2_524_608_000));
    }

    #[test]
    fn times_without_z_or_with_impossible_fields_are_rejected() {
        assert_eq!(utc_time(b"290224001513+"), Err(CertificateError::BadTime));
        assert_eq!(utc_time(b"291324001513Z"), Err(CertificateError::BadTime));
        assert_eq!(utc_time(b"2902240015Z"), Err(CertificateError::BadTime));
        assert_eq!(utc_time(b"29022400151xZ"), Err(CertificateError::BadTime));
    }

    #[test]
    fn not_after_is_the_second_time_of_validity() {
        let mut validity = utc(b"200101000000Z");
        validity.extend_from_slice(&utc(b"290224001513Z"));
        assert_eq!(not_after(&skeleton(&validity)), Ok(1_866_586_513));
    }

    #[test]
    fn every_truncation_of_a_certificate_is_an_error_not_a_panic() {
        let mut validity = utc(b"200101000000Z");
        validity.extend_from_slice(&utc(b"290224001513Z"));
        let der = skeleton(&validity);
        for len in 0..der.len() {
            assert!(not_after(&der[..len]).is_err(), "prefix of {len} octets");
        }
    }

    #[test]
    fn a_five_octet_or_indefinite_length_is_not_der() {
        assert_eq!(
            not_after(&[0x30, 0x85, 0x01, 0x00, 0x00, 0x00, 0x00]),
            Err(CertificateError::BadLength)
        );
        assert_eq!(not_after(&[0x30, 0x80]), Err(CertificateError::BadLength));
    }

    #[test]
    fn a_wrong_tag_names_what_was_expected() {
        assert_eq!(
            not_after(&[0x31, 0x00]),
            Err(CertificateError::UnexpectedTag {
                expected: "Certificate SEQUENCE",
                found: 0x31
            })
        );
    }

    #[test]
    fn base64_decodes_rfc_4648_test_vectors() {
        assert_eq!(base64_decode(b"Zm9vYmFy"), Ok(b"foobar".to_vec()));
        assert_eq!(base64_decode(b"Zm9v\nYg=="), Ok(b"foob".to_vec()));
        assert_eq!(base64_decode(b"Zm9v*"), Err(CertificateError::BadBase64(4)));
    }

    #[test]
    fn text_without_a_certificate_block_is_reported() {
        assert_eq!(
            first_pem_certificate(b"-----BEGIN PRIVATE KEY-----\nAAAA\n"),
            Err(CertificateError::NoPemBlock)
        );
    }

    #[test]
    fn the_embedded_leaf_expires_825_days_after_it_was_issued() {
        let der = first_pem_certificate(LOCALHOST_PEM).unwrap();
        let (certificate, _) = element(&der, TAG_SEQUENCE, "Certificate").unwrap();
        let (tbs, _) = element(certificate, TAG_SEQUENCE, "TBSCertificate").unwrap();
        let mut rest = element(tbs, TAG_VERSION, "version").unwrap().1;
        for _ in 0..3 {
            rest = element(rest, rest[0], "field").unwrap().1;
        }
        let (validity, _) = element(rest, TAG_SEQUENCE, "Validity").unwrap();
        let (not_before, _) = any_time(validity).unwrap();
        assert_eq!(not_after(&der).unwrap() - not_before, 825 * 86_400);
    }
}
