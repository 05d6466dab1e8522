//! A raw HTTP/2 client for tests and for teaching — RFC 9113 §3–§8 from the client's side.
//!
//! [`Client`] speaks HTTP/2 one frame at a time and lets its user break any rule on purpose:
//! [`Client::send_frame`] writes a well-formed frame, [`Client::send_raw`] writes any octets at all
//! (a PING of seven octets, a SETTINGS frame on stream 1), and [`raw_frame`] builds such octets
//! from a type, flags, stream identifier and payload. What the server sends back is read one frame
//! at a time with [`Client::read_frame`], or awaited with the `wait_for_*` and `expect_*`
//! helpers, which skip the frames that do not matter and report, on failure, every frame seen.
//!
//! One [`crate::hpack::Encoder`] encodes every header block the client sends and one
//! [`crate::hpack::Decoder`] decodes every header block it receives, in order, so that both dynamic
//! tables stay in step with the server's (RFC 7541 §2.2).
//!
//! ```no_run
//! use std::time::Duration;
//! use h2lab::client::{Client, Transport};
//!
//! # fn main() -> Result<(), h2lab::client::ClientError> {
//! let addr = "127.0.0.1:8443".parse().expect("an address");
//! let mut client = Client::connect(addr, Transport::Tls)?;
//! client.handshake()?;
//! let response = client.request("/")?;
//! println!("{} with {} octets", response.status, response.body.len());
//! client.send_raw(&h2lab::client::raw_frame(0x6, 0x0, 0x0, &[0x0; 7]))?;
//! let goaway = client.wait_for_goaway(Duration::from_secs(3))?;
//! println!("{}", goaway.error_code); // FRAME_SIZE_ERROR: a PING is 8 octets (§6.7)
//! # Ok(())
//! # }
//! ```
//!
//! The client never panics on what the server sends: a frame it cannot decode, a header block that
//! fails, an early close or silence each come back as a [`ClientError`].
//!
//! `h2lab-client` drives a [`Client`] from a script, one command a line. The files: `script.rs`
//! the line language (and the `--help` text), `words.rs` the words of a line and their values,
//! `expect.rs` what an `expect` line matches, `run.rs` carrying a script out, `transcript.rs` how
//! the frames are printed, `url.rs` the URL; `transport.rs` the socket, `error.rs` what can go
//! wrong.

mod error;
mod expect;
mod run;
pub mod script;
mod transcript;
mod transport;
mod url;
mod words;

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

pub use error::ClientError;
pub use expect::{Arrival, Expectation, FramePattern, Pattern};
pub use run::{run_lines, run_script, Failure, Options};
pub use transcript::Transcript;
pub use transport::{Tls, Transport};
pub use url::Target;

use crate::connection::header_block::{Assembler, HeaderBlock};
use crate::error::ErrorCode;
use crate::frame::{
    self, split_frame, Continuation, Data, Frame, FrameHeader, GoAway, Headers, RstStream,
    SettingId, Settings, WindowUpdate, HEADER_LEN,
};
use crate::hpack::{Decoder, Encoder, Field, DEFAULT_TABLE_SIZE};
use crate::trace;
use transport::Io;

/// How long [`Client::handshake`] and [`Client::request`] wait for each answer.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// How many octets one read takes from the socket at most.
const READ_CHUNK: usize = 16_384;

/// One frame received, and the header block it completed, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    /// The frame's 9-octet header as read, flags and reserved bit included.
    pub header: FrameHeader,
    /// The frame as decoded.
    pub frame: Frame,
    /// When this frame ends a header block (a HEADERS, PUSH_PROMISE or CONTINUATION with
    /// END_HEADERS), the fields of the whole block, decoded with the connection's one HPACK decoder.
    pub fields: Option<Vec<Field>>,
    /// With `fields`: whether the HEADERS frame that began the block carried END_STREAM, so that
    /// the block is the last of its stream (a CONTINUATION has no such flag, RFC 9113 §6.10).
    pub end_stream: bool,
}

/// A complete response, as [`Client::read_response`] collects it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The `:status` of the final response (RFC 9113 §8.3.2); informational (1xx) ones are skipped.
    pub status: u16,
    /// The fields of the final response's header section, `:status` included, in order.
    pub fields: Vec<Field>,
    /// The content, from every DATA frame of the stream, padding removed.
    pub body: Vec<u8>,
    /// The trailer section, empty when there was none (RFC 9113 §8.1).
    pub trailers: Vec<Field>,
}

