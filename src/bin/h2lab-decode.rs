//! `h2lab-decode`: takes apart one direction of an HTTP/2 connection, or bare HPACK header blocks,
//! and shows every frame, field and dynamic-table change. The work is done by `h2lab::trace`
//! (`input` reads the hex, `inspect` takes it apart, `check` and `pair` do what their options
//! say); this file reads the command line and the files, and prints.

use std::io::{self, Read, Write};
use std::process::ExitCode;

use h2lab::frame::{DEFAULT_MAX_FRAME_SIZE, MAX_MAX_FRAME_SIZE};
use h2lab::hpack::{Decoder, DEFAULT_TABLE_SIZE};
use h2lab::trace::check::check;
use h2lab::trace::input::{self, HexText};
use h2lab::trace::inspect::{
    block_json_with, block_text_with, decode_block, inspect_frames, record_json_with,
    record_text_with, table_text, Detail, Notes, Record, Sender,
};
use h2lab::trace::pair::{merge, record_times};

const HELP: &str = "\
h2lab-decode: show what an HTTP/2 byte stream says, frame by frame

Usage: h2lab-decode [OPTIONS] [FILE]
       h2lab-decode [OPTIONS] --pair DIR/conn-N

Reads one direction of an HTTP/2 connection from FILE (or standard input when FILE is absent
or -): an optional client preface, then frames. Prints one block per frame: type, flags by
name, stream, length and every field. Header blocks (HEADERS or PUSH_PROMISE + CONTINUATION)
are decoded by one HPACK decoder carried across the whole input, showing how each field was
represented (indexed; literal with, without or never indexing; Huffman or plain) and each
dynamic table insertion and eviction. Fields print as  name = \"value\"  so that :status can
never read like a field named \":status:\".

Input is hex, in any of these forms, told apart line by line:
  plain hex       whitespace and newlines are ignored, # starts a comment that runs to the end
                  of the line: `xxd -p` output, annotated captures, h2lab --capture files
  xxd             00000010: 0d0a 534d 0d0a 0d0a 0000 1204  ..SM......
  hexdump -C      00000010  03 00 00 00 80 00 04 00  00 ff  |..........|
                  as `nghttp --hexdump` prints it (one dump per read, each from offset 0)
The offset and text columns are skipped; each offset must carry on from the line before, so a
missing or cut line is an error rather than junk octets.

