//! Recognising the date and time written at some place in a log line, in the forms real
//! programs write them, and turning it into an instant.
//!
//! Hand-written matchers rather than `strftime` patterns: each one looks at a few bytes
//! and gives up at the first that does not fit, so trying the line's known form costs tens
//! of nanoseconds, which is what keeps parsing above a million lines a second.

use crate::event::{TimeFrom, Timestamp};
use chrono::{Datelike, FixedOffset, Local, NaiveDate, NaiveDateTime, TimeZone, Utc};

/// The shape of a written time; a file's lines keep one, so detection learns it once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TimeKind {
    /// `2026-11-26T21:00:00.123Z`, `2026-11-26 21:00:00,123`, `2026/11/26 21:00:00`,
    /// `2005-06-03-15.42.50.675872`, or a date alone.
    YearFirst,
    /// `17/06/09 20:10:40` (two-digit year).
    ShortYear,
    /// `03-17 16:13:38.811`, `10.30 16:49:06`, `11/26/2026 21:00:00` (month first).
    MonthFirst,
    /// `081109 203615` (YYMMDD HHMMSS).
    Compact,
    /// `20171223-22:15:29:606`, `20261126 21:00:00`.
    DigitsDate,
    /// `Nov 26 21:00:00`, optionally followed by a year.
    MonthName,
    /// `Thu Nov 26 21:00:00[.123456] 2026`.
    Weekday,
    /// `26/Nov/2026:21:00:00 +0000`, `26-Nov-2026 21:00:00.123`, `26 Nov 2026 21:00:00`.
    DayFirst,
    /// `1700000000`, `1700000000.123`, `1700000000123` (seconds, ms, us or ns).
    Epoch,
    /// `21:00:00.123` with no date.
    TimeOnly,
    /// `@4000000068f1c2a41d0b7a3c` (TAI64N, written by daemontools' multilog and runit's
    /// svlogd).
    Tai64n,
}

impl TimeKind {
    /// How much a time of this kind says; detection prefers the one that says most.
    pub fn rank(self, civil: &Written) -> u8 {
        match (self, civil) {
            (TimeKind::Epoch, _) => 3,
            (TimeKind::TimeOnly, _) => 1,
            (_, Written::Civil(c)) if !c.has_time => 0,
            (_, Written::Civil(c)) if c.year.is_none() => 4,
            _ => 5,
        }
    }
}

/// A date and time as written, before a zone or a year is supplied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Civil {
    pub year: Option<i32>,
    /// Zero when the line has a time of day only.
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub micros: u32,
    pub has_time: bool,
    /// Seconds east of UTC, when the line says.
    pub offset: Option<i32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    Civil(Civil),
    /// Microseconds since the epoch.
    Epoch(i64),
}

impl Written {
    /// Which part of the instant the line does not write (and the clock supplies).
    pub fn supplied(&self) -> TimeFrom {
        match self {
            Written::Epoch(_) => TimeFrom::Line,
            Written::Civil(c) if c.month == 0 => TimeFrom::DateAssumed,
            Written::Civil(c) if c.year.is_none() => TimeFrom::YearAssumed,
            Written::Civil(c) if !c.has_time => TimeFrom::TimeAssumed,
            Written::Civil(_) => TimeFrom::Line,
        }
    }
}

/// A time found at the start of a slice: what it says and how many bytes it took.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    pub kind: TimeKind,
    pub written: Written,
    pub len: usize,
}

/// The zone of times written without one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Zone {
    #[default]
    Utc,
    Local,
    Fixed(i32),
}

impl Zone {
    /// `UTC`, `local`, or an offset such as `+02:00`, `-0530`, `+5`.
    pub fn parse(text: &str) -> Option<Zone> {
        let t = text.trim();
        if t.eq_ignore_ascii_case("utc") || t.eq_ignore_ascii_case("z") || t == "GMT" {
            return Some(Zone::Utc);
        }
        if t.eq_ignore_ascii_case("local") {
            return Some(Zone::Local);
        }
        if let Some(offset) = zone_abbreviation(t.as_bytes()) {
            return Some(Zone::Fixed(offset));
        }
        let (sign, rest) = match t.as_bytes().first()? {
            b'+' => (1, &t[1..]),
            b'-' => (-1, &t[1..]),
            _ => return None,
        };
        let (h, m) = match rest.split_once(':') {
            Some((h, m)) => (h, m),
            None if rest.len() == 4 => rest.split_at(2),
            None => (rest, "0"),
        };
        let h: i32 = h.parse().ok()?;
        let m: i32 = m.parse().ok()?;
        (h <= 23 && m <= 59).then_some(Zone::Fixed(sign * (h * 3600 + m * 60)))
    }
}

/// What turns a written time into an instant: the zone of zone-less times and the moment
/// that supplies a missing year or date (the file's modification time, or now).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    pub zone: Zone,
    pub reference: Timestamp,
}

