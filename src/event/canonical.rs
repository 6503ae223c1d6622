//! The canonical JSON line (what `simulate --to stdout` and `query -o json` print) read
//! straight into an event: its keys are matched as they are parsed, with no map of the top
//! level to build and take apart, which was most of what shipping NDJSON cost. The event
//! may be one read before: its strings are refilled where they lie and its `fields` keys
//! and values reused, so a file of similar lines costs few allocations. Anything else
//! (another key, a value of another type, a time or level that does not read, a key twice)
//! is refused, and `decode_line` reads the line the general way, so both ways give the same
//! event for every line.

use super::{set_keyword, Level, LogEvent, Timestamp};
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Number, Value};
use std::fmt;

/// The event of a canonical line, or `None` when the line is not one.
#[cfg(test)]
pub fn decode(line: &[u8]) -> Option<LogEvent> {
    let mut event = LogEvent::default();
    decode_into(line, &mut event).then_some(event)
}

/// Fills `event` from a canonical line; `false` (with `event` left in no useful state)
/// when the line is not one.
pub fn decode_into(line: &[u8], event: &mut LogEvent) -> bool {
    let mut de = serde_json::Deserializer::from_slice(line);
    matches!(de.deserialize_map(Canonical { event }), Ok(true)) && de.end().is_ok()
}

/// The keys of the canonical line (shared with the scanning reader).
#[derive(Clone, Copy)]
pub(super) enum Key {
    Timestamp,
    Level,
    Service,
    Host,
    Message,
    TraceId,
    Fields,
    Unparsed,
}

impl Key {
    pub(super) fn named(name: &str) -> Option<Key> {
        Some(match name {
            "@timestamp" => Key::Timestamp,
            "level" => Key::Level,
            "service" => Key::Service,
            "host" => Key::Host,
            "message" => Key::Message,
            "trace_id" => Key::TraceId,
            "fields" => Key::Fields,
            "unparsed" => Key::Unparsed,
            _ => return None,
        })
    }

    /// The keys every canonical line has.
    pub(super) const REQUIRED: u8 = (1 << Key::Timestamp as u8)
        | (1 << Key::Level as u8)
        | (1 << Key::Service as u8)
        | (1 << Key::Host as u8)
        | (1 << Key::Message as u8);

    pub(super) fn bit(self) -> u8 {
        1 << self as u8
    }

    /// After a line's keys (`seen`, one bit each): whether the line had every key it must
    /// have; the optional ones it lacked are reset in `event`, which may hold an earlier
    /// event's.
    pub(super) fn complete(seen: u8, event: &mut LogEvent) -> bool {
        if seen & Key::REQUIRED != Key::REQUIRED {
            return false;
        }
        if seen & Key::TraceId.bit() == 0 {
            event.trace_id = None;
        }
        if seen & Key::Fields.bit() == 0 {
            event.fields.clear();
        }
        if seen & Key::Unparsed.bit() == 0 {
            event.unparsed = false;
        }
        true
    }
}

/// The top-level object. Answers `false` as soon as the line turns out not to be canonical.
struct Canonical<'e> {
    event: &'e mut LogEvent,
}

