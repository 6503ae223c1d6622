//! Elasticsearch or OpenSearch as a pipeline sink: events go in bulk requests under ids
//! derived from their positions, so a replay after a crash finds them already stored
//! instead of storing them twice. Items the cluster refuses for good (a mapping conflict)
//! are written with the reason to a local dead-letter file and counted.

use super::bulk_writer::{BulkCounts, BulkItem, BulkWriter};
use super::EsClient;
use crate::event::EventWriter;
use crate::pipeline::{Record, Sink, SinkReport};
use std::io::Write;
use std::path::PathBuf;

pub struct EsSink {
    client: EsClient,
    index_prefix: String,
    /// Bytes of NDJSON (roughly) per bulk request.
    bulk_bytes: usize,
    buffered: Vec<Record>,
    buffered_bytes: usize,
    counts: BulkCounts,
    dead_letter_file: PathBuf,
    stop: Box<dyn Fn() -> bool>,
}

impl EsSink {
    pub fn new(
        client: EsClient,
        index_prefix: &str,
        bulk_bytes: usize,
        dead_letter_file: PathBuf,
        stop: Box<dyn Fn() -> bool>,
    ) -> EsSink {
        EsSink {
            client,
            index_prefix: index_prefix.to_string(),
            bulk_bytes: bulk_bytes.max(1024),
            buffered: Vec::new(),
            buffered_bytes: 0,
            counts: BulkCounts::default(),
            dead_letter_file,
            stop,
        }
    }

    /// Sends everything buffered; false if stopped during an outage (nothing is lost:
    /// the records stay buffered and the source's checkpoint did not move).
    fn send_buffered(&mut self) -> anyhow::Result<bool> {
        if self.buffered.is_empty() {
            return Ok(true);
        }
        let ids: Vec<String> = self
            .buffered
            .iter()
            .map(|r| r.position().event_id())
            .collect();
        let items: Vec<BulkItem> = self
            .buffered
            .iter()
            .zip(&ids)
            .map(|(r, id)| BulkItem {
                id,
                event: &r.event,
            })
            .collect();
        let mut writer = BulkWriter::new(&self.client, &self.index_prefix);
        let mut letters = Vec::new();
        let settled = writer.settle(
            &items,
            &mut |i, reason| {
                letters.push((i, reason));
                Ok(())
            },
            &*self.stop,
        )?;
        self.write_dead_letters(&letters)?;
        let c = writer.counts;
        self.counts.stored += c.stored;
        self.counts.already_stored += c.already_stored;
        self.counts.rejected += c.rejected;
        self.counts.retries += c.retries;
        if settled {
            self.buffered.clear();
            self.buffered_bytes = 0;
        }
        Ok(settled)
    }

    fn write_dead_letters(&self, letters: &[(usize, String)]) -> anyhow::Result<()> {
        if letters.is_empty() {
            return Ok(());
        }
        if let Some(dir) = self.dead_letter_file.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.dead_letter_file)
            .map_err(|e| {
                anyhow::anyhow!(
                    "cannot write dead letters to {}: {e}",
                    self.dead_letter_file.display()
                )
            })?;
        let mut writer = EventWriter::default();
        let mut out = Vec::new();
        for (i, reason) in letters {
            let record = &self.buffered[*i];
            out.extend_from_slice(b"{\"reason\":");
            crate::event::write_str(&mut out, reason);
            crate::event::write_key(&mut out, "stream");
            crate::event::write_str(&mut out, &record.stream);
            out.extend_from_slice(format!(",\"offset\":{},\"event\":", record.offset).as_bytes());
            writer.write(&record.event, &mut out);
            out.extend_from_slice(b"}\n");
        }
        file.write_all(&out)?;
        file.sync_data()?;
        Ok(())
    }
}

impl Sink for EsSink {
    fn describe(&self) -> String {
        format!("Elasticsearch at {}", self.client.urls())
    }

    fn write(&mut self, batch: &mut Vec<Record>) -> anyhow::Result<()> {
        for record in batch.drain(..).filter(|r| !r.skipped) {
            // Roughly the document and its action line.
            self.buffered_bytes += record.event.message.len() + 256;
            self.buffered.push(record);
            if self.buffered_bytes >= self.bulk_bytes && !self.send_buffered()? {
                anyhow::bail!("stopped while Elasticsearch was not accepting bulk requests; nothing after the last checkpoint was confirmed");
            }
        }
        Ok(())
    }

    fn flush(&mut self) -> anyhow::Result<bool> {
        self.send_buffered()
    }

    fn close(mut self: Box<Self>) -> anyhow::Result<SinkReport> {
        self.send_buffered()?;
        super::search::refresh(&self.client, &self.index_prefix)?;
        Ok(SinkReport {
            stored: self.counts.stored,
            already_stored: self.counts.already_stored,
            rejected: self.counts.rejected,
            rejected_to: (self.counts.rejected > 0)
                .then(|| self.dead_letter_file.display().to_string()),
        })
    }
}
