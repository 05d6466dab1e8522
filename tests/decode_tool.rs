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
//! `capture-nghttp/conn-1.*.hex` is a capture pair of `nghttp -n` fetching `/small.txt` from
//! `h2lab` over h2c, written by a relay in the capture format (`# t=` before each read);
//! `capture-status/conn-1.*.hex` is a pair made by hand: a GET answered with a field named
//! `:status:` whose HEADERS frame arrives in two reads, around the client's SETTINGS ACK.

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
fn bytes_show_the_octets_of_each_header_field_and_representation() {
    // RFC 7541 C.4.1 in a HEADERS frame.
    let output = decode(
        &["--bytes"],
        b"000011 01 05 00000001 828684418cf1e3c2e5f23a6ba0ab90f4ff",
    );
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        stdout(&output),
        "\
@0 HEADERS flags=END_STREAM|END_HEADERS stream=1 length=17
    00 00 11                | length = 17
    01                      | type = HEADERS
    05                      | flags = END_STREAM|END_HEADERS
    00 00 00 01             | stream = 1
    fragment_length = 17
    header block:
      82                      | :method = \"GET\"    [indexed: index 2 (static)]
      86                      | :scheme = \"http\"    [indexed: index 6 (static)]
      84                      | :path = \"/\"    [indexed: index 4 (static)]
      41 8c f1 e3 c2 e5 f2 3a | :authority = \"www.example.com\"    [literal with incremental indexing; name index 1 (static); value Huffman]
      6b a0 ab 90 f4 ff       |
                              |   + dynamic table [62]: :authority = \"www.example.com\" (table now 57 octets)
"
    );
}

#[test]
fn table_prints_the_dynamic_table_after_each_block() {
    // RFC 7541 C.3.1 and C.3.2 as bare blocks: the second adds cache-control in front.
    let output = decode(
        &["--hpack", "--table"],
        b"828684410f7777772e6578616d706c652e636f6d\n828684be58086e6f2d6361636865\n",
    );
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        stdout(&output),
        "\
block on line 1 (20 octets):
    :method = \"GET\"    [indexed: index 2 (static)]
    :scheme = \"http\"    [indexed: index 6 (static)]
    :path = \"/\"    [indexed: index 4 (static)]
    :authority = \"www.example.com\"    [literal with incremental indexing; name index 1 (static); value plain]
      + dynamic table [62]: :authority = \"www.example.com\" (table now 57 octets)
    dynamic table: 1 entry, 57 of 4096 octets
      [62] :authority = \"www.example.com\"
block on line 2 (14 octets):
    :method = \"GET\"    [indexed: index 2 (static)]
    :scheme = \"http\"    [indexed: index 6 (static)]
    :path = \"/\"    [indexed: index 4 (static)]
    :authority = \"www.example.com\"    [indexed: index 62 (dynamic)]
    cache-control = \"no-cache\"    [literal with incremental indexing; name index 24 (static); value plain]
      + dynamic table [62]: cache-control = \"no-cache\" (table now 110 octets)
    dynamic table: 2 entries, 110 of 4096 octets
      [62] cache-control = \"no-cache\"
      [63] :authority = \"www.example.com\"
"
    );
}

#[test]
fn json_keeps_each_fields_representation() {
    let output = decode(&["--json", "tests/data/curl-h2c-post-client.hex"], b"");
    assert!(output.status.success(), "{output:?}");
    let headers: serde_json::Value = stdout(&output)
        .lines()
        .nth(3)
        .map(|line| serde_json::from_str(line).expect("each line is JSON"))
        .expect("the fourth record is the HEADERS frame");
    let steps = headers["hpack"].as_array().expect("an hpack member");
    assert_eq!(
        steps[0],
        serde_json::json!({"field": [":method", "POST"], "representation": "indexed", "index": 3})
    );
    assert_eq!(
        steps[3],
        serde_json::json!({"field": [":authority", "127.0.0.1:18083"], "representation": "literal with incremental indexing", "name_index": 1, "name_huffman": false, "value_huffman": true})
    );
    assert_eq!(
        steps[4],
        serde_json::json!({"inserted": [":authority", "127.0.0.1:18083"], "table_size": 57})
    );
    assert_eq!(
        steps[9],
        serde_json::json!({"field": ["cookie", "a=1"], "representation": "literal never indexed", "name_index": 32, "name_huffman": false, "value_huffman": true})
    );
}

