//! The socket under one connection (`server::wire`): it never blocks; a read waits only during
//! the opening, until its deadline or until something interrupts it; after the opening a read
//! takes what is waiting; writes are gathered until `flush` and wait for room at most the write
//! timeout.

use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use h2lab::server::admission::{Admission, Admit, Ticket};
use h2lab::server::wire::{Wake, Wire};
use h2lab::server::ShutdownSignal;

/// A long time, for a deadline or a write timeout that a test does not reach.
const LONG: Duration = Duration::from_secs(30);

/// A connected pair: the server's end as a wire (its opening's deadline `deadline` from now, its
/// write timeout `write_timeout`) with its place in a new admission, and the client's end as a
/// blocking socket.
fn pair(deadline: Duration, write_timeout: Duration) -> (Wire, TcpStream, Ticket) {
    pair_in(&Admission::new(1), deadline, write_timeout)
}

/// Like [`pair`], the wire's place in `admission`.
fn pair_in(
    admission: &Arc<Admission>,
    deadline: Duration,
    write_timeout: Duration,
) -> (Wire, TcpStream, Ticket) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let server = Arc::new(listener.accept().unwrap().0);
    let Admit::Admitted(ticket) = admission.admit(1, &server) else {
        panic!("an empty admission admits");
    };
    let wire = Wire::new(
        server,
        Arc::clone(ticket.place()),
        ShutdownSignal::new().unwrap(),
        Instant::now() + deadline,
        write_timeout,
    )
    .unwrap();
    (wire, client, ticket)
}

/// What `client` receives within `timeout` (nothing, when nothing comes).
fn received(client: &mut TcpStream, timeout: Duration) -> Vec<u8> {
    client.set_read_timeout(Some(timeout)).unwrap();
    let mut buf = [0u8; 1024];
    match client.read(&mut buf) {
        Ok(n) => buf[..n].to_vec(),
        Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => Vec::new(),
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn in_the_opening_a_read_waits_for_octets_that_come_late() {
    let (mut wire, mut client, _ticket) = pair(LONG, LONG);
    let writer = thread::spawn(move || {
        thread::sleep(Duration::from_millis(200));
        client.write_all(b"late").unwrap();
        client
    });
    let mut buf = [0u8; 16];
    let n = wire.read(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"late");
    writer.join().unwrap();
}

#[test]
fn in_the_opening_a_read_fails_at_the_deadline() {
    let (mut wire, _client, _ticket) = pair(Duration::from_millis(300), LONG);
    let started = Instant::now();
    let e = wire.read(&mut [0u8; 16]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::TimedOut);
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(250), "{waited:?}");
    assert!(waited < Duration::from_secs(5), "{waited:?}");
}

#[test]
fn in_the_opening_a_read_ends_when_the_connection_must_make_room() {
    let admission = Admission::new(1);
    let (mut wire, _client, _ticket) = pair_in(&admission, LONG, LONG);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let _other = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let newcomer = Arc::new(listener.accept().unwrap().0);
    let newcomer_admission = Arc::clone(&admission);
    let maker = thread::spawn(move || {
        thread::sleep(Duration::from_millis(200));
        let admit = newcomer_admission.admit(2, &newcomer);
        assert!(matches!(admit, Admit::MadeRoom { victim: 1, .. }));
    });
    let e = wire.read(&mut [0u8; 16]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ConnectionAborted);
    assert!(wire.place().making_room());
    maker.join().unwrap();
}

#[test]
fn after_the_opening_a_read_with_nothing_waiting_says_would_block_at_once() {
    let (mut wire, mut client, _ticket) = pair(LONG, LONG);
    wire.end_deadline();
    let started = Instant::now();
    let e = wire.read(&mut [0u8; 16]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::WouldBlock);
    assert!(started.elapsed() < Duration::from_secs(1));
    client.write_all(b"now").unwrap();
    assert_eq!(
        wire.wait(Some(Instant::now() + LONG), true).unwrap(),
        Wake::Input
    );
    let mut buf = [0u8; 16];
    let n = wire.read(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"now");
}

/// OpenSSL reads a TLS record's 5-octet header first: the wire reads ahead, and what it holds
/// counts as buffered, since `poll` on the socket no longer sees it.
#[test]
fn a_small_read_takes_what_is_waiting_and_keeps_the_rest_for_the_next_reads() {
    let (mut wire, mut client, _ticket) = pair(LONG, LONG);
    wire.end_deadline();
    let record: Vec<u8> = (0..100).collect();
    client.write_all(&record).unwrap();
    assert_eq!(
        wire.wait(Some(Instant::now() + LONG), true).unwrap(),
        Wake::Input
    );
    let mut header = [0u8; 5];
    assert_eq!(wire.read(&mut header).unwrap(), 5);
    assert_eq!(header, [0x00, 0x01, 0x02, 0x03, 0x04]);
    assert_eq!(wire.buffered(), 95);
    let mut body = [0u8; 95];
    assert_eq!(wire.read(&mut body).unwrap(), 95);
    assert_eq!(body[..], record[5..]);
    assert_eq!(wire.buffered(), 0);
}

#[test]
fn octets_put_back_are_read_again_first() {
    let (mut wire, mut client, _ticket) = pair(LONG, LONG);
    client.write_all(b" world").unwrap();
    wire.replay(b"hello");
    let mut buf = [0u8; 5];
    wire.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"hello");
    let mut rest = [0u8; 6];
    wire.read_exact(&mut rest).unwrap();
    assert_eq!(&rest, b" world");
}

