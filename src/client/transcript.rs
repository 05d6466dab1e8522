//! What `h2lab-client` prints: every frame sent and received, in the words of `h2lab -v` and
//! `h2lab-decode` — the `trace` layer's lines, each prefixed with `send` or `recv`.
//!
//! Each direction has its own HPACK decoder that follows the header blocks going that way, so a
//! block is shown as it was on the wire: the fields we sent exactly as our encoder coded them, the
//! server's as its encoder did. With `hpack` on, each field also shows its representation and each
//! dynamic table insertion or eviction ([`inspect::block_text`]).
//!
//! Octets we send are shown from the octets themselves, so that a `raw` line reads exactly as the
//! server will read it (the preface, then frames, whole or not).

use std::io::Write;

use crate::frame::{split_frame, Frame, FrameHeader, MAX_MAX_FRAME_SIZE, PREFACE};
use crate::hpack::Decoder;
use crate::trace::{self, inspect};

/// Which way octets went, seen from the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    /// From us to the server.
    Send,
    /// From the server to us.
    Recv,
}

impl Direction {
    fn label(self) -> &'static str {
        match self {
            Direction::Send => "send",
            Direction::Recv => "recv",
        }
    }
}

/// One direction's header blocks as they go by.
struct Blocks {
    decoder: Decoder,
    /// The block being assembled: its stream and fragments so far.
    open: Option<(u32, Vec<u8>)>,
}

impl Blocks {
    fn new() -> Blocks {
        let mut decoder = Decoder::new();
        // A viewer follows whatever table size the encoder announces; the client's own decoder
        // is the one that holds the server to our limit.
        decoder.set_max_table_size(usize::MAX);
        Blocks {
            decoder,
            open: None,
        }
    }

    /// Adds a frame's fragment; the whole block and its stream once END_HEADERS comes.
    fn add(&mut self, frame: &Frame) -> Option<(u32, Vec<u8>)> {
        let (stream, fragment, end_headers) = match frame {
            Frame::Headers(f) => (f.stream_id, &f.fragment, f.end_headers),
            Frame::PushPromise(f) => (f.stream_id, &f.fragment, f.end_headers),
            Frame::Continuation(f) => (f.stream_id, &f.fragment, f.end_headers),
            _ => return None,
        };
        let mut block = match (self.open.take(), frame) {
            (Some((_, joined)), Frame::Continuation(_)) => joined,
            _ => Vec::new(),
        };
        block.extend_from_slice(fragment);
        if end_headers {
            return Some((stream, block));
        }
        self.open = Some((stream, block));
        None
    }
}

/// The client's output. See the module documentation.
pub struct Transcript {
    out: Box<dyn Write>,
    hpack: bool,
    sent: Blocks,
    received: Blocks,
    /// Octets we sent that do not make a whole frame yet (a `raw` line may cut one).
    unsent_tail: Vec<u8>,
    /// Whether the next octets we send are the first of the connection (the preface's place).
    at_start: bool,
}

impl Transcript {
    /// A transcript written to `out`, for a new connection.
    pub fn new(out: Box<dyn Write>) -> Transcript {
        Transcript {
            out,
            hpack: false,
            sent: Blocks::new(),
            received: Blocks::new(),
            unsent_tail: Vec::new(),
            at_start: true,
        }
    }

    /// Starts over for a new connection: fresh HPACK contexts, preface expected.
    pub fn new_connection(&mut self) {
        self.sent = Blocks::new();
        self.received = Blocks::new();
        self.unsent_tail.clear();
        self.at_start = true;
    }

    /// Whether header fields show their HPACK representation.
    pub fn show_hpack(&mut self, on: bool) {
        self.hpack = on;
    }

    /// A line of the client's own (a command, a result), as it is.
    pub fn note(&mut self, text: &str) {
        self.write(text);
    }

    /// Octets we send: the preface and every whole frame in them.
    pub fn sent(&mut self, octets: &[u8]) {
        self.unsent_tail.extend_from_slice(octets);
        let pending = std::mem::take(&mut self.unsent_tail);
        let mut rest = pending.as_slice();
        if self.at_start {
            if PREFACE.starts_with(rest) && rest.len() < PREFACE.len() {
                self.unsent_tail = pending;
                return;
            }
            self.at_start = false;
            if let Some(after) = rest.strip_prefix(PREFACE.as_slice()) {
                self.write("send client preface (24 octets)");
                rest = after;
            }
        }
        while let Ok(Some((header, payload, used))) = split_frame(rest, MAX_MAX_FRAME_SIZE) {
            match Frame::decode(&header, payload) {
                Ok(frame) => self.frame(Direction::Send, &header, &frame),
                Err(error) => self.write(&format!(
                    "send {} (undecodable: {error})",
                    trace::header_line(&header)
                )),
            }
            rest = rest.get(used..).unwrap_or_default();
        }
        self.unsent_tail = rest.to_vec();
    }

