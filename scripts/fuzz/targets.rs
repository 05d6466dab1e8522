//! The fuzz targets: what each one does with the octets it is given, and the rules it checks.
//!
//! Shared by the libFuzzer binaries in `fuzz_targets/` (built by `scripts/fuzz.sh`) and by
//! `tests/fuzz_corpus.rs`, which replays the checked-in corpus in every `cargo test`. A target
//! fails by panicking: the code under test panicked, or an assertion here found output that breaks
//! a rule of RFC 9113 or RFC 7541.
//!
//! - `frame_reader`: octets as a stream of frames: `split_frame`, `Frame::decode`, and every frame
//!   that decodes is encoded again and must decode to the same frame.
//! - `hpack_decoder`: octets as a sequence of header blocks for one decoder; what decodes is
//!   encoded again by our encoder and must decode to the same fields.
//! - `connection`: the client preface, then the octets as they come, fed to a connection in
//!   pieces; its output is checked frame by frame (see [`OutputCheck`]).
//! - `connection_structured`: the octets describe frames (type, flags, stream, payload, real
//!   request header blocks among them) that are encoded after the preface and a SETTINGS frame,
//!   so that the fuzzer reaches open streams, CONTINUATION and flow control quickly.

use std::collections::BTreeMap;
use std::io::Read;
use std::sync::Arc;

use h2lab::connection::{Connection, LocalSettings};
use h2lab::error::ErrorCode;
use h2lab::frame::{split_frame, Frame, FrameHeader, FrameType, MAX_MAX_FRAME_SIZE, PREFACE};
use h2lab::hpack::{Decoder, Encoder, Field};
use h2lab::http::{Body, Exchange, Handler, Request, Response, Text};

/// A target: it takes any octets, and panics on a finding.
pub type Target = fn(&[u8]);

/// Every target by name, for the fuzz binaries and the corpus replay.
pub const TARGETS: &[(&str, Target)] = &[
    ("frame_reader", frame_reader),
    ("hpack_decoder", hpack_decoder),
    ("connection", connection),
    ("connection_structured", connection_structured),
];

/// Runs the target called `name` on `data`.
pub fn run(name: &str, data: &[u8]) {
    let Some((_, target)) = TARGETS.iter().find(|(n, _)| *n == name) else {
        panic!("no fuzz target called {name}");
    };
    target(data);
}

// ---- frame reader -------------------------------------------------------------------------------

/// The first two octets choose the SETTINGS_MAX_FRAME_SIZE we advertise; the rest is frames.
pub fn frame_reader(data: &[u8]) {
    let mut input = Cursor::new(data);
    let max_frame_size = 0x4000 + u32::from(input.u16()) * 0x100;
    let mut buf = input.rest();
    while let Ok(Some((header, payload, used))) = split_frame(buf, max_frame_size) {
        assert!(header.length <= max_frame_size);
        assert_eq!(payload.len(), header.length as usize);
        buf = &buf[used..];
        let Ok(frame) = Frame::decode(&header, payload) else {
            continue;
        };
        let mut encoded = Vec::new();
        frame.encode(&mut encoded);
        let again = split_frame(&encoded, MAX_MAX_FRAME_SIZE);
        let Ok(Some((header_again, payload_again, used_again))) = again else {
            panic!("our encoding of {frame:?} is not a whole frame");
        };
        assert_eq!(used_again, encoded.len(), "{frame:?}");
        assert_eq!(header_again.length, header.length, "{frame:?}");
        let decoded = Frame::decode(&header_again, payload_again);
        assert_eq!(
            decoded.as_ref(),
            Ok(&frame),
            "encode then decode changed the frame"
        );
    }
}

// ---- HPACK decoder ------------------------------------------------------------------------------

