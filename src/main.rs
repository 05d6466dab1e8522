//! The `h2lab` command — turns the command line into a [`Config`] and a ROOT, and serves the
//! application for that ROOT with the server.
//!
//! The contract is in `DESIGN.md` ("Command-line contract"): bad flags or values end the process
//! with status 2 and one line naming the flag.

use std::net::{SocketAddr, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use h2lab::app::App;
use h2lab::frame::SettingId;
use h2lab::server::{Config, Server};
use h2lab::trace::capture;
use h2lab::trace::record;
use logging::BatchLogger;

mod logging;

const HELP: &str = "\
h2lab — an HTTP/2 server to read, run and watch

Usage: h2lab [OPTIONS] [ROOT]

Serves the files under ROOT (default: the current folder) over HTTP/2, on one port:
TLS with ALPN h2, and cleartext HTTP/2 with prior knowledge (h2c). A client that speaks
HTTP/1.1 gets a short answer saying how to come back over HTTP/2.

Options:
  -l, --listen ADDR               address to listen on [default: 127.0.0.1:8443]; port 0 picks
                                  a free port (the line printed at start names it)
      --cert FILE --key FILE      PEM certificate chain (leaf first) and PKCS#8 PEM key, both or
                                  neither [default: the development certificate for localhost,
                                  127.0.0.1 and ::1, embedded from certs/]
      --max-concurrent-streams N  SETTINGS_MAX_CONCURRENT_STREAMS we advertise, at most 1000
                                  [default: 128]
      --initial-window-size N     SETTINGS_INITIAL_WINDOW_SIZE, 0..=2147483647 [default: 65535]
      --max-frame-size N          SETTINGS_MAX_FRAME_SIZE, 16384..=16777215 [default: 16384]
      --header-table-size N       SETTINGS_HEADER_TABLE_SIZE, at most 65536 [default: 4096]
      --max-header-list-size N    SETTINGS_MAX_HEADER_LIST_SIZE, at most 1048576 [default: 65536]
      --max-connections N         connections served at once [default: as many as the process
                                  can hold: half of ulimit -n, or less if memory is short];
                                  when full, connections that sent no request yet make room
      --handshake-timeout SECS    the TLS handshake and the client preface must each be done
                                  within SECS of connecting [default: 10]
      --first-request-timeout SECS
                                  the first request must come within SECS of connecting
                                  [default: 30]
      --idle-timeout SECS         close a connection after SECS without progress: no stream
                                  opened or ended, no DATA moved [default: 60]
      --drain-timeout SECS        on SIGINT or SIGTERM, how long open streams may take to
                                  finish [default: 5]; a second signal stops at once
  -v, --verbose                   log every frame sent and received, the preface, each header
                                  field and every error with its RFC section, one line each:
                                  [conn 1] +0.036s recv HEADERS ... (same as RUST_LOG=h2lab=debug)
  -vv                             also each field's HPACK representation, dynamic table
                                  insertions and evictions, stream states, window changes and
                                  streams waiting for window (same as RUST_LOG=h2lab=trace)
      --capture DIR               write each connection's octets (after TLS) to
                                  DIR/conn-N.c2s.hex and DIR/conn-N.s2c.hex, which h2lab-decode
                                  reads; DIR is created if needed
      --no-inspect                do not record connections for the inspector page
      --inspect-connections N     connections the inspector keeps, the latest [default: 32]
      --inspect-events K,M        events the inspector keeps of each connection: its first K
                                  and its last M [default: 200,300]
  -h, --help                      print this help
  -V, --version                   print the version

Built in: /_h2lab/echo (any method) answers with the request as h2lab decoded it, in JSON.
/_h2lab/ is the inspector: open it in a browser to watch the connection it came over, every
frame both ways, and the recent connections of any client (JSON: /_h2lab/connections). It records
a connection's first 100 streams, then 10 a second: a busy connection's other streams are
counted, not shown.

Examples:
  h2lab ./site
  curl --http2 -k https://127.0.0.1:8443/            (-k: do not check the certificate)
  curl --cacert certs/ca.pem https://localhost:8443/  (check it against the development CA)
  curl --http2-prior-knowledge http://127.0.0.1:8443/
  nghttp -v https://127.0.0.1:8443/                  (every frame, both ways)
  h2lab -v --listen 0.0.0.0:8443 --cert site.pem --key site.key .

Trusting the development CA (certs/ca.pem, made by scripts/gen-certs.sh):
  curl: --cacert certs/ca.pem
  Debian/Ubuntu: sudo cp certs/ca.pem /usr/local/share/ca-certificates/h2lab-dev.crt
                 && sudo update-ca-certificates
  Firefox/Chromium: Settings > Certificates > Authorities > Import certs/ca.pem
  The CA key (certs/ca.key) is public: trust it only on a development machine.

Stopping: SIGINT (Ctrl-C) or SIGTERM stops accepting, sends every connection GOAWAY and lets
open streams finish (--drain-timeout); a second signal stops at once.

Exit status: 0 after --help/--version and after a graceful stop; 2 for a bad flag or value
(ROOT, --cert or --key that cannot be read included); 1 when the address cannot be listened on;
128 + the signal's number (130, 143) when a second signal stops it at once.
Logging: RUST_LOG (env_logger syntax) overrides the default filter h2lab=info.
";

/// What the command line asks for.
#[derive(Debug)]
enum Command {
    Serve {
        /// Boxed: it is much larger than the other variants.
        config: Box<Config>,
        root: PathBuf,
        /// How many `-v`: 0, 1 (frames) or 2 and more (HPACK, states, windows).
        verbose: u8,
    },
    Help,
    Version,
}

fn main() -> ExitCode {
    let command = match parse(std::env::args().skip(1)) {
        Ok(command) => command,
        Err(message) => {
            eprintln!("h2lab: {message} (see h2lab --help)");
            return ExitCode::from(2);
        }
    };
    match command {
        Command::Help => {
            print!("{HELP}");
            ExitCode::SUCCESS
        }
        Command::Version => {
            println!("h2lab {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        Command::Serve {
            config,
            root,
            verbose,
        } => {
            if let Err(e) = init_logging(verbose) {
                eprintln!("h2lab: cannot start the log: {e}");
                return ExitCode::from(1);
            }
            let status = serve(*config, &root);
            // The lines still waiting for their batch, before the process ends.
            log::logger().flush();
            status
        }
    }
}

/// Logs at `h2lab=info`, unless RUST_LOG says otherwise; `-v` adds every frame (debug), `-vv`
/// the details (trace). The lines go to stderr in batches (`logging.rs`).
fn init_logging(verbose: u8) -> std::io::Result<()> {
    let mut filter = env_logger::Builder::new();
    filter.parse_filters("h2lab=info");
    if let Ok(filters) = std::env::var("RUST_LOG") {
        filter.parse_filters(&filters);
    }
    match verbose {
        0 => {}
        1 => {
            filter.parse_filters("h2lab=debug");
        }
        _ => {
            filter.parse_filters("h2lab=trace");
        }
    }
    BatchLogger::install(filter.build())
}

/// Prints `line` on stderr after the log lines still waiting for their batch, so that the two
/// keep their order.
fn say(line: &str) {
    log::logger().flush();
    eprintln!("{line}");
}

/// Serves the files under `root` until SIGINT or SIGTERM; prints the line
/// `h2lab: serving ROOT on https://ADDR/ (and h2c on the same port)` once it listens.
fn serve(config: Config, root: &Path) -> ExitCode {
    if let Some(dir) = &config.capture {
        if let Err(e) = capture::check_dir(dir) {
            say(&format!("h2lab: --capture {}: {e}", dir.display()));
            return ExitCode::from(2);
        }
    }
    let app = match App::new(root.to_path_buf()) {
        Ok(app) => app,
        Err(e) => {
            say(&format!("h2lab: ROOT {}: {e}", root.display()));
            return ExitCode::from(2);
        }
    };
    let server = match Server::bind(config) {
        Ok(server) => server,
        Err(e) => {
            say(&format!("h2lab: {e}"));
            return ExitCode::from(e.exit_status() as u8);
        }
    };
    if let Err(e) = server.stop_on_signals() {
        say(&format!("h2lab: cannot listen for SIGINT and SIGTERM: {e}"));
        return ExitCode::from(1);
    }
    say(&format!(
        "h2lab: serving {} on https://{}/ (and h2c on the same port)",
        app.root().display(),
        server.addr()
    ));
    let app = app.with_record(server.record());
    server.serve(Arc::new(app));
    ExitCode::SUCCESS
}

/// What the flags and operands read so far ask for.
#[derive(Default)]
struct Draft {
    config: Config,
    verbose: u8,
    root: Option<PathBuf>,
    cert: Option<PathBuf>,
    key: Option<PathBuf>,
    /// What the inspector keeps, unless `--no-inspect`.
    inspect: record::Limits,
    no_inspect: bool,
    /// After `--`, every argument is ROOT.
    only_operands: bool,
}

/// The command line (without the program name) as a [`Command`], or the one-line message for a
/// bad flag or value, which names the flag.
fn parse(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut draft = Draft::default();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if draft.only_operands || !arg.starts_with('-') || arg == "-" {
            draft.operand(arg)?;
            continue;
        }
        // `--flag=value` is the same as `--flag value`.
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_string(), Some(value.to_string()))
            }
            _ => (arg.clone(), None),
        };
        if inline.is_some()
            && matches!(
                flag.as_str(),
                "--help" | "--version" | "--verbose" | "-vv" | "--no-inspect" | "--"
            )
        {
            return Err(format!("{flag} takes no value"));
        }
        let value = |what: &str| match inline.clone().or_else(|| args.next()) {
            Some(v) => Ok(v),
            None => Err(format!("{flag} needs a value ({what})")),
        };
        if let Some(command) = draft.flag(&flag, value)? {
            return Ok(command);
        }
    }
    draft.finish()
}

