//! One event as a row of `query`'s and `tail`'s table: time, level, service, host, then the
//! message's first line with what the query matched marked, and the event's fields as
//! `key=value` after it (as hl and lnav show them), cut to the terminal's width. Logged
//! control characters are written out, never sent to the terminal.

use crate::backend::embedded::format_number;
use crate::event::{flatten_fields, FieldValue, Level, LogEvent};
use crate::query::Query;
use crate::visible::visible;
use crossterm::style::{Color, Stylize};
use std::ops::Range;
use unicode_width::UnicodeWidthChar;

const SERVICE_WIDTH: usize = 13;
const HOST_WIDTH: usize = 13;

/// What kind of text a piece of the message cell is, for its colour.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Piece {
    Message,
    Matched,
    Fields,
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

/// The columns before the message: how far continuation lines are indented.
pub fn message_column(event: &LogEvent) -> usize {
    event.timestamp.to_display().len() + 2 + 5 + 1 + SERVICE_WIDTH + 1 + HOST_WIDTH + 1
}

pub fn row(event: &LogEvent, width: Option<usize>, color: bool, marking: Option<&Query>) -> String {
    // A time not wholly read from the line is marked where the eye reads it: `?` (what
    // part was supplied is `time_from` in JSON and logfmt).
    let mut time = event.timestamp.to_display();
    time.push_str(if event.time_from.is_exact() {
        "  "
    } else {
        "? "
    });
    let level = format!("{:<5}", event.level.as_str().to_uppercase());
    let service = pad(&visible(&event.service), SERVICE_WIDTH);
    let host = pad(&visible(&event.host), HOST_WIDTH);
    let budget = width.map(|w| w.saturating_sub(message_column(event)).max(10));
    let cell = message_cell(event, marking.filter(|_| color));
    let cell = match budget {
        Some(budget) => cut(cell, budget),
        None => cell,
    };
    if !color {
        let text: String = cell.into_iter().map(|(text, _)| text).collect();
        return format!("{time}{level} {service} {host} {text}");
    }
    let error = event.level >= Level::Error;
    let mut shown = String::new();
    for (text, piece) in cell {
        let styled = match piece {
            Piece::Matched => text.black().on_yellow().bold().to_string(),
            Piece::Fields => text.dark_grey().to_string(),
            Piece::Message if error => text.red().to_string(),
            Piece::Message => text,
        };
        shown.push_str(&styled);
    }
    format!(
        "{}{} {} {} {shown}",
        time.dark_grey(),
        level.with(level_color(event.level)).bold(),
        service.cyan(),
        host.dark_grey(),
    )
}

/// The first line's text and fields past what `row` showed (it shows all but the last
/// column, then `…`), wrapped under the message column: at most `most` rows, the last cut
/// with `…` when there is still more. None when the row held it all, or with no width.
pub fn overflow(event: &LogEvent, width: Option<usize>, most: usize) -> Vec<String> {
    let Some(width) = width else {
        return Vec::new();
    };
    let indent = message_column(event);
    let budget = width.saturating_sub(indent).max(10);
    let text: String = message_cell(event, None)
        .into_iter()
        .map(|(text, _)| text)
        .collect();
    if columns(&text) <= budget {
        return Vec::new();
    }
    let mut rest = after_columns(&text, budget - 1);
    let mut rows = Vec::new();
    while !rest.is_empty() && rows.len() < most {
        let piece = if rows.len() + 1 == most {
            fit_plain(rest, budget)
        } else {
            let (piece, after) = split_columns(rest, budget);
            rest = after;
            piece.to_string()
        };
        if rows.len() + 1 == most {
            rest = "";
        }
        rows.push(format!("{}{piece}", " ".repeat(indent)));
    }
    rows
}

/// `text` split after its first `width` columns.
fn split_columns(text: &str, width: usize) -> (&str, &str) {
    let mut used = 0;
    for (at, c) in text.char_indices() {
        let w = c.width().unwrap_or(0);
        if used + w > width {
            return text.split_at(at);
        }
        used += w;
    }
    (text, "")
}

