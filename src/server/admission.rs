//! Who gets a place — at most `capacity` connections at once, and never a working client turned
//! away for one that does nothing.
//!
//! Every connection holds a [`Place`] from its accept to its end. When a new connection finds
//! the server full, the connections that have not yet done anything useful make room for it,
//! oldest first: first those still in their opening (no TLS handshake or client preface yet),
//! then those that finished it but sent no request. A connection chosen is woken by shutting its
//! socket for reading (`shutdown(SHUT_RD)`), which ends the `poll` it waits in; it sees why from
//! its place and leaves (with GOAWAY once it speaks HTTP/2). Only when every place is held by a
//! connection that has sent a request is the new one refused, and even then it is told so: a few
//! at a time go through their handshake to receive GOAWAY REFUSED_STREAM; past those, the socket
//! is closed. Every refusal and every connection that made room is logged.

use std::collections::BTreeMap;
use std::net::{Shutdown, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Instant;

/// How many refused connections may be in their handshake at once, to be told GOAWAY; more are
/// closed at once. A handshake costs CPU that a server this full should not spend on many.
pub const REFUSING_AT_ONCE: usize = 16;

/// How far a connection has come, which decides who makes room first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Stage {
    /// Accepted; no TLS handshake or client preface finished yet.
    Opening = 0,
    /// The handshake is done (TLS, or the h2c preface recognised); no request yet.
    Handshaken = 1,
    /// A request was processed: a working client.
    Serving = 2,
}

/// One connection's place: its socket (to wake it) and how far it has come.
pub struct Place {
    id: u64,
    tcp: Arc<TcpStream>,
    stage: AtomicU8,
    making_room: AtomicBool,
}

impl Place {
    /// The connection has come this far.
    pub fn advance(&self, stage: Stage) {
        self.stage.fetch_max(stage as u8, Ordering::SeqCst);
    }

    /// Whether the connection was chosen to make room for a new one.
    pub fn making_room(&self) -> bool {
        self.making_room.load(Ordering::SeqCst)
    }

    fn stage(&self) -> u8 {
        self.stage.load(Ordering::SeqCst)
    }
}

/// What [`Admission::admit`] decided for a new connection.
pub enum Admit {
    /// A place was free.
    Admitted(Ticket),
    /// A connection that had done nothing useful leaves to make room.
    MadeRoom {
        /// The new connection's place.
        ticket: Ticket,
        /// The id of the connection that leaves.
        victim: u64,
        /// How far it had come.
        stage: Stage,
    },
    /// Every place serves a client: the connection is told so with GOAWAY REFUSED_STREAM.
    Refused(Ticket),
    /// Refused, and too many refusals are under way to tell this one: close it.
    Dropped,
}

/// The places, and how many connections are being refused.
pub struct Admission {
    capacity: usize,
    table: Mutex<Table>,
    /// Notified whenever a place is given back, for [`Admission::wait_until_empty`].
    released: Condvar,
}

#[derive(Default)]
struct Table {
    /// By id, so by age: ids grow with every accept.
    places: BTreeMap<u64, Arc<Place>>,
    /// Places whose connection was asked to make room and has not left yet.
    leaving: usize,
    refusing: usize,
}

impl Admission {
    /// Room for `capacity` connections.
    pub fn new(capacity: usize) -> Arc<Admission> {
        Arc::new(Admission {
            capacity,
            table: Mutex::new(Table::default()),
            released: Condvar::new(),
        })
    }

    /// How many connections it holds at most.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// How many connections hold a place (refused ones included).
    pub fn open(&self) -> usize {
        let table = self.lock();
        table.places.len() + table.refusing
    }

    /// Decides about the new connection `id` on `tcp`; see the module documentation.
    pub fn admit(self: &Arc<Self>, id: u64, tcp: &Arc<TcpStream>) -> Admit {
        let mut table = self.lock();
        let place = Arc::new(Place {
            id,
            tcp: Arc::clone(tcp),
            stage: AtomicU8::new(Stage::Opening as u8),
            making_room: AtomicBool::new(false),
        });
        let ticket = |refused: bool| Ticket {
            admission: Arc::clone(self),
            place: Arc::clone(&place),
            refused,
        };
        if table.places.len() - table.leaving < self.capacity {
            table.places.insert(id, Arc::clone(&place));
            return Admit::Admitted(ticket(false));
        }
        if let Some((victim, stage)) = table.make_room() {
            table.places.insert(id, Arc::clone(&place));
            return Admit::MadeRoom {
                ticket: ticket(false),
                victim,
                stage,
            };
        }
        if table.refusing < REFUSING_AT_ONCE {
            table.refusing += 1;
            return Admit::Refused(ticket(true));
        }
        Admit::Dropped
    }

