//! The dead-letter topic `<topic>.dlq`: messages the sink rejected for good, kept with the
//! reason and where they came from, to be listed and replayed once the cause is fixed.

use super::end_of_log::EndOfLog;
use super::producer::{create_producer, DeliveryReports, Patience};
use super::Cluster;
use super::{topic, KafkaIssue, CONNECT_TIMEOUT};
use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer};
use rdkafka::message::{BorrowedMessage, Header, Headers, Message, OwnedHeaders};
use rdkafka::producer::{BaseProducer, BaseRecord, Producer};
use rdkafka::{Offset, TopicPartitionList};
use std::collections::BTreeMap;
use std::time::Duration;

pub const REASON_HEADER: &str = "logagg-reason";
/// `topic/partition@offset` of the rejected message.
pub const SOURCE_HEADER: &str = "logagg-source";
pub const REJECTED_AT_HEADER: &str = "logagg-rejected-at";
/// Replay progress is kept as this consumer group's offsets on the dead-letter topic.
pub const REPLAY_GROUP: &str = "logagg-dlq-replay";

pub fn dead_letter_topic(topic: &str) -> String {
    format!("{topic}.dlq")
}

/// A message the sink refused, and where it came from.
pub struct Rejected<'a> {
    pub topic: &'a str,
    pub partition: i32,
    pub offset: i64,
    pub key: Option<&'a [u8]>,
    pub payload: &'a [u8],
}

/// Asks CreateTopics for the broker's `default.replication.factor`.
const BROKER_DEFAULT_REPLICATION: i32 = -1;

/// Writes rejected messages to `<topic>.dlq`, creating it on first use.
pub struct DeadLetters {
    producer: BaseProducer<DeliveryReports>,
    topic: String,
    cluster: Cluster,
    sent: u64,
}

impl DeadLetters {
    pub fn open(cluster: &Cluster, source_topic: &str) -> Result<DeadLetters, KafkaIssue> {
        let topic = dead_letter_topic(source_topic);
        // The cluster's default replication (-1), not one copy: on a cluster, letters on a
        // single broker are lost with it, and while it is down none can be written (seen
        // with a node of three killed: "did not confirm in time", the ingest stopped).
        topic::create(cluster, &topic, 1, BROKER_DEFAULT_REPLICATION)?;
        let producer = create_producer(cluster, Patience::Bounded)?;
        Ok(DeadLetters {
            producer,
            topic,
            cluster: cluster.clone(),
            sent: 0,
        })
    }

    pub fn send(&mut self, message: &BorrowedMessage<'_>, reason: &str) -> Result<(), KafkaIssue> {
        self.send_parts(
            &Rejected {
                topic: message.topic(),
                partition: message.partition(),
                offset: message.offset(),
                key: message.key(),
                payload: message.payload().unwrap_or_default(),
            },
            reason,
        )
    }

    /// Queues one rejected message with its reason and origin in headers.
    pub fn send_parts(&mut self, rejected: &Rejected<'_>, reason: &str) -> Result<(), KafkaIssue> {
        let source = format!(
            "{}/{}@{}",
            rejected.topic, rejected.partition, rejected.offset
        );
        let rejected_at = crate::event::Timestamp::now().to_rfc3339();
        let headers = OwnedHeaders::new()
            .insert(Header {
                key: REASON_HEADER,
                value: Some(reason),
            })
            .insert(Header {
                key: SOURCE_HEADER,
                value: Some(&source),
            })
            .insert(Header {
                key: REJECTED_AT_HEADER,
                value: Some(&rejected_at),
            });
        let mut record = BaseRecord::<[u8], [u8]>::to(&self.topic)
            .payload(rejected.payload)
            .headers(headers);
        if let Some(key) = rejected.key {
            record = record.key(key);
        }
        self.producer
            .send(record)
            .map_err(|(cause, _)| KafkaIssue::Client {
                context: format!("cannot write a dead letter to '{}'", self.topic),
                cause,
            })?;
        self.sent += 1;
        Ok(())
    }

    /// Waits until every dead letter is confirmed; an error means the positions after
    /// them must not be committed (a restart then rejects them again).
    pub fn settle(&self) -> Result<(), KafkaIssue> {
        let flushed = self.producer.flush(Duration::from_secs(60));
        let reports = self.producer.context();
        if flushed.is_err() || reports.failed() > 0 {
            return Err(KafkaIssue::Undelivered {
                failed: reports.failed().max(1),
                total: self.sent,
                topic: self.topic.clone(),
                first_error: reports
                    .first_error()
                    .unwrap_or_else(|| format!("{} did not confirm in time", self.cluster)),
            });
        }
        Ok(())
    }
}

