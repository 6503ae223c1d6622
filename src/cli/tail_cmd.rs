//! `logagg tail`: the last few matching events, then every new one as writers commit.
//!
//! New events are found by arrival number (`seq`), which a writer hands out in order and
//! commits atomically: after each refresh, everything up to the highest visible `seq` is
//! complete, so following `(last seen, highest visible]` never skips or repeats.

use super::args::{StoreKind, TailArgs, TailSource};
use super::output::{Format, Printer};
use super::query_text::build_query;
use super::query_warnings::print_for_store;
use super::settings::Settings;
use super::shutdown::Shutdown;
use super::Outcome;
use crate::backend::embedded::{Order, StoreError, StoreReader};
use crate::event::{Level, Timestamp};
use crate::query::ast::{Clause, Range, Test};
use crate::query::time::parse_duration;
use crate::query::{parse, Query, Target};
use anyhow::{anyhow, Context, Result};
use std::ops::Bound;
use std::time::Duration;

fn tail_query(args: &TailArgs) -> Result<Query> {
    let now = Timestamp::now();
    let mut query = build_query(&args.query, None, None, now)?;
    if let Some(level) = &args.level {
        let level = Level::from_word(level).ok_or_else(|| {
            anyhow!(
                "--level '{level}' is not a level; use trace, debug, info, warn, error or fatal"
            )
        })?;
        query = query.and(Query::Clause(Clause {
            target: Target::Level,
            test: Test::Range(Range::Level(Bound::Included(level), Bound::Unbounded)),
        }));
    }
    if let Some(service) = &args.service {
        let escaped = crate::query::escape_term(service, true);
        query = query.and(parse(&format!("service:{escaped}"), now)?);
    }
    Ok(query)
}

pub fn run(args: &TailArgs, settings: &Settings) -> Result<Outcome> {
    let query = tail_query(args)?;
    if args.patterns && args.source != TailSource::Kafka {
        return Err(anyhow!(
            "tail --patterns mines a live stream: add --source kafka (for stored events use `logagg query --patterns`)"
        ));
    }
    if args.source == TailSource::Kafka {
        return super::tail_kafka::run(args, settings, &query);
    }
    if settings.store(args.store)? == StoreKind::Elasticsearch {
        return follow_elasticsearch(args, settings, query);
    }
    if args.since.is_some() {
        return Err(anyhow!(
            "--since works with --source kafka; for stored events use `logagg query --since`"
        ));
    }
    let poll = parse_duration(&args.poll)
        .with_context(|| format!("--poll '{}' is not a duration", args.poll))?;
    let shutdown = Shutdown::install()?;
    let Some(reader) = wait_for_store(settings, &shutdown, poll)? else {
        return Ok(Outcome::Done);
    };
    let mut damage = super::store_warnings::DamageReport::default();
    damage.say_new(&reader);
    print_for_store(&reader, &query, None)?;
    let mut printer = Printer::stdout(Format::resolve(args.output), settings.color).marking(&query);
    let mut cursor = reader.max_seq()?;
    if args.lines > 0 && cursor.is_some() {
        let mut history = reader.search(&query, Order::NewestFirst, Some(args.lines))?;
        history.reverse();
        for hit in &history {
            printer.source(&hit.source)?;
        }
        printer.flush()?;
    }
    let mut warned = false;
    while !shutdown.requested() {
        std::thread::sleep(poll);
        // A writer's merge can remove files between listing and opening them; the next
        // refresh sees a consistent commit again.
        if let Err(e) = reader.refresh() {
            if !warned {
                eprintln!("warning: {e}; retrying");
                warned = true;
            }
            continue;
        }
        let Some(latest) = reader.max_seq()? else {
            continue;
        };
        if cursor.is_some_and(|c| latest <= c) {
            continue;
        }
        for hit in reader.arrived_between(&query, cursor, latest)? {
            printer.source(&hit.source)?;
        }
        printer.flush()?;
        cursor = Some(latest);
        damage.say_new(&reader);
    }
    Ok(Outcome::Done)
}

/// Opens the store, waiting for a writer to create it if it does not exist yet.
fn wait_for_store(
    settings: &Settings,
    shutdown: &Shutdown,
    poll: Duration,
) -> Result<Option<StoreReader>> {
    let mut announced = false;
    loop {
        match StoreReader::open(&settings.data_dir) {
            Ok(reader) => return Ok(Some(reader)),
            Err(StoreError::NotFound { dir }) => {
                if !announced {
                    eprintln!("waiting for a store at {} (start a writer such as `logagg simulate --to embedded`)", dir.display());
                    announced = true;
                }
            }
            Err(other) => return Err(other.into()),
        }
        if shutdown.requested() {
            return Ok(None);
        }
        std::thread::sleep(poll.max(Duration::from_millis(200)));
    }
}

/// `tail --store elasticsearch`: polls with an overlap window, adapting to the event rate.
fn follow_elasticsearch(args: &TailArgs, settings: &Settings, query: Query) -> Result<Outcome> {
    use crate::backend::elasticsearch::tail::{next_interval, TailCursor};
    use crate::backend::elasticsearch::EsClient;
    let overlap = parse_duration(&args.overlap)
        .with_context(|| format!("--overlap '{}' is not a duration", args.overlap))?;
    let floor = parse_duration(&args.poll)
        .with_context(|| format!("--poll '{}' is not a duration", args.poll))?;
    let ceiling = Duration::from_secs(5).max(floor);
    let config = settings.es_config(&args.es)?;
    let client = EsClient::connect(&config)?;
    for warning in super::query_warnings::of_cluster(&client, &config.index_prefix, &query, None)? {
        eprintln!("warning: {warning}");
    }
    let shutdown = Shutdown::install()?;
    let mut printer = Printer::stdout(Format::resolve(args.output), settings.color).marking(&query);
    let mut cursor = TailCursor::new(&config.index_prefix, query, overlap);
    if args.lines > 0 {
        for event in cursor.history(&client, args.lines)? {
            printer.event(&event)?;
        }
        printer.flush()?;
    }
    let mut interval = floor;
    let mut troubled = false;
    while !shutdown.requested() {
        std::thread::sleep(interval);
        match cursor.poll(&client, Timestamp::now()) {
            Ok(events) => {
                if troubled {
                    eprintln!("Elasticsearch answers again; no event was skipped");
                    troubled = false;
                }
                for event in &events {
                    printer.event(event)?;
                }
                printer.flush()?;
                interval = next_interval(interval, !events.is_empty(), floor, ceiling);
            }
            Err(e) => {
                if !troubled {
                    eprintln!("warning: {e:#}; retrying");
                    troubled = true;
                }
                interval = ceiling;
            }
        }
    }
    Ok(Outcome::Done)
}
