//! Flow-control windows — RFC 9113 §5.2, §6.9.1 and §6.9.2
//!
//! A window is how many octets of DATA one side may still send. There is one per stream and one for
//! the whole connection, in each direction. Sending DATA shrinks the sender's copy of the window,
//! WINDOW_UPDATE grows it. A change of SETTINGS_INITIAL_WINDOW_SIZE shifts every stream window by
//! the difference, which may leave a window below zero (§6.9.2): so the arithmetic is done in `i64`
//! and the only hard limit is the top, 2^31-1.

use crate::frame::MAX_WINDOW_SIZE;

/// The initial window of every stream and of the connection until SETTINGS say otherwise (§6.9.2).
pub const DEFAULT_WINDOW: u32 = 0xffff;

/// One flow-control window, seen from either end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window(i64);

impl Window {
    /// A window holding `initial` octets of credit.
    pub fn new(initial: u32) -> Window {
        Window(i64::from(initial))
    }

    /// The window's size in octets; negative after a SETTINGS_INITIAL_WINDOW_SIZE that shrank it
    /// below what was in flight (§6.9.2).
    pub fn size(&self) -> i64 {
        self.0
    }

    /// The credit left as an octet count, zero when the window is empty or negative.
    pub fn sendable(&self) -> usize {
        usize::try_from(self.0).unwrap_or(0)
    }

    /// WINDOW_UPDATE: grow the window by `increment`.
    pub fn increase(&mut self, increment: u32) -> Result<(), String> {
        let grown = self.0 + i64::from(increment);
        // RFC 9113 §6.9.1: A sender MUST NOT allow a flow-control window to exceed 2^31-1 octets.
        // If a sender receives a WINDOW_UPDATE that causes a flow-control window to exceed this
        // maximum, it MUST terminate either the stream or the connection, as appropriate.
        if grown > i64::from(MAX_WINDOW_SIZE) {
            return Err(format!(
                "window of {} plus increment {increment} exceeds 2^31-1",
                self.0
            ));
        }
        self.0 = grown;
        Ok(())
    }

    /// SETTINGS_INITIAL_WINDOW_SIZE changed by `delta` (new minus old), applied to a stream window.
    pub fn shift(&mut self, delta: i64) -> Result<(), String> {
        let shifted = self.0 + delta;
        // RFC 9113 §6.9.2: An endpoint MUST treat a change to SETTINGS_INITIAL_WINDOW_SIZE that
        // causes any flow-control window to exceed the maximum size as a connection error of type
        // FLOW_CONTROL_ERROR.
        if shifted > i64::from(MAX_WINDOW_SIZE) {
            return Err(format!(
                "window of {} shifted by {delta} exceeds 2^31-1",
                self.0
            ));
        }
        self.0 = shifted;
        Ok(())
    }

    /// DATA received: take `len` octets (padding included) out of our window for the peer.
    pub fn receive(&mut self, len: u32) -> Result<(), String> {
        let left = self.0 - i64::from(len);
        // RFC 9113 §6.9.1: A receiver MAY respond with a stream error or connection error of type
        // FLOW_CONTROL_ERROR if it is unable to accept a frame ... The sender MUST NOT send a
        // flow-controlled frame with a length that exceeds the space available.
        if left < 0 {
            return Err(format!(
                "DATA of {len} octets exceeds the window of {}",
                self.0
            ));
        }
        self.0 = left;
        Ok(())
    }

    /// We sent WINDOW_UPDATE for `len` octets the peer had used: give them back. The credit never
    /// exceeds what was taken, so the window stays within its initial size.
    pub fn restore(&mut self, len: u32) {
        self.0 = (self.0 + i64::from(len)).min(i64::from(MAX_WINDOW_SIZE));
    }

    /// DATA sent: take `len` octets out of the peer's window; the caller stays within `sendable`.
    pub fn send(&mut self, len: usize) {
        self.0 -= i64::try_from(len).unwrap_or(i64::from(MAX_WINDOW_SIZE));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_update_to_exactly_2_pow_31_minus_1_is_allowed() {
        let mut window = Window::new(DEFAULT_WINDOW);
        assert_eq!(window.increase(0x7fff_0000), Ok(()));
        assert_eq!(window.sendable(), 0x7fff_ffff);
    }

    #[test]
    fn window_update_past_2_pow_31_minus_1_is_an_error_and_leaves_the_window() {
        let mut window = Window::new(DEFAULT_WINDOW);
        assert!(window.increase(0x7fff_0001).is_err());
        assert_eq!(window.sendable(), 0xffff);
    }

    #[test]
    fn lowering_the_initial_window_may_make_a_window_negative() {
        let mut window = Window::new(DEFAULT_WINDOW);
        window.send(0xfff0);
        assert_eq!(window.shift(-0xffff), Ok(()));
        assert_eq!(window.sendable(), 0);
        window.increase(0xfff0).unwrap();
        assert_eq!(window.sendable(), 0);
        window.increase(0x1).unwrap();
        assert_eq!(window.sendable(), 1);
    }

    #[test]
    fn raising_the_initial_window_past_the_maximum_is_an_error() {
        let mut window = Window::new(0x7fff_fff0);
        assert!(window.shift(0x10).is_err());
        assert_eq!(window.shift(0xf), Ok(()));
    }

    #[test]
    fn received_data_beyond_the_window_is_an_error() {
        let mut window = Window::new(0x10);
        assert_eq!(window.receive(0x10), Ok(()));
        assert!(window.receive(0x1).is_err());
        assert_eq!(window.sendable(), 0);
    }
}
