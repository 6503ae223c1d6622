//! Turning one line of input into an event. JSON objects keep their structure; anything
//! else (plain text, broken JSON, invalid UTF-8) is kept whole as a flagged raw event.

use super::{keyword, FieldMaps, Level, LogEvent, TimeFrom, Timestamp, UNKNOWN};
use serde_json::{Map, Value};

/// What the caller knows about a line besides its bytes.
#[derive(Debug, Clone)]
pub struct DecodeContext {
    /// Used when the line carries no timestamp of its own.
    pub received_at: Timestamp,
    /// Used when the line names no service.
    pub service: Option<String>,
    /// Used when the line names no host.
    pub host: Option<String>,
}

impl DecodeContext {
    pub fn now() -> Self {
        DecodeContext {
            received_at: Timestamp::now(),
            service: None,
            host: None,
        }
    }
}

// The names producers give these (ECS, Bunyan/pino, logrus, zap, slog, Serilog's CLEF,
// log4j2's JSON layouts, GCP and Kubernetes structured logging, CloudWatch/Lambda,
// MongoDB 4.4+, journald's export), first match wins.
const TIMESTAMP_KEYS: &[&str] = &[
    "@timestamp",
    "timestamp",
    "time",
    "ts",
    "@t",
    "timeMillis",
    "instant",
    "__REALTIME_TIMESTAMP",
    "asctime",
];
const LEVEL_KEYS: &[&str] = &[
    "level",
    "log.level",
    "severity",
    "lvl",
    "levelname",
    "@l",
    "log_level",
    "loglevel",
    "severityText",
];
const SERVICE_KEYS: &[&str] = &[
    "service",
    "service.name",
    "app",
    "application",
    "SYSLOG_IDENTIFIER",
];
const HOST_KEYS: &[&str] = &["host", "host.name", "hostname", "_HOSTNAME"];
const MESSAGE_KEYS: &[&str] = &["message", "msg", "MESSAGE", "@m", "@mt", "textPayload"];
const TRACE_KEYS: &[&str] = &["trace_id", "trace.id", "traceId", "traceID"];

/// Decodes one line (without its line terminator). Never fails: what cannot be read as
/// a JSON event becomes an `unparsed` event holding the text.
pub fn decode_line(line: &[u8], ctx: &DecodeContext) -> LogEvent {
    let mut event = LogEvent::default();
    decode_line_into(line, ctx, &mut event, &mut FieldMaps::default());
    event
}

/// `decode_line` into an event that may hold an earlier one: a canonical line refills its
/// strings and fields where they lie (or in one of `maps`), anything else replaces it.
pub fn decode_line_into(
    line: &[u8],
    ctx: &DecodeContext,
    event: &mut LogEvent,
    maps: &mut FieldMaps,
) {
    maps.forget_text();
    let line = trim_line_end(line);
    if first_non_space(line) == Some(b'{') {
        if super::canonical_scan::scan_into(line, event, maps)
            || super::canonical::decode_into(line, event)
        {
            return;
        }
        if let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(line) {
            *event = from_object(map, ctx);
            return;
        }
    }
    *event = from_text(line, ctx);
}

fn trim_line_end(mut line: &[u8]) -> &[u8] {
    while let [rest @ .., b'\n' | b'\r'] = line {
        line = rest;
    }
    line
}

fn first_non_space(line: &[u8]) -> Option<u8> {
    line.iter().copied().find(|b| !b.is_ascii_whitespace())
}

fn from_text(line: &[u8], ctx: &DecodeContext) -> LogEvent {
    let (text, invalid_utf8) = match std::str::from_utf8(line) {
        Ok(text) => (std::borrow::Cow::Borrowed(text), false),
        Err(_) => (String::from_utf8_lossy(line), true),
    };
    let leading = leading_timestamp(&text);
    let mut event = LogEvent::new(
        leading.unwrap_or(ctx.received_at),
        infer_level(&text).unwrap_or_default(),
        ctx.service.as_deref().unwrap_or(UNKNOWN),
        ctx.host.as_deref().unwrap_or(UNKNOWN),
        &text,
    );
    event.unparsed = true;
    if leading.is_none() {
        event.time_from = TimeFrom::Received;
    }
    if invalid_utf8 {
        event.fields.insert(
            "decode_error".into(),
            Value::String("invalid UTF-8 replaced with U+FFFD".into()),
        );
    }
    event
}

/// The first level word among the first twelve words of a line's first 200 characters
/// (`ERROR`, `[warn]`, `level=info`, `WARNING:root:...`); a word is a run of letters and
/// digits. A level joined into a name is none: the `error` of the package
/// `libgpg-error-dev` or of `error.log` (see `joined`).
pub fn infer_level(text: &str) -> Option<Level> {
    level_among_words(text, 12)
}

