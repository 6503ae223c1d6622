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
        Level::from_word_bytes(word.as_bytes())
    }

    /// `from_word` of a word's bytes.
    pub fn from_word_bytes(bytes: &[u8]) -> Option<Level> {
        // This runs on up to twelve words of every plain line, and most are not levels:
        // a word is compared as one number (its bytes in ASCII lower case), not byte by
        // byte against each name.
        let packed = match bytes.len() {
            3..=8 => folded_u64(bytes),
            11 => return spelled(bytes, b"information", Level::Info),
            _ => return None,
        };
        Some(match packed {
            TRACE | TRC => Level::Trace,
            DEBUG | DBG => Level::Debug,
            INFO | INF | NOTICE => Level::Info,
            WARN | WARNING | WRN => Level::Warn,
            ERROR | ERR | ERRO => Level::Error,
            FATAL | CRITICAL | CRIT | PANIC | EMERG | ALERT | FTL => Level::Fatal,
            _ => return None,
        })
    }
}

/// `level` when `bytes` spell `word` in any case (a level word longer than eight bytes).
fn spelled(bytes: &[u8], word: &[u8], level: Level) -> Option<Level> {
    bytes.eq_ignore_ascii_case(word).then_some(level)
}

/// A word of at most eight bytes as one number, byte `i` in bits `8i..8i+8`.
const fn packed_u64(word: &[u8]) -> u64 {
    let mut packed = 0u64;
    let mut i = 0;
    while i < word.len() {
        packed |= (word[i] as u64) << (8 * i);
        i += 1;
    }
    packed
}

/// `packed_u64` of `word` with ASCII letters in lower case. Setting bit 5 of every byte
/// lowers letters and turns no other byte into a letter, so a word equals a lower-case
/// name exactly when the name's letters match it in any case.
fn folded_u64(word: &[u8]) -> u64 {
    word.iter().enumerate().fold(0, |packed, (i, &b)| {
        packed | (u64::from(b | 0x20) << (8 * i))
    })
}

const TRACE: u64 = packed_u64(b"trace");
const TRC: u64 = packed_u64(b"trc");
const DEBUG: u64 = packed_u64(b"debug");
const DBG: u64 = packed_u64(b"dbg");
const INFO: u64 = packed_u64(b"info");
const INF: u64 = packed_u64(b"inf");
const NOTICE: u64 = packed_u64(b"notice");
const WARN: u64 = packed_u64(b"warn");
const WARNING: u64 = packed_u64(b"warning");
const WRN: u64 = packed_u64(b"wrn");
const ERROR: u64 = packed_u64(b"error");
const ERR: u64 = packed_u64(b"err");
const ERRO: u64 = packed_u64(b"erro");
const FATAL: u64 = packed_u64(b"fatal");
const CRITICAL: u64 = packed_u64(b"critical");
const CRIT: u64 = packed_u64(b"crit");
const PANIC: u64 = packed_u64(b"panic");
const EMERG: u64 = packed_u64(b"emerg");
const ALERT: u64 = packed_u64(b"alert");
const FTL: u64 = packed_u64(b"ftl");
const SEVERE: u64 = packed_u64(b"severe");
const ERRORS: u64 = packed_u64(b"errors");
const FAILURE: u64 = packed_u64(b"failure");
const FATL: u64 = packed_u64(b"fatl");
const FINE: u64 = packed_u64(b"fine");
const CONFIG: u64 = packed_u64(b"config");
const FINER: u64 = packed_u64(b"finer");
const FINEST: u64 = packed_u64(b"finest");
const VERBOSE: u64 = packed_u64(b"verbose");
const VRB: u64 = packed_u64(b"vrb");
const ALL: u64 = packed_u64(b"all");
const INFORM: u64 = packed_u64(b"inform");
const LOG: u64 = packed_u64(b"log");
const NOTE: u64 = packed_u64(b"note");

impl Level {
    /// Reads a word found where a format puts the level: besides `from_word`, the names of
    /// java.util.logging (`SEVERE`, `FINE`), Android (`VERBOSE`) and supercomputer RAS
    /// logs (`FAILURE`), which would be ordinary words in a message.
    pub fn from_header_word(word: &str) -> Option<Level> {
        if let Some(level) = Level::from_word(word) {
            return Some(level);
        }
        let bytes = word.as_bytes();
        let packed = match bytes.len() {
            // PostgreSQL writes DEBUG1-5 (digits are not folded: a control character
            // would fold onto one).
            6 if bytes[..5].eq_ignore_ascii_case(b"debug") && (b'1'..=b'5').contains(&bytes[5]) => {
                return Some(Level::Debug)
            }
            3..=8 => folded_u64(bytes),
            9 => return spelled(bytes, b"emergency", Level::Fatal),
            13 => return spelled(bytes, b"informational", Level::Info),
            _ => return None,
        };
        Some(match packed {
            SEVERE | ERRORS => Level::Error,
            FAILURE | FATL => Level::Fatal,
            FINE | CONFIG => Level::Debug,
            FINER | FINEST | VERBOSE | VRB | ALL => Level::Trace,
            // PostgreSQL writes LOG; MySQL [Note].
            INFORM | LOG | NOTE => Level::Info,
            _ => return None,
        })
    }

