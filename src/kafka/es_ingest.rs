//! Consuming a topic into Elasticsearch. Events go in bulk requests sized by bytes and
//! count; every item's outcome is read (even under HTTP 200); 429 and 5xx items are sent
//! again with exponential backoff and jitter, permanent rejections go to the dead-letter
//! topic, and the group's offsets are committed only once every item of the batch is
//! settled. A cluster that cannot be reached pauses consumption until it answers: nothing
//! is dropped and nothing is committed early. Ids come from topic/partition/offset and
//! items are `create`s, so a replay is answered 409 and counts as already stored.

use super::dead_letter::{DeadLetters, Rejected};
use super::ingest::{IngestOptions, IngestSummary};
use super::metrics::IngestMetrics;
use super::resume_check::{seek_back, Admit, PartitionCursor, RESUME_GRACE};
use super::watermarks::{high_watermarks, WatermarkWatch};
use super::{stream_name, topic, KafkaIssue, CONNECT_TIMEOUT};
use crate::backend::elasticsearch::bulk::{
    encode_item, parse_response, request_is_retryable, ItemOutcome,
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
        .set("fetch.wait.max.ms", "20")
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
    let targets = if options.exit_at_end {
        Some(high_watermarks(&consumer, &options.topic, &partitions)?)
    } else {
        None
    };
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
    let mut quiet_polls = 0;
    let started = Instant::now();
    let mut last_lag = Instant::now();
    let mut troubled = false;
    loop {
        if stop() {
            break;
        }
        let reached = targets.as_ref().is_some_and(|t| {
            !cursor.next.is_empty()
                && cursor
                    .next
                    .iter()
                    .all(|(p, next)| t.get(p).is_none_or(|high| next >= high))
        });
        let polled = consumer.poll(Duration::from_millis(100));
        for moved in consumer.context().take() {
            match moved {
                Moved::Assigned(parts) => {
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
            None if reached => {
                quiet_polls += 1;
                if quiet_polls >= 5
                    && (cursor.resumes_confirmed() || started.elapsed() >= RESUME_GRACE)
                {
                    break;
                }
            }
            None => {}
            Some(Err(cause)) if !troubled => {
                eprintln!("warning: kafka: {cause}; retrying");
                troubled = true;
            }
            Some(Err(_)) => {}
            Some(Ok(message)) => {
                troubled = false;
                quiet_polls = 0;
                let partition = message.partition();
                match cursor.admit(partition, message.offset()) {
                    Admit::Take => {}
                    Admit::Skip => continue,
                    Admit::SeekBack(earlier) => {
                        seek_back(&consumer, &options.topic, partition, earlier)?;
                        continue;
                    }
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

/// Commits the next offset of every partition still owned. A failure (a rebalance in
/// progress, a broker away) is reported, not fatal: the items are stored, and a later
/// commit or the next owner's replay (answered 409) covers them.
fn commit<C: ConsumerContext>(consumer: &BaseConsumer<C>, topic: &str, next: &BTreeMap<i32, i64>) {
    let mut list = TopicPartitionList::new();
    for (&p, &offset) in next {
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
            for &i in &waiting {
                let item = &batch[i];
                encode_item(&self.limits.index_prefix, &item.id, &item.event, &mut body);
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
            if self.troubled {
                eprintln!("Elasticsearch accepts bulk requests again");
                self.troubled = false;
            }
            let mut again = Vec::new();
            for (&i, outcome) in waiting.iter().zip(outcomes) {
                match outcome {
                    ItemOutcome::Stored => self.summary.stored += 1,
                    ItemOutcome::AlreadyStored => self.summary.already_stored += 1,
                    ItemOutcome::Retry { .. } => {
                        self.metrics.retries.inc();
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
