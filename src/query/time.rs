//! Time values in queries and flags: RFC 3339 instants, `now`, `now-15m`, or (for
//! `--since`) a bare duration meaning that long ago.

use crate::event::Timestamp;
use std::time::Duration;

/// Parses `15m`, `2h`, `7d`, `1h30m`, `500ms` (humantime units).
pub fn parse_duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    if text.is_empty() || !text.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    humantime::parse_duration(text).ok()
}

/// Parses a point in time relative to `now`: `now`, `now-15m`, `now+1h`, or an absolute date.
pub fn parse_time(text: &str, now: Timestamp) -> Option<Timestamp> {
    if let Some(rest) = text.strip_prefix("now") {
        if rest.is_empty() {
            return Some(now);
        }
        let (sign, amount) = match rest.as_bytes()[0] {
            b'-' => (-1i64, &rest[1..]),
            b'+' => (1i64, &rest[1..]),
            _ => return None,
        };
        let micros = i64::try_from(parse_duration(amount)?.as_micros()).ok()?;
        return Some(Timestamp(
            now.micros().checked_add(sign.checked_mul(micros)?)?,
        ));
    }
    Timestamp::parse(text)
}

/// `--since`/`--until`: a duration ago (`15m`), a relative time (`now-1h`) or a date.
pub fn parse_instant_or_ago(text: &str, now: Timestamp) -> Option<Timestamp> {
    // `-5m` reads as it is meant: five minutes ago, like `5m`.
    let text = text
        .strip_prefix('-')
        .filter(|rest| parse_duration(rest).is_some())
        .unwrap_or(text);
    if let Some(ago) = parse_duration(text) {
        let micros = i64::try_from(ago.as_micros()).ok()?;
        return Some(Timestamp(now.micros().checked_sub(micros)?));
    }
    parse_time(text, now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_and_absolute() {
        let now = Timestamp::parse("2026-11-24T12:00:00Z").unwrap();
        assert_eq!(parse_time("now", now), Some(now));
        assert_eq!(
            parse_time("now-15m", now),
            Timestamp::parse("2026-11-24T11:45:00Z")
        );
        assert_eq!(
            parse_time("now+1d", now),
            Timestamp::parse("2026-11-25T12:00:00Z")
        );
        assert_eq!(
            parse_time("2026-01-01T00:00:00Z", now),
            Timestamp::parse("2026-01-01T00:00:00Z")
        );
        assert_eq!(parse_time("now*2", now), None);
        assert_eq!(parse_time("later", now), None);
        assert_eq!(
            parse_instant_or_ago("2h", now),
            Timestamp::parse("2026-11-24T10:00:00Z")
        );
        assert_eq!(
            parse_instant_or_ago("7d", now),
            Timestamp::parse("2026-11-17T12:00:00Z")
        );
        assert_eq!(
            parse_instant_or_ago("2026-11-24", now),
            Timestamp::parse("2026-11-24T00:00:00Z")
        );
        assert_eq!(parse_instant_or_ago("soon", now), None);
    }
}
