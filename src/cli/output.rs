//! How events reach the user: a table on a terminal, NDJSON in a pipe, raw or logfmt.

use super::args::OutputFormat;
use super::table;
use crate::event::{decode_line, DecodeContext, LogEvent};
use crate::query::Query;
use crossterm::style::Stylize;
use std::io::{self, Write};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Raw,
    Logfmt,
}

impl Format {
    pub fn resolve(requested: OutputFormat) -> Format {
        match requested {
            OutputFormat::Auto if super::pager::stdout_is_terminal() => Format::Table,
            OutputFormat::Auto | OutputFormat::Json => Format::Json,
            OutputFormat::Table => Format::Table,
            OutputFormat::Raw => Format::Raw,
            OutputFormat::Logfmt => Format::Logfmt,
        }
    }
}

pub struct Printer<W: Write> {
    out: W,
    format: Format,
    color: bool,
    /// Terminal width the table must fit; `None` = no limit.
    width: Option<usize>,
    context: DecodeContext,
    /// Rows printed with a time not wholly read from their line (marked `?`).
    marked: u64,
    /// The query whose matches the table marks.
    marking: Option<Query>,
    /// Terminal height: a tall one shows the first lines of multi-line messages.
    height: Option<usize>,
}

/// A terminal at least this tall shows continuation lines under a multi-line message.
const TALL: usize = 24;
/// Continuation lines shown under one message.
const CONTINUATION_LINES: usize = 3;
/// Rows a long first line (with its fields) wraps onto under the message column.
const OVERFLOW_LINES: usize = 2;

impl Printer<io::BufWriter<io::Stdout>> {
    pub fn stdout(format: Format, color: bool) -> Self {
        let size = super::pager::stdout_size();
        let width = match size {
            Some((w, _)) => Some(w as usize),
            None => std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()),
        };
        let mut printer = Printer::new(
            io::BufWriter::with_capacity(64 * 1024, io::stdout()),
            format,
            color,
            width,
        );
        printer.height = size.map(|(_, h)| h as usize);
        printer
    }
}

impl<W: Write> Printer<W> {
    pub fn new(out: W, format: Format, color: bool, width: Option<usize>) -> Self {
        Printer {
            out,
            format,
            color,
            width,
            context: DecodeContext::now(),
            marked: 0,
            marking: None,
            height: None,
        }
    }

    /// Marks in the table what `query` matched in each message.
    pub fn marking(mut self, query: &Query) -> Self {
        self.marking = Some(query.clone());
        self
    }

    /// Between two groups of events shown with their context: `--`, as grep writes it (not
    /// in JSON, where each context event says where it stands).
    pub fn separator(&mut self) -> io::Result<()> {
        match self.format {
            Format::Json => Ok(()),
            _ => writeln!(self.out, "--"),
        }
    }

    /// Prints a stored event shown around a match: in JSON with `"context":"before"` or
    /// `"after"` when `place` names one; elsewhere as any event.
    pub fn placed(&mut self, source: &str, place: super::context_out::Place) -> io::Result<()> {
        match self.format {
            Format::Json => writeln!(
                self.out,
                "{}",
                super::context_out::marked_json(source, place)
            ),
            _ => self.source(source),
        }
    }

    /// Prints one stored event given as its canonical JSON.
    pub fn source(&mut self, source: &str) -> io::Result<()> {
        if self.format == Format::Json {
            self.out.write_all(source.as_bytes())?;
            return self.out.write_all(b"\n");
        }
        let event = decode_line(source.as_bytes(), &self.context);
        self.event(&event)
    }

