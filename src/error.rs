//! Error codes and the two kinds of protocol error — RFC 9113 §5.4 and §7.
//!
//! RFC 9113 §5.4 knows exactly two reactions to a peer's mistake: a *connection error* (send GOAWAY
//! with a code, then close) and a *stream error* (send RST_STREAM with a code, keep the connection).
//! Every place that detects a violation returns one of [`ConnectionError`] or [`StreamError`]; code
//! that may produce either returns a [`ProtocolError`].

use std::fmt;

/// An error code of the RFC 9113 §7 registry, as carried by RST_STREAM and GOAWAY.
///
/// The set stays open: a code we do not know is still a valid code (§7: "Unknown or unsupported
/// error codes MUST NOT trigger any special behavior").
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ErrorCode(pub u32);

impl ErrorCode {
    /// The associated condition is not a result of an error.
    pub const NO_ERROR: ErrorCode = ErrorCode(0x0);
    /// An unspecific protocol error was detected.
    pub const PROTOCOL_ERROR: ErrorCode = ErrorCode(0x1);
    /// The endpoint encountered an unexpected internal error.
    pub const INTERNAL_ERROR: ErrorCode = ErrorCode(0x2);
    /// The peer violated the flow-control protocol.
    pub const FLOW_CONTROL_ERROR: ErrorCode = ErrorCode(0x3);
    /// A SETTINGS frame was not acknowledged in time.
    pub const SETTINGS_TIMEOUT: ErrorCode = ErrorCode(0x4);
    /// A frame arrived after the stream was half-closed.
    pub const STREAM_CLOSED: ErrorCode = ErrorCode(0x5);
    /// A frame has an invalid size.
    pub const FRAME_SIZE_ERROR: ErrorCode = ErrorCode(0x6);
    /// The stream was refused before any application processing.
    pub const REFUSED_STREAM: ErrorCode = ErrorCode(0x7);
    /// The stream is no longer needed.
    pub const CANCEL: ErrorCode = ErrorCode(0x8);
    /// The field section compression context could not be maintained.
    pub const COMPRESSION_ERROR: ErrorCode = ErrorCode(0x9);
    /// A CONNECT request's connection was reset or abnormally closed.
    pub const CONNECT_ERROR: ErrorCode = ErrorCode(0xa);
    /// The peer is generating excessive load.
    pub const ENHANCE_YOUR_CALM: ErrorCode = ErrorCode(0xb);
    /// The transport does not meet minimum security requirements.
    pub const INADEQUATE_SECURITY: ErrorCode = ErrorCode(0xc);
    /// HTTP/1.1 must be used instead of HTTP/2.
    pub const HTTP_1_1_REQUIRED: ErrorCode = ErrorCode(0xd);

    /// The registry name of the code, or `None` for a code outside the registry.
    pub fn name(self) -> Option<&'static str> {
        const NAMES: [&str; 14] = [
            "NO_ERROR",
            "PROTOCOL_ERROR",
            "INTERNAL_ERROR",
            "FLOW_CONTROL_ERROR",
            "SETTINGS_TIMEOUT",
            "STREAM_CLOSED",
            "FRAME_SIZE_ERROR",
            "REFUSED_STREAM",
            "CANCEL",
            "COMPRESSION_ERROR",
            "CONNECT_ERROR",
            "ENHANCE_YOUR_CALM",
            "INADEQUATE_SECURITY",
            "HTTP_1_1_REQUIRED",
        ];
        NAMES.get(self.0 as usize).copied()
    }
}

impl fmt::Debug for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "UNKNOWN(0x{:x})", self.0),
        }
    }
}

/// A connection error (RFC 9113 §5.4.1): the whole connection ends with GOAWAY carrying `code`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionError {
    /// The code to send in GOAWAY.
    pub code: ErrorCode,
    /// Where the broken rule is written, so that a reader can look it up: a section of RFC 9113
    /// as `§6.7`, or another RFC's section in full (`RFC 7540 §5.3.1`). See [`citation`].
    pub section: &'static str,
    /// Why, for people: the log line and GOAWAY's debug data.
    pub reason: String,
}

impl ConnectionError {
    /// A connection error with `code`, the `section` whose rule was broken, and a reason.
    pub fn new(code: ErrorCode, section: &'static str, reason: impl Into<String>) -> Self {
        ConnectionError {
            code,
            section,
            reason: reason.into(),
        }
    }
}

