//! `h2lab-decode` run as a process, on byte streams recorded from real clients.
//!
//! `tests/data/nghttp-h2c-client.hex` is what `nghttp -n -H 'authorization: Bearer abc'` (nghttp2
//! 1.52) sent to `nghttpd --no-tls` for three GETs on one connection; `curl-h2c-post-client.hex`
//! is what `curl --http2-prior-knowledge -d @file -H 'cookie: a=1'` (curl 7.88.1) sent for one
//! POST. Both were captured by a relay between client and server and written with `xxd -p`.
//! `curl-h2c-post-client.xxd` is the same octets as plain `xxd` prints them (`xxd -r -p | xxd`).
//! `nghttp-hexdump-h2lab-server.txt` is what `nghttp -n -w 4 --hexdump` (nghttp2 1.52) printed for
//! `GET /small.txt` from `h2lab`: the server's side, one dump per read (the 15-octet window makes
//! three reads).

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn decode(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_h2lab-decode"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("h2lab-decode starts");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(stdin)
        .expect("stdin takes the input");
    child.wait_with_output().expect("h2lab-decode ends")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("output is UTF-8")
}

fn data(name: &str) -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(name))
        .expect("test data is there")
}

#[test]
fn nghttp_recording_shows_priority_frames_and_the_dynamic_table_at_work() {
    let output = decode(&["tests/data/nghttp-h2c-client.hex"], b"");
    assert!(output.status.success(), "{output:?}");
    let text = stdout(&output);
    assert!(text
        .starts_with("@0 client preface (24 octets)\n@24 SETTINGS flags=- stream=0 length=12\n"));
    // nghttp's idle-stream PRIORITY frames, then its first request on stream 13.
    for stream in [3, 5, 7, 9, 11] {
        assert!(text.contains(&format!("PRIORITY flags=- stream={stream} length=5")));
    }
    assert!(text.contains("@115 HEADERS flags=END_STREAM|END_HEADERS|PRIORITY stream=13 length=49"));
    assert!(text.contains(
        ":authority = \"127.0.0.1:18082\"    [literal with incremental indexing; name index 1 (static); value Huffman]"
    ));
    // The second request names the same authority by its dynamic index.
    assert!(text.contains(":authority = \"127.0.0.1:18082\"    [indexed: index 64 (dynamic)]"));
    assert_eq!(
        text.matches("authorization = \"Bearer abc\"    [literal never indexed; name index 23 (static); value Huffman]")
            .count(),
        3
    );
    assert!(text.ends_with(
        "@242 GOAWAY flags=- stream=0 length=8\n    last_stream = 0\n    error_code = NO_ERROR\n    debug_data = \"\"\n"
    ));
}

#[test]
fn curl_recording_as_json_gives_one_object_per_frame() {
    let output = decode(&["--json", "tests/data/curl-h2c-post-client.hex"], b"");
    assert!(output.status.success(), "{output:?}");
    let lines: Vec<serde_json::Value> = stdout(&output)
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is JSON"))
        .collect();
    let types: Vec<&str> = lines
        .iter()
        .map(|l| l["type"].as_str().unwrap_or("preface"))
        .collect();
    assert_eq!(
        types,
        [
            "preface",
            "SETTINGS",
            "WINDOW_UPDATE",
            "HEADERS",
            "DATA",
            "SETTINGS"
        ]
    );
    assert_eq!(lines[2]["payload"]["increment"], 33_488_897);
    assert_eq!(
        lines[3]["headers"][0],
        serde_json::json!([":method", "POST"])
    );
    assert_eq!(lines[3]["headers"][6], serde_json::json!(["cookie", "a=1"]));
    assert_eq!(lines[4]["flags"], serde_json::json!(["END_STREAM"]));
    assert_eq!(lines[4]["payload"]["data_length"], 16);
    assert_eq!(lines[5]["flags"], serde_json::json!(["ACK"]));
}

#[test]
fn the_same_stream_decodes_from_raw_octets() {
    let hex = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/curl-h2c-post-client.hex"),
    )
    .expect("recording is there");
    let raw: Vec<u8> = hex
        .split_whitespace()
        .collect::<String>()
        .as_bytes()
        .chunks(2)
        .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).unwrap(), 16).unwrap())
        .collect();
    let from_raw = decode(&["--raw"], &raw);
    let from_hex = decode(&[], hex.as_bytes());
    assert!(from_raw.status.success());
    assert_eq!(stdout(&from_raw), stdout(&from_hex));
}

#[test]
fn xxd_output_decodes_as_its_plain_hex_does() {
    let from_xxd = decode(&["tests/data/curl-h2c-post-client.xxd"], b"");
    let from_plain = decode(&["tests/data/curl-h2c-post-client.hex"], b"");
    assert!(from_xxd.status.success(), "{from_xxd:?}");
    assert_eq!(stdout(&from_xxd), stdout(&from_plain));
}

/// What `h2lab-decode` prints for `tests/data/nghttp-hexdump-h2lab-server.txt`.
const NGHTTP_DUMP_DECODED: &str = "\
@0 SETTINGS flags=- stream=0 length=30
    SETTINGS_HEADER_TABLE_SIZE = 4096
    SETTINGS_MAX_CONCURRENT_STREAMS = 128
    SETTINGS_INITIAL_WINDOW_SIZE = 65535
    SETTINGS_MAX_FRAME_SIZE = 16384
    SETTINGS_MAX_HEADER_LIST_SIZE = 65536
