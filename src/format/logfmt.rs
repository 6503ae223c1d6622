//! logfmt: `time=2026-11-26T21:00:00Z level=warn msg="slow query" latency_ms=812`, as
//! Heroku, Go's slog and logrus text handlers write it. Every pair becomes a field (numbers
//! as numbers); the time, level, service and host keys fill the event's own.

use super::clock;
use super::{level_in_word, Header};
use serde_json::Value;

const TIME_KEYS: &[&str] = &["time", "ts", "timestamp", "t", "@timestamp", "date"];
const LEVEL_KEYS: &[&str] = &["level", "lvl", "severity", "loglevel", "log.level"];
const SERVICE_KEYS: &[&str] = &["service", "app", "application", "component"];
const HOST_KEYS: &[&str] = &["host", "hostname"];
const MESSAGE_KEYS: &[&str] = &["msg", "message"];

/// The pairs of a line, or `None` when fewer than two words are pairs.
fn pairs(line: &str) -> Option<Vec<(&str, &str)>> {
    let bytes = line.as_bytes();
    let mut out = Vec::new();
    let mut words = 0;
    let mut i = 0;
    while i < bytes.len() {
        while i < bytes.len() && bytes[i] == b' ' {
            i += 1;
        }
        if i >= bytes.len() {
            break;
        }
        words += 1;
        let key_start = i;
        while i < bytes.len() && !matches!(bytes[i], b'=' | b' ' | b'"') {
            i += 1;
        }
        if i >= bytes.len() || bytes[i] != b'=' || i == key_start {
            while i < bytes.len() && bytes[i] != b' ' {
                i += 1;
            }
            continue;
        }
        let key = &line[key_start..i];
        i += 1;
        let value = if bytes.get(i) == Some(&b'"') {
            let start = i + 1;
            i = start;
            while i < bytes.len() && bytes[i] != b'"' {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
            let end = i.min(bytes.len());
            i = (i + 1).min(bytes.len());
            &line[start..end]
        } else {
            let start = i;
            while i < bytes.len() && bytes[i] != b' ' {
                i += 1;
            }
            &line[start..i]
        };
        out.push((key, value));
    }
    (out.len() >= 2 && out.len() * 2 >= words).then_some(out)
}

fn scalar(value: &str) -> Value {
    if let Ok(n) = value.parse::<i64>() {
        return Value::from(n);
    }
    match value.parse::<f64>() {
        Ok(f) if f.is_finite() && value.bytes().any(|b| b.is_ascii_digit()) => Value::from(f),
        _ => Value::String(value.replace("\\\"", "\"")),
    }
}

pub fn read(line: &str) -> Option<Header<'_>> {
    let mut header = Header::default();
    for (key, value) in pairs(line)? {
        if header.time.is_none() && TIME_KEYS.contains(&key) {
            if let Some(found) = clock::find_any(value.as_bytes()) {
                header.time = Some(found.written);
                continue;
            }
        }
        if header.level.is_none() && LEVEL_KEYS.contains(&key) {
            if let Some(level) = level_in_word(value) {
                header.level = Some(level);
                continue;
            }
        }
        if header.service.is_none() && SERVICE_KEYS.contains(&key) && !value.is_empty() {
            header.service = Some(value);
            continue;
        }
        if header.host.is_none() && HOST_KEYS.contains(&key) && !value.is_empty() {
            header.host = Some(value);
            continue;
        }
        if MESSAGE_KEYS.contains(&key) {
            continue;
        }
        header.fields.insert(key.to_string(), scalar(value));
    }
    Some(header)
}
