//! One block: a run of one stream's events (same service and host, in arrival order),
//! stored column by column, each column compressed on its own. Timestamps of neighbours
//! differ little, levels repeat, service and host are stored once, and a trace id is 16
//! bytes instead of 32 hex digits: compressed apart, each column shrinks far more than the
//! events' JSON does. The summary (count, time range, events per level, the message
//! words' Bloom filter, each `fields` key's numeric range) and the column directory come
//! first, in the head, so a query can pass over blocks that cannot match and read only the
//! columns it needs. The head and every column have their own checksum: damage is
//! reported, never decoded into wrong events.
//!
//! Layout: `LGB2`, the head's length (u32) and checksum (u64), the head (summary, then per
//! column its stored length, raw length, whether zstd packed it, and its checksum), then
//! the columns one after another.

use super::bloom::WordBloom;
pub use super::decode::Rows;
use super::fields::{self, KeyStats};
use super::pending::PendingBlock;
use super::varint::Reader;
use crate::event::{LogEvent, Timestamp};
use std::sync::Arc;
use xxhash_rust::xxh3::xxh3_64;

pub(super) const MAGIC: &[u8; 4] = b"LGB2";
/// Magic, head length and head checksum.
pub const PREFIX_BYTES: usize = 16;
/// zstd's fastest level: a block's columns (a few thousand values of one kind each) packed
/// 0.2 % larger than at level 3 (35.60 against 35.51 MB for a million simulated events) and
/// the sealing thread spent a quarter less on them.
const ZSTD_LEVEL: i32 = 1;
/// Refuses to inflate a column beyond this: a damaged length never allocates the memory.
const MAX_COLUMN_BYTES: usize = 1 << 28;
/// The most events one block holds (a store cuts blocks far smaller: a few thousand).
pub const MAX_EVENTS: usize = 1 << 16;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum BlockError {
    #[error("not a block (its first bytes are not a block's)")]
    NotABlock,
    #[error("damaged block: its checksum does not match its bytes")]
    Checksum,
    #[error("damaged block: {0}")]
    Damaged(&'static str),
    #[error("cannot read the block: {0}")]
    Unreadable(String),
    #[error("{0} events are too many for one block (at most {MAX_EVENTS})")]
    TooManyEvents(usize),
}

/// What a block holds, readable without decompressing it.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub events: usize,
    pub oldest: Timestamp,
    pub newest: Timestamp,
    /// Events of each level, by `Level::rank`.
    pub levels: [u64; 6],
    pub words: WordBloom,
    /// The keys of the events' fields, each with its count and numeric range.
    pub fields: Vec<KeyStats>,
}

/// The block of `events` (in their order), at most `MAX_EVENTS` of them, numbered 0, 1, ...
pub fn encode(events: &[LogEvent]) -> Result<Vec<u8>, BlockError> {
    let seqs: Vec<u64> = (0..events.len() as u64).collect();
    encode_numbered(events, &seqs)
}

/// The block of `events` with their sequence numbers in the store (arrival order across
/// streams: what `tail` and ties in time are ordered by).
pub fn encode_numbered(events: &[LogEvent], seqs: &[u64]) -> Result<Vec<u8>, BlockError> {
    PendingBlock::of(events, seqs)?.encode()
}

/// The length of the head of the block starting with `prefix` (its first `PREFIX_BYTES`).
pub fn head_len(prefix: &[u8]) -> Result<usize, BlockError> {
    if prefix.len() < PREFIX_BYTES || &prefix[..4] != MAGIC {
        return Err(BlockError::NotABlock);
    }
    let mut len = [0u8; 4];
    len.copy_from_slice(&prefix[4..8]);
    Ok(u32::from_le_bytes(len) as usize)
}

/// The summary of a block, checked.
pub fn summary(block: &[u8]) -> Result<Summary, BlockError> {
    open(block).map(|opened| (*opened.summary).clone())
}

/// A block's head read and checked: its summary and column directory. Cheap to clone, so a
/// reader that stays open can keep it and open the block again without reading it.
#[derive(Debug, Clone)]
pub struct Head {
    summary: Arc<Summary>,
    directory: Arc<[ColumnPlace]>,
}

