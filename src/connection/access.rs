//! The access line, one per response: `[conn 7] stream=1 GET /hello.txt 200 5 octets 0 ms`.
//!
//! A busy server writes this line for every request, so it is put together by hand. Written with
//! `format_args!`, its seven arguments in eight pieces cost the logger about 1,900 instructions a
//! line (callgrind, h2load against a small file), nearly all of them `core::fmt`'s fixed costs:
//! its loop over the pieces, the padding logic of every integer, a call to copy each piece. Here
//! the whole line goes into one small buffer on the stack, digits written by hand, and from there
//! to the formatter in one `write_str`: about 720 instructions a line, logger included, of which
//! about 400 are this module's.

use std::fmt;
use std::time::Duration;

/// What the access line of one response says, ready to be logged with `info!("{}", line)`.
pub(super) struct AccessLine<'a> {
    /// The connection's id.
    pub connection: u64,
    /// The stream the response went on.
    pub stream: u32,
    /// The request's method, empty if its head never arrived whole (a 431).
    pub method: &'a str,
    /// The request's path, empty as the method is.
    pub path: &'a str,
    /// The response's status code.
    pub status: u16,
    /// Octets of the response body sent.
    pub octets: u64,
    /// Time from the request's arrival to the response's end.
    pub elapsed: Duration,
}

impl fmt::Display for AccessLine<'_> {
    /// The line is put together backward, from its end, so that each number is written from
    /// its last digit without counting its digits first. A method and path too long for the
    /// buffer go to the formatter on their own, between the line's head and tail.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let method = or_dash(self.method);
        let path = or_dash(self.path);
        // A duration in milliseconds passes u64::MAX only after 584 million years.
        let millis = u64::try_from(self.elapsed.as_millis()).unwrap_or(u64::MAX);
        let mut line = Backward::default();
        line.push(b" ms");
        line.number(millis);
        line.push(b" octets ");
        line.number(self.octets);
        line.push(b" ");
        line.number(self.status.into());
        let tail_start = line.start;
        let request_fits = method.len() + path.len() + 2 <= line.start - LONGEST_HEAD;
        if request_fits {
            line.push(b" ");
            line.push(path.as_bytes());
            line.push(b" ");
            line.push(method.as_bytes());
        }
        line.push(b" ");
        line.number(self.stream.into());
        line.push(b"] stream=");
        line.number(self.connection);
        line.push(b"[conn ");
        let text = line.as_str();
        if request_fits {
            return f.write_str(text);
        }
        let (head, tail) = text.split_at(tail_start - line.start);
        f.write_str(head)?;
        f.write_str(method)?;
        f.write_str(" ")?;
        f.write_str(path)?;
        f.write_str(" ")?;
        f.write_str(tail)
    }
}

/// `text`, or `-` for the method and path of a request whose head never arrived whole.
fn or_dash(text: &str) -> &str {
    if text.is_empty() {
        "-"
    } else {
        text
    }
}

/// The longest the line can be up to its method.
const LONGEST_HEAD: usize = "[conn 18446744073709551615] stream=4294967295 ".len();

/// The longest the line can be from its status on.
const LONGEST_TAIL: usize = "65535 18446744073709551615 octets 18446744073709551615 ms".len();

/// Room for the line with a method and path of about 60 octets together, or for its head and
/// tail alone whatever their numbers.
const CAPACITY: usize = 128;

const _: () = assert!(LONGEST_HEAD + LONGEST_TAIL <= CAPACITY);

/// A line on the stack, written from its end to its start.
struct Backward {
    octets: [u8; CAPACITY],
    /// Where the line starts: the octets before it are not used yet.
    start: usize,
}

impl Default for Backward {
    fn default() -> Backward {
        Backward {
            octets: [0; CAPACITY],
            start: CAPACITY,
        }
    }
}

/// `00`, `01`, ... `99`: numbers are written two digits at a time, one division by 100 for each.
const DIGIT_PAIRS: [[u8; 2]; 100] = {
    let mut pairs = [[0; 2]; 100];
    let mut n = 0;
    while n < 100 {
        pairs[n] = [b'0' + (n / 10) as u8, b'0' + (n % 10) as u8];
        n += 1;
    }
    pairs
};

