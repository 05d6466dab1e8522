//! GOAWAY frame — RFC 9113 §6.8

use crate::error::ErrorCode;

/// GOAWAY starts the shutdown of a connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoAway {
    /// The highest stream the sender processed or might process (31 bits).
    pub last_stream_id: u32,
    /// Why the connection ends.
    pub error_code: ErrorCode,
    /// Opaque diagnostic data; h2lab puts a readable reason here.
    pub debug_data: Vec<u8>,
}