impl Head {
    /// Roughly the memory it holds (the Bloom filter is most of it).
    pub fn bytes(&self) -> usize {
        self.summary.words.bytes()
            + self
                .summary
                .fields
                .iter()
                .map(|k| k.key.len() + 48)
                .sum::<usize>()
            + self.directory.len() * std::mem::size_of::<ColumnPlace>()
            + 128
    }
}

/// A block whose head (summary and column directory) has been read and checked; its
/// columns are read, checked and decompressed one by one, as they are asked for.
pub struct Opened<'a> {
    pub summary: Arc<Summary>,
    directory: Arc<[ColumnPlace]>,
    columns: Columns<'a>,
}

/// Where one column lies among the block's columns, and how to check and unpack it.
#[derive(Debug, Clone, Copy)]
struct ColumnPlace {
    offset: usize,
    stored: usize,
    raw: usize,
    packed: bool,
    sum: u64,
}

/// The bytes of a block's columns: in memory, or in a file from a given offset on.
#[derive(Clone, Copy)]
pub enum Columns<'a> {
    Memory(&'a [u8]),
    File {
        file: &'a std::fs::File,
        at: u64,
        len: usize,
    },
}

impl Columns<'_> {
    fn len(&self) -> usize {
        match self {
            Columns::Memory(bytes) => bytes.len(),
            Columns::File { len, .. } => *len,
        }
    }

    fn read(&self, place: &ColumnPlace) -> Result<std::borrow::Cow<'_, [u8]>, BlockError> {
        match self {
            Columns::Memory(bytes) => bytes
                .get(place.offset..place.offset + place.stored)
                .map(std::borrow::Cow::Borrowed)
                .ok_or(BlockError::Checksum),
            Columns::File { file, at, .. } => {
                use std::os::unix::fs::FileExt;
                let mut bytes = vec![0u8; place.stored];
                file.read_exact_at(&mut bytes, at + place.offset as u64)
                    .map_err(|e| BlockError::Unreadable(e.to_string()))?;
                Ok(std::borrow::Cow::Owned(bytes))
            }
        }
    }
}

/// Checks a whole block in memory and reads its head.
pub fn open(block: &[u8]) -> Result<Opened<'_>, BlockError> {
    let len = head_len(block)?;
    let end = PREFIX_BYTES
        .checked_add(len)
        .filter(|&end| end <= block.len())
        .ok_or(BlockError::Checksum)?;
    open_head(&block[..end], Columns::Memory(&block[end..]))
}

/// Checks a whole block in memory: its head and every column against their checksums.
pub fn verify(block: &[u8]) -> Result<(), BlockError> {
    let opened = open(block)?;
    for place in opened.directory.iter() {
        let stored = opened.columns.read(place)?;
        if xxh3_64(&stored) != place.sum {
            return Err(BlockError::Checksum);
        }
    }
    Ok(())
}

/// Checks a block's prefix and head (`PREFIX_BYTES` plus `head_len` bytes) and reads them;
/// its columns are `columns`.
pub fn open_head<'a>(
    prefix_and_head: &[u8],
    columns: Columns<'a>,
) -> Result<Opened<'a>, BlockError> {
    let head = read_head(prefix_and_head)?;
    with_head(&head, columns)
}

/// A block whose head was read before (`read_head`), with its columns.
pub fn with_head<'a>(head: &Head, columns: Columns<'a>) -> Result<Opened<'a>, BlockError> {
    let total = head.directory.last().map_or(0, |c| c.offset + c.stored);
    if total != columns.len() {
        return Err(BlockError::Damaged("column directory"));
    }
    Ok(Opened {
        summary: head.summary.clone(),
        directory: head.directory.clone(),
        columns,
    })
}

