//! HTTP semantics over HTTP/2 — RFC 9113 §8: requests, responses and the application's interface.
//!
//! The connection layer turns a valid header block into a [`Request`] and hands it to a [`Handler`].
//! Because one thread runs a whole connection, a handler never blocks on the request body: it
//! returns an [`Exchange`] that is fed the body as DATA frames arrive and gives its [`Response`] when
//! the request has ended. The response body is a [`Body`] that the connection pulls from as flow
//! control allows, so a large file is streamed, never read whole.

use std::io::Read;
use std::sync::Arc;

mod complete;
mod fault;
mod field_name;
mod text;
mod validate;
pub use complete::{http_date, COMPLETING_FIELDS};
pub use fault::Fault;
pub use field_name::FieldName;
pub use text::Text;
pub use validate::{validate_request, validate_trailers, ValidRequest};

/// A request as the server decoded it (RFC 9113 §8.3.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// `:method`.
    pub method: Text,
    /// `:scheme`.
    pub scheme: Text,
    /// `:authority`, or the `host` field when `:authority` is absent.
    pub authority: Option<Text>,
    /// `:path` (for CONNECT, empty).
    pub path: Text,
    /// Every field of the header block in the order received, pseudo-header fields included.
    pub fields: Vec<(Text, Text)>,
    /// The connection it came over, as the server numbers them (`[conn N]` in the log): with it
    /// the inspector page shows the connection that the page itself came over.
    pub connection: u64,
}

impl Request {
    /// A request to push along with the response to `original` (RFC 9113 §8.4.1): a GET of
    /// `path`, with the `:scheme` and `:authority` of the request it is associated with, for
    /// which the server is therefore authoritative.
    pub fn promised(original: &Request, path: &str) -> Request {
        let path = Text::from(path.to_string());
        let mut fields = vec![
            (":method".into(), "GET".into()),
            (":scheme".into(), original.scheme.clone()),
        ];
        if let Some(authority) = &original.authority {
            fields.push((":authority".into(), authority.clone()));
        }
        fields.push((":path".into(), path.clone()));
        Request {
            method: "GET".into(),
            scheme: original.scheme.clone(),
            authority: original.authority.clone(),
            path,
            fields,
            connection: original.connection,
        }
    }

    /// The value of the first regular field called `name` (lowercase), if any.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A response's body, pulled by the connection as the peer's windows allow.
pub enum Body {
    /// No body (HEAD, 204, 304): HEADERS carries END_STREAM.
    Empty,
    /// A body held in memory.
    Bytes(Vec<u8>),
    /// A body held in memory that other responses share, a cached file's content: each response
    /// takes a reference to it, not a copy.
    Shared(Arc<[u8]>),
    /// A body read from a source of known length, a file for one.
    Reader {
        /// Where the octets come from.
        source: Box<dyn Read + Send>,
        /// How many octets it will give.
        len: u64,
    },
}

impl Body {
    /// The body's length in octets.
    pub fn len(&self) -> u64 {
        match self {
            Body::Empty => 0,
            Body::Bytes(bytes) => bytes.len() as u64,
            Body::Shared(bytes) => bytes.len() as u64,
            Body::Reader { len, .. } => *len,
        }
    }

    /// Whether the body has no octets at all.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl std::fmt::Debug for Body {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Body::Empty => f.write_str("Body::Empty"),
            Body::Bytes(bytes) => write!(f, "Body::Bytes({} octets)", bytes.len()),
            Body::Shared(bytes) => write!(f, "Body::Shared({} octets)", bytes.len()),
            Body::Reader { len, .. } => write!(f, "Body::Reader({len} octets)"),
        }
    }
}

/// A response: status, regular header fields (lowercase names) and body; and, for lessons, a
/// mistake to send it with and the requests whose responses to push with it.
#[derive(Debug)]
pub struct Response {
    /// The status code, sent as `:status`.
    pub status: u16,
    /// Regular fields in order; [`Response::complete`] adds `content-length`, `date`, `server`.
    pub headers: Vec<(FieldName, Text)>,
    /// The body.
    pub body: Body,
    /// A mistake the connection makes on purpose when it sends this response; `None` for a
    /// correct one.
    pub fault: Option<Fault>,
    /// Requests the server promises on the client's behalf (RFC 9113 §8.4): the connection pushes
    /// the handler's response to each, when the client allows push. Build them with
    /// [`Request::promised`].
    pub push: Vec<Request>,
    /// Once this response has gone out, end the connection gracefully: GOAWAY NO_ERROR naming the
    /// last stream processed (RFC 9113 §6.8), then close when the open streams are done. For
    /// `/_h2lab/goaway`, which shows a server's GOAWAY on demand.
    pub goaway_after: bool,
}

impl Response {
    /// A plain response: no fault, nothing pushed, the connection kept.
    pub fn new(status: u16, headers: Vec<(FieldName, Text)>, body: Body) -> Response {
        Response {
            status,
            headers,
            body,
            fault: None,
            push: Vec::new(),
            goaway_after: false,
        }
    }
}

/// What handles requests; shared by every connection's thread.
pub trait Handler: Send + Sync {
    /// A request's header block has arrived and is valid: begin the exchange.
    fn start(&self, request: Request) -> Box<dyn Exchange>;
}

/// One request in progress: it takes the request body, then gives the response.
pub trait Exchange: Send {
    /// Request body octets, in order, as DATA frames arrive.
    fn body(&mut self, chunk: &[u8]);

    /// The request has ended (END_STREAM), with its trailer fields if any: produce the response.
    fn finish(self: Box<Self>, trailers: &[(String, String)]) -> Response;
}
