//! Consuming a topic into the embedded store, exactly once.
//!
//! The store keeps each partition's next offset in its commit payload, in the same atomic
//! commit as the events. On start the consumer is assigned every partition at exactly
//! those offsets, so a crash at any point replays only what the store had not committed,
//! and every event's id comes from topic/partition/offset. The consumer group's offsets
//! are committed too, after the store, so lag is visible to Kafka tooling.

use super::dead_letter::DeadLetters;
use super::end_of_log::{EndOfLog, PartitionCursor};
use super::metrics::IngestMetrics;
use super::watermarks::WatermarkWatch;
use super::{stream_name, topic, KafkaIssue};
use crate::backend::embedded::StoreWriter;
use crate::event::{DecodeContext, Position};
use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer};
use rdkafka::message::Message;
use rdkafka::{Offset, TopicPartitionList};
use std::collections::BTreeMap;
use std::time::Duration;

pub struct IngestOptions {
    pub brokers: String,
    pub topic: String,
    pub group: String,
    pub batch: BatchLimits,
    /// Stop once everything present at start is stored.
    pub exit_at_end: bool,
    /// Events above this size are rejected by the store and dead-lettered.
    pub max_event_bytes: usize,
}

impl IngestOptions {
    /// Why an event of `len` bytes is refused, if it is over `max_event_bytes`;
    /// `whose` names the limit ("the store's limit", "the limit").
    pub fn oversize(&self, len: usize, whose: &str) -> Option<String> {
        (len > self.max_event_bytes).then(|| {
            format!(
                "event of {len} bytes is over {whose} of {} bytes (--max-event-bytes)",
                self.max_event_bytes
            )
        })
    }
}

/// A batch is committed when any limit is reached.
#[derive(Debug, Clone, Copy)]
pub struct BatchLimits {
    pub interval: Duration,
    pub events: u64,
    pub bytes: u64,
}

#[derive(Debug, Default, Clone, Copy)]
pub struct IngestSummary {
    pub stored: u64,
    /// Sent again after a restart and found already stored (Elasticsearch answered 409).
    pub already_stored: u64,
    pub unparsed: u64,
    pub dead_lettered: u64,
}

