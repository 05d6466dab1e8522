//! The `h2lab-client` line language: one command a line, usually one frame — RFC 9113 §3.4, §6.
//!
//! A script is read line by line; each non-blank line that does not start with `#` is one
//! [`Command`]. This file turns a line's words (`words.rs`) into a command and says exactly what is
//! wrong with a line that is not one (the line's number and the word at fault); `run.rs` carries
//! the commands out, and `expect.rs` holds what an `expect` line may ask of a frame.
//!
//! The `--help` text of `h2lab-client` ([`HELP`]) lists every command with an example.

use std::fmt;
use std::path::Path;
use std::time::Duration;

use super::expect::Expectation;
use super::words::{
    duration, error_code, field, frame_type, hex, number, octet, octets, option_value, positive,
    setting_id, split_assignment, tokens, weight_octet, Words,
};
use crate::error::ErrorCode;
use crate::frame::{FrameType, PrioritySpec, SettingId, MAX_WINDOW_SIZE};

/// Every command with an example: the `--help` of `h2lab-client` and the reference of the language.
pub const HELP: &str = "\
Commands (one a line; # starts a comment; \"…\" quotes a value, with \\\" \\\\ \\r \\n \\t \\xNN):

  preface                                  the 24-octet client preface (only with option manual)
  settings [ack] [NAME=VALUE…]             SETTINGS; NAME is header_table_size, enable_push,
                                           max_concurrent_streams, initial_window_size,
                                           max_frame_size, max_header_list_size or a number
      settings initial_window_size=0 max_frame_size=16384
      settings ack
  headers STREAM [FLAGS] [NAME=VALUE…]     a request's header block, encoded with HPACK; the
                                           pseudo-header fields left out come from the URL
                                           (:method GET, :scheme, :authority, :path); FLAGS:
                                           end_stream, no_end_headers, no_defaults (send exactly
                                           the fields given), split=N (HEADERS + CONTINUATION
                                           frames of N octets of block), pad=N, depends=S,
                                           weight=W, exclusive; a field named like a flag is
                                           written quoted: \"split\"=x
      headers 1 end_stream :method=GET :path=/
      headers 3 :method=POST :path=/_h2lab/echo split=40
      headers 5 no_end_headers :method=GET :path=/
  continuation STREAM [end_headers] [NAME=VALUE…]    more of an open header block
      continuation 5 end_headers x-more=1
  data STREAM [end_stream] [whole] [pad=N] [PAYLOAD]   DATA, cut to the server's
                                           SETTINGS_MAX_FRAME_SIZE unless whole (or padded);
                                           the client does not wait for window: that is yours
      data 3 end_stream \"hello\"
      data 3 size=20000
      data 3 size=20000 whole
      data 3 @file.bin
  window_update STREAM INCREMENT           WINDOW_UPDATE; stream 0 is the connection
      window_update 0 1000
  ping [ack] [PAYLOAD]                     PING with exactly 8 octets (default 8 zeros)
      ping \"h2lab-01\"
  rst_stream STREAM CODE                   RST_STREAM; CODE is a name or a number
      rst_stream 1 cancel
  priority STREAM depends=S [weight=W] [exclusive]    PRIORITY (weight 1..=256, default 16)
      priority 5 depends=3 weight=16
  goaway LAST_STREAM CODE [PAYLOAD]        GOAWAY with debug data
      goaway 0 no_error \"bye\"
  frame type=T [flags=F] [stream=S] [PAYLOAD]   any frame, of any type, as given
      frame type=0xfa flags=0x0 stream=0 \"cafe\"
  raw HEX…                                 any octets at all (spaces between digits are ignored)
      raw 000007 06 00 00000000 00000000000000
  get PATH [NAME=VALUE…] [within=D]        a GET on the next stream, then wait for its end
      get /index.html
  wait DURATION                            read and print for that long
  wait end STREAM [within=D]               until the stream ends (END_STREAM or RST_STREAM)
  wait goaway [within=D]                   until a GOAWAY arrives
  wait close [within=D]                    until the server closes the connection
      wait 200ms        wait end 1        wait goaway
  expect [no] KIND [STREAM] [WORDS…] [NAME=VALUE…] [PAYLOAD] [within=D]
                                           wait for the first frame of that kind that matches
                                           (frames that arrive meanwhile are printed); KIND is a
                                           frame type; WORDS are flags (end_stream, end_headers,
                                           padded, priority, ack) and error codes; NAME=VALUE
                                           are header fields (headers, push_promise), settings
                                           (settings), length=N (data), increment=N
                                           (window_update), last_stream=N (goaway); PAYLOAD is
                                           PING data or GOAWAY debug data; settings and ping
                                           without ack match frames without ACK; no: that no such
                                           frame arrives within the time; expect close: that the
                                           server closes the connection; expect error CODE: that
                                           what the server sent is a connection error CODE for
                                           the client (a frame too large, malformed, or a header
                                           block it cannot decode), after which it reads no more
      expect headers 1 :status=200
      expect rst_stream 3 protocol_error
      expect goaway frame_size_error
      expect window_update 1 increment=32
      expect no data 1 within=300ms
      expect error frame_size_error
  reconnect                                close this connection and open a new one
  option manual                            send nothing by itself: no preface and SETTINGS at
                                           the start, no ACK of SETTINGS or PING, no
                                           WINDOW_UPDATE (before the first frame only)
  option flow=manual                       no WINDOW_UPDATE by itself (flow=auto: the default)
  option hpack                             show how each header field was coded (hpack=off)
  option timeout=D                         how long expect, wait and get wait (default 2s)

