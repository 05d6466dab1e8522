//! The record's bounds, what it rebuilds from the events, and its JSON.

use super::entry::cut_text;
use super::*;
use crate::error::ErrorCode;
use crate::frame::{
    flags, Frame, FrameType, GoAway, Headers, Ping, PrioritySpec, Settings, WindowUpdate,
};
use crate::hpack::{self, Decoder, Encoder, Field, Representation};
use crate::trace::event::{self, Event, Observer};
use serde_json::Value as Json;
use std::time::Duration;

fn limits(connections: usize, first_events: usize, last_events: usize) -> Limits {
    Limits {
        connections,
        first_events,
        last_events,
    }
}

fn header(kind: FrameType, flags: u8, stream_id: u32, length: u32) -> FrameHeader {
    FrameHeader {
        length,
        kind,
        flags,
        stream_id,
    }
}

/// A PING we receive, its opaque data numbering it.
fn ping(recorder: &mut Recorder, n: u64) {
    let frame = Frame::Ping(Ping {
        ack: false,
        data: n.to_be_bytes(),
    });
    recorder.event(&Event::Frame {
        direction: Direction::Recv,
        header: &header(FrameType::PING, 0, 0, 8),
        frame: Some(&frame),
        octets: &[],
    });
}

/// The numbers of the PINGs kept, in order.
fn pings(entries: impl IntoIterator<Item = Entry>) -> Vec<u64> {
    entries
        .into_iter()
        .filter_map(|entry| match entry.what {
            What::Frame {
                payload: Payload::Ping(data),
                ..
            } => Some(u64::from_be_bytes(data)),
            _ => None,
        })
        .collect()
}

/// The record, once the turn of the events given so far has ended.
fn record_of(recorder: &mut Recorder) -> MutexGuard<'_, ConnectionRecord> {
    recorder.end_turn();
    lock(&recorder.record)
}

/// Decodes `block` with `decoder`, reporting each step to `recorder` as a connection would.
fn decode(recorder: &mut Recorder, decoder: &mut Decoder, stream_id: u32, block: &[u8]) {
    decoder
        .decode_with(block, &mut |step| {
            recorder.event(&Event::Hpack {
                direction: Direction::Recv,
                stream_id,
                step: &step,
            })
        })
        .unwrap();
}

