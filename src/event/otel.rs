//! OpenTelemetry's JSON form of logs (OTLP/JSON, what the collector's file exporter writes,
//! one export request per line): `{"resourceLogs":[{"resource":{...},"scopeLogs":[{"scope":
//! {...},"logRecords":[...]}]}]}`. One line holds many log records; each becomes an event
//! with the time, severity and body the record carries and the service its resource names.

use super::{keyword, DecodeContext, Level, LogEvent, TimeFrom, Timestamp, UNKNOWN};
use serde_json::{Map, Value};

/// Whether `line` is an export request: a JSON object whose first key is `resourceLogs`
/// (the only key the protocol gives it). Cheap: looks at the first bytes only.
pub fn is_export(line: &[u8]) -> bool {
    let mut rest = line.trim_ascii_start();
    let Some(after_brace) = rest.strip_prefix(b"{") else {
        return false;
    };
    rest = after_brace.trim_ascii_start();
    rest.starts_with(b"\"resourceLogs\"")
}

/// The events of an export request, in the order of its records; `None` when the line
/// is not one after all (then it is read as any other JSON line).
pub fn events(line: &[u8], ctx: &DecodeContext) -> Option<Vec<LogEvent>> {
    let request: Value = serde_json::from_slice(line).ok()?;
    let resource_logs = request.get("resourceLogs")?.as_array()?;
    let mut events = Vec::new();
    for resource_log in resource_logs {
        let resource = attributes(
            resource_log
                .get("resource")
                .and_then(|r| r.get("attributes")),
        );
        for scope_log in list(resource_log, "scopeLogs") {
            let scope = scope_log.get("scope");
            for record in list(scope_log, "logRecords") {
                events.push(event(record, &resource, scope, ctx));
            }
        }
    }
    Some(events)
}

fn list<'a>(parent: &'a Value, key: &str) -> impl Iterator<Item = &'a Value> {
    parent
        .get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

fn event(
    record: &Value,
    resource: &Map<String, Value>,
    scope: Option<&Value>,
    ctx: &DecodeContext,
) -> LogEvent {
    // The record's own time; the collector's observation when the producer gave none (as
    // the protocol says to use it); else the time received, flagged.
    let (timestamp, time_from) = ["timeUnixNano", "observedTimeUnixNano"]
        .iter()
        .find_map(|key| nanos(record.get(*key)?))
        .map_or((ctx.received_at, TimeFrom::Received), |at| {
            (at, TimeFrom::Line)
        });
    let text_level = record
        .get("severityText")
        .and_then(Value::as_str)
        .and_then(Level::from_word);
    let level = record
        .get("severityNumber")
        .and_then(Value::as_u64)
        .and_then(level_of_number)
        .or(text_level)
        .unwrap_or_default();
    let message = match record.get("body").map(any_value) {
        Some(Value::String(text)) => text,
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    };
    let mut fields = attributes(record.get("attributes"));
    if let Some(text) = record.get("severityText").and_then(Value::as_str) {
        if text_level.is_none() && !text.is_empty() {
            fields.insert("severity_text".into(), Value::String(text.to_owned()));
        }
    }
    if let Some(span) = hex_id(record.get("spanId")) {
        fields.insert("span.id".into(), Value::String(span));
    }
    if let Some(name) = scope.and_then(|s| s.get("name")).and_then(Value::as_str) {
        if !name.is_empty() {
            fields.insert("otel.scope.name".into(), Value::String(name.to_owned()));
        }
    }
    let mut service = None;
    let mut host = None;
    for (key, value) in resource {
        match (key.as_str(), value) {
            ("service.name", Value::String(name)) => service = Some(name.as_str()),
            ("host.name", Value::String(name)) => host = Some(name.as_str()),
            // A record's own attribute wins over its resource's.
            _ => {
                fields.entry(key.clone()).or_insert_with(|| value.clone());
            }
        }
    }
    LogEvent {
        timestamp,
        level,
        service: keyword(service.or(ctx.service.as_deref()).unwrap_or(UNKNOWN)),
        host: keyword(host.or(ctx.host.as_deref()).unwrap_or(UNKNOWN)),
        message,
        trace_id: hex_id(record.get("traceId")).map(|t| keyword(&t)),
        fields,
        unparsed: false,
        time_from,
    }
}

/// OTLP severity numbers: 1-4 trace, 5-8 debug, 9-12 info, 13-16 warn, 17-20 error,
/// 21-24 fatal; 0 is "unspecified".
fn level_of_number(number: u64) -> Option<Level> {
    Some(match number {
        1..=4 => Level::Trace,
        5..=8 => Level::Debug,
        9..=12 => Level::Info,
        13..=16 => Level::Warn,
        17..=20 => Level::Error,
        21..=24 => Level::Fatal,
        _ => return None,
    })
}

/// A time in nanoseconds since the epoch, written as a string (int64 in OTLP/JSON) or a
/// number; 0 means unset.
fn nanos(value: &Value) -> Option<Timestamp> {
    let nanos: u64 = match value {
        Value::String(text) => text.trim().parse().ok()?,
        Value::Number(n) => n.as_u64()?,
        _ => return None,
    };
    (nanos > 0).then_some(Timestamp((nanos / 1000) as i64))
}

