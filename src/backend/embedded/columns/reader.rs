//! The column store's reader: answers block by block. It passes over blocks whose index
//! entry, word filter or field keys rule a query out (`prune.rs`), and decides on every
//! other event with the in-memory predicate (`query::matches`), so it returns what the
//! predicate does by construction.
//!
//! A reader sees the store as of one manifest (its view) until `refresh`. A part that
//! cannot be opened, or a block that fails its checksum, is left out and listed in
//! `damaged`: one damaged file costs its own events, not the store.

mod interrupt;
mod reading;

pub use interrupt::interruptible;

use super::block::{self, Parts};
use super::head_cache::HeadBudget;
use super::manifest::Manifest;
use super::part::{self, BlockEntry, Part};
use super::prune::{field_paths, may_match, parts_needed, WordsNeeded};
use crate::backend::embedded::damage::DamagedSegment;
use crate::backend::embedded::error::{Result, StoreError};
use crate::backend::embedded::{Checkpoint, Order, StoreStats};
use crate::backend::field_list::{FieldList, FieldTally};
use crate::backend::groups::{Group, Tally, ValueKind};
use crate::backend::histogram::Histogram;
use crate::event::LogEvent;
use crate::query::{Clause, Query, Target, Test};
use reading::{shared_out, Want};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

/// Every sequence number.
const ALL_SEQS: Range<u64> = 0..u64::MAX;

/// What a query needs of the blocks it reads, worked out once per query.
struct Plan {
    /// Words a block's word filter must hold for it to hold a match.
    words: WordsNeeded,
    needed: Parts,
    /// The `fields` paths it names.
    paths: Vec<String>,
}

impl Plan {
    fn of(query: &Query) -> Plan {
        let mut paths = Vec::new();
        field_paths(query, &mut paths);
        Plan {
            words: WordsNeeded::of(query),
            needed: parts_needed(query),
            paths,
        }
    }

