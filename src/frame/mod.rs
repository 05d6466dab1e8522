//! Frames — RFC 9113 §4 (frame format) and §6 (frame definitions).
//!
//! Every HTTP/2 frame starts with the same 9-octet header (§4.1):
//!
//! ```text
//! +-----------------------------------------------+
//! |                 Length (24)                   |
//! +---------------+---------------+---------------+
//! |   Type (8)    |   Flags (8)   |
//! +-+-------------+---------------+-------------------------------+
//! |R|                 Stream Identifier (31)                      |
//! +=+=============================================================+
//! |                   Frame Payload (0...)                      ...
//! +---------------------------------------------------------------+
//! ```
//!
//! One file per frame type, in the RFC's order. This module holds the header and the [`Frame`] enum
//! that dispatches on the type. Parsers here check the rules of §4 and §6 that can be checked on one
//! frame alone and return the exact error code and scope; they never see connection state.

use std::fmt;

use crate::error::{ConnectionError, ErrorCode, ProtocolError};

mod continuation;
mod data;
mod goaway;
mod headers;
mod ping;
mod priority;
mod push_promise;
mod rst_stream;
mod settings;
mod window_update;

pub use continuation::Continuation;
pub use data::{encode_data, Data};
pub use goaway::GoAway;
pub use headers::{Headers, PrioritySpec};
pub use ping::Ping;
pub use priority::Priority;
pub use push_promise::PushPromise;
pub use rst_stream::RstStream;
pub use settings::{SettingId, Settings};
pub use window_update::WindowUpdate;

/// The client connection preface, RFC 9113 §3.4: `PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n`, followed on the
/// wire by the client's SETTINGS frame.
pub const PREFACE: &[u8; 24] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

/// Length of the frame header, RFC 9113 §4.1.
pub const HEADER_LEN: usize = 9;

/// The initial and smallest allowed SETTINGS_MAX_FRAME_SIZE, RFC 9113 §4.2.
pub const DEFAULT_MAX_FRAME_SIZE: u32 = 16_384;

/// The largest allowed SETTINGS_MAX_FRAME_SIZE, 2^24-1, RFC 9113 §4.2.
pub const MAX_MAX_FRAME_SIZE: u32 = 16_777_215;

/// A frame type octet. The set stays open: types we do not know are carried, not rejected (§4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FrameType(pub u8);

impl FrameType {
    /// DATA, §6.1.
    pub const DATA: FrameType = FrameType(0x0);
    /// HEADERS, §6.2.
    pub const HEADERS: FrameType = FrameType(0x1);
    /// PRIORITY, §6.3.
    pub const PRIORITY: FrameType = FrameType(0x2);
    /// RST_STREAM, §6.4.
    pub const RST_STREAM: FrameType = FrameType(0x3);
    /// SETTINGS, §6.5.
    pub const SETTINGS: FrameType = FrameType(0x4);
    /// PUSH_PROMISE, §6.6.
    pub const PUSH_PROMISE: FrameType = FrameType(0x5);
    /// PING, §6.7.
    pub const PING: FrameType = FrameType(0x6);
    /// GOAWAY, §6.8.
    pub const GOAWAY: FrameType = FrameType(0x7);
    /// WINDOW_UPDATE, §6.9.
    pub const WINDOW_UPDATE: FrameType = FrameType(0x8);
    /// CONTINUATION, §6.10.
    pub const CONTINUATION: FrameType = FrameType(0x9);
}

impl fmt::Display for FrameType {
    /// The RFC's name of the type, or `UNKNOWN(0x..)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const NAMES: [&str; 10] = [
            "DATA",
            "HEADERS",
            "PRIORITY",
            "RST_STREAM",
            "SETTINGS",
            "PUSH_PROMISE",
            "PING",
            "GOAWAY",
            "WINDOW_UPDATE",
            "CONTINUATION",
        ];
        match NAMES.get(usize::from(self.0)) {
            Some(name) => f.write_str(name),
            None => write!(f, "UNKNOWN(0x{:x})", self.0),
        }
    }
}