impl Draft {
    /// ROOT: one at most.
    fn operand(&mut self, arg: String) -> Result<(), String> {
        if self.root.is_some() {
            return Err(format!("one ROOT only, and {arg:?} is a second"));
        }
        self.root = Some(PathBuf::from(arg));
        Ok(())
    }

    /// One flag, `value` giving its value where it takes one; `Some` for a flag that is the
    /// whole command (help, version).
    fn flag(
        &mut self,
        flag: &str,
        mut value: impl FnMut(&str) -> Result<String, String>,
    ) -> Result<Option<Command>, String> {
        let config = &mut self.config;
        let settings = &mut config.settings;
        match flag {
            "--" => self.only_operands = true,
            "-h" | "--help" => return Ok(Some(Command::Help)),
            "-V" | "--version" => return Ok(Some(Command::Version)),
            "-v" | "--verbose" => self.verbose = self.verbose.saturating_add(1),
            "-vv" => self.verbose = self.verbose.saturating_add(2),
            "--capture" => config.capture = Some(PathBuf::from(value("DIR")?)),
            "--no-inspect" => self.no_inspect = true,
            "--inspect-connections" => {
                self.inspect.connections = parse_positive(flag, &value("N")?)? as usize;
            }
            "--inspect-events" => {
                let (first, last) = parse_pair(flag, &value("K,M")?)?;
                self.inspect.first_events = first;
                self.inspect.last_events = last;
            }
            "-l" | "--listen" => config.listen = parse_listen(flag, &value("ADDR")?)?,
            "--cert" => self.cert = Some(PathBuf::from(value("FILE")?)),
            "--key" => self.key = Some(PathBuf::from(value("FILE")?)),
            "--max-connections" => {
                config.max_connections = Some(parse_positive(flag, &value("N")?)? as usize);
            }
            "--handshake-timeout" => config.handshake_timeout = seconds(flag, &value("SECS")?)?,
            "--first-request-timeout" => {
                config.first_request_timeout = seconds(flag, &value("SECS")?)?;
            }
            "--idle-timeout" => config.idle_timeout = seconds(flag, &value("SECS")?)?,
            "--drain-timeout" => config.drain_timeout = seconds(flag, &value("SECS")?)?,
            "--header-table-size" => {
                let size = setting(flag, SettingId::HEADER_TABLE_SIZE, &value("N")?)?;
                settings.header_table_size = at_most(flag, size, MAX_HEADER_TABLE_SIZE)?;
            }
            "--max-concurrent-streams" => {
                let streams = setting(flag, SettingId::MAX_CONCURRENT_STREAMS, &value("N")?)?;
                settings.max_concurrent_streams = at_most(flag, streams, MAX_CONCURRENT_STREAMS)?;
            }
            "--initial-window-size" => {
                settings.initial_window_size =
                    setting(flag, SettingId::INITIAL_WINDOW_SIZE, &value("N")?)?;
            }
            "--max-frame-size" => {
                settings.max_frame_size = setting(flag, SettingId::MAX_FRAME_SIZE, &value("N")?)?;
            }
            "--max-header-list-size" => {
                let size = setting(flag, SettingId::MAX_HEADER_LIST_SIZE, &value("N")?)?;
                settings.max_header_list_size = at_most(flag, size, MAX_HEADER_LIST_SIZE)?;
            }
            _ => return Err(format!("{flag}: unknown option")),
        }
        Ok(None)
    }

