//! Following new events on Elasticsearch. Documents become searchable a refresh after
//! they are written, and not in timestamp order, so each poll asks again for everything
//! from a little before the newest timestamp seen (the overlap) and drops the ids already
//! printed: nothing within the overlap is skipped and nothing is printed twice.

use super::client::EsClient;
use super::document::{from_source, TIMESTAMP};
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
    /// The newest timestamp printed so far.
    newest: Option<Timestamp>,
    /// Ids printed within the overlap, with their timestamps (pruned as the cursor moves).
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
        let mut hits = read_ids_and_events(&answer);
        hits.reverse();
        Ok(self.remember(hits))
    }

    /// New matching events since the last call, in time order. The first call without
    /// history starts from `now`.
    pub fn poll(
        &mut self,
        client: &EsClient,
        now: Timestamp,
    ) -> Result<Vec<LogEvent>, anyhow::Error> {
        let newest = *self.newest.get_or_insert(now);
        let mut from = Timestamp(newest.micros() - self.overlap.as_micros() as i64);
        let mut fresh = Vec::new();
        let mut after: Option<Value> = None;
        loop {
            let mut body = json!({
                "query": {"bool": {"filter": [
                    to_dsl(&self.query),
                    {"range": {TIMESTAMP: {"gte": from.to_rfc3339()}}}
                ]}},
                "sort": [{TIMESTAMP: {"order": "asc"}}],
                "size": PAGE,
                "track_total_hits": false
            });
            if let Some(after) = &after {
                body["search_after"] = after.clone();
            }
            let answer = client.search_json(&self.search_path(), &body)?;
            let hits = read_ids_and_events(&answer);
            let full = hits.len() == PAGE;
            let last = hits.last().map(|(_, e)| e.timestamp);
            let last_sort = answer
                .pointer("/hits/hits")
                .and_then(Value::as_array)
                .and_then(|h| h.last())
                .and_then(|h| h.get("sort"))
                .cloned();
            fresh.extend(self.remember(hits));
            match last {
                Some(last) if full && last.micros() > from.micros() => {
                    // Start the next page at the last timestamp again: ties are caught by ids.
                    from = last;
                    after = None;
                }
                // A whole page with one timestamp: step past it with search_after.
                Some(_) if full => after = last_sort,
                _ => break,
            }
        }
        self.prune();
        Ok(fresh)
    }

    fn remember(&mut self, hits: Vec<(String, LogEvent)>) -> Vec<LogEvent> {
        let mut fresh = Vec::new();
        for (id, event) in hits {
            if self.seen.contains_key(&id) {
                continue;
            }
            self.seen.insert(id, event.timestamp.micros());
            if self.newest.is_none_or(|n| event.timestamp > n) {
                self.newest = Some(event.timestamp);
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
        format!("/{}-*/_search?{}", self.prefix, super::search::LENIENT)
    }
}

fn read_ids_and_events(answer: &Value) -> Vec<(String, LogEvent)> {
    answer
        .pointer("/hits/hits")
        .and_then(Value::as_array)
        .map(|hits| {
            hits.iter()
                .filter_map(|h| {
                    let id = h.get("_id")?.as_str()?.to_string();
                    Some((id, from_source(h.get("_source")?)))
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
        let event = |s: &str| {
            crate::event::decode_line(
                format!(r#"{{"@timestamp":"2026-11-24T10:00:0{s}Z","message":"m{s}"}}"#).as_bytes(),
                &crate::event::DecodeContext::now(),
            )
        };
        let first = cursor.remember(vec![("a".into(), event("1")), ("b".into(), event("2"))]);
        assert_eq!(first.len(), 2);
        let again = cursor.remember(vec![("b".into(), event("2")), ("c".into(), event("3"))]);
        assert_eq!(again.len(), 1);
        assert_eq!(again[0].message, "m3");
    }
}
