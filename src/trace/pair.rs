//! `h2lab-decode --pair DIR/conn-N`: both directions of one captured connection as one story, in
//! time order. Each direction (`conn-N.c2s.hex`, `conn-N.s2c.hex`, whose `# t=SECONDS` lines
//! stamp the octets) is inspected on its own, with its own HPACK decoder, since each endpoint
//! compresses what it sends with its own dynamic table (RFC 7541 §2.2); this module only says
//! when each record happened and in which order the two lists interleave.

use super::input::{HexText, Time};
use super::inspect::{Record, Sender};

/// The time of each record: that of its last octet, for only then does the receiver have the
/// whole frame.
pub fn record_times(records: &[Record], text: &HexText) -> Vec<Time> {
    records
        .iter()
        .map(|record| text.time_at(record.last_octet()))
        .collect()
}

/// The order in which to show the records of both directions, given their times: by time, and
/// at the same time the client's first, as a connection begins with the client's preface. Each
/// direction keeps its own order.
pub fn merge(client: &[Time], server: &[Time]) -> Vec<(Sender, usize)> {
    let mut order = Vec::with_capacity(client.len() + server.len());
    let (mut c, mut s) = (0, 0);
    loop {
        let next = match (client.get(c), server.get(s)) {
            (Some(tc), Some(ts)) if tc <= ts => Sender::Client,
            (Some(_), None) => Sender::Client,
            (_, Some(_)) => Sender::Server,
            (None, None) => return order,
        };
        match next {
            Sender::Client => {
                order.push((next, c));
                c += 1;
            }
            Sender::Server => {
                order.push((next, s));
                s += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::DEFAULT_MAX_FRAME_SIZE;
    use crate::hpack::Decoder;
    use crate::trace::input::parse;
    use crate::trace::inspect::inspect_frames;

    #[test]
    fn a_frame_happens_when_its_last_octet_arrives() {
        // A PING whose first 5 octets came at 0.1 s and the rest at 0.2 s, then a second one.
        let text = parse(
            "# t=0.1\n0000080600\n# t=0.2\n000000000102030405060708\n0000080600000000000102030405060708\n",
        )
        .unwrap();
        let records = inspect_frames(&text.octets, DEFAULT_MAX_FRAME_SIZE, &mut Decoder::new());
        assert_eq!(
            record_times(&records, &text),
            [Time(200_000), Time(200_000)]
        );
    }

    #[test]
    fn both_directions_interleave_by_time_the_client_first_at_a_tie() {
        let client = [Time(0), Time(0), Time(30)];
        let server = [Time(0), Time(10), Time(30), Time(40)];
        assert_eq!(
            merge(&client, &server),
            [
                (Sender::Client, 0),
                (Sender::Client, 1),
                (Sender::Server, 0),
                (Sender::Server, 1),
                (Sender::Client, 2),
                (Sender::Server, 2),
                (Sender::Server, 3),
            ]
        );
    }
}
