//! A readable answer to HTTP/1.1 — RFC 9112 §3 (request line), RFC 9110 §15.6.6 (505)
//!
//! h2lab speaks only HTTP/2. A client that arrives with HTTP/1.1 (a browser over TLS without ALPN
//! `h2`, `curl http://…` without `--http2-prior-knowledge`) would see a dropped connection or,
//! worse, binary frames. Instead it gets one short HTTP/1.1 response — `505 HTTP Version Not
//! Supported` — whose text says how to come back over HTTP/2, and the connection closes.

use std::io::{self, Read, Write};
use std::net::SocketAddr;

use super::find;

/// The longest request head read before answering; the rest is not needed.
const MAX_HEAD: usize = 8 * 1024;

/// Reads the request head (up to the empty line, or `MAX_HEAD` octets) and writes the answer.
///
/// Reading the head first matters: closing a socket with unread input makes the kernel send a
/// reset, and the client could lose the answer.
pub fn answer<S: Read + Write>(stream: &mut S, local: SocketAddr, tls: bool) -> io::Result<()> {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while head.len() < MAX_HEAD && find(&head, b"\r\n\r\n").is_none() {
        let n = stream.read(&mut buf)?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(buf.get(..n).unwrap_or_default());
    }
    stream.write_all(&response(request_target(&head), local, tls))?;
    stream.flush()
}

/// The request target of the request line `METHOD SP TARGET SP VERSION`, when it is a plain
/// origin-form path of visible ASCII (it is echoed into the hint); `/` otherwise.
pub fn request_target(head: &[u8]) -> &str {
    let line = head.split(|&b| b == b'\n').next().unwrap_or_default();
    let mut words = line.split(|&b| b == b' ');
    let target = words.nth(1).unwrap_or_default();
    let plain = target.first() == Some(&b'/')
        && target.len() <= 200
        && target.iter().all(|b| (0x21..=0x7e).contains(b));
    match std::str::from_utf8(target) {
        Ok(text) if plain => text,
        _ => "/",
    }
}

/// The whole HTTP/1.1 response: status line, fields, and a text body with the two ways in.
pub fn response(target: &str, local: SocketAddr, tls: bool) -> Vec<u8> {
    let body = format!(
        "h2lab speaks HTTP/2 only, and this request came as HTTP/1.1{over}.\n\
         Ask again over HTTP/2, for example:\n  \
         curl --http2 -k https://{local}{target}\n  \
         curl --http2-prior-knowledge http://{local}{target}\n\
         (-k accepts the development certificate; trust certs/ca.pem instead with --cacert certs/ca.pem)\n",
        over = if tls { " over TLS" } else { "" },
    );
    let mut out = format!(
        "HTTP/1.1 505 HTTP Version Not Supported\r\n\
         content-type: text/plain; charset=utf-8\r\n\
         content-length: {}\r\n\
         connection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body.as_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local() -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], 8443))
    }

    #[test]
    fn the_request_target_is_echoed_when_it_is_a_plain_path() {
        assert_eq!(
            request_target(b"GET /a/b.txt?x=1 HTTP/1.1\r\n"),
            "/a/b.txt?x=1"
        );
    }

    #[test]
    fn odd_request_targets_become_the_root() {
        assert_eq!(request_target(b"GET http://x/ HTTP/1.1\r\n"), "/");
        assert_eq!(request_target(b"GET /\x1b[2J HTTP/1.1\r\n"), "/");
        assert_eq!(request_target(b"GET /\xff HTTP/1.1\r\n"), "/");
        assert_eq!(request_target(b""), "/");
        assert_eq!(request_target(b"GET"), "/");
    }

    #[test]
    fn the_answer_is_a_505_with_an_exact_content_length() {
        let out = response("/x", local(), false);
        let text = String::from_utf8(out).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 505 HTTP Version Not Supported\r\n"));
        assert!(head.contains(&format!("\r\ncontent-length: {}", body.len())));
        assert!(head.ends_with("\r\nconnection: close"));
        assert!(body.contains("curl --http2 -k https://127.0.0.1:8443/x\n"));
        assert!(body.contains("curl --http2-prior-knowledge http://127.0.0.1:8443/x\n"));
    }

    #[test]
    fn the_answer_says_when_the_request_came_over_tls() {
        let over_tls = String::from_utf8(response("/", local(), true)).unwrap();
        let cleartext = String::from_utf8(response("/", local(), false)).unwrap();
        assert!(over_tls.contains("came as HTTP/1.1 over TLS."));
        assert!(cleartext.contains("came as HTTP/1.1."));
    }

    #[test]
    fn answer_reads_the_head_then_writes_the_response() {
        struct Duplex {
            input: io::Cursor<Vec<u8>>,
            output: Vec<u8>,
        }
        impl Read for Duplex {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                self.input.read(buf)
            }
        }
        impl Write for Duplex {
            fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
                self.output.write(buf)
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let mut duplex = Duplex {
            input: io::Cursor::new(b"GET /hello HTTP/1.1\r\nhost: x\r\n\r\n".to_vec()),
            output: Vec::new(),
        };
        answer(&mut duplex, local(), false).unwrap();
        assert_eq!(duplex.input.position(), 32);
        assert_eq!(duplex.output, response("/hello", local(), false));
    }
}
