//! One connection's socket, as its thread sees it: waits that the server's shutdown or the
//! admission can interrupt, reads that a deadline cuts short, and writes gathered into few sends.
//!
//! The socket never blocks: it is non-blocking (`O_NONBLOCK`) from the accept to its end, and the
//! wire does the waiting itself, in `poll(2)`. So the loop's look for input between two slices of
//! DATA is one `recv` that may say `WouldBlock`, without switching the socket's mode before and
//! after it (two `ioctl`s a turn).
//!
//! A thread waits for input in `poll(2)` on two descriptors: its socket, and the server's
//! shutdown pipe (see [`shutdown`](super::shutdown)). Nothing else wakes it: no read timeout that
//! expires every second, so 10,000 idle connections cost no CPU. The admission wakes one
//! connection on its own by shutting its socket for reading, which `poll` reports as input; the
//! thread then finds its place marked [`making_room`](super::admission::Place::making_room).
//!
//! Reading. During the opening (sniffing the first octets, the TLS handshake, an HTTP/1.1 request
//! head) a read with nothing waiting waits, at most until the opening's deadline, counted from the
//! accept: a client that trickles one octet at a time gets no more time than one that sends
//! nothing. After the opening a read takes what is waiting and says `WouldBlock` when nothing is;
//! the session loop waits with [`Wire::wait`], until the instant its connection names. A small
//! read takes more than it asks for when more is waiting, and keeps it for the next reads (see
//! [`READ_AHEAD`]).
//!
//! Writing. A write that finds the socket's buffer full waits for room, at most the write
//! timeout, so above the wire a write never says `WouldBlock`: OpenSSL and the loop see a
//! blocking socket. Small writes are gathered and leave together at `flush`, or once two TLS
//! records wait: OpenSSL writes every record it seals on its own, at most 2^14 octets of plaintext
//! each (RFC 5246 §6.2.1, RFC 8446 §5.1), so a turn of 64 KiB of DATA would take five `send`s,
//! each pushing out a TCP segment short of a full one; gathered, it takes two.

use std::io::{self, ErrorKind, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rustix::event::{poll, PollFd, PollFlags, Timespec};

use super::admission::Place;
use super::shutdown::ShutdownSignal;

/// A read asking for less than this takes up to this many octets off the socket and keeps the
/// rest for the next reads. OpenSSL asks for a TLS record's 5-octet header, then for its body
/// (RFC 5246 §6.2.1, RFC 8446 §5.1): a record of requests, a few hundred octets, then costs one
/// `recv`, not two. Larger reads (a record of DATA, the session loop's reads of plain TCP) go
/// straight to the socket. 2 KiB holds a record of requests or a client's handshake flight; with
/// 4 KiB, every idle connection kept half a KiB more of the heap resident, and a buffer of 1 KiB
/// or less stays in its thread's malloc cache once given back.
const READ_AHEAD: usize = 2 * 1024;

/// The most octets one TLS record takes on the wire: a 5-octet header and at most 2^14 + 2048
/// octets of ciphertext (RFC 5246 §6.2.3; RFC 8446 §5.2 allows less). A larger write cannot be
/// a record OpenSSL sealed: it is the session loop's whole turn over plain TCP, one buffer already,
/// and leaves without being copied.
const LARGEST_RECORD: usize = 5 + (1 << 14) + 2048;

/// The most octets gathered before they leave without waiting for `flush`: two full TLS records.
/// Measured on loopback (`scripts/bench.sh`), gathering a whole turn of 64 KiB made one download
/// cheaper (S3a) and four connections of four streams dearer (S3b), likely because a buffer that
/// large is out of the CPU's cache again by the time it is sent; two records at a time did better
/// on both.
const GATHER: usize = 2 * LARGEST_RECORD;

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
    /// While set, a read that finds nothing waits for input at most until then, and fails with
    /// `ErrorKind::TimedOut` after; once unset, a read never waits.
    deadline: Option<Instant>,
    /// How long a write waits for room in the socket's buffer before it fails with
    /// `ErrorKind::TimedOut`: a peer that reads nothing cannot hold the thread for ever.
    write_timeout: Duration,
    /// Octets read off the socket and not handed out yet, which `poll` does not see: read ahead
    /// for a small read, or put back after finding out the protocol.
    ahead: Vec<u8>,
    /// Octets written and not sent yet; they leave at `flush`, or when more would not fit in
    /// [`GATHER`].
    pending: Vec<u8>,
}