impl Clock {
    pub fn resolve(&self, written: &Written) -> Option<Timestamp> {
        let civil = match written {
            Written::Epoch(micros) => return Some(Timestamp(*micros)),
            Written::Civil(c) => c,
        };
        let reference = self.reference.to_datetime();
        let (year, month, day) = if civil.month == 0 {
            (reference.year(), reference.month(), reference.day())
        } else {
            (
                civil.year.unwrap_or(reference.year()),
                civil.month,
                civil.day,
            )
        };
        let mut date = NaiveDate::from_ymd_opt(year, month, day);
        // A line written without a year in December, read from a file touched in January,
        // is from last year.
        if civil.year.is_none() && civil.month != 0 {
            if let Some(d) = date {
                if d > reference.date_naive() + chrono::Days::new(1) {
                    date = NaiveDate::from_ymd_opt(year - 1, month, day);
                }
            }
        }
        let mut naive =
            date?.and_hms_micro_opt(civil.hour, civil.minute, civil.second, civil.micros)?;
        // A time of day later than the moment that supplies the date was written the day
        // before (a file last touched at 01:00 holds lines of 23:00).
        if civil.month == 0 {
            let offset = civil.offset.unwrap_or(match self.zone {
                Zone::Utc => 0,
                Zone::Fixed(secs) => secs,
                Zone::Local => Local
                    .offset_from_utc_datetime(&reference.naive_utc())
                    .local_minus_utc(),
            });
            let now_there = reference.naive_utc() + chrono::Duration::seconds(offset.into());
            if naive > now_there + chrono::Duration::minutes(1) {
                naive = naive.checked_sub_days(chrono::Days::new(1))?;
            }
        }
        let utc = match civil.offset {
            Some(secs) => fixed(naive, secs)?,
            None => match self.zone {
                Zone::Utc => naive.and_utc(),
                Zone::Fixed(secs) => fixed(naive, secs)?,
                Zone::Local => Local
                    .from_local_datetime(&naive)
                    .earliest()?
                    .with_timezone(&Utc),
            },
        };
        Some(Timestamp(utc.timestamp_micros()))
    }
}

/// The last second a `Clock` resolved: the lines of a log come many to a second, and a
/// line of the same second as the one before is that instant plus its fraction (zones
/// change their offset on whole seconds), without the calendar arithmetic again.
#[derive(Debug, Clone, Copy, Default)]
pub struct LastSecond {
    /// The civil time with its fraction zeroed, the clock that resolved it, and the
    /// instant it resolved to.
    last: Option<(Civil, Clock, i64)>,
}

impl LastSecond {
    /// `clock.resolve(written)`, from the second resolved before when it is the same.
    pub fn resolve(&mut self, clock: &Clock, written: &Written) -> Option<Timestamp> {
        let &Written::Civil(civil) = written else {
            return clock.resolve(written);
        };
        // A fraction of a whole second or more is valid in a leap second only: the clock
        // decides.
        if civil.micros >= 1_000_000 {
            return clock.resolve(written);
        }
        let second = Civil { micros: 0, ..civil };
        if let Some((last, by, at)) = self.last {
            if last == second && by == *clock {
                return Some(Timestamp(at + i64::from(civil.micros)));
            }
        }
        let at = clock.resolve(&Written::Civil(second))?;
        self.last = Some((second, *clock, at.0));
        Some(Timestamp(at.0 + i64::from(civil.micros)))
    }
}

fn fixed(naive: NaiveDateTime, secs: i32) -> Option<chrono::DateTime<Utc>> {
    Some(
        FixedOffset::east_opt(secs)?
            .from_local_datetime(&naive)
            .single()?
            .with_timezone(&Utc),
    )
}

/// The time written at the very start of `s`, in any form this module knows.
pub fn find_any(s: &[u8]) -> Option<Found> {
    match s.first()? {
        b'0'..=b'9' => [
            TimeKind::YearFirst,
            TimeKind::DigitsDate,
            TimeKind::Epoch,
            TimeKind::Compact,
            TimeKind::ShortYear,
            TimeKind::MonthFirst,
            TimeKind::DayFirst,
            TimeKind::TimeOnly,
        ]
        .into_iter()
        .find_map(|kind| find(kind, s)),
        b'A'..=b'Z' | b'a'..=b'z' => {
            find(TimeKind::MonthName, s).or_else(|| find(TimeKind::Weekday, s))
        }
        b'@' => find(TimeKind::Tai64n, s),
        _ => None,
    }
}

