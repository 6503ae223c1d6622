//! A Kafka topic as a pipeline source: every partition, assigned (not balanced in a
//! group). Into a sink that keeps positions (the embedded store) it starts exactly where
//! the store's last commit ended, so a crash replays only what was not committed and the
//! store holds each message once; group offsets are then committed after the store, for
//! lag tooling only. Into other sinks it starts at the group's committed offsets (the
//! beginning if none) and commits them after the sink confirmed: at least once.

use super::dead_letter::DeadLetters;
use super::end_of_log::{EndOfLog, PartitionCursor};
use super::watermarks::WatermarkWatch;
use super::{stream_name, topic, KafkaIssue, CONNECT_TIMEOUT};
use crate::event::DecodeContext;
use crate::pipeline::metrics::PipelineMetrics;
use crate::pipeline::{Ack, Pull, Record, Source, StoredPositions};
use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer};
use rdkafka::message::Message;
use rdkafka::{Offset, TopicPartitionList};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub struct KafkaSource {
    consumer: BaseConsumer,
    brokers: String,
    topic: String,
    group: String,
    streams: BTreeMap<i32, Arc<str>>,
    cursor: PartitionCursor,
    end: Option<EndOfLog>,
    exit_at_end: bool,
    context: DecodeContext,
    unparsed: u64,
    troubled: bool,
    commit_troubled: bool,
    /// Events above this size go to the dead-letter topic instead of the sink.
    max_event_bytes: usize,
    dead_letters: Option<DeadLetters>,
    pub dead_lettered: u64,
    metrics: Arc<PipelineMetrics>,
    watermarks: Option<WatermarkWatch>,
    last_lag_report: Instant,
}

impl KafkaSource {
    pub fn connect(
        brokers: &str,
        topic_name: &str,
        group: &str,
        exit_at_end: bool,
    ) -> Result<KafkaSource, KafkaIssue> {
        let consumer: BaseConsumer = super::client_config(brokers)
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
            .create()
            .map_err(|cause| KafkaIssue::Client {
                context: format!("cannot create a consumer for {brokers}"),
                cause,
            })?;
        Ok(KafkaSource {
            consumer,
            brokers: brokers.to_string(),
            topic: topic_name.to_string(),
            group: group.to_string(),
            streams: BTreeMap::new(),
            cursor: PartitionCursor::default(),
            end: None,
            exit_at_end,
            context: DecodeContext::now(),
            unparsed: 0,
            troubled: false,
            commit_troubled: false,
            max_event_bytes: usize::MAX,
            dead_letters: None,
            dead_lettered: 0,
            metrics: Arc::new(PipelineMetrics::new()),
            watermarks: None,
            last_lag_report: Instant::now(),
        })
    }

    /// Events above `bytes` are sent to the dead-letter topic `TOPIC.dlq` instead.
    pub fn with_max_event_bytes(mut self, bytes: usize) -> KafkaSource {
        self.max_event_bytes = bytes;
        self
    }

    /// Counts into `metrics` (served by `--metrics-addr`), consumer lag included.
    pub fn with_metrics(mut self, metrics: Arc<PipelineMetrics>) -> KafkaSource {
        self.metrics = metrics;
        self
    }

    fn report_lag(&mut self) {
        if self.last_lag_report.elapsed() >= Duration::from_secs(1) {
            if let Some(watch) = &self.watermarks {
                watch.report_lag(&self.topic, &self.cursor.next, &self.metrics);
            }
            self.last_lag_report = Instant::now();
        }
    }

    fn stream(streams: &mut BTreeMap<i32, Arc<str>>, topic: &str, partition: i32) -> Arc<str> {
        streams
            .entry(partition)
            .or_insert_with(|| stream_name(topic, partition).into())
            .clone()
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

impl Source for KafkaSource {
    fn describe(&self) -> String {
        format!("'{}' on {}", self.topic, self.brokers)
    }

    fn resume(&mut self, stored: Option<&dyn StoredPositions>) -> anyhow::Result<()> {
        let partitions = topic::partitions(self.consumer.client(), &self.brokers, &self.topic)?;
        let mut assignment = TopicPartitionList::new();
        let mut next = BTreeMap::new();
        let committed = match stored {
            Some(_) => BTreeMap::new(),
            None => self.group_offsets(&partitions)?,
        };
        for &p in &partitions {
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
        self.watermarks = WatermarkWatch::start(&self.brokers, &self.topic, &partitions);
        if self.exit_at_end {
            self.end = Some(EndOfLog::read(&self.consumer, &self.topic, &partitions)?);
        }
        Ok(())
    }

    fn pull(&mut self, batch: &mut Vec<Record>, max: usize) -> anyhow::Result<Pull> {
        let mut wait = Duration::from_millis(100);
        for _ in 0..max {
            if let Some(end) = self.end.as_mut() {
                if end.check(&self.consumer, &self.cursor.next) {
                    return Ok(if batch.is_empty() {
                        Pull::Ended
                    } else {
                        Pull::More
                    });
                }
            }
            match self.consumer.poll(wait) {
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
                    let bytes = message.payload_len();
                    let stream = Self::stream(&mut self.streams, &self.topic, partition);
                    let oversize = bytes > self.max_event_bytes;
                    let event = if oversize {
                        let letters = match self.dead_letters.as_mut() {
                            Some(letters) => letters,
                            None => self
                                .dead_letters
                                .insert(DeadLetters::open(&self.brokers, &self.topic)?),
                        };
                        dead_letter(letters, &message, self.max_event_bytes)?;
                        self.metrics.dead_letters.inc();
                        self.dead_lettered += 1;
                        crate::event::LogEvent::default()
                    } else {
                        let event = super::decode_message(&message, &mut self.context);
                        if event.unparsed {
                            self.unparsed += 1;
                        }
                        event
                    };
                    batch.push(Record {
                        event,
                        stream,
                        offset: offset as u64,
                        bytes,
                        skipped: oversize,
                    });
                    self.cursor.advance(partition, offset);
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

    fn durable(&mut self, _: &Ack) -> anyhow::Result<()> {
        let mut list = TopicPartitionList::new();
        for (&partition, &next) in &self.cursor.next {
            if next > 0 {
                list.add_partition_offset(&self.topic, partition, Offset::Offset(next))?;
            }
        }
        if list.count() == 0 {
            return Ok(());
        }
        // A commit that fails (the coordinator moving, a broker outage) is tried again with
        // the next acknowledgement, which carries these offsets too; until then a crash
        // replays a little more, it never loses anything.
        match self.consumer.commit(&list, CommitMode::Sync) {
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
        Ok(())
    }

    fn needs_acks(&self) -> bool {
        true
    }

    fn unmatched(&self) -> u64 {
        self.unparsed
    }
}

/// Sends an oversize message to the dead-letter topic and waits until the broker has it:
/// only then may a sink's positions move past it.
fn dead_letter(
    letters: &mut DeadLetters,
    message: &rdkafka::message::BorrowedMessage<'_>,
    limit: usize,
) -> anyhow::Result<()> {
    let reason = format!(
        "event of {} bytes is over the store's limit of {limit} bytes (--max-event-bytes)",
        message.payload_len(),
    );
    letters.send(message, &reason)?;
    letters.settle()?;
    Ok(())
}

fn coordinator_busy(error: &rdkafka::error::KafkaError) -> bool {
    use rdkafka::types::RDKafkaErrorCode::*;
    matches!(
        error.rdkafka_error_code(),
        Some(NotCoordinator | CoordinatorLoadInProgress | CoordinatorNotAvailable)
    )
}
