//! The writer's block-to-be of each stream (service and host), found for every event
//! appended. Looked up by a hash of the event's own strings, so the hot path neither
//! builds a key nor compares strings along a tree's path (a sorted map spent a few percent
//! of `ship`'s main thread in `memcmp`).

use super::pending::PendingBlock;
use crate::short_text::equal;
use hashbrown::HashTable;
use xxhash_rust::xxh3::{xxh3_64, xxh3_64_with_seed};

#[derive(Default)]
pub struct OpenStreams {
    streams: HashTable<OpenStream>,
}

pub struct OpenStream {
    hash: u64,
    service: String,
    host: String,
    /// Boxed: a full one is swapped for an empty one and sent to be sealed.
    pub pending: Box<PendingBlock>,
}

fn hash_of(service: &str, host: &str) -> u64 {
    xxh3_64_with_seed(host.as_bytes(), xxh3_64(service.as_bytes()))
}

impl OpenStreams {
    /// The block-to-be of `(service, host)`; a stream not open yet starts with `fresh()`.
    pub fn get_or_open(
        &mut self,
        service: &str,
        host: &str,
        fresh: impl FnOnce() -> Box<PendingBlock>,
    ) -> &mut Box<PendingBlock> {
        let hash = hash_of(service, host);
        let entry = self.streams.entry(
            hash,
            |s| {
                s.hash == hash
                    && equal(s.service.as_bytes(), service.as_bytes())
                    && equal(s.host.as_bytes(), host.as_bytes())
            },
            |s| s.hash,
        );
        let stream = entry.or_insert_with(|| OpenStream {
            hash,
            service: service.to_string(),
            host: host.to_string(),
            pending: fresh(),
        });
        &mut stream.into_mut().pending
    }

    /// Forgets the streams with no event waiting (and the room their blocks held).
    pub fn close_empty(&mut self) {
        self.streams.retain(|s| !s.pending.is_empty());
    }

    pub fn len(&self) -> usize {
        self.streams.len()
    }

    /// Every open stream, in the order of (service, host): a part lays its blocks out
    /// the same way whatever order the streams were opened in.
    pub fn sorted_mut(&mut self) -> Vec<&mut OpenStream> {
        let mut streams: Vec<&mut OpenStream> = self.streams.iter_mut().collect();
        streams.sort_unstable_by(|a, b| (&a.service, &a.host).cmp(&(&b.service, &b.host)));
        streams
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{Level, LogEvent, Timestamp};

    #[test]
    fn each_service_and_host_has_its_own_block() {
        let mut open = OpenStreams::default();
        // Pairs whose concatenations collide must stay apart.
        let pairs = [
            ("ab", "c"),
            ("a", "bc"),
            ("", "abc"),
            ("abc", ""),
            ("ab", "c"),
        ];
        for (i, (service, host)) in pairs.iter().enumerate() {
            let event = LogEvent::new(Timestamp(i as i64), Level::Info, service, host, "m");
            open.get_or_open(service, host, Box::default)
                .push(&event, i as u64);
        }
        assert_eq!(open.len(), 4);
        let held: Vec<(String, usize)> = open
            .sorted_mut()
            .into_iter()
            .map(|s| (format!("{}|{}", s.service, s.host), s.pending.len()))
            .collect();
        assert_eq!(
            held,
            [
                ("|abc".to_string(), 1),
                ("a|bc".to_string(), 1),
                ("ab|c".to_string(), 2),
                ("abc|".to_string(), 1)
            ]
        );
        open.sorted_mut()[0].pending.clear();
        open.close_empty();
        assert_eq!(open.len(), 3);
    }
}
