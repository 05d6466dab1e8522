//! The server: listening, accepting, a thread per connection, TLS with ALPN and cleartext h2c — RFC 9113 §3
//!
//! ```text
//! TcpListener ── accept ──▶ thread per connection (at most --max-connections)
//!                              │ peek at the first octets (sniff)
//!                              ├─ 0x16 (TLS ClientHello) ─▶ handshake, ALPN
//!                              │       ├─ "h2" ──────────────▶ session loop ◀─┐
//!                              │       └─ none ─▶ HTTP/1.1 505 with a hint    │
//!                              ├─ "PRI * HTTP/2.0…" (prior knowledge) ────────┘
//!                              └─ "GET / HTTP/1.1…" ─▶ HTTP/1.1 505 with a hint
//! ```
//!
//! [`Server::bind`] loads the TLS identity and binds the address; [`Server::serve`] then answers
//! every request with the [`Handler`] it is given (the `h2lab` command gives it `app::App`).
//!
//! A client that sends nothing for [`HANDSHAKE_TIMEOUT`] (no handshake, no preface) is dropped; one
//! that never acknowledges our SETTINGS gets GOAWAY with SETTINGS_TIMEOUT (see [`session`]).

pub mod http1;
pub mod identity;
pub mod session;
pub mod sniff;

use std::fmt;
use std::io::{self, ErrorKind};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use native_tls::TlsAcceptor;

use crate::connection::{Connection, LocalSettings};
use crate::http::Handler;
use crate::trace::capture::Capture;
use crate::trace::record::{self, Store};
use crate::trace::text::TextLog;
use identity::{IdentityError, Pem};
use session::Transport;
use sniff::Opening;

/// How long a new connection may take to say anything (its first octets, the TLS handshake).
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// How the server listens and what it allows a connection, as given on the command line.
#[derive(Debug, Clone)]
pub struct Config {
    /// The address to listen on (port 0: any free port; [`Server::addr`] tells which).
    pub listen: SocketAddr,
    /// A PEM certificate chain and a PKCS#8 PEM key; `None`: the embedded development identity.
    pub cert_and_key: Option<(PathBuf, PathBuf)>,
    /// The SETTINGS we advertise (RFC 9113 §6.5.2).
    pub settings: LocalSettings,
    /// Connections served at once; one more is closed at once.
    pub max_connections: usize,
    /// A connection without an open stream (or without progress on its streams) for this long
    /// gets GOAWAY(NO_ERROR) and is closed.
    pub idle_timeout: Duration,
    /// `--capture DIR`: every connection's octets go to capture files in DIR.
    pub capture: Option<PathBuf>,
    /// What the inspector's record keeps (`--inspect-connections`, `--inspect-events`); `None`
    /// with `--no-inspect`: nothing is recorded.
    pub inspect: Option<record::Limits>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8443)),
            cert_and_key: None,
            settings: LocalSettings::default(),
            max_connections: 256,
            idle_timeout: Duration::from_secs(60),
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
}

impl StartError {
    /// The process exit status: 2 for a bad command-line value (`--cert`, `--key`), as for a bad
    /// flag; 1 when the environment refuses (the address is taken).
    pub fn exit_status(&self) -> i32 {
        match self {
            StartError::Identity(_) => 2,
            StartError::Listen(..) => 1,
        }
    }
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StartError::Identity(e) => write!(f, "{e}"),
            StartError::Listen(addr, e) => write!(f, "--listen {addr}: {e}"),
        }
    }
}

impl std::error::Error for StartError {}

/// What every connection's thread shares.
struct Shared {
    acceptor: TlsAcceptor,
    handler: Arc<dyn Handler>,
    settings: LocalSettings,
    idle_timeout: Duration,
    capture: Option<PathBuf>,
    record: Option<Arc<Store>>,
}

/// A server with its TLS identity loaded and its address bound, ready to serve a [`Handler`].
pub struct Server {
    listener: TcpListener,
    addr: SocketAddr,
    acceptor: TlsAcceptor,
    config: Config,
    record: Option<Arc<Store>>,
}

impl Server {
    /// Loads the certificate and key (warning when the certificate expires soon), then binds.
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
        let listener =
            TcpListener::bind(config.listen).map_err(|e| StartError::Listen(config.listen, e))?;
        let addr = listener
            .local_addr()
            .map_err(|e| StartError::Listen(config.listen, e))?;
        let record = config.inspect.map(|limits| Arc::new(Store::new(limits)));
        Ok(Server {
            listener,
            addr,
            acceptor,
            config,
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

    /// Serves `handler` on every connection, TLS and h2c alike, until the process ends.
    pub fn serve(self, handler: Arc<dyn Handler>) {
        let shared = Arc::new(Shared {
            acceptor: self.acceptor,
            handler,
            settings: self.config.settings,
            idle_timeout: self.config.idle_timeout,
            capture: self.config.capture.clone(),
            record: self.record,
        });
        accept_loop(&self.listener, &shared, self.config.max_connections);
    }
}

/// Accepts forever, one thread per connection, at most `max_connections` at once.
fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>, max_connections: usize) {
    let open = Arc::new(AtomicUsize::new(0));
    let next_id = AtomicU64::new(1);
    for accepted in listener.incoming() {
        let tcp = match accepted {
            Ok(tcp) => tcp,
            Err(e) => {
                // Running out of file descriptors, for one, passes; wait a moment and go on.
                log::warn!("accept: {e}");
                thread::sleep(Duration::from_millis(50));
                continue;
            }
        };
        let peer = tcp
            .peer_addr()
            .map_or_else(|_| "?".to_string(), |a| a.to_string());
        let slot = Slot::take(&open);
        if slot.count > max_connections {
            log::warn!(
                "connection from {peer} closed at once: {max_connections} connections are open \
                 (--max-connections)"
            );
            continue;
        }
        let id = next_id.fetch_add(1, Ordering::Relaxed);
        let shared = Arc::clone(shared);
        let spawned = thread::Builder::new()
            .name(format!("h2lab-conn-{id}"))
            .spawn(move || {
                let _slot = slot;
                log::debug!("[conn {id}] accepted from {peer}");
                match serve(id, tcp, &shared) {
                    Ok(how) => log::debug!("[conn {id}] {how}"),
                    // A browser closing a tab or curl giving up: the peer went away mid-write.
                    Err(e) if is_hang_up(&e) => log::debug!("[conn {id}] the peer hung up: {e}"),
                    Err(e) => log::info!("[conn {id}] {peer}: ended by an I/O error: {e}"),
                }
            });
        if let Err(e) = spawned {
            log::warn!("[conn {id}] no thread for it: {e}");
        }
    }
}

fn is_hang_up(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        ErrorKind::BrokenPipe | ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted
    )
}

