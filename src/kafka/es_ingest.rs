//! Consuming a topic into Elasticsearch. Events go in bulk requests sized by bytes and
//! count (see `es_sink`, which settles them on a thread of its own while the next batch is
//! read); every item's outcome is read (even under HTTP 200), and the group's offsets are
//! committed only once every item of a batch, and of every batch before it, is settled. A
//! cluster that cannot be reached pauses consumption until it answers: nothing is dropped
//! and nothing is committed early. Ids come from topic/partition/offset and items are
//! `create`s, so a replay is answered 409 and counts as already stored.

use super::end_of_log::{EndOfLog, PartitionCursor};
use super::es_sink::{serve, Done, Letter, Pending, Sink, Work};
use super::ingest::{IngestOptions, IngestSummary};
use super::watermarks::WatermarkWatch;
use super::{stream_name, topic, KafkaIssue, CONNECT_TIMEOUT};
use crate::backend::elasticsearch::EsClient;
use crate::event::{DecodeContext, Position};
use crate::pipeline::metrics::PipelineMetrics;
use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer, ConsumerContext, Rebalance};
use rdkafka::message::Message;
use rdkafka::{ClientContext, Offset, TopicPartitionList};
use std::collections::BTreeMap;
use std::sync::mpsc::{channel, sync_channel, Receiver, SyncSender};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub use super::es_sink::BulkLimits;

pub fn run(
    options: &IngestOptions,
    limits: &BulkLimits,
    client: &EsClient,
    metrics: &PipelineMetrics,
    stop: impl Fn() -> bool + Sync,
) -> Result<IngestSummary, anyhow::Error> {
    let consumer: BaseConsumer<GroupEvents> = super::client_config(&options.brokers)
        .set("group.id", &options.group)
        .set("enable.auto.commit", "false")
        .set("enable.auto.offset.store", "false")
        .set("auto.offset.reset", "earliest")
        .set("enable.partition.eof", "false")
        .create_with_context(GroupEvents::default())
        .map_err(|cause| KafkaIssue::Client {
            context: format!("cannot create a consumer for {}", options.brokers),
            cause,
        })?;
    let partitions = topic::partitions(consumer.client(), &options.brokers, &options.topic)?;
    // Several ingestors in one group share the partitions; each starts a partition where
    // the group's committed offset says (the checkpoint of this sink).
    consumer
        .subscribe(&[&options.topic])
        .map_err(|cause| KafkaIssue::Client {
            context: format!("cannot consume '{}'", options.topic),
            cause,
        })?;
    let end = if options.exit_at_end {
        Some(EndOfLog::read(&consumer, &options.topic, &partitions)?)
    } else {
        None
    };
    let sink = Sink {
        bulk: crate::backend::elasticsearch::bulk_writer::BulkWriter::new(
            client,
            &limits.index_prefix,
        ),
        options,
        metrics,
        dead_letters: None,
        summary: IngestSummary::default(),
    };
    let (work, to_settle) = sync_channel::<Work>(0);
    let (report, settled) = channel::<Done>();
    std::thread::scope(|scope| {
        let sender = std::thread::Builder::new()
            .name("bulk".into())
            .spawn_scoped(scope, || serve(sink, to_settle, report, &stop))?;
        let mut reader = Reader {
            consumer: &consumer,
            options,
            limits,
            metrics,
            pipeline: Pipeline {
                work,
                settled,
                outstanding: 0,
            },
            cursor: PartitionCursor::new(BTreeMap::new()),
            batch: Vec::new(),
            batch_bytes: 0,
            unparsed: 0,
        };
        let read = reader.read(end, &partitions, &stop);
        let unparsed = reader.unparsed;
        drop(reader);
        let mut summary = sender
            .join()
            .map_err(|_| anyhow::anyhow!("the bulk sender stopped unexpectedly"))?;
        summary.unparsed += unparsed;
        read.map(|()| summary)
    })
}

