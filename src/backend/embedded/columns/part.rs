//! A part: the blocks one commit sealed, in one immutable file, with an index at its end
//! naming each block's stream, place and summary figures. Reading a part's index tells a
//! query which blocks can hold what it asks for before any block is read.
//!
//! Layout: the blocks one after another, then the index, its xxh3 checksum (8 bytes), its
//! length (8 bytes) and `LGP2`. A part is written to a temporary name, synced and renamed
//! into place, so a part file either is whole or does not exist under its name.
//!
//! The index ends with the part's identity (`PartIdentity`; parts written before manifest
//! format 2 have none): the file under a part's name is checked to be that part when it
//! is opened, and a lost manifest can be rebuilt from the parts alone (`repair.rs`).

use super::block::{self, BlockError};
use super::head_cache::{HeadBudget, PartHeads};
use super::pending::PendingBlock;
use super::varint::{self, put_text, Reader};
use crate::backend::embedded::error::{Context, Result, StoreError};
use crate::event::{LogEvent, Timestamp};
use std::fs::File;
use std::io::Write;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use xxhash_rust::xxh3::xxh3_64;

const TRAILER: &[u8; 4] = b"LGP2";
/// Starts the identity after the index's block entries.
const IDENTITY_TAG: u8 = b'I';
const IDENTITY_VERSION: u64 = 1;

/// What a part says of itself: its number (the one its file is named after), and as of
/// the commit that wrote it, the sequence number the next event got and each source
/// stream's position. A merged part takes the newest of its inputs' figures.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PartIdentity {
    pub number: u64,
    pub next_seq: u64,
    pub positions: std::collections::BTreeMap<String, u64>,
}

impl PartIdentity {
    /// The identity of a part numbered `number` that holds what `inputs` held.
    pub fn merged<'a>(number: u64, inputs: impl IntoIterator<Item = &'a PartIdentity>) -> Self {
        let mut merged = PartIdentity {
            number,
            ..PartIdentity::default()
        };
        for input in inputs {
            merged.next_seq = merged.next_seq.max(input.next_seq);
            for (stream, &offset) in &input.positions {
                let slot = merged.positions.entry(stream.clone()).or_insert(offset);
                *slot = (*slot).max(offset);
            }
        }
        merged
    }
}

/// Where one block lies in its part, and what its summary says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockEntry {
    pub offset: u64,
    pub len: u64,
    /// The length of the block's head (see `block.rs`): one read fetches it.
    pub head_len: u64,
    pub service: String,
    pub host: String,
    pub events: u64,
    /// The lowest and highest sequence numbers in the block (arrival order).
    pub first_seq: u64,
    pub last_seq: u64,
    pub oldest: Timestamp,
    pub newest: Timestamp,
    /// Events per level, by `Level::rank`.
    pub levels: [u64; 6],
}

/// An open part: its path and its index (and, for a reader that stays open, the heads of
/// its blocks read so far).
#[derive(Debug)]
pub struct Part {
    path: PathBuf,
    file: File,
    pub blocks: Vec<BlockEntry>,
    /// `None` for a part written before parts carried one.
    pub identity: Option<PartIdentity>,
    heads: Option<PartHeads>,
    /// Blocks whose every column was found to match its checksum (see `verify_block`).
    verified: Vec<std::sync::atomic::AtomicBool>,
}

/// A block encoded and ready to go into a part.
#[derive(Debug)]
pub struct Sealed {
    pub bytes: Vec<u8>,
    pub entry: BlockEntry,
}

/// Encodes one block of a stream's events (all of one service and host) with their
/// sequence numbers.
pub fn seal(events: &[LogEvent], seqs: &[u64]) -> std::result::Result<Sealed, BlockError> {
    seal_pending(&mut PendingBlock::of(events, seqs)?)
}

/// Encodes the block `pending` is building.
pub fn seal_pending(pending: &mut PendingBlock) -> std::result::Result<Sealed, BlockError> {
    let mut bytes = Vec::new();
    let entry = seal_pending_into(pending, &mut bytes)?;
    Ok(Sealed { entry, bytes })
}

/// `seal_pending` into `bytes` (emptied first, its room kept): the block's index entry.
pub fn seal_pending_into(
    pending: &mut PendingBlock,
    bytes: &mut Vec<u8>,
) -> std::result::Result<BlockEntry, BlockError> {
    pending.encode_into(bytes)?;
    entry_of(pending, bytes)
}

/// The index entry of `bytes`, the block `pending` encoded (its offset is set when it
/// goes into a part).
fn entry_of(pending: &PendingBlock, bytes: &[u8]) -> std::result::Result<BlockEntry, BlockError> {
    let (first_seq, last_seq) = pending.seq_range();
    let (oldest, newest) = pending.time_range();
    Ok(BlockEntry {
        offset: 0,
        len: bytes.len() as u64,
        head_len: block::head_len(bytes)? as u64,
        service: pending.service().to_string(),
        host: pending.host().to_string(),
        events: pending.len() as u64,
        first_seq,
        last_seq,
        oldest,
        newest,
        levels: pending.level_counts(),
    })
}

