//! How events reach the user: a table on a terminal, NDJSON in a pipe, raw or logfmt.

use super::args::OutputFormat;
use crate::backend::embedded::format_number;
use crate::event::{decode_line, flatten_fields, DecodeContext, FieldValue, Level, LogEvent};
use crate::visible::visible;
use crossterm::style::{Color, Stylize};
use std::io::{self, IsTerminal, Write};
use unicode_width::UnicodeWidthChar;

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
            OutputFormat::Auto if io::stdout().is_terminal() => Format::Table,
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
}

impl Printer<io::BufWriter<io::Stdout>> {
    pub fn stdout(format: Format, color: bool) -> Self {
        let width = if io::stdout().is_terminal() {
            crossterm::terminal::size().ok().map(|(w, _)| w as usize)
        } else {
            std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok())
        };
        Printer::new(
            io::BufWriter::with_capacity(64 * 1024, io::stdout()),
            format,
            color,
            width,
        )
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
            Format::Logfmt => writeln!(self.out, "{}", logfmt(event)),
            Format::Table => {
                self.marked += u64::from(!event.time_from.is_exact());
                let line = table_row(event, self.width, self.color);
                writeln!(self.out, "{line}")
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

pub fn level_color(level: Level) -> Color {
    match level {
        Level::Trace => Color::DarkGrey,
        Level::Debug => Color::Blue,
        Level::Info => Color::Green,
        Level::Warn => Color::Yellow,
        Level::Error => Color::Red,
        Level::Fatal => Color::Magenta,
    }
}

const SERVICE_WIDTH: usize = 13;
const HOST_WIDTH: usize = 13;

fn table_row(event: &LogEvent, width: Option<usize>, color: bool) -> String {
    // A time not wholly read from the line is marked where the eye reads it: `?` (what
    // part was supplied is `time_from` in JSON and logfmt).
    let mut time = event.timestamp.to_display();
    time.push_str(if event.time_from.is_exact() {
        "  "
    } else {
        "? "
    });
    let level = format!("{:<5}", event.level.as_str().to_uppercase());
    let service = fit(&visible(&event.service), SERVICE_WIDTH);
    let host = fit(&visible(&event.host), HOST_WIDTH);
    let used = time.len() + 5 + 1 + SERVICE_WIDTH + 1 + HOST_WIDTH + 1;
    let mut message = visible(event.message.lines().next().unwrap_or("")).into_owned();
    let more_lines = event.message.contains('\n');
    if more_lines {
        message.push_str(" ⏎");
    }
    let message = match width {
        Some(w) => fit_plain(&message, w.saturating_sub(used).max(10)),
        None => message,
    };
    if color {
        format!(
            "{}{} {} {} {}",
            time.dark_grey(),
            level.with(level_color(event.level)).bold(),
            service.cyan(),
            host.dark_grey(),
            if event.level >= Level::Error {
                message.red().to_string()
            } else {
                message
            }
        )
    } else {
        format!("{time}{level} {service} {host} {message}")
    }
}

/// Pads or cuts to exactly `width` columns.
fn fit(text: &str, width: usize) -> String {
    let cut = fit_plain(text, width);
    let shown: usize = cut.chars().map(|c| c.width().unwrap_or(0)).sum();
    format!("{cut}{}", " ".repeat(width.saturating_sub(shown)))
}

/// Cuts to at most `width` columns, marking the cut with `…`.
pub fn fit_plain(text: &str, width: usize) -> String {
    let total: usize = text.chars().map(|c| c.width().unwrap_or(0)).sum();
    if total <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

fn logfmt(event: &LogEvent) -> String {
    let mut parts = vec![
        format!("ts={}", event.timestamp.to_rfc3339()),
        format!("level={}", event.level),
        format!("service={}", logfmt_value(&event.service)),
        format!("host={}", logfmt_value(&event.host)),
    ];
    if !event.time_from.is_exact() {
        parts.push(format!("time_from={}", event.time_from));
    }
    if let Some(trace) = &event.trace_id {
        parts.push(format!("trace_id={}", logfmt_value(trace)));
    }
    parts.push(format!("msg={}", logfmt_value(&event.message)));
    flatten_fields(&event.fields, |key, value| {
        let text = match value {
            FieldValue::Text(s) => logfmt_value(s),
            FieldValue::Number(n) => format_number(n),
            FieldValue::Bool(b) => b.to_string(),
        };
        parts.push(format!("{}={text}", logfmt_key(key)));
    });
    parts.join(" ")
}

fn logfmt_key(key: &str) -> String {
    visible(key)
        .chars()
        .map(|c| {
            if c.is_whitespace() || c == '=' || c == '"' {
                '_'
            } else {
                c
            }
        })
        .collect()
}

fn logfmt_value(value: &str) -> String {
    if !value.is_empty()
        && !value
            .chars()
            .any(|c| c.is_whitespace() || c == '=' || c == '"' || c.is_control())
    {
        return value.to_string();
    }
    // JSON's escapes cover C0; C1 and bidi controls are written out too.
    visible(&serde_json::to_string(value).unwrap_or_default()).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Timestamp;
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
        assert_eq!(render(Format::Table, None), "2026-11-24 13:00:00.123  ERROR payments      payments-1    declined: insufficient funds ⏎\n");
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
