//! The overlays drawn over the body: an event in full (with its source and neighbours),
//! and the keys.

use super::palette::{level_color, style};
use super::state::{Dashboard, Entry};
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}

pub fn render_detail(dash: &Dashboard, frame: &mut Frame, area: Rect, seq: u64, scroll: u16) {
    let Some(entry) = dash.entry(seq) else { return };
    let json = serde_json::from_str::<serde_json::Value>(&entry.event.to_json())
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| entry.event.to_json());
    let mut lines: Vec<Line> = Vec::new();
    lines.push(Line::styled(
        format!(
            "{}  {}  {}  {}",
            entry.event.timestamp.to_display(),
            entry.event.level.as_str().to_uppercase(),
            entry.event.service,
            entry.event.host
        ),
        style(
            dash,
            Style::new()
                .fg(level_color(entry.event.level))
                .add_modifier(Modifier::BOLD),
        ),
    ));
    let source = source_of(&entry.event);
    lines.push(Line::styled(
        format!("from {source}"),
        style(dash, Style::new().fg(Color::DarkGray)),
    ));
    lines.push(Line::raw(""));
    for message_line in entry.event.message.lines().take(200) {
        lines.push(Line::raw(
            crate::visible::visible(message_line)
                .chars()
                .take(2000)
                .collect::<String>(),
        ));
    }
    lines.push(Line::raw(""));
    lines.extend(around_lines(dash, entry));
    lines.push(Line::raw(""));
    for json_line in json.lines().take(500) {
        lines.push(Line::styled(
            // JSON escapes control characters, not bidi overrides.
            crate::visible::visible(json_line)
                .chars()
                .take(2000)
                .collect::<String>(),
            style(dash, Style::new().fg(Color::Gray)),
        ));
    }
    // The whole body: a margin left the stream's first columns showing beside it.
    let popup = area;
    let inner_width = popup.width.saturating_sub(2).max(1) as usize;
    let rows: usize = lines
        .iter()
        .map(|line| line.width().div_ceil(inner_width).max(1))
        .sum();
    let below = rows.saturating_sub(scroll as usize + popup.height.saturating_sub(2) as usize);
    let title = if below > 0 {
        format!(" event (esc back · t/h/s context · y copy) ↓ {below} more lines ")
    } else {
        " event (esc back · t/h/s context · y copy) ".to_string()
    };
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0))
            .block(Block::default().borders(Borders::ALL).title(title)),
        popup,
    );
}

/// Where an event came from: its file when it was read from one, else its service on its
/// host.
fn source_of(event: &crate::event::LogEvent) -> String {
    match file_of(event) {
        Some(path) => crate::visible::visible(path).into_owned(),
        None => format!(
            "{} on {}",
            crate::visible::visible(&event.service),
            crate::visible::visible(&event.host)
        ),
    }
}

fn file_of(event: &crate::event::LogEvent) -> Option<&str> {
    event
        .fields
        .get(crate::event::FILE_PATH_KEY)
        .and_then(|v| v.as_str())
}

/// Whether two events came from the same file, or (read from no file) the same service
/// on the same host.
fn same_source(a: &crate::event::LogEvent, b: &crate::event::LogEvent) -> bool {
    match (file_of(a), file_of(b)) {
        (Some(x), Some(y)) => x == y,
        (None, None) => a.service == b.service && a.host == b.host,
        _ => false,
    }
}

/// Events next to the selected one from the same source in the buffer (arrival order),
/// up to `AROUND` each side, the selected one marked.
fn around_lines(dash: &Dashboard, entry: &Entry) -> Vec<Line<'static>> {
    const AROUND: usize = 3;
    let same: Vec<&Entry> = dash
        .entries
        .iter()
        .filter(|e| same_source(&e.event, &entry.event))
        .collect();
    let Some(at) = same.iter().position(|e| e.seq == entry.seq) else {
        return Vec::new();
    };
    let from = at.saturating_sub(AROUND);
    let to = (at + AROUND + 1).min(same.len());
    let mut lines = vec![Line::styled(
        format!(
            "around it, from the same source ({} of {} buffered):",
            to - from,
            same.len()
        ),
        style(dash, Style::new().fg(Color::DarkGray)),
    )];
    for (i, near) in same[from..to].iter().enumerate() {
        let mark = if from + i == at { "▶" } else { " " };
        let first = near.event.message.lines().next().unwrap_or("");
        let text = format!(
            "{mark} {} {:<5} {}",
            near.event
                .timestamp
                .to_display()
                .get(11..19)
                .unwrap_or_default(),
            near.event.level.as_str().to_uppercase(),
            crate::visible::visible(first)
        );
        let line_style = if from + i == at {
            Style::new().add_modifier(Modifier::BOLD)
        } else {
            Style::new().fg(level_color(near.event.level))
        };
        lines.push(Line::styled(text, style(dash, line_style)));
    }
    lines
}

