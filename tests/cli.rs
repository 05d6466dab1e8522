//! The command line of `h2lab` — DESIGN.md, "Command-line contract": help, version, exit statuses.

mod common;

use common::{crate_file, text, Server, TempDir};
use std::net::TcpListener;
use std::process::Command;

fn h2lab(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_h2lab"))
        .args(args)
        .env_remove("RUST_LOG")
        .output()
        .unwrap()
}

/// Runs h2lab with `args`, expects exit status 2 and one line on stderr that contains `flag`.
fn refused(args: &[&str], flag: &str) -> String {
    let out = h2lab(args);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
    assert!(stderr.contains(flag), "{args:?}: {stderr}");
    assert!(out.stdout.is_empty());
    stderr
}

#[test]
fn help_names_every_flag_its_defaults_a_curl_example_and_the_dev_ca() {
    for flag in ["-h", "--help"] {
        let out = h2lab(&[flag]);
        assert_eq!(out.status.code(), Some(0));
        let help = text(&out.stdout);
        for needle in [
            "Usage: h2lab [OPTIONS] [ROOT]",
            "-l, --listen ADDR",
            "127.0.0.1:8443",
            "--cert FILE --key FILE",
            "--max-concurrent-streams N",
            "--initial-window-size N",
            "--max-frame-size N",
            "16384..=16777215",
            "--header-table-size N",
            "--max-header-list-size N",
            "--max-connections N",
            "can hold: half of ulimit -n",
            "--handshake-timeout SECS",
            "--first-request-timeout SECS",
            "--drain-timeout SECS",
            "[default: 5]",
            "--idle-timeout SECS",
            "[default: 60]",
            "-v, --verbose",
            "RUST_LOG=h2lab=debug",
            "-V, --version",
            "curl --http2 -k https://127.0.0.1:8443/",
            "curl --http2-prior-knowledge http://127.0.0.1:8443/",
            "--cacert certs/ca.pem",
            "update-ca-certificates",
        ] {
            assert!(help.contains(needle), "{flag}: help lacks {needle:?}");
        }
    }
}

#[test]
fn version_prints_the_package_version() {
    for flag in ["-V", "--version"] {
        let out = h2lab(&[flag]);
        assert_eq!(out.status.code(), Some(0));
        assert_eq!(
            text(&out.stdout),
            format!("h2lab {}\n", env!("CARGO_PKG_VERSION"))
        );
    }
}

#[test]
fn bad_values_exit_2_naming_the_flag() {
    refused(&["--max-frame-size", "16383"], "--max-frame-size");
    refused(&["--max-frame-size", "16777216"], "--max-frame-size");
    refused(
        &["--initial-window-size", "2147483648"],
        "--initial-window-size",
    );
    refused(&["--header-table-size", "x"], "--header-table-size");
    refused(&["--max-header-list-size", "-5"], "--max-header-list-size");
    refused(
        &["--max-concurrent-streams", "4294967296"],
        "--max-concurrent-streams",
    );
    refused(&["--max-connections", "0"], "--max-connections");
    refused(&["--idle-timeout", "soon"], "--idle-timeout");
    refused(&["--listen", "localhost"], "--listen");
    refused(&["--listen"], "--listen");
    refused(&["--bogus"], "--bogus");
    refused(&["--cert", "a.pem"], "--cert");
}

#[test]
fn an_unreadable_certificate_exits_2_naming_the_file() {
    let stderr = refused(
        &[
            "--cert",
            "/nonexistent/h2lab.pem",
            "--key",
            "/nonexistent/h2lab.key",
        ],
        "/nonexistent/h2lab.pem",
    );
    assert!(stderr.starts_with("h2lab: "));
}

#[test]
fn an_unreadable_key_exits_2_naming_the_file() {
    let cert = crate_file("certs/localhost.pem");
    refused(
        &[
            "--cert",
            cert.to_str().unwrap(),
            "--key",
            "/nonexistent/h2lab.key",
        ],
        "/nonexistent/h2lab.key",
    );
}

#[test]
fn a_certificate_file_that_holds_no_certificate_exits_2_naming_it() {
    let dir = TempDir::new("badcert");
    let cert = dir.path().join("not-a-cert.pem");
    std::fs::write(&cert, "hello\n").unwrap();
    let key = crate_file("certs/localhost.key");
    refused(
        &[
            "--listen",
            "127.0.0.1:0",
            "--cert",
            cert.to_str().unwrap(),
            "--key",
            key.to_str().unwrap(),
        ],
        "not-a-cert.pem",
    );
}

