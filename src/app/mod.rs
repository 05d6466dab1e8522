//! The application: static files from a root folder and the `/_h2lab/` built-ins — RFC 9110.
//!
//! [`App`] is the [`Handler`] the server runs. It picks the answer by path:
//! - `/_h2lab/echo` (`echo.rs`): the request as the server decoded it, as JSON;
//! - `/_h2lab/mistakes/` (`mistakes.rs`): responses sent with a mistake on purpose, and their list;
//! - `/_h2lab/push` (`push.rs`): a page whose stylesheet is pushed with it;
//! - `/_h2lab/headers?size=N` (`headers.rs`): a header section larger than one frame;
//! - `/_h2lab/goaway` (`goaway.rs`): an answer, then the connection's GOAWAY;
//! - `/_h2lab/` and `/_h2lab/connections…` (`inspector.rs`): the inspector page and its JSON;
//! - any other `/_h2lab/` path: 404, so that no file in the root can hide a built-in;
//! - everything else (`files.rs`): a file or folder listing from the root.
//!
//! Whatever the answer, `Finishing` completes the response with [`Response::complete`]:
//! `content-length`, `date` and `server` on every response, and for HEAD the headers of GET
//! without the body.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use crate::http::{Body, Exchange, Handler, Request, Response};
use crate::trace::record::Store;

mod cache;
mod echo;
mod files;
mod goaway;
mod headers;
mod inspector;
pub mod mime;
mod mistakes;
mod path;
mod push;

/// Where the built-in paths live; no file under the root is served from here.
const BUILTIN_PREFIX: &str = "/_h2lab/";

/// The application: serves the folder `root` and the `/_h2lab/` built-ins.
#[derive(Debug, Clone)]
pub struct App {
    /// Canonical (absolute, no symbolic links): the fence every file must stay within. Shared
    /// with each static-file exchange, not copied for it.
    root: Arc<Path>,
    /// The files found recently, shared by every connection.
    files: Arc<cache::FileCache>,
    /// The inspector's record of the connections; `None` when recording is off.
    record: Option<Arc<Store>>,
}

impl App {
    /// An application serving `root`, which must be a folder.
    ///
    /// The root is canonicalized once here, so that a file's canonical path can be checked against it.
    pub fn new(root: PathBuf) -> io::Result<App> {
        let root = root.canonicalize()?;
        if !root.is_dir() {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "not a folder"));
        }
        Ok(App {
            root: root.into(),
            files: Arc::default(),
            record: None,
        })
    }

    /// The application, showing `record` on the inspector page.
    pub fn with_record(self, record: Option<Arc<Store>>) -> App {
        App { record, ..self }
    }

    /// The folder served, canonical.
    pub fn root(&self) -> &Path {
        &self.root
    }
}

impl Handler for App {
    fn start(&self, request: Request) -> Box<dyn Exchange> {
        let head = request.method == "HEAD";
        let path = request.path.split('?').next().unwrap_or_default();
        let answer = if path == echo::PATH {
            Answer::Echo(echo::Echo::new(request))
        } else if path.starts_with(mistakes::PREFIX.trim_end_matches('/')) {
            Answer::Ready(mistakes::respond(path))
        } else if let Some(response) = push::respond(path, &request) {
            Answer::Ready(response)
        } else if path == headers::PATH {
            Answer::Ready(headers::respond(&request.path))
        } else if path == goaway::PATH {
            Answer::Ready(goaway::respond())
        } else if inspector::serves(path) {
            let record = self.record.as_deref();
            Answer::Ready(inspector::respond(path, &request, record))
        } else if path.starts_with(BUILTIN_PREFIX) {
            Answer::Ready(text(404, "no such built-in path"))
        } else {
            Answer::File(files::StaticFile::new(
                Arc::clone(&self.root),
                Arc::clone(&self.files),
                request,
            ))
        };
        Box::new(Finishing { head, answer })
    }
}

/// What answers a request: one of the application's three kinds. An enum, not a boxed
/// [`Exchange`], so that [`Finishing`] holds it inline and a request costs one allocation.
enum Answer {
    /// A file or folder from the root, worked out when the request has ended (`files.rs`).
    File(files::StaticFile),
    /// The request itself, its body hashed as it arrives (`echo.rs`).
    Echo(echo::Echo),
    /// A response known from the header block alone.
    Ready(Response),
}

/// Every request's exchange: its answer, completed with the fields that every response carries.
struct Finishing {
    head: bool,
    answer: Answer,
}

impl Exchange for Finishing {
    /// Only the echo reads the request body. A file's GET or HEAD body has no defined meaning
    /// (RFC 9110 §9.3.1), and a ready answer was made without it: both drop it.
    fn body(&mut self, chunk: &[u8]) {
        if let Answer::Echo(echo) = &mut self.answer {
            echo.body(chunk);
        }
    }

    fn finish(self: Box<Self>, trailers: &[(String, String)]) -> Response {
        let Finishing { head, answer } = *self;
        let response = match answer {
            Answer::File(file) => file.respond(),
            Answer::Echo(echo) => echo.respond(trailers),
            Answer::Ready(response) => response,
        };
        response.complete(head, SystemTime::now())
    }
}

/// A response with a short plain-text body: `message` and a line feed.
fn text(status: u16, message: &str) -> Response {
    Response::new(
        status,
        vec![("content-type".into(), mime::TEXT.into())],
        Body::Bytes(format!("{message}\n").into_bytes()),
    )
}

#[cfg(test)]
mod testutil;

#[cfg(test)]
mod tests {
    use super::testutil::{exchange, get, TempDir};
    use super::*;

    #[test]
    fn every_response_carries_length_date_and_server() {
        let dir = TempDir::new();
        let app = App::new(dir.path().to_path_buf()).unwrap();
        for path in [
            "/",
            "/missing",
            "/_h2lab/echo",
            "/_h2lab/nothing",
            "/_h2lab/",
            "/_h2lab/connections",
        ] {
            let answer = get(&app, path);
            assert_eq!(
                answer.header("content-length"),
                Some(answer.body.len().to_string().as_str()),
                "{path}"
            );
            let date = answer.header("date").unwrap();
            assert!(date.parse::<httpdate::HttpDate>().is_ok(), "{path}: {date}");
            assert_eq!(
                answer.header("server"),
                Some(concat!("h2lab/", env!("CARGO_PKG_VERSION")))
            );
        }
    }

    #[test]
    fn unknown_builtin_is_404_even_if_a_file_has_that_name() {
        let dir = TempDir::new();
        dir.write("_h2lab/secret.txt", b"shadow");
        let app = App::new(dir.path().to_path_buf()).unwrap();
        let answer = get(&app, "/_h2lab/secret.txt");
        assert_eq!(answer.status, 404);
        assert_eq!(answer.body, b"no such built-in path\n");
    }

    #[test]
    fn root_must_be_an_existing_folder() {
        let dir = TempDir::new();
        dir.write("file.txt", b"x");
        assert!(App::new(dir.path().join("file.txt")).is_err());
        assert!(App::new(dir.path().join("missing")).is_err());
    }

    #[test]
    fn request_body_is_ignored_by_static_files() {
        let dir = TempDir::new();
        dir.write("a.txt", b"hello");
        let app = App::new(dir.path().to_path_buf()).unwrap();
        let answer = exchange(&app, "GET", "/a.txt", &[], &[b"ignored"]);
        assert_eq!(answer.status, 200);
        assert_eq!(answer.body, b"hello");
    }
}
