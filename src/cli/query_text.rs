//! The query as a command line (or the HTTP API) gives it: its text parsed, with
//! `--since`/`--until` folded in, and `--count-by` names resolved as the language resolves
//! field names.

use crate::event::Timestamp;
use crate::query::ast::{Clause, Range, Test};
use crate::query::time::parse_instant_or_ago;
use crate::query::{parse, Query, Target};
use anyhow::{anyhow, Result};
use std::ops::Bound;

/// Parses the query and folds in `--since`/`--until` (and any extra restrictions).
pub fn build_query(
    text: &str,
    since: Option<&str>,
    until: Option<&str>,
    now: Timestamp,
) -> Result<Query> {
    build_query_named(text, [("--since", since), ("--until", until)], now)
}

/// Like `build_query`, with the names the bounds were given under (flags, or the HTTP
/// API's parameters), for the error that quotes a bad one.
pub fn build_query_named(
    text: &str,
    [(since_name, since), (until_name, until)]: [(&str, Option<&str>); 2],
    now: Timestamp,
) -> Result<Query> {
    let mut query = parse(text, now)?;
    let when = |name: &str, value: &str| {
        parse_instant_or_ago(value, now)
            .ok_or_else(|| anyhow!("{name} '{value}' is not a time; use a duration (15m, 2h, 7d), now-1h, or RFC 3339 such as 2026-11-24T13:00:00Z"))
    };
    let lower = since.map(|s| when(since_name, s)).transpose()?;
    let upper = until.map(|u| when(until_name, u)).transpose()?;
    if let (Some(from), Some(to)) = (lower, upper) {
        if from >= to {
            return Err(anyhow!(
                "{since_name} '{}' ({from}) is not before {until_name} '{}' ({to}): nothing can match; give the earlier time to {since_name}",
                since.unwrap_or_default(),
                until.unwrap_or_default()
            ));
        }
    }
    if lower.is_some() || upper.is_some() {
        let range = Range::Time(
            lower.map_or(Bound::Unbounded, Bound::Included),
            upper.map_or(Bound::Unbounded, Bound::Excluded),
        );
        query = query.and(Query::Clause(Clause {
            target: Target::Timestamp,
            test: Test::Range(range),
        }));
    }
    Ok(query)
}

/// Resolves a `--count-by` name the way the query language resolves field names.
pub fn count_target(name: &str) -> Result<Target> {
    let parsed = parse(
        &format!("{}:*", crate::query::escape_term(name, false)),
        Timestamp::now(),
    )
    .map_err(|_| anyhow!("--count-by '{name}' is not a field name"))?;
    match parsed {
        Query::Clause(Clause { target: Target::Message, .. }) => Err(anyhow!("--count-by message would count whole messages; pick a keyword such as service, host, level or a fields key")),
        Query::Clause(Clause { target: Target::Timestamp, .. }) => Err(anyhow!("--count-by @timestamp is not supported; pick a keyword such as service, host or level")),
        Query::Clause(clause) => Ok(clause.target),
        _ => Err(anyhow!("--count-by '{name}' is not a field name")),
    }
}
