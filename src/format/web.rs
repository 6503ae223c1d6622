//! Web server access logs: the common and combined formats nginx and Apache write,
//! `client ident user [26/Nov/2026:21:00:00 +0000] "GET /path HTTP/1.1" 200 512 "referer" "agent"`.
//! The status sets the level (5xx error, 4xx warn) and becomes a field with the rest.

use super::clock::{self, TimeKind};
use super::Header;
use crate::event::Level;
use serde_json::Value;

/// A `"..."` value with `\"` escapes, and where it ends.
fn quoted(line: &str, at: usize) -> Option<(&str, usize)> {
    let bytes = line.as_bytes();
    if bytes.get(at) != Some(&b'"') {
        return None;
    }
    let mut i = at + 1;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\\' => i += 2,
            b'"' => return Some((&line[at + 1..i], i + 1)),
            _ => i += 1,
        }
    }
    None
}

fn spaces(line: &str, at: usize) -> usize {
    at + line
        .get(at..)
        .map_or(0, |rest| rest.len() - rest.trim_start_matches(' ').len())
}

fn bare(line: &str, at: usize) -> Option<(&str, usize)> {
    let rest = line.get(at..)?;
    let len = rest.find(' ').unwrap_or(rest.len());
    (len > 0).then(|| (&rest[..len], at + len))
}

/// Also Apache's `vhost_combined` (`www.example.com:443 10.0.0.1 - - [...] ...`).
pub fn read_access(line: &str) -> Option<Header<'_>> {
    if let Some(header) = read_from(line, 0) {
        return Some(header);
    }
    let (vhost, at) = bare(line, 0)?;
    let mut header = read_from(line, spaces(line, at))?;
    header
        .fields
        .insert("vhost".into(), Value::String(vhost.to_string()));
    Some(header)
}

fn read_from(line: &str, from: usize) -> Option<Header<'_>> {
    let (client, at) = bare(line, from)?;
    let (_ident, at) = bare(line, spaces(line, at))?;
    let (user, at) = bare(line, spaces(line, at))?;
    let at = spaces(line, at);
    let stamp = line.get(at..)?.strip_prefix('[')?;
    let found = clock::find(TimeKind::DayFirst, stamp.as_bytes())?;
    let after_time = at + 1 + found.len;
    let at = spaces(
        line,
        after_time + usize::from(line.as_bytes().get(after_time) == Some(&b']')),
    );
    let (request, at) = quoted(line, at)?;
    let (status, at) = bare(line, spaces(line, at))?;
    let status: u16 = status.parse().ok().filter(|s| (100..600).contains(s))?;
    let mut header = Header {
        time: Some(found.written),
        level: Some(match status {
            500.. => Level::Error,
            400.. => Level::Warn,
            _ => Level::Info,
        }),
        body: 0,
        ..Header::default()
    };
    let fields = &mut header.fields;
    fields.insert("client".into(), Value::String(client.to_string()));
    if user != "-" {
        fields.insert("user".into(), Value::String(user.to_string()));
    }
    let mut parts = request.splitn(3, ' ');
    if let (Some(method), Some(path)) = (parts.next(), parts.next()) {
        fields.insert("method".into(), Value::String(method.to_string()));
        fields.insert("path".into(), Value::String(path.to_string()));
    }
    fields.insert("status".into(), Value::from(status));
    if let Some((bytes, at)) = bare(line, spaces(line, at)) {
        if let Ok(n) = bytes.parse::<u64>() {
            fields.insert("bytes".into(), Value::from(n));
        }
        if let Some((referrer, at)) = quoted(line, spaces(line, at)) {
            if referrer != "-" {
                fields.insert("referrer".into(), Value::String(referrer.to_string()));
            }
            if let Some((agent, _)) = quoted(line, spaces(line, at)) {
                fields.insert("user_agent".into(), Value::String(agent.to_string()));
            }
        }
    }
    Some(header)
}