@39 SETTINGS flags=ACK stream=0 length=0
@48 HEADERS flags=END_HEADERS stream=13 length=110
    fragment_length = 110
    header block:
      :status = \"200\"    [indexed: index 8 (static)]
      content-type = \"text/plain; charset=utf-8\"    [literal with incremental indexing; name index 31 (static); value Huffman]
        + dynamic table [62]: content-type = \"text/plain; charset=utf-8\" (table now 69 octets)
      last-modified = \"Tue, 01 Dec 2026 02:00:32 GMT\"    [literal without indexing; name index 44 (static); value Huffman]
      etag = \"\\\"27-18ecfebb5f4c9ff3\\\"\"    [literal without indexing; name index 34 (static); value Huffman]
      accept-ranges = \"bytes\"    [literal with incremental indexing; name index 18 (static); value Huffman]
        + dynamic table [62]: accept-ranges = \"bytes\" (table now 119 octets)
      content-length = \"39\"    [literal without indexing; name index 28 (static); value Huffman]
      date = \"Tue, 01 Dec 2026 02:00:32 GMT\"    [literal with incremental indexing; name index 33 (static); value Huffman]
        + dynamic table [62]: date = \"Tue, 01 Dec 2026 02:00:32 GMT\" (table now 184 octets)
      server = \"h2lab/0.1.0\"    [literal with incremental indexing; name index 54 (static); value Huffman]
        + dynamic table [62]: server = \"h2lab/0.1.0\" (table now 233 octets)
@167 DATA flags=- stream=13 length=15
    data_length = 15
@191 DATA flags=- stream=13 length=15
    data_length = 15
@215 DATA flags=END_STREAM stream=13 length=9
    data_length = 9
";

#[test]
fn nghttp_hexdump_output_is_read_as_it_is_one_dump_per_read() {
    let output = decode(&["tests/data/nghttp-hexdump-h2lab-server.txt"], b"");
    assert!(output.status.success(), "{output:?}");
    assert_eq!(stdout(&output), NGHTTP_DUMP_DECODED);
}

#[test]
fn a_hexdump_without_its_text_column_reads_the_same() {
    // `cut -c1-58`: offset and hex groups only.
    let cut: String = data("tests/data/nghttp-hexdump-h2lab-server.txt")
        .lines()
        .map(|line| format!("{}\n", line.get(..58).unwrap_or(line).trim_end()))
        .collect();
    let output = decode(&[], cut.as_bytes());
    assert!(output.status.success(), "{output:?}");
    assert_eq!(stdout(&output), NGHTTP_DUMP_DECODED);
}

#[test]
fn a_hexdump_with_a_line_missing_is_refused_not_decoded_as_junk() {
    let mut lines: Vec<String> = data("tests/data/nghttp-hexdump-h2lab-server.txt")
        .lines()
        .map(str::to_string)
        .collect();
    lines.remove(4);
    let output = decode(&[], lines.join("\n").as_bytes());
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "h2lab-decode: line 5: offset 00000050, but the lines before end at 00000040: a line is missing, doubled or cut\n"
    );
}

#[test]
fn hpack_json_mode_prints_exactly_headers_per_block_and_honours_table_size() {
    // RFC 7541 C.3.1 and C.3.2 (the second refers to the first's dynamic entry), then a block
    // that opens with a size update to 4096 after `table-size 100` lowered the limit.
    let input = b"8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d\n\
                  8286 84be 5808 6e6f 2d63 6163 6865\n\
                  table-size 100\n\
                  3fe11f 82\n";
    let output = decode(&["--hpack", "--json"], input);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let lines: Vec<&str> = std::str::from_utf8(&output.stdout)
        .unwrap()
        .lines()
        .collect();
    assert_eq!(
        lines,
        [
            r#"{"headers": [[":method","GET"],[":scheme","http"],[":path","/"],[":authority","www.example.com"]]}"#,
            r#"{"headers": [[":method","GET"],[":scheme","http"],[":path","/"],[":authority","www.example.com"],["cache-control","no-cache"]]}"#,
            r#"{"error": "dynamic table size update to 4096 at octet 0 exceeds the limit 100 (RFC 7541 §6.3)"}"#,
        ]
    );
}

#[test]
fn a_malformed_frame_is_reported_with_its_offset_and_exit_status_1() {
    // A PING of 6 octets: RFC 9113 §6.7 makes that a connection FRAME_SIZE_ERROR.
    let output = decode(&[], b"000006 06 00 00000000 010203040506");
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(
        text.starts_with(
            "@0 PING flags=- stream=0 length=6\n    rejected: connection error FRAME_SIZE_ERROR"
        ),
        "{text}"
    );
}

#[test]
fn bad_usage_exits_2_with_a_one_line_reason() {
    for (args, input, says) in [
        (
            &["--frobnicate"][..],
            &b""[..],
            "unknown option --frobnicate",
        ),
        (
            &["--max-frame-size", "100"][..],
            &b""[..],
            "--max-frame-size",
        ),
        (&["--raw", "--hpack"][..], &b""[..], "do not go together"),
        (
            &[][..],
            &b"00 0g"[..],
            "line 1, column 5: 'g' is not a hex digit",
        ),
        (&["no/such/file"][..], &b""[..], "cannot read no/such/file"),
    ] {
        let output = decode(args, input);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(says), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
}

#[test]
fn help_explains_the_modes_with_an_example() {
    let output = decode(&["--help"], b"");
    assert!(output.status.success());
    let text = stdout(&output);
    for needle in [
        "--hpack",
        "--json",
        "--raw",
        "table-size N",
        "Examples:",
        "Exit status",
    ] {
        assert!(text.contains(needle), "--help lacks {needle}");
    }
}
