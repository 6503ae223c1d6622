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
    let cluster = settings.kafka(&args.kafka)?;
    let topic = &args.kafka.topic;
    let shutdown = Shutdown::install()?;
    let mut printer = Printer::stdout(Format::resolve(args.output), settings.color).marking(query);
    if args.patterns && args.since.is_none() && args.lines > 0 {
        // Patterns are of what arrives; the store's history is not mined here.
        eprintln!(
            "note: --patterns starts at the end of the topic (use --since to mine from earlier)"
        );
    }
    let start = match &args.since {
        Some(since) => StartAt::Time(parse_instant_or_ago(since, Timestamp::now()).ok_or_else(
            || {
                anyhow!(
                    "--since '{since}' is not a time; use e.g. 15m, now-1h or 2026-11-24T10:00:00Z"
                )
            },
        )?),
        None if args.lines > 0 && !args.patterns => {
            history_then_positions(args, settings, query, &mut printer)?
        }
        None => StartAt::End,
    };
    let mut live = LiveTopic::open(&cluster, topic, &start)?;
    eprintln!("following '{topic}' on {cluster}");
    if args.patterns {
        return live_patterns(&mut live, query, &shutdown, args.output);
    }
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

/// `--patterns`: the matching events mined as they arrive; on a terminal the table is
/// redrawn every second, in a pipe the patterns are printed as JSON lines when stopped.
fn live_patterns(
    live: &mut LiveTopic,
    query: &Query,
    shutdown: &Shutdown,
    output: super::args::OutputFormat,
) -> Result<Outcome> {
    use crate::patterns::LiveMiner;
    use std::io::Write;
    let table = Format::resolve(output) == Format::Table;
    let mut miner = LiveMiner::default();
    let mut last_draw = Instant::now();
    let mut troubled = false;
    let mut out = std::io::BufWriter::new(std::io::stdout());
    while !shutdown.requested() {
        match live.poll(Duration::from_millis(50)) {
            Ok(Some(message)) => {
                troubled = false;
                if matches(query, &message.event) {
                    miner.add(&message.event);
                }
            }
            Ok(None) => {}
            Err(e) if !troubled => {
                eprintln!("warning: kafka: {e}; retrying");
                troubled = true;
            }
            Err(_) => {}
        }
        if table && last_draw.elapsed() >= Duration::from_secs(1) {
            let (_, rows) = crossterm::terminal::size().unwrap_or((80, 24));
            write!(out, "\x1b[H\x1b[2J")?;
            write_live_table(&mut out, &miner, rows.saturating_sub(3) as usize)?;
            out.flush()?;
            last_draw = Instant::now();
        }
    }
    if !table {
        for p in miner.patterns(Timestamp::now()) {
            let line = serde_json::json!({
                "id": p.id, "template": p.template, "count": p.count,
                "first_seen": p.first_seen.to_rfc3339(), "last_seen": p.last_seen.to_rfc3339(),
                "example": p.example, "spike": p.spike,
            });
            writeln!(out, "{line}")?;
        }
        out.flush()?;
    }
    Ok(Outcome::Done)
}

/// Patterns first seen in the last few minutes are marked new: the kind of line that
/// started when the trouble did.
const NEW_FOR: i64 = 5 * 60 * 1_000_000;

fn write_live_table(
    out: &mut impl std::io::Write,
    miner: &crate::patterns::LiveMiner,
    rows: usize,
) -> std::io::Result<()> {
    let now = Timestamp::now();
    let total = miner.total().max(1);
    writeln!(
        out,
        "{:>8}  {:>6}  {:<8}  {:<6}  {:<12}  PATTERN",
        "COUNT", "SHARE", "ID", "", "LAST SEEN"
    )?;
    let patterns = miner.patterns(now);
    for p in patterns.iter().take(rows) {
        let new = match p.spike {
            _ if now.micros() - p.first_seen.micros() < NEW_FOR => "new".to_string(),
            Some(factor) => format!("↑×{factor:.0}"),
            None => String::new(),
        };
        writeln!(
            out,
            "{:>8}  {:>5.1}%  {:<8}  {:<6}  {:<12}  {}",
            p.count,
            p.count as f64 * 100.0 / total as f64,
            p.id,
            new,
            p.last_seen.to_display().get(11..23).unwrap_or_default(),
            crate::visible::visible(&p.template)
        )?;
    }
    writeln!(
        out,
        "{} events, {} patterns; Ctrl-C stops",
        miner.total(),
        patterns.len()
    )
}
