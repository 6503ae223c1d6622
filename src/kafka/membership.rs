//! Membership of a consumer group: the partition moves librdkafka reports while polling,
//! the offsets to commit (only for partitions still owned, so a member never moves back
//! what the new owner committed), and whether the whole group has caught up.

use super::end_of_log::EndOfLog;
use super::{KafkaIssue, CONNECT_TIMEOUT};
use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer, ConsumerContext, RebalanceProtocol};
use rdkafka::types::RDKafkaRespErr;
use rdkafka::{ClientContext, Offset, TopicPartitionList};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

/// A partition move reported by librdkafka during `poll`, handled after it.
#[derive(Debug)]
pub enum Moved {
    /// Partitions received, with the group's committed offset (where reading starts).
    Assigned(Vec<(i32, i64)>),
    /// Partitions the group is taking away. They stay this member's until `give_up`:
    /// the rebalance waits while what was read of them is made durable and committed,
    /// so their next owner starts exactly after it (nothing is written or dead-lettered
    /// twice).
    Revoking(Vec<i32>),
    /// Partitions already gone (this member's session expired, or the rebalance failed):
    /// nothing of them may be committed any more.
    Lost(Vec<i32>),
}

/// The consumer's context: collects partition moves for the reading loop.
#[derive(Default)]
pub struct GroupEvents {
    moves: Mutex<Vec<Moved>>,
    /// Set before the consumer closes: the loop that would settle a revocation is gone,
    /// and closing waits for the partitions to be handed back.
    closing: AtomicBool,
}

impl GroupEvents {
    /// Revocations from now on are applied at once (the consumer is about to close).
    pub fn close(&self) {
        self.closing.store(true, Ordering::SeqCst);
    }

    pub fn take(&self) -> Vec<Moved> {
        self.moves
            .lock()
            .map(|mut m| std::mem::take(&mut *m))
            .unwrap_or_default()
    }

    fn push(&self, moved: Moved) {
        if let Ok(mut moves) = self.moves.lock() {
            moves.push(moved);
        }
    }
}

impl ClientContext for GroupEvents {}

impl ConsumerContext for GroupEvents {
    /// Replaces librdkafka's own handling so that a revocation can wait for the reading
    /// loop (see `Moved::Revoking`); assignments and failures are applied at once.
    fn rebalance(
        &self,
        consumer: &BaseConsumer<Self>,
        err: RDKafkaRespErr,
        partitions: &mut TopicPartitionList,
    ) {
        let numbers = || {
            partitions
                .elements()
                .iter()
                .map(|e| e.partition())
                .collect()
        };
        match err {
            RDKafkaRespErr::RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS => {
                let starts = starting_offsets(consumer, partitions);
                let applied = match consumer.rebalance_protocol() {
                    RebalanceProtocol::Cooperative => consumer.incremental_assign(partitions),
                    _ => consumer.assign(partitions),
                };
                match applied {
                    Ok(()) => self.push(Moved::Assigned(starts)),
                    Err(cause) => eprintln!("warning: kafka: cannot take the partitions assigned ({cause}); the group will assign them again"),
                }
            }
            RDKafkaRespErr::RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS
                if !consumer.assignment_lost() && !self.closing.load(Ordering::SeqCst) =>
            {
                self.push(Moved::Revoking(numbers()));
            }
            _ => {
                // Lost, closing, or a failed rebalance: librdkafka asks for the assignment
                // to be cleared at once.
                let gone = match consumer.rebalance_protocol() {
                    RebalanceProtocol::Cooperative
                        if err == RDKafkaRespErr::RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS =>
                    {
                        consumer
                            .incremental_unassign(partitions)
                            .map(|()| numbers())
                    }
                    _ => {
                        let held = consumer
                            .assignment()
                            .map(|l| l.elements().iter().map(|e| e.partition()).collect())
                            .unwrap_or_else(|_| numbers());
                        consumer.unassign().map(|()| held)
                    }
                };
                match gone {
                    Ok(parts) => self.push(Moved::Lost(parts)),
                    Err(cause) => {
                        eprintln!("warning: kafka: cannot clear the assignment ({cause})")
                    }
                }
            }
        }
    }
}

