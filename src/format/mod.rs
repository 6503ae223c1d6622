//! The log formats of real systems: detecting which one a file or stream is written in
//! (from its first lines, not guessed per line) and reading each line's own time, level,
//! host, program and pid. The whole line always stays the event's message.

pub mod clock;
mod container;
mod detect;
mod header;
mod logcat;
mod logfmt;
mod prefix;
mod syslog;
mod w3c;
mod web;

#[cfg(test)]
mod tests;

pub use clock::{Clock, TimeKind, Zone};
pub use detect::detect;
pub use header::Layout;
pub use prefix::{Prefix, Prefixed};

use crate::event::{
    decode_line_into, infer_level, leading_level, set_keyword, DecodeContext, FieldMaps, Level,
    LogEvent, TimeFrom, Timestamp, UNKNOWN,
};
use clock::Written;
use serde_json::{Map, Value};

/// How many lines detection looks at.
pub const SAMPLE_LINES: usize = 200;
/// How many bytes of a file detection looks at.
pub const SAMPLE_BYTES: usize = 64 * 1024;

/// The formats `--format` names; `Auto` detects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatChoice {
    /// Detect from the first lines of each file or stream
    Auto,
    /// One JSON object per line (also Docker's json-file)
    Json,
    /// key=value pairs (Heroku, Go's slog and logrus text)
    Logfmt,
    /// BSD syslog (RFC 3164) and the ISO-timestamped form rsyslog writes
    Syslog,
    /// Syslog RFC 5424
    Rfc5424,
    /// nginx and Apache access logs, common and combined
    Access,
    /// Android logcat, threadtime, time or brief
    Logcat,
    /// Go's klog and glog (`I1126 21:00:00.123456 ...`)
    Klog,
    /// Kubernetes CRI container logs
    Cri,
    /// A time, then perhaps a level, at fixed places: log4j/logback, Python logging, zap
    /// console, nginx and Apache error logs, and lines that start with a date
    Header,
    /// Nothing to read: each line keeps the time it was shipped
    Raw,
}

/// A detected format, ready to read lines.
#[derive(Debug, Clone, PartialEq)]
pub enum Format {
    Json,
    Logfmt,
    Syslog,
    Rfc5424,
    Access,
    Logcat,
    Klog,
    Cri,
    Header(Layout),
    /// `--time-format`: a strftime pattern at the start of the line or of a word.
    Custom(String),
    Raw,
    /// Lines behind a prefix that names where they came from, in a format of their own.
    Prefixed(Box<Prefixed>),
    /// W3C extended (IIS): the columns its `#Fields:` directive names.
    W3c(Vec<String>),
}

impl Format {
    pub fn name(&self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Logfmt => "logfmt",
            Format::Syslog => "syslog",
            Format::Rfc5424 => "rfc5424",
            Format::Access => "access",
            Format::Logcat => "logcat",
            Format::Klog => "klog",
            Format::Cri => "cri",
            Format::Header(_) => "header",
            Format::Custom(_) => "time-format",
            Format::Raw => "raw",
            Format::Prefixed(p) => p.prefix.name(),
            Format::W3c(_) => "w3c",
        }
    }

    /// The name, with the format behind a prefix: `compose (json)`.
    pub fn describe(&self) -> String {
        match self {
            Format::Prefixed(p) => p.describe(),
            other => other.name().to_string(),
        }
    }

    /// What one line says, or `None` when the line is not in this format.
    pub fn read<'a>(&self, line: &'a str) -> Option<Header<'a>> {
        match self {
            Format::Json | Format::Raw => None,
            Format::Logfmt => logfmt::read(line),
            Format::Syslog => syslog::read_bsd(line),
            Format::Rfc5424 => syslog::read_5424(line),
            Format::Access => web::read_access(line),
            Format::Logcat => logcat::read(line),
            Format::Klog => logcat::read_klog(line),
            Format::Cri => container::read_cri(line),
            Format::Header(layout) => layout.read(line),
            Format::Custom(pattern) => header::read_custom(pattern, line),
            Format::W3c(columns) => w3c::read(columns, line),
            Format::Prefixed(p) => {
                let origin = p.prefix.split(line)?;
                let mut header = p.format_of(origin.service).read(&line[origin.rest..])?;
                header.body += origin.rest;
                Some(header)
            }
        }
    }

    /// Whether `line` is a directive or comment of the format, to be left out (W3C's `#...`
    /// lines, repeated where the server restarted).
    pub fn is_directive(&self, line: &[u8]) -> bool {
        matches!(self, Format::W3c(_)) && line.first() == Some(&b'#')
    }

    /// Whether `line` begins an entry in this format: it has the format's header. A line
    /// that starts with a space or a tab continues the entry before it (stack frames,
    /// wrapped messages), whatever it holds. Asked of every line shipped, so the usual
    /// answer is found in the bytes, without reading the whole header.
    pub fn starts_entry(&self, line: &[u8]) -> bool {
        if matches!(line.first(), Some(b' ' | b'\t')) {
            return false;
        }
        // A JSON object on one line is an event of its own, whatever the file's format
        // (it is read as JSON too).
        if line.first() == Some(&b'{') && trim_line_end(line).ends_with(b"}") {
            return true;
        }
        match self {
            Format::Json | Format::Raw => true,
            Format::Header(layout) if layout.time_at_its_place(line) => true,
            Format::Syslog if syslog::starts_bsd(line) => true,
            other => match std::str::from_utf8(line) {
                Ok(text) => other.starts_entry_text(text),
                // Invalid UTF-8 is kept as it came, an entry of its own.
                Err(_) => true,
            },
        }
    }

    fn starts_entry_text(&self, line: &str) -> bool {
        match self {
            // Each tool prefixes every line, continuation lines too.
            Format::Prefixed(p) => match p.prefix.split(line) {
                Some(origin) => p
                    .format_of(origin.service)
                    .starts_entry(&line.as_bytes()[origin.rest..]),
                None => true,
            },
            other => other.read(line).is_some(),
        }
    }
}

