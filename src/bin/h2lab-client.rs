//! `h2lab-client`: the other end of the wire. Sends what a script says, frame by frame, prints
//! every frame sent and received in the words of `h2lab -v`, and checks `expect` lines. The work is
//! done by `h2lab::client`; this file reads the command line and picks the script.

use std::io::{self, BufReader};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use h2lab::client::script::HELP as COMMANDS;
use h2lab::client::{run_lines, run_script, Failure, Options, Target, Tls, Transcript, Transport};

const USAGE: &str = "\
h2lab-client: speak HTTP/2 to a server one frame at a time, and check what it answers

Usage: h2lab-client [OPTIONS] URL [SCRIPT]

URL is https://HOST[:PORT][/PATH] (TLS, ALPN h2) or http://HOST[:PORT][/PATH] (cleartext h2c
with prior knowledge); it gives the :scheme, :authority and :path of requests that leave them
out. SCRIPT is a file of commands, one a line; without it (or with -) the commands are read from
standard input and carried out as each line comes. Every frame sent and received is printed as
h2lab -v prints it: `send` or `recv`, the type, flags by name, stream, length, the payload's
fields, and each header field as  name = \"value\".

By default the client sends the preface and an empty SETTINGS before the first command,
acknowledges the server's SETTINGS, answers PING and gives back the window of every DATA frame
it receives; --manual (or `option manual`) leaves all of that to the script.

Options:
  -k, --insecure        accept any certificate (h2lab's development certificate, for one)
      --cacert FILE     trust the CA certificate in FILE (PEM), instead of the system's
      --manual          send nothing that the script does not say
      --hpack           show how each header field was coded (HPACK representation, table)
  -h, --help            print this help
  -V, --version         print the version

Exit status: 0 when the script ran to its end; 1 when an expect, wait or get did not see what it
waited for (the output says what came instead) or the connection failed; 2 for a mistake in the
command line or the script (the line number and what is wrong).

Example:
  printf 'get /\\nexpect headers 1 :status=200\\n' | h2lab-client -k https://127.0.0.1:8443

";

/// What the command line asked for.
struct Arguments {
    url: String,
    script: Option<PathBuf>,
    insecure: bool,
    cacert: Option<PathBuf>,
    options: Options,
}

/// The command line as [`Arguments`]; `Ok(None)` when it only asked for the help or the version,
/// which are printed here.
fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Arguments>, String> {
    let mut url = None;
    let mut script = None;
    let mut insecure = false;
    let mut cacert = None;
    let mut options = Options {
        manual: false,
        hpack: false,
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-h" | "--help" => {
                print!("{USAGE}{COMMANDS}");
                return Ok(None);
            }
            "-V" | "--version" => {
                println!("h2lab-client {}", env!("CARGO_PKG_VERSION"));
                return Ok(None);
            }
            "-k" | "--insecure" => insecure = true,
            "--cacert" => {
                let file = args.next().ok_or("--cacert needs a file")?;
                cacert = Some(PathBuf::from(file));
            }
            "--manual" => options.manual = true,
            "--hpack" => options.hpack = true,
            "-" if url.is_some() && script.is_none() => script = Some(PathBuf::from("-")),
            flag if flag.starts_with('-') => {
                return Err(format!("unknown option {flag} (see h2lab-client --help)"))
            }
            _ if url.is_none() => url = Some(arg),
            _ if script.is_none() => script = Some(PathBuf::from(arg)),
            _ => return Err(format!("unexpected argument {arg}: one URL, one script")),
        }
    }
    let url = url.ok_or("missing URL (see h2lab-client --help)")?;
    Ok(Some(Arguments {
        url,
        script: script.filter(|path| path != Path::new("-")),
        insecure,
        cacert,
        options,
    }))
}

/// How to check the server over TLS: the URL's host, verified unless `-k`.
fn tls(target: &Target, arguments: &Arguments) -> Result<Tls, String> {
    let authority = match &arguments.cacert {
        Some(file) => {
            Some(std::fs::read(file).map_err(|e| format!("--cacert {}: {e}", file.display()))?)
        }
        None => None,
    };
    Ok(Tls {
        server_name: target.host.clone(),
        verify: !arguments.insecure,
        authority,
    })
}

fn main() -> ExitCode {
    let arguments = match parse_args(std::env::args().skip(1)) {
        Ok(Some(arguments)) => arguments,
        Ok(None) => return ExitCode::SUCCESS,
        Err(message) => return usage(&message),
    };
    let target = match Target::parse(&arguments.url) {
        Ok(target) => target,
        Err(message) => return usage(&message),
    };
    let tls = match tls(&target, &arguments) {
        Ok(tls) if target.transport == Transport::Tls || arguments.cacert.is_none() => tls,
        Ok(_) => return usage("--cacert is for https:// URLs"),
        Err(message) => return usage(&message),
    };
    let transcript = Transcript::new(Box::new(io::stdout()));
    let result = match &arguments.script {
        Some(path) => match std::fs::read_to_string(path) {
            Ok(script) => {
                let base = path.parent().unwrap_or(Path::new("."));
                run_script(&target, &tls, &script, base, transcript, arguments.options)
            }
            Err(e) => return usage(&format!("{}: {e}", path.display())),
        },
        None => run_lines(
            &target,
            &tls,
            BufReader::new(io::stdin()),
            transcript,
            arguments.options,
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure @ Failure::Script(_)) => usage(&failure.to_string()),
        Err(failure) => {
            eprintln!("h2lab-client: {failure}");
            ExitCode::from(1)
        }
    }
}

/// A mistake in the command line or the script: said on one line, exit status 2.
fn usage(message: &str) -> ExitCode {
    eprintln!("h2lab-client: {message}");
    ExitCode::from(2)
}
