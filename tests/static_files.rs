//! Files and uploads through real clients: no byte from outside ROOT whatever the path says
//! (RFC 9113 §8.3.1 `:path`, RFC 3986 §5.2.4 dot segments), and a 10 MiB upload to the echo
//! built-in (flow control of request bodies, RFC 9113 §5.2, §6.9), ranges and conditional requests
//! (RFC 9110 §14, §13).

mod common;

use std::time::{Duration, SystemTime};

use common::{curl, have, text, Server, TempDir};
use httpdate::HttpDate;
use sha2::{Digest, Sha256};

const SECRET: &str = "h2lab-secret-outside-root-7f3a";

/// A temporary folder holding `secret.txt` and, inside it, the ROOT `site/` with one file.
fn site_beside_a_secret() -> (TempDir, std::path::PathBuf) {
    let outer = TempDir::new("traversal");
    std::fs::write(outer.path().join("secret.txt"), SECRET).unwrap();
    let root = outer.path().join("site");
    std::fs::create_dir(&root).unwrap();
    std::fs::write(root.join("inside.txt"), "inside\n").unwrap();
    (outer, root)
}

#[test]
fn traversal_attempts_get_400_or_404_and_never_a_byte_from_outside_root() {
    if !have("curl") {
        return;
    }
    let (_outer, root) = site_beside_a_secret();
    let server = Server::start(&[root.to_str().unwrap()]);
    let attempts = [
        "/../secret.txt",
        "/../../secret.txt",
        "/./../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/secret.txt",
        "/..%2fsecret.txt",
        "/%2e%2e%2fsecret.txt",
        "/inside.txt/../../secret.txt",
        "/sub/..%2f..%2fsecret.txt",
        "/..\\secret.txt",
        "/%2e%2e%5csecret.txt",
        "//../secret.txt",
        "/%00/../secret.txt",
    ];
    for scheme in ["tls", "h2c"] {
        for attempt in attempts {
            let url = match scheme {
                "tls" => server.https(attempt),
                _ => server.http(attempt),
            };
            let flag = if scheme == "tls" {
                "-k"
            } else {
                "--http2-prior-knowledge"
            };
            let out = curl(&[
                flag,
                "--path-as-is",
                "-w",
                "\n%{http_version} %{response_code}",
                &url,
            ]);
            let body = text(&out.stdout);
            assert!(
                !body.contains(SECRET),
                "{scheme} {attempt} leaked the secret: {body}"
            );
            assert!(
                body.ends_with("\n2 404") || body.ends_with("\n2 400"),
                "{scheme} {attempt}: {body} {}",
                text(&out.stderr)
            );
        }
    }
    let inside = curl(&["-k", "-w", "%{response_code}", &server.https("/inside.txt")]);
    assert_eq!(text(&inside.stdout), "inside\n200");
}

#[test]
fn a_10_mib_upload_to_echo_reports_its_length_and_sha256() {
    if !have("curl") {
        return;
    }
    let dir = TempDir::new("upload");
    let body: Vec<u8> = (0..10 * 1024 * 1024u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    let file = dir.path().join("upload.bin");
    std::fs::write(&file, &body).unwrap();
    let expected = format!("{:x}", Sha256::digest(&body));
    let server = Server::start(&[dir.path().to_str().unwrap()]);
    let data = format!("@{}", file.display());
    for (flag, url) in [
        ("-k", server.https("/_h2lab/echo")),
        ("--http2-prior-knowledge", server.http("/_h2lab/echo")),
    ] {
        let out = curl(&[
            flag,
            "--data-binary",
            &data,
            "-H",
            "content-type: application/octet-stream",
            &url,
        ]);
        let answer: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{flag}: {e}: {} {}", text(&out.stdout), text(&out.stderr)));
        assert_eq!(
            answer["body"]["length"],
            10 * 1024 * 1024,
            "{flag}: {answer}"
        );
        assert_eq!(answer["body"]["sha256"], expected.as_str(), "{flag}");
    }
}

#[test]
fn head_gets_the_length_and_no_body() {
    if !have("curl") {
        return;
    }
    let root = common::small_site();
    let server = Server::start(&[root.path().to_str().unwrap()]);
    let out = curl(&["-k", "-I", &server.https("/hello.txt")]);
    let head = text(&out.stdout);
    assert!(head.starts_with("HTTP/2 200"), "{head}");
    assert!(head.contains("content-length: 14\r\n"), "{head}");
}

#[test]
fn a_byte_range_is_206_and_a_range_past_the_end_is_416() {
    if !have("curl") {
        return;
    }
    let root = common::small_site();
    let server = Server::start(&[root.path().to_str().unwrap()]);
    // "hello, HTTP/2\n": octets 7 to 12 are "HTTP/2".
    let out = curl(&["-k", "-i", "-r", "7-12", &server.https("/hello.txt")]);
    let answer = text(&out.stdout);
    assert!(answer.starts_with("HTTP/2 206"), "{answer}");
    assert!(
        answer.contains("content-range: bytes 7-12/14\r\n"),
        "{answer}"
    );
    assert!(answer.ends_with("\r\n\r\nHTTP/2"), "{answer}");
    let out = curl(&["-k", "-i", "-r", "100-", &server.https("/hello.txt")]);
    let answer = text(&out.stdout);
    assert!(answer.starts_with("HTTP/2 416"), "{answer}");
    assert!(answer.contains("content-range: bytes */14\r\n"), "{answer}");
}

/// The value of field `name` in the response head `head` that `curl -i` printed.
fn field<'a>(head: &'a str, name: &str) -> &'a str {
    head.lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(": "))
        .unwrap_or_else(|| panic!("no {name}: {head}"))
}