    /// A frame received.
    pub fn received(&mut self, header: &FrameHeader, frame: &Frame) {
        self.frame(Direction::Recv, header, frame);
    }

    /// A frame received that could not be decoded, as the client describes it.
    pub fn received_undecodable(&mut self, description: &str) {
        self.write(&format!("recv {description}"));
    }

    /// Writes whatever is buffered.
    pub fn flush(&mut self) {
        // Output that cannot be written (a closed pipe) leaves nothing to report it to.
        let _ = self.out.flush();
    }

    /// A frame's line, then the fields of the header block it completes.
    fn frame(&mut self, direction: Direction, header: &FrameHeader, frame: &Frame) {
        let label = direction.label();
        self.write(&format!("{label} {}", trace::frame_line(header, frame)));
        let blocks = match direction {
            Direction::Send => &mut self.sent,
            Direction::Recv => &mut self.received,
        };
        let Some((stream, block)) = blocks.add(frame) else {
            return;
        };
        let decoded = inspect::decode_block(&mut blocks.decoder, &block);
        let indent = format!("{label}   stream={stream} ");
        if self.hpack {
            let text = inspect::block_text(&decoded, &indent);
            self.write(text.trim_end_matches('\n'));
            return;
        }
        match &decoded.result {
            Ok(fields) => {
                for field in fields {
                    self.write(&format!(
                        "{indent}{}",
                        trace::field(&field.name, &field.value)
                    ));
                }
            }
            Err(error) => self.write(&format!("{indent}error: {error}")),
        }
    }

    fn write(&mut self, text: &str) {
        // As in `flush`: nobody is left to tell when the output itself is gone.
        let _ = writeln!(self.out, "{text}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// A writer whose text the test can read afterwards.
    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn recording() -> (Transcript, Shared) {
        let shared = Shared::default();
        (Transcript::new(Box::new(shared.clone())), shared)
    }

    fn text(shared: &Shared) -> String {
        String::from_utf8(shared.0.lock().unwrap().clone()).unwrap()
    }

    #[test]
    fn the_preface_and_frames_we_send_are_named_as_h2lab_v_names_them() {
        let (mut transcript, shared) = recording();
        let mut octets = PREFACE.to_vec();
        octets.extend([0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00]);
        transcript.sent(&octets);
        assert_eq!(
            text(&shared),
            "send client preface (24 octets)\nsend SETTINGS flags=- stream=0 length=0\n"
        );
    }

    #[test]
    fn raw_octets_show_as_the_server_will_read_them_even_cut_in_two() {
        let (mut transcript, shared) = recording();
        transcript.sent(&PREFACE[..10]);
        transcript.sent(&PREFACE[10..]);
        transcript.sent(&[0x00, 0x00, 0x07, 0x06]);
        assert_eq!(text(&shared), "send client preface (24 octets)\n");
        transcript.sent(&[0x00, 0x00, 0x00, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(
            text(&shared),
            "send client preface (24 octets)\n\
             send PING flags=- stream=0 length=7 (undecodable: connection error \
             FRAME_SIZE_ERROR (RFC 9113 §6.7): PING frame of 7 octets, not 8)\n"
        );
    }

    #[test]
    fn a_block_is_shown_field_by_field_once_whole() {
        let (mut transcript, shared) = recording();
        transcript.at_start = false;
        // HEADERS without END_HEADERS, then CONTINUATION: :method GET (index 2), :path / (4).
        transcript.sent(&[0x00, 0x00, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x01, 0x82]);
        transcript.sent(&[0x00, 0x00, 0x01, 0x09, 0x04, 0x00, 0x00, 0x00, 0x01, 0x84]);
        assert_eq!(
            text(&shared),
            "send HEADERS flags=- stream=1 length=1 fragment_length=1\n\
             send CONTINUATION flags=END_HEADERS stream=1 length=1 fragment_length=1\n\
             send   stream=1 :method = \"GET\"\n\
             send   stream=1 :path = \"/\"\n"
        );
    }

    #[test]
    fn with_hpack_on_a_field_shows_its_representation() {
        let (mut transcript, shared) = recording();
        transcript.show_hpack(true);
        let frame = Frame::Headers(crate::frame::Headers {
            stream_id: 3,
            fragment: vec![0x82],
            end_stream: true,
            end_headers: true,
            priority: None,
            pad_len: None,
        });
        let header = FrameHeader {
            length: 1,
            kind: crate::frame::FrameType::HEADERS,
            flags: 0x5,
            stream_id: 3,
        };
        transcript.received(&header, &frame);
        assert_eq!(
            text(&shared),
            "recv HEADERS flags=END_STREAM|END_HEADERS stream=3 length=1 fragment_length=1\n\
             recv   stream=3 :method = \"GET\"    [indexed: index 2 (static)]\n"
        );
    }
}