/// The consumer's side: reads messages into batches and hands them to the sink.
struct Reader<'a> {
    consumer: &'a BaseConsumer<GroupEvents>,
    options: &'a IngestOptions,
    limits: &'a BulkLimits,
    metrics: &'a PipelineMetrics,
    pipeline: Pipeline,
    cursor: PartitionCursor,
    batch: Vec<Pending>,
    batch_bytes: usize,
    unparsed: u64,
}

/// Whether to go on after handing work over.
#[derive(PartialEq, Eq)]
enum Flow {
    Go,
    /// The sink stopped during an outage (asked to): nothing more is committed.
    Stopped,
}

impl Reader<'_> {
    /// Reads until `stop`, or with `end` until the group is caught up.
    fn read(
        &mut self,
        mut end: Option<EndOfLog>,
        partitions: &[i32],
        stop: &impl Fn() -> bool,
    ) -> Result<(), anyhow::Error> {
        let topic = self.options.topic.clone();
        let watermarks = WatermarkWatch::start(&self.options.brokers, &topic, partitions);
        let mut streams: BTreeMap<i32, String> = BTreeMap::new();
        let mut context = DecodeContext::now();
        let mut assigned = false;
        let mut group_checked = Instant::now();
        let mut batch_started = Instant::now();
        let mut last_lag = Instant::now();
        let mut troubled = false;
        loop {
            if stop() {
                break;
            }
            // Caught up only once the group is: our partitions at their ends (by position),
            // settled and committed, and every other partition committed at its end by the
            // member that owns it. Never judged before the assignment has arrived.
            if let Some(end) = end.as_mut().filter(|_| assigned) {
                if end.check(self.consumer, &self.cursor.next) {
                    if self.drain()? == Flow::Stopped {
                        return Ok(());
                    }
                    if group_checked.elapsed() >= Duration::from_millis(500) {
                        group_checked = Instant::now();
                        if group_reached(self.consumer, &topic, end, &self.cursor.next)? {
                            return Ok(());
                        }
                    }
                }
            }
            let polled = self.consumer.poll(Duration::from_millis(100));
            for moved in self.consumer.context().take() {
                match moved {
                    Moved::Assigned(parts) => {
                        assigned = true;
                        for (partition, start) in parts {
                            self.cursor.restart(partition, start);
                        }
                    }
                    // The batches in hand may hold events of partitions now owned by
                    // another member, which starts from the last commit and sends them
                    // again: their ids make that a no-op. Settle them, and commit only
                    // what is still ours.
                    Moved::Revoked(parts) => {
                        for partition in parts {
                            self.cursor.forget(partition);
                        }
                        if self.drain()? == Flow::Stopped {
                            return Ok(());
                        }
                    }
                }
            }
            match polled {
                None => {}
                Some(Err(cause)) if !troubled => {
                    eprintln!("warning: kafka: {cause}; retrying");
                    troubled = true;
                }
                Some(Err(_)) => {}
                Some(Ok(message)) => {
                    troubled = false;
                    let partition = message.partition();
                    if !self.cursor.admits(partition, message.offset()) {
                        continue;
                    }
                    let stream = streams
                        .entry(partition)
                        .or_insert_with(|| stream_name(&topic, partition));
                    if self.take(&message, stream, &mut context)? == Flow::Stopped {
                        return Ok(());
                    }
                }
            }
            if last_lag.elapsed() >= Duration::from_secs(1) {
                if let Some(watch) = &watermarks {
                    watch.report_lag(&topic, &self.cursor.next, self.metrics);
                }
                last_lag = Instant::now();
            }
            let due = !self.batch.is_empty()
                && (self.batch.len() >= self.limits.events
                    || self.batch_bytes >= self.limits.bytes
                    || batch_started.elapsed() >= self.options.batch.interval);
            if due {
                if self.hand_off()? == Flow::Stopped {
                    return Ok(());
                }
                batch_started = Instant::now();
            } else if self.batch.is_empty() {
                batch_started = Instant::now();
            }
            if self
                .pipeline
                .collect(self.consumer, &topic, &self.cursor.next, false)?
                == Flow::Stopped
            {
                return Ok(());
            }
        }
        // What was read is settled before leaving; a batch left unsettled (stopped during
        // an outage) is not committed: it is sent again later.
        self.drain().map(|_| ())
    }

    /// Adds a message to the batch (or, over the size limit, dead-letters it).
    fn take(
        &mut self,
        message: &rdkafka::message::BorrowedMessage<'_>,
        stream: &str,
        context: &mut DecodeContext,
    ) -> Result<Flow, anyhow::Error> {
        let partition = message.partition();
        let payload = message.payload().unwrap_or_default();
        self.metrics.events_in.inc();
        self.metrics.bytes_in.inc_by(payload.len() as u64);
        self.cursor.advance(partition, message.offset());
        // Larger than a bulk request may be: it would block the partition forever, so it
        // is a dead letter right away (confirmed with the next batch).
        if let Some(reason) = self.options.oversize(payload.len(), "the limit") {
            let letter = Letter {
                partition,
                offset: message.offset(),
                key: message.key().map(<[u8]>::to_vec),
                payload: payload.to_vec(),
                reason,
            };
            return self.pipeline.send(Work::Letter(letter));
        }
        let event = super::decode_message(message, context);
        if event.unparsed {
            self.unparsed += 1;
            self.metrics.unparsed.inc();
        }
        self.metrics
            .count_event(&event.service, event.level.as_str());
        let id = Position {
            stream,
            offset: message.offset() as u64,
        }
        .event_id();
        self.batch_bytes += payload.len() + 160;
        self.batch.push(Pending {
            id,
            event,
            partition,
            offset: message.offset(),
            key: message.key().map(<[u8]>::to_vec),
            payload: payload.to_vec(),
        });
        Ok(Flow::Go)
    }

    /// Hands the batch to the sink (waiting while the one before is still in flight),
    /// with the offsets to commit once it is settled: every message read so far is in it
    /// or settled before it, so the consumer's positions now are exact.
    fn hand_off(&mut self) -> Result<Flow, anyhow::Error> {
        let commit = commit_offsets(self.consumer, &self.options.topic, &self.cursor.next);
        let batch = std::mem::take(&mut self.batch);
        self.batch_bytes = 0;
        self.pipeline.send(Work::Batch { batch, commit })
    }

    /// Hands over what is read (even nothing: dead letters are confirmed with a batch)
    /// and waits until all of it is settled and committed.
    fn drain(&mut self) -> Result<Flow, anyhow::Error> {
        if self.hand_off()? == Flow::Stopped {
            return Ok(Flow::Stopped);
        }
        self.pipeline
            .collect(self.consumer, &self.options.topic, &self.cursor.next, true)
    }
}

