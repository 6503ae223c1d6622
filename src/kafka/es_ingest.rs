//! Consuming a topic into Elasticsearch. Events go in bulk requests sized by bytes and
//! count; every item's outcome is read (even under HTTP 200); 429 and 5xx items are sent
//! again with exponential backoff and jitter, permanent rejections go to the dead-letter
//! topic, and the group's offsets are committed only once every item of the batch is
//! settled. A cluster that cannot be reached pauses consumption until it answers: nothing
//! is dropped and nothing is committed early. Ids come from topic/partition/offset and
//! items are `create`s, so a replay is answered 409 and counts as already stored.

use super::dead_letter::{DeadLetters, Rejected};
use super::end_of_log::{EndOfLog, PartitionCursor};
use super::ingest::{IngestOptions, IngestSummary};
use super::metrics::IngestMetrics;
use super::watermarks::WatermarkWatch;
use super::{stream_name, topic, KafkaIssue, CONNECT_TIMEOUT};
use crate::backend::elasticsearch::bulk::{
    blocked_advice, encode_item, parse_response, request_is_blocked, request_is_retryable,
    ItemOutcome,
};
use crate::backend::elasticsearch::{EsClient, EsError};
use crate::event::{DecodeContext, LogEvent, Position};
use elasticsearch::http::Method;
use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer, ConsumerContext, Rebalance};
use rdkafka::message::Message;
use rdkafka::{ClientContext, Offset, TopicPartitionList};
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How bulk requests are cut.
#[derive(Debug, Clone)]
pub struct BulkLimits {
    pub index_prefix: String,
    /// Bytes of NDJSON per request (Elastic suggests 5-15 MB).
    pub bytes: usize,
    pub events: usize,
}

struct Pending {
    id: String,
    event: LogEvent,
    partition: i32,
    offset: i64,
    key: Option<Vec<u8>>,
    payload: Vec<u8>,
}

/// Longest pause between attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(10);

pub fn run(
    options: &IngestOptions,
    limits: &BulkLimits,
    client: &EsClient,
    metrics: &IngestMetrics,
    stop: impl Fn() -> bool,
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
    let mut end = if options.exit_at_end {
        Some(EndOfLog::read(&consumer, &options.topic, &partitions)?)
    } else {
        None
    };
    let mut assigned = false;
    let mut group_checked = Instant::now();
    let watermarks = WatermarkWatch::start(&options.brokers, &options.topic, &partitions);
    let mut sink = Sink {
        client,
        limits,
        options,
        metrics,
        dead_letters: None,
        summary: IngestSummary::default(),
        troubled: false,
    };
    let mut cursor = PartitionCursor::new(BTreeMap::new());
    let mut streams: BTreeMap<i32, String> = BTreeMap::new();
    let mut batch: Vec<Pending> = Vec::new();
    let mut batch_bytes = 0usize;
    let mut batch_started = Instant::now();
    let mut context = DecodeContext::now();
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
            if end.check(&consumer, &cursor.next) {
                if !sink.settle(&mut batch, &stop)? {
                    return Ok(sink.summary);
                }
                batch_bytes = 0;
                commit(&consumer, &options.topic, &cursor.next);
                if group_checked.elapsed() >= Duration::from_millis(500) {
                    group_checked = Instant::now();
                    if group_reached(&consumer, &options.topic, end, &cursor.next)? {
                        break;
                    }
                }
            }
        }
        let polled = consumer.poll(Duration::from_millis(100));
        for moved in consumer.context().take() {
            match moved {
                Moved::Assigned(parts) => {
                    assigned = true;
                    for (partition, start) in parts {
                        cursor.restart(partition, start);
                    }
                }
                // The batch in hand may hold events of partitions now owned by another
                // member, which starts from the last commit and sends them again: their
                // ids make that a no-op. Settle it, then commit what is still ours.
                Moved::Revoked(parts) => {
                    if !sink.settle(&mut batch, &stop)? {
                        return Ok(sink.summary);
                    }
                    batch_bytes = 0;
                    for partition in parts {
                        cursor.forget(partition);
                    }
                    commit(&consumer, &options.topic, &cursor.next);
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
                if !cursor.admits(partition, message.offset()) {
                    continue;
                }
                let payload = message.payload().unwrap_or_default();
                metrics.events_in.inc();
                metrics.bytes_in.inc_by(payload.len() as u64);
                // Larger than a bulk request may be: it would block the partition
                // forever, so it is a dead letter right away.
                if let Some(reason) = options.oversize(payload.len(), "the limit") {
                    sink.dead_letter(&message, &reason)?;
                    cursor.advance(partition, message.offset());
                    continue;
                }
                let event = super::decode_message(&message, &mut context);
                if event.unparsed {
                    sink.summary.unparsed += 1;
                    metrics.unparsed.inc();
                }
                metrics.count_event(&event.service, event.level.as_str());
                // Named once per partition rather than per message on the hot path.
                let stream = streams
                    .entry(partition)
                    .or_insert_with(|| stream_name(&options.topic, partition));
                let id = Position {
                    stream,
                    offset: message.offset() as u64,
                }
                .event_id();
                batch_bytes += payload.len() + 160;
                batch.push(Pending {
                    id,
                    event,
                    partition,
                    offset: message.offset(),
                    key: message.key().map(<[u8]>::to_vec),
                    payload: payload.to_vec(),
                });
                cursor.advance(partition, message.offset());
            }
        }
        if last_lag.elapsed() >= Duration::from_secs(1) {
            if let Some(watch) = &watermarks {
                watch.report_lag(&options.topic, &cursor.next, metrics);
            }
            last_lag = Instant::now();
        }
        let due = !batch.is_empty()
            && (batch.len() >= limits.events
                || batch_bytes >= limits.bytes
                || batch_started.elapsed() >= options.batch.interval);
        if due {
            if !sink.settle(&mut batch, &stop)? {
                // Stopped during an outage: the batch was never accepted, so nothing is
                // committed and the next run sends it again.
                return Ok(sink.summary);
            }
            commit(&consumer, &options.topic, &cursor.next);
            batch_bytes = 0;
            batch_started = Instant::now();
        } else if batch.is_empty() {
            batch_started = Instant::now();
        }
    }
    // A batch left unsettled (stopped during an outage) is not committed: sent again later.
    if sink.settle(&mut batch, &stop)? {
        commit(&consumer, &options.topic, &cursor.next);
    }
    Ok(sink.summary)
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

