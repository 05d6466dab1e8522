//! The server: listening, admitting, a thread per connection, TLS with ALPN and cleartext h2c, a
//! graceful stop — RFC 9113 §3, §6.8, §9.1
//!
//! ```text
//! TcpListener (backlog 4,096) ── accept ──▶ admission: a place, or room made, or refused
//!                                             │ a thread per connection
//!                                             │ read the first octets (sniff)
//!                                             ├─ 0x16 (TLS ClientHello) ─▶ handshake, ALPN
//!                                             │       ├─ "h2" ──────────────▶ session loop ◀─┐
//!                                             │       └─ none ─▶ HTTP/1.1 505 with a hint    │
//!                                             ├─ "PRI * HTTP/2.0…" (prior knowledge) ────────┘
//!                                             └─ "GET / HTTP/1.1…" ─▶ HTTP/1.1 505 with a hint
//! ```
//!
//! [`Server::bind`] loads the TLS identity, reckons how many connections the process can hold and
//! binds the address; [`Server::serve`] then answers every request with the [`Handler`] it is
//! given (the `h2lab` command gives it `app::App`), until its [`ShutdownSignal`] is triggered.
//!
//! A connection's life and its limits:
//! - **Admission** ([`admission`]): at most [`Config::max_connections`] at once, by default as
//!   many as the process can hold ([`capacity`]). When full, connections that have done nothing
//!   useful yet make room for a new one; only a server full of working clients refuses one.
//! - **The opening**: the first octets, the TLS handshake (or an HTTP/1.1 request head) must all
//!   arrive within [`Config::handshake_timeout`] of the accept: a deadline, not a timeout per read
//!   ([`wire`]).
//! - **HTTP/2**: the connection's own timers ([`crate::connection::Timeouts`]): the client preface
//!   within the handshake timeout of the accept, the first request within
//!   [`Config::first_request_timeout`], then GOAWAY after [`Config::idle_timeout`] without progress.
//! - **Shutdown** ([`shutdown`]): no new connections; every open one gets two GOAWAYs around a
//!   PING round trip (§6.8) and up to [`Config::drain_timeout`] for its open streams.

pub mod admission;
pub mod capacity;
pub mod http1;
pub mod identity;
pub mod session;
pub mod shutdown;
pub mod sniff;
pub mod wire;

use std::fmt;
use std::io::{self, ErrorKind, Read};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use native_tls::{HandshakeError, TlsAcceptor};
use rustix::event::{poll, PollFd, PollFlags};
use rustix::net::{AddressFamily, SocketFlags, SocketType};

use crate::connection::{Connection, LocalSettings, Timeouts};
use crate::error::ErrorCode;
use crate::http::Handler;
use crate::trace::capture::Capture;
use crate::trace::record::{self, Store};
use crate::trace::text::TextLog;
use admission::{Admission, Admit, Place, Stage, Ticket, REFUSING_AT_ONCE};
use capacity::Capacity;
use identity::{IdentityError, Pem};
use session::Transport;
pub use shutdown::ShutdownSignal;
use sniff::Opening;
use wire::Wire;

/// The listen backlog: connections the system completes and queues before we accept them. The
/// standard library asks for 128, which a burst of a thousand connects overflows, and a lost SYN
/// costs its client a retransmission a second later. Linux caps it at `net.core.somaxconn`
/// (4,096 by default since Linux 5.4).
const BACKLOG: i32 = 4096;

/// The stack of each connection's thread. What a connection uses at its deepest (a TLS handshake
/// in OpenSSL, HPACK decoding, a handler building a response) stays well under 64 KiB, in debug
/// builds too; 256 KiB leaves four times that. The size reserves address space only: the pages
/// a thread has touched (about 16 KiB for an idle TLS connection) are what it holds in memory.
/// The standard library's 2 MiB would reserve 20 GiB for 10,000 connections.
const STACK_SIZE: usize = 256 * 1024;

