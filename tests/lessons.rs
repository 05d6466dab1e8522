//! The lessons of `scripts/lessons/`, run by `h2lab-client` as a learner would run them: each
//! against a fresh `h2lab` serving `scripts/lessons/site/` (with the flags its `# server:` line
//! names), over TLS and over h2c; and each lesson that needs neither an h2lab built-in nor a
//! server flag against nghttpd too, which shows that the lessons teach HTTP/2, not h2lab.
//!
//! A lesson passes when the client exits with status 0 and printed one `ok:` line per `expect`
//! line of the lesson.

mod common;

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use common::{crate_file, text, Server};

/// Every lesson, in order.
fn lessons() -> Vec<PathBuf> {
    let mut lessons: Vec<PathBuf> = std::fs::read_dir(crate_file("scripts/lessons"))
        .expect("scripts/lessons")
        .map(|entry| entry.expect("a lesson").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "h2"))
        .collect();
    lessons.sort();
    lessons
}

/// The flags of the lesson's `# server:` line.
fn server_flags(script: &str) -> Vec<String> {
    script
        .lines()
        .find_map(|line| line.strip_prefix("# server:"))
        .map(|flags| flags.split_whitespace().map(str::to_string).collect())
        .unwrap_or_default()
}

/// Whether the lesson needs h2lab itself: a built-in path or a server flag.
fn h2lab_only(script: &str) -> bool {
    script.contains("/_h2lab/") || !server_flags(script).is_empty()
}

/// The number of `expect` lines of a script.
fn expectations(script: &str) -> usize {
    script
        .lines()
        .filter(|line| line.trim_start().starts_with("expect "))
        .count()
}

/// Runs `h2lab-client ARGS URL LESSON`.
fn client(args: &[&str], url: &str, lesson: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_h2lab-client"))
        .args(args)
        .arg(url)
        .arg(lesson)
        .output()
        .expect("h2lab-client runs")
}

/// Fails unless the run passed every expectation of `lesson`.
fn check(run: &Output, lesson: &Path, against: &str) {
    let script = std::fs::read_to_string(lesson).unwrap();
    let stdout = text(&run.stdout);
    let name = lesson.file_name().unwrap().to_string_lossy();
    assert!(
        run.status.success(),
        "{name} against {against}: exit {:?}\n{}\n{stdout}",
        run.status.code(),
        text(&run.stderr)
    );
    let passed = stdout
        .lines()
        .filter(|line| line.starts_with("ok: "))
        .count();
    assert_eq!(
        passed,
        expectations(&script),
        "{name} against {against}:\n{stdout}"
    );
}

/// One lesson against a fresh h2lab per transport.
fn against_h2lab(lesson: &Path) {
    let script = std::fs::read_to_string(lesson).unwrap();
    let site = crate_file("scripts/lessons/site");
    let mut args = server_flags(&script);
    args.push(site.to_str().unwrap().to_string());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let ca = crate_file("certs/ca.pem");
    for tls in [true, false] {
        let server = Server::start(&args);
        let (url, trust) = match tls {
            true => (server.https(""), vec!["--cacert", ca.to_str().unwrap()]),
            false => (server.http(""), Vec::new()),
        };
        let run = client(&trust, &url, lesson);
        check(&run, lesson, &format!("h2lab at {url}\n{}", server.log()));
    }
}

#[test]
fn every_lesson_passes_against_h2lab_over_tls_and_h2c() {
    let lessons = lessons();
    assert!(lessons.len() >= 11, "{lessons:?}");
    let runs: Vec<_> = lessons
        .into_iter()
        .map(|lesson| thread::spawn(move || against_h2lab(&lesson)))
        .collect();
    let failures: Vec<String> = runs
        .into_iter()
        .filter_map(|run| run.join().err())
        .map(|panic| {
            panic
                .downcast_ref::<String>()
                .cloned()
                .unwrap_or_else(|| "a lesson panicked".to_string())
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// A running nghttpd, killed when dropped.
struct Nghttpd {
    child: Child,
    addr: SocketAddr,
}

impl Nghttpd {
    /// Starts `nghttpd` serving `root`, with TLS (the development certificate) or without.
    fn start(root: &Path, tls: bool) -> Nghttpd {
        let port = free_port();
        let mut command = Command::new(nghttpd().expect("nghttpd is installed"));
        command.arg("-d").arg(root);
        if tls {
            command.arg(port.to_string()).args([
                crate_file("certs/localhost.key"),
                crate_file("certs/localhost.pem"),
            ]);
        } else {
            command.arg("--no-tls").arg(port.to_string());
        }
        let mut child = command
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("nghttpd starts");
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(addr).is_err() {
            let exited = child.try_wait().expect("nghttpd's status");
            assert!(exited.is_none(), "nghttpd exited: {exited:?}");
            assert!(
                Instant::now() < deadline,
                "nghttpd does not listen on {addr}"
            );
            thread::sleep(Duration::from_millis(20));
        }
        Nghttpd { child, addr }
    }
}

impl Drop for Nghttpd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Where nghttpd is: on the PATH, or in /usr/sbin, where Debian's nghttp2-server puts it and a
/// user's PATH may not look. `None`, said loudly, when it is not installed.
fn nghttpd() -> Option<PathBuf> {
    let found = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .chain([PathBuf::from("/usr/sbin")])
        .map(|folder| folder.join("nghttpd"))
        .find(|program| program.is_file());
    if found.is_none() {
        eprintln!("SKIPPED: nghttpd is not installed (scripts/install-test-deps.sh installs it)");
    }
    found
}

/// A port nobody listens on now (the system's choice for port 0, released at once).
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("its address").port()
}

#[test]
fn lessons_about_http2_itself_pass_against_nghttpd_too() {
    if nghttpd().is_none() {
        return;
    }
    let site = crate_file("scripts/lessons/site");
    let portable: Vec<PathBuf> = lessons()
        .into_iter()
        .filter(|lesson| !h2lab_only(&std::fs::read_to_string(lesson).unwrap()))
        .collect();
    assert!(portable.len() >= 5, "{portable:?}");
    for tls in [true, false] {
        let nghttpd = Nghttpd::start(&site, tls);
        let scheme = if tls { "https" } else { "http" };
        let url = format!("{scheme}://127.0.0.1:{}", nghttpd.addr.port());
        let ca = crate_file("certs/ca.pem");
        for lesson in &portable {
            let trust: Vec<&str> = match tls {
                true => vec!["--cacert", ca.to_str().unwrap()],
                false => Vec::new(),
            };
            check(
                &client(&trust, &url, lesson),
                lesson,
                &format!("nghttpd at {url}"),
            );
        }
    }
}
