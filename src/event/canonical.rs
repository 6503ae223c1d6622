//! The canonical JSON line (what `simulate --to stdout` and `query -o json` print) read
//! with serde, for the canonical lines the scanner (`canonical_scan.rs`) leaves: spaces
//! between tokens, `\u` escapes, nested `fields`. Its keys are matched as they are parsed,
//! with no map of the top level to build and take apart. Anything else (another key, a
//! value of another type, a time or level that does not read, a key twice) is `None`, and
//! `decode_line` reads the line the general way, so every way gives the same event.

use super::{keyword, Level, LogEvent, TimeFrom, Timestamp};
use serde::de::Deserializer;
use serde::Deserialize;
use serde_json::{Map, Value};
use std::borrow::Cow;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Canonical<'a> {
    #[serde(rename = "@timestamp", borrow)]
    timestamp: Cow<'a, str>,
    #[serde(borrow)]
    level: Cow<'a, str>,
    service: String,
    host: String,
    message: String,
    #[serde(default, deserialize_with = "given")]
    trace_id: Given<String>,
    #[serde(default, deserialize_with = "given")]
    fields: Given<Map<String, Value>>,
    #[serde(default, deserialize_with = "given")]
    unparsed: Given<bool>,
    #[serde(default, deserialize_with = "given")]
    time_from: Given<TimeFrom>,
}

/// An optional key: absent, present with a value of the expected type, or present with
/// anything else (`null` included), which the general reader treats differently.
#[derive(Default)]
enum Given<T> {
    #[default]
    Absent,
    Value(T),
    Other,
}

/// Called only for a key that is present.
fn given<'de, D, T>(deserializer: D) -> Result<Given<T>, D::Error>
where
    D: Deserializer<'de>,
    T: FromValue,
{
    Ok(match T::from_value(Value::deserialize(deserializer)?) {
        Some(value) => Given::Value(value),
        None => Given::Other,
    })
}

trait FromValue: Sized {
    fn from_value(value: Value) -> Option<Self>;
}

impl FromValue for String {
    fn from_value(value: Value) -> Option<String> {
        match value {
            Value::String(text) => Some(text),
            _ => None,
        }
    }
}

impl FromValue for TimeFrom {
    fn from_value(value: Value) -> Option<TimeFrom> {
        TimeFrom::from_name(value.as_str()?)
    }
}

impl FromValue for bool {
    fn from_value(value: Value) -> Option<bool> {
        value.as_bool()
    }
}

impl FromValue for Map<String, Value> {
    fn from_value(value: Value) -> Option<Map<String, Value>> {
        match value {
            Value::Object(map) => Some(map),
            _ => None,
        }
    }
}

/// Fills `event` from a canonical line; `false` (with `event` untouched) when the line is
/// not one.
pub fn decode_into(line: &[u8], event: &mut LogEvent) -> bool {
    match decode(line) {
        Some(read) => {
            *event = read;
            true
        }
        None => false,
    }
}

/// The event of a canonical line, or `None` when the line is not one.
pub fn decode(line: &[u8]) -> Option<LogEvent> {
    let wire: Canonical<'_> = serde_json::from_slice(line).ok()?;
    let timestamp = Timestamp::parse(&wire.timestamp)?;
    let level = Level::from_word(wire.level.trim())?;
    let trace_id = match wire.trace_id {
        Given::Absent => None,
        Given::Value(id) => Some(keyword(&id)),
        Given::Other => return None,
    };
    let fields = match wire.fields {
        Given::Absent => Map::new(),
        Given::Value(fields) => fields,
        Given::Other => return None,
    };
    let unparsed = match wire.unparsed {
        Given::Absent => false,
        Given::Value(flag) => flag,
        Given::Other => return None,
    };
    let time_from = match wire.time_from {
        Given::Absent => TimeFrom::Line,
        Given::Value(from) => from,
        Given::Other => return None,
    };
    Some(LogEvent {
        timestamp,
        level,
        service: keyword(&wire.service),
        host: keyword(&wire.host),
        message: wire.message,
        trace_id,
        fields,
        unparsed,
        time_from,
    })
}
