//! Stopping the server gracefully — RFC 9113 §6.8 (GOAWAY), on SIGINT or SIGTERM
//!
//! A [`ShutdownSignal`] is shared by every thread of the server. Triggering it sets a flag, which a
//! connection looks at between two writes, and writes one octet into a pipe that nobody reads:
//! from then on the pipe stays readable, so every thread that waits in `poll` on its socket and
//! on the pipe wakes up, at once and together, and so does the accept loop. One pipe for the
//! whole server, written once: an idle connection costs no wake-ups before that.
//!
//! [`stop_on_signals`] connects the process's signals to it: the first SIGINT or SIGTERM starts the
//! graceful shutdown (no new connections; GOAWAY on every open one; open streams get up to the
//! drain time), a second one ends the process at once.

use std::io::{self, PipeReader, PipeWriter, Write};
use std::os::fd::{AsFd, BorrowedFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;

use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

/// The server's shutdown as every thread sees it: a flag and a pipe. Cloning shares it.
#[derive(Clone)]
pub struct ShutdownSignal(Arc<Inner>);

struct Inner {
    triggered: AtomicBool,
    reader: PipeReader,
    writer: PipeWriter,
}

impl ShutdownSignal {
    /// A signal not yet triggered.
    pub fn new() -> io::Result<ShutdownSignal> {
        let (reader, writer) = io::pipe()?;
        Ok(ShutdownSignal(Arc::new(Inner {
            triggered: AtomicBool::new(false),
            reader,
            writer,
        })))
    }

    /// Starts the graceful shutdown; `false` when it had started already.
    pub fn trigger(&self) -> bool {
        if self.0.triggered.swap(true, Ordering::SeqCst) {
            return false;
        }
        // One octet makes the pipe readable for good. It cannot fail short of a closed pipe,
        // and the reading end lives as long as this signal; the flag is set either way.
        let _ = (&self.0.writer).write_all(&[0x1]);
        true
    }

    /// Whether the shutdown has started.
    pub fn is_triggered(&self) -> bool {
        self.0.triggered.load(Ordering::SeqCst)
    }

    /// The pipe's reading end, to wait on beside a socket: readable once the shutdown started.
    pub fn fd(&self) -> BorrowedFd<'_> {
        self.0.reader.as_fd()
    }
}

/// The exit status after a second signal: 128 plus the signal's number, as a shell reports a
/// process that a signal ended.
fn exit_status(signal: i32) -> i32 {
    128 + signal
}

fn name(signal: i32) -> &'static str {
    if signal == SIGINT {
        "SIGINT"
    } else {
        "SIGTERM"
    }
}

/// Spends one thread on SIGINT and SIGTERM: the first triggers `shutdown`, the second ends the
/// process at once.
pub fn stop_on_signals(shutdown: ShutdownSignal) -> io::Result<()> {
    let mut signals = Signals::new([SIGINT, SIGTERM])?;
    thread::Builder::new()
        .name("h2lab-signals".to_string())
        .spawn(move || {
            let mut seen = false;
            for signal in signals.forever() {
                if !seen {
                    seen = true;
                    log::info!(
                        "{}: stopping gracefully (again to stop at once)",
                        name(signal)
                    );
                    shutdown.trigger();
                    continue;
                }
                log::warn!("{} again: stopping at once", name(signal));
                std::process::exit(exit_status(signal));
            }
        })?;
    Ok(())
}
