//! One thread, one loop, still responsive (DESIGN.md): while a 64 MiB response is being written on
//! a connection, a PING on it is answered (RFC 9113 §6.7), a small request on it completes first
//! (streams interleave, §5), and RST_STREAM stops a stream (§6.4). Driven by `tests/responsive.py`
//! (Python `h2`).

mod common;

use common::{crate_file, python_h2_available, run, text, Server, TempDir};
use sha2::{Digest, Sha256};

const BIG: usize = 64 * 1024 * 1024;

/// A ROOT with a 64 MiB file of pseudo-random octets and a small one; the big file's SHA-256.
fn site_with_a_big_file() -> (TempDir, String) {
    let root = TempDir::new("responsive");
    let mut big = vec![0u8; BIG];
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    for chunk in big.chunks_mut(8) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        chunk.copy_from_slice(&state.to_le_bytes()[..chunk.len()]);
    }
    std::fs::write(root.path().join("big.bin"), &big).unwrap();
    std::fs::write(root.path().join("small.txt"), "small and quick\n").unwrap();
    let sha = format!("{:x}", Sha256::digest(&big));
    (root, sha)
}

fn large_download_stays_responsive(mode: &str) {
    if !python_h2_available() {
        return;
    }
    let (root, sha) = site_with_a_big_file();
    let server = Server::start(&[root.path().to_str().unwrap()]);
    let script = crate_file("tests/responsive.py");
    let ca = crate_file("certs/ca.pem");
    let port = server.port().to_string();
    let out = run(
        "python3",
        &[
            script.to_str().unwrap(),
            mode,
            &port,
            ca.to_str().unwrap(),
            "/big.bin",
            "/small.txt",
        ],
    );
    assert!(
        out.status.success(),
        "{}\nserver log:\n{}",
        text(&out.stderr),
        server.log()
    );
    let seen: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(seen["big_status"], "200");
    assert_eq!(seen["big_octets"], BIG);
    assert_eq!(seen["big_sha256"], sha.as_str());
    assert_eq!(seen["small_status"], "200");
    assert_eq!(seen["small_body"], "small and quick\n");
    let ping_ack_at = seen["ping_ack_at"]
        .as_u64()
        .expect("the PING was acknowledged");
    let small_end_at = seen["small_end_at"]
        .as_u64()
        .expect("the small response ended");
    assert!(
        ping_ack_at < BIG as u64 / 2,
        "PING ACK only after the download: {seen}"
    );
    assert!(
        small_end_at < BIG as u64 / 2,
        "small response only after the download: {seen}"
    );
    // After RST_STREAM, what was already on its way may arrive, but the 64 MiB must stop.
    let after_reset = seen["after_reset"].as_u64().unwrap();
    assert!(
        after_reset < 24 * 1024 * 1024,
        "the reset stream went on: {seen}"
    );
    assert_eq!(seen["small2_status"], "200");
}

#[test]
fn over_tls_a_ping_and_a_small_request_are_answered_during_a_64_mib_download() {
    large_download_stays_responsive("tls");
}

#[test]
fn over_h2c_a_ping_and_a_small_request_are_answered_during_a_64_mib_download() {
    large_download_stays_responsive("h2c");
}
