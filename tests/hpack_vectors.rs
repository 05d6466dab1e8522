//! HPACK against the hpack-test-case interoperability stories — RFC 7541
//!
//! Every story of every encoded folder is decoded with one fresh decoder, its state carried from
//! case to case, and each case must give exactly the header list of the story. The `raw-data`
//! stories (header lists only) are encoded by our encoder and decoded back by our decoder.
//! The data are read in place from `../shared/reference/hpack-test-case` (see its README).

use std::fs;
use std::path::{Path, PathBuf};

use h2lab::hpack::{Decoder, Encoder, Field};
use serde_json::Value;

const REFERENCE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/reference/hpack-test-case"
);

/// One case of a story: the header block (absent in `raw-data`), the header list and the
/// SETTINGS_HEADER_TABLE_SIZE acknowledged just before it, if any.
struct Case {
    wire: Option<Vec<u8>>,
    headers: Vec<Field>,
    header_table_size: Option<usize>,
}

/// The stories of one folder, by file name in order; `None` (after a loud message) when the
/// reference data are not there.
fn stories(folder: &str) -> Option<Vec<(String, Vec<Case>)>> {
    let dir = Path::new(REFERENCE).join(folder);
    let Ok(entries) = fs::read_dir(&dir) else {
        eprintln!("SKIPPED: ../shared/reference not found ({})", dir.display());
        return None;
    };
    let mut paths: Vec<PathBuf> = entries
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    paths.sort();
    let stories = paths
        .iter()
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let json: Value = serde_json::from_slice(&fs::read(path).unwrap()).unwrap();
            let cases = json["cases"].as_array().unwrap().iter().map(case).collect();
            (name, cases)
        })
        .collect();
    Some(stories)
}

fn case(json: &Value) -> Case {
    let headers = json["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|pair| {
            let (name, value) = pair.as_object().unwrap().iter().next().unwrap();
            Field::new(name.as_str(), value.as_str().unwrap())
        })
        .collect();
    Case {
        wire: json["wire"].as_str().map(hex),
        headers,
        header_table_size: json["header_table_size"].as_u64().map(|size| size as usize),
    }
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

/// Decodes every story of `folder` and returns the number of cases checked.
fn decode_folder(folder: &str) -> Option<usize> {
    let stories = stories(folder)?;
    let mut checked = 0;
    for (story, cases) in stories {
        let mut decoder = Decoder::new();
        for (i, case) in cases.iter().enumerate() {
            if let Some(size) = case.header_table_size {
                decoder.set_max_table_size(size);
            }
            let wire = case
                .wire
                .as_deref()
                .expect("an encoded folder has wire data");
            assert_eq!(
                decoder.decode(wire).as_ref(),
                Ok(&case.headers),
                "{folder}/{story} case {i}"
            );
            checked += 1;
        }
    }
    Some(checked)
}

#[test]
fn nghttp2_stories_decode_exactly() {
    if let Some(cases) = decode_folder("nghttp2") {
        assert_eq!(cases, 3384);
    }
}

#[test]
fn nghttp2_16384_4096_stories_decode_exactly() {
    if let Some(cases) = decode_folder("nghttp2-16384-4096") {
        assert_eq!(cases, 3267);
    }
}

#[test]
fn nghttp2_change_table_size_stories_decode_exactly() {
    if let Some(cases) = decode_folder("nghttp2-change-table-size") {
        assert_eq!(cases, 3267);
    }
}

#[test]
fn go_hpack_stories_decode_exactly() {
    if let Some(cases) = decode_folder("go-hpack") {
        assert_eq!(cases, 3384);
    }
}

#[test]
fn python_hpack_stories_decode_exactly() {
    if let Some(cases) = decode_folder("python-hpack") {
        assert_eq!(cases, 3384);
    }
}

#[test]
fn haskell_http2_linear_huffman_stories_decode_exactly() {
    if let Some(cases) = decode_folder("haskell-http2-linear-huffman") {
        assert_eq!(cases, 3384);
    }
}

#[test]
fn every_encoded_folder_is_checked() {
    let Ok(entries) = fs::read_dir(REFERENCE) else {
        eprintln!("SKIPPED: ../shared/reference not found ({REFERENCE})");
        return;
    };
    let mut folders: Vec<String> = entries
        .map(|entry| entry.unwrap())
        .filter(|entry| entry.path().is_dir())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    assert_eq!(
        folders,
        [
            "go-hpack",
            "haskell-http2-linear-huffman",
            "nghttp2",
            "nghttp2-16384-4096",
            "nghttp2-change-table-size",
            "python-hpack",
            "raw-data",
        ],
        "a folder without a test above"
    );
}

#[test]
fn raw_data_stories_round_trip_through_our_encoder_and_decoder() {
    let Some(stories) = stories("raw-data") else {
        return;
    };
    let mut checked = 0;
    let mut raw_octets = 0;
    let mut wire_octets = 0;
    for (story, cases) in stories {
        let mut encoder = Encoder::new();
        let mut decoder = Decoder::new();
        for (i, case) in cases.iter().enumerate() {
            let mut block = Vec::new();
            encoder.encode(&case.headers, &mut block);
            assert_eq!(
                decoder.decode(&block).as_ref(),
                Ok(&case.headers),
                "raw-data/{story} case {i}"
            );
            assert!(
                encoder.table_entries().eq(decoder.table_entries()),
                "raw-data/{story} case {i}: tables differ"
            );
            checked += 1;
            raw_octets += case
                .headers
                .iter()
                .map(|f| f.name.len() + f.value.len())
                .sum::<usize>();
            wire_octets += block.len();
        }
    }
    assert_eq!(checked, 3384);
    // Compression must actually happen: the stories repeat most of their fields.
    assert!(
        wire_octets * 2 < raw_octets,
        "{wire_octets} octets on the wire for {raw_octets} octets of fields"
    );
}
