//! The manifest: which parts make up the store and where each source stream's events end,
//! in one small file replaced atomically at every commit. A part written but not yet named
//! here (a crash between the two) is not part of the store; the positions move only with
//! the parts that hold the events, so a resumed source neither skips nor repeats.

use crate::backend::embedded::error::{Context, Result, StoreError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

const FILE: &str = "manifest.json";
pub const FORMAT: u32 = 1;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub format: u32,
    /// Part file names (in the store's `parts/` directory), oldest first.
    pub parts: Vec<String>,
    /// The number the next part is named after.
    pub next_part: u64,
    /// The sequence number the next event stored gets (arrival order across streams).
    pub next_seq: u64,
    /// Per source stream, the offset to resume at.
    pub positions: BTreeMap<String, u64>,
}

impl Manifest {
    pub fn path(dir: &Path) -> PathBuf {
        dir.join(FILE)
    }

    /// The store's manifest, or `None` when the directory holds no column store.
    pub fn load(dir: &Path) -> Result<Option<Manifest>> {
        let path = Manifest::path(dir);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(cause) => {
                return Err(StoreError::Io {
                    context: format!("cannot read {}", path.display()),
                    cause,
                })
            }
        };
        let manifest: Manifest = serde_json::from_str(&text).map_err(|e| StoreError::Damaged {
            dir: dir.to_path_buf(),
            reason: format!("{} is unreadable: {e}", path.display()),
        })?;
        if manifest.format > FORMAT {
            return Err(StoreError::NewerFormat {
                dir: dir.to_path_buf(),
                found: manifest.format,
                supported: FORMAT,
            });
        }
        Ok(Some(manifest))
    }

    /// Replaces the manifest: written aside, synced, renamed over the old one, and the
    /// directory synced, so a crash leaves either the old manifest or the new one.
    pub fn store(&self, dir: &Path) -> Result<()> {
        let path = Manifest::path(dir);
        let temporary = dir.join(format!("{FILE}.tmp"));
        let text = serde_json::to_vec_pretty(self).map_err(|e| StoreError::Damaged {
            dir: dir.to_path_buf(),
            reason: format!("cannot encode the manifest: {e}"),
        })?;
        let mut file = std::fs::File::create(&temporary)
            .context(|| format!("cannot create {}", temporary.display()))?;
        file.write_all(&text)
            .and_then(|()| file.sync_all())
            .context(|| format!("cannot write {}", temporary.display()))?;
        std::fs::rename(&temporary, &path)
            .context(|| format!("cannot replace {}", path.display()))?;
        std::fs::File::open(dir)
            .and_then(|d| d.sync_all())
            .context(|| format!("cannot sync {}", dir.display()))
    }
}
