//! Flow-control windows — RFC 9113 §5.2, §6.9.1 and §6.9.2
//!
//! A window is how many octets of DATA one side may still send. There is one per stream and one for
//! the whole connection, in each direction. Sending DATA shrinks the sender's copy of the window,
//! WINDOW_UPDATE grows it. A change of SETTINGS_INITIAL_WINDOW_SIZE shifts every stream window by
//! the difference, which may leave a window below zero (§6.9.2): so the arithmetic is done in `i64`
//! and the only hard limit is the top, 2^31-1.
//!
//! The windows we grant the client are [`ReceiveWindow`]s: a window plus the budget we keep it
//! topped up to. The rule for giving credit back is written once, on that type.

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

    /// DATA sent: take `len` octets out of the peer's window; the caller stays within `sendable`.
    pub fn send(&mut self, len: usize) {
        self.0 -= i64::try_from(len).unwrap_or(i64::from(MAX_WINDOW_SIZE));
    }
}

/// The largest budget a window grows to by use; a larger SETTINGS_INITIAL_WINDOW_SIZE is kept as
/// it is. 1 MiB in flight per stream keeps an upload on a fast network moving while the handler
/// consumes each DATA frame as it arrives.
pub const MAX_GROWN_BUDGET: u32 = 0x10_0000;

/// A window we grant the peer (the connection's, or one stream's), and our receive budget for it:
/// how much we are prepared to have in flight. The budget starts at the initial window and is
/// ours to choose from then on (RFC 9113 §6.9.1 leaves the size of WINDOW_UPDATE to the
/// receiver).
///
/// The rule, applied after each batch of received frames, every one of which the handler has
/// consumed:
/// - once the window has fallen to half the budget or below, a WINDOW_UPDATE brings it back up to
///   the budget (the octets consumed, and no more, while the budget stays put);
/// - a window the peer has used up entirely (zero or below) shows that the budget, not the peer,
///   sets the pace: the budget doubles first, up to [`MAX_GROWN_BUDGET`] (a budget of 0 grows to
///   1 octet). So an upload through an initial window of 16 octets sees credit of 32, 64, 128, …
///   and finishes in a few dozen round trips, where giving back only what was used would take one
///   round trip per 16 octets; and an initial window of 0 still lets a body through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReceiveWindow {
    /// What the peer may still send.
    window: Window,
    /// What we top the window up to.
    budget: u32,
}

impl ReceiveWindow {
    /// A window of `initial` octets, with a budget of as much.
    pub fn new(initial: u32) -> ReceiveWindow {
        ReceiveWindow::with_budget(initial, initial)
    }

    /// A window of `initial` octets whose budget is `budget`: the connection's window starts at
    /// 65,535 whatever our SETTINGS say (§6.9.2), and [`ReceiveWindow::open_to_budget`] raises it.
    pub fn with_budget(initial: u32, budget: u32) -> ReceiveWindow {
        ReceiveWindow {
            window: Window::new(initial),
            budget,
        }
    }

    /// The window itself, as the peer may still use it.
    pub fn window(&self) -> &Window {
        &self.window
    }

    /// DATA received: take `len` octets (padding included) out of the window.
    pub fn receive(&mut self, len: u32) -> Result<(), String> {
        self.window.receive(len)
    }

    /// Our SETTINGS_INITIAL_WINDOW_SIZE now binds the peer, `delta` away from the value it
    /// replaces (§6.9.2): the window and the budget both move by it, the budget never below 0.
    pub fn shift(&mut self, delta: i64) -> Result<(), String> {
        self.window.shift(delta)?;
        let budget = (i64::from(self.budget) + delta).clamp(0, i64::from(MAX_WINDOW_SIZE));
        self.budget = u32::try_from(budget).unwrap_or(MAX_WINDOW_SIZE);
        Ok(())
    }