/// Checks a block's prefix and head (`PREFIX_BYTES` plus `head_len` bytes) and reads them.
pub fn read_head(prefix_and_head: &[u8]) -> Result<Head, BlockError> {
    let len = head_len(prefix_and_head)?;
    if prefix_and_head.len() != PREFIX_BYTES + len {
        return Err(BlockError::Checksum);
    }
    let head = &prefix_and_head[PREFIX_BYTES..];
    let mut sum = [0u8; 8];
    sum.copy_from_slice(&prefix_and_head[8..16]);
    if u64::from_le_bytes(sum) != xxh3_64(head) {
        return Err(BlockError::Checksum);
    }
    let mut reader = Reader::new(head);
    let summary = read_summary(&mut reader)?;
    let directory = read_directory(&mut reader)?;
    if !reader.is_empty() || directory.len() != FIXED_COLUMNS + summary.fields.len() {
        return Err(BlockError::Damaged("column directory"));
    }
    Ok(Head {
        summary: Arc::new(summary),
        directory: directory.into(),
    })
}

fn read_directory(reader: &mut Reader<'_>) -> Result<Vec<ColumnPlace>, BlockError> {
    let damaged = || BlockError::Damaged("column directory");
    let count = reader.get_len().ok_or_else(damaged)?;
    if count > reader.rest().len() {
        return Err(damaged());
    }
    let mut offset = 0usize;
    let mut directory = Vec::with_capacity(count);
    for _ in 0..count {
        let stored = reader.get_len().ok_or_else(damaged)?;
        let raw = reader.get_len().ok_or_else(damaged)?;
        let packed = match reader.byte().ok_or_else(damaged)? {
            0 => false,
            1 => true,
            _ => return Err(damaged()),
        };
        let mut sum = [0u8; 8];
        sum.copy_from_slice(reader.take(8).ok_or_else(damaged)?);
        if raw > MAX_COLUMN_BYTES || (!packed && raw != stored) {
            return Err(damaged());
        }
        directory.push(ColumnPlace {
            offset,
            stored,
            raw,
            packed,
            sum: u64::from_le_bytes(sum),
        });
        offset = offset.checked_add(stored).ok_or_else(damaged)?;
    }
    Ok(directory)
}

/// Every event of a block, in the order they were encoded.
pub fn decode(block: &[u8]) -> Result<Vec<LogEvent>, BlockError> {
    decode_parts(block, Parts::ALL, None)
}

/// Which parts of its events a reader needs: the columns left out are not decompressed
/// and stay empty in the events returned (time, level and flags always come: they are
/// small).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parts {
    pub service: bool,
    pub host: bool,
    pub message: bool,
    pub trace_id: bool,
    pub fields: bool,
}

impl Parts {
    pub const ALL: Parts = Parts {
        service: true,
        host: true,
        message: true,
        trace_id: true,
        fields: true,
    };
    pub const NONE: Parts = Parts {
        service: false,
        host: false,
        message: false,
        trace_id: false,
        fields: false,
    };
}

/// The events of a block with only `parts` of them filled in; of `fields`, with `paths`,
/// only the keys that can hold one of those (dotted) paths.
pub fn decode_parts(
    block: &[u8],
    parts: Parts,
    paths: Option<&[String]>,
) -> Result<Vec<LogEvent>, BlockError> {
    decode_numbered(block, parts, paths).map(|(_, events)| events)
}

/// Like `decode_parts`, with each event's sequence number.
pub fn decode_numbered(
    block: &[u8],
    parts: Parts,
    paths: Option<&[String]>,
) -> Result<(Vec<u64>, Vec<LogEvent>), BlockError> {
    open(block)?.decode(parts, paths)
}

