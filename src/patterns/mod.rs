//! Log patterns: what kinds of lines a set of events holds. Each message loses its header
//! first (time, level, host, program: whatever the format detected for its service puts
//! before the message proper), then the rest is mined into templates (`drain`) with its
//! variable parts masked (`mask`).

pub mod compare;
mod drain;
mod live;
mod mask;
mod merge;

pub use drain::{tokens, Miner, WILDCARD};
pub use live::{LiveMiner, SPIKE_FACTOR};

use crate::event::{LogEvent, Timestamp};
use crate::format::{self, Format, FormatChoice};
use std::collections::HashMap;

/// One pattern of a set of events.
#[derive(Debug, Clone, PartialEq)]
pub struct Pattern {
    /// Stable for a template: a hash of its text.
    pub id: String,
    pub template: String,
    pub count: u64,
    pub first_seen: Timestamp,
    pub last_seen: Timestamp,
    /// The first event's message.
    pub example: String,
    /// Events per equal slice of the events' time range, oldest first.
    pub trend: Vec<u64>,
    /// Of a live pattern (`LiveMiner`): how many times its rate of the last minute is
    /// above its rate of the ten before, when it spikes (at least `SPIKE_FACTOR` times).
    pub spike: Option<f64>,
}

/// The patterns of some events, most frequent first, and which pattern each event has.
#[derive(Debug, Clone, Default)]
pub struct Mined {
    pub patterns: Vec<Pattern>,
    /// For each input event, the index of its pattern in `patterns`.
    pub of_event: Vec<usize>,
}

/// What mining needs of an event.
pub trait Minable {
    fn timestamp(&self) -> Timestamp;
    fn service(&self) -> &str;
    fn message(&self) -> &str;
}

impl Minable for LogEvent {
    fn timestamp(&self) -> Timestamp {
        self.timestamp
    }
    fn service(&self) -> &str {
        &self.service
    }
    fn message(&self) -> &str {
        &self.message
    }
}

/// The three parts of a stored event mining reads, taken from its canonical JSON without
/// building the whole event (which costs most of `--patterns` over a million events).
#[derive(Debug, Clone, serde::Deserialize)]
pub struct StoredLine {
    #[serde(rename = "@timestamp")]
    pub timestamp: String,
    #[serde(default)]
    pub service: String,
    #[serde(default)]
    pub message: String,
    #[serde(skip)]
    pub at: Timestamp,
}

impl StoredLine {
    /// `None` for JSON that is not a stored event.
    pub fn parse(source: &str) -> Option<StoredLine> {
        let mut line: StoredLine = serde_json::from_str(source).ok()?;
        line.at = Timestamp::parse(&line.timestamp)?;
        Some(line)
    }
}

impl Minable for StoredLine {
    fn timestamp(&self) -> Timestamp {
        self.at
    }
    fn service(&self) -> &str {
        &self.service
    }
    fn message(&self) -> &str {
        &self.message
    }
}

/// The id of a template: the first 8 hex digits of its hash.
pub fn pattern_id(template: &str) -> String {
    format!(
        "{:08x}",
        xxhash_rust::xxh3::xxh3_64(template.as_bytes()) >> 32
    )
}

/// Each service's format, detected from its first messages, so each message's header can
/// be left out of mining without any configuration.
#[derive(Default)]
struct Headers {
    by_service: HashMap<String, Format>,
}

impl Headers {
    fn learn<E: Minable>(events: &[E]) -> Headers {
        let mut samples: HashMap<&str, Vec<u8>> = HashMap::new();
        let mut lines: HashMap<&str, usize> = HashMap::new();
        for event in events {
            let n = lines.entry(event.service()).or_default();
            if *n >= format::SAMPLE_LINES {
                continue;
            }
            *n += 1;
            let sample = samples.entry(event.service()).or_default();
            sample.extend_from_slice(event.message().lines().next().unwrap_or("").as_bytes());
            sample.push(b'\n');
        }
        Headers {
            by_service: samples
                .into_iter()
                .map(|(service, sample)| {
                    (
                        service.to_string(),
                        format::detect(&sample, FormatChoice::Auto, None),
                    )
                })
                .collect(),
        }
    }

    /// The message without its header (its first line only: a stack trace's other lines
    /// would make every exception its own pattern).
    /// What is mined of an event: its first line's message, and for a stack trace the
    /// exception and the frame it was thrown from (see `trace_signature`).
    fn body<'a, E: Minable>(&self, event: &'a E) -> std::borrow::Cow<'a, str> {
        let first_line = self.first_body(event);
        match trace_signature(event.message()) {
            // First, so that it routes the line: after the first line's words it would be
            // outvoted by them, and two failures of one line would merge.
            Some(signature) => std::borrow::Cow::Owned(format!("{signature} {first_line}")),
            None => std::borrow::Cow::Borrowed(first_line),
        }
    }

    fn first_body<'a, E: Minable>(&self, event: &'a E) -> &'a str {
        let first = event.message().lines().next().unwrap_or("");
        let body = match self.by_service.get(event.service()) {
            Some(format) => format
                .read(first)
                .and_then(|h| first.get(h.body..))
                .unwrap_or(first),
            None => first,
        };
        past_thread_and_logger(body)
    }
}

