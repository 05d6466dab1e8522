//! Settings of both ends — RFC 9113 §6.5
//!
//! Each end announces its own parameters in a SETTINGS frame; they bind the *other* end. Ours
//! ([`LocalSettings`]) bound what the client may send us; the client's ([`PeerSettings`]) bound what
//! we send. A parameter absent from every SETTINGS frame keeps its initial value (§6.5.2).

use crate::frame::{SettingId, DEFAULT_MAX_FRAME_SIZE};
use crate::hpack::DEFAULT_TABLE_SIZE;

use super::flow::DEFAULT_WINDOW;

/// The SETTINGS h2lab announces: limits on what the client may send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalSettings {
    /// SETTINGS_HEADER_TABLE_SIZE: the dynamic table our decoder keeps for the client's encoder.
    pub header_table_size: u32,
    /// SETTINGS_MAX_CONCURRENT_STREAMS: requests the client may have open at once.
    pub max_concurrent_streams: u32,
    /// SETTINGS_INITIAL_WINDOW_SIZE: the window of each new stream for request bodies.
    pub initial_window_size: u32,
    /// SETTINGS_MAX_FRAME_SIZE: the largest frame payload we accept.
    pub max_frame_size: u32,
    /// SETTINGS_MAX_HEADER_LIST_SIZE: the largest request header list we decode and keep.
    pub max_header_list_size: u32,
}

impl Default for LocalSettings {
    fn default() -> Self {
        LocalSettings {
            header_table_size: DEFAULT_TABLE_SIZE as u32,
            max_concurrent_streams: 0x80,
            initial_window_size: DEFAULT_WINDOW,
            max_frame_size: DEFAULT_MAX_FRAME_SIZE,
            max_header_list_size: 0x1_0000,
        }
    }
}

impl LocalSettings {
    /// The parameters of our SETTINGS frame, every one of them, in identifier order.
    pub fn params(&self) -> Vec<(SettingId, u32)> {
        vec![
            (SettingId::HEADER_TABLE_SIZE, self.header_table_size),
            (
                SettingId::MAX_CONCURRENT_STREAMS,
                self.max_concurrent_streams,
            ),
            (SettingId::INITIAL_WINDOW_SIZE, self.initial_window_size),
            (SettingId::MAX_FRAME_SIZE, self.max_frame_size),
            (SettingId::MAX_HEADER_LIST_SIZE, self.max_header_list_size),
        ]
    }
}

/// The client's SETTINGS as applied so far: limits on what we send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeerSettings {
    /// SETTINGS_HEADER_TABLE_SIZE: the dynamic table the client's decoder keeps for our encoder.
    pub header_table_size: u32,
    /// SETTINGS_ENABLE_PUSH: whether we may push (`push.rs`).
    pub enable_push: bool,
    /// SETTINGS_MAX_CONCURRENT_STREAMS: how many pushed streams may be open at once.
    pub max_concurrent_streams: Option<u32>,
    /// SETTINGS_INITIAL_WINDOW_SIZE: the send window of each response stream.
    pub initial_window_size: u32,
    /// SETTINGS_MAX_FRAME_SIZE: the largest frame payload we may send.
    pub max_frame_size: u32,
    /// SETTINGS_MAX_HEADER_LIST_SIZE: advisory (§6.5.2); recorded for the log.
    pub max_header_list_size: Option<u32>,
}

impl Default for PeerSettings {
    fn default() -> Self {
        PeerSettings {
            header_table_size: DEFAULT_TABLE_SIZE as u32,
            enable_push: true,
            max_concurrent_streams: None,
            initial_window_size: DEFAULT_WINDOW,
            max_frame_size: DEFAULT_MAX_FRAME_SIZE,
            max_header_list_size: None,
        }
    }
}

/// What a SETTINGS frame changed that the connection must act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Changes {
    /// A new SETTINGS_HEADER_TABLE_SIZE for our encoder.
    pub header_table_size: Option<u32>,
    /// New minus old SETTINGS_INITIAL_WINDOW_SIZE, to add to every stream's send window.
    pub window_delta: i64,
}

impl PeerSettings {
    /// Applies the parameters of one SETTINGS frame in order (§6.5.3: "processed in the order in
    /// which they appear"). Their ranges (§6.5.2) were checked when the frame was decoded.
    pub fn apply(&mut self, params: &[(SettingId, u32)]) -> Changes {
        let old_window = self.initial_window_size;
        let mut changes = Changes::default();
        for &(id, value) in params {
            match id {
                SettingId::HEADER_TABLE_SIZE => {
                    self.header_table_size = value;
                    changes.header_table_size = Some(value);
                }
                SettingId::ENABLE_PUSH => self.enable_push = value == 1,
                SettingId::MAX_CONCURRENT_STREAMS => self.max_concurrent_streams = Some(value),
                SettingId::INITIAL_WINDOW_SIZE => self.initial_window_size = value,
                SettingId::MAX_FRAME_SIZE => self.max_frame_size = value,
                SettingId::MAX_HEADER_LIST_SIZE => self.max_header_list_size = Some(value),
                // RFC 9113 §6.5.2: An endpoint that receives a SETTINGS frame with any unknown or
                // unsupported identifier MUST ignore that setting.
                _ => {}
            }
        }
        changes.window_delta = i64::from(self.initial_window_size) - i64::from(old_window);
        changes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_local_settings_are_in_range() {
        for (id, value) in LocalSettings::default().params() {
            assert_eq!(id.check(value), Ok(()), "{id:?}");
        }
    }

    #[test]
    fn peer_initial_window_change_reports_the_delta() {
        let mut peer = PeerSettings::default();
        let changes = peer.apply(&[(SettingId::INITIAL_WINDOW_SIZE, 0x60_0000)]);
        assert_eq!(changes.window_delta, 0x60_0000 - 0xffff);
        assert_eq!(changes.header_table_size, None);
    }

    #[test]
    fn peer_settings_are_applied_in_order() {
        let mut peer = PeerSettings::default();
        let changes = peer.apply(&[
            (SettingId::ENABLE_PUSH, 0),
            (SettingId::MAX_FRAME_SIZE, 0x8000),
            (SettingId::MAX_FRAME_SIZE, 0x4001),
            (SettingId::HEADER_TABLE_SIZE, 0x100),
        ]);
        assert!(!peer.enable_push);
        assert_eq!(peer.max_frame_size, 0x4001);
        assert_eq!(changes.header_table_size, Some(0x100));
        assert_eq!(changes.window_delta, 0);
    }

    #[test]
    fn peer_unknown_setting_is_ignored() {
        let mut peer = PeerSettings::default();
        assert_eq!(peer.apply(&[(SettingId(0xff), 7)]), Changes::default());
        assert_eq!(peer, PeerSettings::default());
    }
}
