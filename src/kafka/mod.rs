//! Kafka as the pipeline's transport (rdkafka): producing events, checking and creating
//! topics, and consuming them into a store with exactly-once positions.

pub mod cluster;
pub mod dead_letter;
pub mod dead_letter_topic;
pub mod end_of_log;
mod error;
mod intake;
pub mod live;
mod membership;
pub mod producer;
mod progress;
pub mod reorder;
pub mod retry;
pub mod sink;
pub mod source;
pub mod topic;
pub mod watermarks;

pub use cluster::{Cluster, Security};
pub use error::KafkaIssue;

use rdkafka::ClientConfig;

/// How long to wait for a broker before saying it cannot be reached.
pub const CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Settings shared by every client of one cluster.
pub fn client_config(cluster: &Cluster) -> ClientConfig {
    cluster.config(&[])
}

/// The stream name a partition's positions are checkpointed under.
pub fn stream_name(topic: &str, partition: i32) -> String {
    format!("{}{partition}", stream_prefix(topic))
}

/// What the stream names of all of a topic's partitions start with.
pub fn stream_prefix(topic: &str) -> String {
    format!("kafka:{topic}/")
}

/// The event a message carries; a line that is not a JSON event gets the message's own
/// timestamp (when the broker has one) as its time.
pub fn decode_message(
    message: &rdkafka::message::BorrowedMessage<'_>,
    context: &mut crate::event::DecodeContext,
) -> crate::event::LogEvent {
    let mut event = crate::event::LogEvent::default();
    decode_message_into(message, context, &mut event, &mut Default::default());
    event
}

/// `decode_message` into an event that may hold an earlier one (see `decode_line_into`).
pub fn decode_message_into(
    message: &rdkafka::message::BorrowedMessage<'_>,
    context: &mut crate::event::DecodeContext,
    event: &mut crate::event::LogEvent,
    maps: &mut crate::event::FieldMaps,
) {
    use crate::event::Timestamp;
    use rdkafka::message::Message;
    context.received_at = message
        .timestamp()
        .to_millis()
        .map_or_else(Timestamp::now, Timestamp::from_millis);
    let payload = message.payload().unwrap_or_default();
    crate::event::decode_line_into(payload, context, event, maps);
}
