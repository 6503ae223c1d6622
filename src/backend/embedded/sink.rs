//! The embedded store as a pipeline sink: each flush is one commit holding the events and
//! their sources' positions together, which is what makes a resume exactly-once.

use super::StoreWriter;
use crate::pipeline::{Record, Sink, SinkReport, StoredPositions};
use std::path::PathBuf;

pub struct EmbeddedSink {
    store: StoreWriter,
    dir: PathBuf,
    stored: u64,
}

impl EmbeddedSink {
    /// Opens the store in `dir` for writing; `command` names this writer to anyone who
    /// finds the store locked.
    pub fn open(dir: &std::path::Path, command: &str) -> anyhow::Result<EmbeddedSink> {
        Ok(EmbeddedSink {
            store: StoreWriter::open(dir, command)?,
            dir: dir.to_path_buf(),
            stored: 0,
        })
    }

    pub fn writer(&self) -> &StoreWriter {
        &self.store
    }
}

impl StoredPositions for StoreWriter {
    fn resume_offset(&self, stream: &str) -> Option<u64> {
        StoreWriter::resume_offset(self, stream)
    }

    fn streams_with_prefix(&self, prefix: &str) -> Vec<(String, u64)> {
        StoreWriter::streams_with_prefix(self, prefix)
    }
}

impl Sink for EmbeddedSink {
    fn describe(&self) -> String {
        format!("the store at {}", self.dir.display())
    }

    fn stored_positions(&self) -> Option<&dyn StoredPositions> {
        Some(&self.store)
    }

    fn reads_fields_text(&self) -> bool {
        self.store.reads_fields_text()
    }

    fn keeps_file_paths(&self) -> bool {
        true
    }

    fn begin_streams(&mut self, streams: &[String]) -> anyhow::Result<()> {
        for stream in streams {
            self.store.begin(stream);
        }
        if self.store.has_pending() {
            self.store.commit()?;
        }
        Ok(())
    }

    fn write(&mut self, batch: &mut Vec<Record>) -> anyhow::Result<()> {
        // The store copies each event into its columns: the records go back to the source
        // to be filled again.
        for record in batch.iter() {
            let position = record.resumable().then(|| record.position());
            if record.skipped {
                if let Some(position) = &position {
                    self.store.skip(position);
                }
                continue;
            }
            self.store
                .append_with_fields_text(
                    &record.event,
                    &record.fields_text,
                    record.file.as_deref(),
                    position.as_ref(),
                )
                .map_err(|e| {
                    anyhow::anyhow!("cannot write to the store at {}: {e}", self.dir.display())
                })?;
        }
        Ok(())
    }

    fn flush(&mut self) -> anyhow::Result<bool> {
        if self.store.has_pending() {
            self.stored += self.store.commit()?.events;
        }
        Ok(true)
    }

    fn close(self: Box<Self>) -> anyhow::Result<SinkReport> {
        let stored = self.stored + self.store.close()?.events;
        Ok(SinkReport {
            stored,
            ..SinkReport::default()
        })
    }
}
