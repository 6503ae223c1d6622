//! What a Kafka reader has read, marked for checkpointing and owns: the state the reading
//! loop and the group's partition moves both change.

use super::end_of_log::PartitionCursor;
use super::intake::MessageIntake;
use super::membership::Moved;
use crate::pipeline::Record;
use rdkafka::message::{BorrowedMessage, Message};
use std::collections::{BTreeMap, VecDeque};

#[derive(Default)]
pub struct Progress {
    pub cursor: PartitionCursor,
    /// In a group: whether an assignment has arrived (nothing is judged caught up before).
    pub assigned: bool,
    /// The offsets to commit at each mark not yet acknowledged, oldest first.
    pub marks: VecDeque<BTreeMap<i32, i64>>,
    /// Records pulled since the last mark.
    pub unmarked: bool,
    /// Partitions the group is taking away, held until everything read is committed.
    pub revoking: Vec<i32>,
}

impl Progress {
    /// Adds the message to `batch` unless it was read before (a partition restarted).
    pub fn take(
        &mut self,
        intake: &mut MessageIntake,
        message: &BorrowedMessage<'_>,
        batch: &mut Vec<Record>,
    ) -> anyhow::Result<()> {
        let (partition, offset) = (message.partition(), message.offset());
        if self.cursor.admits(partition, offset) {
            batch.push(intake.record(message)?);
            self.cursor.advance(partition, offset);
            self.unmarked = true;
        }
        Ok(())
    }

    /// Whether everything read is acknowledged durable.
    pub fn settled(&self) -> bool {
        !self.unmarked && self.marks.is_empty()
    }

    /// Follows the partitions the group moves to and from this member. `eager`: every
    /// partition goes on a rebalance and an assignment always follows.
    pub fn follow(&mut self, moves: Vec<Moved>, eager: bool) {
        for moved in moves {
            match moved {
                Moved::Assigned(parts) => {
                    self.assigned = true;
                    for (partition, start) in parts {
                        self.cursor.restart(partition, start);
                    }
                }
                Moved::Revoking(parts) => {
                    // Until the assignment that follows, this member cannot judge the
                    // group's end.
                    if eager {
                        self.assigned = false;
                    }
                    self.revoking.extend(parts);
                }
                // Records in hand of a partition lost are still written (its new owner,
                // starting from the last commit, sends them again: position ids make that
                // a no-op), but never committed by this member.
                Moved::Lost(parts) => {
                    self.revoking.retain(|p| !parts.contains(p));
                    self.forget(&parts);
                }
            }
        }
    }

    pub fn forget(&mut self, partitions: &[i32]) {
        for &partition in partitions {
            self.cursor.forget(partition);
            for mark in self.marks.iter_mut() {
                mark.remove(&partition);
            }
        }
    }
}