/// Like `seal`, for a block going into the part being written at `out` (named by a
/// failure).
pub fn seal_for(out: &Path, events: &[LogEvent], seqs: &[u64]) -> Result<Sealed> {
    seal(events, seqs).map_err(|e| damaged(out, &e))
}

/// Writes the blocks of `streams` (each stream's events in arrival order, cut into blocks
/// of at most `block_events`) as the part `path` (numbered as its name says), numbering
/// the events from `first_seq` stream after stream.
pub fn write(
    path: &Path,
    streams: &[&[LogEvent]],
    block_events: usize,
    first_seq: u64,
) -> Result<()> {
    let mut sealed = Vec::new();
    let mut seq = first_seq;
    for stream in streams {
        for events in stream.chunks(block_events.clamp(1, block::MAX_EVENTS)) {
            let seqs: Vec<u64> = (seq..seq + events.len() as u64).collect();
            seq += events.len() as u64;
            sealed.push(seal(events, &seqs).map_err(|e| damaged(path, &e))?);
        }
    }
    let identity = PartIdentity {
        number: path
            .file_name()
            .and_then(|n| super::manifest::Manifest::part_number(&n.to_string_lossy()))
            .unwrap_or_default(),
        next_seq: seq,
        positions: Default::default(),
    };
    write_sealed(path, &sealed, &identity)
}

/// Writes blocks already sealed, in their order, as the part `path`.
pub fn write_sealed(path: &Path, blocks: &[Sealed], identity: &PartIdentity) -> Result<()> {
    let mut part = PartFile::create(path.with_extension("part.tmp"))?;
    for block in blocks {
        if let Err(e) = part.add(&block.bytes, block.entry.clone()) {
            part.abandon();
            return Err(e);
        }
    }
    part.finish(path, identity)
}

/// A part being written: its blocks go to a temporary file as they come (a part is up to
/// tens of megabytes: none of it waits in memory), and `finish` adds the index and gives
/// the file its name.
pub struct PartFile {
    temporary: PathBuf,
    out: std::io::BufWriter<File>,
    entries: Vec<BlockEntry>,
    written: u64,
}

impl PartFile {
    pub fn create(temporary: PathBuf) -> Result<PartFile> {
        let file = File::create(&temporary)
            .context(|| format!("cannot create the part {}", temporary.display()))?;
        Ok(PartFile {
            temporary,
            out: std::io::BufWriter::with_capacity(1 << 16, file),
            entries: Vec::new(),
            written: 0,
        })
    }

    /// Appends the block `bytes`, which `entry` describes.
    pub fn add(&mut self, bytes: &[u8], mut entry: BlockEntry) -> Result<()> {
        self.out
            .write_all(bytes)
            .context(|| format!("cannot write the part {}", self.temporary.display()))?;
        entry.offset = self.written;
        entry.len = bytes.len() as u64;
        self.written += bytes.len() as u64;
        self.entries.push(entry);
        Ok(())
    }

    /// Events in the blocks added so far.
    pub fn events(&self) -> u64 {
        self.entries.iter().map(|e| e.events).sum()
    }

    /// Writes the index (ending with `identity`), syncs the file and moves it into place
    /// at `path`. On failure (a full disk) the temporary file goes.
    pub fn finish(self, path: &Path, identity: &PartIdentity) -> Result<()> {
        let PartFile {
            temporary,
            mut out,
            entries,
            ..
        } = self;
        let mut index = index_of(&entries);
        put_identity(&mut index, identity);
        let index_sum = xxh3_64(&index).to_le_bytes();
        let index_len = (index.len() as u64).to_le_bytes();
        let finished = [&index[..], &index_sum, &index_len, TRAILER]
            .iter()
            .try_for_each(|bytes| out.write_all(bytes))
            .and_then(|()| out.into_inner().map_err(|e| e.into_error()))
            .and_then(|file| file.sync_all())
            .and_then(|()| std::fs::rename(&temporary, path));
        if finished.is_err() {
            let _ = std::fs::remove_file(&temporary);
        }
        finished.context(|| format!("cannot write the part {}", path.display()))
    }

    /// Gives up the part: its temporary file goes.
    pub fn abandon(self) {
        let _ = std::fs::remove_file(&self.temporary);
    }
}

fn put_identity(index: &mut Vec<u8>, identity: &PartIdentity) {
    index.push(IDENTITY_TAG);
    varint::put(index, IDENTITY_VERSION);
    varint::put(index, identity.number);
    varint::put(index, identity.next_seq);
    varint::put(index, identity.positions.len() as u64);
    for (stream, &offset) in &identity.positions {
        put_text(index, stream);
        varint::put(index, offset);
    }
}

