//! What an `expect` line asks of the server: a frame of some kind, on some stream, with some flags,
//! error code, header fields or values — or that the server closes the connection.
//!
//! An [`Expectation`] is matched against each [`Arrival`], a frame as received with the fields of
//! the header block it opened. Everything named must be there; everything not named may be
//! anything, except the ACK flag of SETTINGS and PING, which tells two different frames apart:
//! `expect settings` wants the server's own SETTINGS, `expect settings ack` its acknowledgement.

use std::fmt;
use std::time::Duration;

use super::words::{
    duration, error_code, field, frame_type, number, option_value, setting_id, split_assignment,
    Words,
};
use crate::error::ErrorCode;
use crate::frame::{flags, Frame, FrameHeader, FrameType, SettingId};
use crate::hpack::Field;
use crate::trace;

/// One frame received, as `expect` sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arrival {
    /// Its header as read.
    pub header: FrameHeader,
    /// The frame.
    pub frame: Frame,
    /// For HEADERS and PUSH_PROMISE: the fields of the block it opened, once the block is whole
    /// (a CONTINUATION may complete it later).
    pub fields: Option<Vec<Field>>,
}

/// An `expect` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expectation {
    /// `expect no …`: that no such frame arrives within the time.
    pub absent: bool,
    /// What is expected.
    pub pattern: Pattern,
    /// How long to wait; `None`: the script's timeout.
    pub within: Option<Duration>,
}

/// What an expectation waits for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pattern {
    /// `expect close`: the server closes the connection.
    Close,
    /// `expect error CODE`: what the server sent is a connection error of this code for the
    /// client (RFC 9113 §5.4.1): a frame too large, malformed, an undecodable header block.
    Error(ErrorCode),
    /// A frame.
    Frame(FramePattern),
}

/// A frame that `expect` waits for: each `Some` and each non-empty list must match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FramePattern {
    /// The frame type.
    pub kind: FrameType,
    /// The stream.
    pub stream: Option<u32>,
    /// Flag bits that must be set, by name per type.
    pub flags: u8,
    /// For SETTINGS and PING: whether the frame is the ACK.
    pub ack: Option<bool>,
    /// The error code of RST_STREAM or GOAWAY.
    pub code: Option<ErrorCode>,
    /// Header fields the block must hold (HEADERS, PUSH_PROMISE).
    pub fields: Vec<(Vec<u8>, Vec<u8>)>,
    /// Settings the SETTINGS frame must carry, with these values.
    pub settings: Vec<(SettingId, u32)>,
    /// The number of data octets of DATA (padding excluded).
    pub length: Option<u32>,
    /// The increment of WINDOW_UPDATE.
    pub increment: Option<u32>,
    /// The Last-Stream-ID of GOAWAY.
    pub last_stream: Option<u32>,
    /// The opaque data of PING, or the debug data of GOAWAY.
    pub payload: Option<Vec<u8>>,
}

impl Expectation {
    /// Parses the words after `expect`.
    pub fn parse(words: &mut Words<'_>) -> Result<Expectation, String> {
        let absent = words.flag("no");
        let kind = words.next("a frame type, close or error")?;
        if kind == "close" {
            return Ok(Expectation {
                absent,
                pattern: Pattern::Close,
                within: words.within()?,
            });
        }
        if kind == "error" {
            let code = error_code(&words.next("an error code")?)?;
            return Ok(Expectation {
                absent,
                pattern: Pattern::Error(code),
                within: words.within()?,
            });
        }
        let mut pattern = FramePattern::new(frame_type(&kind)?);
        if stream_bearing(pattern.kind) {
            if let Some(word) = words.peek() {
                if let Ok(stream) = number(word, "a stream") {
                    pattern.stream = Some(stream);
                    words.skip();
                }
            }
        }
        let mut within = None;
        while let Some(word) = words.peek().cloned() {
            if let Some((_, value)) = option_value(&word, &["within"]) {
                within = Some(duration(value)?);
                words.skip();
                continue;
            }
            if word.starts_with('"') || option_value(&word, &["hex"]).is_some() {
                pattern.payload = words.payload()?;
                continue;
            }
            words.skip();
            pattern.add(&word)?;
        }
        Ok(Expectation {
            absent,
            pattern: Pattern::Frame(pattern),
            within,
        })
    }
}