    /// The command, once every argument is read: `--cert` and `--key` come together.
    fn finish(self) -> Result<Command, String> {
        let mut config = self.config;
        config.inspect = (!self.no_inspect).then_some(self.inspect);
        config.cert_and_key = match (self.cert, self.key) {
            (Some(cert), Some(key)) => Some((cert, key)),
            (None, None) => None,
            (Some(_), None) => return Err("--cert needs --key as well".to_string()),
            (None, Some(_)) => return Err("--key needs --cert as well".to_string()),
        };
        Ok(Command::Serve {
            config: Box::new(config),
            root: self.root.unwrap_or_else(|| PathBuf::from(".")),
            verbose: self.verbose,
        })
    }
}

/// `--listen ADDR`: `IP:PORT`, `[IPv6]:PORT` or `NAME:PORT` (the first address the name has).
fn parse_listen(flag: &str, text: &str) -> Result<SocketAddr, String> {
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Ok(addr);
    }
    let bad =
        |why: String| format!("{flag} {text:?}: {why}; expected IP:PORT such as 127.0.0.1:8443");
    text.to_socket_addrs()
        .map_err(|e| bad(e.to_string()))?
        .next()
        .ok_or_else(|| bad("names no address".to_string()))
}

/// A whole number from 1 up.
fn parse_positive(flag: &str, text: &str) -> Result<u64, String> {
    match text.parse::<u64>() {
        Ok(0) => Err(format!("{flag} 0: must be at least 1")),
        Ok(n) if n <= u64::from(u32::MAX) => Ok(n),
        _ => Err(format!(
            "{flag} {text:?}: expected a whole number from 1 to 4294967295"
        )),
    }
}