impl Response {
    /// The value of the first field called `name` (lowercase, as on the wire).
    pub fn field(&self, name: &str) -> Option<&[u8]> {
        find_field(&self.fields, name)
    }
}

/// How the server answered a frame that breaks a rule: the two kinds of error of RFC 9113 §5.4.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reaction {
    /// A stream error: RST_STREAM on the stream (§5.4.2).
    Stream(RstStream),
    /// A connection error: GOAWAY (§5.4.1).
    Connection(GoAway),
}

/// One client connection to an HTTP/2 server. See the [module documentation](self).
pub struct Client {
    /// The socket.
    io: Io,
    /// How the socket was made, for `:scheme`.
    transport: Transport,
    /// The server's address, for `:authority`.
    addr: SocketAddr,
    /// Octets received but not yet taken as frames.
    inbuf: Vec<u8>,
    /// The server closed its side: nothing more will arrive.
    eof: bool,
    /// Encodes every header block we send.
    encoder: Encoder,
    /// Decodes every header block we receive.
    decoder: Decoder,
    /// Joins each header block the server sends from its HEADERS or PUSH_PROMISE and
    /// CONTINUATION frames, under the rules the server itself receives blocks by (RFC 9113 §4.3).
    assembler: Assembler,
    /// The server's SETTINGS, in the order received; later values of the same identifier win.
    server_settings: Vec<(SettingId, u32)>,
    /// The largest frame payload the server accepts (its SETTINGS_MAX_FRAME_SIZE, §4.2).
    send_max_frame_size: u32,
    /// The largest frame payload we accept: our SETTINGS_MAX_FRAME_SIZE as sent by
    /// [`Client::handshake_with`], else the protocol's initial 16,384 (§4.2).
    receive_max_frame_size: u32,
    /// The identifier [`Client::next_stream_id`] hands out next.
    next_stream_id: u32,
    /// Whether the client acknowledges the server's SETTINGS by itself as it reads them.
    acknowledges_settings: bool,
    /// One line per frame received, oldest first.
    seen: Vec<String>,
}

impl Client {
    /// Connects to `addr` over `transport`. Nothing is sent yet: call [`Client::handshake`] or,
    /// to test the preface itself, [`Client::send_preface`].
    ///
    /// Over TLS, any certificate and host name is accepted ([`Tls::any_certificate`]): this
    /// client tests servers that run with a self-signed development certificate.
    pub fn connect(addr: SocketAddr, transport: Transport) -> Result<Client, ClientError> {
        Client::connect_with(addr, transport, &Tls::any_certificate())
    }

    /// Connects to `addr` over `transport`, checking the server's certificate as `tls` says
    /// when the transport is TLS.
    pub fn connect_with(
        addr: SocketAddr,
        transport: Transport,
        tls: &Tls,
    ) -> Result<Client, ClientError> {
        let io = Io::connect(addr, transport, tls)?;
        Ok(Client {
            io,
            transport,
            addr,
            inbuf: Vec::new(),
            eof: false,
            encoder: Encoder::new(),
            decoder: Decoder::new(),
            // A test client takes a block of any size: the server's blocks are what it is for.
            assembler: Assembler::new(usize::MAX),
            server_settings: Vec::new(),
            send_max_frame_size: frame::DEFAULT_MAX_FRAME_SIZE,
            receive_max_frame_size: frame::DEFAULT_MAX_FRAME_SIZE,
            next_stream_id: 0x1,
            acknowledges_settings: true,
            seen: Vec::new(),
        })
    }

    /// Whether the client acknowledges each SETTINGS frame of the server by itself, as it reads
    /// it (on from the start). Off, the caller sends the ACK, or leaves it out on purpose.
    pub fn acknowledge_settings(&mut self, on: bool) {
        self.acknowledges_settings = on;
    }

    /// The transport this client was connected over.
    pub fn transport(&self) -> Transport {
        self.transport
    }

    /// Writes the client connection preface, `PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n` (RFC 9113 §3.4),
    /// and nothing else.
    pub fn send_preface(&mut self) -> Result<(), ClientError> {
        self.send_raw(frame::PREFACE)
    }

    /// The usual start of a connection with empty SETTINGS; see [`Client::handshake_with`].
    pub fn handshake(&mut self) -> Result<(), ClientError> {
        self.handshake_with(&[])
    }

