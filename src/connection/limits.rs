//! Limits on what one client can make a connection do for nothing — RFC 9113 §10.5
//!
//! RFC 9113 §10.5: "An endpoint that doesn't monitor use of [SETTINGS, PING, empty frames, stream
//! resets] exposes itself to a risk of denial of service." Each limit here has a name, a default
//! and one reaction: the connection ends with GOAWAY ENHANCE_YOUR_CALM (§7, §10.5).
//!
//! The counters are budgets earned back by useful work, so that a long-lived browser connection
//! that now and then cancels a download or pings is never cut off, while a client that sends
//! nothing but cost is:
//!
//! | limit | counts | earned back by | answers |
//! |---|---|---|---|
//! | [`UNPRODUCTIVE_FRAMES`] | empty DATA without END_STREAM, empty CONTINUATION without END_HEADERS, PRIORITY, SETTINGS, PING | a request opened, DATA that carries octets (the run starts again) | CVE-2019-9512, -9515, -9518, PRIORITY storms |
//! | [`CLIENT_RESETS`] | RST_STREAM from the client on a stream still in progress | a response completed | Rapid Reset, CVE-2023-44487 |
//! | [`PROVOKED_RESETS`] | RST_STREAM we send because of the client's own frames | a response completed | MadeYouReset, CVE-2025-8671 |
//! | [`HELD_RESPONSE_OCTETS`] | octets of in-memory response bodies waiting for the client's window | being sent | CVE-2019-9517, HPACK-amplified echo bodies |
//! | [`QUEUED_CONTROL_FRAMES`] | frames we owe a client that does not read (ACKs, RST_STREAM, WINDOW_UPDATE) | being written | CVE-2019-9514, -9517 |

use crate::error::{ConnectionError, ErrorCode};
use crate::frame::{flags, FrameHeader, FrameType};

/// Frames that cost us work but carry nothing, in a row without a useful one.
pub const UNPRODUCTIVE_FRAMES: u32 = 1000;

/// Streams the client resets while they are in progress, beyond the responses completed.
pub const CLIENT_RESETS: u32 = 200;

/// Streams we reset because of the client's frames, beyond the responses completed.
pub const PROVOKED_RESETS: u32 = 200;

/// Octets of in-memory response bodies a connection holds while the client's window keeps them
/// back. (A body read from a file holds an open file instead, at most one per stream, so
/// SETTINGS_MAX_CONCURRENT_STREAMS bounds those.)
pub const HELD_RESPONSE_OCTETS: u64 = 4 * 1024 * 1024;

/// Control frames waiting to be written.
pub const QUEUED_CONTROL_FRAMES: usize = 10_000;

/// One connection's counters against the limits above.
#[derive(Debug, Default)]
pub struct Limits {
    unproductive: u32,
    client_resets: u32,
    provoked_resets: u32,
    /// At least the octets of response bodies held now: what the last count found, plus every
    /// body added since (sending only lowers the true figure).
    held_bound: u64,
}

impl Limits {
    /// Counts a frame by its header alone, before it is decoded: unproductive kinds add to the
    /// run, and past [`UNPRODUCTIVE_FRAMES`] the connection ends.
    pub fn on_frame(&mut self, header: &FrameHeader) -> Result<(), ConnectionError> {
        let ack = header.flags & flags::ACK != 0;
        let unproductive = match header.kind {
            FrameType::DATA if header.length > 0 => {
                self.unproductive = 0;
                false
            }
            FrameType::DATA => header.flags & flags::END_STREAM == 0,
            FrameType::CONTINUATION => header.length == 0 && header.flags & flags::END_HEADERS == 0,
            FrameType::PRIORITY => true,
            FrameType::SETTINGS | FrameType::PING => !ack,
            _ => false,
        };
        if !unproductive {
            return Ok(());
        }
        self.unproductive += 1;
        exceeded(
            self.unproductive,
            UNPRODUCTIVE_FRAMES,
            "frames that carry nothing (empty DATA or CONTINUATION, PRIORITY, SETTINGS, PING) in a row",
        )
    }

    /// A request opened: the run of unproductive frames ends (so does DATA that carries octets,
    /// which [`Limits::on_frame`] sees for itself).
    pub fn on_useful_frame(&mut self) {
        self.unproductive = 0;
    }

    /// The client reset a stream that was still in progress.
    pub fn on_client_reset(&mut self) -> Result<(), ConnectionError> {
        self.client_resets += 1;
        exceeded(
            self.client_resets,
            CLIENT_RESETS,
            "streams reset by the client beyond the responses completed",
        )
    }

    /// We reset a stream because of a frame the client sent on it.
    pub fn on_provoked_reset(&mut self) -> Result<(), ConnectionError> {
        self.provoked_resets += 1;
        exceeded(
            self.provoked_resets,
            PROVOKED_RESETS,
            "streams reset for the client's own errors beyond the responses completed",
        )
    }

    /// A response was sent whole: one reset of each kind is forgiven.
    pub fn on_response_completed(&mut self) {
        self.client_resets = self.client_resets.saturating_sub(1);
        self.provoked_resets = self.provoked_resets.saturating_sub(1);
    }

