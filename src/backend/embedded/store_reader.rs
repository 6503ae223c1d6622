//! Reading a store, whichever engine wrote it: the column engine (format 3, what new stores
//! are) or the indexed engine (formats 1 and 2, stores made before). Commands use this and
//! never see the engine.

use super::checkpoint::Checkpoint;
use super::collect::Order;
use super::columns::{ColumnReader, Found};
use super::damage::DamagedSegment;
use super::error::{Result, StoreError};
use super::layout::{check_unmarked, format_of, has_index, COLUMNS_FORMAT};
use super::reader::{Hit, IndexedReader, StoreStats};
use crate::event::EventWriter;
use crate::query::{Query, Target};
use std::path::Path;

pub enum StoreReader {
    Indexed(IndexedReader),
    Columns(ColumnReader),
}

impl StoreReader {
    /// Opens the store in `dir` for reading. Parts or segments that cannot be read are
    /// left out (see `damaged`), so the rest of the store is still served.
    pub fn open(dir: &Path) -> Result<StoreReader> {
        StoreReader::open_keeping_heads(dir, 0)
    }

    /// Like `open`, for a reader that stays open and answers many queries: the column
    /// engine keeps up to `head_bytes` of block heads (Bloom filters, summaries) once read.
    pub fn open_keeping_heads(dir: &Path, head_bytes: usize) -> Result<StoreReader> {
        match format_of(dir)? {
            Some(COLUMNS_FORMAT) => Ok(StoreReader::Columns(ColumnReader::open_keeping_heads(
                dir, head_bytes,
            )?)),
            Some(_) => Ok(StoreReader::Indexed(IndexedReader::open(dir)?)),
            None if has_index(dir) => Ok(StoreReader::Indexed(IndexedReader::open(dir)?)),
            None => {
                check_unmarked(dir)?;
                Err(StoreError::NotFound {
                    dir: dir.to_path_buf(),
                })
            }
        }
    }

    /// What was left out because it is damaged; say so beside any answer.
    pub fn damaged(&self) -> Vec<DamagedSegment> {
        match self {
            StoreReader::Indexed(r) => r.damaged().to_vec(),
            StoreReader::Columns(r) => r.damaged(),
        }
    }

    /// Picks up commits made since the last refresh (by this or another process).
    pub fn refresh(&self) -> Result<()> {
        match self {
            StoreReader::Indexed(r) => r.refresh(),
            StoreReader::Columns(r) => r.refresh(),
        }
    }

    /// Matching events in the requested order, at most `limit` of them (`None` = all).
    pub fn search(&self, query: &Query, order: Order, limit: Option<usize>) -> Result<Vec<Hit>> {
        match self {
            StoreReader::Indexed(r) => r.search(query, order, limit),
            StoreReader::Columns(r) => r.search(query, order, limit).map(hits),
        }
    }

    /// Every matching event in `order`, handed to `visit` as it is found (no limit): a
    /// column store's events are never all held at once; an indexed (older) store's are.
    pub fn search_each(
        &self,
        query: &Query,
        order: Order,
        visit: &mut dyn FnMut(Hit) -> Result<()>,
    ) -> Result<u64> {
        match self {
            StoreReader::Indexed(r) => {
                let hits = r.search(query, order, None)?;
                let n = hits.len() as u64;
                hits.into_iter().try_for_each(visit)?;
                Ok(n)
            }
            StoreReader::Columns(r) => {
                let mut json = EventWriter::default();
                r.search_each(query, order, &mut |found| visit(hit_of(&mut json, found)))
            }
        }
    }

    /// Hands every matching event's canonical JSON to `visit`, in no particular order;
    /// returns how many. For whole-set work such as mining patterns.
    pub fn scan(&self, query: &Query, visit: &mut dyn FnMut(&str)) -> Result<u64> {
        match self {
            StoreReader::Indexed(r) => r.scan(query, visit),
            StoreReader::Columns(r) => {
                let (mut json, mut line) = (EventWriter::default(), Vec::with_capacity(512));
                r.scan(query, &mut |event| {
                    line.clear();
                    json.write(event, &mut line);
                    visit(&String::from_utf8_lossy(&line));
                })
            }
        }
    }

    pub fn count(&self, query: &Query) -> Result<u64> {
        match self {
            StoreReader::Indexed(r) => r.count(query),
            StoreReader::Columns(r) => r.count(query),
        }
    }

    /// Matching events counted per value of `target`, most frequent first (ties by value).
    pub fn count_by(
        &self,
        query: &Query,
        target: &Target,
    ) -> Result<Vec<crate::backend::groups::Group>> {
        match self {
            StoreReader::Indexed(r) => r.count_by(query, target),
            StoreReader::Columns(r) => r.count_by(query, target),
        }
    }

    /// The `fields` keys of the matching events, with how many hold each.
    pub fn field_list(&self, query: &Query) -> Result<crate::backend::field_list::FieldList> {
        match self {
            StoreReader::Columns(r) => r.field_list(query),
            // The first engine's events are read whole (JSON).
            StoreReader::Indexed(r) => {
                let mut tally = crate::backend::field_list::FieldTally::default();
                r.scan(query, &mut |json| {
                    let event = crate::event::decode_line(
                        json.as_bytes(),
                        &crate::event::DecodeContext::now(),
                    );
                    tally.add_event(&event);
                })?;
                Ok(tally.list())
            }
        }
    }