/// Where each assigned partition starts: the group's committed offset, or the beginning.
fn starting_offsets(
    consumer: &BaseConsumer<GroupEvents>,
    partitions: &TopicPartitionList,
) -> Vec<(i32, i64)> {
    let committed = match super::retry::retrying("reading the group's committed offsets", || {
        consumer.committed_offsets(partitions.clone(), CONNECT_TIMEOUT)
    }) {
        Ok(committed) => Some(committed),
        Err(cause) => {
            eprintln!(
                "warning: kafka: cannot read the group's committed offsets ({cause}); the partitions just assigned start at their beginning, so messages before those offsets are handled again"
            );
            None
        }
    };
    partitions
        .elements()
        .iter()
        .map(|e| {
            let offset = committed
                .as_ref()
                .and_then(|c| c.find_partition(e.topic(), e.partition()))
                .map(|c| c.offset());
            let start = match offset {
                Some(Offset::Offset(o)) if o >= 0 => o,
                _ => 0,
            };
            (e.partition(), start)
        })
        .collect()
}

/// Hands revoked partitions back to the group, which completes its rebalance.
pub fn give_up<C: ConsumerContext>(
    consumer: &BaseConsumer<C>,
    topic: &str,
    partitions: &[i32],
) -> Result<(), rdkafka::error::KafkaError> {
    match consumer.rebalance_protocol() {
        RebalanceProtocol::Cooperative => {
            let mut list = TopicPartitionList::new();
            for &p in partitions {
                list.add_partition(topic, p);
            }
            consumer.incremental_unassign(&list)
        }
        _ => consumer.unassign(),
    }
}

/// The next offset of each partition handled: what was handled, or the consumer's position
/// where that is further (past a transaction marker, say).
pub fn commit_offsets<C: ConsumerContext>(
    consumer: &BaseConsumer<C>,
    topic: &str,
    handled: &BTreeMap<i32, i64>,
) -> BTreeMap<i32, i64> {
    let positions = consumer.position().ok();
    handled
        .iter()
        .map(|(&p, &next)| {
            let position = positions
                .as_ref()
                .and_then(|l| l.find_partition(topic, p))
                .and_then(|e| match e.offset() {
                    Offset::Offset(o) => Some(o),
                    _ => None,
                });
            (p, position.map_or(next, |o| o.max(next)))
        })
        .collect()
}

/// Commits `offsets` of the partitions in `owned`, synchronously.
pub fn commit_owned<C: ConsumerContext>(
    consumer: &BaseConsumer<C>,
    topic: &str,
    offsets: &BTreeMap<i32, i64>,
    owned: &BTreeMap<i32, i64>,
) -> Result<(), rdkafka::error::KafkaError> {
    let mut list = TopicPartitionList::new();
    for (&p, &offset) in offsets.iter().filter(|(p, _)| owned.contains_key(p)) {
        if offset > 0 {
            list.add_partition_offset(topic, p, Offset::Offset(offset))?;
        }
    }
    if list.count() == 0 {
        return Ok(());
    }
    // Briefly: the caller tries again with its next batch, and the pipeline must not stall.
    super::retry::retrying_for(
        "committing the group's offsets",
        std::time::Duration::from_secs(5),
        || consumer.commit(&list, CommitMode::Sync),
    )
}

/// Whether the group as a whole has reached `end`: the partitions in `ours` are judged by
/// the caller (by position), the others by the offsets their owners committed. A partition
/// nobody owns and nobody committed to its end is not done, whatever this member has seen.
pub fn others_reached<C: ConsumerContext>(
    consumer: &BaseConsumer<C>,
    topic: &str,
    end: &EndOfLog,
    ours: &BTreeMap<i32, i64>,
) -> Result<bool, KafkaIssue> {
    let mut others = TopicPartitionList::new();
    for (&partition, &last) in &end.ends {
        if !ours.contains_key(&partition) && last > 0 {
            others.add_partition(topic, partition);
        }
    }
    if others.count() == 0 {
        return Ok(true);
    }
    let committed = super::retry::retrying("reading the group's committed offsets", || {
        consumer.committed_offsets(others.clone(), CONNECT_TIMEOUT)
    })
    .map_err(|cause| KafkaIssue::Client {
        context: format!("cannot read the group's committed offsets of '{topic}'"),
        cause,
    })?;
    Ok(committed.elements().iter().all(|e| match e.offset() {
        Offset::Offset(o) => end.ends.get(&e.partition()).is_none_or(|&last| o >= last),
        _ => false,
    }))
}
