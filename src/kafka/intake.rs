//! One consumed message into one pipeline record: decoded into an event (a line that is not
//! a JSON event is kept as raw text and counted), or, over the size limit, sent to the
//! dead-letter topic and passed over, so a sink never sees what it could not take.

use super::dead_letter_topic::DeadLetterTopic;
use super::stream_name;
use super::Cluster;
use crate::event::{DecodeContext, FieldMaps, LogEvent};
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
    /// Records the sink has given back, decoded into again (their strings keep their room).
    spares: Vec<Record>,
    field_maps: FieldMaps,
}

/// Spare records kept: about two pulls' worth.
const MAX_SPARES: usize = 8192;

impl MessageIntake {
    pub fn new(cluster: &Cluster, topic: &str) -> MessageIntake {
        MessageIntake {
            topic: topic.to_string(),
            streams: BTreeMap::new(),
            context: DecodeContext::now(),
            unparsed: 0,
            max_event_bytes: usize::MAX,
            dead_letters: DeadLetterTopic::new(cluster, topic),
            dead_lettered: 0,
            spares: Vec::new(),
            field_maps: FieldMaps::default(),
            keep_originals: false,
            metrics: Arc::new(PipelineMetrics::new()),
        }
    }

    /// From now on a message's `fields` object is left as text in its record (see
    /// `Source::leave_fields_text`).
    pub fn leave_fields_text(&mut self) {
        self.field_maps.leave_text();
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
        let (mut event, mut fields_text) = self
            .spares
            .pop()
            .map(|r| (r.event, r.fields_text))
            .unwrap_or_default();
        fields_text.clear();
        if oversize {
            self.dead_letter(message)?;
            *event = LogEvent::default();
        } else {
            super::decode_message_into(
                message,
                &mut self.context,
                &mut event,
                &mut self.field_maps,
            );
            if event.unparsed {
                self.unparsed += 1;
            }
            self.field_maps.take_text(&mut fields_text);
        }
        let original = (self.keep_originals && !oversize).then(|| {
            Box::new(Original {
                key: message.key().map(<[u8]>::to_vec),
                payload: message.payload().unwrap_or_default().to_vec(),
            })
        });
        Ok(Record {
            event,
            stream,
            offset: message.offset() as u64,
            bytes,
            skipped: oversize,
            original,
            fields_text,
            file: None,
        })
    }

    /// Keeps records the sink has finished with, to decode the next messages into.
    pub fn take_back(&mut self, spent: &mut Vec<Record>) {
        crate::pipeline::keep_spares(&mut self.spares, spent, MAX_SPARES);
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
