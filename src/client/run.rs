//! Carrying out a script: each command goes on the wire, everything that comes back is printed,
//! and `expect`, `wait` and `get` read until what they wait for has come.
//!
//! Unless told otherwise (`option manual`) the client starts the connection as any client does —
//! the preface and an empty SETTINGS, then it waits for the server's SETTINGS and acknowledges it
//! (RFC 9113 §3.4, §6.5.3) — before the first command that sends a frame; from then on it
//! acknowledges each SETTINGS and answers each PING (§6.7), and gives back the flow-control credit
//! of each DATA frame it receives (§6.9; `option flow=manual` leaves that to the script). These
//! automatic frames are printed like the others.
//!
//! Frames are read one at a time and kept until an `expect` takes them: an expectation matches the
//! first frame not yet taken, whenever it came, so a script need not know in which order the
//! server interleaves its streams, and the automatic frames never stand in its way.

use crate::error::ErrorCode;
use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::io::BufRead;
use std::path::Path;
use std::time::{Duration, Instant};

use super::expect::{Arrival, Expectation, FramePattern, Pattern};
use super::script::{parse_line, Command, HeadersCommand, ScriptError, Setting, Wait};
use super::transcript::Transcript;
use super::url::Target;
use super::{raw_frame, Client, ClientError, Tls, Transport};
use crate::frame::{
    self, Continuation, Data, Frame, GoAway, Headers, Ping, Priority, RstStream, SettingId,
    Settings, WindowUpdate, PREFACE,
};
use crate::hpack::Field;
use crate::trace;

/// How long `expect`, `wait` and `get` wait unless the script says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(2);

/// How the run begins; a script's `option` lines change these as they come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Send nothing by itself (`--manual`, `option manual`).
    pub manual: bool,
    /// Show each header field's HPACK representation (`--hpack`, `option hpack`).
    pub hpack: bool,
}

/// Why a run stopped before the end of its script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// A line that is not a command, or an option in the wrong place: exit status 2.
    Script(ScriptError),
    /// An `expect`, `wait` or `get` that did not see what it waited for: exit status 1.
    Expectation {
        /// The line of the script.
        line: usize,
        /// What was expected and what came instead.
        message: String,
    },
    /// The connection failed (cannot connect, the server broke the protocol, a write failed):
    /// exit status 1.
    Connection(String),
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Script(error) => error.fmt(f),
            Failure::Expectation { line, message } => write!(f, "line {line}: {message}"),
            Failure::Connection(message) => f.write_str(message),
        }
    }
}

/// Runs the whole of `script` (read from a file in folder `base`) against `target`: every line is
/// parsed first, so that a mistake on line 30 is reported before anything is sent.
pub fn run_script(
    target: &Target,
    tls: &Tls,
    script: &str,
    base: &Path,
    transcript: Transcript,
    options: Options,
) -> Result<(), Failure> {
    let mut commands = Vec::new();
    for (index, text) in script.lines().enumerate() {
        if let Some(command) = parse_line(index + 1, text, base).map_err(Failure::Script)? {
            commands.push((index + 1, text.trim().to_string(), command));
        }
    }
    let mut runner = Runner::connect(target, tls, transcript, options)?;
    for (line, text, command) in commands {
        runner.execute(line, &text, command)?;
    }
    runner.finish()
}

/// Runs a script read line by line from `input` (standard input): each line is carried out as
/// soon as it has been read, so the client can be typed to.
pub fn run_lines(
    target: &Target,
    tls: &Tls,
    input: impl BufRead,
    transcript: Transcript,
    options: Options,
) -> Result<(), Failure> {
    let mut runner = Runner::connect(target, tls, transcript, options)?;
    for (index, text) in input.lines().enumerate() {
        let text = text.map_err(|e| Failure::Connection(format!("reading the script: {e}")))?;
        let line = index + 1;
        if let Some(command) = parse_line(line, &text, Path::new(".")).map_err(Failure::Script)? {
            runner.execute(line, text.trim(), command)?;
        }
    }
    runner.finish()
}

