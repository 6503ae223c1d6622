//! The one event model every source, sink and query shares.

mod canonical;
mod canonical_scan;
mod decode;
mod fields;
mod file_path;
mod json;
mod level;
pub mod otel;
mod string_marks;
mod time_from;
mod timestamp;

pub use canonical_scan::{read_fields_text, visit_fields_text, FieldMaps, FieldsVisitor, Scalar};
pub use decode::{decode_line, decode_line_into, infer_level, leading_level, DecodeContext};
pub use fields::{
    fields_sketch, fields_sketch_of, flatten_fields, key_sketch, sketch_from_keys, FieldValue,
};
pub use file_path::{FilePathField, FILE_PATH_KEY};
pub use json::{write_key, write_str, EventWriter};
pub use level::{Level, UnknownLevel};
pub use string_marks::StringMarks;
pub use time_from::TimeFrom;
pub use timestamp::{Timestamp, TimestampWriter};

use serde_json::{Map, Value};

/// Keyword values (service, host, trace id) are identifiers, not text: anything longer
/// than this is cut so that it stays indexable as one term everywhere.
pub const MAX_KEYWORD_BYTES: usize = 512;

/// A log event as it travels through the pipeline.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LogEvent {
    pub timestamp: Timestamp,
    pub level: Level,
    pub service: String,
    pub host: String,
    pub message: String,
    pub trace_id: Option<String>,
    /// Free-form structured context (`status`, `latency_ms`, `user_id`, ...).
    pub fields: Map<String, Value>,
    /// Set when the source line matched no format and was kept as raw text.
    pub unparsed: bool,
    /// Where `timestamp` came from: the line, partly supplied, or the time received.
    pub time_from: TimeFrom,
}

impl LogEvent {
    pub fn new(
        timestamp: Timestamp,
        level: Level,
        service: &str,
        host: &str,
        message: &str,
    ) -> Self {
        LogEvent {
            timestamp,
            level,
            service: keyword(service),
            host: keyword(host),
            message: message.to_string(),
            trace_id: None,
            fields: Map::new(),
            unparsed: false,
            time_from: TimeFrom::Line,
        }
    }

    /// The canonical JSON form (one line, no trailing newline).
    pub fn to_json(&self) -> String {
        let mut out = Vec::with_capacity(256 + self.message.len());
        EventWriter::default().write(self, &mut out);
        String::from_utf8(out).unwrap_or_default()
    }
}

/// This machine's name, for events and lock holders that need one.
pub fn this_host() -> Option<String> {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|s| s.trim().to_string())
        .or_else(|_| std::env::var("HOSTNAME"))
        .ok()
        .filter(|h| !h.is_empty())
}

/// Service and host default to this when a source does not say.
pub const UNKNOWN: &str = "unknown";

/// Cuts a keyword value to `MAX_KEYWORD_BYTES` on a character boundary.
pub fn keyword(value: &str) -> String {
    keyword_cut(value).to_string()
}

/// `target` becomes `value` cut as `keyword` cuts it, in the room `target` already has.
pub fn set_keyword(target: &mut String, value: &str) {
    target.clear();
    target.push_str(keyword_cut(value));
}

fn keyword_cut(value: &str) -> &str {
    if value.len() <= MAX_KEYWORD_BYTES {
        return value;
    }
    let mut end = MAX_KEYWORD_BYTES;
    while !value.is_char_boundary(end) {
        end -= 1;
    }
    &value[..end]
}

/// A source position: where an event came from, precise enough to resume after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Position<'a> {
    /// Stable name of the stream, e.g. `logs/3` for a Kafka partition.
    pub stream: &'a str,
    /// Offset of the event inside the stream.
    pub offset: u64,
}

impl Position<'_> {
    /// A deterministic id: the same position always yields the same id, so a replay
    /// overwrites or skips instead of duplicating.
    pub fn event_id(&self) -> String {
        format!("{:016x}", self.id_hash())
    }

    pub fn id_hash(&self) -> u64 {
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        hasher.update(self.stream.as_bytes());
        hasher.update(&[0]);
        hasher.update(&self.offset.to_le_bytes());
        hasher.digest()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_ids_are_deterministic_and_distinct() {
        let a = Position {
            stream: "logs/0",
            offset: 7,
        };
        let b = Position {
            stream: "logs/0",
            offset: 8,
        };
        let c = Position {
            stream: "logs/1",
            offset: 7,
        };
        assert_eq!(a.event_id(), a.event_id());
        assert_ne!(a.event_id(), b.event_id());
        assert_ne!(a.event_id(), c.event_id());
        assert_eq!(a.event_id().len(), 16);
    }

    #[test]
    fn keywords_are_cut_on_char_boundaries() {
        let long = "é".repeat(400);
        let cut = keyword(&long);
        assert!(cut.len() <= MAX_KEYWORD_BYTES);
        assert!(long.starts_with(&cut));
    }
}