/// The level a message starts with (`error: could not ...`, `[warn] disk`), also after a
/// program's tag (`postfix/postdrop[10896]: warning: ...`): where a line whose format has
/// no level field puts one, if it does. Words further on are the message's own
/// (`authentication failure`), not its level.
pub fn leading_level(text: &str) -> Option<Level> {
    let mut after_tag = true;
    for token in text.split_ascii_whitespace().take(6) {
        if after_tag {
            if let Some(level) = level_among_words(token, 1) {
                return Some(level);
            }
        }
        after_tag = token.ends_with(':');
    }
    None
}

fn level_among_words(text: &str, words: usize) -> Option<Level> {
    let bytes = &text.as_bytes()[..text.len().min(200)];
    if bytes.is_ascii() {
        // Most lines: 200 bytes of ASCII are the first 200 characters, and a letter or a
        // digit is one byte, so words are found without decoding characters.
        let mut at = 0;
        for _ in 0..words {
            while at < bytes.len() && !bytes[at].is_ascii_alphanumeric() {
                at += 1;
            }
            if at == bytes.len() {
                return None;
            }
            let start = at;
            while at < bytes.len() && bytes[at].is_ascii_alphanumeric() {
                at += 1;
            }
            if let Some(level) = Level::from_word_bytes(&bytes[start..at]) {
                if !joined(bytes.get(..start), bytes.get(at..)) {
                    return Some(level);
                }
            }
        }
        return None;
    }
    let head = match text.char_indices().nth(200) {
        Some((cut, _)) => &text[..cut],
        None => text,
    };
    let mut seen = 0;
    let mut chars = head.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if !c.is_alphanumeric() {
            continue;
        }
        let mut end = start + c.len_utf8();
        while let Some(&(at, c)) = chars.peek() {
            if !c.is_alphanumeric() {
                break;
            }
            end = at + c.len_utf8();
            chars.next();
        }
        if let Some(level) = Level::from_word(&head[start..end]) {
            // Only ASCII joins a name (`-`, `_`, `.`, `/`): the bytes around tell.
            if !joined(
                Some(&head.as_bytes()[..start]),
                Some(&head.as_bytes()[end..]),
            ) {
                return Some(level);
            }
        }
        seen += 1;
        if seen == words {
            return None;
        }
    }
    None
}

/// Whether a word between `before` and `after` is part of a name: a `-`, `_`, `.` or `/`
/// joins it to a letter or digit on that side (`libgpg-error-dev`, `error.log`,
/// `/var/log/error`), where a sentence's `error.` or a `--error` flag does not.
fn joined(before: Option<&[u8]>, after: Option<&[u8]>) -> bool {
    let joiner = |b: u8| matches!(b, b'-' | b'_' | b'.' | b'/');
    let before = before.unwrap_or_default();
    let after = after.unwrap_or_default();
    let left = matches!(before, [.., x, j] if joiner(*j) && x.is_ascii_alphanumeric());
    let right = matches!(after, [j, x, ..] if joiner(*j) && x.is_ascii_alphanumeric());
    left || right
}

/// A timestamp at the start of a plain line: `2026-11-24T13:00:00Z ...` or `2026-11-24 13:00:00.123 ...`.
fn leading_timestamp(text: &str) -> Option<Timestamp> {
    let mut words = text.split_whitespace();
    let first = words.next()?.trim_matches(|c| c == '[' || c == ']');
    if !first.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let second = words
        .next()
        .map(|w| w.trim_matches(|c| c == '[' || c == ']'));
    if let Some(time) =
        second.filter(|w| w.starts_with(|c: char| c.is_ascii_digit()) && w.contains(':'))
    {
        if let Some(ts) = Timestamp::parse(&format!("{first} {}", time.replace(',', "."))) {
            return Some(ts);
        }
    }
    Timestamp::parse(first)
}

