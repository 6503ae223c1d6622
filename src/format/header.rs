//! Lines that start with a header of words at fixed places: a time (in one of the forms
//! `clock` knows) at word N and perhaps a level at word M. Covers log4j and logback
//! layouts, Python logging, zap's console encoder, nginx and Apache error logs, Windows
//! CBS, and the many programs that just put a date first. The places are learned from a
//! file's first lines, so `- 1117838570 2005.06.03 R02-M1 2005-06-03-15.42.50.675872 ...
//! RAS KERNEL INFO` finds its time at word 4 and its level at word 8.

use super::clock::{self, Civil, Found, TimeKind, Written};
use super::{level_in_word, Header};
use crate::event::Level;
use std::collections::HashMap;

/// Words looked at for a time or a level.
const HEADER_WORDS: usize = 14;

/// Where a file's lines keep their time and level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// Word index and form of the time.
    pub time: Option<(usize, TimeKind)>,
    /// Word index of the level.
    pub level: Option<usize>,
    /// Word index of a date that supplies the year when the time has none:
    /// `- 1131566461 2005.11.09 dn228 Nov 9 12:01:01 ...` (Thunderbird) is from 2005, not
    /// from the year the file was last touched.
    pub year: Option<usize>,
    /// Redis writes `PID:ROLE DD Mon HH:MM:SS.mmm MARK message`, the mark a level: `#`
    /// warning, `*` notice, `.` debug, `-` verbose.
    pub redis_marks: bool,
    /// The level is one capital letter right after the time (MongoDB before 4.4:
    /// `2026-11-26T21:00:00.123+0000 W STORAGE [initandlisten] ...`).
    pub letter_level: bool,
}

/// The level a capital letter stands for, in a header that writes levels as letters.
fn letter(word: &str) -> Option<Level> {
    match word.as_bytes() {
        [b] if b.is_ascii_uppercase() => Level::from_letter(*b),
        // MongoDB's debug verbosity: D1 to D5.
        [b'D', b'1'..=b'5'] => Some(Level::Debug),
        _ => None,
    }
}

/// The level a redis mark stands for.
fn redis_mark(word: &str) -> Option<Level> {
    match word {
        "#" => Some(Level::Warn),
        "*" => Some(Level::Info),
        "." => Some(Level::Debug),
        "-" => Some(Level::Trace),
        _ => None,
    }
}

/// Whether `word` is redis' `PID:ROLE` (role X sentinel, C child, S replica, M master).
fn redis_role(word: &str) -> bool {
    word.split_once(':').is_some_and(|(pid, role)| {
        !pid.is_empty()
            && pid.bytes().all(|b| b.is_ascii_digit())
            && matches!(role, "X" | "C" | "S" | "M")
    })
}

/// Byte offsets of the first `max` words of a header. Words are separated by whitespace,
/// by `|` (`20171224-1:2:35:789|Step_LSC|30002312|...`) and by runs of colons
/// (`MainThread::INFO::2011-12-05 07:04:56,101::...`); a single colon stays inside a
/// word, as times have them.
fn header_words(line: &str, max: usize, out: &mut Vec<(usize, usize)>) {
    out.clear();
    let bytes = line.as_bytes();
    let mut i = 0;
    while out.len() < max {
        while i < bytes.len() && separates(bytes, i) {
            i += 1;
        }
        if i >= bytes.len() {
            break;
        }
        let start = i;
        while i < bytes.len() && !separates(bytes, i) {
            i += 1;
        }
        out.push((start, i));
    }
}

/// Whether the byte at `i` separates header words.
fn separates(bytes: &[u8], i: usize) -> bool {
    match bytes[i] {
        b'|' => true,
        b':' => bytes.get(i + 1) == Some(&b':') || (i > 0 && bytes[i - 1] == b':'),
        b => b.is_ascii_whitespace(),
    }
}

