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
//!
//! The memory is shared by every connection's thread, and so are the counts of the references to
//! what it holds: taking a file from it, and the response's references to the file's content and
//! `etag`, each write to a cache line that the other CPUs' threads write too. Under load that
//! made up most of the time a small file's request took here (perf, h2load on two CPUs). So each
//! thread also keeps its own copy of the last file it took, small ones only, and serves that file
//! from it for as long as the shared entry it copied stays fresh.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
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

/// A file whose content is at most this long is copied for the thread that takes it.
const THREAD_COPY: usize = 16 * 1024;

/// A regular file as found under the root.
#[derive(Debug, PartialEq, Eq)]
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
    /// `len` as the `content-length` of a response with all of it.
    pub content_length: Arc<str>,
    /// Its whole content, when it is at most [`SMALL_FILE`] octets: shared by every response
    /// that sends it.
    pub content: Option<Arc<[u8]>>,
}

/// The files found recently, by the request path that found them (query left out).
#[derive(Debug)]
pub struct FileCache {
    /// Which cache a thread's copy came from.
    id: u64,
    entries: Mutex<Entries>,
}

impl Default for FileCache {
    fn default() -> FileCache {
        static NEXT_ID: AtomicU64 = AtomicU64::new(0);
        FileCache {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            entries: Mutex::default(),
        }
    }
}

/// A thread's own copy of the last file it took from a cache.
struct ThreadCopy {
    cache: u64,
    key: String,
    /// When the shared entry was found: the copy is fresh exactly as long as it.
    found_at: Instant,
    found: Arc<Found>,
}

thread_local! {
    static THREAD_COPY_OF_LAST: RefCell<Option<ThreadCopy>> = const { RefCell::new(None) };
}

#[derive(Debug, Default)]
struct Entries {
    by_path: HashMap<String, (Instant, Arc<Found>)>,
    content: usize,
}

impl FileCache {
    /// The file found for `key` less than [`FRESH`] before `now`: this thread's copy of it when
    /// it has one (see the module documentation).
    pub fn get(&self, key: &str, now: Instant) -> Option<Arc<Found>> {
        let fresh = |found_at: Instant| now.saturating_duration_since(found_at) < FRESH;
        let copied = THREAD_COPY_OF_LAST.with_borrow(|copy| {
            copy.as_ref()
                .filter(|copy| copy.cache == self.id && copy.key == key && fresh(copy.found_at))
                .map(|copy| Arc::clone(&copy.found))
        });
        if copied.is_some() {
            return copied;
        }
        let (found_at, found) = {
            let entries = self.entries.lock().ok()?;
            let (found_at, found) = entries.by_path.get(key)?;
            (*found_at, Arc::clone(found))
        };
        if !fresh(found_at) {
            return None;
        }
        if found.content.as_ref().map_or(0, |c| c.len()) <= THREAD_COPY {
            let copy = ThreadCopy {
                cache: self.id,
                key: key.to_string(),
                found_at,
                found: Arc::new(found.copy()),
            };
            THREAD_COPY_OF_LAST.with_borrow_mut(|last| *last = Some(copy));
        }
        Some(found)
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

impl Found {
    /// A copy that shares nothing with `self`.
    fn copy(&self) -> Found {
        Found {
            path: self.path.clone(),
            len: self.len,
            modified: self.modified,
            validators: self.validators.copy(),
            content_type: self.content_type,
            content_length: Arc::from(&*self.content_length),
            content: self.content.as_deref().map(Arc::from),
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
            content_length: content.to_string().into(),
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
        assert!(!cache.entries.lock().unwrap().by_path.contains_key("/0"));
        assert!(cache.get("/last", now).is_some());
        let entries = cache.entries.lock().unwrap();
        assert_eq!(entries.content, per_file);
    }

    #[test]
    fn a_thread_takes_a_small_file_from_its_own_copy_while_the_entry_is_fresh() {
        let cache = FileCache::default();
        let now = Instant::now();
        let shared = found(3);
        cache.put("/a", Arc::clone(&shared), now);
        let first = cache.get("/a", now).unwrap();
        assert!(Arc::ptr_eq(&first, &shared));
        let copy = cache.get("/a", now).unwrap();
        assert!(!Arc::ptr_eq(&copy, &shared));
        assert_eq!(*copy, *shared);
        let (copied, original) = (copy.content.as_ref(), shared.content.as_ref());
        assert!(!Arc::ptr_eq(copied.unwrap(), original.unwrap()));
        assert!(Arc::ptr_eq(&cache.get("/a", now).unwrap(), &copy));
        let other_thread = std::thread::scope(|s| {
            s.spawn(|| {
                cache.get("/a", now);
                cache.get("/a", now).unwrap()
            })
            .join()
            .unwrap()
        });
        assert!(!Arc::ptr_eq(&other_thread, &copy));
        assert!(cache.get("/a", now + FRESH).is_none());
    }

    #[test]
    fn a_thread_copy_stands_for_its_own_cache_and_small_files_only() {
        let (one, another) = (FileCache::default(), FileCache::default());
        let now = Instant::now();
        one.put("/a", found(3), now);
        another.put("/a", found(5), now);
        one.get("/a", now);
        assert_eq!(another.get("/a", now).unwrap().len, 5);
        assert_eq!(one.get("/a", now).unwrap().len, 3);
        let large = found(THREAD_COPY + 1);
        one.put("/large", Arc::clone(&large), now);
        one.get("/large", now);
        assert!(Arc::ptr_eq(&one.get("/large", now).unwrap(), &large));
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