fn from_object(mut map: Map<String, Value>, ctx: &DecodeContext) -> LogEvent {
    let shape = Shape::of(&map);
    let read_time = |v: &Value| {
        // A date with no time of day is read as its midnight, and says so.
        let date_only = v
            .as_str()
            .is_some_and(|s| s.trim().len() == 10 && !s.contains(':'));
        let from = if date_only {
            TimeFrom::TimeAssumed
        } else {
            TimeFrom::Line
        };
        json_time(v).map(|t| (t, from))
    };
    // MongoDB's `t` is its time; elsewhere a `t` is anything.
    let timestamp = match shape {
        Shape::Mongo => take_first(&mut map, &["t"], read_time),
        _ => None,
    }
    .or_else(|| take_first(&mut map, TIMESTAMP_KEYS, read_time));
    let level = match shape {
        // `"s":"W"`, `"s":"D2"`.
        Shape::Mongo => take_first(&mut map, &["s"], |v| {
            Level::from_letter(*v.as_str()?.as_bytes().first()?)
        }),
        Shape::Journald => take_first(&mut map, &["PRIORITY"], |v| {
            let severity: u32 = scalar_text(v)?.parse().ok()?;
            (severity <= 7).then(|| Level::from_syslog_severity(severity))
        }),
        _ => None,
    }
    .or_else(|| take_first(&mut map, LEVEL_KEYS, json_level));
    let service = take_nested(&mut map, SERVICE_KEYS, "service").or_else(|| match shape {
        // Bunyan names the program `name`.
        Shape::Bunyan => take_first(&mut map, &["name"], scalar_text),
        Shape::Journald => take_first(&mut map, &["_SYSTEMD_UNIT"], scalar_text),
        _ => None,
    });
    let host = take_nested(&mut map, HOST_KEYS, "host");
    if shape == Shape::Journald {
        if let Some(pid) = take_first(&mut map, &["_PID"], |v| scalar_text(v)?.parse::<u64>().ok())
        {
            map.insert("pid".into(), Value::from(pid));
        }
    }
    let message = take_first(&mut map, MESSAGE_KEYS, scalar_text)
        .or_else(|| tracing_message(&mut map))
        .or_else(|| {
            // Docker's json-file driver: `{"log":"line\n","stream":"stdout","time":...}`.
            let docker = map.contains_key("stream");
            docker
                .then(|| take_first(&mut map, &["log"], scalar_text))
                .flatten()
                .map(|mut line| {
                    while line.ends_with(['\n', '\r']) {
                        line.pop();
                    }
                    line
                })
        });
    let trace_id = take_nested(&mut map, TRACE_KEYS, "trace");
    // logagg's own JSON names where the time came from; a producer's own `time_from` with
    // another value stays one of its fields.
    let written_from = take_first(&mut map, &["time_from"], |v| {
        v.as_str().and_then(TimeFrom::from_name)
    });
    let unparsed = matches!(map.get("unparsed"), Some(Value::Bool(true)));
    if map.get("unparsed").is_some_and(Value::is_boolean) {
        map.remove("unparsed");
    }
    let mut fields = match map.remove("fields") {
        Some(Value::Object(inner)) => inner,
        Some(other) => {
            let mut m = Map::new();
            m.insert("fields".into(), other);
            m
        }
        None => Map::new(),
    };
    for (key, value) in map {
        fields.entry(key).or_insert(value);
    }
    let level = level.unwrap_or_else(|| {
        message
            .as_deref()
            .and_then(leading_level)
            .unwrap_or_default()
    });
    let (timestamp, time_from) = match timestamp {
        Some((at, read)) => (at, written_from.unwrap_or(read)),
        None => (ctx.received_at, TimeFrom::Received),
    };
    LogEvent {
        timestamp,
        level,
        service: keyword(
            service
                .as_deref()
                .or(ctx.service.as_deref())
                .unwrap_or(UNKNOWN),
        ),
        host: keyword(host.as_deref().or(ctx.host.as_deref()).unwrap_or(UNKNOWN)),
        message: message.unwrap_or_default(),
        trace_id: trace_id.map(|t| keyword(&t)),
        fields,
        unparsed,
        time_from,
    }
}

/// Producers whose keys mean something only together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Other,
    /// `{"t":{"$date":..},"s":"W","c":"NETWORK","id":..,"ctx":..,"msg":..}`
    Mongo,
    /// `journalctl -o json`: `__REALTIME_TIMESTAMP`, `PRIORITY`, `MESSAGE`, ...
    Journald,
    /// `{"name":"app","hostname":..,"pid":..,"level":30,"msg":..,"time":..,"v":0}`
    Bunyan,
}

impl Shape {
    fn of(map: &Map<String, Value>) -> Shape {
        if map.contains_key("t") && map.contains_key("s") && map.contains_key("c") {
            Shape::Mongo
        } else if map.contains_key("__REALTIME_TIMESTAMP") || map.contains_key("_SYSTEMD_UNIT") {
            Shape::Journald
        } else if map.contains_key("v") && map.contains_key("hostname") && map.contains_key("name")
        {
            Shape::Bunyan
        } else {
            Shape::Other
        }
    }
}

/// A level as JSON producers write it: a name, Bunyan and pino's 10..60, an OpenTelemetry
/// severity number (1..24).
fn json_level(value: &Value) -> Option<Level> {
    match value {
        Value::String(s) => Level::from_word(s.trim()),
        Value::Number(n) => {
            let n = n.as_u64()?;
            if n % 10 == 0 && (10..=60).contains(&n) {
                Level::from_rank(n / 10 - 1)
            } else {
                None
            }
        }
        _ => None,
    }
}

