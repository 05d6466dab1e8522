//! PING frame — RFC 9113 §6.7

/// PING measures a round trip and checks that the connection still works.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ping {
    /// ACK flag: this answers the peer's PING.
    pub ack: bool,
    /// Opaque data, echoed in the answer.
    pub data: [u8; 8],
}
