//! CONTINUATION frame — RFC 9113 §6.10

/// CONTINUATION carries the rest of a field block begun by HEADERS or PUSH_PROMISE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Continuation {
    /// The stream; the same as the HEADERS it continues (§6.10).
    pub stream_id: u32,
    /// The field block fragment.
    pub fragment: Vec<u8>,
    /// END_HEADERS flag.
    pub end_headers: bool,
}
