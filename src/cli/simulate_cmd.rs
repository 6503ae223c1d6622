//! `logagg simulate`: the simulator into any sink, through the pipeline core.

use super::args::{SimulateArgs, SinkKind};
use super::settings::Settings;
use super::shutdown::Shutdown;
use super::sinks::{self, SinkFlags};
use super::Outcome;
use crate::event::Timestamp;
use crate::kafka::producer::Patience;
use crate::pipeline::{self, Limits, RunOptions};
use crate::query::time::parse_duration;
use crate::simulator::{SimConfig, SimulatorSource, Span};
use anyhow::{Context, Result};

/// Pace of simulated time when events are produced as fast as possible.
const BACKFILL_RATE: f64 = 1000.0;

struct Plan {
    config: SimConfig,
    /// Real-time pacing in events/s; `None` = as fast as possible.
    pace: Option<f64>,
    span: Span,
}

fn plan(args: &SimulateArgs) -> Result<Plan> {
    let duration = match &args.duration {
        Some(d) => Some(parse_duration(d).with_context(|| {
            format!("--duration '{d}' is not a duration; use e.g. 30s, 10m, 2h")
        })?),
        None => None,
    };
    let rate = args
        .rate
        .unwrap_or(if args.count.is_some() { 0 } else { 1000 });
    let nominal = if rate == 0 {
        BACKFILL_RATE
    } else {
        rate as f64
    };
    let now = Timestamp::now();
    let start = match &args.start {
        Some(text) => Timestamp::parse(text).with_context(|| {
            format!("--start '{text}' is not a time; use RFC 3339 such as 2026-11-24T13:00:00Z")
        })?,
        // A backfill ends about now instead of running into the future.
        None if rate == 0 => {
            let span = match (args.count, duration) {
                (Some(n), _) => (n as f64 / nominal * 1e6) as i64,
                (None, Some(d)) => d.as_micros() as i64,
                (None, None) => 0,
            };
            Timestamp(now.micros() - span)
        }
        None => now,
    };
    let seed = args.seed.unwrap_or_else(|| fastrand::u64(..));
    Ok(Plan {
        config: SimConfig {
            seed,
            start,
            rate: nominal,
        },
        pace: (rate > 0).then_some(rate as f64),
        span: Span {
            count: args.count,
            duration_micros: duration.map(|d| d.as_micros() as i64),
        },
    })
}

pub fn run(args: &SimulateArgs, settings: &Settings) -> Result<Outcome> {
    let mut plan = plan(args)?;
    let to = args.to.unwrap_or(settings.sink);
    let interval = parse_duration(&args.commit_interval).with_context(|| {
        format!(
            "--commit-interval '{}' is not a duration",
            args.commit_interval
        )
    })?;
    let shutdown = Shutdown::install()?;
    let metrics = super::metrics_endpoint::start(&args.metrics)?;
    let flags = SinkFlags {
        kafka: &args.kafka,
        new_topic: &args.new_topic,
        es: &args.es,
        topic: None,
        patience: Patience::Bounded,
        bulk: sinks::BULK,
        source_topic: None,
        metrics: metrics.clone(),
    };
    let sink = sinks::open(to, settings, &flags, &shutdown)?;
    if args.start.is_none() && plan.pace.is_some() {
        // Live: event times are when each is meant to be sent, counted from the first
        // send rather than from before the sink was set up.
        plan.config.start = Timestamp::now();
    }
    let place = sink.describe();
    let mut source = SimulatorSource::new(plan.config.clone(), plan.pace, plan.span);
    if args.start.is_none() && args.seed.is_some() {
        // The same flags are the same run: continue the one stored, whenever it began.
        source = source.starting_now();
    }
    let limits = Limits {
        interval,
        ..Limits::default()
    };
    let options = RunOptions {
        total: plan.span.count,
        metrics,
        ..RunOptions::default()
    };
    let summary = pipeline::run(&mut source, sink, limits, options, &|| shutdown.requested())?;
    let resumed = source.resumed_at();
    if resumed > 0 {
        let began = source
            .continued_from()
            .map(|start| format!(", which began at {start}; give --start to begin another"))
            .unwrap_or_default();
        eprintln!(
            "resumed: {place} already held the first {resumed} events of this run (seed {}{began})",
            source.seed()
        );
    }
    if to != SinkKind::Stdout {
        eprintln!(
            "sent {} events to {place} in {:.1}s ({:.0}/s) (seed {})",
            summary.read,
            summary.seconds,
            summary.read as f64 / summary.seconds.max(1e-9),
            source.seed()
        );
    }
    if summary.read == 0 && resumed > 0 && plan.span.count.is_some_and(|c| resumed >= c) {
        eprintln!("nothing to do: all {resumed} events of this run were already stored");
    }
    for line in sinks::describe_outcome(&summary, &place) {
        eprintln!("{line}");
    }
    Ok(Outcome::Done)
}
