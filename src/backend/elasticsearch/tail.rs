//! Following new events on Elasticsearch in the order they arrive. Event time is no cursor:
//! late and backfilled events (a lagging consumer, a buffered shipper, clock skew) carry
//! old timestamps. The ingestor stamps each document with ECS `event.ingested` when it
//! sends it; documents become searchable a refresh after that, so each poll asks again for
//! everything ingested from a little before the newest ingestion time seen (the overlap)
//! and drops the ids already printed: nothing within the overlap is skipped and nothing
//! is printed twice. Documents without `event.ingested` (written by other shippers) show
//! in the history only.

use super::client::EsClient;
use super::document::{from_source, INGESTED, TIMESTAMP};
use super::dsl::to_dsl;
use crate::event::{LogEvent, Timestamp};
use crate::query::Query;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::Duration;

const PAGE: usize = 1000;

pub struct TailCursor {
    prefix: String,
    query: Query,
    overlap: Duration,
    /// The newest ingestion time seen so far.
    newest: Option<Timestamp>,
    /// Ids printed within the overlap, with their ingestion times (pruned as the cursor moves).
    seen: HashMap<String, i64>,
}

impl TailCursor {
    pub fn new(prefix: &str, query: Query, overlap: Duration) -> TailCursor {
        TailCursor {
            prefix: prefix.to_string(),
            query,
            overlap,
            newest: None,
            seen: HashMap::new(),
        }
    }

    /// The last `n` matching events, oldest first; following continues after them.
    pub fn history(&mut self, client: &EsClient, n: usize) -> Result<Vec<LogEvent>, anyhow::Error> {
        let body = json!({
            "query": to_dsl(&self.query),
            "sort": [{TIMESTAMP: {"order": "desc"}}],
            "size": n,
            "track_total_hits": false
        });
        let answer = client.search_json(&self.search_path(), &body)?;
        let mut hits = read_hits(&answer);
        hits.reverse();
        let history = self.remember(hits);
        self.prime(client, Timestamp::now())?;
        Ok(history)
    }

    /// Starts following at `now`: what is already searchable from the overlap before it
    /// arrived before the tail began, so it is marked seen rather than printed as new;
    /// what becomes searchable later is printed.
    fn prime(&mut self, client: &EsClient, now: Timestamp) -> Result<(), anyhow::Error> {
        let from = Timestamp(now.micros() - self.overlap.as_micros() as i64);
        let body = json!({
            "query": {"bool": {"filter": [
                to_dsl(&self.query),
                {"range": {INGESTED: {"gte": from.to_rfc3339()}}}
            ]}},
            "_source": [INGESTED],
            "size": 10_000,
            "track_total_hits": false
        });
        let answer = client.search_json(&self.search_path(), &body)?;
        for hit in answer
            .pointer("/hits/hits")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let id = hit.get("_id").and_then(Value::as_str);
            let ingested = hit
                .pointer("/_source/event/ingested")
                .and_then(Value::as_str)
                .and_then(Timestamp::parse);
            if let (Some(id), Some(ingested)) = (id, ingested) {
                self.seen.insert(id.to_string(), ingested.micros());
            }
        }
        self.newest = Some(self.newest.map_or(now, |n| n.max(now)));
        Ok(())
    }

    /// Matching events that arrived since the last call, in arrival order. Following
    /// starts at `now` when nothing has arrived before.
    pub fn poll(
        &mut self,
        client: &EsClient,
        now: Timestamp,
    ) -> Result<Vec<LogEvent>, anyhow::Error> {
        if self.newest.is_none() {
            self.prime(client, now)?;
        }
        let newest = self.newest.unwrap_or(now);
        let mut from = Timestamp(newest.micros() - self.overlap.as_micros() as i64);
        let mut fresh = Vec::new();
        let mut after: Option<Value> = None;
        loop {
            let mut body = json!({
                "query": {"bool": {"filter": [
                    to_dsl(&self.query),
                    {"range": {INGESTED: {"gte": from.to_rfc3339()}}}
                ]}},
                "sort": [{INGESTED: {"order": "asc"}}, {TIMESTAMP: {"order": "asc"}}],
                "size": PAGE,
                "track_total_hits": false
            });
            if let Some(after) = &after {
                body["search_after"] = after.clone();
            }
            let answer = client.search_json(&self.search_path(), &body)?;
            let hits = read_hits(&answer);
            let full = hits.len() == PAGE;
            let last = hits.last().and_then(|h| h.ingested);
            let last_sort = answer
                .pointer("/hits/hits")
                .and_then(Value::as_array)
                .and_then(|h| h.last())
                .and_then(|h| h.get("sort"))
                .cloned();
            fresh.extend(self.remember(hits));
            match last {
                Some(last) if full && last.micros() > from.micros() => {
                    // Start the next page at the last arrival again: ties are caught by ids.
                    from = last;
                    after = None;
                }
                // A whole page from one instant: step past it with search_after.
                Some(_) if full => after = last_sort,
                _ => break,
            }
        }
        self.prune();
        Ok(fresh)
    }

    fn remember(&mut self, hits: Vec<Hit>) -> Vec<LogEvent> {
        let mut fresh = Vec::new();
        for Hit {
            id,
            event,
            ingested,
        } in hits
        {
            if self.seen.contains_key(&id) {
                continue;
            }
            let arrived = ingested.unwrap_or(event.timestamp);
            self.seen.insert(id, arrived.micros());
            if ingested.is_some() && self.newest.is_none_or(|n| arrived > n) {
                self.newest = Some(arrived);
            }
            fresh.push(event);
        }
        fresh
    }

    fn prune(&mut self) {
        if let Some(newest) = self.newest {
            let keep_from = newest.micros() - 2 * self.overlap.as_micros() as i64;
            self.seen.retain(|_, ts| *ts >= keep_from);
        }
    }

    fn search_path(&self) -> String {
        format!(
            "/{}/_search?{}",
            super::document::daily_indices(&self.prefix),
            super::search::LENIENT
        )
    }
}

