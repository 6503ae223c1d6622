//! Opening a producer the way every producing command does: brokers from flag, profile
//! or default; the topic created when asked; a clear error when it cannot be reached.

use super::args::{KafkaArgs, NewTopicArgs};
use super::settings::Settings;
use crate::kafka;
use crate::kafka::producer::{EventProducer, Patience};
use anyhow::Result;

/// The producer and the brokers it talks to.
pub fn open(
    settings: &Settings,
    target: &KafkaArgs,
    new_topic: &NewTopicArgs,
    patience: Patience,
) -> Result<(EventProducer, String)> {
    let brokers = settings.brokers(target.brokers.as_deref());
    if new_topic.create_topic {
        kafka::topic::create(
            &brokers,
            &target.topic,
            new_topic.partitions,
            new_topic.replication_factor,
        )?;
    }
    let producer = EventProducer::connect_with(&brokers, &target.topic, patience)?;
    Ok((producer, brokers))
}