fn parse(text: &str) -> Json {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[test]
fn a_connection_keeps_its_first_k_and_last_m_events_and_counts_the_rest() {
    let store = Store::new(limits(4, 3, 2));
    let mut recorder = store.recorder(1, None);
    for n in 0..10 {
        ping(&mut recorder, n);
    }
    let record = record_of(&mut recorder);
    assert_eq!(pings(record.first.clone()), [0, 1, 2]);
    assert_eq!(pings(record.last.clone()), [8, 9]);
    assert_eq!(record.skipped, 5);
    assert_eq!(record.counts.events, 10);
    assert_eq!(record.counts.frames_recv, 10);
    assert_eq!(record.counts.octets_recv, 10 * 17);
}

#[test]
fn the_events_of_a_turn_reach_the_record_when_it_ends() {
    let store = Store::new(limits(1, 10, 10));
    let mut recorder = store.recorder(1, None);
    ping(&mut recorder, 1);
    assert!(lock(&recorder.record).first.is_empty());
    recorder.end_turn();
    assert_eq!(pings(lock(&recorder.record).first.clone()), [1]);
    ping(&mut recorder, 2);
    let record = Arc::clone(&recorder.record);
    drop(recorder);
    assert_eq!(
        pings(lock(&record).first.clone()),
        [1, 2],
        "and when it is dropped"
    );
}

#[test]
fn an_indexed_field_shares_the_octets_of_the_entry_it_names() {
    let store = Store::new(limits(1, 10, 10));
    let mut recorder = store.recorder(1, None);
    let mut decoder = Decoder::new();
    let mut client = Encoder::new();
    let fields = [Field::new(":method", "GET"), Field::new("x-a", "b")];
    for stream_id in [1, 3] {
        let mut block = Vec::new();
        client.encode(&fields, &mut block);
        decode(&mut recorder, &mut decoder, stream_id, &block);
    }
    let record = record_of(&mut recorder);
    let kept: Vec<&KeptField> = record
        .first
        .iter()
        .filter_map(|entry| match &entry.what {
            What::Field { field, .. } => Some(field),
            _ => None,
        })
        .collect();
    assert_eq!(kept.len(), 4);
    assert!(
        Arc::ptr_eq(&kept[0].octets, &kept[2].octets),
        ":method GET, static 2"
    );
    assert!(
        Arc::ptr_eq(&kept[1].octets, &kept[3].octets),
        "x-a: b, dynamic 62"
    );
}

#[test]
fn with_no_last_events_only_the_first_are_kept() {
    let store = Store::new(limits(4, 2, 0));
    let mut recorder = store.recorder(1, None);
    for n in 0..5 {
        ping(&mut recorder, n);
    }
    let record = record_of(&mut recorder);
    assert_eq!(pings(record.first.clone()), [0, 1]);
    assert!(record.last.is_empty());
    assert_eq!(record.skipped, 3);
}

#[test]
fn the_store_keeps_the_last_n_connections() {
    let store = Store::new(limits(2, 10, 10));
    let recorders: Vec<Recorder> = (1..=3).map(|id| store.recorder(id, None)).collect();
    let ids: Vec<u64> = store.records().iter().map(|r| lock(r).id).collect();
    assert_eq!(ids, [3, 2], "newest first");
    assert!(store.record(1).is_none());
    drop(recorders);
    assert_eq!(store.records().len(), 2);
}

#[test]
fn a_connection_that_ended_goes_before_an_older_one_still_open() {
    let store = Store::new(limits(2, 10, 10));
    let _watching = store.recorder(1, None);
    let mut curl = store.recorder(2, None);
    curl.event(&Event::Closed {
        reason: "closed by the peer",
    });
    curl.end_turn();
    let _next = store.recorder(3, None);
    let ids: Vec<u64> = store.records().iter().map(|r| lock(r).id).collect();
    assert_eq!(ids, [3, 1]);
}

#[test]
fn both_dynamic_tables_are_rebuilt_from_insertions_and_evictions() {
    let store = Store::new(limits(1, 0, 0));
    let mut recorder = store.recorder(1, None);
    // Requests: the client shrinks its table with a size update, so that the third block
    // evicts.
    let mut decoder = Decoder::new();
    let mut client = Encoder::new();
    client.set_max_table_size(100);
    for (stream_id, value) in [(1, "alpha"), (3, "beta"), (5, "gamma")] {
        let mut block = Vec::new();
        client.encode(&[Field::new("x-name", value)], &mut block);
        decode(&mut recorder, &mut decoder, stream_id, &block);
    }
    // Responses: our encoder.
    let mut encoder = Encoder::new();
    let mut block = Vec::new();
    encoder.encode_with(&[Field::new("server", "h2lab")], &mut block, &mut |step| {
        recorder.event(&Event::Hpack {
            direction: Direction::Send,
            stream_id: 1,
            step: &step,
        })
    });

    let record = record_of(&mut recorder);
    let entries = |table: &Table| -> Vec<(Vec<u8>, Vec<u8>)> {
        table
            .entries
            .iter()
            .map(|f| (f.name().to_vec(), f.value().to_vec()))
            .collect()
    };
    let expected: Vec<(Vec<u8>, Vec<u8>)> = decoder
        .table_entries()
        .map(|f| (f.name.to_vec(), f.value.to_vec()))
        .collect();
    assert_eq!(entries(&record.decoder_table), expected);
    assert_eq!(record.decoder_table.size, decoder.table_size());
    assert_eq!(record.decoder_table.max_size, 100);
    assert_eq!(
        entries(&record.encoder_table),
        [(b"server".to_vec(), b"h2lab".to_vec())]
    );
    assert_eq!(record.encoder_table.size, 6 + 5 + 32);
}

#[test]
fn an_insertion_shares_the_octets_of_the_field_before_it() {
    let store = Store::new(limits(1, 10, 10));
    let mut recorder = store.recorder(1, None);
    let mut block = Vec::new();
    Encoder::new().encode(&[Field::new("x-a", "b")], &mut block);
    decode(&mut recorder, &mut Decoder::new(), 1, &block);
    let record = record_of(&mut recorder);
    let (What::Field { field, .. }, What::Inserted { field: entry, .. }) =
        (&record.first[0].what, &record.first[1].what)
    else {
        panic!("a field, then its insertion: {:?}", record.first);
    };
    assert!(Arc::ptr_eq(&field.octets, &entry.octets));
    assert!(Arc::ptr_eq(
        &entry.octets,
        &record.decoder_table.entries[0].octets
    ));
}

#[test]
fn a_long_field_keeps_its_first_octets_and_its_lengths() {
    let value = "v".repeat(5000);
    let field = KeptField::new(&Field::new("cookie", value.as_str()));
    assert_eq!(field.name(), b"cookie");
    assert_eq!(field.value().len(), FIELD_OCTETS_KEPT - 6);
    assert!(field.is_cut());
    assert_eq!(field.size(), 6 + 5000 + 32);
    let name = "n".repeat(3000);
    let field = KeptField::new(&Field::new(name.as_str(), "v"));
    assert_eq!(field.name().len(), FIELD_OCTETS_KEPT);
    assert_eq!(field.value(), b"");
    let short = KeptField::new(&Field::new("a", "b"));
    assert!(!short.is_cut());
}

#[test]
fn settings_debug_data_and_reasons_are_kept_up_to_their_bounds() {
    let params: Vec<(SettingId, u32)> = (0..40).map(|n| (SettingId(0x100 + n), 1)).collect();
    let settings = Frame::Settings(Settings { ack: false, params });
    let header = header(FrameType::SETTINGS, 0, 0, 240);
    let Payload::Settings { params, more } = Payload::kept(&header, Some(&settings)) else {
        panic!("SETTINGS");
    };
    assert_eq!((params.len(), more), (SETTINGS_KEPT, 40 - SETTINGS_KEPT));

    let goaway = Frame::GoAway(GoAway {
        last_stream_id: 0,
        error_code: ErrorCode::NO_ERROR,
        debug_data: vec![b'x'; 10_000],
    });
    let Payload::GoAway { debug_data, .. } = Payload::kept(&header, Some(&goaway)) else {
        panic!("GOAWAY");
    };
    assert_eq!(debug_data.len(), TEXT_OCTETS_KEPT);

    let reason = "é".repeat(TEXT_OCTETS_KEPT);
    let kept = cut_text(&reason);
    assert!(kept.len() <= TEXT_OCTETS_KEPT + '…'.len_utf8());
    assert!(kept.ends_with('…'));
    assert_eq!(&*cut_text("short"), "short");
}

#[test]
fn payload_items_are_named_as_the_log_and_h2lab_decode_name_them() {
    use crate::frame::{
        Continuation, Data, Priority, PushPromise, RstStream, Unknown, WindowUpdate,
    };
    let spec = PrioritySpec {
        exclusive: true,
        dependency: 3,
        weight: 15,
    };
    let frames = [
        Frame::Data(Data {
            stream_id: 1,
            data: b"hello".to_vec(),
            end_stream: true,
            pad_len: Some(2),
        }),
        Frame::Headers(Headers {
            stream_id: 1,
            fragment: vec![0x82; 3],
            end_stream: false,
            end_headers: true,
            priority: Some(spec),
            pad_len: None,
        }),
        Frame::Priority(Priority { stream_id: 5, spec }),
        Frame::RstStream(RstStream {
            stream_id: 1,
            error_code: ErrorCode::CANCEL,
        }),
        Frame::Settings(Settings {
            ack: false,
            params: vec![(SettingId::INITIAL_WINDOW_SIZE, 1), (SettingId(0x99), 2)],
        }),
        Frame::PushPromise(PushPromise {
            stream_id: 1,
            promised_stream_id: 2,
            fragment: vec![0x82],
            end_headers: true,
            pad_len: Some(0),
        }),
        Frame::Ping(Ping {
            ack: true,
            data: *b"h2lab!!!",
        }),
        Frame::Ping(Ping {
            ack: false,
            data: [0, 1, 2, 3, 4, 5, 6, 7],
        }),
        Frame::GoAway(GoAway {
            last_stream_id: 7,
            error_code: ErrorCode::PROTOCOL_ERROR,
            debug_data: b"bad \"x\"".to_vec(),
        }),
        Frame::WindowUpdate(WindowUpdate {
            stream_id: 0,
            increment: 1000,
        }),
        Frame::Continuation(Continuation {
            stream_id: 1,
            fragment: vec![0; 4],
            end_headers: true,
        }),
        Frame::Unknown(Unknown {
            header: header(FrameType(0xfa), 0, 0, 3),
            payload: vec![1, 2, 3],
        }),
    ];
    for frame in &frames {
        let any = header(FrameType::DATA, 0, 0, 0);
        assert_eq!(
            Payload::kept(&any, Some(frame)).items(),
            crate::trace::payload_items(frame),
            "{frame:?}"
        );
    }
}

#[test]
fn our_data_is_kept_by_its_length_when_it_has_no_padding() {
    let data = header(FrameType::DATA, flags::END_STREAM, 1, 14);
    assert_eq!(
        Payload::kept(&data, None),
        Payload::Data {
            pad_len: None,
            data_length: 14
        }
    );
    let padded = header(FrameType::DATA, flags::PADDED, 1, 14);
    assert_eq!(Payload::kept(&padded, None), Payload::None);
}

/// A request on stream 1 as the connection reports it: HEADERS, its fields, the stream's
/// states, our response HEADERS and DATA, windows.
fn one_request(recorder: &mut Recorder) {
    let mut ours = Settings {
        ack: false,
        params: vec![(SettingId::INITIAL_WINDOW_SIZE, 100_000)],
    };
    let settings = Frame::Settings(ours.clone());
    recorder.event(&Event::Frame {
        direction: Direction::Send,
        header: &header(FrameType::SETTINGS, 0, 0, 6),
        frame: Some(&settings),
        octets: &[],
    });
    let update = Frame::WindowUpdate(WindowUpdate {
        stream_id: 0,
        increment: 34_465,
    });
    recorder.event(&Event::Frame {
        direction: Direction::Send,
        header: &header(FrameType::WINDOW_UPDATE, 0, 0, 4),
        frame: Some(&update),
        octets: &[],
    });
    recorder.event(&Event::Preface {
        direction: Direction::Recv,
        octets: crate::frame::PREFACE,
    });
    ours.params = vec![(SettingId::INITIAL_WINDOW_SIZE, 6_291_456)];
    let theirs = Frame::Settings(ours);
    recorder.event(&Event::Frame {
        direction: Direction::Recv,
        header: &header(FrameType::SETTINGS, 0, 0, 6),
        frame: Some(&theirs),
        octets: &[],
    });
    let mut block = Vec::new();
    let request = [
        Field::new(":method", "GET"),
        Field::new(":path", "/_h2lab/"),
        Field::new("user-agent", "test/1"),
    ];
    Encoder::new().encode(&request, &mut block);
    let headers = Frame::Headers(Headers {
        stream_id: 1,
        fragment: block.clone(),
        end_stream: true,
        end_headers: true,
        priority: None,
        pad_len: None,
    });
    recorder.event(&Event::Frame {
        direction: Direction::Recv,
        header: &header(FrameType::HEADERS, 0x5, 1, block.len() as u32),
        frame: Some(&headers),
        octets: &[],
    });
    decode(recorder, &mut Decoder::new(), 1, &block);
    for (from, to) in [("idle", "open"), ("open", "half-closed (remote)")] {
        recorder.event(&Event::StreamState {
            stream_id: 1,
            from,
            to,
        });
    }
    let status = Field::new(":status", "200");
    recorder.event(&Event::Hpack {
        direction: Direction::Send,
        stream_id: 1,
        step: &hpack::Event::Field {
            offset: 0,
            representation: Representation::Indexed { index: 8 },
            field: &status,
        },
    });
    recorder.event(&Event::Frame {
        direction: Direction::Send,
        header: &header(FrameType::DATA, flags::END_STREAM, 1, 100),
        frame: None,
        octets: &[],
    });
    for stream_id in [1, 0] {
        recorder.event(&Event::Window {
            direction: Direction::Send,
            stream_id,
            size: 65_435,
            change: -100,
        });
    }
    recorder.event(&Event::StreamState {
        stream_id: 1,
        from: "half-closed (remote)",
        to: "closed",
    });
}

#[test]
fn streams_windows_and_settings_follow_the_events() {
    let store = Store::new(Limits::default());
    let mut recorder = store.recorder(1, None);
    one_request(&mut recorder);
    let record = record_of(&mut recorder);
    assert!(record.streams.is_empty());
    let stream = &record.closed_streams[0];
    assert_eq!(stream.state, "closed");
    assert_eq!(stream.send_window, 65_435);
    assert_eq!(stream.recv_window, 100_000, "our INITIAL_WINDOW_SIZE");
    assert_eq!(stream.path.as_ref().unwrap().value(), b"/_h2lab/");
    assert_eq!(stream.status.as_ref().unwrap().value(), b"200");
    assert_eq!(record.send_window, 65_435);
    assert_eq!(record.recv_window, 100_000, "65,535 and our opening update");
    assert_eq!(record.counts.streams, 1);
}

#[test]
fn closed_streams_are_kept_up_to_their_bound() {
    let store = Store::new(Limits::default());
    let mut recorder = store.recorder(1, None);
    for stream_id in (1..100).step_by(2) {
        for (from, to) in [("idle", "open"), ("open", "closed")] {
            recorder.event(&Event::StreamState {
                stream_id,
                from,
                to,
            });
        }
    }
    let record = record_of(&mut recorder);
    assert_eq!(record.closed_streams.len(), CLOSED_STREAMS_KEPT);
    assert_eq!(record.closed_streams.back().map(|s| s.id), Some(99));
    assert_eq!(record.counts.streams, 50);
}

#[test]
fn the_list_names_each_connection_its_peer_state_and_client() {
    let store = Store::new(limits(8, 100, 100));
    let mut first = store.recorder(1, Some("127.0.0.1:5000".parse().unwrap()));
    one_request(&mut first);
    first.event(&Event::Closed {
        reason: "closed by the peer",
    });
    first.end_turn();
    let _second = store.recorder(2, None);
    let list = parse(&json::connections(&store));
    assert_eq!(list["recording"], true);
    assert_eq!(list["limits"]["first_events"], 100);
    let connections = list["connections"].as_array().unwrap();
    assert_eq!(connections.len(), 2);
    assert_eq!(connections[0]["id"], 2);
    assert_eq!(connections[0]["state"], "open");
    assert_eq!(connections[0]["peer"], Json::Null);
    let curl = &connections[1];
    assert_eq!(curl["peer"], "127.0.0.1:5000");
    assert_eq!(curl["state"], "closed");
    assert_eq!(curl["end"], "closed by the peer");
    assert_eq!(curl["user_agent"], "test/1");
    assert_eq!(curl["counts"]["streams"], 1);
    assert_eq!(curl["counts"]["frames_recv"], 2);
    assert!(curl["started"].as_u64().unwrap() > 1_700_000_000_000);
}

#[test]
fn one_connection_shows_its_events_tables_streams_and_windows() {
    let store = Store::new(limits(8, 6, 4));
    let mut recorder = store.recorder(7, None);
    one_request(&mut recorder);
    recorder.end_turn();
    let connection = parse(&json::connection(&store, 7).unwrap());
    assert!(json::connection(&store, 8).is_none());
    assert_eq!(
        connection["user_agent"], "test/1",
        "known, its event not kept"
    );

    let first = connection["events"]["first"].as_array().unwrap();
    assert_eq!(first.len(), 6);
    assert_eq!(first[0]["kind"], "frame");
    assert_eq!(first[0]["dir"], "send");
    assert_eq!(first[0]["type"], "SETTINGS");
    assert_eq!(first[0]["flags"], serde_json::json!([]));
    assert_eq!(first[0]["payload"]["SETTINGS_INITIAL_WINDOW_SIZE"], 100_000);
    assert_eq!(first[2]["kind"], "preface");
    let headers = &first[4];
    assert_eq!(headers["type"], "HEADERS");
    assert_eq!(
        headers["flags"],
        serde_json::json!(["END_STREAM", "END_HEADERS"])
    );
    let method = &first[5];
    assert_eq!(method["kind"], "field");
    assert_eq!(method["field"], serde_json::json!([":method", "GET"]));
    assert_eq!(method["representation"], "indexed");
    assert_eq!(method["hpack"], "indexed: index 2 (static)");

    let last = connection["events"]["last"].as_array().unwrap();
    assert_eq!(last.len(), 4);
    assert_eq!(last[3]["kind"], "state");
    assert_eq!(last[3]["to"], "closed");
    assert_eq!(last[1]["kind"], "window");
    assert_eq!(last[1]["change"], -100);
    let total = connection["counts"]["events"].as_u64().unwrap();
    assert_eq!(
        connection["events"]["skipped"].as_u64().unwrap(),
        total - 10
    );
    for event in first.iter().chain(last) {
        assert!(event["t"].is_u64(), "{event}");
    }

    assert_eq!(
        connection["settings"]["peer"],
        serde_json::json!([["SETTINGS_INITIAL_WINDOW_SIZE", 6_291_456]])
    );
    assert_eq!(connection["windows"]["recv"], 100_000);
    let streams = connection["streams"].as_array().unwrap();
    assert_eq!(streams[0]["id"], 1);
    assert_eq!(streams[0]["method"], "GET");
    assert_eq!(streams[0]["path"], "/_h2lab/");
    assert_eq!(streams[0]["status"], "200");
    let decoder = &connection["tables"]["decoder"];
    assert_eq!(decoder["max_size"], 4096);
    assert_eq!(decoder["entries"][0]["index"], 62);
    assert_eq!(
        decoder["entries"][0]["field"],
        serde_json::json!(["user-agent", "test/1"])
    );
    assert_eq!(
        connection["tables"]["encoder"]["entries"],
        serde_json::json!([])
    );
}

#[test]
fn errors_closing_and_cut_fields_render_as_json() {
    let store = Store::new(limits(1, 10, 0));
    let mut recorder = store.recorder(1, None);
    recorder.event(&Event::Error {
        stream_id: Some(3),
        code: ErrorCode::PROTOCOL_ERROR,
        section: "§8.1.1",
        reason: "a \"quoted\" reason",
    });
    let long = Field::new("x-long", "y".repeat(2000));
    recorder.event(&Event::Hpack {
        direction: Direction::Recv,
        stream_id: 3,
        step: &hpack::Event::Evicted { field: &long },
    });
    recorder.event(&Event::Limit {
        name: "SETTINGS_MAX_CONCURRENT_STREAMS",
        value: 128,
    });
    recorder.event(&Event::Closed { reason: "done" });
    recorder.end_turn();
    let connection = parse(&json::connection(&store, 1).unwrap());
    let events = connection["events"]["first"].as_array().unwrap();
    assert_eq!(events[0]["kind"], "error");
    assert_eq!(events[0]["stream"], 3);
    assert_eq!(events[0]["code"], "PROTOCOL_ERROR");
    assert_eq!(
        events[0]["text"],
        "stream error on stream 3 PROTOCOL_ERROR (RFC 9113 §8.1.1): a \"quoted\" reason"
    );
    assert_eq!(events[1]["kind"], "evicted");
    assert_eq!(events[1]["cut"], serde_json::json!([6, 2000]));
    assert_eq!(events[2]["name"], "SETTINGS_MAX_CONCURRENT_STREAMS");
    assert_eq!(events[3]["reason"], "done");
    assert_eq!(connection["state"], "closed");
}

/// A request's HEADERS on `stream_id`, received, and the state change it makes.
fn request_opens(recorder: &mut Recorder, stream_id: u32) {
    recorder.event(&Event::Frame {
        direction: Direction::Recv,
        header: &header(FrameType::HEADERS, flags::END_HEADERS, stream_id, 20),
        frame: None,
        octets: &[],
    });
    recorder.event(&Event::StreamState {
        stream_id,
        from: "idle",
        to: "open",
    });
}

/// A request's HEADERS on `stream_id`, received, as the connection reports it: in full when
/// the recorder wants the stream, else what it adds up to. Returns whether it was recorded.
fn request_arrives(recorder: &mut Recorder, stream_id: u32) -> bool {
    if !recorder.wants_stream(stream_id) {
        let followed = event::Followed::frame(Direction::Recv, 29, 1);
        recorder.followed(&followed);
        return false;
    }
    request_opens(recorder, stream_id);
    true
}

#[test]
fn past_a_burst_streams_are_recorded_at_a_bounded_rate_and_the_others_counted() {
    let store = Store::new(Limits::default());
    let mut recorder = store.recorder(1, None);
    let burst = u32::try_from(STREAMS_BURST).unwrap();
    for n in 0..burst + 3 {
        let stream_id = 2 * n + 1;
        assert_eq!(
            request_arrives(&mut recorder, stream_id),
            n < burst,
            "stream {stream_id}"
        );
    }
    // The last stream's DATA, sent, its window and the connection window it leaves: counted and
    // applied, not kept.
    let followed =
        event::Followed::frame(Direction::Send, 109, 1).connection_window(Direction::Send, 65_435);
    recorder.followed(&followed);
    recorder.end_turn();
    let json = parse(&json::connection(&store, 1).unwrap());
    let counts = &json["counts"];
    assert_eq!(counts["streams_not_recorded"], 3);
    assert_eq!(counts["streams"], STREAMS_BURST + 3);
    assert_eq!(counts["frames_recv"], STREAMS_BURST + 3);
    assert_eq!(counts["octets_recv"], 29 * (STREAMS_BURST + 3));
    assert_eq!(counts["frames_sent"], 1);
    assert_eq!(counts["octets_sent"], 109);
    assert_eq!(counts["events"], 2 * (STREAMS_BURST + 3) + 3);
    assert_eq!(json["windows"]["send"], 65_435);
    let listed: Vec<u64> = json["streams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_u64().unwrap())
        .collect();
    assert_eq!(
        listed,
        (0..u64::from(burst)).map(|n| 2 * n + 1).collect::<Vec<_>>()
    );

    // Six streams' worth of time later, the next turn records about six more.
    let stream = Duration::from_micros(1_000_000 / STREAMS_PER_SECOND);
    std::thread::sleep(stream * 6);
    ping(&mut recorder, 1);
    let recorded = (0..100)
        .filter(|n| request_arrives(&mut recorder, 2 * (burst + 3 + n) + 1))
        .count();
    assert!((6..100).contains(&recorded), "{recorded} streams");
}

#[test]
fn a_connection_window_event_is_later_than_what_the_followed_streams_left() {
    let store = Store::new(Limits::default());
    let mut recorder = store.recorder(1, None);
    let followed =
        event::Followed::frame(Direction::Send, 109, 1).connection_window(Direction::Send, 65_435);
    recorder.followed(&followed);
    recorder.event(&Event::Window {
        direction: Direction::Send,
        stream_id: 0,
        size: 70_000,
        change: 4_565,
    });
    let record = record_of(&mut recorder);
    assert_eq!(record.send_window, 70_000);
    assert_eq!(record.counts.events, 4);
}
