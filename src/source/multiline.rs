//! Joining continuation lines (stack traces) onto the entry they belong to.

use regex::bytes::Regex;
use std::borrow::Cow;

/// Joins lines that do not match the start pattern onto the entry before them, and
/// remembers where the entry being built began, so a checkpoint never skips past it.
pub struct Entries {
    start: Option<Regex>,
    pending: Option<Vec<u8>>,
    /// Offset of the first line of `pending` in its file.
    pending_from: u64,
}

impl Entries {
    pub fn new(start: Option<Regex>) -> Entries {
        Entries {
            start,
            pending: None,
            pending_from: 0,
        }
    }

    /// Feeds one line that began at `offset`; returns an entry that is now complete
    /// (without a joiner, the line itself, not copied).
    pub fn push<'l>(&mut self, line: &'l [u8], offset: u64) -> Option<Cow<'l, [u8]>> {
        let Some(start) = &self.start else {
            return Some(Cow::Borrowed(line));
        };
        match &mut self.pending {
            Some(entry) if !start.is_match(line) => {
                entry.push(b'\n');
                entry.extend_from_slice(line);
                None
            }
            _ => {
                self.pending_from = offset;
                self.pending.replace(line.to_vec()).map(Cow::Owned)
            }
        }
    }

    /// The entry being built, as it is (end of input, or it has waited long enough).
    pub fn finish(&mut self) -> Option<Vec<u8>> {
        self.pending.take()
    }

    /// Where the unfinished entry began, if there is one: reading must resume there.
    pub fn unfinished_from(&self) -> Option<u64> {
        self.pending.as_ref().map(|_| self.pending_from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continuation_lines_join_the_entry_before() {
        let mut entries = Entries::new(Some(Regex::new(r"^\d{4}-").unwrap()));
        let mut out = Vec::new();
        let mut offset = 0;
        for line in [
            "2026-01-01 ERROR boom",
            "\tat a.b(C.java:1)",
            "\tat d.e(F.java:2)",
            "2026-01-01 INFO ok",
        ] {
            out.extend(entries.push(line.as_bytes(), offset).map(Cow::into_owned));
            offset += line.len() as u64 + 1;
        }
        assert_eq!(entries.unfinished_from(), Some(58));
        out.extend(entries.finish());
        assert_eq!(entries.unfinished_from(), None);
        let out: Vec<String> = out
            .into_iter()
            .map(|e| String::from_utf8(e).unwrap())
            .collect();
        assert_eq!(
            out,
            [
                "2026-01-01 ERROR boom\n\tat a.b(C.java:1)\n\tat d.e(F.java:2)",
                "2026-01-01 INFO ok"
            ]
        );
    }

    #[test]
    fn without_a_pattern_every_line_is_an_entry() {
        let mut entries = Entries::new(None);
        assert_eq!(entries.push(b"a", 0), Some(Cow::Borrowed(&b"a"[..])));
        assert_eq!(entries.unfinished_from(), None);
    }
}
