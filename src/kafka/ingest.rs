//! What `ingest` is asked to do and what it reports. Into the embedded store, standard
//! output or another topic it runs on the pipeline core (`kafka::source`); into
//! Elasticsearch on `es_ingest`.

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
