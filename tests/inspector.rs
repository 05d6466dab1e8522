//! The inspector — `/_h2lab/`, `/_h2lab/connections` and `/_h2lab/connections/N` of the real
//! `h2lab`, read with curl over TLS and over h2c, and the page itself in headless Chromium.

mod common;

use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use common::{curl, have, small_site, text, Server, TempDir};
use serde_json::Value;

/// How the tests reach the server: curl's arguments and the URL's scheme.
#[derive(Debug, Clone, Copy)]
enum Transport {
    Tls,
    H2c,
}

impl Transport {
    fn get(self, server: &Server, path: &str, agent: &str) -> String {
        let url = match self {
            Transport::Tls => server.https(path),
            Transport::H2c => server.http(path),
        };
        let flag = match self {
            Transport::Tls => "--http2",
            Transport::H2c => "--http2-prior-knowledge",
        };
        let out = curl(&["-k", flag, "-A", agent, "--fail", &url]);
        assert!(out.status.success(), "{url}: {}", text(&out.stderr));
        text(&out.stdout)
    }

    fn json(self, server: &Server, path: &str) -> Value {
        let body = self.get(server, path, "inspector-test-reader");
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body}"))
    }
}

/// The summary of the connection whose first request came from `agent`, once it has ended.
fn ended_connection(server: &Server, transport: Transport, agent: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let list = transport.json(server, "/_h2lab/connections");
        let found = list["connections"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["user_agent"] == agent && c["state"] == "closed")
            .cloned();
        if let Some(found) = found {
            return found;
        }
        assert!(
            Instant::now() < deadline,
            "no closed connection of {agent}: {list}"
        );
        thread::sleep(Duration::from_millis(50));
    }
}

/// Every event kept of a connection, in order.
fn events(connection: &Value) -> Vec<Value> {
    let events = &connection["events"];
    let first = events["first"].as_array().unwrap().iter();
    first
        .chain(events["last"].as_array().unwrap())
        .cloned()
        .collect()
}

#[test]
fn a_curl_request_appears_in_the_list_and_whole_in_its_connection_over_tls_and_h2c() {
    if !have("curl") {
        return;
    }
    let root = small_site();
    let server = Server::start(&[root.path().to_str().unwrap()]);
    for (transport, agent) in [(Transport::H2c, "curl-h2c"), (Transport::Tls, "curl-tls")] {
        assert_eq!(
            transport.get(&server, "/hello.txt", agent),
            "hello, HTTP/2\n"
        );
        let summary = ended_connection(&server, transport, agent);
        assert_eq!(summary["end"], "closed by the peer", "{summary}");
        assert!(summary["peer"].as_str().unwrap().starts_with("127.0.0.1:"));
        assert_eq!(summary["counts"]["streams"], 1);

        let id = summary["id"].as_u64().unwrap();
        let connection = transport.json(&server, &format!("/_h2lab/connections/{id}"));
        let events = events(&connection);
        let kinds: Vec<&str> = events.iter().map(|e| e["kind"].as_str().unwrap()).collect();
        assert_eq!(
            kinds.first(),
            Some(&"frame"),
            "our SETTINGS first: {kinds:?}"
        );
        assert_eq!(kinds.get(1), Some(&"preface"));
        assert_eq!(kinds.last(), Some(&"closed"));
        let frame = |dir: &str, kind: &str| {
            events
                .iter()
                .any(|e| e["kind"] == "frame" && e["dir"] == dir && e["type"] == kind)
        };
        assert!(frame("recv", "SETTINGS") && frame("send", "SETTINGS"));
        assert!(frame("recv", "HEADERS") && frame("send", "HEADERS"));
        assert!(frame("send", "DATA"));
        let path = events
            .iter()
            .find(|e| e["kind"] == "field" && e["field"][0] == ":path")
            .unwrap();
        assert_eq!(path["field"][1], "/hello.txt");
        assert_eq!(path["dir"], "recv");
        assert!(path["representation"].is_string(), "{path}");

        let streams = connection["streams"].as_array().unwrap();
        assert_eq!(streams.len(), 1, "{connection}");
        assert_eq!(streams[0]["state"], "closed");
        assert_eq!(streams[0]["path"], "/hello.txt");
        assert_eq!(streams[0]["status"], "200");
        let decoder = &connection["tables"]["decoder"]["entries"];
        assert!(
            decoder
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["field"] == serde_json::json!(["user-agent", agent])),
            "curl indexes its user-agent: {decoder}"
        );
        assert!(connection["windows"]["send"].is_i64());
    }
}

