//! One file followed like `tail -F`: lines as they are appended, across rename-and-create
//! rotation (the old file is read to its end first) and copytruncate rotation (reading
//! starts again at the top), resuming from a saved position even if the file was rotated
//! while nobody was reading it.

use super::FilePosition;
use serde::{Deserialize, Serialize};
use std::fs::{File, Metadata};
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// A line longer than this is cut into pieces of this size rather than held forever.
pub const MAX_LINE_BYTES: usize = 15 * 1024 * 1024;

/// What tells a file apart from the next one created under the same name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileIdentity {
    pub device: u64,
    pub inode: u64,
}

impl FileIdentity {
    #[cfg(unix)]
    pub fn of(meta: &Metadata) -> FileIdentity {
        use std::os::unix::fs::MetadataExt;
        FileIdentity {
            device: meta.dev(),
            inode: meta.ino(),
        }
    }

    /// Without inodes only truncation can be told apart; rename rotation looks like growth.
    #[cfg(not(unix))]
    pub fn of(_: &Metadata) -> FileIdentity {
        FileIdentity {
            device: 0,
            inode: 0,
        }
    }
}

struct OpenFile {
    file: File,
    identity: FileIdentity,
    /// Offset of the next byte to read.
    offset: u64,
    /// Truncations in place seen so far (see `FilePosition::truncations`).
    truncations: u32,
}

pub struct FollowedFile {
    path: PathBuf,
    open: Option<OpenFile>,
    /// The start of a line whose newline has not been written yet.
    partial: Vec<u8>,
    partial_from: u64,
    buffer: Vec<u8>,
}

/// Something worth telling the user about, said once when it happens.
pub type Notice = String;