/// `K,M`: two whole numbers, either may be 0.
fn parse_pair(flag: &str, text: &str) -> Result<(usize, usize), String> {
    let number = |part: &str| part.trim().parse::<u32>().ok().map(|n| n as usize);
    match text.split_once(',').map(|(k, m)| (number(k), number(m))) {
        Some((Some(k), Some(m))) => Ok((k, m)),
        _ => Err(format!(
            "{flag} {text:?}: expected two whole numbers such as 200,300"
        )),
    }
}

/// The largest SETTINGS_HEADER_TABLE_SIZE we announce: the decoder's table is memory a client fills
/// at will. 64 KiB is sixteen times the default, more than any browser asks for.
const MAX_HEADER_TABLE_SIZE: u32 = 0x1_0000;

/// The largest SETTINGS_MAX_HEADER_LIST_SIZE we announce: 1 MiB of request header fields, far
/// beyond what a real request carries. The header-block limit grows with it (four times it, plus
/// a frame).
const MAX_HEADER_LIST_SIZE: u32 = 0x10_0000;

/// The largest SETTINGS_MAX_CONCURRENT_STREAMS we announce: each stream may hold a response.
const MAX_CONCURRENT_STREAMS: u32 = 1000;

/// A flag's value within the cap h2lab sets on top of the RFC's range.
fn at_most(flag: &str, value: u32, cap: u32) -> Result<u32, String> {
    if value > cap {
        return Err(format!(
            "{flag} {value}: at most {cap}, to bound what one client can make the server hold"
        ));
    }
    Ok(value)
}

/// A duration in whole seconds, from 1 up.
fn seconds(flag: &str, text: &str) -> Result<Duration, String> {
    parse_positive(flag, text).map(Duration::from_secs)
}