/// How the server listens and what it allows a connection, as given on the command line.
#[derive(Debug, Clone)]
pub struct Config {
    /// The address to listen on (port 0: any free port; [`Server::addr`] tells which).
    pub listen: SocketAddr,
    /// A PEM certificate chain and a PKCS#8 PEM key; `None`: the embedded development identity.
    pub cert_and_key: Option<(PathBuf, PathBuf)>,
    /// The SETTINGS we advertise (RFC 9113 §6.5.2).
    pub settings: LocalSettings,
    /// Connections served at once; `None`: as many as the process can hold ([`Capacity`]).
    pub max_connections: Option<usize>,
    /// The TLS handshake and the client preface must each be complete this long after the
    /// accept (for HTTP/1.1: the request head).
    pub handshake_timeout: Duration,
    /// The first request must arrive this long after the accept.
    pub first_request_timeout: Duration,
    /// A connection without progress (a stream opened or ended, DATA moved) for this long gets
    /// GOAWAY(NO_ERROR) and is closed.
    pub idle_timeout: Duration,
    /// `--capture DIR`: every connection's octets go to capture files in DIR.
    pub capture: Option<PathBuf>,
    /// In a graceful shutdown, how long open streams may take to finish.
    pub drain_timeout: Duration,
    /// What the inspector's record keeps (`--inspect-connections`, `--inspect-events`); `None`
    /// with `--no-inspect`: nothing is recorded.
    pub inspect: Option<record::Limits>,
}

impl Default for Config {
    fn default() -> Config {
        let timeouts = Timeouts::default();
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8443)),
            cert_and_key: None,
            settings: LocalSettings::default(),
            max_connections: None,
            handshake_timeout: timeouts.preface,
            first_request_timeout: timeouts.first_request,
            idle_timeout: timeouts.idle,
            drain_timeout: Duration::from_secs(5),
            capture: None,
            inspect: Some(record::Limits::default()),
        }
    }
}

/// Why the server could not start.
#[derive(Debug)]
pub enum StartError {
    /// The certificate or the key cannot be read or used.
    Identity(IdentityError),
    /// The address cannot be listened on.
    Listen(SocketAddr, io::Error),
    /// The pipe that wakes every thread at shutdown cannot be made.
    Pipe(io::Error),
}

impl StartError {
    /// The process exit status: 2 for a bad command-line value (`--cert`, `--key`), as for a bad
    /// flag; 1 when the environment refuses (the address is taken).
    pub fn exit_status(&self) -> i32 {
        match self {
            StartError::Identity(_) => 2,
            StartError::Listen(..) | StartError::Pipe(_) => 1,
        }
    }
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StartError::Identity(e) => write!(f, "{e}"),
            StartError::Listen(addr, e) => write!(f, "--listen {addr}: {e}"),
            StartError::Pipe(e) => write!(f, "cannot make the shutdown pipe: {e}"),
        }
    }
}

impl std::error::Error for StartError {}

/// What every connection's thread shares.
struct Shared {
    acceptor: TlsAcceptor,
    handler: Arc<dyn Handler>,
    config: Config,
    shutdown: ShutdownSignal,
    /// The inspector's record; `None` with `--no-inspect`.
    record: Option<Arc<Store>>,
}

impl Shared {
    /// The deadlines of an HTTP/2 connection's own timers.
    fn timeouts(&self) -> Timeouts {
        Timeouts {
            preface: self.config.handshake_timeout,
            first_request: self.config.first_request_timeout,
            idle: self.config.idle_timeout,
            ..Timeouts::default()
        }
    }
}

/// A server with its TLS identity loaded and its address bound, ready to serve a [`Handler`].
pub struct Server {
    listener: TcpListener,
    addr: SocketAddr,
    acceptor: TlsAcceptor,
    config: Config,
    capacity: usize,
    /// How the capacity was reckoned, for the log once serving.
    capacity_note: String,
    shutdown: ShutdownSignal,
    record: Option<Arc<Store>>,
}

