//! The blocking loop of one connection — RFC 9113 §5 (streams interleave), §6.8 (GOAWAY), §9.1
//!
//! One thread owns one socket and one [`Connection`]. The loop reads what the socket has, hands it to
//! `receive`, writes what `poll_output` gives, tells the connection the time, and repeats. The
//! connection is I/O-free and keeps its own timers; this file is the only place that waits, and
//! it waits no longer than the instant the connection names ([`Connection::poll_timeout`]).
//!
//! A turn costs three system calls, while the socket's send buffer has room: `poll` until input or
//! the connection's next instant (none when input is buffered already), one `recv` (the [`Wire`]
//! takes a TLS record's header and body together) and one `send` of what the connection has to say
//! (the wire gathers the TLS records of a turn; a slice of DATA, four full records, takes two).
//!
//! Staying responsive with one thread: a large response is written in slices of [`SLICE`] octets of
//! DATA, and between two slices the loop looks for input *without waiting*: after the opening the
//! wire's reads never wait, and `WouldBlock` means nothing is waiting. So a PING is answered, an
//! RST_STREAM stops its stream and a small request is answered while a 64 MiB download is still
//! going. For TLS, OpenSSL keeps a partly read record for the next read, so the same look works on a
//! `TlsStream`.
//!
//! Memory: an idle connection holds no buffer of this loop. The read and write buffers are taken
//! when there is something to read or write and kept while the connection is busy; once the loop
//! has waited without news, they are given back, and so are the wire's. With 10,000 idle
//! connections, a 64 KiB buffer each would be 640 MiB. A connection that has had a request waits
//! [`KEEP_BUFFERS`] first, for a client that sends one request after the other (h2load `-m 1`, S2
//! in `scripts/bench.sh`): giving the buffers back before each wait made it take and clear 16 KiB
//! again for every request. One that has not gives them back at once, so that many connections
//! opened together and left idle never hold them all at the same time.

use std::io::{self, ErrorKind, Read, Write};
use std::net::Shutdown;
use std::time::{Duration, Instant};

use native_tls::TlsStream;

use super::admission::Stage;
use super::wire::{Wake, Wire};
use crate::connection::Connection;
use crate::error::ErrorCode;

/// DATA octets written between two looks for input.
pub const SLICE: usize = 64 * 1024;

/// The most one read takes: a TLS record's plaintext is at most 2^14 octets (RFC 8446 §5.1), so a
/// read from TLS never returns more; cleartext reads use the same size.
const READ_SIZE: usize = 16 * 1024;

/// How long a connection with nothing to do keeps its buffers before it gives them back.
const KEEP_BUFFERS: Duration = Duration::from_millis(20);

/// How long the loop lingers, after closing its side, to let the peer read our last frames.
pub const LINGER: Duration = Duration::from_secs(1);

/// A byte stream the loop runs on: TCP itself, or TLS over TCP.
pub trait Transport: Read + Write {
    /// The socket underneath, for waiting.
    fn wire(&self) -> &Wire;

    /// The socket underneath, to give back its buffers.
    fn wire_mut(&mut self) -> &mut Wire;

    /// Octets already read off the socket and waiting to be read from here: `poll` on the socket
    /// would not see them (read ahead by the wire; for TLS also a record OpenSSL decrypted and did
    /// not hand out whole yet).
    fn buffered(&self) -> usize;

    /// Ends our side of the conversation (for TLS: a close_notify alert first).
    fn close(&mut self);
}

impl Transport for Wire {
    fn wire(&self) -> &Wire {
        self
    }

    fn wire_mut(&mut self) -> &mut Wire {
        self
    }

    fn buffered(&self) -> usize {
        Wire::buffered(self)
    }

    fn close(&mut self) {
        // Closing fails only when the peer is gone already; there is nothing left to tell it.
        let _ = self.tcp().shutdown(Shutdown::Write);
    }
}

impl Transport for TlsStream<Wire> {
    fn wire(&self) -> &Wire {
        self.get_ref()
    }

    fn wire_mut(&mut self) -> &mut Wire {
        self.get_mut()
    }

    fn buffered(&self) -> usize {
        self.buffered_read_size().unwrap_or(0) + self.get_ref().buffered()
    }

    fn close(&mut self) {
        // As above: a peer that has gone cannot be told more.
        let _ = self.shutdown();
        let _ = self.get_ref().tcp().shutdown(Shutdown::Write);
    }
}