PAYLOAD is \"text\", hex=CAFE, size=N (N octets) or @FILE (relative to the script's folder).
";

/// One command of a script, as parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `option …`: how the client behaves from here on.
    Option(Setting),
    /// `preface`: the client connection preface (RFC 9113 §3.4).
    Preface,
    /// `settings …` (§6.5).
    Settings {
        /// The ACK flag.
        ack: bool,
        /// The parameters, in order.
        params: Vec<(SettingId, u32)>,
    },
    /// `headers …` (§6.2, and §6.10 when split).
    Headers(HeadersCommand),
    /// `continuation …` (§6.10).
    Continuation {
        /// The stream.
        stream: u32,
        /// The END_HEADERS flag.
        end_headers: bool,
        /// The fields, encoded as the next fragment of the open block.
        fields: Vec<(Vec<u8>, Vec<u8>)>,
    },
    /// `data …` (§6.1).
    Data {
        /// The stream.
        stream: u32,
        /// The END_STREAM flag, on the last frame.
        end_stream: bool,
        /// One frame, whatever its size.
        whole: bool,
        /// Padding octets (§6.1); implies one frame.
        pad: Option<u8>,
        /// The content.
        payload: Vec<u8>,
    },
    /// `window_update STREAM INCREMENT` (§6.9).
    WindowUpdate {
        /// The stream; 0 for the connection.
        stream: u32,
        /// The increment, 0 allowed (to break the rule on purpose).
        increment: u32,
    },
    /// `ping …` (§6.7).
    Ping {
        /// The ACK flag.
        ack: bool,
        /// The opaque data.
        data: [u8; 8],
    },
    /// `rst_stream STREAM CODE` (§6.4).
    RstStream {
        /// The stream.
        stream: u32,
        /// The error code.
        code: ErrorCode,
    },
    /// `priority STREAM depends=S …` (§6.3).
    Priority {
        /// The stream.
        stream: u32,
        /// Dependency, weight and exclusivity.
        spec: PrioritySpec,
    },
    /// `goaway LAST CODE [DEBUG]` (§6.8).
    GoAway {
        /// Last-Stream-ID.
        last_stream: u32,
        /// The error code.
        code: ErrorCode,
        /// Additional debug data.
        debug: Vec<u8>,
    },
    /// `frame type=… flags=… stream=… PAYLOAD`: any frame, as given (§4.1).
    Frame {
        /// The type.
        kind: FrameType,
        /// The flags octet.
        flags: u8,
        /// The stream identifier, all 32 bits.
        stream: u32,
        /// The payload.
        payload: Vec<u8>,
    },
    /// `raw HEX…`: octets as they are.
    Raw(Vec<u8>),
    /// `get PATH`: a GET on the next stream, then wait for its end.
    Get {
        /// `:path`.
        path: Vec<u8>,
        /// More fields after the pseudo-header fields.
        fields: Vec<(Vec<u8>, Vec<u8>)>,
        /// How long to wait for the end; `None`: the script's timeout.
        within: Option<Duration>,
    },
    /// `wait …`.
    Wait(Wait),
    /// `expect …`.
    Expect(Expectation),
    /// `reconnect`: a new connection to the same URL.
    Reconnect,
}