/// Trace and span ids are hex in OTLP/JSON; an all-zero or empty id means none.
fn hex_id(value: Option<&Value>) -> Option<String> {
    let id = value?.as_str()?;
    (!id.is_empty() && id.bytes().any(|b| b != b'0')).then(|| id.to_owned())
}

/// `[{"key":K,"value":AnyValue}, ...]` as an object of plain JSON values.
fn attributes(list: Option<&Value>) -> Map<String, Value> {
    let mut out = Map::new();
    for pair in list.and_then(Value::as_array).into_iter().flatten() {
        if let Some(key) = pair.get("key").and_then(Value::as_str) {
            let value = pair.get("value").map_or(Value::Null, any_value);
            if !value.is_null() {
                out.insert(key.to_owned(), value);
            }
        }
    }
    out
}

/// An OTLP `AnyValue` (`{"stringValue":..}`, `{"intValue":"42"}`, `{"kvlistValue":{"values":
/// [..]}}`, ...) as the plain JSON value it stands for.
fn any_value(value: &Value) -> Value {
    let Some(object) = value.as_object() else {
        return value.clone();
    };
    let Some((kind, inner)) = object.iter().next() else {
        return Value::Null;
    };
    match kind.as_str() {
        "stringValue" | "boolValue" | "doubleValue" | "bytesValue" => inner.clone(),
        // int64 is written as a string; a number that fits is a number again.
        "intValue" => match inner {
            Value::String(text) => text
                .parse::<i64>()
                .map_or_else(|_| inner.clone(), Value::from),
            other => other.clone(),
        },
        "arrayValue" => Value::Array(list(inner, "values").map(any_value).collect()),
        "kvlistValue" => Value::Object(attributes(inner.get("values"))),
        // Not an AnyValue: kept as written.
        _ => value.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXPORT: &str = r#"{"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"checkout"}},{"key":"host.name","value":{"stringValue":"web-3"}},{"key":"k8s.pod.name","value":{"stringValue":"checkout-7d9"}}]},"scopeLogs":[{"scope":{"name":"io.opentelemetry.checkout","version":"1.2"},"logRecords":[{"timeUnixNano":"1733562000123456789","observedTimeUnixNano":"1733562000200000000","severityNumber":17,"severityText":"ERROR","body":{"stringValue":"payment declined"},"attributes":[{"key":"order.id","value":{"intValue":"4711"}},{"key":"retry","value":{"boolValue":false}},{"key":"k8s.pod.name","value":{"stringValue":"own"}}],"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174"},{"observedTimeUnixNano":"1733562001000000000","severityNumber":0,"severityText":"Audit","body":{"kvlistValue":{"values":[{"key":"event","value":{"stringValue":"cart"}},{"key":"items","value":{"arrayValue":{"values":[{"intValue":"1"},{"doubleValue":2.5}]}}}]}},"traceId":"","spanId":""},{"severityText":"warning","body":{"stringValue":"no time"}}]}]}]}"#;

    #[test]
    fn each_log_record_is_an_event_of_its_resource() {
        assert!(is_export(EXPORT.as_bytes()));
        assert!(is_export(b"  { \"resourceLogs\": []}"));
        assert!(!is_export(br#"{"message":"resourceLogs"}"#));
        let ctx = DecodeContext {
            received_at: Timestamp(42),
            service: Some("fallback".into()),
            host: None,
        };
        let events = events(EXPORT.as_bytes(), &ctx).unwrap();
        assert_eq!(events.len(), 3);
        let first = &events[0];
        assert_eq!(first.timestamp.to_rfc3339(), "2024-12-07T09:00:00.123456Z");
        assert_eq!(first.time_from, TimeFrom::Line);
        assert_eq!(first.level, Level::Error);
        assert_eq!(first.service, "checkout");
        assert_eq!(first.host, "web-3");
        assert_eq!(first.message, "payment declined");
        assert_eq!(
            first.trace_id.as_deref(),
            Some("5b8efff798038103d269b633813fc60c")
        );
        assert_eq!(first.fields["order.id"], 4711);
        assert_eq!(first.fields["retry"], false);
        assert_eq!(first.fields["k8s.pod.name"], "own");
        assert_eq!(first.fields["span.id"], "eee19b7ec3c1b174");
        assert_eq!(first.fields["otel.scope.name"], "io.opentelemetry.checkout");

        let second = &events[1];
        assert_eq!(second.timestamp.to_rfc3339(), "2024-12-07T09:00:01.000Z");
        assert_eq!(second.level, Level::Info, "severity 0 and an unknown text");
        assert_eq!(second.fields["severity_text"], "Audit");
        assert_eq!(second.message, r#"{"event":"cart","items":[1,2.5]}"#);
        assert_eq!(second.trace_id, None);
        assert_eq!(second.fields["k8s.pod.name"], "checkout-7d9");

        let third = &events[2];
        assert_eq!(third.level, Level::Warn);
        assert_eq!(third.timestamp, Timestamp(42));
        assert_eq!(third.time_from, TimeFrom::Received);
    }

    #[test]
    fn a_line_that_only_looks_like_an_export_is_not_one() {
        let ctx = DecodeContext::now();
        assert!(events(br#"{"resourceLogs":"#, &ctx).is_none());
        assert!(events(br#"{"resourceLogs":3}"#, &ctx).is_none());
        assert_eq!(
            events(br#"{"resourceLogs":[]}"#, &ctx).map(|e| e.len()),
            Some(0)
        );
    }
}
