//! `logagg simulate`: the simulator into stdout or the embedded store.

use super::args::{SimulateArgs, SinkKind};
use super::pacing::Pacer;
use super::producing;
use super::settings::Settings;
use super::shutdown::Shutdown;
use super::Outcome;
use crate::backend::embedded::StoreWriter;
use crate::event::{EventWriter, Position, Timestamp};
use crate::query::time::parse_duration;
use crate::simulator::{SimConfig, SimEvent, Simulator};
use anyhow::{Context, Result};
use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// Pace of simulated time when events are produced as fast as possible.
const BACKFILL_RATE: f64 = 1000.0;

struct Plan {
    config: SimConfig,
    /// Real-time pacing in events/s; `None` = as fast as possible.
    pace: Option<f64>,
    count: Option<u64>,
    duration_micros: Option<i64>,
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
        count: args.count,
        duration_micros: duration.map(|d| d.as_micros() as i64),
    })
}

impl Plan {
    fn finished(&self, produced: u64, sim: &Simulator) -> bool {
        self.count.is_some_and(|c| produced >= c)
            || self
                .duration_micros
                .is_some_and(|d| sim.elapsed_micros() >= d)
    }

    /// Identifies this exact event stream, so a restarted run resumes instead of repeating.
    fn stream_name(&self) -> String {
        format!(
            "simulate:seed={}:start={}:rate={}",
            self.config.seed,
            self.config.start.micros(),
            self.config.rate
        )
    }
}

pub fn run(args: &SimulateArgs, settings: &Settings) -> Result<Outcome> {
    let plan = plan(args)?;
    let shutdown = Shutdown::install()?;
    match args.to.unwrap_or(settings.sink) {
        SinkKind::Stdout => to_stdout(&plan, &shutdown),
        SinkKind::Embedded => {
            let interval = parse_duration(&args.commit_interval).with_context(|| {
                format!(
                    "--commit-interval '{}' is not a duration",
                    args.commit_interval
                )
            })?;
            to_store(&plan, settings, interval, &shutdown)
        }
        SinkKind::Kafka => to_kafka(&plan, args, settings, &shutdown),
    }
}

fn to_kafka(
    plan: &Plan,
    args: &SimulateArgs,
    settings: &Settings,
    shutdown: &Shutdown,
) -> Result<Outcome> {
    let topic = &args.kafka.topic;
    let (mut producer, brokers) = producing::open(
        settings,
        &args.kafka,
        &args.new_topic,
        crate::kafka::producer::Patience::Bounded,
    )?;
    let mut config = plan.config.clone();
    if args.start.is_none() && plan.pace.is_some() {
        // Live: event times are when each is meant to be sent, counted from the first
        // send rather than from before the broker connection was set up.
        config.start = Timestamp::now();
    }
    let mut sim = Simulator::new(&config);
    let mut writer = EventWriter::default();
    let mut event = SimEvent::default();
    let mut buffer = Vec::with_capacity(4096);
    let pacer = Pacer {
        started: Instant::now(),
        rate: plan.pace,
    };
    let progress = progress_bar(plan.count, 0);
    let started = Instant::now();
    let mut produced = 0u64;
    while !plan.finished(produced, &sim) && !shutdown.requested() {
        sim.next_into(&mut event);
        buffer.clear();
        event.write_json(&mut writer, &mut buffer);
        // The line ends with a newline for NDJSON; a Kafka message is the object alone.
        buffer.pop();
        producer.send(event.service, &buffer)?;
        produced += 1;
        if produced.is_multiple_of(pacer.check_every()) {
            pacer.wait(produced);
            progress.set_position(producer.delivered());
        }
    }
    progress.set_message("flushing");
    let summary = producer.finish(Duration::from_secs(60));
    progress.finish_and_clear();
    let summary = summary?;
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "sent {} events to '{topic}' on {brokers} in {secs:.1}s ({:.0}/s), {} failed (seed {})",
        summary.delivered,
        summary.delivered as f64 / secs.max(1e-9),
        summary.failed,
        plan.config.seed
    );
    Ok(Outcome::Done)
}

