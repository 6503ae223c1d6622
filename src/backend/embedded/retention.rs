//! Removing old events: by age, and by total size (oldest first).

use super::error::{Context, Result};
use super::store_reader::StoreReader;
use super::store_writer::StoreWriter;
use super::writer::IndexedWriter;
use crate::event::Timestamp;
use std::ops::Bound;
use tantivy::collector::Count;

/// What a retention run removes (or, for a dry run, would remove).
#[derive(Debug, Clone, Default)]
pub struct RetentionPlan {
    /// Events older than this go.
    pub cutoff: Option<Timestamp>,
    pub events: u64,
    pub total_events: u64,
    pub disk_bytes: u64,
}

/// Works out the cutoff for `keep_since` (age) and `max_bytes` (size), whichever removes more.
pub fn plan(
    reader: &StoreReader,
    keep_since: Option<Timestamp>,
    max_bytes: Option<u64>,
) -> Result<RetentionPlan> {
    let stats = reader.stats()?;
    let mut cutoff = keep_since;
    if let Some(max) = max_bytes.filter(|max| stats.disk_bytes > *max && stats.events > 0) {
        // Assume every event costs the average; keep the newest ones that fit.
        let keep = (stats.events as u128 * max as u128 / stats.disk_bytes.max(1) as u128) as u64;
        let size_cutoff = newest_kept_boundary(reader, keep)?;
        cutoff = match (cutoff, size_cutoff) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
    }
    let events = match cutoff {
        Some(c) => reader.count(&older_than_query(c))?,
        None => 0,
    };
    Ok(RetentionPlan {
        cutoff,
        events,
        total_events: stats.events,
        disk_bytes: stats.disk_bytes,
    })
}

/// The timestamp of the `keep`-th newest event: everything older goes.
fn newest_kept_boundary(reader: &StoreReader, keep: u64) -> Result<Option<Timestamp>> {
    if keep == 0 {
        return Ok(Some(Timestamp(i64::MAX)));
    }
    // Fewer events than `keep`: the oldest is the boundary, and nothing goes.
    let k = usize::try_from(keep).unwrap_or(usize::MAX);
    match reader.nth_newest_time(k)? {
        Some(time) => Ok(Some(time)),
        None => reader.nth_newest_time(reader.stats()?.events as usize),
    }
}

fn older_than_query(cutoff: Timestamp) -> crate::query::Query {
    use crate::query::ast::{Clause, Range, Target, Test};
    crate::query::Query::Clause(Clause {
        target: Target::Timestamp,
        test: Test::Range(Range::Time(Bound::Unbounded, Bound::Excluded(cutoff))),
    })
}

/// Deletes the events the plan names and commits, keeping source positions as they are.
pub fn apply(writer: StoreWriter, plan: &RetentionPlan) -> Result<u64> {
    match plan.cutoff {
        Some(cutoff) => writer.expire_older_than(cutoff),
        None => Ok(0),
    }
}

/// The indexed engine's retention: a delete query, then a commit that waits for merges.
pub(super) fn expire_indexed(mut writer: IndexedWriter, cutoff: Timestamp) -> Result<u64> {
    let old = super::translate::translate(&older_than_query(cutoff), &writer.store().fields);
    // Counted under the writer lock, so the number is exactly what the delete removes.
    let removed = writer
        .store()
        .index
        .reader()
        .and_then(|reader| reader.searcher().search(old.as_ref(), &Count))
        .context(|| "cannot count old events".to_string())? as u64;
    writer
        .index_writer()
        .delete_query(old)
        .context(|| "cannot delete old events".to_string())?;
    writer.close()?;
    Ok(removed)
}