pub const HELP: &[(&str, &str)] = &[
    ("space", "pause / resume (new events keep counting)"),
    ("↑ k / ↓ j", "select older / newer (leaves follow)"),
    ("PgUp / PgDn", "a page older / newer"),
    ("g / G", "oldest in the buffer / newest, following again"),
    (
        "/",
        "filter with the query language (↑↓ history, esc cancel)",
    ),
    (
        "  tab",
        "in the filter or find line: complete a field name, a value or @saved",
    ),
    ("esc", "clear the pattern chosen, then the filter"),
    ("f", "find: a query whose events the cursor jumps to"),
    ("n / N", "the next older / newer event found"),
    ("e / E", "the next older / newer error or fatal event"),
    ("1-6", "show or hide trace, debug, info, warn, error, fatal"),
    ("+ / -", "longer / shorter histogram window"),
    ("enter", "the selected event in full, with its source"),
    ("  ↑↓", "in the event: scroll"),
    (
        "  t h s c",
        "in the event: same trace, host, service (c: trace or service)",
    ),
    ("  y", "in the event: copy it as JSON (OSC 52)"),
    (
        "tab",
        "side panel: top services; tab again: hosts, then patterns",
    ),
    (
        "  ↑↓ enter",
        "in the panel: choose; filter to it, or that pattern only",
    ),
    ("  h", "in the panel: services / hosts"),
    ("?", "this help (↑↓ scroll)"),
    ("q / ctrl-c", "quit"),
];

/// Width of the key column in the help.
const HELP_KEYS: usize = 12;

/// The help's lines for a box `width` columns wide: descriptions wrapped under their own
/// column, never cut.
fn help_lines(dash: &Dashboard, width: usize) -> Vec<Line<'static>> {
    let room = width.saturating_sub(HELP_KEYS + 1).max(12);
    let mut lines = Vec::new();
    for (key, what) in HELP {
        let mut rows: Vec<String> = vec![String::new()];
        for word in what.split(' ') {
            let last = rows.last_mut().map_or(0, |r| r.width());
            if last > 0 && last + 1 + word.width() > room {
                rows.push(String::new());
            }
            if let Some(row) = rows.last_mut() {
                if !row.is_empty() {
                    row.push(' ');
                }
                row.push_str(word);
            }
        }
        for (i, row) in rows.into_iter().enumerate() {
            let key_text = if i == 0 { *key } else { "" };
            lines.push(Line::from(vec![
                Span::styled(
                    format!(" {key_text:<w$}", w = HELP_KEYS - 1),
                    style(
                        dash,
                        Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
                    ),
                ),
                Span::raw(format!(" {row}")),
            ]));
        }
    }
    lines
}

pub fn render_help(dash: &Dashboard, frame: &mut Frame, area: Rect, scroll: u16) {
    let width = area.width.min(78);
    let lines = help_lines(dash, width.saturating_sub(2) as usize);
    let total = lines.len() as u16;
    let height = (total + 2).min(area.height);
    let shown = height.saturating_sub(2);
    let scroll = scroll.min(total.saturating_sub(shown));
    let title = if shown < total {
        format!(
            " keys {}-{} of {total} (↑↓ more · any other key closes) ",
            scroll + 1,
            (scroll + shown).min(total)
        )
    } else {
        " keys (any key closes) ".to_string()
    };
    let popup = centered(area, width, height);
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines)
            .scroll((scroll, 0))
            .block(Block::default().borders(Borders::ALL).title(title)),
        popup,
    );
}
