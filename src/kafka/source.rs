//! A Kafka topic as a pipeline source. Into a sink that keeps positions (the embedded
//! store) every partition is assigned to this reader and starts exactly where the store's
//! last commit ended, so a crash replays only what was not committed and the store holds
//! each message once; group offsets are then committed after the store, for lag tooling
//! only. Into other sinks the reader is a member of its consumer group (several share the
//! partitions: that is how ingest scales out): each partition starts at the group's
//! committed offset and the offsets are committed once the sink has made everything before
//! them durable; a rebalance waits until that is so for everything read (see
//! `Moved::Revoking`), so moving partitions replays nothing. Replays after a crash are at
//! least once, which Elasticsearch's position-derived ids turn into exactly once.

use super::end_of_log::{EndOfLog, PartitionCursor};
use super::intake::MessageIntake;
use super::membership::{commit_offsets, commit_owned, give_up, others_reached, GroupEvents};
use super::progress::Progress;
use super::watermarks::WatermarkWatch;
use super::Cluster;
use super::{stream_name, topic, KafkaIssue, CONNECT_TIMEOUT};
use crate::pipeline::metrics::PipelineMetrics;
use crate::pipeline::{Ack, Pull, Record, Source, StoredPositions};
use rdkafka::consumer::{BaseConsumer, Consumer, RebalanceProtocol};
use rdkafka::{Offset, TopicPartitionList};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How often a member that has caught up asks whether the rest of its group has.
const GROUP_CHECK_EVERY: Duration = Duration::from_millis(500);

pub struct KafkaSource {
    consumer: BaseConsumer<GroupEvents>,
    cluster: Cluster,
    topic: String,
    group: String,
    intake: MessageIntake,
    progress: Progress,
    end: Option<EndOfLog>,
    exit_at_end: bool,
    troubled: bool,
    commit_troubled: bool,
    watermarks: Option<WatermarkWatch>,
    watch_lag: bool,
    last_lag_report: Instant,
    /// Reading as a member of the group (partitions balanced among its members), not with
    /// every partition assigned.
    in_group: bool,
    group_checked: Option<Instant>,
}