/// What `headers` sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeadersCommand {
    /// The stream.
    pub stream: u32,
    /// The fields as given, in order.
    pub fields: Vec<(Vec<u8>, Vec<u8>)>,
    /// Whether to add the pseudo-header fields left out, from the URL.
    pub defaults: bool,
    /// The END_STREAM flag.
    pub end_stream: bool,
    /// The END_HEADERS flag on the last frame (else a `continuation` must follow).
    pub end_headers: bool,
    /// Cut the block into fragments of this many octets: HEADERS, then CONTINUATION frames.
    pub split: Option<usize>,
    /// Padding octets on HEADERS (§6.2).
    pub pad: Option<u8>,
    /// The priority fields of HEADERS (§6.2, deprecated by §5.3.2 but still on the wire).
    pub priority: Option<PrioritySpec>,
}

/// `option …`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    /// `option manual`: nothing is sent unless a line says so.
    Manual,
    /// `option flow=manual|auto`: whether received DATA is given back with WINDOW_UPDATE.
    AutoWindowUpdate(bool),
    /// `option hpack[=off]`: whether header fields show their HPACK representation.
    Hpack(bool),
    /// `option timeout=D`: the default wait of `expect`, `wait` and `get`.
    Timeout(Duration),
}

/// `wait …`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// `wait DURATION`: read and print for that long.
    For(Duration),
    /// `wait end STREAM`: until the server ends the stream or it is reset.
    End {
        /// The stream.
        stream: u32,
        /// How long at most; `None`: the script's timeout.
        within: Option<Duration>,
    },
    /// `wait goaway`: until a GOAWAY arrives.
    GoAway {
        /// How long at most.
        within: Option<Duration>,
    },
    /// `wait close`: until the server closes the connection.
    Close {
        /// How long at most.
        within: Option<Duration>,
    },
}

/// A line of the script that is not a command: its number and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptError {
    /// The line number, from 1.
    pub line: usize,
    /// What is wrong, naming the word at fault.
    pub message: String,
}

impl fmt::Display for ScriptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// The command on `text`, line `line` of a script in folder `base` (where `@FILE` payloads are
/// read from); `None` for a blank or comment line.
pub fn parse_line(line: usize, text: &str, base: &Path) -> Result<Option<Command>, ScriptError> {
    let words = tokens(text).map_err(|message| ScriptError { line, message })?;
    let Some((name, rest)) = words.split_first() else {
        return Ok(None);
    };
    command(name, rest, base)
        .map(Some)
        .map_err(|message| ScriptError { line, message })
}

/// The command `name` with its words.
fn command(name: &str, words: &[String], base: &Path) -> Result<Command, String> {
    let mut words = Words::new(words, base);
    let command = match name.to_ascii_lowercase().as_str() {
        "option" => Command::Option(option(&mut words)?),
        "preface" => Command::Preface,
        "settings" => settings(&mut words)?,
        "headers" => Command::Headers(headers(&mut words)?),
        "continuation" => continuation(&mut words)?,
        "data" => data(&mut words)?,
        "window_update" => Command::WindowUpdate {
            stream: words.stream()?,
            increment: words.number_up_to("the increment", MAX_WINDOW_SIZE)?,
        },
        "ping" => ping(&mut words)?,
        "rst_stream" => Command::RstStream {
            stream: words.stream()?,
            code: error_code(&words.next("an error code")?)?,
        },
        "priority" => priority_command(&mut words)?,
        "goaway" => Command::GoAway {
            last_stream: words.stream()?,
            code: error_code(&words.next("an error code")?)?,
            debug: words.payload()?.unwrap_or_default(),
        },
        "frame" => frame(&mut words)?,
        "raw" => Command::Raw(hex(&words.rest().concat())?),
        "get" => get(&mut words)?,
        "wait" => Command::Wait(wait(&mut words)?),
        "expect" => Command::Expect(Expectation::parse(&mut words)?),
        "reconnect" => Command::Reconnect,
        other => {
            return Err(format!(
                "unknown command {other:?} (h2lab-client --help lists them)"
            ))
        }
    };
    words.finish()?;
    Ok(command)
}

