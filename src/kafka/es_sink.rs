//! The Elasticsearch side of `ingest --to elasticsearch`: settling a batch (bulk requests
//! until every item is stored, already stored or dead-lettered, with backoff and jitter),
//! on a thread of its own so that the consumer reads and encodes the next batch while the
//! cluster indexes this one. Batches are settled in the order they are handed over, and
//! each is reported back with the offsets to commit once it is settled.

use super::dead_letter::{DeadLetters, Rejected};
use super::ingest::{IngestOptions, IngestSummary};
use super::KafkaIssue;
use crate::backend::elasticsearch::bulk_writer::{BulkItem, BulkWriter};
use crate::event::LogEvent;
use crate::pipeline::metrics::PipelineMetrics;
use std::collections::BTreeMap;
use std::sync::mpsc::{Receiver, Sender};
use std::time::Instant;

/// How bulk requests are cut.
#[derive(Debug, Clone)]
pub struct BulkLimits {
    pub index_prefix: String,
    /// Bytes of NDJSON per request (Elastic suggests 5-15 MB).
    pub bytes: usize,
    pub events: usize,
}

/// One event waiting to be stored, with where it came from (for its dead letter).
pub struct Pending {
    pub id: String,
    pub event: LogEvent,
    pub partition: i32,
    pub offset: i64,
    pub key: Option<Vec<u8>>,
    pub payload: Vec<u8>,
}

/// A message rejected before it is sent (over the size limit).
pub struct Letter {
    pub partition: i32,
    pub offset: i64,
    pub key: Option<Vec<u8>>,
    pub payload: Vec<u8>,
    pub reason: String,
}

/// What the consumer hands to the sink, in order.
pub enum Work {
    /// A batch, and the next offset of each partition once it (and all before it) is stored.
    Batch {
        batch: Vec<Pending>,
        commit: BTreeMap<i32, i64>,
    },
    Letter(Letter),
}

/// What the sink reports back.
pub enum Done {
    Settled {
        commit: BTreeMap<i32, i64>,
    },
    /// Asked to stop while the cluster was not accepting a batch: nothing more is settled.
    Stopped,
    Failed(anyhow::Error),
}

/// The sink's thread: settles work in order until the consumer hangs up, a stop comes
/// during an outage, or an error that retrying cannot mend.
pub fn serve(
    mut sink: Sink<'_>,
    work: Receiver<Work>,
    done: Sender<Done>,
    stop: &(impl Fn() -> bool + Sync),
) -> IngestSummary {
    for item in work {
        let report = match item {
            Work::Batch { mut batch, commit } => match sink.settle(&mut batch, stop) {
                Ok(true) => Done::Settled { commit },
                Ok(false) => Done::Stopped,
                Err(e) => Done::Failed(e),
            },
            Work::Letter(letter) => match sink.dead_letter(&letter) {
                Ok(()) => continue,
                Err(e) => Done::Failed(e.into()),
            },
        };
        let last = !matches!(report, Done::Settled { .. });
        if done.send(report).is_err() || last {
            break;
        }
    }
    sink.summary
}

pub struct Sink<'a> {
    pub bulk: BulkWriter<'a>,
    pub options: &'a IngestOptions,
    pub metrics: &'a PipelineMetrics,
    pub dead_letters: Option<DeadLetters>,
    pub summary: IngestSummary,
}

impl Sink<'_> {
    /// Sends the batch until every item is stored, already stored or dead-lettered, and
    /// waits for the dead letters (also those of an empty batch) to be confirmed.
    /// Returns false if `stop` asked to end while the cluster was not accepting it.
    pub fn settle(
        &mut self,
        batch: &mut Vec<Pending>,
        stop: &impl Fn() -> bool,
    ) -> Result<bool, anyhow::Error> {
        let started = Instant::now();
        let items: Vec<BulkItem> = batch
            .iter()
            .map(|p| BulkItem {
                id: &p.id,
                event: &p.event,
            })
            .collect();
        let before = self.bulk.counts;
        let (options, metrics) = (self.options, self.metrics);
        let dead_letters = &mut self.dead_letters;
        let summary = &mut self.summary;
        let settled = self.bulk.settle(
            &items,
            &mut |i, reason| {
                let item = &batch[i];
                let letters = match dead_letters.as_mut() {
                    Some(letters) => letters,
                    None => {
                        dead_letters.insert(DeadLetters::open(&options.brokers, &options.topic)?)
                    }
                };
                letters.send_parts(
                    &Rejected {
                        topic: &options.topic,
                        partition: item.partition,
                        offset: item.offset,
                        key: item.key.as_deref(),
                        payload: &item.payload,
                    },
                    &reason,
                )?;
                metrics.dead_letters.inc();
                summary.dead_lettered += 1;
                Ok(())
            },
            stop,
        )?;
        let after = self.bulk.counts;
        self.summary.stored += after.stored - before.stored;
        self.summary.already_stored += after.already_stored - before.already_stored;
        self.metrics.retries.inc_by(after.retries - before.retries);
        if !settled {
            return Ok(false);
        }
        if let Some(letters) = &self.dead_letters {
            letters.settle()?;
        }
        self.metrics.events_out.inc_by(batch.len() as u64);
        self.metrics
            .commit_seconds
            .observe(started.elapsed().as_secs_f64());
        batch.clear();
        Ok(true)
    }

    fn letters(&mut self) -> Result<&mut DeadLetters, KafkaIssue> {
        match self.dead_letters {
            Some(ref mut letters) => Ok(letters),
            None => Ok(self.dead_letters.insert(DeadLetters::open(
                &self.options.brokers,
                &self.options.topic,
            )?)),
        }
    }

    /// Rejects a message before it is ever sent (it is confirmed with the next batch).
    fn dead_letter(&mut self, letter: &Letter) -> Result<(), KafkaIssue> {
        let topic = &self.options.topic;
        self.letters()?.send_parts(
            &Rejected {
                topic,
                partition: letter.partition,
                offset: letter.offset,
                key: letter.key.as_deref(),
                payload: &letter.payload,
            },
            &letter.reason,
        )?;
        self.metrics.dead_letters.inc();
        self.summary.dead_lettered += 1;
        Ok(())
    }
}
