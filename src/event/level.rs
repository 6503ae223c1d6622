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
            11 => {
                return bytes
                    .eq_ignore_ascii_case(b"information")
                    .then_some(Level::Info)
            }
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

    fn by_the_table(word: &str) -> Option<Level> {
        NAMES
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(word))
            .map(|&(_, level)| level)
    }

    /// Every name in every mix of cases, and every name with any one byte replaced by any
    /// ASCII byte (the neighbours of letters, `@` `[` `` ` `` `{`, among them), read as
    /// the table of names says.
    #[test]
    fn level_words_are_read_in_any_case_and_nothing_else_is() {
        for (name, level) in NAMES {
            for cases in 0u32..1 << name.len() {
                let word: String = name
                    .chars()
                    .enumerate()
                    .map(|(i, c)| match cases >> i & 1 {
                        1 => c.to_ascii_uppercase(),
                        _ => c,
                    })
                    .collect();
                assert_eq!(Level::from_word(&word), Some(level), "{word}");
            }
            for at in 0..name.len() {
                for byte in 0u8..128 {
                    let mut word = name.as_bytes().to_vec();
                    word[at] = byte;
                    let word = String::from_utf8(word).unwrap();
                    assert_eq!(Level::from_word(&word), by_the_table(&word), "{word:?}");
                }
            }
            for extra in ["s", "é", "\0"] {
                let longer = format!("{name}{extra}");
                assert_eq!(Level::from_word(&longer), by_the_table(&longer), "{longer}");
            }
        }
    }
}
