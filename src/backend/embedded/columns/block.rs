//! One block: a run of one stream's events (same service and host, in arrival order),
//! stored column by column, each column compressed on its own. Timestamps of neighbours
//! differ little, levels repeat, service and host are stored once, and a trace id is 16
//! bytes instead of 32 hex digits: compressed apart, each column shrinks far more than the
//! events' JSON does. The summary (count, time range, events per level, the message
//! words' Bloom filter) is readable without decompressing anything, so a query can pass
//! over blocks that cannot match. A checksum covers everything: damage is reported, never
//! decoded into wrong events.

use super::bloom::WordBloom;
use super::fields::{self, KeyStats};
use super::varint::{self, put_text, Reader};
use crate::event::{Level, LogEvent, Timestamp};
use xxhash_rust::xxh3::xxh3_64;

const MAGIC: &[u8; 4] = b"LGB1";
const ZSTD_LEVEL: i32 = 3;
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
    if events.len() > MAX_EVENTS {
        return Err(BlockError::TooManyEvents(events.len()));
    }
    if seqs.len() != events.len() {
        return Err(BlockError::Damaged(
            "one sequence number per event is needed",
        ));
    }
    let oldest = events.iter().map(|e| e.timestamp).min().unwrap_or_default();
    let newest = events.iter().map(|e| e.timestamp).max().unwrap_or_default();
    let mut body = Vec::new();
    varint::put(&mut body, events.len() as u64);
    varint::put_signed(&mut body, oldest.0);
    varint::put_signed(&mut body, newest.0);
    let mut levels = [0u64; 6];
    for event in events {
        levels[event.level.rank() as usize] += 1;
    }
    for count in levels {
        varint::put(&mut body, count);
    }
    WordBloom::of(events.iter().map(|e| e.message.as_str())).to_bytes(&mut body);
    let keys = fields::encode(events);
    let stats: Vec<KeyStats> = keys.iter().map(|(s, _)| s.clone()).collect();
    fields::put_stats(&mut body, &stats);
    for column in [
        numbers(seqs),
        times(events, oldest),
        events.iter().map(|e| e.level.rank() as u8).collect(),
        flags(events),
        dictionary(events.iter().map(|e| e.service.as_str())),
        dictionary(events.iter().map(|e| e.host.as_str())),
        messages(events),
        trace_ids(events),
    ] {
        compress_into(&mut body, &column);
    }
    for (_, column) in &keys {
        compress_into(&mut body, column);
    }
    let mut block = Vec::with_capacity(body.len() + 12);
    block.extend_from_slice(MAGIC);
    block.extend_from_slice(&xxh3_64(&body).to_le_bytes());
    block.extend_from_slice(&body);
    Ok(block)
}

/// The summary of a block, checked.
pub fn summary(block: &[u8]) -> Result<Summary, BlockError> {
    open(block).map(|opened| opened.summary)
}

/// A block whose checksum and summary have been read: its columns can be decoded without
/// checking the block again.
pub struct Opened<'a> {
    pub summary: Summary,
    columns: &'a [u8],
}

/// Checks a block and reads its summary.
pub fn open(block: &[u8]) -> Result<Opened<'_>, BlockError> {
    let mut reader = Reader::new(checked_body(block)?);
    let summary = read_summary(&mut reader)?;
    Ok(Opened {
        summary,
        columns: reader.rest(),
    })
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
        decode_columns(&self.summary, Reader::new(self.columns), parts, paths)
    }
}