#[test]
fn the_page_names_the_connection_it_came_over() {
    if !have("curl") {
        return;
    }
    let root = small_site();
    let server = Server::start(&[root.path().to_str().unwrap()]);
    let html = Transport::Tls.get(&server, "/_h2lab/", "curl-page");
    assert!(html.contains("data-recording=\"on\""));
    let id: u64 = html
        .split("data-connection=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("no connection id in the page: {html}"));
    let connection = Transport::Tls.json(&server, &format!("/_h2lab/connections/{id}"));
    assert_eq!(connection["user_agent"], "curl-page");
    assert_eq!(connection["streams"][0]["path"], "/_h2lab/");
}

#[test]
fn the_flags_bound_the_events_kept_of_each_connection() {
    if !have("curl") {
        return;
    }
    let root = small_site();
    let server = Server::start(&["--inspect-events", "4,3", root.path().to_str().unwrap()]);
    Transport::H2c.get(&server, "/hello.txt", "curl-bounded");
    let summary = ended_connection(&server, Transport::H2c, "curl-bounded");
    let id = summary["id"].as_u64().unwrap();
    let connection = Transport::H2c.json(&server, &format!("/_h2lab/connections/{id}"));
    let kept = &connection["events"];
    assert_eq!(kept["first"].as_array().unwrap().len(), 4);
    assert_eq!(kept["last"].as_array().unwrap().len(), 3);
    let all = connection["counts"]["events"].as_u64().unwrap();
    assert_eq!(kept["skipped"].as_u64().unwrap(), all - 7);
    assert_eq!(kept["first"][1]["kind"], "preface");
    assert_eq!(kept["last"][2]["kind"], "closed");
}

#[test]
fn a_busy_connection_has_its_first_streams_recorded_and_the_others_counted() {
    if !have("curl") || !have("h2load") {
        return;
    }
    let root = small_site();
    let server = Server::start(&[root.path().to_str().unwrap()]);
    let out = Command::new("h2load")
        .args([
            "-n",
            "1000",
            "-c",
            "1",
            "-m",
            "10",
            "-H",
            "user-agent: h2load-busy",
        ])
        .arg(server.http("/hello.txt"))
        .output()
        .unwrap();
    assert!(
        text(&out.stdout).contains("1000 succeeded"),
        "{}",
        text(&out.stdout)
    );
    let summary = ended_connection(&server, Transport::H2c, "h2load-busy");
    let counts = &summary["counts"];
    // The first 100 streams, and 10 a second after them: h2load is done in well under 10 s.
    let not_recorded = counts["streams_not_recorded"].as_u64().unwrap();
    assert!((800..=900).contains(&not_recorded), "{counts}");
    // Every frame is counted, recorded or not: 1000 HEADERS and 1000 DATA sent, at least.
    assert_eq!(counts["streams"], 1000, "{counts}");
    assert!(counts["frames_sent"].as_u64().unwrap() >= 2000, "{counts}");
    let id = summary["id"].as_u64().unwrap();
    let connection = Transport::H2c.json(&server, &format!("/_h2lab/connections/{id}"));
    // The streams the record shows are recorded ones: the first hundred, in full.
    let paths: Vec<u64> = events(&connection)
        .iter()
        .filter(|e| e["kind"] == "field" && e["dir"] == "recv" && e["field"][0] == ":path")
        .filter_map(|e| e["stream"].as_u64())
        .take(3)
        .collect();
    assert_eq!(paths, [1, 3, 5]);
}

#[test]
fn the_flags_bound_the_connections_kept() {
    if !have("curl") {
        return;
    }
    let root = small_site();
    let server = Server::start(&["--inspect-connections", "2", root.path().to_str().unwrap()]);
    for n in 1..=3 {
        Transport::H2c.get(&server, "/hello.txt", &format!("curl-{n}"));
    }
    // Connection 4 reads the list: itself and one other.
    let list = Transport::H2c.json(&server, "/_h2lab/connections");
    let ids: Vec<u64> = list["connections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids.len(), 2, "{list}");
    assert_eq!(ids[0], 4, "newest first: {list}");
    assert_eq!(list["limits"]["connections"], 2);

    let gone = curl(&[
        "--http2-prior-knowledge",
        &server.http("/_h2lab/connections/1"),
    ]);
    let gone: Value = serde_json::from_slice(&gone.stdout).unwrap();
    assert_eq!(
        gone["error"],
        "connection 1 is not recorded: only the last 2 are kept (--inspect-connections)"
    );
}

#[test]
fn with_no_inspect_nothing_is_recorded_and_the_page_says_so() {
    if !have("curl") {
        return;
    }
    let root = small_site();
    let server = Server::start(&["--no-inspect", root.path().to_str().unwrap()]);
    Transport::H2c.get(&server, "/hello.txt", "curl-unseen");
    let list = Transport::Tls.json(&server, "/_h2lab/connections");
    assert_eq!(list["recording"], false);
    assert_eq!(list["connections"], serde_json::json!([]));
    let html = Transport::H2c.get(&server, "/_h2lab/", "curl-page");
    assert!(html.contains("data-recording=\"off\""));
}

/// The rows of `dom` (table rows, `<tr …>…</tr>`) that open with `head`.
fn rows<'a>(dom: &'a str, head: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    dom.match_indices(head).map(move |(at, _)| {
        let row = &dom[at..];
        &row[..row.find("</tr>").unwrap_or(row.len())]
    })
}

/// Headless Chromium opens the page over TLS; once its script has run, the DOM lists the page's
/// own request (HEADERS on stream 1 with `:path` `/_h2lab/`) and the browser's SETTINGS.
#[test]
fn headless_chromium_sees_its_own_headers_and_settings() {
    if !have("chromium") {
        eprintln!(
            "SKIPPED: headless Chromium test of the inspector page: chromium is not installed \
             (scripts/install-test-deps.sh installs it)"
        );
        return;
    }
    let root = small_site();
    let server = Server::start(&[root.path().to_str().unwrap()]);
    let profile = TempDir::new("chromium-profile");
    let url = format!("https://localhost:{}/_h2lab/", server.port());
    let mut chromium = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            &format!("--user-data-dir={}", profile.path().display()),
            "--ignore-certificate-errors",
            "--virtual-time-budget=3000",
            "--dump-dom",
            &url,
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromium starts");
    let deadline = Instant::now() + Duration::from_secs(90);
    while chromium.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = chromium.kill();
            panic!("chromium did not finish within 90 s");
        }
        thread::sleep(Duration::from_millis(100));
    }
    let out = chromium.wait_with_output().unwrap();
    let dom = text(&out.stdout);
    let context = || format!("DOM:\n{dom}\nserver log:\n{}", server.log());

    assert!(
        dom.contains("<span class=\"tag\">this page</span>"),
        "{}",
        context()
    );
    assert!(
        rows(&dom, "<tr class=\"frame recv\" data-type=\"HEADERS\"")
            .any(|row| row.contains("data-stream=\"1\"") && row.contains("END_HEADERS")),
        "the page's own HEADERS: {}",
        context()
    );
    assert!(
        dom.contains(
            "<tr class=\"field recv\" data-stream=\"1\" data-name=\":path\" \
             data-value=\"/_h2lab/\">"
        ),
        "its :path: {}",
        context()
    );
    assert!(
        rows(&dom, "<tr class=\"frame recv\" data-type=\"SETTINGS\"")
            .any(|row| row.contains("data-name=\"SETTINGS_INITIAL_WINDOW_SIZE\"")),
        "the browser's SETTINGS: {}",
        context()
    );
    assert!(
        rows(&dom, "<tr class=\"frame send\" data-type=\"SETTINGS\"")
            .any(|row| row.contains("data-name=\"SETTINGS_MAX_CONCURRENT_STREAMS\"")),
        "ours: {}",
        context()
    );
}
