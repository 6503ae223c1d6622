//! `logagg ingest`: a Kafka topic into any sink, on the pipeline core. Into the embedded
//! store the partitions' positions are committed with the events (exactly once); into
//! Elasticsearch, standard output or another topic the reader is a member of its consumer
//! group and commits the group's offsets once the sink has made the events durable.

use super::args::NewTopicArgs;
use super::args::{IngestArgs, SinkKind};
use super::settings::parse_size;
use super::settings::Settings;
use super::shutdown::Shutdown;
use super::sinks::{self, SinkFlags};
use super::Outcome;
use crate::backend::elasticsearch::sink::BulkLimits;
use crate::kafka::producer::Patience;
use crate::kafka::source::KafkaSource;
use crate::kafka::Cluster;
use crate::pipeline::metrics::PipelineMetrics;
use crate::pipeline::{self, Limits, RunOptions, Summary};
use crate::query::time::parse_duration;
use crate::query::Query;
use anyhow::{Context, Result};
use std::sync::Arc;

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

/// The flags, checked once, as the run takes them.
struct IngestPlan {
    cluster: Cluster,
    topic: String,
    group: String,
    limits: Limits,
    bulk: BulkLimits,
    /// Stop once everything present at start is stored.
    exit_at_end: bool,
    /// Larger messages go to the dead-letter topic.
    max_event_bytes: usize,
    filter: Option<Query>,
}

fn plan(args: &IngestArgs, settings: &Settings) -> Result<IngestPlan> {
    let topic = args.kafka.topic.clone();
    if args.to == SinkKind::Kafka {
        let target = args.to_topic.as_deref().unwrap_or_default();
        if target.is_empty() || target == topic {
            anyhow::bail!(
                "ingest --to kafka needs --to-topic naming another topic than --topic '{topic}' (it copies one topic into another)"
            );
        }
    }
    let interval = parse_duration(&args.commit_interval).with_context(|| {
        format!(
            "--commit-interval '{}' is not a duration",
            args.commit_interval
        )
    })?;
    let filter = match &args.filter {
        Some(text) => Some(
            crate::query::parse(text, crate::event::Timestamp::now())
                .map_err(|e| anyhow::anyhow!("--filter: {e}"))?,
        ),
        None => None,
    };
    Ok(IngestPlan {
        cluster: settings.kafka(&args.kafka)?,
        topic,
        group: args
            .group
            .clone()
            .unwrap_or_else(|| default_group(args.to).to_string()),
        limits: Limits {
            interval,
            events: args.batch_events.max(1) as usize,
            bytes: parse_size("--batch-bytes", &args.batch_bytes)? as usize,
            ..Limits::default()
        },
        bulk: BulkLimits {
            bytes: parse_size("--bulk-size", &args.bulk_size)? as usize,
            events: (args.batch_events as usize).clamp(1, sinks::BULK.events),
        },
        exit_at_end: args.exit_at_end,
        max_event_bytes: parse_size("--max-event-bytes", &args.max_event_bytes)? as usize,
        filter,
    })
}

const NO_NEW_TOPIC: NewTopicArgs = NewTopicArgs {
    create_topic: false,
    partitions: 3,
    replication_factor: 1,
};

pub fn run(args: &IngestArgs, settings: &Settings) -> Result<Outcome> {
    let plan = plan(args, settings)?;
    let shutdown = Shutdown::install()?;
    let served = super::metrics_endpoint::start(&args.metrics)?;
    // Lag is watched (a client and a thread of its own) only when someone can read it.
    let watch_lag = served.is_some();
    let metrics = served.unwrap_or_else(|| Arc::new(PipelineMetrics::new()));
    crate::kafka::topic::check(&plan.cluster, &plan.topic)?;
    let mut source =
        KafkaSource::connect(&plan.cluster, &plan.topic, &plan.group, plan.exit_at_end)?
            .with_metrics(metrics.clone(), watch_lag)
            .with_max_event_bytes(plan.max_event_bytes);
    if args.to == SinkKind::Elasticsearch {
        // A refused event's dead letter holds the message as it arrived.
        source = source.with_originals();
    }
    let flags = SinkFlags {
        kafka: &args.kafka,
        new_topic: &NO_NEW_TOPIC,
        es: &args.es,
        topic: args.to_topic.as_deref(),
        patience: Patience::Forever,
        bulk: plan.bulk,
        source_topic: Some((&plan.cluster, &plan.topic)),
        metrics: Some(metrics.clone()),
    };
    let sink = sinks::open(args.to, settings, &flags, &shutdown)?;
    let place = match args.to {
        SinkKind::Embedded => settings.data_dir.display().to_string(),
        SinkKind::Kafka => format!("'{}'", args.to_topic.as_deref().unwrap_or_default()),
        _ => sink.describe(),
    };
    let options = RunOptions {
        filter: plan.filter.clone(),
        metrics: Some(metrics),
        ..RunOptions::default()
    };
    let summary = pipeline::run(&mut source, sink, plan.limits, options, &|| {
        shutdown.requested()
    })?;
    if summary.filtered_out > 0 {
        eprintln!(
            "{} events did not match --filter and were passed over",
            summary.filtered_out
        );
    }
    if args.to != SinkKind::Stdout {
        report(&plan, &summary, source.dead_lettered(), &place);
    }
    Ok(Outcome::Done)
}

/// The summary lines: what was stored where, and what was not.
fn report(plan: &IngestPlan, summary: &Summary, dead_lettered: u64, place: &str) {
    let stored = summary.sink.stored;
    eprintln!(
        "stored {stored} events from '{}' in {:.1}s ({:.0}/s; {} were not JSON events and were kept as raw text) in {place}",
        plan.topic,
        summary.seconds,
        stored as f64 / summary.seconds.max(1e-9),
        summary.unmatched,
    );
    if summary.sink.already_stored > 0 {
        eprintln!(
            "{} events were already stored (sent again after a restart; nothing was duplicated)",
            summary.sink.already_stored
        );
    }
    let rejected = dead_lettered + summary.sink.rejected;
    if rejected > 0 {
        eprintln!(
            "{rejected} events were rejected and sent to '{}' (see `logagg dlq list --topic {}`)",
            crate::kafka::dead_letter::dead_letter_topic(&plan.topic),
            plan.topic
        );
    }
}