impl Server {
    /// Loads the certificate and key (warning when the certificate expires soon), raises the
    /// limit on open files and reckons how many connections the process can hold, then binds.
    pub fn bind(config: Config) -> Result<Server, StartError> {
        let pem = match &config.cert_and_key {
            Some((cert, key)) => Pem::read(cert, key),
            None => Ok(Pem::embedded()),
        }
        .map_err(StartError::Identity)?;
        let acceptor = pem.acceptor().map_err(StartError::Identity)?;
        if let Some(warning) = pem.expiry_warning() {
            log::warn!("{warning}");
        }
        let (capacity, capacity_note) = reckon_capacity(config.max_connections);
        let listener = listen(config.listen).map_err(|e| StartError::Listen(config.listen, e))?;
        let addr = listener
            .local_addr()
            .map_err(|e| StartError::Listen(config.listen, e))?;
        let shutdown = ShutdownSignal::new().map_err(StartError::Pipe)?;
        let record = config.inspect.map(|limits| Arc::new(Store::new(limits)));
        Ok(Server {
            listener,
            addr,
            acceptor,
            config,
            capacity,
            capacity_note,
            shutdown,
            record,
        })
    }

    /// The address bound: with port 0 in [`Config::listen`], the port the system chose.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The inspector's record of the connections, for the application to show; `None` when
    /// recording is off.
    pub fn record(&self) -> Option<Arc<Store>> {
        self.record.clone()
    }

    /// How many connections it serves at once.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// What stops [`Server::serve`] gracefully when triggered.
    pub fn shutdown_signal(&self) -> ShutdownSignal {
        self.shutdown.clone()
    }

    /// Triggers the shutdown signal on the process's first SIGINT or SIGTERM; a second one ends
    /// the process at once (see [`shutdown`]).
    pub fn stop_on_signals(&self) -> io::Result<()> {
        shutdown::stop_on_signals(self.shutdown.clone())
    }

    /// Serves `handler` on every connection, TLS and h2c alike, until the shutdown signal is
    /// triggered; then stops accepting, lets the open connections finish (GOAWAY, up to
    /// [`Config::drain_timeout`]) and returns.
    pub fn serve(self, handler: Arc<dyn Handler>) {
        let Server {
            listener,
            acceptor,
            config,
            capacity,
            capacity_note,
            shutdown,
            record,
            ..
        } = self;
        log::info!("{capacity_note}");
        let drain = config.drain_timeout;
        let shared = Arc::new(Shared {
            acceptor,
            handler,
            config,
            shutdown,
            record,
        });
        let admission = Admission::new(capacity);
        accept_loop(&listener, &shared, &admission);
        // Closing the listener refuses new connections from now on, queued ones included.
        drop(listener);
        log::info!(
            "no longer accepting connections; {} open get GOAWAY and up to {drain:?} to finish",
            admission.open()
        );
        // Past the drain, a connection closes its socket and lingers for its peer to read the
        // last frames; a thread stuck in a write to a peer that reads nothing is not waited for.
        let deadline = Instant::now() + drain + session::LINGER + Duration::from_secs(1);
        if admission.wait_until_empty(deadline) {
            log::info!("stopped: every connection closed");
        } else {
            log::warn!(
                "stopped: {} connections did not close in time and were cut",
                admission.open()
            );
        }
    }
}

/// The capacity: `asked` (`--max-connections`), or what the process can hold; and a line for
/// the log that says how it was reckoned, or warns when more is asked than the open-files limit
/// allows.
fn reckon_capacity(asked: Option<usize>) -> (usize, String) {
    let capacity = Capacity::of_this_process();
    let Some(asked) = asked else {
        return (capacity.connections, capacity.to_string());
    };
    let note = match (capacity.by_descriptors(), capacity.open_files) {
        (Some(allowed), Some(limit)) if asked > allowed => format!(
            "--max-connections {asked} is more than ulimit -n {limit} allows ({allowed}, at two \
             descriptors per connection): busy connections may find no descriptor"
        ),
        _ => format!("room for {asked} connections at once (--max-connections)"),
    };
    (asked, note)
}