/// Where the `n`th word (of `header_words`, from 0) starts, found without a list.
fn nth_word_start(bytes: &[u8], n: usize) -> Option<usize> {
    let mut i = 0;
    for seen in 0..=n {
        while i < bytes.len() && separates(bytes, i) {
            i += 1;
        }
        if i >= bytes.len() {
            return None;
        }
        if seen == n {
            return Some(i);
        }
        while i < bytes.len() && !separates(bytes, i) {
            i += 1;
        }
    }
    None
}

/// Opening brackets and quotes before a time or a level: `[2026-11-26 ...]`, `(INFO)`,
/// `<warn>`, `"2014-06-15 01:04:52"`.
fn strip_open(word: &str) -> (usize, &str) {
    let trimmed = word.trim_start_matches(['[', '(', '<', '{', '"', '\'']);
    (word.len() - trimmed.len(), trimmed)
}

/// The best time among the first words: the most complete form, the earliest on ties.
fn best_time(line: &str, words: &[(usize, usize)]) -> Option<(usize, Found)> {
    let mut best: Option<(usize, Found, u8)> = None;
    for (index, &(start, _)) in words.iter().enumerate() {
        let (skip, word) = strip_open(&line[start..]);
        if !clock::may_start(word.as_bytes()) {
            continue;
        }
        if let Some(found) = clock::find_any(word.as_bytes()) {
            let rank = found.kind.rank(&found.written);
            if best.as_ref().is_none_or(|b| rank > b.2) {
                let mut found = found;
                found.len += skip;
                best = Some((index, found, rank));
            }
        }
    }
    best.map(|(i, f, _)| (i, f))
}

/// The civil time written without a year, if that is what `written` is.
fn yearless(written: &Written) -> Option<&Civil> {
    match written {
        Written::Civil(c) if c.year.is_none() && c.has_time && c.month != 0 => Some(c),
        _ => None,
    }
}

/// The year of a date in `word` that names the same day as `time`.
fn year_in(word: &str, time: &Civil) -> Option<i32> {
    let (_, word) = strip_open(word);
    match clock::find_any(word.as_bytes())?.written {
        Written::Civil(date) if date.month == time.month && date.day == time.day => date.year,
        _ => None,
    }
}

/// Index of the first word at or after `from` that starts at or after byte `after`.
fn first_word_after(words: &[(usize, usize)], after: usize) -> usize {
    words
        .iter()
        .position(|&(start, _)| start >= after)
        .unwrap_or(words.len())
}

