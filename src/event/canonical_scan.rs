//! The canonical line as logagg writes it, read by scanning its bytes: no spaces between
//! tokens, no `\u` escapes in strings, `fields` holding strings, numbers, booleans and nulls.
//! That is nearly every line `simulate --to stdout` or `query -o json` prints, and reading
//! it this way takes a fraction of what a general JSON parser takes (shipping NDJSON was
//! bound by parsing). Anything else is left to the serde reader (`canonical.rs`), so the
//! three readers agree on every line: where this one answers, it gives what they give.

use super::string_marks::StringMarks;
use super::{key_sketch, set_keyword, Level, LogEvent, TimeFrom, Timestamp};
use crate::premixed::Premixed;
use serde_json::{Map, Value};
use std::collections::HashMap;

/// `fields` maps of earlier events, by their first key: a line whose keys are not those of
/// the map its event holds finds one that has them, and writes only the values (no key, no
/// tree node, no string allocated). A file mixes a few kinds of events; a reused event
/// seldom held one of the same kind.
///
/// When the sink reads `fields` itself (`leave_text`), the object is only checked, and its
/// text is kept here for the sink instead (`take_text`).
#[derive(Debug, Clone, Default)]
pub struct FieldMaps {
    by_first_key: HashMap<u64, Vec<Map<String, Value>>, Premixed>,
    count: usize,
    leave_text: bool,
    /// The last line's `fields` object as written, when it was left as text.
    text: String,
    /// Room for the marks of the line being read, kept from one line to the next.
    marks: StringMarks,
    /// Room for a string's text with its escapes decoded, kept likewise.
    scratch: String,
}

impl FieldMaps {
    /// Enough for the kinds of events a file holds; more would only hold memory.
    const MAX: usize = 256;
    /// Kept maps tried for one line at most: kinds that share a first key cost a few
    /// tries (each stops at the first key that differs) before the map is rebuilt.
    const TRIES: usize = 4;

    fn slot(first_key: &str) -> u64 {
        // `key_sketch` keeps the key's length and first bytes in the low bits; spread over
        // all of them for the table.
        key_sketch(first_key).wrapping_mul(0x9E37_79B9_7F4A_7C15)
    }

    /// From now on a line's `fields` object is checked and kept as text, not read into
    /// the event: the store's sealing thread reads it, off the decoding thread.
    pub fn leave_text(&mut self) {
        self.leave_text = true;
    }

    /// The last line's `fields` object as written, moved into `into` (emptied when the
    /// line's fields are in its event; left as it is, empty, unless `leave_text` was
    /// asked).
    #[inline]
    pub fn take_text(&mut self, into: &mut String) {
        // Asked of every line: a decoder that never leaves text does nothing here.
        if self.leave_text {
            into.clear();
            std::mem::swap(into, &mut self.text);
        }
    }

    /// Forgets the text of a line that was then read another way.
    #[inline]
    pub fn forget_text(&mut self) {
        if self.leave_text {
            self.text.clear();
        }
    }

    fn keep(&mut self, map: Map<String, Value>) {
        let Some(first) = map.keys().next() else {
            return;
        };
        if self.count < Self::MAX {
            self.count += 1;
            self.by_first_key
                .entry(Self::slot(first))
                .or_default()
                .push(map);
        }
    }
}

/// The keys of the canonical line.
#[derive(Clone, Copy)]
enum Key {
    Timestamp,
    Level,
    Service,
    Host,
    Message,
    TraceId,
    Fields,
    Unparsed,
    TimeFrom,
}

impl Key {
    fn named(name: &str) -> Option<Key> {
        Some(match name {
            "@timestamp" => Key::Timestamp,
            "level" => Key::Level,
            "service" => Key::Service,
            "host" => Key::Host,
            "message" => Key::Message,
            "trace_id" => Key::TraceId,
            "fields" => Key::Fields,
            "unparsed" => Key::Unparsed,
            "time_from" => Key::TimeFrom,
            _ => return None,
        })
    }

