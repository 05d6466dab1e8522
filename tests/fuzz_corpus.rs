//! The fuzz corpus, replayed: every input of `scripts/fuzz/corpus/<target>/` through its target of
//! `scripts/fuzz/targets.rs`, so that each `cargo test` checks what fuzzing once covered without a
//! special build. Then one test per fuzzing finding: the minimised input's exact bytes and the
//! server's exact reaction.

#[path = "../scripts/fuzz/targets.rs"]
mod targets;

use std::path::Path;
use std::sync::Arc;

use h2lab::connection::{Connection, LocalSettings};
use h2lab::error::ErrorCode;
use h2lab::frame::{split_frame, Frame, GoAway, PREFACE};

#[test]
fn every_corpus_input_passes_its_target() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/fuzz/corpus");
    for &(name, _) in targets::TARGETS {
        let folder = root.join(name);
        let mut inputs: Vec<_> = std::fs::read_dir(&folder)
            .unwrap_or_else(|error| panic!("{}: {error}", folder.display()))
            .map(|entry| entry.expect("a corpus entry").path())
            .collect();
        inputs.sort();
        assert!(!inputs.is_empty(), "{} is empty", folder.display());
        for input in &inputs {
            let data = std::fs::read(input).expect("a corpus file");
            let outcome = std::panic::catch_unwind(|| targets::run(name, &data));
            assert!(outcome.is_ok(), "{name} fails on {}", input.display());
        }
    }
}

// ---- findings -----------------------------------------------------------------------------------

/// The frames a connection writes after receiving the preface, an empty SETTINGS and `frames`.
fn answer_to(frames: &[u8]) -> Vec<Frame> {
    let mut connection = Connection::new(0x1, LocalSettings::default(), Arc::new(targets::Fixture));
    let mut input = PREFACE.to_vec();
    input.extend_from_slice(&[0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00]);
    input.extend_from_slice(frames);
    let _ = connection.receive(&input);
    let mut out = Vec::new();
    connection.poll_output(&mut out, 0x1_0000);
    let mut frames = Vec::new();
    let mut rest = out.as_slice();
    while let Ok(Some((header, payload, used))) = split_frame(rest, 0x4000) {
        frames.push(Frame::decode(&header, payload).expect("a well-formed frame"));
        rest = &rest[used..];
    }
    assert!(rest.is_empty(), "output ends inside a frame");
    frames
}

/// Everything after our SETTINGS, the client's SETTINGS ACK: the frames that answer `frames`.
fn reaction(frames: &[u8]) -> Vec<Frame> {
    let all = answer_to(frames);
    let ack = all
        .iter()
        .position(|f| matches!(f, Frame::Settings(s) if s.ack))
        .expect("SETTINGS ACK");
    all[ack + 1..].to_vec()
}

fn goaway_code(frames: &[Frame]) -> Option<ErrorCode> {
    match frames {
        [Frame::GoAway(GoAway { error_code, .. })] => Some(*error_code),
        _ => None,
    }
}

/// Found by `connection`: a PRIORITY frame of 0 octets on idle stream 0x02000009, twice. §6.3
/// makes it a stream error, but §6.4 forbids RST_STREAM on an idle stream: the server sent one
/// (two). Now a connection error FRAME_SIZE_ERROR.
#[test]
fn short_priority_on_an_idle_stream_is_connection_frame_size_error() {
    let priority = [0x00, 0x00, 0x00, 0x02, 0x01, 0x02, 0x00, 0x00, 0x09];
    let frames = [priority, priority].concat();
    let answer = reaction(&frames);
    assert_eq!(
        goaway_code(&answer),
        Some(ErrorCode::FRAME_SIZE_ERROR),
        "{answer:?}"
    );
}

/// Found by `connection_structured`: PRIORITY making idle stream 1 depend on itself, then a
/// request on stream 1. The server answered RST_STREAM PROTOCOL_ERROR on the idle stream (§6.4),
/// then opened the stream it had reset and sent a response on it (§5.1, closed: "An endpoint MUST
/// NOT send frames other than PRIORITY on a closed stream"). Now a connection error
/// PROTOCOL_ERROR (§5.3.1 names the code), and the request is not answered.
#[test]
fn self_dependent_priority_on_an_idle_stream_is_connection_protocol_error() {
    let mut frames = vec![
        0x00, 0x00, 0x05, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00,
    ];
    // HEADERS (END_STREAM | END_HEADERS) on stream 1: GET https://localhost/.
    frames.extend_from_slice(&[0x00, 0x00, 0x0e, 0x01, 0x05, 0x00, 0x00, 0x00, 0x01]);
    frames.extend_from_slice(&[0x82, 0x87, 0x84, 0x41, 0x09]);
    frames.extend_from_slice(b"localhost");
    let answer = reaction(&frames);
    assert_eq!(
        goaway_code(&answer),
        Some(ErrorCode::PROTOCOL_ERROR),
        "{answer:?}"
    );
    assert!(answer.iter().all(|f| !matches!(f, Frame::Headers(_))));
}
