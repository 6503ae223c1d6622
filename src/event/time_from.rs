//! Where an event's time came from. An operator filters by time and reads the histogram;
//! an instant that was partly supplied (a year the line does not write, a date a
//! time-of-day-only line lacks) or not read at all (the time the line was received) is
//! said on the event and queryable as `time_from:NAME`, never passed off as the line's.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub enum TimeFrom {
    /// Every part of the instant was written in the line (or the JSON object).
    #[default]
    Line,
    /// Month, day and time from the line; the year from the file's modification time
    /// (or the time it was read, for a pipe).
    YearAssumed,
    /// The time of day from the line; the date from the file's modification time (or the
    /// time it was read).
    DateAssumed,
    /// The date from the line with no time of day: midnight is assumed.
    TimeAssumed,
    /// Nothing of the time was read from the line: the time logagg received it.
    Received,
}

impl TimeFrom {
    pub const ALL: [TimeFrom; 5] = [
        TimeFrom::Line,
        TimeFrom::YearAssumed,
        TimeFrom::DateAssumed,
        TimeFrom::TimeAssumed,
        TimeFrom::Received,
    ];

    /// The name stored, printed and matched by `time_from:NAME`.
    pub fn as_str(self) -> &'static str {
        match self {
            TimeFrom::Line => "line",
            TimeFrom::YearAssumed => "year_assumed",
            TimeFrom::DateAssumed => "date_assumed",
            TimeFrom::TimeAssumed => "time_assumed",
            TimeFrom::Received => "received",
        }
    }

    pub fn from_name(name: &str) -> Option<TimeFrom> {
        TimeFrom::ALL.into_iter().find(|t| t.as_str() == name)
    }

    /// The names, for error messages.
    pub fn names() -> String {
        TimeFrom::ALL.map(TimeFrom::as_str).join(", ")
    }

    /// A small number for the store's per-event flags (`Line` is 0, so events written
    /// before the flag existed read as they were taken then).
    pub fn code(self) -> u8 {
        self as u8
    }

    pub fn from_code(code: u8) -> TimeFrom {
        TimeFrom::ALL
            .get(usize::from(code))
            .copied()
            .unwrap_or(TimeFrom::Received)
    }

    /// Whether the whole instant was read from the line.
    pub fn is_exact(self) -> bool {
        self == TimeFrom::Line
    }
}

impl fmt::Display for TimeFrom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_codes_round_trip() {
        for t in TimeFrom::ALL {
            assert_eq!(TimeFrom::from_name(t.as_str()), Some(t));
            assert_eq!(TimeFrom::from_code(t.code()), t);
        }
        assert_eq!(TimeFrom::from_name("Line"), None);
        assert_eq!(TimeFrom::Line.code(), 0);
    }
}
