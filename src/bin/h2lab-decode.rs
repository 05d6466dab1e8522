//! `h2lab-decode`: takes apart one direction of an HTTP/2 connection, or bare HPACK header blocks,
//! and shows every frame, field and dynamic-table change. The work is done by
//! `h2lab::trace::inspect`; this file reads the command line and the input.

use std::io::{self, Read, Write};
use std::process::ExitCode;

use h2lab::frame::{DEFAULT_MAX_FRAME_SIZE, MAX_MAX_FRAME_SIZE};
use h2lab::hpack::{Decoder, DEFAULT_TABLE_SIZE};
use h2lab::trace::input;
use h2lab::trace::inspect::{
    block_json, block_text, decode_block, inspect_frames, record_json, record_text,
};

const HELP: &str = "\
h2lab-decode: show what an HTTP/2 byte stream says, frame by frame

Usage: h2lab-decode [OPTIONS] [FILE]

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
      --json                one JSON object per line, per frame or per block; with --hpack
                            exactly {\"headers\": [[name, value], ...]} per block, or
                            {\"error\": \"...\"} for a block that fails
      --max-frame-size N    the largest frame payload accepted, 16384..=16777215
                            (default 16384, RFC 9113 §4.2)
      --table-size N        the SETTINGS_HEADER_TABLE_SIZE this direction's decoder starts with
                            (default 4096)
  -h, --help                print this help
  -V, --version             print the version

Exit status: 0 when everything decoded; 1 when the input breaks a rule of RFC 9113 or
RFC 7541 (the output says where, as an octet offset, and why); 2 for bad usage or input that
cannot be read.

Examples:
  echo '000006 04 00 00000000 0003 00000064' | h2lab-decode
      @0 SETTINGS flags=- stream=0 length=6
          SETTINGS_MAX_CONCURRENT_STREAMS = 100
  echo '828684418cf1e3c2e5f23a6ba0ab90f4ff' | h2lab-decode --hpack --json
      {\"headers\": [[\":method\",\"GET\"],[\":scheme\",\"http\"],[\":path\",\"/\"],[\":authority\",\"www.example.com\"]]}
";

/// What the command line asked for.
struct Options {
    raw: bool,
    hpack: bool,
    json: bool,
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
    if options.raw && options.hpack {
        return Err(Usage(
            "--raw and --hpack do not go together: --hpack reads lines of hex".to_string(),
        ));
    }
    Ok(Some(options))
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
            writeln!(out, "{}", block_json(&decoded))?;
        } else {
            writeln!(
                out,
                "block on line {} ({} octets):",
                line_no + 1,
                block.len()
            )?;
            write!(out, "{}", block_text(&decoded, "    "))?;
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

/// Decodes `input` as frames and prints each record; false when the input breaks a rule.
fn run_frames(input: &[u8], options: &Options, out: &mut impl Write) -> io::Result<bool> {
    let mut decoder = Decoder::new();
    decoder.set_max_table_size(options.table_size);
    let records = inspect_frames(input, options.max_frame_size, &mut decoder);
    for record in &records {
        if options.json {
            writeln!(out, "{}", record_json(record))?;
        } else {
            write!(out, "{}", record_text(record))?;
        }
    }
    Ok(!records.iter().any(|r| r.is_error()))
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

fn main() -> ExitCode {
    let options = match parse_args(std::env::args().skip(1)) {
        Ok(Some(options)) => options,
        Ok(None) => return ExitCode::SUCCESS,
        Err(Usage(message)) => {
            eprintln!("h2lab-decode: {message}");
            return ExitCode::from(2);
        }
    };
    let input = match read_input(options.file.as_deref()) {
        Ok(input) => input,
        Err(e) => {
            let name = options.file.as_deref().unwrap_or("standard input");
            eprintln!("h2lab-decode: cannot read {name}: {e}");
            return ExitCode::from(2);
        }
    };
    let mut out = io::stdout().lock();
    let result = if options.raw {
        run_frames(&input, &options, &mut out)
    } else {
        let Ok(text) = String::from_utf8(input) else {
            eprintln!("h2lab-decode: the input is not hex text (use --raw for raw octets)");
            return ExitCode::from(2);
        };
        if options.hpack {
            run_hpack(&text, &options, &mut out)
        } else {
            match input::parse(&text) {
                Ok(hex) => run_frames(&hex.octets, &options, &mut out),
                Err(e) => {
                    eprintln!("h2lab-decode: {e}");
                    return ExitCode::from(2);
                }
            }
        }
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        // A closed pipe (`| head`) is not an error worth a message.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("h2lab-decode: {e}");
            ExitCode::from(2)
        }
    }
}
