//! The indexed (tantivy) store's single writer: appends events with their source positions and commits both
//! atomically.

use super::checkpoint::Checkpoint;
use super::damage::{self, DamagedSegment};
use super::document::to_document;
use super::error::{Context, Result, StoreError};
use super::layout::Store;
use super::lock::WriterLock;
use crate::event::{EventWriter, LogEvent, Position};
use std::path::Path;
use std::time::{Duration, Instant};
use tantivy::indexer::LogMergePolicy;
use tantivy::{IndexWriter, TantivyDocument};

/// Memory tantivy may buffer before it flushes a segment on its own.
const WRITER_HEAP_BYTES: usize = 256 * 1024 * 1024;

pub struct IndexedWriter {
    store: Store,
    writer: IndexWriter<TantivyDocument>,
    checkpoint: Checkpoint,
    /// Positions of appended but not yet committed events.
    pending: Checkpoint,
    uncommitted: u64,
    /// Positions moved past events that were not stored.
    skipped: bool,
    last_commit: Instant,
    json: EventWriter,
    buffer: Vec<u8>,
    set_aside: Vec<DamagedSegment>,
    _lock: WriterLock,
}

/// What a commit made durable.
#[derive(Debug, Clone, Copy, Default)]
pub struct Committed {
    pub events: u64,
}

impl IndexedWriter {
    /// Opens (creating if needed) the indexed store in `dir` for writing, holding `lock`.
    pub fn open(dir: &Path, lock: WriterLock) -> Result<IndexedWriter> {
        let mut store = Store::open_or_create(dir)?;
        let set_aside = damage::set_aside(&store)?;
        if !set_aside.is_empty() {
            store = Store::open(dir)?;
        }
        let metas = store
            .index
            .load_metas()
            .context(|| format!("cannot read the store at {}", dir.display()))?;
        let checkpoint = Checkpoint::from_payload(metas.payload.as_deref()).ok_or_else(|| {
            StoreError::Damaged {
                dir: dir.to_path_buf(),
                reason: "its commit payload is unreadable".into(),
            }
        })?;
        let writer: IndexWriter<TantivyDocument> = store
            .index
            .writer_with_num_threads(1, WRITER_HEAP_BYTES)
            .map_err(|e| match e {
                tantivy::TantivyError::LockFailure(..) => StoreError::Locked {
                    dir: dir.to_path_buf(),
                    holder: "a process that holds tantivy's own index lock".into(),
                },
                other => StoreError::Index {
                    context: format!("cannot open a writer on {}", dir.display()),
                    cause: other,
                },
            })?;
        let mut policy = LogMergePolicy::default();
        // Retention deletes old events; merge a segment once a third of it is gone.
        policy.set_del_docs_ratio_before_merge(0.3);
        writer.set_merge_policy(Box::new(policy));
        Ok(IndexedWriter {
            pending: checkpoint.clone(),
            checkpoint,
            store,
            writer,
            uncommitted: 0,
            skipped: false,
            last_commit: Instant::now(),
            json: EventWriter::default(),
            buffer: Vec::with_capacity(4096),
            set_aside,
            _lock: lock,
        })
    }

    /// Damaged segments this writer took out of the store when it opened it.
    pub fn set_aside(&self) -> &[DamagedSegment] {
        &self.set_aside
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The committed offset to resume `stream` from: the next event not yet stored.
    pub fn resume_offset(&self, stream: &str) -> Option<u64> {
        self.checkpoint.positions.get(stream).copied()
    }

    /// Every committed stream whose name starts with `prefix`, with its resume offset.
    pub fn streams_with_prefix(&self, prefix: &str) -> Vec<(String, u64)> {
        super::checkpoint::streams_with_prefix(&self.checkpoint.positions, prefix)
    }

    /// Adds an event; it becomes visible and durable at the next commit, with its stream's
    /// position when it has one worth keeping.
    pub fn append(&mut self, event: &LogEvent, position: Option<&Position>) -> Result<()> {
        self.buffer.clear();
        self.json.write(event, &mut self.buffer);
        let source = std::str::from_utf8(&self.buffer).unwrap_or_default();
        let seq = self.pending.next_seq;
        let doc = to_document(&self.store.fields, event, seq, source);
        self.writer
            .add_document(doc)
            .context(|| "cannot add an event to the store".to_string())?;
        self.pending.next_seq = seq + 1;
        if let Some(position) = position {
            self.advance(position);
        }
        self.uncommitted += 1;
        Ok(())
    }

    /// Moves `position`'s stream past an event that is not stored (a dead letter), so
    /// the next commit records that it was dealt with.
    pub fn skip(&mut self, position: &Position) {
        self.advance(position);
        self.skipped = true;
    }

    /// Records `stream` as begun with nothing of it read (resume at offset 0), at the next
    /// commit; a stream that has a position keeps it.
    pub fn begin(&mut self, stream: &str) {
        if self.resume_offset(stream).is_none() && !self.pending.positions.contains_key(stream) {
            self.pending.positions.insert(stream.to_owned(), 0);
            self.skipped = true;
        }
    }

    fn advance(&mut self, position: &Position) {
        let next = position.offset.saturating_add(1);
        // Hot path: update in place; a new stream's name is copied only once.
        match self.pending.positions.get_mut(position.stream) {
            Some(slot) => *slot = next,
            None => {
                self.pending
                    .positions
                    .insert(position.stream.to_string(), next);
            }
        }
    }

    /// Whether anything is pending and `interval` has passed since the last commit.
    pub fn is_due(&self, interval: Duration) -> bool {
        self.has_pending() && self.last_commit.elapsed() >= interval
    }

    pub fn has_pending(&self) -> bool {
        self.uncommitted > 0 || self.skipped
    }

    pub fn uncommitted(&self) -> u64 {
        self.uncommitted
    }

    /// Makes every appended event and its position durable in one step.
    pub fn commit(&mut self) -> Result<Committed> {
        let mut prepared = self
            .writer
            .prepare_commit()
            .context(|| "cannot commit to the store".to_string())?;
        prepared.set_payload(&self.pending.to_payload());
        prepared
            .commit()
            .context(|| "cannot commit to the store".to_string())?;
        self.checkpoint = self.pending.clone();
        let events = std::mem::take(&mut self.uncommitted);
        self.skipped = false;
        self.last_commit = Instant::now();
        Ok(Committed { events })
    }

    pub(super) fn index_writer(&mut self) -> &mut IndexWriter<TantivyDocument> {
        &mut self.writer
    }

    /// Commits whatever is pending and waits for background merges, leaving the store compact.
    pub fn close(mut self) -> Result<Committed> {
        let committed = self.commit()?;
        self.writer
            .wait_merging_threads()
            .context(|| "cannot finish merging the store".to_string())?;
        Ok(committed)
    }
}
