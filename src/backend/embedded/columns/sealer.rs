//! The column writer's sealing thread: full blocks are encoded, compressed and written to
//! the part being built while the writer goes on taking events, and the part is finished
//! (the writer's last blocks, the index, its name) when the writer commits.

use super::block;
use super::part::{self, BlockEntry, PartFile, PartIdentity, Sealed};
use super::pending::PendingBlock;
use crate::backend::embedded::error::{Context, Result, StoreError};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};

/// Seals full blocks on a thread of its own while the writer goes on taking events, and
/// writes them to the part being built as they come: on two cores, encoding, compressing
/// and writing no longer wait for decoding, and no sealed block waits in memory for its
/// commit. One thread writes, so the blocks of a stream go into the part in the order sent.
///
/// When the thread falls behind (decoding a file's lines is quicker than sealing what
/// they hold), the writer seals the next full block itself and sends only its bytes: both
/// cores then share the sealing instead of one waiting at the end for the other.
pub struct Sealer {
    dir: PathBuf,
    /// `None` once closing: the thread then ends.
    to_seal: Option<mpsc::Sender<ToSeal>>,
    /// Blocks sealed and emptied, their room kept for the next full block.
    emptied: mpsc::Receiver<Box<PendingBlock>>,
    /// Buffers of blocks the writer sealed, written out and handed back.
    written: mpsc::Receiver<Vec<u8>>,
    /// Blocks sent to the thread and not sealed yet.
    backlog: Arc<AtomicUsize>,
    /// The backlog at which the writer helps, for so many open streams.
    help_at: fn(usize) -> usize,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// When this many blocks wait for the thread, the writer seals the next full block itself.
/// Streams of like rates fill their blocks at about the same moment, so a burst of up to a
/// block per stream is no sign of the thread falling behind, and helping then only slows
/// the writer: the simulator's events (two dozen streams) took 15 % longer to store when
/// the writer helped at two blocks waiting. A backlog past half the streams (and past four
/// blocks) is such a sign: a file's lines come in quicker than they are sealed.
fn backlog_to_help(streams: usize) -> usize {
    (streams / 2).max(4) + 1
}

enum ToSeal {
    /// A stream's full block (boxed: it travels there and back again).
    Block(Box<PendingBlock>),
    /// A full block the writer sealed itself, to go into the part in its turn.
    Sealed(Sealed),
    /// The commit: after the blocks sent before, `rest` (each stream's last block, sealed
    /// by the writer meanwhile), then the index ending with `identity`; the part is moved
    /// to `part` and the events it holds are the answer.
    Finish {
        rest: Vec<Sealed>,
        part: PathBuf,
        identity: PartIdentity,
        answer: mpsc::Sender<Result<u64>>,
    },
}

/// What the sealing thread hands back to the writer.
struct GiveBack {
    emptied: mpsc::Sender<Box<PendingBlock>>,
    written: mpsc::Sender<Vec<u8>>,
    backlog: Arc<AtomicUsize>,
}

/// The sealing thread's side: the part being written, or why it cannot be.
struct SealingThread {
    dir: PathBuf,
    part: Option<PartFile>,
    failed: Option<StoreError>,
    /// One block's bytes at a time, written out before the next is encoded.
    bytes: Vec<u8>,
}

impl SealingThread {
    fn run(mut self, inbox: mpsc::Receiver<ToSeal>, back: GiveBack) {
        for message in inbox {
            match message {
                ToSeal::Block(mut pending) => {
                    if let Err(e) = self.seal(&mut pending) {
                        self.failed.get_or_insert(e);
                    }
                    back.backlog.fetch_sub(1, Ordering::Relaxed);
                    pending.clear();
                    // The writer may have stopped taking blocks back: it then drops them.
                    let _ = back.emptied.send(pending);
                }
                ToSeal::Sealed(Sealed { mut bytes, entry }) => {
                    if let Err(e) = self.write(&bytes, entry) {
                        self.failed.get_or_insert(e);
                    }
                    bytes.clear();
                    let _ = back.written.send(bytes);
                }
                ToSeal::Finish {
                    rest,
                    part,
                    identity,
                    answer,
                } => {
                    let _ = answer.send(self.finish(rest, &part, &identity));
                }
            }
        }
        self.abandon();
    }

    /// Gives up the part being written (its temporary file goes).
    fn abandon(&mut self) {
        if let Some(part) = self.part.take() {
            part.abandon();
        }
    }

    fn seal(&mut self, pending: &mut PendingBlock) -> Result<()> {
        if self.failed.is_some() {
            return Ok(());
        }
        let mut bytes = std::mem::take(&mut self.bytes);
        let written = seal_into(pending, &mut bytes, &self.dir)
            .and_then(|entry| self.open_part()?.add(&bytes, entry));
        self.bytes = bytes;
        written
    }

