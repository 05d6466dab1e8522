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
pub use data::Data;
pub use goaway::GoAway;
pub use headers::{Headers, PrioritySpec};
pub use ping::Ping;
pub use priority::Priority;
pub use push_promise::PushPromise;
pub use rst_stream::RstStream;
pub use settings::{SettingId, Settings};
pub use window_update::WindowUpdate;

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
