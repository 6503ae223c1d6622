//! Resuming a partition at an exact offset on brokers that cannot fetch from the middle
//! of a record batch.

use super::{KafkaIssue, CONNECT_TIMEOUT};
use rdkafka::consumer::{BaseConsumer, Consumer, ConsumerContext};
use rdkafka::Offset;
use std::collections::BTreeMap;

/// How long `--exit-at-end` waits for a resumed partition to deliver its resume offset
/// before believing it has nothing more: on a broker that reports the first offset of the
/// last batch as a partition's end, a resume point past that offset looks "caught up"
/// while the rest of the batch is still to come.
pub const RESUME_GRACE: std::time::Duration = std::time::Duration::from_secs(3);

/// Fetches `partition` again from `offset` (after `Admit::SeekBack`).
pub fn seek_back<C: ConsumerContext>(
    consumer: &BaseConsumer<C>,
    topic: &str,
    partition: i32,
    offset: i64,
) -> Result<(), KafkaIssue> {
    consumer
        .seek(topic, partition, Offset::Offset(offset), CONNECT_TIMEOUT)
        .map_err(|cause| KafkaIssue::Client {
            context: format!("cannot seek {topic}/{partition}"),
            cause,
        })
}

/// Guards the resume point of each partition. Some Kafka-protocol brokers (tansu 0.6)
/// answer a fetch from inside a record batch with the *next* batch, silently skipping the
/// rest of the one asked for. When the first message after resuming is past the resume
/// offset, step back (further each time) and skip what is already stored, until the
/// broker delivers the resume offset itself, or the partition's start proves the gap real
/// (compaction, for instance).
pub struct ResumeCheck {
    /// Partitions not yet confirmed, with the next step back.
    pending: BTreeMap<i32, i64>,
}

impl ResumeCheck {
    pub fn new(next: &BTreeMap<i32, i64>) -> ResumeCheck {
        ResumeCheck {
            pending: next
                .iter()
                .filter(|(_, &offset)| offset > 0)
                .map(|(&p, _)| (p, 64))
                .collect(),
        }
    }

    /// Checks the next resume of `partition` at `offset`.
    pub fn guard(&mut self, partition: i32, offset: i64) {
        if offset > 0 {
            self.pending.insert(partition, 64);
        } else {
            self.pending.remove(&partition);
        }
    }

    pub fn confirm(&mut self, partition: i32) {
        self.pending.remove(&partition);
    }

    /// Where to fetch from instead, or `None` if the gap is real.
    pub fn step_back(&mut self, partition: i32, expected: i64) -> Option<i64> {
        let step = self.pending.get_mut(&partition)?;
        let earlier = expected.saturating_sub(*step).max(0);
        if earlier == 0 {
            self.pending.remove(&partition);
        } else {
            *step = step.saturating_mul(8);
        }
        Some(earlier)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_back_further_each_time_then_accepts_the_gap() {
        let next: BTreeMap<i32, i64> = [(0, 1000), (1, 0)].into_iter().collect();
        let mut check = ResumeCheck::new(&next);
        assert_eq!(
            check.step_back(1, 0),
            None,
            "a partition read from its start needs no check"
        );
        assert_eq!(check.step_back(0, 1000), Some(936));
        assert_eq!(check.step_back(0, 1000), Some(488));
        assert_eq!(check.step_back(0, 1000), Some(0));
        assert_eq!(check.step_back(0, 1000), None);
        let mut check = ResumeCheck::new(&next);
        check.confirm(0);
        assert_eq!(check.step_back(0, 1000), None);
    }
}

/// The next offset wanted from each partition, guarded by a [`ResumeCheck`]: says which
/// fetched messages are new, and seeks back when a broker skipped part of a batch.
pub struct PartitionCursor {
    pub next: BTreeMap<i32, i64>,
    check: ResumeCheck,
}

/// What to do with a fetched message.
#[derive(Debug, PartialEq, Eq)]
pub enum Admit {
    Take,
    /// Seen before (a replayed fetch or our own step back).
    Skip,
    /// The broker skipped ahead of the resume point: fetch from this offset instead.
    SeekBack(i64),
}

impl PartitionCursor {
    pub fn new(next: BTreeMap<i32, i64>) -> PartitionCursor {
        let check = ResumeCheck::new(&next);
        PartitionCursor { next, check }
    }

    pub fn admit(&mut self, partition: i32, offset: i64) -> Admit {
        let expected = self.next.get(&partition).copied().unwrap_or(0);
        if offset < expected {
            self.check.confirm(partition);
            return Admit::Skip;
        }
        if offset > expected {
            if let Some(earlier) = self.check.step_back(partition, expected) {
                return Admit::SeekBack(earlier);
            }
        }
        self.check.confirm(partition);
        Admit::Take
    }

    /// Starts `partition` over at `offset` (a new assignment).
    pub fn restart(&mut self, partition: i32, offset: i64) {
        self.next.insert(partition, offset);
        self.check.guard(partition, offset);
    }

    /// Stops tracking `partition` (given to another member).
    pub fn forget(&mut self, partition: i32) {
        self.next.remove(&partition);
        self.check.confirm(partition);
    }

    /// Whether every partition resumed mid-log has delivered its resume point.
    pub fn resumes_confirmed(&self) -> bool {
        self.check.pending.is_empty()
    }

    /// Records that `offset` was dealt with.
    pub fn advance(&mut self, partition: i32, offset: i64) {
        self.next.insert(partition, offset + 1);
    }
}
