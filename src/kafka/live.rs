//! Reading a topic live, without a consumer group: from its end, from a point in time, or
//! from exact positions (the store's, so history and live meet without a gap or a repeat).

use super::end_of_log::PartitionCursor;
use super::Cluster;
use super::{topic, KafkaIssue, CONNECT_TIMEOUT};
use crate::event::{DecodeContext, LogEvent, Timestamp};
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::Message;
use rdkafka::{Offset, TopicPartitionList};
use std::collections::BTreeMap;
use std::time::Duration;

/// Where reading starts in each partition.
#[derive(Debug, Clone)]
pub enum StartAt {
    /// Only what arrives from now on.
    End,
    /// The first message at or after this time (by the message's timestamp).
    Time(Timestamp),
    /// The next offset of each partition; partitions not named start at their beginning.
    Positions(BTreeMap<i32, i64>),
}

pub struct LiveMessage {
    pub partition: i32,
    pub offset: i64,
    pub event: LogEvent,
}

pub struct LiveTopic {
    consumer: BaseConsumer,
    topic: String,
    cursor: PartitionCursor,
    context: DecodeContext,
}

impl LiveTopic {
    pub fn open(
        cluster: &Cluster,
        topic_name: &str,
        start: &StartAt,
    ) -> Result<LiveTopic, KafkaIssue> {
        let partitions = topic::check(cluster, topic_name)?;
        let consumer: BaseConsumer = cluster
            .config(&[
                // librdkafka wants a group even for a manual assignment; it never joins or
                // commits, so every tail is independent.
                ("group.id", "logagg-tail"),
                ("enable.auto.commit", "false"),
                ("enable.auto.offset.store", "false"),
                ("enable.partition.eof", "false"),
            ])
            .create()
            .map_err(|cause| KafkaIssue::Client {
                context: format!("cannot create a consumer for {cluster}"),
                cause,
            })?;
        let starts = start_offsets(&consumer, topic_name, &partitions, start)?;
        let mut assignment = TopicPartitionList::new();
        for (&partition, &offset) in &starts {
            assignment
                .add_partition_offset(topic_name, partition, Offset::Offset(offset))
                .map_err(|cause| KafkaIssue::Client {
                    context: "cannot build the partition assignment".into(),
                    cause,
                })?;
        }
        consumer
            .assign(&assignment)
            .map_err(|cause| KafkaIssue::Client {
                context: format!("cannot read '{topic_name}'"),
                cause,
            })?;
        Ok(LiveTopic {
            consumer,
            topic: topic_name.to_string(),
            cursor: PartitionCursor::new(starts),
            context: DecodeContext::now(),
        })
    }

    /// The partitions read and the next offset wanted from each.
    pub fn positions(&self) -> &BTreeMap<i32, i64> {
        &self.cursor.next
    }

    /// The next new message, or `None` if nothing arrived within `timeout`. An error is
    /// transient broker trouble: librdkafka reconnects by itself, so keep polling.
    pub fn poll(&mut self, timeout: Duration) -> Result<Option<LiveMessage>, KafkaIssue> {
        let message = match self.consumer.poll(timeout) {
            None => return Ok(None),
            Some(Err(cause)) => {
                return Err(KafkaIssue::Client {
                    context: format!("reading '{}'", self.topic),
                    cause,
                })
            }
            Some(Ok(message)) => message,
        };
        let (partition, offset) = (message.partition(), message.offset());
        if !self.cursor.admits(partition, offset) {
            return Ok(None);
        }
        self.cursor.advance(partition, offset);
        let event = super::decode_message(&message, &mut self.context);
        Ok(Some(LiveMessage {
            partition,
            offset,
            event,
        }))
    }
}

fn start_offsets(
    consumer: &BaseConsumer,
    topic: &str,
    partitions: &[i32],
    start: &StartAt,
) -> Result<BTreeMap<i32, i64>, KafkaIssue> {
    let end_of = |partition: i32| {
        super::retry::retrying(&format!("reading the end of {topic}/{partition}"), || {
            consumer.fetch_watermarks(topic, partition, CONNECT_TIMEOUT)
        })
        .map(|(_, high)| high)
        .map_err(|cause| KafkaIssue::Client {
            context: format!("cannot read the end of {topic}/{partition}"),
            cause,
        })
    };
    let mut starts = BTreeMap::new();
    match start {
        StartAt::End => {
            for &partition in partitions {
                starts.insert(partition, end_of(partition)?);
            }
        }
        StartAt::Positions(positions) => {
            for &partition in partitions {
                starts.insert(partition, positions.get(&partition).copied().unwrap_or(0));
            }
        }
        StartAt::Time(at) => {
            let mut asked = TopicPartitionList::new();
            for &partition in partitions {
                asked
                    .add_partition_offset(topic, partition, Offset::Offset(at.micros() / 1000))
                    .map_err(|cause| KafkaIssue::Client {
                        context: "cannot build the time lookup".into(),
                        cause,
                    })?;
            }
            let found =
                super::retry::retrying(&format!("looking up offsets by time in '{topic}'"), || {
                    consumer.offsets_for_times(asked.clone(), CONNECT_TIMEOUT)
                })
                .map_err(|cause| KafkaIssue::Client {
                    context: format!("cannot look up offsets by time in '{topic}'"),
                    cause,
                })?;
            for &partition in partitions {
                let offset = match found.find_partition(topic, partition).map(|e| e.offset()) {
                    Some(Offset::Offset(o)) => o,
                    // Nothing that recent: start at the end.
                    _ => end_of(partition)?,
                };
                starts.insert(partition, offset);
            }
        }
    }
    Ok(starts)
}