fn option(words: &mut Words<'_>) -> Result<Setting, String> {
    let word = words.next("an option: manual, flow=manual, hpack or timeout=D")?;
    let (name, value) = match word.split_once('=') {
        Some((name, value)) => (name, Some(value)),
        None => (word.as_str(), None),
    };
    match (name, value) {
        ("manual", None) => Ok(Setting::Manual),
        ("flow", Some("manual")) => Ok(Setting::AutoWindowUpdate(false)),
        ("flow", Some("auto")) => Ok(Setting::AutoWindowUpdate(true)),
        ("hpack", None | Some("on")) => Ok(Setting::Hpack(true)),
        ("hpack", Some("off")) => Ok(Setting::Hpack(false)),
        ("timeout", Some(value)) => Ok(Setting::Timeout(duration(value)?)),
        _ => Err(format!(
            "unknown option {word:?}: manual, flow=manual, flow=auto, hpack, hpack=off or \
             timeout=D"
        )),
    }
}

fn settings(words: &mut Words<'_>) -> Result<Command, String> {
    let ack = words.flag("ack");
    let mut params = Vec::new();
    while let Some(word) = words.peek() {
        let (name, value) = split_assignment(word)
            .ok_or_else(|| format!("{word:?} is not NAME=VALUE (a setting and its value)"))?;
        let id = setting_id(&name)?;
        params.push((id, number(&value, "a setting's value")?));
        words.skip();
    }
    Ok(Command::Settings { ack, params })
}

fn headers(words: &mut Words<'_>) -> Result<HeadersCommand, String> {
    let mut command = HeadersCommand {
        stream: words.stream()?,
        fields: Vec::new(),
        defaults: true,
        end_stream: false,
        end_headers: true,
        split: None,
        pad: None,
        priority: None,
    };
    let mut depends = None;
    let mut weight = None;
    let mut exclusive = false;
    while let Some(word) = words.peek().cloned() {
        words.skip();
        match word.as_str() {
            "end_stream" => command.end_stream = true,
            "end_headers" => command.end_headers = true,
            "no_end_headers" => command.end_headers = false,
            "no_defaults" => command.defaults = false,
            "exclusive" => exclusive = true,
            _ => match option_value(&word, &["split", "pad", "depends", "weight"]) {
                Some(("split", value)) => {
                    command.split = Some(positive(value, "split")? as usize);
                }
                Some(("pad", value)) => command.pad = Some(octet(value, "pad")?),
                Some(("depends", value)) => depends = Some(number(value, "depends")?),
                Some(("weight", value)) => weight = Some(weight_octet(value)?),
                _ => command.fields.push(field(&word)?),
            },
        }
    }
    if depends.is_some() || weight.is_some() || exclusive {
        command.priority = Some(PrioritySpec {
            exclusive,
            dependency: depends.unwrap_or(0),
            weight: weight.unwrap_or(DEFAULT_WEIGHT),
        });
    }
    Ok(command)
}

/// The weight octet of a priority when none is given: 15, a weight of 16 (RFC 9113 §5.3.2).
const DEFAULT_WEIGHT: u8 = 0xf;

fn continuation(words: &mut Words<'_>) -> Result<Command, String> {
    let stream = words.stream()?;
    let end_headers = words.flag("end_headers");
    let mut fields = Vec::new();
    while let Some(word) = words.peek().cloned() {
        words.skip();
        fields.push(field(&word)?);
    }
    Ok(Command::Continuation {
        stream,
        end_headers,
        fields,
    })
}

fn data(words: &mut Words<'_>) -> Result<Command, String> {
    let stream = words.stream()?;
    let mut end_stream = false;
    let mut whole = false;
    let mut pad = None;
    let mut payload = None;
    while let Some(word) = words.peek().cloned() {
        if word == "end_stream" {
            end_stream = true;
        } else if word == "whole" {
            whole = true;
        } else if let Some((_, value)) = option_value(&word, &["pad"]) {
            pad = Some(octet(value, "pad")?);
        } else if payload.is_none() {
            payload = words.payload()?;
            if payload.is_none() {
                break;
            }
            continue;
        } else {
            break;
        }
        words.skip();
    }
    Ok(Command::Data {
        stream,
        end_stream,
        whole,
        pad,
        payload: payload.unwrap_or_default(),
    })
}

fn ping(words: &mut Words<'_>) -> Result<Command, String> {
    let ack = words.flag("ack");
    let payload = words.payload()?.unwrap_or_else(|| vec![0x0; 8]);
    // RFC 9113 §6.7: "PING frames MUST contain 8 octets of opaque data in the frame payload."
    let data = <[u8; 8]>::try_from(payload.as_slice()).map_err(|_| {
        format!(
            "a PING carries exactly 8 octets (RFC 9113 §6.7), not {}; `raw` sends any length",
            payload.len()
        )
    })?;
    Ok(Command::Ping { ack, data })
}

