//! `logagg serve`'s HTTP API: each request answered from the embedded store with the query
//! language, the `since`/`until` forms and the JSON lines of `logagg query`, so a client
//! gets over HTTP exactly what the command prints. A resident reader keeps the parts' block
//! indexes open between requests: totals and counts by service come from them without the
//! cost of starting a process.
//!
//! `GET /api/v1/query?q=QUERY&limit=N&order=newest|oldest&since=WHEN&until=WHEN` matching
//! events as JSON lines; `GET /api/v1/count?q=...` `{"count":N}`; `GET
//! /api/v1/count_by?by=FIELD&q=...&limit=N` one `{"count":N,"FIELD":value}` line per value,
//! most frequent first; `GET /api/v1/histogram?q=...&width=1m` one `{"time":..,"count":N}`
//! line per bucket (empty ones between included; `width` defaults to auto); `GET
//! /api/v1/fields?q=...` one `{"field":..,"events":N,..}` line per `fields` key, most held
//! first; `GET /health`.

use super::context_out::Around;
use super::counts_out::group_line;
use super::query_text::{build_query_named, count_target};
use crate::backend::embedded::{Order, StoreReader};
use crate::event::Timestamp;
use crate::query::{Query, Target};

/// What the API answers to one request.
#[derive(Debug, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    /// What the answer could not do (damaged parts left out) or what the query is warned
    /// about (a fields key no event has), sent as `Warning` headers; `/api/v1/count` also
    /// has them in its JSON.
    pub warnings: Vec<String>,
}

const JSON_LINES: &str = "application/x-ndjson";
const JSON: &str = "application/json";
const TEXT: &str = "text/plain; charset=utf-8";

impl Reply {
    fn ok(content_type: &'static str, body: Vec<u8>) -> Reply {
        Reply {
            status: 200,
            content_type,
            body,
            warnings: Vec::new(),
        }
    }

    fn warned(mut self, warnings: Vec<String>) -> Reply {
        self.warnings = warnings;
        self
    }

    /// An error as `{"error": "..."}`: 400 for the request's fault, 404, 405, or 500 when
    /// the store could not be read.
    pub fn error(status: u16, message: &str) -> Reply {
        let mut body = serde_json::json!({ "error": message })
            .to_string()
            .into_bytes();
        body.push(b'\n');
        Reply {
            status,
            content_type: JSON,
            body,
            warnings: Vec::new(),
        }
    }
}

/// The parameters a request may carry; any other is refused, so a misspelt one is not
/// silently ignored.
const KNOWN: [&str; 9] = [
    "q", "since", "until", "limit", "order", "by", "width", "before", "after",
];
/// Events (or groups) answered when `limit` is not given, as `logagg query` prints.
const DEFAULT_LIMIT: usize = 100;
/// The most events `/api/v1/context` shows on each side of a match.
const MAX_AROUND: usize = 1000;

#[derive(Default)]
struct Params {
    q: Option<String>,
    since: Option<String>,
    until: Option<String>,
    limit: Option<String>,
    order: Option<String>,
    by: Option<String>,
    width: Option<String>,
    before: Option<String>,
    after: Option<String>,
    /// The names given, in order.
    given: Vec<&'static str>,
}

impl Params {
    fn parse(query_string: &str) -> Result<Params, String> {
        let mut params = Params::default();
        for pair in query_string.split('&').filter(|p| !p.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let (name, value) = (decoded(name)?, decoded(value)?);
            let Some(known) = KNOWN.into_iter().find(|k| *k == name) else {
                return Err(format!(
                    "unknown parameter '{name}'; the API takes {}",
                    KNOWN.join(", ")
                ));
            };
            let slot = match known {
                "q" => &mut params.q,
                "since" => &mut params.since,
                "until" => &mut params.until,
                "limit" => &mut params.limit,
                "order" => &mut params.order,
                "width" => &mut params.width,
                "before" => &mut params.before,
                "after" => &mut params.after,
                _ => &mut params.by,
            };
            if slot.replace(value).is_some() {
                return Err(format!("parameter '{name}' is given twice"));
            }
            params.given.push(known);
        }
        Ok(params)
    }