    fn write(&mut self, bytes: &[u8], entry: BlockEntry) -> Result<()> {
        if self.failed.is_some() {
            return Ok(());
        }
        self.open_part()?.add(bytes, entry)
    }

    fn open_part(&mut self) -> Result<&mut PartFile> {
        let part = match self.part.take() {
            Some(part) => part,
            None => PartFile::create(self.dir.join("parts").join(SEALING))?,
        };
        Ok(self.part.insert(part))
    }

    fn finish(&mut self, rest: Vec<Sealed>, path: &Path, identity: &PartIdentity) -> Result<u64> {
        if let Some(e) = self.failed.take() {
            self.abandon();
            return Err(e);
        }
        for block in rest {
            if let Err(e) = self
                .open_part()
                .and_then(|p| p.add(&block.bytes, block.entry))
            {
                self.abandon();
                return Err(e);
            }
        }
        let Some(part) = self.part.take() else {
            return Ok(0);
        };
        let events = part.events();
        part.finish(path, identity)?;
        Ok(events)
    }
}

/// The part the sealing thread is writing, until a commit names it.
const SEALING: &str = "sealing.part.tmp";

impl Sealer {
    pub fn start(dir: &Path) -> Result<Sealer> {
        let (to_seal, inbox) = mpsc::channel();
        let (give_back, emptied) = mpsc::channel();
        let (give_back_written, written) = mpsc::channel();
        let backlog = Arc::new(AtomicUsize::new(0));
        let back = GiveBack {
            emptied: give_back,
            written: give_back_written,
            backlog: Arc::clone(&backlog),
        };
        let sealing = SealingThread {
            dir: dir.to_path_buf(),
            part: None,
            failed: None,
            bytes: Vec::new(),
        };
        let thread = std::thread::Builder::new()
            .name("seal".into())
            .spawn(move || sealing.run(inbox, back))
            .context(|| "cannot start the thread that seals blocks".to_string())?;
        Ok(Sealer {
            dir: dir.to_path_buf(),
            to_seal: Some(to_seal),
            emptied,
            written,
            backlog,
            help_at: backlog_to_help,
            thread: Some(thread),
        })
    }

    /// Seals a stream's full block, on the thread or, when it is behind, here; `pending`
    /// is left empty for the stream's next events. `streams` are those open.
    pub fn seal_full(&mut self, pending: &mut Box<PendingBlock>, streams: usize) -> Result<()> {
        let to_seal = self.to_seal.as_ref().ok_or_else(stopped)?;
        if self.backlog.load(Ordering::Relaxed) >= (self.help_at)(streams) {
            let mut bytes = self.written.try_recv().unwrap_or_default();
            let entry = seal_into(pending, &mut bytes, &self.dir)?;
            pending.clear();
            return to_seal
                .send(ToSeal::Sealed(Sealed { bytes, entry }))
                .map_err(|_| stopped());
        }
        // An empty block the thread has sealed and given back when there is one (its
        // room already touched), else a new one.
        let empty = self.emptied.try_recv().unwrap_or_default();
        let full = std::mem::replace(pending, empty);
        self.backlog.fetch_add(1, Ordering::Relaxed);
        to_seal.send(ToSeal::Block(full)).map_err(|_| stopped())
    }

    /// Has the writer help at another backlog (tests: always, or never).
    #[cfg(test)]
    pub fn help_at(&mut self, help_at: fn(usize) -> usize) {
        self.help_at = help_at;
    }

    /// Ends the part with `rest` after every block sent so far and names it `part`;
    /// returns the events it holds (0, and no part, when there were none).
    pub fn finish(
        &mut self,
        rest: Vec<Sealed>,
        part: PathBuf,
        identity: PartIdentity,
    ) -> Result<u64> {
        let to_seal = self.to_seal.as_ref().ok_or_else(stopped)?;
        let (answer, answered) = mpsc::channel();
        to_seal
            .send(ToSeal::Finish {
                rest,
                part,
                identity,
                answer,
            })
            .map_err(|_| stopped())?;
        answered.recv().map_err(|_| stopped())?
    }
}

impl Drop for Sealer {
    fn drop(&mut self) {
        self.to_seal = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Encodes `pending` into `bytes` and returns the block's index entry.
fn seal_into(pending: &mut PendingBlock, bytes: &mut Vec<u8>, dir: &Path) -> Result<BlockEntry> {
    part::seal_pending_into(pending, bytes).map_err(|e: block::BlockError| StoreError::Damaged {
        dir: dir.to_path_buf(),
        reason: format!("cannot seal a block: {e}"),
    })
}

fn stopped() -> StoreError {
    StoreError::Io {
        context: "cannot seal blocks".into(),
        cause: std::io::Error::other("the sealing thread stopped"),
    }
}
