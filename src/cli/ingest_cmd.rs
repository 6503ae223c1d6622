//! `logagg ingest`: Kafka into the store, committing partition positions with the events.

use super::args::IngestArgs;
use super::settings::Settings;
use super::shutdown::Shutdown;
use super::Outcome;
use crate::backend::embedded::StoreWriter;
use crate::kafka::ingest::{self, IngestOptions};
use crate::kafka::metrics::{serve, IngestMetrics};
use crate::query::time::parse_duration;
use anyhow::{Context, Result};
use std::sync::Arc;
use std::time::Instant;

pub fn run(args: &IngestArgs, settings: &Settings) -> Result<Outcome> {
    let commit_interval = parse_duration(&args.commit_interval).with_context(|| {
        format!(
            "--commit-interval '{}' is not a duration",
            args.commit_interval
        )
    })?;
    let options = IngestOptions {
        brokers: settings.brokers(args.kafka.brokers.as_deref()),
        topic: args.kafka.topic.clone(),
        group: args.group.clone(),
        commit_interval,
        exit_at_end: args.exit_at_end,
    };
    let shutdown = Shutdown::install()?;
    let command = std::env::args().collect::<Vec<_>>().join(" ");
    let mut store = StoreWriter::open(&settings.data_dir, &command)?;
    let metrics = Arc::new(IngestMetrics::new());
    if let Some(addr) = &args.metrics_addr {
        let addr = addr.parse().with_context(|| {
            format!("--metrics-addr '{addr}' is not an address such as 127.0.0.1:9898")
        })?;
        serve(addr, metrics.clone())?;
    }
    let started = Instant::now();
    let summary = ingest::run(&options, &mut store, &metrics, || shutdown.requested())?;
    store.close()?;
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "stored {} events from '{}' in {secs:.1}s ({:.0}/s; {} were not JSON events and were kept as raw text) in {}",
        summary.stored,
        options.topic,
        summary.stored as f64 / secs.max(1e-9),
        summary.unparsed,
        settings.data_dir.display()
    );
    Ok(Outcome::Done)
}
