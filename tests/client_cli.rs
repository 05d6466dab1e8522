//! The command line of `h2lab-client`: help, exit statuses, scripts from a file or from standard
//! input, and how it checks the server's certificate.

mod common;

use std::io::Write;
use std::process::{Command, Output, Stdio};

use common::{crate_file, small_site, text, Server, TempDir};

/// Runs `h2lab-client ARGS`, with `stdin` as its standard input.
fn client(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_h2lab-client"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("h2lab-client runs");
    let mut input = child.stdin.take().expect("its stdin");
    input
        .write_all(stdin.as_bytes())
        .expect("the script is written");
    drop(input);
    child.wait_with_output().expect("h2lab-client ends")
}

/// A script in a file of its own folder.
fn script(folder: &TempDir, text: &str) -> String {
    let path = folder.path().join("script.h2");
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn help_lists_every_command_with_an_example() {
    let out = client(&["--help"], "");
    assert_eq!(out.status.code(), Some(0));
    let help = text(&out.stdout);
    for needle in [
        "Usage: h2lab-client [OPTIONS] URL [SCRIPT]",
        "-k, --insecure",
        "--cacert FILE",
        "--manual",
        "settings initial_window_size=0 max_frame_size=16384",
        "headers 3 :method=POST :path=/_h2lab/echo split=40",
        "continuation 5 end_headers x-more=1",
        "data 3 size=20000 whole",
        "data 3 @file.bin",
        "window_update 0 1000",
        "ping \"h2lab-01\"",
        "rst_stream 1 cancel",
        "priority 5 depends=3 weight=16",
        "goaway 0 no_error \"bye\"",
        "frame type=0xfa flags=0x0 stream=0 \"cafe\"",
        "raw 000007 06 00 00000000 00000000000000",
        "wait 200ms",
        "wait end 1",
        "wait goaway",
        "get /index.html",
        "expect headers 1 :status=200",
        "expect rst_stream 3 protocol_error",
        "expect goaway frame_size_error",
        "option manual",
        "reconnect",
        "Exit status",
    ] {
        assert!(help.contains(needle), "help lacks {needle:?}:\n{help}");
    }
}

#[test]
fn a_mistake_in_the_script_names_its_line_and_exits_2_before_connecting() {
    let folder = TempDir::new("script");
    let path = script(&folder, "# a lesson\nping \"h2lab-01\"\nheaders one\n");
    // Nothing listens on port 9 of the discard service here: the script is read first.
    let out = client(&["http://127.0.0.1:9", &path], "");
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stderr),
        "h2lab-client: line 3: \"one\" is not a stream number (a number, decimal or 0x hex)\n"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn a_failed_expect_exits_1_and_shows_what_came_instead() {
    let root = small_site();
    let server = Server::start(&[root.path().to_str().unwrap()]);
    let out = client(
        &[&server.http("")],
        "get /hello.txt\nexpect headers 1 :status=404 within=300ms\nping\n",
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with(
            "h2lab-client: line 2: expected HEADERS on stream 1 with :status = \"404\" within \
             300ms; came instead:\n"
        ),
        "{stderr}"
    );
    assert!(stderr.contains(":status = \"200\""), "{stderr}");
    // The script stopped there: the PING of line 3 was never sent.
    assert!(
        !text(&out.stdout).contains("send PING"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn a_script_from_stdin_runs_line_by_line_and_prints_every_frame() {
    let root = small_site();
    let server = Server::start(&[root.path().to_str().unwrap()]);
    let out = client(
        &[&server.http("")],
        "get /hello.txt\nexpect data 1 end_stream\n",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    for line in [
        "send client preface (24 octets)",
        "send SETTINGS flags=- stream=0 length=0",
        "send SETTINGS flags=ACK stream=0 length=0",
        "send HEADERS flags=END_STREAM|END_HEADERS stream=1",
        "send   stream=1 :path = \"/hello.txt\"",
        "recv   stream=1 :status = \"200\"",
        "recv DATA flags=END_STREAM stream=1 length=14 data_length=14",
        "ok: DATA on stream 1 with END_STREAM",
    ] {
        assert!(stdout.contains(line), "{line:?} missing:\n{stdout}");
    }
}

#[test]
fn the_certificate_is_checked_unless_k_and_cacert_trusts_the_development_ca() {
    let root = small_site();
    let server = Server::start(&[root.path().to_str().unwrap()]);
    let url = server.https("");
    let refused = client(&[&url], "get /hello.txt\n");
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        text(&refused.stderr).contains("TLS: handshake failed"),
        "{}",
        text(&refused.stderr)
    );
    let ca = crate_file("certs/ca.pem");
    for args in [
        vec!["-k", url.as_str()],
        vec!["--cacert", ca.to_str().unwrap(), &url],
    ] {
        let out = client(&args, "get /hello.txt\nexpect headers 1 :status=200\n");
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
    }
}

#[test]
fn manual_sends_nothing_the_script_does_not_say() {
    let root = small_site();
    let server = Server::start(&[root.path().to_str().unwrap()]);
    let out = client(
        &["--manual", &server.http("")],
        "preface\nsettings\nexpect settings\nwait 200ms\n",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("recv SETTINGS flags=- stream=0"),
        "{stdout}"
    );
    assert!(!stdout.contains("send SETTINGS flags=ACK"), "{stdout}");
}