/// One run of a script: the behaviour in force, and the connection.
struct Runner {
    target: Target,
    tls: Tls,
    transcript: Transcript,
    manual: bool,
    window_updates: bool,
    timeout: Duration,
    conn: Conn,
}

/// One connection, and what happened on it so far.
struct Conn {
    client: Client,
    /// The connection has been started (automatically, or by the script with `option manual`).
    started: bool,
    /// Every frame received on this connection, and whether an `expect` has taken it.
    arrivals: Vec<(Arrival, bool)>,
    /// The HEADERS or PUSH_PROMISE arrival whose header block is still open.
    open_block: Option<usize>,
    /// Streams that will carry no more DATA: ended by the server, or reset by either side.
    ended: HashSet<u32>,
    /// Whether a GOAWAY has arrived.
    goaway: bool,
    /// Whether the server has closed the connection.
    closed: bool,
    /// The connection error the client found in what the server sent (§5.4.1), after which it
    /// reads no more.
    error: Option<ErrorCode>,
    /// Our SETTINGS sent and not yet acknowledged, oldest first (§6.5.3), and whether the client
    /// sent them by itself (then their ACK is the client's business, not the script's).
    unacknowledged: VecDeque<(Vec<(SettingId, u32)>, bool)>,
    /// The highest stream a `headers` or `get` has used.
    highest_stream: u32,
}

impl Conn {
    /// Connects to the first address of `target` that answers.
    fn open(target: &Target, tls: &Tls) -> Result<Conn, Failure> {
        let addresses = target.addresses().map_err(Failure::Connection)?;
        let mut last = None;
        for addr in addresses {
            match Client::connect_with(addr, target.transport, tls) {
                Ok(mut client) => {
                    client.acknowledge_settings(false);
                    return Ok(Conn {
                        client,
                        started: false,
                        arrivals: Vec::new(),
                        open_block: None,
                        ended: HashSet::new(),
                        goaway: false,
                        closed: false,
                        error: None,
                        unacknowledged: VecDeque::new(),
                        highest_stream: 0,
                    });
                }
                Err(error) => last = Some(format!("cannot connect to {addr}: {error}")),
            }
        }
        Err(Failure::Connection(last.unwrap_or_default()))
    }
}

impl Runner {
    fn connect(
        target: &Target,
        tls: &Tls,
        transcript: Transcript,
        options: Options,
    ) -> Result<Runner, Failure> {
        let mut runner = Runner {
            target: target.clone(),
            tls: tls.clone(),
            transcript,
            manual: options.manual,
            window_updates: !options.manual,
            timeout: DEFAULT_TIMEOUT,
            conn: Conn::open(target, tls)?,
        };
        runner.transcript.show_hpack(options.hpack);
        runner.connected();
        Ok(runner)
    }

    /// The note that a connection is up.
    fn connected(&mut self) {
        let how = match self.target.transport {
            Transport::Tls => "TLS, ALPN h2",
            Transport::Cleartext => "cleartext h2c, prior knowledge",
        };
        let note = format!(
            "-- connected to {}:{} ({how})",
            self.target.host, self.target.port
        );
        self.transcript.note(&note);
    }

    /// The end of the script: a connection that was never started is started now, so that even
    /// an empty script shows the opening exchange.
    fn finish(mut self) -> Result<(), Failure> {
        if !self.conn.started {
            self.start(0)?;
        }
        self.transcript.flush();
        Ok(())
    }

    fn execute(&mut self, line: usize, text: &str, command: Command) -> Result<(), Failure> {
        self.transcript.note(&format!(">> {text}"));
        let result = self.carry_out(line, command);
        self.transcript.flush();
        result
    }