    /// The start of a connection (RFC 9113 §3.4, §6.5.3): sends the preface and a SETTINGS frame
    /// with `settings`, waits for the server's SETTINGS, which must be its first frame,
    /// acknowledges it, and waits for the server to acknowledge ours. Once acknowledged, our
    /// SETTINGS_HEADER_TABLE_SIZE and SETTINGS_MAX_FRAME_SIZE apply to what the client accepts
    /// (SETTINGS sent later with [`Client::send_raw`] or [`Client::send_frame`] do not).
    pub fn handshake_with(&mut self, settings: &[(SettingId, u32)]) -> Result<(), ClientError> {
        let mut out = frame::PREFACE.to_vec();
        Frame::Settings(Settings {
            ack: false,
            params: settings.to_vec(),
        })
        .encode(&mut out);
        self.send_raw(&out)?;
        // RFC 9113 §3.4: "The server connection preface consists of a potentially empty SETTINGS
        // frame (Section 6.5) that MUST be the first frame the server sends".
        let first = self
            .read_frame(DEFAULT_TIMEOUT)?
            .ok_or_else(|| self.timeout("the server's SETTINGS"))?;
        let Frame::Settings(server) = first.frame else {
            return Err(ClientError::Protocol(format!(
                "the server's first frame is {}, not SETTINGS",
                describe(&first.frame)
            )));
        };
        if server.ack {
            return Err(ClientError::Protocol(
                "the server's first frame is a SETTINGS ACK, not its own SETTINGS".to_string(),
            ));
        }
        self.expect_frame(
            DEFAULT_TIMEOUT,
            "the ACK of our SETTINGS",
            |f| matches!(f, Frame::Settings(s) if s.ack),
        )?;
        self.apply_own_settings(settings);
        Ok(())
    }

    /// Applies our SETTINGS, once the server has acknowledged them, to what we receive: the
    /// dynamic table limit of our decoder (RFC 7541 §4.2) and the largest frame we accept (RFC
    /// 9113 §4.2). [`Client::handshake_with`] calls it; a caller that sends SETTINGS of its own
    /// calls it when their ACK arrives.
    pub fn apply_own_settings(&mut self, settings: &[(SettingId, u32)]) {
        for &(id, value) in settings {
            match id {
                SettingId::HEADER_TABLE_SIZE => self
                    .decoder
                    .set_max_table_size(usize::try_from(value).unwrap_or(usize::MAX)),
                SettingId::MAX_FRAME_SIZE => self.receive_max_frame_size = value,
                _ => {}
            }
        }
    }

    /// The server's SETTINGS received so far, in order.
    pub fn server_settings(&self) -> &[(SettingId, u32)] {
        &self.server_settings
    }

    /// The last value the server gave for setting `id`, if it gave one.
    pub fn server_setting(&self, id: SettingId) -> Option<u32> {
        self.server_settings
            .iter()
            .rev()
            .find(|(setting, _)| *setting == id)
            .map(|(_, value)| *value)
    }

    /// Writes `frame`, encoded exactly as RFC 9113 §6 lays it out.
    pub fn send_frame(&mut self, frame: &Frame) -> Result<(), ClientError> {
        let mut out = Vec::new();
        frame.encode(&mut out);
        self.send_raw(&out)
    }

    /// Writes `bytes` as they are: a malformed frame, part of a frame, several frames at once.
    pub fn send_raw(&mut self, bytes: &[u8]) -> Result<(), ClientError> {
        self.io.write_all(bytes)?;
        self.io.flush()?;
        Ok(())
    }

    /// Encodes `fields` with the connection's HPACK encoder into one header block, without
    /// sending it: for tests that cut a block into frames of their own. The encoder's dynamic
    /// table changes, so the block must then be sent, whole and in order.
    pub fn encode_block(&mut self, fields: &[Field]) -> Vec<u8> {
        let mut block = Vec::new();
        self.encoder.encode(fields, &mut block);
        block
    }