/// The time of the given form at the start of `s`. The byte after it must not continue a
/// word or number, so `20261126x` or `2026-11-26abc` are not times.
pub fn find(kind: TimeKind, s: &[u8]) -> Option<Found> {
    let mut c = Cursor { s, at: 0 };
    let written = match kind {
        TimeKind::YearFirst => year_first(&mut c),
        TimeKind::ShortYear => short_year(&mut c),
        TimeKind::MonthFirst => month_first(&mut c),
        TimeKind::Compact => compact(&mut c),
        TimeKind::DigitsDate => digits_date(&mut c),
        TimeKind::MonthName => month_name_first(&mut c),
        TimeKind::Weekday => weekday(&mut c),
        TimeKind::DayFirst => day_first(&mut c),
        TimeKind::Epoch => epoch(&mut c),
        TimeKind::TimeOnly => time_only(&mut c),
        TimeKind::Tai64n => tai64n(&mut c),
    }?;
    if s.get(c.at).is_some_and(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    Some(Found {
        kind,
        written,
        len: c.at,
    })
}

struct Cursor<'a> {
    s: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.at).copied()
    }

    /// Exactly `n` digits.
    fn digits(&mut self, n: usize) -> Option<u32> {
        let bytes = self.s.get(self.at..self.at + n)?;
        let mut value = 0u32;
        for &b in bytes {
            if !b.is_ascii_digit() {
                return None;
            }
            value = value * 10 + u32::from(b - b'0');
        }
        self.at += n;
        Some(value)
    }

    /// One or two digits.
    fn digits_1_2(&mut self) -> Option<u32> {
        let first = self.digits(1)?;
        match self.peek() {
            Some(b) if b.is_ascii_digit() => {
                self.at += 1;
                Some(first * 10 + u32::from(b - b'0'))
            }
            _ => Some(first),
        }
    }

    fn byte(&mut self, allowed: &[u8]) -> Option<u8> {
        let b = self.peek().filter(|b| allowed.contains(b))?;
        self.at += 1;
        Some(b)
    }

    fn spaces(&mut self) -> usize {
        let start = self.at;
        while self.peek() == Some(b' ') {
            self.at += 1;
        }
        self.at - start
    }

    /// Tries `f`; on failure the cursor stays where it was.
    fn attempt<T>(&mut self, f: impl FnOnce(&mut Self) -> Option<T>) -> Option<T> {
        let saved = self.at;
        let out = f(self);
        if out.is_none() {
            self.at = saved;
        }
        out
    }
}

fn valid_date(month: u32, day: u32) -> bool {
    (1..=12).contains(&month) && (1..=31).contains(&day)
}

fn civil(year: Option<i32>, month: u32, day: u32) -> Civil {
    Civil {
        year,
        month,
        day,
        hour: 0,
        minute: 0,
        second: 0,
        micros: 0,
        has_time: false,
        offset: None,
    }
}

/// `HH:MM[:SS][(.|,|:)fraction]`, also `HH.MM.SS` when `dots` allows it. Some programs
/// write the fields without leading zeros (`1:2:35:789`): one digit is read as one.
fn time_of_day(c: &mut Cursor, date: &mut Civil, dots: bool) -> Option<()> {
    let hour = c.digits_1_2()?;
    let sep = c.byte(if dots { b":." } else { b":" })?;
    let minute = c.digits_1_2()?;
    let second = c
        .attempt(|c| {
            c.byte(&[sep])?;
            c.digits_1_2()
        })
        .unwrap_or(0);
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    date.hour = hour;
    date.minute = minute;
    date.second = second.min(59);
    date.has_time = true;
    if let Some(micros) = c.attempt(|c| {
        c.byte(b".,:")?;
        fraction(c)
    }) {
        date.micros = micros;
    }
    Some(())
}

/// Digits after the decimal point, as microseconds (more digits than six are cut).
fn fraction(c: &mut Cursor) -> Option<u32> {
    let start = c.at;
    let mut micros = 0u32;
    while let Some(b) = c.peek().filter(u8::is_ascii_digit) {
        let n = c.at - start;
        if n < 6 {
            micros = micros * 10 + u32::from(b - b'0');
        }
        c.at += 1;
    }
    let n = c.at - start;
    if n == 0 {
        return None;
    }
    for _ in n..6 {
        micros *= 10;
    }
    Some(micros)
}

/// `Z`, `+HH:MM`, `+HHMM`, `+HH`, optionally after one space, or ` UTC`/` GMT`.
fn zone(c: &mut Cursor, date: &mut Civil) {
    let parsed = c.attempt(|c| {
        let spaced = c.spaces();
        if spaced > 1 {
            return None;
        }
        match c.peek()? {
            b'Z' if spaced == 0 => {
                c.at += 1;
                Some(0)
            }
            b'A'..=b'Z' if spaced == 1 => {
                let start = c.at;
                let mut end = start;
                while c.s.get(end).is_some_and(u8::is_ascii_uppercase) {
                    end += 1;
                }
                if c.s.get(end).is_some_and(u8::is_ascii_alphanumeric) {
                    return None;
                }
                let offset = zone_abbreviation(&c.s[start..end])?;
                c.at = end;
                Some(offset)
            }
            b'+' | b'-' => {
                let sign = if c.peek()? == b'-' { -1 } else { 1 };
                c.at += 1;
                let h = c.digits(2)?;
                let m = c
                    .attempt(|c| {
                        c.byte(b":");
                        c.digits(2)
                    })
                    .unwrap_or(0);
                (h <= 23 && m <= 59).then_some(sign * (h as i32 * 3600 + m as i32 * 60))
            }
            _ => None,
        }
    });
    date.offset = parsed;
}

