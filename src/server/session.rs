//! The blocking loop of one connection — RFC 9113 §5 (streams interleave), §6.5.3 (SETTINGS_TIMEOUT), §9.1
//!
//! One thread owns one socket and one [`Connection`]. The loop reads what the socket has, hands it to
//! `receive`, writes what `poll_output` gives, and repeats. The connection is I/O-free; this file is
//! the only place that waits.
//!
//! Staying responsive with one thread: a large response is written in slices of [`SLICE`] octets of
//! DATA, and between two slices the loop looks for input *without blocking* (the socket is switched
//! to non-blocking for one read, `WouldBlock` meaning nothing is waiting, then back to blocking for
//! the writes). So a PING is answered, an RST_STREAM stops its stream and a small request is answered
//! while a 64 MiB download is still going. For TLS, OpenSSL keeps a partly read record for the next
//! read, so the same trick works on a `TlsStream`.
//!
//! Timers use the socket's read timeout: a blocking read waits at most until the next deadline.

use std::io::{self, ErrorKind, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::{Duration, Instant};

use native_tls::TlsStream;

use crate::connection::Connection;
use crate::error::ErrorCode;

/// DATA octets written between two looks for input.
pub const SLICE: usize = 64 * 1024;

/// How long our SETTINGS may go unacknowledged.
pub const SETTINGS_TIMEOUT: Duration = Duration::from_secs(10);

/// How long the loop lingers, after closing its side, to let the peer read our last frames.
const LINGER: Duration = Duration::from_secs(1);

/// A byte stream the loop runs on: TCP itself, or TLS over TCP.
pub trait Transport: Read + Write {
    /// The TCP socket underneath, for timeouts and the non-blocking switch.
    fn tcp(&self) -> &TcpStream;

    /// Ends our side of the conversation (for TLS: a close_notify alert first).
    fn close(&mut self);
}

impl Transport for TcpStream {
    fn tcp(&self) -> &TcpStream {
        self
    }

    fn close(&mut self) {
        // Closing fails only when the peer is gone already; there is nothing left to tell it.
        let _ = self.shutdown(Shutdown::Write);
    }
}

impl Transport for TlsStream<TcpStream> {
    fn tcp(&self) -> &TcpStream {
        self.get_ref()
    }

    fn close(&mut self) {
        // As above: a peer that has gone cannot be told more.
        let _ = self.shutdown();
        let _ = self.get_ref().shutdown(Shutdown::Write);
    }
}

/// How a connection's loop ended, for the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// GOAWAY was sent or received and everything due was written.
    Closed,
    /// The peer closed its side.
    PeerClosed,
}

impl std::fmt::Display for End {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            End::Closed => "closed after GOAWAY",
            End::PeerClosed => "closed by the peer",
        })
    }
}

/// Runs connection `id` on `io` until it closes. An I/O error ends this connection only.
pub fn run<T: Transport>(
    id: u64,
    io: &mut T,
    conn: &mut Connection,
    idle_timeout: Duration,
) -> io::Result<End> {
    let mut input = vec![0u8; 64 * 1024];
    let mut output = Vec::with_capacity(SLICE + 32 * 1024);
    let mut timers = Timers::new(id, idle_timeout);
    let end = loop {
        timers.check(conn);
        if conn.wants_write() {
            output.clear();
            let busy = conn.has_open_streams();
            conn.poll_output(&mut output, SLICE);
            if !output.is_empty() {
                io.write_all(&output)?;
                io.flush()?;
                timers.moved(busy || conn.has_open_streams());
                if conn.wants_write() {
                    // Between two slices: whatever the peer has sent, without waiting for it.
                    match read_now(io, &mut input)? {
                        Some(0) => break End::PeerClosed,
                        Some(n) => receive(conn, input.get(..n).unwrap_or_default(), &mut timers),
                        None => {}
                    }
                    continue;
                }
            }
        }
        if conn.is_closed() || (timers.fired && !conn.wants_write()) {
            break End::Closed;
        }
        io.tcp()
            .set_read_timeout(Some(timers.until_next(conn.awaiting_settings_ack())))?;
        match io.read(&mut input) {
            Ok(0) => break End::PeerClosed,
            Ok(n) => receive(conn, input.get(..n).unwrap_or_default(), &mut timers),
            Err(e) if is_timeout(&e) || e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    };
    if end == End::Closed {
        close(io);
    }
    Ok(end)
}

fn receive(conn: &mut Connection, input: &[u8], timers: &mut Timers) {
    if let Err(e) = conn.receive(input) {
        // The connection has queued its GOAWAY; the loop writes it and ends.
        log::info!("[conn {}] {e}", timers.id);
    }
    timers.moved(conn.has_open_streams());
}

/// One read that does not wait: `None` when nothing is waiting.
fn read_now<T: Transport>(io: &mut T, input: &mut [u8]) -> io::Result<Option<usize>> {
    io.tcp().set_nonblocking(true)?;
    let result = io.read(input);
    io.tcp().set_nonblocking(false)?;
    match result {
        Ok(n) => Ok(Some(n)),
        Err(e) if is_timeout(&e) || e.kind() == ErrorKind::Interrupted => Ok(None),
        Err(e) => Err(e),
    }
}

/// A read timeout shows as `WouldBlock` on Unix and `TimedOut` on Windows.
fn is_timeout(e: &io::Error) -> bool {
    matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut)
}