/// One dead letter as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadLetter {
    pub partition: i32,
    pub offset: i64,
    pub key: Option<Vec<u8>>,
    pub payload: Vec<u8>,
    pub reason: String,
    pub source: String,
    pub rejected_at: String,
    /// Already sent back by an earlier `replay`.
    pub replayed: bool,
}

impl DeadLetter {
    fn from_message(message: &BorrowedMessage<'_>, replayed: bool) -> DeadLetter {
        let header = |name: &str| {
            message
                .headers()
                .and_then(|headers| {
                    headers
                        .iter()
                        .find(|h| h.key == name)
                        .and_then(|h| h.value)
                        .map(|v| String::from_utf8_lossy(v).into_owned())
                })
                .unwrap_or_default()
        };
        DeadLetter {
            partition: message.partition(),
            offset: message.offset(),
            key: message.key().map(<[u8]>::to_vec),
            payload: message.payload().unwrap_or_default().to_vec(),
            reason: header(REASON_HEADER),
            source: header(SOURCE_HEADER),
            rejected_at: header(REJECTED_AT_HEADER),
            replayed,
        }
    }
}

fn replay_consumer(cluster: &Cluster) -> Result<BaseConsumer, KafkaIssue> {
    topic::reach(cluster, None)?;
    cluster
        .config(&[
            ("group.id", REPLAY_GROUP),
            ("enable.auto.commit", "false"),
            ("enable.partition.eof", "false"),
        ])
        .create()
        .map_err(|cause| KafkaIssue::Client {
            context: format!("cannot create a consumer for {cluster}"),
            cause,
        })
}

/// Every dead letter of `source_topic`, oldest first, marked with whether it was replayed.
pub fn list(cluster: &Cluster, source_topic: &str) -> Result<Vec<DeadLetter>, KafkaIssue> {
    let consumer = replay_consumer(cluster)?;
    let topic = dead_letter_topic(source_topic);
    let partitions = match topic::partitions(consumer.client(), cluster, &topic) {
        Err(KafkaIssue::NoTopic { .. }) => return Ok(Vec::new()),
        other => other?,
    };
    let replayed_up_to = committed(&consumer, &topic, &partitions)?;
    let starts = partitions.iter().map(|&p| (p, 0)).collect();
    let mut letters = Vec::new();
    read_to_end(&consumer, &topic, starts, |message| {
        let done = replayed_up_to
            .get(&message.partition())
            .is_some_and(|&next| message.offset() < next);
        letters.push(DeadLetter::from_message(message, done));
    })?;
    Ok(letters)
}

/// Sends every dead letter not replayed before back to `source_topic`, then records the
/// progress, so running it twice sends nothing twice. Returns how many were sent.
pub fn replay(cluster: &Cluster, source_topic: &str) -> Result<u64, KafkaIssue> {
    let consumer = replay_consumer(cluster)?;
    let topic = dead_letter_topic(source_topic);
    let partitions = match topic::partitions(consumer.client(), cluster, &topic) {
        Err(KafkaIssue::NoTopic { .. }) => return Ok(0),
        other => other?,
    };
    let starts = committed(&consumer, &topic, &partitions)?;
    let producer: BaseProducer<DeliveryReports> = create_producer(cluster, Patience::Bounded)?;
    topic::partitions(producer.client(), cluster, source_topic)?;
    let mut next: BTreeMap<i32, i64> = starts.clone();
    let mut sent = 0u64;
    let mut failure = None;
    read_to_end(&consumer, &topic, starts, |message| {
        if failure.is_some() {
            return;
        }
        if let Err(cause) = send_back(&producer, source_topic, message) {
            failure = Some(cause);
            return;
        }
        next.insert(message.partition(), message.offset() + 1);
        sent += 1;
    })?;
    if let Some(cause) = failure {
        return Err(KafkaIssue::Client {
            context: format!("cannot replay to '{source_topic}'"),
            cause,
        });
    }
    let flushed = producer.flush(Duration::from_secs(60));
    if flushed.is_err() || producer.context().failed() > 0 {
        return Err(KafkaIssue::Undelivered {
            failed: producer.context().failed().max(1),
            total: sent,
            topic: source_topic.to_string(),
            first_error: producer
                .context()
                .first_error()
                .unwrap_or_else(|| "not confirmed in time".into()),
        });
    }
    record_progress(&consumer, &topic, &next, sent)?;
    Ok(sent)
}

