//! The one-writer-at-a-time rule, with a lock file that names its holder.

use super::error::{Context, Result, StoreError};
use std::fs::TryLockError;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

pub const LOCK_FILE: &str = "writer.lock";

/// Held for as long as a writer lives; the OS releases it if the process dies, so a
/// killed writer never leaves a stale lock behind.
#[derive(Debug)]
pub struct WriterLock {
    _file: File,
}

impl WriterLock {
    pub fn acquire(dir: &Path, command: &str) -> Result<WriterLock> {
        let path = dir.join(LOCK_FILE);
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .context(|| format!("cannot open lock file {}", path.display()))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                return Err(StoreError::Locked {
                    dir: dir.to_path_buf(),
                    holder: describe_holder(&mut file),
                })
            }
            Err(TryLockError::Error(e)) => {
                return Err(StoreError::Io {
                    context: format!("cannot lock {}", path.display()),
                    cause: e,
                })
            }
        }
        let holder = serde_json::json!({
            "pid": std::process::id(),
            "command": command,
            "host": crate::event::this_host().unwrap_or_else(|| "unknown host".to_string()),
            "since": crate::event::Timestamp::now().to_rfc3339(),
        });
        file.set_len(0)
            .context(|| format!("cannot write {}", path.display()))?;
        file.seek(SeekFrom::Start(0))
            .context(|| format!("cannot write {}", path.display()))?;
        file.write_all(holder.to_string().as_bytes())
            .context(|| format!("cannot write {}", path.display()))?;
        file.flush()
            .context(|| format!("cannot write {}", path.display()))?;
        Ok(WriterLock { _file: file })
    }
}

/// Who writes to the store in `dir` right now, if anyone (a lock nobody holds is free).
pub fn writer_holder(dir: &Path) -> Option<String> {
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .open(dir.join(LOCK_FILE))
        .ok()?;
    match file.try_lock() {
        Ok(()) => {
            let _ = file.unlock();
            None
        }
        Err(_) => Some(describe_holder(&mut file)),
    }
}

fn describe_holder(file: &mut File) -> String {
    let mut text = String::new();
    let _ = file.seek(SeekFrom::Start(0));
    let _ = file.read_to_string(&mut text);
    match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(v) => format!(
            "pid {} ({}) on {} since {}",
            v["pid"],
            v["command"].as_str().unwrap_or("?"),
            v["host"].as_str().unwrap_or("?"),
            v["since"].as_str().unwrap_or("?")
        ),
        Err(_) => "a process that has not yet written its name".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_writer_is_told_who_holds_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let _first = WriterLock::acquire(dir.path(), "logagg simulate").unwrap();
        let err = WriterLock::acquire(dir.path(), "logagg retention").unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains(&format!("pid {}", std::process::id())),
            "{text}"
        );
        assert!(text.contains("logagg simulate"), "{text}");
    }
}
