//! Where a sink puts the events it refuses for good (a mapping conflict), with the reason:
//! a source that has a dead-letter topic of its own (Kafka) takes them back there, the
//! others go to a local file. Either way they are counted and nothing is dropped.

use super::Record;
use crate::event::EventWriter;
use std::io::Write;
use std::path::PathBuf;

pub trait DeadLetters: Send {
    /// Keeps `record` with the reason it was refused.
    fn put(&mut self, record: &Record, reason: &str) -> anyhow::Result<()>;
    /// Waits until every letter put is durable: only then may the positions after them
    /// be checkpointed.
    fn settle(&mut self) -> anyhow::Result<()>;
    /// Where they are, for the summary line.
    fn place(&self) -> String;
}

/// Dead letters as NDJSON lines `{"reason", "stream", "offset", "event"}` in a local file.
pub struct DeadLetterFile {
    path: PathBuf,
    pending: Vec<u8>,
    writer: EventWriter,
}

impl DeadLetterFile {
    pub fn new(path: PathBuf) -> DeadLetterFile {
        DeadLetterFile {
            path,
            pending: Vec::new(),
            writer: EventWriter::default(),
        }
    }
}

impl DeadLetters for DeadLetterFile {
    fn put(&mut self, record: &Record, reason: &str) -> anyhow::Result<()> {
        let out = &mut self.pending;
        out.extend_from_slice(b"{\"reason\":");
        crate::event::write_str(out, reason);
        crate::event::write_key(out, "stream");
        crate::event::write_str(out, &record.stream);
        out.extend_from_slice(format!(",\"offset\":{},\"event\":", record.offset).as_bytes());
        self.writer.write(&record.event, out);
        out.extend_from_slice(b"}\n");
        Ok(())
    }

    fn settle(&mut self) -> anyhow::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let cannot = |e: std::io::Error| {
            anyhow::anyhow!(
                "cannot write dead letters to {}: {e}; check that its directory is writable",
                self.path.display()
            )
        };
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(cannot)?;
        }
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .map_err(cannot)?;
        file.write_all(&self.pending).map_err(cannot)?;
        file.sync_data().map_err(cannot)?;
        self.pending.clear();
        Ok(())
    }

    fn place(&self) -> String {
        self.path.display().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::LogEvent;
    use std::sync::Arc;

    #[test]
    fn letters_reach_the_file_only_when_settled_with_their_reason_and_position() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("letters").join("es.ndjson");
        let mut letters = DeadLetterFile::new(path.clone());
        let record = Record {
            event: Box::new(LogEvent {
                message: "refused".into(),
                ..LogEvent::default()
            }),
            stream: Arc::from("file:/x@1:2"),
            offset: 41,
            bytes: 7,
            skipped: false,
            original: None,
            fields_text: String::new(),
            file: None,
        };
        letters.put(&record, "mapping \"conflict\"").unwrap();
        assert!(!path.exists(), "nothing is written before settle");
        letters.settle().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let line: serde_json::Value = serde_json::from_str(text.trim()).unwrap();
        assert_eq!(line["reason"], "mapping \"conflict\"");
        assert_eq!(line["stream"], "file:/x@1:2");
        assert_eq!(line["offset"], 41);
        assert_eq!(line["event"]["message"], "refused");
        letters.settle().unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            text,
            "settled once"
        );
    }
}
