//! A Kafka topic as a pipeline sink: canonical JSON events keyed by service through the
//! idempotent producer. A flush waits for the broker's confirmations; a source's
//! checkpoint moves only after one succeeded, so a crash resends (at least once), never
//! loses.

use super::producer::{EventProducer, Patience};
use super::Cluster;
use crate::event::EventWriter;
use crate::pipeline::{Record, Sink, SinkReport};
use std::time::Duration;

pub struct KafkaSink {
    producer: Option<EventProducer>,
    topic: String,
    cluster: Cluster,
    writer: EventWriter,
    payload: Vec<u8>,
    /// How long a flush waits for confirmations before saying "not yet".
    settle_wait: Duration,
}

impl KafkaSink {
    pub fn connect(
        cluster: &Cluster,
        topic: &str,
        patience: Patience,
    ) -> anyhow::Result<KafkaSink> {
        Ok(KafkaSink {
            producer: Some(EventProducer::connect_with(cluster, topic, patience)?),
            topic: topic.to_string(),
            cluster: cluster.clone(),
            writer: EventWriter::default(),
            payload: Vec::with_capacity(1024),
            settle_wait: Duration::from_secs(5),
        })
    }

    fn producer(&mut self) -> anyhow::Result<&mut EventProducer> {
        self.producer
            .as_mut()
            .ok_or_else(|| anyhow::anyhow!("the Kafka sink was already closed"))
    }
}

impl Sink for KafkaSink {
    fn describe(&self) -> String {
        format!("'{}' on {}", self.topic, self.cluster)
    }

    fn write(&mut self, batch: &mut Vec<Record>) -> anyhow::Result<()> {
        let mut payload = std::mem::take(&mut self.payload);
        let mut writer = std::mem::take(&mut self.writer);
        for record in batch.iter().filter(|r| !r.skipped) {
            payload.clear();
            writer.write(&record.event, &mut payload);
            self.producer()?.send(&record.event.service, &payload)?;
        }
        self.payload = payload;
        self.writer = writer;
        Ok(())
    }

    fn flush(&mut self) -> anyhow::Result<bool> {
        let wait = self.settle_wait;
        Ok(self.producer()?.settle(wait))
    }

    fn flush_makes_visible(&self) -> bool {
        false
    }

    fn close(mut self: Box<Self>) -> anyhow::Result<SinkReport> {
        let summary = self
            .producer
            .take()
            .ok_or_else(|| anyhow::anyhow!("the Kafka sink was already closed"))?
            .finish(Duration::from_secs(60))?;
        Ok(SinkReport {
            stored: summary.delivered,
            ..SinkReport::default()
        })
    }
}
