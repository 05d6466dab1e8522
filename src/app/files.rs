//! Static files — RFC 9110 §9.3.1–2 (GET, HEAD), §13 (conditional requests), §14 (range requests).
//!
//! A request becomes a file in four steps, each of which can only narrow what is reachable:
//! 1. `path::parse` decodes `:path` into plain names (no `..`, slash, backslash or NUL);
//! 2. the names are joined under the canonical root;
//! 3. the result is canonicalized, which follows every symbolic link, and must still lie inside the
//!    canonical root (else 404: a link that leads out is treated as if it were not there);
//! 4. only a regular file is opened (a FIFO or a device would block or never end).
//!
//! The body is the open file itself, read as the connection sends it; a small file's content comes
//! from memory, one copy shared by every response that sends it. What was found is remembered for
//! a second (`cache.rs`), so that a file asked for again costs no file-system call (a large one:
//! an `open` and an `fstat`), and its path is not even parsed again: it parsed the same way a
//! moment ago.

use std::fs::{self, File};
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use httpdate::HttpDate;

use super::cache::{FileCache, Found, SMALL_FILE};
use super::path::{self, Target};
use super::{mime, text};
use crate::http::{http_date, Body, FieldName, Request, Response, Text, COMPLETING_FIELDS};

/// A static-file exchange: the answer is worked out when the request has ended.
pub struct StaticFile {
    root: Arc<Path>,
    cache: Arc<FileCache>,
    request: Request,
}

impl StaticFile {
    /// Begins serving `request` from `root` (canonical), with the files found recently.
    pub fn new(root: Arc<Path>, cache: Arc<FileCache>, request: Request) -> StaticFile {
        StaticFile {
            root,
            cache,
            request,
        }
    }

    /// The response, once the request has ended.
    pub fn respond(self) -> Response {
        serve(&self.root, &self.cache, &self.request)
    }
}

/// The response to `request` for a file under `root`.
fn serve(root: &Path, cache: &FileCache, request: &Request) -> Response {
    if request.method != "GET" && request.method != "HEAD" {
        // RFC 9110 §15.5.6: "The origin server MUST generate an Allow header field in a 405
        // response containing a list of the target resource's currently supported methods."
        let mut response = text(405, "method not allowed: only GET and HEAD");
        response.headers.push(("allow".into(), "GET, HEAD".into()));
        return response;
    }
    let key = request.path.split('?').next().unwrap_or_default();
    let now = Instant::now();
    // Only a path that parsed and named a regular file is remembered: it would parse the same now.
    if let Some(found) = cache.get(key, now) {
        if let Some(response) = file(&found, request) {
            return response;
        }
    }
    let target = match path::parse(&request.path) {
        Ok(target) => target,
        Err(error) => return text(400, error.reason()),
    };
    // The type follows the name asked for, not the name a symbolic link leads to.
    let name = target.segments.last().map(|s| String::from_utf8_lossy(s));
    let name = name.as_deref().unwrap_or_default();
    let Some(path) = resolve(root, root, &target.segments) else {
        return not_found();
    };
    let Ok(metadata) = fs::metadata(&path) else {
        return not_found();
    };
    if metadata.is_dir() {
        return folder(root, &path, &target, request);
    }
    if !metadata.is_file() || target.trailing_slash {
        return not_found();
    }
    let Some(found) = find(path, name) else {
        return not_found();
    };
    let found = Arc::new(found);
    cache.put(key, Arc::clone(&found), now);
    file(&found, request).unwrap_or_else(not_found)
}

/// A regular file at `path`, asked for as `name`, with its content when it is small. Length and
/// time are the open file's own, so they describe the content read.
fn find(path: PathBuf, name: &str) -> Option<Found> {
    let mut handle = File::open(&path).ok()?;
    let metadata = handle.metadata().ok()?;
    let mut content: Option<Arc<[u8]>> = None;
    if metadata.len() <= SMALL_FILE {
        let mut octets = Vec::with_capacity(metadata.len() as usize);
        // A file that grew meanwhile past the limit is served from the file after all.
        (&mut handle)
            .take(SMALL_FILE + 1)
            .read_to_end(&mut octets)
            .ok()?;
        content = (octets.len() as u64 <= SMALL_FILE).then(|| Arc::from(octets));
    }
    let len = content.as_ref().map_or(metadata.len(), |c| c.len() as u64);
    let modified = metadata.modified().unwrap_or(UNIX_EPOCH);
    Some(Found {
        path,
        len,
        modified,
        validators: Validators::new(len, modified),
        content_type: mime::content_type(name),
        content_length: len.to_string().into(),
        content,
    })
}

/// The canonical path of `segments` under `base`, if it exists and lies inside `root`.
fn resolve(root: &Path, base: &Path, segments: &[Vec<u8>]) -> Option<PathBuf> {
    let mut joined = base.to_path_buf();
    for segment in segments {
        joined.push(os_name(segment));
    }
    let canonical = joined.canonicalize().ok()?;
    // Canonicalization has followed every symbolic link: what is left must be under the root.
    canonical.starts_with(root).then_some(canonical)
}

