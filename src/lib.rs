//! h2lab — an HTTP/2 server written from scratch to be read, run and watched.
//!
//! The modules are the layers of `DESIGN.md`, lowest first. Each knows only the ones below it:
//!
//! | module | what it holds |
//! |---|---|
//! | [`error`] | the two kinds of protocol error of RFC 9113 §5.4 and the §7 error codes |
//! | [`frame`] | the wire format: the 9-octet header and the ten frame types of RFC 9113 §6 |
//! | [`hpack`] | header compression, RFC 7541 |
//! | [`fields`] | the rules of RFC 9113 §8.1–§8.3 on a message's fields, shared by `http` and `trace` |
//! | [`json`] | the JSON string escaping that echo and `h2lab-decode --json` share |
//! | [`trace`] | how a frame, a field, a header block is shown to a person: `-v` lines, `h2lab-decode` |
//! | [`http`] | requests, responses and the [`http::Handler`] interface, RFC 9113 §8 |
//! | [`connection`] | one connection's protocol state, I/O-free: bytes in, bytes out |
//! | [`app`] | static files and the `/_h2lab/` built-ins |
//! | [`server`] | sockets, TLS, threads |
//! | [`client`] | a raw HTTP/2 client for tests and teaching: any frame, well-formed or not |
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod app;
pub mod client;
pub mod connection;
pub mod error;
pub mod fields;
pub mod frame;
pub mod hpack;
pub mod http;
pub mod json;
pub mod server;
pub mod trace;
