//! Building the sink a pipeline command names with `--to`, from its flags and the profile.

use super::args::{EsArgs, KafkaArgs, NewTopicArgs, SinkKind};
use super::settings::Settings;
use super::shutdown::Shutdown;
use crate::backend::elasticsearch::sink::{BulkLimits, EsSink, EsSinkOptions};
use crate::backend::elasticsearch::{search, EsClient};
use crate::backend::embedded::EmbeddedSink;
use crate::kafka;
use crate::kafka::dead_letter_topic::DeadLetterTopic;
use crate::kafka::producer::Patience;
use crate::kafka::sink::KafkaSink;
use crate::kafka::Cluster;
use crate::pipeline::metrics::PipelineMetrics;
use crate::pipeline::{DeadLetterFile, DeadLetters, Sink, StdoutSink};
use anyhow::Result;
use std::sync::Arc;

/// Bulk requests of 10 MiB of NDJSON (Elastic suggests 5-15 MB) or 50,000 events.
pub const BULK: BulkLimits = BulkLimits {
    bytes: 10 * 1024 * 1024,
    events: 50_000,
};

/// What a sink needs besides its kind.
pub struct SinkFlags<'a> {
    pub kafka: &'a KafkaArgs,
    pub new_topic: &'a NewTopicArgs,
    pub es: &'a EsArgs,
    /// The topic to produce to, when not `kafka.topic` (`ingest --to kafka --to-topic`).
    pub topic: Option<&'a str>,
    pub patience: Patience,
    /// How bulk requests to Elasticsearch are cut.
    pub bulk: BulkLimits,
    /// Events read from this Kafka topic (brokers, topic) that Elasticsearch refuses go to
    /// its dead-letter topic; without it, to a file in the data directory.
    pub source_topic: Option<(&'a Cluster, &'a str)>,
    pub metrics: Option<Arc<PipelineMetrics>>,
}

pub fn open(
    kind: SinkKind,
    settings: &Settings,
    flags: &SinkFlags,
    shutdown: &Shutdown,
) -> Result<Box<dyn Sink>> {
    Ok(match kind {
        SinkKind::Stdout => Box::new(StdoutSink::new()),
        SinkKind::Embedded => {
            let command = std::env::args().collect::<Vec<_>>().join(" ");
            let sink = EmbeddedSink::open(&settings.data_dir, &command)?;
            super::store_warnings::set_aside(sink.writer());
            Box::new(sink)
        }
        SinkKind::Kafka => {
            let cluster = settings.kafka(flags.kafka)?;
            let topic = flags.topic.unwrap_or(&flags.kafka.topic);
            if flags.new_topic.create_topic {
                kafka::topic::create(
                    &cluster,
                    topic,
                    flags.new_topic.partitions,
                    flags.new_topic.replication_factor,
                )?;
            }
            Box::new(KafkaSink::connect(&cluster, topic, flags.patience)?)
        }
        SinkKind::Elasticsearch => {
            let config = settings.es_config(flags.es)?;
            let client = EsClient::connect(&config)?;
            // Installed on every start (idempotent), so new daily indices get the mappings.
            search::setup(&client, &config.index_prefix)?;
            let dead_letters: Box<dyn DeadLetters> = match flags.source_topic {
                Some((cluster, topic)) => Box::new(DeadLetterTopic::new(cluster, topic)),
                None => Box::new(DeadLetterFile::new(
                    settings
                        .data_dir
                        .join("dead-letters")
                        .join("elasticsearch.ndjson"),
                )),
            };
            let stop = shutdown.clone();
            let options = EsSinkOptions {
                index_prefix: config.index_prefix.clone(),
                bulk: flags.bulk,
                dead_letters,
                stop: Box::new(move || stop.requested()),
                metrics: flags.metrics.clone(),
            };
            Box::new(EsSink::new(client, options)?)
        }
    })
}

/// The summary's second half: where the events went and what happened to them.
pub fn describe_outcome(summary: &crate::pipeline::Summary, place: &str) -> Vec<String> {
    let mut lines = Vec::new();
    if summary.sink.already_stored > 0 {
        lines.push(format!(
            "{} events were already stored (sent again after a restart; nothing was duplicated)",
            summary.sink.already_stored
        ));
    }
    if summary.sink.rejected > 0 {
        lines.push(format!(
            "{} events were refused by {place} and kept with the reason in {}",
            summary.sink.rejected,
            summary
                .sink
                .rejected_to
                .as_deref()
                .unwrap_or("the dead-letter file")
        ));
    }
    lines
}
