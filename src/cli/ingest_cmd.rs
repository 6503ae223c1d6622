//! `logagg ingest`: Kafka into the store, committing partition positions with the events.

use super::args::NewTopicArgs;
use super::args::{IngestArgs, SinkKind};
use super::settings::parse_size;
use super::settings::Settings;
use super::shutdown::Shutdown;
use super::sinks::{self, SinkFlags};
use super::Outcome;
use crate::backend::elasticsearch::{search, EsClient};
use crate::kafka::es_ingest::{self, BulkLimits};
use crate::kafka::ingest::{BatchLimits, IngestOptions, IngestSummary};
use crate::kafka::producer::Patience;
use crate::kafka::source::KafkaSource;
use crate::pipeline::metrics::PipelineMetrics;
use crate::pipeline::{self, Limits, RunOptions};
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

/// Every sink but Elasticsearch: the topic through the pipeline core. Into the embedded
/// store the partitions' positions are committed with the events (exactly once); into
/// standard output or another topic the group's offsets are committed after the sink
/// confirmed (at least once).
fn through_pipeline(
    args: &IngestArgs,
    settings: &Settings,
    options: &IngestOptions,
    metrics: Arc<PipelineMetrics>,
    shutdown: &Shutdown,
) -> Result<IngestSummary> {
    if args.to == SinkKind::Kafka {
        let target = args.to_topic.as_deref().unwrap_or_default();
        if target.is_empty() || target == options.topic {
            anyhow::bail!(
                "ingest --to kafka needs --to-topic naming another topic than --topic '{}' (it copies one topic into another)",
                options.topic
            );
        }
    }
    let filter = match &args.filter {
        Some(text) => Some(
            crate::query::parse(text, crate::event::Timestamp::now())
                .map_err(|e| anyhow::anyhow!("--filter: {e}"))?,
        ),
        None => None,
    };
    crate::kafka::topic::check(&options.brokers, &options.topic)?;
    let mut source = KafkaSource::connect(
        &options.brokers,
        &options.topic,
        &options.group,
        options.exit_at_end,
    )?
    .with_metrics(metrics.clone())
    .with_max_event_bytes(options.max_event_bytes);
    let flags = SinkFlags {
        kafka: &args.kafka,
        new_topic: &NO_NEW_TOPIC,
        es: &args.es,
        topic: args.to_topic.as_deref(),
        patience: Patience::Forever,
    };
    let sink = sinks::open(args.to, settings, &flags, shutdown)?;
    let limits = Limits {
        interval: options.batch.interval,
        events: options.batch.events as usize,
        bytes: options.batch.bytes as usize,
        ..Limits::default()
    };
    let run = RunOptions {
        filter,
        metrics: Some(metrics),
        ..RunOptions::default()
    };
    let summary = pipeline::run(&mut source, sink, limits, run, &|| shutdown.requested())?;
    if summary.filtered_out > 0 {
        eprintln!(
            "{} events did not match --filter and were passed over",
            summary.filtered_out
        );
    }
    Ok(IngestSummary {
        stored: summary.read - source.dead_lettered - summary.filtered_out,
        already_stored: summary.sink.already_stored,
        unparsed: summary.unmatched,
        dead_lettered: source.dead_lettered,
    })
}

const NO_NEW_TOPIC: NewTopicArgs = NewTopicArgs {
    create_topic: false,
    partitions: 3,
    replication_factor: 1,
};

/// The flags, checked, as the ingest loops take them.
fn ingest_options(args: &IngestArgs, settings: &Settings) -> Result<IngestOptions> {
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
    Ok(options)
}

pub fn run(args: &IngestArgs, settings: &Settings) -> Result<Outcome> {
    let options = ingest_options(args, settings)?;
    let shutdown = Shutdown::install()?;
    // Counted even when not served: the Kafka source reads its lag from here.
    let metrics = super::metrics_endpoint::start(&args.metrics)?
        .unwrap_or_else(|| Arc::new(PipelineMetrics::new()));
    let started = Instant::now();
    let (summary, place) = match args.to {
        SinkKind::Elasticsearch if args.filter.is_some() => {
            anyhow::bail!("--filter is not available with --to elasticsearch yet; filter when querying instead (`logagg query --store elasticsearch QUERY`)")
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
        SinkKind::Embedded | SinkKind::Stdout | SinkKind::Kafka => {
            let summary = through_pipeline(args, settings, &options, metrics, &shutdown)?;
            let place = match args.to {
                SinkKind::Embedded => settings.data_dir.display().to_string(),
                SinkKind::Kafka => format!("'{}'", args.to_topic.as_deref().unwrap_or_default()),
                _ => "standard output".to_string(),
            };
            (summary, place)
        }
    };
    let secs = started.elapsed().as_secs_f64();
    if args.to == SinkKind::Stdout {
        return Ok(Outcome::Done);
    }
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
