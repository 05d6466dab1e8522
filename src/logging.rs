//! The log, written to stderr in batches: one `write` for many lines, never one per request.
//!
//! A busy server logs a line for every response. Written one at a time, each line would cost a
//! system call and a turn at the lock on stderr that every connection's thread contends for.
//! Here each line is formatted into a buffer that all threads share, and the buffer goes to
//! stderr in one `write`:
//! - as soon as it holds [`BATCH`] octets;
//! - at the latest a short interval (`latest`, [`LATEST`] for `h2lab`) after a line finds it
//!   empty: a thread of its own waits for that, so a quiet server's lines are not held back;
//! - at once after a warning or an error, which a person should see when it happens;
//! - when `log::logger().flush()` asks, as `main` does before it prints a line of its own and
//!   before the process ends.
//!
//! env_logger still decides which records are logged (`RUST_LOG`, `-v`); this module only
//! formats and writes them.

use std::cell::RefCell;
use std::fmt::Write as _;
use std::io::{self, Write};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::Duration;

use log::{Level, Log, Metadata, Record};

/// Octets of lines that are written out at once, without waiting any longer.
const BATCH: usize = 32 * 1024;

/// What the buffer holds before it must grow: a batch and the line that takes it past one.
const CAPACITY: usize = 2 * BATCH;

/// How long `h2lab`'s lines wait for a batch at most.
pub const LATEST: Duration = Duration::from_millis(50);

/// A logger that writes the lines env_logger lets through in batches.
pub struct BatchLogger {
    /// Which records are logged.
    filter: env_logger::Logger,
    /// The lines not yet written, shared with the thread that writes them when they have waited.
    lines: Arc<Lines>,
}

/// Lines waiting for their batch, and where the batch goes.
struct Lines {
    /// The lines formatted and not yet written.
    pending: Mutex<Vec<u8>>,
    /// Told when a line lands in an empty buffer.
    arrived: Condvar,
    /// Locked while a batch is taken and written, so that batches leave in the order they were
    /// taken.
    output: Mutex<Box<dyn Write + Send>>,
}

impl BatchLogger {
    /// A logger of the records `filter` lets through, to `output`, where no line waits longer
    /// than about `latest`. Starts the thread that writes the lines that have waited.
    pub fn new(
        filter: env_logger::Logger,
        output: Box<dyn Write + Send>,
        latest: Duration,
    ) -> io::Result<BatchLogger> {
        let lines = Arc::new(Lines {
            pending: Mutex::new(Vec::with_capacity(CAPACITY)),
            arrived: Condvar::new(),
            output: Mutex::new(output),
        });
        let waited_for = Arc::clone(&lines);
        thread::Builder::new()
            .name("h2lab-log".to_string())
            .spawn(move || loop {
                waited_for.wait_for_a_line();
                thread::sleep(latest);
                waited_for.write_out();
            })?;
        Ok(BatchLogger { filter, lines })
    }

    /// Makes this the process's logger, to stderr with [`LATEST`].
    pub fn install(filter: env_logger::Logger) -> io::Result<()> {
        let max_level = filter.filter();
        let logger = BatchLogger::new(filter, Box::new(io::stderr()), LATEST)?;
        log::set_boxed_logger(Box::new(logger)).map_err(io::Error::other)?;
        log::set_max_level(max_level);
        Ok(())
    }
}

impl Log for BatchLogger {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        self.filter.enabled(metadata)
    }

    fn log(&self, record: &Record<'_>) {
        if !self.filter.matches(record) {
            return;
        }
        thread_local! {
            /// This thread's line, formatted before the shared buffer is locked: the threads of
            /// busy connections then hold the lock only to copy their lines in.
            static LINE: RefCell<String> = const { RefCell::new(String::new()) };
        }
        let (first, full) = LINE.with_borrow_mut(|line| {
            line.clear();
            format(line, record);
            let mut pending = lock(&self.lines.pending);
            let first = pending.is_empty();
            pending.extend_from_slice(line.as_bytes());
            (first, pending.len() >= BATCH)
        });
        if full || record.level() <= Level::Warn {
            self.lines.write_out();
        } else if first {
            self.lines.arrived.notify_one();
        }
    }

    fn flush(&self) {
        self.lines.write_out();
    }
}

/// One line of the log. Debug and trace lines (`-v`, `-vv`) are printed as they are: they carry
/// their own connection and time. The access log and warnings keep a short level tag.
///
/// A busy server formats a line per response, so this stays off the costlier ways of
/// `core::fmt`: the tag is written as it is rather than padded by a formatter, and the message
/// goes into a `String`, which takes each piece with a plain copy (a `Vec` through `io::Write`
/// pays for an adapter that keeps the error of every piece).
fn format(out: &mut String, record: &Record<'_>) {
    out.push_str(match record.level() {
        Level::Error => "ERROR ",
        Level::Warn => "WARN  ",
        Level::Info => "INFO  ",
        Level::Debug | Level::Trace => "",
    });
    // Writing to a String fails only if a Display implementation does; the line is then cut short.
    let _ = out.write_fmt(*record.args());
    out.push('\n');
}