impl Layout {
    /// Learns the places from sample lines; `None` when no time or level recurs.
    pub fn learn(lines: &[&str]) -> Option<Layout> {
        let mut words = Vec::with_capacity(HEADER_WORDS);
        let mut times: HashMap<(usize, TimeKind), usize> = HashMap::new();
        let mut levels: HashMap<usize, usize> = HashMap::new();
        let mut years: HashMap<usize, usize> = HashMap::new();
        let mut marked = 0;
        let mut lettered: HashMap<usize, usize> = HashMap::new();
        for line in lines {
            header_words(line, HEADER_WORDS, &mut words);
            let mut body_from = 0;
            let mut glued = None;
            let mut time_index = None;
            if let Some((index, found)) = best_time(line, &words) {
                time_index = Some(index);
                *times.entry((index, found.kind)).or_default() += 1;
                if let Some(time) = yearless(&found.written) {
                    let dated = (0..words.len()).find(|&i| {
                        i != index && year_in(&line[words[i].0..words[i].1], time).is_some()
                    });
                    if let Some(i) = dated {
                        *years.entry(i).or_default() += 1;
                    }
                }
                let time_end = words[index].0 + found.len;
                body_from = first_word_after(&words, time_end);
                let word = |i: usize| words.get(i).map(|&(s, e)| &line[s..e]);
                if index == 1
                    && word(0).is_some_and(redis_role)
                    && word(body_from).and_then(redis_mark).is_some()
                {
                    marked += 1;
                }
                if word(body_from).and_then(letter).is_some() {
                    *lettered.entry(body_from).or_default() += 1;
                }
                // `[2026-11-26T21:00:00,123][INFO ][o.e.n.Node]`: the level shares the
                // time's word.
                let rest = &line[time_end.min(words[index].1)..words[index].1];
                if level_in_word(rest).is_some() {
                    glued = Some(index);
                }
            }
            let is_level = |i: &usize| level_in_word(&line[words[*i].0..words[*i].1]).is_some();
            // After the time, else before it (`MainThread::INFO::2011-12-05 ...`).
            let level = glued
                .or_else(|| (body_from..words.len()).find(is_level))
                .or_else(|| (0..time_index.unwrap_or(0)).find(is_level));
            if let Some(index) = level {
                *levels.entry(index).or_default() += 1;
            }
        }
        // Continuation lines (stack traces) have no time: a quarter of the lines will do.
        let time = most_voted(times).filter(|(_, votes)| *votes * 4 >= lines.len());
        // A level needs fewer votes: a stack trace's lines have none.
        let level = most_voted(levels)
            .filter(|(_, votes)| *votes * 3 >= lines.len() && *votes >= 1)
            .map(|(i, _)| i);
        let redis_marks = time.is_some() && marked * 2 >= lines.len() && marked > 0;
        let level = if redis_marks { None } else { level };
        // Letters only where no level word was found and most lines have one in place.
        let letters = most_voted(lettered)
            .filter(|(_, votes)| {
                time.is_some()
                    && level.is_none()
                    && !redis_marks
                    && *votes * 2 >= lines.len()
                    && *votes > 0
            })
            .map(|(i, _)| i);
        let letter_level = letters.is_some();
        let level = level.or(letters);
        if time.is_none() && level.is_none() {
            return None;
        }
        let year = most_voted(years)
            .filter(|(_, votes)| *votes * 4 >= lines.len())
            .map(|(i, _)| i);
        Some(Layout {
            time: time.map(|(slot, _)| slot),
            level,
            year,
            redis_marks,
            letter_level,
        })
    }

    /// Whether `line` has its time where the layout has it (the rest unread): how an entry's
    /// first line is told quickly.
    pub fn time_at_its_place(&self, line: &[u8]) -> bool {
        let Some((index, kind)) = self.time else {
            return false;
        };
        let Some(start) = nth_word_start(line, index) else {
            return false;
        };
        let word = &line[start..];
        let open = word
            .iter()
            .position(|b| !matches!(b, b'[' | b'(' | b'<' | b'{' | b'"' | b'\''))
            .unwrap_or(word.len());
        clock::find(kind, &word[open..]).is_some()
    }

    pub fn read<'a>(&self, line: &'a str) -> Option<Header<'a>> {
        let wanted = self.time.map_or(0, |(i, _)| i).max(self.level.unwrap_or(0)) + 1;
        let mut words = Vec::with_capacity(wanted.max(HEADER_WORDS));
        header_words(line, wanted, &mut words);
        let mut header = Header::default();
        let mut body = 0;
        if let Some((index, kind)) = self.time {
            let at_slot = words.get(index).and_then(|&(start, _)| {
                let (skip, word) = strip_open(&line[start..]);
                clock::find(kind, word.as_bytes()).map(|f| (start + skip, f))
            });
            let found = at_slot.or_else(|| {
                // Lines that shift the header (a missing field) still have their time.
                header_words(line, HEADER_WORDS, &mut words);
                best_time(line, &words).map(|(i, f)| (words[i].0, f))
            });
            if let Some((start, found)) = found {
                header.time = Some(self.with_year(line, &words, found.written));
                body = start + found.len;
            }
        }
        if let Some(index) = self.level {
            if let Some(&(start, end)) = words.get(index) {
                // A level glued to the time is read from where the time ends.
                let from = if body > start && body < end {
                    body
                } else {
                    start
                };
                let word = &line[from..end];
                let level = if self.letter_level {
                    letter(word)
                } else {
                    level_in_word(word)
                };
                if let Some(level) = level {
                    header.level = Some(level);
                    body = body.max(end);
                }
            }
        }
        if self.redis_marks && header.time.is_some() {
            let after = &line[body..];
            let mark_at = body + (after.len() - after.trim_start().len());
            let mark = line[mark_at..].split(' ').next().unwrap_or("");
            if let Some(level) = redis_mark(mark) {
                header.level = Some(level);
                body = mark_at + mark.len();
            }
            header.pid = words
                .first()
                .and_then(|&(s, e)| line[s..e].split_once(':'))
                .and_then(|(pid, _)| pid.parse().ok());
        }
        if header.time.is_none() && header.level.is_none() {
            return None;
        }
        header.body = skip_separators(line, body);
        Some(header)
    }
}

