//! `logagg query`: search the store, count, or count by a field.

use super::args::{OutputFormat, QueryArgs, StoreKind};
use super::output::{Format, Printer};
use super::patterns_compare::Windows;
use super::settings::Settings;
use super::Outcome;
use crate::backend::embedded::{Order, StoreError, StoreReader};
use crate::backend::groups::Group;
use crate::event::Timestamp;
use crate::patterns::StoredLine;
use crate::query::ast::{Clause, Range, Test};
use crate::query::time::parse_instant_or_ago;
use crate::query::{parse, Query, Target};
use anyhow::{anyhow, Result};
use std::io::Write;
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

pub fn run(args: &QueryArgs, settings: &Settings) -> Result<Outcome> {
    let now = Timestamp::now();
    let windows = super::patterns_compare::windows(args, now)?;
    let query = match &windows {
        Some(windows) => super::patterns_compare::query(&args.query, windows, now)?,
        None => build_query(
            &args.query,
            args.since.as_deref(),
            args.until.as_deref(),
            now,
        )?,
    };
    let target = args.count_by.as_deref().map(count_target).transpose()?;
    if args.explain {
        explain(args, &query, now)?;
        // What the query would be warned about, where the store can be looked at.
        if settings.store(args.store)? == StoreKind::Embedded {
            if let Ok(reader) = StoreReader::open(&settings.data_dir) {
                for warning in super::query_warnings::of_store(&reader, &query, target.as_ref())? {
                    writeln!(std::io::stdout(), "warning: {warning}")?;
                }
            }
        }
        return Ok(Outcome::Done);
    }
    if settings.store(args.store)? == StoreKind::Elasticsearch {
        return super::query_es::run(args, settings, &query, target.as_ref(), windows.as_ref());
    }
    let reader = StoreReader::open(&settings.data_dir)?;
    let answered = answer(args, settings, &reader, &query, target, windows.as_ref());
    // After answering: damage may be met only where the answer reads the store.
    super::store_warnings::damaged(&reader);
    match answered {
        Ok(_) if !reader.damaged().is_empty() => Ok(Outcome::Partial),
        answered => answered,
    }
}

/// Answers `query` from the embedded store.
fn answer(
    args: &QueryArgs,
    settings: &Settings,
    reader: &StoreReader,
    query: &Query,
    target: Option<Target>,
    windows: Option<&Windows>,
) -> Result<Outcome> {
    warn_unknown_fields(reader, query, target.as_ref())?;
    let limit = (args.limit > 0).then_some(args.limit);
    let format = Format::resolve(args.output);
    if args.count {
        return print_count(reader.count(query)?, args.output);
    }
    if let Some(asked) = &args.histogram {
        let (width, auto) = super::histogram_out::width(
            asked,
            args.since.as_deref(),
            args.until.as_deref(),
            Timestamp::now(),
            || Ok(reader.time_span(query)?),
        )?;
        let mut histogram = crate::backend::histogram::Histogram::new(width);
        reader.histogram(query, &mut histogram)?;
        return super::histogram_out::print(&histogram, format, auto);
    }
    if let Some(target) = target {
        let groups = reader.count_by(query, &target)?;
        return print_groups(
            groups,
            limit,
            args.count_by.as_deref().unwrap_or_default(),
            format,
        );
    }
    if super::patterns_out::wanted(args) {
        return patterns_or_sample(args, settings, reader, query, format, windows);
    }
    let order = if args.asc {
        Order::OldestFirst
    } else {
        Order::NewestFirst
    };
    let mut printer = Printer::stdout(format, settings.color).marking(query);
    let around =
        super::context_out::Around::of(args.context, args.before_context, args.after_context);
    if let Some(around) = around {
        let hits = reader.search(query, order, limit)?;
        for (i, group) in super::context_out::groups(reader, &hits, around)?
            .iter()
            .enumerate()
        {
            if i > 0 {
                printer.separator()?;
            }
            for (place, hit) in &group.events {
                printer.placed(&hit.source, *place)?;
            }
        }
        printer.flush()?;
        if let Some(limit) = limit.filter(|&l| hits.len() == l) {
            say_cut(limit, reader.count(query)?, args.asc);
        }
        if let Some(legend) = printer.legend() {
            eprintln!("{legend}");
        }
        return Ok(if hits.is_empty() {
            Outcome::NothingMatched
        } else {
            Outcome::Done
        });
    }
    let printed = match limit {
        Some(limit) => {
            let hits = reader.search(query, order, Some(limit))?;
            for hit in &hits {
                printer.source(&hit.source)?;
            }
            if hits.len() == limit {
                // Every cut is said: how many matched, and how to have them all.
                let matching = reader.count(query)?;
                printer.flush()?;
                say_cut(limit, matching, args.asc);
            }
            hits.len() as u64
        }
        // Everything: printed as found, not gathered first (`--limit 0 > all.ndjson` of a
        // large store).
        None => print_each(reader, query, order, &mut printer)?,
    };
    printer.flush()?;
    if let Some(legend) = printer.legend() {
        eprintln!("{legend}");
    }
    Ok(if printed == 0 {
        Outcome::NothingMatched
    } else {
        Outcome::Done
    })
}

/// Says that `--limit` cut the answer, when it did: every cut is said, with how to have all.
pub fn say_cut(limit: usize, matching: u64, oldest_first: bool) {
    if matching > limit as u64 {
        eprintln!(
            "note: {} of {} matching events ({}); --limit 0 for all",
            super::output::thousands(limit as u64),
            super::output::thousands(matching),
            if oldest_first {
                "the oldest"
            } else {
                "the newest"
            }
        );
    }
}

