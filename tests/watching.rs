//! Watching a connection from the command line — DESIGN.md "Watching": the `-v` and `-vv` log
//! lines for one curl request, and `--capture DIR` files that `h2lab-decode` reads.
//!
//! The log is compared line by line, exactly, with what varies from run to run replaced: the time
//! since the connection began (`+T`), the port, the `date` field, and the lengths of the HEADERS
//! frames that carry them (Huffman codes of different digits differ in length). The SETTINGS
//! acknowledgements are left out of the comparison and counted instead: when each arrives depends
//! on how the octets were split into reads. curl's own frames are those of curl 7.88.

mod common;

use std::fs::File;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

use common::{curl, have, small_site, text, Server, TempDir};

/// `hello.txt` of [`small_site`] with a fixed modification time, so that its `last-modified` and
/// `etag` are the same on every run.
fn site() -> TempDir {
    let root = small_site();
    let mtime = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    File::options()
        .write(true)
        .open(root.path().join("hello.txt"))
        .and_then(|file| file.set_modified(mtime))
        .unwrap();
    root
}

/// Runs one curl GET of `/hello.txt` over h2c against h2lab started with `flags`, and returns
/// the log lines of connection 1 that carry a time, made comparable (see the module
/// documentation).
fn one_request(flags: &[&str]) -> Vec<String> {
    let root = site();
    let mut args = flags.to_vec();
    args.push(root.path().to_str().unwrap());
    let server = Server::start(&args);
    let out = curl(&[
        "--http2-prior-knowledge",
        "-A",
        "h2lab-test",
        &server.http("/hello.txt"),
    ]);
    assert_eq!(
        text(&out.stdout),
        "hello, HTTP/2\n",
        "{}",
        text(&out.stderr)
    );
    assert!(
        server.wait_for_log("connection ends: ", Duration::from_secs(5)),
        "{}",
        server.log()
    );
    let log = server.log();
    let lines: Vec<String> = log
        .lines()
        .filter(|line| line.starts_with("[conn 1] +"))
        .map(|line| comparable(line, server.port()))
        .collect();
    for ack in [
        "[conn 1] +T send SETTINGS flags=ACK stream=0 length=0",
        "[conn 1] +T recv SETTINGS flags=ACK stream=0 length=0",
    ] {
        let count = lines.iter().filter(|line| *line == ack).count();
        assert_eq!(count, 1, "{ack}\n{log}");
    }
    lines
        .into_iter()
        .filter(|line| !line.contains("SETTINGS flags=ACK"))
        .collect()
}

/// One log line with what varies from run to run replaced.
fn comparable(line: &str, port: u16) -> String {
    let (head, rest) = line.split_once("] +").unwrap();
    let (_, rest) = rest.split_once("s ").unwrap();
    let mut line =
        format!("{head}] +T {rest}").replace(&format!("127.0.0.1:{port}"), "127.0.0.1:PORT");
    if let Some(at) = line.find("date = \"") {
        line = format!(
            "{}date = \"DATE\"{}",
            &line[..at],
            after_quoted(&line[at + 8..])
        );
    }
    if line.contains(" HEADERS ") {
        let words: Vec<String> = line
            .split(' ')
            .map(|word| match word.split_once('=') {
                Some((name @ ("length" | "fragment_length"), _)) => format!("{name}=L"),
                _ => word.to_string(),
            })
            .collect();
        line = words.join(" ");
    }
    line
}

/// What follows the closing quote of a quoted value that `text` starts inside of.
fn after_quoted(text: &str) -> &str {
    let end = text.find('"').unwrap();
    &text[end + 1..]
}

