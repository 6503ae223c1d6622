//! The column store's reader: answers block by block. It passes over blocks whose index
//! entry, word filter or field keys rule a query out (`prune.rs`), and decides on every
//! other event with the in-memory predicate (`query::matches`), so it returns what the
//! predicate does by construction.

use super::block::{self, Parts};
use super::manifest::Manifest;
use super::part::{BlockEntry, Part};
use super::prune::{field_paths, fields_may_match, may_match, parts_needed, required_words};
use crate::backend::embedded::error::Result;
use crate::backend::embedded::Order;
use crate::event::LogEvent;
use crate::query::Query;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};
use std::path::Path;

/// A block's bytes, its events' sequence numbers and its events (partly decoded).
type DecodedBlock = (Vec<u8>, Vec<u64>, Vec<LogEvent>);

/// What a query needs of the blocks it reads, worked out once per query.
struct Plan {
    /// Words every match contains (checked against each block's word filter).
    words: Vec<String>,
    needed: Parts,
    /// The `fields` paths it names.
    paths: Vec<String>,
}

impl Plan {
    fn of(query: &Query) -> Plan {
        let mut paths = Vec::new();
        field_paths(query, &mut paths);
        Plan {
            words: required_words(query),
            needed: parts_needed(query),
            paths,
        }
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
        self.matching(query, &Plan::of(query), &mut |_, _| Ok(()))
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
        let plan = Plan::of(query);
        // The best `limit` so far, worst on top.
        let mut kept: BinaryHeap<Reverse<Candidate>> = BinaryHeap::new();
        for (best, p, b) in blocks {
            if kept.len() >= limit && kept.peek().is_some_and(|Reverse(worst)| best < worst.rank) {
                break;
            }
            let Some((_, seqs, events)) = self.read_block(query, &plan, p, b)? else {
                continue;
            };
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
            let mut plan = Plan::of(query);
            plan.needed.service = true;
            self.matching(query, &plan, &mut |_, matched| {
                for event in matched {
                    *counts.entry(event.service.clone()).or_default() += 1;
                }
                Ok(())
            })?;
        }
        let mut counts: Vec<(String, u64)> = counts.into_iter().collect();
        counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Ok(counts)
    }

    /// Visits every matching event, part by part and block by block; returns how many.
    pub fn scan(&self, query: &Query, visit: &mut dyn FnMut(&LogEvent)) -> Result<u64> {
        let plan = Plan::of(query);
        self.matching(query, &plan, &mut |bytes, matched| {
            if plan.needed == Parts::ALL {
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

    /// Finds the matches block by block, decoding only the columns `plan` names, and hands
    /// each block with matches (its bytes and the partly decoded matches) to `found`.
    fn matching(&self, query: &Query, plan: &Plan, found: &mut BlockVisitor<'_>) -> Result<u64> {
        let mut n = 0;
        for (p, part) in self.parts.iter().enumerate() {
            for b in 0..part.blocks.len() {
                let Some((bytes, _, mut events)) = self.read_block(query, plan, p, b)? else {
                    continue;
                };
                events.retain(|e| crate::query::matches(query, e));
                if !events.is_empty() {
                    n += events.len() as u64;
                    found(&bytes, &events).map_err(|e| part.damaged(&e))?;
                }
            }
        }
        Ok(n)
    }

    /// Block `b` of part `p` decoded as `plan` says, unless its index entry or summary rule
    /// the query out: its bytes, sequence numbers and events.
    fn read_block(
        &self,
        query: &Query,
        plan: &Plan,
        p: usize,
        b: usize,
    ) -> Result<Option<DecodedBlock>> {
        let part = &self.parts[p];
        if !part
            .blocks
            .get(b)
            .is_some_and(|entry| may_match(query, entry))
        {
            return Ok(None);
        }
        let bytes = part.block_bytes(b)?;
        let opened = block::open(&bytes).map_err(|e| part.damaged(&e))?;
        if !plan.words.iter().all(|w| opened.summary.words.may_hold(w))
            || !fields_may_match(query, &opened.summary)
        {
            return Ok(None);
        }
        let (seqs, events) = opened
            .decode(plan.needed, Some(&plan.paths))
            .map_err(|e| part.damaged(&e))?;
        Ok(Some((bytes, seqs, events)))
    }

    fn entries(&self) -> impl Iterator<Item = (&Part, usize, &BlockEntry)> {
        self.parts
            .iter()
            .flat_map(|p| p.blocks.iter().enumerate().map(move |(i, e)| (p, i, e)))
    }
}
