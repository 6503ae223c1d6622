//! The dead-letter topic as the place where a sink's refused events go, when they were read
//! from Kafka: each is kept as the message it arrived as (key and bytes), so `logagg dlq
//! replay` sends back exactly what was refused.

use super::dead_letter::{DeadLetters, Rejected};
use super::Cluster;
use super::{stream_prefix, KafkaIssue};
use crate::event::EventWriter;
use crate::pipeline::Record;

pub struct DeadLetterTopic {
    cluster: Cluster,
    topic: String,
    /// Opened (and the topic created) with the first letter.
    letters: Option<DeadLetters>,
    encoded: Vec<u8>,
}

impl DeadLetterTopic {
    /// Letters of events read from `topic` go to `topic.dlq`.
    pub fn new(cluster: &Cluster, topic: &str) -> DeadLetterTopic {
        DeadLetterTopic {
            cluster: cluster.clone(),
            topic: topic.to_string(),
            letters: None,
            encoded: Vec::new(),
        }
    }

    fn letters(&mut self) -> Result<&mut DeadLetters, KafkaIssue> {
        match self.letters {
            Some(ref mut letters) => Ok(letters),
            None => Ok(self
                .letters
                .insert(DeadLetters::open(&self.cluster, &self.topic)?)),
        }
    }
}

impl DeadLetterTopic {
    /// Keeps a message as it was consumed, with the reason, and waits until the broker
    /// has it (a source passes over it only then).
    pub fn put_message(
        &mut self,
        message: &rdkafka::message::BorrowedMessage<'_>,
        reason: &str,
    ) -> Result<(), KafkaIssue> {
        let letters = self.letters()?;
        letters.send(message, reason)?;
        letters.settle()
    }
}

impl crate::pipeline::DeadLetters for DeadLetterTopic {
    fn put(&mut self, record: &Record, reason: &str) -> anyhow::Result<()> {
        let partition = record
            .stream
            .strip_prefix(stream_prefix(&self.topic).as_str())
            .and_then(|p| p.parse::<i32>().ok())
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "an event from {} cannot go to the dead-letter topic of '{}'",
                    record.stream,
                    self.topic
                )
            })?;
        // Without the original (not kept by the source) the event itself is the letter:
        // still a message `dlq replay` can send back.
        let mut encoded = std::mem::take(&mut self.encoded);
        let (key, payload) = match &record.original {
            Some(original) => (original.key.as_deref(), original.payload.as_slice()),
            None => {
                encoded.clear();
                EventWriter::default().write(&record.event, &mut encoded);
                (None, encoded.as_slice())
            }
        };
        let topic = self.topic.clone();
        let sent = self.letters().and_then(|letters| {
            letters.send_parts(
                &Rejected {
                    topic: &topic,
                    partition,
                    offset: record.offset as i64,
                    key,
                    payload,
                },
                reason,
            )
        });
        self.encoded = encoded;
        Ok(sent?)
    }

    fn settle(&mut self) -> anyhow::Result<()> {
        if let Some(letters) = &self.letters {
            letters.settle()?;
        }
        Ok(())
    }

    fn place(&self) -> String {
        format!("'{}'", super::dead_letter::dead_letter_topic(&self.topic))
    }
}