/// The first octet chooses the table size and header list limits; then each block is a length
/// octet and that many octets, decoded in turn by one decoder, as blocks of one connection are.
pub fn hpack_decoder(data: &[u8]) {
    let mut input = Cursor::new(data);
    let mut decoder = Decoder::new();
    let choice = input.u8();
    if choice & 0x1 != 0 {
        decoder.set_max_table_size(usize::from(input.u16()));
    }
    if choice & 0x2 != 0 {
        decoder.set_max_header_list_size(usize::from(input.u16()));
    }
    let mut encoder = Encoder::new();
    let mut mirror = Decoder::new();
    while !input.is_empty() {
        let len = usize::from(input.u8());
        let block = input.take(len);
        let Ok(fields) = decoder.decode(block) else {
            // RFC 9113 §4.3: A decoding error in a field block MUST be treated as a connection
            // error: the decoder is used no more, so there is nothing more to check.
            return;
        };
        // RFC 7541 §4.3: entries are evicted until the size of the dynamic table is less than
        // or equal to the maximum size.
        assert!(decoder.table_size() <= decoder.table_max_size());
        // What we decoded, our encoder must carry to another decoder unchanged.
        let mut encoded = Vec::new();
        encoder.encode(&fields, &mut encoded);
        assert_eq!(mirror.decode(&encoded).as_ref(), Ok(&fields));
    }
}

// ---- the connection, from arbitrary octets ------------------------------------------------------

/// The client preface, then `data` in pieces of 1, 9, 100 and 4,096 octets in turn, each followed
/// by a look at the output; then the output is drained.
pub fn connection(data: &[u8]) {
    let mut session = Session::new(LocalSettings::default());
    session.send(PREFACE);
    let mut rest = data;
    for size in [1, 9, 100, 0x1000].into_iter().cycle() {
        if rest.is_empty() {
            break;
        }
        let (piece, after) = rest.split_at(size.min(rest.len()));
        session.send(piece);
        rest = after;
    }
    session.drain();
}

// ---- the connection, from frame descriptions ----------------------------------------------------

/// A few real requests, by path; `/_post` declares a content-length of 5.
const REQUESTS: &[(&str, &str)] = &[
    ("GET", "/"),
    ("GET", "/large"),
    ("GET", "/reader"),
    ("GET", "/short"),
    ("GET", "/wide"),
    ("HEAD", "/"),
    ("POST", "/_post"),
    ("POST", "/"),
];

/// The first octet chooses our SETTINGS; then the octets describe frames, one operation at a time
/// (see [`Builder::operation`]), sent after the preface and a SETTINGS frame.
pub fn connection_structured(data: &[u8]) {
    let mut input = Cursor::new(data);
    let local = match input.u8() % 4 {
        0 => LocalSettings::default(),
        1 => LocalSettings {
            header_table_size: 0x0,
            max_concurrent_streams: 0x2,
            initial_window_size: 0x64,
            max_frame_size: 0x4000,
            max_header_list_size: 0x100,
        },
        2 => LocalSettings {
            header_table_size: 0x1_0000,
            max_concurrent_streams: 0xffff_ffff,
            initial_window_size: 0x7fff_ffff,
            max_frame_size: MAX_MAX_FRAME_SIZE,
            max_header_list_size: 0xffff_ffff,
        },
        _ => LocalSettings {
            initial_window_size: 0x0,
            ..LocalSettings::default()
        },
    };
    let mut session = Session::new(local);
    let mut builder = Builder {
        out: PREFACE.to_vec(),
        encoder: Encoder::new(),
        next_stream: 0x1,
    };
    let settings = input.u8();
    let mut payload = Vec::new();
    if settings & 0x1 != 0 {
        push_setting(&mut payload, 0x4, input.u32());
    }
    if settings & 0x2 != 0 {
        push_setting(&mut payload, 0x5, input.u32());
    }
    if settings & 0x4 != 0 {
        push_setting(&mut payload, 0x1, u32::from(input.u16()));
    }
    builder.frame(FrameType::SETTINGS, 0x0, 0x0, &payload);
    while !input.is_empty() {
        if builder.operation(&mut input) {
            session.send(&std::mem::take(&mut builder.out));
        }
    }
    session.send(&builder.out);
    session.drain();
}

/// Encodes the frames the fuzzer describes.
struct Builder {
    out: Vec<u8>,
    /// The client's HPACK encoder: blocks of real requests use its dynamic table.
    encoder: Encoder,
    /// The next stream id a new request would use.
    next_stream: u32,
}

