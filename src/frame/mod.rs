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

pub mod continuation;
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
pub use data::{encode_data, Data, DataInPlace};
pub use goaway::GoAway;
pub use headers::{Headers, PrioritySpec};
pub use ping::Ping;
pub use priority::Priority;
pub use push_promise::PushPromise;
pub use rst_stream::RstStream;
pub use settings::{OutOfRange, SettingId, Settings};
pub use window_update::{WindowUpdate, MAX_WINDOW_SIZE};

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

    /// The RFC's name of the type (§6), or `None` for a type outside it: the one table of frame
    /// type names that the `-v` log, `h2lab-decode` and the client all show.
    pub fn name(self) -> Option<&'static str> {
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
        NAMES.get(usize::from(self.0)).copied()
    }

    /// The flags this type defines (§6), as (bit, name) in bit order. The same bit means different
    /// things on different types, so a flags octet can only be named together with its type.
    pub fn defined_flags(self) -> &'static [(u8, &'static str)] {
        const END_STREAM: (u8, &str) = (flags::END_STREAM, "END_STREAM");
        const ACK: (u8, &str) = (flags::ACK, "ACK");
        const END_HEADERS: (u8, &str) = (flags::END_HEADERS, "END_HEADERS");
        const PADDED: (u8, &str) = (flags::PADDED, "PADDED");
        const PRIORITY: (u8, &str) = (flags::PRIORITY, "PRIORITY");
        match self {
            FrameType::DATA => &[END_STREAM, PADDED],
            FrameType::HEADERS => &[END_STREAM, END_HEADERS, PADDED, PRIORITY],
            FrameType::SETTINGS | FrameType::PING => &[ACK],
            FrameType::PUSH_PROMISE => &[END_HEADERS, PADDED],
            FrameType::CONTINUATION => &[END_HEADERS],
            _ => &[],
        }
    }
}

