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
        // Most words of a message are not levels: those too short or too long to be one
        // are passed over before folding (this runs on up to twelve words of a line).
        if !(3..=11).contains(&word.len()) {
            return None;
        }
        let (folded, len) = fold_short::<11>(word)?;
        Some(match &folded[..len] {
            b"trace" | b"trc" => Level::Trace,
            b"debug" | b"dbg" => Level::Debug,
            b"info" | b"inf" | b"information" | b"notice" => Level::Info,
            b"warn" | b"warning" | b"wrn" => Level::Warn,
            b"error" | b"err" | b"erro" => Level::Error,
            b"fatal" | b"critical" | b"crit" | b"panic" | b"emerg" | b"alert" | b"ftl" => {
                Level::Fatal
            }
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
        let (folded, len) = fold_short::<13>(word)?;
        Some(match &folded[..len] {
            b"severe" | b"errors" => Level::Error,
            b"failure" | b"emergency" | b"fatl" => Level::Fatal,
            b"fine" | b"config" => Level::Debug,
            b"finer" | b"finest" | b"verbose" | b"vrb" | b"all" => Level::Trace,
            // PostgreSQL writes LOG and DEBUG1-5; MySQL [Note] and [System].
            b"informational" | b"inform" | b"log" | b"note" => Level::Info,
            b"debug1" | b"debug2" | b"debug3" | b"debug4" | b"debug5" => Level::Debug,
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

/// `word` in ASCII lower case, in a buffer on the stack, when it has at most `N` bytes
/// (every level word is short): level words are looked for in every word at the start of
/// every plain line, and lowering each into a new `String` was a tenth of shipping syslog.
fn fold_short<const N: usize>(word: &str) -> Option<([u8; N], usize)> {
    let bytes = word.as_bytes();
    if bytes.len() > N {
        return None;
    }
    let mut folded = [0u8; N];
    for (slot, byte) in folded.iter_mut().zip(bytes) {
        *slot = byte.to_ascii_lowercase();
    }
    Some((folded, bytes.len()))
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
        // Windows' event levels spell it out.
        assert_eq!(Level::from_word("Information"), Some(Level::Info));
        assert_eq!(Level::from_header_word("INFORMATIONAL"), Some(Level::Info));
        assert_eq!(Level::from_word("informations"), None);
        assert_eq!(Level::from_word("ÉRROR"), None);
        assert_eq!(Level::from_word(""), None);
    }
}