/// A time as JSON producers write it: RFC 3339 text; seconds, milliseconds,
/// microseconds or nanoseconds since the epoch as a number or as digits in a string;
/// `{"$date": ...}` (MongoDB); `{"seconds": .., "nanos": ..}` (protobuf, GCP);
/// `{"epochSecond": .., "nanoOfSecond": ..}` (log4j2).
fn json_time(value: &Value) -> Option<Timestamp> {
    match value {
        Value::String(s) => Timestamp::parse(s)
            .or_else(|| epoch_text(s.trim()))
            // Python's `asctime`: `2026-11-26 21:00:00,123`.
            .or_else(|| Timestamp::parse(&s.replacen(',', ".", 1))),
        // A number is a time only if it reads as one between 1990 and 2100: `"time": 0.25`
        // (a duration) is left a field, not taken for 1970.
        Value::Number(n) => n.as_f64().map(epoch_number).filter(plausible),
        Value::Object(o) => {
            if let Some(date) = o.get("$date") {
                return match date {
                    Value::Object(long) => long
                        .get("$numberLong")
                        .and_then(Value::as_str)
                        .and_then(epoch_text),
                    other => json_time(other),
                };
            }
            let whole = |seconds: &str, nanos: &str| -> Option<Timestamp> {
                let s = o.get(seconds)?;
                let s = s.as_i64().or_else(|| s.as_str()?.parse().ok())?;
                let n = o.get(nanos).and_then(Value::as_i64).unwrap_or(0);
                if !(0..1_000_000_000).contains(&n) {
                    return None;
                }
                Some(Timestamp(s.checked_mul(1_000_000)? + n / 1000))
            };
            whole("seconds", "nanos").or_else(|| whole("epochSecond", "nanoOfSecond"))
        }
        _ => None,
    }
}

/// Digits (and perhaps a fraction) since the epoch, as text.
fn epoch_text(text: &str) -> Option<Timestamp> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !(fraction.is_empty() || digits(fraction)) {
        return None;
    }
    text.parse::<f64>().ok().map(epoch_number).filter(plausible)
}

/// Whether an instant read from a number lies between 1990 and 2100.
fn plausible(at: &Timestamp) -> bool {
    (631_152_000_000_000..4_102_444_800_000_000).contains(&at.micros())
}

/// Rust `tracing`'s JSON puts the message in `fields.message`.
fn tracing_message(map: &mut Map<String, Value>) -> Option<String> {
    let Some(Value::Object(fields)) = map.get_mut("fields") else {
        return None;
    };
    let message = fields.get("message").and_then(scalar_text)?;
    fields.remove("message");
    Some(message)
}

/// Seconds, milliseconds, microseconds or nanoseconds since the epoch, told apart by
/// magnitude (times between 1973 and 5138 in each unit).
fn epoch_number(n: f64) -> Timestamp {
    let abs = n.abs();
    let micros = if abs < 1e11 {
        n * 1e6
    } else if abs < 1e14 {
        n * 1e3
    } else if abs < 1e17 {
        n
    } else {
        n / 1e3
    };
    Timestamp(micros as i64)
}

fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Removes and converts the first key that converts; a key whose value does not convert
/// stays in the map, so it ends up in `fields` rather than being lost.
fn take_first<T>(
    map: &mut Map<String, Value>,
    keys: &[&str],
    convert: impl Fn(&Value) -> Option<T>,
) -> Option<T> {
    for key in keys {
        if let Some(found) = map.get(*key).and_then(&convert) {
            map.remove(*key);
            return Some(found);
        }
    }
    None
}

