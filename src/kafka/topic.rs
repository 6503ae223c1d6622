//! Checking that a topic exists (and reaching the cluster at all), and creating it.

use super::{KafkaIssue, CONNECT_TIMEOUT};
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::{Client, DefaultClientContext};
use rdkafka::types::RDKafkaErrorCode;
use rdkafka::ClientContext;

/// Partition ids of `topic`, or a clear error when the broker or the topic is missing.
pub fn partitions<C: ClientContext>(
    client: &Client<C>,
    brokers: &str,
    topic: &str,
) -> Result<Vec<i32>, KafkaIssue> {
    let metadata = client
        .fetch_metadata(Some(topic), CONNECT_TIMEOUT)
        .map_err(|e| KafkaIssue::Unreachable {
            brokers: brokers.to_string(),
            secs: CONNECT_TIMEOUT.as_secs(),
            reason: e.to_string(),
        })?;
    let Some(found) = metadata.topics().iter().find(|t| t.name() == topic) else {
        return Err(KafkaIssue::NoTopic {
            topic: topic.into(),
            brokers: brokers.into(),
        });
    };
    if found.error().is_some() || found.partitions().is_empty() {
        return Err(KafkaIssue::NoTopic {
            topic: topic.into(),
            brokers: brokers.into(),
        });
    }
    let mut ids: Vec<i32> = found.partitions().iter().map(|p| p.id()).collect();
    ids.sort_unstable();
    Ok(ids)
}

/// Reaches the cluster and finds `topic` before anything else is set up (a store is not
/// created for a broker that cannot be reached).
pub fn check(brokers: &str, topic: &str) -> Result<Vec<i32>, KafkaIssue> {
    let client: rdkafka::consumer::BaseConsumer =
        super::client_config(brokers)
            .create()
            .map_err(|cause| KafkaIssue::Client {
                context: format!("cannot create a client for {brokers}"),
                cause,
            })?;
    partitions(rdkafka::consumer::Consumer::client(&client), brokers, topic)
}

/// Creates `topic` unless it exists.
pub fn create(
    brokers: &str,
    topic: &str,
    partitions: i32,
    replication: i32,
) -> Result<(), KafkaIssue> {
    let admin: AdminClient<DefaultClientContext> =
        super::client_config(brokers)
            .create()
            .map_err(|cause| KafkaIssue::Client {
                context: format!("cannot create an admin client for {brokers}"),
                cause,
            })?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .map_err(|e| KafkaIssue::Client {
            context: format!("cannot start a runtime: {e}"),
            cause: rdkafka::error::KafkaError::Canceled,
        })?;
    let new_topic = NewTopic::new(topic, partitions, TopicReplication::Fixed(replication));
    let options = AdminOptions::new()
        .operation_timeout(Some(CONNECT_TIMEOUT))
        .request_timeout(Some(CONNECT_TIMEOUT));
    let results = runtime
        .block_on(admin.create_topics([&new_topic], &options))
        .map_err(|cause| KafkaIssue::Client {
            context: format!("cannot create topic '{topic}' on {brokers}"),
            cause,
        })?;
    for result in results {
        match result {
            Ok(_) | Err((_, RDKafkaErrorCode::TopicAlreadyExists)) => {}
            Err((name, code)) => {
                return Err(KafkaIssue::Client {
                    context: format!("cannot create topic '{name}' on {brokers}"),
                    cause: rdkafka::error::KafkaError::AdminOp(code),
                })
            }
        }
    }
    // The controller has created it; brokers show it (with a leader for each partition) a
    // moment later. Whoever checks for the topic next must find it.
    let deadline = std::time::Instant::now() + CONNECT_TIMEOUT;
    loop {
        match self::partitions(admin.inner(), brokers, topic) {
            Ok(_) => return Ok(()),
            Err(KafkaIssue::NoTopic { .. }) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            Err(e) => return Err(e),
        }
    }
}
