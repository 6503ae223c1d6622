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
/// Format 2: parts carry their own identity (see `part::PartIdentity`) and the manifest
/// names the parts a merge or retention replaced until they are removed (`retired`).
/// Format 1 manifests still open; the next commit writes format 2.
pub const FORMAT: u32 = 2;

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
    /// Parts a merge or retention replaced, removed once this manifest is stored: a
    /// writer that finds them still there (a crash in between) knows they may go.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub retired: Vec<String>,
}

impl Manifest {
    pub fn path(dir: &Path) -> PathBuf {
        dir.join(FILE)
    }

    /// Where a new manifest is written before it replaces the old one.
    pub fn temporary_path(dir: &Path) -> PathBuf {
        dir.join(format!("{FILE}.tmp"))
    }

    /// The store's manifest, or `None` when there is none and no part either (a store
    /// just created). A manifest that is missing while parts are there, or unreadable, is
    /// damage: nothing may be written (or deleted) until `logagg repair` rebuilds it from
    /// the parts, and a reader would answer from nothing.
    pub fn load(dir: &Path) -> Result<Option<Manifest>> {
        let path = Manifest::path(dir);
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let parts = part_files(dir)?;
                if parts.is_empty() {
                    return Ok(None);
                }
                return Err(StoreError::NeedsRepair {
                    dir: dir.to_path_buf(),
                    reason: format!(
                        "{FILE} is missing while parts/ holds {} part file(s)",
                        parts.len()
                    ),
                });
            }
            Err(cause) => {
                return Err(StoreError::Io {
                    context: format!("cannot read {}", path.display()),
                    cause,
                })
            }
        };
        let manifest: Manifest =
            serde_json::from_slice(&bytes).map_err(|e| StoreError::NeedsRepair {
                dir: dir.to_path_buf(),
                reason: format!("{FILE} is unreadable ({e})"),
            })?;
        if manifest.format > FORMAT {
            return Err(StoreError::NewerFormat {
                dir: dir.to_path_buf(),
                found: manifest.format,
                supported: FORMAT,
            });
        }
        if let Some(twice) = first_listed_twice(&manifest.parts) {
            return Err(StoreError::NeedsRepair {
                dir: dir.to_path_buf(),
                reason: format!("{FILE} lists the part {twice} twice"),
            });
        }
        Ok(Some(manifest))
    }

    /// The number the part `name` was given when it was written (`{:016}.part`).
    pub fn part_number(name: &str) -> Option<u64> {
        let digits = name.strip_suffix(PART_SUFFIX)?;
        (digits.len() == 16 && digits.bytes().all(|b| b.is_ascii_digit()))
            .then(|| digits.parse().ok())
            .flatten()
    }

    /// The file name of part number `number`.
    pub fn part_name(number: u64) -> String {
        format!("{number:016}{PART_SUFFIX}")
    }

    /// Replaces the manifest: written aside, synced, renamed over the old one, and the
    /// directory synced, so a crash leaves either the old manifest or the new one.
    pub fn store(&self, dir: &Path) -> Result<()> {
        let path = Manifest::path(dir);
        let temporary = Manifest::temporary_path(dir);
        let text = serde_json::to_vec_pretty(self).map_err(|e| StoreError::Damaged {
            dir: dir.to_path_buf(),
            reason: format!("cannot encode the manifest: {e}"),
        })?;
        let written = std::fs::File::create(&temporary)
            .and_then(|mut file| file.write_all(&text).and_then(|()| file.sync_all()))
            .and_then(|()| std::fs::rename(&temporary, &path));
        if written.is_err() {
            // A full disk leaves no half-written file behind.
            let _ = std::fs::remove_file(&temporary);
        }
        written.context(|| format!("cannot write {}", path.display()))?;
        std::fs::File::open(dir)
            .and_then(|d| d.sync_all())
            .context(|| format!("cannot sync {}", dir.display()))
    }
}

const PART_SUFFIX: &str = ".part";

/// The names of the finished part files in `dir/parts` (not the temporary files of a part
/// or manifest being written), sorted.
pub fn part_files(dir: &Path) -> Result<Vec<String>> {
    let parts = dir.join("parts");
    let entries = match std::fs::read_dir(&parts) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(cause) => {
            return Err(StoreError::Io {
                context: format!("cannot list {}", parts.display()),
                cause,
            })
        }
    };
    let mut names: Vec<String> = entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(PART_SUFFIX))
        .collect();
    names.sort();
    Ok(names)
}

fn first_listed_twice(parts: &[String]) -> Option<&String> {
    let mut seen = std::collections::HashSet::with_capacity(parts.len());
    parts.iter().find(|name| !seen.insert(name.as_str()))
}
