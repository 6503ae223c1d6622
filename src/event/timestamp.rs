//! UTC instants with microsecond precision and their RFC 3339 text form.

use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, Utc};
use std::fmt;

/// Microseconds since the Unix epoch, UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp(pub i64);

impl Timestamp {
    pub fn now() -> Timestamp {
        Timestamp(Utc::now().timestamp_micros())
    }

    pub fn micros(self) -> i64 {
        self.0
    }

    pub fn from_millis(ms: i64) -> Timestamp {
        Timestamp(ms.saturating_mul(1000))
    }

    /// Parses RFC 3339 (`2026-11-24T13:00:00.123Z`, any offset), a zone-less date-time taken
    /// as UTC (`2026-11-24T13:00:00`, `2026-11-24 13:00:00`), or a bare date (midnight UTC).
    pub fn parse(text: &str) -> Option<Timestamp> {
        let text = text.trim();
        if let Some(utc) = parse_utc_rfc3339(text.as_bytes()) {
            return Some(utc);
        }
        if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
            return Some(Timestamp(dt.with_timezone(&Utc).timestamp_micros()));
        }
        for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
            if let Ok(naive) = NaiveDateTime::parse_from_str(text, format) {
                return Some(Timestamp(naive.and_utc().timestamp_micros()));
            }
        }
        if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            return Some(Timestamp(
                date.and_hms_opt(0, 0, 0)?.and_utc().timestamp_micros(),
            ));
        }
        None
    }

    pub fn to_datetime(self) -> DateTime<Utc> {
        DateTime::from_timestamp_micros(self.0).unwrap_or_default()
    }

    /// RFC 3339 with milliseconds, or microseconds when the instant has them.
    pub fn to_rfc3339(self) -> String {
        let format = if self.0.rem_euclid(1000) == 0 {
            SecondsFormat::Millis
        } else {
            SecondsFormat::Micros
        };
        self.to_datetime().to_rfc3339_opts(format, true)
    }

    /// `2026-11-24 13:00:00.123`, the compact form the table output uses.
    pub fn to_display(self) -> String {
        self.to_datetime()
            .format("%Y-%m-%d %H:%M:%S%.3f")
            .to_string()
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

/// Formats timestamps quickly by reusing the date-and-seconds prefix while the second is
/// unchanged: consecutive log events almost always share it, and full formatting dominates
/// the cost of writing an event.
#[derive(Debug, Default)]
pub struct TimestampWriter {
    second: Option<i64>,
    prefix: String,
}

impl TimestampWriter {
    pub fn write(&mut self, ts: Timestamp, out: &mut Vec<u8>) {
        let second = ts.0.div_euclid(1_000_000);
        let sub = ts.0.rem_euclid(1_000_000);
        if self.second != Some(second) {
            self.second = Some(second);
            self.prefix = ts.to_datetime().format("%Y-%m-%dT%H:%M:%S").to_string();
        }
        out.extend_from_slice(self.prefix.as_bytes());
        out.push(b'.');
        if sub % 1000 == 0 {
            push_digits(out, (sub / 1000) as u32, 3);
        } else {
            push_digits(out, sub as u32, 6);
        }
        out.push(b'Z');
    }
}

fn push_digits(out: &mut Vec<u8>, mut value: u32, width: usize) {
    let start = out.len();
    out.resize(start + width, b'0');
    for slot in out[start..].iter_mut().rev() {
        *slot = b'0' + (value % 10) as u8;
        value /= 10;
    }
}

/// The form logagg itself writes, `2026-11-24T13:00:00.123456Z` (any number of fraction
/// digits, or none), read without chrono: every JSON event carries one, and parsing it was
/// a tenth of reading a line. Anything else (an offset, a leap second, a lowercase `t`,
/// a year past 9999) is `None`, and chrono decides.
fn parse_utc_rfc3339(text: &[u8]) -> Option<Timestamp> {
    let [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1, b'T', h0, h1, b':', n0, n1, b':', s0, s1, rest @ ..] =
        text
    else {
        return None;
    };
    let digits = |ds: &[u8]| -> Option<i64> {
        ds.iter().try_fold(0i64, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + i64::from(d - b'0'))
        })
    };
    let year = digits(&[*y0, *y1, *y2, *y3])?;
    let month = digits(&[*m0, *m1])?;
    let day = digits(&[*d0, *d1])?;
    let (hour, minute, second) = (
        digits(&[*h0, *h1])?,
        digits(&[*n0, *n1])?,
        digits(&[*s0, *s1])?,
    );
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    let (fraction, zone) = match rest {
        [b'.', more @ ..] => {
            let end = more.iter().position(|b| !b.is_ascii_digit())?;
            (&more[..end], &more[end..])
        }
        _ => (&rest[..0], rest),
    };
    if zone != b"Z" || (rest.first() == Some(&b'.') && fraction.is_empty()) {
        return None;
    }
    // Microseconds: the first six digits, the rest cut off (as chrono's micros are).
    let mut micros = 0;
    for i in 0..6 {
        micros = micros * 10 + fraction.get(i).map_or(0, |d| i64::from(d - b'0'));
    }
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second;
    Some(Timestamp(seconds * 1_000_000 + micros))
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (Howard Hinnant's
/// `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 5000, ..Default::default() })]

        /// The form read without chrono reads as chrono reads it, or is left to it.
        #[test]
        fn the_written_form_reads_as_chrono_reads_it(
            text in r"[0-9]{4}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-6][0-9]:[0-6][0-9](\.[0-9]{0,12})?(Z|z|\+01:00|)"
        ) {
            let by_chrono = DateTime::parse_from_rfc3339(&text)
                .ok()
                .map(|dt| Timestamp(dt.with_timezone(&Utc).timestamp_micros()));
            if let Some(fast) = parse_utc_rfc3339(text.as_bytes()) {
                proptest::prop_assert_eq!(Some(fast), by_chrono, "{}", text);
            }
            // Whatever the fast path leaves, `parse` still reads as before.
            if let Some(expected) = by_chrono {
                proptest::prop_assert_eq!(Timestamp::parse(&text), Some(expected), "{}", text);
            }
        }
    }

    #[test]
    fn the_written_form_is_read_without_chrono() {
        for text in [
            "2026-11-24T13:00:00.123456Z",
            "2024-02-29T00:00:00Z",
            "2000-02-29T12:00:00Z",
            "1969-12-31T23:59:59.999999Z",
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59.1234567Z",
        ] {
            let by_chrono = DateTime::parse_from_rfc3339(text)
                .unwrap()
                .with_timezone(&Utc)
                .timestamp_micros();
            assert_eq!(
                parse_utc_rfc3339(text.as_bytes()),
                Some(Timestamp(by_chrono))
            );
        }
        for left in [
            "2023-02-29T00:00:00Z",
            "1900-02-29T00:00:00Z",
            "2026-11-24T13:00:60Z",
            "2026-11-24T13:00:00.Z",
        ] {
            assert_eq!(parse_utc_rfc3339(left.as_bytes()), None, "{left}");
        }
    }

    #[test]
    fn parses_common_forms() {
        let t = Timestamp::parse("2026-11-24T13:00:00.123Z").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-24T13:00:00.123Z");
        assert_eq!(
            Timestamp::parse("2026-11-24T14:00:00+01:00").unwrap(),
            Timestamp::parse("2026-11-24T13:00:00Z").unwrap()
        );
        assert_eq!(
            Timestamp::parse("2026-11-24").unwrap(),
            Timestamp::parse("2026-11-24T00:00:00Z").unwrap()
        );
        assert!(Timestamp::parse("2026-13-40").is_none());
        assert!(Timestamp::parse("yesterday").is_none());
    }

    #[test]
    fn micro_precision_round_trips() {
        let t = Timestamp::parse("2026-11-24T13:00:00.123456Z").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-24T13:00:00.123456Z");
    }

    #[test]
    fn writer_matches_rfc3339() {
        let mut w = TimestampWriter::default();
        for micros in [0i64, 1_700_000_000_123_000, 1_700_000_000_123_456, -1_500] {
            let mut out = Vec::new();
            w.write(Timestamp(micros), &mut out);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                Timestamp(micros).to_rfc3339()
            );
        }
    }
}
