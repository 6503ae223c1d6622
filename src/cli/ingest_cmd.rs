//! `logagg ingest`: Kafka into the store, committing partition positions with the events.

use super::args::NewTopicArgs;
use super::args::{IngestArgs, SinkKind};
use super::settings::parse_size;
use super::settings::Settings;
use super::shutdown::Shutdown;
use super::sinks::{self, SinkFlags};
use super::Outcome;
use crate::backend::elasticsearch::{search, EsClient};
use crate::backend::embedded::StoreWriter;
use crate::kafka::es_ingest::{self, BulkLimits};
use crate::kafka::ingest::{self, BatchLimits, IngestOptions};
use crate::kafka::metrics::{serve, IngestMetrics};
use crate::kafka::producer::Patience;
use crate::kafka::source::KafkaSource;
use crate::pipeline::{self, Limits, Progress};
use crate::query::time::parse_duration;
use anyhow::{Context, Result};
use std::sync::Arc;
use std::time::Instant;

/// Each sink's own group: the embedded path commits group offsets for lag only, and must
/// never move the offsets that are the Elasticsearch path's checkpoint.
pub fn default_group(to: SinkKind) -> &'static str {
    match to {
        SinkKind::Embedded => "logagg-ingest-embedded",
        SinkKind::Elasticsearch => "logagg-ingest",
        SinkKind::Stdout => "logagg-ingest-stdout",
        SinkKind::Kafka => "logagg-ingest-kafka",
    }
}

/// `--to stdout` and `--to kafka`: the topic through the pipeline core, committing the
/// group's offsets after the sink confirmed (at least once).
fn through_pipeline(
    args: &IngestArgs,
    settings: &Settings,
    options: &IngestOptions,
    shutdown: &Shutdown,
) -> Result<Outcome> {
    if args.to == SinkKind::Kafka {
        let target = args.to_topic.as_deref().unwrap_or_default();
        if target.is_empty() || target == options.topic {
            anyhow::bail!(
                "ingest --to kafka needs --to-topic naming another topic than --topic '{}' (it copies one topic into another)",
                options.topic
            );
        }
    }
    crate::kafka::topic::check(&options.brokers, &options.topic)?;
    let mut source = KafkaSource::connect(
        &options.brokers,
        &options.topic,
        &options.group,
        options.exit_at_end,
    )?;
    let flags = SinkFlags {
        kafka: &args.kafka,
        new_topic: &NO_NEW_TOPIC,
        es: &args.es,
        topic: args.to_topic.as_deref(),
        patience: Patience::Forever,
    };
    let sink = sinks::open(args.to, settings, &flags, shutdown)?;
    let place = sink.describe();
    let limits = Limits {
        interval: options.batch.interval,
        events: options.batch.events as usize,
        ..Limits::default()
    };
    let summary = pipeline::run(&mut source, sink, limits, Progress::default(), &|| {
        shutdown.requested()
    })?;
    if args.to != SinkKind::Stdout {
        eprintln!(
            "copied {} events from '{}' to {place} in {:.1}s ({} were not JSON events and were kept as raw text)",
            summary.read, options.topic, summary.seconds, summary.unmatched
        );
    }
    Ok(Outcome::Done)
}

const NO_NEW_TOPIC: NewTopicArgs = NewTopicArgs {
    create_topic: false,
    partitions: 3,
    replication_factor: 1,
};

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
        group: args
            .group
            .clone()
            .unwrap_or_else(|| default_group(args.to).to_string()),
        batch: BatchLimits {
            interval: commit_interval,
            events: args.batch_events.max(1),
            bytes: parse_size("--batch-bytes", &args.batch_bytes)?,
        },
        exit_at_end: args.exit_at_end,
        max_event_bytes: parse_size("--max-event-bytes", &args.max_event_bytes)? as usize,
    };
    let shutdown = Shutdown::install()?;
    let metrics = Arc::new(IngestMetrics::new());
    if let Some(addr) = &args.metrics_addr {
        let addr = addr.parse().with_context(|| {
            format!("--metrics-addr '{addr}' is not an address such as 127.0.0.1:9898")
        })?;
        serve(addr, metrics.clone())?;
    }
    let started = Instant::now();
    let (summary, place) = match args.to {
        SinkKind::Embedded => {
            crate::kafka::topic::check(&options.brokers, &options.topic)?;
            let command = std::env::args().collect::<Vec<_>>().join(" ");
            let mut store = StoreWriter::open(&settings.data_dir, &command)?;
            let summary = ingest::run(&options, &mut store, &metrics, || shutdown.requested())?;
            store.close()?;
            (summary, settings.data_dir.display().to_string())
        }
        SinkKind::Elasticsearch => {
            let config = settings.es_config(&args.es)?;
            let client = EsClient::connect(&config)?;
            // Installed on every start (idempotent), so new daily indices get the mappings.
            search::setup(&client, &config.index_prefix)?;
            let limits = BulkLimits {
                index_prefix: config.index_prefix.clone(),
                bytes: parse_size("--bulk-size", &args.bulk_size)? as usize,
                events: args.batch_events.clamp(1, 50_000) as usize,
            };
            let summary = es_ingest::run(&options, &limits, &client, &metrics, || {
                shutdown.requested()
            })?;
            if options.exit_at_end {
                // What this run stored is searchable when it ends, so a `query` right
                // after it sees everything.
                search::refresh(&client, &config.index_prefix)?;
            }
            (summary, format!("Elasticsearch at {}", client.urls()))
        }
        SinkKind::Stdout | SinkKind::Kafka => {
            return through_pipeline(args, settings, &options, &shutdown)
        }
    };
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "stored {} events from '{}' in {secs:.1}s ({:.0}/s; {} were not JSON events and were kept as raw text) in {place}",
        summary.stored,
        options.topic,
        summary.stored as f64 / secs.max(1e-9),
        summary.unparsed,
    );
    if summary.already_stored > 0 {
        eprintln!(
            "{} events were already stored (sent again after a restart; nothing was duplicated)",
            summary.already_stored
        );
    }
    if summary.dead_lettered > 0 {
        eprintln!(
            "{} events were rejected and sent to '{}' (see `logagg dlq list --topic {}`)",
            summary.dead_lettered,
            crate::kafka::dead_letter::dead_letter_topic(&options.topic),
            options.topic
        );
    }
    Ok(Outcome::Done)
}