/// How a connection's loop ended, for the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// GOAWAY was sent or received and everything due was written.
    Closed,
    /// The peer closed its side.
    PeerClosed,
    /// The connection left to make room for a new one, with GOAWAY.
    MadeRoom,
}

impl std::fmt::Display for End {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            End::Closed => "closed after GOAWAY",
            End::PeerClosed => "closed by the peer",
            End::MadeRoom => "closed with GOAWAY to make room for a new connection",
        })
    }
}

/// Runs connection `id` on `io` until it closes; a graceful shutdown gives its streams `drain`
/// to finish. An I/O error ends this connection only.
pub fn run<T: Transport>(
    id: u64,
    io: &mut T,
    conn: &mut Connection,
    drain: Duration,
) -> io::Result<End> {
    let mut input = Vec::new();
    let mut output = Vec::new();
    let mut serving = false;
    let end = loop {
        if let Some(expired) = conn.handle_timeout(Instant::now()) {
            log::info!("[conn {id}] {expired}: GOAWAY");
        }
        if io.wire().shutting_down() && !conn.is_shutting_down() {
            log::debug!("[conn {id}] shutting down: GOAWAY, PING");
            conn.begin_shutdown(Instant::now(), drain);
        }
        if !serving && conn.has_had_a_request() {
            serving = true;
            io.wire().place().advance(Stage::Serving);
        }
        if conn.wants_write() {
            conn.poll_output(&mut output, SLICE);
            io.write_all(&output)?;
            io.flush()?;
            output.clear();
            if conn.wants_write() {
                // Between two slices: whatever the peer has sent, without waiting for it.
                if read_now(id, io, conn, &mut input)? == Some(0) {
                    break End::PeerClosed;
                }
            }
            continue;
        }
        if conn.is_closed() {
            break End::Closed;
        }
        let wake = if io.buffered() > 0 {
            Wake::Input
        } else {
            let for_shutdown = !conn.is_shutting_down();
            let deadline = conn.poll_timeout();
            let grace = Instant::now() + KEEP_BUFFERS;
            let kept = if serving && deadline.is_none_or(|deadline| deadline > grace) {
                Some(io.wire().wait(Some(grace), for_shutdown)?)
            } else {
                None
            };
            match kept {
                Some(wake) if wake != Wake::Time => wake,
                _ => {
                    input = Vec::new();
                    output = Vec::new();
                    io.wire_mut().release();
                    io.wire().wait(deadline, for_shutdown)?
                }
            }
        };
        match wake {
            Wake::Input => {
                if read_now(id, io, conn, &mut input)? == Some(0) {
                    break End::PeerClosed;
                }
            }
            // The top of the loop acts on both.
            Wake::Time | Wake::Shutdown => {}
            Wake::MakeRoom => {
                // RFC 9113 §9.1: servers "are permitted to terminate idle connections if
                // necessary": one that has not sent a request is idle.
                conn.go_away(
                    ErrorCode::NO_ERROR,
                    "closed to make room for a new connection",
                );
                conn.poll_output(&mut output, 0);
                io.write_all(&output)?;
                io.flush()?;
                break End::MadeRoom;
            }
        }
    };
    if end != End::PeerClosed {
        close(io);
    }
    Ok(end)
}

/// One read that does not wait, into `input` (given [`READ_SIZE`] octets if it has none), handed
/// to the connection: `Some(0)` when the peer closed, `None` when nothing was waiting.
fn read_now<T: Transport>(
    id: u64,
    io: &mut T,
    conn: &mut Connection,
    input: &mut Vec<u8>,
) -> io::Result<Option<usize>> {
    if input.is_empty() {
        *input = vec![0u8; READ_SIZE];
    }
    let n = match io.read(input) {
        Ok(n) => n,
        Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::Interrupted) => {
            return Ok(None)
        }
        Err(e) => return Err(e),
    };
    if let Err(e) = conn.receive(input.get(..n).unwrap_or_default()) {
        // The connection has queued its GOAWAY; the loop writes it and ends.
        log::info!("[conn {id}] {e}");
    }
    Ok(Some(n))
}

/// Closes our side, then reads (and drops) what the peer still sends, briefly: closing a socket
/// with unread input makes the kernel send a reset, which can destroy our last octets in flight.
pub fn close<T: Transport>(io: &mut T) {
    io.close();
    io.wire().discard_input(Instant::now() + LINGER);
}
