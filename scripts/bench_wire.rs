//! Wire-layer benchmark: a frame that arrives in small pieces, requests through one connection
//! with and without the inspector's recording, HPACK decode and encode throughput over every
//! hpack-test-case story, and frames parsed per second. Run with `cargo bench --bench wire` (or `scripts/bench.sh`).
//!
//! A benchmark, not a test: it prints figures and asserts nothing about time, because the machines
//! it runs on are shared and noisy. Each figure is the best of several rounds.

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use std::sync::Arc;

use h2lab::app::App;
use h2lab::connection::{Connection, LocalSettings};
use h2lab::frame::{split_frame, Frame, MAX_MAX_FRAME_SIZE, PREFACE};
use h2lab::hpack::{Decoder, Encoder, Field};
use h2lab::trace::record::{Limits, Store};

const ROUNDS: usize = 5;

/// One story: its cases' wire blocks (with the table size to set first) and header lists.
struct Story {
    blocks: Vec<(Option<usize>, Vec<u8>)>,
    lists: Vec<Vec<Field>>,
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len() / 2)
        .filter_map(|i| u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok())
        .collect()
}

fn load(folder: &Path) -> Vec<Story> {
    let mut paths: Vec<_> = std::fs::read_dir(folder)
        .map(|dir| dir.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    paths.sort();
    paths
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .filter_map(|p| std::fs::read(p).ok())
        .filter_map(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
        .map(|story| {
            let cases = story["cases"].as_array().cloned().unwrap_or_default();
            Story {
                blocks: cases
                    .iter()
                    .map(|c| {
                        let size = c["header_table_size"].as_u64().map(|n| n as usize);
                        (size, hex(c["wire"].as_str().unwrap_or("")))
                    })
                    .collect(),
                lists: cases
                    .iter()
                    .map(|c| {
                        c["headers"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .filter_map(|h| h.as_object())
                            .flat_map(|h| h.iter())
                            .map(|(n, v)| Field::new(n.as_str(), v.as_str().unwrap_or("")))
                            .collect()
                    })
                    .collect(),
            }
        })
        .collect()
}

/// The best time of `ROUNDS` runs of `work`.
fn best(mut work: impl FnMut()) -> Duration {
    (0..ROUNDS)
        .map(|_| {
            let start = Instant::now();
            work();
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn mb_per_s(octets: usize, time: Duration) -> f64 {
    octets as f64 / 1e6 / time.as_secs_f64()
}

/// The connection's input buffering: one frame of the largest size (16 MiB, of an unknown type, so
/// that only buffering is measured) arriving in 4 KiB pieces, as a slow peer would send it. Its
/// cost must grow linearly with the frame's size, not with the square of the number of pieces.
fn trickled_frame() {
    const PIECE: usize = 4 * 1024;
    let length = MAX_MAX_FRAME_SIZE as usize;
    let mut octets = PREFACE.to_vec();
    octets.extend_from_slice(&[0, 0, 0, 0x4, 0, 0, 0, 0, 0]);
    octets.extend_from_slice(&(MAX_MAX_FRAME_SIZE.to_be_bytes()[1..]));
    octets.extend_from_slice(&[0xfa, 0, 0, 0, 0, 0]);
    octets.resize(octets.len() + length, 0);
    let settings = LocalSettings {
        max_frame_size: MAX_MAX_FRAME_SIZE,
        ..LocalSettings::default()
    };
    let Ok(app) = App::new(std::env::temp_dir()) else {
        eprintln!("SKIPPED: trickled frame: no temporary folder to serve");
        return;
    };
    let handler = Arc::new(app);
    let time = best(|| {
        let mut conn = Connection::new(1, settings, handler.clone());
        for piece in octets.chunks(PIECE) {
            black_box(conn.receive(piece).ok());
        }
    });
    println!(
        "trickled frame: {length} octets in {} pieces of {PIECE} in {:.1} ms = {:.1} MB/s",
        octets.len().div_ceil(PIECE),
        time.as_secs_f64() * 1e3,
        mb_per_s(octets.len(), time)
    );
}

/// Requests as `h2load -c 1 -m 32` sends them for a 13-octet file, through one connection and its
/// handler (the static files), without sockets or TLS: rounds of 32 HEADERS and a WINDOW_UPDATE
/// that gives back what the responses took, each round one turn in and one turn out. Run without
/// an observer and with the inspector's recorder attached, as the server attaches it by default:
/// the difference is what recording costs per request.
fn requests_through_a_connection() {
    const ROUNDS_OF_32: usize = 2_000;
    let root = std::env::temp_dir().join(format!("h2lab-bench-{}", std::process::id()));
    let served = std::fs::create_dir_all(&root)
        .and_then(|()| std::fs::write(root.join("hello.txt"), b"Hello, world\n"));
    let Ok(app) = served.and_then(|()| App::new(root.clone())) else {
        eprintln!("SKIPPED: requests through a connection: no temporary folder to serve");
        return;
    };
    let handler: Arc<App> = Arc::new(app);
    let mut client = Encoder::new();
    let mut input = PREFACE.to_vec();
    input.extend_from_slice(&hex(&"000000 04 00 00000000".replace(" ", "")));
    let mut rounds = Vec::new();
    let mut stream_id = 1u32;
    for _ in 0..ROUNDS_OF_32 {
        let mut round = Vec::new();
        for _ in 0..32 {
            let fields = [
                Field::new(":method", "GET"),
                Field::new(":path", "/hello.txt"),
                Field::new(":scheme", "https"),
                Field::new(":authority", "127.0.0.1:8443"),
                Field::new("accept-encoding", "gzip, deflate"),
                Field::new("user-agent", "h2load nghttp2/1.52.0"),
            ];
            let mut block = Vec::new();
            client.encode(&fields, &mut block);
            let length = u32::try_from(block.len()).unwrap_or(0).to_be_bytes();
            round.extend_from_slice(&length[1..]);
            round.extend_from_slice(&[0x1, 0x5]);
            round.extend_from_slice(&stream_id.to_be_bytes());
            round.extend_from_slice(&block);
            stream_id += 2;
        }
        // WINDOW_UPDATE on the connection: 32 bodies of 13 octets.
        round.extend_from_slice(&hex(&"000004 08 00 00000000 000001a0".replace(" ", "")));
        rounds.push(round);
    }
    let store = Store::new(Limits::default());
    let run = |recording: bool| {
        best(|| {
            let mut conn = Connection::new(1, LocalSettings::default(), handler.clone());
            if recording {
                conn.observe(Box::new(store.recorder(1, None)));
            }
            let mut out = Vec::new();
            black_box(conn.receive(&input).ok());
            for round in &rounds {
                black_box(conn.receive(round).ok());
                while conn.wants_write() {
                    conn.poll_output(&mut out, 64 * 1024);
                    out.clear();
                }
            }
        })
    };
    let requests = (ROUNDS_OF_32 * 32) as f64;
    // For a profile of one side alone: H2LAB_BENCH_ONLY=bare or =recording.
    if let Ok(only) = std::env::var("H2LAB_BENCH_ONLY") {
        run(only == "recording");
        return;
    }
    let bare = run(false).as_secs_f64() * 1e9 / requests;
    let recorded = run(true).as_secs_f64() * 1e9 / requests;
    println!(
        "requests through a connection: {requests} in rounds of 32, {bare:.0} ns per request \
         without observers, {recorded:.0} with the inspector's recording (+{:.0} ns, +{:.1}%)",
        recorded - bare,
        (recorded / bare - 1.0) * 100.0
    );
    let _ = std::fs::remove_dir_all(&root);
}

fn main() {
    // `cargo bench --bench wire -- connection` runs the connection's part alone, for a profile.
    if std::env::args().any(|arg| arg == "connection") {
        requests_through_a_connection();
        return;
    }
    trickled_frame();
    requests_through_a_connection();
    let reference =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/reference/hpack-test-case");
    if !reference.is_dir() {
        eprintln!("SKIPPED: {} not found", reference.display());
        return;
    }
    let folders = [
        "nghttp2",
        "nghttp2-16384-4096",
        "nghttp2-change-table-size",
        "go-hpack",
        "python-hpack",
        "haskell-http2-linear-huffman",
    ];
    let stories: Vec<Story> = folders
        .iter()
        .flat_map(|f| load(&reference.join(f)))
        .collect();
    let wire_octets: usize = stories
        .iter()
        .flat_map(|s| &s.blocks)
        .map(|(_, b)| b.len())
        .sum();
    let blocks = stories.iter().map(|s| s.blocks.len()).sum::<usize>();

    let decode_time = best(|| {
        for story in &stories {
            let mut decoder = Decoder::new();
            for (size, block) in &story.blocks {
                if let Some(size) = size {
                    decoder.set_max_table_size(*size);
                }
                black_box(decoder.decode(block).ok());
            }
        }
    });
    println!(
        "hpack decode: {blocks} blocks, {wire_octets} octets in {:.1} ms = {:.1} MB/s",
        decode_time.as_secs_f64() * 1e3,
        mb_per_s(wire_octets, decode_time)
    );

    let raw = load(&reference.join("raw-data"));
    let mut encoded_octets = 0;
    let encode_time = best(|| {
        encoded_octets = 0;
        let mut out = Vec::new();
        for story in &raw {
            let mut encoder = Encoder::new();
            for list in &story.lists {
                out.clear();
                encoder.encode(list, &mut out);
                encoded_octets += out.len();
            }
        }
    });
    println!(
        "hpack encode: {} lists into {encoded_octets} octets in {:.1} ms = {:.1} MB/s of header-block output",
        raw.iter().map(|s| s.lists.len()).sum::<usize>(),
        encode_time.as_secs_f64() * 1e3,
        mb_per_s(encoded_octets, encode_time)
    );

    // A stream of every frame type, as a client and a server exchange them, repeated.
    let one_of_each = hex(&concat!(
        "000006 04 00 00000000 0003 00000064",
        "000004 08 00 00000000 00ff0000",
        "000007 01 21 00000001 00000000 10 8286",
        "000002 09 04 00000001 8487",
        "000005 02 00 00000003 00000000 10",
        "000010 00 01 00000001 00112233445566778899aabbccddeeff",
        "000008 06 00 00000000 0001020304050607",
        "000004 03 00 00000005 00000008",
        "000008 07 00 00000000 00000005 00000000",
        "000000 04 01 00000000",
    )
    .replace(' ', ""));
    let stream: Vec<u8> = one_of_each.repeat(10_000);
    let mut frames = 0usize;
    let parse_time = best(|| {
        frames = 0;
        let mut rest = &stream[..];
        while let Ok(Some((header, payload, used))) = split_frame(rest, MAX_MAX_FRAME_SIZE) {
            black_box(Frame::decode(&header, payload).ok());
            frames += 1;
            rest = &rest[used..];
        }
    });
    println!(
        "frames: {frames} parsed in {:.1} ms = {:.2} million frames/s ({:.1} MB/s)",
        parse_time.as_secs_f64() * 1e3,
        frames as f64 / 1e6 / parse_time.as_secs_f64(),
        mb_per_s(stream.len(), parse_time)
    );
}
