//! One file followed like `tail -F`: lines as they are appended, across rename-and-create
//! rotation (the old file is read to its end first) and copytruncate rotation (reading
//! starts again at the top), resuming from saved positions even if the file was rotated,
//! once or many times, while nobody was reading it: every generation between the one
//! reading stopped in and the live file is read, in order (`generations.rs`).

use super::generations::{self, Generation};
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
    /// Where each file known from saved positions was left: a generation met again on the
    /// way to the live file resumes there.
    known: Vec<FilePosition>,
    /// Rotated generations read to their end (or given up on) since following began.
    finished: Vec<FileIdentity>,
    /// The start of a line whose newline has not been written yet.
    partial: Vec<u8>,
    partial_from: u64,
    buffer: Vec<u8>,
}

/// Something worth telling the user about, said once when it happens.
pub type Notice = String;

impl FollowedFile {
    /// Starts following `path` from the saved positions `known` (each a file that was
    /// read, as far as it was read): in the oldest of them that still has lines unread,
    /// else in the newest of them; a generation rotated away since is found by its
    /// identity. With no position, or none whose file is still there, reading starts at
    /// the top of the live file.
    pub fn open(path: &Path, known: &[FilePosition]) -> io::Result<(FollowedFile, Vec<Notice>)> {
        let mut notices = Vec::new();
        let live = match std::fs::metadata(path) {
            Ok(meta) => Some(FileIdentity::of(&meta)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(e),
        };
        let mut located = Vec::new();
        for pos in known {
            let at = if Some(pos.identity) == live {
                Some(path.to_path_buf())
            } else {
                find_by_identity(path, pos.identity)?
            };
            if let Some(at) = at {
                if let Ok(generation) = Generation::of(path, &at) {
                    located.push((*pos, generation));
                }
            }
        }
        located.sort_by(|a, b| a.1.order(&b.1));
        let unread = |(pos, generation): &&(FilePosition, Generation)| {
            std::fs::metadata(&generation.path).is_ok_and(|m| m.len() > pos.offset)
        };
        let start = located.iter().find(unread).or(located.last());
        let open = match start {
            Some((pos, generation)) if Some(pos.identity) == live => {
                Some(open_at(&generation.path, *pos, &mut notices)?)
            }
            Some((pos, generation)) => {
                notices.push(format!(
                    "{} was rotated to {} while not shipping; finishing that first",
                    path.display(),
                    generation.path.display()
                ));
                Some(open_at(&generation.path, *pos, &mut notices)?)
            }
            None if !known.is_empty() => {
                // Every generation rotated after the one we were in is newer than it, and
                // none of them was shipped (it would be known): read them before the live
                // file, or a whole generation is lost without a word.
                let unshipped: Vec<Generation> = generations::rotated(path)?
                    .into_iter()
                    .filter(|g| !g.compressed && Some(g.identity) != live)
                    .filter(|g| !known.iter().any(|k| k.identity == g.identity))
                    .collect();
                match unshipped.first() {
                    Some(oldest) => {
                        let names: Vec<String> = unshipped
                            .iter()
                            .map(|g| g.path.display().to_string())
                            .collect();
                        notices.push(format!(
                            "the file shipped before as {} is gone (deleted, or compressed by rotation): the lines written to it after shipping stopped are not shipped (how many is unknown); reading the rotated generations not shipped before, oldest first ({}), then the current one",
                            path.display(),
                            names.join(", ")
                        ));
                        Some(open_at(
                            &oldest.path,
                            FilePosition {
                                identity: oldest.identity,
                                offset: 0,
                                truncations: 0,
                            },
                            &mut notices,
                        )?)
                    }
                    None => {
                        notices.push(format!(
                            "the file shipped before as {} is gone (deleted, or compressed by rotation): the lines written to it after shipping stopped are not shipped (how many is unknown); starting at the top of the current one",
                            path.display()
                        ));
                        open_from_top(path)?
                    }
                }
            }
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
                known: known.to_vec(),
                finished: Vec::new(),
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
            self.flush_partial(line)?;
            self.open_next_generation(notices)?;
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

    /// The open file, a generation the live file no longer is, has been read to its end:
    /// opens the next newer generation not read yet (where a saved position left it, else
    /// at its top), or the live file when there is none. A newer generation that rotation
    /// compressed before it was read is named: its lines are lost to shipping.
    fn open_next_generation(&mut self, notices: &mut Vec<Notice>) -> io::Result<()> {
        let Some(done) = self.open.take() else {
            return Ok(());
        };
        self.finished.push(done.identity);
        let done_at = find_by_identity(&self.path, done.identity)?
            .and_then(|at| Generation::of(&self.path, &at).ok());
        let live = std::fs::metadata(&self.path)
            .ok()
            .map(|m| FileIdentity::of(&m));
        let newer = match &done_at {
            Some(done_at) => {
                let rotated = generations::rotated(&self.path)?;
                let missing = generations::missing_after(done_at, &rotated);
                if !missing.is_empty() {
                    notices.push(format!(
                        "{} is missing: a generation of {} rotated out of reach (deleted?) before it was shipped; its lines are not shipped (how many is unknown)",
                        missing.join(", "),
                        self.path.display()
                    ));
                }
                rotated
                    .into_iter()
                    .filter(|g| g.identity != done.identity && Some(g.identity) != live)
                    .filter(|g| !self.finished.contains(&g.identity))
                    .filter(|g| done_at.older_than(g))
                    .collect()
            }
            // Deleted once read: nothing tells which generations came after it.
            None => Vec::new(),
        };
        for generation in newer {
            self.finished.push(generation.identity);
            if generation.compressed {
                notices.push(format!(
                    "{} was compressed by rotation before it was shipped: its lines are not shipped (how many is unknown)",
                    generation.path.display()
                ));
                continue;
            }
            notices.push(format!(
                "{} was rotated more than once; reading the generation {} before the new file",
                self.path.display(),
                generation.path.display()
            ));
            let resume = self
                .known
                .iter()
                .find(|p| p.identity == generation.identity)
                .copied()
                .unwrap_or(FilePosition {
                    identity: generation.identity,
                    offset: 0,
                    truncations: 0,
                });
            let open = open_at(&generation.path, resume, notices)?;
            self.partial_from = open.offset;
            self.open = Some(open);
            return Ok(());
        }
        notices.push(format!(
            "{} was rotated; following the new file",
            self.path.display()
        ));
        let resume = live.and_then(|id| self.known.iter().find(|p| p.identity == id).copied());
        self.open = match resume {
            Some(resume) => Some(open_at(&self.path, resume, notices)?),
            None => open_from_top(&self.path)?,
        };
        self.partial_from = self.open.as_ref().map_or(0, |o| o.offset);
        Ok(())
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
fn find_by_identity(path: &Path, identity: FileIdentity) -> io::Result<Option<PathBuf>> {
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
        let (mut file, _) = FollowedFile::open(&path, &[]).unwrap();
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
        let (mut file, _) = FollowedFile::open(&path, &[]).unwrap();
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
        let (mut file, _) = FollowedFile::open(&path, &[]).unwrap();
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
        let (mut file, notices) = FollowedFile::open(&path, &[at]).unwrap();
        assert!(notices[0].contains("shorter"), "{notices:?}");
        assert_eq!(texts(drain(&mut file)), ["y"]);
        assert_eq!(file.position().unwrap().truncations, 2);
    }

    #[test]
    fn resumes_in_a_file_rotated_while_stopped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app.log");
        append(&path, "a\nb\n");
        let (mut file, _) = FollowedFile::open(&path, &[]).unwrap();
        drain(&mut file);
        let saved = FilePosition {
            identity: file.position().unwrap().identity,
            offset: 2,
            truncations: 0,
        };
        drop(file);
        std::fs::rename(&path, dir.path().join("app.log.1")).unwrap();
        append(&path, "c\n");
        let (mut file, notices) = FollowedFile::open(&path, &[saved]).unwrap();
        assert!(notices[0].contains("rotated to"), "{notices:?}");
        assert_eq!(texts(drain(&mut file)), ["b"]);
        assert_eq!(texts(drain(&mut file)), ["c"]);
    }

    #[test]
    fn a_file_that_does_not_exist_yet_is_waited_for() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("later.log");
        let (mut file, notices) = FollowedFile::open(&path, &[]).unwrap();
        assert!(notices[0].contains("waiting"));
        assert!(drain(&mut file).is_empty());
        append(&path, "hello\n");
        assert_eq!(texts(drain(&mut file)), ["hello"]);
    }

    /// Renames app.log.N to app.log.N+1 (oldest first), app.log to app.log.1, and creates
    /// an empty app.log: logrotate's default scheme.
    fn rotate(path: &Path) {
        let dir = path.parent().unwrap();
        let mut n = 1;
        while dir.join(format!("app.log.{n}")).exists() {
            n += 1;
        }
        for k in (1..n).rev() {
            std::fs::rename(
                dir.join(format!("app.log.{k}")),
                dir.join(format!("app.log.{}", k + 1)),
            )
            .unwrap();
        }
        std::fs::rename(path, dir.join("app.log.1")).unwrap();
        std::fs::File::create(path).unwrap();
    }

    #[test]
    fn every_generation_rotated_while_stopped_is_read_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app.log");
        append(&path, "a1\na2\n");
        let (mut file, _) = FollowedFile::open(&path, &[]).unwrap();
        assert_eq!(texts(drain(&mut file)), ["a1", "a2"]);
        let stopped_at = file.position().unwrap();
        drop(file);
        // Stopped at the end of the first file; two rotations while not shipping.
        rotate(&path);
        append(&path, "b1\nb2\n");
        rotate(&path);
        append(&path, "c1\n");
        let (mut file, notices) = FollowedFile::open(&path, &[stopped_at]).unwrap();
        assert!(notices[0].contains("rotated to"), "{notices:?}");
        let mut read = Vec::new();
        for _ in 0..4 {
            read.extend(texts(drain(&mut file)));
        }
        assert_eq!(read, ["b1", "b2", "c1"]);
    }

    #[test]
    fn two_rotations_between_two_reads_skip_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app.log");
        append(&path, "a1\n");
        let (mut file, _) = FollowedFile::open(&path, &[]).unwrap();
        assert_eq!(texts(drain(&mut file)), ["a1"]);
        append(&path, "a2\n");
        rotate(&path);
        append(&path, "b1\n");
        rotate(&path);
        append(&path, "c1\n");
        let mut read = Vec::new();
        for _ in 0..4 {
            read.extend(texts(drain(&mut file)));
        }
        assert_eq!(read, ["a2", "b1", "c1"]);
    }

