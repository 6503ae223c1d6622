//! The column store over its parts and manifest: a writer that keeps events per stream and
//! seals them into one part at each commit, and a reader that answers block by block. The
//! reader passes over blocks whose index entry or word filter rules a query out, and decides
//! on every other event with the in-memory predicate (`query::matches`), so it returns what
//! the predicate does by construction.

use super::block::{self, Parts};
use super::fields::holds_path;
use super::manifest::{Manifest, FORMAT};
use super::part::{self, BlockEntry, Part, Sealed};
use crate::backend::embedded::error::{Context, Result, StoreError};
use crate::backend::embedded::Order;
use crate::event::{LogEvent, Position};
use crate::query::ast::Range;
use crate::query::{Clause, Query, Target, Test};
use std::cmp::Reverse;
use std::collections::BTreeMap;
use std::collections::BinaryHeap;
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

/// An event `search` found, with its sequence number (arrival order in the store).
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub seq: u64,
    pub event: LogEvent,
}

/// A match `search` may return: its rank first, so candidates compare by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Candidate {
    rank: i128,
    part: usize,
    block: usize,
    row: usize,
    seq: u64,
}

/// How good a match is for `order`: larger comes first.
fn rank(order: Order, time: i64, seq: u64) -> i128 {
    let by_time = (i128::from(time) << 64) | i128::from(seq);
    match order {
        Order::NewestFirst => by_time,
        Order::OldestFirst => -by_time,
        Order::Arrival => -i128::from(seq),
    }
}

/// Called with a block's bytes and its matches (decoded as far as the query needed).
type BlockVisitor<'a> =
    dyn FnMut(&[u8], &[LogEvent]) -> std::result::Result<(), block::BlockError> + 'a;

pub struct ColumnReader {
    parts: Vec<Part>,
}

impl ColumnReader {
    /// The store in `dir` as of its last commit.
    pub fn open(dir: &Path) -> Result<ColumnReader> {
        let manifest = Manifest::load(dir)?.unwrap_or_default();
        let parts = manifest
            .parts
            .iter()
            .map(|name| Part::open(&dir.join("parts").join(name)))
            .collect::<Result<Vec<Part>>>()?;
        Ok(ColumnReader { parts })
    }

    /// How many events match.
    pub fn count(&self, query: &Query) -> Result<u64> {
        if matches!(query, Query::All) {
            return Ok(self.entries().map(|(_, _, e)| e.events).sum());
        }
        self.matching(query, &mut |_, _| Ok(()))
    }