/// Prints every match in `order` as the store hands it out.
fn print_each(
    reader: &StoreReader,
    query: &Query,
    order: Order,
    printer: &mut Printer<impl Write>,
) -> Result<u64> {
    // The printer's own error (a closed pipe above all) is kept whole for the caller; the
    // store is only told to stop.
    let mut failed_write = None;
    let found = reader.search_each(query, order, &mut |hit| {
        printer.source(&hit.source).map_err(|e| {
            failed_write = Some(e);
            StoreError::Io {
                context: "cannot print the results".into(),
                cause: std::io::Error::other("the output stopped taking them"),
            }
        })
    });
    if let Some(e) = failed_write {
        return Err(e.into());
    }
    Ok(found?)
}

/// `--explain`: the query as parsed, and as Elasticsearch would be asked it.
fn explain(args: &QueryArgs, query: &Query, now: Timestamp) -> std::io::Result<()> {
    writeln!(std::io::stdout(), "query:   {}", args.query)?;
    writeln!(std::io::stdout(), "parsed:  {query}")?;
    writeln!(std::io::stdout(), "now:     {now}")?;
    let dsl = crate::backend::elasticsearch::dsl::to_dsl(query);
    writeln!(
        std::io::stdout(),
        "elasticsearch query DSL:\n{}",
        serde_json::to_string_pretty(&dsl).unwrap_or_default()
    )
}

/// `--patterns` (mined from every match, or from the newest `--sample`) or `--sample`.
fn patterns_or_sample(
    args: &QueryArgs,
    settings: &Settings,
    reader: &StoreReader,
    query: &Query,
    format: Format,
    windows: Option<&Windows>,
) -> Result<Outcome> {
    let matching = reader.count(query)?;
    if let Some(windows) = windows {
        let mut lines: Vec<StoredLine> = Vec::new();
        if matching <= args.sample as u64 {
            reader.scan(query, &mut |source| lines.extend(StoredLine::parse(source)))?;
            lines.sort_by_key(|l| std::cmp::Reverse(l.at));
        }
        return super::patterns_compare::show(args, windows, lines, matching, format);
    }
    if args.patterns && matching <= args.sample as u64 {
        // Everything that matched is mined: read it front to back, newest last.
        let mut lines: Vec<StoredLine> = Vec::with_capacity(matching as usize);
        reader.scan(query, &mut |source| lines.extend(StoredLine::parse(source)))?;
        lines.sort_by_key(|l| std::cmp::Reverse(l.at));
        return super::patterns_out::show_patterns(args, lines, Some(matching), format);
    }
    let hits = reader.search(query, Order::NewestFirst, Some(args.sample.max(1)))?;
    if args.patterns {
        let lines: Vec<StoredLine> = hits
            .into_iter()
            .filter_map(|h| StoredLine::parse(&h.source))
            .collect();
        return super::patterns_out::show_patterns(args, lines, Some(matching), format);
    }
    let events = hits.iter().map(|h| h.event()).collect();
    super::patterns_out::show_events(args, events, Some(matching), format, settings.color)
}

/// Prints `--count-by` groups: a table with shares on a terminal, JSON lines otherwise.
pub fn print_groups(
    mut groups: Vec<Group>,
    limit: Option<usize>,
    name: &str,
    format: Format,
) -> Result<Outcome> {
    let mut stdout = std::io::BufWriter::new(std::io::stdout());
    let total: u64 = groups.iter().map(|g| g.count).sum();
    if let Some(limit) = limit {
        groups.truncate(limit);
    }
    if format == Format::Table {
        let width = groups
            .iter()
            .map(|g| g.count.to_string().len())
            .max()
            .unwrap_or(5)
            .max(5);
        writeln!(stdout, "{:>width$}  {:>6}  {name}", "COUNT", "SHARE")?;
        for group in &groups {
            writeln!(
                stdout,
                "{:>width$}  {:>5.1}%  {}",
                group.count,
                group.count as f64 * 100.0 / total.max(1) as f64,
                crate::visible::visible(&group.value)
            )?;
        }
    } else {
        for group in &groups {
            writeln!(stdout, "{}", group_line(name, group))?;
        }
    }
    stdout.flush()?;
    Ok(if groups.is_empty() {
        Outcome::NothingMatched
    } else {
        Outcome::Done
    })
}

/// One `--count-by` group as a JSON line: `{"count":N,"service":"auth"}`.
/// `--count`: the number, or `{"count":N}` with `-o json`.
pub fn print_count(n: u64, output: OutputFormat) -> Result<Outcome> {
    let mut stdout = std::io::stdout().lock();
    if output == OutputFormat::Json {
        writeln!(stdout, "{}", serde_json::json!({ "count": n }))?;
    } else {
        writeln!(stdout, "{n}")?;
    }
    stdout.flush()?;
    Ok(if n > 0 {
        Outcome::Done
    } else {
        Outcome::NothingMatched
    })
}

/// One group as a JSON line; the value keeps its JSON type (`{"count":4,"status":500}`).
pub fn group_line(name: &str, group: &Group) -> String {
    serde_json::json!({ name: group.json(), "count": group.count }).to_string()
}

/// Prints what the store says about `query` (see `query_warnings`) on stderr.
pub fn warn_unknown_fields(
    reader: &StoreReader,
    query: &Query,
    extra: Option<&Target>,
) -> Result<()> {
    for warning in super::query_warnings::of_store(reader, query, extra)? {
        eprintln!("warning: {warning}");
    }
    Ok(())
}
