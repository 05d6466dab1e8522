//! The record as JSON: what the inspector page reads from `/_h2lab/connections` (the connections
//! kept, newest first) and `/_h2lab/connections/N` (one of them, whole). Frames and HPACK
//! representations have the members of `h2lab-decode --json`, so one reader serves both.
//!
//! ```json
//! {"recording": true, "limits": {"connections": 32, "first_events": 200, "last_events": 300},
//!  "connections": [{"id": 2, "peer": "127.0.0.1:50412", "started": 1764556800123,
//!                   "state": "closed", "end": "closed by the peer", "duration": 20417,
//!                   "user_agent": "curl/7.88.1", "counts": {"events": 61, …}}, …]}
//! ```
//!
//! One connection adds `settings` (both ends', as `[name, value]` pairs), `windows`, `streams`,
//! `tables` (the decoder's and the encoder's) and `events`: `{"first": […], "skipped": N, "last":
//! […]}`, each event an object with `t` (microseconds since the connection began, the time of
//! the read or write it was part of) and `kind`:
//!
//! ```json
//! {"t": 812, "kind": "frame", "dir": "recv", "type": "HEADERS",
//!  "flags": ["END_STREAM", "END_HEADERS"], "stream": 1, "length": 31,
//!  "payload": {"fragment_length": 31}}
//! {"t": 815, "kind": "field", "dir": "recv", "stream": 1, "field": [":path", "/"],
//!  "representation": "indexed", "index": 4, "hpack": "indexed: index 4 (static)"}
//! ```
//!
//! The other kinds: `preface`, `size_update`, `inserted`, `evicted`, `state`, `window`,
//! `blocked`, `limit`, `error` and `closed`, with the members of their [`What`].

use std::fmt::Write;
use std::time::UNIX_EPOCH;

use super::{lock, ConnectionRecord, Entry, KeptField, Store, StreamRecord, Table, What};
use crate::error::write_error;
use crate::json;
use crate::trace::event::Direction;
use crate::trace::inspect::{
    describe_representation, push_header_json, push_joined, push_payload_json,
    push_representation_json,
};

/// The connections kept, newest first, each as a summary; and the limits.
pub fn connections(store: &Store) -> String {
    let limits = store.limits();
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = write!(
        out,
        "{{\"recording\": true, \"limits\": {{\"connections\": {}, \"first_events\": {}, \
         \"last_events\": {}}}, \"connections\": [",
        limits.connections, limits.first_events, limits.last_events
    );
    push_joined(&mut out, store.records(), |out, record| {
        out.push('{');
        push_summary(out, &lock(&record));
        out.push('}');
    });
    out.push_str("]}");
    out
}

/// Connection `id` whole, if it is still kept.
pub fn connection(store: &Store, id: u64) -> Option<String> {
    let record = store.record(id)?;
    let record = lock(&record);
    let mut out = String::from("{");
    push_summary(&mut out, &record);
    out.push_str(", \"settings\": {\"local\": ");
    push_settings(&mut out, &record.local_settings);
    out.push_str(", \"peer\": ");
    push_settings(&mut out, &record.peer_settings);
    let _ = write!(
        out,
        "}}, \"windows\": {{\"send\": {}, \"recv\": {}}}, \"streams\": [",
        record.send_window, record.recv_window
    );
    let mut streams: Vec<&StreamRecord> = record
        .closed_streams
        .iter()
        .chain(&record.streams)
        .collect();
    streams.sort_by_key(|stream| stream.id);
    push_joined(&mut out, streams, push_stream);
    out.push_str("], \"tables\": {\"decoder\": ");
    push_table(&mut out, &record.decoder_table);
    out.push_str(", \"encoder\": ");
    push_table(&mut out, &record.encoder_table);
    out.push_str("}, \"events\": {\"first\": [");
    push_joined(&mut out, &record.first, push_entry);
    let _ = write!(out, "], \"skipped\": {}, \"last\": [", record.skipped);
    push_joined(&mut out, &record.last, push_entry);
    out.push_str("]}}");
    Some(out)
}