impl Builder {
    /// Reads one operation and appends its frame(s); true when the octets so far are to be sent.
    /// An operation is an octet that chooses (modulo 14), a flags octet, then what it needs:
    /// 0 and 1 a request (HEADERS, and CONTINUATION when END_HEADERS is clear), 2 DATA,
    /// 3 WINDOW_UPDATE, 4 SETTINGS, 5 RST_STREAM, 6 PING, 7 PRIORITY, 8 CONTINUATION, 9 GOAWAY,
    /// 10 any type with any payload, 11 a request with one octet changed, 12 trailers, 13 send.
    fn operation(&mut self, input: &mut Cursor) -> bool {
        let op = input.u8();
        let flags = input.u8();
        match op % 14 {
            0 | 1 => {
                let stream = self.stream(input, true);
                let block = self.request_block(input);
                self.headers(stream, flags, &block, input);
            }
            2 => {
                let stream = self.stream(input, false);
                let len = usize::from(input.u16() % 0x5000);
                let payload = padded(flags, &vec![0x64; len], input);
                self.frame(FrameType::DATA, flags, stream, &payload);
            }
            3 => {
                let stream = if flags & 0x10 != 0 {
                    0x0
                } else {
                    self.stream(input, false)
                };
                let increment = match input.u8() % 4 {
                    0 => input.u32(),
                    1 => u32::from(input.u16()),
                    2 => 0x7fff_ffff,
                    _ => 0x1_0000,
                };
                self.frame(
                    FrameType::WINDOW_UPDATE,
                    0x0,
                    stream,
                    &increment.to_be_bytes(),
                );
            }
            4 => {
                let mut payload = Vec::new();
                for _ in 0..input.u8() % 4 {
                    let id = u16::from(input.u8() % 8);
                    let value = match input.u8() % 3 {
                        0 => input.u32(),
                        1 => u32::from(input.u16()),
                        _ => u32::from(input.u8()),
                    };
                    push_setting(&mut payload, id, value);
                }
                let flags = flags & 0x1;
                if flags != 0 {
                    payload.clear();
                }
                self.frame(FrameType::SETTINGS, flags, 0x0, &payload);
            }
            5 => {
                let stream = self.stream(input, false);
                let code = u32::from(input.u8() % 0x10);
                self.frame(FrameType::RST_STREAM, 0x0, stream, &code.to_be_bytes());
            }
            6 => self.frame(FrameType::PING, flags & 0x1, 0x0, input.take(8)),
            7 => {
                let stream = self.stream(input, false);
                let dependency = self.stream(input, false);
                let mut payload = dependency.to_be_bytes().to_vec();
                payload.push(input.u8());
                self.frame(FrameType::PRIORITY, 0x0, stream, &payload);
            }
            8 => {
                let stream = self.stream(input, false);
                let fragment = match input.u8() % 2 {
                    0 => self.request_block(input),
                    _ => input.sized(0x100).to_vec(),
                };
                self.frame(FrameType::CONTINUATION, flags, stream, &fragment);
            }
            9 => {
                let last = self.stream(input, false);
                let mut payload = last.to_be_bytes().to_vec();
                payload.extend_from_slice(&u32::from(input.u8() % 0x10).to_be_bytes());
                self.frame(FrameType::GOAWAY, 0x0, 0x0, &payload);
            }
            10 => {
                let kind = FrameType(input.u8());
                let stream = self.stream(input, false);
                let payload = input.sized(0x100).to_vec();
                self.frame(kind, flags, stream, &payload);
            }
            11 => {
                // A real block, one octet changed: a corrupt or surprising representation.
                let stream = self.stream(input, true);
                let mut block = self.request_block(input);
                let at = usize::from(input.u8()) % block.len().max(1);
                let octet = input.u8();
                if let Some(target) = block.get_mut(at) {
                    *target = octet;
                }
                self.headers(stream, flags, &block, input);
            }
            12 => {
                // Trailers, or a second block, on a stream.
                let stream = self.stream(input, false);
                let mut block = Vec::new();
                let fields = [Field::new("x-trailer", input.take(4))];
                self.encoder.encode(&fields, &mut block);
                self.headers(stream, flags | 0x1, &block, input);
            }
            _ => return true,
        }
        false
    }