impl Backward {
    /// Puts `octets` before what is written.
    fn push(&mut self, octets: &[u8]) {
        self.start -= octets.len();
        self.octets[self.start..self.start + octets.len()].copy_from_slice(octets);
    }

    /// Puts `n` in decimal before what is written. Inlined: a call costs about what the digits
    /// of a short number do.
    #[inline(always)]
    fn number(&mut self, mut n: u64) {
        while n >= 100 {
            self.push(&DIGIT_PAIRS[(n % 100) as usize]);
            n /= 100;
        }
        if n >= 10 {
            self.push(&DIGIT_PAIRS[n as usize]);
        } else {
            self.push(&[b'0' + n as u8]);
        }
    }

    /// What is written. Pushed whole, each piece of text is still UTF-8 here. The check starts
    /// at the 16-octet boundary at or before the line, among the zeros not used yet: from an
    /// aligned start it takes ASCII a word at a time, unaligned an octet at a time.
    fn as_str(&self) -> &str {
        let from = self.start / 16 * 16;
        let text = std::str::from_utf8(&self.octets[from..]).expect("whole pieces of text");
        &text[self.start - from..]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(method: &str, path: &str, octets: u64, elapsed: Duration) -> String {
        AccessLine {
            connection: 7,
            stream: 1,
            method,
            path,
            status: 200,
            octets,
            elapsed,
        }
        .to_string()
    }

    #[test]
    fn the_line_names_connection_stream_request_status_octets_and_milliseconds() {
        assert_eq!(
            line("GET", "/hello.txt", 5, Duration::from_micros(12_345)),
            "[conn 7] stream=1 GET /hello.txt 200 5 octets 12 ms"
        );
    }

    #[test]
    fn an_empty_method_or_path_is_a_dash() {
        assert_eq!(
            line("", "", 0, Duration::ZERO),
            "[conn 7] stream=1 - - 200 0 octets 0 ms"
        );
        assert_eq!(
            line("POST", "", 0, Duration::ZERO),
            "[conn 7] stream=1 POST - 200 0 octets 0 ms"
        );
    }

    #[test]
    fn a_path_keeps_its_non_ascii_text() {
        assert_eq!(
            line("GET", "/café/日本", 1, Duration::ZERO),
            "[conn 7] stream=1 GET /café/日本 200 1 octets 0 ms"
        );
    }

    #[test]
    fn a_request_too_long_for_the_buffer_is_written_whole() {
        for length in 0..200 {
            let path = format!("/{}", "a".repeat(length));
            assert_eq!(
                line("OPTIONS", &path, 2, Duration::ZERO),
                format!("[conn 7] stream=1 OPTIONS {path} 200 2 octets 0 ms")
            );
        }
        let path = "/ü".repeat(100);
        assert_eq!(
            line("GET", &path, 0, Duration::ZERO),
            format!("[conn 7] stream=1 GET {path} 200 0 octets 0 ms")
        );
    }

    #[test]
    fn numbers_are_written_whole_from_zero_to_their_largest() {
        let line = AccessLine {
            connection: u64::MAX,
            stream: u32::MAX,
            method: "GET",
            path: "/",
            status: u16::MAX,
            octets: u64::MAX,
            elapsed: Duration::from_millis(u64::MAX),
        };
        assert_eq!(
            line.to_string(),
            "[conn 18446744073709551615] stream=4294967295 GET / 65535 \
             18446744073709551615 octets 18446744073709551615 ms"
        );
        let line = AccessLine {
            connection: 0,
            stream: 0,
            status: 0,
            ..line
        };
        assert_eq!(
            format!("{line}"),
            "[conn 0] stream=0 GET / 0 18446744073709551615 octets 18446744073709551615 ms"
        );
    }

    #[test]
    fn numbers_of_every_length_match_the_standard_formatting() {
        let mut n = 1u64;
        while n < u64::MAX / 10 {
            for n in [n - 1, n, n + 1, n * 9, n * 10 - 1] {
                let line = AccessLine {
                    connection: n,
                    stream: 3,
                    method: "GET",
                    path: "/",
                    status: 404,
                    octets: n,
                    elapsed: Duration::from_millis(n),
                };
                assert_eq!(
                    line.to_string(),
                    format!("[conn {n}] stream=3 GET / 404 {n} octets {n} ms")
                );
            }
            n *= 10;
        }
    }
}
