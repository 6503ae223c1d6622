//! Bulk requests and what Elasticsearch answered for each item. Pure: bytes in, bytes out,
//! so every rule is tested on canned responses.
//!
//! Each event is a `create` with an id derived from its source position: a replay after a
//! crash answers 409 for what is already stored, which counts as done (a no-op), never as
//! a duplicate.

use super::document::{index_name, write_document};
use crate::event::LogEvent;
use serde::Deserialize;
use std::collections::BTreeMap;

/// Appends one `create` action and its document to a bulk body; `ingested` (RFC 3339) is
/// when it was sent, the order `tail` follows.
pub fn encode_item(prefix: &str, id: &str, event: &LogEvent, ingested: &str, out: &mut Vec<u8>) {
    out.extend_from_slice(b"{\"create\":{\"_index\":\"");
    out.extend_from_slice(index_name(prefix, event.timestamp).as_bytes());
    out.extend_from_slice(b"\",\"_id\":\"");
    out.extend_from_slice(id.as_bytes());
    out.extend_from_slice(b"\"}}\n");
    write_document(event, out);
    // `write_document` ends with the object's closing brace: reopen it for the ECS
    // `event.ingested` that only the bulk path knows.
    out.pop();
    out.extend_from_slice(b",\"event\":{\"ingested\":\"");
    out.extend_from_slice(ingested.as_bytes());
    out.extend_from_slice(b"\"}}\n");
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemOutcome {
    Stored,
    /// 409 on `create`: stored by an earlier attempt.
    AlreadyStored,
    /// Worth trying again later (429, 5xx).
    Retry {
        status: u16,
        reason: String,
    },
    /// Refused for a reason of the cluster's configuration, not of the event (401, 403:
    /// credentials or privileges; 404: the index may not be created, as with
    /// `action.auto_create_index` off): the event is fine, so wait and send it again.
    Blocked {
        status: u16,
        reason: String,
    },
    /// Will never be accepted as it is (a mapping conflict, for instance): a dead letter.
    Rejected {
        status: u16,
        reason: String,
    },
}

/// The rule for one item's status.
pub fn classify(status: u16, reason: impl FnOnce() -> String) -> ItemOutcome {
    match status {
        200..=299 => ItemOutcome::Stored,
        409 => ItemOutcome::AlreadyStored,
        429 | 500..=599 => ItemOutcome::Retry {
            status,
            reason: reason(),
        },
        401 | 403 | 404 => ItemOutcome::Blocked {
            status,
            reason: reason(),
        },
        _ => ItemOutcome::Rejected {
            status,
            reason: reason(),
        },
    }
}

/// Whether a failed request as a whole (not its items) should be sent again.
pub fn request_is_retryable(status: u16) -> bool {
    matches!(status, 408 | 429 | 500..=599)
}

/// Whether a failed request as a whole was refused by the cluster's configuration
/// (credentials, privileges, an index that may not be created): wait, retry, say so.
pub fn request_is_blocked(status: u16) -> bool {
    matches!(status, 401 | 403 | 404)
}

/// What to tell an operator whose cluster refuses writes with `status`.
pub fn blocked_advice(status: u16, reason: &str) -> String {
    let hint = match status {
        401 => "the credentials are not accepted: check --es-user and LOGAGG_ES_PASSWORD (or the profile's es_password), or the API key (LOGAGG_ES_API_KEY)",
        403 => "the user lacks a privilege: it needs create_doc (or write) and create_index on the logagg indices",
        _ => "the index does not exist and may not be created: install the template with `logagg es setup` and allow creating logagg indices (action.auto_create_index)",
    };
    format!(
        "Elasticsearch refuses to store events (HTTP {status}: {reason}); this is the cluster's configuration, not bad events, so none is dead-lettered: {hint}"
    )
}

#[derive(Deserialize)]
struct BulkResponse {
    #[serde(default)]
    items: Vec<BTreeMap<String, ItemResult>>,
}

#[derive(Deserialize)]
struct ItemResult {
    status: u16,
    #[serde(default)]
    error: Option<serde_json::Value>,
}

fn reason_of(error: &Option<serde_json::Value>) -> String {
    match error {
        Some(e) => {
            let kind = e.get("type").and_then(|t| t.as_str()).unwrap_or("error");
            let reason = e.get("reason").and_then(|r| r.as_str()).unwrap_or("");
            let cause = e
                .get("caused_by")
                .and_then(|c| c.get("reason"))
                .and_then(|r| r.as_str())
                .map(|c| format!(" ({c})"))
                .unwrap_or_default();
            format!("{kind}: {reason}{cause}")
        }
        None => "no reason given".into(),
    }
}

/// One outcome per item, in request order. Reads every item even when the HTTP status
/// was 200: `"errors": true` means some items failed.
pub fn parse_response(body: &[u8], expected: usize) -> Result<Vec<ItemOutcome>, String> {
    let response: BulkResponse =
        serde_json::from_slice(body).map_err(|e| format!("unreadable bulk response: {e}"))?;
    if response.items.len() != expected {
        return Err(format!(
            "the bulk response has {} items for {expected} sent",
            response.items.len()
        ));
    }
    Ok(response
        .items
        .iter()
        .map(|item| match item.values().next() {
            Some(result) => classify(result.status, || reason_of(&result.error)),
            None => ItemOutcome::Retry {
                status: 0,
                reason: "an empty item in the bulk response".into(),
            },
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shape of Elastic's documented bulk response with mixed per-item results.
    const MIXED: &str = r#"{
      "took": 30, "errors": true,
      "items": [
        {"create": {"_index": "logs-2026.11.24", "_id": "a", "_version": 1, "result": "created", "status": 201, "_seq_no": 0, "_primary_term": 1}},
        {"create": {"_index": "logs-2026.11.24", "_id": "b", "status": 409,
                    "error": {"type": "version_conflict_engine_exception", "reason": "[b]: version conflict, document already exists (current version [1])", "index": "logs-2026.11.24"}}},
        {"create": {"_index": "logs-2026.11.24", "_id": "c", "status": 429,
                    "error": {"type": "es_rejected_execution_exception", "reason": "rejected execution of coordinating operation"}}},
        {"create": {"_index": "logs-2026.11.24", "_id": "d", "status": 400,
                    "error": {"type": "document_parsing_exception", "reason": "[1:120] failed to parse field [fields.status] of type [long]",
                              "caused_by": {"type": "illegal_argument_exception", "reason": "For input string: \"abc\""}}}},
        {"create": {"_index": "logs-2026.11.24", "_id": "e", "status": 503,
                    "error": {"type": "unavailable_shards_exception", "reason": "primary shard is not active"}}},
        {"index": {"_index": "logs-2026.11.24", "_id": "f", "status": 200}},
        {"create": {"_index": "logs-2026.11.25", "_id": "g", "status": 404,
                    "error": {"type": "index_not_found_exception", "reason": "no such index [logs-2026.11.25] and [action.auto_create_index] is [false]"}}},
        {"create": {"_index": "logs-2026.11.24", "_id": "h", "status": 403,
                    "error": {"type": "security_exception", "reason": "action [indices:data/write/bulk[s]] is unauthorized for user [ingest]"}}}
      ]
    }"#;

    #[test]
    fn every_item_is_classified_even_under_http_200() {
        let outcomes = parse_response(MIXED.as_bytes(), 8).unwrap();
        assert_eq!(outcomes[0], ItemOutcome::Stored);
        assert_eq!(outcomes[1], ItemOutcome::AlreadyStored);
        assert!(matches!(
            outcomes[2],
            ItemOutcome::Retry { status: 429, .. }
        ));
        match &outcomes[3] {
            ItemOutcome::Rejected {
                status: 400,
                reason,
            } => {
                assert!(reason.starts_with(
                    "document_parsing_exception: [1:120] failed to parse field [fields.status]"
                ));
                assert!(reason.ends_with("(For input string: \"abc\")"));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            outcomes[4],
            ItemOutcome::Retry { status: 503, .. }
        ));
        assert_eq!(outcomes[5], ItemOutcome::Stored);
        assert!(matches!(
            outcomes[6],
            ItemOutcome::Blocked { status: 404, .. }
        ));
        assert!(matches!(
            outcomes[7],
            ItemOutcome::Blocked { status: 403, .. }
        ));
        assert!(parse_response(MIXED.as_bytes(), 5).is_err());
        assert!(parse_response(b"<html>", 1).is_err());
    }

    #[test]
    fn items_are_create_actions_with_deterministic_ids() {
        let event = crate::event::decode_line(
            br#"{"@timestamp":"2026-11-24T23:59:59Z","service":"s","message":"m"}"#,
            &crate::event::DecodeContext::now(),
        );
        let mut body = Vec::new();
        encode_item(
            "logs",
            "00ff",
            &event,
            "2026-11-25T00:00:00.000Z",
            &mut body,
        );
        let text = String::from_utf8(body).unwrap();
        let mut lines = text.lines();
        assert_eq!(
            lines.next(),
            Some(r#"{"create":{"_index":"logs-2026.11.24","_id":"00ff"}}"#)
        );
        let doc: serde_json::Value = serde_json::from_str(lines.next().unwrap()).unwrap();
        assert_eq!(doc["service"]["name"], "s");
        assert_eq!(doc["event"]["ingested"], "2026-11-25T00:00:00.000Z");
        assert!(text.ends_with('\n'));
    }

    #[test]
    fn whole_request_failures() {
        assert!(request_is_retryable(503) && request_is_retryable(429));
        assert!(!request_is_retryable(400) && !request_is_retryable(401));
        assert!(request_is_blocked(401) && request_is_blocked(403) && request_is_blocked(404));
        assert!(!request_is_blocked(400));
        assert!(blocked_advice(403, "security_exception: x").contains("privilege"));
    }
}