/// The value of a SETTINGS flag: a 32-bit number within the range RFC 9113 §6.5.2 gives `id`.
fn setting(flag: &str, id: SettingId, text: &str) -> Result<u32, String> {
    let value: u32 = text
        .parse()
        .map_err(|_| format!("{flag} {text:?}: expected a whole number from 0 to 4294967295"))?;
    id.check(value)
        .map_err(|e| format!("{flag} {value}: must be {} (RFC 9113 §6.5.2)", e.allowed))?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use h2lab::connection::LocalSettings;

    fn parse_line(line: &str) -> Result<Command, String> {
        parse(line.split_whitespace().map(String::from))
    }

    fn config(line: &str) -> Config {
        parsed(line).0
    }

    fn root(line: &str) -> PathBuf {
        parsed(line).1
    }

    fn parsed(line: &str) -> (Config, PathBuf) {
        match parse_line(line) {
            Ok(Command::Serve { config, root, .. }) => (*config, root),
            other => panic!("{line:?} gave {other:?}"),
        }
    }

    fn error(line: &str) -> String {
        parse_line(line).unwrap_err()
    }

    #[test]
    fn no_arguments_serve_the_current_folder_on_port_8443() {
        let config = config("");
        assert_eq!(config.listen, "127.0.0.1:8443".parse().unwrap());
        assert_eq!(root(""), PathBuf::from("."));
        assert!(config.cert_and_key.is_none());
        assert_eq!(config.max_connections, None);
        assert_eq!(config.handshake_timeout, Duration::from_secs(10));
        assert_eq!(config.first_request_timeout, Duration::from_secs(30));
        assert_eq!(config.idle_timeout, Duration::from_secs(60));
        assert_eq!(config.drain_timeout, Duration::from_secs(5));
        assert_eq!(config.settings, LocalSettings::default());
    }

    #[test]
    fn every_flag_sets_its_field() {
        let (config, root) = parsed(
            "-l [::1]:0 --cert c.pem --key k.pem --max-concurrent-streams 7 \
             --initial-window-size 1048576 --max-frame-size 32768 --header-table-size 0 \
             --max-header-list-size 1024 --max-connections 3 --idle-timeout 5 \
             --handshake-timeout 2 --first-request-timeout 4 --drain-timeout 7 site",
        );
        assert_eq!(config.listen, "[::1]:0".parse().unwrap());
        assert_eq!(
            config.cert_and_key,
            Some((PathBuf::from("c.pem"), PathBuf::from("k.pem")))
        );
        assert_eq!(config.settings.max_concurrent_streams, 7);
        assert_eq!(config.settings.initial_window_size, 0x10_0000);
        assert_eq!(config.settings.max_frame_size, 0x8000);
        assert_eq!(config.settings.header_table_size, 0);
        assert_eq!(config.settings.max_header_list_size, 1024);
        assert_eq!(config.max_connections, Some(3));
        assert_eq!(config.idle_timeout, Duration::from_secs(5));
        assert_eq!(config.handshake_timeout, Duration::from_secs(2));
        assert_eq!(config.first_request_timeout, Duration::from_secs(4));
        assert_eq!(config.drain_timeout, Duration::from_secs(7));
        assert_eq!(root, PathBuf::from("site"));
    }

    #[test]
    fn flag_equals_value_is_the_same_as_two_words() {
        assert_eq!(config("--listen=127.0.0.1:9000").listen.port(), 9000);
    }

    #[test]
    fn verbose_help_and_version_are_recognised_in_both_spellings() {
        assert!(matches!(
            parse_line("-v"),
            Ok(Command::Serve { verbose: 1, .. })
        ));
        assert!(matches!(
            parse_line("--verbose ."),
            Ok(Command::Serve { verbose: 1, .. })
        ));
        assert!(matches!(
            parse_line("-vv"),
            Ok(Command::Serve { verbose: 2, .. })
        ));
        assert!(matches!(
            parse_line("-v -v"),
            Ok(Command::Serve { verbose: 2, .. })
        ));
        assert!(matches!(
            parse_line(""),
            Ok(Command::Serve { verbose: 0, .. })
        ));
        assert!(matches!(parse_line("-h"), Ok(Command::Help)));
        assert_eq!(error("--port 1 --help"), "--port: unknown option");
        assert!(matches!(parse_line(". --help"), Ok(Command::Help)));
        assert!(matches!(parse_line("-V"), Ok(Command::Version)));
        assert!(matches!(parse_line("--version"), Ok(Command::Version)));
    }

    #[test]
    fn max_frame_size_below_16384_names_the_flag() {
        let message = error("--max-frame-size 16383");
        assert!(message.starts_with("--max-frame-size 16383: "), "{message}");
    }

    #[test]
    fn an_out_of_range_setting_is_explained_by_the_rfc_range() {
        assert_eq!(
            error("--max-frame-size 16383"),
            "--max-frame-size 16383: must be 16384..=16777215 (2^14..=2^24-1) (RFC 9113 §6.5.2)"
        );
    }

    #[test]
    fn max_frame_size_above_2_to_the_24_minus_1_names_the_flag() {
        assert!(error("--max-frame-size 16777216").starts_with("--max-frame-size 16777216: "));
        assert!(config("--max-frame-size 16777215").settings.max_frame_size == 0xff_ffff);
    }

    #[test]
    fn initial_window_size_above_2_to_the_31_minus_1_names_the_flag() {
        assert!(error("--initial-window-size 2147483648")
            .starts_with("--initial-window-size 2147483648: "));
        assert_eq!(
            config("--initial-window-size 2147483647")
                .settings
                .initial_window_size,
            0x7fff_ffff
        );
    }

    #[test]
    fn settings_that_size_what_a_client_makes_us_hold_are_capped() {
        assert_eq!(
            error("--header-table-size 4294967295"),
            "--header-table-size 4294967295: at most 65536, to bound what one client can make the \
             server hold"
        );
        assert!(error("--max-header-list-size 4294967295")
            .starts_with("--max-header-list-size 4294967295: at most 1048576,"));
        assert!(error("--max-concurrent-streams 1001")
            .starts_with("--max-concurrent-streams 1001: at most 1000,"));
        let largest =
            config("--header-table-size 65536 --max-header-list-size 1048576 --max-concurrent-streams 1000");
        assert_eq!(largest.settings.header_table_size, 0x1_0000);
        assert_eq!(largest.settings.max_header_list_size, 0x10_0000);
        assert_eq!(largest.settings.max_concurrent_streams, 1000);
    }

    #[test]
    fn a_setting_that_is_not_a_32_bit_number_names_the_flag() {
        assert!(error("--header-table-size 4294967296").starts_with("--header-table-size "));
        assert!(error("--max-header-list-size -1").starts_with("--max-header-list-size "));
        assert!(error("--max-concurrent-streams ten").starts_with("--max-concurrent-streams "));
    }

    #[test]
    fn a_missing_value_names_the_flag() {
        assert_eq!(error("--listen"), "--listen needs a value (ADDR)");
        assert_eq!(
            error("--idle-timeout"),
            "--idle-timeout needs a value (SECS)"
        );
    }

    #[test]
    fn a_bad_address_names_the_flag() {
        assert!(error("--listen nonsense").starts_with("--listen \"nonsense\": "));
        assert!(error("-l 127.0.0.1").starts_with("-l \"127.0.0.1\": "));
    }

    #[test]
    fn zero_connections_or_zero_seconds_are_refused() {
        assert_eq!(
            error("--max-connections 0"),
            "--max-connections 0: must be at least 1"
        );
        assert_eq!(
            error("--idle-timeout 0"),
            "--idle-timeout 0: must be at least 1"
        );
        assert!(error("--idle-timeout 1.5").starts_with("--idle-timeout \"1.5\": "));
    }

    #[test]
    fn cert_and_key_come_together() {
        assert_eq!(error("--cert c.pem"), "--cert needs --key as well");
        assert_eq!(error("--key k.pem"), "--key needs --cert as well");
    }

    #[test]
    fn unknown_options_and_a_second_root_are_refused() {
        assert_eq!(error("--port 8443"), "--port: unknown option");
        assert_eq!(error("-x"), "-x: unknown option");
        assert_eq!(error("a b"), "one ROOT only, and \"b\" is a second");
    }

    #[test]
    fn flags_without_values_refuse_one() {
        assert_eq!(error("--verbose=1"), "--verbose takes no value");
    }

    #[test]
    fn capture_takes_a_folder() {
        assert_eq!(config("").capture, None);
        assert_eq!(
            config("--capture caps").capture,
            Some(PathBuf::from("caps"))
        );
        assert_eq!(error("--capture"), "--capture needs a value (DIR)");
    }

    #[test]
    fn the_inspector_records_by_default_within_its_limits() {
        assert_eq!(config("").inspect, Some(record::Limits::default()));
        assert_eq!(config("--no-inspect").inspect, None);
        let limits = config("--inspect-connections 4 --inspect-events 10,0")
            .inspect
            .unwrap();
        assert_eq!(
            (limits.connections, limits.first_events, limits.last_events),
            (4, 10, 0)
        );
        assert_eq!(
            error("--inspect-events 10"),
            "--inspect-events \"10\": expected two whole numbers such as 200,300"
        );
        assert!(error("--inspect-events 1,-2").starts_with("--inspect-events "));
        assert_eq!(
            error("--inspect-connections 0"),
            "--inspect-connections 0: must be at least 1"
        );
        assert_eq!(error("--no-inspect=1"), "--no-inspect takes no value");
    }

    #[test]
    fn a_double_dash_ends_the_options() {
        assert_eq!(root("-- -site"), PathBuf::from("-site"));
    }
}
