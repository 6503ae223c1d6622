//! A Kafka topic as a pipeline source. Into a sink that keeps positions (the embedded
//! store) every partition is assigned to this reader and starts exactly where the store's
//! last commit ended, so a crash replays only what was not committed and the store holds
//! each message once; group offsets are then committed after the store, for lag tooling
//! only. Into other sinks the reader is a member of its consumer group (several share the
//! partitions: that is how ingest scales out): each partition starts at the group's
//! committed offset and the offsets are committed once the sink has made everything before
//! them durable. Replays after a crash or a rebalance are then at least once, which
//! Elasticsearch's position-derived ids turn into exactly once.

use super::end_of_log::{EndOfLog, PartitionCursor};
use super::intake::MessageIntake;
use super::membership::{commit_offsets, commit_owned, others_reached, GroupEvents, Moved};
use super::watermarks::WatermarkWatch;
use super::{stream_name, topic, KafkaIssue, CONNECT_TIMEOUT};
use crate::pipeline::metrics::PipelineMetrics;
use crate::pipeline::{Ack, Pull, Record, Source, StoredPositions};
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::Message;
use rdkafka::{Offset, TopicPartitionList};
use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How often a member that has caught up asks whether the rest of its group has.
const GROUP_CHECK_EVERY: Duration = Duration::from_millis(500);

pub struct KafkaSource {
    consumer: BaseConsumer<GroupEvents>,
    brokers: String,
    topic: String,
    group: String,
    intake: MessageIntake,
    cursor: PartitionCursor,
    end: Option<EndOfLog>,
    exit_at_end: bool,
    troubled: bool,
    commit_troubled: bool,
    watermarks: Option<WatermarkWatch>,
    last_lag_report: Instant,
    /// Reading as a member of the group (partitions balanced among its members), not with
    /// every partition assigned.
    in_group: bool,
    /// In a group: whether an assignment has arrived (nothing is judged caught up before).
    assigned: bool,
    /// The offsets to commit at each mark not yet acknowledged, oldest first.
    marks: VecDeque<BTreeMap<i32, i64>>,
    /// Records pulled since the last mark.
    unmarked: bool,
    group_checked: Option<Instant>,
}

impl KafkaSource {
    pub fn connect(
        brokers: &str,
        topic_name: &str,
        group: &str,
        exit_at_end: bool,
    ) -> Result<KafkaSource, KafkaIssue> {
        let consumer: BaseConsumer<GroupEvents> = super::client_config(brokers)
            .set("group.id", group)
            .set("enable.auto.commit", "false")
            .set("enable.auto.offset.store", "false")
            .set("auto.offset.reset", "earliest")
            .set("enable.partition.eof", "false")
            .set("queued.min.messages", "200000")
            // Larger fetches while catching up: fewer round trips for the broker to serve
            // on the cores the sink works on.
            .set("max.partition.fetch.bytes", "8388608")
            .set("fetch.max.bytes", "67108864")
            // In a group, a rebalance moves only the partitions that change owner: the
            // others keep being read from where they are, not from the last commit.
            // (Eager rebalancing ended two-member runs sooner, 10.3 s against 12.2 s for
            // 300,000 events into OpenSearch, but a member then re-reads what it had in hand,
            // and in CI under load a single member replayed and dead-lettered events twice;
            // see the note on issue 11.)
            .set("partition.assignment.strategy", "cooperative-sticky")
            // A member learns of a rebalance from its next heartbeat, and a cooperative
            // rebalance takes two rounds: at the default 3 s, a second ingestor joining
            // waited about 6 s for its partitions (13.8 s against 12.2 s at 0.5 s).
            .set("heartbeat.interval.ms", "500")
            .create_with_context(GroupEvents::default())
            .map_err(|cause| KafkaIssue::Client {
                context: format!("cannot create a consumer for {brokers}"),
                cause,
            })?;
        Ok(KafkaSource {
            consumer,
            brokers: brokers.to_string(),
            topic: topic_name.to_string(),
            group: group.to_string(),
            intake: MessageIntake::new(brokers, topic_name),
            cursor: PartitionCursor::default(),
            end: None,
            exit_at_end,
            troubled: false,
            commit_troubled: false,
            watermarks: None,
            last_lag_report: Instant::now(),
            in_group: false,
            assigned: false,
            marks: VecDeque::new(),
            unmarked: false,
            group_checked: None,
        })
    }

    /// Keeps each message's key and bytes with its record, so that a sink's dead letter
    /// holds the message exactly as it arrived.
    pub fn with_originals(mut self) -> KafkaSource {
        self.intake.keep_originals = true;
        self
    }

    /// Events above `bytes` are sent to the dead-letter topic `TOPIC.dlq` instead.
    pub fn with_max_event_bytes(mut self, bytes: usize) -> KafkaSource {
        self.intake.max_event_bytes = bytes;
        self
    }

