//! SETTINGS frame — RFC 9113 §6.5

/// A setting identifier (§6.5.2). The set stays open: unknown identifiers MUST be ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SettingId(pub u16);

impl SettingId {
    /// SETTINGS_HEADER_TABLE_SIZE (0x01).
    pub const HEADER_TABLE_SIZE: SettingId = SettingId(0x1);
    /// SETTINGS_ENABLE_PUSH (0x02).
    pub const ENABLE_PUSH: SettingId = SettingId(0x2);
    /// SETTINGS_MAX_CONCURRENT_STREAMS (0x03).
    pub const MAX_CONCURRENT_STREAMS: SettingId = SettingId(0x3);
    /// SETTINGS_INITIAL_WINDOW_SIZE (0x04).
    pub const INITIAL_WINDOW_SIZE: SettingId = SettingId(0x4);
    /// SETTINGS_MAX_FRAME_SIZE (0x05).
    pub const MAX_FRAME_SIZE: SettingId = SettingId(0x5);
    /// SETTINGS_MAX_HEADER_LIST_SIZE (0x06).
    pub const MAX_HEADER_LIST_SIZE: SettingId = SettingId(0x6);
}

/// SETTINGS: the sender's configuration, or (with ACK) the acknowledgement of the peer's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// ACK flag; an ACK has no parameters (§6.5).
    pub ack: bool,
    /// The parameters in the order received, unknown identifiers included.
    pub params: Vec<(SettingId, u32)>,
}