    /// Sends `fields` as one header block on `stream_id`: a HEADERS frame, followed by
    /// CONTINUATION frames when the block is larger than the server's SETTINGS_MAX_FRAME_SIZE
    /// (RFC 9113 §4.3), all in one write.
    pub fn send_headers(
        &mut self,
        stream_id: u32,
        fields: &[Field],
        end_stream: bool,
    ) -> Result<(), ClientError> {
        let block = self.encode_block(fields);
        let mut chunks = block.chunks(self.max_payload());
        let first = chunks.next().unwrap_or(&[]).to_vec();
        let mut rest = chunks.peekable();
        let mut out = Vec::new();
        Frame::Headers(Headers {
            stream_id,
            fragment: first,
            end_stream,
            end_headers: rest.peek().is_none(),
            priority: None,
            pad_len: None,
        })
        .encode(&mut out);
        while let Some(chunk) = rest.next() {
            Frame::Continuation(Continuation {
                stream_id,
                fragment: chunk.to_vec(),
                end_headers: rest.peek().is_none(),
            })
            .encode(&mut out);
        }
        self.note_stream_used(stream_id);
        self.send_raw(&out)
    }

    /// Sends `data` on `stream_id` in DATA frames no larger than the server's
    /// SETTINGS_MAX_FRAME_SIZE, the last one with END_STREAM when `end_stream`. Flow control is
    /// the caller's: the client does not wait for window.
    pub fn send_data(
        &mut self,
        stream_id: u32,
        data: &[u8],
        end_stream: bool,
    ) -> Result<(), ClientError> {
        let mut out = Vec::new();
        let mut chunks = data.chunks(self.max_payload()).peekable();
        if chunks.peek().is_none() {
            frame::encode_data(stream_id, &[], end_stream, &mut out);
        }
        while let Some(chunk) = chunks.next() {
            frame::encode_data(
                stream_id,
                chunk,
                end_stream && chunks.peek().is_none(),
                &mut out,
            );
        }
        self.send_raw(&out)
    }

    /// The largest frame payload we may send: the server's SETTINGS_MAX_FRAME_SIZE (RFC 9113
    /// §4.2), as a length to cut a block or a body into. Never below 16,384: the initial value is
    /// that, and `Settings::decode` refuses a smaller one before it reaches the client (§6.5.2).
    fn max_payload(&self) -> usize {
        usize::try_from(self.send_max_frame_size).unwrap_or(usize::MAX)
    }

    /// A fresh client stream identifier: odd, and larger than every one used so far (RFC 9113
    /// §5.1.1).
    pub fn next_stream_id(&mut self) -> u32 {
        let id = self.next_stream_id;
        self.note_stream_used(id);
        id
    }

    /// Remembers that `stream_id` is used, so that [`Client::next_stream_id`] stays above it.
    fn note_stream_used(&mut self, stream_id: u32) {
        if stream_id >= self.next_stream_id {
            self.next_stream_id = (stream_id | 0x1).saturating_add(0x2);
        }
    }

    /// The four pseudo-header fields of a request for `path` (RFC 9113 §8.3.1): `:method`,
    /// `:scheme` (from the transport), `:authority` (the server's address) and `:path`.
    pub fn request_fields(&self, method: &str, path: &str) -> Vec<Field> {
        vec![
            field(":method", method),
            field(":scheme", self.transport.scheme()),
            field(":authority", &self.addr.to_string()),
            field(":path", path),
        ]
    }

    /// Sends `GET path` on a new stream and reads the whole response.
    pub fn request(&mut self, path: &str) -> Result<Response, ClientError> {
        let stream_id = self.next_stream_id();
        let fields = self.request_fields("GET", path);
        self.send_headers(stream_id, &fields, true)?;
        self.read_response(stream_id, DEFAULT_TIMEOUT)
    }

    /// Reads the response on `stream_id` to its end: the final header section, the DATA, and any
    /// trailers. Each DATA frame is given back at once by WINDOW_UPDATE on the stream and the
    /// connection, so that a response of any size flows. Frames of other streams are skipped.
    pub fn read_response(
        &mut self,
        stream_id: u32,
        timeout: Duration,
    ) -> Result<Response, ClientError> {
        let deadline = Instant::now() + timeout;
        let waiting_for = format!("the response on stream {stream_id}");
        let mut response: Option<Response> = None;
        loop {
            let received = self.read_until(deadline, &waiting_for)?;
            let ends_stream = match &received.frame {
                Frame::Headers(_) | Frame::Continuation(_)
                    if received.frame.stream_id() == stream_id =>
                {
                    let Some(fields) = received.fields else {
                        continue;
                    };
                    add_section(&mut response, fields)?;
                    received.end_stream
                }
                Frame::Data(data) if data.stream_id == stream_id => {
                    let Some(response) = response.as_mut() else {
                        return Err(ClientError::Protocol(format!(
                            "DATA before the response header section on stream {stream_id}"
                        )));
                    };
                    response.body.extend_from_slice(&data.data);
                    self.give_back(data)?;
                    data.end_stream
                }
                Frame::RstStream(rst) if rst.stream_id == stream_id => {
                    return Err(ClientError::Reset(*rst));
                }
                // RFC 9113 §6.8: streams up to the last stream identifier of a graceful GOAWAY
                // may still complete; anything else ends the wait.
                Frame::GoAway(goaway)
                    if goaway.error_code != ErrorCode::NO_ERROR
                        || goaway.last_stream_id < stream_id =>
                {
                    return Err(ClientError::GoAway(goaway.clone()));
                }
                _ => false,
            };
            if ends_stream {
                return response.ok_or_else(|| {
                    ClientError::Protocol(format!(
                        "stream {stream_id} ended without a final response"
                    ))
                });
            }
        }
    }