    /// Matching events in `order`, at most `limit` of them (`None` = all): by time (ties by
    /// arrival) or by arrival alone. Blocks are visited best first by their time range, and
    /// once `limit` events are in hand a block that cannot beat the last of them is not read.
    pub fn search(&self, query: &Query, order: Order, limit: Option<usize>) -> Result<Vec<Found>> {
        let limit = limit.unwrap_or(usize::MAX);
        if limit == 0 {
            return Ok(Vec::new());
        }
        let mut blocks: Vec<(i128, usize, usize)> = Vec::new();
        for (p, part) in self.parts.iter().enumerate() {
            for (b, entry) in part.blocks.iter().enumerate() {
                if may_match(query, entry) {
                    let best = match order {
                        Order::NewestFirst => rank(order, entry.newest.0, u64::MAX),
                        Order::OldestFirst => rank(order, entry.oldest.0, 0),
                        Order::Arrival => i128::MAX,
                    };
                    blocks.push((best, p, b));
                }
            }
        }
        blocks.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        let words = required_words(query);
        let needed = parts_needed(query);
        let mut paths = Vec::new();
        field_paths(query, &mut paths);
        // The best `limit` so far, worst on top.
        let mut kept: BinaryHeap<Reverse<Candidate>> = BinaryHeap::new();
        for (best, p, b) in blocks {
            if kept.len() >= limit && kept.peek().is_some_and(|Reverse(worst)| best < worst.rank) {
                break;
            }
            let part = &self.parts[p];
            let bytes = part.block_bytes(b)?;
            let summary = block::summary(&bytes).map_err(|e| part.damaged(&e))?;
            if !words.iter().all(|w| summary.words.may_hold(w))
                || !fields_may_match(query, &summary)
            {
                continue;
            }
            let (seqs, events) = block::decode_numbered(&bytes, needed, Some(&paths))
                .map_err(|e| part.damaged(&e))?;
            for (row, (seq, event)) in seqs.into_iter().zip(&events).enumerate() {
                if crate::query::matches(query, event) {
                    kept.push(Reverse(Candidate {
                        rank: rank(order, event.timestamp.0, seq),
                        part: p,
                        block: b,
                        row,
                        seq,
                    }));
                    if kept.len() > limit {
                        kept.pop();
                    }
                }
            }
        }
        let mut winners: Vec<Candidate> = kept.into_iter().map(|Reverse(k)| k).collect();
        winners.sort_by_key(|c| Reverse(c.rank));
        // Whole events, each block decoded once.
        let mut decoded: BTreeMap<(usize, usize), Vec<LogEvent>> = BTreeMap::new();
        let mut found = Vec::with_capacity(winners.len());
        for Candidate {
            part: p,
            block: b,
            row,
            seq,
            ..
        } in winners
        {
            if let std::collections::btree_map::Entry::Vacant(slot) = decoded.entry((p, b)) {
                let part = &self.parts[p];
                slot.insert(part.events(b)?);
            }
            let event = decoded
                .get(&(p, b))
                .and_then(|events| events.get(row))
                .cloned()
                .unwrap_or_default();
            found.push(Found { seq, event });
        }
        Ok(found)
    }

    /// Matching events per service, most first.
    pub fn count_by_service(&self, query: &Query) -> Result<Vec<(String, u64)>> {
        let mut counts: BTreeMap<String, u64> = BTreeMap::new();
        if matches!(query, Query::All) {
            for (_, _, entry) in self.entries() {
                *counts.entry(entry.service.clone()).or_default() += entry.events;
            }
        } else {
            self.scan(query, &mut |e| {
                *counts.entry(e.service.clone()).or_default() += 1
            })?;
        }
        let mut counts: Vec<(String, u64)> = counts.into_iter().collect();
        counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Ok(counts)
    }

    /// Visits every matching event, part by part and block by block; returns how many.
    pub fn scan(&self, query: &Query, visit: &mut dyn FnMut(&LogEvent)) -> Result<u64> {
        let needed = parts_needed(query);
        self.matching(query, &mut |bytes, matched| {
            if needed == Parts::ALL {
                matched.iter().for_each(&mut *visit);
            } else {
                // Decided on the columns the query names; whole events only for the blocks
                // that hold matches.
                block::decode(bytes)?
                    .iter()
                    .filter(|e| crate::query::matches(query, e))
                    .for_each(&mut *visit);
            }
            Ok(())
        })
    }

    /// Finds the matches block by block, decoding only the columns the query names, and
    /// hands each block with matches (its bytes and the partly decoded matches) to `found`.
    fn matching(&self, query: &Query, found: &mut BlockVisitor<'_>) -> Result<u64> {
        let words = required_words(query);
        let needed = parts_needed(query);
        let mut paths = Vec::new();
        field_paths(query, &mut paths);
        let mut n = 0;
        for (part, i, entry) in self.entries() {
            if !may_match(query, entry) {
                continue;
            }
            let bytes = part.block_bytes(i)?;
            let summary = block::summary(&bytes).map_err(|e| part.damaged(&e))?;
            if !words.iter().all(|w| summary.words.may_hold(w))
                || !fields_may_match(query, &summary)
            {
                continue;
            }
            let mut events =
                block::decode_parts(&bytes, needed, Some(&paths)).map_err(|e| part.damaged(&e))?;
            events.retain(|e| crate::query::matches(query, e));
            if !events.is_empty() {
                n += events.len() as u64;
                found(&bytes, &events).map_err(|e| part.damaged(&e))?;
            }
        }
        Ok(n)
    }

