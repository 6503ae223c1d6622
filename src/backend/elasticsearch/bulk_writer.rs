//! Settling a batch with the cluster: bulk requests until every item is stored, already
//! stored (a replay: its id exists) or rejected, retrying what can be retried with
//! backoff and jitter. What to do with a rejected item is the caller's business (a
//! dead-letter topic, a local file), so this knows nothing of where events came from.

use super::bulk::{
    blocked_advice, encode_item, parse_response, request_is_blocked, request_is_retryable,
    ItemOutcome,
};
use super::client::error_reason;
use super::{EsClient, EsError};
use crate::event::LogEvent;
use elasticsearch::http::Method;
use std::time::{Duration, Instant};

/// Longest pause between attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(10);

/// One event to store under a deterministic id.
pub struct BulkItem<'a> {
    pub id: &'a str,
    pub event: &'a LogEvent,
}

/// Counts kept across batches.
#[derive(Debug, Default, Clone, Copy)]
pub struct BulkCounts {
    pub stored: u64,
    pub already_stored: u64,
    pub rejected: u64,
    pub retries: u64,
}

pub struct BulkWriter<'a> {
    pub client: &'a EsClient,
    pub index_prefix: String,
    pub counts: BulkCounts,
    troubled: bool,
}

impl<'a> BulkWriter<'a> {
    pub fn new(client: &'a EsClient, index_prefix: &str) -> BulkWriter<'a> {
        BulkWriter {
            client,
            index_prefix: index_prefix.to_string(),
            counts: BulkCounts::default(),
            troubled: false,
        }
    }

    /// Sends `items` until each is stored, already stored or handed to `reject` (with its
    /// index and the cluster's reason). Returns false if `stop` asked to end while the
    /// cluster was not accepting them.
    pub fn settle(
        &mut self,
        items: &[BulkItem<'_>],
        reject: &mut dyn FnMut(usize, String) -> anyhow::Result<()>,
        stop: &dyn Fn() -> bool,
    ) -> anyhow::Result<bool> {
        let mut waiting: Vec<usize> = (0..items.len()).collect();
        let mut attempt = 0u32;
        let mut body = Vec::new();
        while !waiting.is_empty() {
            body.clear();
            let ingested = crate::event::Timestamp::now().to_rfc3339();
            for &i in &waiting {
                encode_item(
                    &self.index_prefix,
                    items[i].id,
                    items[i].event,
                    &ingested,
                    &mut body,
                );
            }
            let outcomes = match self.send(&body, waiting.len())? {
                Some(outcomes) => outcomes,
                None => {
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
                    ItemOutcome::Stored => self.counts.stored += 1,
                    ItemOutcome::AlreadyStored => self.counts.already_stored += 1,
                    ItemOutcome::Retry { .. } => {
                        self.counts.retries += 1;
                        again.push(i);
                    }
                    ItemOutcome::Blocked { status, reason } => {
                        self.trouble(&blocked_advice(status, &reason));
                        blocked = true;
                        again.push(i);
                    }
                    ItemOutcome::Rejected { status, reason } => {
                        reject(
                            i,
                            format!("Elasticsearch rejected it (HTTP {status}): {reason}"),
                        )?;
                        self.counts.rejected += 1;
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
        Ok(true)
    }

    /// One bulk request: the items' outcomes, or `None` when the whole request is to be
    /// tried again (the problem was said once).
    fn send(&mut self, body: &[u8], expected: usize) -> anyhow::Result<Option<Vec<ItemOutcome>>> {
        let reply = self
            .client
            .request(Method::Post, "/_bulk", Some(body.to_vec()), true);
        match reply {
            Ok(reply) if (200..300).contains(&reply.status) => {
                match parse_response(&reply.body, expected) {
                    Ok(outcomes) => Ok(Some(outcomes)),
                    Err(problem) => {
                        self.trouble(&problem);
                        Ok(None)
                    }
                }
            }
            Ok(reply) if request_is_retryable(reply.status) => {
                self.trouble(&format!(
                    "the cluster answered HTTP {} to a bulk request",
                    reply.status
                ));
                Ok(None)
            }
            Ok(reply) if request_is_blocked(reply.status) => {
                let reason = error_reason(&reply.body);
                self.trouble(&blocked_advice(reply.status, &reason));
                Ok(None)
            }
            Ok(reply) => Err(EsError::Refused {
                what: "a bulk request".into(),
                status: reply.status,
                reason: error_reason(&reply.body),
            }
            .into()),
            Err(e) => {
                self.trouble(&e.to_string());
                Ok(None)
            }
        }
    }

    fn trouble(&mut self, problem: &str) {
        self.counts.retries += 1;
        if !self.troubled {
            eprintln!(
                "warning: {problem}; retrying (nothing is committed until the batch is stored)"
            );
            self.troubled = true;
        }
    }

    /// Waits before the next attempt: exponential, capped, with jitter so that many
    /// writers do not retry in step. Returns false if `stop` asked to end meanwhile.
    fn pause(&self, attempt: &mut u32, stop: &dyn Fn() -> bool) -> bool {
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