/// Flag bits. Each frame type defines its own; the same bit means different things on different
/// types (0x1 is END_STREAM on DATA and ACK on SETTINGS), so the names are per meaning.
pub mod flags {
    /// DATA, HEADERS: the last frame the sender will send on this stream.
    pub const END_STREAM: u8 = 0x1;
    /// SETTINGS, PING: this frame acknowledges the peer's.
    pub const ACK: u8 = 0x1;
    /// HEADERS, PUSH_PROMISE, CONTINUATION: the field block ends in this frame.
    pub const END_HEADERS: u8 = 0x4;
    /// DATA, HEADERS, PUSH_PROMISE: a Pad Length field and padding are present.
    pub const PADDED: u8 = 0x8;
    /// HEADERS: the Exclusive, Stream Dependency and Weight fields are present.
    pub const PRIORITY: u8 = 0x20;
}

/// The 9-octet frame header, RFC 9113 §4.1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameHeader {
    /// Length of the payload in octets (24 bits).
    pub length: u32,
    /// The frame type.
    pub kind: FrameType,
    /// The flags octet, all 8 bits as received (unknown flags are kept, and ignored).
    pub flags: u8,
    /// The stream identifier, with the reserved bit already cleared (§4.1: "MUST be ignored").
    pub stream_id: u32,
}

/// A frame of a type this implementation does not know; §4.1 and §5.5 say to ignore and discard it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unknown {
    /// The header as received.
    pub header: FrameHeader,
    /// The payload, kept so that a trace can show it.
    pub payload: Vec<u8>,
}

/// One decoded frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// DATA, §6.1.
    Data(Data),
    /// HEADERS, §6.2.
    Headers(Headers),
    /// PRIORITY, §6.3.
    Priority(Priority),
    /// RST_STREAM, §6.4.
    RstStream(RstStream),
    /// SETTINGS, §6.5.
    Settings(Settings),
    /// PUSH_PROMISE, §6.6.
    PushPromise(PushPromise),
    /// PING, §6.7.
    Ping(Ping),
    /// GOAWAY, §6.8.
    GoAway(GoAway),
    /// WINDOW_UPDATE, §6.9.
    WindowUpdate(WindowUpdate),
    /// CONTINUATION, §6.10.
    Continuation(Continuation),
    /// A type outside §6, to be ignored.
    Unknown(Unknown),
}

/// The reserved high bit of a 32-bit field that holds a 31-bit stream identifier or increment.
const RESERVED_BIT: u32 = 0x8000_0000;

impl FrameHeader {
    /// Reads the 9-octet header. Every bit pattern is a header; what it may carry is checked later.
    pub fn decode(bytes: &[u8; HEADER_LEN]) -> FrameHeader {
        let [l0, l1, l2, kind, flags, s0, s1, s2, s3] = *bytes;
        FrameHeader {
            length: u32::from_be_bytes([0x00, l0, l1, l2]),
            kind: FrameType(kind),
            flags,
            // RFC 9113 §4.1: the reserved bit "MUST be ignored when receiving".
            stream_id: u32::from_be_bytes([s0, s1, s2, s3]) & !RESERVED_BIT,
        }
    }

    /// Writes the 9-octet header. The caller keeps `length` within 24 bits (at most
    /// [`MAX_MAX_FRAME_SIZE`]): only our own frames are encoded, and they are sized before.
    pub fn encode(&self, out: &mut Vec<u8>) {
        debug_assert!(
            self.length <= MAX_MAX_FRAME_SIZE,
            "frame length exceeds 24 bits"
        );
        let [_, l0, l1, l2] = self.length.to_be_bytes();
        out.extend_from_slice(&[l0, l1, l2, self.kind.0, self.flags]);
        // RFC 9113 §4.1: the reserved bit "MUST remain unset (0x00) when sending".
        out.extend_from_slice(&(self.stream_id & !RESERVED_BIT).to_be_bytes());
    }
}

/// One frame taken off the front of a buffer: its header, its payload, and the octets it occupied
/// (header included), which the caller drops from the buffer.
pub type SplitFrame<'a> = (FrameHeader, &'a [u8], usize);