    /// The key whose name starts with `byte`, if one does.
    fn starting_with(byte: u8) -> Option<Key> {
        Some(match byte {
            b'@' => Key::Timestamp,
            b'l' => Key::Level,
            b's' => Key::Service,
            b'h' => Key::Host,
            b'm' => Key::Message,
            b't' => Key::TraceId,
            b'f' => Key::Fields,
            b'u' => Key::Unparsed,
            _ => return None,
        })
    }

    /// The key as a line writes it, with its colon.
    fn literal(self) -> &'static [u8] {
        match self {
            Key::Timestamp => b"\"@timestamp\":",
            Key::Level => b"\"level\":",
            Key::Service => b"\"service\":",
            Key::Host => b"\"host\":",
            Key::Message => b"\"message\":",
            Key::TraceId => b"\"trace_id\":",
            Key::Fields => b"\"fields\":",
            Key::Unparsed => b"\"unparsed\":",
            Key::TimeFrom => b"\"time_from\":",
        }
    }

    /// The keys every canonical line has.
    const REQUIRED: u16 = (1 << Key::Timestamp as u16)
        | (1 << Key::Level as u16)
        | (1 << Key::Service as u16)
        | (1 << Key::Host as u16)
        | (1 << Key::Message as u16);

    fn bit(self) -> u16 {
        1 << self as u16
    }

    /// After a line's keys (`seen`, one bit each): whether the line had every key it must
    /// have; the optional ones it lacked are reset in `event`, which may hold an earlier
    /// event's.
    fn complete(seen: u16, event: &mut LogEvent) -> bool {
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
        if seen & Key::TimeFrom.bit() == 0 {
            event.time_from = TimeFrom::Line;
        }
        true
    }
}

/// Fills `event` from a line in the scanned form; `false` (with `event` left in no useful
/// state) when the line is not in it.
pub fn scan_into(line: &[u8], event: &mut LogEvent, maps: &mut FieldMaps) -> bool {
    let mut marks = std::mem::take(&mut maps.marks);
    let read = scan_marked(line, event, maps, &mut marks);
    maps.marks = marks;
    read
}

fn scan_marked(
    line: &[u8],
    event: &mut LogEvent,
    maps: &mut FieldMaps,
    marks: &mut StringMarks,
) -> bool {
    // Control characters are not allowed raw inside JSON strings, and the form has none
    // outside them: a line holding one is for the general readers to judge.
    let Some(text) = marked_text(line, marks) else {
        return false;
    };
    let mut scanner = Scanner::new(text, marks);
    // Kept from one line to the next: a message with escapes is common (quoted values).
    scanner.scratch = std::mem::take(&mut maps.scratch);
    maps.text.clear();
    let read = scanner.event_into(event, maps).is_some() && scanner.at == line.len();
    // (Not the room of an unusually long one.)
    if scanner.scratch.capacity() <= 64 << 10 {
        maps.scratch = scanner.scratch;
    }
    if !read {
        maps.text.clear();
    }
    read
}

/// Reads a `fields` object kept as text (`FieldMaps::leave_text`) into `map` (which may
/// hold an earlier one), as the line it came from would have been read. This reader
/// checked the text with the same grammar when it left it, so the general reader and the
/// last resort (the text kept whole under `fields_text`: nothing is lost) are for what
/// cannot happen.
pub fn read_fields_text(text: &str, map: &mut Map<String, Value>, maps: &mut FieldMaps) {
    let mut marks = std::mem::take(&mut maps.marks);
    let read = !marks.mark(text.as_bytes()).control && {
        let mut scanner = Scanner::new(text, &marks);
        scanner.fields_into(map, maps).is_some() && scanner.at == text.len()
    };
    maps.marks = marks;
    if read {
        return;
    }
    *map = serde_json::from_str(text).unwrap_or_else(|_| {
        let mut kept = Map::new();
        kept.insert("fields_text".into(), Value::String(text.into()));
        kept
    });
}

