//! Settings of both ends — RFC 9113 §6.5
//!
//! Each end announces its own parameters in a SETTINGS frame; they bind the *other* end. Ours
//! ([`LocalSettings`]) bound what the client may send us; the client's ([`PeerSettings`]) bound what
//! we send. A parameter absent from every SETTINGS frame keeps its initial value (§6.5.2).
//!
//! Ours bind the client only once it has acknowledged them (§6.5.3): until then it may act on the
//! initial values, and frames it sends before its ACK are judged by what it could know. Setting by
//! setting, for the one SETTINGS frame h2lab sends (first, §3.4):
//! - SETTINGS_INITIAL_WINDOW_SIZE: a stream opened before the ACK starts with the initial 65,535
//!   (§6.9.2: "Prior to receiving a SETTINGS frame that sets a value for
//!   SETTINGS_INITIAL_WINDOW_SIZE, an endpoint can only use the default initial window size");
//!   the ACK shifts every open stream's window by the difference ([`LocalSettings::window_shift_on_ack`]),
//!   and streams opened after it start with ours ([`LocalSettings::initial_window_in_force`]).
//! - SETTINGS_HEADER_TABLE_SIZE: our decoder keeps the initial 4,096 until the ACK (§4.3.1).
//! - SETTINGS_MAX_FRAME_SIZE: frames up to ours are taken from the start. Ours is never below the
//!   initial 16,384 (§6.5.2), so accepting it early refuses nothing the client could send.
//! - SETTINGS_MAX_CONCURRENT_STREAMS: applied from the start, since a stream over it is refused
//!   with REFUSED_STREAM, which tells the client the request was not processed and may be retried
//!   (§8.7); without it a client could open any number of streams before its ACK.
//! - SETTINGS_MAX_HEADER_LIST_SIZE: advisory (§6.5.2); a longer list is answered with 431 at any
//!   time, which fails one request, not the connection.

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
    /// The SETTINGS_INITIAL_WINDOW_SIZE a new client stream starts with: ours once the client has
    /// acknowledged it, the initial 65,535 before (RFC 9113 §6.5.3, §6.9.2).
    pub fn initial_window_in_force(&self, acknowledged: bool) -> u32 {
        if acknowledged {
            self.initial_window_size
        } else {
            DEFAULT_WINDOW
        }
    }

    /// How far the client's ACK moves the window of every stream it opened before (§6.9.2: "by
    /// the difference between the new value and the old value"): ours minus the initial 65,535.
    pub fn window_shift_on_ack(&self) -> i64 {
        i64::from(self.initial_window_size) - i64::from(DEFAULT_WINDOW)
    }

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
    fn our_initial_window_binds_new_streams_only_once_acknowledged() {
        let ours = LocalSettings {
            initial_window_size: 0x10,
            ..LocalSettings::default()
        };
        assert_eq!(ours.initial_window_in_force(false), 0xffff);
        assert_eq!(ours.initial_window_in_force(true), 0x10);
        assert_eq!(ours.window_shift_on_ack(), 0x10 - 0xffff);
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
