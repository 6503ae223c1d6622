//! Segments a reader cannot open (missing or truncated files, a bad footer), and a view of
//! the index without them, so one damaged segment costs its own events, not the store.

use super::layout::{Store, META_FILE};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, WatchCallback, WatchHandle, WritePtr,
};
use tantivy::{Index, SegmentReader};

/// A segment left out of what a reader serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DamagedSegment {
    /// As in the segment's file names: 32 hex digits.
    pub id: String,
    /// The segment's files: `INDEX_DIR/<id>.*`.
    pub files: PathBuf,
    /// How many events it held, when that can still be read.
    pub events: Option<u32>,
    pub reason: String,
    /// Whether the next writer takes it out of the store (a whole segment or part); a
    /// damaged block inside an intact part stays where it is.
    pub set_aside_by_writer: bool,
}

impl DamagedSegment {
    /// What is lost, in words: "its 12 events" or "its events".
    pub fn lost(&self) -> String {
        match self.events {
            Some(n) => format!("its {n} events"),
            None => "its events".to_string(),
        }
    }
}

impl std::fmt::Display for DamagedSegment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "segment {} is damaged ({}); {} are left out and the rest is served",
            self.files.display(),
            self.reason,
            self.lost()
        )
    }
}

/// The searchable segments of `index` that cannot be opened.
pub fn find_damaged(index: &Index, index_dir: &Path) -> tantivy::Result<Vec<DamagedSegment>> {
    let mut damaged = Vec::new();
    for segment in index.searchable_segments()? {
        if let Err(e) = without_panicking(|| SegmentReader::open(&segment)) {
            let id = segment.id().uuid_string();
            damaged.push(DamagedSegment {
                id: id.clone(),
                files: index_dir.join(format!("{id}.*")),
                events: Some(segment.meta().num_docs()),
                reason: short_reason(&e),
                set_aside_by_writer: true,
            });
        }
    }
    Ok(damaged)
}

/// One readable clause: tantivy's messages nest the I/O error's debug form.
fn short_reason(error: &tantivy::TantivyError) -> String {
    use tantivy::TantivyError;
    match error {
        TantivyError::OpenReadError(OpenReadError::FileDoesNotExist(path)) => {
            format!("{} is missing", path.display())
        }
        TantivyError::OpenReadError(OpenReadError::IoError { io_error, filepath }) => {
            let cause = io_error.to_string();
            let first_sentence = cause.split(". ").next().unwrap_or(&cause).to_string();
            format!("{}: {first_sentence}", filepath.display())
        }
        other => other.to_string().chars().take(160).collect(),
    }
}

/// Runs `open`, turning a panic of tantivy on damaged bytes (it asserts on some truncated
/// files) into an error; the default hook's message is kept off the terminal meanwhile.
pub fn without_panicking<T>(open: impl FnOnce() -> tantivy::Result<T>) -> tantivy::Result<T> {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(open));
    std::panic::set_hook(hook);
    outcome.unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unreadable data".into());
        Err(tantivy::TantivyError::InternalError(format!(
            "unreadable: {what}"
        )))
    })
}

/// The index in `index_dir` as if the `damaged` segments were not in its commits.
pub fn open_without(index_dir: &Path, damaged: &[DamagedSegment]) -> tantivy::Result<Index> {
    let skipped = damaged.iter().map(|d| d.id.clone()).collect();
    Index::open(WithoutSegments {
        inner: MmapDirectory::open(index_dir)?,
        skipped: Arc::new(skipped),
    })
}

/// Reads through to the directory, except that `meta.json` leaves out some segments.
/// Readers never write, so writes pass through untouched.
#[derive(Debug, Clone)]
struct WithoutSegments {
    inner: MmapDirectory,
    /// Segment ids as in file names: 32 hex digits, no hyphens.
    skipped: Arc<HashSet<String>>,
}

/// `meta.json` without the segments whose ids are in `skipped`; unreadable JSON unchanged.
fn meta_without(bytes: Vec<u8>, skipped: &HashSet<String>) -> Vec<u8> {
    let Ok(mut meta) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
        return bytes;
    };
    if let Some(segments) = meta.get_mut("segments").and_then(|s| s.as_array_mut()) {
        segments.retain(|segment| {
            let id = segment
                .get("segment_id")
                .and_then(|id| id.as_str())
                .unwrap_or_default()
                .replace('-', "");
            !skipped.contains(&id)
        });
    }
    serde_json::to_vec(&meta).unwrap_or(bytes)
}

/// Takes damaged segments out of the store's commits so that writing can go on: their
/// files move to `DATA_DIR/damaged/` and `meta.json` no longer lists them. Their events
/// are lost to queries; the sources' positions stay past them. Call only while holding
/// the writer lock, before opening tantivy's writer.
pub fn set_aside(store: &Store) -> super::error::Result<Vec<DamagedSegment>> {
    use super::error::Context;
    let (store_dir, index_dir) = (&store.dir, store.index_dir());
    let damaged = find_damaged(&store.index, &index_dir)
        .map_err(|e| super::layout::damaged(store_dir, &e))?;
    if damaged.is_empty() {
        return Ok(damaged);
    }
    let aside = store_dir.join("damaged");
    std::fs::create_dir_all(&aside).context(|| format!("cannot create {}", aside.display()))?;
    let files =
        std::fs::read_dir(&index_dir).context(|| format!("cannot list {}", index_dir.display()))?;
    for file in files.flatten() {
        let name = file.file_name();
        if damaged
            .iter()
            .any(|d| name.to_string_lossy().starts_with(&d.id))
        {
            std::fs::rename(file.path(), aside.join(&name))
                .context(|| format!("cannot move {} aside", file.path().display()))?;
        }
    }
    let meta_path = index_dir.join(META_FILE);
    let meta =
        std::fs::read(&meta_path).context(|| format!("cannot read {}", meta_path.display()))?;
    let skipped = damaged.iter().map(|d| d.id.clone()).collect();
    let staged = index_dir.join("meta.json.repaired");
    std::fs::write(&staged, meta_without(meta, &skipped))
        .and_then(|()| std::fs::File::open(&staged)?.sync_all())
        .and_then(|()| std::fs::rename(&staged, &meta_path))
        .context(|| format!("cannot rewrite {}", meta_path.display()))?;
    Ok(damaged)
}

impl Directory for WithoutSegments {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.inner.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.inner.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.inner.open_write(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        let bytes = self.inner.atomic_read(path)?;
        if path == Path::new(META_FILE) {
            return Ok(meta_without(bytes, &self.skipped));
        }
        Ok(bytes)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> std::io::Result<()> {
        self.inner.atomic_write(path, data)
    }

    fn sync_directory(&self) -> std::io::Result<()> {
        self.inner.sync_directory()
    }

    // The default would take the lock file's existence for a held lock; the inner
    // directory locks it with flock, as every other tantivy process does.
    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        self.inner.acquire_lock(lock)
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(watch_callback)
    }
}
