//! What can go wrong on the client's side of a connection — RFC 9113 §5.4 seen from the client.
//!
//! A test client must report, never panic on, whatever the server sends: a frame it cannot decode,
//! a header block that fails HPACK, an early close, or silence. Each has its own variant, and the
//! ones that end a wait carry the frames seen so far, so that a failing test shows what the server
//! did instead of what was expected.

use std::fmt;
use std::io;

use crate::error::{ConnectionError, ErrorCode, ProtocolError};
use crate::frame::{GoAway, RstStream};
use crate::hpack::DecodeError;

/// An error of the test client. None of them is a panic: each says what the server did.
#[derive(Debug)]
pub enum ClientError {
    /// A socket error other than the peer closing the connection.
    Io(io::Error),
    /// The TLS handshake failed, or the server did not select `h2` by ALPN (RFC 9113 §3.2).
    Tls(String),
    /// The server closed the connection (end of file or reset) before what was awaited arrived.
    Closed {
        /// What the caller was waiting for.
        waiting_for: String,
        /// One line per frame received on this connection, oldest first.
        seen: Vec<String>,
    },
    /// Nothing that was awaited arrived within the time allowed.
    Timeout {
        /// What the caller was waiting for.
        waiting_for: String,
        /// One line per frame received on this connection, oldest first.
        seen: Vec<String>,
    },
    /// The server sent a frame longer than our SETTINGS_MAX_FRAME_SIZE (RFC 9113 §4.2).
    FrameTooLarge(ConnectionError),
    /// The server sent a frame that breaks a rule of RFC 9113 §4–§6 on its own.
    BadFrame(ProtocolError),
    /// The server sent a header block that our HPACK decoder rejects (RFC 7541).
    Hpack(DecodeError),
    /// The server broke a rule that needs more than one frame to see (header block assembly,
    /// a missing or misplaced `:status`).
    Protocol(String),
    /// The server reset the stream we were reading a response from (RFC 9113 §6.4).
    Reset(RstStream),
    /// The server ended the connection with an error, or before the stream we were reading
    /// (RFC 9113 §6.8).
    GoAway(GoAway),
}

impl ClientError {
    /// The error code the server sent, when it ended the stream or the connection with one.
    pub fn server_code(&self) -> Option<ErrorCode> {
        match self {
            ClientError::Reset(rst) => Some(rst.error_code),
            ClientError::GoAway(goaway) => Some(goaway.error_code),
            _ => None,
        }
    }
}

impl ClientError {
    /// The error code of the connection error the server's octets are for the client (RFC 9113
    /// §5.4.1), or `None` when the error is not one the server's octets caused.
    pub fn peer_error_code(&self) -> Option<ErrorCode> {
        match self {
            ClientError::FrameTooLarge(error) => Some(error.code),
            ClientError::BadFrame(error) => Some(error.code()),
            // RFC 9113 §4.3: a field block that cannot be decoded is a COMPRESSION_ERROR.
            ClientError::Hpack(_) => Some(ErrorCode::COMPRESSION_ERROR),
            ClientError::Protocol(_) => Some(ErrorCode::PROTOCOL_ERROR),
            _ => None,
        }
    }
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientError::Io(e) => write!(f, "socket error: {e}"),
            ClientError::Tls(reason) => write!(f, "TLS: {reason}"),
            ClientError::Closed { waiting_for, seen } => {
                write!(f, "connection closed while waiting for {waiting_for}")?;
                write_seen(f, seen)
            }
            ClientError::Timeout { waiting_for, seen } => {
                write!(f, "timed out waiting for {waiting_for}")?;
                write_seen(f, seen)
            }
            ClientError::FrameTooLarge(e) => write!(f, "server sent an oversized frame: {e}"),
            ClientError::BadFrame(e) => write!(f, "server sent a malformed frame: {e}"),
            ClientError::Hpack(e) => write!(f, "server sent a bad header block: {e}"),
            ClientError::Protocol(reason) => write!(f, "server broke the protocol: {reason}"),
            ClientError::Reset(rst) => write!(
                f,
                "server reset stream {} with {}",
                rst.stream_id, rst.error_code
            ),
            ClientError::GoAway(goaway) => write!(
                f,
                "server sent GOAWAY {} (last stream {}, {:?})",
                goaway.error_code,
                goaway.last_stream_id,
                String::from_utf8_lossy(&goaway.debug_data)
            ),
        }
    }
}

/// Appends the frames seen, one per line, to an error message.
fn write_seen(f: &mut fmt::Formatter<'_>, seen: &[String]) -> fmt::Result {
    if seen.is_empty() {
        return write!(f, "; no frame received");
    }
    write!(f, "; frames received:")?;
    for line in seen {
        write!(f, "\n  {line}")?;
    }
    Ok(())
}

impl std::error::Error for ClientError {}

impl From<io::Error> for ClientError {
    fn from(e: io::Error) -> Self {
        ClientError::Io(e)
    }
}

impl From<DecodeError> for ClientError {
    fn from(e: DecodeError) -> Self {
        ClientError::Hpack(e)
    }
}