Options:
      --raw                 the input is raw octets, not hex
      --hpack               each input line is one bare header block in hex, not frames;
                            a line `table-size N` sets the acknowledged
                            SETTINGS_HEADER_TABLE_SIZE to N before the next block
      --json                one JSON object per line, per frame or per block. A frame's header
                            block gives \"headers\" ([[name, value], ...]) and \"hpack\" (each
                            step: a field with its representation, a size update, an insertion,
                            an eviction). With --hpack, exactly {\"headers\": [[name, value], ...]}
                            per block, or {\"error\": \"...\"} for a block that fails, unless
                            --bytes or --table ask for more
      --bytes               the octets of each frame-header field (length, type, flags, stream)
                            and of each HPACK representation, beside what they mean, 8 octets a
                            line as in RFC 7541 Appendix C (in JSON: \"header_octets\", and
                            \"octets\" on each step)
      --table               the dynamic table after each header block: its size, then each
                            entry with its index, 62 first
      --check               flag what a peer would reject, each with its RFC 9113 section: an
                            invalid field name (\":status:\", uppercase), a bad value, a
                            pseudo-header field after a regular one or not of its message,
                            connection-specific fields (connection, keep-alive,
                            proxy-connection, transfer-encoding, upgrade; te other than
                            \"trailers\"), a request without :method, :scheme or :path, a
                            response without :status, pseudo-header fields in trailers, a
                            stream number of the wrong parity for its sender, a client's
                            PUSH_PROMISE. A last line counts them; the exit status is 1 when
                            there is any
      --direction c2s|s2c   who sent the input, for --check: c2s = the client, s2c = the server
                            (default: the client when the input starts with the client preface,
                            else the server)
      --pair DIR/conn-N     a capture of both directions, as h2lab --capture writes it:
                            DIR/conn-N.c2s.hex and DIR/conn-N.s2c.hex, whose `# t=SECONDS`
                            lines give the time of the octets that follow. Each direction gets
                            its own HPACK decoder; frames print merged in time order (the time
                            its last octet came), each line opening with that time and c2s or s2c
      --max-frame-size N    the largest frame payload accepted, 16384..=16777215
                            (default 16384, RFC 9113 §4.2)
      --table-size N        the SETTINGS_HEADER_TABLE_SIZE this direction's decoder starts with
                            (default 4096)
  -h, --help                print this help
  -V, --version             print the version

Exit status: 0 when everything decoded; 1 when the input breaks a rule of RFC 9113 or
RFC 7541 (the output says where, as an octet offset, and why) or --check flags anything; 2 for
bad usage or input that cannot be read.

Examples:
  echo '000006 04 00 00000000 0003 00000064' | h2lab-decode
      @0 SETTINGS flags=- stream=0 length=6
          SETTINGS_MAX_CONCURRENT_STREAMS = 100
  echo '828684418cf1e3c2e5f23a6ba0ab90f4ff' | h2lab-decode --hpack --json
      {\"headers\": [[\":method\",\"GET\"],[\":scheme\",\"http\"],[\":path\",\"/\"],[\":authority\",\"www.example.com\"]]}
  nghttp -n --hexdump http://127.0.0.1:8443/ | h2lab-decode
      (what the server sent, as nghttp read it)
  echo '000003 01 05 00000001 828684' | h2lab-decode --bytes
      @0 HEADERS flags=END_STREAM|END_HEADERS stream=1 length=3
          00 00 03                | length = 3
          01                      | type = HEADERS
          05                      | flags = END_STREAM|END_HEADERS
          00 00 00 01             | stream = 1
          fragment_length = 3
          header block:
            82                      | :method = \"GET\"    [indexed: index 2 (static)]
            86                      | :scheme = \"http\"    [indexed: index 6 (static)]
            84                      | :path = \"/\"    [indexed: index 4 (static)]
  echo '418cf1e3c2e5f23a6ba0ab90f4ff' | h2lab-decode --hpack --table
      block on line 1 (14 octets):
          :authority = \"www.example.com\"    [literal with incremental indexing; ...]
            + dynamic table [62]: :authority = \"www.example.com\" (table now 57 octets)
          dynamic table: 1 entry, 57 of 4096 octets
            [62] :authority = \"www.example.com\"
  echo '00000e 01 05 00000001 0008 3a7374617475733a 03 323030' | h2lab-decode --check
      @0 HEADERS flags=END_STREAM|END_HEADERS stream=1 length=14
          fragment_length = 14
          header block:
            \":status:\" = \"200\"    [literal without indexing; name plain; value plain]
          check: field name \":status:\" is not a token: ':' may only open a pseudo-header field's name (RFC 9113 §8.2.1)
          check: response without :status (RFC 9113 §8.3.2)
      check: 2 problems a peer would reject; sender: the server (the input does not start with the client preface)
  h2lab-decode --check --direction c2s request.hex
      (checks a client's frames that were saved without the preface)
  h2lab-decode --pair captures/conn-1
      +0.000000s c2s @0 client preface (24 octets)
      +0.000000s c2s @24 SETTINGS flags=- stream=0 length=0
      +0.000100s s2c @0 SETTINGS flags=- stream=0 length=0
      ...
";

/// What the command line asked for.
struct Options {
    raw: bool,
    hpack: bool,
    json: bool,
    detail: Detail,
    check: bool,
    /// `--direction`: who sent the input, instead of what its start says.
    direction: Option<Sender>,
    /// `--pair DIR/conn-N`: the two files of a capture, instead of FILE.
    pair: Option<String>,
    max_frame_size: u32,
    table_size: usize,
    file: Option<String>,
}

/// Why the program stops before decoding: exit status 2.
struct Usage(String);

/// The command line as [`Options`]; `Ok(None)` when it only asked for the help or the version,
/// which are printed here.
fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Options>, Usage> {
    let mut options = Options {
        raw: false,
        hpack: false,
        json: false,
        detail: Detail::default(),
        check: false,
        direction: None,
        pair: None,
        max_frame_size: DEFAULT_MAX_FRAME_SIZE,
        table_size: DEFAULT_TABLE_SIZE,
        file: None,
    };
    while let Some(arg) = args.next() {
        let mut value = |flag: &str| {
            args.next()
                .ok_or_else(|| Usage(format!("{flag} needs a value")))
        };
        match arg.as_str() {
            "-h" | "--help" => {
                print!("{HELP}");
                return Ok(None);
            }
            "-V" | "--version" => {
                println!("h2lab-decode {}", env!("CARGO_PKG_VERSION"));
                return Ok(None);
            }
            "--raw" => options.raw = true,
            "--hpack" => options.hpack = true,
            "--json" => options.json = true,
            "--bytes" => options.detail.bytes = true,
            "--table" => options.detail.table = true,
            "--check" => options.check = true,
            "--direction" => options.direction = Some(direction(&value(&arg)?)?),
            "--pair" => options.pair = Some(value(&arg)?),
            "--max-frame-size" => options.max_frame_size = max_frame_size(&value(&arg)?)?,
            "--table-size" => options.table_size = table_size(&value(&arg)?)?,
            "-" => options.file = None,
            flag if flag.starts_with('-') => {
                return Err(Usage(format!(
                    "unknown option {flag} (see h2lab-decode --help)"
                )))
            }
            _ if options.file.is_some() => {
                return Err(Usage(format!("more than one input file: {arg}")))
            }
            _ => options.file = Some(arg),
        }
    }
    check_combination(&options)?;
    Ok(Some(options))
}

/// The options that do not go together, and why.
fn check_combination(options: &Options) -> Result<(), Usage> {
    let conflict = if options.raw && options.hpack {
        "--raw and --hpack do not go together: --hpack reads lines of hex"
    } else if options.check && options.hpack {
        "--check needs frames, not --hpack: it checks each block by its stream and its sender"
    } else if options.direction.is_some() && !options.check {
        "--direction only matters with --check"
    } else if options.pair.is_some() && (options.raw || options.hpack) {
        "--pair reads the two hex files of a capture: not with --raw or --hpack"
    } else if options.pair.is_some() && options.direction.is_some() {
        "--pair knows each file's direction: no --direction"
    } else if options.pair.is_some() && options.file.is_some() {
        "--pair names its files: no FILE besides"
    } else {
        return Ok(());
    };
    Err(Usage(conflict.to_string()))
}

/// The value of `--direction`.
fn direction(text: &str) -> Result<Sender, Usage> {
    match text {
        "c2s" => Ok(Sender::Client),
        "s2c" => Ok(Sender::Server),
        _ => Err(Usage(format!(
            "--direction: {text:?} is neither c2s (client to server) nor s2c"
        ))),
    }
}

/// The value of `--max-frame-size`: a SETTINGS_MAX_FRAME_SIZE within its range (RFC 9113 §4.2).
fn max_frame_size(text: &str) -> Result<u32, Usage> {
    text.parse()
        .ok()
        .filter(|n| (DEFAULT_MAX_FRAME_SIZE..=MAX_MAX_FRAME_SIZE).contains(n))
        .ok_or_else(|| {
            Usage(format!(
                "--max-frame-size: {text:?} is not a number from 16384 to 16777215"
            ))
        })
}

/// The value of `--table-size`: a number of octets.
fn table_size(text: &str) -> Result<usize, Usage> {
    text.parse()
        .map_err(|_| Usage(format!("--table-size: {text:?} is not a number of octets")))
}

/// Decodes each line of `text` as one header block; `table-size N` lines set the limit.
/// Stops at the first block that fails, since the decoder's table is then unknown.
fn run_hpack(text: &str, options: &Options, out: &mut impl Write) -> io::Result<bool> {
    let mut decoder = Decoder::new();
    decoder.set_max_table_size(options.table_size);
    for (line_no, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(size) = line.strip_prefix("table-size") {
            match size.trim().parse() {
                Ok(size) => decoder.set_max_table_size(size),
                Err(_) => {
                    report_line_error(out, options, line_no, "table-size needs a number")?;
                    return Ok(false);
                }
            }
            continue;
        }
        let block = match input::parse(line) {
            Ok(block) => block.octets,
            Err(e) => {
                report_line_error(out, options, line_no, &e)?;
                return Ok(false);
            }
        };
        let decoded = decode_block(&mut decoder, &block);
        if options.json {
            writeln!(out, "{}", block_json_with(&decoded, options.detail))?;
        } else {
            writeln!(
                out,
                "block on line {} ({} octets):",
                line_no + 1,
                block.len()
            )?;
            write!(out, "{}", block_text_with(&decoded, "    ", options.detail))?;
            if options.detail.table {
                write!(out, "{}", table_text(&decoded.table, "    "))?;
            }
        }
        if decoded.result.is_err() {
            return Ok(false);
        }
    }
    Ok(true)
}

fn report_line_error(
    out: &mut impl Write,
    options: &Options,
    line_no: usize,
    message: &str,
) -> io::Result<()> {
    let message = format!("line {}: {message}", line_no + 1);
    if options.json {
        writeln!(
            out,
            "{{\"error\": {}}}",
            h2lab::json::string(message.as_bytes())
        )
    } else {
        writeln!(out, "error: {message}")
    }
}

/// One direction taken apart: its records and, with `--check`, what a peer would reject in each.
struct Direction {
    records: Vec<Record>,
    problems: Vec<Vec<String>>,
}

impl Direction {
    /// `input`, sent by `sender`, decoded with a decoder of its own.
    fn inspect(input: &[u8], sender: Sender, options: &Options) -> Direction {
        let mut decoder = Decoder::new();
        decoder.set_max_table_size(options.table_size);
        let records = inspect_frames(input, options.max_frame_size, &mut decoder);
        let problems = if options.check {
            check(&records, sender)
        } else {
            vec![Vec::new(); records.len()]
        };
        Direction { records, problems }
    }

    /// Whether the input breaks a rule of RFC 9113 or RFC 7541, or a `--check` rule.
    fn failed(&self) -> bool {
        self.records.iter().any(Record::is_error) || self.problem_count() > 0
    }

    fn problem_count(&self) -> usize {
        self.problems.iter().map(Vec::len).sum()
    }
}

/// Prints one record with its notes.
fn print_record(
    out: &mut impl Write,
    options: &Options,
    record: &Record,
    notes: &Notes,
) -> io::Result<()> {
    if options.json {
        writeln!(out, "{}", record_json_with(record, options.detail, notes))
    } else {
        write!(out, "{}", record_text_with(record, options.detail, notes))
    }
}

/// Prints the `--check` summary: how many problems, and whose octets were checked (`direction`
/// for JSON, `sender` in words, with how it is known).
fn print_check_summary(
    out: &mut impl Write,
    options: &Options,
    problems: usize,
    (direction, sender): (&str, &str),
) -> io::Result<()> {
    if options.json {
        return writeln!(
            out,
            "{{\"check\": {{\"problems\": {problems}, \"direction\": \"{direction}\"}}}}"
        );
    }
    let found = match problems {
        0 => "nothing a peer would reject".to_string(),
        1 => "1 problem a peer would reject".to_string(),
        n => format!("{n} problems a peer would reject"),
    };
    writeln!(out, "check: {found}; {sender}")
}

/// Decodes `input` as frames and prints each record; false when the input breaks a rule.
fn run_frames(input: &[u8], options: &Options, out: &mut impl Write) -> io::Result<bool> {
    let sender = options.direction.unwrap_or(Sender::of(input));
    let direction = Direction::inspect(input, sender, options);
    for (record, problems) in direction.records.iter().zip(&direction.problems) {
        let notes = Notes {
            stamp: None,
            problems,
        };
        print_record(out, options, record, &notes)?;
    }
    if options.check {
        let sender_words = match (options.direction, sender) {
            (Some(_), Sender::Client) => "sender: the client (--direction c2s)",
            (Some(_), Sender::Server) => "sender: the server (--direction s2c)",
            (None, Sender::Client) => {
                "sender: the client (the input starts with the client preface)"
            }
            (None, Sender::Server) => {
                "sender: the server (the input does not start with the client preface)"
            }
        };
        let problems = direction.problem_count();
        print_check_summary(out, options, problems, (sender.direction(), sender_words))?;
    }
    Ok(!direction.failed())
}

/// Decodes both directions of a capture and prints their records merged in time order.
fn run_pair(
    client_text: &HexText,
    server_text: &HexText,
    options: &Options,
    out: &mut impl Write,
) -> io::Result<bool> {
    let client = Direction::inspect(&client_text.octets, Sender::Client, options);
    let server = Direction::inspect(&server_text.octets, Sender::Server, options);
    let client_times = record_times(&client.records, client_text);
    let server_times = record_times(&server.records, server_text);
    for (sender, i) in merge(&client_times, &server_times) {
        let (direction, time) = match sender {
            Sender::Client => (&client, client_times[i]),
            Sender::Server => (&server, server_times[i]),
        };
        let notes = Notes {
            stamp: Some((sender, time)),
            problems: &direction.problems[i],
        };
        print_record(out, options, &direction.records[i], &notes)?;
    }
    if options.check {
        let problems = client.problem_count() + server.problem_count();
        let senders = ("both", "senders: the client (c2s) and the server (s2c)");
        print_check_summary(out, options, problems, senders)?;
    }
    Ok(!client.failed() && !server.failed())
}

/// What to decode, as read from the files or standard input.
enum Input {
    /// One direction's octets.
    Frames(Vec<u8>),
    /// `--hpack`: lines of bare header blocks.
    Blocks(String),
    /// `--pair`: the client's and the server's hex text.
    Pair(HexText, HexText),
}

/// Reads what the options name; the error is a one-line reason.
fn read(options: &Options) -> Result<Input, String> {
    if let Some(pair) = &options.pair {
        // `DIR/conn-1`, or either of its two files, names the pair.
        let base = pair
            .strip_suffix(".c2s.hex")
            .or_else(|| pair.strip_suffix(".s2c.hex"))
            .unwrap_or(pair);
        return Ok(Input::Pair(
            read_capture(base, "c2s")?,
            read_capture(base, "s2c")?,
        ));
    }
    let name = options.file.as_deref().unwrap_or("standard input");
    let input =
        read_input(options.file.as_deref()).map_err(|e| format!("cannot read {name}: {e}"))?;
    if options.raw {
        return Ok(Input::Frames(input));
    }
    let text = String::from_utf8(input)
        .map_err(|_| "the input is not hex text (use --raw for raw octets)".to_string())?;
    if options.hpack {
        return Ok(Input::Blocks(text));
    }
    Ok(Input::Frames(input::parse(&text)?.octets))
}

fn read_input(file: Option<&str>) -> io::Result<Vec<u8>> {
    let mut input = Vec::new();
    match file {
        Some(path) => input = std::fs::read(path)?,
        None => {
            io::stdin().read_to_end(&mut input)?;
        }
    }
    Ok(input)
}

/// The hex text of one file of a capture pair: `{base}.{direction}.hex`.
fn read_capture(base: &str, direction: &str) -> Result<HexText, String> {
    let path = format!("{base}.{direction}.hex");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {path}: {e}"))?;
    input::parse(&text).map_err(|e| format!("{path}: {e}"))
}

fn main() -> ExitCode {
    let options = match parse_args(std::env::args().skip(1)) {
        Ok(Some(options)) => options,
        Ok(None) => return ExitCode::SUCCESS,
        Err(Usage(message)) => return fail(&message),
    };
    let input = match read(&options) {
        Ok(input) => input,
        Err(message) => return fail(&message),
    };
    let mut out = io::stdout().lock();
    let result = match &input {
        Input::Frames(octets) => run_frames(octets, &options, &mut out),
        Input::Blocks(text) => run_hpack(text, &options, &mut out),
        Input::Pair(client, server) => run_pair(client, server, &options, &mut out),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        // A closed pipe (`| head`) is not an error worth a message.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => fail(&e.to_string()),
    }
}

/// Exit status 2, with a one-line reason.
fn fail(message: &str) -> ExitCode {
    eprintln!("h2lab-decode: {message}");
    ExitCode::from(2)
}
