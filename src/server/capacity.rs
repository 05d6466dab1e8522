//! How many connections the process can hold — its file descriptors and the machine's memory,
//! read once at start.
//!
//! A connection is a thread and a socket; while it serves a file it holds the file open too, so
//! the server plans two descriptors per connection. The limit on descriptors (`ulimit -n`) has a
//! soft value, often 1,024, and a hard one that an unprivileged process may raise the soft one
//! to; the server raises it, as Go's runtime does for every Go program.
//!
//! Memory is counted as what a busy connection may hold (see [`BUSY_CONNECTION_MEMORY`]), against
//! half of the memory the machine has available at start: an idle connection holds far less
//! (about 50 KiB with TLS; `scripts/idle-conns.py` measures it).

use std::fmt;

use rustix::process::{getrlimit, setrlimit, Resource, Rlimit};

/// Descriptors kept for the process itself: the standard streams, the listener, the shutdown
/// pipe, the signal thread's pipe, and room for a few files opened outside any connection.
const RESERVED_DESCRIPTORS: u64 = 64;

/// Descriptors per connection: its socket, and the file it serves.
const DESCRIPTORS_PER_CONNECTION: u64 = 2;

/// What a busy connection may hold, rounded up: a write slice of DATA with its frame headers
/// (about 80 KiB, see `session::SLICE`) and, over TLS, two records gathered for one send (36 KiB,
/// see `wire`), a read buffer (16 KiB) and 2 KiB read ahead, OpenSSL's record buffers (about
/// 34 KiB), a DATA frame's payload (16 KiB), two HPACK tables (8 KiB), the used part of its
/// thread's stack (about 32 KiB) and its streams' state.
const BUSY_CONNECTION_MEMORY: u64 = 256 * 1024;

/// How many connections the process can hold, and what limits it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capacity {
    /// Connections at once.
    pub connections: usize,
    /// The soft limit on open descriptors, after raising it.
    pub open_files: Option<u64>,
    /// Whether memory, rather than descriptors, sets the number.
    pub by_memory: bool,
}

impl Capacity {
    /// Raises the soft limit on open descriptors to the hard one, then reckons the capacity.
    pub fn of_this_process() -> Capacity {
        let open_files = raise_open_files_limit();
        Capacity::reckon(open_files, available_memory())
    }

    /// The connections that `open_files` descriptors and `memory` octets allow.
    pub fn reckon(open_files: Option<u64>, memory: Option<u64>) -> Capacity {
        let by_descriptors = open_files
            .map(|limit| limit.saturating_sub(RESERVED_DESCRIPTORS) / DESCRIPTORS_PER_CONNECTION);
        let by_memory = memory.map(|octets| octets / 2 / BUSY_CONNECTION_MEMORY);
        let (connections, by_memory) = match (by_descriptors, by_memory) {
            (Some(d), Some(m)) if m < d => (m, true),
            (Some(d), _) => (d, false),
            (None, Some(m)) => (m, true),
            (None, None) => (u64::from(u32::MAX), false),
        };
        Capacity {
            connections: usize::try_from(connections.max(1)).unwrap_or(usize::MAX),
            open_files,
            by_memory,
        }
    }

    /// The connections that the descriptors allow, whatever the memory.
    pub fn by_descriptors(&self) -> Option<usize> {
        self.open_files.map(|limit| {
            let n = limit.saturating_sub(RESERVED_DESCRIPTORS) / DESCRIPTORS_PER_CONNECTION;
            usize::try_from(n).unwrap_or(usize::MAX)
        })
    }
}

impl fmt::Display for Capacity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "room for {} connections at once", self.connections)?;
        match (self.by_memory, self.open_files) {
            (true, _) => write!(
                f,
                " (half the available memory, at {} KiB per busy connection)",
                BUSY_CONNECTION_MEMORY / 1024
            ),
            (false, Some(limit)) => write!(
                f,
                " (ulimit -n {limit}, {DESCRIPTORS_PER_CONNECTION} descriptors per connection)"
            ),
            (false, None) => Ok(()),
        }
    }
}

/// Sets the soft limit on open descriptors to the hard one; the soft limit in force after.
fn raise_open_files_limit() -> Option<u64> {
    let limit = getrlimit(Resource::Nofile);
    if limit.current < limit.maximum {
        let raised = Rlimit {
            current: limit.maximum,
            maximum: limit.maximum,
        };
        if setrlimit(Resource::Nofile, raised).is_ok() {
            return limit.maximum;
        }
    }
    limit.current
}

/// `MemAvailable` from `/proc/meminfo`, in octets; `None` where there is no such file.
fn available_memory() -> Option<u64> {
    let meminfo = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = meminfo
        .lines()
        .find(|line| line.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    kib.checked_mul(1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptors_set_the_capacity_when_memory_is_plenty() {
        let capacity = Capacity::reckon(Some(20_000), Some(24 << 30));
        assert_eq!(capacity.connections, 9_968);
        assert!(!capacity.by_memory);
        assert_eq!(
            capacity.to_string(),
            "room for 9968 connections at once (ulimit -n 20000, 2 descriptors per connection)"
        );
    }

    #[test]
    fn memory_sets_it_when_it_is_short() {
        let capacity = Capacity::reckon(Some(1 << 20), Some(1 << 30));
        assert_eq!(capacity.connections, 2_048);
        assert!(capacity.by_memory);
        assert_eq!(capacity.by_descriptors(), Some(524_256));
    }

    #[test]
    fn a_tiny_limit_still_leaves_one_place() {
        assert_eq!(Capacity::reckon(Some(10), None).connections, 1);
    }
}