fn read_identity(r: &mut Reader<'_>) -> Option<PartIdentity> {
    if r.byte()? != IDENTITY_TAG || r.get()? != IDENTITY_VERSION {
        return None;
    }
    let number = r.get()?;
    let next_seq = r.get()?;
    let count = r.get_len()?;
    let mut positions = std::collections::BTreeMap::new();
    for _ in 0..count {
        let stream = r.text()?;
        positions.insert(stream, r.get()?);
    }
    Some(PartIdentity {
        number,
        next_seq,
        positions,
    })
}

fn index_of(entries: &[BlockEntry]) -> Vec<u8> {
    let mut index = Vec::new();
    varint::put(&mut index, entries.len() as u64);
    for entry in entries {
        varint::put(&mut index, entry.offset);
        varint::put(&mut index, entry.len);
        varint::put(&mut index, entry.head_len);
        put_text(&mut index, &entry.service);
        put_text(&mut index, &entry.host);
        varint::put(&mut index, entry.events);
        varint::put(&mut index, entry.first_seq);
        varint::put(&mut index, entry.last_seq);
        varint::put_signed(&mut index, entry.oldest.0);
        varint::put_signed(&mut index, entry.newest.0);
        for count in entry.levels {
            varint::put(&mut index, count);
        }
    }
    index
}

impl Part {
    pub fn open(path: &Path) -> Result<Part> {
        Part::open_keeping_heads(path, None)
    }