/// A listening socket on `addr` with a backlog of [`BACKLOG`].
fn listen(addr: SocketAddr) -> io::Result<TcpListener> {
    let family = match addr {
        SocketAddr::V4(_) => AddressFamily::INET,
        SocketAddr::V6(_) => AddressFamily::INET6,
    };
    let socket = rustix::net::socket_with(family, SocketType::STREAM, SocketFlags::CLOEXEC, None)?;
    // As the standard library does: a restarted server can bind its port while connections of
    // the previous one are in TIME_WAIT.
    rustix::net::sockopt::set_socket_reuseaddr(&socket, true)?;
    rustix::net::bind(&socket, &addr)?;
    rustix::net::listen(&socket, BACKLOG)?;
    let listener = TcpListener::from(socket);
    // The accept loop waits in `poll` beside the shutdown pipe, then accepts until none is left.
    listener.set_nonblocking(true)?;
    Ok(listener)
}

/// Accepts until the shutdown signal, giving each connection a thread (or refusing it).
fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>, admission: &Arc<Admission>) {
    let mut next_id = 1;
    loop {
        let mut fds = [
            PollFd::new(listener, PollFlags::IN),
            PollFd::from_borrowed_fd(shared.shutdown.fd(), PollFlags::IN),
        ];
        if let Err(e) = poll(&mut fds, None) {
            if e != rustix::io::Errno::INTR {
                log::warn!("waiting for connections: {e}");
                thread::sleep(Duration::from_millis(50));
            }
            continue;
        }
        if shared.shutdown.is_triggered() {
            return;
        }
        // Every connection waiting, then wait again.
        loop {
            match listener.accept() {
                Ok((tcp, peer)) => {
                    start_connection(next_id, tcp, peer, shared, admission);
                    next_id += 1;
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => {
                    // Out of file descriptors, for one: the connection waits in the backlog
                    // while others end; look again in a moment.
                    log::warn!("accept: {e}");
                    thread::sleep(Duration::from_millis(50));
                    break;
                }
            }
        }
    }
}

/// Admits connection `id` and starts its thread, or refuses it; every refusal is logged.
fn start_connection(
    id: u64,
    tcp: TcpStream,
    peer: SocketAddr,
    shared: &Arc<Shared>,
    admission: &Arc<Admission>,
) {
    let started = Instant::now();
    let tcp = Arc::new(tcp);
    let capacity = admission.capacity();
    let ticket = match admission.admit(id, &tcp) {
        Admit::Admitted(ticket) => ticket,
        Admit::MadeRoom {
            ticket,
            victim,
            stage,
        } => {
            let what = match stage {
                Stage::Opening => "still in its opening",
                _ => "no request yet",
            };
            log::info!(
                "[conn {victim}] makes room for connection {id} ({what}; {capacity} connections \
                 open, --max-connections)"
            );
            ticket
        }
        Admit::Refused(ticket) => {
            log::warn!(
                "[conn {id}] {peer}: refused, with GOAWAY REFUSED_STREAM: all {capacity} \
                 connections serve clients (--max-connections)"
            );
            ticket
        }
        Admit::Dropped => {
            log::warn!(
                "[conn {id}] {peer}: refused and closed at once: all {capacity} connections \
                 serve clients and {REFUSING_AT_ONCE} more are being refused (--max-connections)"
            );
            return;
        }
    };
    let shared = Arc::clone(shared);
    let spawned = thread::Builder::new()
        .name(format!("h2lab-conn-{id}"))
        .stack_size(STACK_SIZE)
        .spawn(move || connection_thread(id, tcp, peer, started, ticket, &shared));
    if let Err(e) = spawned {
        log::warn!("[conn {id}] {peer}: no thread for it: {e}");
    }
}

/// The thread of connection `id`: serves it to its end and says how it ended.
fn connection_thread(
    id: u64,
    tcp: Arc<TcpStream>,
    peer: SocketAddr,
    started: Instant,
    ticket: Ticket,
    shared: &Shared,
) {
    log::debug!("[conn {id}] accepted from {peer}");
    let cutoff = Cutoff {
        place: Arc::clone(ticket.place()),
        shutdown: shared.shutdown.clone(),
        deadline: started + shared.config.handshake_timeout,
        timeout: shared.config.handshake_timeout,
    };
    let served = Wire::new(
        tcp,
        Arc::clone(ticket.place()),
        shared.shutdown.clone(),
        cutoff.deadline,
        shared.config.idle_timeout,
    )
    .and_then(|wire| serve(id, wire, &cutoff, ticket.is_refused(), started, shared));
    match served {
        Ok(Ended::Plainly(how)) => log::debug!("[conn {id}] {how}"),
        Ok(Ended::Notably(how)) => log::info!("[conn {id}] {peer}: {how}"),
        // A browser closing a tab or curl giving up: the peer went away mid-write.
        Err(e) if is_hang_up(&e) => log::debug!("[conn {id}] the peer hung up: {e}"),
        // Writes wait at most the idle timeout (see `Wire::new`).
        Err(e) if e.kind() == ErrorKind::TimedOut => log::info!(
            "[conn {id}] {peer}: read nothing we wrote for {:?}: closed",
            shared.config.idle_timeout
        ),
        Err(e) => log::info!("[conn {id}] {peer}: ended by an I/O error: {e}"),
    }
}

fn is_hang_up(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        ErrorKind::BrokenPipe | ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted
    )
}