/// Whether a frame of this type names a stream in `expect` (the connection-wide ones do not).
fn stream_bearing(kind: FrameType) -> bool {
    !matches!(
        kind,
        FrameType::SETTINGS | FrameType::PING | FrameType::GOAWAY
    )
}

impl FramePattern {
    /// Any frame of type `kind`; SETTINGS and PING without ACK.
    fn new(kind: FrameType) -> FramePattern {
        let ack = matches!(kind, FrameType::SETTINGS | FrameType::PING).then_some(false);
        FramePattern {
            kind,
            stream: None,
            flags: 0,
            ack,
            code: None,
            fields: Vec::new(),
            settings: Vec::new(),
            length: None,
            increment: None,
            last_stream: None,
            payload: None,
        }
    }

    /// One word of the line: a flag, an error code or a `NAME=VALUE`.
    fn add(&mut self, word: &str) -> Result<(), String> {
        let kind = self.kind;
        if let Some(&(bit, _)) = kind
            .defined_flags()
            .iter()
            .find(|(_, name)| name.eq_ignore_ascii_case(word))
        {
            if matches!(kind, FrameType::SETTINGS | FrameType::PING) && bit == flags::ACK {
                self.ack = Some(true);
            } else {
                self.flags |= bit;
            }
            return Ok(());
        }
        if matches!(kind, FrameType::RST_STREAM | FrameType::GOAWAY) && !word.contains('=') {
            self.code = Some(error_code(word)?);
            return Ok(());
        }
        let numeric = |value: &str, what: &str| number(value, what).map(Some);
        match (
            kind,
            option_value(word, &["length", "increment", "last_stream"]),
        ) {
            (FrameType::DATA, Some(("length", value))) => {
                self.length = numeric(value, "length")?;
            }
            (FrameType::WINDOW_UPDATE, Some(("increment", value))) => {
                self.increment = numeric(value, "increment")?;
            }
            (FrameType::GOAWAY, Some(("last_stream", value))) => {
                self.last_stream = numeric(value, "last_stream")?;
            }
            (FrameType::HEADERS | FrameType::PUSH_PROMISE, _) => self.fields.push(field(word)?),
            (FrameType::SETTINGS, _) => {
                let (name, value) = split_assignment(word)
                    .ok_or_else(|| format!("{word:?} is not NAME=VALUE (a setting)"))?;
                self.settings
                    .push((setting_id(&name)?, number(&value, "a setting's value")?));
            }
            _ => return Err(format!("{word:?}: nothing of {kind} to match that against")),
        }
        Ok(())
    }

    /// Whether `arrival` is such a frame.
    pub fn matches(&self, arrival: &Arrival) -> bool {
        let header = &arrival.header;
        header.kind == self.kind
            && self.stream.is_none_or(|stream| stream == header.stream_id)
            && header.flags & self.flags == self.flags
            && self.frame_matches(&arrival.frame)
            && self.fields_match(arrival.fields.as_deref())
    }

    /// The values carried in the payload.
    fn frame_matches(&self, frame: &Frame) -> bool {
        let same = |wanted: Option<u32>, actual: u32| wanted.is_none_or(|w| w == actual);
        match frame {
            Frame::Data(data) => same(self.length, data.data.len() as u32),
            Frame::RstStream(rst) => self.code.is_none_or(|code| code == rst.error_code),
            Frame::Settings(settings) => {
                self.ack.is_none_or(|ack| ack == settings.ack)
                    && self.settings.iter().all(|wanted| {
                        settings.params.iter().rev().find(|(id, _)| *id == wanted.0) == Some(wanted)
                    })
            }
            Frame::Ping(ping) => {
                self.ack.is_none_or(|ack| ack == ping.ack)
                    && self.payload.as_ref().is_none_or(|p| p[..] == ping.data[..])
            }
            Frame::GoAway(goaway) => {
                self.code.is_none_or(|code| code == goaway.error_code)
                    && same(self.last_stream, goaway.last_stream_id)
                    && self
                        .payload
                        .as_ref()
                        .is_none_or(|p| *p == goaway.debug_data)
            }
            Frame::WindowUpdate(update) => same(self.increment, update.increment),
            _ => true,
        }
    }