impl<'de> Visitor<'de> for Canonical<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a canonical event object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        let event = self.event;
        let mut seen = 0u8;
        while let Some(name) = map.next_key_seed(KeyName)? {
            let Some(key) = name else {
                return Ok(false);
            };
            if seen & key.bit() != 0 {
                return Ok(false);
            }
            seen |= key.bit();
            let read = match key {
                Key::Timestamp => map
                    .next_value_seed(Text(Timestamp::parse))?
                    .map(|t| event.timestamp = t)
                    .is_some(),
                Key::Level => map
                    .next_value_seed(Text(|s: &str| Level::from_word(s.trim())))?
                    .map(|l| event.level = l)
                    .is_some(),
                Key::Service => {
                    map.next_value_seed(Text(|s: &str| set_keyword(&mut event.service, s)))?;
                    true
                }
                Key::Host => {
                    map.next_value_seed(Text(|s: &str| set_keyword(&mut event.host, s)))?;
                    true
                }
                Key::Message => {
                    map.next_value_seed(Text(|s: &str| {
                        event.message.clear();
                        event.message.push_str(s);
                    }))?;
                    true
                }
                Key::TraceId => {
                    let id = event.trace_id.get_or_insert_with(String::new);
                    map.next_value_seed(Text(|s: &str| set_keyword(id, s)))?;
                    true
                }
                Key::Fields => {
                    map.next_value_seed(FieldsInto(&mut event.fields))?;
                    true
                }
                Key::Unparsed => {
                    event.unparsed = map.next_value::<bool>()?;
                    true
                }
            };
            if !read {
                return Ok(false);
            }
        }
        Ok(Key::complete(seen, event))
    }
}

/// A top-level key: one of the canonical ones, or `None`.
struct KeyName;

impl<'de> DeserializeSeed<'de> for KeyName {
    type Value = Option<Key>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<Key>, D::Error> {
        deserializer.deserialize_str(Text(Key::named))
    }
}

/// A string value handed to a function as it is read (borrowed from the line when it has
/// no escapes); any other type of value is an error.
struct Text<F>(F);

impl<'de, R, F: FnOnce(&str) -> R> DeserializeSeed<'de> for Text<F> {
    type Value = R;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<R, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de, R, F: FnOnce(&str) -> R> Visitor<'de> for Text<F> {
    type Value = R;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<R, E> {
        Ok((self.0)(text))
    }
}

/// The `fields` object read into a map that may hold the last event's: a key found there
/// keeps its `String` and its value is overwritten in place; keys not in the line go.
struct FieldsInto<'m>(&'m mut Map<String, Value>);

impl<'de> DeserializeSeed<'de> for FieldsInto<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for FieldsInto<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut old = std::mem::take(self.0);
        while let Some((key, mut value)) = map.next_key_seed(ReusedKey(&mut old))? {
            map.next_value_seed(ValueInto(&mut value))?;
            // A key written twice keeps its last value, as a map read the usual way does.
            self.0.insert(key, value);
        }
        Ok(())
    }
}

/// A `fields` key, with the entry the previous event had under it (or a new one).
struct ReusedKey<'m>(&'m mut Map<String, Value>);

impl<'de> DeserializeSeed<'de> for ReusedKey<'_> {
    type Value = (String, Value);

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        let old = self.0;
        deserializer.deserialize_str(Text(|name: &str| {
            old.remove_entry(name)
                .unwrap_or_else(|| (name.to_owned(), Value::Null))
        }))
    }
}

/// Any JSON value written over `self.0`, reusing its string's room when both are strings.
/// Numbers become what `serde_json::Value` makes of them, so both readers agree.
struct ValueInto<'v>(&'v mut Value);

impl<'de> DeserializeSeed<'de> for ValueInto<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueInto<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<(), E> {
        match self.0 {
            Value::String(kept) => {
                kept.clear();
                kept.push_str(text);
            }
            other => *other = Value::String(text.to_owned()),
        }
        Ok(())
    }

    fn visit_bool<E>(self, v: bool) -> Result<(), E> {
        *self.0 = Value::Bool(v);
        Ok(())
    }

    fn visit_i64<E>(self, v: i64) -> Result<(), E> {
        *self.0 = Value::Number(v.into());
        Ok(())
    }

    fn visit_u64<E>(self, v: u64) -> Result<(), E> {
        *self.0 = Value::Number(v.into());
        Ok(())
    }

    fn visit_f64<E>(self, v: f64) -> Result<(), E> {
        *self.0 = Number::from_f64(v).map_or(Value::Null, Value::Number);
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        *self.0 = Value::Null;
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        *self.0 = Value::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        *self.0 = Value::deserialize(serde::de::value::SeqAccessDeserializer::new(seq))?;
        Ok(())
    }
}
