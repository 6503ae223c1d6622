//! The column store's writer: events kept per stream and sealed into blocks (full ones on
//! a second thread), one part per commit, and the manifest naming the parts with the
//! source positions they reach, so contents and positions move together.

use super::block;
use super::manifest::{Manifest, FORMAT};
use super::part::{self, Sealed};
use crate::backend::embedded::error::{Context, Result, StoreError};
use crate::event::{LogEvent, Position};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc;

/// Events per block: large enough for columns to compress, small enough that a selective
/// query decodes little.
pub const BLOCK_EVENTS: usize = 8192;

pub struct ColumnWriter {
    dir: PathBuf,
    manifest: Manifest,
    /// Events not yet in a block, per stream (service, host), in arrival order, with
    /// their sequence numbers.
    streams: BTreeMap<(String, String), Stream>,
    /// The sequence number of the next event appended.
    next_seq: u64,
    /// Source positions reached by what is not yet committed.
    positions: BTreeMap<String, u64>,
    sealer: Sealer,
    block_events: usize,
}

/// One stream's events waiting for their block.
#[derive(Default)]
struct Stream {
    seqs: Vec<u64>,
    events: Vec<LogEvent>,
}

/// Seals full blocks on a thread of its own while the writer goes on taking events: on
/// two cores, encoding and compressing no longer wait for each other. One thread, so the
/// blocks of a stream come back in the order they were sent.
struct Sealer {
    /// `None` once closing: the thread then ends.
    to_seal: Option<mpsc::Sender<Stream>>,
    sealed: mpsc::Receiver<std::result::Result<Sealed, block::BlockError>>,
    thread: Option<std::thread::JoinHandle<()>>,
    /// Blocks sent and not yet received back.
    in_flight: usize,
}

impl Sealer {
    fn start() -> Result<Sealer> {
        let (to_seal, inbox) = mpsc::channel::<Stream>();
        let (outbox, sealed) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("seal".into())
            .spawn(move || {
                for stream in inbox {
                    if outbox
                        .send(part::seal(&stream.events, &stream.seqs))
                        .is_err()
                    {
                        break;
                    }
                }
            })
            .context(|| "cannot start the thread that seals blocks".to_string())?;
        Ok(Sealer {
            to_seal: Some(to_seal),
            sealed,
            thread: Some(thread),
            in_flight: 0,
        })
    }

    /// Hands one block's worth of one stream to the sealing thread.
    fn send(&mut self, stream: Stream) -> Result<()> {
        let to_seal = self.to_seal.as_ref().ok_or_else(stopped)?;
        to_seal.send(stream).map_err(|_| stopped())?;
        self.in_flight += 1;
        Ok(())
    }

    /// Every block sent so far, in the order sent.
    fn collect(&mut self, dir: &Path) -> Result<Vec<Sealed>> {
        let mut blocks = Vec::with_capacity(self.in_flight);
        while self.in_flight > 0 {
            let sealed = self.sealed.recv().map_err(|_| stopped())?;
            self.in_flight -= 1;
            blocks.push(sealed.map_err(|e| StoreError::Damaged {
                dir: dir.to_path_buf(),
                reason: format!("cannot seal a block: {e}"),
            })?);
        }
        Ok(blocks)
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

impl ColumnWriter {
    /// Opens the store in `dir`, creating it when there is none. Part files the manifest
    /// does not name (a crash after writing a part and before the manifest) are removed.
    pub fn open(dir: &Path) -> Result<ColumnWriter> {
        let parts = dir.join("parts");
        std::fs::create_dir_all(&parts).context(|| format!("cannot create {}", parts.display()))?;
        let manifest = match Manifest::load(dir)? {
            Some(manifest) => manifest,
            None => {
                let fresh = Manifest {
                    format: FORMAT,
                    ..Manifest::default()
                };
                fresh.store(dir)?;
                fresh
            }
        };
        for entry in std::fs::read_dir(&parts)
            .context(|| format!("cannot list {}", parts.display()))?
            .flatten()
        {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !manifest.parts.contains(&name) {
                std::fs::remove_file(entry.path())
                    .context(|| format!("cannot remove the unfinished part {name}"))?;
            }
        }
        Ok(ColumnWriter {
            dir: dir.to_path_buf(),
            next_seq: manifest.next_seq,
            manifest,
            streams: BTreeMap::new(),
            positions: BTreeMap::new(),
            sealer: Sealer::start()?,
            block_events: BLOCK_EVENTS,
        })
    }

    /// Blocks of at most `events` events instead of `BLOCK_EVENTS`.
    pub fn with_block_events(mut self, events: usize) -> ColumnWriter {
        self.block_events = events.clamp(1, block::MAX_EVENTS);
        self
    }

    /// The offset to resume `stream` at: after the last event of it committed.
    pub fn resume_offset(&self, stream: &str) -> Option<u64> {
        self.manifest.positions.get(stream).copied()
    }

    pub fn append(&mut self, event: &LogEvent, position: Option<&Position<'_>>) -> Result<()> {
        self.append_owned(event.clone(), position)
    }

    /// Like `append`, for an event the caller has no more use for.
    pub fn append_owned(&mut self, event: LogEvent, position: Option<&Position<'_>>) -> Result<()> {
        if let Some(position) = position {
            self.skip(position);
        }
        let buffer = self
            .streams
            .entry((event.service.clone(), event.host.clone()))
            .or_default();
        buffer.events.push(event);
        buffer.seqs.push(self.next_seq);
        self.next_seq += 1;
        if buffer.events.len() >= self.block_events {
            let full = std::mem::take(buffer);
            self.sealer.send(full)?;
        }
        Ok(())
    }

    /// Moves a stream's position past an event that is not stored.
    pub fn skip(&mut self, position: &Position<'_>) {
        self.positions
            .insert(position.stream.to_string(), position.offset + 1);
    }

    /// Seals what was appended into a part and names it, with the positions reached, in the
    /// manifest. Returns the events committed.
    pub fn commit(&mut self) -> Result<u64> {
        // The rest of each stream is sealed here while the thread finishes the full blocks;
        // a stream's full blocks go into the part before its rest, keeping arrival order.
        let mut rest = Vec::new();
        for stream in self.streams.values_mut().filter(|s| !s.events.is_empty()) {
            let stream = std::mem::take(stream);
            rest.push(part::seal(&stream.events, &stream.seqs).map_err(|e| {
                StoreError::Damaged {
                    dir: self.dir.clone(),
                    reason: e.to_string(),
                }
            })?);
        }
        let mut blocks = self.sealer.collect(&self.dir)?;
        blocks.append(&mut rest);
        let events: u64 = blocks.iter().map(|b| b.entry.events).sum();
        if events > 0 {
            let name = format!("{:016}.part", self.manifest.next_part);
            part::write_sealed(&self.dir.join("parts").join(&name), &blocks)?;
            self.manifest.parts.push(name);
            self.manifest.next_part += 1;
        }
        if events == 0 && self.positions.is_empty() {
            return Ok(0);
        }
        self.manifest.positions.append(&mut self.positions);
        self.manifest.next_seq = self.next_seq;
        self.manifest.store(&self.dir)?;
        Ok(events)
    }
}
