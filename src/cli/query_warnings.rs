//! What a query's answer may hide, found by looking at the store: a fields key no event has
//! (most likely a typo), or a text range over a key that holds numbers. Each is a warning,
//! said by every command, on either store, and by `serve`, never a silent empty answer.

use crate::backend::elasticsearch::{field_caps, EsClient};
use crate::backend::embedded::{Order, StoreReader};
use crate::query::ast::Range;
use crate::query::{Clause, Query, Target, Test};
use anyhow::Result;
use std::ops::Bound;

/// The warnings `query` (and a `--count-by` target) earn on the embedded store.
pub fn of_store(
    reader: &StoreReader,
    query: &Query,
    extra: Option<&Target>,
) -> Result<Vec<String>> {
    let mut warnings = Vec::new();
    for key in field_keys(query, extra) {
        if !reader.has_field_key(key)? {
            warnings.push(unknown_field(key));
        }
    }
    for (key, text, clause) in text_ranges(query) {
        let numbers = Query::Clause(Clause {
            target: clause.target.clone(),
            test: Test::Range(Range::Number(Bound::Unbounded, Bound::Unbounded)),
        });
        // The first number found is enough: no count over the whole store.
        if !reader.search(&numbers, Order::Arrival, Some(1))?.is_empty() {
            warnings.push(text_range_over_numbers(key, &text, clause));
        }
    }
    Ok(warnings)
}

/// The same warnings on a cluster, from how its indices map the keys (`_field_caps`).
pub fn of_cluster(
    client: &EsClient,
    prefix: &str,
    query: &Query,
    extra: Option<&Target>,
) -> Result<Vec<String>> {
    let keys = field_keys(query, extra);
    let types = field_caps::field_types(client, prefix, &keys)?;
    let mut warnings: Vec<String> = keys
        .iter()
        .filter(|key| !types.contains_key(**key))
        .map(|key| unknown_field(key))
        .collect();
    for (key, text, clause) in text_ranges(query) {
        let numeric = types
            .get(key)
            .is_some_and(|kinds| kinds.iter().any(|k| field_caps::is_numeric(k)));
        if numeric {
            warnings.push(text_range_over_numbers(key, &text, clause));
        }
    }
    Ok(warnings)
}

/// The `fields` keys the query (and the count-by target) name, each once.
fn field_keys<'a>(query: &'a Query, extra: Option<&'a Target>) -> Vec<&'a str> {
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
    keys
}

/// `latency_ms:>abc`: ranges that compare text (`abc` is no number), one per key, with the
/// text of their first bound.
fn text_ranges(query: &Query) -> Vec<(&str, String, &Clause)> {
    let mut found: Vec<(&str, String, &Clause)> = Vec::new();
    for clause in query.clauses() {
        let (Target::Field(key), Test::Range(Range::Text(lo, hi))) = (&clause.target, &clause.test)
        else {
            continue;
        };
        if found.iter().any(|(k, _, _)| *k == key.as_str()) {
            continue;
        }
        let bound = |b: &Bound<String>| match b {
            Bound::Included(t) | Bound::Excluded(t) => Some(t.clone()),
            Bound::Unbounded => None,
        };
        let text = bound(lo).or_else(|| bound(hi)).unwrap_or_default();
        found.push((key, text, clause));
    }
    found
}

fn unknown_field(key: &str) -> String {
    format!(
        "no stored event has a field '{key}' (names other than message, service, host, level, trace_id and @timestamp are keys of `fields`); `logagg query --limit 1 --output json` shows what events carry"
    )
}

fn text_range_over_numbers(key: &str, text: &str, clause: &Clause) -> String {
    format!(
        "'{key}' holds numbers in this store, but '{text}' is not a number: {clause} compares text (byte order) and matches no number; give a number, as in {key}:>500"
    )
}

/// Prints what the store says about `query` (`of_store`) on stderr, one warning a line.
pub fn print_for_store(reader: &StoreReader, query: &Query, extra: Option<&Target>) -> Result<()> {
    for warning in of_store(reader, query, extra)? {
        eprintln!("warning: {warning}");
    }
    Ok(())
}