/// The validators are worked out once for each version of a file and the `date` once a second
/// (`src/app/cache.rs`, `src/http/complete.rs`): what a client sees must still follow the file
/// and the clock.
#[test]
fn the_etag_given_comes_back_as_304_without_a_body_until_the_file_changes() {
    if !have("curl") {
        return;
    }
    let root = common::small_site();
    let server = Server::start(&[root.path().to_str().unwrap()]);
    let first = text(&curl(&["-k", "-I", &server.https("/hello.txt")]).stdout);
    let etag = field(&first, "etag");
    let with_etag = || {
        let out = curl(&[
            "-k",
            "-i",
            "-H",
            &format!("if-none-match: {etag}"),
            &server.https("/hello.txt"),
        ]);
        text(&out.stdout)
    };
    let answer = with_etag();
    assert!(answer.starts_with("HTTP/2 304"), "{answer}");
    assert!(answer.ends_with("\r\n\r\n"), "a 304 has no body: {answer}");

    let file = root.path().join("hello.txt");
    std::fs::write(&file, "hello again, HTTP/2\n").unwrap();
    let an_hour_ago = SystemTime::now() - Duration::from_secs(3600);
    let opened = std::fs::File::options().write(true).open(&file).unwrap();
    opened.set_modified(an_hour_ago).unwrap();
    // What the server found is taken as it was for one second at most.
    std::thread::sleep(Duration::from_millis(1100));
    let answer = with_etag();
    assert!(answer.starts_with("HTTP/2 200"), "{answer}");
    assert!(
        answer.ends_with("\r\n\r\nhello again, HTTP/2\n"),
        "{answer}"
    );
    assert_ne!(field(&answer, "etag"), etag, "{answer}");
    assert_eq!(field(&answer, "content-length"), "20", "{answer}");
    let last_modified: HttpDate = field(&answer, "last-modified").parse().unwrap();
    assert_eq!(last_modified, HttpDate::from(an_hour_ago), "{answer}");
    let date = SystemTime::from(field(&answer, "date").parse::<HttpDate>().unwrap());
    let now = SystemTime::now();
    assert!(
        date <= now && date > now - Duration::from_secs(5),
        "{answer}"
    );
}

#[test]
fn a_client_that_vanishes_mid_download_ends_only_its_own_connection() {
    if !have("curl") {
        return;
    }
    let root = TempDir::new("vanish");
    std::fs::write(root.path().join("big.bin"), vec![0x5a; 16 * 1024 * 1024]).unwrap();
    std::fs::write(root.path().join("small.txt"), "still here\n").unwrap();
    let mut server = Server::start(&[root.path().to_str().unwrap()]);
    for flag in ["-k", "--http2-prior-knowledge"] {
        let url = if flag == "-k" {
            server.https("/big.bin")
        } else {
            server.http("/big.bin")
        };
        let out = curl(&[
            flag,
            "--limit-rate",
            "1M",
            "--max-time",
            "1",
            "-o",
            "/dev/null",
            &url,
        ]);
        assert_eq!(
            out.status.code(),
            Some(28),
            "curl should time out: {}",
            text(&out.stderr)
        );
    }
    let out = curl(&["-k", &server.https("/small.txt")]);
    assert_eq!(text(&out.stdout), "still here\n");
    assert!(server.is_running());
}
