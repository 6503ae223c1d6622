//! The canonical JSON encoding of an event. Written by hand because it is the hottest path
//! of the simulator and of every output; `decode` reads it back.

use super::{LogEvent, TimestampWriter};

/// Writes events as canonical JSON objects, reusing timestamp formatting between calls.
#[derive(Debug, Default)]
pub struct EventWriter {
    timestamps: TimestampWriter,
}

impl EventWriter {
    pub fn write(&mut self, event: &LogEvent, out: &mut Vec<u8>) {
        self.begin(
            event.timestamp,
            event.level.as_str(),
            &event.service,
            &event.host,
            out,
        );
        write_key(out, "message");
        write_str(out, &event.message);
        if let Some(trace_id) = &event.trace_id {
            write_key(out, "trace_id");
            write_str(out, trace_id);
        }
        if !event.fields.is_empty() {
            write_key(out, "fields");
            let _ = serde_json::to_writer(&mut *out, &event.fields);
        }
        self.end(event.unparsed, out);
    }

    /// Opens an event object up to and including `host`; `message` comes next.
    /// Shared with the simulator, which writes its events without building a `LogEvent`.
    pub fn begin(
        &mut self,
        timestamp: super::Timestamp,
        level: &str,
        service: &str,
        host: &str,
        out: &mut Vec<u8>,
    ) {
        out.extend_from_slice(b"{\"@timestamp\":\"");
        self.timestamps.write(timestamp, out);
        out.extend_from_slice(b"\",\"level\":\"");
        out.extend_from_slice(level.as_bytes());
        out.push(b'"');
        write_key(out, "service");
        write_str(out, service);
        write_key(out, "host");
        write_str(out, host);
    }

    pub fn end(&mut self, unparsed: bool, out: &mut Vec<u8>) {
        if unparsed {
            out.extend_from_slice(b",\"unparsed\":true");
        }
        out.push(b'}');
    }
}

pub fn write_key(out: &mut Vec<u8>, key: &str) {
    out.push(b',');
    write_str(out, key);
    out.push(b':');
}

pub fn write_str(out: &mut Vec<u8>, value: &str) {
    // Serialising a &str into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, value);
}
