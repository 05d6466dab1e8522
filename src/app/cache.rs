//! Files recently found — so that a file asked for again and again costs no file-system call.
//!
//! Finding a file safely takes several system calls (canonicalizing follows every component and
//! link, then a `stat`), and a small file one more to open and one to read. A page asks for the
//! same few files over and over, so each found file is kept for [`FRESH`]: its canonical path,
//! length and modification time, and, when it is small, its content; and, worked out once for
//! all the responses it gets, its `content-type`, `last-modified` and `etag`. After that the next
//! request finds it again, from the start, so a changed or removed file is never served for long,
//! and a symbolic link changed to lead out of the root stops being followed within [`FRESH`] too.
//!
//! Bounded: at most [`MAX_ENTRIES`] files and [`MAX_CONTENT`] octets of content; past either the
//! memory starts over empty.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use super::files::Validators;

/// How long a found file is taken as it was.
pub const FRESH: Duration = Duration::from_secs(1);

/// The most files remembered at once.
const MAX_ENTRIES: usize = 4096;

/// The most octets of file content remembered at once.
const MAX_CONTENT: usize = 8 * 1024 * 1024;

/// A file whose content is at most this long is kept in memory.
pub const SMALL_FILE: u64 = 64 * 1024;

/// A regular file as found under the root.
#[derive(Debug)]
pub struct Found {
    /// Canonical, inside the root.
    pub path: PathBuf,
    /// Its length when found.
    pub len: u64,
    /// Its modification time when found.
    pub modified: SystemTime,
    /// `last-modified` and `etag`, from that length and time.
    pub validators: Validators,
    /// `content-type`, from the name asked for (not the name a symbolic link leads to).
    pub content_type: &'static str,
    /// Its whole content, when it is at most [`SMALL_FILE`] octets: shared by every response
    /// that sends it.
    pub content: Option<Arc<[u8]>>,
}

/// The files found recently, by the request path that found them (query left out).
#[derive(Debug, Default)]
pub struct FileCache {
    entries: Mutex<Entries>,
}

#[derive(Debug, Default)]
struct Entries {
    by_path: HashMap<String, (Instant, Arc<Found>)>,
    content: usize,
}

impl FileCache {
    /// The file found for `key` less than [`FRESH`] before `now`.
    pub fn get(&self, key: &str, now: Instant) -> Option<Arc<Found>> {
        let entries = self.entries.lock().ok()?;
        let (found_at, found) = entries.by_path.get(key)?;
        (now.saturating_duration_since(*found_at) < FRESH).then(|| Arc::clone(found))
    }

    /// Remembers `found` for `key`, found at `now`.
    pub fn put(&self, key: &str, found: Arc<Found>, now: Instant) {
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        let size = found.content.as_ref().map_or(0, |c| c.len());
        if entries.by_path.len() >= MAX_ENTRIES || entries.content + size > MAX_CONTENT {
            *entries = Entries::default();
        }
        entries.content += size;
        let old = entries.by_path.insert(key.to_string(), (now, found));
        if let Some((_, old)) = old {
            entries.content -= old.content.as_ref().map_or(0, |c| c.len());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(content: usize) -> Arc<Found> {
        Arc::new(Found {
            path: PathBuf::from("/srv/a"),
            len: content as u64,
            modified: SystemTime::UNIX_EPOCH,
            validators: Validators::new(content as u64, SystemTime::UNIX_EPOCH),
            content_type: "text/plain; charset=utf-8",
            content: Some(vec![0x61; content].into()),
        })
    }

    #[test]
    fn a_file_is_fresh_for_one_second_then_found_again() {
        let cache = FileCache::default();
        let now = Instant::now();
        cache.put("/a", found(3), now);
        assert!(cache
            .get("/a", now + FRESH - Duration::from_millis(1))
            .is_some());
        assert!(cache.get("/a", now + FRESH).is_none());
        assert!(cache.get("/b", now).is_none());
    }

    #[test]
    fn content_past_the_limit_starts_the_memory_over() {
        let cache = FileCache::default();
        let now = Instant::now();
        let per_file = SMALL_FILE as usize;
        for i in 0..MAX_CONTENT / per_file {
            cache.put(&format!("/{i}"), found(per_file), now);
        }
        assert!(cache.get("/0", now).is_some());
        cache.put("/last", found(per_file), now);
        assert!(cache.get("/0", now).is_none());
        assert!(cache.get("/last", now).is_some());
        let entries = cache.entries.lock().unwrap();
        assert_eq!(entries.content, per_file);
    }

    #[test]
    fn replacing_an_entry_keeps_the_content_count_right() {
        let cache = FileCache::default();
        let now = Instant::now();
        cache.put("/a", found(10), now);
        cache.put("/a", found(4), now);
        assert_eq!(cache.entries.lock().unwrap().content, 4);
    }
}