fn to_stdout(plan: &Plan, shutdown: &Shutdown) -> Result<Outcome> {
    let mut sim = Simulator::new(&plan.config);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut buffer = Vec::with_capacity(256 * 1024);
    let mut writer = EventWriter::default();
    let mut event = SimEvent::default();
    let pacer = Pacer {
        started: Instant::now(),
        rate: plan.pace,
    };
    let mut produced = 0u64;
    while !plan.finished(produced, &sim) && !shutdown.requested() {
        sim.next_into(&mut event);
        event.write_json(&mut writer, &mut buffer);
        produced += 1;
        let paced = pacer.rate.is_some() && produced.is_multiple_of(pacer.check_every());
        if buffer.len() >= 192 * 1024 || paced {
            out.write_all(&buffer)?;
            buffer.clear();
            if paced {
                out.flush()?;
                pacer.wait(produced);
            }
        }
    }
    out.write_all(&buffer)?;
    out.flush()?;
    Ok(Outcome::Done)
}

fn to_store(
    plan: &Plan,
    settings: &Settings,
    interval: Duration,
    shutdown: &Shutdown,
) -> Result<Outcome> {
    let command = std::env::args().collect::<Vec<_>>().join(" ");
    let mut store = StoreWriter::open(&settings.data_dir, &command)?;
    let stream = plan.stream_name();
    let resume = store.resume_offset(&stream).unwrap_or(0);
    let mut sim = Simulator::new(&plan.config);
    let mut event = SimEvent::default();
    // The generator is sequential: replay what is already stored without storing it.
    for _ in 0..resume {
        sim.next_into(&mut event);
    }
    if resume > 0 {
        eprintln!(
            "resuming: the store already holds the first {resume} events of this run (seed {})",
            plan.config.seed
        );
    }
    let progress = progress_bar(plan.count, resume);
    let pacer = Pacer {
        started: Instant::now(),
        rate: plan.pace,
    };
    let started = Instant::now();
    let mut produced = resume;
    while !plan.finished(produced, &sim) && !shutdown.requested() {
        sim.next_into(&mut event);
        store
            .append(
                &event.to_log_event(),
                &Position {
                    stream: &stream,
                    offset: produced,
                },
            )
            .with_context(|| {
                format!(
                    "cannot write to the store at {}",
                    settings.data_dir.display()
                )
            })?;
        produced += 1;
        if produced.is_multiple_of(1024) {
            store.commit_if_due(interval)?;
            progress.set_position(produced);
            pacer.wait(produced - resume);
        } else if pacer.rate.is_some()
            && produced.is_multiple_of(pacer.check_every())
            && pacer.wait(produced - resume)
        {
            store.commit_if_due(interval)?;
            progress.set_position(produced);
        }
    }
    let written = produced - resume;
    store.close()?;
    progress.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "stored {written} events in {secs:.1}s ({:.0}/s) in {} (seed {}, {} of this run in the store)",
        written as f64 / secs.max(1e-9),
        settings.data_dir.display(),
        plan.config.seed,
        produced
    );
    if written == 0 && resume > 0 && plan.count.is_some_and(|c| resume >= c) {
        eprintln!("nothing to do: all {resume} events of this run were already stored");
    }
    Ok(Outcome::Done)
}

fn progress_bar(count: Option<u64>, done: u64) -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let (bar, template) = match count {
        Some(n) => (
            indicatif::ProgressBar::new(n),
            "{spinner} {pos}/{len} events {per_sec} {wide_bar} {eta}",
        ),
        None => (
            indicatif::ProgressBar::new_spinner(),
            "{spinner} {pos} events stored, {per_sec} (Ctrl-C stops after a final commit)",
        ),
    };
    if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(200));
    bar.set_position(done);
    bar
}