/// How a connection ended: worth a line at the default log level, or only with `-v`.
enum Ended {
    Plainly(String),
    Notably(String),
}

/// What can cut a connection's opening short, kept beside the wire (which a TLS handshake that
/// fails takes with it) to tell why the opening failed.
struct Cutoff {
    place: Arc<Place>,
    shutdown: ShutdownSignal,
    deadline: Instant,
    timeout: Duration,
}

impl Cutoff {
    /// Why the opening stopped before `what` was complete, if it was cut short. Making room and
    /// the shutdown were logged where they were decided; a deadline is logged here.
    fn reason(&self, what: &str) -> Option<Ended> {
        if self.place.making_room() {
            return Some(Ended::Plainly(format!(
                "made room for a new connection before its {what}"
            )));
        }
        if self.shutdown.is_triggered() {
            return Some(Ended::Plainly(format!(
                "the server is shutting down: closed before its {what}"
            )));
        }
        if Instant::now() < self.deadline {
            return None;
        }
        Some(Ended::Notably(format!(
            "no complete {what} within {:?} of connecting (--handshake-timeout): closed",
            self.timeout
        )))
    }
}

/// Serves one accepted connection to its end.
fn serve(
    id: u64,
    mut wire: Wire,
    cutoff: &Cutoff,
    refused: bool,
    started: Instant,
    shared: &Shared,
) -> io::Result<Ended> {
    // Frames are written whole, a slice at a time: Nagle's delay only holds back PING ACKs.
    wire.tcp().set_nodelay(true)?;
    let local = wire.tcp().local_addr()?;
    let opening = match sniff(&mut wire) {
        Ok(Some(opening)) => opening,
        Ok(None) => {
            return Ok(Ended::Notably(
                "closed before it said anything recognisable".to_string(),
            ))
        }
        Err(e) => {
            return cutoff
                .reason("opening (TLS, HTTP/2 preface or HTTP/1.1)")
                .ok_or(e)
        }
    };
    match opening {
        Opening::Unknown => Ok(Ended::Notably(
            "neither TLS, the HTTP/2 preface nor an HTTP/1.x request line: connection error \
             PROTOCOL_ERROR (RFC 9113 §3.4), closed without GOAWAY"
                .to_string(),
        )),
        Opening::Http1 => {
            if let Err(e) = http1::answer(&mut wire, local, false) {
                return cutoff.reason("HTTP/1.1 request head").ok_or(e);
            }
            session::close(&mut wire);
            Ok(Ended::Plainly(
                "HTTP/1.1 in cleartext: answered 505".to_string(),
            ))
        }
        Opening::H2c => {
            log::debug!("[conn {id}] h2c (prior knowledge)");
            wire.place().advance(Stage::Handshaken);
            wire.end_deadline();
            h2(id, &mut wire, refused, started, shared)
        }
        Opening::Tls => {
            let mut tls = match shared.acceptor.accept(wire) {
                Ok(tls) => tls,
                Err(e) => {
                    if let Some(cut) = cutoff.reason("TLS handshake") {
                        return Ok(cut);
                    }
                    let e = match e {
                        HandshakeError::Failure(e) => e.to_string(),
                        HandshakeError::WouldBlock(_) => "interrupted".to_string(),
                    };
                    return Ok(Ended::Notably(tls_failure(&e)));
                }
            };
            tls.get_ref().place().advance(Stage::Handshaken);
            let alpn = tls.negotiated_alpn().ok().flatten();
            if alpn.as_deref() == Some(b"h2") {
                log::debug!("[conn {id}] TLS, ALPN h2");
                tls.get_mut().end_deadline();
                return h2(id, &mut tls, refused, started, shared);
            }
            if let Err(e) = http1::answer(&mut tls, local, true) {
                return cutoff.reason("HTTP/1.1 request head").ok_or(e);
            }
            session::close(&mut tls);
            Ok(Ended::Plainly(
                "HTTP/1.1 over TLS (no ALPN h2): answered 505".to_string(),
            ))
        }
    }
}