    fn carry_out(&mut self, line: usize, command: Command) -> Result<(), Failure> {
        if let Command::Option(setting) = command {
            return self.set(line, setting);
        }
        if !self.conn.started {
            self.start(line)?;
        }
        match command {
            Command::Option(_) => Ok(()),
            Command::Preface => self.send(PREFACE),
            Command::Settings { ack, params } => {
                if !ack {
                    self.conn.unacknowledged.push_back((params.clone(), false));
                }
                self.send_frame(Frame::Settings(Settings { ack, params }))
            }
            Command::Headers(headers) => self.headers(headers),
            Command::Continuation {
                stream,
                end_headers,
                fields,
            } => {
                let fragment = self.conn.client.encode_block(&to_fields(fields));
                self.send_frame(Frame::Continuation(Continuation {
                    stream_id: stream,
                    fragment,
                    end_headers,
                }))
            }
            Command::Data {
                stream,
                end_stream,
                whole,
                pad,
                payload,
            } => self.data(stream, end_stream, whole || pad.is_some(), pad, payload),
            Command::WindowUpdate { stream, increment } => {
                self.send_frame(Frame::WindowUpdate(WindowUpdate {
                    stream_id: stream,
                    increment,
                }))
            }
            Command::Ping { ack, data } => self.send_frame(Frame::Ping(Ping { ack, data })),
            Command::RstStream { stream, code } => {
                self.conn.ended.insert(stream);
                self.send_frame(Frame::RstStream(RstStream {
                    stream_id: stream,
                    error_code: code,
                }))
            }
            Command::Priority { stream, spec } => self.send_frame(Frame::Priority(Priority {
                stream_id: stream,
                spec,
            })),
            Command::GoAway {
                last_stream,
                code,
                debug,
            } => self.send_frame(Frame::GoAway(GoAway {
                last_stream_id: last_stream,
                error_code: code,
                debug_data: debug,
            })),
            Command::Frame {
                kind,
                flags,
                stream,
                payload,
            } => self.send(&raw_frame(kind.0, flags, stream, &payload)),
            Command::Raw(octets) => self.send(&octets),
            Command::Get {
                path,
                fields,
                within,
            } => self.get(line, path, fields, within),
            Command::Wait(wait) => self.wait(line, wait),
            Command::Expect(expectation) => self.expect(line, &expectation),
            Command::Reconnect => self.reconnect(),
        }
    }

    fn set(&mut self, line: usize, setting: Setting) -> Result<(), Failure> {
        match setting {
            Setting::Manual if self.conn.started => {
                return Err(Failure::Script(ScriptError {
                    line,
                    message: "option manual must come before the first command that sends"
                        .to_string(),
                }))
            }
            Setting::Manual => {
                self.manual = true;
                self.window_updates = false;
            }
            Setting::AutoWindowUpdate(on) => self.window_updates = on && !self.manual,
            Setting::Hpack(on) => self.transcript.show_hpack(on),
            Setting::Timeout(timeout) => self.timeout = timeout,
        }
        Ok(())
    }

    /// The usual start of a connection (RFC 9113 §3.4): our preface and an empty SETTINGS, then
    /// the server's SETTINGS, which the reading acknowledges. Nothing with `option manual`.
    fn start(&mut self, line: usize) -> Result<(), Failure> {
        self.conn.started = true;
        if self.manual {
            return Ok(());
        }
        let mut octets = PREFACE.to_vec();
        Frame::Settings(Settings {
            ack: false,
            params: Vec::new(),
        })
        .encode(&mut octets);
        self.conn.unacknowledged.push_back((Vec::new(), true));
        self.send(&octets)?;
        let deadline = Instant::now() + self.timeout;
        let seen = self.wait_until(deadline, |runner| {
            runner.conn.arrivals.iter().any(
                |(arrival, _)| matches!(&arrival.frame, Frame::Settings(settings) if !settings.ack),
            )
        })?;
        if !seen {
            return Err(Failure::Expectation {
                line,
                message: format!(
                    "the server sent no SETTINGS within {} (RFC 9113 §3.4: its preface){}",
                    show(self.timeout),
                    self.instead()
                ),
            });
        }
        Ok(())
    }

    fn reconnect(&mut self) -> Result<(), Failure> {
        self.transcript.note("-- closing this connection");
        self.conn = Conn::open(&self.target, &self.tls)?;
        self.transcript.new_connection();
        self.connected();
        Ok(())
    }

