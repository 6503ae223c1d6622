//! Writing a store, whichever engine it uses: a new store is created with the column
//! engine; a store made before (the indexed engine, formats 1 and 2) keeps its engine.
//! One writer at a time: the lock is taken before anything is read or created.

use super::columns::{ColumnWriter, Orphan};
use super::damage::DamagedSegment;
use super::error::{Context, Result};
use super::layout::{check_unmarked, format_of, has_index, write_marker, COLUMNS_FORMAT};
use super::lock::WriterLock;
use super::writer::{Committed, IndexedWriter};
use crate::event::{FilePathField, LogEvent, Position, Timestamp};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The engine a new store is created with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// Compressed column blocks per stream with word filters (format 3).
    Columns,
    /// A tantivy index (format 2): what stores were before issue 12.
    Indexed,
}

pub struct StoreWriter {
    dir: PathBuf,
    engine: Writing,
}

enum Writing {
    Indexed(Box<IndexedWriter>),
    Columns {
        writer: Box<ColumnWriter>,
        _lock: WriterLock,
    },
}

impl StoreWriter {
    /// Opens (creating if needed) the store in `dir` for writing. `command` names this
    /// writer to anyone who finds the store locked.
    pub fn open(dir: &Path, command: &str) -> Result<StoreWriter> {
        StoreWriter::open_with(dir, command, Engine::Columns)
    }

    /// Like `open`, creating a missing store with `engine`.
    pub fn open_with(dir: &Path, command: &str, engine: Engine) -> Result<StoreWriter> {
        std::fs::create_dir_all(dir)
            .context(|| format!("cannot create data dir {}", dir.display()))?;
        let lock = WriterLock::acquire(dir, command)?;
        let columns = match format_of(dir)? {
            Some(format) => format == COLUMNS_FORMAT,
            None if has_index(dir) => false,
            None => {
                check_unmarked(dir)?;
                if engine == Engine::Columns {
                    write_marker(dir, COLUMNS_FORMAT)?;
                }
                engine == Engine::Columns
            }
        };
        let engine = if columns {
            Writing::Columns {
                writer: Box::new(ColumnWriter::open(dir)?),
                _lock: lock,
            }
        } else {
            Writing::Indexed(Box::new(IndexedWriter::open(dir, lock)?))
        };
        Ok(StoreWriter {
            dir: dir.to_path_buf(),
            engine,
        })
    }