/// A stream error (RFC 9113 §5.4.2): only stream `stream_id` ends, with RST_STREAM carrying `code`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamError {
    /// The stream to reset.
    pub stream_id: u32,
    /// The code to send in RST_STREAM.
    pub code: ErrorCode,
    /// Where the broken rule is written, as for [`ConnectionError::section`].
    pub section: &'static str,
    /// Why, for people: the log line.
    pub reason: String,
}

impl StreamError {
    /// A stream error on `stream_id` with `code`, the `section` whose rule was broken, and a
    /// reason.
    pub fn new(
        stream_id: u32,
        code: ErrorCode,
        section: &'static str,
        reason: impl Into<String>,
    ) -> Self {
        StreamError {
            stream_id,
            code,
            section,
            reason: reason.into(),
        }
    }
}

/// A section as a reader looks it up: `§6.7` is RFC 9113's (`RFC 9113 §6.7`); a section that
/// names its RFC (`RFC 7540 §5.3.1`) stays as it is.
pub fn citation(section: &str) -> String {
    if section.starts_with('§') {
        format!("RFC 9113 {section}")
    } else {
        section.to_string()
    }
}

/// The one wording of a protocol error, for both kinds and for the `-v` log:
/// `connection error FRAME_SIZE_ERROR (RFC 9113 §6.7): PING with length 7`, or
/// `stream error on stream 1 PROTOCOL_ERROR (RFC 9113 §8.1.1): ...` when `stream_id` is given.
pub fn write_error(
    f: &mut impl fmt::Write,
    stream_id: Option<u32>,
    code: ErrorCode,
    section: &str,
    reason: &str,
) -> fmt::Result {
    match stream_id {
        None => f.write_str("connection error ")?,
        Some(id) => write!(f, "stream error on stream {id} ")?,
    }
    write!(f, "{code} ({}): {reason}", citation(section))
}

/// Either kind of protocol error, for code that can detect both (a frame parser, for one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProtocolError {
    /// End the connection.
    Connection(ConnectionError),
    /// End one stream.
    Stream(StreamError),
}

impl ProtocolError {
    /// The error code, whichever the scope.
    pub fn code(&self) -> ErrorCode {
        match self {
            ProtocolError::Connection(e) => e.code,
            ProtocolError::Stream(e) => e.code,
        }
    }
}

impl From<ConnectionError> for ProtocolError {
    fn from(e: ConnectionError) -> Self {
        ProtocolError::Connection(e)
    }
}

impl From<StreamError> for ProtocolError {
    fn from(e: StreamError) -> Self {
        ProtocolError::Stream(e)
    }
}

impl fmt::Display for ConnectionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_error(f, None, self.code, self.section, &self.reason)
    }
}

impl fmt::Display for StreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_error(
            f,
            Some(self.stream_id),
            self.code,
            self.section,
            &self.reason,
        )
    }
}

impl fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProtocolError::Connection(e) => e.fmt(f),
            ProtocolError::Stream(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ConnectionError {}
impl std::error::Error for StreamError {}
impl std::error::Error for ProtocolError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_codes_print_their_registry_names() {
        assert_eq!(ErrorCode::FRAME_SIZE_ERROR.to_string(), "FRAME_SIZE_ERROR");
        assert_eq!(
            ErrorCode::HTTP_1_1_REQUIRED.to_string(),
            "HTTP_1_1_REQUIRED"
        );
    }

    #[test]
    fn errors_name_their_code_and_rfc_section() {
        let error = ConnectionError::new(ErrorCode::FRAME_SIZE_ERROR, "§6.7", "PING with length 7");
        assert_eq!(
            error.to_string(),
            "connection error FRAME_SIZE_ERROR (RFC 9113 §6.7): PING with length 7"
        );
        let error = StreamError::new(3, ErrorCode::PROTOCOL_ERROR, "RFC 7540 §5.3.1", "self");
        assert_eq!(
            error.to_string(),
            "stream error on stream 3 PROTOCOL_ERROR (RFC 7540 §5.3.1): self"
        );
    }

    #[test]
    fn unknown_codes_stay_valid_and_print_in_hex() {
        assert_eq!(ErrorCode(0xff).name(), None);
        assert_eq!(ErrorCode(0xff).to_string(), "UNKNOWN(0xff)");
    }
}