    /// `headers`: the block encoded, cut to the server's frame size (or to `split`), as HEADERS
    /// and CONTINUATION frames written at once.
    fn headers(&mut self, command: HeadersCommand) -> Result<(), Failure> {
        let stream = command.stream;
        self.conn.highest_stream = self.conn.highest_stream.max(stream);
        let fields = if command.defaults {
            self.with_defaults(command.fields)
        } else {
            to_fields(command.fields)
        };
        let block = self.conn.client.encode_block(&fields);
        let max = self.max_payload();
        // The first fragment shares the HEADERS payload with the Pad Length, the priority
        // fields and the padding (RFC 9113 §6.2).
        let overhead =
            command.pad.map_or(0, |pad| 1 + usize::from(pad)) + command.priority.map_or(0, |_| 5);
        let first_len = command.split.unwrap_or(max.saturating_sub(overhead).max(1));
        let rest_len = command.split.unwrap_or(max);
        let (first, mut rest) = block.split_at(first_len.min(block.len()));
        let mut frames = vec![Frame::Headers(Headers {
            stream_id: stream,
            fragment: first.to_vec(),
            end_stream: command.end_stream,
            end_headers: false,
            priority: command.priority,
            pad_len: command.pad,
        })];
        while !rest.is_empty() {
            let (fragment, after) = rest.split_at(rest_len.min(rest.len()));
            frames.push(Frame::Continuation(Continuation {
                stream_id: stream,
                fragment: fragment.to_vec(),
                end_headers: false,
            }));
            rest = after;
        }
        if command.end_headers {
            match frames.last_mut() {
                Some(Frame::Headers(headers)) => headers.end_headers = true,
                Some(Frame::Continuation(continuation)) => continuation.end_headers = true,
                _ => {}
            }
        }
        let mut octets = Vec::new();
        for frame in &frames {
            frame.encode(&mut octets);
        }
        self.send(&octets)
    }

    /// The fields of a request with the pseudo-header fields the script left out, from the URL
    /// (RFC 9113 §8.3.1), in the usual order; the script's own fields follow in its order.
    fn with_defaults(&self, given: Vec<(Vec<u8>, Vec<u8>)>) -> Vec<Field> {
        let defaults: [(&str, &str); 4] = [
            (":method", "GET"),
            (":scheme", self.target.transport.scheme()),
            (":authority", &self.target.authority),
            (":path", &self.target.path),
        ];
        let mut given = given;
        let mut fields = Vec::with_capacity(given.len() + defaults.len());
        for (name, value) in defaults {
            match given.iter().position(|(n, _)| n == name.as_bytes()) {
                Some(at) => {
                    let (name, value) = given.remove(at);
                    fields.push(Field::new(name, value));
                }
                None => fields.push(Field::new(name, value)),
            }
        }
        fields.extend(to_fields(given));
        fields
    }

    /// `data`: one frame when `whole` (or padded), else frames of the server's largest size.
    fn data(
        &mut self,
        stream: u32,
        end_stream: bool,
        whole: bool,
        pad: Option<u8>,
        payload: Vec<u8>,
    ) -> Result<(), Failure> {
        let size = if whole {
            usize::MAX
        } else {
            self.max_payload()
        };
        let mut chunks: Vec<&[u8]> = payload.chunks(size.max(1)).collect();
        if chunks.is_empty() {
            chunks.push(&[]);
        }
        let last = chunks.len() - 1;
        let mut octets = Vec::new();
        for (index, chunk) in chunks.into_iter().enumerate() {
            Frame::Data(Data {
                stream_id: stream,
                data: chunk.to_vec(),
                end_stream: end_stream && index == last,
                pad_len: pad,
            })
            .encode(&mut octets);
        }
        self.send(&octets)
    }

