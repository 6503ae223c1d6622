//! How far each followed file has been shipped (and confirmed by the broker), kept in a
//! small JSON file that is replaced atomically, so a restart neither loses nor resends lines.

use super::FileIdentity;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilePosition {
    pub identity: FileIdentity,
    /// The offset of the first byte not yet confirmed by the broker.
    pub offset: u64,
    /// How often the file was truncated in place (copytruncate) while followed. Its
    /// offsets start over each time, so this count tells the lines at one offset apart
    /// (in stream names, and so in Elasticsearch's ids).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub truncations: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShipCheckpoint {
    /// Keyed by the path as given on the command line, made absolute.
    pub files: BTreeMap<PathBuf, FilePosition>,
}

impl ShipCheckpoint {
    /// Reads the checkpoint; a missing file is an empty checkpoint.
    pub fn load(path: &Path) -> anyhow::Result<ShipCheckpoint> {
        match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                anyhow::anyhow!(
                    "the ship checkpoint {} is unreadable ({e}); remove it to start from the beginning of the files",
                    path.display()
                )
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(ShipCheckpoint::default()),
            Err(e) => Err(anyhow::anyhow!(
                "cannot read the ship checkpoint {}: {e}",
                path.display()
            )),
        }
    }

    /// Writes a new version beside the old one, syncs it, then renames it over: a crash
    /// leaves either the old or the new checkpoint, never a torn one.
    pub fn save(&self, path: &Path) -> anyhow::Result<()> {
        let fail = |e: std::io::Error| {
            anyhow::anyhow!("cannot write the ship checkpoint {}: {e}", path.display())
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(fail)?;
        }
        let fresh = path.with_extension("json.new");
        let mut file = std::fs::File::create(&fresh).map_err(fail)?;
        let text = serde_json::to_vec_pretty(self).map_err(|e| anyhow::anyhow!("{e}"))?;
        file.write_all(&text).map_err(fail)?;
        file.sync_all().map_err(fail)?;
        std::fs::rename(&fresh, path).map_err(fail)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saves_and_loads_and_a_missing_file_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ship/one.json");
        assert_eq!(
            ShipCheckpoint::load(&path).unwrap(),
            ShipCheckpoint::default()
        );
        let mut checkpoint = ShipCheckpoint::default();
        checkpoint.files.insert(
            PathBuf::from("/var/log/app.log"),
            FilePosition {
                identity: FileIdentity {
                    device: 1,
                    inode: 2,
                },
                offset: 300,
                truncations: 2,
            },
        );
        checkpoint.save(&path).unwrap();
        assert_eq!(ShipCheckpoint::load(&path).unwrap(), checkpoint);
        // Written before truncations were counted: none.
        std::fs::write(
            &path,
            br#"{"files":{"/a.log":{"identity":{"device":1,"inode":2},"offset":7}}}"#,
        )
        .unwrap();
        let old = ShipCheckpoint::load(&path).unwrap();
        assert_eq!(old.files[&PathBuf::from("/a.log")].truncations, 0);
        std::fs::write(&path, b"{torn").unwrap();
        let err = ShipCheckpoint::load(&path).unwrap_err().to_string();
        assert!(err.contains("remove it"), "{err}");
    }
}