#[test]
fn check_flags_a_response_carrying_a_status_colon_field_and_exits_1() {
    // HEADERS on stream 1 whose one field, a literal with a literal name, is `:status:: 200`.
    let output = decode(
        &["--check"],
        b"00000e 01 05 00000001 00 08 3a7374617475733a 03 323030",
    );
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert_eq!(
        stdout(&output),
        "\
@0 HEADERS flags=END_STREAM|END_HEADERS stream=1 length=14
    fragment_length = 14
    header block:
      \":status:\" = \"200\"    [literal without indexing; name plain; value plain]
    check: field name \":status:\" is not a token: ':' may only open a pseudo-header field's name (RFC 9113 §8.2.1)
    check: response without :status (RFC 9113 §8.3.2)
check: 2 problems a peer would reject; sender: the server (the input does not start with the client preface)
"
    );
}

#[test]
fn check_finds_nothing_to_reject_in_what_real_clients_and_h2lab_sent() {
    for (file, sender) in [
        (
            "tests/data/nghttp-h2c-client.hex",
            "the client (the input starts with the client preface)",
        ),
        (
            "tests/data/curl-h2c-post-client.xxd",
            "the client (the input starts with the client preface)",
        ),
        (
            "tests/data/nghttp-hexdump-h2lab-server.txt",
            "the server (the input does not start with the client preface)",
        ),
    ] {
        let output = decode(&["--check", file], b"");
        assert!(output.status.success(), "{file}: {output:?}");
        assert!(
            stdout(&output).ends_with(&format!(
                "\ncheck: nothing a peer would reject; sender: {sender}\n"
            )),
            "{file}"
        );
    }
}

#[test]
fn direction_says_who_sent_input_that_has_no_preface() {
    // RFC 7541 C.3.1, a GET, in a HEADERS frame, without the client preface before it.
    let request = b"000014 01 05 00000001 828684410f7777772e6578616d706c652e636f6d";
    let as_request = decode(&["--check", "--direction", "c2s"], request);
    assert!(as_request.status.success(), "{as_request:?}");
    assert!(stdout(&as_request)
        .ends_with("\ncheck: nothing a peer would reject; sender: the client (--direction c2s)\n"));
    let as_response = decode(&["--check"], request);
    assert_eq!(as_response.status.code(), Some(1));
    let checks: Vec<String> = stdout(&as_response)
        .lines()
        .filter(|line| line.trim_start().starts_with("check:"))
        .map(str::to_string)
        .collect();
    assert_eq!(
        checks,
        [
            "    check: pseudo-header field :method is not one of a response (RFC 9113 §8.3)",
            "    check: pseudo-header field :scheme is not one of a response (RFC 9113 §8.3)",
            "    check: pseudo-header field :path is not one of a response (RFC 9113 §8.3)",
            "    check: pseudo-header field :authority is not one of a response (RFC 9113 §8.3)",
            "    check: response without :status (RFC 9113 §8.3.2)",
            "check: 5 problems a peer would reject; sender: the server (the input does not start with the client preface)",
        ]
    );
}

