//! Kafka failures as the user should read them.

#[derive(Debug, thiserror::Error)]
pub enum KafkaIssue {
    #[error("cannot reach Kafka at {brokers} within {secs}s ({reason}); is the broker running and the address right (--brokers)?")]
    Unreachable {
        brokers: String,
        secs: u64,
        reason: String,
    },
    #[error("topic '{topic}' does not exist on {brokers}; pass --create-topic to create it (with --partitions and --replication-factor)")]
    NoTopic { topic: String, brokers: String },
    #[error("{context}: {cause}")]
    Client {
        context: String,
        cause: rdkafka::error::KafkaError,
    },
    #[error(
        "{failed} of {total} events were not delivered to '{topic}' (first error: {first_error})"
    )]
    Undelivered {
        failed: u64,
        total: u64,
        topic: String,
        first_error: String,
    },
}