/// Zone abbreviations as logs write them after a time, with their offset in seconds east
/// of UTC. Where an abbreviation names more than one zone, the one that writes it in
/// logs most is taken (README, "Times"): CST is North American Central, IST India, AST
/// Atlantic, BST British Summer Time.
const ZONE_ABBREVIATIONS: &[(&str, i32)] = &[
    ("UTC", 0),
    ("GMT", 0),
    ("UT", 0),
    ("Z", 0),
    // North America
    ("EST", -5 * 3600),
    ("EDT", -4 * 3600),
    ("CST", -6 * 3600),
    ("CDT", -5 * 3600),
    ("MST", -7 * 3600),
    ("MDT", -6 * 3600),
    ("PST", -8 * 3600),
    ("PDT", -7 * 3600),
    ("AKST", -9 * 3600),
    ("AKDT", -8 * 3600),
    ("HST", -10 * 3600),
    ("AST", -4 * 3600),
    ("ADT", -3 * 3600),
    ("NST", -(3 * 3600 + 1800)),
    ("NDT", -(2 * 3600 + 1800)),
    // Europe
    ("WET", 0),
    ("WEST", 3600),
    ("BST", 3600),
    ("CET", 3600),
    ("CEST", 2 * 3600),
    ("MET", 3600),
    ("MEST", 2 * 3600),
    ("EET", 2 * 3600),
    ("EEST", 3 * 3600),
    ("MSK", 3 * 3600),
    // Asia
    ("IST", 5 * 3600 + 1800),
    ("PKT", 5 * 3600),
    ("ICT", 7 * 3600),
    ("WIB", 7 * 3600),
    ("SGT", 8 * 3600),
    ("HKT", 8 * 3600),
    ("PHT", 8 * 3600),
    ("JST", 9 * 3600),
    ("KST", 9 * 3600),
    // Australia and New Zealand
    ("AWST", 8 * 3600),
    ("ACST", 9 * 3600 + 1800),
    ("ACDT", 10 * 3600 + 1800),
    ("AEST", 10 * 3600),
    ("AEDT", 11 * 3600),
    ("NZST", 12 * 3600),
    ("NZDT", 13 * 3600),
];

/// The offset a zone abbreviation names.
pub fn zone_abbreviation(word: &[u8]) -> Option<i32> {
    // Most words after a time are levels (`INFO`, `ERROR`): those that cannot be a zone
    // are told apart before the table is searched.
    if !(1..=4).contains(&word.len()) || matches!(word, b"INFO" | b"WARN" | b"FINE") {
        return None;
    }
    ZONE_ABBREVIATIONS
        .iter()
        .find(|(name, _)| name.as_bytes() == word)
        .map(|&(_, offset)| offset)
}

/// `YYYY-MM-DD`, `YYYY/MM/DD`, `YYYY.MM.DD`, then optionally a time after `T`, a space,
/// `-` or `_`, then optionally a zone.
fn year_first(c: &mut Cursor) -> Option<Written> {
    let year = c.digits(4)? as i32;
    let sep = c.byte(b"-/.")?;
    let month = c.digits_1_2()?;
    c.byte(&[sep])?;
    let day = c.digits_1_2()?;
    if !valid_date(month, day) {
        return None;
    }
    let mut date = civil(Some(year), month, day);
    c.attempt(|c| {
        let joint = c.byte(b"T -_")?;
        if joint == b' ' {
            // apt's history log: `Start-Date: 2025-06-24  14:42:05`.
            c.spaces();
        }
        // `2005-06-03-15.42.50.675872` (BGL) writes its time with dots.
        time_of_day(c, &mut date, joint == b'-')
    });
    if date.has_time {
        zone(c, &mut date);
    }
    Some(Written::Civil(date))
}

/// `YY/MM/DD HH:MM:SS` (Spark and Hadoop's default log4j layout).
fn short_year(c: &mut Cursor) -> Option<Written> {
    let year = 2000 + c.digits(2)? as i32;
    c.byte(b"/")?;
    let month = c.digits(2)?;
    c.byte(b"/")?;
    let day = c.digits(2)?;
    if !valid_date(month, day) {
        return None;
    }
    let mut date = civil(Some(year), month, day);
    c.byte(b" ")?;
    time_of_day(c, &mut date, false)?;
    zone(c, &mut date);
    Some(Written::Civil(date))
}

/// `MM-DD HH:MM:SS.mmm` (logcat), `MM.DD HH:MM:SS`, `MM/DD HH:MM:SS`, `MM/DD/YYYY HH:MM:SS`.
fn month_first(c: &mut Cursor) -> Option<Written> {
    let month = c.digits(2)?;
    let sep = c.byte(b"-./")?;
    let day = c.digits(2)?;
    let year = if sep == b'/' {
        c.attempt(|c| {
            c.byte(b"/")?;
            c.digits(4)
        })
        .map(|y| y as i32)
    } else {
        None
    };
    if !valid_date(month, day) {
        return None;
    }
    let mut date = civil(year, month, day);
    c.byte(b" ")?;
    c.spaces();
    time_of_day(c, &mut date, false)?;
    zone(c, &mut date);
    Some(Written::Civil(date))
}