    /// A stream id: mostly recent streams; sometimes a new one (always, for a new request),
    /// stream 0, an even one, or any 31-bit value.
    fn stream(&mut self, input: &mut Cursor, new: bool) -> u32 {
        let choice = input.u8();
        let newest = self.next_stream.saturating_sub(2).max(0x1);
        match choice {
            _ if new && choice < 0xe0 => {
                let id = self.next_stream;
                self.next_stream = self.next_stream.saturating_add(2);
                id
            }
            0x00..=0x9f => newest.saturating_sub(2 * u32::from(choice % 4)).max(0x1),
            0xa0..=0xdf => self.next_stream,
            0xe0..=0xef => 0x0,
            0xf0..=0xf7 => newest.saturating_add(1),
            _ => input.u32() & 0x7fff_ffff,
        }
    }

    /// A real request's header block from the client's encoder, with one extra field at times.
    fn request_block(&mut self, input: &mut Cursor) -> Vec<u8> {
        let choice = input.u8();
        let (method, path) = REQUESTS[usize::from(choice) % REQUESTS.len()];
        let mut fields = vec![
            Field::new(":method", method),
            Field::new(":scheme", "https"),
            Field::new(":authority", "localhost"),
            Field::new(":path", path),
        ];
        if path == "/_post" {
            fields.push(Field::new("content-length", "5"));
        }
        if choice & 0x80 != 0 {
            let name = input.sized(0x10).to_vec();
            let value = input.sized(0x20).to_vec();
            fields.push(Field::new(name, value));
        }
        if choice & 0x40 != 0 {
            fields.swap(0, 3);
        }
        let mut block = Vec::new();
        self.encoder.encode(&fields, &mut block);
        block
    }

    /// HEADERS carrying `block`, whole or in HEADERS + CONTINUATION pieces when END_HEADERS is
    /// clear in `flags`; padding and priority as `flags` say.
    fn headers(&mut self, stream: u32, flags: u8, block: &[u8], input: &mut Cursor) {
        let split = if flags & 0x4 == 0 {
            usize::from(input.u8()).min(block.len())
        } else {
            block.len()
        };
        let (first, rest) = block.split_at(split);
        let mut payload = Vec::new();
        if flags & 0x20 != 0 {
            payload.extend_from_slice(&input.u32().to_be_bytes());
            payload.push(input.u8());
        }
        payload.extend_from_slice(first);
        let payload = padded(flags, &payload, input);
        self.frame(FrameType::HEADERS, flags, stream, &payload);
        if flags & 0x4 == 0 {
            self.frame(FrameType::CONTINUATION, 0x4, stream, rest);
        }
    }

    fn frame(&mut self, kind: FrameType, flags: u8, stream: u32, payload: &[u8]) {
        let header = FrameHeader {
            length: u32::try_from(payload.len()).unwrap_or(u32::MAX),
            kind,
            flags,
            stream_id: stream,
        };
        header.encode(&mut self.out);
        self.out.extend_from_slice(payload);
    }
}

/// `payload` behind a Pad Length octet and followed by padding, when PADDED (0x8) is in `flags`.
fn padded(flags: u8, payload: &[u8], input: &mut Cursor) -> Vec<u8> {
    if flags & 0x8 == 0 {
        return payload.to_vec();
    }
    let pad_len = input.u8();
    let mut out = vec![pad_len];
    out.extend_from_slice(payload);
    out.resize(out.len() + usize::from(pad_len % 0x40), 0x0);
    out
}

fn push_setting(payload: &mut Vec<u8>, id: u16, value: u32) {
    payload.extend_from_slice(&id.to_be_bytes());
    payload.extend_from_slice(&value.to_be_bytes());
}

// ---- driving a connection and checking its output -----------------------------------------------

/// A connection under test, and what its output must obey.
struct Session {
    connection: Connection,
    check: OutputCheck,
    /// What the client sent, preface removed, for the client's side of the windows.
    client: ClientModel,
}

impl Session {
    fn new(local: LocalSettings) -> Session {
        Session {
            connection: Connection::new(0x1, local, Arc::new(Fixture)),
            check: OutputCheck::default(),
            client: ClientModel::new(local.max_frame_size),
        }
    }

    /// Octets from the client, then one look at the output.
    fn send(&mut self, octets: &[u8]) {
        // Errors are the connection's answer, written as GOAWAY: the output check sees them.
        let _ = self.connection.receive(octets);
        self.client.receive(octets);
        self.poll(0x4000);
    }

