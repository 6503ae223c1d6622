//! The column writer's sealing thread: full blocks are encoded, compressed and written to
//! the part being built while the writer goes on taking events, and the part is finished
//! (the writer's last blocks, the index, its name) when the writer commits.

use super::block;
use super::part::{self, PartFile, Sealed};
use super::pending::PendingBlock;
use crate::backend::embedded::error::{Context, Result, StoreError};
use std::path::{Path, PathBuf};
use std::sync::mpsc;

/// Seals full blocks on a thread of its own while the writer goes on taking events, and
/// writes them to the part being built as they come: on two cores, encoding, compressing
/// and writing no longer wait for decoding, and no sealed block waits in memory for its
/// commit. One thread, so the blocks of a stream go into the part in the order sent.
pub struct Sealer {
    /// `None` once closing: the thread then ends.
    to_seal: Option<mpsc::Sender<ToSeal>>,
    /// Blocks sealed and emptied, their room kept for the next full block.
    emptied: mpsc::Receiver<Box<PendingBlock>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

enum ToSeal {
    /// A stream's full block (boxed: it travels there and back again).
    Block(Box<PendingBlock>),
    /// The commit: after the blocks sent before, `rest` (each stream's last block, sealed
    /// by the writer meanwhile), then the index; the part is moved to `part` and the
    /// events it holds are the answer.
    Finish {
        rest: Vec<Sealed>,
        part: PathBuf,
        answer: mpsc::Sender<Result<u64>>,
    },
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
    fn run(mut self, inbox: mpsc::Receiver<ToSeal>, give_back: mpsc::Sender<Box<PendingBlock>>) {
        for message in inbox {
            match message {
                ToSeal::Block(mut pending) => {
                    if let Err(e) = self.seal(&mut pending) {
                        self.failed.get_or_insert(e);
                    }
                    pending.clear();
                    // The writer may have stopped taking blocks back: it then drops them.
                    let _ = give_back.send(pending);
                }
                ToSeal::Finish { rest, part, answer } => {
                    let _ = answer.send(self.finish(rest, &part));
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
        let damaged = |e: block::BlockError| StoreError::Damaged {
            dir: self.dir.clone(),
            reason: format!("cannot seal a block: {e}"),
        };
        let mut bytes = std::mem::take(&mut self.bytes);
        let written = pending
            .encode_into(&mut bytes)
            .and_then(|()| part::entry_of(pending, &bytes))
            .map_err(damaged)
            .and_then(|entry| self.open_part()?.add(&bytes, entry));
        self.bytes = bytes;
        written
    }

    fn open_part(&mut self) -> Result<&mut PartFile> {
        let part = match self.part.take() {
            Some(part) => part,
            None => PartFile::create(self.dir.join("parts").join(SEALING))?,
        };
        Ok(self.part.insert(part))
    }

    fn finish(&mut self, rest: Vec<Sealed>, path: &Path) -> Result<u64> {
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
        part.finish(path)?;
        Ok(events)
    }
}

/// The part the sealing thread is writing, until a commit names it.
const SEALING: &str = "sealing.part.tmp";

impl Sealer {
    pub fn start(dir: &Path) -> Result<Sealer> {
        let (to_seal, inbox) = mpsc::channel();
        let (give_back, emptied) = mpsc::channel();
        let sealing = SealingThread {
            dir: dir.to_path_buf(),
            part: None,
            failed: None,
            bytes: Vec::new(),
        };
        let thread = std::thread::Builder::new()
            .name("seal".into())
            .spawn(move || sealing.run(inbox, give_back))
            .context(|| "cannot start the thread that seals blocks".to_string())?;
        Ok(Sealer {
            to_seal: Some(to_seal),
            emptied,
            thread: Some(thread),
        })
    }

    /// Hands one block's worth of one stream to the sealing thread.
    pub fn send(&mut self, pending: Box<PendingBlock>) -> Result<()> {
        let to_seal = self.to_seal.as_ref().ok_or_else(stopped)?;
        to_seal.send(ToSeal::Block(pending)).map_err(|_| stopped())
    }

    /// An empty block for a stream whose block was full: one the thread has sealed and
    /// given back when there is one (its room already touched), else a new one.
    pub fn empty_block(&self) -> Box<PendingBlock> {
        self.emptied.try_recv().unwrap_or_default()
    }

    /// Ends the part with `rest` after every block sent so far and names it `part`;
    /// returns the events it holds (0, and no part, when there were none).
    pub fn finish(&mut self, rest: Vec<Sealed>, part: PathBuf) -> Result<u64> {
        let to_seal = self.to_seal.as_ref().ok_or_else(stopped)?;
        let (answer, answered) = mpsc::channel();
        to_seal
            .send(ToSeal::Finish { rest, part, answer })
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

fn stopped() -> StoreError {
    StoreError::Io {
        context: "cannot seal blocks".into(),
        cause: std::io::Error::other("the sealing thread stopped"),
    }
}