impl Opened<'_> {
    /// The events with only `parts` filled in (see `decode_parts`), and their sequence
    /// numbers.
    pub fn decode(
        &self,
        parts: Parts,
        paths: Option<&[String]>,
    ) -> Result<(Vec<u64>, Vec<LogEvent>), BlockError> {
        super::decode::decode_columns(self, parts, paths, None, None)
            .map(|rows| (rows.seqs, rows.events))
    }

    /// Like `decode`, building only the rows `keep` says (all when `None`); `numbered`:
    /// the block's sequence numbers and times when the caller has read them already.
    pub fn decode_kept(
        &self,
        parts: Parts,
        paths: Option<&[String]>,
        keep: Option<&[bool]>,
        numbered: Option<(&[u64], &[i64])>,
    ) -> Result<Rows, BlockError> {
        super::decode::decode_columns(self, parts, paths, keep, numbered)
    }

    /// Every event's sequence number and time (microseconds), in row order.
    pub fn seqs_and_times(&self) -> Result<(Vec<u64>, Vec<i64>), BlockError> {
        let n = self.summary.events;
        let damaged = BlockError::Damaged;
        let numbered = self.column(SEQS)?;
        let mut r = Reader::new(&numbered);
        let mut seqs = Vec::with_capacity(n);
        let mut last = 0u64;
        for _ in 0..n {
            last = last.wrapping_add(r.get_signed().ok_or(damaged("sequence numbers"))? as u64);
            seqs.push(last);
        }
        let column = self.column(TIMES)?;
        let mut r = Reader::new(&column);
        let mut times = Vec::with_capacity(n);
        let mut last = self.summary.oldest.0;
        for _ in 0..n {
            // Wrapping both ways: a delta between times far apart (before 1970 and far in
            // the future) overflows, and still comes back exactly.
            last = last.wrapping_add(r.get_signed().ok_or(damaged("times"))?);
            times.push(last);
        }
        Ok((seqs, times))
    }

    /// Column `k` (in the directory's order), checked and decompressed.
    pub(super) fn column(&self, k: usize) -> Result<Vec<u8>, BlockError> {
        let place = self
            .directory
            .get(k)
            .ok_or(BlockError::Damaged("column directory"))?;
        let recent = self.recent_key(place);
        if let Some(kept) = recent.and_then(super::recent::get) {
            return Ok(kept.to_vec());
        }
        let stored = self.columns.read(place)?;
        if xxh3_64(&stored) != place.sum {
            return Err(BlockError::Checksum);
        }
        let column = if place.packed {
            decompress(&stored, place.raw).map_err(|_| BlockError::Damaged("column"))?
        } else {
            stored.into_owned()
        };
        if column.len() != place.raw {
            return Err(BlockError::Damaged("column"));
        }
        if let Some(key) = recent {
            super::recent::offer(key, &column);
        }
        Ok(column)
    }

    /// How this thread's recent columns know the column at `place` (blocks read from a
    /// part file only: a block in memory costs nothing to read again).
    fn recent_key(&self, place: &ColumnPlace) -> Option<super::recent::Key> {
        matches!(self.columns, Columns::File { .. }).then_some((place.sum, place.stored, place.raw))
    }

    /// Hands column `k`, checked and decompressed, to `f`, in buffers this thread keeps:
    /// a query reads hundreds of columns of a few hundred KiB, and fresh buffers for each
    /// cost more in page faults than the decompression does.
    pub fn with_column<R>(&self, k: usize, f: impl FnOnce(&[u8]) -> R) -> Result<R, BlockError> {
        let place = *self
            .directory
            .get(k)
            .ok_or(BlockError::Damaged("column directory"))?;
        let recent = self.recent_key(&place);
        if let Some(kept) = recent.and_then(super::recent::get) {
            return Ok(f(&kept));
        }
        SCRATCH.with(|scratch| {
            let Ok(mut scratch) = scratch.try_borrow_mut() else {
                // Already lent further up this thread's stack.
                return self.column(k).map(|column| f(&column));
            };
            let (stored, raw) = &mut *scratch;
            let stored: &[u8] = match self.columns {
                Columns::Memory(bytes) => bytes
                    .get(place.offset..place.offset + place.stored)
                    .ok_or(BlockError::Checksum)?,
                Columns::File { file, at, .. } => {
                    use std::os::unix::fs::FileExt;
                    stored.resize(place.stored, 0);
                    file.read_exact_at(stored, at + place.offset as u64)
                        .map_err(|e| BlockError::Unreadable(e.to_string()))?;
                    stored
                }
            };
            if xxh3_64(stored) != place.sum {
                return Err(BlockError::Checksum);
            }
            if !place.packed {
                if let Some(key) = recent {
                    super::recent::offer(key, stored);
                }
                return Ok(f(stored));
            }
            raw.clear();
            raw.reserve(place.raw);
            let written = DECOMPRESSOR
                .with(|d| match d.borrow_mut().as_mut() {
                    Some(decompressor) => decompressor.decompress_to_buffer(stored, raw),
                    None => Err(std::io::Error::other("no zstd context")),
                })
                .map_err(|_| BlockError::Damaged("column"))?;
            if written != place.raw || raw.len() != place.raw {
                return Err(BlockError::Damaged("column"));
            }
            if let Some(key) = recent {
                super::recent::offer(key, raw);
            }
            Ok(f(raw))
        })
    }

    /// The level column: each event's level rank (`Level::rank`).
    pub fn level_ranks(&self) -> Result<Vec<u8>, BlockError> {
        let levels = self.column(LEVELS)?;
        if levels.len() != self.summary.events {
            return Err(BlockError::Damaged("levels"));
        }
        Ok(levels)
    }

    /// Each event's flags byte (see `pending::flags_of`).
    pub fn flags(&self) -> Result<Vec<u8>, BlockError> {
        let flags = self.column(FLAGS)?;
        if flags.len() != self.summary.events {
            return Err(BlockError::Damaged("flags"));
        }
        Ok(flags)
    }

    /// Hands the messages column (each event's message as `varint::Reader::text_ref` reads
    /// it) to `f`.
    pub fn with_messages<R>(&self, f: impl FnOnce(&[u8]) -> R) -> Result<R, BlockError> {
        self.with_column(MESSAGES, f)
    }

    /// The stats of `fields` key `key` and the number of its column (for `with_column`,
    /// as `fields::visit_cells` reads it), when the block has that key.
    pub fn key(&self, key: &str) -> Option<(&KeyStats, usize)> {
        let at = self.summary.fields.iter().position(|k| k.key == key)?;
        Some((&self.summary.fields[at], FIXED_COLUMNS + at))
    }

    /// The column of `fields` key `key` (as `fields::visit_cells` reads it), when the block
    /// has that key.
    pub fn key_column(&self, key: &str) -> Result<Option<(&KeyStats, Vec<u8>)>, BlockError> {
        let Some(at) = self.summary.fields.iter().position(|k| k.key == key) else {
            return Ok(None);
        };
        Ok(Some((
            &self.summary.fields[at],
            self.column(FIXED_COLUMNS + at)?,
        )))
    }

    /// Whole events of the given rows only (in the order given): the other rows' texts and
    /// values are passed over, not built. What a search does with the few rows it returns.
    pub fn decode_rows(&self, rows: &[usize]) -> Result<Vec<LogEvent>, BlockError> {
        let mut keep = vec![false; self.summary.events];
        for &row in rows {
            *keep
                .get_mut(row)
                .ok_or(BlockError::Damaged("row numbers"))? = true;
        }
        let mut built = super::decode::decode_columns(self, Parts::ALL, None, Some(&keep), None)?;
        rows.iter()
            .map(|row| {
                let slot = built
                    .rows
                    .binary_search(row)
                    .map_err(|_| BlockError::Damaged("row numbers"))?;
                Ok(std::mem::take(&mut built.events[slot]))
            })
            .collect()
    }
}

