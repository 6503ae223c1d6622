//! `logagg query`: search the store, count, or count by a field.

use super::args::{QueryArgs, StoreKind};
use super::counts_out::{print_count, print_groups, say_cut};
use super::output::{Format, Printer};
use super::patterns_compare::Windows;
use super::query_text::{build_query, count_target};
use super::query_warnings::print_for_store;
use super::settings::Settings;
use super::Outcome;
use crate::backend::embedded::{Order, StoreError, StoreReader};
use crate::event::Timestamp;
use crate::patterns::StoredLine;
use crate::query::{Query, Target};
use anyhow::Result;
use std::io::Write;

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
    print_for_store(reader, query, target.as_ref())?;
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
