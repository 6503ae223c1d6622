//! Building the sink a pipeline command names with `--to`, from its flags and the profile.

use super::args::{EsArgs, KafkaArgs, NewTopicArgs, SinkKind};
use super::settings::Settings;
use super::shutdown::Shutdown;
use crate::backend::elasticsearch::sink::EsSink;
use crate::backend::elasticsearch::{search, EsClient};
use crate::backend::embedded::EmbeddedSink;
use crate::kafka;
use crate::kafka::producer::Patience;
use crate::kafka::sink::KafkaSink;
use crate::pipeline::{Sink, StdoutSink};
use anyhow::Result;

/// Bytes of NDJSON per bulk request (Elastic suggests 5-15 MB).
pub const BULK_BYTES: usize = 10 * 1024 * 1024;

/// What a sink needs besides its kind.
pub struct SinkFlags<'a> {
    pub kafka: &'a KafkaArgs,
    pub new_topic: &'a NewTopicArgs,
    pub es: &'a EsArgs,
    /// The topic to produce to, when not `kafka.topic` (`ingest --to kafka --to-topic`).
    pub topic: Option<&'a str>,
    pub patience: Patience,
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
            let brokers = settings.brokers(flags.kafka.brokers.as_deref());
            let topic = flags.topic.unwrap_or(&flags.kafka.topic);
            if flags.new_topic.create_topic {
                kafka::topic::create(
                    &brokers,
                    topic,
                    flags.new_topic.partitions,
                    flags.new_topic.replication_factor,
                )?;
            }
            Box::new(KafkaSink::connect(&brokers, topic, flags.patience)?)
        }
        SinkKind::Elasticsearch => {
            let config = settings.es_config(flags.es)?;
            let client = EsClient::connect(&config)?;
            // Installed on every start (idempotent), so new daily indices get the mappings.
            search::setup(&client, &config.index_prefix)?;
            let stop = shutdown.clone();
            Box::new(EsSink::new(
                client,
                &config.index_prefix,
                BULK_BYTES,
                settings
                    .data_dir
                    .join("dead-letters")
                    .join("elasticsearch.ndjson"),
                Box::new(move || stop.requested()),
            ))
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