/// A decoded segment as a file name: on Unix any octets; elsewhere names must be Unicode.
#[cfg(unix)]
fn os_name(segment: &[u8]) -> std::borrow::Cow<'_, std::ffi::OsStr> {
    use std::os::unix::ffi::OsStrExt;
    std::borrow::Cow::Borrowed(std::ffi::OsStr::from_bytes(segment))
}

/// A decoded segment as a file name: on Unix any octets; elsewhere names must be Unicode.
#[cfg(not(unix))]
fn os_name(segment: &[u8]) -> std::borrow::Cow<'_, std::ffi::OsStr> {
    let name = String::from_utf8_lossy(segment).into_owned();
    std::borrow::Cow::Owned(std::ffi::OsString::from(name))
}

fn not_found() -> Response {
    text(404, "not found")
}

/// A folder: redirect to the slash form, else its `index.html`, else a listing.
fn folder(root: &Path, dir: &Path, target: &Target, request: &Request) -> Response {
    if !target.trailing_slash {
        // Relative links in the folder's page resolve against the slash form only.
        let mut location = String::from("/");
        for segment in &target.segments {
            location.push_str(&path::encode_segment(segment));
            location.push('/');
        }
        if let Some(query) = target.query.as_deref() {
            if query.bytes().all(|b| b.is_ascii_graphic()) {
                location.push('?');
                location.push_str(query);
            }
        }
        let mut response = text(301, "moved: this is a folder");
        response.headers.push(("location".into(), location.into()));
        return response;
    }
    let index = resolve(root, dir, &[b"index.html".to_vec()]);
    if let Some(index) = index.filter(|p| p.is_file()) {
        let found = find(index, "index.html");
        return found
            .and_then(|found| file(&found, request))
            .unwrap_or_else(not_found);
    }
    listing(root, dir, target)
}

/// The folder's entries as an HTML page: folders first, then files, each sorted by name.
fn listing(root: &Path, dir: &Path, target: &Target) -> Response {
    let Ok(entries) = fs::read_dir(dir) else {
        return not_found();
    };
    let mut items: Vec<(bool, Vec<u8>)> = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name();
        // Only what a request could reach: links that lead out of the root are not shown.
        let Some(resolved) = resolve(root, dir, &[name_bytes(&name)]) else {
            continue;
        };
        items.push((!resolved.is_dir(), name_bytes(&name)));
    }
    items.sort();

    let mut shown_path = String::from("/");
    for segment in &target.segments {
        shown_path.push_str(&String::from_utf8_lossy(segment));
        shown_path.push('/');
    }
    let title = escape_html(&shown_path);
    let mut page = format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Index of {title}</title></head>\n\
         <body><h1>Index of {title}</h1>\n<ul>\n"
    );
    if !target.segments.is_empty() {
        page.push_str("<li><a href=\"../\">../</a></li>\n");
    }
    for (is_file, name) in &items {
        let slash = if *is_file { "" } else { "/" };
        page.push_str(&format!(
            "<li><a href=\"./{}{slash}\">{}{slash}</a></li>\n",
            path::encode_segment(name),
            escape_html(&String::from_utf8_lossy(name)),
        ));
    }
    page.push_str("</ul></body></html>\n");
    Response::new(
        200,
        vec![("content-type".into(), mime::HTML.into())],
        Body::Bytes(page.into_bytes()),
    )
}

/// A file name's octets (on Unix exactly; elsewhere its Unicode form).
fn name_bytes(name: &std::ffi::OsStr) -> Vec<u8> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        name.as_bytes().to_vec()
    }
    #[cfg(not(unix))]
    {
        name.to_string_lossy().into_owned().into_bytes()
    }
}

/// Text for HTML content or a quoted attribute.
fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The most fields of a file's response of its own: `content-type`, `last-modified`, `etag`,
/// `accept-ranges`, and a 200's `content-length` or a 206's `content-range`.
const FILE_FIELDS: usize = 5;

/// A regular file, honouring the request's conditional and range fields. `None` when a large
/// file can no longer be opened as it was found (it changed or went away).
fn file(found: &Found, request: &Request) -> Option<Response> {
    let validators = &found.validators;
    let len = found.len;
    // Room from the start for every field the response will have, those that every response
    // gets included, so that adding them never moves the list.
    let mut headers = Vec::with_capacity(FILE_FIELDS + COMPLETING_FIELDS);
    headers.extend([
        ("content-type".into(), found.content_type.into()),
        (
            "last-modified".into(),
            Arc::clone(&validators.last_modified).into(),
        ),
        ("etag".into(), Arc::clone(&validators.etag).into()),
        ("accept-ranges".into(), "bytes".into()),
    ]);
    if not_modified(request, validators) {
        return Some(unchanged(len, headers));
    }
    // `last` is `None` for the whole of an empty file.
    let (first, last, whole) = match range(request, validators, len) {
        RangeAnswer::Whole => (0, len.checked_sub(1), true),
        RangeAnswer::Part { first, last } => (first, Some(last), false),
        RangeAnswer::Unsatisfiable => return Some(unsatisfiable(len)),
    };
    let body = match (&found.content, last) {
        (_, None) => Body::Empty,
        // A small file whole: the remembered octets themselves; a part of one: a copy of it.
        (Some(content), Some(_)) if whole => Body::Shared(Arc::clone(content)),
        (Some(content), Some(last)) => {
            let part = content.get(first as usize..=last as usize)?;
            Body::Bytes(part.to_vec())
        }
        (None, Some(last)) => opened(found, first, last)?,
    };
    if whole {
        // The length as the file's responses share it; `Response::complete` would make it anew.
        headers.push((
            "content-length".into(),
            Arc::clone(&found.content_length).into(),
        ));
        return Some(Response::new(200, headers, body));
    }
    Some(part(body, len, headers, first, last.unwrap_or_default()))
}