/// `YYMMDD HHMMSS` (Hadoop HDFS).
fn compact(c: &mut Cursor) -> Option<Written> {
    let year = 2000 + c.digits(2)? as i32;
    let month = c.digits(2)?;
    let day = c.digits(2)?;
    c.byte(b" ")?;
    let hour = c.digits(2)?;
    let minute = c.digits(2)?;
    let second = c.digits(2)?;
    if !valid_date(month, day) || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let mut date = civil(Some(year), month, day);
    date.hour = hour;
    date.minute = minute;
    date.second = second;
    date.has_time = true;
    Some(Written::Civil(date))
}

/// `YYYYMMDD-HH:MM:SS:mmm`, `YYYYMMDD HH:MM:SS`, `YYYYMMDDTHHMMSS`.
fn digits_date(c: &mut Cursor) -> Option<Written> {
    let year = c.digits(4)? as i32;
    let month = c.digits(2)?;
    let day = c.digits(2)?;
    if !valid_date(month, day) || !(1970..=2100).contains(&year) {
        return None;
    }
    let mut date = civil(Some(year), month, day);
    c.byte(b"-T ")?;
    if c.attempt(|c| time_of_day(c, &mut date, false)).is_none() {
        let hour = c.digits(2)?;
        let minute = c.digits(2)?;
        let second = c.digits(2)?;
        if hour > 23 || minute > 59 || second > 59 {
            return None;
        }
        date.hour = hour;
        date.minute = minute;
        date.second = second;
        date.has_time = true;
    }
    zone(c, &mut date);
    Some(Written::Civil(date))
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];
const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// A month or weekday by its three-letter or full English name, in any case.
fn name3(c: &mut Cursor, names: &[&str]) -> Option<u32> {
    let word = c.s.get(c.at..c.at + 3)?;
    let index = names
        .iter()
        .position(|name| word.eq_ignore_ascii_case(&name.as_bytes()[..3]))?;
    let mut end = c.at + 3;
    while c.s.get(end).is_some_and(|b| b.is_ascii_alphabetic()) {
        end += 1;
    }
    let full = &c.s[c.at..end];
    if full.len() > 3 && !full.eq_ignore_ascii_case(names[index].as_bytes()) {
        return None;
    }
    c.at = end;
    Some(index as u32 + 1)
}

/// Month names and abbreviations besides English's, as the C library of each locale
/// writes them in `%b` and `%B` (lower case; a trailing dot is allowed): French, German,
/// Spanish, Italian, Portuguese and Dutch.
const LOCAL_MONTHS: &[(&str, u32)] = &[
    // French
    ("janv", 1),
    ("janvier", 1),
    ("févr", 2),
    ("février", 2),
    ("mars", 3),
    ("avr", 4),
    ("avril", 4),
    ("mai", 5),
    ("juin", 6),
    ("juil", 7),
    ("juillet", 7),
    ("août", 8),
    ("sept", 9),
    ("septembre", 9),
    ("octobre", 10),
    ("novembre", 11),
    ("déc", 12),
    ("décembre", 12),
    // German
    ("januar", 1),
    ("februar", 2),
    ("mär", 3),
    ("mrz", 3),
    ("märz", 3),
    ("juni", 6),
    ("juli", 7),
    ("okt", 10),
    ("oktober", 10),
    ("dez", 12),
    ("dezember", 12),
    // Spanish
    ("ene", 1),
    ("enero", 1),
    ("febrero", 2),
    ("marzo", 3),
    ("abr", 4),
    ("abril", 4),
    ("mayo", 5),
    ("junio", 6),
    ("julio", 7),
    ("ago", 8),
    ("agosto", 8),
    ("septiembre", 9),
    ("octubre", 10),
    ("noviembre", 11),
    ("dic", 12),
    ("diciembre", 12),
    // Italian
    ("gen", 1),
    ("gennaio", 1),
    ("febbraio", 2),
    ("aprile", 4),
    ("mag", 5),
    ("maggio", 5),
    ("giu", 6),
    ("giugno", 6),
    ("lug", 7),
    ("luglio", 7),
    ("set", 9),
    ("settembre", 9),
    ("ott", 10),
    ("ottobre", 10),
    ("dicembre", 12),
    // Portuguese
    ("janeiro", 1),
    ("fev", 2),
    ("fevereiro", 2),
    ("março", 3),
    ("maio", 5),
    ("junho", 6),
    ("julho", 7),
    ("setembro", 9),
    ("out", 10),
    ("outubro", 10),
    ("dez", 12),
    ("dezembro", 12),
    // Dutch
    ("januari", 1),
    ("februari", 2),
    ("mrt", 3),
    ("maart", 3),
    ("mei", 5),
    ("augustus", 8),
];

