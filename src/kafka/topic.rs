//! Checking that a topic exists (and reaching the cluster at all), and creating it.

use super::Cluster;
use super::{KafkaIssue, CONNECT_TIMEOUT};
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::{Client, DefaultClientContext};
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::metadata::Metadata;
use rdkafka::types::RDKafkaErrorCode;
use rdkafka::ClientContext;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Partition ids of `topic`, or a clear error when the broker or the topic is missing.
pub fn partitions<C: ClientContext>(
    client: &Client<C>,
    cluster: &Cluster,
    topic: &str,
) -> Result<Vec<i32>, KafkaIssue> {
    let metadata = client
        .fetch_metadata(Some(topic), CONNECT_TIMEOUT)
        .map_err(|e| KafkaIssue::Unreachable {
            brokers: cluster.to_string(),
            secs: CONNECT_TIMEOUT.as_secs(),
            reason: e.to_string(),
        })?;
    partitions_in(&metadata, cluster, topic)
}

fn partitions_in(
    metadata: &Metadata,
    cluster: &Cluster,
    topic: &str,
) -> Result<Vec<i32>, KafkaIssue> {
    let missing = || KafkaIssue::NoTopic {
        topic: topic.into(),
        brokers: cluster.to_string(),
    };
    let found = metadata
        .topics()
        .iter()
        .find(|t| t.name() == topic)
        .ok_or_else(missing)?;
    if let Some(code) = found.error() {
        let code = RDKafkaErrorCode::from(code);
        let error = rdkafka::error::KafkaError::MetadataFetch(code);
        return Err(KafkaIssue::refusal(cluster.brokers(), &error, "")
            .map(|issue| match issue {
                KafkaIssue::NotAuthorized { brokers, code, .. } => KafkaIssue::NotAuthorized {
                    brokers,
                    action: format!("use topic '{topic}'"),
                    code,
                },
                other => other,
            })
            .unwrap_or_else(missing));
    }
    if found.partitions().is_empty() {
        return Err(missing());
    }
    let mut ids: Vec<i32> = found.partitions().iter().map(|p| p.id()).collect();
    ids.sort_unstable();
    Ok(ids)
}

/// Reaches the cluster (and finds `topic`, when one is named) before anything else is set
/// up: a store is not created for a broker that cannot be reached. A refused password, an
/// untrusted certificate or a missing ACL is said as such as soon as librdkafka reports
/// it, not as a broker that does not answer.
pub fn check(cluster: &Cluster, topic: &str) -> Result<Vec<i32>, KafkaIssue> {
    reach(cluster, Some(topic))
}

/// `check` without a topic: the partitions answer is empty.
pub fn reach(cluster: &Cluster, topic: Option<&str>) -> Result<Vec<i32>, KafkaIssue> {
    let client: BaseConsumer<ConnectionTrouble> = cluster
        .config(&[])
        .create_with_context(ConnectionTrouble::default())
        .map_err(|cause| KafkaIssue::Client {
            context: format!("cannot create a client for {cluster}"),
            cause,
        })?;
    let deadline = Instant::now() + CONNECT_TIMEOUT;
    loop {
        let attempt = client.fetch_metadata(topic, Duration::from_millis(500));
        // Errors about connections reach the context only when the client is polled.
        while client.poll(Duration::ZERO).is_some() {}
        if let Some(refusal) = client.context().refusal(cluster) {
            return Err(refusal);
        }
        match attempt {
            Ok(metadata) => {
                return match topic {
                    Some(topic) => partitions_in(&metadata, cluster, topic),
                    None => Ok(Vec::new()),
                }
            }
            Err(error) if Instant::now() >= deadline => {
                return Err(KafkaIssue::Unreachable {
                    brokers: cluster.to_string(),
                    secs: CONNECT_TIMEOUT.as_secs(),
                    reason: client
                        .context()
                        .last_reason()
                        .map_or_else(|| error.to_string(), |reason| cluster.redact(&reason)),
                })
            }
            Err(_) => {}
        }
    }
}

/// What librdkafka said about a client's connections, kept so that a failure can say why.
#[derive(Default)]
struct ConnectionTrouble {
    refused: Mutex<Option<(rdkafka::error::KafkaError, String)>>,
    last: Mutex<Option<String>>,
}

impl ConnectionTrouble {
    fn refusal(&self, cluster: &Cluster) -> Option<KafkaIssue> {
        let refused = self.refused.lock().ok()?;
        let (error, reason) = refused.as_ref()?;
        KafkaIssue::refusal(cluster.brokers(), error, &cluster.redact(reason))
    }

    fn last_reason(&self) -> Option<String> {
        self.last.lock().ok()?.clone()
    }
}

impl ClientContext for ConnectionTrouble {
    fn error(&self, error: rdkafka::error::KafkaError, reason: &str) {
        // "1/1 brokers are down" follows every failed connection and says less than it.
        let summary = error.rdkafka_error_code() == Some(RDKafkaErrorCode::AllBrokersDown);
        if KafkaIssue::refusal("", &error, reason).is_some() {
            if let Ok(mut refused) = self.refused.lock() {
                refused.get_or_insert_with(|| (error, reason.to_string()));
            }
        }
        if let Ok(mut last) = self.last.lock() {
            if !summary || last.is_none() {
                *last = Some(reason.to_string());
            }
        }
    }
}

impl rdkafka::consumer::ConsumerContext for ConnectionTrouble {}

/// Creates `topic` unless it exists.
pub fn create(
    cluster: &Cluster,
    topic: &str,
    partitions: i32,
    replication: i32,
) -> Result<(), KafkaIssue> {
    reach(cluster, None)?;
    let admin: AdminClient<DefaultClientContext> =
        super::client_config(cluster)
            .create()
            .map_err(|cause| KafkaIssue::Client {
                context: format!("cannot create an admin client for {cluster}"),
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
            context: format!("cannot create topic '{topic}' on {cluster}"),
            cause,
        })?;
    for result in results {
        match result {
            Ok(_) | Err((_, RDKafkaErrorCode::TopicAlreadyExists)) => {}
            Err((name, code)) => {
                return Err(KafkaIssue::Client {
                    context: format!("cannot create topic '{name}' on {cluster}"),
                    cause: rdkafka::error::KafkaError::AdminOp(code),
                })
            }
        }
    }
    // The controller has created it; brokers show it (with a leader for each partition) a
    // moment later. Whoever checks for the topic next must find it.
    let deadline = std::time::Instant::now() + CONNECT_TIMEOUT;
    loop {
        match self::partitions(admin.inner(), cluster, topic) {
            Ok(_) => return Ok(()),
            Err(KafkaIssue::NoTopic { .. }) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            Err(e) => return Err(e),
        }
    }
}
