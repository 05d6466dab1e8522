//! Limits of RFC 9113 §10.5 on the wire: a client that sends only cost is cut off with GOAWAY
//! ENHANCE_YOUR_CALM, while another client, connected throughout, is served normally.
//!
//! Each test runs over TLS and over cleartext h2c (see `conformance_support`); the exact counts
//! are those of `src/connection/limits.rs`.

mod conformance_support;

use conformance_support::*;

/// Opens a bystander connection, lets `attack` run on a second one (which must end with GOAWAY
/// ENHANCE_YOUR_CALM naming one of `last`), then requires the bystander to be served.
fn attack_then_bystander_served(t: &Target, last: &[u32], attack: impl Fn(&mut Client)) {
    let mut bystander = t.handshake();
    expect_still_serving(&mut bystander);
    let mut attacker = t.handshake();
    attack(&mut attacker);
    expect_connection_error(&mut attacker, ErrorCode::ENHANCE_YOUR_CALM, last);
    expect_still_serving(&mut bystander);
}

/// CVE-2019-9512: a PING flood.
#[test]
fn a_ping_flood_ends_with_enhance_your_calm() {
    each_transport(|t| {
        attack_then_bystander_served(t, &[0], |c| {
            let ping = raw_frame(0x6, 0, 0, b"h2lab-01");
            must(c, |c| c.send_raw(&ping.repeat(1001)), "the PINGs");
        });
    });
}

/// CVE-2019-9518: empty DATA frames without END_STREAM on an open stream.
#[test]
fn empty_data_frames_end_with_enhance_your_calm() {
    each_transport(|t| {
        attack_then_bystander_served(t, &[1], |c| {
            let fields = request_with(c, "POST", ECHO_PATH, &[]);
            let stream = send_request(c, &fields);
            let empty = raw_frame(0x0, 0, stream, b"");
            must(
                c,
                |c| c.send_raw(&empty.repeat(1001)),
                "the empty DATA frames",
            );
        });
    });
}

/// CVE-2023-44487 (Rapid Reset): streams opened and reset at once (uploads whose body never
/// comes, so that no response can complete in between and be counted in the client's favour).
#[test]
fn rapid_reset_ends_with_enhance_your_calm() {
    each_transport(|t| {
        attack_then_bystander_served(t, &[401], |c| {
            let mut octets = Vec::new();
            for stream in (1..=401).step_by(2) {
                let fields = c.request_fields("POST", ECHO_PATH);
                let block = c.encode_block(&fields);
                octets.extend(raw_frame(0x1, 0x4, stream, &block));
                octets.extend(raw_frame(0x3, 0, stream, &0x8u32.to_be_bytes()));
            }
            must(c, |c| c.send_raw(&octets), "the requests and resets");
        });
    });
}

/// CVE-2025-8671 (MadeYouReset): WINDOW_UPDATE of 0 on each new stream makes the server reset it.
#[test]
fn resets_the_client_provokes_end_with_enhance_your_calm() {
    each_transport(|t| {
        attack_then_bystander_served(t, &[401], |c| {
            let mut octets = Vec::new();
            for stream in (1..=401).step_by(2) {
                let fields = c.request_fields("POST", ECHO_PATH);
                let block = c.encode_block(&fields);
                octets.extend(raw_frame(0x1, 0x4, stream, &block));
                octets.extend(raw_frame(0x8, 0, stream, &0u32.to_be_bytes()));
            }
            must(
                c,
                |c| c.send_raw(&octets),
                "the requests and zero increments",
            );
        });
    });
}
