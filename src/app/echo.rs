//! `/_h2lab/echo` — the request as the server decoded it (RFC 9113 §8.3.1 fields), as JSON.
//!
//! Any method. The body is never kept: each chunk goes through SHA-256 and a counter as it arrives,
//! so an upload of any size costs the same memory. The answer:
//!
//! ```json
//! {"method":"POST","path":"/_h2lab/echo?x=1",
//!  "fields":[[":method","POST"],[":path","/_h2lab/echo?x=1"],…],
//!  "body":{"length":3,"sha256":"ba78…"},
//!  "trailers":[["x-checksum","…"]]}
//! ```
//!
//! `fields` is a list of pairs, not an object, because order and repeated names are what an
//! HTTP/2 learner wants to see.

use openssl::sha::Sha256;

use super::mime;
use crate::http::{Body, Request, Response};
use crate::json;
use crate::trace::hex;

/// Where the echo lives.
pub const PATH: &str = "/_h2lab/echo";

/// One echo in progress: the request's header block, and the body so far as a length and a hash.
pub struct Echo {
    request: Request,
    length: u64,
    hash: Sha256,
}

impl Echo {
    /// Begins an echo of `request`.
    pub fn new(request: Request) -> Echo {
        Echo {
            request,
            length: 0,
            hash: Sha256::new(),
        }
    }

    /// Request body octets, as they arrive.
    pub fn body(&mut self, chunk: &[u8]) {
        self.length += chunk.len() as u64;
        self.hash.update(chunk);
    }

    /// The document, once the request has ended with `trailers`.
    pub fn respond(self, trailers: &[(String, String)]) -> Response {
        let mut out = String::from("{\"method\":");
        json::push_str(&mut out, self.request.method.as_bytes());
        out.push_str(",\"path\":");
        json::push_str(&mut out, self.request.path.as_bytes());
        out.push_str(",\"fields\":");
        json::push_fields(&mut out, &self.request.fields);
        out.push_str(",\"body\":{\"length\":");
        out.push_str(&self.length.to_string());
        out.push_str(",\"sha256\":\"");
        out.push_str(&hex(&self.hash.finish()));
        out.push_str("\"},\"trailers\":");
        json::push_fields(&mut out, trailers);
        out.push_str("}\n");
        Response::new(
            200,
            vec![("content-type".into(), mime::JSON.into())],
            Body::Bytes(out.into_bytes()),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{exchange, request, run};
    use super::super::App;
    use crate::http::Handler;

    fn app() -> App {
        App::new(std::env::temp_dir()).unwrap()
    }

    fn parse(body: &[u8]) -> serde_json::Value {
        serde_json::from_slice(body).unwrap()
    }

    #[test]
    fn echo_reports_method_path_fields_in_order_and_body_hash() {
        let answer = exchange(
            &app(),
            "POST",
            "/_h2lab/echo?x=1",
            &[("x-a", "1"), ("x-a", "2\"\\")],
            &[b"a", b"bc"],
        );
        assert_eq!(answer.status, 200);
        assert_eq!(answer.header("content-type"), Some("application/json"));
        assert_eq!(
            answer.body,
            concat!(
                r#"{"method":"POST","path":"/_h2lab/echo?x=1","fields":[[":method","POST"],"#,
                r#"[":scheme","https"],[":authority","localhost"],[":path","/_h2lab/echo?x=1"],"#,
                r#"["x-a","1"],["x-a","2\"\\"]],"body":{"length":3,"sha256":"#,
                r#""ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},"#,
                r#""trailers":[]}"#,
                "\n"
            )
            .as_bytes()
        );
    }

    #[test]
    fn echo_of_no_body_hashes_the_empty_message() {
        let answer = exchange(&app(), "GET", "/_h2lab/echo", &[], &[]);
        let json = parse(&answer.body);
        assert_eq!(json["body"]["length"], 0);
        assert_eq!(
            json["body"]["sha256"],
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn echo_streams_a_large_body_in_many_chunks() {
        let chunk = [0x61u8; 16_384];
        let chunks: Vec<&[u8]> = std::iter::repeat_n(&chunk[..], 64).collect();
        let answer = exchange(&app(), "PUT", "/_h2lab/echo", &[], &chunks);
        let json = parse(&answer.body);
        assert_eq!(json["body"]["length"], 1_048_576);
        let expected = {
            use sha2::Digest;
            let mut hash = sha2::Sha256::new();
            for c in &chunks {
                hash.update(c);
            }
            crate::trace::hex(&hash.finalize())
        };
        assert_eq!(json["body"]["sha256"], expected.as_str());
    }

    proptest::proptest! {
        #[test]
        fn echo_hash_matches_sha2_for_any_body_and_split(
            data in proptest::collection::vec(proptest::num::u8::ANY, 0..600),
            split in 0usize..600,
        ) {
            use sha2::Digest;
            let (first, second) = data.split_at(split.min(data.len()));
            let answer = exchange(&app(), "POST", "/_h2lab/echo", &[], &[first, second]);
            let expected = crate::trace::hex(&sha2::Sha256::digest(&data));
            proptest::prop_assert_eq!(&parse(&answer.body)["body"]["sha256"], expected.as_str());
        }
    }

    #[test]
    fn echo_lists_trailers() {
        let trailers = vec![("x-checksum".to_string(), "abc".to_string())];
        let answer = run(
            &app(),
            request("POST", "/_h2lab/echo", &[("te", "trailers")]),
            &[b"x"],
            &trailers,
        );
        let json = parse(&answer.body);
        assert_eq!(json["trailers"], serde_json::json!([["x-checksum", "abc"]]));
    }

    #[test]
    fn echo_to_head_has_get_length_and_no_body() {
        let app = app();
        let get = exchange(&app, "GET", "/_h2lab/echo", &[], &[]);
        let head = app.start(request("HEAD", "/_h2lab/echo", &[])).finish(&[]);
        assert!(matches!(head.body, crate::http::Body::Empty));
        // The document names the method twice (method and :method), one octet longer each for HEAD.
        let length = head
            .headers
            .iter()
            .find(|(n, _)| n == "content-length")
            .map(|(_, v)| v.to_string());
        assert_eq!(length, Some((get.body.len() + 2).to_string()));
    }

    #[test]
    fn echo_escapes_control_characters_in_fields() {
        let answer = exchange(&app(), "GET", "/_h2lab/echo", &[("x-c", "a\u{1}b")], &[]);
        let text = String::from_utf8(answer.body.clone()).unwrap();
        assert!(text.contains(r#"["x-c","a\u0001b"]"#), "{text}");
        assert_eq!(parse(&answer.body)["fields"][4][1], "a\u{1}b");
    }
}