    /// Counts into `metrics` (served by `--metrics-addr`), consumer lag included.
    pub fn with_metrics(mut self, metrics: Arc<PipelineMetrics>) -> KafkaSource {
        self.intake.metrics = metrics;
        self
    }

    /// Messages sent to the dead-letter topic for their size.
    pub fn dead_lettered(&self) -> u64 {
        self.intake.dead_lettered
    }

    fn report_lag(&mut self) {
        if self.last_lag_report.elapsed() >= Duration::from_secs(1) {
            if let Some(watch) = &self.watermarks {
                watch.report_lag(&self.topic, &self.cursor.next, &self.intake.metrics);
            }
            self.last_lag_report = Instant::now();
        }
    }
}

impl KafkaSource {
    /// The group's committed next offset of each partition that has one.
    fn group_offsets(&self, partitions: &[i32]) -> anyhow::Result<BTreeMap<i32, i64>> {
        let mut wanted = TopicPartitionList::new();
        for &p in partitions {
            wanted.add_partition(&self.topic, p);
        }
        // A group's coordinator may still be loading on a broker that just started (or
        // moving): those answers are worth waiting out, within the usual patience.
        let deadline = Instant::now() + CONNECT_TIMEOUT;
        let committed = loop {
            match self
                .consumer
                .committed_offsets(wanted.clone(), CONNECT_TIMEOUT)
            {
                Ok(committed) => break committed,
                Err(cause) if coordinator_busy(&cause) && Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(200));
                }
                Err(cause) => {
                    return Err(KafkaIssue::Client {
                        context: format!("cannot read group '{}''s offsets", self.group),
                        cause,
                    }
                    .into())
                }
            }
        };
        Ok(partitions
            .iter()
            .filter_map(
                |&p| match committed.find_partition(&self.topic, p)?.offset() {
                    Offset::Offset(o) if o >= 0 => Some((p, o)),
                    _ => None,
                },
            )
            .collect())
    }
}

impl KafkaSource {
    /// Every partition assigned to this reader, starting where the sink's stored positions
    /// (or, without them, the group's committed offsets) say.
    fn assign_all(
        &mut self,
        partitions: &[i32],
        stored: Option<&dyn StoredPositions>,
    ) -> anyhow::Result<()> {
        let committed = match stored {
            Some(_) => BTreeMap::new(),
            None => self.group_offsets(partitions)?,
        };
        let mut assignment = TopicPartitionList::new();
        let mut next = BTreeMap::new();
        for &p in partitions {
            let from = match stored {
                Some(stored) => stored
                    .resume_offset(&stream_name(&self.topic, p))
                    .map(|o| o as i64),
                None => committed.get(&p).copied(),
            };
            let offset = from.map_or(Offset::Beginning, Offset::Offset);
            assignment.add_partition_offset(&self.topic, p, offset)?;
            next.insert(p, from.unwrap_or(0));
        }
        self.consumer.assign(&assignment)?;
        self.cursor = PartitionCursor::new(next);
        Ok(())
    }

    /// Whether reading is over (`--exit-at-end`). Alone, once every partition has reached
    /// the end read at start. In a group, once the partitions owned have, everything read
    /// is durable and committed, and every other partition's owner has committed its end.
    fn caught_up(&mut self) -> anyhow::Result<bool> {
        let Some(end) = self.end.as_mut() else {
            return Ok(false);
        };
        if !self.in_group {
            return Ok(end.check(&self.consumer, &self.cursor.next));
        }
        let settled = !self.unmarked && self.marks.is_empty();
        if !self.assigned || !settled || !end.check(&self.consumer, &self.cursor.next) {
            return Ok(false);
        }
        // Asking the others' offsets is a round trip to the coordinator: at once the first
        // time, then now and then.
        if self
            .group_checked
            .is_some_and(|t| t.elapsed() < GROUP_CHECK_EVERY)
        {
            return Ok(false);
        }
        self.group_checked = Some(Instant::now());
        let end = end.clone();
        // Our end may lie past what any record moved (a transaction marker): commit the
        // positions now, or the other members would wait for them for ever.
        let offsets = commit_offsets(&self.consumer, &self.topic, &self.cursor.next);
        self.commit(&offsets);
        match others_reached(&self.consumer, &self.topic, &end, &self.cursor.next) {
            Ok(reached) => Ok(reached),
            // The coordinator busy or moving (seen under load: the offset fetch timed out
            // after 10 s): not the end of the run, only not known yet; asked again shortly.
            Err(cause) => {
                if !self.commit_troubled {
                    eprintln!("warning: {cause}; asking again");
                    self.commit_troubled = true;
                }
                Ok(false)
            }
        }
    }