    /// This plan, also decoding what counting by `target` reads.
    fn counting(mut self, target: &Target) -> Plan {
        match target {
            Target::Service => self.needed.service = true,
            Target::Host => self.needed.host = true,
            Target::Message => self.needed.message = true,
            Target::TraceId => self.needed.trace_id = true,
            Target::Field(key) => {
                self.needed.fields = true;
                self.paths.push(key.clone());
            }
            Target::Level | Target::Timestamp | Target::TimeFrom | Target::Unparsed => {}
        }
        self
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

/// Events built and handed out at a time by `search_each`.
const EXPORT_BATCH: usize = 20_000;

/// How good a match is for `order`: larger comes first.
fn rank(order: Order, time: i64, seq: u64) -> i128 {
    let by_time = (i128::from(time) << 64) | i128::from(seq);
    match order {
        Order::NewestFirst => by_time,
        Order::OldestFirst => -by_time,
        Order::Arrival => -i128::from(seq),
    }
}

/// The best rank any event of a block can have.
fn best_rank(order: Order, entry: &BlockEntry) -> i128 {
    match order {
        Order::NewestFirst => rank(order, entry.newest.0, u64::MAX),
        Order::OldestFirst => rank(order, entry.oldest.0, 0),
        Order::Arrival => rank(order, 0, entry.first_seq),
    }
}

/// Called with a block's bytes and its matches (decoded as far as the query needed).
type BlockVisitor<'a> =
    dyn FnMut(&block::Opened<'_>, &[LogEvent]) -> std::result::Result<(), block::BlockError> + 'a;

/// The store as of one manifest: its parts, opened (damaged ones left out).
struct View {
    manifest: Manifest,
    parts: Vec<Arc<Part>>,
}

pub struct ColumnReader {
    dir: PathBuf,
    view: RwLock<Arc<View>>,
    damaged: Mutex<Vec<DamagedSegment>>,
    /// Memory for the heads of blocks read, when the reader stays open (see `head_cache.rs`).
    heads: Option<Arc<HeadBudget>>,
}

impl ColumnReader {
    /// The store in `dir` as of its last commit.
    pub fn open(dir: &Path) -> Result<ColumnReader> {
        ColumnReader::open_keeping_heads(dir, 0)
    }

    /// Like `open`, for a reader that stays open and answers many queries: up to
    /// `head_bytes` of the blocks' heads are kept once read.
    pub fn open_keeping_heads(dir: &Path, head_bytes: usize) -> Result<ColumnReader> {
        let reader = ColumnReader {
            dir: dir.to_path_buf(),
            view: RwLock::new(Arc::new(View {
                manifest: Manifest::default(),
                parts: Vec::new(),
            })),
            damaged: Mutex::new(Vec::new()),
            heads: (head_bytes > 0).then(|| HeadBudget::new(head_bytes)),
        };
        reader.refresh()?;
        Ok(reader)
    }

    /// Bytes of block heads kept in memory now.
    pub fn kept_head_bytes(&self) -> usize {
        self.heads.as_ref().map_or(0, |budget| budget.used())
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Parts and blocks left out because they are damaged; say so beside any answer.
    pub fn damaged(&self) -> Vec<DamagedSegment> {
        self.damaged
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Moves to the newest commit; parts already open are kept open.
    pub fn refresh(&self) -> Result<()> {
        self.move_to_newest().map(|_| ())
    }

    /// The positions of the newest commit, with the reader moved to that commit: every
    /// event with `seq < next_seq` is visible and came from before those positions.
    pub fn snapshot(&self) -> Result<Checkpoint> {
        let view = self.move_to_newest()?;
        Ok(Checkpoint {
            next_seq: view.manifest.next_seq,
            positions: view.manifest.positions.clone(),
        })
    }

    fn move_to_newest(&self) -> Result<Arc<View>> {
        // A merge or retention may remove a part between our reading the manifest and
        // opening the part; the manifest read again names its replacement.
        let mut attempt = 0;
        loop {
            let manifest = Manifest::load(&self.dir)?.unwrap_or_default();
            // The last attempt takes a part still missing for damage.
            match self.open_view(manifest, attempt == 5) {
                Ok(view) => {
                    let view = Arc::new(view);
                    *self.view.write().unwrap_or_else(PoisonError::into_inner) = view.clone();
                    return Ok(view);
                }
                Err(StoreError::Io { cause, .. })
                    if cause.kind() == std::io::ErrorKind::NotFound && attempt < 5 =>
                {
                    attempt += 1;
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                Err(e) => return Err(e),
            }
        }
    }

    fn open_view(&self, manifest: Manifest, missing_is_damage: bool) -> Result<View> {
        let current = self.view();
        if current.manifest == manifest {
            return Ok(View {
                manifest,
                parts: current.parts.clone(),
            });
        }
        let mut parts = Vec::with_capacity(manifest.parts.len());
        for name in &manifest.parts {
            let path = self.dir.join("parts").join(name);
            if let Some(open) = current.parts.iter().find(|p| p.path() == path) {
                parts.push(open.clone());
                continue;
            }
            match Part::open_keeping_heads(&path, self.heads.as_ref()) {
                Ok(part) => parts.push(Arc::new(part)),
                Err(StoreError::Damaged { reason, .. }) => self.note(DamagedSegment {
                    id: name.clone(),
                    files: path,
                    events: None,
                    reason,
                    set_aside_by_writer: true,
                }),
                Err(StoreError::Io { cause, .. })
                    if missing_is_damage && cause.kind() == std::io::ErrorKind::NotFound =>
                {
                    self.note(DamagedSegment {
                        id: name.clone(),
                        files: path,
                        events: None,
                        reason: "the file is missing".into(),
                        set_aside_by_writer: true,
                    })
                }
                Err(e) => return Err(e),
            }
        }
        let spans: Vec<Option<(u64, u64)>> = parts.iter().map(|p| p.seq_span()).collect();
        let twice = part::overlapping(&spans);
        for &(copy, first) in &twice {
            self.note(DamagedSegment {
                id: file_name(parts[copy].path()),
                files: parts[copy].path().to_path_buf(),
                events: None,
                reason: format!(
                    "its events are already in the part {} (a copy?)",
                    file_name(parts[first].path())
                ),
                set_aside_by_writer: true,
            });
        }
        let mut p = 0;
        parts.retain(|_| {
            p += 1;
            !twice.iter().any(|&(copy, _)| copy == p - 1)
        });
        Ok(View { manifest, parts })
    }

    fn view(&self) -> Arc<View> {
        self.view
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn note(&self, damage: DamagedSegment) {
        let mut damaged = self.damaged.lock().unwrap_or_else(PoisonError::into_inner);
        if !damaged.iter().any(|d| d.id == damage.id) {
            damaged.push(damage);
        }
    }

    fn note_block(&self, part: &Part, b: usize, reason: String) {
        let name = file_name(part.path());
        let events = part.blocks.get(b).map_or(0, |e| e.events);
        self.note(DamagedSegment {
            id: format!("{name} block {b}"),
            files: part.path().to_path_buf(),
            events: Some(u32::try_from(events).unwrap_or(u32::MAX)),
            reason: format!("block {b}: {reason}"),
            set_aside_by_writer: false,
        });
    }

    /// How many events match.
    pub fn count(&self, query: &Query) -> Result<u64> {
        let view = self.view();
        if matches!(query, Query::All) {
            return Ok(self.whole_entries(&view)?.iter().map(|e| e.events).sum());
        }
        let plan = Plan::of(query);
        let blocks = blocks_where(&view, |entry| may_match(query, entry));
        let count_some = |share: Vec<(usize, usize)>| -> Result<u64> {
            let mut n = 0;
            for (p, b) in share {
                let Some(block) = self.read_block(&view, query, &plan, p, b, Want::Counted)? else {
                    continue;
                };
                n += (0..block.rows())
                    .filter(|&row| block.matches(query, row))
                    .count() as u64;
            }
            Ok(n)
        };
        shared_out(blocks, count_some)?.into_iter().sum()
    }

    /// The index entries of the blocks that are whole (each checked once, see
    /// `Part::verify_block`): what an answer from the index alone may add up, so that it
    /// leaves out the same damaged blocks as an answer that reads them.
    fn whole_entries<'v>(&self, view: &'v View) -> Result<Vec<&'v BlockEntry>> {
        let blocks = blocks_where(view, |_| true);
        let check = |share: Vec<(usize, usize)>| -> Result<Vec<&'v BlockEntry>> {
            let mut whole = Vec::with_capacity(share.len());
            for (p, b) in share {
                if interrupt::requested() {
                    return Err(StoreError::Interrupted);
                }
                let part = &view.parts[p];
                match part.verify_block(b) {
                    Ok(()) => whole.extend(part.blocks.get(b)),
                    Err(e) => self.note_block(part, b, e.to_string()),
                }
            }
            Ok(whole)
        };
        let mut whole = Vec::new();
        for share in shared_out(blocks, check)? {
            whole.extend(share?);
        }
        Ok(whole)
    }

    /// Matching events in `order`, at most `limit` of them (`None` = all).
    pub fn search(&self, query: &Query, order: Order, limit: Option<usize>) -> Result<Vec<Found>> {
        self.search_within(query, order, limit, ALL_SEQS)
    }

    /// Every matching event, in `order`, handed to `visit` as soon as no block left to read
    /// can hold a better one: an export of the whole store holds the candidates' places
    /// (40 bytes each) and a batch of built events, never every event at once. Returns how
    /// many were visited.
    pub fn search_each(
        &self,
        query: &Query,
        order: Order,
        visit: &mut dyn FnMut(Found) -> Result<()>,
    ) -> Result<u64> {
        let view = self.view();
        let blocks = Self::blocks_best_first(&view, query, order, ALL_SEQS);
        let plan = Plan::of(query);
        // Candidates read and not yet handed out, best on top.
        let mut waiting: BinaryHeap<Candidate> = BinaryHeap::new();
        let mut ready = Vec::new();
        let mut visited = 0u64;
        let mut hand_out = |ready: &mut Vec<Candidate>| -> Result<()> {
            for found in self.whole_events(&view, std::mem::take(ready))? {
                visit(found)?;
                visited += 1;
            }
            Ok(())
        };
        for (best, p, b) in blocks {
            // Nothing in this block or after it ranks above `best`.
            while waiting.peek().is_some_and(|top| top.rank > best) {
                ready.extend(waiting.pop());
            }
            if ready.len() >= EXPORT_BATCH {
                hand_out(&mut ready)?;
            }
            let Some(block) = self.read_block(&view, query, &plan, p, b, Want::Ranked)? else {
                continue;
            };
            for (row, (&seq, &time)) in block.seqs.iter().zip(&block.times).enumerate() {
                if block.matches(query, row) {
                    waiting.push(Candidate {
                        rank: rank(order, time, seq),
                        part: p,
                        block: b,
                        row,
                        seq,
                    });
                }
            }
        }
        while let Some(top) = waiting.pop() {
            ready.push(top);
            if ready.len() >= EXPORT_BATCH {
                hand_out(&mut ready)?;
            }
        }
        hand_out(&mut ready)?;
        Ok(visited)
    }

    /// Matching events with `after < seq <= upto`, in arrival order.
    pub fn arrived_between(
        &self,
        query: &Query,
        after: Option<u64>,
        upto: u64,
    ) -> Result<Vec<Found>> {
        let from = after.map_or(0, |a| a.saturating_add(1));
        self.search_within(query, Order::Arrival, None, from..upto.saturating_add(1))
    }

    /// The newest `limit` matching events (by time) among those with `seq < end`.
    pub fn newest_before(&self, query: &Query, end: u64, limit: usize) -> Result<Vec<Found>> {
        self.search_within(query, Order::NewestFirst, Some(limit), 0..end)
    }

    /// Matching events with a sequence number in `seqs`, in `order` (by time, ties by
    /// arrival, or by arrival alone), at most `limit` of them. Blocks are visited best
    /// first, and once `limit` events are in hand a block that cannot beat the last of them
    /// is not read.
    fn search_within(
        &self,
        query: &Query,
        order: Order,
        limit: Option<usize>,
        seqs: Range<u64>,
    ) -> Result<Vec<Found>> {
        let limit = limit.unwrap_or(usize::MAX);
        if limit == 0 || seqs.is_empty() {
            return Ok(Vec::new());
        }
        let view = self.view();
        let blocks = Self::blocks_best_first(&view, query, order, seqs.clone());
        let plan = Plan::of(query);
        // The best `limit` so far, worst on top.
        let mut kept: BinaryHeap<Reverse<Candidate>> = BinaryHeap::new();
        for (best, p, b) in blocks {
            if kept.len() >= limit && kept.peek().is_some_and(|Reverse(worst)| best < worst.rank) {
                break;
            }
            let Some(block) = self.read_block(&view, query, &plan, p, b, Want::Ranked)? else {
                continue;
            };
            for (row, (&seq, &time)) in block.seqs.iter().zip(&block.times).enumerate() {
                if seqs.contains(&seq) && block.matches(query, row) {
                    kept.push(Reverse(Candidate {
                        rank: rank(order, time, seq),
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
        self.whole_events(&view, winners)
    }

    /// The blocks that may hold a match with a sequence number in `seqs`, with the best
    /// rank any of their events can have, best first.
    fn blocks_best_first(
        view: &View,
        query: &Query,
        order: Order,
        seqs: Range<u64>,
    ) -> Vec<(i128, usize, usize)> {
        let mut blocks: Vec<(i128, usize, usize)> = Vec::new();
        for (p, part) in view.parts.iter().enumerate() {
            for (b, entry) in part.blocks.iter().enumerate() {
                let in_window = entry.first_seq < seqs.end && entry.last_seq >= seqs.start;
                if in_window && may_match(query, entry) {
                    blocks.push((best_rank(order, entry), p, b));
                }
            }
        }
        blocks.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        blocks
    }

    /// The winners' whole events, each block read once and only the winning rows built; a
    /// block that turns out damaged is noted and its events left out.
    fn whole_events(&self, view: &View, winners: Vec<Candidate>) -> Result<Vec<Found>> {
        let mut rows_by_block: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new();
        for winner in &winners {
            rows_by_block
                .entry((winner.part, winner.block))
                .or_default()
                .push(winner.row);
        }
        let mut built: HashMap<(usize, usize, usize), LogEvent> = HashMap::new();
        for ((p, b), rows) in rows_by_block {
            let part = &view.parts[p];
            match part
                .verify_block(b)
                .and_then(|()| part.open_block(b))
                .and_then(|opened| opened.decode_rows(&rows))
            {
                Ok(events) => {
                    built.extend(rows.into_iter().zip(events).map(|(r, e)| ((p, b, r), e)))
                }
                Err(e) => self.note_block(part, b, e.to_string()),
            }
        }
        Ok(winners
            .into_iter()
            .filter_map(|w| {
                built
                    .remove(&(w.part, w.block, w.row))
                    .map(|event| Found { seq: w.seq, event })
            })
            .collect())
    }

    /// Matching events counted per value of `target`, most frequent first (ties by value).
    pub fn count_by(&self, query: &Query, target: &Target) -> Result<Vec<Group>> {
        let view = self.view();
        let mut tally = Tally::default();
        let from_index = matches!(query, Query::All)
            && matches!(target, Target::Service | Target::Host | Target::Level);
        if from_index {
            for entry in self.whole_entries(&view)? {
                let mut add = |value: &str, n: u64| tally.add(value, ValueKind::Text, n);
                match target {
                    Target::Service => add(&entry.service, entry.events),
                    Target::Host => add(&entry.host, entry.events),
                    _ => {
                        for level in crate::event::Level::ALL {
                            add(level.as_str(), entry.levels[level.rank() as usize]);
                        }
                    }
                }
            }
        } else {
            let plan = Plan::of(query).counting(target);
            self.matching(&view, query, &plan, &mut |_, matched| {
                for event in matched {
                    for (value, kind) in crate::backend::embedded::typed_values_of(event, target) {
                        tally.add(&value, kind, 1);
                    }
                }
                Ok(())
            })?;
        }
        Ok(tally.groups())
    }

    /// The oldest and newest times of the blocks that may hold a match (from the index:
    /// for choosing a histogram's width, not an exact answer).
    pub fn time_span(
        &self,
        query: &Query,
    ) -> Option<(crate::event::Timestamp, crate::event::Timestamp)> {
        let view = self.view();
        let mut span: Option<(crate::event::Timestamp, crate::event::Timestamp)> = None;
        for entry in entries(&view).filter(|e| may_match(query, e)) {
            span = Some(match span {
                None => (entry.oldest, entry.newest),
                Some((lo, hi)) => (lo.min(entry.oldest), hi.max(entry.newest)),
            });
        }
        span
    }

    /// Matching events counted per bucket of `histogram`'s width. Blocks that lie within
    /// one bucket are counted from the index when the query takes every event; the others
    /// read their time column (and the columns the query is decided on), as `count` does.
    pub fn histogram(&self, query: &Query, histogram: &mut Histogram) -> Result<()> {
        let view = self.view();
        let within_one = |entry: &BlockEntry| {
            histogram.bucket_of(entry.oldest) == histogram.bucket_of(entry.newest)
        };
        let every = matches!(query, Query::All);
        let mut from_index = Vec::new();
        if every {
            for entry in self.whole_entries(&view)? {
                if within_one(entry) {
                    from_index.push((entry.oldest, entry.events));
                }
            }
        }
        let blocks = blocks_where(&view, |entry| {
            may_match(query, entry) && !(every && within_one(entry))
        });
        let plan = Plan::of(query);
        let times_of = |share: Vec<(usize, usize)>| -> Result<Vec<i64>> {
            let mut times = Vec::new();
            for (p, b) in share {
                if every {
                    // Every row: the time column alone, no event built.
                    times.extend(self.block_times(&view.parts[p], b));
                    continue;
                }
                // Ranked: every row's time, events built only where the columns left
                // the query undecided.
                let Some(block) = self.read_block(&view, query, &plan, p, b, Want::Ranked)? else {
                    continue;
                };
                times.extend(
                    (0..block.rows())
                        .filter(|&row| block.matches(query, row))
                        .map(|row| block.times[row]),
                );
            }
            Ok(times)
        };
        let shares = shared_out(blocks, times_of)?;
        for (at, n) in from_index {
            histogram.add(at, n);
        }
        for share in shares {
            for at in share? {
                histogram.add(crate::event::Timestamp(at), 1);
            }
        }
        Ok(())
    }

    /// The `fields` keys of the matching events: how many hold each, and its numbers' range.
    /// Read from each key's column without building events; a key holding objects is
    /// listed by the paths inside them (as a query names them), read from its values.
    pub fn field_list(&self, query: &Query) -> Result<FieldList> {
        let view = self.view();
        let blocks = blocks_where(&view, |entry| may_match(query, entry));
        let plan = Plan::of(query);
        let tally_some = |share: Vec<(usize, usize)>| -> Result<FieldTally> {
            let mut tally = FieldTally::default();
            for (p, b) in share {
                if matches!(query, Query::All) {
                    // Every row: the key columns alone, no event built.
                    let part = &view.parts[p];
                    let read = part
                        .verify_block(b)
                        .and_then(|()| part.open_block(b))
                        .and_then(|opened| {
                            let every = vec![true; opened.summary.events];
                            tally_block(&opened, &every, &mut tally)
                        });
                    if let Err(e) = read {
                        self.note_block(part, b, e.to_string());
                    }
                    continue;
                }
                let Some(block) = self.read_block(&view, query, &plan, p, b, Want::Counted)? else {
                    continue;
                };
                let matched: Vec<bool> = (0..block.rows())
                    .map(|row| block.matches(query, row))
                    .collect();
                if let Err(e) = tally_block(&block.opened, &matched, &mut tally) {
                    self.note_block(&view.parts[p], b, e.to_string());
                }
            }
            Ok(tally)
        };
        let mut all = FieldTally::default();
        for share in shared_out(blocks, tally_some)? {
            all.merge(share?);
        }
        Ok(all.list())
    }

    /// Visits every matching event, part by part and block by block; returns how many.
    pub fn scan(&self, query: &Query, visit: &mut dyn FnMut(&LogEvent)) -> Result<u64> {
        let view = self.view();
        let plan = Plan::of(query);
        self.matching(&view, query, &plan, &mut |opened, matched| {
            if plan.needed == Parts::ALL {
                matched.iter().for_each(&mut *visit);
            } else {
                // Decided on the columns the query names; whole events only for the blocks
                // that hold matches.
                opened
                    .decode(Parts::ALL, None)?
                    .1
                    .iter()
                    .filter(|e| crate::query::matches(query, e))
                    .for_each(&mut *visit);
            }
            Ok(())
        })
    }

    /// The highest sequence number visible now; events committed later have higher ones.
    pub fn max_seq(&self) -> Option<u64> {
        entries(&self.view()).map(|e| e.last_seq).max()
    }

    /// The times of every event of block `b` of `part`, from its time column alone (a
    /// damaged block is noted and gives none).
    fn block_times(&self, part: &Part, b: usize) -> Vec<i64> {
        match part
            .verify_block(b)
            .and_then(|()| part.open_block(b))
            .and_then(|opened| opened.seqs_and_times())
        {
            Ok((_, times)) => times,
            Err(e) => {
                self.note_block(part, b, e.to_string());
                Vec::new()
            }
        }
    }

    /// The time of the `k`-th newest event (1 = the newest), from the time columns alone.
    pub fn nth_newest_time(&self, k: usize) -> Result<Option<crate::event::Timestamp>> {
        let view = self.view();
        let mut times = Vec::new();
        for part in &view.parts {
            for b in 0..part.blocks.len() {
                times.extend(self.block_times(part, b));
            }
        }
        if k == 0 || k > times.len() {
            return Ok(None);
        }
        let at = times.len() - k;
        let (_, nth, _) = times.select_nth_unstable(at);
        Ok(Some(crate::event::Timestamp(*nth)))
    }

    /// Whether any stored event has `fields.KEY`.
    pub fn has_field_key(&self, key: &str) -> Result<bool> {
        let exists = Query::Clause(Clause {
            target: Target::Field(key.to_string()),
            test: Test::Exists,
        });
        Ok(!self.search(&exists, Order::Arrival, Some(1))?.is_empty())
    }

    /// Events, their time span and the bytes the store takes on disk.
    pub fn stats(&self) -> StoreStats {
        let view = self.view();
        let mut stats = StoreStats {
            disk_bytes: disk_bytes(&self.dir),
            ..StoreStats::default()
        };
        for entry in entries(&view).filter(|e| e.events > 0) {
            stats.events += entry.events;
            stats.oldest = Some(stats.oldest.map_or(entry.oldest, |o| o.min(entry.oldest)));
            stats.newest = Some(stats.newest.map_or(entry.newest, |n| n.max(entry.newest)));
        }
        stats
    }

    /// Finds the matches block by block, decoding only the columns `plan` names, and hands
    /// each block with matches (its bytes and the partly decoded matches) to `found`.
    fn matching(
        &self,
        view: &View,
        query: &Query,
        plan: &Plan,
        found: &mut BlockVisitor<'_>,
    ) -> Result<u64> {
        let mut n = 0;
        for (p, part) in view.parts.iter().enumerate() {
            for b in 0..part.blocks.len() {
                let Some(mut block) = self.read_block(view, query, plan, p, b, Want::Candidates)?
                else {
                    continue;
                };
                let events = block.take_matches(query);
                if events.is_empty() {
                    continue;
                }
                match found(&block.opened, &events) {
                    Ok(()) => n += events.len() as u64,
                    Err(e) => self.note_block(part, b, e.to_string()),
                }
            }
        }
        Ok(n)
    }
}

/// Adds the keys of the rows of `opened` that `matched` says match to `into`: all of the
/// block's, or (damaged) nothing of it.
fn tally_block(
    opened: &block::Opened<'_>,
    matched: &[bool],
    into: &mut FieldTally,
) -> std::result::Result<(), block::BlockError> {
    let mut tally = FieldTally::default();
    tally.add_events(matched.iter().filter(|&&m| m).count() as u64);
    let keys: Vec<String> = opened
        .summary
        .fields
        .iter()
        .map(|k| k.key.clone())
        .collect();
    let mut nested: Vec<&str> = Vec::new();
    for key in &keys {
        let Some((stats, column)) = opened.key_column(key)? else {
            continue;
        };
        let (mut holders, mut min, mut max, mut objects) =
            (0u64, f64::INFINITY, f64::NEG_INFINITY, false);
        let read = super::fields::visit_cells(&column, stats, matched.len(), |row, cell| {
            if !matched.get(row).copied().unwrap_or(false) {
                return;
            }
            match cell {
                super::fields::Cell::Number(x) => {
                    holders += 1;
                    min = min.min(x);
                    max = max.max(x);
                }
                super::fields::Cell::Scalar => holders += 1,
                // No value, to the predicate: `key:*` does not find it.
                super::fields::Cell::Null => {}
                super::fields::Cell::Nested => objects = true,
            }
        });
        if read.is_none() {
            return Err(block::BlockError::Damaged("a fields column"));
        }
        if objects {
            nested.push(key);
        } else {
            tally.add_key(key, holders, min, max);
        }
    }
    if !nested.is_empty() {
        // Objects, arrays and big integers: their paths and values are read from the
        // events' fields, for the keys not counted above.
        let parts = Parts {
            fields: true,
            ..Parts::NONE
        };
        let (_, events) = opened.decode(parts, None)?;
        for (event, _) in events.iter().zip(matched).filter(|(_, &m)| m) {
            let held: serde_json::Map<String, serde_json::Value> = event
                .fields
                .iter()
                .filter(|(k, _)| nested.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            tally.add_keys_of(&held);
        }
    }
    into.merge(tally);
    Ok(())
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The (part, block) places of the blocks whose index entry `keep` accepts.
fn blocks_where(view: &View, keep: impl Fn(&BlockEntry) -> bool) -> Vec<(usize, usize)> {
    let mut places = Vec::new();
    for (p, part) in view.parts.iter().enumerate() {
        for (b, entry) in part.blocks.iter().enumerate() {
            if keep(entry) {
                places.push((p, b));
            }
        }
    }
    places
}

fn entries(view: &View) -> impl Iterator<Item = &BlockEntry> {
    view.parts.iter().flat_map(|p| p.blocks.iter())
}

/// Bytes the column store in `dir` occupies: its parts and manifest.
pub fn disk_bytes(dir: &Path) -> u64 {
    let parts: u64 = std::fs::read_dir(dir.join("parts"))
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0);
    parts
        + std::fs::metadata(Manifest::path(dir))
            .map(|m| m.len())
            .unwrap_or(0)
}
