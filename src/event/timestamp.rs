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

#[cfg(test)]
mod tests {
    use super::*;

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
