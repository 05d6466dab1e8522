//! HEADERS frame — RFC 9113 §6.2

/// The priority fields of HEADERS and PRIORITY (RFC 9113 §5.3.2, deprecated but still parsed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrioritySpec {
    /// E flag: the dependency is exclusive.
    pub exclusive: bool,
    /// Stream Dependency (31 bits).
    pub dependency: u32,
    /// Weight as on the wire: the real weight minus one (0..=255).
    pub weight: u8,
}

/// HEADERS opens a stream and carries a field block fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Headers {
    /// The stream; never 0 (§6.2).
    pub stream_id: u32,
    /// The field block fragment, padding and priority fields removed.
    pub fragment: Vec<u8>,
    /// END_STREAM flag.
    pub end_stream: bool,
    /// END_HEADERS flag: no CONTINUATION follows.
    pub end_headers: bool,
    /// The priority fields when the PRIORITY flag is set.
    pub priority: Option<PrioritySpec>,
    /// The Pad Length field when PADDED is set.
    pub pad_len: Option<u8>,
}
