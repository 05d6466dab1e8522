//! The certificate's expiry at start: a best-effort warning, never a reason not to serve.

mod common;

use common::{crate_file, text, Server, TempDir};
use openssl::x509::X509;

/// The leaf of `certs/localhost.pem` with its `notAfter` made unreadable (the thirteenth month).
/// Its key is unchanged, so `certs/localhost.key` still goes with it.
fn leaf_with_unreadable_expiry() -> Vec<u8> {
    let chain = std::fs::read(crate_file("certs/localhost.pem")).unwrap();
    let mut der = X509::from_pem(&chain).unwrap().to_der().unwrap();
    // Validity ::= SEQUENCE { notBefore UTCTime, notAfter UTCTime }: 30 1e 17 0d .. 17 0d ..
    let validity = der
        .windows(4)
        .position(|w| w == [0x30, 0x1e, 0x17, 0x0d])
        .unwrap();
    let not_after = validity + 2 + 15 + 2;
    der[not_after..not_after + 13].copy_from_slice(b"291324001513Z");
    X509::from_der(&der).unwrap().to_pem().unwrap()
}

#[test]
fn a_certificate_whose_expiry_cannot_be_read_is_served_with_a_warning() {
    let dir = TempDir::new("unreadable-expiry");
    let cert = dir.path().join("odd.pem");
    std::fs::write(&cert, leaf_with_unreadable_expiry()).unwrap();
    let key = crate_file("certs/localhost.key");
    let root = common::small_site();
    let server = Server::start(&[
        "--cert",
        cert.to_str().unwrap(),
        "--key",
        key.to_str().unwrap(),
        root.path().to_str().unwrap(),
    ]);
    let warning = format!(
        "the certificate {}: its expiry date cannot be read",
        cert.display()
    );
    assert!(server.log().contains(&warning), "{}", server.log());
    if !common::have("curl") {
        return;
    }
    let out = common::curl(&["--http2", "-k", &server.https("/hello.txt")]);
    assert_eq!(
        text(&out.stdout),
        "hello, HTTP/2\n",
        "{}",
        text(&out.stderr)
    );
}