/// Like `take_first`, also reading the ECS nested form `{"service": {"name": ...}}`.
fn take_nested(map: &mut Map<String, Value>, keys: &[&str], ecs_object: &str) -> Option<String> {
    if let Some(found) = take_first(map, keys, scalar_text) {
        return Some(found);
    }
    let inner_key = if ecs_object == "trace" { "id" } else { "name" };
    let Some(Value::Object(inner)) = map.get_mut(ecs_object) else {
        return None;
    };
    let found = inner.get(inner_key).and_then(scalar_text)?;
    inner.remove(inner_key);
    if inner.is_empty() {
        map.remove(ecs_object);
    }
    Some(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ctx() -> DecodeContext {
        DecodeContext {
            received_at: Timestamp::parse("2026-01-01T00:00:00Z").unwrap(),
            service: Some("api".into()),
            host: None,
        }
    }

    #[test]
    fn canonical_json_round_trips() {
        let mut e = LogEvent::new(
            Timestamp::parse("2026-11-24T13:00:00.5Z").unwrap(),
            Level::Warn,
            "auth",
            "auth-1",
            "login \"failed\"\nline2",
        );
        e.trace_id = Some("abc".into());
        e.fields.insert("status".into(), json!(401));
        e.fields.insert("user".into(), json!({"id": "u1"}));
        let line = e.to_json();
        assert_eq!(decode_line(line.as_bytes(), &ctx()), e);
        e.unparsed = true;
        assert_eq!(decode_line(e.to_json().as_bytes(), &ctx()), e);
    }

    #[test]
    fn aliases_and_extra_keys() {
        let line = br#"{"time":"2026-11-24T13:00:00Z","severity":"WARNING","msg":"slow","service":{"name":"db"},"hostname":"h1","traceId":"t9","latency_ms":812}"#;
        let e = decode_line(line, &ctx());
        assert_eq!(e.level, Level::Warn);
        assert_eq!(e.message, "slow");
        assert_eq!(e.service, "db");
        assert_eq!(e.host, "h1");
        assert_eq!(e.trace_id.as_deref(), Some("t9"));
        assert_eq!(e.fields.get("latency_ms"), Some(&json!(812)));
        assert!(!e.unparsed);
    }

    #[test]
    fn unreadable_values_stay_in_fields() {
        let e = decode_line(
            br#"{"timestamp":"not a date","level":"loud","message":"x"}"#,
            &ctx(),
        );
        assert_eq!(e.timestamp, ctx().received_at);
        assert_eq!(e.fields.get("timestamp"), Some(&json!("not a date")));
        assert_eq!(e.fields.get("level"), Some(&json!("loud")));
    }

    #[test]
    fn plain_lines_are_flagged_with_inferred_level() {
        let e = decode_line(
            b"2026-11-24 13:00:00,250 ERROR db timeout after 5s\r\n",
            &ctx(),
        );
        assert!(e.unparsed);
        assert_eq!(e.level, Level::Error);
        assert_eq!(e.service, "api");
        assert_eq!(e.host, UNKNOWN);
        assert_eq!(
            e.message,
            "2026-11-24 13:00:00,250 ERROR db timeout after 5s"
        );
        assert_eq!(
            e.timestamp,
            Timestamp::parse("2026-11-24T13:00:00.250Z").unwrap()
        );
        let plain = decode_line(b"just words", &ctx());
        assert_eq!(plain.level, Level::Info);
        assert_eq!(plain.timestamp, ctx().received_at);
    }

    #[test]
    fn broken_json_and_invalid_utf8_are_kept() {
        let e = decode_line(br#"{"message": "trunc"#, &ctx());
        assert!(e.unparsed);
        assert_eq!(e.message, r#"{"message": "trunc"#);
        let e = decode_line(b"bad \xff\xfe bytes", &ctx());
        assert!(e.unparsed);
        assert!(e.message.contains('\u{FFFD}'));
        assert!(e.fields.contains_key("decode_error"));
        let e = decode_line(b"[1,2]", &ctx());
        assert!(e.unparsed);
    }

    #[test]
    fn epoch_numbers() {
        let s = decode_line(br#"{"ts": 1700000000, "message": "a"}"#, &ctx());
        let ms = decode_line(br#"{"ts": 1700000000000, "message": "a"}"#, &ctx());
        assert_eq!(s.timestamp, ms.timestamp);
        assert_eq!(s.timestamp.micros(), 1_700_000_000_000_000);
    }

    mod never_panics {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

            #[test]
            fn arbitrary_bytes(line in prop::collection::vec(any::<u8>(), 0..400)) {
                let e = decode_line(&line, &ctx());
                let again = decode_line(e.to_json().as_bytes(), &ctx());
                prop_assert_eq!(again, e);
            }

            #[test]
            fn json_like(line in r#"\{("[a-z@._]{1,10}":("[^"]{0,12}"|[0-9.eE+-]{1,8}|true|null|\{\}|\[1,"x"\]),?){0,6}\}?"#) {
                let e = decode_line(line.as_bytes(), &ctx());
                let again = decode_line(e.to_json().as_bytes(), &ctx());
                prop_assert_eq!(again, e);
            }

            /// Level words among punctuation, other words and now and then a character
            /// outside ASCII, around the 200-character mark: the first level word of the
            /// first twelve tokens of the first 200 characters, as reading characters
            /// finds it (a level is a token's whole word, not a part of a name).
            #[test]
            fn level_inference_reads_words_as_characters(
                words in prop::collection::vec(
                    r"(WARN|error|Info|crit|x{1,9}|[a-z0-9]{1,12}|é|—|\.|-)", 0..80),
                gaps in prop::collection::vec(r"[ \[\]=:,(—-]{1,2}", 80),
            ) {
                let text: String = words.iter().zip(&gaps).map(|(w, g)| format!("{w}{g}")).collect();
                let head: String = text.chars().take(200).collect();
                let chars: Vec<char> = head.chars().collect();
                let joiner = |c: Option<&char>| matches!(c, Some('-' | '_' | '.' | '/'));
                let alnum = |c: Option<&char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
                let mut words = Vec::new();
                let mut i = 0;
                while i < chars.len() {
                    if chars[i].is_alphanumeric() {
                        let start = i;
                        while i < chars.len() && chars[i].is_alphanumeric() {
                            i += 1;
                        }
                        words.push((start, i));
                    } else {
                        i += 1;
                    }
                }
                let by_characters = words.iter().take(12).find_map(|&(s, e)| {
                    let word: String = chars[s..e].iter().collect();
                    let level = Level::from_word(&word)?;
                    let left = s >= 2 && joiner(chars.get(s - 1)) && alnum(chars.get(s - 2));
                    let right = joiner(chars.get(e)) && alnum(chars.get(e + 1));
                    (!left && !right).then_some(level)
                });
                prop_assert_eq!(infer_level(&text), by_characters);
            }
        }

        #[test]
        fn ten_megabyte_line() {
            let line = format!("ERROR {}", "x".repeat(10 * 1024 * 1024));
            let e = decode_line(line.as_bytes(), &ctx());
            assert_eq!(e.message.len(), line.len());
            assert_eq!(e.level, Level::Error);
        }
    }

    /// Lines close to the canonical shape: each key maybe there (some twice), with a value
    /// of the expected type or of another one.
    fn near_canonical_line() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        // Written as they would appear in a line: some only the general readers take.
        let value = prop::sample::select(vec![
            r#""2026-11-24T13:00:00.123456Z""#,
            r#""2026-11-24 13:00:00""#,
            r#""yesterday""#,
            r#""WARNING""#,
            r#"" error ""#,
            r#""loud""#,
            r#""auth""#,
            r#""with \"quotes\" and \\ and é""#,
            r#""tab\tand\nline\/\b\f\r""#,
            r#""\u00e9 and \ud83d\ude00""#,
            r#""\ud800 alone""#,
            "\"raw\ttab\"",
            r#""bad \x escape""#,
            "null",
            "true",
            "false",
            "42",
            "0",
            "-0",
            "-5",
            "01",
            "1.5e300",
            "1e400",
            "-1.25",
            "12345678901234567890",
            "18446744073709551615",
            "18446744073709551616",
            "1.",
            "2e",
            r#"{"status":500,"nested":{"a":[1,"b"]}}"#,
            r#"{"name":"svc","id":"t1"}"#,
            r#"{"a":"x","a":1}"#,
            r#"{"b":-0,"a":"\"q\""}"#,
            r#"{ "a" : 1 }"#,
            "{}",
            "[1,2]",
        ]);
        let keys = prop::sample::select(vec![
            "@timestamp",
            "level",
            "service",
            "host",
            "message",
            "trace_id",
            "fields",
            "unparsed",
            "msg",
            "service.name",
            "time",
            "extra",
        ]);
        let canonical = (
            prop::sample::select(vec![
                "2026-11-24T13:00:00Z",
                "2026-11-24T13:00:00.5+02:00",
                "nope",
            ]),
            prop::sample::select(vec!["info", "WARN", "bogus"]),
        );
        // A `fields` object of those values, under names the used event has and has not.
        let field_names = prop::sample::select(vec!["a", "status", "z", "new", "a\\\"b"]);
        let fields = prop::collection::vec((field_names, value.clone()), 0..5).prop_map(|pairs| {
            let pairs: Vec<String> = pairs
                .into_iter()
                .map(|(name, value)| format!("\"{name}\":{value}"))
                .collect();
            format!("\"fields\":{{{}}}", pairs.join(","))
        });
        (
            canonical,
            prop::collection::vec((keys, value), 0..4),
            prop::option::of(fields),
            any::<bool>(),
            any::<usize>(),
        )
            .prop_map(|((time, level), extra, fields, drop_service, turn)| {
                let mut parts = vec![
                    format!("\"@timestamp\":\"{time}\""),
                    format!("\"level\":\"{level}\""),
                    "\"host\":\"h1\"".to_string(),
                    "\"message\":\"boom \\\"x\\\"\"".to_string(),
                ];
                if !drop_service {
                    parts.push("\"service\":\"api\"".to_string());
                }
                for (key, value) in extra {
                    parts.push(format!("\"{key}\":{value}"));
                }
                parts.extend(fields);
                let turn = turn % parts.len();
                parts.rotate_left(turn);
                format!("{{{}}}", parts.join(","))
            })
    }

    /// An event with every part set, as a record handed back for reuse would hold.
    fn used_event() -> LogEvent {
        let mut event = decode_line(
            br#"{"@timestamp":"2020-01-01T00:00:00Z","level":"fatal","service":"old","host":"old-1","message":"old","trace_id":"t0","fields":{"a":"old","status":1,"z":[1]},"unparsed":true}"#,
            &ctx(),
        );
        event.unparsed = true;
        event
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 4000, ..Default::default() })]

        /// Each canonical reader, where it answers, gives what the general reader gives,
        /// also into an event that held another line.
        #[test]
        fn canonical_lines_read_as_the_general_reader_reads_them(line in near_canonical_line()) {
            let general = match serde_json::from_slice::<Value>(line.as_bytes()) {
                Ok(Value::Object(map)) => from_object(map, &ctx()),
                _ => from_text(line.as_bytes(), &ctx()),
            };
            proptest::prop_assert_eq!(&decode_line(line.as_bytes(), &ctx()), &general, "{}", line);
            let mut reused = used_event();
            decode_line_into(line.as_bytes(), &ctx(), &mut reused, &mut FieldMaps::default());
            proptest::prop_assert_eq!(&reused, &general, "{}", line);
            let mut scanned = used_event();
            let mut maps = FieldMaps::default();
            if super::super::canonical_scan::scan_into(line.as_bytes(), &mut scanned, &mut maps) {
                proptest::prop_assert_eq!(&scanned, &general, "scanned: {}", line);
            }
            let mut parsed = used_event();
            if super::super::canonical::decode_into(line.as_bytes(), &mut parsed) {
                proptest::prop_assert_eq!(&parsed, &general, "parsed: {}", line);
            }
        }
    }

    #[test]
    fn lines_the_simulator_writes_take_the_canonical_reader() {
        let mut e = LogEvent::new(
            Timestamp::parse("2026-11-24T13:00:00.5Z").unwrap(),
            Level::Warn,
            "auth",
            "auth-1",
            "login \"failed\"",
        );
        e.trace_id = Some("0af7651916cd43dd8448eb211c80319c".into());
        e.fields.insert("status".into(), json!(401));
        e.fields.insert("path".into(), json!("C:\\logs\tx"));
        e.fields.insert("ok".into(), json!(true));
        e.fields.insert("ratio".into(), json!(-0.25));
        let line = e.to_json();
        assert_eq!(
            super::super::canonical::decode(line.as_bytes()),
            Some(e.clone())
        );
        let mut scanned = used_event();
        assert!(super::super::canonical_scan::scan_into(
            line.as_bytes(),
            &mut scanned,
            &mut FieldMaps::default()
        ));
        assert_eq!(scanned, e);
        // Not canonical: a key the canonical line does not have.
        assert!(super::super::canonical::decode(b"{\"msg\":\"x\"}").is_none());
    }
}

