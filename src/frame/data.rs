//! DATA frame — RFC 9113 §6.1

/// DATA carries a stream's content octets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Data {
    /// The stream; never 0 (§6.1).
    pub stream_id: u32,
    /// The content, padding removed.
    pub data: Vec<u8>,
    /// END_STREAM flag.
    pub end_stream: bool,
    /// The Pad Length field when PADDED is set. Padding counts against flow control (§6.1).
    pub pad_len: Option<u8>,
}