impl Wire {
    /// The socket `tcp` of the connection at `place`, made non-blocking, with reads cut at
    /// `deadline` and writes at `write_timeout` without progress.
    pub fn new(
        tcp: Arc<TcpStream>,
        place: Arc<Place>,
        shutdown: ShutdownSignal,
        deadline: Instant,
        write_timeout: Duration,
    ) -> io::Result<Wire> {
        tcp.set_nonblocking(true)?;
        Ok(Wire {
            tcp,
            place,
            shutdown,
            deadline: Some(deadline),
            write_timeout,
            ahead: Vec::new(),
            pending: Vec::new(),
        })
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

    /// The opening is over: reads no longer wait (the connection's own timers take over, see
    /// [`Wire::wait`]); with nothing to read, a read fails with `ErrorKind::WouldBlock`.
    pub fn end_deadline(&mut self) {
        self.deadline = None;
    }

    /// Puts `octets` back, to be read again before anything else.
    pub fn replay(&mut self, octets: &[u8]) {
        self.ahead.splice(0..0, octets.iter().copied());
    }

    /// Octets read off the socket and not handed out yet.
    pub fn buffered(&self) -> usize {
        self.ahead.len()
    }

    /// Gives back the memory of the buffers it holds empty: called before a wait that may be
    /// long, so that an idle connection holds none.
    pub fn release(&mut self) {
        self.ahead.shrink_to_fit();
        self.pending.shrink_to_fit();
    }

    /// Waits until the socket has input, `until` comes, or something interrupts: the admission
    /// always can, the shutdown only while `for_shutdown` (once a connection has begun its
    /// shutdown, the pipe stays readable and would wake it again and again).
    pub fn wait(&self, until: Option<Instant>, for_shutdown: bool) -> io::Result<Wake> {
        loop {
            if let Some(wake) = self.woken(until, for_shutdown) {
                return Ok(wake);
            }
            let timeout = timeout(until);
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

    /// What ends a wait without input, if anything does now: the admission (it marks the place
    /// before it shuts the socket, so look first), the shutdown while `for_shutdown`, or `until`.
    fn woken(&self, until: Option<Instant>, for_shutdown: bool) -> Option<Wake> {
        if self.place.making_room() {
            return Some(Wake::MakeRoom);
        }
        if for_shutdown && self.shutdown.is_triggered() {
            return Some(Wake::Shutdown);
        }
        if until.is_some_and(|until| Instant::now() >= until) {
            return Some(Wake::Time);
        }
        None
    }

    /// Reads and drops what the peer still sends, until it closes its side or `until` comes.
    /// Nothing interrupts it, the shutdown included.
    pub fn discard_input(&self, until: Instant) {
        let mut sink = [0u8; 4 * 1024];
        loop {
            match (&*self.tcp).read(&mut sink) {
                Ok(0) => return,
                Ok(_) => {}
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    if !matches!(self.ready(PollFlags::IN, until), Ok(true)) {
                        return;
                    }
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(_) => return,
            }
        }
    }

    /// Waits until the socket is ready for `events` (or has failed): `false` when `until` came
    /// first. Only the socket is watched.
    fn ready(&self, events: PollFlags, until: Instant) -> io::Result<bool> {
        loop {
            if Instant::now() >= until {
                return Ok(false);
            }
            let timeout = timeout(Some(until));
            let mut fds = [PollFd::new(&*self.tcp, events)];
            match poll(&mut fds, timeout.as_ref()) {
                Ok(_) => {}
                Err(rustix::io::Errno::INTR) => continue,
                Err(e) => return Err(e.into()),
            }
            if !fds[0].revents().is_empty() {
                return Ok(true);
            }
        }
    }

    /// One `recv` into `buf`, or, for a small read, into `ahead` and handed out from there.
    fn receive(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.len() >= READ_AHEAD {
            return (&*self.tcp).read(buf);
        }
        self.ahead.resize(READ_AHEAD, 0);
        match (&*self.tcp).read(&mut self.ahead) {
            Ok(n) => self.ahead.truncate(n),
            Err(e) => {
                self.ahead.clear();
                return Err(e);
            }
        }
        Ok(self.hand_out(buf))
    }

    /// Moves the first octets of `ahead` to `buf`, as many as it takes.
    fn hand_out(&mut self, buf: &mut [u8]) -> usize {
        let n = buf.len().min(self.ahead.len());
        if let (Some(to), Some(from)) = (buf.get_mut(..n), self.ahead.get(..n)) {
            to.copy_from_slice(from);
        }
        self.ahead.drain(..n);
        n
    }

    /// Sends all of `octets`, waiting for room as [`Wire::send`] does.
    fn send_all(&self, mut octets: &[u8]) -> io::Result<()> {
        while !octets.is_empty() {
            match self.send(octets)? {
                0 => return Err(ErrorKind::WriteZero.into()),
                n => octets = octets.get(n..).unwrap_or_default(),
            }
        }
        Ok(())
    }

    /// One `send` of `octets` (or of the part that fits), waiting for room at most the write
    /// timeout.
    fn send(&self, octets: &[u8]) -> io::Result<usize> {
        loop {
            match (&*self.tcp).write(octets) {
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    if !self.ready(PollFlags::OUT, Instant::now() + self.write_timeout)? {
                        return Err(ErrorKind::TimedOut.into());
                    }
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                result => return result,
            }
        }
    }
}

/// How long `poll` may wait for `until`: `None`, without end, when there is no `until` or it is
/// too far for a timespec (the timeouts the command line allows never are).
fn timeout(until: Option<Instant>) -> Option<Timespec> {
    let left = until?.saturating_duration_since(Instant::now());
    Timespec::try_from(left).ok()
}

impl Read for Wire {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if !self.ahead.is_empty() {
            return Ok(self.hand_out(buf));
        }
        // What the peer is to answer must be on its way before we wait for the answer (a TLS
        // handshake's flight, for one).
        self.flush()?;
        let Some(deadline) = self.deadline else {
            return self.receive(buf);
        };
        // The opening: what cuts it short comes first, then what is waiting, then a wait.
        loop {
            let wake = match self.woken(Some(deadline), true) {
                Some(wake) => wake,
                None => match self.receive(buf) {
                    Err(e) if e.kind() == ErrorKind::WouldBlock => {
                        self.wait(Some(deadline), true)?
                    }
                    result => return result,
                },
            };
            match wake {
                Wake::Input => {}
                Wake::Time => return Err(ErrorKind::TimedOut.into()),
                // The caller asks the wire why (see `Cutoff::reason` in the server).
                Wake::Shutdown | Wake::MakeRoom => return Err(ErrorKind::ConnectionAborted.into()),
            }
        }
    }
}

impl Write for Wire {
    /// Gathers `buf` to leave at the next `flush`, sending what was gathered first if the two
    /// would not fit in [`GATHER`]; a write larger than any TLS record, with nothing gathered
    /// before it, leaves at once.
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.pending.len() + buf.len() > GATHER {
            self.flush()?;
        }
        if self.pending.is_empty() && buf.len() > LARGEST_RECORD {
            return self.send(buf);
        }
        self.pending.extend_from_slice(buf);
        Ok(buf.len())
    }

    /// Sends everything gathered, in as few `send`s as the socket's buffer allows. A failed send
    /// ends the connection, and what was gathered goes with it.
    fn flush(&mut self) -> io::Result<()> {
        let sent = self.send_all(&self.pending);
        self.pending.clear();
        sent
    }
}