/// The octets `first..=last` of a large file, read as they are sent; `None` when the file is no
/// longer the one found (another length or time).
fn opened(found: &Found, first: u64, last: u64) -> Option<Body> {
    let mut handle = File::open(&found.path).ok()?;
    let metadata = handle.metadata().ok()?;
    if metadata.len() != found.len || metadata.modified().ok()? != found.modified {
        return None;
    }
    handle.seek(SeekFrom::Start(first)).ok()?;
    let len = last - first + 1;
    Some(Body::Reader {
        // `take` holds the body to the length announced, should the file grow meanwhile.
        source: Box::new(handle.take(len)),
        len,
    })
}

/// 304: the client's copy is current; the fields of a 200 without its content type.
fn unchanged(len: u64, mut headers: Vec<(FieldName, Text)>) -> Response {
    // RFC 9110 §8.6: a server "MUST NOT send Content-Length in such a response unless its field
    // value equals the decimal number of octets that would have been sent in the content of a
    // 200 (OK) response to the same request" — which is what is sent here.
    headers.retain(|(n, _)| n != "content-type");
    headers.push(("content-length".into(), len.to_string().into()));
    Response::new(304, headers, Body::Empty)
}

/// 206 with `body`, octets `first..=last` of a file of `len` octets.
fn part(
    body: Body,
    len: u64,
    mut headers: Vec<(FieldName, Text)>,
    first: u64,
    last: u64,
) -> Response {
    headers.push((
        "content-range".into(),
        format!("bytes {first}-{last}/{len}").into(),
    ));
    Response::new(206, headers, body)
}

/// 416 for a file of `len` octets.
fn unsatisfiable(len: u64) -> Response {
    // RFC 9110 §15.5.17: "the server SHOULD send a Content-Range header field with an
    // unsatisfied-range value", `*/` and the current length.
    let mut response = text(416, "range not satisfiable");
    response
        .headers
        .push(("content-range".into(), format!("bytes */{len}").into()));
    response
}

/// What a response is compared against: `last-modified` and the entity tag (RFC 9110 §8.8).
/// Worked out once for each file found, and kept with it (`cache.rs`), rather than formatted
/// again for every response.
///
/// Dates in request fields are read with `HttpDate`'s parser, which takes the three formats of
/// RFC 9110 §5.6.7. It reads an rfc850-date's two-digit year as 1970–2069 rather than relative to
/// today, and refuses a leap second or a weekday that does not fit the date; a date it misreads
/// that way only ever costs a full 200 where a 304 or a 206 might have done.
#[derive(Debug, PartialEq, Eq)]
pub struct Validators {
    /// Modification time, in whole seconds as HTTP-date has them.
    modified: HttpDate,
    /// `modified` as the `last-modified` field's value, which every response shares.
    last_modified: Arc<str>,
    /// `"<size hex>-<mtime nanoseconds hex>"`: changes when the size or the modification time
    /// does, which is as strong as a file server that does not hash its files can make it.
    etag: Arc<str>,
}

impl Validators {
    /// The validators of a file of `len` octets last modified at `modified`.
    pub fn new(len: u64, modified: SystemTime) -> Validators {
        let mtime = modified.duration_since(UNIX_EPOCH).unwrap_or_default();
        let modified = http_date(modified);
        Validators {
            modified,
            last_modified: modified.to_string().into(),
            etag: format!("\"{:x}-{:x}\"", len, mtime.as_nanos()).into(),
        }
    }

    /// A copy that shares nothing with `self` (see `cache`: a thread's own copy of a file).
    pub fn copy(&self) -> Validators {
        Validators {
            modified: self.modified,
            last_modified: Arc::from(&*self.last_modified),
            etag: Arc::from(&*self.etag),
        }
    }
}

/// RFC 9110 §13.2.2 steps 3 and 4, for GET and HEAD: whether to answer 304.
fn not_modified(request: &Request, validators: &Validators) -> bool {
    if let Some(list) = request.header("if-none-match") {
        // RFC 9110 §13.1.2: "A recipient MUST use the weak comparison function when comparing
        // entity tags for If-None-Match".
        return list.trim() == "*"
            || list
                .split(',')
                .map(|tag| tag.trim())
                .any(|tag| weak_tag(tag) == weak_tag(&validators.etag));
    }
    // RFC 9110 §13.1.3: "A recipient MUST ignore If-Modified-Since if the request contains an
    // If-None-Match header field" — hence the early return above.
    let Some(since) = request
        .header("if-modified-since")
        .and_then(|value| value.parse::<HttpDate>().ok())
    else {
        return false;
    };
    validators.modified <= since
}