    /// About the oldest and newest times of the matching events (to choose a histogram's
    /// width).
    pub fn time_span(
        &self,
        query: &Query,
    ) -> Result<Option<(crate::event::Timestamp, crate::event::Timestamp)>> {
        match self {
            StoreReader::Columns(r) => Ok(r.time_span(query)),
            StoreReader::Indexed(_) => {
                // A day-wide count first: its first and last buckets bound the events.
                let mut days = crate::backend::histogram::Histogram::new(86_400_000_000);
                self.histogram(query, &mut days)?;
                let buckets = days.buckets().unwrap_or_default();
                Ok(match (buckets.first(), buckets.last()) {
                    (Some(first), Some(last)) => {
                        Some((first.0, crate::event::Timestamp(last.0 .0 + days.width - 1)))
                    }
                    _ => None,
                })
            }
        }
    }

    /// Matching events counted per bucket of `histogram`'s width.
    pub fn histogram(
        &self,
        query: &Query,
        histogram: &mut crate::backend::histogram::Histogram,
    ) -> Result<()> {
        match self {
            StoreReader::Columns(r) => r.histogram(query, histogram),
            // The first engine's events are read whole (JSON), their time taken from each.
            StoreReader::Indexed(r) => r
                .scan(query, &mut |json| {
                    let at = serde_json::from_str::<serde_json::Value>(json)
                        .ok()
                        .and_then(|v| {
                            v.get("@timestamp")?
                                .as_str()
                                .and_then(crate::event::Timestamp::parse)
                        });
                    if let Some(at) = at {
                        histogram.add(at, 1);
                    }
                })
                .map(drop),
        }
    }

    /// The highest `seq` visible now; events committed later have higher ones.
    pub fn max_seq(&self) -> Result<Option<u64>> {
        match self {
            StoreReader::Indexed(r) => r.max_seq(),
            StoreReader::Columns(r) => Ok(r.max_seq()),
        }
    }

    /// Matching events with `after < seq <= upto`, in arrival order.
    pub fn arrived_between(
        &self,
        query: &Query,
        after: Option<u64>,
        upto: u64,
    ) -> Result<Vec<Hit>> {
        match self {
            StoreReader::Indexed(r) => r.arrived_between(query, after, upto),
            StoreReader::Columns(r) => r.arrived_between(query, after, upto).map(hits),
        }
    }

    /// The positions of the newest commit, with the reader moved to (at least) that commit:
    /// every event with `seq < next_seq` is visible and came from before those positions.
    pub fn snapshot(&self) -> Result<Checkpoint> {
        match self {
            StoreReader::Indexed(r) => r.snapshot(),
            StoreReader::Columns(r) => r.snapshot(),
        }
    }

    /// The newest `limit` matching events (by time) among those with `seq < end`.
    pub fn newest_before(&self, query: &Query, end: u64, limit: usize) -> Result<Vec<Hit>> {
        match self {
            StoreReader::Indexed(r) => r.newest_before(query, end, limit),
            StoreReader::Columns(r) => r.newest_before(query, end, limit).map(hits),
        }
    }

    /// The time of the `k`-th newest event (1 = the newest), `None` when there are fewer.
    pub fn nth_newest_time(&self, k: usize) -> Result<Option<crate::event::Timestamp>> {
        match self {
            StoreReader::Indexed(r) => Ok(r
                .search(&Query::All, Order::NewestFirst, Some(k))?
                .get(k.wrapping_sub(1))
                .map(|hit| hit.event().timestamp)),
            StoreReader::Columns(r) => r.nth_newest_time(k),
        }
    }

    /// Whether any stored event has `fields.KEY`: lets `query` warn about a likely typo.
    pub fn has_field_key(&self, key: &str) -> Result<bool> {
        match self {
            StoreReader::Indexed(r) => r.has_field_key(key),
            StoreReader::Columns(r) => r.has_field_key(key),
        }
    }

    pub fn stats(&self) -> Result<StoreStats> {
        match self {
            StoreReader::Indexed(r) => r.stats(),
            StoreReader::Columns(r) => Ok(r.stats()),
        }
    }

    pub fn dir(&self) -> &Path {
        match self {
            StoreReader::Indexed(r) => r.dir(),
            StoreReader::Columns(r) => r.dir(),
        }
    }
}

/// Column-store matches as hits: each event's canonical JSON, as the indexed engine keeps it.
fn hits(found: Vec<Found>) -> Vec<Hit> {
    let mut json = EventWriter::default();
    found
        .into_iter()
        .map(|found| hit_of(&mut json, found))
        .collect()
}

fn hit_of(json: &mut EventWriter, Found { seq, event }: Found) -> Hit {
    let mut line = Vec::with_capacity(512);
    json.write(&event, &mut line);
    Hit {
        seq,
        source: String::from_utf8(line).unwrap_or_default(),
    }
}
