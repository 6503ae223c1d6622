//! Where things live in a data directory, and opening the index safely.
//!
//! ```text
//! DATA_DIR/store.json     format marker: {"format": 3, "created_by": "logagg 0.1.0"}
//! DATA_DIR/writer.lock    held by the single writer, names its holder
//! formats 1 and 2 (the indexed engine):
//! DATA_DIR/index/         the tantivy index; commit payloads carry source positions
//! format 3 (the column engine, the default for new stores):
//! DATA_DIR/manifest.json  the parts and the source positions they reach
//! DATA_DIR/parts/         one file per commit (or merge) of column blocks
//! ```

use super::damage::{open_without, DamagedSegment};
use super::error::{Context, Result, StoreError};
use super::schema::{build_schema, register_tokenizer, StoreFields};
use std::path::{Path, PathBuf};
use tantivy::store::{Compressor, ZstdCompressor};
use tantivy::{Index, IndexSettings};

const DOCSTORE_ZSTD_LEVEL: i32 = 3;
/// Each event a query returns costs decompressing its block: 16 KiB blocks kept 61 bytes
/// per event, 32 KiB 53, 64 KiB 48, with the newest-100 query at 8.4, 9.4 and 12.4 ms.
const DOCSTORE_BLOCK_BYTES: usize = 32 * 1024;

/// The newest format of the indexed engine. Format 1 (before issue 12) still opens and
/// takes writes; see `schema::build_schema`.
pub const FORMAT: u32 = 2;
/// The column engine's format, the one new stores are created in.
pub const COLUMNS_FORMAT: u32 = 3;
const MARKER: &str = "store.json";
const INDEX_DIR: &str = "index";
/// tantivy's list of committed segments, in the index directory.
pub(super) const META_FILE: &str = "meta.json";

/// An opened index and its field handles.
#[derive(Clone)]
pub struct Store {
    pub dir: PathBuf,
    pub format: u32,
    pub index: Index,
    pub fields: StoreFields,
}