/// Sends a dead letter's message back to its topic as it was (key and bytes), waiting
/// while the producer's queue is full.
fn send_back(
    producer: &BaseProducer<DeliveryReports>,
    source_topic: &str,
    message: &BorrowedMessage<'_>,
) -> Result<(), rdkafka::error::KafkaError> {
    let mut record =
        BaseRecord::<[u8], [u8]>::to(source_topic).payload(message.payload().unwrap_or_default());
    if let Some(key) = message.key() {
        record = record.key(key);
    }
    loop {
        match producer.send(record) {
            Ok(()) => return Ok(()),
            Err((
                rdkafka::error::KafkaError::MessageProduction(
                    rdkafka::types::RDKafkaErrorCode::QueueFull,
                ),
                back,
            )) => {
                record = back;
                producer.poll(Duration::from_millis(20));
            }
            Err((cause, _)) => return Err(cause),
        }
    }
}

/// Commits how far the replay got, so a second replay does not send the same letters.
fn record_progress(
    consumer: &BaseConsumer,
    topic: &str,
    next: &BTreeMap<i32, i64>,
    sent: u64,
) -> Result<(), KafkaIssue> {
    let mut progress = TopicPartitionList::new();
    for (&partition, &offset) in next {
        if offset > 0 {
            progress
                .add_partition_offset(topic, partition, Offset::Offset(offset))
                .map_err(|cause| KafkaIssue::Client {
                    context: "cannot record replay progress".into(),
                    cause,
                })?;
        }
    }
    if progress.count() > 0 {
        super::retry::retrying("recording the replay's progress", || {
            consumer.commit(&progress, CommitMode::Sync)
        })
        .map_err(|cause| KafkaIssue::Client {
                context: format!(
                    "replayed {sent} dead letters but cannot record it in group '{REPLAY_GROUP}' (a second replay would send them again)"
                ),
                cause,
            })?;
    }
    Ok(())
}

/// The replay group's next offset per partition (0 where it never committed).
fn committed(
    consumer: &BaseConsumer,
    topic: &str,
    partitions: &[i32],
) -> Result<BTreeMap<i32, i64>, KafkaIssue> {
    let mut asked = TopicPartitionList::new();
    for &partition in partitions {
        asked.add_partition(topic, partition);
    }
    let found = super::retry::retrying("reading the replay's progress", || {
        consumer.committed_offsets(asked.clone(), CONNECT_TIMEOUT)
    })
    .map_err(|cause| KafkaIssue::Client {
        context: format!("cannot read the replay progress of '{topic}'"),
        cause,
    })?;
    Ok(partitions
        .iter()
        .map(|&p| {
            let offset = match found.find_partition(topic, p).map(|e| e.offset()) {
                Some(Offset::Offset(o)) => o,
                _ => 0,
            };
            (p, offset)
        })
        .collect())
}

/// Reads each partition from its start offset to the end it had when reading began;
/// letters written after that are left for the next run.
fn read_to_end(
    consumer: &BaseConsumer,
    topic: &str,
    starts: BTreeMap<i32, i64>,
    mut visit: impl FnMut(&BorrowedMessage<'_>),
) -> Result<(), KafkaIssue> {
    let partitions: Vec<i32> = starts.keys().copied().collect();
    let mut end = EndOfLog::read(consumer, topic, &partitions)?;
    let mut assignment = TopicPartitionList::new();
    let mut next = BTreeMap::new();
    for (&partition, &start) in &starts {
        if end.holds(partition, start) {
            next.insert(partition, start);
            assignment
                .add_partition_offset(topic, partition, Offset::Offset(start))
                .map_err(|cause| KafkaIssue::Client {
                    context: "cannot build the partition assignment".into(),
                    cause,
                })?;
        }
    }
    if next.is_empty() {
        return Ok(());
    }
    consumer
        .assign(&assignment)
        .map_err(|cause| KafkaIssue::Client {
            context: format!("cannot read '{topic}'"),
            cause,
        })?;
    let mut progress_at = std::time::Instant::now();
    while !end.check(consumer, &next) {
        match consumer.poll(Duration::from_millis(100)) {
            Some(Ok(message)) => {
                progress_at = std::time::Instant::now();
                let partition = message.partition();
                let wanted = next.get(&partition).copied().unwrap_or(0);
                if message.offset() >= wanted && end.holds(partition, message.offset()) {
                    next.insert(partition, message.offset() + 1);
                    visit(&message);
                }
            }
            Some(Err(_)) | None => {
                if progress_at.elapsed() > CONNECT_TIMEOUT * 6 {
                    return Err(KafkaIssue::Client {
                        context: format!("reading '{topic}' stalled for a minute before its end"),
                        cause: rdkafka::error::KafkaError::Canceled,
                    });
                }
            }
        }
    }
    Ok(())
}