struct Hit {
    id: String,
    event: LogEvent,
    ingested: Option<Timestamp>,
}

fn read_hits(answer: &Value) -> Vec<Hit> {
    answer
        .pointer("/hits/hits")
        .and_then(Value::as_array)
        .map(|hits| {
            hits.iter()
                .filter_map(|h| {
                    let id = h.get("_id")?.as_str()?.to_string();
                    let source = h.get("_source")?;
                    let ingested = source
                        .pointer("/event/ingested")
                        .and_then(Value::as_str)
                        .and_then(Timestamp::parse);
                    Some(Hit {
                        id,
                        event: from_source(source),
                        ingested,
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The next wait between polls: shorter while events flow, longer while quiet.
pub fn next_interval(
    current: Duration,
    got_events: bool,
    floor: Duration,
    ceiling: Duration,
) -> Duration {
    let next = if got_events {
        current / 2
    } else {
        current.mul_f64(1.5)
    };
    next.clamp(floor, ceiling)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_poll_interval_adapts_to_the_rate() {
        let (floor, ceiling) = (Duration::from_millis(200), Duration::from_secs(5));
        let mut d = Duration::from_secs(1);
        d = next_interval(d, true, floor, ceiling);
        assert_eq!(d, Duration::from_millis(500));
        for _ in 0..20 {
            d = next_interval(d, false, floor, ceiling);
        }
        assert_eq!(d, ceiling);
    }

    #[test]
    fn ids_seen_in_the_overlap_are_not_printed_again() {
        let mut cursor = TailCursor::new("logs", Query::All, Duration::from_secs(5));
        let hit = |id: &str, s: &str| Hit {
            id: id.into(),
            event: crate::event::decode_line(
                format!(r#"{{"@timestamp":"2026-11-24T10:00:0{s}Z","message":"m{s}"}}"#).as_bytes(),
                &crate::event::DecodeContext::now(),
            ),
            ingested: Timestamp::parse(&format!("2026-11-26T10:00:0{s}Z")),
        };
        let first = cursor.remember(vec![hit("a", "1"), hit("b", "2")]);
        assert_eq!(first.len(), 2);
        let again = cursor.remember(vec![hit("b", "2"), hit("c", "3")]);
        assert_eq!(again.len(), 1);
        assert_eq!(again[0].message, "m3");
        assert_eq!(cursor.newest, Timestamp::parse("2026-11-26T10:00:03Z"));
    }

    #[test]
    fn a_late_event_is_new_by_its_arrival_not_its_time() {
        let mut cursor = TailCursor::new("logs", Query::All, Duration::from_secs(5));
        let answer: Value = serde_json::from_str(r#"{"hits":{"hits":[
            {"_id":"x","_source":{"@timestamp":"2020-01-01T00:00:00Z","message":"backfilled","event":{"ingested":"2026-11-26T10:00:00Z"}}}
        ]}}"#).unwrap();
        let fresh = cursor.remember(read_hits(&answer));
        assert_eq!(fresh.len(), 1);
        assert_eq!(cursor.newest, Timestamp::parse("2026-11-26T10:00:00Z"));
    }
}