/// Runs until `stop()` says so (or, with `exit_at_end`, until caught up).
pub fn run(
    options: &IngestOptions,
    store: &mut StoreWriter,
    metrics: &IngestMetrics,
    stop: impl Fn() -> bool,
) -> Result<IngestSummary, anyhow::Error> {
    let consumer: BaseConsumer = super::client_config(&options.brokers)
        .set("group.id", &options.group)
        .set("enable.auto.commit", "false")
        .set("enable.auto.offset.store", "false")
        .set("auto.offset.reset", "earliest")
        .set("enable.partition.eof", "false")
        .set("queued.min.messages", "200000")
        // Larger fetches while catching up: fewer round trips for the broker to serve on
        // the cores the store indexes on.
        .set("max.partition.fetch.bytes", "8388608")
        .set("fetch.max.bytes", "67108864")
        .create()
        .map_err(|cause| KafkaIssue::Client {
            context: format!("cannot create a consumer for {}", options.brokers),
            cause,
        })?;
    let partitions = topic::partitions(consumer.client(), &options.brokers, &options.topic)?;
    let mut assignment = TopicPartitionList::new();
    let mut next: BTreeMap<i32, i64> = BTreeMap::new();
    // Named once here rather than per message on the hot path.
    let streams: BTreeMap<i32, String> = partitions
        .iter()
        .map(|&p| (p, stream_name(&options.topic, p)))
        .collect();
    for (&partition, stream) in &streams {
        let resume = store.resume_offset(stream);
        let offset = match resume {
            Some(o) => Offset::Offset(o as i64),
            None => Offset::Beginning,
        };
        assignment
            .add_partition_offset(&options.topic, partition, offset)
            .map_err(|cause| KafkaIssue::Client {
                context: "cannot build the partition assignment".into(),
                cause,
            })?;
        next.insert(partition, resume.map_or(0, |o| o as i64));
    }
    consumer
        .assign(&assignment)
        .map_err(|cause| KafkaIssue::Client {
            context: format!("cannot consume '{}'", options.topic),
            cause,
        })?;
    let mut end = if options.exit_at_end {
        Some(EndOfLog::read(&consumer, &options.topic, &partitions)?)
    } else {
        None
    };

    let mut cursor = PartitionCursor::new(next);
    let watermarks = WatermarkWatch::start(&options.brokers, &options.topic, &partitions);
    let mut last_lag_report = std::time::Instant::now();
    let mut summary = IngestSummary::default();
    let mut context = DecodeContext::now();
    let mut troubled = false;
    let mut dead_letters: Option<DeadLetters> = None;
    let mut batch_bytes = 0u64;
    loop {
        if stop() {
            break;
        }
        if end
            .as_mut()
            .is_some_and(|end| end.check(&consumer, &cursor.next))
        {
            break;
        }
        match consumer.poll(Duration::from_millis(100)) {
            None => {}
            // Transient broker trouble: librdkafka reconnects by itself; keep polling,
            // and say so once per outage rather than every poll.
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
                batch_bytes += payload.len() as u64;
                let fallback;
                let stream = match streams.get(&partition) {
                    Some(name) => name.as_str(),
                    // A partition added after start: still stored under its own name.
                    None => {
                        fallback = stream_name(&options.topic, partition);
                        fallback.as_str()
                    }
                };
                let position = Position {
                    stream,
                    offset: message.offset() as u64,
                };
                if let Some(reason) = options.oversize(payload.len(), "the store's limit") {
                    let letters = match dead_letters.as_mut() {
                        Some(letters) => letters,
                        None => dead_letters
                            .insert(DeadLetters::open(&options.brokers, &options.topic)?),
                    };
                    letters.send(&message, &reason)?;
                    store.skip(&position);
                    metrics.dead_letters.inc();
                    summary.dead_lettered += 1;
                    cursor.advance(partition, message.offset());
                    continue;
                }
                let event = super::decode_message(&message, &mut context);
                if event.unparsed {
                    summary.unparsed += 1;
                    metrics.unparsed.inc();
                }
                metrics.count_event(&event.service, event.level.as_str());
                store.append(&event, &position)?;
                cursor.advance(partition, message.offset());
                summary.stored += 1;
            }
        }
        // Lag moves while idle too (producers keep writing), so refresh it on a clock.
        if last_lag_report.elapsed() >= Duration::from_secs(1) {
            if let Some(watch) = &watermarks {
                watch.report_lag(&options.topic, &cursor.next, metrics);
            }
            last_lag_report = std::time::Instant::now();
        }
        let full =
            store.uncommitted() >= options.batch.events || batch_bytes >= options.batch.bytes;
        if (full && store.has_pending()) || store.is_due(options.batch.interval) {
            commit_batch(store, dead_letters.as_ref(), metrics)?;
            batch_bytes = 0;
            commit_group_offsets(&consumer, &options.topic, &cursor.next, CommitMode::Async);
        }
    }
    commit_batch(store, dead_letters.as_ref(), metrics)?;
    commit_group_offsets(&consumer, &options.topic, &cursor.next, CommitMode::Sync);
    Ok(summary)
}

/// Dead letters first: the store's positions move past them only once the broker has them.
fn commit_batch(
    store: &mut StoreWriter,
    dead_letters: Option<&DeadLetters>,
    metrics: &IngestMetrics,
) -> Result<(), anyhow::Error> {
    let started = std::time::Instant::now();
    if let Some(letters) = dead_letters {
        letters.settle()?;
    }
    let committed = store.commit()?;
    metrics
        .commit_seconds
        .observe(started.elapsed().as_secs_f64());
    metrics.events_out.inc_by(committed.events);
    Ok(())
}

/// Best effort: the store's payload is what resumes ingestion; group offsets only show lag.
fn commit_group_offsets(
    consumer: &BaseConsumer,
    topic: &str,
    next: &BTreeMap<i32, i64>,
    mode: CommitMode,
) {
    let mut list = TopicPartitionList::new();
    for (&partition, &offset) in next {
        if offset > 0
            && list
                .add_partition_offset(topic, partition, Offset::Offset(offset))
                .is_err()
        {
            return;
        }
    }
    if list.count() > 0 {
        let _ = consumer.commit(&list, mode);
    }
}