#[test]
fn verbose_shows_the_preface_every_frame_and_every_field_of_one_request() {
    if !have("curl") {
        return;
    }
    assert_eq!(
        one_request(&["-v"]),
        [
            "[conn 1] +T send SETTINGS flags=- stream=0 length=30 SETTINGS_HEADER_TABLE_SIZE=4096 \
             SETTINGS_MAX_CONCURRENT_STREAMS=128 SETTINGS_INITIAL_WINDOW_SIZE=65535 \
             SETTINGS_MAX_FRAME_SIZE=16384 SETTINGS_MAX_HEADER_LIST_SIZE=65536",
            "[conn 1] +T recv client preface (24 octets)",
            "[conn 1] +T recv SETTINGS flags=- stream=0 length=18 \
             SETTINGS_MAX_CONCURRENT_STREAMS=100 SETTINGS_INITIAL_WINDOW_SIZE=33554432 \
             SETTINGS_ENABLE_PUSH=0",
            "[conn 1] +T recv WINDOW_UPDATE flags=- stream=0 length=4 increment=33488897",
            "[conn 1] +T recv HEADERS flags=END_STREAM|END_HEADERS stream=1 length=L fragment_length=L",
            "[conn 1] +T recv   stream=1 :method = \"GET\"",
            "[conn 1] +T recv   stream=1 :path = \"/hello.txt\"",
            "[conn 1] +T recv   stream=1 :scheme = \"http\"",
            "[conn 1] +T recv   stream=1 :authority = \"127.0.0.1:PORT\"",
            "[conn 1] +T recv   stream=1 user-agent = \"h2lab-test\"",
            "[conn 1] +T recv   stream=1 accept = \"*/*\"",
            "[conn 1] +T send HEADERS flags=END_HEADERS stream=1 length=L fragment_length=L",
            "[conn 1] +T send   stream=1 :status = \"200\"",
            "[conn 1] +T send   stream=1 content-type = \"text/plain; charset=utf-8\"",
            "[conn 1] +T send   stream=1 last-modified = \"Tue, 14 Nov 2023 22:13:20 GMT\"",
            "[conn 1] +T send   stream=1 etag = \"\\\"e-17979cfe362a0000\\\"\"",
            "[conn 1] +T send   stream=1 accept-ranges = \"bytes\"",
            "[conn 1] +T send   stream=1 content-length = \"14\"",
            "[conn 1] +T send   stream=1 date = \"DATE\"",
            "[conn 1] +T send   stream=1 server = \"h2lab/0.1.0\"",
            "[conn 1] +T send DATA flags=END_STREAM stream=1 length=14 data_length=14",
            "[conn 1] +T connection ends: closed by the peer",
        ]
    );
}

#[test]
fn very_verbose_adds_representations_table_changes_states_and_windows() {
    if !have("curl") {
        return;
    }
    assert_eq!(
        one_request(&["-vv"]),
        [
            "[conn 1] +T send SETTINGS flags=- stream=0 length=30 SETTINGS_HEADER_TABLE_SIZE=4096 \
             SETTINGS_MAX_CONCURRENT_STREAMS=128 SETTINGS_INITIAL_WINDOW_SIZE=65535 \
             SETTINGS_MAX_FRAME_SIZE=16384 SETTINGS_MAX_HEADER_LIST_SIZE=65536",
            "[conn 1] +T recv client preface (24 octets)",
            "[conn 1] +T recv SETTINGS flags=- stream=0 length=18 \
             SETTINGS_MAX_CONCURRENT_STREAMS=100 SETTINGS_INITIAL_WINDOW_SIZE=33554432 \
             SETTINGS_ENABLE_PUSH=0",
            "[conn 1] +T recv WINDOW_UPDATE flags=- stream=0 length=4 increment=33488897",
            "[conn 1] +T connection send window 33,554,432 (+33,488,897)",
            "[conn 1] +T recv HEADERS flags=END_STREAM|END_HEADERS stream=1 length=L fragment_length=L",
            "[conn 1] +T recv   stream=1 :method = \"GET\"    [indexed: index 2 (static)]",
            "[conn 1] +T recv   stream=1 :path = \"/hello.txt\"    [literal without indexing; name \
             index 4 (static); value Huffman]",
            "[conn 1] +T recv   stream=1 :scheme = \"http\"    [indexed: index 6 (static)]",
            "[conn 1] +T recv   stream=1 :authority = \"127.0.0.1:PORT\"    [literal with \
             incremental indexing; name index 1 (static); value Huffman]",
            "[conn 1] +T recv   stream=1   + dynamic table [62]: :authority = \"127.0.0.1:PORT\" \
             (table now 57 octets)",
            "[conn 1] +T recv   stream=1 user-agent = \"h2lab-test\"    [literal with incremental \
             indexing; name index 58 (static); value Huffman]",
            "[conn 1] +T recv   stream=1   + dynamic table [62]: user-agent = \"h2lab-test\" (table \
             now 109 octets)",
            "[conn 1] +T recv   stream=1 accept = \"*/*\"    [literal with incremental indexing; \
             name index 19 (static); value plain]",
            "[conn 1] +T recv   stream=1   + dynamic table [62]: accept = \"*/*\" (table now 150 \
             octets)",
            "[conn 1] +T stream 1: idle → open",
            "[conn 1] +T stream 1: open → half-closed (remote)",
            "[conn 1] +T send HEADERS flags=END_HEADERS stream=1 length=L fragment_length=L",
            "[conn 1] +T send   stream=1 :status = \"200\"    [indexed: index 8 (static)]",
            "[conn 1] +T send   stream=1 content-type = \"text/plain; charset=utf-8\"    [literal \
             with incremental indexing; name index 31 (static); value Huffman]",
            "[conn 1] +T send   stream=1   + dynamic table [62]: content-type = \"text/plain; \
             charset=utf-8\" (table now 69 octets)",
            "[conn 1] +T send   stream=1 last-modified = \"Tue, 14 Nov 2023 22:13:20 GMT\"    \
             [literal without indexing; name index 44 (static); value Huffman]",
            "[conn 1] +T send   stream=1 etag = \"\\\"e-17979cfe362a0000\\\"\"    [literal without \
             indexing; name index 34 (static); value Huffman]",
            "[conn 1] +T send   stream=1 accept-ranges = \"bytes\"    [literal with incremental \
             indexing; name index 18 (static); value Huffman]",
            "[conn 1] +T send   stream=1   + dynamic table [62]: accept-ranges = \"bytes\" (table \
             now 119 octets)",
            "[conn 1] +T send   stream=1 content-length = \"14\"    [literal without indexing; \
             name index 28 (static); value Huffman]",
            "[conn 1] +T send   stream=1 date = \"DATE\"    [literal with incremental indexing; \
             name index 33 (static); value Huffman]",
            "[conn 1] +T send   stream=1   + dynamic table [62]: date = \"DATE\" (table now 184 \
             octets)",
            "[conn 1] +T send   stream=1 server = \"h2lab/0.1.0\"    [literal with incremental \
             indexing; name index 54 (static); value Huffman]",
            "[conn 1] +T send   stream=1   + dynamic table [62]: server = \"h2lab/0.1.0\" (table \
             now 233 octets)",
            "[conn 1] +T send DATA flags=END_STREAM stream=1 length=14 data_length=14",
            "[conn 1] +T stream 1 send window 33,554,418 (-14)",
            "[conn 1] +T connection send window 33,554,418 (-14)",
            "[conn 1] +T stream 1: half-closed (remote) → closed",
            "[conn 1] +T connection ends: closed by the peer",
        ]
    );
}