    /// The WINDOW_UPDATE increment that brings the window up to its budget, if one is due by the
    /// rule of the type's documentation; the window counts it as sent. `may_grow` is false while a
    /// budget must stay what the peer believes the window to be (before it acknowledges our
    /// SETTINGS, when a later shift must not overflow 2^31-1).
    pub fn credit_due(&mut self, may_grow: bool) -> Option<u32> {
        if may_grow && self.window.0 <= 0 {
            let ceiling = self.budget.max(MAX_GROWN_BUDGET);
            self.budget = self.budget.saturating_mul(2).clamp(1, ceiling);
        }
        if self.window.0 > i64::from(self.budget / 2) {
            return None;
        }
        self.open_to_budget()
    }

    /// The increment that brings the window up to its budget, now, if it is below it.
    pub fn open_to_budget(&mut self) -> Option<u32> {
        let increment = u32::try_from(i64::from(self.budget) - self.window.0).ok()?;
        if increment == 0 {
            return None;
        }
        self.window.0 += i64::from(increment);
        Some(increment)
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

    #[test]
    fn credit_is_given_back_once_half_the_budget_is_used() {
        let mut window = ReceiveWindow::new(DEFAULT_WINDOW);
        window.receive(0x4000).unwrap();
        assert_eq!(window.credit_due(true), None);
        window.receive(0x4000).unwrap();
        assert_eq!(window.credit_due(true), Some(0x8000));
        assert_eq!(window.credit_due(true), None);
    }

    #[test]
    fn a_window_used_up_doubles_its_budget() {
        let mut window = ReceiveWindow::new(0x10);
        window.receive(0x10).unwrap();
        assert_eq!(window.credit_due(true), Some(0x20));
        window.receive(0x20).unwrap();
        assert_eq!(window.credit_due(true), Some(0x40));
        window.receive(0x20).unwrap();
        assert_eq!(window.credit_due(true), Some(0x20));
    }

    #[test]
    fn a_budget_of_zero_grows_to_one_octet() {
        let mut window = ReceiveWindow::new(0x0);
        assert_eq!(window.credit_due(true), Some(0x1));
        window.receive(0x1).unwrap();
        assert_eq!(window.credit_due(true), Some(0x2));
    }

    #[test]
    fn growth_stops_at_the_ceiling_or_at_a_larger_initial_window() {
        let mut window = ReceiveWindow::new(MAX_GROWN_BUDGET);
        window.receive(MAX_GROWN_BUDGET).unwrap();
        assert_eq!(window.credit_due(true), Some(MAX_GROWN_BUDGET));
        let large = 0x40_0000;
        let mut window = ReceiveWindow::new(large);
        window.receive(large).unwrap();
        assert_eq!(window.credit_due(true), Some(large));
    }

    #[test]
    fn without_growth_a_used_up_window_is_refilled_to_its_budget() {
        let mut window = ReceiveWindow::new(0x10);
        window.receive(0x10).unwrap();
        assert_eq!(window.credit_due(false), Some(0x10));
    }

    #[test]
    fn a_shift_below_what_was_received_leaves_the_window_negative_until_credit() {
        // RFC 9113 §6.9.2's example: 60 KB sent before the SETTINGS of 16 KB took effect.
        let mut window = ReceiveWindow::new(DEFAULT_WINDOW);
        window.receive(60_000).unwrap();
        window.shift(0x4000 - i64::from(DEFAULT_WINDOW)).unwrap();
        assert!(window.receive(1).is_err());
        assert_eq!(window.credit_due(false), Some(60_000));
    }

    #[test]
    fn the_connection_window_opens_to_a_larger_budget_at_once() {
        let mut window = ReceiveWindow::with_budget(DEFAULT_WINDOW, 0x10_0000);
        assert_eq!(window.open_to_budget(), Some(0x10_0000 - DEFAULT_WINDOW));
        assert_eq!(window.open_to_budget(), None);
    }
}
