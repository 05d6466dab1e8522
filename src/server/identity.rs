//! The server's TLS identity and acceptor — RFC 9113 §3.2 (h2 over TLS), §9.2 (TLS requirements)
//!
//! Without `--cert`/`--key`, h2lab uses the development certificate for `localhost`, `127.0.0.1`
//! and `::1` made by `scripts/gen-certs.sh` and embedded in the binary. Clients trust it with
//! `--cacert certs/ca.pem` (or skip the check with `-k`).

use std::fmt;
use std::path::{Path, PathBuf};

use native_tls::{Identity, Protocol, TlsAcceptor};
use openssl::asn1::{Asn1Time, TimeDiff};
use openssl::x509::X509;

use super::find;

/// The development certificate chain (leaf, then the development CA), PEM.
const EMBEDDED_CHAIN: &[u8] = include_bytes!("../../certs/localhost.pem");
/// Its private key, PKCS#8 PEM.
const EMBEDDED_KEY: &[u8] = include_bytes!("../../certs/localhost.key");
/// Where the embedded chain comes from, the file that messages about it name.
const EMBEDDED_CHAIN_PATH: &str = "certs/localhost.pem";

/// Warn at start when the certificate expires within this many days.
const EXPIRY_WARNING_DAYS: i32 = 30;

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
            chain_path: PathBuf::from(EMBEDDED_CHAIN_PATH),
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

    /// What to tell the operator about the leaf certificate's expiry: that it has expired, that it
    /// expires within 30 days, or that its expiry date cannot be read.
    ///
    /// Best effort: the certificate is served whatever this says, for the clients are the ones
    /// that judge it; the warning only saves its owner a surprise.
    pub fn expiry_warning(&self) -> Option<String> {
        let name = self.chain_path.display();
        let left = match time_left(&self.chain) {
            Ok(left) => left,
            Err(why) => {
                return Some(format!(
                    "the certificate {name}: its expiry date cannot be read ({why}); \
                     serving it anyway"
                ))
            }
        };
        let renew = if self.chain_path == Path::new(EMBEDDED_CHAIN_PATH) {
            "run scripts/gen-certs.sh and rebuild"
        } else {
            "renew it"
        };
        if left.days < 0 || left.secs < 0 {
            Some(format!("the certificate {name} has expired; {renew}"))
        } else if left.days < EXPIRY_WARNING_DAYS {
            let days = left.days;
            Some(format!(
                "the certificate {name} expires in {days} days; {renew}"
            ))
        } else {
            None
        }
    }

    /// A TLS acceptor that offers ALPN `h2` and nothing older than TLS 1.2.
    pub fn acceptor(&self) -> Result<TlsAcceptor, IdentityError> {
        if find(&self.chain, CERTIFICATE_BEGIN).is_none() {
            return Err(IdentityError {
                path: self.chain_path.clone(),
                reason: "holds no PEM certificate (-----BEGIN CERTIFICATE-----)".to_string(),
            });
        }
        if find(&self.key, PKCS8_BEGIN).is_none() {
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

const CERTIFICATE_BEGIN: &[u8] = b"-----BEGIN CERTIFICATE-----";
const PKCS8_BEGIN: &[u8] = b"-----BEGIN PRIVATE KEY-----";

/// From now until the first certificate of `chain` expires (its `notAfter`, RFC 5280 §4.1.2.5):
/// whole days, then seconds, both negative once it has expired.
fn time_left(chain: &[u8]) -> Result<TimeDiff, String> {
    let leaf = X509::from_pem(chain).map_err(|e| e.to_string())?;
    let now = Asn1Time::days_from_now(0).map_err(|e| e.to_string())?;
    now.diff(leaf.not_after())
        .map_err(|_| "notAfter is not a valid time".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_identity_makes_an_acceptor() {
        assert!(Pem::embedded().acceptor().is_ok());
    }

    #[test]
    fn the_embedded_certificate_is_not_expired() {
        let left = time_left(EMBEDDED_CHAIN).unwrap();
        assert!(left.days > 0, "{} days left", left.days);
    }

    #[test]
    fn a_fresh_certificate_is_not_warned_about() {
        assert_eq!(Pem::embedded().expiry_warning(), None);
    }

    /// The embedded leaf with its `notAfter` made unreadable: the thirteenth month.
    fn leaf_with_unreadable_expiry() -> Vec<u8> {
        let mut der = X509::from_pem(EMBEDDED_CHAIN).unwrap().to_der().unwrap();
        // Validity ::= SEQUENCE { notBefore UTCTime, notAfter UTCTime }: 30 1e 17 0d .. 17 0d ..
        let validity = find(&der, &[0x30, 0x1e, 0x17, 0x0d]).unwrap();
        let not_after = validity + 2 + 15 + 2;
        der[not_after..not_after + 13].copy_from_slice(b"291324001513Z");
        X509::from_der(&der).unwrap().to_pem().unwrap()
    }

    #[test]
    fn a_certificate_whose_expiry_cannot_be_read_still_serves_with_a_warning() {
        let mut pem = Pem::embedded();
        pem.chain = leaf_with_unreadable_expiry();
        pem.chain_path = PathBuf::from("/tmp/odd.pem");
        assert!(pem.acceptor().is_ok());
        let warning = pem.expiry_warning().unwrap();
        assert!(
            warning.starts_with("the certificate /tmp/odd.pem: its expiry date cannot be read"),
            "{warning}"
        );
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
    fn a_chain_without_a_certificate_makes_no_acceptor_and_names_the_chain_file() {
        let mut pem = Pem::embedded();
        pem.chain = b"hello".to_vec();
        pem.chain_path = PathBuf::from("/tmp/chain.pem");
        let error = pem.acceptor().err().unwrap();
        assert_eq!(error.path, PathBuf::from("/tmp/chain.pem"));
        assert!(error.reason.starts_with("holds no PEM certificate"));
    }
}