/// A month by its English name (three letters or whole) or by a name of `LOCAL_MONTHS`,
/// in any ASCII case, with an optional trailing dot after a local abbreviation.
fn month_name(c: &mut Cursor) -> Option<u32> {
    if let Some(month) = c.attempt(|c| name3(c, &MONTHS)) {
        return Some(month);
    }
    let start = c.at;
    let mut end = start;
    // Letters: ASCII ones and the bytes of accented ones (é, û, ä, ç).
    while c
        .s
        .get(end)
        .is_some_and(|b| b.is_ascii_alphabetic() || *b >= 0x80)
    {
        end += 1;
    }
    let word = &c.s[start..end];
    let month = LOCAL_MONTHS
        .iter()
        .find(|(name, _)| name.as_bytes().eq_ignore_ascii_case(word))
        .map(|&(_, month)| month)?;
    c.at = end;
    if c.peek() == Some(b'.') {
        c.at += 1;
    }
    Some(month)
}

/// `Nov 26 21:00:00`, `Nov  6 21:00:00.123`, optionally followed by ` 2026`; also with
/// the month named in another language (`août 19 11:08:37`).
fn month_name_first(c: &mut Cursor) -> Option<Written> {
    let month = month_name(c)?;
    c.byte(b" ")?;
    c.spaces();
    let day = c.digits_1_2()?;
    let mut date = civil(None, month, day);
    if !valid_date(month, day) {
        return None;
    }
    c.byte(b" ")?;
    if let Some(year) = c.attempt(|c| {
        let y = c.digits(4)?;
        c.byte(b" ")?;
        Some(y)
    }) {
        date.year = Some(year as i32);
    }
    time_of_day(c, &mut date, false)?;
    if date.year.is_none() {
        date.year = c
            .attempt(|c| {
                c.byte(b" ")?;
                let y = c.digits(4)?;
                (c.peek() != Some(b':')).then_some(y as i32)
            })
            .or(date.year);
    }
    zone(c, &mut date);
    Some(Written::Civil(date))
}

/// `Thu Nov 26 21:00:00[.123456] 2026` (C's `ctime`, Apache's error log).
fn weekday(c: &mut Cursor) -> Option<Written> {
    name3(c, &WEEKDAYS)?;
    c.byte(b" ,")?;
    c.spaces();
    if c.peek().is_some_and(|b| b.is_ascii_digit()) {
        // `Thu, 26 Nov 2026 21:00:00 GMT` (RFC 1123).
        return day_first(c);
    }
    month_name_first(c)
}

/// `26/Nov/2026:21:00:00 +0000`, `26-Nov-2026 21:00:00.123`, `26 Nov 2026 21:00:00,123`,
/// and without a year `30 May 12:50:13.463` (redis).
fn day_first(c: &mut Cursor) -> Option<Written> {
    let day = c.digits_1_2()?;
    let sep = c.byte(b"/- ")?;
    let month = month_name(c)?;
    c.byte(&[sep])?;
    let year = c.attempt(|c| {
        let year = c.digits(4)? as i32;
        c.byte(b": ")?;
        Some(year)
    });
    if !valid_date(month, day) || (year.is_none() && sep != b' ') {
        return None;
    }
    let mut date = civil(year, month, day);
    time_of_day(c, &mut date, false)?;
    zone(c, &mut date);
    Some(Written::Civil(date))
}

/// Seconds (10 digits, optionally with a fraction), milliseconds (13), microseconds (16)
/// or nanoseconds (19) since 1990-2100.
fn epoch(c: &mut Cursor) -> Option<Written> {
    let start = c.at;
    while c.peek().is_some_and(|b| b.is_ascii_digit()) {
        c.at += 1;
    }
    let digits = std::str::from_utf8(&c.s[start..c.at]).ok()?;
    let value: i64 = digits.parse().ok()?;
    let micros = match digits.len() {
        10 => {
            let frac = c
                .attempt(|c| {
                    c.byte(b".")?;
                    fraction(c)
                })
                .unwrap_or(0);
            value * 1_000_000 + i64::from(frac)
        }
        13 => value * 1000,
        16 => value,
        19 => value / 1000,
        _ => return None,
    };
    let secs = micros / 1_000_000;
    (631_152_000..4_102_444_800)
        .contains(&secs)
        .then_some(Written::Epoch(micros))
}

/// `@` and 24 hex digits: a TAI64 label (2^62 plus the seconds since 1970 in TAI, which
/// daemontools counts as UTC plus ten seconds) and nanoseconds.
fn tai64n(c: &mut Cursor) -> Option<Written> {
    c.byte(b"@")?;
    let hex = c.s.get(c.at..c.at + 24)?;
    if !hex.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    let text = std::str::from_utf8(hex).ok()?;
    let label = u64::from_str_radix(&text[..16], 16).ok()?;
    let nanos = u32::from_str_radix(&text[16..], 16).ok()?;
    let seconds = i64::try_from(label.checked_sub(1 << 62)?).ok()? - 10;
    if nanos >= 1_000_000_000 || !(631_152_000..4_102_444_800).contains(&seconds) {
        return None;
    }
    c.at += 24;
    Some(Written::Epoch(
        seconds * 1_000_000 + i64::from(nanos / 1000),
    ))
}