    /// Returns the flow-control credit that a DATA frame used, on its stream and the connection
    /// (RFC 9113 §6.9), unless the frame ended the stream.
    fn give_back(&mut self, data: &Data) -> Result<(), ClientError> {
        let used = data.flow_len();
        if used == 0x0 {
            return Ok(());
        }
        let mut out = Vec::new();
        Frame::WindowUpdate(WindowUpdate {
            stream_id: 0x0,
            increment: used,
        })
        .encode(&mut out);
        if !data.end_stream {
            Frame::WindowUpdate(WindowUpdate {
                stream_id: data.stream_id,
                increment: used,
            })
            .encode(&mut out);
        }
        self.send_raw(&out)
    }

    /// Reads the next frame, waiting at most `timeout`; `Ok(None)` when none arrived in time.
    ///
    /// A SETTINGS frame from the server is acknowledged at once (RFC 9113 §6.5.3; unless
    /// [`Client::acknowledge_settings`] turned that off) and its SETTINGS_HEADER_TABLE_SIZE and
    /// SETTINGS_MAX_FRAME_SIZE are applied to what we send. Header
    /// blocks are decoded as they complete. The end of the connection is
    /// [`ClientError::Closed`].
    pub fn read_frame(&mut self, timeout: Duration) -> Result<Option<Received>, ClientError> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(received) = self.take_buffered_frame()? {
                return Ok(Some(received));
            }
            if self.eof {
                return Err(self.closed("a frame"));
            }
            let now = Instant::now();
            if now >= deadline {
                return Ok(None);
            }
            self.fill(deadline - now)?;
        }
    }

    /// Reads frames until one satisfies `wanted`, skipping the others, for at most `timeout`.
    /// `what` names the frame in the error when it does not come.
    pub fn expect_frame(
        &mut self,
        timeout: Duration,
        what: &str,
        mut wanted: impl FnMut(&Frame) -> bool,
    ) -> Result<Received, ClientError> {
        let deadline = Instant::now() + timeout;
        loop {
            let received = self.read_until(deadline, what)?;
            if wanted(&received.frame) {
                return Ok(received);
            }
        }
    }

    /// Reads frames until the server completes a header block on `stream_id`, and returns its
    /// fields and whether the HEADERS frame carried END_STREAM.
    pub fn expect_headers(
        &mut self,
        stream_id: u32,
        timeout: Duration,
    ) -> Result<(Vec<Field>, bool), ClientError> {
        let deadline = Instant::now() + timeout;
        let waiting_for = format!("a header block on stream {stream_id}");
        loop {
            let received = self.read_until(deadline, &waiting_for)?;
            if received.frame.stream_id() != stream_id {
                continue;
            }
            if let Some(fields) = received.fields {
                return Ok((fields, received.end_stream));
            }
        }
    }

    /// Sends a PING with `data` and waits for its ACK (RFC 9113 §6.7), skipping other frames:
    /// proof that the server is still reading this connection.
    pub fn ping(&mut self, data: [u8; 8], timeout: Duration) -> Result<(), ClientError> {
        self.send_frame(&Frame::Ping(frame::Ping { ack: false, data }))?;
        self.expect_frame(
            timeout,
            "the PING ACK",
            |f| matches!(f, Frame::Ping(p) if p.ack && p.data == data),
        )?;
        Ok(())
    }

    /// Reads frames until GOAWAY, skipping the others.
    pub fn wait_for_goaway(&mut self, timeout: Duration) -> Result<GoAway, ClientError> {
        let received = self.expect_frame(timeout, "GOAWAY", |f| matches!(f, Frame::GoAway(_)))?;
        match received.frame {
            Frame::GoAway(goaway) => Ok(goaway),
            other => Err(ClientError::Protocol(format!(
                "expected GOAWAY, read {}",
                describe(&other)
            ))),
        }
    }

    /// Reads frames until RST_STREAM on `stream_id`, skipping the others; a GOAWAY with an error
    /// code on the way is [`ClientError::GoAway`].
    pub fn wait_for_rst(
        &mut self,
        stream_id: u32,
        timeout: Duration,
    ) -> Result<RstStream, ClientError> {
        match self.wait_for_error(stream_id, timeout)? {
            Reaction::Stream(rst) => Ok(rst),
            Reaction::Connection(goaway) => Err(ClientError::GoAway(goaway)),
        }
    }

    /// Reads frames until the server reports an error: RST_STREAM on `stream_id` or a GOAWAY
    /// with an error code, skipping the others. For rules where RFC 9113 allows either kind.
    pub fn wait_for_error(
        &mut self,
        stream_id: u32,
        timeout: Duration,
    ) -> Result<Reaction, ClientError> {
        let what = format!("RST_STREAM on stream {stream_id} or GOAWAY with an error");
        let received = self.expect_frame(timeout, &what, |f| match f {
            Frame::RstStream(rst) => rst.stream_id == stream_id,
            Frame::GoAway(goaway) => goaway.error_code != ErrorCode::NO_ERROR,
            _ => false,
        })?;
        match received.frame {
            Frame::RstStream(rst) => Ok(Reaction::Stream(rst)),
            Frame::GoAway(goaway) => Ok(Reaction::Connection(goaway)),
            other => Err(ClientError::Protocol(format!(
                "expected RST_STREAM or GOAWAY, read {}",
                describe(&other)
            ))),
        }
    }

    /// Whether the server closes the connection within `timeout`: reads and drops every frame
    /// until the end of the stream (true) or the time is up (false). A reset counts as closed.
    pub fn is_closed(&mut self, timeout: Duration) -> Result<bool, ClientError> {
        let deadline = Instant::now() + timeout;
        loop {
            match self.read_frame(deadline.saturating_duration_since(Instant::now())) {
                Ok(Some(_)) => {}
                Ok(None) => return Ok(false),
                Err(ClientError::Closed { .. }) => return Ok(true),
                Err(e) => return Err(e),
            }
        }
    }

    /// Reads octets as they come, not as frames, until the server closes the connection or
    /// `timeout` passes: for a server that does not answer in HTTP/2 at all (an invalid preface,
    /// RFC 9113 §3.4). Returns the octets not yet taken as frames and whether the connection
    /// closed.
    pub fn read_raw_until_close(
        &mut self,
        timeout: Duration,
    ) -> Result<(Vec<u8>, bool), ClientError> {
        let deadline = Instant::now() + timeout;
        while !self.eof {
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            self.fill(deadline - now)?;
        }
        Ok((std::mem::take(&mut self.inbuf), self.eof))
    }

    /// One line per frame received on this connection, oldest first.
    pub fn seen(&self) -> &[String] {
        &self.seen
    }

    /// Reads the next frame before `deadline`, or fails naming `what` was awaited.
    fn read_until(&mut self, deadline: Instant, what: &str) -> Result<Received, ClientError> {
        let left = deadline.saturating_duration_since(Instant::now());
        match self.read_frame(left) {
            Ok(Some(received)) => Ok(received),
            Ok(None) => Err(self.timeout(what)),
            Err(ClientError::Closed { .. }) => Err(self.closed(what)),
            Err(e) => Err(e),
        }
    }

    /// Reads once from the socket, waiting at most `timeout`.
    fn fill(&mut self, timeout: Duration) -> Result<(), ClientError> {
        self.io.set_read_timeout(timeout)?;
        let mut chunk = [0x0; READ_CHUNK];
        match self.io.read(&mut chunk) {
            Ok(0) => self.eof = true,
            Ok(n) => self.inbuf.extend_from_slice(chunk.get(..n).unwrap_or(&[])),
            Err(e) if is_timeout(&e) => {}
            Err(e) if is_disconnect(&e) => self.eof = true,
            Err(e) => return Err(e.into()),
        }
        Ok(())
    }

    /// Takes one whole frame off the input buffer, if there is one, and processes it.
    fn take_buffered_frame(&mut self) -> Result<Option<Received>, ClientError> {
        let (header, frame) = match split_frame(&self.inbuf, self.receive_max_frame_size) {
            Ok(None) => return Ok(None),
            Ok(Some((header, payload, used))) => {
                let frame = Frame::decode(&header, payload);
                self.inbuf.drain(..used);
                (header, frame)
            }
            Err(e) => {
                // The frame cannot be skipped without reading it whole; nothing after it counts.
                self.inbuf.clear();
                self.eof = true;
                return Err(ClientError::FrameTooLarge(e));
            }
        };
        let frame = frame.map_err(|e| {
            self.seen.push(format!(
                "{} (undecodable: {e})",
                trace::header_line(&header)
            ));
            ClientError::BadFrame(e)
        })?;
        self.seen.push(trace::frame_line(&header, &frame));
        let (fields, end_stream) = match self.on_frame(&header, &frame)? {
            Some(block) => (Some(self.decoder.decode(&block.block)?), block.end_stream),
            None => (None, false),
        };
        Ok(Some(Received {
            header,
            frame,
            fields,
            end_stream,
        }))
    }

    /// What the client itself does with a received frame: header block assembly (RFC 9113 §4.3),
    /// giving back a block once it is complete, and the SETTINGS acknowledgement (§6.5.3).
    fn on_frame(
        &mut self,
        header: &FrameHeader,
        frame: &Frame,
    ) -> Result<Option<HeaderBlock>, ClientError> {
        let assembled = self
            .assembler
            .check_next(header)
            .and_then(|()| match frame {
                Frame::Headers(headers) => self.assembler.headers(headers.clone()),
                // RFC 9113 §6.6: a PUSH_PROMISE carries a field block that CONTINUATION frames on
                // its stream continue, just as for HEADERS; the promise never ends a stream.
                Frame::PushPromise(promise) => self.assembler.headers(Headers {
                    stream_id: promise.stream_id,
                    fragment: promise.fragment.clone(),
                    end_stream: false,
                    end_headers: promise.end_headers,
                    priority: None,
                    pad_len: None,
                }),
                Frame::Continuation(continuation) => {
                    self.assembler.continuation(continuation.clone())
                }
                _ => Ok(None),
            });
        let block = assembled.map_err(|e| ClientError::Protocol(e.reason))?;
        if let Frame::Settings(settings) = frame {
            if !settings.ack {
                self.apply_server_settings(&settings.params);
                if self.acknowledges_settings {
                    // RFC 9113 §6.5.3: "Upon receiving and applying a SETTINGS frame, the
                    // receiver MUST immediately emit a SETTINGS frame with the ACK flag set". A
                    // write that fails because the server already closed is left for the next
                    // read to report.
                    let _ = self.send_frame(&Frame::Settings(Settings {
                        ack: true,
                        params: Vec::new(),
                    }));
                }
            }
        }
        Ok(block)
    }

    /// Records the server's SETTINGS and applies those that shape what we send.
    fn apply_server_settings(&mut self, params: &[(SettingId, u32)]) {
        for &(id, value) in params {
            self.server_settings.push((id, value));
            match id {
                SettingId::HEADER_TABLE_SIZE => {
                    let size = usize::try_from(value).unwrap_or(usize::MAX);
                    self.encoder
                        .set_max_table_size(size.min(DEFAULT_TABLE_SIZE));
                }
                SettingId::MAX_FRAME_SIZE => self.send_max_frame_size = value,
                _ => {}
            }
        }
    }

    /// A [`ClientError::Timeout`] naming `what` and listing the frames seen.
    fn timeout(&self, what: &str) -> ClientError {
        ClientError::Timeout {
            waiting_for: what.to_string(),
            seen: self.seen.clone(),
        }
    }

    /// A [`ClientError::Closed`] naming `what` and listing the frames seen.
    fn closed(&self, what: &str) -> ClientError {
        ClientError::Closed {
            waiting_for: what.to_string(),
            seen: self.seen.clone(),
        }
    }
}

