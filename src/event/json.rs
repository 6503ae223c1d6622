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
            write_object(out, &event.fields);
        }
        if !event.time_from.is_exact() {
            write_key(out, "time_from");
            write_str(out, event.time_from.as_str());
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

/// A JSON string, escaped exactly as serde_json escapes it.
#[inline]
pub fn write_str(out: &mut Vec<u8>, value: &str) {
    // Most strings need no escaping: one scan, then one copy.
    if needs_escaping(value.as_bytes()) {
        return write_escaped(out, value);
    }
    out.reserve(value.len() + 2);
    out.push(b'"');
    out.extend_from_slice(value.as_bytes());
    out.push(b'"');
}

/// Kept out of line: serde_json's escaper, inlined, made every call of `write_str` save
/// and restore registers it only needs for the rare string that has something to escape.
#[cold]
#[inline(never)]
fn write_escaped(out: &mut Vec<u8>, value: &str) {
    // Serialising a &str into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, value);
}

/// Whether any byte of `text` must be escaped in a JSON string. Sixteen bytes at a time
/// without early exit (so it vectorises), the rest through a table: most strings written
/// (keys, services, hosts, short values) are shorter than sixteen bytes, and the compares
/// of the byte-by-byte tail were most of writing an event. (Eight bytes at a time with bit
/// tricks was slower: 2026-11-27.)
fn needs_escaping(text: &[u8]) -> bool {
    let mut chunks = text.chunks_exact(16);
    let mut found = false;
    for chunk in &mut chunks {
        found |= chunk.iter().fold(false, |odd, &b| {
            odd | (b < 0x20) | (b == b'"') | (b == b'\\')
        });
    }
    found
        | chunks
            .remainder()
            .iter()
            .fold(false, |odd, &b| odd | ESCAPED[usize::from(b)])
}

/// The bytes `needs_escaping` looks for: control characters, `"` and `\`.
static ESCAPED: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 0x20 {
        table[byte] = true;
        byte += 1;
    }
    table[b'"' as usize] = true;
    table[b'\\' as usize] = true;
    table
};

/// A JSON object as serde_json writes it (compact, keys in the map's order), with the
/// strings through `write_str`.
fn write_object(out: &mut Vec<u8>, map: &serde_json::Map<String, serde_json::Value>) {
    out.push(b'{');
    for (i, (key, value)) in map.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_str(out, key);
        out.push(b':');
        match value {
            serde_json::Value::String(s) => write_str(out, s),
            serde_json::Value::Object(inner) => write_object(out, inner),
            // Numbers, booleans, null and arrays: serialising into a Vec cannot fail.
            other => {
                let _ = serde_json::to_writer(&mut *out, other);
            }
        }
    }
    out.push(b'}');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_and_objects_are_written_as_serde_json_writes_them() {
        for text in [
            "",
            "plain words",
            "quote \" and backslash \\",
            "tab\tnewline\ncarriage\r",
            "\u{0}\u{1f}\u{7f}",
            "Ünïcode – 日本語 🚀",
        ] {
            let mut ours = Vec::new();
            write_str(&mut ours, text);
            assert_eq!(ours, serde_json::to_vec(text).unwrap(), "{text:?}");
        }
        let fields: serde_json::Map<String, serde_json::Value> = serde_json::from_str(
            r#"{"a\"b":1,"list":["x\n",2,null,{"k":"v"}],"nested":{"deep":{"t":true,"s":"\u0001"}},"n":-1.5}"#,
        )
        .unwrap();
        let mut ours = Vec::new();
        write_object(&mut ours, &fields);
        assert_eq!(ours, serde_json::to_vec(&fields).unwrap());
    }

    /// Every byte at every place of texts of every length up to 40 (around each way a
    /// length is looked at), beside plain bytes and bytes one bit away from those that
    /// must be escaped.
    #[test]
    fn every_byte_that_must_be_escaped_is_found_wherever_it_is() {
        for background in [b'a', b'!', b'#', b'[', b']', 0x7f, 0xa2, 0xdc, 0xff] {
            for len in 0..40usize {
                let plain = vec![background; len];
                assert!(!needs_escaping(&plain), "{len} {background:#x}");
                for at in 0..len {
                    for byte in 0..=255u8 {
                        let mut text = plain.clone();
                        text[at] = byte;
                        assert_eq!(
                            needs_escaping(&text),
                            ESCAPED[usize::from(byte)],
                            "{len} {at} {byte:#x} {background:#x}"
                        );
                    }
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn any_string_is_written_as_serde_json_writes_it(text in "[a-z\"\\\\\\x00-\\x1f\\x7fé€ ]{0,40}") {
            let mut ours = Vec::new();
            write_str(&mut ours, &text);
            proptest::prop_assert_eq!(ours, serde_json::to_vec(&text).unwrap_or_default());
        }

        /// One byte to escape anywhere in plain text, inside or after the 16-byte chunks.
        #[test]
        fn one_escape_anywhere_is_found(
            text in "[a-z0-9 é]{0,60}",
            odd in "[\"\\\\\x00-\x1f]",
            at in 0usize..64,
        ) {
            let mut chars: Vec<char> = text.chars().collect();
            chars.insert(at.min(chars.len()), odd.chars().next().unwrap());
            let text: String = chars.into_iter().collect();
            let mut ours = Vec::new();
            write_str(&mut ours, &text);
            proptest::prop_assert_eq!(ours, serde_json::to_vec(&text).unwrap());
        }
    }
}
