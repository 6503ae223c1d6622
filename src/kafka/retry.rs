//! Kafka calls asked again while a cluster moves. A broker restarting, a partition's
//! leadership moving or a group coordinator loading its state answers with errors Kafka
//! itself calls retriable; they end once the cluster settles. Such a call is asked again,
//! with growing pauses, for a bounded time, and what is waited for is said once: a
//! rolling restart is ridden through, never fatal, and a cluster that stays down still
//! ends in a clear error.

use rdkafka::error::{KafkaError, KafkaResult, RDKafkaErrorCode};
use std::time::{Duration, Instant};

/// How long a call keeps being asked before its error is given up to the caller.
pub const PATIENCE: Duration = Duration::from_secs(60);
const FIRST_PAUSE: Duration = Duration::from_millis(100);
const LONGEST_PAUSE: Duration = Duration::from_secs(2);

/// Whether `error` is one a moving cluster gives and a settled one stops giving.
pub fn is_retriable(error: &KafkaError) -> bool {
    use RDKafkaErrorCode::*;
    matches!(
        error.rdkafka_error_code(),
        Some(
            NotLeaderForPartition
                | LeaderNotAvailable
                | PreferredLeaderNotAvailable
                | FencedLeaderEpoch
                | UnknownLeaderEpoch
                | CoordinatorLoadInProgress
                | CoordinatorNotAvailable
                | NotCoordinator
                | RequestTimedOut
                | OperationTimedOut
                | NetworkException
                | BrokerTransportFailure
                | DestroyBroker
                | AllBrokersDown
                | NotEnoughReplicas
                | NotEnoughReplicasAfterAppend
                | OffsetNotAvailable
                | KafkaStorageError
        )
    )
}

/// `call`, asked again while it fails with a retriable error, for up to `PATIENCE`; `what`
/// names it (`"reading the end of logs/2"`) in the one note said while waiting.
pub fn retrying<T>(what: &str, call: impl FnMut() -> KafkaResult<T>) -> KafkaResult<T> {
    retrying_for(what, PATIENCE, call)
}

pub fn retrying_for<T>(
    what: &str,
    patience: Duration,
    mut call: impl FnMut() -> KafkaResult<T>,
) -> KafkaResult<T> {
    let deadline = Instant::now() + patience;
    let mut pause = FIRST_PAUSE;
    let mut said = false;
    loop {
        match call() {
            Err(error) if is_retriable(&error) && Instant::now() + pause < deadline => {
                if !said {
                    eprintln!(
                        "note: kafka: {what}: {error}; asking again for up to {}s while the cluster settles",
                        patience.as_secs()
                    );
                    said = true;
                }
                std::thread::sleep(pause);
                pause = (pause * 2).min(LONGEST_PAUSE);
            }
            answered => return answered,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retriable_errors_are_asked_again_and_others_are_not() {
        let mut asked = 0;
        let answer = retrying_for("a test", Duration::from_secs(5), || {
            asked += 1;
            if asked < 3 {
                Err(KafkaError::MetadataFetch(
                    RDKafkaErrorCode::LeaderNotAvailable,
                ))
            } else {
                Ok(asked)
            }
        });
        assert_eq!(answer.unwrap(), 3);
        let mut asked = 0;
        let answer: KafkaResult<()> = retrying_for("a test", Duration::from_secs(5), || {
            asked += 1;
            Err(KafkaError::MetadataFetch(
                RDKafkaErrorCode::TopicAuthorizationFailed,
            ))
        });
        assert!(answer.is_err());
        assert_eq!(asked, 1, "an ACL refusal is not waited out");
        let started = Instant::now();
        let answer: KafkaResult<()> = retrying_for("a test", Duration::from_millis(400), || {
            Err(KafkaError::OffsetFetch(RDKafkaErrorCode::NotCoordinator))
        });
        assert!(answer.is_err());
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "the patience is bounded"
        );
    }
}
