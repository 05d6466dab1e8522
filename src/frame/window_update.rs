//! WINDOW_UPDATE frame — RFC 9113 §6.9

/// WINDOW_UPDATE grants the peer more flow-control credit, on a stream or (stream 0) the connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WindowUpdate {
    /// The stream, or 0 for the connection window.
    pub stream_id: u32,
    /// Window Size Increment (31 bits, 1..=2^31-1).
    pub increment: u32,
}