    /// The indexed engine's writer, when the store uses that engine.
    #[cfg(test)]
    pub(super) fn indexed(&self) -> Option<&IndexedWriter> {
        match &self.engine {
            Writing::Indexed(w) => Some(w),
            Writing::Columns { .. } => None,
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Damaged parts or segments this writer took out of the store when it opened it.
    pub fn set_aside(&self) -> &[DamagedSegment] {
        match &self.engine {
            Writing::Indexed(w) => w.set_aside(),
            Writing::Columns { writer, .. } => writer.set_aside(),
        }
    }

    /// Files in the store the manifest did not account for, moved to `DIR/orphans/` when
    /// this writer opened it.
    pub fn orphaned(&self) -> &[Orphan] {
        match &self.engine {
            Writing::Indexed(_) => &[],
            Writing::Columns { writer, .. } => writer.orphaned(),
        }
    }

    /// The committed offset to resume `stream` from: the next event not yet stored.
    pub fn resume_offset(&self, stream: &str) -> Option<u64> {
        match &self.engine {
            Writing::Indexed(w) => w.resume_offset(stream),
            Writing::Columns { writer, .. } => writer.resume_offset(stream),
        }
    }

    /// Every committed stream whose name starts with `prefix`, with its resume offset.
    pub fn streams_with_prefix(&self, prefix: &str) -> Vec<(String, u64)> {
        match &self.engine {
            Writing::Indexed(w) => w.streams_with_prefix(prefix),
            Writing::Columns { writer, .. } => writer.streams_with_prefix(prefix),
        }
    }

    /// Adds an event; it becomes visible and durable at the next commit, with its stream's
    /// position when it has one worth keeping.
    pub fn append(&mut self, event: &LogEvent, position: Option<&Position>) -> Result<()> {
        self.append_with_fields_text(event, "", None, position)
    }

    /// Whether `append_with_fields_text` keeps a `fields` object as text until its block
    /// is sealed (the column engine), rather than reading it at once.
    pub fn reads_fields_text(&self) -> bool {
        matches!(self.engine, Writing::Columns { .. })
    }

    /// `append` of an event whose `fields` are the object `fields_text` when that is not
    /// empty (`event.fields` is then unread), read from the file `file` when given (kept
    /// as its `log.file.path` field).
    pub fn append_with_fields_text(
        &mut self,
        event: &LogEvent,
        fields_text: &str,
        file: Option<&FilePathField>,
        position: Option<&Position>,
    ) -> Result<()> {
        match &mut self.engine {
            Writing::Columns { writer, .. } => {
                let file_path = file.map_or("", FilePathField::path);
                writer.append_with_fields_text(event, fields_text, file_path, position)
            }
            Writing::Indexed(w) if fields_text.is_empty() && file.is_none() => {
                w.append(event, position)
            }
            Writing::Indexed(w) => {
                let mut whole = event.clone();
                if !fields_text.is_empty() {
                    whole.fields = fields_of_text(fields_text);
                }
                if let Some(file) = file {
                    file.add_to(&mut whole.fields);
                }
                w.append(&whole, position)
            }
        }
    }

    /// Records `stream` as begun with nothing of it read, at the next commit (a stream
    /// that has a position keeps it).
    pub fn begin(&mut self, stream: &str) {
        match &mut self.engine {
            Writing::Indexed(w) => w.begin(stream),
            Writing::Columns { writer, .. } => writer.begin(stream),
        }
    }

    /// Moves `position`'s stream past an event that is not stored (a dead letter), so
    /// the next commit records that it was dealt with.
    pub fn skip(&mut self, position: &Position) {
        match &mut self.engine {
            Writing::Indexed(w) => w.skip(position),
            Writing::Columns { writer, .. } => writer.skip(position),
        }
    }

    /// Whether anything is pending and `interval` has passed since the last commit.
    pub fn is_due(&self, interval: Duration) -> bool {
        match &self.engine {
            Writing::Indexed(w) => w.is_due(interval),
            Writing::Columns { writer, .. } => writer.is_due(interval),
        }
    }

    pub fn has_pending(&self) -> bool {
        match &self.engine {
            Writing::Indexed(w) => w.has_pending(),
            Writing::Columns { writer, .. } => writer.has_pending(),
        }
    }

    pub fn uncommitted(&self) -> u64 {
        match &self.engine {
            Writing::Indexed(w) => w.uncommitted(),
            Writing::Columns { writer, .. } => writer.uncommitted(),
        }
    }

    /// Commits if `interval` has passed since the last commit and anything is pending.
    pub fn commit_if_due(&mut self, interval: Duration) -> Result<Option<Committed>> {
        if self.is_due(interval) {
            return self.commit().map(Some);
        }
        Ok(None)
    }

    /// Makes every appended event and its position durable in one step.
    pub fn commit(&mut self) -> Result<Committed> {
        match &mut self.engine {
            Writing::Indexed(w) => w.commit(),
            Writing::Columns { writer, .. } => writer.commit().map(|events| Committed { events }),
        }
    }

    /// Commits whatever is pending and leaves the store complete.
    pub fn close(self) -> Result<Committed> {
        match self.engine {
            Writing::Indexed(w) => w.close(),
            Writing::Columns { mut writer, .. } => {
                writer.commit().map(|events| Committed { events })
            }
        }
    }

    /// Removes every event older than `cutoff`, committing first what is pending; source
    /// positions stay as they are. Returns the events removed.
    pub fn expire_older_than(self, cutoff: Timestamp) -> Result<u64> {
        match self.engine {
            Writing::Indexed(w) => super::retention::expire_indexed(*w, cutoff),
            Writing::Columns { mut writer, .. } => writer.expire_older_than(cutoff),
        }
    }
}

/// A `fields` object kept as text, read for the engine that stores maps.
fn fields_of_text(text: &str) -> serde_json::Map<String, serde_json::Value> {
    let mut map = serde_json::Map::new();
    crate::event::read_fields_text(text, &mut map, &mut crate::event::FieldMaps::default());
    map
}