/// Decodes a capture file with `h2lab-decode`: exit status and output.
fn decode(path: &Path) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_h2lab-decode"))
        .arg(path)
        .output()
        .unwrap();
    (out.status.code(), text(&out.stdout) + &text(&out.stderr))
}

/// Waits up to 5 s for `path` to hold `needle` (files are written when the connection ends).
fn wait_for_file(path: &Path, needle: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let content = std::fs::read_to_string(path).unwrap_or_default();
        if content.contains(needle) || Instant::now() >= deadline {
            return content;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_tls_connection_is_captured_as_hex_that_h2lab_decode_reads() {
    if !have("curl") {
        return;
    }
    let root = site();
    let captures = TempDir::new("captures");
    let dir = captures.path().join("new");
    let server = Server::start(&[
        "--capture",
        dir.to_str().unwrap(),
        root.path().to_str().unwrap(),
    ]);
    let out = curl(&["-k", "--http2", &server.https("/hello.txt")]);
    assert_eq!(
        text(&out.stdout),
        "hello, HTTP/2\n",
        "{}",
        text(&out.stderr)
    );

    let c2s = dir.join("conn-1.c2s.hex");
    let s2c = dir.join("conn-1.s2c.hex");
    let sent = wait_for_file(&s2c, "# t=");
    let received = wait_for_file(&c2s, "# t=");
    assert!(
        received.starts_with(
            "# h2lab capture: connection 1, client→server\n# t=0.\
             "
        ),
        "{received}"
    );
    assert!(sent.starts_with("# h2lab capture: connection 1, server→client\n# t="));
    for line in received.lines().chain(sent.lines()) {
        match line.strip_prefix("# t=") {
            Some(time) => assert_eq!(time.split_once('.').unwrap().1.len(), 6, "{line}"),
            None if line.starts_with("# h2lab capture") => {}
            None => assert!(
                line.len() <= 64
                    && line
                        .bytes()
                        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
                "{line}"
            ),
        }
    }

    let (status, decoded) = decode(&c2s);
    assert_eq!(status, Some(0), "{decoded}");
    assert!(
        decoded.starts_with("@0 client preface (24 octets)\n"),
        "{decoded}"
    );
    assert!(
        decoded.contains("HEADERS flags=END_STREAM|END_HEADERS stream=1 length="),
        "{decoded}"
    );
    assert!(
        decoded.contains(":path = \"/hello.txt\"    [literal without indexing; name index 4 (static); value Huffman]"),
        "{decoded}"
    );
    let (status, decoded) = decode(&s2c);
    assert_eq!(status, Some(0), "{decoded}");
    assert!(
        decoded.contains(":status = \"200\"    [indexed: index 8 (static)]"),
        "{decoded}"
    );
    assert!(
        decoded.contains("DATA flags=END_STREAM stream=1 length=14\n    data_length = 14\n"),
        "{decoded}"
    );
}

#[test]
fn a_capture_folder_that_cannot_be_written_is_refused_at_start() {
    let dir = TempDir::new("not-a-folder");
    let file = dir.path().join("file");
    std::fs::write(&file, "a file, not a folder").unwrap();
    let target = file.join("captures");
    let out = Command::new(env!("CARGO_BIN_EXE_h2lab"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--capture",
            target.to_str().unwrap(),
        ])
        .arg(dir.path())
        .env_remove("RUST_LOG")
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with(&format!("h2lab: --capture {}: ", target.display())),
        "{stderr}"
    );
}