#[cfg(test)]
mod producers {
    use super::*;

    fn read(line: &str) -> LogEvent {
        let ctx = DecodeContext {
            received_at: Timestamp::parse("2030-01-01T00:00:00Z").unwrap(),
            service: None,
            host: None,
        };
        decode_line(line.as_bytes(), &ctx)
    }

    fn at(text: &str) -> Timestamp {
        Timestamp::parse(text).unwrap()
    }

    #[test]
    fn json_lines_of_common_producers_keep_their_time_level_and_message() {
        // (line, time, level, service, host, message)
        let cases: &[(&str, &str, Level, &str, &str, &str)] = &[
            // journalctl -o json
            (
                r#"{"__CURSOR":"s=1;i=2","__REALTIME_TIMESTAMP":"1700000000123456","__MONOTONIC_TIMESTAMP":"8123","_BOOT_ID":"b","PRIORITY":"3","_PID":"812","_HOSTNAME":"web-1","SYSLOG_IDENTIFIER":"sshd","_SYSTEMD_UNIT":"ssh.service","MESSAGE":"error: kex_exchange_identification: Connection closed"}"#,
                "2023-11-14T22:13:20.123456Z",
                Level::Error,
                "sshd",
                "web-1",
                "error: kex_exchange_identification: Connection closed",
            ),
            // MongoDB 4.4+
            (
                r#"{"t":{"$date":"2020-05-20T19:18:40.604+00:00"},"s":"W","c":"NETWORK","id":22984,"ctx":"conn12","msg":"Client disconnected","attr":{"remote":"127.0.0.1:50762"}}"#,
                "2020-05-20T19:18:40.604Z",
                Level::Warn,
                "unknown",
                "unknown",
                "Client disconnected",
            ),
            (
                r#"{"t":{"$date":{"$numberLong":"1589999920604"}},"s":"D2","c":"QUERY","id":1,"ctx":"conn1","msg":"plan"}"#,
                "2020-05-20T18:38:40.604Z",
                Level::Debug,
                "unknown",
                "unknown",
                "plan",
            ),
            // Rust tracing-subscriber's JSON
            (
                r#"{"timestamp":"2026-11-26T21:00:00.123456Z","level":"WARN","fields":{"message":"slow request","ms":812},"target":"api::http"}"#,
                "2026-11-26T21:00:00.123456Z",
                Level::Warn,
                "unknown",
                "unknown",
                "slow request",
            ),
            // Bunyan
            (
                r#"{"name":"checkout","hostname":"web-2","pid":41,"level":50,"msg":"payment failed","time":"2026-11-26T21:00:01.000Z","v":0}"#,
                "2026-11-26T21:00:01Z",
                Level::Error,
                "checkout",
                "web-2",
                "payment failed",
            ),
            // pino: epoch milliseconds
            (
                r#"{"level":30,"time":1700000000123,"pid":7,"hostname":"h","msg":"listening"}"#,
                "2023-11-14T22:13:20.123Z",
                Level::Info,
                "unknown",
                "h",
                "listening",
            ),
            // zap: epoch seconds with a fraction
            (
                r#"{"level":"error","ts":1700000000.5,"caller":"main.go:12","msg":"boom"}"#,
                "2023-11-14T22:13:20.500Z",
                Level::Error,
                "unknown",
                "unknown",
                "boom",
            ),
            // epoch nanoseconds, as a number and as digits in a string
            (
                r#"{"time":1700000000123456789,"msg":"ns"}"#,
                "2023-11-14T22:13:20.123456Z",
                Level::Info,
                "unknown",
                "unknown",
                "ns",
            ),
            (
                r#"{"time":"1700000000123456789","msg":"ns text"}"#,
                "2023-11-14T22:13:20.123456Z",
                Level::Info,
                "unknown",
                "unknown",
                "ns text",
            ),
            // GCP structured logging
            (
                r#"{"severity":"ERROR","message":"db down","timestamp":{"seconds":1700000000,"nanos":250000000}}"#,
                "2023-11-14T22:13:20.250Z",
                Level::Error,
                "unknown",
                "unknown",
                "db down",
            ),
            // log4j2 JsonLayout
            (
                r#"{"instant":{"epochSecond":1700000000,"nanoOfSecond":5000000},"thread":"main","level":"WARN","loggerName":"com.shop.App","message":"slow"}"#,
                "2023-11-14T22:13:20.005Z",
                Level::Warn,
                "unknown",
                "unknown",
                "slow",
            ),
            // Serilog CLEF
            (
                r#"{"@t":"2026-11-26T21:00:02.0000000Z","@l":"Error","@mt":"Order {Id} failed","Id":7}"#,
                "2026-11-26T21:00:02Z",
                Level::Error,
                "unknown",
                "unknown",
                "Order {Id} failed",
            ),
        ];
        for &(line, time, level, service, host, message) in cases {
            let e = read(line);
            assert_eq!(e.timestamp, at(time), "time of {line}");
            assert_eq!(e.time_from, TimeFrom::Line, "{line}");
            assert_eq!(e.level, level, "level of {line}");
            assert_eq!(e.service, service, "service of {line}");
            assert_eq!(e.host, host, "host of {line}");
            assert_eq!(e.message, message, "message of {line}");
        }
        let journald = read(cases[0].0);
        assert_eq!(journald.fields.get("pid"), Some(&serde_json::json!(812)));
    }