    fn entries(&self) -> impl Iterator<Item = (&Part, usize, &BlockEntry)> {
        self.parts
            .iter()
            .flat_map(|p| p.blocks.iter().enumerate().map(move |(i, e)| (p, i, e)))
    }
}

/// Whether a block with this index entry can hold a match (`false` only when it cannot).
fn may_match(query: &Query, entry: &BlockEntry) -> bool {
    match query {
        Query::All | Query::Not(_) => true,
        Query::And(all) => all.iter().all(|q| may_match(q, entry)),
        Query::Or(any) => any.iter().any(|q| may_match(q, entry)),
        Query::Clause(Clause { target, test }) => {
            let value = match target {
                Target::Service => &entry.service,
                Target::Host => &entry.host,
                Target::Level => {
                    return match test {
                        Test::Equals(literal) => crate::event::Level::ALL
                            .iter()
                            .find(|l| l.as_str() == literal.text)
                            .is_none_or(|l| entry.levels[l.rank() as usize] > 0),
                        _ => true,
                    }
                }
                _ => return true,
            };
            match test {
                Test::Equals(literal) => *value == literal.text,
                Test::Pattern(wildcard) => wildcard.matches(value),
                _ => true,
            }
        }
    }
}

/// Whether a block whose keys are `summary.fields` can hold a match (`false` only when it
/// cannot): a clause on a `fields` path needs a key that can hold the path, and a numeric
/// range needs a number of such a key inside the range.
fn fields_may_match(query: &Query, summary: &block::Summary) -> bool {
    match query {
        Query::All | Query::Not(_) => true,
        Query::And(all) => all.iter().all(|q| fields_may_match(q, summary)),
        Query::Or(any) => any.iter().any(|q| fields_may_match(q, summary)),
        Query::Clause(Clause {
            target: Target::Field(path),
            test,
        }) => summary.fields.iter().any(|key| {
            holds_path(&key.key, path)
                && match test {
                    Test::Range(Range::Number(lo, hi)) => key.may_hold_number(lo, hi),
                    _ => true,
                }
        }),
        Query::Clause(_) => true,
    }
}

/// The parts of an event the query looks at.
fn parts_needed(query: &Query) -> Parts {
    match query {
        Query::All => Parts::NONE,
        Query::Not(inner) => parts_needed(inner),
        Query::And(all) | Query::Or(all) => {
            all.iter()
                .map(parts_needed)
                .fold(Parts::NONE, |a, b| Parts {
                    service: a.service || b.service,
                    host: a.host || b.host,
                    message: a.message || b.message,
                    trace_id: a.trace_id || b.trace_id,
                    fields: a.fields || b.fields,
                })
        }
        Query::Clause(clause) => {
            let mut parts = Parts::NONE;
            match clause.target {
                Target::Message => parts.message = true,
                Target::Service => parts.service = true,
                Target::Host => parts.host = true,
                Target::TraceId => parts.trace_id = true,
                Target::Field(_) => parts.fields = true,
                Target::Level | Target::Timestamp => {}
            }
            parts
        }
    }
}

/// The `fields` paths the query names.
fn field_paths(query: &Query, out: &mut Vec<String>) {
    match query {
        Query::All => {}
        Query::Not(inner) => field_paths(inner, out),
        Query::And(all) | Query::Or(all) => all.iter().for_each(|q| field_paths(q, out)),
        Query::Clause(clause) => {
            if let Target::Field(path) = &clause.target {
                out.push(path.clone());
            }
        }
    }
}

/// Words every match must contain (those of a message clause that all matches need).
fn required_words(query: &Query) -> Vec<String> {
    match query {
        Query::Clause(Clause {
            target: Target::Message,
            test: Test::Words(words),
        }) => words.clone(),
        Query::And(all) => all.iter().flat_map(required_words).collect(),
        _ => Vec::new(),
    }
}
