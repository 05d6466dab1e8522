//! RST_STREAM frame — RFC 9113 §6.4

use crate::error::ErrorCode;

/// RST_STREAM ends one stream at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RstStream {
    /// The stream; never 0 (§6.4).
    pub stream_id: u32,
    /// Why the stream ends.
    pub error_code: ErrorCode,
}