/// What a line's header says. Borrowed from the line: nothing is copied until an event is
/// built.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Header<'a> {
    pub time: Option<Written>,
    pub level: Option<Level>,
    pub host: Option<&'a str>,
    pub service: Option<&'a str>,
    pub pid: Option<u64>,
    /// Named values the format carries (status of an access log, pairs of logfmt).
    pub fields: Map<String, Value>,
    /// Byte offset where the message proper starts, after the header.
    pub body: usize,
}

/// Turns the lines of one file or stream into events, in the format detected for it.
#[derive(Debug, Clone)]
pub struct LineDecoder {
    pub format: Format,
    /// For lines behind a prefix: a decoder for each service's lines (in its format).
    services: Vec<(String, LineDecoder)>,
    pub clock: Clock,
    last_second: clock::LastSecond,
    /// The service and host used when a line names none (its `received_at` is set per line).
    pub context: DecodeContext,
    /// Lines that did not fit the format (kept with the shipped time, flagged `unparsed`).
    pub unmatched: u64,
    field_maps: FieldMaps,
}

impl LineDecoder {
    pub fn new(format: Format, clock: Clock) -> LineDecoder {
        LineDecoder {
            format,
            services: Vec::new(),
            clock,
            last_second: clock::LastSecond::default(),
            context: DecodeContext {
                received_at: Timestamp(0),
                service: None,
                host: None,
            },
            unmatched: 0,
            field_maps: FieldMaps::default(),
        }
    }

    pub fn decode(&mut self, line: &[u8], received_at: Timestamp) -> LogEvent {
        let mut event = LogEvent::default();
        self.decode_into(line, received_at, &mut event);
        event
    }

    /// From now on the `fields` object of a line in logagg's own JSON form is checked and
    /// left as text (`take_fields_text`) instead of read into the event, for a sink that
    /// reads it itself.
    pub fn leave_fields_text(&mut self) {
        self.field_maps.leave_text();
    }

    /// The last line's `fields` object as written, when it was left as text; else `into`
    /// is emptied and the line's fields are in its event.
    pub fn take_fields_text(&mut self, into: &mut String) {
        self.field_maps.take_text(into);
    }

    /// The events of a line that holds many (an OpenTelemetry export request), in order;
    /// `None` for a line of one event (the usual: read it with `decode_into`).
    pub fn decode_many(&mut self, line: &[u8], received_at: Timestamp) -> Option<Vec<LogEvent>> {
        let line = trim_line_end(line);
        if !crate::event::otel::is_export(line) {
            return None;
        }
        self.context.received_at = received_at;
        let events = crate::event::otel::events(line, &self.context)?;
        self.field_maps.forget_text();
        Some(events)
    }

    /// `decode` into an event that may hold an earlier one: its strings keep their room.
    pub fn decode_into(&mut self, line: &[u8], received_at: Timestamp, event: &mut LogEvent) {
        let line = trim_line_end(line);
        let Format::Prefixed(prefixed) = &self.format else {
            return self.decode_body(line, received_at, event);
        };
        let text = String::from_utf8_lossy(line);
        let Some(origin) = prefixed.prefix.split(&text) else {
            return self.decode_body(line, received_at, event);
        };
        let index = match self.services.iter().position(|(s, _)| s == origin.service) {
            Some(index) => index,
            None => {
                let mut decoder =
                    LineDecoder::new(prefixed.format_of(origin.service).clone(), self.clock);
                // Its fields go into the event (never left as text: the sink asks this
                // decoder for the text, which then says there is none).
                decoder.context = self.context.clone();
                self.services.push((origin.service.to_string(), decoder));
                self.services.len() - 1
            }
        };
        let decoder = &mut self.services[index].1;
        let unmatched = decoder.unmatched;
        decoder.decode_into(&line[origin.rest..], received_at, event);
        self.unmatched += decoder.unmatched - unmatched;
        // The service the tool names, unless the line names its own.
        let defaults = &self.context;
        if event.service == UNKNOWN || Some(event.service.as_str()) == defaults.service.as_deref() {
            set_keyword(&mut event.service, origin.service);
        }
        if let Some(host) = origin.host {
            if event.host == UNKNOWN || Some(event.host.as_str()) == defaults.host.as_deref() {
                set_keyword(&mut event.host, host);
            }
        }
    }