impl fmt::Display for FrameType {
    /// The RFC's name of the type, or `UNKNOWN(0xNN)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "UNKNOWN(0x{:02x})", self.0),
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
        out.extend_from_slice(&self.octets());
    }

    /// The 9 octets of the header, as [`FrameHeader::encode`] writes them.
    pub fn octets(&self) -> [u8; HEADER_LEN] {
        debug_assert!(
            self.length <= MAX_MAX_FRAME_SIZE,
            "frame length exceeds 24 bits"
        );
        let [_, l0, l1, l2] = self.length.to_be_bytes();
        // RFC 9113 §4.1: the reserved bit "MUST remain unset (0x00) when sending".
        let [s0, s1, s2, s3] = (self.stream_id & !RESERVED_BIT).to_be_bytes();
        [l0, l1, l2, self.kind.0, self.flags, s0, s1, s2, s3]
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
    // size defined in SETTINGS_MAX_FRAME_SIZE". Always a connection error here: the header alone
    // does not say whether the frame could alter connection state, and §5.4.1 allows it ("an
    // endpoint MAY choose to treat a stream error as a connection error").
    if header.length > max_frame_size {
        return Err(ConnectionError::new(
            ErrorCode::FRAME_SIZE_ERROR,
            "§4.2",
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
    /// from the payload and the reserved bit cleared. h2lab never sends a frame of an unknown type;
    /// this is for showing or replaying one that arrived.
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

/// A connection error of `code` (RFC 9113 §5.4.1) for the rule of `section`, as a parser returns
/// it.
fn connection_error(
    code: ErrorCode,
    section: &'static str,
    reason: impl Into<String>,
) -> ProtocolError {
    ConnectionError::new(code, section, reason).into()
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
            "§4.2",
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
    let section = match header.kind {
        FrameType::HEADERS => "§6.2",
        FrameType::PUSH_PROMISE => "§6.6",
        _ => "§6.1",
    };
    let Some(end) = rest.len().checked_sub(usize::from(pad_len.unwrap_or(0))) else {
        return Err(connection_error(
            ErrorCode::PROTOCOL_ERROR,
            section,
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Octets from hex digits; whitespace separates fields for the reader and is skipped.
    pub(super) fn hex(text: &str) -> Vec<u8> {
        let digits: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
        assert!(
            digits.len().is_multiple_of(2),
            "odd number of hex digits in {text:?}"
        );
        digits
            .chunks(2)
            .map(|pair| {
                let pair = std::str::from_utf8(pair).expect("hex digits are ASCII");
                u8::from_str_radix(pair, 16).expect("hex digits")
            })
            .collect()
    }

    /// Splits exactly one whole frame out of `text` and decodes it.
    pub(super) fn decode_hex(text: &str) -> Result<Frame, ProtocolError> {
        let bytes = hex(text);
        let (header, payload, used) = split_frame(&bytes, MAX_MAX_FRAME_SIZE)
            .expect("length within the limit")
            .expect("a whole frame");
        assert_eq!(used, bytes.len(), "test input holds exactly one frame");
        Frame::decode(&header, payload)
    }

    /// `text` decodes to `frame`, and `frame` encodes to exactly `text`.
    pub(super) fn assert_round_trip(text: &str, frame: Frame) {
        assert_eq!(decode_hex(text), Ok(frame.clone()));
        let mut out = Vec::new();
        frame.encode(&mut out);
        assert_eq!(out, hex(text));
    }

    /// `frame` encodes to exactly `text`.
    pub(super) fn assert_encodes_to(frame: &Frame, text: &str) {
        let mut out = Vec::new();
        frame.encode(&mut out);
        assert_eq!(out, hex(text));
    }

    /// `text` is a connection error of type `code`.
    pub(super) fn assert_connection_error(text: &str, code: ErrorCode) {
        match decode_hex(text) {
            Err(ProtocolError::Connection(e)) => assert_eq!(e.code, code, "{}", e.reason),
            other => panic!("expected a connection error {code}, got {other:?}"),
        }
    }

    /// `text` is a stream error of type `code` on `stream_id`.
    pub(super) fn assert_stream_error(text: &str, stream_id: u32, code: ErrorCode) {
        match decode_hex(text) {
            Err(ProtocolError::Stream(e)) => {
                assert_eq!((e.stream_id, e.code), (stream_id, code), "{}", e.reason)
            }
            other => panic!("expected a stream error {code} on {stream_id}, got {other:?}"),
        }
    }

    /// One valid frame of each type, padded and prioritised variants included.
    const SAMPLES: [&str; 14] = [
        "000005 00 01 00000001 68656c6c6f",
        "000006 00 08 00000003 02 68656c 0000",
        "000003 01 05 00000001 828487",
        "000009 01 2c 00000005 01 80000003 0f 8284 00",
        "000005 02 00 00000003 80000001 ff",
        "000004 03 00 00000001 00000008",
        "00000c 04 00 00000000 0003 00000064 0004 0000ffff",
        "000000 04 01 00000000",
        "000008 05 0c 00000001 02 00000002 82 0000",
        "000008 06 00 00000000 0102030405060708",
        "00000d 07 00 00000000 00000005 00000001 68656c6c6f",
        "000004 08 00 00000001 00010000",
        "000003 09 04 00000001 828487",
        "000003 0a 5a 00000007 010203",
    ];

    #[test]
    fn preface_is_the_24_octets_of_section_3_4() {
        assert_eq!(
            PREFACE.to_vec(),
            hex("505249202a20485454502f322e300d0a0d0a534d0d0a0d0a")
        );
    }

    #[test]
    fn header_decodes_every_field() {
        let header = FrameHeader::decode(&[0x12, 0x34, 0x56, 0x01, 0x25, 0x00, 0x00, 0x00, 0x07]);
        assert_eq!(
            header,
            FrameHeader {
                length: 0x12_3456,
                kind: FrameType::HEADERS,
                flags: 0x25,
                stream_id: 0x7,
            }
        );
    }

    #[test]
    fn header_reserved_bit_is_ignored_on_read() {
        let header = FrameHeader::decode(&[0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x00, 0x00, 0x01]);
        assert_eq!(header.stream_id, 0x1);
    }

    #[test]
    fn header_reserved_bit_is_written_as_zero() {
        let header = FrameHeader {
            length: 0xff_ffff,
            kind: FrameType(0xff),
            flags: 0xff,
            stream_id: 0xffff_ffff,
        };
        let mut out = Vec::new();
        header.encode(&mut out);
        assert_eq!(out, hex("ffffff ff ff 7fffffff"));
    }

    #[test]
    fn split_frame_waits_for_a_whole_header() {
        assert_eq!(split_frame(&hex("000000 04 00 000000"), 0x4000), Ok(None));
    }

    #[test]
    fn split_frame_waits_for_a_whole_payload() {
        assert_eq!(
            split_frame(&hex("000002 00 00 00000001 68"), 0x4000),
            Ok(None)
        );
    }

    #[test]
    fn split_frame_takes_one_frame_off_the_front() {
        let bytes = hex("000001 00 00 00000001 68 000000 04 01 00000000");
        let (header, payload, used) = split_frame(&bytes, 0x4000).unwrap().unwrap();
        assert_eq!((header.kind, header.stream_id), (FrameType::DATA, 0x1));
        assert_eq!((payload, used), (&[0x68][..], 10));
        let (header, payload, used) = split_frame(&bytes[used..], 0x4000).unwrap().unwrap();
        assert_eq!(
            (header.kind, header.flags),
            (FrameType::SETTINGS, flags::ACK)
        );
        assert_eq!((payload, used), (&[][..], 9));
    }

    #[test]
    fn split_frame_accepts_a_frame_of_exactly_max_frame_size() {
        let mut bytes = hex("004000 00 00 00000001");
        bytes.resize(HEADER_LEN + 0x4000, 0x0);
        let (_, payload, used) = split_frame(&bytes, 0x4000).unwrap().unwrap();
        assert_eq!((payload.len(), used), (0x4000, HEADER_LEN + 0x4000));
    }

    #[test]
    fn frame_over_max_frame_size_is_connection_frame_size_error_from_the_header_alone() {
        let error = split_frame(&hex("004001 00 00 00000001"), 0x4000).unwrap_err();
        assert_eq!(error.code, ErrorCode::FRAME_SIZE_ERROR);
    }

    #[test]
    fn unknown_frame_type_round_trips_unchanged() {
        let frame = Frame::Unknown(Unknown {
            header: FrameHeader {
                length: 0x3,
                kind: FrameType(0xa),
                flags: 0x5a,
                stream_id: 0x7,
            },
            payload: vec![0x01, 0x02, 0x03],
        });
        assert_round_trip("000003 0a 5a 00000007 010203", frame);
    }

    #[test]
    fn unknown_frame_type_is_never_an_error() {
        assert!(matches!(
            decode_hex("000000 ff ff 00000000"),
            Ok(Frame::Unknown(_))
        ));
        assert!(matches!(
            decode_hex("000001 0b 00 80000003 00"),
            Ok(Frame::Unknown(Unknown { header, .. })) if header.stream_id == 0x3
        ));
    }

    #[test]
    fn stream_id_names_the_stream_of_each_frame() {
        let ids: Vec<u32> = SAMPLES
            .iter()
            .map(|text| decode_hex(text).unwrap().stream_id())
            .collect();
        assert_eq!(ids, [1, 3, 1, 5, 3, 1, 0, 0, 1, 0, 0, 1, 1, 7]);
    }

    #[test]
    fn samples_round_trip_as_exact_bytes() {
        for text in SAMPLES {
            let frame = decode_hex(text).unwrap();
            assert_encodes_to(&frame, text);
        }
    }

    #[test]
    fn every_frame_type_truncated_at_every_octet_is_incomplete_for_split_frame() {
        for text in SAMPLES {
            let bytes = hex(text);
            for end in 0..bytes.len() {
                assert_eq!(
                    split_frame(&bytes[..end], MAX_MAX_FRAME_SIZE),
                    Ok(None),
                    "{text} cut at {end}"
                );
            }
        }
    }

    #[test]
    fn every_frame_type_with_a_shortened_length_decodes_without_panic() {
        for text in SAMPLES {
            let bytes = hex(text);
            let (header, payload, _) = split_frame(&bytes, MAX_MAX_FRAME_SIZE).unwrap().unwrap();
            for end in 0..payload.len() {
                let short = FrameHeader {
                    length: end as u32,
                    ..header
                };
                let result = Frame::decode(&short, &payload[..end]);
                let fixed_len = match header.kind {
                    FrameType::PRIORITY => 5,
                    FrameType::RST_STREAM | FrameType::WINDOW_UPDATE => 4,
                    FrameType::PING | FrameType::GOAWAY => 8,
                    _ => 0,
                };
                if end < fixed_len {
                    let code = result.map(|_| ()).unwrap_err().code();
                    assert_eq!(code, ErrorCode::FRAME_SIZE_ERROR, "{text} cut at {end}");
                }
            }
        }
    }

    /// Decodes `header` + `payload`; when it decodes, re-encoding keeps the length and decodes to
    /// the same frame, and encoding is stable from then on.
    fn check_decode_encode_identity(header: &FrameHeader, payload: &[u8]) {
        let Ok(frame) = Frame::decode(header, payload) else {
            return;
        };
        let mut out = Vec::new();
        frame.encode(&mut out);
        assert_eq!(out.len(), HEADER_LEN + payload.len());
        let (again_header, again_payload, used) =
            split_frame(&out, MAX_MAX_FRAME_SIZE).unwrap().unwrap();
        assert_eq!(used, out.len());
        let again = Frame::decode(&again_header, again_payload).unwrap();
        assert_eq!(again, frame);
        let mut out_again = Vec::new();
        again.encode(&mut out_again);
        assert_eq!(out_again, out);
    }

    proptest! {
        #[test]
        fn random_octets_never_panic_and_decoded_frames_re_encode(
            bytes in proptest::collection::vec(any::<u8>(), 0..512),
            max_frame_size in DEFAULT_MAX_FRAME_SIZE..=MAX_MAX_FRAME_SIZE,
        ) {
            let mut rest = &bytes[..];
            while let Ok(Some((header, payload, used))) = split_frame(rest, max_frame_size) {
                check_decode_encode_identity(&header, payload);
                rest = &rest[used..];
            }
        }

        #[test]
        fn random_frames_of_every_type_split_and_decode_and_re_encode(
            frames in proptest::collection::vec(
                (
                    0x0u8..=0xb,
                    any::<u8>(),
                    prop_oneof![Just(0x0u32), Just(0x1), Just(0x8000_0001), any::<u32>()],
                    proptest::collection::vec(any::<u8>(), 0..40),
                ),
                1..8,
            ),
            cut in any::<prop::sample::Index>(),
        ) {
            let mut bytes = Vec::new();
            for (kind, flags, stream_id, payload) in &frames {
                let length = payload.len() as u32;
                FrameHeader { length, kind: FrameType(*kind), flags: *flags, stream_id: *stream_id }
                    .encode(&mut bytes);
                bytes.extend_from_slice(payload);
            }
            let cut = cut.index(bytes.len() + 1);
            let mut rest = &bytes[..cut];
            let mut whole_frames = 0;
            while let Some((header, payload, used)) = split_frame(rest, 0x4000).unwrap() {
                prop_assert_eq!(header.kind.0, frames[whole_frames].0);
                check_decode_encode_identity(&header, payload);
                rest = &rest[used..];
                whole_frames += 1;
            }
            prop_assert!(rest.len() < HEADER_LEN + frames.get(whole_frames).map_or(0, |f| f.3.len()));
        }
    }
}
