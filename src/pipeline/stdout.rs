//! Standard output as a sink: one canonical JSON event per line (NDJSON).

use super::{Record, Sink, SinkReport};
use crate::event::EventWriter;
use std::io::Write;

pub struct StdoutSink {
    out: std::io::BufWriter<std::io::Stdout>,
    writer: EventWriter,
    line: Vec<u8>,
    written: u64,
}

impl StdoutSink {
    pub fn new() -> StdoutSink {
        StdoutSink {
            out: std::io::BufWriter::with_capacity(256 * 1024, std::io::stdout()),
            writer: EventWriter::default(),
            line: Vec::with_capacity(1024),
            written: 0,
        }
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
        for record in batch.drain(..).filter(|r| !r.skipped) {
            self.line.clear();
            self.writer.write(&record.event, &mut self.line);
            self.line.push(b'\n');
            self.out.write_all(&self.line)?;
            self.written += 1;
        }
        Ok(())
    }

    fn flush(&mut self) -> anyhow::Result<bool> {
        self.out.flush()?;
        Ok(true)
    }

    fn writes_to_terminal(&self) -> bool {
        true
    }

    fn close(mut self: Box<Self>) -> anyhow::Result<SinkReport> {
        self.out.flush()?;
        Ok(SinkReport {
            stored: self.written,
            ..SinkReport::default()
        })
    }
}