/// Commits the next offset of every partition still owned: what was handled, or the
/// consumer's position where that is further (past a transaction marker, say), since every
/// message before the position is settled when this is called. A failure (a rebalance in
/// progress, a broker away) is reported, not fatal: the items are stored, and a later
/// commit or the next owner's replay (answered 409) covers them.
fn commit<C: ConsumerContext>(consumer: &BaseConsumer<C>, topic: &str, next: &BTreeMap<i32, i64>) {
    let positions = consumer.position().ok();
    let mut list = TopicPartitionList::new();
    for (&p, &handled) in next {
        let position = positions
            .as_ref()
            .and_then(|l| l.find_partition(topic, p))
            .and_then(|e| match e.offset() {
                Offset::Offset(o) => Some(o),
                _ => None,
            });
        let offset = position.map_or(handled, |o| o.max(handled));
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

struct Sink<'a> {
    client: &'a EsClient,
    limits: &'a BulkLimits,
    options: &'a IngestOptions,
    metrics: &'a IngestMetrics,
    dead_letters: Option<DeadLetters>,
    summary: IngestSummary,
    troubled: bool,
}

impl Sink<'_> {
    /// Sends the batch until every item is stored, already stored or dead-lettered, and
    /// waits for the dead letters (also those of an empty batch) to be confirmed.
    /// Returns false if `stop` asked to end while the cluster was not accepting it.
    fn settle(
        &mut self,
        batch: &mut Vec<Pending>,
        stop: &impl Fn() -> bool,
    ) -> Result<bool, anyhow::Error> {
        let started = Instant::now();
        let mut waiting: Vec<usize> = (0..batch.len()).collect();
        let mut attempt = 0u32;
        let mut body = Vec::with_capacity(self.limits.bytes + 1024);
        while !waiting.is_empty() {
            body.clear();
            let ingested = crate::event::Timestamp::now().to_rfc3339();
            for &i in &waiting {
                let item = &batch[i];
                encode_item(
                    &self.limits.index_prefix,
                    &item.id,
                    &item.event,
                    &ingested,
                    &mut body,
                );
            }
            let reply = self
                .client
                .request(Method::Post, "/_bulk", Some(body.clone()), true);
            let outcomes = match reply {
                Ok(reply) if (200..300).contains(&reply.status) => {
                    match parse_response(&reply.body, waiting.len()) {
                        Ok(outcomes) => outcomes,
                        Err(problem) => {
                            self.trouble(&problem);
                            if !self.pause(&mut attempt, stop) {
                                return Ok(false);
                            }
                            continue;
                        }
                    }
                }
                Ok(reply) if request_is_retryable(reply.status) => {
                    self.trouble(&format!(
                        "the cluster answered HTTP {} to a bulk request",
                        reply.status
                    ));
                    if !self.pause(&mut attempt, stop) {
                        return Ok(false);
                    }
                    continue;
                }
                Ok(reply) if request_is_blocked(reply.status) => {
                    let reason = crate::backend::elasticsearch::client::error_reason(&reply.body);
                    self.trouble(&blocked_advice(reply.status, &reason));
                    if !self.pause(&mut attempt, stop) {
                        return Ok(false);
                    }
                    continue;
                }
                Ok(reply) => {
                    return Err(EsError::Refused {
                        what: "a bulk request".into(),
                        status: reply.status,
                        reason: crate::backend::elasticsearch::client::error_reason(&reply.body),
                    }
                    .into())
                }
                Err(e) => {
                    self.trouble(&e.to_string());
                    if !self.pause(&mut attempt, stop) {
                        return Ok(false);
                    }
                    continue;
                }
            };
            let mut again = Vec::new();
            let mut blocked = false;
            for (&i, outcome) in waiting.iter().zip(outcomes) {
                match outcome {
                    ItemOutcome::Stored => self.summary.stored += 1,
                    ItemOutcome::AlreadyStored => self.summary.already_stored += 1,
                    ItemOutcome::Retry { .. } => {
                        self.metrics.retries.inc();
                        again.push(i);
                    }
                    ItemOutcome::Blocked { status, reason } => {
                        self.trouble(&blocked_advice(status, &reason));
                        blocked = true;
                        again.push(i);
                    }
                    ItemOutcome::Rejected { status, reason } => {
                        let item = &batch[i];
                        let letters = match self.dead_letters.as_mut() {
                            Some(letters) => letters,
                            None => self.dead_letters.insert(DeadLetters::open(
                                &self.options.brokers,
                                &self.options.topic,
                            )?),
                        };
                        letters.send_parts(
                            &Rejected {
                                topic: &self.options.topic,
                                partition: item.partition,
                                offset: item.offset,
                                key: item.key.as_deref(),
                                payload: &item.payload,
                            },
                            &format!("Elasticsearch rejected it (HTTP {status}): {reason}"),
                        )?;
                        self.metrics.dead_letters.inc();
                        self.summary.dead_lettered += 1;
                    }
                }
            }
            if self.troubled && !blocked {
                eprintln!("Elasticsearch accepts bulk requests again");
                self.troubled = false;
            }
            waiting = again;
            if !waiting.is_empty() && !self.pause(&mut attempt, stop) {
                return Ok(false);
            }
        }
        if let Some(letters) = &self.dead_letters {
            letters.settle()?;
        }
        self.metrics.events_out.inc_by(batch.len() as u64);
        self.metrics
            .commit_seconds
            .observe(started.elapsed().as_secs_f64());
        batch.clear();
        Ok(true)
    }

    fn letters(&mut self) -> Result<&mut DeadLetters, KafkaIssue> {
        match self.dead_letters {
            Some(ref mut letters) => Ok(letters),
            None => Ok(self.dead_letters.insert(DeadLetters::open(
                &self.options.brokers,
                &self.options.topic,
            )?)),
        }
    }

    /// Rejects a message before it is ever sent (it is confirmed with the next batch).
    fn dead_letter(
        &mut self,
        message: &rdkafka::message::BorrowedMessage<'_>,
        reason: &str,
    ) -> Result<(), KafkaIssue> {
        self.letters()?.send(message, reason)?;
        self.metrics.dead_letters.inc();
        self.summary.dead_lettered += 1;
        Ok(())
    }

    fn trouble(&mut self, problem: &str) {
        self.metrics.retries.inc();
        if !self.troubled {
            eprintln!(
                "warning: {problem}; retrying (nothing is committed until the batch is stored)"
            );
            self.troubled = true;
        }
    }

    /// Waits before the next attempt: exponential, capped, with jitter so that many
    /// ingestors do not retry in step. Returns false if `stop` asked to end meanwhile.
    fn pause(&self, attempt: &mut u32, stop: &impl Fn() -> bool) -> bool {
        let ceiling = Duration::from_millis(100)
            .saturating_mul(1u32 << (*attempt).min(10))
            .min(MAX_BACKOFF);
        let wait = ceiling.mul_f64(0.5 + fastrand::f64() / 2.0);
        *attempt += 1;
        let until = Instant::now() + wait;
        while Instant::now() < until {
            if stop() {
                return false;
            }
            std::thread::sleep(Duration::from_millis(20).min(wait));
        }
        true
    }
}
