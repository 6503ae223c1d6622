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
    #[error("Kafka at {brokers} refused the credentials ({reason}); check --kafka-user, --kafka-sasl and the password (LOGAGG_KAFKA_PASSWORD or --kafka-password-file)")]
    Authentication { brokers: String, reason: String },
    #[error("no trusted TLS connection to Kafka at {brokers} ({reason}); check that --kafka-ca names the authority that signed the brokers' certificates, that --brokers names the hosts they were issued for, and, where brokers ask for one, the client certificate (--kafka-cert, --kafka-key)")]
    Tls { brokers: String, reason: String },
    #[error("Kafka at {brokers} does not allow this user to {action} ({code}); ask the cluster's operator for an ACL granting it")]
    NotAuthorized {
        brokers: String,
        action: String,
        code: String,
    },
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

impl KafkaIssue {
    /// The refusal a broker's answer means, if it is one: no retry can fix it, only a
    /// change of credentials or ACLs.
    pub fn refusal(
        brokers: &str,
        error: &rdkafka::error::KafkaError,
        reason: &str,
    ) -> Option<KafkaIssue> {
        use rdkafka::types::RDKafkaErrorCode::*;
        let code = error.rdkafka_error_code()?;
        let action = match code {
            Authentication | SaslAuthenticationFailed => {
                return Some(KafkaIssue::Authentication {
                    brokers: brokers.to_string(),
                    reason: reason.to_string(),
                })
            }
            // A broker that refuses our certificate ends the connection with a TLS alert.
            BrokerTransportFailure if reason.contains("SSL routines") => {
                return Some(KafkaIssue::Tls {
                    brokers: brokers.to_string(),
                    reason: reason.to_string(),
                })
            }
            SSL => {
                return Some(KafkaIssue::Tls {
                    brokers: brokers.to_string(),
                    reason: reason.to_string(),
                })
            }
            TopicAuthorizationFailed => "use the topic",
            GroupAuthorizationFailed => "use the consumer group (give --group another name or ask for a group ACL)",
            ClusterAuthorizationFailed => "act on the cluster (an idempotent producer needs IDEMPOTENT_WRITE on older brokers)",
            TransactionalIdAuthorizationFailed => "use the transactional id",
            _ => return None,
        };
        Some(KafkaIssue::NotAuthorized {
            brokers: brokers.to_string(),
            action: action.to_string(),
            code: format!("{code:?}"),
        })
    }
}
