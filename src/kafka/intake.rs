//! One consumed message into one pipeline record: decoded into an event (a line that is not
//! a JSON event is kept as raw text and counted), or, over the size limit, sent to the
//! dead-letter topic and passed over, so a sink never sees what it could not take.

use super::dead_letter_topic::DeadLetterTopic;
use super::stream_name;
use crate::event::{DecodeContext, LogEvent};
use crate::pipeline::metrics::PipelineMetrics;
use crate::pipeline::{Original, Record};
use rdkafka::message::{BorrowedMessage, Message};
use std::collections::BTreeMap;
use std::sync::Arc;

pub struct MessageIntake {
    topic: String,
    streams: BTreeMap<i32, Arc<str>>,
    context: DecodeContext,
    /// Messages that were not JSON events (kept as raw text).
    pub unparsed: u64,
    /// Messages above this size go to the dead-letter topic instead of the sink.
    pub max_event_bytes: usize,
    dead_letters: DeadLetterTopic,
    pub dead_lettered: u64,
    /// Keep each message's own bytes with its record (for the dead letters of a sink that
    /// can refuse events).
    pub keep_originals: bool,
    pub metrics: Arc<PipelineMetrics>,
}

impl MessageIntake {
    pub fn new(brokers: &str, topic: &str) -> MessageIntake {
        MessageIntake {
            topic: topic.to_string(),
            streams: BTreeMap::new(),
            context: DecodeContext::now(),
            unparsed: 0,
            max_event_bytes: usize::MAX,
            dead_letters: DeadLetterTopic::new(brokers, topic),
            dead_lettered: 0,
            keep_originals: false,
            metrics: Arc::new(PipelineMetrics::new()),
        }
    }

    pub fn record(&mut self, message: &BorrowedMessage<'_>) -> anyhow::Result<Record> {
        let bytes = message.payload_len();
        let partition = message.partition();
        let stream = self
            .streams
            .entry(partition)
            .or_insert_with(|| stream_name(&self.topic, partition).into())
            .clone();
        let oversize = bytes > self.max_event_bytes;
        let event = if oversize {
            self.dead_letter(message)?;
            LogEvent::default()
        } else {
            let event = super::decode_message(message, &mut self.context);
            if event.unparsed {
                self.unparsed += 1;
            }
            event
        };
        let original = (self.keep_originals && !oversize).then(|| {
            Box::new(Original {
                key: message.key().map(<[u8]>::to_vec),
                payload: message.payload().unwrap_or_default().to_vec(),
            })
        });
        Ok(Record {
            event: Box::new(event),
            stream,
            offset: message.offset() as u64,
            bytes,
            skipped: oversize,
            original,
        })
    }

    /// Sends an oversize message to the dead-letter topic and waits until the broker has
    /// it: only then may a sink's positions move past it.
    fn dead_letter(&mut self, message: &BorrowedMessage<'_>) -> anyhow::Result<()> {
        let reason = format!(
            "event of {} bytes is over the limit of {} bytes (--max-event-bytes)",
            message.payload_len(),
            self.max_event_bytes
        );
        self.dead_letters.put_message(message, &reason)?;
        self.metrics.dead_letters.inc();
        self.dead_lettered += 1;
        Ok(())
    }
}