/// OpenSSL writes each TLS record it seals on its own; they leave together.
#[test]
fn small_writes_leave_together_at_flush() {
    let (mut wire, mut client, _ticket) = pair(LONG, LONG);
    for part in [&b"one "[..], b"two ", b"three"] {
        wire.write_all(part).unwrap();
    }
    assert_eq!(received(&mut client, Duration::from_millis(200)), b"");
    wire.flush().unwrap();
    let mut all = Vec::new();
    while all.len() < 13 {
        let more = received(&mut client, LONG);
        assert!(!more.is_empty());
        all.extend_from_slice(&more);
    }
    assert_eq!(all, b"one two three");
}

#[test]
fn a_read_sends_what_was_written_before_it_waits() {
    let (mut wire, mut client, _ticket) = pair(LONG, LONG);
    wire.write_all(b"ServerHelloDone").unwrap();
    let peer = thread::spawn(move || {
        let mut flight = [0u8; 15];
        client.read_exact(&mut flight).unwrap();
        assert_eq!(&flight, b"ServerHelloDone");
        client.write_all(b"Finished").unwrap();
        client
    });
    let mut buf = [0u8; 8];
    wire.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"Finished");
    peer.join().unwrap();
}

#[test]
fn a_large_write_leaves_at_once() {
    let (mut wire, mut client, _ticket) = pair(LONG, LONG);
    let turn = vec![0x61; 64 * 1024];
    let written = wire.write(&turn).unwrap();
    assert!(written > 0);
    assert!(!received(&mut client, LONG).is_empty());
}

/// A peer that reads nothing cannot hold the connection's thread for ever.
#[test]
fn a_write_that_finds_no_room_fails_after_the_write_timeout() {
    let write_timeout = Duration::from_millis(300);
    let (mut wire, _client, _ticket) = pair(LONG, write_timeout);
    let chunk = vec![0x61; 64 * 1024];
    let started = Instant::now();
    let mut last_progress = started;
    let e = loop {
        assert!(
            started.elapsed() < LONG,
            "the socket's buffers never filled"
        );
        match wire.write_all(&chunk).and_then(|()| wire.flush()) {
            Ok(()) => last_progress = Instant::now(),
            Err(e) => break e,
        }
    };
    assert_eq!(e.kind(), ErrorKind::TimedOut);
    let stalled = last_progress.elapsed();
    assert!(stalled >= Duration::from_millis(250), "{stalled:?}");
    assert!(stalled < Duration::from_secs(5), "{stalled:?}");
}
