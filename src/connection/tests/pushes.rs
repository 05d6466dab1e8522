//! Server push (RFC 9113 §8.4): the exact frames of a push, the stream states it walks, and the
//! clients it must not push to.

use super::*;

const PAGE: &[u8] = b"<link rel=stylesheet href=/style.css>";
const CSS: &[u8] = b"h1 { color: green }";

/// `/page` pushes `/style.css` with it; `/unsafe` asks to push a POST, which must not be promised.
struct Pushing;

impl Handler for Pushing {
    fn start(&self, request: Request) -> Box<dyn Exchange> {
        Box::new(PushingExchange(request))
    }
}

struct PushingExchange(Request);

impl Exchange for PushingExchange {
    fn body(&mut self, _chunk: &[u8]) {}

    fn finish(self: Box<Self>, _trailers: &[(String, String)]) -> Response {
        let request = self.0;
        let (body, push) = match request.path.as_str() {
            "/page" => (PAGE, vec![Request::promised(&request, "/style.css")]),
            "/unsafe" => {
                let mut post = Request::promised(&request, "/style.css");
                post.method = "POST".into();
                (PAGE, vec![post])
            }
            _ => (CSS, Vec::new()),
        };
        Response {
            status: 200,
            headers: Vec::new(),
            body: Body::Bytes(body.to_vec()),
            fault: None,
            push,
            goaway_after: false,
        }
    }
}

/// A client past the opening, with `peer` as its SETTINGS, served by [`Pushing`].
fn pushing_client(peer: &[(u16, u32)]) -> Client {
    let mut client = Client::serving(Arc::new(Pushing));
    client.handshake_with(peer);
    client
}

fn fields(pairs: &[(&str, &str)]) -> Option<Vec<(String, String)>> {
    Some(
        pairs
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect(),
    )
}

#[test]
fn a_push_is_promised_on_the_request_stream_then_sent_on_stream_2() {
    let mut client = pushing_client(&[]);
    client.send_get(1, "/page");
    let out = client.output();
    let shapes: Vec<_> = out.iter().map(Out::shape).collect();
    assert_eq!(
        shapes,
        [
            (PUSH_PROMISE, END_HEADERS, 1),
            (HEADERS, END_HEADERS, 1),
            (HEADERS, END_HEADERS, 2),
            (DATA, END_STREAM, 1),
            (DATA, END_STREAM, 2),
        ]
    );
    assert_eq!(out[0].code_at(0), 2, "Promised Stream ID");
    assert_eq!(
        out[0].fields,
        fields(&[
            (":method", "GET"),
            (":scheme", "https"),
            (":authority", "h2lab.test"),
            (":path", "/style.css"),
        ])
    );
    assert_eq!(out[1].fields, fields(&[(":status", "200")]));
    assert_eq!(out[2].fields, fields(&[(":status", "200")]));
    assert_eq!(out[3].payload, PAGE);
    assert_eq!(out[4].payload, CSS);
    assert!(!client.conn.has_open_streams());
    // The stream it promised is used: late frames of the client on it are no error.
    client.send(&window_update(2, 1)).unwrap();
    client.send(&rst_stream(2, CANCEL)).unwrap();
    client.send_get(3, "/page");
    assert_eq!(client.output()[0].code_at(0), 4, "the next promise takes 4");
}

#[test]
fn a_client_with_enable_push_0_gets_no_push_promise() {
    let mut client = pushing_client(&[(0x2, 0)]);
    client.send_get(1, "/page");
    let out = client.output();
    let shapes: Vec<_> = out.iter().map(Out::shape).collect();
    assert_eq!(shapes, [(HEADERS, END_HEADERS, 1), (DATA, END_STREAM, 1)]);
    assert_eq!(out[1].payload, PAGE);
}

#[test]
fn a_client_with_max_concurrent_streams_0_gets_no_push() {
    let mut client = pushing_client(&[(0x3, 0)]);
    client.send_get(1, "/page");
    assert!(client.output().iter().all(|f| f.kind != PUSH_PROMISE));
}

#[test]
fn no_push_after_the_clients_goaway() {
    let mut client = pushing_client(&[]);
    client.send(&frame(GOAWAY, 0, 0, &[0; 8])).unwrap();
    client.send_get(1, "/page");
    assert!(client.output().iter().all(|f| f.kind != PUSH_PROMISE));
}

#[test]
fn an_unsafe_method_is_never_promised() {
    let mut client = pushing_client(&[]);
    client.send_get(1, "/unsafe");
    let out = client.output();
    assert!(out.iter().all(|f| f.kind != PUSH_PROMISE), "{out:?}");
    assert_eq!(data_lengths(&out), [(1, PAGE.len())]);
}

#[test]
fn a_cancelled_push_sends_no_more_of_its_response() {
    let mut client = pushing_client(&[]);
    client.send_get(1, "/page");
    client.send(&rst_stream(2, CANCEL)).unwrap();
    let out = client.output();
    assert_eq!(out[0].shape(), (PUSH_PROMISE, END_HEADERS, 1));
    assert_eq!(data_lengths(&out), [(1, PAGE.len())]);
    assert!(!client.conn.has_open_streams());
}

#[test]
fn data_from_the_client_on_a_pushed_stream_is_an_error() {
    let mut client = pushing_client(&[]);
    client.send_get(1, "/page");
    // Stream 2 is "half-closed (remote)" once its HEADERS are queued: §5.1, STREAM_CLOSED.
    client.send(&data(2, 0, 1)).unwrap();
    let out = client.output();
    assert!(out.iter().any(|f| f.kind == RST_STREAM && f.stream == 2));
    assert_eq!(data_lengths(&out), [(1, PAGE.len())]);
}

#[test]
fn an_observer_sees_the_pushed_stream_walk_reserved_local_half_closed_remote_closed() {
    let mut client = pushing_client(&[]);
    let mut lines = record(&mut client);
    client.send_get(1, "/page");
    client.output();
    let lines = lines();
    let promised: Vec<&str> = lines
        .iter()
        .map(String::as_str)
        .filter(|line| line.starts_with("send PUSH_PROMISE") || line.starts_with("stream 2"))
        .collect();
    assert_eq!(
        promised,
        [
            "send PUSH_PROMISE flags=END_HEADERS stream=1 length=24 promised_stream=2 \
             fragment_length=20",
            "stream 2: idle → reserved (local)",
            "stream 2: reserved (local) → half-closed (remote)",
            "stream 2 send window 65,516 (-19)",
            "stream 2: half-closed (remote) → closed",
        ]
    );
}