impl Lines {
    /// Waits until a line is pending.
    fn wait_for_a_line(&self) {
        let pending = lock(&self.pending);
        let waited = self
            .arrived
            .wait_while(pending, |pending| pending.is_empty());
        drop(waited.unwrap_or_else(PoisonError::into_inner));
    }

    /// Writes every pending line. A batch that cannot be written (stderr closed) is dropped
    /// quietly: there is nowhere left to say so.
    fn write_out(&self) {
        let mut output = lock(&self.output);
        let batch = {
            let mut pending = lock(&self.pending);
            if pending.is_empty() {
                return;
            }
            std::mem::replace(&mut *pending, Vec::with_capacity(CAPACITY))
        };
        let _ = output.write_all(&batch);
        let _ = output.flush();
    }
}

/// The lock of `mutex`, even if a thread panicked while holding it: lines are plain octets,
/// never left half-changed in a way that matters.
fn lock<T: ?Sized>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    /// What a logger wrote, readable by the test.
    #[derive(Clone, Default)]
    struct Written(Arc<Mutex<Vec<u8>>>);

    impl Written {
        fn text(&self) -> String {
            String::from_utf8(lock(&self.0).clone()).unwrap()
        }
    }

    impl Write for Written {
        fn write(&mut self, octets: &[u8]) -> io::Result<usize> {
            lock(&self.0).extend_from_slice(octets);
            Ok(octets.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    /// A logger of `h2lab=debug` into a [`Written`], whose lines wait `latest` at most.
    fn logger(latest: Duration) -> (BatchLogger, Written) {
        let filter = env_logger::Builder::new()
            .parse_filters("h2lab=debug")
            .build();
        let written = Written::default();
        let logger = BatchLogger::new(filter, Box::new(written.clone()), latest).unwrap();
        (logger, written)
    }

    /// Logs `line` at `level` from the module `target`.
    fn log_from(logger: &BatchLogger, target: &str, level: Level, line: &str) {
        logger.log(
            &Record::builder()
                .level(level)
                .target(target)
                .args(format_args!("{line}"))
                .build(),
        );
    }

    /// Logs `line` at `level` from one of h2lab's modules.
    fn log(logger: &BatchLogger, level: Level, line: &str) {
        log_from(logger, "h2lab::connection", level, line);
    }

    const AN_HOUR: Duration = Duration::from_secs(3600);

    #[test]
    fn lines_wait_for_their_batch_and_a_flush_writes_them() {
        let (logger, written) = logger(AN_HOUR);
        log(&logger, Level::Info, "[conn 1] stream=1 GET / 200");
        log(&logger, Level::Debug, "[conn 1] +0.001s send HEADERS");
        assert_eq!(written.text(), "");
        logger.flush();
        assert_eq!(
            written.text(),
            "INFO  [conn 1] stream=1 GET / 200\n[conn 1] +0.001s send HEADERS\n"
        );
    }

    #[test]
    fn a_warning_is_written_at_once_after_the_lines_before_it() {
        let (logger, written) = logger(AN_HOUR);
        log(&logger, Level::Info, "first");
        log(&logger, Level::Warn, "second");
        assert_eq!(written.text(), "INFO  first\nWARN  second\n");
        log(&logger, Level::Error, "third");
        assert_eq!(written.text(), "INFO  first\nWARN  second\nERROR third\n");
    }

    #[test]
    fn a_full_batch_is_written_without_waiting() {
        let (logger, written) = logger(AN_HOUR);
        let line = "x".repeat(99);
        let lines = BATCH / 100;
        for _ in 0..lines {
            log(&logger, Level::Debug, &line);
        }
        assert_eq!(written.text(), "");
        log(&logger, Level::Debug, &line);
        assert_eq!(written.text().len(), (lines + 1) * 100);
    }

    #[test]
    fn a_line_on_its_own_is_written_after_the_interval() {
        let (logger, written) = logger(Duration::from_millis(10));
        log(&logger, Level::Info, "alone");
        let deadline = Instant::now() + Duration::from_secs(10);
        while written.text().is_empty() && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(written.text(), "INFO  alone\n");
    }

    #[test]
    fn records_the_filter_leaves_out_are_not_written() {
        let (logger, written) = logger(AN_HOUR);
        log(&logger, Level::Trace, "a frame's details");
        log_from(&logger, "other_crate", Level::Info, "not ours");
        logger.flush();
        assert_eq!(written.text(), "");
    }
}
