//! `logagg tail --source kafka`: events as they reach Kafka, before indexing. With `-n`,
//! the last matching events come from the store and Kafka continues exactly where the
//! store's committed positions end, so the hand-off has no gap and no repeat.

use super::args::TailArgs;
use super::output::{Format, Printer};
use super::settings::Settings;
use super::shutdown::Shutdown;
use super::Outcome;
use crate::backend::embedded::{StoreError, StoreReader};
use crate::event::Timestamp;
use crate::kafka::live::{LiveTopic, StartAt};
use crate::kafka::reorder::ReorderWindow;
use crate::kafka::stream_prefix;
use crate::query::matches;
use crate::query::time::{parse_duration, parse_instant_or_ago};
use crate::query::Query;
use anyhow::{anyhow, Context, Result};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

pub fn run(args: &TailArgs, settings: &Settings, query: &Query) -> Result<Outcome> {
    let window = parse_duration(&args.reorder_window).with_context(|| {
        format!(
            "--reorder-window '{}' is not a duration",
            args.reorder_window
        )
    })?;
    let brokers = settings.brokers(args.kafka.brokers.as_deref());
    let topic = &args.kafka.topic;
    let shutdown = Shutdown::install()?;
    let mut printer = Printer::stdout(Format::resolve(args.output), settings.color);
    let start = match &args.since {
        Some(since) => StartAt::Time(parse_instant_or_ago(since, Timestamp::now()).ok_or_else(
            || {
                anyhow!(
                    "--since '{since}' is not a time; use e.g. 15m, now-1h or 2026-11-24T10:00:00Z"
                )
            },
        )?),
        None if args.lines > 0 => history_then_positions(args, settings, query, &mut printer)?,
        None => StartAt::End,
    };
    let mut live = LiveTopic::open(&brokers, topic, &start)?;
    eprintln!("following '{topic}' on {brokers}");
    let mut held = ReorderWindow::new(window);
    let poll = (window / 2).clamp(Duration::from_millis(5), Duration::from_millis(50));
    let mut troubled = false;
    while !shutdown.requested() {
        match live.poll(poll) {
            Ok(Some(message)) => {
                troubled = false;
                if matches(query, &message.event) {
                    held.push(message.event, Instant::now());
                }
            }
            Ok(None) => {}
            Err(e) => {
                if !troubled {
                    eprintln!("warning: kafka: {e}; retrying");
                    troubled = true;
                }
            }
        }
        let mut printed = false;
        while let Some(event) = held.pop_ready(Instant::now()) {
            printer.event(&event)?;
            printed = true;
        }
        if printed {
            printer.flush()?;
        }
    }
    for event in held.drain() {
        printer.event(&event)?;
    }
    printer.flush()?;
    Ok(Outcome::Done)
}

/// Prints the last `-n` matching events the store committed and returns the positions
/// that commit recorded for the topic, which is where Kafka takes over.
fn history_then_positions(
    args: &TailArgs,
    settings: &Settings,
    query: &Query,
    printer: &mut Printer<std::io::BufWriter<std::io::Stdout>>,
) -> Result<StartAt> {
    let topic = &args.kafka.topic;
    let reader = match StoreReader::open(&settings.data_dir) {
        Ok(reader) => reader,
        Err(StoreError::NotFound { .. }) => {
            eprintln!(
                "note: no store at {}; starting at the end of '{topic}'",
                settings.data_dir.display()
            );
            return Ok(StartAt::End);
        }
        Err(other) => return Err(other.into()),
    };
    let checkpoint = reader.snapshot()?;
    let prefix = stream_prefix(topic);
    let positions: BTreeMap<i32, i64> = checkpoint
        .positions
        .iter()
        .filter_map(|(stream, &next)| {
            let partition = stream.strip_prefix(&prefix)?.parse().ok()?;
            Some((partition, next as i64))
        })
        .collect();
    if positions.is_empty() {
        eprintln!(
            "note: the store at {} holds nothing ingested from '{topic}'; starting at the end of the topic",
            settings.data_dir.display()
        );
        return Ok(StartAt::End);
    }
    let mut history = reader.newest_before(query, checkpoint.next_seq, args.lines)?;
    history.reverse();
    for hit in &history {
        printer.source(&hit.source)?;
    }
    printer.flush()?;
    Ok(StartAt::Positions(positions))
}