/// Columns before the `fields` keys: sequence numbers, times, levels, flags, services,
/// hosts, messages, trace ids.
pub(super) const FIXED_COLUMNS: usize = 8;
pub(super) const SEQS: usize = 0;
pub(super) const TIMES: usize = 1;
pub(super) const LEVELS: usize = 2;
pub(super) const FLAGS: usize = 3;
pub(super) const SERVICES: usize = 4;
pub(super) const HOSTS: usize = 5;
pub(super) const MESSAGES: usize = 6;
pub(super) const TRACE_IDS: usize = 7;

fn read_summary(reader: &mut Reader<'_>) -> Result<Summary, BlockError> {
    let damaged = || BlockError::Damaged("summary");
    let events = reader.get_len().ok_or_else(damaged)?;
    if events > MAX_EVENTS {
        return Err(damaged());
    }
    let oldest = Timestamp(reader.get_signed().ok_or_else(damaged)?);
    let newest = Timestamp(reader.get_signed().ok_or_else(damaged)?);
    let mut levels = [0u64; 6];
    for count in &mut levels {
        *count = reader.get().ok_or_else(damaged)?;
    }
    if levels.iter().sum::<u64>() != events as u64 {
        return Err(damaged());
    }
    let words = WordBloom::from_bytes(reader).ok_or_else(damaged)?;
    let fields = fields::read_stats(reader, events).ok_or_else(damaged)?;
    Ok(Summary {
        events,
        oldest,
        newest,
        levels,
        words,
        fields,
    })
}