/// `text` past what `cut` keeps of it in `width` columns (all but the `…`'s column).
fn after_columns(text: &str, width: usize) -> &str {
    split_columns(text, width).1
}

/// Lines after the message's first, each cut to `width` columns after the message column,
/// at most `most` of them, then a line saying how many more there are.
pub fn continuation(event: &LogEvent, width: Option<usize>, most: usize) -> Vec<String> {
    let indent = message_column(event);
    let budget = width.map(|w| w.saturating_sub(indent).max(10));
    let rest: Vec<&str> = event.message.lines().skip(1).collect();
    let mut lines: Vec<String> = rest
        .iter()
        .take(most)
        .map(|line| {
            let line = shown(line);
            let line = match budget {
                Some(b) => fit_plain(&line, b),
                None => line,
            };
            format!("{}{line}", " ".repeat(indent))
        })
        .collect();
    let left = rest.len().saturating_sub(most);
    if left > 0 {
        lines.push(format!(
            "{}… {left} more line{} (-o json shows the whole message)",
            " ".repeat(indent),
            if left == 1 { "" } else { "s" }
        ));
    }
    lines
}

/// The message's first line (matches marked) then its fields, as coloured pieces.
fn message_cell(event: &LogEvent, marking: Option<&Query>) -> Vec<(String, Piece)> {
    let first = event.message.lines().next().unwrap_or("");
    let marks: Vec<Range<usize>> = marking
        .map(|q| crate::query::highlight::message_matches(q, first))
        .unwrap_or_default();
    let mut cell = Vec::new();
    let mut at = 0;
    for mark in marks {
        if mark.start > at {
            cell.push((shown(&first[at..mark.start]), Piece::Message));
        }
        cell.push((shown(&first[mark.clone()]), Piece::Matched));
        at = mark.end;
    }
    if at < first.len() || cell.is_empty() {
        cell.push((shown(&first[at..]), Piece::Message));
    }
    if event.message.contains('\n') {
        cell.push((" ⏎".to_string(), Piece::Message));
    }
    let fields = fields_text(event);
    if !fields.is_empty() {
        cell.push((format!("  {fields}"), Piece::Fields));
    }
    cell
}

/// Message text as shown: tabs (stack traces indent with them) as spaces, any other
/// control character written out.
fn shown(text: &str) -> String {
    if text.contains('\t') {
        visible(&text.replace('\t', "    ")).into_owned()
    } else {
        visible(text).into_owned()
    }
}

/// `key=value ...`, values quoted when they hold spaces, quotes or `=`.
fn fields_text(event: &LogEvent) -> String {
    let mut parts = Vec::new();
    flatten_fields(&event.fields, |key, value| {
        let value = match value {
            FieldValue::Text(s) => super::logfmt::logfmt_value(s),
            FieldValue::Number(n) => format_number(n),
            FieldValue::Bool(b) => b.to_string(),
        };
        parts.push(format!("{}={value}", visible(key)));
    });
    parts.join(" ")
}

/// Pieces cut to `width` columns in all, the cut marked with `…`.
fn cut(cell: Vec<(String, Piece)>, width: usize) -> Vec<(String, Piece)> {
    let total: usize = cell.iter().map(|(t, _)| columns(t)).sum();
    if total <= width {
        return cell;
    }
    let mut out = Vec::new();
    let mut used = 0;
    for (text, piece) in cell {
        let mut kept = String::new();
        for c in text.chars() {
            let w = c.width().unwrap_or(0);
            if used + w + 1 > width {
                if !kept.is_empty() {
                    out.push((kept, piece));
                }
                out.push(("…".to_string(), piece));
                return out;
            }
            kept.push(c);
            used += w;
        }
        out.push((kept, piece));
    }
    out
}

fn columns(text: &str) -> usize {
    text.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// Pads or cuts to exactly `width` columns.
fn pad(text: &str, width: usize) -> String {
    let cut = fit_plain(text, width);
    let shown = columns(&cut);
    format!("{cut}{}", " ".repeat(width.saturating_sub(shown)))
}

/// Cuts to at most `width` columns, marking the cut with `…`.
pub fn fit_plain(text: &str, width: usize) -> String {
    if columns(text) <= width {
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
