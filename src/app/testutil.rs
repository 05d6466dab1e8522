//! Test helpers for the application: a scratch folder and a way to run one exchange to its end.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::http::{Body, Fault, Handler, Request};

/// A folder under the system's temporary folder, removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    /// A new, empty folder with a name no other test uses.
    pub fn new() -> TempDir {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("h2lab-app-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// Writes `contents` to `relative`, making the folders on the way.
    pub fn write(&self, relative: &str, contents: &[u8]) -> PathBuf {
        let path = self.0.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&path, contents).unwrap();
        path
    }

    pub fn mkdir(&self, relative: &str) -> PathBuf {
        let path = self.0.join(relative);
        std::fs::create_dir_all(&path).unwrap();
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A finished response with its body read out.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    /// Whether the body was `Body::Empty`.
    pub empty: bool,
    pub body: Vec<u8>,
    pub fault: Option<Fault>,
    pub push: Vec<Request>,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The request a client would send, pseudo-header fields first.
pub fn request(method: &str, path: &str, extra: &[(&str, &str)]) -> Request {
    let mut fields = vec![
        (":method".into(), method.to_string().into()),
        (":scheme".into(), "https".into()),
        (":authority".into(), "localhost".into()),
        (":path".into(), path.to_string().into()),
    ];
    fields.extend(
        extra
            .iter()
            .map(|(n, v)| (n.to_string().into(), v.to_string().into())),
    );
    Request {
        method: method.to_string().into(),
        scheme: "https".into(),
        authority: Some("localhost".into()),
        path: path.to_string().into(),
        fields,
        connection: 1,
    }
}

/// Runs one exchange: start, the body `chunks`, finish without trailers; reads the body out.
pub fn exchange(
    handler: &dyn Handler,
    method: &str,
    path: &str,
    extra: &[(&str, &str)],
    chunks: &[&[u8]],
) -> Answer {
    run(handler, request(method, path, extra), chunks, &[])
}

/// Runs one exchange of `request`, with its body `chunks` and `trailers`.
pub fn run(
    handler: &dyn Handler,
    request: Request,
    chunks: &[&[u8]],
    trailers: &[(String, String)],
) -> Answer {
    let mut exchange = handler.start(request);
    for chunk in chunks {
        exchange.body(chunk);
    }
    let response = exchange.finish(trailers);
    let declared = response.body.len();
    let (empty, body) = match response.body {
        Body::Empty => (true, Vec::new()),
        Body::Bytes(bytes) => (false, bytes),
        Body::Shared(bytes) => (false, bytes.to_vec()),
        Body::Reader { mut source, .. } => {
            let mut bytes = Vec::new();
            source.read_to_end(&mut bytes).unwrap();
            (false, bytes)
        }
    };
    assert_eq!(
        declared,
        body.len() as u64,
        "Body::len must match its octets"
    );
    Answer {
        status: response.status,
        headers: response
            .headers
            .into_iter()
            .map(|(name, value)| (name.as_str().to_string(), value.to_string()))
            .collect(),
        empty,
        body,
        fault: response.fault,
        push: response.push,
    }
}

/// A GET of `path` with no extra fields and no body.
pub fn get(handler: &dyn Handler, path: &str) -> Answer {
    exchange(handler, "GET", path, &[], &[])
}