    fn decode_body(&mut self, line: &[u8], received_at: Timestamp, event: &mut LogEvent) {
        let json = matches!(self.format, Format::Json);
        if json || starts_json(line) {
            self.context.received_at = received_at;
            decode_line_into(line, &self.context, event, &mut self.field_maps);
            if !event.unparsed || json {
                self.unmatched += u64::from(event.unparsed);
                return;
            }
        }
        // A line read as text leaves no `fields` text behind (of an earlier line, or of its
        // own reading as JSON).
        self.field_maps.forget_text();
        let (text, invalid_utf8) = match std::str::from_utf8(line) {
            Ok(text) => (std::borrow::Cow::Borrowed(text), false),
            Err(_) => (String::from_utf8_lossy(line), true),
        };
        let header = self.format.read(&text);
        self.fill(event, &text, header, received_at);
        if invalid_utf8 {
            event.fields.insert(
                "decode_error".into(),
                Value::String("invalid UTF-8 replaced with U+FFFD".into()),
            );
        }
    }

    /// Every part of `event` from a text line and what its header says.
    fn fill(
        &mut self,
        event: &mut LogEvent,
        text: &str,
        header: Option<Header>,
        received_at: Timestamp,
    ) {
        let view = header.as_ref();
        let written = view.and_then(|h| h.time.as_ref());
        match written.and_then(|w| Some((self.last_second.resolve(&self.clock, w)?, w))) {
            Some((at, written)) => {
                event.timestamp = at;
                event.time_from = written.supplied();
            }
            None => {
                event.timestamp = received_at;
                event.time_from = TimeFrom::Received;
            }
        }
        if view.is_none() {
            self.unmatched += 1;
        }
        event.level = view
            .and_then(|h| h.level)
            .or_else(|| match view {
                // A line in its format: a level only where the message starts.
                Some(h) => leading_level(text.get(h.body..).unwrap_or("")),
                // A line no format reads (flagged): the first level word of its first words.
                None => infer_level(text),
            })
            .unwrap_or_default();
        set_keyword(
            &mut event.service,
            or_default(view.and_then(|h| h.service), &self.context.service),
        );
        set_keyword(
            &mut event.host,
            or_default(view.and_then(|h| h.host), &self.context.host),
        );
        event.message.clear();
        event.message.push_str(text);
        event.trace_id = None;
        match header {
            Some(h) => {
                set_header_fields(&mut event.fields, h.fields, h.pid);
                event.unparsed = false;
            }
            None => {
                event.fields.clear();
                event.unparsed = true;
            }
        }
    }
}

/// An event's `fields` from its header: the header's own (moved, not copied) and the pid.
/// Most formats have no fields of their own, and then the event's map is kept: a line with
/// a pid after a line with a pid only writes the number over the last one (building the
/// map anew allocated and freed a node per line).
fn set_header_fields(fields: &mut Map<String, Value>, own: Map<String, Value>, pid: Option<u64>) {
    if !own.is_empty() {
        *fields = own;
        if let Some(pid) = pid {
            fields.insert("pid".into(), Value::from(pid));
        }
        return;
    }
    let Some(pid) = pid else {
        return fields.clear();
    };
    if fields.len() == 1 {
        if let Some(held) = fields.get_mut("pid") {
            *held = Value::from(pid);
            return;
        }
    }
    fields.clear();
    fields.insert("pid".into(), Value::from(pid));
}

/// What a header names (`-` is how many formats write "none"), else the configured default.
fn or_default<'a>(found: Option<&'a str>, default: &'a Option<String>) -> &'a str {
    found
        .filter(|s| !s.is_empty() && *s != "-")
        .or(default.as_deref())
        .unwrap_or(UNKNOWN)
}

fn starts_json(line: &[u8]) -> bool {
    line.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{')
}

/// The line without its line break (and without a byte-order mark, which editors on
/// Windows put before a file's first line and which would hide its header).
pub(crate) fn trim_line_end(mut line: &[u8]) -> &[u8] {
    while let [rest @ .., b'\n' | b'\r'] = line {
        line = rest;
    }
    line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line)
}

/// A level written as a word in a header position: `INFO`, `[warn]`, `<error>`,
/// `core:error` (Apache 2.4), `WARNING:root:msg` (Python's default), `E/` ...
pub(crate) fn level_in_word(word: &str) -> Option<Level> {
    let trimmed = word.trim_matches(|c: char| !c.is_ascii_alphanumeric());
    if trimmed.is_empty() {
        return None;
    }
    if let Some(level) = Level::from_header_word(trimmed) {
        return Some(level);
    }
    let mut parts = trimmed
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty());
    let first = parts.next()?;
    if first.len() == trimmed.len() {
        return None;
    }
    Level::from_header_word(first).or_else(|| parts.next_back().and_then(Level::from_header_word))
}