impl FollowedFile {
    /// Starts following `path` from `resume` (when it still describes this file, or a
    /// rotated predecessor found in the same directory), else from the beginning.
    pub fn open(
        path: &Path,
        resume: Option<FilePosition>,
    ) -> io::Result<(FollowedFile, Vec<Notice>)> {
        let mut notices = Vec::new();
        let current = match std::fs::metadata(path) {
            Ok(meta) => Some(FileIdentity::of(&meta)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(e),
        };
        let open = match resume {
            Some(pos) if current == Some(pos.identity) => Some(open_at(path, pos, &mut notices)?),
            Some(pos) => match find_by_identity(path, pos.identity)? {
                Some(rotated) => {
                    notices.push(format!(
                        "{} was rotated to {} while not shipping; finishing that first",
                        path.display(),
                        rotated.display()
                    ));
                    Some(open_at(&rotated, pos, &mut notices)?)
                }
                None => {
                    notices.push(format!(
                        "the file shipped before as {} is gone; starting at the top of the current one",
                        path.display()
                    ));
                    open_from_top(path)?
                }
            },
            None => open_from_top(path)?,
        };
        if open.is_none() {
            notices.push(format!("waiting for {} to appear", path.display()));
        }
        let partial_from = open.as_ref().map_or(0, |o| o.offset);
        Ok((
            FollowedFile {
                path: path.to_path_buf(),
                open,
                partial: Vec::new(),
                partial_from,
                buffer: vec![0; super::READ_CHUNK],
            },
            notices,
        ))
    }

    /// Where a restart must resume: the start of the line not yet complete.
    pub fn position(&self) -> Option<FilePosition> {
        self.open.as_ref().map(|o| FilePosition {
            identity: o.identity,
            offset: o.offset - self.partial.len() as u64,
            truncations: o.truncations,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads what is available (up to about `budget` bytes), handing each complete line,
    /// without its line break, and the offset it began at, to `line`. At the end of the
    /// file it checks for rotation and truncation. Returns the bytes read.
    pub fn read_available(
        &mut self,
        budget: usize,
        notices: &mut Vec<Notice>,
        line: &mut dyn FnMut(&[u8], u64) -> anyhow::Result<()>,
    ) -> anyhow::Result<usize> {
        let mut total = 0;
        if self.open.is_none() {
            self.open = open_from_top(&self.path)?;
            self.partial_from = 0;
            if self.open.is_none() {
                return Ok(0);
            }
        }
        while total < budget {
            let Some(open) = self.open.as_mut() else {
                break;
            };
            let read = match open.file.read(&mut self.buffer) {
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e.into()),
            };
            if read == 0 {
                if !self.rotate_if_replaced(notices, line)? {
                    break;
                }
                continue;
            }
            let base = open.offset;
            open.offset += read as u64;
            total += read;
            let chunk = &self.buffer[..read];
            let mut start = 0;
            for newline in memchr::memchr_iter(b'\n', chunk) {
                let piece = &chunk[start..newline];
                if self.partial.is_empty() {
                    line(piece, base + start as u64)?;
                } else {
                    self.partial.extend_from_slice(piece);
                    line(&self.partial, self.partial_from)?;
                    self.partial.clear();
                }
                start = newline + 1;
            }
            if start < chunk.len() {
                if self.partial.is_empty() {
                    self.partial_from = base + start as u64;
                }
                self.partial.extend_from_slice(&chunk[start..]);
                if self.partial.len() >= MAX_LINE_BYTES {
                    line(&self.partial, self.partial_from)?;
                    self.partial_from += self.partial.len() as u64;
                    self.partial.clear();
                }
            }
        }
        Ok(total)
    }

    /// At the end of the open file: if the path now names another file (rename rotation)
    /// or the file shrank (copytruncate), hand out the unfinished line, since its file
    /// will not grow any more, and switch to the new content, which the next call reads.
    /// Returns whether to keep reading in this call.
    fn rotate_if_replaced(
        &mut self,
        notices: &mut Vec<Notice>,
        line: &mut dyn FnMut(&[u8], u64) -> anyhow::Result<()>,
    ) -> anyhow::Result<bool> {
        let Some(open) = self.open.as_mut() else {
            return Ok(false);
        };
        let meta = match std::fs::metadata(&self.path) {
            Ok(meta) => meta,
            // Renamed away and not created again yet: keep the old one open meanwhile.
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
            Err(e) => return Err(e.into()),
        };
        let identity = FileIdentity::of(&meta);
        if identity != open.identity {
            notices.push(format!(
                "{} was rotated; following the new file",
                self.path.display()
            ));
            self.flush_partial(line)?;
            self.open = open_from_top(&self.path)?;
            self.partial_from = 0;
            // Stop here so the caller can close what it built from the old file.
            return Ok(false);
        }
        if meta.len() < open.offset {
            notices.push(format!(
                "{} was truncated (copytruncate rotation); reading it from the top",
                self.path.display()
            ));
            open.file.seek(SeekFrom::Start(0))?;
            open.offset = 0;
            open.truncations += 1;
            self.flush_partial(line)?;
            self.partial_from = 0;
            return Ok(false);
        }
        Ok(false)
    }

    fn flush_partial(
        &mut self,
        line: &mut dyn FnMut(&[u8], u64) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        if !self.partial.is_empty() {
            line(&self.partial, self.partial_from)?;
            self.partial.clear();
        }
        Ok(())
    }
}

fn open_from_top(path: &Path) -> io::Result<Option<OpenFile>> {
    match File::open(path) {
        Ok(file) => {
            let identity = FileIdentity::of(&file.metadata()?);
            Ok(Some(OpenFile {
                file,
                identity,
                offset: 0,
                truncations: 0,
            }))
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

fn open_at(path: &Path, pos: FilePosition, notices: &mut Vec<Notice>) -> io::Result<OpenFile> {
    let mut file = File::open(path)?;
    let meta = file.metadata()?;
    let (offset, truncations) = if meta.len() >= pos.offset {
        (pos.offset, pos.truncations)
    } else {
        notices.push(format!(
            "{} is shorter than where shipping stopped (truncated?); reading it from the top",
            path.display()
        ));
        (0, pos.truncations + 1)
    };
    file.seek(SeekFrom::Start(offset))?;
    Ok(OpenFile {
        file,
        identity: FileIdentity::of(&meta),
        offset,
        truncations,
    })
}

/// A rotated file keeps its identity under a new name in the same directory (app.log.1).
pub(crate) fn find_by_identity(path: &Path, identity: FileIdentity) -> io::Result<Option<PathBuf>> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    for entry in entries.flatten() {
        if let Ok(meta) = entry.metadata() {
            if meta.is_file() && FileIdentity::of(&meta) == identity {
                return Ok(Some(entry.path()));
            }
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn append(path: &Path, text: &str) {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }

    fn drain(file: &mut FollowedFile) -> Vec<(String, u64)> {
        let mut lines = Vec::new();
        let mut notices = Vec::new();
        file.read_available(usize::MAX, &mut notices, &mut |l, at| {
            lines.push((String::from_utf8(l.to_vec()).unwrap(), at));
            Ok(())
        })
        .unwrap();
        lines
    }

    fn texts(lines: Vec<(String, u64)>) -> Vec<String> {
        lines.into_iter().map(|(l, _)| l).collect()
    }

    #[test]
    fn follows_growth_and_holds_back_an_unfinished_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app.log");
        append(&path, "one\ntw");
        let (mut file, _) = FollowedFile::open(&path, None).unwrap();
        assert_eq!(drain(&mut file), [("one".to_string(), 0)]);
        assert_eq!(file.position().unwrap().offset, 4);
        append(&path, "o\nthree\n");
        assert_eq!(
            drain(&mut file),
            [("two".to_string(), 4), ("three".to_string(), 8)]
        );
        assert_eq!(file.position().unwrap().offset, 14);
    }

    #[test]
    fn rename_rotation_finishes_the_old_file_then_reads_the_new_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app.log");
        append(&path, "a\n");
        let (mut file, _) = FollowedFile::open(&path, None).unwrap();
        assert_eq!(texts(drain(&mut file)), ["a"]);
        append(&path, "b\nunfinished");
        std::fs::rename(&path, dir.path().join("app.log.1")).unwrap();
        assert_eq!(
            texts(drain(&mut file)),
            ["b"],
            "waits while the path is missing"
        );
        append(&path, "c\n");
        assert_eq!(
            texts(drain(&mut file)),
            ["unfinished"],
            "the old file ends first"
        );
        assert_eq!(texts(drain(&mut file)), ["c"]);
    }

    #[test]
    fn copytruncate_starts_again_at_the_top() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app.log");
        append(&path, "first line\n");
        let (mut file, _) = FollowedFile::open(&path, None).unwrap();
        assert_eq!(texts(drain(&mut file)), ["first line"]);
        std::fs::copy(&path, dir.path().join("app.log.1")).unwrap();
        std::fs::File::create(&path).unwrap();
        append(&path, "x\n");
        assert!(
            drain(&mut file).is_empty(),
            "noticed at the end of the file"
        );
        assert_eq!(texts(drain(&mut file)), ["x"]);
        let at = file.position().unwrap();
        assert_eq!(
            (at.offset, at.truncations),
            (2, 1),
            "offsets start over, counted"
        );
        // Stopped, truncated meanwhile, started again: counted too.
        append(&path, "more lines\n");
        assert_eq!(texts(drain(&mut file)), ["more lines"]);
        let at = file.position().unwrap();
        drop(file);
        std::fs::File::create(&path).unwrap();
        append(&path, "y\n");
        let (mut file, notices) = FollowedFile::open(&path, Some(at)).unwrap();
        assert!(notices[0].contains("shorter"), "{notices:?}");
        assert_eq!(texts(drain(&mut file)), ["y"]);
        assert_eq!(file.position().unwrap().truncations, 2);
    }

    #[test]
    fn resumes_in_a_file_rotated_while_stopped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app.log");
        append(&path, "a\nb\n");
        let (mut file, _) = FollowedFile::open(&path, None).unwrap();
        drain(&mut file);
        let saved = FilePosition {
            identity: file.position().unwrap().identity,
            offset: 2,
            truncations: 0,
        };
        drop(file);
        std::fs::rename(&path, dir.path().join("app.log.1")).unwrap();
        append(&path, "c\n");
        let (mut file, notices) = FollowedFile::open(&path, Some(saved)).unwrap();
        assert!(notices[0].contains("rotated to"), "{notices:?}");
        assert_eq!(texts(drain(&mut file)), ["b"]);
        assert_eq!(texts(drain(&mut file)), ["c"]);
    }

    #[test]
    fn a_file_that_does_not_exist_yet_is_waited_for() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("later.log");
        let (mut file, notices) = FollowedFile::open(&path, None).unwrap();
        assert!(notices[0].contains("waiting"));
        assert!(drain(&mut file).is_empty());
        append(&path, "hello\n");
        assert_eq!(texts(drain(&mut file)), ["hello"]);
    }
}
