//! A response body on its way out, pulled in slices as DATA — RFC 9113 §6.1 and §8.1
//!
//! The connection asks for at most as many octets as flow control and the frame size allow, and
//! never more: a file is read a slice at a time, never whole.

use std::io::Read;
use std::sync::Arc;

use crate::http::Body;

/// What is left of a response body.
pub enum Outgoing {
    /// An in-memory body and how far it has been sent.
    Bytes {
        /// The whole body.
        data: Vec<u8>,
        /// Octets already sent.
        sent: usize,
    },
    /// An in-memory body shared with other responses, and how far it has been sent.
    Shared {
        /// The whole body.
        data: Arc<[u8]>,
        /// Octets already sent.
        sent: usize,
    },
    /// A body read from a source of announced length.
    Reader {
        /// Where the octets come from.
        source: Box<dyn Read + Send>,
        /// Octets still to send.
        remaining: u64,
    },
}

impl Outgoing {
    /// The body to send, or `None` when it has no octets (END_STREAM then goes on HEADERS).
    pub fn new(body: Body) -> Option<Outgoing> {
        let outgoing = match body {
            Body::Empty => return None,
            Body::Bytes(data) => Outgoing::Bytes { data, sent: 0 },
            Body::Shared(data) => Outgoing::Shared { data, sent: 0 },
            Body::Reader { source, len } => Outgoing::Reader {
                source,
                remaining: len,
            },
        };
        if outgoing.remaining() == 0 {
            return None;
        }
        Some(outgoing)
    }

    /// Octets not yet sent.
    pub fn remaining(&self) -> u64 {
        match self {
            Outgoing::Bytes { data, sent } => data.len().saturating_sub(*sent) as u64,
            Outgoing::Shared { data, sent } => data.len().saturating_sub(*sent) as u64,
            Outgoing::Reader { remaining, .. } => *remaining,
        }
    }

    /// Octets this body holds in memory until they are sent (none for a source read as it goes).
    /// A shared body counts in full, as if it were the response's own: the cache may let go of
    /// it meanwhile, and then the response is what keeps it.
    pub fn held(&self) -> u64 {
        match self {
            Outgoing::Bytes { .. } | Outgoing::Shared { .. } => self.remaining(),
            Outgoing::Reader { .. } => 0,
        }
    }

    /// Appends the next at most `limit` octets of the body to `out` (fewer only at its end),
    /// straight from where they are: a file is read into `out` with no buffer between. A source
    /// that fails, or ends before its announced length, is an error (the stream is then reset
    /// with INTERNAL_ERROR), and what it appended is of no use.
    pub fn append_chunk(&mut self, limit: usize, out: &mut Vec<u8>) -> Result<(), String> {
        match self {
            Outgoing::Bytes { data, sent } => {
                next_slice(data, sent, limit, out);
                Ok(())
            }
            Outgoing::Shared { data, sent } => {
                next_slice(data, sent, limit, out);
                Ok(())
            }
            Outgoing::Reader { source, remaining } => {
                let want = (*remaining).min(u64::try_from(limit).unwrap_or(u64::MAX));
                let read = source
                    .by_ref()
                    .take(want)
                    .read_to_end(out)
                    .map_err(|e| format!("reading the response body: {e}"))?;
                if (read as u64) < want {
                    return Err(format!(
                        "response body ended {} octets before its announced length",
                        *remaining - read as u64
                    ));
                }
                *remaining -= want;
                Ok(())
            }
        }
    }
}

/// Appends to `out` the at most `limit` octets of `data` after the `sent` ones, and counts them
/// as sent.
fn next_slice(data: &[u8], sent: &mut usize, limit: usize, out: &mut Vec<u8>) {
    let end = sent.saturating_add(limit).min(data.len());
    out.extend_from_slice(data.get(*sent..end).unwrap_or_default());
    *sent = end;
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io;

    #[test]
    fn empty_bodies_send_nothing() {
        assert!(Outgoing::new(Body::Empty).is_none());
        assert!(Outgoing::new(Body::Bytes(Vec::new())).is_none());
        assert!(Outgoing::new(Body::Shared(Arc::from(Vec::new()))).is_none());
        let reader = Body::Reader {
            source: Box::new(io::empty()),
            len: 0,
        };
        assert!(Outgoing::new(reader).is_none());
    }

    #[test]
    fn bytes_are_sent_in_slices_of_at_most_the_limit() {
        let mut body = Outgoing::new(Body::Bytes(vec![0x61; 5])).unwrap();
        let mut out = b"before".to_vec();
        body.append_chunk(3, &mut out).unwrap();
        assert_eq!((&out[..], body.remaining()), (&b"beforeaaa"[..], 2));
        body.append_chunk(3, &mut out).unwrap();
        assert_eq!((&out[..], body.remaining()), (&b"beforeaaaaa"[..], 0));
    }

    #[test]
    fn a_shared_body_is_sent_in_slices_and_held_like_bytes() {
        let shared: Arc<[u8]> = Arc::from(vec![0x61; 5]);
        let mut body = Outgoing::new(Body::Shared(Arc::clone(&shared))).unwrap();
        let bytes = Outgoing::new(Body::Bytes(vec![0x61; 5])).unwrap();
        assert_eq!((body.held(), bytes.held()), (5, 5));
        let mut out = Vec::new();
        body.append_chunk(3, &mut out).unwrap();
        assert_eq!((out.as_slice(), body.held()), (&shared[..3], 2));
        body.append_chunk(3, &mut out).unwrap();
        assert_eq!((out.as_slice(), body.remaining()), (&shared[..], 0));
    }

    #[test]
    fn reader_is_read_only_as_far_as_asked() {
        let source = io::Cursor::new(vec![0x62; 10]);
        let mut body = Outgoing::new(Body::Reader {
            source: Box::new(source),
            len: 10,
        })
        .unwrap();
        let mut chunk = Vec::new();
        body.append_chunk(4, &mut chunk).unwrap();
        assert_eq!(chunk, vec![0x62; 4]);
        assert_eq!(body.remaining(), 6);
    }

    #[test]
    fn reader_ending_early_is_an_error() {
        let mut body = Outgoing::new(Body::Reader {
            source: Box::new(io::Cursor::new(vec![0x63; 2])),
            len: 5,
        })
        .unwrap();
        let mut chunk = Vec::new();
        assert!(body.append_chunk(5, &mut chunk).is_err());
    }
}