/// Leading header parts a format reader leaves in the body: a thread or request id in
/// brackets (`[main]`, `[IPC Server handler 3 on 8020]`, `[req-6a7c - - -]`), a logger or
/// class name ending in a colon (`org.apache.hadoop.ipc.Client:`), a lone `-`. They vary
/// by line while the message does not, so mined with it one message became a pattern per
/// thread. A Windows program (`chrome.exe *64 -`), and fields joined by `|` before the message (`Step_LSC|30002312|onStandStepChanged
/// 3579`: component and pid) go the same way. What is left when nothing else is: the body
/// as it was.
pub fn past_thread_and_logger(body: &str) -> &str {
    let mut rest = body.trim_start();
    for _ in 0..4 {
        let first = &rest[..rest.find(char::is_whitespace).unwrap_or(rest.len())];
        let next = if rest.starts_with('[') {
            closing_bracket(rest).map(|end| &rest[end + 1..])
        } else if let Some(after) = past_program_and_pid(rest).or_else(|| past_column(rest)) {
            Some(after)
        } else if let Some(bar) = first.rfind('|') {
            Some(&rest[bar + 1..])
        } else {
            let (token, after) = rest.split_at(first.len());
            // A logger ends in a colon, or stands before a bracketed request id
            // (`nova.osapi_compute.wsgi.server [req-...]`).
            let logger = match token.strip_suffix(':') {
                Some(name) => dotted_name(name),
                None => dotted_name(token) && after.trim_start().starts_with('['),
            };
            // A Windows program as Proxifier names it, `chrome.exe` or `chrome.exe *64`.
            let program = token.len() > 4
                && token.is_char_boundary(token.len() - 4)
                && token[token.len() - 4..].eq_ignore_ascii_case(".exe");
            if program {
                let after = after.trim_start();
                Some(
                    after
                        .strip_prefix("*64")
                        .or(after.strip_prefix("*32"))
                        .unwrap_or(after),
                )
            } else {
                (logger || token == "-").then_some(after)
            }
        };
        match next.map(str::trim_start) {
            Some(after) if !after.is_empty() => rest = after,
            _ => break,
        }
    }
    rest
}

/// Where the bracket `text` opens with closes, brackets inside counted
/// (`[QuorumPeer[myid=1]/0:0:0:0:0:0:0:0:2181:FastLeaderElection@774]`).
fn closing_bracket(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (at, c) in text.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(at);
                }
            }
            _ => {}
        }
    }
    None
}

/// Past a program with its pid as syslog writes it (`crond(pam_unix)[2915]:`), and the
/// host a relay put before it (`dn228/dn228 crond[2915]:`, `local@tbird-admin1 postfix/postdrop[10896]:`),
/// when a format reader left them in the body.
fn past_program_and_pid(text: &str) -> Option<&str> {
    let (first, after_first) = text.split_once(char::is_whitespace)?;
    if program_with_pid(first) {
        return Some(after_first);
    }
    let (second, after_second) = after_first.trim_start().split_once(char::is_whitespace)?;
    (first.contains(['/', '@']) && program_with_pid(second)).then_some(after_second)
}

/// Past a component written as a column (`CBS    Loaded Servicing Stack`): a short word in
/// capitals with two or more spaces after it, as fixed-width layouts pad their columns.
fn past_column(text: &str) -> Option<&str> {
    let (word, after) = text.split_once(char::is_whitespace)?;
    let column = (2..=8).contains(&word.len())
        && word.bytes().all(|b| b.is_ascii_uppercase())
        && after.starts_with(char::is_whitespace);
    column.then_some(after)
}

/// `name[123]:`
fn program_with_pid(token: &str) -> bool {
    let Some((name, pid)) = token
        .strip_suffix("]:")
        .and_then(|inner| inner.rsplit_once('['))
    else {
        return false;
    };
    name.chars().next().is_some_and(char::is_alphabetic)
        && !pid.is_empty()
        && pid.bytes().all(|b| b.is_ascii_digit())
}

/// What tells one failure from another in a stack trace: the exception's type and the frame
/// that threw it, as `[java.lang.NullPointerException at com.shop.users.ProfileMapper.toDto]`
/// as one token the miner keeps whole (`drain::SIGNATURE`)
/// (Java: the first exception line and the first `at` frame; Python: the last line's type
/// and the innermost `File ..., in f` frame). The same failure from one place is then one
/// pattern, and the same first line failing in two ways two patterns. `None` for a message
/// of one line or without a trace.
pub fn trace_signature(message: &str) -> Option<String> {
    let mut lines = message.lines().skip(1).map(str::trim).peekable();
    lines.peek()?;
    let mut exception: Option<&str> = None;
    let mut frame: Option<String> = None;
    let mut python_frame: Option<String> = None;
    let mut python_type: Option<&str> = None;
    for line in lines {
        if let Some(at) = line.strip_prefix("at ") {
            if frame.is_none() {
                frame = Some(at.split('(').next().unwrap_or(at).trim().to_string());
            }
        } else if let Some(file) = line.strip_prefix("File \"") {
            // `File "app/views.py", line 42, in checkout`: the file and function, no line.
            let path = file.split('"').next().unwrap_or("");
            let function = line.rsplit_once(", in ").map_or("", |(_, f)| f);
            python_frame = Some(format!("{path}:{function}"));
        } else if let Some(kind) = exception_type(line.strip_prefix("Caused by: ").unwrap_or(line))
        {
            if exception.is_none() && frame.is_none() {
                exception = Some(kind);
            }
            python_type = Some(kind);
        }
    }
    match (exception, frame, python_frame) {
        (Some(kind), Some(frame), _) => Some(drain::signature(kind, &frame)),
        (_, None, Some(frame)) => python_type.map(|kind| drain::signature(kind, &frame)),
        _ => None,
    }
}