    /// Commits `offsets` of the partitions still owned. A failure (the coordinator moving,
    /// a broker away) is said once and tried again with the next acknowledgement, which
    /// carries these offsets too; until then a crash replays a little more, it never loses
    /// anything.
    fn commit(&mut self, offsets: &BTreeMap<i32, i64>) {
        match commit_owned(&self.consumer, &self.topic, offsets, &self.cursor.next) {
            Ok(()) => self.commit_troubled = false,
            Err(cause) if !self.commit_troubled => {
                eprintln!(
                    "warning: cannot commit group '{}''s offsets ({cause}); retrying with the next batch",
                    self.group
                );
                self.commit_troubled = true;
            }
            Err(_) => {}
        }
    }
}

impl Source for KafkaSource {
    fn describe(&self) -> String {
        format!("'{}' on {}", self.topic, self.brokers)
    }

    fn resume(&mut self, stored: Option<&dyn StoredPositions>) -> anyhow::Result<()> {
        let partitions = topic::partitions(self.consumer.client(), &self.brokers, &self.topic)?;
        self.in_group = stored.is_none();
        if self.in_group {
            self.consumer
                .subscribe(&[&self.topic])
                .map_err(|cause| KafkaIssue::Client {
                    context: format!("cannot join group '{}' on '{}'", self.group, self.topic),
                    cause,
                })?;
        } else {
            self.assign_all(&partitions, stored)?;
        }
        self.watermarks = WatermarkWatch::start(&self.brokers, &self.topic, &partitions);
        if self.exit_at_end {
            self.end = Some(EndOfLog::read(&self.consumer, &self.topic, &partitions)?);
        }
        Ok(())
    }

    fn pull(&mut self, batch: &mut Vec<Record>, max: usize) -> anyhow::Result<Pull> {
        let mut wait = Duration::from_millis(100);
        for _ in 0..max {
            if self.caught_up()? {
                return Ok(if batch.is_empty() {
                    Pull::Ended
                } else {
                    Pull::More
                });
            }
            let polled = self.consumer.poll(wait);
            follow_moves(
                self.consumer.context().take(),
                &mut self.cursor,
                &mut self.marks,
                &mut self.assigned,
            );
            match polled {
                None => break,
                Some(Err(cause)) => {
                    if !self.troubled {
                        eprintln!("warning: kafka: {cause}; retrying");
                        self.troubled = true;
                    }
                    break;
                }
                Some(Ok(message)) => {
                    self.troubled = false;
                    wait = Duration::ZERO;
                    let (partition, offset) = (message.partition(), message.offset());
                    if !self.cursor.admits(partition, offset) {
                        continue;
                    }
                    batch.push(self.intake.record(&message)?);
                    self.cursor.advance(partition, offset);
                    self.unmarked = true;
                }
            }
        }
        self.report_lag();
        Ok(if batch.is_empty() {
            Pull::Idle
        } else {
            Pull::More
        })
    }

    fn wants_flush(&mut self) -> bool {
        // A group member caught up with what there was at start: what is in hand need not
        // wait for the clock (`--exit-at-end` then ends sooner). Reading alone, `pull`
        // ends the run at that point anyway, which flushes.
        self.in_group
            && self.unmarked
            && self
                .end
                .as_mut()
                .is_some_and(|end| end.check(&self.consumer, &self.cursor.next))
    }

    fn mark(&mut self) {
        let offsets = commit_offsets(&self.consumer, &self.topic, &self.cursor.next);
        self.marks.push_back(offsets);
        self.unmarked = false;
    }

    fn durable(&mut self, ack: &Ack) -> anyhow::Result<()> {
        let covered = ack.marks.min(self.marks.len());
        let reached = self.marks.drain(..covered).next_back();
        if let Some(offsets) = reached {
            self.commit(&offsets);
        }
        Ok(())
    }

    fn needs_acks(&self) -> bool {
        true
    }

    fn unmatched(&self) -> u64 {
        self.intake.unparsed
    }
}

/// Follows the partitions the group moves to and from this member.
fn follow_moves(
    moves: Vec<Moved>,
    cursor: &mut PartitionCursor,
    marks: &mut VecDeque<BTreeMap<i32, i64>>,
    assigned: &mut bool,
) {
    for moved in moves {
        match moved {
            Moved::Assigned(parts) => {
                *assigned = true;
                for (partition, start) in parts {
                    cursor.restart(partition, start);
                }
            }
            // Records in hand of a partition now owned by another member are still written
            // (the new owner, starting from the last commit, sends them again: position ids
            // make that a no-op), but never committed by this member.
            Moved::Revoked(parts) => {
                for partition in parts {
                    cursor.forget(partition);
                    for mark in marks.iter_mut() {
                        mark.remove(&partition);
                    }
                }
            }
        }
    }
}

fn coordinator_busy(error: &rdkafka::error::KafkaError) -> bool {
    use rdkafka::types::RDKafkaErrorCode::*;
    matches!(
        error.rdkafka_error_code(),
        Some(NotCoordinator | CoordinatorLoadInProgress | CoordinatorNotAvailable)
    )
}
