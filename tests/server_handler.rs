//! The server runs any `Handler`: here one that is not the application, in this process.

use std::net::SocketAddr;
use std::sync::Arc;
use std::thread;

use h2lab::client::{Client, Transport};
use h2lab::http::{Body, Exchange, Handler, Request, Response};
use h2lab::server::{Config, Server};

/// Answers every request with 200 and its path as the body.
struct Paths;

impl Handler for Paths {
    fn start(&self, request: Request) -> Box<dyn Exchange> {
        Box::new(Path(request.path.to_string()))
    }
}

struct Path(String);

impl Exchange for Path {
    fn body(&mut self, _chunk: &[u8]) {}

    fn finish(self: Box<Self>, _trailers: &[(String, String)]) -> Response {
        Response::new(200, Vec::new(), Body::Bytes(self.0.into_bytes()))
    }
}

/// A server for `Paths` on a free port, serving on a thread of its own until the test ends.
fn start() -> SocketAddr {
    let config = Config {
        listen: SocketAddr::from(([127, 0, 0, 1], 0)),
        ..Config::default()
    };
    let server = Server::bind(config).unwrap();
    let addr = server.addr();
    thread::spawn(move || server.serve(Arc::new(Paths)));
    addr
}

#[test]
fn another_handler_answers_over_tls_and_h2c() {
    let addr = start();
    for transport in [Transport::Tls, Transport::Cleartext] {
        let mut client = Client::connect(addr, transport).unwrap();
        client.handshake().unwrap();
        let response = client.request("/any/path").unwrap();
        assert_eq!(response.status, 200, "{transport:?}");
        assert_eq!(response.body, b"/any/path", "{transport:?}");
    }
}