/// The channel to the sink's thread and the batches it has not reported yet.
struct Pipeline {
    work: SyncSender<Work>,
    settled: Receiver<Done>,
    outstanding: usize,
}

impl Pipeline {
    fn send(&mut self, work: Work) -> Result<Flow, anyhow::Error> {
        let batch = matches!(work, Work::Batch { .. });
        if self.work.send(work).is_err() {
            // The sink has ended: what it reported says why.
            return self.last_failure().map(|()| Flow::Stopped);
        }
        if batch {
            self.outstanding += 1;
        }
        Ok(Flow::Go)
    }

    /// Commits what the sink has settled, in order; with `wait`, until nothing is left.
    /// Only partitions still owned are committed.
    fn collect<C: ConsumerContext>(
        &mut self,
        consumer: &BaseConsumer<C>,
        topic: &str,
        owned: &BTreeMap<i32, i64>,
        wait: bool,
    ) -> Result<Flow, anyhow::Error> {
        while self.outstanding > 0 {
            let report = if wait {
                self.settled.recv().ok()
            } else {
                match self.settled.try_recv() {
                    Ok(report) => Some(report),
                    Err(std::sync::mpsc::TryRecvError::Empty) => return Ok(Flow::Go),
                    Err(std::sync::mpsc::TryRecvError::Disconnected) => None,
                }
            };
            match report {
                Some(Done::Settled { commit }) => {
                    self.outstanding -= 1;
                    commit_owned(consumer, topic, &commit, owned);
                }
                Some(Done::Stopped) | None => return Ok(Flow::Stopped),
                Some(Done::Failed(e)) => return Err(e),
            }
        }
        Ok(Flow::Go)
    }