/// `21:00:00.123` with no date: the date is the reference's.
fn time_only(c: &mut Cursor) -> Option<Written> {
    let mut date = civil(None, 0, 0);
    time_of_day(c, &mut date, false)?;
    // `21:00` alone is too easily something else.
    if c.s.get(5) != Some(&b':') {
        return None;
    }
    zone(c, &mut date);
    Some(Written::Civil(date))
}

/// Whether a time that `find_any` would return could start at `s`: cheap enough to call at
/// every token while detecting.
pub fn may_start(s: &[u8]) -> bool {
    s.first()
        .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'@')
}

#[cfg(test)]
pub(crate) fn utc(text: &str) -> Timestamp {
    Timestamp::parse(text).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn civil() -> impl Strategy<Value = Civil> {
        (
            proptest::option::of(1990..2040i32),
            0..14u32,
            0..33u32,
            0..25u32,
            0..3u32,
            0..3u32,
            prop_oneof![Just(0u32), 0..1_000_000u32, 1_000_000..2_000_000u32],
            proptest::option::of(prop_oneof![
                Just(0),
                Just(3600),
                Just(-19_800),
                Just(86_400)
            ]),
        )
            .prop_map(
                |(year, month, day, hour, minute, second, micros, offset)| Civil {
                    year,
                    month,
                    day,
                    hour,
                    minute,
                    second,
                    micros,
                    has_time: true,
                    offset,
                },
            )
    }

    proptest! {
        /// Lines of one second (and of others, invalid ones, times without a date, in any
        /// order) get from the memo what the clock says.
        #[test]
        fn the_last_second_resolves_as_the_clock_does(
            pool in proptest::collection::vec(civil(), 1..4),
            picks in proptest::collection::vec((0..4usize, 0..3u32, any::<bool>()), 1..40),
        ) {
            let mut memo = LastSecond::default();
            // Times drawn again and again from a few, with other fractions: many lines of
            // one second, as logs have.
            for (pick, fraction, fixed) in picks {
                let mut civil = pool[pick % pool.len()];
                if civil.micros < 1_000_000 {
                    civil.micros = fraction * 250_000;
                }
                // The clock may change between lines (a zone given later).
                let clock = Clock {
                    zone: if fixed { Zone::Fixed(7_200) } else { Zone::Utc },
                    reference: utc("2026-01-02T00:30:00Z"),
                };
                let written = Written::Civil(civil);
                prop_assert_eq!(memo.resolve(&clock, &written), clock.resolve(&written));
            }
            let clock = Clock { zone: Zone::Utc, reference: utc("2026-01-02T00:30:00Z") };
            let epoch = Written::Epoch(1_700_000_000_123_456);
            prop_assert_eq!(memo.resolve(&clock, &epoch), clock.resolve(&epoch));
        }
    }

    fn at(text: &str) -> Option<(TimeKind, Timestamp)> {
        let clock = Clock {
            zone: Zone::Utc,
            reference: utc("2026-11-26T12:00:00Z"),
        };
        let found = find_any(text.as_bytes())?;
        Some((found.kind, clock.resolve(&found.written)?))
    }

    #[test]
    fn forms_real_programs_write() {
        let cases = [
            ("2026-11-26T21:00:00.123Z x", "2026-11-26T21:00:00.123Z"),
            ("2026-11-26T23:00:00+02:00", "2026-11-26T21:00:00Z"),
            ("2016-09-28 04:30:30, Info", "2016-09-28T04:30:30Z"),
            ("2015-10-18 18:01:47,978 INFO", "2015-10-18T18:01:47.978Z"),
            ("2026/11/26 21:00:00 [error]", "2026-11-26T21:00:00Z"),
            (
                "2005-06-03-15.42.50.675872 R02",
                "2005-06-03T15:42:50.675872Z",
            ),
            ("2005.06.03 R02", "2005-06-03T00:00:00Z"),
            ("17/06/09 20:10:40 INFO", "2017-06-09T20:10:40Z"),
            ("03-17 16:13:38.811  1702", "2026-03-17T16:13:38.811Z"),
            ("10.30 16:49:06] chrome", "2026-10-30T16:49:06Z"),
            ("081109 203615 148 INFO", "2008-11-09T20:36:15Z"),
            ("20171223-22:15:29:606|Step", "2017-12-23T22:15:29.606Z"),
            ("Jun 14 15:16:01 combo", "2026-06-14T15:16:01Z"),
            ("Jul  1 09:00:55 calvisitor", "2026-07-01T09:00:55Z"),
            ("Sun Dec 04 04:47:44 2005] [notice]", "2005-12-04T04:47:44Z"),
            (
                "Fri Sep 09 10:42:29.902022 2011]",
                "2011-09-09T10:42:29.902022Z",
            ),
            ("26/Nov/2026:21:00:00 +0100] \"GET", "2026-11-26T20:00:00Z"),
            ("26-Nov-2026 21:00:00.123 INFO", "2026-11-26T21:00:00.123Z"),
            ("1117838570 2005.06.03", "2005-06-03T22:42:50Z"),
            ("1700000000123 x", "2023-11-14T22:13:20.123Z"),
            ("1700000000.5 x", "2023-11-14T22:13:20.500Z"),
            ("21:00:00.250 [main]", "2026-11-25T21:00:00.250Z"),
            ("11:00:00.250 [main]", "2026-11-26T11:00:00.250Z"),
            (
                "2016-10-06T00:17:09.669794202Z stdout",
                "2016-10-06T00:17:09.669794Z",
            ),
            ("11/26/2026 21:00:00 x", "2026-11-26T21:00:00Z"),
            ("Nov 26 2026 21:00:00 x", "2026-11-26T21:00:00Z"),
            // Fields without leading zeros, milliseconds after a colon (HealthApp).
            ("20171224-1:2:35:789|Step", "2017-12-24T01:02:35.789Z"),
            ("20171223-23:46:7:467|Step", "2017-12-23T23:46:07.467Z"),
            ("2026-11-26 9:05:03 x", "2026-11-26T09:05:03Z"),
            // Zone abbreviations.
            ("2017-07-31 13:36:42.585 CEST x", "2017-07-31T11:36:42.585Z"),
            ("2017-07-31 13:36:42 PDT x", "2017-07-31T20:36:42Z"),
            ("2017-07-31 13:36:42 GMT x", "2017-07-31T13:36:42Z"),
            ("Thu Nov 26 21:00:00 EST 2026", "2026-11-27T02:00:00Z"),
            ("2026-11-26 21:00:00 AEDT", "2026-11-26T10:00:00Z"),
            ("2026-11-26 21:00:00 IST", "2026-11-26T15:30:00Z"),
            // Month names of other languages.
            ("août 19 11:08:37 host", "2026-08-19T11:08:37Z"),
            ("déc. 1 01:00:00 host", "2025-12-01T01:00:00Z"),
            ("Mär 3 10:00:00 host", "2026-03-03T10:00:00Z"),
            ("okt 3 10:00:00 host", "2026-10-03T10:00:00Z"),
            ("19 août 2026 11:08:37 x", "2026-08-19T11:08:37Z"),
            ("3 mei 2026 10:00:00 x", "2026-05-03T10:00:00Z"),
            // Day before month, no year (redis).
            ("30 May 12:50:13.463 # x", "2026-05-30T12:50:13.463Z"),
            // apt's history: two spaces between date and time.
            ("2025-06-24  14:42:05", "2025-06-24T14:42:05Z"),
            // TAI64N (daemontools, runit).
            ("@400000006553f10a1dcd6500 x", "2023-11-14T22:13:20.500Z"),
        ];
        for (line, expected) in cases {
            let (_, ts) = at(line).unwrap_or_else(|| panic!("no time found in {line:?}"));
            assert_eq!(ts, utc(expected), "{line}");
        }
    }

    #[test]
    fn not_times() {
        for line in [
            "12345 apples",
            "2026-13-01 x",
            "Novelty 26 21:00:00",
            "20261126x",
            "1.2.3.4 - -",
            "404 not found",
            "12:30 meeting",
            "ago 5 minutes",
            "@4000zz",
        ] {
            assert_eq!(at(line), None, "{line}");
        }
    }

    #[test]
    fn a_word_after_the_time_is_a_zone_only_when_it_names_one() {
        let line = b"2026-11-26 21:00:00 INFO x";
        assert_eq!(find_any(line).map(|f| f.len), Some(19));
        let line = b"2026-11-26 21:00:00 CESTX x";
        assert_eq!(find_any(line).map(|f| f.len), Some(19));
        let line = b"2026-11-26 21:00:00 CEST x";
        assert_eq!(find_any(line).map(|f| f.len), Some(24));
    }

    #[test]
    fn missing_year_never_lands_in_the_future() {
        let clock = Clock {
            zone: Zone::Utc,
            reference: utc("2026-01-02T00:00:00Z"),
        };
        let found = find_any(b"Dec 31 23:59:59 host").unwrap();
        assert_eq!(
            clock.resolve(&found.written),
            Some(utc("2025-12-31T23:59:59Z"))
        );
    }

    #[test]
    fn zones() {
        assert_eq!(Zone::parse("+02:00"), Some(Zone::Fixed(7200)));
        assert_eq!(Zone::parse("-0530"), Some(Zone::Fixed(-19800)));
        assert_eq!(Zone::parse("UTC"), Some(Zone::Utc));
        assert_eq!(Zone::parse("Mars/Olympus"), None);
        let clock = Clock {
            zone: Zone::Fixed(3600),
            reference: utc("2026-11-26T12:00:00Z"),
        };
        let found = find_any(b"2026-11-26 21:00:00 x").unwrap();
        assert_eq!(
            clock.resolve(&found.written),
            Some(utc("2026-11-26T20:00:00Z"))
        );
        let zoned = find_any(b"2026-11-26 21:00:00Z x").unwrap();
        assert_eq!(
            clock.resolve(&zoned.written),
            Some(utc("2026-11-26T21:00:00Z"))
        );
    }
}