/// One place among the `--max-connections`, given back when dropped.
struct Slot {
    open: Arc<AtomicUsize>,
    /// How many were open with this one.
    count: usize,
}

impl Slot {
    fn take(open: &Arc<AtomicUsize>) -> Slot {
        let count = open.fetch_add(1, Ordering::AcqRel) + 1;
        Slot {
            open: Arc::clone(open),
            count,
        }
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.open.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Serves one accepted connection to its end; says how it ended.
fn serve(id: u64, tcp: TcpStream, shared: &Shared) -> io::Result<String> {
    // Frames are written whole, a slice at a time: Nagle's delay only holds back PING ACKs.
    tcp.set_nodelay(true)?;
    tcp.set_read_timeout(Some(HANDSHAKE_TIMEOUT))?;
    tcp.set_write_timeout(Some(shared.idle_timeout))?;
    let local = tcp.local_addr()?;
    match sniff(&tcp)? {
        None => Ok(format!(
            "sent nothing recognisable within {HANDSHAKE_TIMEOUT:?}: dropped"
        )),
        Some(Opening::Unknown) => Ok("neither TLS, HTTP/2 nor HTTP/1.x: closed".to_string()),
        Some(Opening::Http1) => {
            let mut tcp = tcp;
            http1::answer(&mut tcp, local, false)?;
            session::close(&mut tcp);
            Ok("HTTP/1.1 in cleartext: answered 505".to_string())
        }
        Some(Opening::H2c) => {
            log::debug!("[conn {id}] h2c (prior knowledge)");
            let mut tcp = tcp;
            h2(id, &mut tcp, shared)
        }
        Some(Opening::Tls) => {
            let mut tls = match shared.acceptor.accept(tcp) {
                Ok(tls) => tls,
                Err(e) => {
                    let e = e.to_string();
                    let untrusted = e.contains("unknown ca") || e.contains("bad certificate");
                    let hint = if untrusted {
                        " (the client does not trust the certificate; h2lab --help says how \
                         to trust the development CA)"
                    } else {
                        ""
                    };
                    log::info!("[conn {id}] TLS handshake failed: {e}{hint}");
                    return Ok("no TLS session".to_string());
                }
            };
            let alpn = tls.negotiated_alpn().ok().flatten();
            if alpn.as_deref() == Some(b"h2") {
                log::debug!("[conn {id}] TLS, ALPN h2");
                return h2(id, &mut tls, shared);
            }
            http1::answer(&mut tls, local, true)?;
            session::close(&mut tls);
            Ok("HTTP/1.1 over TLS (no ALPN h2): answered 505".to_string())
        }
    }
}

/// Runs HTTP/2 on an established transport, watched by the observers the command line asks for:
/// the inspector's record unless `--no-inspect`, the `-v` / `-vv` log when its level is on,
/// capture files with `--capture`.
fn h2<T: Transport>(id: u64, io: &mut T, shared: &Shared) -> io::Result<String> {
    let mut conn = Connection::new(id, shared.settings, Arc::clone(&shared.handler));
    if let Some(record) = &shared.record {
        conn.observe(Box::new(record.recorder(id, io.tcp().peer_addr().ok())));
    }
    if TextLog::wanted() {
        conn.observe(Box::new(TextLog::new(id)));
    }
    if let Some(dir) = &shared.capture {
        conn.observe(Box::new(Capture::new(dir, id)));
    }
    let end = session::run(id, io, &mut conn, shared.idle_timeout);
    match &end {
        Ok(end) => conn.ended(&end.to_string()),
        Err(e) => conn.ended(&format!("ended by an I/O error: {e}")),
    }
    Ok(end?.to_string())
}

/// Where `needle` first occurs in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// Peeks at the first octets until they say which protocol this is; `None` when the client says
/// nothing for [`HANDSHAKE_TIMEOUT`] or closes first.
fn sniff(tcp: &TcpStream) -> io::Result<Option<Opening>> {
    let deadline = Instant::now() + HANDSHAKE_TIMEOUT;
    let mut first = [0u8; 24];
    loop {
        let n = match tcp.peek(&mut first) {
            Ok(n) => n,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return Ok(None)
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if n == 0 {
            return Ok(None);
        }
        if let Some(opening) = sniff::classify(first.get(..n).unwrap_or_default()) {
            return Ok(Some(opening));
        }
        if Instant::now() >= deadline {
            return Ok(None);
        }
        // What has arrived is not enough yet; peek returns at once while it waits, so pause.
        thread::sleep(Duration::from_millis(10));
    }
}