impl KafkaSource {
    pub fn connect(
        cluster: &Cluster,
        topic_name: &str,
        group: &str,
        exit_at_end: bool,
    ) -> Result<KafkaSource, KafkaIssue> {
        let consumer: BaseConsumer<GroupEvents> = cluster
            .config(&[
                ("group.id", group),
                ("enable.auto.commit", "false"),
                ("enable.auto.offset.store", "false"),
                ("auto.offset.reset", "earliest"),
                ("enable.partition.eof", "false"),
                // A deep local queue while catching up: the fetcher (one thread per broker,
                // decompressing) keeps running while the pipeline works through what it
                // fetched. At the defaults it stopped at 64 MB and the two took turns: 1 M
                // events from one broker's 3 partitions, 310 k/s into stdout; with these,
                // 480 k/s (peak RSS 250 -> 350 MB). The byte bound is the memory bound.
                ("queued.min.messages", "1000000"),
                ("queued.max.messages.kbytes", "131072"),
                // Larger fetches while catching up: fewer round trips for the broker to serve
                // on the cores the sink works on.
                ("max.partition.fetch.bytes", "8388608"),
                ("fetch.max.bytes", "67108864"),
                // Eager rebalancing: a joining member gets its partitions after one round, where
                // cooperative-sticky takes two (two members into OpenSearch, 300,000 events:
                // 12.2 s against 10.3 s). Every member gives all its partitions up on each
                // rebalance, so a revocation waits until what was read is durable and committed
                // (`Moved::Revoking`): nothing is read, written or dead-lettered twice.
                ("partition.assignment.strategy", "range,roundrobin"),
                // A member learns of a rebalance from its next heartbeat: at the default 3 s a
                // second ingestor joining waited seconds for its partitions.
                ("heartbeat.interval.ms", "500"),
            ])
            .create_with_context(GroupEvents::default())
            .map_err(|cause| KafkaIssue::Client {
                context: format!("cannot create a consumer for {cluster}"),
                cause,
            })?;
        Ok(KafkaSource {
            consumer,
            cluster: cluster.clone(),
            topic: topic_name.to_string(),
            group: group.to_string(),
            intake: MessageIntake::new(cluster, topic_name),
            progress: Progress::default(),
            end: None,
            exit_at_end,
            troubled: false,
            commit_troubled: false,
            watermarks: None,
            watch_lag: false,
            last_lag_report: Instant::now(),
            in_group: false,
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

    /// Counts into `metrics` (served by `--metrics-addr`), consumer lag included when
    /// `watch_lag`.
    pub fn with_metrics(mut self, metrics: Arc<PipelineMetrics>, watch_lag: bool) -> KafkaSource {
        self.intake.metrics = metrics;
        self.watch_lag = watch_lag;
        self
    }

    /// Messages sent to the dead-letter topic for their size.
    pub fn dead_lettered(&self) -> u64 {
        self.intake.dead_lettered
    }

    fn report_lag(&mut self) {
        if self.last_lag_report.elapsed() >= Duration::from_secs(1) {
            if let Some(watch) = &self.watermarks {
                watch.report_lag(
                    &self.topic,
                    &self.progress.cursor.next,
                    &self.intake.metrics,
                );
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
        // moving): those answers are waited out.
        let committed = super::retry::retrying("reading the group's committed offsets", || {
            self.consumer
                .committed_offsets(wanted.clone(), CONNECT_TIMEOUT)
        })
        .map_err(|cause| KafkaIssue::Client {
            context: format!("cannot read group '{}''s offsets", self.group),
            cause,
        })?;
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
        self.progress.cursor = PartitionCursor::new(next);
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
            return Ok(end.check(&self.consumer, &self.progress.cursor.next));
        }
        if !self.progress.assigned
            || !self.progress.settled()
            || !end.check(&self.consumer, &self.progress.cursor.next)
        {
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
        let offsets = commit_offsets(&self.consumer, &self.topic, &self.progress.cursor.next);
        self.commit(&offsets);
        match others_reached(
            &self.consumer,
            &self.topic,
            &end,
            &self.progress.cursor.next,
        ) {
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
        match commit_owned(
            &self.consumer,
            &self.topic,
            offsets,
            &self.progress.cursor.next,
        ) {
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

impl KafkaSource {
    /// Hands the revoked partitions back once everything read of them is durable and
    /// committed (`durable` commits while they are still ours). Whether reading may go on.
    fn give_up_revoked(&mut self) -> anyhow::Result<bool> {
        if self.progress.revoking.is_empty() {
            return Ok(true);
        }
        if !self.progress.settled() {
            return Ok(false);
        }
        let partitions = std::mem::take(&mut self.progress.revoking);
        give_up(&self.consumer, &self.topic, &partitions).map_err(|cause| KafkaIssue::Client {
            context: format!(
                "cannot hand partitions of '{}' back to group '{}'",
                self.topic, self.group
            ),
            cause,
        })?;
        self.progress.forget(&partitions);
        Ok(true)
    }
}

impl Drop for KafkaSource {
    fn drop(&mut self) {
        // Everything in hand was settled by the core before the source is dropped; the
        // consumer's close revokes what is left and waits until it is handed back.
        self.consumer.context().close();
    }
}

impl Source for KafkaSource {
    fn leave_fields_text(&mut self) {
        self.intake.leave_fields_text();
    }

    fn describe(&self) -> String {
        format!("'{}' on {}", self.topic, self.cluster)
    }

    fn resume(&mut self, stored: Option<&dyn StoredPositions>) -> anyhow::Result<()> {
        let partitions = topic::partitions(self.consumer.client(), &self.cluster, &self.topic)?;
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
        if self.watch_lag {
            self.watermarks = WatermarkWatch::start(&self.cluster, &self.topic, &partitions);
        }
        if self.exit_at_end {
            self.end = Some(EndOfLog::read(&self.consumer, &self.topic, &partitions)?);
        }
        Ok(())
    }

    fn pull(&mut self, batch: &mut Vec<Record>, max: usize) -> anyhow::Result<Pull> {
        if !self.give_up_revoked()? {
            return Ok(Pull::Idle);
        }
        let mut wait = Duration::from_millis(100);
        let mut waited = false;
        for _ in 0..max {
            if self.caught_up()? {
                return Ok(if batch.is_empty() {
                    Pull::Ended
                } else {
                    Pull::More
                });
            }
            let polled = self.consumer.poll(wait);
            let moves = self.consumer.context().take();
            if !moves.is_empty() {
                // Asked only then: the protocol is a round trip to librdkafka's own thread.
                self.progress.follow(moves, eager(&self.consumer));
            }
            if !self.progress.revoking.is_empty() {
                // Whatever the poll returned is of partitions still ours (a revocation
                // waits for `give_up`), so it may be kept; nothing more is read until then.
                if let Some(Ok(message)) = polled {
                    self.progress.take(&mut self.intake, &message, batch)?;
                }
                break;
            }
            match polled {
                None => {
                    waited = !wait.is_zero();
                    break;
                }
                Some(Err(cause)) => {
                    if let Some(refusal) = KafkaIssue::refusal(self.cluster.brokers(), &cause, "") {
                        // No retry fixes a refused password or a missing ACL: stop before
                        // anything more is read (what was read is settled as usual).
                        return Err(refusal.into());
                    }
                    if !self.troubled {
                        eprintln!("warning: kafka: {cause}; retrying");
                        self.troubled = true;
                    }
                    break;
                }
                Some(Ok(message)) => {
                    self.troubled = false;
                    wait = Duration::ZERO;
                    self.progress.take(&mut self.intake, &message, batch)?;
                }
            }
        }
        self.report_lag();
        Ok(match (batch.is_empty(), waited) {
            (false, _) => Pull::More,
            // The poll waited for a message already.
            (true, true) => Pull::Waited,
            (true, false) => Pull::Idle,
        })
    }

    fn wants_flush(&mut self) -> bool {
        // A group member caught up with what there was at start: what is in hand need not
        // wait for the clock (`--exit-at-end` then ends sooner). Reading alone, `pull`
        // ends the run at that point anyway, which flushes.
        self.in_group
            && self.progress.unmarked
            && self
                .end
                .as_mut()
                .is_some_and(|end| end.check(&self.consumer, &self.progress.cursor.next))
    }

    fn mark(&mut self) {
        let offsets = commit_offsets(&self.consumer, &self.topic, &self.progress.cursor.next);
        self.progress.marks.push_back(offsets);
        self.progress.unmarked = false;
    }

    fn durable(&mut self, ack: &Ack) -> anyhow::Result<()> {
        let covered = ack.marks.min(self.progress.marks.len());
        let reached = self.progress.marks.drain(..covered).next_back();
        if let Some(offsets) = reached {
            self.commit(&offsets);
        }
        Ok(())
    }

    fn must_settle(&mut self) -> bool {
        !self.progress.revoking.is_empty()
    }

    fn needs_acks(&self) -> bool {
        true
    }

    fn recycle(&mut self, spent: &mut Vec<Record>) {
        self.intake.take_back(spent);
    }

    fn unmatched(&self) -> u64 {
        self.intake.unparsed
    }
}

fn eager(consumer: &BaseConsumer<GroupEvents>) -> bool {
    !matches!(
        consumer.rebalance_protocol(),
        RebalanceProtocol::Cooperative
    )
}