/// The members that say which connection this is and how far it got.
fn push_summary(out: &mut String, record: &ConnectionRecord) {
    let started = record
        .started
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_millis());
    let _ = write!(out, "\"id\": {}, \"peer\": ", record.id);
    match record.peer {
        Some(peer) => json::push_str(out, peer.to_string().as_bytes()),
        None => out.push_str("null"),
    }
    let state = if record.ended.is_some() {
        "closed"
    } else {
        "open"
    };
    let _ = write!(
        out,
        ", \"started\": {started}, \"state\": \"{state}\", \"end\": "
    );
    push_optional(out, record.ended.as_deref().map(str::as_bytes));
    let _ = write!(
        out,
        ", \"duration\": {}, \"user_agent\": ",
        record.last_micros
    );
    push_optional(out, record.user_agent.as_ref().map(KeptField::value));
    let counts = &record.counts;
    let _ = write!(
        out,
        ", \"counts\": {{\"events\": {}, \"frames_recv\": {}, \"frames_sent\": {}, \
         \"octets_recv\": {}, \"octets_sent\": {}, \"streams\": {}, \
         \"streams_not_recorded\": {}}}",
        counts.events,
        counts.frames_recv,
        counts.frames_sent,
        counts.octets_recv,
        counts.octets_sent,
        counts.streams,
        record.streams_not_recorded
    );
}

/// A JSON string, or `null`.
fn push_optional(out: &mut String, text: Option<&[u8]>) {
    match text {
        Some(text) => json::push_str(out, text),
        None => out.push_str("null"),
    }
}

/// `[[name, value], …]`, names as RFC 9113 §6.5.2 gives them.
fn push_settings(out: &mut String, settings: &[(crate::frame::SettingId, u32)]) {
    out.push('[');
    push_joined(out, settings, |out, (id, value)| {
        out.push('[');
        json::push_str(out, id.to_string().as_bytes());
        let _ = write!(out, ", {value}]");
    });
    out.push(']');
}

fn push_stream(out: &mut String, stream: &StreamRecord) {
    let _ = write!(
        out,
        "{{\"id\": {}, \"state\": \"{}\", \"send_window\": {}, \"recv_window\": {}",
        stream.id, stream.state, stream.send_window, stream.recv_window
    );
    for (name, field) in [
        ("method", &stream.method),
        ("path", &stream.path),
        ("status", &stream.status),
    ] {
        let _ = write!(out, ", \"{name}\": ");
        push_optional(out, field.as_ref().map(KeptField::value));
    }
    out.push('}');
}

/// `{"size": …, "max_size": …, "entries": [{"index": 62, "field": [name, value], "size": …},
/// …]}`.
fn push_table(out: &mut String, table: &Table) {
    let _ = write!(
        out,
        "{{\"size\": {}, \"max_size\": {}, \"entries\": [",
        table.size, table.max_size
    );
    // Dynamic entries are numbered after the 61 of the static table (RFC 7541 §2.3.3).
    push_joined(
        out,
        table.entries.iter().zip(62..),
        |out, (field, index)| {
            let _ = write!(out, "{{\"index\": {index}, ");
            push_field(out, field);
            let _ = write!(out, ", \"size\": {}}}", field.size());
        },
    );
    out.push_str("]}");
}

/// `"field": [name, value]`, and `"cut": [name length, value length]` when octets were not kept.
fn push_field(out: &mut String, field: &KeptField) {
    out.push_str("\"field\": [");
    json::push_str(out, field.name());
    out.push_str(", ");
    json::push_str(out, field.value());
    out.push(']');
    if field.is_cut() {
        let _ = write!(out, ", \"cut\": [{}, {}]", field.name_len, field.value_len);
    }
}

