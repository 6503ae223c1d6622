//! "Caught up", as Kafka defines it: every partition's position has reached the end offset
//! read when reading began. Positions, not the offsets of messages seen, because a
//! transaction's commit marker or a compacted gap takes offsets that no message reports.

use super::{KafkaIssue, CONNECT_TIMEOUT};
use rdkafka::consumer::{BaseConsumer, Consumer, ConsumerContext};
use rdkafka::Offset;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// The end offsets (high watermarks) of a topic's partitions at one moment.
#[derive(Debug, Clone)]
pub struct EndOfLog {
    pub ends: BTreeMap<i32, i64>,
    checked: Instant,
}

/// How often positions are asked for while messages keep arriving (asking is local, but
/// not free on the hot path).
const CHECK_EVERY: Duration = Duration::from_millis(50);

impl EndOfLog {
    /// Reads each partition's end offset now.
    pub fn read<C: ConsumerContext>(
        consumer: &BaseConsumer<C>,
        topic: &str,
        partitions: &[i32],
    ) -> Result<EndOfLog, KafkaIssue> {
        let mut ends = BTreeMap::new();
        for &partition in partitions {
            let (_, high) =
                super::retry::retrying(&format!("reading the end of {topic}/{partition}"), || {
                    consumer.fetch_watermarks(topic, partition, CONNECT_TIMEOUT)
                })
                .map_err(|cause| KafkaIssue::Client {
                    context: format!("cannot read the end of {topic}/{partition}"),
                    cause,
                })?;
            ends.insert(partition, high);
        }
        Ok(EndOfLog {
            ends,
            checked: Instant::now() - CHECK_EVERY,
        })
    }

    /// Whether a message at `offset` of `partition` was written before the ends were read.
    pub fn holds(&self, partition: i32, offset: i64) -> bool {
        self.ends.get(&partition).is_some_and(|&end| offset < end)
    }

    /// Whether every partition named in `done` is at or past its end: `done` holds the next
    /// offset each partition needs (what was handled), and the consumer's own position
    /// counts too (it moves past markers). Partitions not in `done` are not judged here.
    pub fn reached_by<C: ConsumerContext>(
        &self,
        consumer: &BaseConsumer<C>,
        done: &BTreeMap<i32, i64>,
    ) -> bool {
        let behind: Vec<i32> = done
            .iter()
            .filter(|(p, &next)| self.ends.get(p).is_some_and(|&end| next < end))
            .map(|(&p, _)| p)
            .collect();
        if behind.is_empty() {
            return true;
        }
        let Ok(positions) = consumer.position() else {
            return false;
        };
        behind.iter().all(|&p| {
            let position = positions
                .elements()
                .iter()
                .find(|e| e.partition() == p)
                .map(|e| e.offset());
            matches!(position, Some(Offset::Offset(o)) if self.ends.get(&p).is_some_and(|&end| o >= end))
        })
    }

    /// Like `reached_by`, asking the consumer's positions at most every few milliseconds:
    /// what was handled is compared with the ends every time (a lookup per partition), so
    /// the end is seen as soon as the last message before it is handled, not a poll later.
    pub fn check<C: ConsumerContext>(
        &mut self,
        consumer: &BaseConsumer<C>,
        done: &BTreeMap<i32, i64>,
    ) -> bool {
        if self.handled_all(done) {
            return true;
        }
        if self.checked.elapsed() < CHECK_EVERY {
            return false;
        }
        self.checked = Instant::now();
        self.reached_by(consumer, done)
    }

    /// Whether every partition named in `done` has handled everything before its end.
    fn handled_all(&self, done: &BTreeMap<i32, i64>) -> bool {
        done.iter()
            .all(|(p, &next)| self.ends.get(p).is_none_or(|&end| next >= end))
    }
}

/// The next offset of each partition a consumer has handled, kept as messages are dealt with.
#[derive(Debug, Default, Clone)]
pub struct PartitionCursor {
    pub next: BTreeMap<i32, i64>,
}

impl PartitionCursor {
    pub fn new(next: BTreeMap<i32, i64>) -> PartitionCursor {
        PartitionCursor { next }
    }

    /// Whether a fetched message is new (a replayed fetch after a seek can repeat some).
    pub fn admits(&self, partition: i32, offset: i64) -> bool {
        offset >= self.next.get(&partition).copied().unwrap_or(0)
    }

    /// Starts `partition` over at `offset` (a new assignment).
    pub fn restart(&mut self, partition: i32, offset: i64) {
        self.next.insert(partition, offset);
    }

    /// Stops tracking `partition` (given to another member).
    pub fn forget(&mut self, partition: i32) {
        self.next.remove(&partition);
    }

    /// Records that `offset` was dealt with.
    pub fn advance(&mut self, partition: i32, offset: i64) {
        self.next.insert(partition, offset + 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_admits_only_what_it_has_not_handled() {
        let mut cursor = PartitionCursor::new([(0, 10)].into_iter().collect());
        assert!(!cursor.admits(0, 9));
        assert!(cursor.admits(0, 10));
        cursor.advance(0, 10);
        assert!(!cursor.admits(0, 10));
        assert!(cursor.admits(1, 0), "a partition never seen starts at 0");
        cursor.restart(0, 3);
        assert!(cursor.admits(0, 3));
        cursor.forget(0);
        assert!(cursor.next.is_empty());
    }

    /// Checked on every pull: the end is known the moment the last message before it is
    /// handled, not on the next tick of the clock (a run of 10 messages took 0.6 s).
    #[test]
    fn the_end_is_seen_as_soon_as_everything_before_it_is_handled() {
        let end = EndOfLog {
            ends: [(0, 5), (1, 0)].into_iter().collect(),
            checked: Instant::now(),
        };
        let done = |next: &[(i32, i64)]| next.iter().copied().collect::<BTreeMap<_, _>>();
        assert!(end.handled_all(&done(&[(0, 5), (1, 0)])));
        assert!(
            end.handled_all(&done(&[(0, 5)])),
            "a partition not held is not judged"
        );
        assert!(!end.handled_all(&done(&[(0, 4), (1, 0)])));
        assert!(
            end.handled_all(&done(&[(2, 0)])),
            "a partition added later had no end"
        );
    }

    #[test]
    fn only_messages_below_the_end_were_there_at_start() {
        let end = EndOfLog {
            ends: [(0, 5), (1, 0)].into_iter().collect(),
            checked: Instant::now(),
        };
        assert!(end.holds(0, 4));
        assert!(!end.holds(0, 5));
        assert!(!end.holds(1, 0));
        assert!(
            !end.holds(2, 0),
            "a partition added later held nothing at start"
        );
    }
}