fn decode_columns(
    summary: &Summary,
    mut reader: Reader<'_>,
    parts: Parts,
    paths: Option<&[String]>,
) -> Result<(Vec<u64>, Vec<LogEvent>), BlockError> {
    let n = summary.events;
    let mut events = vec![LogEvent::default(); n];
    let damaged = BlockError::Damaged;
    let column = |reader: &mut Reader<'_>| decompress_from(reader);
    let column_if =
        |reader: &mut Reader<'_>, wanted: bool| -> Result<Option<Vec<u8>>, BlockError> {
            if wanted {
                decompress_from(reader).map(Some)
            } else {
                skip_column(reader).map(|()| None)
            }
        };

    let numbered = column(&mut reader)?;
    let mut r = Reader::new(&numbered);
    let mut seqs = Vec::with_capacity(n);
    let mut last = 0u64;
    for _ in 0..n {
        last = last.wrapping_add(r.get_signed().ok_or(damaged("sequence numbers"))? as u64);
        seqs.push(last);
    }
    let times = column(&mut reader)?;
    let mut r = Reader::new(&times);
    let mut last = summary.oldest.0;
    for event in &mut events {
        // Wrapping both ways: a delta between times far apart (before 1970 and far in the
        // future) overflows, and still comes back exactly.
        last = last.wrapping_add(r.get_signed().ok_or(damaged("times"))?);
        event.timestamp = Timestamp(last);
    }
    let levels = column(&mut reader)?;
    if levels.len() != n {
        return Err(damaged("levels"));
    }
    for (event, &rank) in events.iter_mut().zip(&levels) {
        event.level = Level::from_rank(u64::from(rank)).ok_or(damaged("levels"))?;
    }
    let flags = column(&mut reader)?;
    if flags.len() != n {
        return Err(damaged("flags"));
    }
    for (event, &flag) in events.iter_mut().zip(&flags) {
        event.unparsed = flag & 1 != 0;
    }
    if let Some(services) = column_if(&mut reader, parts.service)? {
        let services = undictionary(&services, n).ok_or(damaged("services"))?;
        for (event, service) in events.iter_mut().zip(services) {
            event.service = service;
        }
    }
    if let Some(hosts) = column_if(&mut reader, parts.host)? {
        let hosts = undictionary(&hosts, n).ok_or(damaged("hosts"))?;
        for (event, host) in events.iter_mut().zip(hosts) {
            event.host = host;
        }
    }
    if let Some(messages) = column_if(&mut reader, parts.message)? {
        let mut r = Reader::new(&messages);
        for event in &mut events {
            event.message = r.text().ok_or(damaged("messages"))?;
        }
    }
    if let Some(traces) = column_if(&mut reader, parts.trace_id)? {
        let mut r = Reader::new(&traces);
        for (event, &flag) in events.iter_mut().zip(&flags) {
            if flag & 2 != 0 {
                event.trace_id = Some(trace_id(&mut r).ok_or(damaged("trace ids"))?);
            }
        }
    }
    for key in &summary.fields {
        let wanted = parts.fields
            && paths.is_none_or(|paths| paths.iter().any(|p| fields::holds_path(&key.key, p)));
        if let Some(column) = column_if(&mut reader, wanted)? {
            fields::decode_key(&column, key, &mut events).ok_or(damaged("fields"))?;
        }
    }
    if !reader.is_empty() {
        return Err(damaged("bytes after the last column"));
    }
    Ok((seqs, events))
}

fn checked_body(block: &[u8]) -> Result<&[u8], BlockError> {
    if block.len() < 12 || &block[..4] != MAGIC {
        return Err(BlockError::NotABlock);
    }
    let (sum, body) = block[4..].split_at(8);
    let mut expected = [0u8; 8];
    expected.copy_from_slice(sum);
    if u64::from_le_bytes(expected) != xxh3_64(body) {
        return Err(BlockError::Checksum);
    }
    Ok(body)
}

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

fn compress_into(out: &mut Vec<u8>, column: &[u8]) {
    // Compressing a buffer in memory fails only on allocation failure, which aborts anyway;
    // the raw bytes are kept then, marked by a compressed length of zero.
    match zstd::bulk::compress(column, ZSTD_LEVEL) {
        Ok(packed) => {
            varint::put(out, column.len() as u64);
            varint::put(out, packed.len() as u64);
            out.extend_from_slice(&packed);
        }
        Err(_) => {
            varint::put(out, column.len() as u64);
            varint::put(out, 0);
            out.extend_from_slice(column);
        }
    }
}

fn decompress_from(reader: &mut Reader<'_>) -> Result<Vec<u8>, BlockError> {
    let damaged = || BlockError::Damaged("column lengths");
    let raw = reader.get_len().ok_or_else(damaged)?;
    let packed = reader.get_len().ok_or_else(damaged)?;
    if raw > MAX_COLUMN_BYTES {
        return Err(damaged());
    }
    if packed == 0 {
        return Ok(reader.take(raw).ok_or_else(damaged)?.to_vec());
    }
    let bytes = reader.take(packed).ok_or_else(damaged)?;
    let column = zstd::bulk::decompress(bytes, raw).map_err(|_| BlockError::Damaged("column"))?;
    if column.len() != raw {
        return Err(BlockError::Damaged("column"));
    }
    Ok(column)
}

