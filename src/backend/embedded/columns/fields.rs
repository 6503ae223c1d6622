//! The `fields` of a block's events, one column per top-level key: for each key, the
//! events that have it (as gaps between their positions) with their typed values. Each
//! key's column is compressed on its own, so a query naming one key decompresses only that
//! one; and each key's smallest and largest number (anywhere inside its values) rides in the
//! block's summary, so a numeric range rules a block out without opening it.

use super::varint::{self, put_text, Reader};
use crate::event::LogEvent;
use serde_json::{Number, Value};

const NULL: u8 = 0;
const FALSE: u8 = 1;
const TRUE: u8 = 2;
const INT: u8 = 3;
const FLOAT: u8 = 4;
const STRING: u8 = 5;
const JSON: u8 = 6;

/// One key of a block's fields, as its summary lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyStats {
    pub key: String,
    /// Events that have the key.
    pub holders: u64,
    /// The smallest and largest number inside its values (`+inf`/`-inf` when none).
    pub min: f64,
    pub max: f64,
}

impl KeyStats {
    /// Whether a number inside this key's values can lie between `lo` and `hi`.
    pub fn may_hold_number(&self, lo: &std::ops::Bound<f64>, hi: &std::ops::Bound<f64>) -> bool {
        use std::ops::Bound::*;
        let above = match lo {
            Included(x) => self.max >= *x,
            Excluded(x) => self.max > *x,
            Unbounded => self.min <= self.max,
        };
        let below = match hi {
            Included(x) => self.min <= *x,
            Excluded(x) => self.min < *x,
            Unbounded => self.min <= self.max,
        };
        above && below
    }
}

/// Whether the top-level key `key` can hold the field named by the dotted `path`.
pub fn holds_path(key: &str, path: &str) -> bool {
    path.strip_prefix(key)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}

/// Each key of the events' fields (in order of first appearance) with its column.
pub fn encode(events: &[LogEvent]) -> Vec<(KeyStats, Vec<u8>)> {
    let mut keys: Vec<&str> = Vec::new();
    for event in events {
        for key in event.fields.keys() {
            if !keys.contains(&key.as_str()) {
                keys.push(key);
            }
        }
    }
    keys.iter()
        .map(|key| {
            let mut stats = KeyStats {
                key: key.to_string(),
                holders: 0,
                min: f64::INFINITY,
                max: f64::NEG_INFINITY,
            };
            let mut column = Vec::new();
            let mut last = 0;
            for (i, value) in events
                .iter()
                .enumerate()
                .filter_map(|(i, e)| e.fields.get(*key).map(|v| (i, v)))
            {
                varint::put(&mut column, (i - last) as u64);
                last = i;
                put_value(&mut column, value);
                stats.holders += 1;
                widen(&mut stats, value);
            }
            (stats, column)
        })
        .collect()
}

fn widen(stats: &mut KeyStats, value: &Value) {
    match value {
        Value::Number(n) => {
            if let Some(x) = n.as_f64() {
                stats.min = stats.min.min(x);
                stats.max = stats.max.max(x);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| widen(stats, v)),
        Value::Object(map) => map.values().for_each(|v| widen(stats, v)),
        _ => {}
    }
}

pub fn put_stats(out: &mut Vec<u8>, stats: &[KeyStats]) {
    varint::put(out, stats.len() as u64);
    for key in stats {
        varint::put(out, key.key.len() as u64);
        out.extend_from_slice(key.key.as_bytes());
        varint::put(out, key.holders);
        out.extend_from_slice(&key.min.to_le_bytes());
        out.extend_from_slice(&key.max.to_le_bytes());
    }
}

pub fn read_stats(reader: &mut Reader<'_>, events: usize) -> Option<Vec<KeyStats>> {
    let count = reader.get_len()?;
    let mut stats = Vec::new();
    for _ in 0..count {
        let key = reader.text()?;
        let holders = reader.get()?;
        if holders > events as u64 {
            return None;
        }
        let min = f64::from_le_bytes(reader.take(8)?.try_into().ok()?);
        let max = f64::from_le_bytes(reader.take(8)?.try_into().ok()?);
        stats.push(KeyStats {
            key,
            holders,
            min,
            max,
        });
    }
    Some(stats)
}

/// Puts the values of `key`'s column into the events' fields.
pub fn decode_key(column: &[u8], key: &KeyStats, events: &mut [LogEvent]) -> Option<()> {
    let mut r = Reader::new(column);
    let mut at = 0usize;
    for _ in 0..key.holders {
        at = at.checked_add(r.get_len()?)?;
        let value = get_value(&mut r)?;
        events.get_mut(at)?.fields.insert(key.key.clone(), value);
    }
    r.is_empty().then_some(())
}

fn put_value(out: &mut Vec<u8>, value: &Value) {
    match value {
        Value::Null => out.push(NULL),
        Value::Bool(false) => out.push(FALSE),
        Value::Bool(true) => out.push(TRUE),
        Value::Number(n) if n.is_i64() => {
            out.push(INT);
            varint::put_signed(out, n.as_i64().unwrap_or_default());
        }
        Value::Number(n) if n.is_f64() => {
            out.push(FLOAT);
            out.extend_from_slice(&n.as_f64().unwrap_or_default().to_le_bytes());
        }
        Value::String(s) => {
            out.push(STRING);
            put_text(out, s);
        }
        // Integers beyond i64, arrays and objects: as their JSON.
        other => {
            out.push(JSON);
            put_text(out, &other.to_string());
        }
    }
}

fn get_value(reader: &mut Reader<'_>) -> Option<Value> {
    Some(match reader.byte()? {
        NULL => Value::Null,
        FALSE => Value::Bool(false),
        TRUE => Value::Bool(true),
        INT => Value::Number(reader.get_signed()?.into()),
        FLOAT => {
            let mut raw = [0u8; 8];
            raw.copy_from_slice(reader.take(8)?);
            Value::Number(Number::from_f64(f64::from_le_bytes(raw))?)
        }
        STRING => Value::String(reader.text()?),
        JSON => serde_json::from_str(&reader.text()?).ok()?,
        _ => return None,
    })
}
