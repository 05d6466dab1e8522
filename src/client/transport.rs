//! The two ways to reach an HTTP/2 server — RFC 9113 §3.2 (TLS with ALPN `h2`) and §3.3 (cleartext
//! with prior knowledge).

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use native_tls::{Certificate, HandshakeError, TlsConnector, TlsStream};

use super::ClientError;

/// How to reach the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Transport {
    /// TLS with ALPN `h2` (RFC 9113 §3.2); the request scheme is `https`.
    Tls,
    /// Cleartext TCP, starting with the preface at once: "prior knowledge" (RFC 9113 §3.3); the
    /// request scheme is `http`.
    Cleartext,
}

impl Transport {
    /// Both transports, TLS first.
    pub const ALL: [Transport; 2] = [Transport::Tls, Transport::Cleartext];

    /// The `:scheme` of requests sent over this transport (RFC 9113 §8.3.1).
    pub fn scheme(self) -> &'static str {
        match self {
            Transport::Tls => "https",
            Transport::Cleartext => "http",
        }
    }
}

/// How the client checks the server over TLS: the name it asks for, and whether and against
/// which authorities it verifies the certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tls {
    /// The host name sent in SNI and, when verifying, looked for in the certificate (a DNS name
    /// or an IP address).
    pub server_name: String,
    /// Whether the certificate must chain to a trusted authority and name `server_name`.
    pub verify: bool,
    /// A PEM certificate of the one authority to trust instead of the system's (`--cacert`).
    pub authority: Option<Vec<u8>>,
}

impl Tls {
    /// Any certificate for any name, SNI `localhost`: for testing a server that runs with a
    /// self-signed development certificate, where the protocol is checked, not the peer's
    /// identity. Never use it where the peer's identity matters.
    pub fn any_certificate() -> Tls {
        Tls {
            server_name: "localhost".to_string(),
            verify: false,
            authority: None,
        }
    }
}

/// How long connecting and the TLS handshake may take, and the longest a single write may block.
const SOCKET_TIMEOUT: Duration = Duration::from_secs(5);

/// The connected socket, plain or wrapped in TLS.
pub(super) enum Io {
    /// Cleartext TCP.
    Plain(TcpStream),
    /// TLS over TCP; boxed because the TLS state is large.
    Tls(Box<TlsStream<TcpStream>>),
}

impl Io {
    /// Connects to `addr` and, for TLS, completes the handshake as `tls` says and checks that
    /// ALPN chose `h2`.
    pub(super) fn connect(
        addr: SocketAddr,
        transport: Transport,
        tls: &Tls,
    ) -> Result<Io, ClientError> {
        let tcp = TcpStream::connect_timeout(&addr, SOCKET_TIMEOUT)?;
        tcp.set_nodelay(true)?;
        tcp.set_read_timeout(Some(SOCKET_TIMEOUT))?;
        tcp.set_write_timeout(Some(SOCKET_TIMEOUT))?;
        if transport == Transport::Cleartext {
            return Ok(Io::Plain(tcp));
        }
        let mut builder = TlsConnector::builder();
        builder
            .request_alpns(&["h2"])
            .danger_accept_invalid_certs(!tls.verify)
            .danger_accept_invalid_hostnames(!tls.verify);
        if let Some(pem) = &tls.authority {
            let authority = Certificate::from_pem(pem)
                .map_err(|e| ClientError::Tls(format!("cannot read the CA certificate: {e}")))?;
            builder
                .disable_built_in_roots(true)
                .add_root_certificate(authority);
        }
        let connector = builder
            .build()
            .map_err(|e| ClientError::Tls(format!("cannot build the TLS connector: {e}")))?;
        let tls = connector
            .connect(&tls.server_name, tcp)
            .map_err(|e| match e {
                HandshakeError::Failure(e) => ClientError::Tls(format!("handshake failed: {e}")),
                HandshakeError::WouldBlock(_) => {
                    ClientError::Tls("handshake timed out".to_string())
                }
            })?;
        // RFC 9113 §3.2: "The "h2" string identifies the protocol where HTTP/2 uses TLS".
        let alpn = tls
            .negotiated_alpn()
            .map_err(|e| ClientError::Tls(format!("cannot read the ALPN result: {e}")))?;
        if alpn.as_deref() != Some(b"h2".as_slice()) {
            return Err(ClientError::Tls(format!(
                "the server selected ALPN {:?}, not \"h2\"",
                alpn.map(|p| String::from_utf8_lossy(&p).into_owned())
            )));
        }
        Ok(Io::Tls(Box::new(tls)))
    }

    /// The TCP socket under the transport, for its timeouts.
    fn tcp(&self) -> &TcpStream {
        match self {
            Io::Plain(tcp) => tcp,
            Io::Tls(tls) => tls.get_ref(),
        }
    }

    /// Sets how long the next reads may block; `Duration::ZERO` is raised to one millisecond, as
    /// the socket takes zero to mean "forever".
    pub(super) fn set_read_timeout(&self, timeout: Duration) -> io::Result<()> {
        self.tcp()
            .set_read_timeout(Some(timeout.max(Duration::from_millis(1))))
    }
}

impl Read for Io {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Io::Plain(tcp) => tcp.read(buf),
            Io::Tls(tls) => tls.read(buf),
        }
    }
}

impl Write for Io {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Io::Plain(tcp) => tcp.write(buf),
            Io::Tls(tls) => tls.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Io::Plain(tcp) => tcp.flush(),
            Io::Tls(tls) => tls.flush(),
        }
    }
}