/// A value of a `fields` object as the scanner reads it.
pub enum Scalar<'a> {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    Text(&'a str),
}

/// Takes a `fields` object's entries in the order they are written.
pub trait FieldsVisitor {
    /// The next entry's key; `false` stops the reading (the visitor cannot take it).
    fn key(&mut self, key: &str) -> bool;
    /// The value of the key just taken.
    fn value(&mut self, value: Scalar<'_>);
}

/// Hands the entries of the `fields` object at `range` of `texts` (objects kept as text,
/// `FieldMaps::leave_text`, one after another; `marks` are those of all of `texts`, made
/// once) to `visitor`, as `read_fields_text` would read them, without building a map;
/// `false` when this reader does not take the text (an escape it leaves to serde, a nested
/// value) or the visitor stopped: the entries handed over are then to be forgotten, and the
/// text read with `read_fields_text`.
pub fn visit_fields_text(
    texts: &str,
    marks: &StringMarks,
    range: std::ops::Range<usize>,
    visitor: &mut impl FieldsVisitor,
) -> bool {
    let mut scanner = Scanner::new(texts, marks);
    scanner.at = range.start;
    // Reading stops at the object's closing brace, so it never looks past the range of an
    // object it takes.
    scanner.fields_visited(visitor).is_some() && scanner.at == range.end
}

/// `line` as text, its marks made; `None` when it holds a control byte or is not UTF-8.
fn marked_text<'a>(line: &'a [u8], marks: &mut StringMarks) -> Option<&'a str> {
    let marked = marks.mark(line);
    if marked.control {
        return None;
    }
    if marked.ascii {
        // SAFETY: every byte is below 0x80 (the marks looked at each), and a run of ASCII
        // bytes is UTF-8.
        return Some(unsafe { std::str::from_utf8_unchecked(line) });
    }
    std::str::from_utf8(line).ok()
}

struct Scanner<'a> {
    bytes: &'a [u8],
    text: &'a str,
    marks: &'a StringMarks,
    at: usize,
    /// A string with escapes, decoded.
    scratch: String,
}