    /// `get`: a GET on the next stream, then wait for its end.
    fn get(
        &mut self,
        line: usize,
        path: Vec<u8>,
        fields: Vec<(Vec<u8>, Vec<u8>)>,
        within: Option<Duration>,
    ) -> Result<(), Failure> {
        let stream = if self.conn.highest_stream == 0 {
            0x1
        } else {
            (self.conn.highest_stream | 0x1) + 0x2
        };
        let mut given = vec![(b":path".to_vec(), path)];
        given.extend(fields);
        self.headers(HeadersCommand {
            stream,
            fields: given,
            defaults: true,
            end_stream: true,
            end_headers: true,
            split: None,
            pad: None,
            priority: None,
        })?;
        self.wait(line, Wait::End { stream, within })
    }

    fn wait(&mut self, line: usize, wait: Wait) -> Result<(), Failure> {
        let (within, what): (Option<Duration>, String) = match wait {
            Wait::For(duration) => {
                self.wait_until(Instant::now() + duration, |runner| runner.conn.closed)?;
                return Ok(());
            }
            Wait::End { stream, within } => (within, format!("the end of stream {stream}")),
            Wait::GoAway { within } => (within, "GOAWAY".to_string()),
            Wait::Close { within } => (within, "the server to close the connection".to_string()),
        };
        let within = within.unwrap_or(self.timeout);
        let done = self.wait_until(Instant::now() + within, |runner| match wait {
            Wait::End { stream, .. } => runner.conn.ended.contains(&stream),
            Wait::GoAway { .. } => runner.conn.goaway,
            _ => runner.conn.closed,
        })?;
        if done {
            return Ok(());
        }
        Err(Failure::Expectation {
            line,
            message: format!("waited {} for {what}{}", show(within), self.instead()),
        })
    }

    fn expect(&mut self, line: usize, expectation: &Expectation) -> Result<(), Failure> {
        let within = expectation.within.unwrap_or(self.timeout);
        let deadline = Instant::now() + within;
        let from = self.conn.arrivals.len();
        let found = match &expectation.pattern {
            Pattern::Close => self.wait_until(deadline, |runner| runner.conn.closed)?,
            Pattern::Error(code) => {
                self.wait_until(deadline, |runner| runner.conn.error == Some(*code))?
            }
            // `expect no`: only what arrives from now on counts.
            Pattern::Frame(pattern) if expectation.absent => {
                self.wait_until(deadline, |runner| runner.find(pattern, from).is_some())?
            }
            Pattern::Frame(pattern) => {
                self.wait_until(deadline, |runner| runner.find(pattern, 0).is_some())?
            }
        };
        if found != expectation.absent {
            if let Pattern::Frame(pattern) = &expectation.pattern {
                if let Some(index) = self.find(pattern, 0) {
                    self.conn.arrivals[index].1 = true;
                }
            }
            let note = match expectation.absent {
                true => format!("ok: {expectation} within {}", show(within)),
                false => format!("ok: {expectation}"),
            };
            self.transcript.note(&note);
            return Ok(());
        }
        let message = match expectation.absent {
            true => format!(
                "expected {expectation} within {}, but it came",
                show(within)
            ),
            false => format!(
                "expected {expectation} within {}{}",
                show(within),
                self.instead()
            ),
        };
        Err(Failure::Expectation { line, message })
    }

    /// The first arrival from `from` on that matches and no `expect` has taken yet.
    fn find(&self, pattern: &FramePattern, from: usize) -> Option<usize> {
        self.conn
            .arrivals
            .iter()
            .enumerate()
            .skip(from)
            .find(|(_, (arrival, taken))| !taken && pattern.matches(arrival))
            .map(|(index, _)| index)
    }

    /// What came instead of an awaited frame: the frames not taken by an `expect`, newest last.
    fn instead(&self) -> String {
        let untaken: Vec<String> = self
            .conn
            .arrivals
            .iter()
            .filter(|(_, taken)| !taken)
            .map(|(arrival, _)| describe(arrival))
            .collect();
        let closed = match self.conn.closed {
            true => "; the server closed the connection",
            false => "",
        };
        if untaken.is_empty() {
            return format!("; nothing else came{closed}");
        }
        const SHOWN: usize = 20;
        let skipped = untaken.len().saturating_sub(SHOWN);
        let mut text = format!("; came instead{closed}:");
        if skipped > 0 {
            text.push_str(&format!("\n  ({skipped} earlier frames)"));
        }
        for line in untaken.iter().skip(skipped) {
            text.push_str("\n  ");
            text.push_str(line);
        }
        text
    }

