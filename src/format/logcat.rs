//! One-letter-level formats: Android logcat (`threadtime`, `time`, `brief`) and Go's
//! klog/glog (`I1126 21:00:00.123456   12345 file.go:42] msg`).

use super::clock::{self, Civil, TimeKind, Written};
use super::Header;
use crate::event::Level;
use serde_json::Value;

fn skip_spaces(line: &str, at: usize) -> usize {
    at + line
        .get(at..)
        .map_or(0, |rest| rest.len() - rest.trim_start_matches(' ').len())
}

fn number(line: &str, at: usize) -> Option<(u64, usize)> {
    let rest = line.get(at..)?;
    let len = rest.bytes().take_while(u8::is_ascii_digit).count();
    Some((rest[..len].parse().ok()?, at + len))
}

/// `D/Tag( 1234): msg` (brief and time) from `at`.
fn brief<'a>(line: &'a str, at: usize, mut header: Header<'a>) -> Option<Header<'a>> {
    let bytes = line.as_bytes();
    let level = Level::from_letter(*bytes.get(at)?)?;
    if bytes.get(at + 1) != Some(&b'/') {
        return None;
    }
    let open = at + 2 + line.get(at + 2..)?.find('(')?;
    let close = open + line.get(open..)?.find("):")?;
    header.level = Some(level);
    header.service = Some(line[at + 2..open].trim_end());
    header.pid = line[open + 1..close].trim().parse().ok();
    header.body = skip_spaces(line, close + 2);
    Some(header)
}

pub fn read(line: &str) -> Option<Header<'_>> {
    let bytes = line.as_bytes();
    let found = clock::find(TimeKind::MonthFirst, bytes)
        .or_else(|| clock::find(TimeKind::YearFirst, bytes))
        .filter(|f| matches!(f.written, Written::Civil(c) if c.has_time));
    let Some(found) = found else {
        return brief(line, 0, Header::default());
    };
    let header = Header {
        time: Some(found.written),
        ..Header::default()
    };
    let at = skip_spaces(line, found.len);
    if bytes.get(at + 1) == Some(&b'/') {
        return brief(line, at, header);
    }
    // threadtime: pid, tid, level letter, `tag: msg`.
    let (pid, at) = number(line, at)?;
    let (tid, at) = number(line, skip_spaces(line, at))?;
    let at = skip_spaces(line, at);
    let level = Level::from_letter(*bytes.get(at)?)?;
    if bytes.get(at + 1) != Some(&b' ') {
        return None;
    }
    let tag_at = at + 2;
    let colon = tag_at + line.get(tag_at..)?.find(':')?;
    let mut header = header;
    header.level = Some(level);
    header.pid = Some(pid);
    header.fields.insert("tid".into(), Value::from(tid));
    header.service = Some(line[tag_at..colon].trim());
    header.body = skip_spaces(line, colon + 1);
    Some(header)
}

/// `Lmmdd hh:mm:ss.uuuuuu threadid file:line] msg`.
pub fn read_klog(line: &str) -> Option<Header<'_>> {
    let bytes = line.as_bytes();
    let level = match bytes.first()? {
        b'I' => Level::Info,
        b'W' => Level::Warn,
        b'E' => Level::Error,
        b'F' => Level::Fatal,
        b'D' => Level::Debug,
        _ => return None,
    };
    let mut c = 1;
    let digit = |i: usize| {
        bytes
            .get(i)
            .filter(|b| b.is_ascii_digit())
            .map(|b| u32::from(b - b'0'))
    };
    let month = digit(c)? * 10 + digit(c + 1)?;
    let day = digit(c + 2)? * 10 + digit(c + 3)?;
    c += 4;
    if bytes.get(c) != Some(&b' ') {
        return None;
    }
    let time = clock::find(TimeKind::TimeOnly, &bytes[c + 1..])?;
    let Written::Civil(t) = time.written else {
        return None;
    };
    let written = Written::Civil(Civil { month, day, ..t });
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let at = skip_spaces(line, c + 1 + time.len);
    let (thread, at) = number(line, at)?;
    let close = at
        + line.get(at..)?.find("] ").or_else(|| {
            line.get(at..)
                .filter(|rest| rest.ends_with(']'))
                .map(|rest| rest.len() - 1)
        })?;
    let mut header = Header {
        time: Some(written),
        level: Some(level),
        pid: Some(thread),
        body: (close + 2).min(line.len()),
        ..Header::default()
    };
    let source = line[at..close].trim();
    if !source.is_empty() {
        header
            .fields
            .insert("source".into(), Value::String(source.to_string()));
    }
    Some(header)
}
