//! Events as logfmt (`key=value` pairs), and a value as `key=value` shows it, which the
//! table's fields use too.

use crate::backend::embedded::format_number;
use crate::event::{flatten_fields, FieldValue, LogEvent};
use crate::visible::visible;

/// An event as one logfmt line: `ts=... level=... service=... msg=... key=value`.
pub fn line(event: &LogEvent) -> String {
    let mut parts = vec![
        format!("ts={}", event.timestamp.to_rfc3339()),
        format!("level={}", event.level),
        format!("service={}", logfmt_value(&event.service)),
        format!("host={}", logfmt_value(&event.host)),
    ];
    if !event.time_from.is_exact() {
        parts.push(format!("time_from={}", event.time_from));
    }
    if let Some(trace) = &event.trace_id {
        parts.push(format!("trace_id={}", logfmt_value(trace)));
    }
    parts.push(format!("msg={}", logfmt_value(&event.message)));
    flatten_fields(&event.fields, |key, value| {
        let text = match value {
            FieldValue::Text(s) => logfmt_value(s),
            FieldValue::Number(n) => format_number(n),
            FieldValue::Bool(b) => b.to_string(),
        };
        parts.push(format!("{}={text}", logfmt_key(key)));
    });
    parts.join(" ")
}

fn logfmt_key(key: &str) -> String {
    visible(key)
        .chars()
        .map(|c| {
            if c.is_whitespace() || c == '=' || c == '"' {
                '_'
            } else {
                c
            }
        })
        .collect()
}

/// A value as `key=value` shows it (logfmt, the table's fields): bare when it can be,
/// else quoted. JSON's escapes cover C0; C1 and bidi controls are written out too.
pub fn logfmt_value(value: &str) -> String {
    if !value.is_empty()
        && !value
            .chars()
            .any(|c| c.is_whitespace() || c == '=' || c == '"' || crate::visible::hidden(c))
    {
        return value.to_string();
    }
    visible(&serde_json::to_string(value).unwrap_or_default()).into_owned()
}
