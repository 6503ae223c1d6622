//! Severity levels, ordered so that `level:>=warn` can compare them.

use std::fmt;
use std::str::FromStr;

/// A log level. The derived order is the severity order the query language uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Level {
    Trace,
    Debug,
    #[default]
    Info,
    Warn,
    Error,
    Fatal,
}

impl Level {
    pub const ALL: [Level; 6] = [
        Level::Trace,
        Level::Debug,
        Level::Info,
        Level::Warn,
        Level::Error,
        Level::Fatal,
    ];

    /// The canonical lower-case name, as stored and as matched by `level:NAME`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Trace => "trace",
            Level::Debug => "debug",
            Level::Info => "info",
            Level::Warn => "warn",
            Level::Error => "error",
            Level::Fatal => "fatal",
        }
    }

    /// Position in the severity order, 0 for trace up to 5 for fatal.
    pub fn rank(self) -> u64 {
        self as u64
    }

    pub fn from_rank(rank: u64) -> Option<Level> {
        Level::ALL.get(usize::try_from(rank).ok()?).copied()
    }

    /// Reads the level words that real logs use (`WARNING`, `err`, `CRITICAL`, `panic`, ...),
    /// in any case. Returns `None` for anything else.
    pub fn from_word(word: &str) -> Option<Level> {
        if word.len() > 8 {
            return None;
        }
        let lower = word.to_ascii_lowercase();
        Some(match lower.as_str() {
            "trace" | "trc" => Level::Trace,
            "debug" | "dbg" => Level::Debug,
            "info" | "inf" | "information" | "notice" => Level::Info,
            "warn" | "warning" | "wrn" => Level::Warn,
            "error" | "err" | "erro" => Level::Error,
            "fatal" | "critical" | "crit" | "panic" | "emerg" | "alert" | "ftl" => Level::Fatal,
            _ => return None,
        })
    }
}

impl Level {
    /// Reads a word found where a format puts the level: besides `from_word`, the names of
    /// java.util.logging (`SEVERE`, `FINE`), Android (`VERBOSE`) and supercomputer RAS
    /// logs (`FAILURE`), which would be ordinary words in a message.
    pub fn from_header_word(word: &str) -> Option<Level> {
        if let Some(level) = Level::from_word(word) {
            return Some(level);
        }
        if word.len() > 13 {
            return None;
        }
        Some(match word.to_ascii_lowercase().as_str() {
            "severe" | "errors" => Level::Error,
            "failure" | "emergency" | "fatl" => Level::Fatal,
            "fine" | "config" => Level::Debug,
            "finer" | "finest" | "verbose" | "vrb" | "all" => Level::Trace,
            // PostgreSQL writes LOG and DEBUG1-5; MySQL [Note] and [System].
            "informational" | "inform" | "log" | "note" => Level::Info,
            "debug1" | "debug2" | "debug3" | "debug4" | "debug5" => Level::Debug,
            _ => return None,
        })
    }

    /// The one-letter levels of Android (`V D I W E F A`) and glog/klog (`I W E F`).
    pub fn from_letter(letter: u8) -> Option<Level> {
        Some(match letter {
            b'V' | b'T' => Level::Trace,
            b'D' => Level::Debug,
            b'I' | b'N' => Level::Info,
            b'W' => Level::Warn,
            b'E' => Level::Error,
            b'F' | b'A' | b'C' => Level::Fatal,
            _ => return None,
        })
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, thiserror::Error)]
#[error("unknown level '{0}' (expected one of trace, debug, info, warn, error, fatal)")]
pub struct UnknownLevel(pub String);

impl FromStr for Level {
    type Err = UnknownLevel;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Level::from_word(s).ok_or_else(|| UnknownLevel(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_is_severity() {
        assert!(Level::Trace < Level::Debug);
        assert!(Level::Warn < Level::Error);
        assert!(Level::Error < Level::Fatal);
        for l in Level::ALL {
            assert_eq!(Level::from_rank(l.rank()), Some(l));
            assert_eq!(l.as_str().parse::<Level>().ok(), Some(l));
        }
    }

    #[test]
    fn aliases() {
        assert_eq!(Level::from_word("WARNING"), Some(Level::Warn));
        assert_eq!(Level::from_word("Err"), Some(Level::Error));
        assert_eq!(Level::from_word("CRITICAL"), Some(Level::Fatal));
        assert_eq!(Level::from_word("verbose-ish"), None);
        assert_eq!(Level::from_header_word("SEVERE"), Some(Level::Error));
        assert_eq!(Level::from_header_word("FAILURE"), Some(Level::Fatal));
        assert_eq!(Level::from_header_word("Notice"), Some(Level::Info));
        assert_eq!(Level::from_word("severe"), None);
        assert_eq!(Level::from_letter(b'W'), Some(Level::Warn));
    }
}