    /// The one-letter levels of Android (`V D I W E F A`) and glog/klog (`I W E F`).
    /// A syslog severity (0 emergency .. 7 debug), as journald's `PRIORITY` and a PRI
    /// value's low bits give it.
    pub fn from_syslog_severity(severity: u32) -> Level {
        match severity {
            0..=2 => Level::Fatal,
            3 => Level::Error,
            4 => Level::Warn,
            5 | 6 => Level::Info,
            _ => Level::Debug,
        }
    }

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
        // Windows' event levels spell it out.
        assert_eq!(Level::from_word("Information"), Some(Level::Info));
        assert_eq!(Level::from_header_word("INFORMATIONAL"), Some(Level::Info));
        assert_eq!(Level::from_word("informations"), None);
        assert_eq!(Level::from_word("ÉRROR"), None);
        assert_eq!(Level::from_word(""), None);
    }

    /// The level words, as `from_word` must read them in any case.
    const NAMES: [(&str, Level); 21] = [
        ("trace", Level::Trace),
        ("trc", Level::Trace),
        ("debug", Level::Debug),
        ("dbg", Level::Debug),
        ("info", Level::Info),
        ("inf", Level::Info),
        ("information", Level::Info),
        ("notice", Level::Info),
        ("warn", Level::Warn),
        ("warning", Level::Warn),
        ("wrn", Level::Warn),
        ("error", Level::Error),
        ("err", Level::Error),
        ("erro", Level::Error),
        ("fatal", Level::Fatal),
        ("critical", Level::Fatal),
        ("crit", Level::Fatal),
        ("panic", Level::Fatal),
        ("emerg", Level::Fatal),
        ("alert", Level::Fatal),
        ("ftl", Level::Fatal),
    ];

    /// The words only `from_header_word` reads, besides `NAMES`.
    const HEADER_NAMES: [(&str, Level); 21] = [
        ("severe", Level::Error),
        ("errors", Level::Error),
        ("failure", Level::Fatal),
        ("emergency", Level::Fatal),
        ("fatl", Level::Fatal),
        ("fine", Level::Debug),
        ("config", Level::Debug),
        ("finer", Level::Trace),
        ("finest", Level::Trace),
        ("verbose", Level::Trace),
        ("vrb", Level::Trace),
        ("all", Level::Trace),
        ("informational", Level::Info),
        ("inform", Level::Info),
        ("log", Level::Info),
        ("note", Level::Info),
        ("debug1", Level::Debug),
        ("debug2", Level::Debug),
        ("debug3", Level::Debug),
        ("debug4", Level::Debug),
        ("debug5", Level::Debug),
    ];

    fn by_the_table(word: &str) -> Option<Level> {
        NAMES
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(word))
            .map(|&(_, level)| level)
    }

    fn by_the_header_table(word: &str) -> Option<Level> {
        by_the_table(word).or_else(|| {
            HEADER_NAMES
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(word))
                .map(|&(_, level)| level)
        })
    }

    /// Each name with any one byte replaced by any ASCII byte, and with a byte more.
    fn neighbours(name: &str) -> Vec<String> {
        let mut words = Vec::new();
        for at in 0..name.len() {
            for byte in 0u8..128 {
                let mut word = name.as_bytes().to_vec();
                word[at] = byte;
                words.extend(String::from_utf8(word));
            }
        }
        for extra in ["s", "é", "\0", "1"] {
            words.push(format!("{name}{extra}"));
        }
        words
    }

    /// Every mix of cases of `name`.
    fn cases(name: &str) -> Vec<String> {
        (0u32..1 << name.len())
            .map(|cases| {
                name.chars()
                    .enumerate()
                    .map(|(i, c)| match cases >> i & 1 {
                        1 => c.to_ascii_uppercase(),
                        _ => c,
                    })
                    .collect()
            })
            .collect()
    }

    /// Every name in every mix of cases, and every name with any one byte replaced by any
    /// ASCII byte (the neighbours of letters, `@` `[` `` ` `` `{`, and control characters
    /// that would fold onto digits, among them), read as the tables of names say.
    #[test]
    fn level_words_are_read_in_any_case_and_nothing_else_is() {
        for (name, level) in NAMES {
            for word in cases(name) {
                assert_eq!(Level::from_word(&word), Some(level), "{word}");
                assert_eq!(Level::from_header_word(&word), Some(level), "{word}");
            }
        }
        for (name, level) in HEADER_NAMES {
            for word in cases(name) {
                assert_eq!(Level::from_word(&word), None, "{word}");
                assert_eq!(Level::from_header_word(&word), Some(level), "{word}");
            }
        }
        for (name, _) in NAMES.iter().chain(&HEADER_NAMES) {
            for word in neighbours(name) {
                assert_eq!(Level::from_word(&word), by_the_table(&word), "{word:?}");
                assert_eq!(
                    Level::from_header_word(&word),
                    by_the_header_table(&word),
                    "{word:?}"
                );
            }
        }
    }
}