impl Store {
    /// Opens an existing store for reading.
    pub fn open(dir: &Path) -> Result<Store> {
        let index_dir = dir.join(INDEX_DIR);
        if !index_dir.join(META_FILE).exists() {
            return Err(StoreError::NotFound {
                dir: dir.to_path_buf(),
            });
        }
        let format = check_marker(dir)?;
        if format > FORMAT {
            return Err(StoreError::Damaged {
                dir: dir.to_path_buf(),
                reason: format!("its marker says format {format}, which is not an indexed store"),
            });
        }
        // A writer's merge may delete a segment between our reading meta.json and opening
        // the segment; the next attempt reads the newer meta.json.
        let mut attempt = 0;
        let index = loop {
            match Index::open_in_dir(&index_dir) {
                Ok(index) => break index,
                Err(tantivy::TantivyError::OpenReadError(_)) if attempt < 3 => {
                    attempt += 1;
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                Err(e) => return Err(damaged(dir, &e)),
            }
        };
        Store::from_index(dir, index, format)
    }

    /// Opens the store, creating it if the directory holds none. Call only while holding
    /// the writer lock, so two writers cannot create it at once.
    pub fn open_or_create(dir: &Path) -> Result<Store> {
        let index_dir = dir.join(INDEX_DIR);
        if index_dir.join(META_FILE).exists() {
            return Store::open(dir);
        }
        std::fs::create_dir_all(&index_dir)
            .context(|| format!("cannot create {}", index_dir.display()))?;
        write_marker(dir, FORMAT)?;
        let index = Index::builder()
            .schema(build_schema(FORMAT))
            .settings(new_store_settings())
            .create_in_dir(&index_dir)
            .context(|| format!("cannot create an index in {}", index_dir.display()))?;
        Store::from_index(dir, index, FORMAT)
    }

    fn from_index(dir: &Path, index: Index, format: u32) -> Result<Store> {
        if index.schema() != build_schema(format) {
            return Err(StoreError::Damaged {
                dir: dir.to_path_buf(),
                reason: format!("its schema is not the one of format {format}"),
            });
        }
        register_tokenizer(&index);
        let fields = StoreFields::resolve(&index.schema()).map_err(|e| damaged(dir, &e))?;
        Ok(Store {
            dir: dir.to_path_buf(),
            format,
            index,
            fields,
        })
    }

    /// This store as a reader sees it with the `damaged` segments left out.
    pub fn without(&self, damaged: &[DamagedSegment]) -> Result<Store> {
        let index =
            open_without(&self.index_dir(), damaged).map_err(|e| self::damaged(&self.dir, &e))?;
        Store::from_index(&self.dir, index, self.format)
    }

    pub fn index_dir(&self) -> PathBuf {
        self.dir.join(INDEX_DIR)
    }

    /// Bytes the store occupies on disk.
    pub fn disk_bytes(&self) -> u64 {
        dir_size(&self.index_dir())
    }
}

/// How new stores keep their events. Stores created before keep the settings recorded in
/// their `meta.json` (lz4, 16 KiB blocks) and open unchanged.
fn new_store_settings() -> IndexSettings {
    IndexSettings {
        // Events repeat most of their words: zstd finds those repeats across a block, where
        // lz4 over 16 KiB kept about twice the bytes (BENCHMARKS.md, issue 12).
        docstore_compression: Compressor::Zstd(ZstdCompressor {
            compression_level: Some(DOCSTORE_ZSTD_LEVEL),
        }),
        docstore_blocksize: DOCSTORE_BLOCK_BYTES,
        ..IndexSettings::default()
    }
}

pub(super) fn damaged(dir: &Path, error: &tantivy::TantivyError) -> StoreError {
    StoreError::Damaged {
        dir: dir.to_path_buf(),
        reason: first_line(&error.to_string()),
    }
}

fn first_line(text: &str) -> String {
    text.lines()
        .next()
        .unwrap_or("")
        .chars()
        .take(200)
        .collect()
}

/// Records the format a new store is written in.
pub fn write_marker(dir: &Path, format: u32) -> Result<()> {
    let marker = serde_json::json!({"format": format, "created_by": format!("logagg {}", env!("CARGO_PKG_VERSION"))});
    std::fs::write(dir.join(MARKER), marker.to_string())
        .context(|| format!("cannot write {}", dir.join(MARKER).display()))
}

/// The format of the store in `dir`: `None` when the directory holds no store marker.
/// Formats newer than this logagg knows are refused.
pub fn format_of(dir: &Path) -> Result<Option<u32>> {
    match std::fs::metadata(dir.join(MARKER)) {
        Ok(_) => check_marker(dir).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        // A directory this user may not read is not "no store".
        Err(cause) => Err(StoreError::Io {
            context: format!("cannot read the store at {}", dir.display()),
            cause,
        }),
    }
}

/// The error for a directory that holds a column store's files but no marker: the data is
/// there, so "no store" would be wrong, and a writer must not start a new store over it.
pub fn check_unmarked(dir: &Path) -> Result<()> {
    let manifest = super::columns::manifest::Manifest::path(dir);
    let parts = super::columns::manifest::part_files(dir)?;
    if manifest.exists() || !parts.is_empty() {
        return Err(StoreError::NeedsRepair {
            dir: dir.to_path_buf(),
            reason: format!(
                "{} is missing while {} part file(s){} are there",
                dir.join(MARKER).display(),
                parts.len(),
                if manifest.exists() {
                    " and a manifest"
                } else {
                    ""
                }
            ),
        });
    }
    Ok(())
}

/// Whether `dir` holds an indexed store (possibly one whose marker is lost).
pub fn has_index(dir: &Path) -> bool {
    dir.join(INDEX_DIR).join(META_FILE).exists()
}

/// The store's format, refusing formats newer than this logagg knows.
fn check_marker(dir: &Path) -> Result<u32> {
    let path = dir.join(MARKER);
    let text = std::fs::read_to_string(&path).map_err(|cause| StoreError::Io {
        context: format!("cannot read {}", path.display()),
        cause,
    })?;
    let found = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| v.get("format").and_then(|f| f.as_u64()))
        .and_then(|f| u32::try_from(f).ok())
        .ok_or_else(|| StoreError::NeedsRepair {
            dir: dir.to_path_buf(),
            reason: format!("{} is unreadable", path.display()),
        })?;
    if found > COLUMNS_FORMAT {
        return Err(StoreError::NewerFormat {
            dir: dir.to_path_buf(),
            found,
            supported: COLUMNS_FORMAT,
        });
    }
    Ok(found)
}

fn dir_size(path: &Path) -> u64 {
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| match e.metadata() {
                    Ok(m) if m.is_dir() => dir_size(&e.path()),
                    Ok(m) => m.len(),
                    Err(_) => 0,
                })
                .sum()
        })
        .unwrap_or(0)
}