thread_local! {
    // zstd's contexts cost more to set up than a small column costs to (de)compress: one of
    // each per thread, kept.
    static COMPRESSOR: std::cell::RefCell<Option<zstd::bulk::Compressor<'static>>> =
        std::cell::RefCell::new(zstd::bulk::Compressor::new(ZSTD_LEVEL).ok());
    static DECOMPRESSOR: std::cell::RefCell<Option<zstd::bulk::Decompressor<'static>>> =
        std::cell::RefCell::new(zstd::bulk::Decompressor::new().ok());
    /// A column's stored and decompressed bytes (see `Opened::with_column`).
    static SCRATCH: std::cell::RefCell<(Vec<u8>, Vec<u8>)> =
        const { std::cell::RefCell::new((Vec::new(), Vec::new())) };
}

/// A column as stored: packed by zstd into `packed` (emptied first, its room kept for the
/// next column), or the column as it is when packing does not make it smaller.
pub(super) fn compress_into<'a>(column: &'a [u8], packed: &'a mut Vec<u8>) -> &'a [u8] {
    packed.clear();
    packed.reserve(zstd::zstd_safe::compress_bound(column.len()));
    let written = COMPRESSOR.with(|c| match c.borrow_mut().as_mut() {
        Some(compressor) => compressor.compress_to_buffer(column, packed),
        None => zstd::bulk::Compressor::new(ZSTD_LEVEL)
            .and_then(|mut compressor| compressor.compress_to_buffer(column, packed)),
    });
    match written {
        Ok(len) if len < column.len() => &packed[..len],
        // Compressing in memory fails only on allocation failure, which aborts anyway.
        _ => column,
    }
}

fn decompress(stored: &[u8], raw: usize) -> std::io::Result<Vec<u8>> {
    DECOMPRESSOR.with(|d| match d.borrow_mut().as_mut() {
        Some(decompressor) => decompressor.decompress(stored, raw),
        None => zstd::bulk::decompress(stored, raw),
    })
}

/// Makes every checksum of a (damaged) block agree with its bytes again, so that a test's
/// damage reaches the decoder itself.
#[cfg(test)]
pub fn forge_checksums(block: &mut [u8]) {
    let Ok(len) = head_len(block) else {
        return;
    };
    let end = PREFIX_BYTES + len;
    if end > block.len() {
        return;
    }
    let (prefix_and_head, columns) = block.split_at_mut(end);
    let (prefix, head) = prefix_and_head.split_at_mut(PREFIX_BYTES);
    let mut places = Vec::new();
    {
        let mut r = Reader::new(head);
        if read_summary(&mut r).is_ok() {
            let count = r.get_len().unwrap_or(0);
            let mut offset = 0usize;
            for _ in 0..count {
                let (Some(stored), Some(_), Some(_)) = (r.get_len(), r.get(), r.byte()) else {
                    break;
                };
                let at = head.len() - r.rest().len();
                if r.take(8).is_none() {
                    break;
                }
                places.push((at, offset, stored));
                offset = offset.saturating_add(stored);
            }
        }
    }
    for (at, offset, stored) in places {
        if let Some(column) = columns.get(offset..offset.saturating_add(stored)) {
            head[at..at + 8].copy_from_slice(&xxh3_64(column).to_le_bytes());
        }
    }
    prefix[8..16].copy_from_slice(&xxh3_64(head).to_le_bytes());
}