    /// Refuses a parameter `endpoint` does not take, rather than ignoring it.
    fn only(&self, endpoint: &str, takes: &[&str]) -> Result<(), String> {
        match self.given.iter().find(|name| !takes.contains(name)) {
            Some(name) if takes.is_empty() => Err(format!(
                "parameter '{name}' does not apply to {endpoint}; it takes none"
            )),
            Some(name) => Err(format!(
                "parameter '{name}' does not apply to {endpoint}; it takes {}",
                takes.join(", ")
            )),
            None => Ok(()),
        }
    }

    /// At most this many (`None`: all, from `limit=0`).
    fn limit(&self) -> Result<Option<usize>, String> {
        match self.limit.as_deref() {
            None => Ok(Some(DEFAULT_LIMIT)),
            Some(text) => match text.parse::<usize>() {
                Ok(0) => Ok(None),
                Ok(n) => Ok(Some(n)),
                Err(_) => Err(format!(
                    "limit '{text}' is not a number; give a count of events, 0 for all"
                )),
            },
        }
    }

    /// `before`/`after` as `-B`/`-A` take them.
    fn around(&self) -> Result<Around, String> {
        let count = |name: &str, text: Option<&str>| {
            match text {
            None => Ok(0),
            Some(text) => text.parse::<usize>().map_err(|_| {
                format!("{name} '{text}' is not a number; give how many events to show {name} each match")
            }),
        }
        };
        let before = count("before", self.before.as_deref())?;
        let after = count("after", self.after.as_deref())?;
        if before > MAX_AROUND || after > MAX_AROUND {
            return Err(format!(
                "before and after are at most {MAX_AROUND} events each"
            ));
        }
        Around::of(None, Some(before), Some(after))
            .ok_or_else(|| "give before=N or after=N (the events around each match)".to_string())
    }

    fn order(&self) -> Result<Order, String> {
        match self.order.as_deref() {
            None | Some("newest") => Ok(Order::NewestFirst),
            Some("oldest") => Ok(Order::OldestFirst),
            Some(other) => Err(format!("order '{other}' is not newest or oldest")),
        }
    }

    fn query(&self, now: Timestamp) -> Result<crate::query::Query, String> {
        build_query_named(
            self.q.as_deref().unwrap_or("*"),
            [
                ("since", self.since.as_deref()),
                ("until", self.until.as_deref()),
            ],
            now,
        )
        .map_err(|e| format!("{e:#}"))
    }
}

/// A part of a query string decoded (`+` is a space, `%XX` a byte), refused when the
/// bytes are not UTF-8: replacing them would search for something the client never sent.
fn decoded(part: &str) -> Result<String, String> {
    let spaced = part.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced)
        .decode_utf8()
        .map(|text| text.into_owned())
        .map_err(|_| {
            format!(
                "'{part}' is not UTF-8 once decoded; percent-encode the UTF-8 bytes of the text"
            )
        })
}

/// What one request may ask for.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Events one answer holds at most: an answer is built whole in memory, so a request
    /// for every event of a large store must not take the server down.
    pub max_events: usize,
}

/// Answers `GET /health` (which takes no parameter).
pub fn answer_health(url: &str) -> Reply {
    let (_, query_string) = url.split_once('?').unwrap_or((url, ""));
    match Params::parse(query_string).and_then(|p| p.only("/health", &[])) {
        Ok(()) => Reply::ok(TEXT, b"ok\n".to_vec()),
        Err(message) => bad(message),
    }
}