/// `java.lang.IllegalStateException: ...`, `ValueError: ...`, `KeyError`: the type, when the
/// line starts with one.
fn exception_type(line: &str) -> Option<&str> {
    let name = line.split([':', ' ']).next()?;
    let simple = name.rsplit('.').next()?;
    let looks = (simple.ends_with("Exception")
        || simple.ends_with("Error")
        || simple.ends_with("Throwable"))
        && simple
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_uppercase())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '$'));
    looks.then_some(name)
}

/// `org.apache.hadoop.ipc.Client`, `dfs.DataNode$PacketResponder`: a dotted name, not a
/// number or an address.
fn dotted_name(name: &str) -> bool {
    name.contains('.')
        && !name.starts_with('.')
        && !name.ends_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '$'))
        && !name.chars().all(|c| c.is_ascii_digit() || c == '.')
}

/// Mines `events` (in the order given) into patterns with `buckets` trend slices.
pub fn mine<E: Minable>(events: &[E], buckets: usize) -> Mined {
    mine_over(events, buckets, None)
}

/// Like `mine`, with the trend over `range` (the query's `--since`/`--until`) instead of the
/// events' own time range; either bound may be open.
pub fn mine_over<E: Minable>(
    events: &[E],
    buckets: usize,
    range: Option<(Option<Timestamp>, Option<Timestamp>)>,
) -> Mined {
    let headers = Headers::learn(events);
    let mut miner = Miner::new();
    let templates: Vec<usize> = events.iter().map(|e| miner.add(&headers.body(e))).collect();
    let (first, last) = events.iter().fold((i64::MAX, i64::MIN), |(lo, hi), e| {
        (
            lo.min(e.timestamp().micros()),
            hi.max(e.timestamp().micros()),
        )
    });
    let (lower, upper) = range.unwrap_or((None, None));
    let start = lower.map_or(first, |t| t.micros().min(first));
    let end = upper.map_or(last, |t| t.micros().max(last));
    let span = (end - start).max(1) as f64;
    let buckets = buckets.max(1);
    // Templates generalise as lines arrive, and the merge step joins some: group by the
    // final pattern text.
    let texts = miner.pattern_texts();
    let mut index_of_text: HashMap<String, usize> = HashMap::new();
    let mut patterns: Vec<Pattern> = Vec::new();
    let mut of_template: Vec<Option<usize>> = vec![None; miner.len()];
    let mut of_event = Vec::with_capacity(events.len());
    for (event, &t) in events.iter().zip(&templates) {
        let p = match of_template[t] {
            Some(p) => p,
            None => {
                let text = texts[t].clone();
                let p = *index_of_text.entry(text.clone()).or_insert_with(|| {
                    patterns.push(Pattern {
                        id: pattern_id(&text),
                        template: text,
                        count: 0,
                        first_seen: event.timestamp(),
                        last_seen: event.timestamp(),
                        example: event.message().to_string(),
                        trend: vec![0; buckets],
                        spike: None,
                    });
                    patterns.len() - 1
                });
                of_template[t] = Some(p);
                p
            }
        };
        let pattern = &mut patterns[p];
        pattern.count += 1;
        pattern.first_seen = pattern.first_seen.min(event.timestamp());
        pattern.last_seen = pattern.last_seen.max(event.timestamp());
        let slot = (((event.timestamp().micros() - start) as f64 / span) * buckets as f64) as usize;
        pattern.trend[slot.min(buckets - 1)] += 1;
        of_event.push(p);
    }
    // Most frequent first; ties by first seen, then by text, so the order is stable.
    let mut order: Vec<usize> = (0..patterns.len()).collect();
    order.sort_by(|&a, &b| {
        let (pa, pb) = (&patterns[a], &patterns[b]);
        pb.count
            .cmp(&pa.count)
            .then(pa.first_seen.cmp(&pb.first_seen))
            .then(pa.template.cmp(&pb.template))
    });
    let mut rank = vec![0; patterns.len()];
    for (r, &p) in order.iter().enumerate() {
        rank[p] = r;
    }
    let sorted = order.iter().map(|&p| patterns[p].clone()).collect();
    Mined {
        patterns: sorted,
        of_event: of_event.into_iter().map(|p| rank[p]).collect(),
    }
}

#[cfg(test)]
mod tests;