/// A header field from text.
pub fn field(name: &str, value: &str) -> Field {
    Field::new(name, value)
}

/// The value of the first field called `name` in `fields`.
pub fn find_field<'a>(fields: &'a [Field], name: &str) -> Option<&'a [u8]> {
    fields
        .iter()
        .find(|f| f.name == name.as_bytes())
        .map(|f| &f.value[..])
}

/// The octets of one frame exactly as given, valid or not: the 9-octet header (RFC 9113 §4.1)
/// with `payload.len()` as its length, then the payload. `stream_id` is written with all 32 bits,
/// so the reserved bit can be set on purpose.
pub fn raw_frame(kind: u8, flags: u8, stream_id: u32, payload: &[u8]) -> Vec<u8> {
    let length = u32::try_from(payload.len()).unwrap_or(u32::MAX);
    let [_, l0, l1, l2] = length.to_be_bytes();
    let mut out = vec![l0, l1, l2, kind, flags];
    out.extend_from_slice(&stream_id.to_be_bytes());
    out.extend_from_slice(payload);
    out
}

/// A frame on one line, as the server's `-v` log shows it ([`trace::frame_line`]): type, flags
/// by name, stream, length, then the payload's fields.
pub fn describe(frame: &Frame) -> String {
    let mut bytes = Vec::new();
    frame.encode(&mut bytes);
    match bytes.first_chunk::<HEADER_LEN>() {
        Some(head) => trace::frame_line(&FrameHeader::decode(head), frame),
        None => format!("{frame:?}"),
    }
}