    /// Reads frames until `done` says so or `deadline` passes; whether `done` said so.
    fn wait_until(
        &mut self,
        deadline: Instant,
        done: impl Fn(&Runner) -> bool,
    ) -> Result<bool, Failure> {
        loop {
            if done(self) {
                return Ok(true);
            }
            if self.conn.closed || !self.read_one(deadline)? {
                return Ok(done(self));
            }
        }
    }

    /// Reads one frame before `deadline`: prints it, keeps it, answers it. False when none came
    /// in time or the connection closed.
    fn read_one(&mut self, deadline: Instant) -> Result<bool, Failure> {
        if self.conn.closed {
            return Ok(false);
        }
        let left = deadline.saturating_duration_since(Instant::now());
        match self.conn.client.read_frame(left) {
            Ok(Some(received)) => {
                self.arrive(Arrival {
                    header: received.header,
                    frame: received.frame,
                    fields: received.fields,
                })?;
                Ok(true)
            }
            Ok(None) => Ok(false),
            Err(ClientError::Closed { .. }) => {
                self.conn.closed = true;
                self.transcript.note("-- the server closed the connection");
                Ok(false)
            }
            Err(error) => {
                if let (ClientError::BadFrame(_), Some(line)) =
                    (&error, self.conn.client.seen().last())
                {
                    let line = line.clone();
                    self.transcript.received_undecodable(&line);
                }
                let Some(code) = error.peer_error_code() else {
                    return Err(Failure::Connection(error.to_string()));
                };
                // RFC 9113 §5.4.1: a connection error; the client reads no more, and a script
                // can `expect error CODE` to show it.
                self.transcript.note(&format!("-- {error}"));
                self.conn.error = Some(code);
                self.conn.closed = true;
                Ok(false)
            }
        }
    }

    /// A frame received: printed, kept for `expect`, and answered where the client answers.
    fn arrive(&mut self, mut arrival: Arrival) -> Result<(), Failure> {
        self.transcript.received(&arrival.header, &arrival.frame);
        let index = self.conn.arrivals.len();
        match &arrival.frame {
            Frame::Headers(_) | Frame::PushPromise(_) if arrival.fields.is_none() => {
                self.conn.open_block = Some(index);
            }
            // A CONTINUATION that ends a block: its fields belong to the frame that opened it.
            Frame::Continuation(_) => {
                if let (Some(fields), Some(open)) = (arrival.fields.take(), self.conn.open_block) {
                    if let Some((opener, _)) = self.conn.arrivals.get_mut(open) {
                        opener.fields = Some(fields);
                    }
                    self.conn.open_block = None;
                }
            }
            _ => {}
        }
        let stream = arrival.header.stream_id;
        match &arrival.frame {
            Frame::Headers(headers) if headers.end_stream => {
                self.conn.ended.insert(stream);
            }
            Frame::Data(data) if data.end_stream => {
                self.conn.ended.insert(stream);
            }
            Frame::RstStream(_) => {
                self.conn.ended.insert(stream);
            }
            Frame::GoAway(_) => self.conn.goaway = true,
            _ => {}
        }
        let mut taken = false;
        if let Frame::Settings(settings) = &arrival.frame {
            if settings.ack {
                // RFC 9113 §6.5.3: the ACK says the server applied our oldest SETTINGS. The ACK
                // of the client's own opening SETTINGS is not one a script waits for.
                if let Some((params, automatic)) = self.conn.unacknowledged.pop_front() {
                    self.conn.client.apply_own_settings(&params);
                    taken = automatic;
                }
            }
        }
        let reply = self.reply(&arrival.frame);
        self.conn.arrivals.push((arrival, taken));
        match reply {
            Some(octets) => self.send(&octets),
            None => Ok(()),
        }
    }