    /// Waits until every place is given back, or `deadline` passes; `true` when empty.
    pub fn wait_until_empty(&self, deadline: Instant) -> bool {
        let mut table = self.lock();
        loop {
            if table.places.is_empty() && table.refusing == 0 {
                return true;
            }
            let Some(left) = deadline.checked_duration_since(Instant::now()) else {
                return false;
            };
            table = match self.released.wait_timeout(table, left) {
                Ok((table, _)) => table,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
    }

    /// The table; a thread that panicked while holding it left it consistent (every change is
    /// one insert or remove), so a poisoned lock is used as it is.
    fn lock(&self) -> MutexGuard<'_, Table> {
        self.table
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Table {
    /// Asks the oldest connection that has done nothing useful to leave: one still opening
    /// first, else one without a request. Its id and stage, or `None` when every connection
    /// serves a client.
    fn make_room(&mut self) -> Option<(u64, Stage)> {
        let candidate = |stage: Stage| {
            self.places
                .values()
                .find(|place| place.stage() == stage as u8 && !place.making_room())
        };
        let (place, stage) = candidate(Stage::Opening)
            .map(|place| (place, Stage::Opening))
            .or_else(|| candidate(Stage::Handshaken).map(|place| (place, Stage::Handshaken)))?;
        place.making_room.store(true, Ordering::SeqCst);
        // Wakes its thread from `poll`: the socket reads as ended from now on. Writing still
        // works, for a GOAWAY; if the socket is gone already, its thread is leaving anyway.
        let _ = place.tcp.shutdown(Shutdown::Read);
        let id = place.id;
        self.leaving += 1;
        Some((id, stage))
    }
}

/// A connection's hold on its place, given back when dropped.
pub struct Ticket {
    admission: Arc<Admission>,
    place: Arc<Place>,
    refused: bool,
}

impl Ticket {
    /// The place, shared with the admission.
    pub fn place(&self) -> &Arc<Place> {
        &self.place
    }

    /// Whether this connection is refused (to be told GOAWAY REFUSED_STREAM and closed).
    pub fn is_refused(&self) -> bool {
        self.refused
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut table = self.admission.lock();
        if self.refused {
            table.refusing -= 1;
        } else if table.places.remove(&self.place.id).is_some() && self.place.making_room() {
            table.leaving -= 1;
        }
        drop(table);
        self.admission.released.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    /// A connected socket (its other end dropped: only the place's bookkeeping is tested).
    fn socket(listener: &TcpListener) -> Arc<TcpStream> {
        Arc::new(TcpStream::connect(listener.local_addr().unwrap()).unwrap())
    }

    fn admitted(admit: Admit) -> Ticket {
        match admit {
            Admit::Admitted(ticket) => ticket,
            _ => panic!("not admitted"),
        }
    }

    #[test]
    fn connections_that_did_nothing_make_room_oldest_first_opening_before_handshaken() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let admission = Admission::new(3);
        let first = admitted(admission.admit(1, &socket(&listener)));
        let second = admitted(admission.admit(2, &socket(&listener)));
        let third = admitted(admission.admit(3, &socket(&listener)));
        first.place().advance(Stage::Handshaken);
        third.place().advance(Stage::Serving);
        let made_room = |admit: Admit| match admit {
            Admit::MadeRoom {
                ticket,
                victim,
                stage,
            } => (ticket, victim, stage),
            _ => panic!("no room made"),
        };
        let (fourth, victim, stage) = made_room(admission.admit(4, &socket(&listener)));
        assert_eq!((victim, stage), (2, Stage::Opening));
        assert!(second.place().making_room());
        fourth.place().advance(Stage::Handshaken);
        let (_fifth, victim, stage) = made_room(admission.admit(5, &socket(&listener)));
        assert_eq!((victim, stage), (1, Stage::Handshaken));
        assert!(first.place().making_room());
        assert_eq!(admission.open(), 5, "both are still leaving");
    }

    #[test]
    fn a_server_full_of_working_clients_refuses_then_drops() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let admission = Admission::new(1);
        let working = admitted(admission.admit(1, &socket(&listener)));
        working.place().advance(Stage::Serving);
        let mut refused = Vec::new();
        for id in 2..2 + REFUSING_AT_ONCE as u64 {
            match admission.admit(id, &socket(&listener)) {
                Admit::Refused(ticket) => refused.push(ticket),
                _ => panic!("connection {id} not refused"),
            }
        }
        assert!(matches!(
            admission.admit(100, &socket(&listener)),
            Admit::Dropped
        ));
        refused.pop();
        assert!(matches!(
            admission.admit(101, &socket(&listener)),
            Admit::Refused(_)
        ));
    }

    #[test]
    fn a_place_is_given_back_when_its_ticket_drops() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let admission = Admission::new(1);
        let ticket = admitted(admission.admit(1, &socket(&listener)));
        ticket.place().advance(Stage::Serving);
        drop(ticket);
        assert!(admission.wait_until_empty(Instant::now()));
        admitted(admission.admit(2, &socket(&listener)));
    }

    #[test]
    fn a_place_that_left_to_make_room_no_longer_counts_as_leaving() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let admission = Admission::new(1);
        let idle = admitted(admission.admit(1, &socket(&listener)));
        let Admit::MadeRoom { ticket: newer, .. } = admission.admit(2, &socket(&listener)) else {
            panic!("no room made");
        };
        drop(idle);
        newer.place().advance(Stage::Serving);
        assert!(matches!(
            admission.admit(3, &socket(&listener)),
            Admit::Refused(_)
        ));
    }
}