/// Adds a header section received on the stream of `response`: until the final response has
/// come, a section is a response's header section, and one with a 1xx status is interim (RFC 9110
/// §15.2: the final one follows); after it, the section is the trailers (RFC 9113 §8.1).
fn add_section(response: &mut Option<Response>, fields: Vec<Field>) -> Result<(), ClientError> {
    if let Some(response) = response {
        response.trailers = fields;
        return Ok(());
    }
    let status = status_of(&fields)?;
    if !(100..200).contains(&status) {
        *response = Some(Response {
            status,
            fields,
            body: Vec::new(),
            trailers: Vec::new(),
        });
    }
    Ok(())
}

/// The `:status` of a response header section, which must come first (RFC 9113 §8.3).
fn status_of(fields: &[Field]) -> Result<u16, ClientError> {
    let first = fields
        .first()
        .filter(|f| f.name == b":status")
        .ok_or_else(|| {
            ClientError::Protocol("response header section does not start with :status".into())
        })?;
    std::str::from_utf8(&first.value)
        .ok()
        .filter(|v| v.len() == 3)
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| {
            ClientError::Protocol(format!(
                ":status {:?} is not three digits",
                String::from_utf8_lossy(&first.value)
            ))
        })
}

/// A read that ran out of time (the socket reports either kind, depending on the platform).
fn is_timeout(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::{Interrupted, TimedOut, WouldBlock};
    matches!(e.kind(), WouldBlock | TimedOut | Interrupted)
}

