//! The Elasticsearch side of `ingest --to elasticsearch`: settling a batch (bulk requests
//! until every item is stored, already stored or dead-lettered, with backoff and jitter),
//! on a thread of its own so that the consumer reads and encodes the next batch while the
//! cluster indexes this one. Batches are settled in the order they are handed over, and
//! each is reported back with the offsets to commit once it is settled.

use super::dead_letter::{DeadLetters, Rejected};
use super::ingest::{IngestOptions, IngestSummary};
use super::metrics::IngestMetrics;
use super::KafkaIssue;
use crate::backend::elasticsearch::bulk::{
    blocked_advice, encode_item, parse_response, request_is_blocked, request_is_retryable,
    ItemOutcome,
};
use crate::backend::elasticsearch::{EsClient, EsError};
use crate::event::LogEvent;
use elasticsearch::http::Method;
use std::collections::BTreeMap;
use std::sync::mpsc::{Receiver, Sender};
use std::time::{Duration, Instant};

/// How bulk requests are cut.
#[derive(Debug, Clone)]
pub struct BulkLimits {
    pub index_prefix: String,
    /// Bytes of NDJSON per request (Elastic suggests 5-15 MB).
    pub bytes: usize,
    pub events: usize,
}

/// One event waiting to be stored, with where it came from (for its dead letter).
pub struct Pending {
    pub id: String,
    pub event: LogEvent,
    pub partition: i32,
    pub offset: i64,
    pub key: Option<Vec<u8>>,
    pub payload: Vec<u8>,
}

/// A message rejected before it is sent (over the size limit).
pub struct Letter {
    pub partition: i32,
    pub offset: i64,
    pub key: Option<Vec<u8>>,
    pub payload: Vec<u8>,
    pub reason: String,
}

/// What the consumer hands to the sink, in order.
pub enum Work {
    /// A batch, and the next offset of each partition once it (and all before it) is stored.
    Batch {
        batch: Vec<Pending>,
        commit: BTreeMap<i32, i64>,
    },
    Letter(Letter),
}

/// What the sink reports back.
pub enum Done {
    Settled {
        commit: BTreeMap<i32, i64>,
    },
    /// Asked to stop while the cluster was not accepting a batch: nothing more is settled.
    Stopped,
    Failed(anyhow::Error),
}

/// Longest pause between attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(10);

/// The sink's thread: settles work in order until the consumer hangs up, a stop comes
/// during an outage, or an error that retrying cannot mend.
pub fn serve(
    mut sink: Sink<'_>,
    work: Receiver<Work>,
    done: Sender<Done>,
    stop: &(impl Fn() -> bool + Sync),
) -> IngestSummary {
    for item in work {
        let report = match item {
            Work::Batch { mut batch, commit } => match sink.settle(&mut batch, stop) {
                Ok(true) => Done::Settled { commit },
                Ok(false) => Done::Stopped,
                Err(e) => Done::Failed(e),
            },
            Work::Letter(letter) => match sink.dead_letter(&letter) {
                Ok(()) => continue,
                Err(e) => Done::Failed(e.into()),
            },
        };
        let last = !matches!(report, Done::Settled { .. });
        if done.send(report).is_err() || last {
            break;
        }
    }
    sink.summary
}

pub struct Sink<'a> {
    pub client: &'a EsClient,
    pub limits: &'a BulkLimits,
    pub options: &'a IngestOptions,
    pub metrics: &'a IngestMetrics,
    pub dead_letters: Option<DeadLetters>,
    pub summary: IngestSummary,
    pub troubled: bool,
}