impl Layout {
    /// `written`, with the year of the layout's date word when it has none of its own.
    fn with_year(&self, line: &str, words: &[(usize, usize)], written: Written) -> Written {
        let (Some(index), Some(time)) = (self.year, yearless(&written)) else {
            return written;
        };
        let year = words
            .get(index)
            .and_then(|&(start, end)| year_in(&line[start..end], time));
        match year {
            Some(year) => Written::Civil(Civil {
                year: Some(year),
                ..*time
            }),
            None => written,
        }
    }
}

fn skip_separators(line: &str, mut at: usize) -> usize {
    let bytes = line.as_bytes();
    while at < bytes.len() && matches!(bytes[at], b' ' | b'\t' | b']' | b',' | b'|' | b'-' | b':') {
        at += 1;
    }
    at
}

fn most_voted<K: Copy + Ord>(votes: HashMap<K, usize>) -> Option<(K, usize)> {
    // Ties go to the earliest place, so the result does not depend on hashing.
    votes
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
}

/// `--time-format`: a strftime pattern found at the start of the line or of one of its
/// first words. Patterns without a year get the reference year through `clock`.
pub fn read_custom<'a>(pattern: &str, line: &'a str) -> Option<Header<'a>> {
    let mut words = Vec::with_capacity(HEADER_WORDS);
    header_words(line, 8, &mut words);
    for &(start, _) in &words {
        let (skip, rest) = strip_open(&line[start..]);
        if let Some((written, left)) = custom_at(pattern, rest) {
            let end = start + skip + (rest.len() - left.len());
            let mut header = Header {
                time: Some(written),
                body: skip_separators(line, end),
                ..Header::default()
            };
            let mut after = Vec::new();
            header_words(&line[header.body..], 1, &mut after);
            if let Some(&(s, e)) = after.first() {
                header.level = level_in_word(&line[header.body + s..header.body + e]);
            }
            return Some(header);
        }
    }
    None
}

fn custom_at<'a>(pattern: &str, text: &'a str) -> Option<(clock::Written, &'a str)> {
    use chrono::{DateTime, Datelike, NaiveDateTime, Timelike};
    if let Ok((dt, rest)) = DateTime::parse_and_remainder(text, pattern) {
        return Some((clock::Written::Epoch(dt.timestamp_micros()), rest));
    }
    let has_year = ["%Y", "%y", "%C", "%G", "%s", "%F", "%D", "%c", "%+"]
        .iter()
        .any(|p| pattern.contains(p));
    let (naive, left) = if has_year {
        let (naive, rest) = NaiveDateTime::parse_and_remainder(text, pattern).ok()?;
        (naive, rest.len())
    } else {
        // chrono wants a year; 2000 is a leap year, so `Feb 29` parses.
        let padded = format!("2000 {text}");
        let (naive, rest) =
            NaiveDateTime::parse_and_remainder(&padded, &format!("%Y {pattern}")).ok()?;
        (naive, rest.len())
    };
    Some((
        clock::Written::Civil(clock::Civil {
            year: has_year.then_some(naive.year()),
            month: naive.month(),
            day: naive.day(),
            hour: naive.hour(),
            minute: naive.minute(),
            second: naive.second(),
            micros: naive.nanosecond() / 1000,
            has_time: true,
            offset: None,
        }),
        &text[text.len() - left..],
    ))
}
