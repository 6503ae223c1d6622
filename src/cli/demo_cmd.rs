//! `logagg demo`: the simulator writing into an embedded store and the dashboard reading
//! it, in one process, with nothing to install or start.

use super::args::DemoArgs;
use super::dash_cmd::{require_terminal, show};
use super::settings::Settings;
use super::shutdown::Shutdown;
use super::Outcome;
use crate::backend::embedded::{EmbeddedSink, StoreReader};
use crate::event::Timestamp;
use crate::pipeline::{self, Limits, RunOptions};
use crate::query::time::parse_duration;
use crate::query::{Query, Target};
use crate::simulator::{SimConfig, SimulatorSource, Span};
use crate::tui::feed;
use anyhow::{anyhow, Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::sync_channel;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Commits this often, so the dashboard sees events within a fraction of a second.
const COMMIT_INTERVAL: Duration = Duration::from_millis(250);

pub fn run(args: &DemoArgs, settings: &Settings, explicit_dir: bool) -> Result<Outcome> {
    let duration = match &args.duration {
        Some(text) => Some(parse_duration(text).ok_or_else(|| {
            anyhow!("--duration '{text}' is not a duration; use e.g. 30s or 10m")
        })?),
        None => None,
    };
    if !args.headless {
        require_terminal()?;
    }
    let dir = if explicit_dir {
        settings.data_dir.clone()
    } else {
        std::env::temp_dir().join(format!("logagg-demo-{}", std::process::id()))
    };
    let seed = args.seed.unwrap_or_else(|| fastrand::u64(..));
    let stop = Arc::new(AtomicBool::new(false));
    let writer = start_simulator(dir.clone(), args.rate.max(1), seed, stop.clone())?;
    let started = Instant::now();
    let until = duration.map(|d| started + d);
    let outcome = if args.headless {
        let shutdown = Shutdown::install()?;
        while !shutdown.requested()
            && until.is_some_and(|t| Instant::now() < t)
            && !writer.is_finished()
        {
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(Outcome::Done)
    } else {
        let (sender, receiver) = sync_channel(64);
        let feed_stop = stop.clone();
        let feed_dir = dir.clone();
        std::thread::Builder::new()
            .name("feed".into())
            .spawn(move || feed::follow_store(feed_dir, sender, feed_stop))?;
        show(
            args.buffer,
            format!("demo {}", dir.display()),
            "",
            settings,
            receiver,
            until,
        )
    };
    stop.store(true, Ordering::Relaxed);
    let written = writer
        .join()
        .map_err(|_| anyhow!("the demo's simulator thread panicked"))??;
    let secs = started.elapsed().as_secs_f64();
    if args.headless {
        summarise(&dir, written, secs)?;
    }
    if explicit_dir {
        eprintln!(
            "the demo's events stay in {} (query them with `logagg --data-dir {} query`)",
            dir.display(),
            dir.display()
        );
    } else {
        std::fs::remove_dir_all(&dir)
            .with_context(|| format!("cannot remove the demo's store {}", dir.display()))?;
    }
    outcome
}

fn start_simulator(
    dir: PathBuf,
    rate: u64,
    seed: u64,
    stop: Arc<AtomicBool>,
) -> Result<JoinHandle<Result<u64>>> {
    // Open here, so a locked or unwritable store is an error before any screen appears.
    let sink = EmbeddedSink::open(&dir, "logagg demo")?;
    super::store_warnings::set_aside(sink.writer());
    Ok(std::thread::Builder::new()
        .name("simulator".into())
        .spawn(move || {
            let config = SimConfig {
                seed,
                start: Timestamp::now(),
                rate: rate as f64,
            };
            let mut source = SimulatorSource::new(config, Some(rate as f64), Span::default());
            let limits = Limits {
                interval: COMMIT_INTERVAL,
                ..Limits::default()
            };
            let summary = pipeline::run(
                &mut source,
                Box::new(sink),
                limits,
                RunOptions {
                    hidden: true,
                    ..RunOptions::default()
                },
                &|| stop.load(Ordering::Relaxed),
            )?;
            Ok(summary.read)
        })?)
}

fn summarise(dir: &Path, written: u64, secs: f64) -> Result<()> {
    let reader = StoreReader::open(dir)?;
    let levels = reader.count_by(&Query::All, &Target::Level)?;
    let services = reader.count_by(&Query::All, &Target::Service)?;
    let stored = reader.count(&Query::All)?;
    writeln!(
        std::io::stdout(),
        "demo: simulated {written} events in {secs:.1}s ({:.0}/s), {stored} stored in {}",
        written as f64 / secs.max(1e-9),
        dir.display()
    )?;
    let join = |groups: &[crate::backend::groups::Group]| {
        groups
            .iter()
            .map(|g| format!("{} {}", g.value, g.count))
            .collect::<Vec<_>>()
            .join(", ")
    };
    writeln!(std::io::stdout(), "by level: {}", join(&levels))?;
    writeln!(
        std::io::stdout(),
        "top services: {}",
        join(&services[..services.len().min(5)])
    )?;
    Ok(())
}