    /// Opens the part; the heads of its blocks are kept once read while `budget` has room.
    pub fn open_keeping_heads(path: &Path, budget: Option<&Arc<HeadBudget>>) -> Result<Part> {
        let file =
            File::open(path).context(|| format!("cannot open the part {}", path.display()))?;
        let size = file
            .metadata()
            .context(|| format!("cannot read the size of {}", path.display()))?
            .len();
        let bad = |why: &str| StoreError::Damaged {
            dir: path.to_path_buf(),
            reason: format!("part {why}"),
        };
        if size < 20 {
            return Err(bad("too short"));
        }
        let mut tail = [0u8; 20];
        file.read_exact_at(&mut tail, size - 20)
            .context(|| format!("cannot read {}", path.display()))?;
        if &tail[16..] != TRAILER {
            return Err(bad("without its trailer (cut short?)"));
        }
        let sum = u64::from_le_bytes(tail[..8].try_into().unwrap_or_default());
        let len = u64::from_le_bytes(tail[8..16].try_into().unwrap_or_default());
        if len > size - 20 {
            return Err(bad("index length beyond the file"));
        }
        let mut index = vec![0u8; len as usize];
        file.read_exact_at(&mut index, size - 20 - len)
            .context(|| format!("cannot read {}", path.display()))?;
        if xxh3_64(&index) != sum {
            return Err(bad("index checksum mismatch"));
        }
        let (blocks, identity) =
            read_index(&index, size - 20 - len).ok_or_else(|| bad("index unreadable"))?;
        let named = path
            .file_name()
            .and_then(|n| super::manifest::Manifest::part_number(&n.to_string_lossy()));
        if let (Some(identity), Some(named)) = (&identity, named) {
            if identity.number != named {
                return Err(bad(&format!(
                    "file holds part {} (copied or renamed over this one?)",
                    super::manifest::Manifest::part_name(identity.number)
                )));
            }
        }
        Ok(Part {
            path: path.to_path_buf(),
            file,
            heads: budget.map(|b| PartHeads::new(b.clone(), blocks.len())),
            verified: blocks
                .iter()
                .map(|_| std::sync::atomic::AtomicBool::new(false))
                .collect(),
            blocks,
            identity,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every event of block `i`, in arrival order.
    pub fn events(&self, i: usize) -> Result<Vec<LogEvent>> {
        block::decode(&self.block_bytes(i)?).map_err(|e| self.damaged(&e))
    }

    /// Block `i` with its head read and checked; its columns are read from the file as they
    /// are asked for.
    pub fn open_block(&self, i: usize) -> std::result::Result<block::Opened<'_>, BlockError> {
        let entry = self
            .blocks
            .get(i)
            .ok_or(BlockError::Damaged("no such block"))?;
        let head_end = block::PREFIX_BYTES as u64 + entry.head_len;
        let columns = block::Columns::File {
            file: &self.file,
            at: entry.offset + head_end,
            len: entry.len.saturating_sub(head_end) as usize,
        };
        if let Some(kept) = self.heads.as_ref().and_then(|heads| heads.get(i)) {
            return block::with_head(kept, columns);
        }
        let mut bytes = vec![0u8; head_end as usize];
        self.file
            .read_exact_at(&mut bytes, entry.offset)
            .map_err(|e| BlockError::Unreadable(e.to_string()))?;
        let head = block::read_head(&bytes)?;
        if let Some(heads) = &self.heads {
            heads.keep(i, &head);
        }
        block::with_head(&head, columns)
    }

    /// The lowest and highest sequence numbers of its events (`None` when it has none).
    pub fn seq_span(&self) -> Option<(u64, u64)> {
        let held = self.blocks.iter().filter(|b| b.events > 0);
        let first = held.clone().map(|b| b.first_seq).min()?;
        let last = held.map(|b| b.last_seq).max()?;
        Some((first, last))
    }

    /// Checks block `i` whole (its head and every column against their checksums), once
    /// per open part. Answers leave out a block with any damaged column, whichever columns
    /// they read, so that a count and a listing of the same query agree.
    pub fn verify_block(&self, i: usize) -> std::result::Result<(), BlockError> {
        use std::sync::atomic::Ordering;
        let (Some(entry), Some(verified)) = (self.blocks.get(i), self.verified.get(i)) else {
            return Err(BlockError::Damaged("no such block"));
        };
        if verified.load(Ordering::Relaxed) {
            return Ok(());
        }
        let mut bytes = vec![0u8; entry.len as usize];
        self.file
            .read_exact_at(&mut bytes, entry.offset)
            .map_err(|e| BlockError::Unreadable(e.to_string()))?;
        block::verify(&bytes)?;
        verified.store(true, Ordering::Relaxed);
        Ok(())
    }

    /// Every event of a block of this part (its `bytes`, as read) with its sequence number.
    pub fn numbered_events(&self, bytes: &[u8]) -> Result<(Vec<u64>, Vec<LogEvent>)> {
        block::decode_numbered(bytes, block::Parts::ALL, None).map_err(|e| self.damaged(&e))
    }

    /// The bytes of block `i`, as written.
    pub fn block_bytes(&self, i: usize) -> Result<Vec<u8>> {
        let entry = self.blocks.get(i).ok_or_else(|| StoreError::Damaged {
            dir: self.path.clone(),
            reason: format!("no block {i}"),
        })?;
        let mut bytes = vec![0u8; entry.len as usize];
        self.file
            .read_exact_at(&mut bytes, entry.offset)
            .context(|| format!("cannot read {}", self.path.display()))?;
        Ok(bytes)
    }

    /// The error for a damaged block of this part, naming the part's file.
    pub fn damaged(&self, error: &BlockError) -> StoreError {
        damaged(&self.path, error)
    }
}

fn damaged(path: &Path, error: &BlockError) -> StoreError {
    StoreError::Damaged {
        dir: path.to_path_buf(),
        reason: error.to_string(),
    }
}

fn read_index(index: &[u8], data_end: u64) -> Option<(Vec<BlockEntry>, Option<PartIdentity>)> {
    let mut r = Reader::new(index);
    let count = r.get_len()?;
    if count > index.len() {
        return None;
    }
    let mut blocks = Vec::with_capacity(count);
    for _ in 0..count {
        let offset = r.get()?;
        let len = r.get()?;
        if offset.checked_add(len)? > data_end {
            return None;
        }
        let head_len = r.get()?;
        if head_len.checked_add(block::PREFIX_BYTES as u64)? > len {
            return None;
        }
        let service = r.text()?;
        let host = r.text()?;
        let events = r.get()?;
        let first_seq = r.get()?;
        let last_seq = r.get()?;
        let oldest = Timestamp(r.get_signed()?);
        let newest = Timestamp(r.get_signed()?);
        let mut levels = [0u64; 6];
        for count in &mut levels {
            *count = r.get()?;
        }
        blocks.push(BlockEntry {
            offset,
            len,
            head_len,
            service,
            host,
            events,
            first_seq,
            last_seq,
            oldest,
            newest,
            levels,
        });
    }
    let identity = if r.is_empty() {
        None
    } else {
        Some(read_identity(&mut r)?)
    };
    r.is_empty().then_some((blocks, identity))
}

/// Of parts listed oldest first (by their `seq_span`), each one whose sequence numbers
/// reach back into an earlier part's, with that earlier part: the same events held twice
/// (a part copied over another). Every commit, merge and retention keeps the listed parts'
/// spans apart and rising, so anything else is damage.
pub fn overlapping(spans: &[Option<(u64, u64)>]) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    let mut highest: Option<(u64, usize)> = None;
    for (i, span) in spans.iter().enumerate() {
        let Some((first, last)) = *span else {
            continue;
        };
        match highest {
            Some((reached, by)) if first <= reached => found.push((i, by)),
            Some((reached, _)) if last <= reached => {}
            _ => highest = Some((last, i)),
        }
    }
    found
}