/// One event: `{"t": …, "kind": …, …}`.
fn push_entry(out: &mut String, entry: &Entry) {
    let _ = write!(out, "{{\"t\": {}, ", entry.micros);
    let direction = |out: &mut String, direction: Direction| {
        let _ = write!(out, ", \"dir\": \"{}\"", direction.label());
    };
    match &entry.what {
        What::Preface { direction: way } => {
            out.push_str("\"kind\": \"preface\"");
            direction(out, *way);
        }
        What::Frame {
            direction: way,
            header,
            payload,
        } => {
            out.push_str("\"kind\": \"frame\"");
            direction(out, *way);
            push_header_json(out, header);
            push_payload_json(out, &payload.items());
        }
        What::Field {
            direction: way,
            stream_id,
            field,
            representation,
        } => {
            out.push_str("\"kind\": \"field\"");
            direction(out, *way);
            let _ = write!(out, ", \"stream\": {stream_id}, ");
            push_field(out, field);
            push_representation_json(out, representation);
            out.push_str(", \"hpack\": ");
            json::push_str(out, describe_representation(representation).as_bytes());
        }
        What::SizeUpdate {
            direction: way,
            stream_id,
            max_size,
        } => {
            out.push_str("\"kind\": \"size_update\"");
            direction(out, *way);
            let _ = write!(out, ", \"stream\": {stream_id}, \"max_size\": {max_size}");
        }
        What::Inserted {
            direction: way,
            stream_id,
            field,
            table_size,
        } => {
            out.push_str("\"kind\": \"inserted\"");
            direction(out, *way);
            let _ = write!(out, ", \"stream\": {stream_id}, ");
            push_field(out, field);
            let _ = write!(out, ", \"table_size\": {table_size}");
        }
        What::Evicted {
            direction: way,
            stream_id,
            field,
        } => {
            out.push_str("\"kind\": \"evicted\"");
            direction(out, *way);
            let _ = write!(out, ", \"stream\": {stream_id}, ");
            push_field(out, field);
        }
        What::StreamState {
            stream_id,
            from,
            to,
        } => {
            let _ = write!(
                out,
                "\"kind\": \"state\", \"stream\": {stream_id}, \"from\": \"{from}\", \
                 \"to\": \"{to}\""
            );
        }
        What::Window {
            direction: way,
            stream_id,
            size,
            change,
        } => {
            out.push_str("\"kind\": \"window\"");
            direction(out, *way);
            let _ = write!(
                out,
                ", \"stream\": {stream_id}, \"size\": {size}, \"change\": {change}"
            );
        }
        What::Blocked {
            stream_id,
            window,
            queued,
        } => {
            let _ = write!(
                out,
                "\"kind\": \"blocked\", \"stream\": {stream_id}, \"window\": {window}, \
                 \"queued\": {queued}"
            );
        }
        What::Limit { name, value } => {
            out.push_str("\"kind\": \"limit\", \"name\": ");
            json::push_str(out, name.as_bytes());
            let _ = write!(out, ", \"value\": {value}");
        }
        What::Error {
            stream_id,
            code,
            section,
            reason,
        } => {
            out.push_str("\"kind\": \"error\", \"stream\": ");
            match stream_id {
                Some(id) => {
                    let _ = write!(out, "{id}");
                }
                None => out.push_str("null"),
            }
            out.push_str(", \"code\": ");
            json::push_str(out, code.to_string().as_bytes());
            out.push_str(", \"section\": ");
            json::push_str(out, section.as_bytes());
            out.push_str(", \"reason\": ");
            json::push_str(out, reason.as_bytes());
            let mut text = String::new();
            let _ = write_error(&mut text, *stream_id, *code, section, reason);
            out.push_str(", \"text\": ");
            json::push_str(out, text.as_bytes());
        }
        What::Closed { reason } => {
            out.push_str("\"kind\": \"closed\", \"reason\": ");
            json::push_str(out, reason.as_bytes());
        }
    }
    out.push('}');
}