    /// After the sink hung up: the failure it reported, if that is why.
    fn last_failure(&mut self) -> Result<(), anyhow::Error> {
        while let Ok(report) = self.settled.recv() {
            if let Done::Failed(e) = report {
                return Err(e);
            }
        }
        Ok(())
    }
}

/// Whether the group as a whole has reached `end`: partitions we own by our position (the
/// batch is settled and committed when this is asked), the others by the offsets their
/// owners committed. A partition nobody owns and nobody committed to its end is not done,
/// whatever this member has seen.
fn group_reached<C: ConsumerContext>(
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
    let committed = consumer
        .committed_offsets(others, CONNECT_TIMEOUT)
        .map_err(|cause| KafkaIssue::Client {
            context: format!("cannot read the group's committed offsets of '{topic}'"),
            cause,
        })?;
    Ok(committed.elements().iter().all(|e| match e.offset() {
        Offset::Offset(o) => end.ends.get(&e.partition()).is_none_or(|&last| o >= last),
        _ => false,
    }))
}

/// The next offset of each partition read: what was handled, or the consumer's position
/// where that is further (past a transaction marker, say).
fn commit_offsets<C: ConsumerContext>(
    consumer: &BaseConsumer<C>,
    topic: &str,
    next: &BTreeMap<i32, i64>,
) -> BTreeMap<i32, i64> {
    let positions = consumer.position().ok();
    next.iter()
        .map(|(&p, &handled)| {
            let position = positions
                .as_ref()
                .and_then(|l| l.find_partition(topic, p))
                .and_then(|e| match e.offset() {
                    Offset::Offset(o) => Some(o),
                    _ => None,
                });
            (p, position.map_or(handled, |o| o.max(handled)))
        })
        .collect()
}

/// Commits settled offsets of the partitions still owned. A failure (a rebalance in
/// progress, a broker away) is reported, not fatal: the items are stored, and a later
/// commit or the next owner's replay (answered 409) covers them.
fn commit_owned<C: ConsumerContext>(
    consumer: &BaseConsumer<C>,
    topic: &str,
    offsets: &BTreeMap<i32, i64>,
    owned: &BTreeMap<i32, i64>,
) {
    let mut list = TopicPartitionList::new();
    for (&p, &offset) in offsets.iter().filter(|(p, _)| owned.contains_key(p)) {
        if list
            .add_partition_offset(topic, p, Offset::Offset(offset))
            .is_err()
        {
            return;
        }
    }
    if list.count() == 0 {
        return;
    }
    if let Err(e) = consumer.commit(&list, CommitMode::Sync) {
        eprintln!("warning: cannot commit the offsets of '{topic}' ({e}); stored events are safe and a replay of them is a no-op");
    }
}

/// Partition moves reported by librdkafka during `poll`, handled by the loop after it.
enum Moved {
    /// Partitions received, with the group's committed offset (where reading starts).
    Assigned(Vec<(i32, i64)>),
    Revoked(Vec<i32>),
}

#[derive(Default)]
struct GroupEvents {
    moves: Mutex<Vec<Moved>>,
}

impl GroupEvents {
    fn take(&self) -> Vec<Moved> {
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
    fn post_rebalance(&self, consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        match rebalance {
            Rebalance::Assign(partitions) => {
                let committed = consumer
                    .committed_offsets((*partitions).clone(), CONNECT_TIMEOUT)
                    .ok();
                let parts = partitions
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
                    .collect();
                self.push(Moved::Assigned(parts));
            }
            Rebalance::Revoke(partitions) => {
                self.push(Moved::Revoked(
                    partitions
                        .elements()
                        .iter()
                        .map(|e| e.partition())
                        .collect(),
                ));
            }
            Rebalance::Error(_) => {}
        }
    }
}