/// A read that found the connection gone: a reset, or a TLS connection closed without
/// close_notify, which OpenSSL 3 reports as "unexpected eof".
fn is_disconnect(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::{BrokenPipe, ConnectionAborted, ConnectionReset, UnexpectedEof};
    matches!(
        e.kind(),
        ConnectionReset | ConnectionAborted | BrokenPipe | UnexpectedEof
    ) || e.to_string().contains("unexpected eof")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_frame_writes_the_header_as_given_with_the_reserved_bit() {
        let bytes = raw_frame(0x6, 0x1, 0x8000_0001, &[0xaa, 0xbb]);
        assert_eq!(
            bytes,
            [0x00, 0x00, 0x02, 0x06, 0x01, 0x80, 0x00, 0x00, 0x01, 0xaa, 0xbb]
        );
    }

    #[test]
    fn status_must_be_the_first_field_and_three_digits() {
        let ok = [field(":status", "204"), field("server", "x")];
        assert_eq!(status_of(&ok).ok(), Some(204));
        let late = [field("server", "x"), field(":status", "204")];
        assert!(matches!(status_of(&late), Err(ClientError::Protocol(_))));
        let long = [field(":status", "2000")];
        assert!(matches!(status_of(&long), Err(ClientError::Protocol(_))));
    }

    #[test]
    fn describe_shows_a_frame_as_the_server_log_does() {
        let rst = Frame::RstStream(RstStream {
            stream_id: 0x3,
            error_code: ErrorCode::STREAM_CLOSED,
        });
        assert_eq!(
            describe(&rst),
            "RST_STREAM flags=- stream=3 length=4 error_code=STREAM_CLOSED"
        );
    }
}
