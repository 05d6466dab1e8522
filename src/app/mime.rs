//! Media types by file extension — RFC 9110 §8.3 (`content-type`).

/// The `content-type` for a file named `name`, from its extension (case-insensitive).
///
/// Text types carry `charset=utf-8` so that a browser does not guess; anything unknown is
/// `application/octet-stream` (RFC 9110 §8.3: the sender should not guess either).
pub fn content_type(name: &str) -> &'static str {
    let Some((_, extension)) = name.rsplit_once('.') else {
        return OCTET_STREAM;
    };
    match extension.to_ascii_lowercase().as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "txt" | "text" | "log" => "text/plain; charset=utf-8",
        "md" => "text/markdown; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "wasm" => "application/wasm",
        "pdf" => "application/pdf",
        "zip" => "application/zip",
        "gz" => "application/gzip",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        "ogg" => "audio/ogg",
        "wav" => "audio/wav",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        _ => OCTET_STREAM,
    }
}

/// Octets of no known type.
pub const OCTET_STREAM: &str = "application/octet-stream";

/// What the HTML pages the server writes itself (listings) are.
pub const HTML: &str = "text/html; charset=utf-8";

/// What `/_h2lab/echo` answers with (RFC 8259 §11: no charset parameter; JSON is UTF-8).
pub const JSON: &str = "application/json";

/// What the short error bodies are.
pub const TEXT: &str = "text/plain; charset=utf-8";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_types_carry_utf8_charset() {
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("a.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("a.js"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("notes.txt"), "text/plain; charset=utf-8");
    }

    #[test]
    fn binary_and_structured_types() {
        assert_eq!(content_type("a.json"), "application/json");
        assert_eq!(content_type("a.png"), "image/png");
        assert_eq!(content_type("a.jpg"), "image/jpeg");
        assert_eq!(content_type("a.gif"), "image/gif");
        assert_eq!(content_type("a.svg"), "image/svg+xml");
        assert_eq!(content_type("a.webp"), "image/webp");
        assert_eq!(content_type("favicon.ico"), "image/x-icon");
        assert_eq!(content_type("a.wasm"), "application/wasm");
        assert_eq!(content_type("a.pdf"), "application/pdf");
        assert_eq!(content_type("a.xml"), "application/xml");
        assert_eq!(content_type("a.mp4"), "video/mp4");
        assert_eq!(content_type("a.woff2"), "font/woff2");
    }

    #[test]
    fn extension_is_case_insensitive_and_last_one_counts() {
        assert_eq!(content_type("PHOTO.JPG"), "image/jpeg");
        assert_eq!(content_type("archive.tar.gz"), "application/gzip");
    }

    #[test]
    fn unknown_or_missing_extension_is_octet_stream() {
        assert_eq!(content_type("Makefile"), OCTET_STREAM);
        assert_eq!(content_type("a.unknownext"), OCTET_STREAM);
        assert_eq!(content_type("trailing."), OCTET_STREAM);
    }
}