fn priority_command(words: &mut Words<'_>) -> Result<Command, String> {
    let stream = words.stream()?;
    let mut spec = PrioritySpec {
        exclusive: false,
        dependency: 0,
        weight: DEFAULT_WEIGHT,
    };
    let mut depends = false;
    while let Some(word) = words.peek().cloned() {
        words.skip();
        match (word.as_str(), option_value(&word, &["depends", "weight"])) {
            ("exclusive", _) => spec.exclusive = true,
            (_, Some(("depends", value))) => {
                spec.dependency = number(value, "depends")?;
                depends = true;
            }
            (_, Some(("weight", value))) => spec.weight = weight_octet(value)?,
            _ => {
                return Err(format!(
                    "{word:?}: priority takes depends=S, weight=W, exclusive"
                ))
            }
        }
    }
    if !depends {
        return Err("priority needs depends=S (the stream it depends on, 0 for none)".into());
    }
    Ok(Command::Priority { stream, spec })
}

fn frame(words: &mut Words<'_>) -> Result<Command, String> {
    let mut kind = None;
    let mut flags = 0;
    let mut stream = 0;
    while let Some(word) = words.peek().cloned() {
        match option_value(&word, &["type", "flags", "stream"]) {
            Some(("type", value)) => kind = Some(frame_type(value)?),
            Some(("flags", value)) => flags = octet(value, "flags")?,
            Some(("stream", value)) => stream = number(value, "stream")?,
            _ => break,
        }
        words.skip();
    }
    let kind = kind.ok_or("frame needs type=T (a number, or a name such as ping)")?;
    Ok(Command::Frame {
        kind,
        flags,
        stream,
        payload: words.payload()?.unwrap_or_default(),
    })
}

fn get(words: &mut Words<'_>) -> Result<Command, String> {
    let path = octets(&words.next("a path")?)?;
    let mut fields = Vec::new();
    let mut within = None;
    while let Some(word) = words.peek().cloned() {
        words.skip();
        match option_value(&word, &["within"]) {
            Some((_, value)) => within = Some(duration(value)?),
            None => fields.push(field(&word)?),
        }
    }
    Ok(Command::Get {
        path,
        fields,
        within,
    })
}

