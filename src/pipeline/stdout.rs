//! Standard output as a sink: one canonical JSON event per line (NDJSON).

use super::{Record, Sink, SinkReport};
use crate::event::EventWriter;
use std::io::Write;

/// Lines are encoded straight into this much buffer before one write: encoding into a
/// line and copying it into a `BufWriter` cost a fifth of `simulate --to stdout`.
const CHUNK: usize = 256 * 1024;

pub struct StdoutSink {
    out: std::io::Stdout,
    writer: EventWriter,
    pending: Vec<u8>,
    written: u64,
}

impl StdoutSink {
    pub fn new() -> StdoutSink {
        StdoutSink {
            out: std::io::stdout(),
            writer: EventWriter::default(),
            pending: Vec::with_capacity(CHUNK + 64 * 1024),
            written: 0,
        }
    }

    fn write_pending(&mut self) -> std::io::Result<()> {
        let mut out = self.out.lock();
        out.write_all(&self.pending)?;
        self.pending.clear();
        out.flush()
    }
}

impl Default for StdoutSink {
    fn default() -> Self {
        StdoutSink::new()
    }
}

impl Sink for StdoutSink {
    fn describe(&self) -> String {
        "standard output".into()
    }

    fn write(&mut self, batch: &mut Vec<Record>) -> anyhow::Result<()> {
        for record in batch.iter().filter(|r| !r.skipped) {
            self.writer.write(&record.event, &mut self.pending);
            self.pending.push(b'\n');
            self.written += 1;
            if self.pending.len() >= CHUNK {
                self.write_pending()?;
            }
        }
        Ok(())
    }

    fn flush(&mut self) -> anyhow::Result<bool> {
        self.write_pending()?;
        Ok(true)
    }

    fn writes_to_terminal(&self) -> bool {
        true
    }

    fn close(mut self: Box<Self>) -> anyhow::Result<SinkReport> {
        self.write_pending()?;
        Ok(SinkReport {
            stored: self.written,
            ..SinkReport::default()
        })
    }
}
