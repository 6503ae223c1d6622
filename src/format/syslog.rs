//! Syslog as files and relays write it: BSD syslog (RFC 3164, with or without the `<PRI>`,
//! with `Nov 26 21:00:00` or the ISO time rsyslog writes), and RFC 5424.

use super::clock::{self, TimeKind};
use super::{level_in_word, Header};
use crate::event::Level;
use serde_json::Value;

/// Severity of a PRI value (its low three bits).
fn severity(pri: u32) -> Level {
    Level::from_syslog_severity(pri & 7)
}

/// `<34>` at the start: the PRI value and the bytes it took.
fn pri(line: &str) -> Option<(u32, usize)> {
    let rest = line.strip_prefix('<')?;
    let end = rest.find('>')?;
    if end == 0 || end > 3 {
        return None;
    }
    let value: u32 = rest[..end].parse().ok()?;
    (value <= 191).then_some((value, end + 2))
}

/// The next space-separated word from `at`, and where the one after starts.
fn word(line: &str, at: usize) -> Option<(&str, usize)> {
    let rest = line.get(at..)?;
    let rest_trim = rest.trim_start_matches(' ');
    let start = at + (rest.len() - rest_trim.len());
    if rest_trim.is_empty() {
        return None;
    }
    // Words here are short: a plain loop ends them before a vectorised search starts.
    let len = rest_trim
        .bytes()
        .position(|b| b == b' ')
        .unwrap_or(rest_trim.len());
    Some((&line[start..start + len], start + len))
}

/// `prog[123]:`, `prog:`, `sshd(pam_unix)[19939]:` -> program and pid.
fn tag(word: &str) -> Option<(&str, Option<u64>)> {
    let word = word.strip_suffix(':')?;
    match word.strip_suffix(']').and_then(|w| w.rsplit_once('[')) {
        Some((program, pid)) => Some((program, pid.parse().ok())),
        None => Some((word, None)),
    }
}

/// Whether a BSD syslog line starts here: its time after the optional `<PRI>`, the rest
/// unread (what `read_bsd` checks of the host and tag is left to reading the entry).
pub fn starts_bsd(line: &[u8]) -> bool {
    let at = match line.first() {
        Some(b'<') => match line.iter().take(6).position(|&b| b == b'>') {
            Some(close) => close + 1,
            None => return false,
        },
        _ => 0,
    };
    let bytes = &line[at..];
    // `Nov 24 13:00:00`: the shape, in place, before any name is compared.
    let shaped = matches!(bytes, [a, b, c, b' ', d, e, b' ', _, _, b':', _, _, b':', ..]
        if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() && c.is_ascii_alphabetic()
            && (*d == b' ' || d.is_ascii_digit()) && e.is_ascii_digit());
    shaped
        || clock::find(TimeKind::MonthName, bytes).is_some()
        || clock::find(TimeKind::YearFirst, bytes)
            .is_some_and(|f| bytes.get(10) == Some(&b'T') && !bytes[..f.len].contains(&b' '))
}

pub fn read_bsd(line: &str) -> Option<Header<'_>> {
    let (level, mut at) = match pri(line) {
        Some((value, len)) => (Some(severity(value)), len),
        None => (None, 0),
    };
    let bytes = &line.as_bytes()[at..];
    // rsyslog's ISO form is RFC 3339: one word with a `T` and a zone.
    let found = clock::find(TimeKind::MonthName, bytes)
        .or_else(|| {
            clock::find(TimeKind::YearFirst, bytes)
                .filter(|f| bytes.get(10) == Some(&b'T') && !bytes[..f.len].contains(&b' '))
        })
        .filter(|f| match f.written {
            clock::Written::Civil(c) => {
                c.has_time && (f.kind == TimeKind::MonthName || c.offset.is_some())
            }
            clock::Written::Epoch(_) => false,
        })?;
    at += found.len;
    let (host, after_host) = word(line, at)?;
    // A host name is one word without a colon, and not a level (then this is a
    // time-first application log, not syslog).
    if host.ends_with(':')
        || host.as_bytes().contains(&b'[')
        || host.bytes().all(|b| b.is_ascii_digit())
        || level_in_word(host).is_some()
    {
        return None;
    }
    let mut header = Header {
        time: Some(found.written),
        level,
        host: Some(host),
        body: after_host,
        ..Header::default()
    };
    match word(line, after_host).and_then(|(w, next)| Some((tag(w)?, next))) {
        Some(((program, pid), next)) => {
            header.service = Some(program);
            header.pid = pid;
            header.body = next;
        }
        // rsyslog's ISO form always has a tag; without one this is an application's
        // time-first line.
        None if found.kind == TimeKind::YearFirst => return None,
        None => {}
    }
    header.body = skip_spaces(line, header.body);
    if header.level.is_none() {
        header.level = word(line, header.body).and_then(|(w, _)| {
            // `error: ...`, `<warn> ...`, `[ERROR] ...` open many daemons' messages.
            (w.ends_with(':') || w.starts_with(['[', '<'])).then(|| level_in_word(w))?
        });
    }
    Some(header)
}

fn skip_spaces(line: &str, at: usize) -> usize {
    at + line
        .get(at..)
        .map_or(0, |rest| rest.len() - rest.trim_start().len())
}

/// `<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [sd] message`.
pub fn read_5424(line: &str) -> Option<Header<'_>> {
    let (value, mut at) = pri(line)?;
    let version = line.get(at..)?.split(' ').next()?;
    if version.is_empty() || version.len() > 2 || !version.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    at += version.len() + 1;
    let (stamp, next) = word(line, at)?;
    let time = if stamp == "-" {
        None
    } else {
        Some(clock::find(TimeKind::YearFirst, stamp.as_bytes())?.written)
    };
    let (host, next) = word(line, next)?;
    let (app, next) = word(line, next)?;
    let (procid, next) = word(line, next)?;
    let (msgid, next) = word(line, next)?;
    let mut header = Header {
        time,
        level: Some(severity(value)),
        host: Some(host),
        service: Some(app),
        pid: procid.parse().ok(),
        ..Header::default()
    };
    if msgid != "-" {
        header
            .fields
            .insert("msgid".into(), Value::String(msgid.to_string()));
    }
    header.body = skip_spaces(line, skip_structured_data(line, next));
    Some(header)
}

/// Past `-` or `[id k="v" ...][...]`, honouring `\]` inside values.
fn skip_structured_data(line: &str, at: usize) -> usize {
    let at = skip_spaces(line, at);
    let bytes = line.as_bytes();
    if bytes.get(at) == Some(&b'-') {
        return at + 1;
    }
    let mut i = at;
    while bytes.get(i) == Some(&b'[') {
        let mut quoted = false;
        i += 1;
        while let Some(&b) = bytes.get(i) {
            i += 1;
            match b {
                b'\\' => i += 1,
                b'"' => quoted = !quoted,
                b']' if !quoted => break,
                _ => {}
            }
        }
    }
    i.min(line.len())
}
