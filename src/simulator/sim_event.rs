//! A generated event in a reusable, allocation-light form, written straight to JSON.
//! `to_log_event` gives the same event as the pipeline model; the two encodings are
//! byte-identical (tested), so stdout and the store hold the same events.

use crate::event::{EventWriter, Level, LogEvent, Timestamp};
use serde_json::{Map, Value};
use std::io::Write;

#[derive(Debug, Clone, PartialEq)]
pub enum SimValue {
    Int(i64),
    Text(String),
    Static(&'static str),
}

#[derive(Debug, Clone)]
pub struct SimEvent {
    pub timestamp: Timestamp,
    pub level: Level,
    pub service: &'static str,
    pub host: &'static str,
    pub message: String,
    pub trace_id: Option<u128>,
    /// Kept sorted by key, the order the canonical JSON uses.
    pub fields: Vec<(&'static str, SimValue)>,
}

impl Default for SimEvent {
    fn default() -> Self {
        SimEvent {
            timestamp: Timestamp(0),
            level: Level::Info,
            service: "",
            host: "",
            message: String::with_capacity(256),
            trace_id: None,
            fields: Vec::with_capacity(8),
        }
    }
}

impl SimEvent {
    pub fn clear(&mut self) {
        self.message.clear();
        self.fields.clear();
        self.trace_id = None;
    }

    pub fn field(&mut self, key: &'static str, value: SimValue) {
        self.fields.push((key, value));
    }

    pub fn int(&mut self, key: &'static str, value: i64) {
        self.fields.push((key, SimValue::Int(value)));
    }

    pub fn text(&mut self, key: &'static str, value: &'static str) {
        self.fields.push((key, SimValue::Static(value)));
    }

    pub fn finish(&mut self) {
        self.fields.sort_by_key(|(k, _)| *k);
        self.fields.dedup_by_key(|(k, _)| *k);
    }

    /// Appends the canonical JSON line (with a trailing newline).
    pub fn write_json(&self, writer: &mut EventWriter, out: &mut Vec<u8>) {
        writer.begin(
            self.timestamp,
            self.level.as_str(),
            self.service,
            self.host,
            out,
        );
        crate::event::write_key(out, "message");
        crate::event::write_str(out, &self.message);
        if let Some(trace) = self.trace_id {
            let _ = write!(out, ",\"trace_id\":\"{trace:032x}\"");
        }
        if !self.fields.is_empty() {
            out.extend_from_slice(b",\"fields\":{");
            for (i, (key, value)) in self.fields.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                crate::event::write_str(out, key);
                out.push(b':');
                match value {
                    SimValue::Int(n) => {
                        let _ = write!(out, "{n}");
                    }
                    SimValue::Text(s) => crate::event::write_str(out, s),
                    SimValue::Static(s) => crate::event::write_str(out, s),
                }
            }
            out.push(b'}');
        }
        writer.end(false, out);
        out.push(b'\n');
    }

    pub fn to_log_event(&self) -> LogEvent {
        let mut event = LogEvent::default();
        self.fill(&mut event);
        event
    }

    /// Makes `event` this event, reusing its strings and, when its fields have the same
    /// keys, its map: building a `LogEvent` from nothing (a dozen allocations) cost as much
    /// as generating the event.
    pub fn fill(&self, event: &mut LogEvent) {
        event.timestamp = self.timestamp;
        event.level = self.level;
        overwrite(&mut event.service, self.service);
        overwrite(&mut event.host, self.host);
        overwrite(&mut event.message, &self.message);
        event.unparsed = false;
        match self.trace_id {
            Some(trace) => {
                let id = event.trace_id.get_or_insert_with(String::new);
                id.clear();
                // The digits are ASCII.
                id.push_str(std::str::from_utf8(&trace_digits(trace)).unwrap_or_default());
            }
            None => event.trace_id = None,
        }
        let same_keys = event.fields.len() == self.fields.len()
            && event
                .fields
                .keys()
                .zip(&self.fields)
                .all(|(a, (b, _))| crate::short_text::equal(a.as_bytes(), b.as_bytes()));
        if same_keys {
            for (slot, (_, value)) in event.fields.values_mut().zip(&self.fields) {
                set_value(slot, value);
            }
            return;
        }
        // Inserted one by one: the keys are already sorted and unique (`finish`), and
        // collecting would first gather and sort them again.
        let mut fields = Map::new();
        for (key, value) in &self.fields {
            fields.insert(key.to_string(), json_value(value));
        }
        event.fields = fields;
    }

    /// A cheap summary of the field keys (how many, the first and the last), equal for
    /// events with the same keys, so a reused `LogEvent` can be picked whose map needs
    /// only its values replaced. Events that differ elsewhere only cost a rebuilt map.
    pub fn shape(&self) -> u64 {
        crate::event::fields_sketch(
            self.fields.len(),
            self.fields.first().map(|(k, _)| *k),
            self.fields.last().map(|(k, _)| *k),
        )
    }
}

/// `shape` of an event already built: the same value for the same keys.
pub fn log_event_shape(event: &LogEvent) -> u64 {
    crate::event::fields_sketch_of(&event.fields)
}

fn overwrite(target: &mut String, value: &str) {
    target.clear();
    target.push_str(value);
}

fn trace_digits(trace: u128) -> [u8; 32] {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut hex = [0u8; 32];
    for (i, digit) in hex.iter_mut().rev().enumerate() {
        *digit = DIGITS[((trace >> (i * 4)) & 0xf) as usize];
    }
    hex
}

fn json_value(value: &SimValue) -> Value {
    match value {
        SimValue::Int(n) => Value::from(*n),
        SimValue::Text(s) => Value::from(s.as_str()),
        SimValue::Static(s) => Value::from(*s),
    }
}

fn set_value(slot: &mut Value, value: &SimValue) {
    let text = match value {
        SimValue::Int(n) => {
            *slot = Value::from(*n);
            return;
        }
        SimValue::Text(s) => s.as_str(),
        SimValue::Static(s) => s,
    };
    match slot {
        Value::String(existing) => overwrite(existing, text),
        other => *other = Value::from(text),
    }
}