    /// Takes output until none comes (a body can be longer than the windows allow: bounded).
    fn drain(&mut self) {
        for _ in 0..0x40 {
            if !self.poll(0x1_0000) {
                break;
            }
        }
        assert!(self.check.pending.is_empty(), "output ends inside a frame");
    }

    /// One `poll_output`; true when it wrote something.
    fn poll(&mut self, budget: usize) -> bool {
        let mut out = Vec::new();
        self.connection.poll_output(&mut out, budget);
        self.check.output(&out, &self.client);
        !out.is_empty()
    }
}

/// The client's view of what it allowed the server to send: the windows of RFC 9113 §6.9, as the
/// client's own frames set them, and the streams it opened.
struct ClientModel {
    /// The server's SETTINGS_MAX_FRAME_SIZE: how the server splits our octets into frames.
    max_frame_size: u32,
    /// Octets after the preface not yet a whole frame; `None` once the preface is not seen, or
    /// the server could not read a frame: the server then ends the connection.
    pending: Option<Vec<u8>>,
    preface_left: usize,
    /// SETTINGS_INITIAL_WINDOW_SIZE as the client last set it.
    initial_window: i64,
    /// SETTINGS_MAX_FRAME_SIZE as each of the client's SETTINGS frames left it, in order.
    max_frame_sizes: Vec<u32>,
    /// 65,535 plus every WINDOW_UPDATE increment on stream 0.
    connection_window: i64,
    /// WINDOW_UPDATE increments per stream.
    increments: BTreeMap<u32, i64>,
    /// The highest stream id of a HEADERS frame from the client.
    highest_opened: u32,
}

impl ClientModel {
    fn new(max_frame_size: u32) -> ClientModel {
        ClientModel {
            max_frame_size,
            pending: Some(Vec::new()),
            preface_left: PREFACE.len(),
            initial_window: 0xffff,
            max_frame_sizes: Vec::new(),
            connection_window: 0xffff,
            increments: BTreeMap::new(),
            highest_opened: 0x0,
        }
    }

    fn receive(&mut self, mut octets: &[u8]) {
        let Some(mut pending) = self.pending.take() else {
            return;
        };
        if self.preface_left > 0 {
            let skip = self.preface_left.min(octets.len());
            self.preface_left -= skip;
            octets = &octets[skip..];
        }
        pending.extend_from_slice(octets);
        let mut offset = 0;
        loop {
            match split_frame(&pending[offset..], self.max_frame_size) {
                Ok(Some((header, payload, used))) => {
                    offset += used;
                    if let Ok(frame) = Frame::decode(&header, payload) {
                        self.frame(&frame);
                    }
                }
                Ok(None) => break,
                Err(_) => return,
            }
        }
        pending.drain(..offset);
        self.pending = Some(pending);
    }

    fn frame(&mut self, frame: &Frame) {
        match frame {
            Frame::Headers(headers) => {
                self.highest_opened = self.highest_opened.max(headers.stream_id);
            }
            Frame::WindowUpdate(update) if update.stream_id == 0x0 => {
                self.connection_window += i64::from(update.increment);
            }
            Frame::WindowUpdate(update) => {
                *self.increments.entry(update.stream_id).or_default() +=
                    i64::from(update.increment);
            }
            Frame::Settings(settings) if !settings.ack => {
                let mut max_frame_size = self.max_frame_sizes.last().copied().unwrap_or(0x4000);
                for &(id, value) in &settings.params {
                    match id.0 {
                        0x4 => self.initial_window = i64::from(value),
                        0x5 => max_frame_size = value,
                        _ => {}
                    }
                }
                self.max_frame_sizes.push(max_frame_size);
            }
            _ => {}
        }
    }
}

/// The rules every octet the server sends must obey, checked frame by frame.
#[derive(Default)]
struct OutputCheck {
    /// Output octets not yet a whole frame.
    pending: Vec<u8>,
    frames: usize,
    /// SETTINGS ACK frames sent: how many of the client's SETTINGS are acknowledged.
    settings_acks: usize,
    goaway: bool,
    /// What the server sent on each stream.
    streams: BTreeMap<u32, SentOnStream>,
    data_sent: i64,
}

#[derive(Default)]
struct SentOnStream {
    data: i64,
    ended: bool,
    reset: bool,
}