    /// Checks the octets of response bodies held in memory with `new` more. The held ones are
    /// counted (`count_held`, a walk over the streams) only when a bound kept for nothing could
    /// pass the limit: a connection of small responses never walks its streams for this.
    pub fn check_held(
        &mut self,
        new: u64,
        count_held: impl FnOnce() -> u64,
    ) -> Result<(), ConnectionError> {
        let bound = self.held_bound.saturating_add(new);
        if bound <= HELD_RESPONSE_OCTETS {
            self.held_bound = bound;
            return Ok(());
        }
        let held = count_held().saturating_add(new);
        self.held_bound = held;
        if held <= HELD_RESPONSE_OCTETS {
            return Ok(());
        }
        Err(calm(format!(
            "{held} octets of responses held for a client that does not take them: more than \
             {HELD_RESPONSE_OCTETS}"
        )))
    }

    /// Checks the queue of control frames owed to the client.
    pub fn check_queue(&self, queued: usize) -> Result<(), ConnectionError> {
        if queued <= QUEUED_CONTROL_FRAMES {
            return Ok(());
        }
        Err(calm(format!(
            "{queued} control frames queued for a client that does not read them: more than \
             {QUEUED_CONTROL_FRAMES}"
        )))
    }
}

/// The one reaction to a limit crossed.
fn exceeded(count: u32, limit: u32, what: &str) -> Result<(), ConnectionError> {
    if count <= limit {
        return Ok(());
    }
    Err(calm(format!("more than {limit} {what}")))
}

fn calm(reason: String) -> ConnectionError {
    // RFC 9113 §10.5: "An endpoint MAY treat activity that is suspicious as a connection error
    // (Section 5.4.1) of type ENHANCE_YOUR_CALM."
    ConnectionError::new(ErrorCode::ENHANCE_YOUR_CALM, "§10.5", reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(kind: FrameType, flags: u8, length: u32) -> FrameHeader {
        FrameHeader {
            length,
            kind,
            flags,
            stream_id: 1,
        }
    }

    #[test]
    fn a_run_of_empty_frames_past_the_limit_is_enhance_your_calm() {
        let mut limits = Limits::default();
        let empty_data = header(FrameType::DATA, 0, 0);
        for _ in 0..UNPRODUCTIVE_FRAMES {
            assert_eq!(limits.on_frame(&empty_data), Ok(()));
        }
        let error = limits.on_frame(&empty_data).unwrap_err();
        assert_eq!(error.code, ErrorCode::ENHANCE_YOUR_CALM);
    }

    #[test]
    fn useful_frames_end_the_run() {
        let mut limits = Limits::default();
        let ping = header(FrameType::PING, 0, 8);
        for _ in 0..3 {
            for _ in 0..UNPRODUCTIVE_FRAMES {
                assert_eq!(limits.on_frame(&ping), Ok(()));
            }
            limits.on_useful_frame();
            for _ in 0..UNPRODUCTIVE_FRAMES {
                assert_eq!(limits.on_frame(&ping), Ok(()));
            }
            assert_eq!(limits.on_frame(&header(FrameType::DATA, 0, 1)), Ok(()));
        }
    }

    #[test]
    fn acks_final_frames_and_frames_with_content_do_not_count() {
        let mut limits = Limits::default();
        for _ in 0..=UNPRODUCTIVE_FRAMES {
            for frame in [
                header(FrameType::PING, flags::ACK, 8),
                header(FrameType::SETTINGS, flags::ACK, 0),
                header(FrameType::DATA, flags::END_STREAM, 0),
                header(FrameType::DATA, 0, 1),
                header(FrameType::CONTINUATION, flags::END_HEADERS, 0),
                header(FrameType::WINDOW_UPDATE, 0, 4),
            ] {
                assert_eq!(limits.on_frame(&frame), Ok(()));
            }
        }
    }

    #[test]
    fn resets_are_forgiven_by_completed_responses() {
        let mut limits = Limits::default();
        for _ in 0..10 * CLIENT_RESETS {
            assert_eq!(limits.on_client_reset(), Ok(()));
            assert_eq!(limits.on_provoked_reset(), Ok(()));
            limits.on_response_completed();
        }
        for _ in 0..CLIENT_RESETS {
            assert_eq!(limits.on_client_reset(), Ok(()));
        }
        assert_eq!(
            limits.on_client_reset().unwrap_err().code,
            ErrorCode::ENHANCE_YOUR_CALM
        );
    }

    #[test]
    fn a_queue_past_its_limit_is_enhance_your_calm() {
        let limits = Limits::default();
        assert_eq!(limits.check_queue(QUEUED_CONTROL_FRAMES), Ok(()));
        let error = limits.check_queue(QUEUED_CONTROL_FRAMES + 1).unwrap_err();
        assert_eq!(error.code, ErrorCode::ENHANCE_YOUR_CALM);
    }

    #[test]
    fn held_octets_are_counted_only_when_the_bound_could_pass_the_limit() {
        let mut limits = Limits::default();
        let never = || -> u64 { panic!("counted below the bound") };
        assert_eq!(limits.check_held(HELD_RESPONSE_OCTETS / 2, never), Ok(()));
        assert_eq!(limits.check_held(HELD_RESPONSE_OCTETS / 2, never), Ok(()));
        // Past the bound: counted, and the count (what was sent meanwhile is gone) lets it pass.
        assert_eq!(limits.check_held(1, || 1000), Ok(()));
        assert_eq!(limits.check_held(1000, never), Ok(()));
        let error = limits
            .check_held(HELD_RESPONSE_OCTETS, || 2000)
            .unwrap_err();
        assert_eq!(error.code, ErrorCode::ENHANCE_YOUR_CALM);
    }
}
