//! One connection's socket, as its thread sees it: waits that the server's shutdown or the
//! admission can interrupt, and reads that a deadline cuts short.
//!
//! A thread waits for input in `poll(2)` on two descriptors: its socket, and the server's
//! shutdown pipe (see [`shutdown`](super::shutdown)). Nothing else wakes it: no read timeout that
//! expires every second, so 10,000 idle connections cost no CPU. The admission wakes one
//! connection on its own by shutting its socket for reading, which `poll` reports as input; the
//! thread then finds its place marked [`making_room`](super::admission::Place::making_room).
//!
//! During the opening (sniffing the first octets, the TLS handshake, an HTTP/1.1 request head)
//! every read first waits, at most until the opening's deadline, counted from the accept: a
//! client that trickles one octet at a time gets no more time than one that sends nothing.

use std::io::{self, ErrorKind, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Instant;

use rustix::event::{poll, PollFd, PollFlags, Timespec};

use super::admission::Place;
use super::shutdown::ShutdownSignal;

/// Why a wait ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wake {
    /// The socket has input (or reached its end).
    Input,
    /// The time waited for has come.
    Time,
    /// The server is shutting down.
    Shutdown,
    /// The admission chose this connection to make room for a new one.
    MakeRoom,
}

/// A connection's TCP socket with what can interrupt it.
pub struct Wire {
    tcp: Arc<TcpStream>,
    place: Arc<Place>,
    shutdown: ShutdownSignal,
    /// While set, every read waits for input at most until then, and fails with
    /// `ErrorKind::TimedOut` after.
    deadline: Option<Instant>,
    /// Octets read while finding out the protocol, to be read again first.
    replay: Vec<u8>,
}

impl Wire {
    /// The socket `tcp` of the connection at `place`, with reads cut at `deadline`.
    pub fn new(
        tcp: Arc<TcpStream>,
        place: Arc<Place>,
        shutdown: ShutdownSignal,
        deadline: Instant,
    ) -> Wire {
        Wire {
            tcp,
            place,
            shutdown,
            deadline: Some(deadline),
            replay: Vec::new(),
        }
    }

    /// The socket.
    pub fn tcp(&self) -> &TcpStream {
        &self.tcp
    }

    /// The connection's place in the admission.
    pub fn place(&self) -> &Place {
        &self.place
    }

    /// Whether the server is shutting down.
    pub fn shutting_down(&self) -> bool {
        self.shutdown.is_triggered()
    }

    /// The opening is over: reads no longer wait for a deadline (the connection's own timers
    /// take over, see [`Wire::wait`]).
    pub fn end_deadline(&mut self) {
        self.deadline = None;
    }

    /// Puts `octets` back, to be read again before anything from the socket.
    pub fn replay(&mut self, octets: &[u8]) {
        self.replay.splice(0..0, octets.iter().copied());
    }

    /// Octets put back and not read yet.
    pub fn replayed(&self) -> usize {
        self.replay.len()
    }

    /// Waits until the socket has input, `until` comes, or something interrupts: the admission
    /// always can, the shutdown only while `for_shutdown` (once a connection has begun its
    /// shutdown, the pipe stays readable and would wake it again and again).
    pub fn wait(&self, until: Option<Instant>, for_shutdown: bool) -> io::Result<Wake> {
        loop {
            // The admission marks the place before it shuts the socket: look first.
            if self.place.making_room() {
                return Ok(Wake::MakeRoom);
            }
            if for_shutdown && self.shutdown.is_triggered() {
                return Ok(Wake::Shutdown);
            }
            let left = match until {
                Some(until) => match until.checked_duration_since(Instant::now()) {
                    Some(left) if !left.is_zero() => Some(left),
                    _ => return Ok(Wake::Time),
                },
                None => None,
            };
            // A wait too long for a timespec is a wait without end; it cannot happen with the
            // timeouts the command line allows.
            let timeout = left.and_then(|left| Timespec::try_from(left).ok());
            let mut fds = [
                PollFd::new(&*self.tcp, PollFlags::IN),
                PollFd::from_borrowed_fd(self.shutdown.fd(), PollFlags::IN),
            ];
            let count = if for_shutdown { 2 } else { 1 };
            match poll(&mut fds[..count], timeout.as_ref()) {
                Ok(_) => {}
                Err(rustix::io::Errno::INTR) => continue,
                Err(e) => return Err(e.into()),
            }
            if self.place.making_room() {
                return Ok(Wake::MakeRoom);
            }
            if !fds[0].revents().is_empty() {
                return Ok(Wake::Input);
            }
        }
    }
}

impl Read for Wire {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if !self.replay.is_empty() {
            let n = self.replay.as_slice().read(buf)?;
            self.replay.drain(..n);
            return Ok(n);
        }
        if let Some(deadline) = self.deadline {
            match self.wait(Some(deadline), true)? {
                Wake::Input => {}
                Wake::Time => return Err(ErrorKind::TimedOut.into()),
                // The caller asks the wire why (see `opening_failure` in the server).
                Wake::Shutdown | Wake::MakeRoom => return Err(ErrorKind::ConnectionAborted.into()),
            }
        }
        (&*self.tcp).read(buf)
    }
}

impl Write for Wire {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        (&*self.tcp).write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        (&*self.tcp).flush()
    }
}