    pub fn event(&mut self, event: &LogEvent) -> io::Result<()> {
        match self.format {
            Format::Json => writeln!(self.out, "{}", event.to_json()),
            // Raw bytes only into a pipe: to a terminal, control characters are written out.
            Format::Raw if self.width.is_some() => {
                writeln!(self.out, "{}", crate::visible::visible(&event.message))
            }
            Format::Raw => writeln!(self.out, "{}", event.message),
            Format::Logfmt => writeln!(self.out, "{}", super::logfmt::line(event)),
            Format::Table => {
                self.marked += u64::from(!event.time_from.is_exact());
                let line = table::row(event, self.width, self.color, self.marking.as_ref());
                writeln!(self.out, "{line}")?;
                let tall = self.height.is_some_and(|h| h >= TALL);
                if tall {
                    // On a terminal a long first line wraps under the message column.
                    for line in table::overflow(event, self.width, OVERFLOW_LINES) {
                        writeln!(self.out, "{line}")?;
                    }
                }
                if tall && event.message.contains('\n') {
                    for line in table::continuation(event, self.width, CONTINUATION_LINES) {
                        if self.color {
                            writeln!(self.out, "{}", line.dark_grey())?;
                        } else {
                            writeln!(self.out, "{line}")?;
                        }
                    }
                }
                Ok(())
            }
        }
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// What the table's `?` means, once it was shown: one line for stderr.
    pub fn legend(&self) -> Option<String> {
        (self.marked > 0).then(|| {
            format!(
                "note: {} of the times shown (marked ?) are not wholly the line's: part was assumed or the time is when it was received; -o json says which (time_from)",
                thousands(self.marked)
            )
        })
    }

    #[cfg(test)]
    pub fn into_inner(self) -> W {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{Level, Timestamp};
    use serde_json::json;

    fn sample() -> LogEvent {
        let mut e = LogEvent::new(
            Timestamp::parse("2026-11-24T13:00:00.123Z").unwrap(),
            Level::Error,
            "payments",
            "payments-1",
            "declined: insufficient funds\n\tat x",
        );
        e.fields.insert("status".into(), json!(402));
        e.fields.insert("user".into(), json!({"id": "u 1"}));
        e
    }

    fn render(format: Format, width: Option<usize>) -> String {
        let mut p = Printer::new(Vec::new(), format, false, width);
        p.event(&sample()).unwrap();
        String::from_utf8(p.into_inner()).unwrap()
    }

    #[test]
    fn formats() {
        assert_eq!(
            render(Format::Raw, None),
            "declined: insufficient funds\n\tat x\n"
        );
        assert_eq!(
            render(Format::Logfmt, None),
            "ts=2026-11-24T13:00:00.123Z level=error service=payments host=payments-1 msg=\"declined: insufficient funds\\n\\tat x\" status=402 user.id=\"u 1\"\n"
        );
        assert_eq!(render(Format::Table, None), "2026-11-24 13:00:00.123  ERROR payments      payments-1    declined: insufficient funds ⏎  status=402 user.id=\"u 1\"\n");
        let mut guessed = sample();
        guessed.time_from = crate::event::TimeFrom::YearAssumed;
        let mut p = Printer::new(Vec::new(), Format::Table, false, None);
        p.event(&guessed).unwrap();
        let row = String::from_utf8(p.into_inner()).unwrap();
        assert!(row.starts_with("2026-11-24 13:00:00.123? ERROR "), "{row}");
        let mut p = Printer::new(Vec::new(), Format::Logfmt, false, None);
        p.event(&guessed).unwrap();
        let line = String::from_utf8(p.into_inner()).unwrap();
        assert!(line.contains(" time_from=year_assumed "), "{line}");
        let narrow = render(Format::Table, Some(70));
        assert_eq!(narrow.trim_end().chars().count(), 70, "{narrow}");
        assert!(narrow.trim_end().ends_with('…'));
    }

    #[test]
    fn a_long_first_line_wraps_under_the_message_on_a_tall_terminal() {
        let mut event = sample();
        event.message = format!(
            "payment declined for order {} by the issuer",
            "o".repeat(20)
        );
        let shown = |height: usize| {
            let mut p = Printer::new(Vec::new(), Format::Table, false, Some(80));
            p.height = Some(height);
            p.event(&event).unwrap();
            String::from_utf8(p.into_inner()).unwrap()
        };
        let tall = shown(30);
        let lines: Vec<&str> = tall.lines().collect();
        assert_eq!(lines.len(), 3, "{tall}");
        assert!(lines.iter().all(|l| l.chars().count() <= 80), "{tall}");
        let column = super::table::message_column(&event);
        assert!(
            lines[1][..column].trim().is_empty() && lines[2].ends_with('…'),
            "{tall}"
        );
        // Read across the rows (the first row's `…` aside), the message is whole.
        let read: String = std::iter::once(lines[0].trim_end_matches('…'))
            .chain(lines[1..].iter().map(|l| &l[column..]))
            .collect();
        assert!(read.contains(&event.message), "{read}");
        // A short terminal keeps one row per event.
        assert_eq!(shown(10).lines().count(), 1);
    }

    #[test]
    fn the_table_marks_matches_and_shows_more_lines_on_a_tall_terminal() {
        let query = crate::query::parse("insufficient", Timestamp::now()).unwrap();
        let mut p = Printer::new(Vec::new(), Format::Table, true, Some(200)).marking(&query);
        p.height = Some(50);
        let mut event = sample();
        event.message =
            "declined: insufficient funds\n\tat a\n\tat b\n\tat c\n\tat d\n\u{1b}]0;x".to_string();
        p.event(&event).unwrap();
        let shown = String::from_utf8(p.into_inner()).unwrap();
        let marked = format!("{}", "insufficient".black().on_yellow().bold());
        assert!(shown.contains(&marked), "{shown:?}");
        let lines: Vec<&str> = shown.lines().collect();
        assert_eq!(lines.len(), 5, "{shown}");
        assert!(lines[1].contains("    at a"), "{shown}");
        assert!(lines[4].contains("… 2 more lines"), "{shown}");
        assert!(
            !shown.contains('\u{7}'),
            "control characters stay written out"
        );
        // Not coloured: nothing marked, and a short terminal shows the first line only.
        let mut p = Printer::new(Vec::new(), Format::Table, false, Some(200)).marking(&query);
        p.height = Some(10);
        p.event(&event).unwrap();
        let shown = String::from_utf8(p.into_inner()).unwrap();
        assert_eq!(shown.lines().count(), 1, "{shown}");
        assert!(
            shown.contains("declined: insufficient funds ⏎  status=402"),
            "{shown}"
        );
    }
}

/// A count with thousands separated by commas, as people read them: `12,255`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod thousands_tests {
    #[test]
    fn counts_are_grouped_by_thousands() {
        for (n, text) in [
            (0, "0"),
            (999, "999"),
            (1000, "1,000"),
            (12255, "12,255"),
            (1234567, "1,234,567"),
        ] {
            assert_eq!(super::thousands(n), text);
        }
    }
}