/// An entity tag without its weakness indicator `W/`.
fn weak_tag(tag: &str) -> &str {
    tag.strip_prefix("W/").unwrap_or(tag)
}

/// How to answer a `range` field.
#[derive(Debug, PartialEq, Eq)]
enum RangeAnswer {
    /// 200 with the whole file: no range, one the server ignores, or several.
    Whole,
    /// 206 with octets `first..=last`.
    Part { first: u64, last: u64 },
    /// 416.
    Unsatisfiable,
}

/// RFC 9110 §14.2: which part of a file of `len` octets to send.
fn range(request: &Request, validators: &Validators, len: u64) -> RangeAnswer {
    // RFC 9110 §14.2: "A server MUST ignore a Range header field received with a request method
    // that is unrecognized or for which range handling is not defined. For this specification,
    // GET is the only method for which range handling is defined."
    if request.method != "GET" {
        return RangeAnswer::Whole;
    }
    let Some(field) = request.header("range") else {
        return RangeAnswer::Whole;
    };
    if let Some(condition) = request.header("if-range") {
        // RFC 9110 §13.1.5: the range applies only if the validator matches (strong comparison
        // for a tag; an exact match for a date), else the whole representation is sent.
        let condition = condition.trim();
        let matches = if condition.starts_with('"') {
            condition == &*validators.etag
        } else {
            condition.parse::<HttpDate>().ok() == Some(validators.modified)
        };
        if !matches {
            return RangeAnswer::Whole;
        }
    }
    parse_range(field, len)
}

/// A `range` field value against a file of `len` octets. Several ranges are answered with the
/// whole file (RFC 9110 §14.2: a server MAY ignore the Range header field); so is a field that
/// does not parse, or another unit than `bytes`.
fn parse_range(field: &str, len: u64) -> RangeAnswer {
    let Some((unit, set)) = field.split_once('=') else {
        return RangeAnswer::Whole;
    };
    if !unit.trim().eq_ignore_ascii_case("bytes") || set.contains(',') {
        return RangeAnswer::Whole;
    }
    let Some((first, last)) = set.trim().split_once('-') else {
        return RangeAnswer::Whole;
    };
    let (first, last) = (first.trim(), last.trim());
    if first.is_empty() {
        // suffix-range: the last `n` octets.
        let Some(n) = number(last) else {
            return RangeAnswer::Whole;
        };
        // RFC 9110 §14.1.1: a suffix range is satisfiable if its length is not zero and the
        // representation is not empty.
        if n == 0 || len == 0 {
            return RangeAnswer::Unsatisfiable;
        }
        return RangeAnswer::Part {
            first: len - n.min(len),
            last: len - 1,
        };
    }
    let Some(first) = number(first) else {
        return RangeAnswer::Whole;
    };
    let last = if last.is_empty() {
        None
    } else {
        match number(last) {
            // RFC 9110 §14.1.1: a range whose last position is less than its first is invalid.
            Some(last) if last >= first => Some(last),
            _ => return RangeAnswer::Whole,
        }
    };
    // RFC 9110 §14.1.1: an int-range is satisfiable if its first position is less than the length.
    if first >= len {
        return RangeAnswer::Unsatisfiable;
    }
    let last = last.map_or(len - 1, |last| last.min(len - 1));
    RangeAnswer::Part { first, last }
}

