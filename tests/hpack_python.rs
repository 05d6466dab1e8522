//! Our HPACK encoder checked by an independent decoder, Python's `hpack` — RFC 7541
//!
//! Every `raw-data` story of `../shared/reference/hpack-test-case` is encoded by our encoder (one
//! encoder per story), the blocks go to `tests/hpack_cross_check.py`, and the header lists that
//! Python decodes must be exactly the story's. `scripts/install-test-deps.sh` installs the package.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use h2lab::hpack::{Encoder, Field};
use serde_json::{json, Value};

const RAW_DATA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/reference/hpack-test-case/raw-data"
);
const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/hpack_cross_check.py");

fn to_hex(octets: &[u8]) -> String {
    octets.iter().map(|b| format!("{b:02x}")).collect()
}

fn from_hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

/// The header lists of one raw-data story.
fn header_lists(path: &Path) -> Vec<Vec<Field>> {
    let json: Value = serde_json::from_slice(&fs::read(path).unwrap()).unwrap();
    json["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|case| {
            case["headers"]
                .as_array()
                .unwrap()
                .iter()
                .map(|pair| {
                    let (name, value) = pair.as_object().unwrap().iter().next().unwrap();
                    Field::new(name.as_str(), value.as_str().unwrap())
                })
                .collect()
        })
        .collect()
}

#[test]
fn python_hpack_decodes_our_encoding_of_every_raw_data_story() {
    let Ok(entries) = fs::read_dir(RAW_DATA) else {
        eprintln!("SKIPPED: ../shared/reference not found ({RAW_DATA})");
        return;
    };
    let mut paths: Vec<PathBuf> = entries
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    paths.sort();

    let mut expected = Vec::new();
    let mut input = Vec::new();
    for path in &paths {
        let story = path.file_name().unwrap().to_string_lossy().into_owned();
        let lists = header_lists(path);
        let mut encoder = Encoder::new();
        let blocks: Vec<String> = lists
            .iter()
            .map(|fields| {
                let mut block = Vec::new();
                encoder.encode(fields, &mut block);
                to_hex(&block)
            })
            .collect();
        input.push(json!({ "story": story, "blocks": blocks }));
        expected.push((story, lists));
    }

    let mut child = Command::new("python3")
        .arg(SCRIPT)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs (scripts/install-test-deps.sh installs what the tests need)");
    let mut stdin = child.stdin.take().unwrap();
    let body = serde_json::to_vec(&input).unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(&body));
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(
        output.status.success(),
        "hpack_cross_check.py failed ({}): {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );

    let decoded: Value = serde_json::from_slice(&output.stdout).unwrap();
    let decoded = decoded.as_array().unwrap();
    assert_eq!(decoded.len(), expected.len());
    let mut checked = 0;
    for ((story, lists), result) in expected.iter().zip(decoded) {
        assert_eq!(result["story"], story.as_str());
        let python_lists = result["lists"].as_array().unwrap();
        assert_eq!(python_lists.len(), lists.len(), "{story}");
        for (i, (list, python_list)) in lists.iter().zip(python_lists).enumerate() {
            let python_list: Vec<Field> = python_list
                .as_array()
                .unwrap()
                .iter()
                .map(|pair| {
                    Field::new(
                        from_hex(pair[0].as_str().unwrap()),
                        from_hex(pair[1].as_str().unwrap()),
                    )
                })
                .collect();
            assert_eq!(&python_list, list, "{story} case {i}");
            checked += 1;
        }
    }
    assert_eq!(checked, 3384);
}