    /// What the client answers by itself to `frame`, unless the script said not to.
    fn reply(&self, frame: &Frame) -> Option<Vec<u8>> {
        if self.manual {
            return None;
        }
        let mut octets = Vec::new();
        match frame {
            // RFC 9113 §6.5.3: "Upon receiving and applying a SETTINGS frame, the receiver MUST
            // immediately emit a SETTINGS frame with the ACK flag set".
            Frame::Settings(settings) if !settings.ack => Frame::Settings(Settings {
                ack: true,
                params: Vec::new(),
            })
            .encode(&mut octets),
            // RFC 9113 §6.7: "Receivers of a PING frame that does not include an ACK flag MUST
            // send a PING frame with the ACK flag set in response, with an identical frame
            // payload."
            Frame::Ping(ping) if !ping.ack => Frame::Ping(Ping {
                ack: true,
                data: ping.data,
            })
            .encode(&mut octets),
            // RFC 9113 §6.9: the credit a DATA frame used, given back on the connection and, while
            // the stream may still carry DATA, on the stream (§5.1: no frame but PRIORITY on a
            // closed stream).
            Frame::Data(data) if self.window_updates && data.flow_len() > 0 => {
                let increment = data.flow_len();
                Frame::WindowUpdate(WindowUpdate {
                    stream_id: 0x0,
                    increment,
                })
                .encode(&mut octets);
                if !self.conn.ended.contains(&data.stream_id) {
                    Frame::WindowUpdate(WindowUpdate {
                        stream_id: data.stream_id,
                        increment,
                    })
                    .encode(&mut octets);
                }
            }
            _ => return None,
        }
        Some(octets)
    }

    fn send_frame(&mut self, frame: Frame) -> Result<(), Failure> {
        let mut octets = Vec::new();
        frame.encode(&mut octets);
        self.send(&octets)
    }

    /// Prints `octets` as the frames they are, then writes them.
    fn send(&mut self, octets: &[u8]) -> Result<(), Failure> {
        self.transcript.sent(octets);
        if self.conn.closed {
            return Err(Failure::Connection(
                "cannot send: the server has closed the connection".to_string(),
            ));
        }
        self.conn
            .client
            .send_raw(octets)
            .map_err(|e| Failure::Connection(format!("cannot send: {e}")))
    }

    /// The largest frame payload the server accepts (its SETTINGS_MAX_FRAME_SIZE, §4.2).
    fn max_payload(&self) -> usize {
        let size = self
            .conn
            .client
            .server_setting(SettingId::MAX_FRAME_SIZE)
            .unwrap_or(frame::DEFAULT_MAX_FRAME_SIZE);
        usize::try_from(size).unwrap_or(usize::MAX)
    }
}

fn to_fields(pairs: Vec<(Vec<u8>, Vec<u8>)>) -> Vec<Field> {
    pairs
        .into_iter()
        .map(|(name, value)| Field::new(name, value))
        .collect()
}

/// An arrival on one line: the frame, and the fields of its header block if it has any.
fn describe(arrival: &Arrival) -> String {
    let mut line = format!(
        "recv {}",
        trace::frame_line(&arrival.header, &arrival.frame)
    );
    if let Some(fields) = &arrival.fields {
        let shown: Vec<String> = fields
            .iter()
            .map(|f| trace::field(&f.name, &f.value))
            .collect();
        line.push_str(&format!(" [{}]", shown.join(", ")));
    }
    line
}

/// A duration as a script writes it: `300ms`, `2s`, `1.5s`.
fn show(duration: Duration) -> String {
    if duration.subsec_millis() == 0 {
        return format!("{}s", duration.as_secs());
    }
    if duration < Duration::from_secs(1) {
        return format!("{}ms", duration.as_millis());
    }
    format!("{}s", duration.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_show_as_a_script_writes_them() {
        assert_eq!(show(Duration::from_secs(2)), "2s");
        assert_eq!(show(Duration::from_millis(300)), "300ms");
        assert_eq!(show(Duration::from_millis(1500)), "1.5s");
    }
}
