//! Joining continuation lines (stack traces, SQL bodies, wrapped messages) onto the entry
//! they belong to.

use crate::format::Format;
use regex::bytes::Regex;
use std::borrow::Cow;

/// What the first line of an entry looks like.
#[derive(Debug, Clone)]
pub enum EntryStart {
    /// Every line is an entry.
    Line,
    /// `--multiline`: lines that match start an entry.
    Pattern(Regex),
    /// Lines the file's format reads (a header with a time or a level) start an entry;
    /// any other line continues the one before. Learned from the sample, no setting.
    Format(Format),
}

impl EntryStart {
    /// How entries of a file in `format` start, unless `--multiline` says.
    pub fn for_format(format: &Format) -> EntryStart {
        match format {
            // A JSON event is one line; a line that is not one is kept alone and flagged.
            // Formats whose every line carries its own header (an access log, logcat, CRI,
            // W3C) or is a whole event (JSON) have no continuation lines: a line that does
            // not read is kept alone and flagged, and no line is read twice.
            Format::Json
            | Format::Raw
            | Format::W3c(_)
            | Format::Access
            | Format::Logcat
            | Format::Cri => EntryStart::Line,
            other => EntryStart::Format(other.clone()),
        }
    }

    /// What of a continuation line joins the entry: behind a prefix, the line without
    /// it (the entry keeps the prefix of its first line only).
    fn continuation<'l>(&self, line: &'l [u8]) -> &'l [u8] {
        let EntryStart::Format(Format::Prefixed(prefixed)) = self else {
            return line;
        };
        let rest = std::str::from_utf8(line)
            .ok()
            .and_then(|text| prefixed.prefix.split(text))
            .map_or(0, |origin| origin.rest);
        &line[rest..]
    }

    fn starts(&self, line: &[u8]) -> bool {
        match self {
            EntryStart::Line => true,
            EntryStart::Pattern(start) => start.is_match(line),
            EntryStart::Format(format) => format.starts_entry(line),
        }
    }
}

/// Joins lines that do not start an entry onto the entry before them, and remembers
/// where the entry being built began, so a checkpoint never skips past it.
pub struct Entries {
    start: EntryStart,
    pending: Option<Vec<u8>>,
    /// Offset of the first line of `pending` in its file.
    pending_from: u64,
}

impl Entries {
    pub fn new(start: EntryStart) -> Entries {
        Entries {
            start,
            pending: None,
            pending_from: 0,
        }
    }

    /// From now on, entries start as `start` says (the format is known once the first
    /// line of an empty file arrived).
    pub fn set_start(&mut self, start: EntryStart) {
        self.start = start;
    }

    /// Whether an entry may take more than one line (and is handed back a line late).
    pub fn joins(&self) -> bool {
        !matches!(self.start, EntryStart::Line)
    }

    /// Feeds one line that began at `offset`; returns an entry that is now complete
    /// (without a joiner, the line itself, not copied).
    pub fn push<'l>(&mut self, line: &'l [u8], offset: u64) -> Option<Cow<'l, [u8]>> {
        if !self.joins() {
            return Some(Cow::Borrowed(line));
        }
        match &mut self.pending {
            Some(entry) if !self.start.starts(line) => {
                entry.push(b'\n');
                entry.extend_from_slice(self.start.continuation(line));
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
        let mut entries = Entries::new(EntryStart::Pattern(Regex::new(r"^\d{4}-").unwrap()));
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
        let mut entries = Entries::new(EntryStart::Line);
        assert_eq!(entries.push(b"a", 0), Some(Cow::Borrowed(&b"a"[..])));
        assert_eq!(entries.unfinished_from(), None);
    }
}