impl<'a> Scanner<'a> {
    /// A scanner of `text`, whose quotes and backslashes `marks` holds.
    fn new(text: &'a str, marks: &'a StringMarks) -> Scanner<'a> {
        Scanner {
            bytes: text.as_bytes(),
            text,
            marks,
            at: 0,
            scratch: String::new(),
        }
    }

    fn eat(&mut self, byte: u8) -> Option<()> {
        (self.bytes.get(self.at) == Some(&byte)).then(|| self.at += 1)
    }

    fn eat_word(&mut self, word: &[u8]) -> Option<()> {
        let found = crate::short_text::equal(self.bytes.get(self.at..self.at + word.len())?, word);
        found.then(|| self.at += word.len())
    }

    /// A string, its escapes decoded (into `scratch`, so only strings that have some are
    /// copied here). `\u` escapes are left to the serde reader.
    #[inline(always)]
    fn string(&mut self) -> Option<&str> {
        self.eat(b'"')?;
        let text = self.text;
        let start = self.at;
        let end = self.marks.next(start)?;
        if self.bytes[end] == b'"' {
            self.at = end + 1;
            return text.get(start..end);
        }
        self.scratch.clear();
        let mut at = start;
        loop {
            let end = self.marks.next(at)?;
            self.scratch.push_str(text.get(at..end)?);
            if self.bytes[end] == b'"' {
                self.at = end + 1;
                return Some(&self.scratch);
            }
            self.scratch.push(match self.bytes.get(end + 1)? {
                b'"' => '"',
                b'\\' => '\\',
                b'/' => '/',
                b'b' => '\u{8}',
                b'f' => '\u{c}',
                b'n' => '\n',
                b'r' => '\r',
                b't' => '\t',
                _ => return None,
            });
            at = end + 2;
        }
    }

    /// A key of the line and the colon after it.
    fn key(&mut self) -> Option<Key> {
        // Keys are written plainly: `"level":` is that key whatever follows, and reading
        // it as a literal spares looking for the end of a string (the line's keys are
        // half of its strings).
        if let Some(key) = self
            .bytes
            .get(self.at + 1)
            .and_then(|&b| Key::starting_with(b))
        {
            if self.eat_word(key.literal()).is_some() {
                return Some(key);
            }
        }
        let key = Key::named(self.string()?)?;
        self.eat(b':')?;
        Some(key)
    }

    fn event_into(&mut self, event: &mut LogEvent, maps: &mut FieldMaps) -> Option<()> {
        self.eat(b'{')?;
        let mut seen = 0u16;
        loop {
            let key = self.key()?;
            if seen & key.bit() != 0 {
                return None;
            }
            seen |= key.bit();
            match key {
                Key::Timestamp => event.timestamp = Timestamp::parse(self.string()?)?,
                Key::Level => event.level = Level::from_word(self.string()?.trim())?,
                Key::Service => set_keyword(&mut event.service, self.string()?),
                Key::Host => set_keyword(&mut event.host, self.string()?),
                Key::Message => {
                    let message = self.string()?;
                    refill(&mut event.message, message);
                }
                Key::TraceId => {
                    let id = self.string()?;
                    set_keyword(event.trace_id.get_or_insert_with(String::new), id);
                }
                Key::Fields if maps.leave_text => {
                    let written = self.fields_checked()?;
                    maps.text.push_str(written);
                    event.fields.clear();
                }
                Key::Fields => self.fields_into(&mut event.fields, maps)?,
                Key::Unparsed => event.unparsed = self.boolean()?,
                Key::TimeFrom => event.time_from = TimeFrom::from_name(self.string()?)?,
            }
            if self.eat(b',').is_none() {
                break;
            }
        }
        self.eat(b'}')?;
        Key::complete(seen, event).then_some(())
    }

    fn boolean(&mut self) -> Option<bool> {
        if self.eat_word(b"true").is_some() {
            Some(true)
        } else {
            self.eat_word(b"false").map(|()| false)
        }
    }

    /// The `fields` object, into a map that may hold an earlier event's. When the line's
    /// keys are that map's, in order (events of one kind), the values are written over in
    /// place; else over those of a kept map that has them (found by the first key, so the
    /// object is not read through first); else the map is rebuilt, a key found there
    /// keeping its `String`.
    fn fields_into(&mut self, map: &mut Map<String, Value>, maps: &mut FieldMaps) -> Option<()> {
        let start = self.at;
        if self.fields_in_place(map)? {
            return Some(());
        }
        self.at = start;
        if let Some(found) = self.kept_fields_in_place(maps, start)? {
            maps.keep(std::mem::replace(map, found));
            return Some(());
        }
        // The map goes to the kept ones, for a later line of its kind.
        maps.keep(std::mem::take(map));
        self.at = start;
        self.fields_rebuilt(map)
    }

    /// A kept map the `fields` object at `start` was written into in place, taken out of
    /// `maps`; `None` (and the object to be read again) when none has its keys.
    fn kept_fields_in_place(
        &mut self,
        maps: &mut FieldMaps,
        start: usize,
    ) -> Option<Option<Map<String, Value>>> {
        self.eat(b'{')?;
        if self.eat(b'}').is_some() {
            return Some(None);
        }
        let first = FieldMaps::slot(self.string()?);
        let Some(kept) = maps.by_first_key.get_mut(&first) else {
            return Some(None);
        };
        for i in (0..kept.len()).rev().take(FieldMaps::TRIES) {
            self.at = start;
            if self.fields_in_place(&mut kept[i])? {
                maps.count -= 1;
                return Some(Some(kept.swap_remove(i)));
            }
        }
        Some(None)
    }

    /// The `fields` object as written, when `fields_into` would read it: the same
    /// readers of strings and values take it apart, and nothing is kept.
    fn fields_checked(&mut self) -> Option<&'a str> {
        let start = self.at;
        self.eat(b'{')?;
        if self.eat(b'}').is_none() {
            loop {
                self.string()?;
                self.eat(b':')?;
                match self.bytes.get(self.at)? {
                    b'"' => {
                        self.string()?;
                    }
                    b't' | b'f' => {
                        self.boolean()?;
                    }
                    b'n' => self.eat_word(b"null")?,
                    b'-' | b'0'..=b'9' => {
                        self.number()?;
                    }
                    _ => return None,
                }
                if self.eat(b',').is_none() {
                    self.eat(b'}')?;
                    break;
                }
            }
        }
        self.text.get(start..self.at)
    }

    fn fields_visited(&mut self, visitor: &mut impl FieldsVisitor) -> Option<()> {
        self.eat(b'{')?;
        if self.eat(b'}').is_some() {
            return Some(());
        }
        loop {
            visitor.key(self.string()?).then_some(())?;
            self.eat(b':')?;
            let value = match self.bytes.get(self.at)? {
                b'"' => Scalar::Text(self.string()?),
                b't' | b'f' => Scalar::Bool(self.boolean()?),
                b'n' => {
                    self.eat_word(b"null")?;
                    Scalar::Null
                }
                b'-' | b'0'..=b'9' => Scalar::Number(self.number()?),
                _ => return None,
            };
            visitor.value(value);
            if self.eat(b',').is_none() {
                return self.eat(b'}');
            }
        }
    }

    /// `Some(false)`: the keys are not the map's (what was written over is read again).
    fn fields_in_place(&mut self, map: &mut Map<String, Value>) -> Option<bool> {
        self.eat(b'{')?;
        let mut entries = map.iter_mut();
        if self.eat(b'}').is_some() {
            return Some(entries.next().is_none());
        }
        loop {
            let Some((key, value)) = entries.next() else {
                return Some(false);
            };
            if !self.eat_key(key)? {
                return Some(false);
            }
            self.scalar_into(value)?;
            if self.eat(b',').is_none() {
                self.eat(b'}')?;
                return Some(entries.next().is_none());
            }
        }
    }

    /// Reads the next key and its colon, and says whether it is `key`.
    fn eat_key(&mut self, key: &str) -> Option<bool> {
        // A key with no quote or backslash in it is written as its own bytes between
        // quotes: found that way, the string is that key and nothing else. (Whether it
        // has one is asked last, only of a key whose bytes are there.)
        let at = self.at;
        let written = self.bytes.get(at + 1..at + 1 + key.len());
        if self.bytes.get(at) == Some(&b'"')
            && written.is_some_and(|w| crate::short_text::equal(w, key.as_bytes()))
            && self.bytes.get(at + 1 + key.len()) == Some(&b'"')
            && !key.bytes().any(|b| b == b'"' || b == b'\\')
        {
            self.at = at + 2 + key.len();
        } else if self.string()? != key {
            return Some(false);
        }
        self.eat(b':')?;
        Some(true)
    }

    fn fields_rebuilt(&mut self, map: &mut Map<String, Value>) -> Option<()> {
        self.eat(b'{')?;
        let mut old = std::mem::take(map);
        if self.eat(b'}').is_some() {
            return Some(());
        }
        loop {
            let name = self.string()?;
            let (key, mut value) = old
                .remove_entry(name)
                .unwrap_or_else(|| (name.to_owned(), Value::Null));
            self.eat(b':')?;
            self.scalar_into(&mut value)?;
            // A key written twice keeps its last value, as a map read the usual way does.
            map.insert(key, value);
            if self.eat(b',').is_none() {
                return self.eat(b'}');
            }
        }
    }

    fn scalar_into(&mut self, value: &mut Value) -> Option<()> {
        match self.bytes.get(self.at)? {
            b'"' => {
                let text = self.string()?;
                match value {
                    Value::String(kept) => {
                        kept.clear();
                        kept.push_str(text);
                    }
                    other => *other = Value::String(text.to_owned()),
                }
            }
            b't' | b'f' => *value = Value::Bool(self.boolean()?),
            b'n' => {
                self.eat_word(b"null")?;
                *value = Value::Null;
            }
            b'-' | b'0'..=b'9' => {
                let number = self.number()?;
                // Written over without dropping a `Value` when the kept one is a number too.
                match value {
                    Value::Number(kept) => *kept = number,
                    other => *other = Value::Number(number),
                }
            }
            // Objects and arrays: the serde reader.
            _ => return None,
        }
        Some(())
    }

    /// The bytes a number may be written with, from here (whether they make one is for
    /// `number` to say).
    fn number_text(&mut self) -> &'a [u8] {
        let rest = &self.bytes[self.at..];
        let len = rest
            .iter()
            .position(|b| !matches!(b, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
            .unwrap_or(rest.len());
        self.at += len;
        &rest[..len]
    }

    /// A number as `serde_json` reads it: plain counts read here, anything with a sign, a
    /// fraction, an exponent or twenty digits handed to it (it decides `-0`, leading zeros,
    /// overflow and rounding).
    #[inline(always)]
    fn number(&mut self) -> Option<serde_json::Number> {
        let written = self.number_text();
        let len = written.len();
        let plain =
            written.iter().all(u8::is_ascii_digit) && len < 20 && (written[0] != b'0' || len == 1);
        if plain {
            let count = written
                .iter()
                .fold(0u64, |n, d| n * 10 + u64::from(d - b'0'));
            return Some(count.into());
        }
        let text = std::str::from_utf8(written).ok()?;
        match serde_json::from_str::<Value>(text).ok()? {
            Value::Number(number) => Some(number),
            _ => None,
        }
    }
}