impl OutputCheck {
    fn output(&mut self, octets: &[u8], client: &ClientModel) {
        self.pending.extend_from_slice(octets);
        let mut offset = 0;
        while let Some((header, payload, used)) =
            split_frame(&self.pending[offset..], u32::MAX).unwrap_or_else(|error| panic!("{error}"))
        {
            offset += used;
            // RFC 9113 §4.2: An endpoint MUST NOT send a frame with a length that exceeds the
            // size defined in SETTINGS_MAX_FRAME_SIZE of the peer.
            assert!(header.length <= self.max_frame_size(client), "{header:?}");
            let frame = Frame::decode(&header, payload)
                .unwrap_or_else(|error| panic!("the server sent a malformed frame: {error:?}"));
            self.frame(&frame, client);
        }
        self.pending.drain(..offset);
    }

    fn frame(&mut self, frame: &Frame, client: &ClientModel) {
        // RFC 9113 §3.4: [SETTINGS] MUST be the first frame the server sends.
        if self.frames == 0 {
            assert!(matches!(frame, Frame::Settings(s) if !s.ack), "{frame:?}");
        }
        self.frames += 1;
        // RFC 9113 §5.4.1: After sending the GOAWAY frame for an error condition, the endpoint
        // MUST close the TCP connection. (A GOAWAY NO_ERROR, the answer to the client's own, is
        // graceful: the connection goes on until it closes.)
        assert!(!self.goaway, "a frame after GOAWAY: {frame:?}");
        let stream_id = frame.stream_id();
        if stream_id != 0x0 {
            let on_stream = self.streams.entry(stream_id).or_default();
            // RFC 9113 §5.1 (closed): An endpoint MUST NOT send frames other than PRIORITY on a
            // closed stream. §5.4.2: A RST_STREAM is the last frame that an endpoint can send on
            // a stream ... an endpoint MAY send additional RST_STREAM frames.
            if on_stream.reset {
                assert!(
                    matches!(frame, Frame::RstStream(_)),
                    "{frame:?} after RST_STREAM"
                );
            }
            // RFC 9113 §5.1 (half-closed (local)): the server has sent END_STREAM; only
            // WINDOW_UPDATE, PRIORITY and RST_STREAM may follow.
            if on_stream.ended {
                assert!(
                    matches!(
                        frame,
                        Frame::WindowUpdate(_) | Frame::Priority(_) | Frame::RstStream(_)
                    ),
                    "{frame:?} after END_STREAM"
                );
            }
        }
        match frame {
            Frame::GoAway(goaway) => self.goaway = goaway.error_code != ErrorCode::NO_ERROR,
            Frame::Settings(settings) if settings.ack => {
                // RFC 9113 §6.5.3: an ACK answers a SETTINGS frame received.
                self.settings_acks += 1;
                assert!(
                    self.settings_acks <= client.max_frame_sizes.len(),
                    "ACK of nothing"
                );
            }
            Frame::RstStream(rst) => {
                // RFC 9113 §6.4: RST_STREAM frames MUST NOT be sent for a stream in the "idle"
                // state. (Client streams are odd; those above its newest HEADERS are idle.)
                assert!(rst.stream_id % 2 == 1, "{frame:?}");
                assert!(
                    rst.stream_id <= client.highest_opened,
                    "{frame:?} on an idle stream"
                );
                self.stream(rst.stream_id).reset = true;
            }
            Frame::Headers(headers) => {
                // RFC 9113 §8.4 and §5.1.1: the server answers on streams the client opened; it
                // opens none (it never pushes).
                assert!(headers.stream_id % 2 == 1, "{frame:?}");
                assert!(headers.stream_id <= client.highest_opened, "{frame:?}");
                if headers.end_stream {
                    self.stream(headers.stream_id).ended = true;
                }
            }
            Frame::Data(data) => {
                assert!(data.stream_id % 2 == 1, "{frame:?}");
                assert!(data.stream_id <= client.highest_opened, "{frame:?}");
                let len = i64::from(data.flow_len());
                // RFC 9113 §6.9.1: A sender MUST NOT send a flow-controlled frame with a length
                // that exceeds the space available in either of the flow-control windows
                // advertised by the receiver.
                self.data_sent += len;
                assert!(
                    self.data_sent <= client.connection_window,
                    "connection window"
                );
                let increments = client.increments.get(&data.stream_id).copied();
                let window = client.initial_window + increments.unwrap_or(0);
                let on_stream = self.stream(data.stream_id);
                on_stream.data += len;
                assert!(
                    on_stream.data <= window,
                    "window of stream {}",
                    data.stream_id
                );
                if data.end_stream {
                    on_stream.ended = true;
                }
            }
            // RFC 9113 §8.4: A server cannot push ... PUSH_PROMISE only with push enabled;
            // h2lab never pushes.
            Frame::PushPromise(_) => panic!("the server sent PUSH_PROMISE"),
            _ => {}
        }
    }

