//! PUSH_PROMISE frame — RFC 9113 §6.6

/// PUSH_PROMISE reserves a stream for a server push. A server only ever receives one in error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushPromise {
    /// The stream the promise is associated with; never 0 (§6.6).
    pub stream_id: u32,
    /// The reserved stream (31 bits).
    pub promised_stream_id: u32,
    /// The field block fragment, padding removed.
    pub fragment: Vec<u8>,
    /// END_HEADERS flag.
    pub end_headers: bool,
    /// The Pad Length field when PADDED is set.
    pub pad_len: Option<u8>,
}