fn skip_column(reader: &mut Reader<'_>) -> Result<(), BlockError> {
    let damaged = || BlockError::Damaged("column lengths");
    let raw = reader.get_len().ok_or_else(damaged)?;
    let packed = reader.get_len().ok_or_else(damaged)?;
    reader
        .take(if packed == 0 { raw } else { packed })
        .ok_or_else(damaged)?;
    Ok(())
}

/// Sequence numbers as differences from the previous one (wrapping: any u64 comes back).
fn numbers(seqs: &[u64]) -> Vec<u8> {
    let mut out = Vec::with_capacity(seqs.len() * 2);
    let mut last = 0u64;
    for &seq in seqs {
        varint::put_signed(&mut out, seq.wrapping_sub(last) as i64);
        last = seq;
    }
    out
}

fn times(events: &[LogEvent], oldest: Timestamp) -> Vec<u8> {
    let mut out = Vec::with_capacity(events.len() * 2);
    let mut last = oldest.0;
    for event in events {
        varint::put_signed(&mut out, event.timestamp.0.wrapping_sub(last));
        last = event.timestamp.0;
    }
    out
}

fn flags(events: &[LogEvent]) -> Vec<u8> {
    events
        .iter()
        .map(|e| u8::from(e.unparsed) | (u8::from(e.trace_id.is_some()) << 1))
        .collect()
}

/// Distinct values once, then (when there is more than one) each event's value's index.
fn dictionary<'a>(values: impl Iterator<Item = &'a str>) -> Vec<u8> {
    let mut distinct: Vec<&str> = Vec::new();
    let mut indices = Vec::new();
    for value in values {
        let index = match distinct.iter().position(|d| *d == value) {
            Some(i) => i,
            None => {
                distinct.push(value);
                distinct.len() - 1
            }
        };
        indices.push(index);
    }
    let mut out = Vec::new();
    varint::put(&mut out, distinct.len() as u64);
    for value in &distinct {
        put_text(&mut out, value);
    }
    if distinct.len() > 1 {
        for index in indices {
            varint::put(&mut out, index as u64);
        }
    }
    out
}

fn undictionary(column: &[u8], n: usize) -> Option<Vec<String>> {
    let mut r = Reader::new(column);
    let count = r.get_len()?;
    if count > column.len() {
        return None;
    }
    let distinct = (0..count).map(|_| r.text()).collect::<Option<Vec<_>>>()?;
    let values = match distinct.as_slice() {
        [] if n == 0 => Vec::new(),
        [only] => vec![only.clone(); n],
        _ => (0..n)
            .map(|_| distinct.get(r.get_len()?).cloned())
            .collect::<Option<Vec<_>>>()?,
    };
    r.is_empty().then_some(values)
}

fn messages(events: &[LogEvent]) -> Vec<u8> {
    let mut out = Vec::with_capacity(events.iter().map(|e| e.message.len() + 2).sum());
    for event in events {
        put_text(&mut out, &event.message);
    }
    out
}

/// 32 lowercase hex digits as their 16 bytes; anything else as written.
fn trace_ids(events: &[LogEvent]) -> Vec<u8> {
    let mut out = Vec::new();
    for id in events.iter().filter_map(|e| e.trace_id.as_deref()) {
        let lower_hex = |b: &u8| b.is_ascii_digit() || (b'a'..=b'f').contains(b);
        match u128::from_str_radix(id, 16) {
            Ok(n) if id.len() == 32 && id.bytes().all(|b| lower_hex(&b)) => {
                out.push(0);
                out.extend_from_slice(&n.to_be_bytes());
            }
            _ => {
                out.push(1);
                put_text(&mut out, id);
            }
        }
    }
    out
}

fn trace_id(reader: &mut Reader<'_>) -> Option<String> {
    match reader.byte()? {
        0 => {
            let mut raw = [0u8; 16];
            raw.copy_from_slice(reader.take(16)?);
            Some(format!("{:032x}", u128::from_be_bytes(raw)))
        }
        1 => reader.text(),
        _ => None,
    }
}