/// The log line for a TLS handshake that failed, with a hint when the client does not trust
/// the certificate.
fn tls_failure(error: &str) -> String {
    let untrusted = error.contains("unknown ca") || error.contains("bad certificate");
    let hint = if untrusted {
        " (the client does not trust the certificate; h2lab --help says how to trust the \
         development CA)"
    } else {
        ""
    };
    format!("TLS handshake failed: {error}{hint}")
}

/// Runs HTTP/2 on an established transport, watched by the observers the command line asks for
/// (the `-v` / `-vv` log when its level is on, capture files with `--capture`); a `refused`
/// connection is told GOAWAY REFUSED_STREAM at once.
fn h2<T: Transport>(
    id: u64,
    io: &mut T,
    refused: bool,
    started: Instant,
    shared: &Shared,
) -> io::Result<Ended> {
    let mut conn = Connection::new(id, shared.config.settings, Arc::clone(&shared.handler));
    if let Some(record) = &shared.record {
        conn.observe(Box::new(
            record.recorder(id, io.wire().tcp().peer_addr().ok()),
        ));
    }
    if TextLog::wanted() {
        conn.observe(Box::new(TextLog::new(id)));
    }
    if let Some(dir) = &shared.config.capture {
        conn.observe(Box::new(Capture::new(dir, id)));
    }
    conn.start_timers(started, shared.timeouts());
    if refused {
        // RFC 9113 §7: REFUSED_STREAM: "The endpoint refused the stream prior to performing any
        // application processing". With the last stream id 0, the client knows that no request
        // was processed and may try again.
        conn.go_away(
            ErrorCode::REFUSED_STREAM,
            "the server is full; try again later",
        );
    }
    let end = session::run(id, io, &mut conn, shared.config.drain_timeout);
    match &end {
        Ok(end) => conn.ended(&end.to_string()),
        Err(e) => conn.ended(&format!("ended by an I/O error: {e}")),
    }
    Ok(Ended::Plainly(end?.to_string()))
}

/// Where `needle` first occurs in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// Reads the first octets until they say which protocol this is, and puts them back to be read
/// again; `None` when the client closes first. Reads wait no longer than the opening's deadline.
fn sniff(wire: &mut Wire) -> io::Result<Option<Opening>> {
    let mut first = Vec::with_capacity(sniff::LOOK_AHEAD);
    let mut buf = [0u8; sniff::LOOK_AHEAD];
    while first.len() < sniff::LOOK_AHEAD {
        let room = buf
            .get_mut(..sniff::LOOK_AHEAD - first.len())
            .unwrap_or_default();
        let n = wire.read(room)?;
        if n == 0 {
            return Ok(None);
        }
        first.extend_from_slice(room.get(..n).unwrap_or_default());
        if let Some(opening) = sniff::classify(&first) {
            wire.replay(&first);
            return Ok(Some(opening));
        }
    }
    Ok(Some(Opening::Unknown))
}
