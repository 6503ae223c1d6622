//! What a query's answer may hide, found by looking at the store: a fields key no event has
//! (most likely a typo), or a text range over a key that holds numbers. Each is a warning,
//! said by every command and by `serve`, never a silent empty answer.

use crate::backend::embedded::{Order, StoreReader};
use crate::query::{Query, Target, Test};
use anyhow::Result;

/// The warnings `query` (and a `--count-by` target) earn on this store, as sentences.
pub fn of_store(
    reader: &StoreReader,
    query: &Query,
    extra: Option<&Target>,
) -> Result<Vec<String>> {
    let mut warnings = unknown_fields(reader, query, extra)?;
    warnings.extend(text_ranges_on_numbers(reader, query)?);
    Ok(warnings)
}

/// A fields key no stored event has is most likely a typo.
fn unknown_fields(
    reader: &StoreReader,
    query: &Query,
    extra: Option<&Target>,
) -> Result<Vec<String>> {
    let mut keys: Vec<&str> = query
        .clauses()
        .into_iter()
        .filter_map(|c| match &c.target {
            Target::Field(key) => Some(key.as_str()),
            _ => None,
        })
        .collect();
    if let Some(Target::Field(key)) = extra {
        keys.push(key);
    }
    keys.sort_unstable();
    keys.dedup();
    let mut warnings = Vec::new();
    for key in keys {
        if !reader.has_field_key(key)? {
            warnings.push(format!(
                "no stored event has a field '{key}' (names other than message, service, host, level, trace_id and @timestamp are keys of `fields`); `logagg query --limit 1 --output json` shows what events carry"
            ));
        }
    }
    Ok(warnings)
}

/// `latency_ms:>abc` compares text (`abc` is no number) and so never matches a number: where
/// the store holds numbers under that key, that is most likely not what was meant.
fn text_ranges_on_numbers(reader: &StoreReader, query: &Query) -> Result<Vec<String>> {
    use crate::query::ast::Range;
    use std::ops::Bound;
    let mut said: Vec<&str> = Vec::new();
    let mut warnings = Vec::new();
    for clause in query.clauses() {
        let (Target::Field(key), Test::Range(Range::Text(lo, hi))) = (&clause.target, &clause.test)
        else {
            continue;
        };
        if said.contains(&key.as_str()) {
            continue;
        }
        let numbers = Query::Clause(crate::query::Clause {
            target: clause.target.clone(),
            test: Test::Range(Range::Number(Bound::Unbounded, Bound::Unbounded)),
        });
        // The first number found is enough: no count over the whole store.
        if !reader.search(&numbers, Order::Arrival, Some(1))?.is_empty() {
            let bound = |b: &Bound<String>| match b {
                Bound::Included(t) | Bound::Excluded(t) => Some(t.clone()),
                Bound::Unbounded => None,
            };
            let text = bound(lo).or_else(|| bound(hi)).unwrap_or_default();
            warnings.push(format!(
                "'{key}' holds numbers in this store, but '{text}' is not a number: {clause} compares text (byte order) and matches no number; give a number, as in {key}:>500"
            ));
            said.push(key);
        }
    }
    Ok(warnings)
}