    /// The largest frame the client accepts at this point of the output. RFC 9113 §6.5.3: a
    /// SETTINGS frame binds its receiver once applied, but its sender cannot rely on it before
    /// the ACK: until then it accepts frames of the size in force before it, or of a size it
    /// has since announced.
    fn max_frame_size(&self, client: &ClientModel) -> u32 {
        let (acked, pending) = client.max_frame_sizes.split_at(self.settings_acks);
        let in_force = acked.last().copied().unwrap_or(0x4000);
        pending.iter().copied().fold(in_force, u32::max)
    }

    fn stream(&mut self, stream_id: u32) -> &mut SentOnStream {
        self.streams.entry(stream_id).or_default()
    }
}

// ---- the handler --------------------------------------------------------------------------------

/// Answers by path: `/large` 100,000 octets, `/reader` 70,000 octets through a `Read`, `/short` a
/// reader that ends before its announced length, `/wide` a response header block longer than one
/// frame, HEAD 204 without a body; anything else the number of request body octets received.
pub struct Fixture;

struct FixtureExchange {
    method: Text,
    path: Text,
    received: usize,
}

impl Handler for Fixture {
    fn start(&self, request: Request) -> Box<dyn Exchange> {
        Box::new(FixtureExchange {
            method: request.method,
            path: request.path,
            received: 0,
        })
    }
}

impl Exchange for FixtureExchange {
    fn body(&mut self, chunk: &[u8]) {
        self.received += chunk.len();
    }

    fn finish(self: Box<Self>, _trailers: &[(String, String)]) -> Response {
        let mut headers = vec![("content-type".into(), "text/plain".into())];
        let body = match self.path.as_str() {
            _ if self.method == "HEAD" => Body::Empty,
            "/large" => Body::Bytes(vec![0x61; 100_000]),
            "/reader" => Body::Reader {
                source: Box::new(std::io::repeat(0x62).take(70_000)),
                len: 70_000,
            },
            "/short" => Body::Reader {
                source: Box::new(std::io::repeat(0x63).take(10)),
                len: 70_000,
            },
            "/wide" => {
                headers.push(("x-wide".into(), "w".repeat(40_000).into()));
                Body::Bytes(b"wide".to_vec())
            }
            _ => Body::Bytes(self.received.to_string().into_bytes()),
        };
        let status = if body.is_empty() { 204 } else { 200 };
        Response::new(status, headers, body)
    }
}

// ---- reading the fuzzer's octets ----------------------------------------------------------------

/// Reads numbers and slices off the input; past its end every number is 0 and every slice empty,
/// so that any input is a complete description.
struct Cursor<'a> {
    data: &'a [u8],
}

impl<'a> Cursor<'a> {
    fn new(data: &'a [u8]) -> Cursor<'a> {
        Cursor { data }
    }

    fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    fn take(&mut self, len: usize) -> &'a [u8] {
        let (taken, rest) = self.data.split_at(len.min(self.data.len()));
        self.data = rest;
        taken
    }

    /// A length octet (taken modulo `modulo`), then that many octets.
    fn sized(&mut self, modulo: usize) -> &'a [u8] {
        let len = usize::from(self.u8()) % modulo;
        self.take(len)
    }

    fn rest(&mut self) -> &'a [u8] {
        std::mem::take(&mut self.data)
    }

    fn u8(&mut self) -> u8 {
        self.take(1).first().copied().unwrap_or(0)
    }

    fn u16(&mut self) -> u16 {
        u16::from_be_bytes([self.u8(), self.u8()])
    }

    fn u32(&mut self) -> u32 {
        u32::from_be_bytes([self.u8(), self.u8(), self.u8(), self.u8()])
    }
}