/// Closes our side, then reads (and drops) what the peer still sends, briefly: closing a socket
/// with unread input makes the kernel send a reset, which can destroy our last octets in flight.
pub fn close<T: Transport>(io: &mut T) {
    io.close();
    let deadline = Instant::now() + LINGER;
    let mut tcp = io.tcp();
    let mut sink = [0u8; 16 * 1024];
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        if left.is_zero() || tcp.set_read_timeout(Some(left)).is_err() {
            return;
        }
        match tcp.read(&mut sink) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
    }
}

/// The two deadlines of a connection.
struct Timers {
    /// The connection's id, for the log.
    id: u64,
    started: Instant,
    idle_timeout: Duration,
    /// Since when nothing has happened on an open stream.
    idle_since: Instant,
    /// A timer has sent GOAWAY: close once everything due is written.
    fired: bool,
}

impl Timers {
    fn new(id: u64, idle_timeout: Duration) -> Timers {
        let now = Instant::now();
        Timers {
            id,
            started: now,
            idle_timeout,
            idle_since: now,
            fired: false,
        }
    }

    /// Octets went one way or the other; `busy` says whether a stream was open meanwhile.
    fn moved(&mut self, busy: bool) {
        if busy {
            self.idle_since = Instant::now();
        }
    }

    fn check(&mut self, conn: &mut Connection) {
        if self.fired {
            return;
        }
        let now = Instant::now();
        // RFC 9113 §6.5.3: "If the sender of a SETTINGS frame does not receive an acknowledgment
        // within a reasonable amount of time, it MAY issue a connection error of type
        // SETTINGS_TIMEOUT."
        if conn.awaiting_settings_ack() && now.duration_since(self.started) >= SETTINGS_TIMEOUT {
            log::info!(
                "[conn {}] our SETTINGS went unacknowledged for {SETTINGS_TIMEOUT:?}",
                self.id
            );
            conn.go_away(ErrorCode::SETTINGS_TIMEOUT, "SETTINGS not acknowledged");
            self.fired = true;
            return;
        }
        // RFC 9113 §9.1: "Servers are encouraged to maintain open connections for as long as
        // possible but are permitted to terminate idle connections if necessary."
        if now.duration_since(self.idle_since) >= self.idle_timeout {
            log::debug!("[conn {}] idle for {:?}", self.id, self.idle_timeout);
            conn.go_away(ErrorCode::NO_ERROR, "idle");
            self.fired = true;
        }
    }

    /// How long a blocking read may wait before a timer is due (at least a millisecond).
    fn until_next(&self, awaiting_settings_ack: bool) -> Duration {
        if self.fired {
            return LINGER;
        }
        let now = Instant::now();
        let idle = (self.idle_since + self.idle_timeout).saturating_duration_since(now);
        let next = if awaiting_settings_ack {
            idle.min((self.started + SETTINGS_TIMEOUT).saturating_duration_since(now))
        } else {
            idle
        };
        next.max(Duration::from_millis(1))
    }
}
