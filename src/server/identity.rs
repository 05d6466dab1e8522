//! The server's TLS identity and acceptor — RFC 9113 §3.2 (h2 over TLS), §9.2 (TLS requirements)
//!
//! Without `--cert`/`--key`, h2lab uses the development certificate for `localhost`, `127.0.0.1`
//! and `::1` made by `scripts/gen-certs.sh` and embedded in the binary. Clients trust it with
//! `--cacert certs/ca.pem` (or skip the check with `-k`).

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use native_tls::{Identity, Protocol, TlsAcceptor};

use super::certificate;

/// The development certificate chain (leaf, then the development CA), PEM.
const EMBEDDED_CHAIN: &[u8] = include_bytes!("../../certs/localhost.pem");
/// Its private key, PKCS#8 PEM.
const EMBEDDED_KEY: &[u8] = include_bytes!("../../certs/localhost.key");

/// Warn at start when the certificate expires within this many days.
const EXPIRY_WARNING_DAYS: i64 = 30;

/// A certificate or key that cannot be used, with the file it came from.
#[derive(Debug)]
pub struct IdentityError {
    /// The file to blame (for the embedded identity: `certs/localhost.pem`).
    pub path: PathBuf,
    /// What is wrong with it.
    pub reason: String,
}

impl fmt::Display for IdentityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.reason)
    }
}

/// A certificate chain and key, as PEM, and where they came from.
pub struct Pem {
    chain: Vec<u8>,
    key: Vec<u8>,
    chain_path: PathBuf,
    key_path: PathBuf,
}

impl Pem {
    /// The development identity embedded in the binary.
    pub fn embedded() -> Pem {
        Pem {
            chain: EMBEDDED_CHAIN.to_vec(),
            key: EMBEDDED_KEY.to_vec(),
            chain_path: PathBuf::from("certs/localhost.pem"),
            key_path: PathBuf::from("certs/localhost.key"),
        }
    }

    /// Reads a PEM chain and a PEM PKCS#8 key; an unreadable file is named in the error.
    pub fn read(chain_path: &Path, key_path: &Path) -> Result<Pem, IdentityError> {
        let read = |path: &Path| {
            std::fs::read(path).map_err(|e| IdentityError {
                path: path.to_path_buf(),
                reason: e.to_string(),
            })
        };
        Ok(Pem {
            chain: read(chain_path)?,
            key: read(key_path)?,
            chain_path: chain_path.to_path_buf(),
            key_path: key_path.to_path_buf(),
        })
    }

    /// Seconds since the Unix epoch at which the leaf certificate expires.
    pub fn not_after(&self) -> Result<i64, IdentityError> {
        certificate::first_pem_certificate(&self.chain)
            .and_then(|der| certificate::not_after(&der))
            .map_err(|e| IdentityError {
                path: self.chain_path.clone(),
                reason: format!("not a PEM certificate chain: {e}"),
            })
    }

    /// Logs a warning when the leaf certificate has expired or expires within 30 days.
    pub fn warn_if_expiring(&self, not_after: i64) {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        let days_left = (not_after - now).div_euclid(86_400);
        let renew = if self.chain_path == Pem::embedded().chain_path {
            "run scripts/gen-certs.sh and rebuild"
        } else {
            "renew it"
        };
        if days_left < 0 {
            log::warn!(
                "the certificate {} has expired; {renew}",
                self.chain_path.display()
            );
        } else if days_left < EXPIRY_WARNING_DAYS {
            log::warn!(
                "the certificate {} expires in {days_left} days; {renew}",
                self.chain_path.display()
            );
        }
    }

    /// A TLS acceptor that offers ALPN `h2` and nothing older than TLS 1.2.
    pub fn acceptor(&self) -> Result<TlsAcceptor, IdentityError> {
        if !self
            .key
            .windows(PKCS8_BEGIN.len())
            .any(|w| w == PKCS8_BEGIN)
        {
            return Err(IdentityError {
                path: self.key_path.clone(),
                reason: format!(
                    "not a PKCS#8 PEM key (-----BEGIN PRIVATE KEY-----); convert it with \
                     `openssl pkcs8 -topk8 -nocrypt -in {0} -out {0}.pkcs8`",
                    self.key_path.display()
                ),
            });
        }
        let identity = Identity::from_pkcs8(&self.chain, &self.key).map_err(|e| IdentityError {
            path: self.key_path.clone(),
            reason: format!(
                "does not make an identity with {}: {e}",
                self.chain_path.display()
            ),
        })?;
        TlsAcceptor::builder(identity)
            // RFC 9113 §3.2: "The "h2" string identifies the protocol where HTTP/2 uses TLS".
            .accept_alpn(&["h2"])
            // RFC 9113 §9.2: "Implementations of HTTP/2 MUST use TLS version 1.2 or higher for
            // HTTP/2 over TLS."
            .min_protocol_version(Some(Protocol::Tlsv12))
            .build()
            .map_err(|e| IdentityError {
                path: self.chain_path.clone(),
                reason: e.to_string(),
            })
    }
}

const PKCS8_BEGIN: &[u8] = b"-----BEGIN PRIVATE KEY-----";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_identity_makes_an_acceptor() {
        assert!(Pem::embedded().acceptor().is_ok());
    }

    #[test]
    fn the_embedded_certificate_is_not_expired() {
        let pem = Pem::embedded();
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
        assert!(pem.not_after().unwrap() > now.as_secs() as i64);
    }

    #[test]
    fn a_key_that_is_not_pkcs8_names_the_key_file() {
        let mut pem = Pem::embedded();
        pem.key = b"-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n".to_vec();
        pem.key_path = PathBuf::from("/tmp/server.key");
        let error = pem.acceptor().err().unwrap();
        assert_eq!(error.path, PathBuf::from("/tmp/server.key"));
        assert!(error.reason.starts_with("not a PKCS#8 PEM key"));
    }

    #[test]
    fn a_missing_file_is_named() {
        let error = Pem::read(
            Path::new("/nonexistent/a.pem"),
            Path::new("/nonexistent/a.key"),
        )
        .err()
        .unwrap();
        assert_eq!(error.path, PathBuf::from("/nonexistent/a.pem"));
    }

    #[test]
    fn a_chain_without_a_certificate_names_the_chain_file() {
        let mut pem = Pem::embedded();
        pem.chain = b"hello".to_vec();
        pem.chain_path = PathBuf::from("/tmp/chain.pem");
        let error = pem.not_after().err().unwrap();
        assert_eq!(error.path, PathBuf::from("/tmp/chain.pem"));
    }
}