    /// Every field asked for is in the block; a block not yet whole matches no field.
    fn fields_match(&self, fields: Option<&[Field]>) -> bool {
        if self.fields.is_empty() {
            return true;
        }
        let Some(fields) = fields else {
            return false;
        };
        self.fields
            .iter()
            .all(|(name, value)| fields.iter().any(|f| f.name == *name && f.value == *value))
    }
}

impl fmt::Display for Expectation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.absent {
            f.write_str("no ")?;
        }
        match &self.pattern {
            Pattern::Close => f.write_str("close of the connection by the server"),
            Pattern::Error(code) => write!(f, "connection error {code} in what the server sent"),
            Pattern::Frame(pattern) => pattern.fmt(f),
        }
    }
}

impl fmt::Display for FramePattern {
    /// In words, as the output names frames: `HEADERS on stream 1 with :status = "200"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.kind)?;
        if self.ack == Some(true) {
            f.write_str(" ACK")?;
        }
        if let Some(stream) = self.stream {
            write!(f, " on stream {stream}")?;
        }
        let mut with = Vec::new();
        if self.flags != 0 {
            with.push(trace::flag_names(self.kind, self.flags));
        }
        with.extend(self.code.map(|code| code.to_string()));
        with.extend(self.fields.iter().map(|(n, v)| trace::field(n, v)));
        with.extend(self.settings.iter().map(|(id, v)| format!("{id}={v}")));
        with.extend(self.length.map(|n| format!("{n} octets of data")));
        with.extend(self.increment.map(|n| format!("increment={n}")));
        with.extend(self.last_stream.map(|n| format!("last_stream={n}")));
        with.extend(self.payload.as_deref().map(trace::quote));
        if !with.is_empty() {
            write!(f, " with {}", with.join(", "))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::{GoAway, Headers, Ping, RstStream, Settings, HEADER_LEN};
    use std::path::Path;

    fn expectation(line: &str) -> Expectation {
        let words = super::super::words::tokens(line).unwrap();
        let mut words = Words::new(&words, Path::new("."));
        Expectation::parse(&mut words).unwrap()
    }

    fn pattern(line: &str) -> FramePattern {
        match expectation(line).pattern {
            Pattern::Frame(pattern) => pattern,
            Pattern::Close | Pattern::Error(_) => panic!("not a frame"),
        }
    }

    fn arrival(frame: Frame, fields: Option<Vec<Field>>) -> Arrival {
        let mut octets = Vec::new();
        frame.encode(&mut octets);
        let head: [u8; HEADER_LEN] = octets[..HEADER_LEN].try_into().unwrap();
        Arrival {
            header: FrameHeader::decode(&head),
            frame,
            fields,
        }
    }

    fn response_headers(end_stream: bool) -> Arrival {
        let frame = Frame::Headers(Headers {
            stream_id: 1,
            fragment: vec![0x88],
            end_stream,
            end_headers: true,
            priority: None,
            pad_len: None,
        });
        arrival(frame, Some(vec![Field::new(":status", "200")]))
    }

    #[test]
    fn headers_match_by_stream_flags_and_fields() {
        let headers = response_headers(false);
        assert!(pattern("headers 1 :status=200").matches(&headers));
        assert!(pattern("headers").matches(&headers));
        assert!(!pattern("headers 3").matches(&headers));
        assert!(!pattern("headers 1 :status=404").matches(&headers));
        assert!(!pattern("headers 1 end_stream").matches(&headers));
        assert!(pattern("headers 1 end_stream").matches(&response_headers(true)));
    }

    #[test]
    fn a_block_not_yet_whole_matches_no_field() {
        let mut headers = response_headers(false);
        headers.fields = None;
        assert!(pattern("headers 1").matches(&headers));
        assert!(!pattern("headers 1 :status=200").matches(&headers));
    }

    #[test]
    fn settings_and_ping_without_ack_want_the_frame_not_its_ack() {
        let settings = arrival(
            Frame::Settings(Settings {
                ack: false,
                params: vec![(SettingId::INITIAL_WINDOW_SIZE, 16)],
            }),
            None,
        );
        let ack = arrival(
            Frame::Settings(Settings {
                ack: true,
                params: Vec::new(),
            }),
            None,
        );
        assert!(pattern("settings").matches(&settings));
        assert!(!pattern("settings").matches(&ack));
        assert!(pattern("settings ack").matches(&ack));
        assert!(pattern("settings initial_window_size=16").matches(&settings));
        assert!(!pattern("settings initial_window_size=17").matches(&settings));
        let pong = arrival(
            Frame::Ping(Ping {
                ack: true,
                data: *b"lesson01",
            }),
            None,
        );
        assert!(pattern(r#"ping ack "lesson01""#).matches(&pong));
        assert!(!pattern(r#"ping ack "lesson02""#).matches(&pong));
        assert!(!pattern("ping").matches(&pong));
    }

    #[test]
    fn error_codes_and_goaway_values_must_match() {
        let rst = arrival(
            Frame::RstStream(RstStream {
                stream_id: 3,
                error_code: ErrorCode::PROTOCOL_ERROR,
            }),
            None,
        );
        assert!(pattern("rst_stream 3 protocol_error").matches(&rst));
        assert!(!pattern("rst_stream 3 cancel").matches(&rst));
        let goaway = arrival(
            Frame::GoAway(GoAway {
                last_stream_id: 1,
                error_code: ErrorCode::NO_ERROR,
                debug_data: b"bye".to_vec(),
            }),
            None,
        );
        assert!(pattern("goaway no_error last_stream=1").matches(&goaway));
        assert!(pattern(r#"goaway "bye""#).matches(&goaway));
        assert!(!pattern("goaway frame_size_error").matches(&goaway));
    }

    #[test]
    fn words_that_mean_nothing_for_the_type_are_refused() {
        let words = super::super::words::tokens("data 1 ack").unwrap();
        let mut words = Words::new(&words, Path::new("."));
        assert!(Expectation::parse(&mut words).is_err());
        let words = super::super::words::tokens("window_update 1 length=3").unwrap();
        let mut words = Words::new(&words, Path::new("."));
        assert!(Expectation::parse(&mut words).is_err());
    }

    #[test]
    fn error_names_the_code_of_a_connection_error_the_client_finds() {
        let error = expectation("error frame_size_error within=1s");
        assert_eq!(error.pattern, Pattern::Error(ErrorCode::FRAME_SIZE_ERROR));
        assert_eq!(error.within, Some(Duration::from_secs(1)));
        let words = super::super::words::tokens("error nonsense").unwrap();
        let mut words = Words::new(&words, Path::new("."));
        assert!(Expectation::parse(&mut words).is_err());
    }

    #[test]
    fn close_no_and_within_are_understood() {
        let close = expectation("close within=5s");
        assert_eq!(close.pattern, Pattern::Close);
        assert_eq!(close.within, Some(Duration::from_secs(5)));
        let none = expectation("no data 1 within=300ms");
        assert!(none.absent);
        assert_eq!(none.within, Some(Duration::from_millis(300)));
    }

    #[test]
    fn an_expectation_reads_as_the_output_names_frames() {
        assert_eq!(
            expectation("headers 1 end_stream :status=200").to_string(),
            "HEADERS on stream 1 with END_STREAM, :status = \"200\""
        );
        assert_eq!(
            expectation("rst_stream 3 protocol_error").to_string(),
            "RST_STREAM on stream 3 with PROTOCOL_ERROR"
        );
        assert_eq!(expectation("settings ack").to_string(), "SETTINGS ACK");
    }
}