/// Answers the request for `url` (path and query string) from `reader`, as of `now`.
pub fn answer(reader: &StoreReader, url: &str, now: Timestamp, limits: Limits) -> Reply {
    let (path, query_string) = url.split_once('?').unwrap_or((url, ""));
    let params = match Params::parse(query_string) {
        Ok(params) => params,
        Err(message) => return Reply::error(400, &message),
    };
    let answered = match path {
        "/health" => return answer_health(url),
        "/api/v1/query" => events(reader, &params, now, limits),
        "/api/v1/count" => count(reader, &params, now),
        "/api/v1/count_by" => count_by(reader, &params, now),
        "/api/v1/histogram" => histogram(reader, &params, now),
        "/api/v1/fields" => fields(reader, &params, now),
        "/api/v1/context" => context(reader, &params, now, limits),
        _ => {
            return Reply::error(
                404,
                &format!("no such endpoint '{path}'; there are /api/v1/query, /api/v1/context, /api/v1/count, /api/v1/count_by, /api/v1/histogram, /api/v1/fields and /health"),
            )
        }
    };
    let mut reply = answered.unwrap_or_else(|failure| failure);
    if reply.status == 200 {
        reply.warnings.extend(left_out(reader));
    }
    reply
}

/// What the reader has had to leave out of its answers (damaged parts and blocks).
fn left_out(reader: &StoreReader) -> Vec<String> {
    reader.damaged().iter().map(ToString::to_string).collect()
}

/// The request's fault.
fn bad(message: String) -> Reply {
    Reply::error(400, &message)
}

/// The store's fault.
fn unreadable(error: impl std::fmt::Display) -> Reply {
    Reply::error(500, &format!("cannot read the store: {error}"))
}

fn events(
    reader: &StoreReader,
    params: &Params,
    now: Timestamp,
    limits: Limits,
) -> Result<Reply, Reply> {
    params
        .only("/api/v1/query", &["q", "since", "until", "limit", "order"])
        .map_err(bad)?;
    let query = params.query(now).map_err(bad)?;
    let limit = params.limit().map_err(bad)?;
    let order = params.order().map_err(bad)?;
    let most = limits.max_events;
    let narrower = "narrow the query or its time range (since, until)";
    match limit {
        Some(n) if n > most => {
            return Err(bad(format!(
                "limit {n} is more than this server answers at once ({most}, its --max-events); {narrower}"
            )))
        }
        None => {
            let matching = reader.count(&query).map_err(unreadable)?;
            if matching > most as u64 {
                return Err(bad(format!(
                    "{matching} events match, more than this server answers at once ({most}, its --max-events); {narrower}, or give a limit"
                )));
            }
        }
        Some(_) => {}
    }
    let hits = reader.search(&query, order, limit).map_err(unreadable)?;
    let mut body = Vec::with_capacity(hits.iter().map(|h| h.source.len() + 1).sum());
    for hit in &hits {
        body.extend_from_slice(hit.source.as_bytes());
        body.push(b'\n');
    }
    Ok(Reply::ok(JSON_LINES, body).warned(query_warnings(reader, &query, None)?))
}

/// The matches with the events around each, as `query -B/-A -o json` prints them: each
/// neighbour marked `"context":"before"` or `"after"`.
fn context(
    reader: &StoreReader,
    params: &Params,
    now: Timestamp,
    limits: Limits,
) -> Result<Reply, Reply> {
    params
        .only(
            "/api/v1/context",
            &["q", "since", "until", "limit", "order", "before", "after"],
        )
        .map_err(bad)?;
    let query = params.query(now).map_err(bad)?;
    let around = params.around().map_err(bad)?;
    let order = params.order().map_err(bad)?;
    let most = limits.max_events;
    // Each match brings up to before + after more: the bound is on what is sent.
    let per_match = 1 + around.before + around.after;
    let limit = match params.limit().map_err(bad)? {
        Some(n) if n.saturating_mul(per_match) <= most => n,
        _ => {
            return Err(bad(format!(
                "give a limit of at most {} matches: with {} events around each, more would pass what this server answers at once ({most}, its --max-events)",
                most / per_match,
                per_match - 1
            )))
        }
    };
    let hits = reader
        .search(&query, order, Some(limit))
        .map_err(unreadable)?;
    let groups = super::context_out::groups(reader, &hits, around).map_err(unreadable)?;
    let mut body = Vec::new();
    for group in &groups {
        for (place, hit) in &group.events {
            body.extend_from_slice(super::context_out::marked_json(&hit.source, *place).as_bytes());
            body.push(b'\n');
        }
    }
    Ok(Reply::ok(JSON_LINES, body).warned(query_warnings(reader, &query, None)?))
}

