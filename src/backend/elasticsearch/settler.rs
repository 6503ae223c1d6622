//! The thread behind the Elasticsearch sink: settles bulk requests in the order they are
//! handed over (each until every item is stored, already stored or refused for good, with
//! backoff and jitter between attempts) and reports each unit once all of it, its dead
//! letters included, is durable.

use super::bulk_writer::{BulkCounts, BulkItem, BulkWriter};
use super::sink::EsSinkOptions;
use super::EsClient;
use crate::pipeline::metrics::PipelineMetrics;
use crate::pipeline::{DeadLetters, Record};
use std::sync::mpsc::{Receiver, Sender};
use std::sync::Arc;

/// What the sink hands to the settler, in order: one bulk request's worth of records (or
/// none), and how many of the sink's units end with them.
pub struct Work {
    pub records: Vec<Record>,
    pub units: usize,
}

/// What the settler reports back, once per chunk.
pub enum Report {
    /// A chunk and everything before it are durable, closing `units` units.
    Settled {
        units: usize,
    },
    /// Asked to stop while the cluster was not accepting a request: nothing more is settled.
    Stopped,
    Failed(anyhow::Error),
}

pub struct Settler {
    client: EsClient,
    index_prefix: String,
    counts: BulkCounts,
    dead_letters: Box<dyn DeadLetters>,
    stop: Box<dyn Fn() -> bool + Send>,
    metrics: Option<Arc<PipelineMetrics>>,
}

impl Settler {
    pub fn new(client: EsClient, options: EsSinkOptions) -> Settler {
        Settler {
            client,
            index_prefix: options.index_prefix,
            counts: BulkCounts::default(),
            dead_letters: options.dead_letters,
            stop: options.stop,
            metrics: options.metrics,
        }
    }

    /// Settles work until the sink hangs up, a stop comes during an outage, or an error
    /// that retrying cannot mend; hands itself back for the final refresh and counts.
    pub fn serve(mut self, work: Receiver<Work>, reports: Sender<Report>) -> Settler {
        for Work { records, units } in work {
            let report = match self.settle(&records) {
                // Dead letters are durable before a unit is: its positions may then be
                // checkpointed past them.
                Ok(true) if units > 0 => match self.dead_letters.settle() {
                    Ok(()) => Report::Settled { units },
                    Err(e) => Report::Failed(e),
                },
                Ok(true) => Report::Settled { units },
                Ok(false) => Report::Stopped,
                Err(e) => Report::Failed(e),
            };
            let last = !matches!(report, Report::Settled { .. });
            if reports.send(report).is_err() || last {
                break;
            }
        }
        self
    }

    /// One chunk until every item is settled; false if stopped during an outage.
    fn settle(&mut self, records: &[Record]) -> anyhow::Result<bool> {
        if records.is_empty() {
            return Ok(true);
        }
        let ids: Vec<String> = records.iter().map(|r| r.position().event_id()).collect();
        let items: Vec<BulkItem> = records
            .iter()
            .zip(&ids)
            .map(|(r, id)| BulkItem {
                id,
                event: &r.event,
            })
            .collect();
        let mut writer = BulkWriter::new(&self.client, &self.index_prefix);
        let dead_letters = &mut self.dead_letters;
        let metrics = self.metrics.as_deref();
        let settled = writer.settle(
            &items,
            &mut |i, reason| {
                dead_letters.put(&records[i], &reason)?;
                if let Some(metrics) = metrics {
                    metrics.dead_letters.inc();
                }
                Ok(())
            },
            &*self.stop,
        );
        let c = writer.counts;
        self.counts.stored += c.stored;
        self.counts.already_stored += c.already_stored;
        self.counts.rejected += c.rejected;
        self.counts.retries += c.retries;
        if let Some(metrics) = &self.metrics {
            metrics.retries.inc_by(c.retries);
        }
        settled
    }

    pub fn refresh(&self) -> anyhow::Result<()> {
        Ok(super::search::refresh(&self.client, &self.index_prefix)?)
    }

    pub fn counts(&self) -> BulkCounts {
        self.counts
    }
}
