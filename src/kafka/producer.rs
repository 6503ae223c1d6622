//! An idempotent producer of events that counts what the broker confirmed.

use super::Cluster;
use super::{topic, KafkaIssue};
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::producer::{BaseProducer, BaseRecord, DeliveryResult, Producer, ProducerContext};
use rdkafka::{ClientConfig, ClientContext};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// Counts delivery reports as librdkafka hands them back.
#[derive(Default)]
pub struct DeliveryReports {
    delivered: AtomicU64,
    failed: AtomicU64,
    first_error: Mutex<Option<String>>,
}

impl DeliveryReports {
    pub fn failed(&self) -> u64 {
        self.failed.load(Ordering::Relaxed)
    }

    pub fn first_error(&self) -> Option<String> {
        self.first_error.lock().ok().and_then(|e| e.clone())
    }
}

impl ClientContext for DeliveryReports {}

/// Settings of every producer: idempotent (no duplicates on retry), acks from all
/// replicas, compressed, batched for throughput.
pub fn producer_config(cluster: &Cluster, patience: Patience) -> ClientConfig {
    let mut settings = vec![
        ("enable.idempotence", "true"),
        ("acks", "all"),
        ("compression.type", "lz4"),
        ("linger.ms", "5"),
        ("batch.size", "1000000"),
        ("queue.buffering.max.messages", "1000000"),
        ("queue.buffering.max.kbytes", "1048576"),
        // Allow large events (stack traces, dumps) up to what brokers commonly accept.
        ("message.max.bytes", "16777216"),
    ];
    if patience == Patience::Forever {
        // 0 = retry until delivered; a full local queue then holds the reader back.
        settings.push(("message.timeout.ms", "0"));
    }
    cluster.config(&settings)
}

impl ProducerContext for DeliveryReports {
    type DeliveryOpaque = ();

    fn delivery(&self, result: &DeliveryResult<'_>, _: ()) {
        match result {
            Ok(_) => {
                self.delivered.fetch_add(1, Ordering::Relaxed);
            }
            Err((error, _)) => {
                self.failed.fetch_add(1, Ordering::Relaxed);
                if let Ok(mut first) = self.first_error.lock() {
                    first.get_or_insert_with(|| error.to_string());
                }
            }
        }
    }
}

/// What the broker confirmed when the producer finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeliverySummary {
    pub delivered: u64,
    pub failed: u64,
}

/// A producer with [`producer_config`] that counts its delivery reports.
pub fn create_producer(
    cluster: &Cluster,
    patience: Patience,
) -> Result<BaseProducer<DeliveryReports>, KafkaIssue> {
    producer_config(cluster, patience)
        .create_with_context(DeliveryReports::default())
        .map_err(|cause| KafkaIssue::Client {
            context: format!("cannot create a producer for {cluster}"),
            cause,
        })
}

/// How long an event may wait for a broker before it counts as failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Patience {
    /// librdkafka's default delivery timeout (5 minutes): commands that end.
    Bounded,
    /// Until delivered: followers that must not lose a line during a broker outage.
    Forever,
}

pub struct EventProducer {
    producer: BaseProducer<DeliveryReports>,
    topic: String,
    cluster: Cluster,
    sent: u64,
}

impl EventProducer {
    /// Connects (failing clearly within `CONNECT_TIMEOUT` if the cluster is unreachable)
    /// and checks that the topic exists.
    pub fn connect(cluster: &Cluster, topic_name: &str) -> Result<EventProducer, KafkaIssue> {
        Self::connect_with(cluster, topic_name, Patience::Bounded)
    }

    pub fn connect_with(
        cluster: &Cluster,
        topic_name: &str,
        patience: Patience,
    ) -> Result<EventProducer, KafkaIssue> {
        topic::check(cluster, topic_name)?;
        let producer = create_producer(cluster, patience)?;
        Ok(EventProducer {
            producer,
            topic: topic_name.to_string(),
            cluster: cluster.clone(),
            sent: 0,
        })
    }

    /// Queues one event. The key is the service, so one service's events keep their
    /// order within a partition. Waits for room when the local queue is full.
    pub fn send(&mut self, key: &str, payload: &[u8]) -> Result<(), KafkaIssue> {
        let mut record = BaseRecord::to(&self.topic).key(key).payload(payload);
        loop {
            match self.producer.send(record) {
                Ok(()) => break,
                Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), back)) => {
                    record = back;
                    self.producer.poll(Duration::from_millis(20));
                }
                // The broker connection is fine but this one message cannot go (too large,
                // for instance): count it as failed, say why in the summary, keep going.
                Err((KafkaError::MessageProduction(code), _)) => {
                    let reports = self.producer.context();
                    reports.failed.fetch_add(1, Ordering::Relaxed);
                    if let Ok(mut first) = reports.first_error.lock() {
                        first.get_or_insert_with(|| format!("{code} ({} bytes)", payload.len()));
                    }
                    self.sent += 1;
                    return Ok(());
                }
                Err((cause, _)) => {
                    return Err(KafkaIssue::Client {
                        context: format!("cannot send to '{}' on {}", self.topic, self.cluster),
                        cause,
                    })
                }
            }
        }
        self.sent += 1;
        if self.sent.is_multiple_of(1024) {
            self.producer.poll(Duration::ZERO);
        }
        Ok(())
    }

    pub fn sent(&self) -> u64 {
        self.sent
    }

    pub fn delivered(&self) -> u64 {
        self.producer.context().delivered.load(Ordering::Relaxed)
    }

    pub fn failed(&self) -> u64 {
        self.producer.context().failed.load(Ordering::Relaxed)
    }

    /// Waits up to `timeout` until every event sent so far is confirmed (or failed for
    /// good); true when nothing is in flight any more.
    pub fn settle(&self, timeout: Duration) -> bool {
        self.producer.flush(timeout).is_ok()
    }

    /// Waits until every queued event is confirmed or failed, then reports.
    pub fn finish(self, timeout: Duration) -> Result<DeliverySummary, KafkaIssue> {
        let flushed = self.producer.flush(timeout);
        let reports = self.producer.context();
        let delivered = reports.delivered.load(Ordering::Relaxed);
        let mut failed = reports.failed.load(Ordering::Relaxed);
        if flushed.is_err() {
            // Whatever was not confirmed in time counts as failed.
            failed = self.sent.saturating_sub(delivered);
        }
        if failed > 0 {
            let first_error = reports
                .first_error
                .lock()
                .ok()
                .and_then(|e| e.clone())
                .unwrap_or_else(|| "not confirmed before the flush timeout".into());
            return Err(KafkaIssue::Undelivered {
                failed,
                total: self.sent,
                topic: self.topic,
                first_error,
            });
        }
        Ok(DeliverySummary { delivered, failed })
    }
}