fn wait(words: &mut Words<'_>) -> Result<Wait, String> {
    let what = words.next("a duration, end STREAM, goaway or close")?;
    let wait = match what.as_str() {
        "end" => Wait::End {
            stream: words.stream()?,
            within: words.within()?,
        },
        "goaway" => Wait::GoAway {
            within: words.within()?,
        },
        "close" => Wait::Close {
            within: words.within()?,
        },
        _ => Wait::For(duration(&what)?),
    };
    Ok(wait)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Command, String> {
        parse_line(7, text, Path::new("."))
            .map(|command| command.expect("a command"))
            .map_err(|e| e.to_string())
    }

    fn fields(pairs: &[(&str, &str)]) -> Vec<(Vec<u8>, Vec<u8>)> {
        pairs
            .iter()
            .map(|(n, v)| (n.as_bytes().to_vec(), v.as_bytes().to_vec()))
            .collect()
    }

    #[test]
    fn blank_and_comment_lines_are_no_command() {
        assert_eq!(parse_line(1, "", Path::new(".")), Ok(None));
        assert_eq!(parse_line(2, "# lesson", Path::new(".")), Ok(None));
    }

    #[test]
    fn settings_take_names_in_any_spelling_or_numbers() {
        assert_eq!(
            parse("settings initial_window_size=0 SETTINGS_MAX_FRAME_SIZE=16384 0x99=1"),
            Ok(Command::Settings {
                ack: false,
                params: vec![
                    (SettingId::INITIAL_WINDOW_SIZE, 0),
                    (SettingId::MAX_FRAME_SIZE, 0x4000),
                    (SettingId(0x99), 1),
                ],
            })
        );
        assert_eq!(
            parse("settings ack"),
            Ok(Command::Settings {
                ack: true,
                params: Vec::new()
            })
        );
    }

    #[test]
    fn headers_take_flags_options_and_fields_in_order() {
        let Ok(Command::Headers(headers)) =
            parse(r#"headers 3 :method=POST :path=/_h2lab/echo split=40 "split"=x x-a="1 2""#)
        else {
            panic!("headers");
        };
        assert_eq!(headers.stream, 3);
        assert_eq!(headers.split, Some(40));
        assert!(headers.defaults && headers.end_headers && !headers.end_stream);
        assert_eq!(
            headers.fields,
            fields(&[
                (":method", "POST"),
                (":path", "/_h2lab/echo"),
                ("split", "x"),
                ("x-a", "1 2")
            ])
        );
        let Ok(Command::Headers(open)) = parse("headers 5 no_end_headers end_stream :path=/")
        else {
            panic!("headers");
        };
        assert!(!open.end_headers && open.end_stream);
    }

    #[test]
    fn headers_priority_is_built_from_its_parts() {
        let Ok(Command::Headers(headers)) = parse("headers 5 depends=3 weight=256 exclusive")
        else {
            panic!("headers");
        };
        assert_eq!(
            headers.priority,
            Some(PrioritySpec {
                exclusive: true,
                dependency: 3,
                weight: 0xff
            })
        );
    }

    #[test]
    fn data_payloads_are_text_hex_size_or_nothing() {
        let data = |text| match parse(text) {
            Ok(Command::Data {
                payload,
                end_stream,
                whole,
                ..
            }) => (payload, end_stream, whole),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            data(r#"data 3 end_stream "hello""#),
            (b"hello".to_vec(), true, false)
        );
        assert_eq!(data("data 3 size=4 whole"), (b"aaaa".to_vec(), false, true));
        assert_eq!(data("data 3 hex=cafe"), (vec![0xca, 0xfe], false, false));
        assert_eq!(data("data 3 end_stream"), (Vec::new(), true, false));
    }

    #[test]
    fn a_file_payload_is_read_from_the_scripts_folder() {
        let folder = std::env::temp_dir().join(format!("h2lab-script-{}", std::process::id()));
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("body.bin"), b"octets").unwrap();
        let command = parse_line(1, "data 1 @body.bin", &folder);
        std::fs::remove_dir_all(&folder).unwrap();
        assert!(matches!(command, Ok(Some(Command::Data { payload, .. })) if payload == b"octets"));
        let missing = parse_line(4, "data 1 @missing.bin", Path::new("/nonexistent"));
        assert!(missing
            .unwrap_err()
            .to_string()
            .starts_with("line 4: cannot read"));
    }

    #[test]
    fn the_examples_of_the_help_all_parse() {
        let examples = HELP
            .lines()
            .filter(|line| line.starts_with("      ") && !line.starts_with("       "))
            .flat_map(|line| line.split("        "))
            .map(str::trim)
            .filter(|example| !example.is_empty());
        let folder = std::env::temp_dir().join(format!("h2lab-help-{}", std::process::id()));
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("file.bin"), b"octets").unwrap();
        let mut count = 0;
        for example in examples {
            let parsed = parse_line(1, example, &folder);
            assert!(matches!(parsed, Ok(Some(_))), "{example}: {parsed:?}");
            count += 1;
        }
        std::fs::remove_dir_all(&folder).unwrap();
        assert!(count >= 25, "{count} examples");
    }

    #[test]
    fn ping_needs_eight_octets() {
        assert_eq!(
            parse(r#"ping "h2lab-01""#),
            Ok(Command::Ping {
                ack: false,
                data: *b"h2lab-01"
            })
        );
        let error = parse(r#"ping "short""#).unwrap_err();
        assert!(
            error.contains("exactly 8 octets (RFC 9113 §6.7), not 5"),
            "{error}"
        );
    }

    #[test]
    fn raw_octets_ignore_the_spaces_between_digits() {
        assert_eq!(
            parse("raw 000007 06 00 00000000 00000000000000"),
            Ok(Command::Raw(vec![
                0x00, 0x00, 0x07, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                0x00, 0x00
            ]))
        );
        assert!(parse("raw 0").unwrap_err().contains("odd number"));
    }

    #[test]
    fn errors_name_the_line_and_the_word() {
        assert_eq!(
            parse("fly 3").unwrap_err(),
            "line 7: unknown command \"fly\" (h2lab-client --help lists them)"
        );
        assert_eq!(
            parse("rst_stream 1 cancel now").unwrap_err(),
            "line 7: unexpected \"now\""
        );
        assert_eq!(
            parse("window_update x 1").unwrap_err(),
            "line 7: \"x\" is not a stream number (a number, decimal or 0x hex)"
        );
        assert!(parse("wait soon").unwrap_err().contains("not a duration"));
    }
}