    /// The lines a few reads find, across the generations they move through.
    fn read_all(file: &mut FollowedFile, notices: &mut Vec<Notice>) -> Vec<String> {
        let mut read = Vec::new();
        for _ in 0..4 {
            file.read_available(usize::MAX, notices, &mut |l, _| {
                read.push(String::from_utf8(l.to_vec()).unwrap());
                Ok(())
            })
            .unwrap();
        }
        read
    }

    /// `app.log` holding "a1", read to its end by a follower that then stopped: the
    /// directory, the live path, and the position the follower would have saved.
    fn shipped_one_line_and_stopped() -> (tempfile::TempDir, PathBuf, FilePosition) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app.log");
        append(&path, "a1\n");
        let (mut file, _) = FollowedFile::open(&path, &[]).unwrap();
        drain(&mut file);
        let stopped_at = file.position().unwrap();
        (dir, path, stopped_at)
    }

    #[test]
    fn a_generation_compressed_before_it_was_read_is_named() {
        let (dir, path, stopped_at) = shipped_one_line_and_stopped();
        rotate(&path);
        append(&path, "b1\n");
        rotate(&path);
        // The newer rotated generation was compressed (as logrotate's `compress` does
        // without `delaycompress`): written anew under a .gz name.
        let one = dir.path().join("app.log.1");
        std::fs::write(dir.path().join("app.log.1.gz"), b"\x1f\x8b").unwrap();
        std::fs::remove_file(&one).unwrap();
        append(&path, "c1\n");
        let (mut file, _) = FollowedFile::open(&path, &[stopped_at]).unwrap();
        let mut notices = Vec::new();
        let read = read_all(&mut file, &mut notices);
        assert_eq!(read, ["c1"]);
        assert!(
            notices
                .iter()
                .any(|n| n.contains("compressed") && n.contains("app.log.1.gz")),
            "{notices:?}"
        );
    }

    #[test]
    fn a_generation_deleted_between_the_one_read_and_the_live_file_is_named() {
        let (dir, path, stopped_at) = shipped_one_line_and_stopped();
        // While not shipping: rotated twice, and the middle generation deleted by hand.
        rotate(&path);
        append(&path, "a2\n");
        rotate(&path);
        append(&path, "b1\n");
        rotate(&path);
        append(&path, "c1\n");
        std::fs::remove_file(dir.path().join("app.log.1")).unwrap();
        let (mut file, mut notices) = FollowedFile::open(&path, &[stopped_at]).unwrap();
        let read = read_all(&mut file, &mut notices);
        assert_eq!(read, ["a2", "c1"]);
        let missing = dir.path().join("app.log.1").display().to_string();
        assert!(
            notices
                .iter()
                .any(|n| n.contains(&format!("{missing} is missing")) && n.contains("not shipped")),
            "{notices:?}"
        );
    }

    #[test]
    fn a_generation_rotated_after_the_one_deleted_is_still_read() {
        let (dir, path, stopped_at) = shipped_one_line_and_stopped();
        // While not shipping: rotated twice, and the generation it was in deleted (as
        // logrotate's `rotate 1` does).
        rotate(&path);
        append(&path, "b1\nb2\n");
        rotate(&path);
        append(&path, "c1\n");
        std::fs::remove_file(dir.path().join("app.log.2")).unwrap();
        let (mut file, mut notices) = FollowedFile::open(&path, &[stopped_at]).unwrap();
        let read = read_all(&mut file, &mut notices);
        assert_eq!(read, ["b1", "b2", "c1"]);
        assert!(
            notices
                .iter()
                .any(|n| n.contains("is gone") && n.contains("app.log.1")),
            "{notices:?}"
        );
    }

    #[derive(Debug, Clone)]
    enum Op {
        Write(usize),
        Rotate,
        Read,
        Commit,
        Kill,
    }

    fn op() -> impl proptest::strategy::Strategy<Value = Op> {
        use proptest::prelude::*;
        prop_oneof![
            4 => (1usize..6).prop_map(Op::Write),
            2 => Just(Op::Rotate),
            3 => Just(Op::Read),
            2 => Just(Op::Commit),
            1 => Just(Op::Kill),
        ]
    }

    /// A follower and the store it feeds, as the embedded store keeps them: lines handed
    /// out are committed with the position each reaches in its file (by identity), and a
    /// kill loses what was handed out since the last commit.
    struct Follower {
        path: PathBuf,
        file: Option<FollowedFile>,
        handed_out: Vec<(FileIdentity, u64, String)>,
        committed: Vec<String>,
        known: std::collections::BTreeMap<(u64, u64), FilePosition>,
    }

    impl Follower {
        fn file(&mut self) -> &mut FollowedFile {
            if self.file.is_none() {
                let known: Vec<FilePosition> = self.known.values().copied().collect();
                self.file = Some(FollowedFile::open(&self.path, &known).unwrap().0);
            }
            self.file.as_mut().unwrap()
        }

        fn read(&mut self) {
            let file = self.file();
            let before = file.position();
            let mut lines = Vec::new();
            let mut notices = Vec::new();
            file.read_available(usize::MAX, &mut notices, &mut |l, at| {
                lines.push((
                    String::from_utf8(l.to_vec()).unwrap(),
                    at + l.len() as u64 + 1,
                ));
                Ok(())
            })
            .unwrap();
            // As a lane does: what one call read comes from the file open when it began.
            let Some(from) = before.or(file.position()) else {
                assert!(lines.is_empty());
                return;
            };
            for (line, end) in lines {
                self.handed_out.push((from.identity, end, line));
            }
        }

        fn commit(&mut self) {
            for (identity, end, line) in self.handed_out.drain(..) {
                self.known.insert(
                    (identity.device, identity.inode),
                    FilePosition {
                        identity,
                        offset: end,
                        truncations: 0,
                    },
                );
                self.committed.push(line);
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]
        #[test]
        fn writes_rotations_and_kills_lose_and_repeat_nothing(
            ops in proptest::collection::vec(op(), 1..40)
        ) {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("app.log");
            std::fs::File::create(&path).unwrap();
            let mut written = Vec::new();
            // Following starts before the first write, from a first position at the top.
            let (first, _) = FollowedFile::open(&path, &[]).unwrap();
            let start = first.position().unwrap();
            let mut follower = Follower {
                path: path.clone(),
                file: Some(first),
                handed_out: Vec::new(),
                committed: Vec::new(),
                known: [((start.identity.device, start.identity.inode), start)].into(),
            };
            for op in ops {
                match op {
                    Op::Write(n) => {
                        let mut text = String::new();
                        for _ in 0..n {
                            let line = format!("line-{}", written.len());
                            text.push_str(&line);
                            text.push('\n');
                            written.push(line);
                        }
                        append(&path, &text);
                    }
                    Op::Rotate => rotate(&path),
                    Op::Read => follower.read(),
                    Op::Commit => follower.commit(),
                    Op::Kill => {
                        follower.file = None;
                        follower.handed_out.clear();
                    }
                }
            }
            // Running on until nothing is left: every line once, in the order written.
            for _ in 0..(written.len() + 60) {
                follower.read();
            }
            follower.commit();
            proptest::prop_assert_eq!(&follower.committed, &written);
        }
    }
}