#[test]
fn pair_merges_both_directions_of_a_capture_in_time_order() {
    let output = decode(&["--pair", "tests/data/capture-nghttp/conn-1"], b"");
    assert!(output.status.success(), "{output:?}");
    let frames: Vec<String> = stdout(&output)
        .lines()
        .filter(|line| line.starts_with('+'))
        .map(str::to_string)
        .collect();
    assert_eq!(
        frames,
        [
            "+0.008188s c2s @0 client preface (24 octets)",
            "+0.008188s c2s @24 SETTINGS flags=- stream=0 length=12",
            "+0.008188s c2s @45 PRIORITY flags=- stream=3 length=5",
            "+0.008188s c2s @59 PRIORITY flags=- stream=5 length=5",
            "+0.008188s c2s @73 PRIORITY flags=- stream=7 length=5",
            "+0.008188s c2s @87 PRIORITY flags=- stream=9 length=5",
            "+0.008188s c2s @101 PRIORITY flags=- stream=11 length=5",
            "+0.008188s c2s @115 HEADERS flags=END_STREAM|END_HEADERS|PRIORITY stream=13 length=48",
            "+0.008583s s2c @0 SETTINGS flags=- stream=0 length=30",
            "+0.008583s s2c @39 SETTINGS flags=ACK stream=0 length=0",
            "+0.008583s s2c @48 HEADERS flags=END_HEADERS stream=13 length=110",
            "+0.008583s s2c @167 DATA flags=END_STREAM stream=13 length=39",
            "+0.009241s c2s @172 GOAWAY flags=- stream=0 length=8",
        ]
    );
    // Each direction has its own decoder: the server's first insertion is its own index 62.
    assert!(stdout(&output).contains(
        "        + dynamic table [62]: content-type = \"text/plain; charset=utf-8\" (table now 69 octets)\n"
    ));
}

#[test]
fn pair_with_check_shows_a_frame_when_its_last_octet_came_and_what_is_wrong_with_it() {
    let output = decode(
        &["--pair", "tests/data/capture-status/conn-1", "--check"],
        b"",
    );
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert_eq!(
        stdout(&output),
        "\
+0.000000s c2s @0 client preface (24 octets)
+0.000000s c2s @24 SETTINGS flags=- stream=0 length=0
+0.000000s c2s @33 HEADERS flags=END_STREAM|END_HEADERS stream=1 length=20
    fragment_length = 20
    header block:
      :method = \"GET\"    [indexed: index 2 (static)]
      :scheme = \"http\"    [indexed: index 6 (static)]
      :path = \"/\"    [indexed: index 4 (static)]
      :authority = \"www.example.com\"    [literal with incremental indexing; name index 1 (static); value plain]
        + dynamic table [62]: :authority = \"www.example.com\" (table now 57 octets)
+0.000100s s2c @0 SETTINGS flags=- stream=0 length=0
+0.000250s c2s @62 SETTINGS flags=ACK stream=0 length=0
+0.000300s s2c @9 HEADERS flags=END_STREAM|END_HEADERS stream=1 length=14
    fragment_length = 14
    header block:
      \":status:\" = \"200\"    [literal without indexing; name plain; value plain]
    check: field name \":status:\" is not a token: ':' may only open a pseudo-header field's name (RFC 9113 §8.2.1)
    check: response without :status (RFC 9113 §8.3.2)
check: 2 problems a peer would reject; senders: the client (c2s) and the server (s2c)
"
    );
    // Either file of the pair names it too; JSON stamps each record.
    let json = decode(
        &[
            "--pair",
            "tests/data/capture-status/conn-1.s2c.hex",
            "--json",
        ],
        b"",
    );
    assert!(json.status.success(), "{json:?}");
    assert!(stdout(&json).starts_with(
        "{\"direction\": \"c2s\", \"time\": 0.000000, \"offset\": 0, \"preface\": true}\n"
    ));
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
        (
            &["--check", "--hpack"][..],
            &b""[..],
            "--check needs frames",
        ),
        (
            &["--check", "--direction", "up"][..],
            &b""[..],
            "--direction",
        ),
        (
            &["--direction", "c2s"][..],
            &b""[..],
            "only matters with --check",
        ),
        (
            &["--pair", "no/such/conn-1"][..],
            &b""[..],
            "cannot read no/such/conn-1.c2s.hex",
        ),
        (
            &["--pair", "tests/data/capture-status/conn-1", "--raw"][..],
            &b""[..],
            "--pair reads the two hex files",
        ),
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
        "--bytes",
        "--table",
        "--check",
        "--direction c2s|s2c",
        "--pair DIR/conn-N",
        "nghttp --hexdump",
        "Examples:",
        "Exit status",
    ] {
        assert!(text.contains(needle), "--help lacks {needle}");
    }
}