#[test]
fn a_missing_root_exits_2_naming_it() {
    refused(
        &["--listen", "127.0.0.1:0", "/nonexistent/h2lab-root"],
        "/nonexistent/h2lab-root",
    );
}

#[test]
fn an_address_in_use_exits_1_naming_the_flag() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let out = h2lab(&["--listen", &addr, "."]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains(&format!("--listen {addr}")), "{stderr}");
}

#[test]
fn the_start_line_names_the_root_and_the_bound_port() {
    let root = TempDir::new("startline");
    let server = Server::start(&[root.path().to_str().unwrap()]);
    assert_ne!(server.port(), 0);
    let canonical = root.path().canonicalize().unwrap();
    let expected = format!(
        "h2lab: serving {} on https://127.0.0.1:{}/ (and h2c on the same port)\n",
        canonical.display(),
        server.port()
    );
    assert!(server.log().starts_with(&expected), "{}", server.log());
}

#[test]
fn cert_and_key_files_are_served() {
    if !common::have("curl") {
        return;
    }
    let root = common::small_site();
    let cert = crate_file("certs/localhost.pem");
    let key = crate_file("certs/localhost.key");
    let server = Server::start(&[
        "--cert",
        cert.to_str().unwrap(),
        "--key",
        key.to_str().unwrap(),
        root.path().to_str().unwrap(),
    ]);
    let ca = crate_file("certs/ca.pem");
    let url = format!("https://localhost:{}/hello.txt", server.port());
    let out = common::curl(&[
        "--cacert",
        ca.to_str().unwrap(),
        "-w",
        "%{http_version}",
        &url,
    ]);
    assert_eq!(
        text(&out.stdout),
        "hello, HTTP/2\n2",
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn verbose_logs_every_frame_and_the_default_logs_only_access_lines() {
    if !common::have("curl") {
        return;
    }
    let root = common::small_site();
    let quiet = Server::start(&[root.path().to_str().unwrap()]);
    let loud = Server::start(&["-v", root.path().to_str().unwrap()]);
    for server in [&quiet, &loud] {
        let out = common::curl(&["--http2-prior-knowledge", &server.http("/hello.txt")]);
        assert_eq!(text(&out.stdout), "hello, HTTP/2\n");
        // The access line: connection, stream, method, path, status, body octets, time.
        assert!(server.wait_for_log(
            "[conn 1] stream=1 GET /hello.txt 200 14 octets ",
            std::time::Duration::from_secs(5)
        ));
    }
    assert!(loud.log().contains("] +0."), "{}", loud.log());
    assert!(loud.log().contains("send SETTINGS"), "{}", loud.log());
    assert!(loud.log().contains("recv HEADERS"), "{}", loud.log());
    // Quiet, the log holds the start line and access lines (level INFO) only.
    let quiet_log = quiet.log();
    assert!(
        quiet_log
            .lines()
            .all(|line| line.starts_with("h2lab: serving ") || line.starts_with("INFO ")),
        "{quiet_log}"
    );
}

#[test]
fn a_certificate_that_expires_within_30_days_is_warned_about_at_start() {
    if !common::have("openssl") {
        return;
    }
    let dir = TempDir::new("expiring");
    let cert = dir.path().join("soon.pem");
    let key = dir.path().join("soon.key");
    let made = common::run(
        "openssl",
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            key.to_str().unwrap(),
            "-out",
            cert.to_str().unwrap(),
            "-days",
            "10",
            "-subj",
            "/CN=localhost",
        ],
    );
    assert!(made.status.success(), "{}", text(&made.stderr));
    let server = Server::start(&[
        "--cert",
        cert.to_str().unwrap(),
        "--key",
        key.to_str().unwrap(),
        dir.path().to_str().unwrap(),
    ]);
    // notAfter is 10 days from when openssl ran, to the second: 9 or 10 whole days are left.
    let log = server.log();
    let warned = ["9", "10"].iter().any(|days| {
        log.contains(&format!(
            "the certificate {} expires in {days} days; renew it",
            cert.display()
        ))
    });
    assert!(warned, "{log}");
}

#[test]
fn the_embedded_certificate_is_not_warned_about() {
    let root = TempDir::new("fresh");
    let server = Server::start(&[root.path().to_str().unwrap()]);
    assert!(!server.log().contains("WARN"), "{}", server.log());
}