/// Takes one frame off the front of `buf`: its header, its payload and the number of octets it
/// occupies. `Ok(None)` means `buf` does not hold a whole frame yet; read more and call again.
///
/// `max_frame_size` is the SETTINGS_MAX_FRAME_SIZE that we advertised. The check is made on the
/// header alone, so an oversized frame is refused before its payload is waited for.
pub fn split_frame(
    buf: &[u8],
    max_frame_size: u32,
) -> Result<Option<SplitFrame<'_>>, ConnectionError> {
    let Some(head) = buf.first_chunk::<HEADER_LEN>() else {
        return Ok(None);
    };
    let header = FrameHeader::decode(head);
    // RFC 9113 §4.2: "An endpoint MUST send an error code of FRAME_SIZE_ERROR if a frame exceeds the
    // size defined in SETTINGS_MAX_FRAME_SIZE". Scope: the frame cannot even be read past, so the
    // connection is lost either way.
    if header.length > max_frame_size {
        return Err(ConnectionError::new(
            ErrorCode::FRAME_SIZE_ERROR,
            format!(
                "frame of {} octets exceeds SETTINGS_MAX_FRAME_SIZE {}",
                header.length, max_frame_size
            ),
        ));
    }
    let end = HEADER_LEN + header.length as usize;
    let Some(payload) = buf.get(HEADER_LEN..end) else {
        return Ok(None);
    };
    Ok(Some((header, payload, end)))
}

impl Frame {
    /// Decodes one frame's payload, checking every rule of RFC 9113 §4–§6 that this frame alone can
    /// break. Rules that need connection or stream state are the connection layer's.
    ///
    /// `payload` is the whole payload as [`split_frame`] returned it; its length is what counts.
    pub fn decode(header: &FrameHeader, payload: &[u8]) -> Result<Frame, ProtocolError> {
        let frame = match header.kind {
            FrameType::DATA => Frame::Data(Data::decode(header, payload)?),
            FrameType::HEADERS => Frame::Headers(Headers::decode(header, payload)?),
            FrameType::PRIORITY => Frame::Priority(Priority::decode(header, payload)?),
            FrameType::RST_STREAM => Frame::RstStream(RstStream::decode(header, payload)?),
            FrameType::SETTINGS => Frame::Settings(Settings::decode(header, payload)?),
            FrameType::PUSH_PROMISE => Frame::PushPromise(PushPromise::decode(header, payload)?),
            FrameType::PING => Frame::Ping(Ping::decode(header, payload)?),
            FrameType::GOAWAY => Frame::GoAway(GoAway::decode(header, payload)?),
            FrameType::WINDOW_UPDATE => Frame::WindowUpdate(WindowUpdate::decode(header, payload)?),
            FrameType::CONTINUATION => Frame::Continuation(Continuation::decode(header, payload)?),
            // RFC 9113 §4.1: "Implementations MUST ignore and discard frames of unknown types."
            // Kept here only so that a trace can show it; the connection layer drops it.
            _ => Frame::Unknown(Unknown {
                header: *header,
                payload: payload.to_vec(),
            }),
        };
        Ok(frame)
    }

    /// Writes the frame, header included, exactly as RFC 9113 §6 lays it out (unused flags and
    /// reserved bits 0, padding octets 0).
    pub fn encode(&self, out: &mut Vec<u8>) {
        match self {
            Frame::Data(f) => f.encode(out),
            Frame::Headers(f) => f.encode(out),
            Frame::Priority(f) => f.encode(out),
            Frame::RstStream(f) => f.encode(out),
            Frame::Settings(f) => f.encode(out),
            Frame::PushPromise(f) => f.encode(out),
            Frame::Ping(f) => f.encode(out),
            Frame::GoAway(f) => f.encode(out),
            Frame::WindowUpdate(f) => f.encode(out),
            Frame::Continuation(f) => f.encode(out),
            Frame::Unknown(f) => f.encode(out),
        }
    }

