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

    /// The trace id as 32 lower-case hex digits (by hand: `format!` was a tenth of the
    /// cost of turning a simulated event into a `LogEvent`).
    pub fn trace_hex(&self) -> Option<String> {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        self.trace_id.map(|t| {
            let mut hex = [0u8; 32];
            for (i, digit) in hex.iter_mut().rev().enumerate() {
                *digit = DIGITS[((t >> (i * 4)) & 0xf) as usize];
            }
            String::from_utf8(hex.to_vec()).unwrap_or_default()
        })
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
        let mut event = LogEvent::new(
            self.timestamp,
            self.level,
            self.service,
            self.host,
            &self.message,
        );
        event.trace_id = self.trace_hex();
        // Inserted one by one: the keys are already sorted and unique (`finish`), and
        // collecting would first gather and sort them again.
        let mut fields = Map::new();
        for (key, value) in &self.fields {
            let value = match value {
                SimValue::Int(n) => Value::from(*n),
                SimValue::Text(s) => Value::from(s.as_str()),
                SimValue::Static(s) => Value::from(*s),
            };
            fields.insert(key.to_string(), value);
        }
        event.fields = fields;
        event
    }
}
