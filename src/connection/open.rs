//! The streams a connection holds, by id — RFC 9113 §5.1 (open and half-closed streams; idle and
//! closed ones are not held, `closed.rs` remembers the latter).
//!
//! A list kept in the order of the ids rather than a tree: a connection holds few streams at a
//! time (SETTINGS_MAX_CONCURRENT_STREAMS, 128 from us, §6.5.2), a client's new stream has an id
//! above all its earlier ones (§5.1.1) and so goes at the end, and a look-up is a binary search
//! through one block of memory. With a `BTreeMap`, adding and removing the stream of each request
//! took about 3% of the server's CPU under S1 (`scripts/bench.sh`), much of it in rebalancing.

use super::Stream;

/// The streams a connection holds, in the order of their ids.
#[derive(Default)]
pub(super) struct OpenStreams {
    streams: Vec<(u32, Box<Stream>)>,
}

impl OpenStreams {
    /// Where `stream_id` is, or where it would go.
    fn position(&self, stream_id: u32) -> Result<usize, usize> {
        self.streams.binary_search_by_key(&stream_id, |&(id, _)| id)
    }

    pub(super) fn get(&self, stream_id: &u32) -> Option<&Stream> {
        let position = self.position(*stream_id).ok()?;
        self.streams.get(position).map(|(_, stream)| &**stream)
    }

    pub(super) fn get_mut(&mut self, stream_id: &u32) -> Option<&mut Stream> {
        let position = self.position(*stream_id).ok()?;
        self.streams
            .get_mut(position)
            .map(|(_, stream)| &mut **stream)
    }

    pub(super) fn contains_key(&self, stream_id: &u32) -> bool {
        self.position(*stream_id).is_ok()
    }

    /// Holds `stream` as `stream_id`, in place of a stream held with that id before.
    pub(super) fn insert(&mut self, stream_id: u32, stream: Box<Stream>) {
        match self.position(stream_id) {
            Ok(position) => self.streams[position].1 = stream,
            Err(position) => self.streams.insert(position, (stream_id, stream)),
        }
    }

    pub(super) fn remove(&mut self, stream_id: &u32) -> Option<Box<Stream>> {
        let position = self.position(*stream_id).ok()?;
        Some(self.streams.remove(position).1)
    }

    pub(super) fn is_empty(&self) -> bool {
        self.streams.is_empty()
    }

    pub(super) fn clear(&mut self) {
        self.streams.clear();
    }

    /// The ids, in ascending order.
    pub(super) fn keys(&self) -> impl Iterator<Item = &u32> {
        self.streams.iter().map(|(id, _)| id)
    }

    /// The streams, in the order of their ids.
    pub(super) fn values(&self) -> impl Iterator<Item = &Stream> {
        self.streams.iter().map(|(_, stream)| &**stream)
    }

    /// The ids and the streams, in the order of the ids.
    pub(super) fn iter_mut(&mut self) -> impl Iterator<Item = (&u32, &mut Stream)> {
        self.streams
            .iter_mut()
            .map(|(id, stream)| (&*id, &mut **stream))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stream(id: u32, window: u32) -> Box<Stream> {
        Box::new(Stream::new(id, window, window))
    }

    #[test]
    fn streams_are_kept_in_the_order_of_their_ids_however_they_come() {
        let mut open = OpenStreams::default();
        for id in [5, 1, 3, 2, 9] {
            open.insert(id, stream(id, 100));
        }
        assert_eq!(open.keys().copied().collect::<Vec<_>>(), [1, 2, 3, 5, 9]);
        assert!(open.contains_key(&3) && !open.contains_key(&4));
        assert!(open.remove(&3).is_some());
        assert!(open.remove(&3).is_none());
        assert_eq!(open.keys().copied().collect::<Vec<_>>(), [1, 2, 5, 9]);
        let ids: Vec<u32> = open.iter_mut().map(|(&id, _)| id).collect();
        assert_eq!(ids, [1, 2, 5, 9]);
        open.clear();
        assert!(open.is_empty());
    }

    #[test]
    fn a_stream_held_again_under_its_id_takes_the_place_of_the_first() {
        let mut open = OpenStreams::default();
        open.insert(1, stream(1, 100));
        open.insert(1, stream(1, 200));
        assert_eq!(open.values().count(), 1);
        assert_eq!(open.get(&1).map(|s| s.send_window.size()), Some(200));
        if let Some(stream) = open.get_mut(&1) {
            stream.send_window.send(50);
        }
        assert_eq!(open.get(&1).map(|s| s.send_window.size()), Some(150));
    }
}
