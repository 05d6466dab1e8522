//! Capture files — `h2lab --capture DIR`: the octets of every connection, after TLS, in the input
//! format of `h2lab-decode`, so that any client's HTTP/2 (a browser's too) can be studied without
//! TLS key logs.
//!
//! Connection N writes two files, one per direction, each created with its first octets:
//!
//! ```text
//! DIR/conn-N.c2s.hex      # h2lab capture: connection N, client→server
//! DIR/conn-N.s2c.hex      # h2lab capture: connection N, server→client
//! ```
//!
//! After that first comment line come the octets as lowercase hex, at most 32 octets a line, no
//! spaces, each frame (and the preface) on lines of its own; before them a comment `# t=0.036512`
//! gives the time in seconds since the connection began of the octets that follow, written again
//! whenever the time has moved on. `#` starts a comment for `h2lab-decode`, so a file decodes as
//! it is: `h2lab-decode DIR/conn-1.c2s.hex`.
//!
//! The files are buffered and flushed when the connection ends. A file that cannot be written
//! ends the capture of that connection with a warning; the connection itself goes on.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use super::event::{Direction, Event, Observer};
use super::hex;

/// Octets per line of hex.
const LINE_OCTETS: usize = 0x20;

/// Makes sure `dir` exists and can take files, before the server starts: a capture that would
/// fail on the first connection is a start-up error instead.
pub fn check_dir(dir: &Path) -> io::Result<()> {
    fs::create_dir_all(dir)?;
    let probe = dir.join(".h2lab-capture-probe");
    File::create(&probe)?;
    fs::remove_file(&probe)
}

/// The capture observer of one connection, server side: what we receive is client→server.
pub struct Capture {
    dir: PathBuf,
    connection: u64,
    started: Instant,
    c2s: Side,
    s2c: Side,
    /// A write failed: the capture of this connection has stopped.
    failed: bool,
}

/// One direction's file, once it has octets.
#[derive(Default)]
struct Side {
    file: Option<BufWriter<File>>,
    /// The last `# t=` written, so that it is written again only when the time moved on.
    last_time: String,
}

impl Capture {
    /// A capture of connection `connection` into `dir`, its clock starting now. No file is created
    /// before the first octets.
    pub fn new(dir: &Path, connection: u64) -> Capture {
        Capture {
            dir: dir.to_path_buf(),
            connection,
            started: Instant::now(),
            c2s: Side::default(),
            s2c: Side::default(),
            failed: false,
        }
    }

    /// The file of one direction: `DIR/conn-N.c2s.hex` or `DIR/conn-N.s2c.hex`.
    pub fn path(&self, direction: Direction) -> PathBuf {
        let which = match direction {
            Direction::Recv => "c2s",
            Direction::Send => "s2c",
        };
        self.dir
            .join(format!("conn-{}.{which}.hex", self.connection))
    }

    fn write(&mut self, direction: Direction, octets: &[u8]) -> io::Result<()> {
        let time = format!("{:.6}", self.started.elapsed().as_secs_f64());
        let path = self.path(direction);
        let (side, arrow) = match direction {
            Direction::Recv => (&mut self.c2s, "client→server"),
            Direction::Send => (&mut self.s2c, "server→client"),
        };
        let file = match &mut side.file {
            Some(file) => file,
            None => {
                let mut file = BufWriter::new(File::create(&path)?);
                writeln!(
                    file,
                    "# h2lab capture: connection {}, {arrow}",
                    self.connection
                )?;
                side.file.insert(file)
            }
        };
        if side.last_time != time {
            writeln!(file, "# t={time}")?;
            side.last_time = time;
        }
        for line in octets.chunks(LINE_OCTETS) {
            writeln!(file, "{}", hex(line))?;
        }
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        for file in [&mut self.c2s.file, &mut self.s2c.file]
            .into_iter()
            .flatten()
        {
            file.flush()?;
        }
        Ok(())
    }

    /// Stops the capture of this connection after a failed write, and says so once.
    fn give_up(&mut self, error: &io::Error) {
        self.failed = true;
        log::warn!(
            "[conn {}] --capture {}: {error}; this connection is no longer captured",
            self.connection,
            self.dir.display()
        );
    }
}

impl Observer for Capture {
    fn event(&mut self, event: &Event<'_>) {
        if self.failed {
            return;
        }
        let result = match *event {
            Event::Preface { direction, octets }
            | Event::Frame {
                direction, octets, ..
            } => self.write(direction, octets),
            Event::Closed { .. } => self.flush(),
            _ => Ok(()),
        };
        if let Err(error) = result {
            self.give_up(&error);
        }
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        if self.failed {
            return;
        }
        if let Err(error) = self.flush() {
            self.give_up(&error);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::{FrameHeader, FrameType, PREFACE};

    /// A folder under the system's temporary folder, removed when dropped.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new(name: &str) -> TempDir {
            let path =
                std::env::temp_dir().join(format!("h2lab-capture-{}-{name}", std::process::id()));
            let _ = fs::remove_dir_all(&path);
            TempDir(path)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    /// A file's lines with every `# t=` time replaced by `T`.
    fn lines(path: &Path) -> Vec<String> {
        fs::read_to_string(path)
            .unwrap()
            .lines()
            .map(|line| match line.strip_prefix("# t=") {
                Some(_) => "# t=T".to_string(),
                None => line.to_string(),
            })
            .collect()
    }

    #[test]
    fn each_direction_goes_to_its_own_file_as_hex_with_time_comments() {
        let dir = TempDir::new("directions");
        check_dir(&dir.0).unwrap();
        let mut capture = Capture::new(&dir.0, 7);
        let settings = [0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00];
        let header = FrameHeader::decode(&settings);
        capture.event(&Event::Preface {
            direction: Direction::Recv,
            octets: PREFACE,
        });
        capture.event(&Event::Frame {
            direction: Direction::Recv,
            header: &header,
            frame: None,
            octets: &settings,
        });
        assert!(!capture.path(Direction::Send).exists(), "created lazily");
        let long: Vec<u8> = (0..40).collect();
        capture.event(&Event::Frame {
            direction: Direction::Send,
            header: &FrameHeader {
                length: 31,
                kind: FrameType(0xfa),
                flags: 0,
                stream_id: 0,
            },
            frame: None,
            octets: &long,
        });
        capture.event(&Event::Closed { reason: "done" });

        let c2s = lines(&dir.0.join("conn-7.c2s.hex"));
        assert_eq!(c2s[0], "# h2lab capture: connection 7, client→server");
        assert_eq!(c2s[1], "# t=T");
        assert_eq!(c2s[2], "505249202a20485454502f322e300d0a0d0a534d0d0a0d0a");
        assert_eq!(c2s.last().unwrap(), "000000040000000000");
        assert_eq!(
            lines(&dir.0.join("conn-7.s2c.hex")),
            [
                "# h2lab capture: connection 7, server→client",
                "# t=T",
                "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
                "2021222324252627",
            ]
        );
    }

    #[test]
    fn a_folder_that_cannot_be_created_is_refused() {
        let dir = TempDir::new("file");
        fs::write(&dir.0, "not a folder").unwrap();
        assert!(check_dir(&dir.0.join("sub")).is_err());
        let _ = fs::remove_file(&dir.0);
    }
}