fn count(reader: &StoreReader, params: &Params, now: Timestamp) -> Result<Reply, Reply> {
    params
        .only("/api/v1/count", &["q", "since", "until"])
        .map_err(bad)?;
    let query = params.query(now).map_err(bad)?;
    let n = reader.count(&query).map_err(unreadable)?;
    let left = left_out(reader);
    let partial = !left.is_empty();
    let said = query_warnings(reader, &query, None)?;
    let mut warnings = said.clone();
    warnings.extend(left);
    let mut answer = serde_json::json!({ "count": n });
    if partial {
        answer["partial"] = true.into();
    }
    if !warnings.is_empty() {
        answer["warnings"] = warnings.into();
    }
    let mut body = answer.to_string().into_bytes();
    body.push(b'\n');
    Ok(Reply::ok(JSON, body).warned(said))
}

fn count_by(reader: &StoreReader, params: &Params, now: Timestamp) -> Result<Reply, Reply> {
    params
        .only("/api/v1/count_by", &["by", "q", "since", "until", "limit"])
        .map_err(bad)?;
    let name = params.by.as_deref().ok_or_else(|| {
        bad("count_by needs by=FIELD (service, host, level, trace_id or a fields key)".into())
    })?;
    let target = count_target(name).map_err(|e| bad(format!("{e:#}")))?;
    let query = params.query(now).map_err(bad)?;
    let limit = params.limit().map_err(bad)?;
    let mut groups = reader.count_by(&query, &target).map_err(unreadable)?;
    if let Some(limit) = limit {
        groups.truncate(limit);
    }
    let mut body = Vec::new();
    for group in &groups {
        body.extend_from_slice(group_line(name, group).as_bytes());
        body.push(b'\n');
    }
    Ok(Reply::ok(JSON_LINES, body).warned(query_warnings(reader, &query, Some(&target))?))
}

fn fields(reader: &StoreReader, params: &Params, now: Timestamp) -> Result<Reply, Reply> {
    params
        .only("/api/v1/fields", &["q", "since", "until"])
        .map_err(bad)?;
    let query = params.query(now).map_err(bad)?;
    let list = reader.field_list(&query).map_err(unreadable)?;
    let mut body = Vec::new();
    for field in &list.fields {
        let line = super::fields_cmd::counted_line(
            &field.name,
            field.events,
            field.numbers,
            list.matching,
        );
        body.extend_from_slice(line.to_string().as_bytes());
        body.push(b'\n');
    }
    Ok(Reply::ok(JSON_LINES, body))
}

fn histogram(reader: &StoreReader, params: &Params, now: Timestamp) -> Result<Reply, Reply> {
    params
        .only("/api/v1/histogram", &["q", "since", "until", "width"])
        .map_err(bad)?;
    let query = params.query(now).map_err(bad)?;
    let (width, _) = super::histogram_out::width(
        params.width.as_deref().unwrap_or("auto"),
        params.since.as_deref(),
        params.until.as_deref(),
        now,
        || Ok(reader.time_span(&query)?),
    )
    .map_err(|e| bad(format!("{e:#}").replace("--histogram", "width")))?;
    let mut histogram = crate::backend::histogram::Histogram::new(width);
    reader
        .histogram(&query, &mut histogram)
        .map_err(unreadable)?;
    let buckets = histogram
        .buckets()
        .map_err(|e| bad(e.to_string().replace("--histogram", "width")))?;
    let mut body = Vec::new();
    for (at, count) in buckets {
        body.extend_from_slice(
            format!("{{\"time\":\"{}\",\"count\":{count}}}\n", at.to_rfc3339()).as_bytes(),
        );
    }
    Ok(Reply::ok(JSON_LINES, body).warned(query_warnings(reader, &query, None)?))
}

/// What the CLI would warn about this query on this store; an answer carries it (in a
/// `warnings` member where the answer is one object, in `Warning` headers always).
fn query_warnings(
    reader: &StoreReader,
    query: &Query,
    by: Option<&Target>,
) -> Result<Vec<String>, Reply> {
    super::query_warnings::of_store(reader, query, by).map_err(|e| unreadable(format!("{e:#}")))
}
