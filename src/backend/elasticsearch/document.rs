//! Events as Elasticsearch documents with ECS names (`@timestamp`, `log.level`,
//! `service.name`, `host.name`, `trace.id`, `message`), so Kibana and Grafana understand
//! them too; and back again from a hit's `_source`.

use crate::event::{write_key, write_str};
use crate::event::{Level, LogEvent, TimeFrom, Timestamp};
use serde_json::{Map, Value};

pub const TIMESTAMP: &str = "@timestamp";
pub const LEVEL: &str = "log.level";
pub const TIME_FROM: &str = "logagg.time_from";
pub const UNPARSED: &str = "logagg.unparsed";
pub const SERVICE: &str = "service.name";
pub const HOST: &str = "host.name";
pub const TRACE: &str = "trace.id";
pub const MESSAGE: &str = "message";
pub const INGESTED: &str = "event.ingested";

/// Daily indices: `PREFIX-YYYY.MM.DD` by the event's own (UTC) day.
pub fn index_name(prefix: &str, timestamp: Timestamp) -> String {
    format!("{prefix}-{}", timestamp.to_datetime().format("%Y.%m.%d"))
}

/// The name patterns of `prefix`'s daily indices, and of no other prefix's: `PREFIX-0*`
/// to `PREFIX-9*` (a day starts with a digit). `PREFIX-*` would also take in the indices
/// of a prefix that starts with this one (`logs` would read `logs-app-...`).
pub fn daily_patterns(prefix: &str) -> Vec<String> {
    (0..10).map(|digit| format!("{prefix}-{digit}*")).collect()
}

/// `daily_patterns` as one target of a request path (`/T/_search`).
pub fn daily_indices(prefix: &str) -> String {
    daily_patterns(prefix).join(",")
}

/// Writes the event's document as one line of JSON (no newline).
pub fn write_document(event: &LogEvent, out: &mut Vec<u8>) {
    out.extend_from_slice(b"{\"@timestamp\":\"");
    out.extend_from_slice(event.timestamp.to_rfc3339().as_bytes());
    out.extend_from_slice(b"\",\"log\":{\"level\":\"");
    out.extend_from_slice(event.level.as_str().as_bytes());
    out.extend_from_slice(b"\"},\"service\":{\"name\":");
    write_str(out, &event.service);
    out.extend_from_slice(b"},\"host\":{\"name\":");
    write_str(out, &event.host);
    out.push(b'}');
    if let Some(trace) = &event.trace_id {
        out.extend_from_slice(b",\"trace\":{\"id\":");
        write_str(out, trace);
        out.push(b'}');
    }
    // `write_key` starts with the separating comma.
    write_key(out, MESSAGE);
    write_str(out, &event.message);
    if !event.fields.is_empty() {
        write_key(out, "fields");
        // serde_json writes a Map with escaped keys and values; infallible into a Vec.
        let _ = serde_json::to_writer(&mut *out, &event.fields);
    }
    // Flags only where they say something: most events have neither.
    match (event.unparsed, event.time_from.is_exact()) {
        (false, true) => {}
        (true, true) => out.extend_from_slice(b",\"logagg\":{\"unparsed\":true}"),
        (unparsed, false) => {
            out.extend_from_slice(b",\"logagg\":{\"time_from\":\"");
            out.extend_from_slice(event.time_from.as_str().as_bytes());
            out.push(b'"');
            if unparsed {
                out.extend_from_slice(b",\"unparsed\":true");
            }
            out.push(b'}');
        }
    }
    out.push(b'}');
}

/// An event from a document's `_source` (what `write_document` wrote, or ECS from
/// another shipper: missing parts get the same defaults as a decoded line).
pub fn from_source(source: &Value) -> LogEvent {
    let text = |path: &[&str]| -> Option<String> {
        let mut value = source;
        for key in path {
            value = value.get(key)?;
        }
        value.as_str().map(str::to_owned)
    };
    let timestamp = text(&[TIMESTAMP])
        .and_then(|t| Timestamp::parse(&t))
        .unwrap_or_default();
    let level = text(&["log", "level"])
        .and_then(|l| Level::from_word(&l))
        .unwrap_or_default();
    let mut event = LogEvent::new(
        timestamp,
        level,
        &text(&["service", "name"]).unwrap_or_else(|| "unknown".into()),
        &text(&["host", "name"]).unwrap_or_else(|| "unknown".into()),
        &text(&[MESSAGE]).unwrap_or_default(),
    );
    event.trace_id = text(&["trace", "id"]);
    if let Some(Value::Object(fields)) = source.get("fields") {
        event.fields = fields.clone();
    } else {
        event.fields = Map::new();
    }
    event.unparsed = source
        .get("logagg")
        .and_then(|l| l.get("unparsed"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    event.time_from = text(&["logagg", "time_from"])
        .and_then(|t| TimeFrom::from_name(&t))
        .unwrap_or(TimeFrom::Line);
    event
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{decode_line, DecodeContext};

    #[test]
    fn documents_use_ecs_names_and_round_trip() {
        let line = br#"{"@timestamp":"2026-11-24T10:00:00.123456Z","level":"warn","service":"auth","host":"a-1","message":"slow \"login\"","trace_id":"t1","fields":{"latency_ms":812,"user":{"id":"u1"}}}"#;
        let event = decode_line(line, &DecodeContext::now());
        let mut out = Vec::new();
        write_document(&event, &mut out);
        let doc: Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(doc["log"]["level"], "warn");
        assert_eq!(doc["service"]["name"], "auth");
        assert_eq!(doc["host"]["name"], "a-1");
        assert_eq!(doc["trace"]["id"], "t1");
        assert_eq!(doc["@timestamp"], "2026-11-24T10:00:00.123456Z");
        assert_eq!(doc["fields"]["user"]["id"], "u1");
        assert_eq!(from_source(&doc).to_json(), event.to_json());
        assert_eq!(index_name("logs", event.timestamp), "logs-2026.11.24");
    }
}