    /// The stream the frame is on; 0 for the connection-wide SETTINGS, PING and GOAWAY.
    pub fn stream_id(&self) -> u32 {
        match self {
            Frame::Data(f) => f.stream_id,
            Frame::Headers(f) => f.stream_id,
            Frame::Priority(f) => f.stream_id,
            Frame::RstStream(f) => f.stream_id,
            Frame::Settings(_) | Frame::Ping(_) | Frame::GoAway(_) => 0x0,
            Frame::PushPromise(f) => f.stream_id,
            Frame::WindowUpdate(f) => f.stream_id,
            Frame::Continuation(f) => f.stream_id,
            Frame::Unknown(f) => f.header.stream_id,
        }
    }
}

impl Unknown {
    /// Writes the frame back as received: type, flags and payload unchanged, the length taken
    /// from the payload and the reserved bit cleared.
    pub fn encode(&self, out: &mut Vec<u8>) {
        write_header(
            out,
            self.header.kind,
            self.header.flags,
            self.header.stream_id,
            self.payload.len(),
        );
        out.extend_from_slice(&self.payload);
    }
}

/// Writes a frame header for a payload of `length` octets.
fn write_header(out: &mut Vec<u8>, kind: FrameType, flags: u8, stream_id: u32, length: usize) {
    FrameHeader {
        length: u32::try_from(length).unwrap_or(u32::MAX),
        kind,
        flags,
        stream_id,
    }
    .encode(out);
}

/// The flags octet bit `flag` when `set`, else 0; for building the flags of a frame to send.
fn flag_if(set: bool, flag: u8) -> u8 {
    if set {
        flag
    } else {
        0x0
    }
}

/// A connection error of `code` (RFC 9113 §5.4.1), as a parser returns it.
fn connection_error(code: ErrorCode, reason: impl Into<String>) -> ProtocolError {
    ConnectionError::new(code, reason).into()
}

/// A DATA, HEADERS or PUSH_PROMISE payload taken apart by [`strip_padding`].
struct Padded<'a, const N: usize> {
    /// The Pad Length field, when PADDED is set.
    pad_len: Option<u8>,
    /// The fixed fields after Pad Length.
    fixed: &'a [u8; N],
    /// The data or field block fragment, padding removed.
    body: &'a [u8],
}

/// Takes a DATA, HEADERS or PUSH_PROMISE payload apart: the Pad Length field (when PADDED is set),
/// the `N` octets of fixed fields that follow it (priority fields, Promised Stream ID), and what lies
/// between those and the padding (the data or field block fragment). Padding content is not checked
/// (§6.1: "A receiver is not obligated to verify padding").
fn strip_padding<'a, const N: usize>(
    header: &FrameHeader,
    payload: &'a [u8],
) -> Result<Padded<'a, N>, ProtocolError> {
    let padded = header.flags & flags::PADDED != 0;
    let pad_len = payload.first().copied().filter(|_| padded);
    let after_pad_len = payload.get(usize::from(padded)..);
    // RFC 9113 §4.2: "An endpoint MUST send an error code of FRAME_SIZE_ERROR if a frame ... is too
    // small to contain mandatory frame data. A frame size error in a frame that could alter the
    // state of the entire connection MUST be treated as a connection error". HEADERS and
    // PUSH_PROMISE carry a field block; DATA counts against the connection's flow-control window.
    let Some((fixed, rest)) = after_pad_len.and_then(|rest| rest.split_first_chunk::<N>()) else {
        return Err(connection_error(
            ErrorCode::FRAME_SIZE_ERROR,
            format!(
                "{} payload of {} octets is too short for its {} octets of fixed fields",
                header.kind,
                payload.len(),
                usize::from(padded) + N
            ),
        ));
    };
    // RFC 9113 §6.1, §6.2, §6.6: "If the length of the padding is the length of the frame payload or
    // greater, the recipient MUST treat this as a connection error (Section 5.4.1) of type
    // PROTOCOL_ERROR." The padding must also leave the fixed fields whole.
    let Some(end) = rest.len().checked_sub(usize::from(pad_len.unwrap_or(0))) else {
        return Err(connection_error(
            ErrorCode::PROTOCOL_ERROR,
            format!(
                "{} Pad Length {} does not fit in a payload of {} octets",
                header.kind,
                pad_len.unwrap_or(0),
                payload.len()
            ),
        ));
    };
    Ok(Padded {
        pad_len,
        fixed,
        body: &rest[..end],
    })
}