/// Makes `target` (the message of an event read before) hold `text`. Records are reused in
/// no particular order, so a message string meets longer texts now and then: it grows
/// straight to a round size (at least 128 bytes), rather than by as little as each new
/// text needs, and is soon large enough for every line.
fn refill(target: &mut String, text: &str) {
    target.clear();
    if target.capacity() < text.len() {
        target.reserve(text.len().next_power_of_two().max(128));
    }
    target.push_str(text);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{decode_line, DecodeContext};

    fn line(fields: &str) -> String {
        format!(
            r#"{{"@timestamp":"2026-11-24T13:00:00Z","level":"info","service":"api","host":"h","message":"m","fields":{fields}}}"#
        )
    }

    /// Each line decoded into an event that held the one before gives what a fresh decode
    /// gives: same keys (written over in place), a key more or less, others, a prefix.
    #[test]
    fn fields_follow_the_line_whatever_the_event_held() {
        let mut event = LogEvent::default();
        let mut maps = FieldMaps::default();
        for fields in SEQUENCE {
            let text = line(fields);
            assert!(scan_into(text.as_bytes(), &mut event, &mut maps), "{text}");
            assert_eq!(
                event,
                decode_line(text.as_bytes(), &DecodeContext::now()),
                "{text}"
            );
        }
    }

    /// Fields left as text are the line's own object, and read back (by a reader with
    /// its own kept maps, as the sealing thread's) into what a fresh decode gives; a line
    /// this reader does not take leaves no text, and its event holds its fields.
    #[test]
    fn fields_left_as_text_read_back_into_what_the_line_holds() {
        let mut event = LogEvent::default();
        let mut maps = FieldMaps::default();
        maps.leave_text();
        let mut later = FieldMaps::default();
        let mut read = Map::new();
        let mut text = String::new();
        let refused = [
            r#"{"a":{"nested":1}}"#,
            r#"{"a":[1,2]}"#,
            r#"{ "a":1}"#,
            r#"{"a":01}"#,
        ];
        for fields in SEQUENCE.iter().chain(&refused) {
            let whole = line(fields);
            let fresh = decode_line(whole.as_bytes(), &DecodeContext::now());
            let scanned = scan_into(whole.as_bytes(), &mut event, &mut maps);
            maps.take_text(&mut text);
            assert_eq!(scanned, !refused.contains(fields), "{whole}");
            if !scanned {
                assert!(text.is_empty(), "{whole}: text left behind");
                continue;
            }
            assert_eq!(&text, fields);
            assert!(event.fields.is_empty(), "{whole}: fields read as well");
            read_fields_text(&text, &mut read, &mut later);
            event.fields = read.clone();
            assert_eq!(event, fresh, "{whole}");
        }
    }

    /// Lines with bytes that are not UTF-8 (a lone byte, a cut sequence, a surrogate, a
    /// code point past U+10FFFF, an overlong form) are left to the general readers, which
    /// keep them as text; well-formed characters of every length are read.
    #[test]
    fn only_utf8_is_scanned() {
        let bad: [&[u8]; 6] = [
            b"\xff",
            b"\xc3",
            b"\xe2\x82",
            b"\xed\xa0\x80",
            b"\xf4\x90\x80\x80",
            b"\xc0\xaf",
        ];
        for bytes in bad {
            let mut whole = line(r#"{"a":"x"}"#).into_bytes();
            let at = whole.windows(4).position(|w| w == b"\"m\",").unwrap() + 1;
            whole.splice(at..at, bytes.iter().copied());
            let scanned = scan_into(&whole, &mut LogEvent::default(), &mut FieldMaps::default());
            assert!(!scanned, "{bytes:?}");
        }
        let good = line(r#"{"a":"é ☃ 𝄞"}"#);
        let mut event = LogEvent::default();
        assert!(scan_into(
            good.as_bytes(),
            &mut event,
            &mut FieldMaps::default()
        ));
        assert_eq!(event.fields["a"], "é ☃ 𝄞");
    }

    #[test]
    fn fields_text_no_reader_takes_is_kept_whole() {
        let mut map = Map::new();
        read_fields_text("{\"a\":", &mut map, &mut FieldMaps::default());
        assert_eq!(map["fields_text"], "{\"a\":");
        read_fields_text(r#"{"a": {"b": [1]}}"#, &mut map, &mut FieldMaps::default());
        assert_eq!(map["a"]["b"][0], 1);
    }

    const SEQUENCE: [&str; 32] = [
        r#"{"a":"x","b":1}"#,
        r#"{"a":"longer text","b":2.5}"#,
        r#"{"a":"x"}"#,
        r#"{"a":"x","b":1,"c":null}"#,
        r#"{"b":true,"a":"y"}"#,
        r#"{"c":"z","d":-0}"#,
        r#"{}"#,
        r#"{"a":"x","a":"twice"}"#,
        r#"{"a":"x","b":1}"#,
        // Kinds taking turns: each finds its map among the kept ones.
        r#"{"c":"z","d":1}"#,
        r#"{"a":"y","b":2}"#,
        r#"{"c":"w","d":2}"#,
        // Maps that look alike (same count, first and last key) and are not.
        r#"{"c":"v","x":0,"d":3}"#,
        r#"{"a":"y","b":2}"#,
        r#"{"c":"v","y":0,"d":3}"#,
        r#"{"abcd1":1}"#,
        r#"{"a":"y","b":2}"#,
        r#"{"abcd2":2}"#,
        r#"{"c":"u","d":4}"#,
        // More kinds sharing a first key than are tried: the oldest is rebuilt.
        r#"{"a":"1","b1":1}"#,
        r#"{"a":"1","b2":1}"#,
        r#"{"a":"1","b3":1}"#,
        r#"{"a":"1","b4":1}"#,
        r#"{"a":"1","b5":1}"#,
        r#"{"a":"1","b6":1}"#,
        r#"{"a":"2","b1":2}"#,
        r#"{"a":"2","b6":2}"#,
        r#"{"a":"2","b3":2}"#,
        // Keys holding a quote or a backslash, then lines whose bytes spell them
        // without their escapes: other keys.
        r#"{"a\":1,\"b":5}"#,
        r#"{"a":1,"b":2}"#,
        r#"{"x\\":1}"#,
        r#"{"x\"":1}"#,
    ];
}