/// 1*DIGIT as a u64; `None` for anything else or an overflow.
fn number(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{exchange, get, Answer, TempDir};
    use super::super::App;
    use super::*;

    /// A root with a few files, and the application serving it.
    fn fixture() -> (TempDir, App) {
        let dir = TempDir::new();
        dir.write("hello.txt", b"hello, world\n");
        dir.write("page.html", b"<p>hi</p>");
        dir.write(
            "data.bin",
            &[0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09],
        );
        dir.write("site/index.html", b"<h1>site</h1>");
        dir.write("docs/b.txt", b"b");
        dir.write("docs/a <&>\".txt", b"a");
        dir.write("docs/javascript:alert(1)", b"x");
        dir.mkdir("docs/sub");
        let app = App::new(dir.path().to_path_buf()).unwrap();
        (dir, app)
    }

    fn get_with(app: &App, path: &str, fields: &[(&str, &str)]) -> Answer {
        exchange(app, "GET", path, fields, &[])
    }

    /// The file's entity tag, as a first GET reports it.
    fn etag_of(app: &App, path: &str) -> String {
        get(app, path).header("etag").unwrap().to_string()
    }

    #[test]
    fn get_file_has_type_length_validators_and_body() {
        let (_dir, app) = fixture();
        let answer = get(&app, "/hello.txt");
        assert_eq!(answer.status, 200);
        assert_eq!(answer.body, b"hello, world\n");
        assert_eq!(
            answer.header("content-type"),
            Some("text/plain; charset=utf-8")
        );
        assert_eq!(answer.header("content-length"), Some("13"));
        assert_eq!(answer.header("accept-ranges"), Some("bytes"));
        let etag = answer.header("etag").unwrap();
        assert!(etag.starts_with("\"d-") && etag.ends_with('"'), "{etag}");
        let modified = answer.header("last-modified").unwrap();
        assert!(modified.parse::<HttpDate>().is_ok(), "{modified}");
    }

    #[test]
    fn a_large_file_is_read_as_it_is_sent_and_a_small_one_comes_from_memory() {
        let dir = TempDir::new();
        let large = SMALL_FILE as usize + 1;
        dir.write("large.bin", &vec![0xab; large]);
        dir.write("small.bin", &[0xcd; 100]);
        let root = App::new(dir.path().to_path_buf()).unwrap().root;
        let cache = FileCache::default();
        let get = |path| {
            serve(
                &root,
                &cache,
                &super::super::testutil::request("GET", path, &[]),
            )
        };
        assert!(matches!(get("/large.bin").body, Body::Reader { len, .. } if len == large as u64));
        assert!(matches!(get("/small.bin").body, Body::Shared(b) if *b == [0xcd; 100]));
    }

    #[test]
    fn a_file_found_again_within_a_second_needs_no_file_system_call() {
        let dir = TempDir::new();
        dir.write("a.txt", b"first");
        let root = App::new(dir.path().to_path_buf()).unwrap().root;
        let cache = FileCache::default();
        let get = || {
            serve(
                &root,
                &cache,
                &super::super::testutil::request("GET", "/a.txt", &[]),
            )
        };
        assert!(matches!(get().body, Body::Shared(b) if *b == *b"first"));
        // Gone from the disk, still served from memory for at most a second.
        std::fs::remove_file(dir.path().join("a.txt")).unwrap();
        assert!(matches!(get().body, Body::Shared(b) if *b == *b"first"));
        std::thread::sleep(super::super::cache::FRESH);
        assert_eq!(get().status, 404);
    }

    #[test]
    fn a_file_changed_is_served_with_its_new_validators_once_found_again() {
        let dir = TempDir::new();
        let set = |content: &[u8], seconds: u64| {
            let file = File::options()
                .write(true)
                .open(dir.write("a.txt", content))
                .unwrap();
            let modified = UNIX_EPOCH + std::time::Duration::from_secs(seconds);
            file.set_modified(modified).unwrap();
        };
        set(b"first", 1_000_000_000);
        let root = App::new(dir.path().to_path_buf()).unwrap().root;
        let cache = FileCache::default();
        let get = || {
            let request = super::super::testutil::request("GET", "/a.txt", &[]);
            let response = serve(&root, &cache, &request);
            let field = |name: &str| {
                let found = response.headers.iter().find(|(n, _)| n == name);
                found.map(|(_, value)| value.clone()).unwrap()
            };
            (field("etag"), field("last-modified"), response.body)
        };
        let (etag, modified, body) = get();
        assert_eq!(etag, "\"5-de0b6b3a7640000\"");
        assert_eq!(modified, "Sun, 09 Sep 2001 01:46:40 GMT");
        assert!(matches!(body, Body::Shared(b) if *b == *b"first"));
        set(b"second", 1_000_000_060);
        std::thread::sleep(super::super::cache::FRESH);
        let (etag, modified, body) = get();
        assert_eq!(etag, "\"6-de0b6c19fab5800\"");
        assert_eq!(modified, "Sun, 09 Sep 2001 01:47:40 GMT");
        assert!(matches!(body, Body::Shared(b) if *b == *b"second"));
    }

    #[test]
    fn a_large_file_changed_since_it_was_found_is_found_again() {
        let dir = TempDir::new();
        let large = SMALL_FILE as usize + 10;
        dir.write("large.bin", &vec![0xab; large]);
        let root = App::new(dir.path().to_path_buf()).unwrap().root;
        let cache = FileCache::default();
        let get = || {
            serve(
                &root,
                &cache,
                &super::super::testutil::request("GET", "/large.bin", &[]),
            )
        };
        assert!(matches!(get().body, Body::Reader { len, .. } if len == large as u64));
        dir.write("large.bin", &vec![0xab; large + 5]);
        assert!(matches!(get().body, Body::Reader { len, .. } if len == large as u64 + 5));
    }

    #[test]
    fn head_has_get_headers_and_empty_body() {
        let (_dir, app) = fixture();
        let answer = exchange(&app, "HEAD", "/hello.txt", &[], &[]);
        assert_eq!(answer.status, 200);
        assert!(answer.empty);
        assert_eq!(answer.header("content-length"), Some("13"));
        assert_eq!(
            answer.header("content-type"),
            Some("text/plain; charset=utf-8")
        );
    }

    #[test]
    fn other_methods_are_405_with_allow() {
        let (_dir, app) = fixture();
        for method in ["POST", "PUT", "DELETE", "OPTIONS"] {
            let answer = exchange(&app, method, "/hello.txt", &[], &[b"x"]);
            assert_eq!(answer.status, 405, "{method}");
            assert_eq!(answer.header("allow"), Some("GET, HEAD"));
            assert_eq!(answer.body, b"method not allowed: only GET and HEAD\n");
        }
    }

    #[test]
    fn missing_file_is_404_with_short_body() {
        let (_dir, app) = fixture();
        let answer = get(&app, "/nope.txt");
        assert_eq!(answer.status, 404);
        assert_eq!(answer.body, b"not found\n");
        assert_eq!(
            answer.header("content-type"),
            Some("text/plain; charset=utf-8")
        );
    }

    #[test]
    fn file_with_trailing_slash_is_404() {
        let (_dir, app) = fixture();
        assert_eq!(get(&app, "/hello.txt/").status, 404);
    }

    #[test]
    fn query_string_is_ignored() {
        let (_dir, app) = fixture();
        let answer = get(&app, "/hello.txt?v=1&x=/../..");
        assert_eq!(answer.status, 200);
        assert_eq!(answer.body, b"hello, world\n");
    }

    #[test]
    fn percent_encoded_name_is_decoded() {
        let (_dir, app) = fixture();
        let answer = get(&app, "/docs/a%20%3C%26%3E%22.txt");
        assert_eq!(answer.status, 200);
        assert_eq!(answer.body, b"a");
    }

    #[test]
    fn content_type_from_extension() {
        let (_dir, app) = fixture();
        assert_eq!(
            get(&app, "/page.html").header("content-type"),
            Some("text/html; charset=utf-8")
        );
        assert_eq!(
            get(&app, "/data.bin").header("content-type"),
            Some("application/octet-stream")
        );
    }

    #[test]
    fn folder_without_slash_redirects_to_slash_form() {
        let (_dir, app) = fixture();
        let answer = get(&app, "/docs?x=1");
        assert_eq!(answer.status, 301);
        assert_eq!(answer.header("location"), Some("/docs/?x=1"));
        let answer = get(&app, "//docs/sub");
        assert_eq!(answer.status, 301);
        assert_eq!(answer.header("location"), Some("/docs/sub/"));
    }

    #[test]
    fn folder_with_index_serves_index_html() {
        let (_dir, app) = fixture();
        let answer = get(&app, "/site/");
        assert_eq!(answer.status, 200);
        assert_eq!(answer.body, b"<h1>site</h1>");
        assert_eq!(
            answer.header("content-type"),
            Some("text/html; charset=utf-8")
        );
        assert_eq!(answer.header("accept-ranges"), Some("bytes"));
    }

    #[test]
    fn folder_without_index_is_listed_escaped_and_encoded() {
        let (_dir, app) = fixture();
        let answer = get(&app, "/docs/");
        assert_eq!(answer.status, 200);
        assert_eq!(
            answer.header("content-type"),
            Some("text/html; charset=utf-8")
        );
        let page = String::from_utf8(answer.body).unwrap();
        assert_eq!(
            page,
            "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Index of /docs/</title></head>\n\
             <body><h1>Index of /docs/</h1>\n<ul>\n\
             <li><a href=\"../\">../</a></li>\n\
             <li><a href=\"./sub/\">sub/</a></li>\n\
             <li><a href=\"./a%20%3C%26%3E%22.txt\">a &lt;&amp;&gt;&quot;.txt</a></li>\n\
             <li><a href=\"./b.txt\">b.txt</a></li>\n\
             <li><a href=\"./javascript%3Aalert%281%29\">javascript:alert(1)</a></li>\n\
             </ul></body></html>\n"
        );
    }

    #[test]
    fn root_listing_has_no_parent_link() {
        let (_dir, app) = fixture();
        let page = String::from_utf8(get(&app, "/").body).unwrap();
        assert!(!page.contains("../"), "{page}");
        assert!(
            page.contains("<a href=\"./hello.txt\">hello.txt</a>"),
            "{page}"
        );
    }

    /// A secret beside the root, and a root inside which each test tries to reach it.
    fn escape_fixture() -> (TempDir, App) {
        let dir = TempDir::new();
        dir.write("secret.txt", b"SECRET");
        dir.write("root/public.txt", b"public");
        let app = App::new(dir.path().join("root")).unwrap();
        (dir, app)
    }

    fn assert_no_secret(app: &App, path: &str, status: u16) {
        let answer = get(app, path);
        assert_eq!(answer.status, status, "{path}");
        assert!(
            !answer.body.windows(6).any(|w| w == b"SECRET"),
            "{path} leaked the secret"
        );
    }

    #[test]
    fn dot_dot_segments_are_400() {
        let (_dir, app) = escape_fixture();
        assert_no_secret(&app, "/../secret.txt", 400);
        assert_no_secret(&app, "/a/../../secret.txt", 400);
        assert_no_secret(&app, "/%2e%2e/secret.txt", 400);
        assert_no_secret(&app, "/.%2E/secret.txt", 400);
    }

    #[test]
    fn encoded_slashes_and_backslashes_are_400() {
        let (_dir, app) = escape_fixture();
        assert_no_secret(&app, "/..%2fsecret.txt", 400);
        assert_no_secret(&app, "/..%2Fsecret.txt", 400);
        assert_no_secret(&app, "/..%5csecret.txt", 400);
        assert_no_secret(&app, "/..\\secret.txt", 400);
    }

    #[test]
    fn nul_is_400() {
        let (_dir, app) = escape_fixture();
        assert_no_secret(&app, "/public.txt%00.html", 400);
    }

    #[test]
    fn invalid_escape_is_400() {
        let (_dir, app) = escape_fixture();
        let answer = get(&app, "/public%zz.txt");
        assert_eq!(answer.status, 400);
        assert_eq!(answer.body, b"invalid percent-encoding in the path\n");
    }

    #[test]
    fn path_not_beginning_with_slash_is_400() {
        let (_dir, app) = escape_fixture();
        assert_no_secret(&app, "secret.txt", 400);
    }

    #[cfg(unix)]
    #[test]
    fn symlink_out_of_root_is_404_and_not_listed() {
        let (dir, app) = escape_fixture();
        std::os::unix::fs::symlink(
            dir.path().join("secret.txt"),
            dir.path().join("root/link.txt"),
        )
        .unwrap();
        std::os::unix::fs::symlink(dir.path(), dir.path().join("root/up")).unwrap();
        assert_no_secret(&app, "/link.txt", 404);
        assert_no_secret(&app, "/up/secret.txt", 404);
        assert_no_secret(&app, "/up/", 404);
        let page = String::from_utf8(get(&app, "/").body).unwrap();
        assert!(
            !page.contains("link.txt") && !page.contains("up/"),
            "{page}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn symlink_into_sibling_whose_name_extends_the_root_is_404() {
        let (dir, app) = escape_fixture();
        dir.write("root2/secret.txt", b"SECRET");
        std::os::unix::fs::symlink(
            dir.path().join("root2/secret.txt"),
            dir.path().join("root/sibling.txt"),
        )
        .unwrap();
        assert_no_secret(&app, "/sibling.txt", 404);
    }

    #[cfg(unix)]
    #[test]
    fn symlink_inside_root_is_followed_with_type_of_requested_name() {
        let (dir, app) = escape_fixture();
        std::os::unix::fs::symlink(
            dir.path().join("root/public.txt"),
            dir.path().join("root/alias.html"),
        )
        .unwrap();
        let answer = get(&app, "/alias.html");
        assert_eq!(answer.status, 200);
        assert_eq!(answer.body, b"public");
        assert_eq!(
            answer.header("content-type"),
            Some("text/html; charset=utf-8")
        );
    }

    #[cfg(unix)]
    #[test]
    fn index_html_linking_out_of_root_is_not_served() {
        let (dir, app) = escape_fixture();
        std::fs::create_dir(dir.path().join("root/d")).unwrap();
        std::os::unix::fs::symlink(
            dir.path().join("secret.txt"),
            dir.path().join("root/d/index.html"),
        )
        .unwrap();
        assert_no_secret(&app, "/d/", 200);
    }

    #[cfg(unix)]
    #[test]
    fn fifo_is_404_not_a_hang() {
        let (dir, app) = escape_fixture();
        let status = std::process::Command::new("mkfifo")
            .arg(dir.path().join("root/pipe"))
            .status();
        if !matches!(status, Ok(s) if s.success()) {
            eprintln!("SKIPPED: mkfifo not available");
            return;
        }
        assert_eq!(get(&app, "/pipe").status, 404);
    }

    #[test]
    fn if_none_match_with_current_etag_is_304_without_body() {
        let (_dir, app) = fixture();
        let etag = etag_of(&app, "/hello.txt");
        let answer = get_with(&app, "/hello.txt", &[("if-none-match", &etag)]);
        assert_eq!(answer.status, 304);
        assert!(answer.empty);
        assert_eq!(answer.header("etag"), Some(etag.as_str()));
        assert_eq!(answer.header("content-length"), Some("13"));
        assert_eq!(answer.header("content-type"), None);
    }

    #[test]
    fn if_none_match_compares_weakly_and_accepts_lists_and_star() {
        let (_dir, app) = fixture();
        let etag = etag_of(&app, "/hello.txt");
        let list = format!("\"other\", W/{etag}");
        assert_eq!(
            get_with(&app, "/hello.txt", &[("if-none-match", &list)]).status,
            304
        );
        assert_eq!(
            get_with(&app, "/hello.txt", &[("if-none-match", "*")]).status,
            304
        );
        let other = get_with(&app, "/hello.txt", &[("if-none-match", "\"other\"")]);
        assert_eq!(other.status, 200);
        assert_eq!(other.body, b"hello, world\n");
    }

    #[test]
    fn if_modified_since_at_or_after_mtime_is_304() {
        let (_dir, app) = fixture();
        let modified = get(&app, "/hello.txt")
            .header("last-modified")
            .unwrap()
            .to_string();
        assert_eq!(
            get_with(&app, "/hello.txt", &[("if-modified-since", &modified)]).status,
            304
        );
        let modified_at = std::time::SystemTime::from(modified.parse::<HttpDate>().unwrap());
        let later = http_date(modified_at + std::time::Duration::from_secs(60)).to_string();
        assert_eq!(
            get_with(&app, "/hello.txt", &[("if-modified-since", &later)]).status,
            304
        );
    }

    #[test]
    fn if_modified_since_before_mtime_or_unparseable_is_200() {
        let (_dir, app) = fixture();
        let old = "Sun, 06 Nov 1994 08:49:37 GMT";
        assert_eq!(
            get_with(&app, "/hello.txt", &[("if-modified-since", old)]).status,
            200
        );
        assert_eq!(
            get_with(&app, "/hello.txt", &[("if-modified-since", "yesterday")]).status,
            200
        );
    }

    #[test]
    fn if_none_match_takes_precedence_over_if_modified_since() {
        let (_dir, app) = fixture();
        let modified = get(&app, "/hello.txt")
            .header("last-modified")
            .unwrap()
            .to_string();
        let answer = get_with(
            &app,
            "/hello.txt",
            &[
                ("if-none-match", "\"other\""),
                ("if-modified-since", &modified),
            ],
        );
        assert_eq!(answer.status, 200);
    }

    fn range_of(app: &App, range: &str) -> Answer {
        get_with(app, "/data.bin", &[("range", range)])
    }

    #[test]
    fn closed_range_is_206_with_content_range() {
        let (_dir, app) = fixture();
        let answer = range_of(&app, "bytes=2-4");
        assert_eq!(answer.status, 206);
        assert_eq!(answer.body, [0x02, 0x03, 0x04]);
        assert_eq!(answer.header("content-range"), Some("bytes 2-4/10"));
        assert_eq!(answer.header("content-length"), Some("3"));
    }

    #[test]
    fn open_and_suffix_ranges() {
        let (_dir, app) = fixture();
        let open = range_of(&app, "bytes=7-");
        assert_eq!(
            (open.status, open.body.as_slice()),
            (206, &[0x07, 0x08, 0x09][..])
        );
        assert_eq!(open.header("content-range"), Some("bytes 7-9/10"));
        let suffix = range_of(&app, "bytes=-2");
        assert_eq!(
            (suffix.status, suffix.body.as_slice()),
            (206, &[0x08, 0x09][..])
        );
        assert_eq!(suffix.header("content-range"), Some("bytes 8-9/10"));
    }

    #[test]
    fn range_past_the_end_is_clipped() {
        let (_dir, app) = fixture();
        let answer = range_of(&app, "bytes=8-100");
        assert_eq!(answer.body, [0x08, 0x09]);
        assert_eq!(answer.header("content-range"), Some("bytes 8-9/10"));
        let whole_suffix = range_of(&app, "bytes=-50");
        assert_eq!(whole_suffix.header("content-range"), Some("bytes 0-9/10"));
        assert_eq!(whole_suffix.body.len(), 10);
    }

    #[test]
    fn unsatisfiable_range_is_416_with_star_content_range() {
        let (_dir, app) = fixture();
        for range in ["bytes=10-", "bytes=10-20", "bytes=-0"] {
            let answer = range_of(&app, range);
            assert_eq!(answer.status, 416, "{range}");
            assert_eq!(answer.header("content-range"), Some("bytes */10"));
            assert_eq!(answer.body, b"range not satisfiable\n");
        }
    }

    #[test]
    fn several_or_malformed_ranges_get_the_whole_file() {
        let (_dir, app) = fixture();
        for range in [
            "bytes=0-1,4-5",
            "bytes=5-2",
            "bytes=a-b",
            "items=0-1",
            "bytes=",
            "0-1",
        ] {
            let answer = range_of(&app, range);
            assert_eq!(answer.status, 200, "{range}");
            assert_eq!(answer.body.len(), 10);
            assert_eq!(answer.header("content-range"), None);
        }
    }

    #[test]
    fn range_on_head_is_ignored() {
        let (_dir, app) = fixture();
        let answer = exchange(&app, "HEAD", "/data.bin", &[("range", "bytes=0-1")], &[]);
        assert_eq!(answer.status, 200);
        assert_eq!(answer.header("content-length"), Some("10"));
    }

    #[test]
    fn if_range_with_stale_validator_sends_whole_file() {
        let (_dir, app) = fixture();
        let etag = etag_of(&app, "/data.bin");
        let fresh = get_with(
            &app,
            "/data.bin",
            &[("range", "bytes=0-0"), ("if-range", &etag)],
        );
        assert_eq!(fresh.status, 206);
        let stale = get_with(
            &app,
            "/data.bin",
            &[("range", "bytes=0-0"), ("if-range", "\"stale\"")],
        );
        assert_eq!(stale.status, 200);
        assert_eq!(stale.body.len(), 10);
    }

    #[test]
    fn range_of_empty_file_is_unsatisfiable() {
        assert_eq!(parse_range("bytes=-1", 0), RangeAnswer::Unsatisfiable);
        assert_eq!(parse_range("bytes=0-", 0), RangeAnswer::Unsatisfiable);
    }

    #[test]
    fn range_numbers_that_overflow_are_ignored() {
        assert_eq!(
            parse_range("bytes=0-99999999999999999999999", 10),
            RangeAnswer::Whole
        );
    }

    #[test]
    fn html_escape_covers_markup_and_quotes() {
        assert_eq!(
            escape_html("<a href='x'>&\"</a>"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;"
        );
    }
}