    #[test]
    fn a_json_time_that_is_missing_or_a_date_only_is_flagged() {
        let none = read(r#"{"msg":"no time"}"#);
        assert_eq!(none.time_from, TimeFrom::Received);
        let date = read(r#"{"date":"x","time":"2026-11-26","msg":"day"}"#);
        assert_eq!(date.time_from, TimeFrom::TimeAssumed);
        assert_eq!(date.timestamp, at("2026-11-26T00:00:00Z"));
        // A number that is no plausible time (a duration) is a field, not 1970.
        let duration = read(r#"{"time":0.25,"msg":"took"}"#);
        assert_eq!(duration.time_from, TimeFrom::Received);
        assert_eq!(duration.fields.get("time"), Some(&serde_json::json!(0.25)));
        let t = read(r#"{"t":12,"msg":"temperature"}"#);
        assert_eq!(t.time_from, TimeFrom::Received);
        let asctime =
            read(r#"{"asctime":"2026-11-26 21:00:00,123","levelname":"INFO","message":"x"}"#);
        assert_eq!(asctime.timestamp, at("2026-11-26T21:00:00.123Z"));
        // A producer's own `time_from` with a value of its own stays its field.
        let own = read(r#"{"time":"2026-11-26T21:00:00Z","time_from":"ntp","msg":"x"}"#);
        assert_eq!(own.time_from, TimeFrom::Line);
        assert_eq!(own.fields.get("time_from"), Some(&serde_json::json!("ntp")));
    }
}
