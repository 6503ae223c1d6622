//! A Kafka topic as a pipeline source, for `ingest --to stdout` and `ingest --to kafka`:
//! every partition, from where the consumer group's committed offsets say (the beginning
//! if none), committing the group's offsets only after the sink confirmed what was read,
//! so a crash replays rather than loses (at least once).

use super::end_of_log::{EndOfLog, PartitionCursor};
use super::{stream_name, topic, KafkaIssue, CONNECT_TIMEOUT};
use crate::event::DecodeContext;
use crate::pipeline::{Pull, Record, Source, StoredPositions};
use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer};
use rdkafka::message::Message;
use rdkafka::{Offset, TopicPartitionList};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

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
        })
    }

    fn stream(&mut self, partition: i32) -> Arc<str> {
        let topic = &self.topic;
        self.streams
            .entry(partition)
            .or_insert_with(|| stream_name(topic, partition).into())
            .clone()
    }
}

impl Source for KafkaSource {
    fn describe(&self) -> String {
        format!("'{}' on {}", self.topic, self.brokers)
    }

    fn resume(&mut self, _stored: Option<&dyn StoredPositions>) -> anyhow::Result<()> {
        let partitions = topic::partitions(self.consumer.client(), &self.brokers, &self.topic)?;
        let mut wanted = TopicPartitionList::new();
        for &p in &partitions {
            wanted.add_partition(&self.topic, p);
        }
        let committed = self
            .consumer
            .committed_offsets(wanted, CONNECT_TIMEOUT)
            .map_err(|cause| KafkaIssue::Client {
                context: format!("cannot read group '{}''s offsets", self.group),
                cause,
            })?;
        let mut assignment = TopicPartitionList::new();
        let mut next = BTreeMap::new();
        for &p in &partitions {
            let from = committed
                .find_partition(&self.topic, p)
                .and_then(|e| match e.offset() {
                    Offset::Offset(o) if o >= 0 => Some(o),
                    _ => None,
                });
            let offset = from.map_or(Offset::Beginning, Offset::Offset);
            assignment.add_partition_offset(&self.topic, p, offset)?;
            next.insert(p, from.unwrap_or(0));
        }
        self.consumer.assign(&assignment)?;
        self.cursor = PartitionCursor::new(next);
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
                    let event = super::decode_message(&message, &mut self.context);
                    if event.unparsed {
                        self.unparsed += 1;
                    }
                    let bytes = message.payload_len();
                    let stream = self.stream(partition);
                    batch.push(Record {
                        event,
                        stream,
                        offset: offset as u64,
                        bytes,
                    });
                    self.cursor.advance(partition, offset);
                }
            }
        }
        Ok(if batch.is_empty() {
            Pull::Idle
        } else {
            Pull::More
        })
    }

    fn durable(&mut self) -> anyhow::Result<()> {
        let mut list = TopicPartitionList::new();
        for (&partition, &next) in &self.cursor.next {
            if next > 0 {
                list.add_partition_offset(&self.topic, partition, Offset::Offset(next))?;
            }
        }
        if list.count() > 0 {
            self.consumer
                .commit(&list, CommitMode::Sync)
                .map_err(|cause| KafkaIssue::Client {
                    context: format!("cannot commit group '{}''s offsets", self.group),
                    cause,
                })?;
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