impl Sink<'_> {
    /// Sends the batch until every item is stored, already stored or dead-lettered, and
    /// waits for the dead letters (also those of an empty batch) to be confirmed.
    /// Returns false if `stop` asked to end while the cluster was not accepting it.
    pub fn settle(
        &mut self,
        batch: &mut Vec<Pending>,
        stop: &impl Fn() -> bool,
    ) -> Result<bool, anyhow::Error> {
        let started = Instant::now();
        let mut waiting: Vec<usize> = (0..batch.len()).collect();
        let mut attempt = 0u32;
        let mut body = Vec::with_capacity(self.limits.bytes + 1024);
        while !waiting.is_empty() {
            body.clear();
            let ingested = crate::event::Timestamp::now().to_rfc3339();
            for &i in &waiting {
                let item = &batch[i];
                encode_item(
                    &self.limits.index_prefix,
                    &item.id,
                    &item.event,
                    &ingested,
                    &mut body,
                );
            }
            let reply = self
                .client
                .request(Method::Post, "/_bulk", Some(body.clone()), true);
            let outcomes = match reply {
                Ok(reply) if (200..300).contains(&reply.status) => {
                    match parse_response(&reply.body, waiting.len()) {
                        Ok(outcomes) => outcomes,
                        Err(problem) => {
                            self.trouble(&problem);
                            if !self.pause(&mut attempt, stop) {
                                return Ok(false);
                            }
                            continue;
                        }
                    }
                }
                Ok(reply) if request_is_retryable(reply.status) => {
                    self.trouble(&format!(
                        "the cluster answered HTTP {} to a bulk request",
                        reply.status
                    ));
                    if !self.pause(&mut attempt, stop) {
                        return Ok(false);
                    }
                    continue;
                }
                Ok(reply) if request_is_blocked(reply.status) => {
                    let reason = crate::backend::elasticsearch::client::error_reason(&reply.body);
                    self.trouble(&blocked_advice(reply.status, &reason));
                    if !self.pause(&mut attempt, stop) {
                        return Ok(false);
                    }
                    continue;
                }
                Ok(reply) => {
                    return Err(EsError::Refused {
                        what: "a bulk request".into(),
                        status: reply.status,
                        reason: crate::backend::elasticsearch::client::error_reason(&reply.body),
                    }
                    .into())
                }
                Err(e) => {
                    self.trouble(&e.to_string());
                    if !self.pause(&mut attempt, stop) {
                        return Ok(false);
                    }
                    continue;
                }
            };
            let mut again = Vec::new();
            let mut blocked = false;
            for (&i, outcome) in waiting.iter().zip(outcomes) {
                match outcome {
                    ItemOutcome::Stored => self.summary.stored += 1,
                    ItemOutcome::AlreadyStored => self.summary.already_stored += 1,
                    ItemOutcome::Retry { .. } => {
                        self.metrics.retries.inc();
                        again.push(i);
                    }
                    ItemOutcome::Blocked { status, reason } => {
                        self.trouble(&blocked_advice(status, &reason));
                        blocked = true;
                        again.push(i);
                    }
                    ItemOutcome::Rejected { status, reason } => {
                        let item = &batch[i];
                        let letters = match self.dead_letters.as_mut() {
                            Some(letters) => letters,
                            None => self.dead_letters.insert(DeadLetters::open(
                                &self.options.brokers,
                                &self.options.topic,
                            )?),
                        };
                        letters.send_parts(
                            &Rejected {
                                topic: &self.options.topic,
                                partition: item.partition,
                                offset: item.offset,
                                key: item.key.as_deref(),
                                payload: &item.payload,
                            },
                            &format!("Elasticsearch rejected it (HTTP {status}): {reason}"),
                        )?;
                        self.metrics.dead_letters.inc();
                        self.summary.dead_lettered += 1;
                    }
                }
            }
            if self.troubled && !blocked {
                eprintln!("Elasticsearch accepts bulk requests again");
                self.troubled = false;
            }
            waiting = again;
            if !waiting.is_empty() && !self.pause(&mut attempt, stop) {
                return Ok(false);
            }
        }
        if let Some(letters) = &self.dead_letters {
            letters.settle()?;
        }
        self.metrics.events_out.inc_by(batch.len() as u64);
        self.metrics
            .commit_seconds
            .observe(started.elapsed().as_secs_f64());
        batch.clear();
        Ok(true)
    }

    fn letters(&mut self) -> Result<&mut DeadLetters, KafkaIssue> {
        match self.dead_letters {
            Some(ref mut letters) => Ok(letters),
            None => Ok(self.dead_letters.insert(DeadLetters::open(
                &self.options.brokers,
                &self.options.topic,
            )?)),
        }
    }

    /// Rejects a message before it is ever sent (it is confirmed with the next batch).
    fn dead_letter(&mut self, letter: &Letter) -> Result<(), KafkaIssue> {
        let topic = &self.options.topic;
        self.letters()?.send_parts(
            &Rejected {
                topic,
                partition: letter.partition,
                offset: letter.offset,
                key: letter.key.as_deref(),
                payload: &letter.payload,
            },
            &letter.reason,
        )?;
        self.metrics.dead_letters.inc();
        self.summary.dead_lettered += 1;
        Ok(())
    }

    fn trouble(&mut self, problem: &str) {
        self.metrics.retries.inc();
        if !self.troubled {
            eprintln!(
                "warning: {problem}; retrying (nothing is committed until the batch is stored)"
            );
            self.troubled = true;
        }
    }

    /// Waits before the next attempt: exponential, capped, with jitter so that many
    /// ingestors do not retry in step. Returns false if `stop` asked to end meanwhile.
    fn pause(&self, attempt: &mut u32, stop: &impl Fn() -> bool) -> bool {
        let ceiling = Duration::from_millis(100)
            .saturating_mul(1u32 << (*attempt).min(10))
            .min(MAX_BACKOFF);
        let wait = ceiling.mul_f64(0.5 + fastrand::f64() / 2.0);
        *attempt += 1;
        let until = Instant::now() + wait;
        while Instant::now() < until {
            if stop() {
                return false;
            }
            std::thread::sleep(Duration::from_millis(20).min(wait));
        }
        true
    }
}
