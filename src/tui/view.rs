//! Drawing the dashboard: a status bar, the stream, the histogram, top services, the
//! filter line and key hints; the detail view and help as overlays. Reads the state, never
//! changes it; everything time-related comes from `dash.now`, so frames are reproducible.

use super::overlays;
pub use super::palette::level_color;
use super::palette::style;
use super::state::{level_index, Dashboard, Entry, Mode, SidePanel};
use crate::event::Level;
use crate::query::{Clause, Query, Target, Test};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 12;

/// Draws one frame; returns how many stream rows it showed (a page, for PgUp/PgDn).
pub fn render(dash: &Dashboard, frame: &mut Frame) -> usize {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let text = format!(
            "The terminal is {}x{}; logagg dash needs at least {MIN_WIDTH}x{MIN_HEIGHT}.\nEnlarge it, or use `logagg tail`.",
            area.width, area.height
        );
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
        return 1;
    }
    let [status, body, filter, hints] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(4),
        Constraint::Length(
            if dash.filter_error.is_some() && matches!(dash.mode, Mode::FilterInput { .. }) {
                2
            } else {
                1
            },
        ),
        Constraint::Length(1),
    ])
    .areas(area);
    render_status(dash, frame, status);
    let stream = if area.width >= 110 {
        // The side panel grows with the terminal (pattern templates are long), the stream
        // keeps the larger part.
        let side_width = (area.width * 3 / 10).max(38);
        let [stream, side] =
            Layout::horizontal([Constraint::Min(60), Constraint::Length(side_width)]).areas(body);
        let [histogram, services] =
            Layout::vertical([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(side);
        render_histogram(dash, frame, histogram);
        render_services(dash, frame, services);
        stream
    } else {
        let [top, stream] =
            Layout::vertical([Constraint::Length(7), Constraint::Min(3)]).areas(body);
        let [histogram, services] =
            Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(top);
        render_histogram(dash, frame, histogram);
        render_services(dash, frame, services);
        stream
    };
    let page = render_stream(dash, frame, stream);
    render_filter(dash, frame, filter);
    render_hints(dash, frame, hints);
    match &dash.mode {
        Mode::Detail { seq, scroll } => overlays::render_detail(dash, frame, body, *seq, *scroll),
        Mode::Help { scroll } => overlays::render_help(dash, frame, body, *scroll),
        _ => {}
    }
    page
}

fn human_bytes(bytes: u64) -> String {
    bytesize::ByteSize(bytes).display().iec().to_string()
}

fn render_status(dash: &Dashboard, frame: &mut Frame, area: Rect) {
    let health = &dash.health;
    // Most important first: a narrow terminal cuts from the right.
    let mut spans = vec![Span::styled(
        " logagg ",
        style(
            dash,
            Style::new()
                .add_modifier(Modifier::BOLD)
                .fg(Color::Black)
                .bg(Color::Cyan),
        ),
    )];
    spans.extend(mode_and_connection(dash));
    spans.push(Span::raw(format!(
        "  {:.0} ev/s",
        dash.histogram.rate(dash.now)
    )));
    if let (Some(bytes), Some(events)) = (health.store_bytes, health.stored_events) {
        // The source (last) names the store; this is what it holds.
        spans.push(Span::raw(format!(
            "  {events} events, {}",
            human_bytes(bytes)
        )));
    }
    if let Some(lag) = health.lag {
        spans.push(Span::raw(format!("  lag {lag}")));
    }
    if let Some(dead) = health.dead_letters {
        let warn = if dead > 0 {
            Style::new().fg(Color::Red)
        } else {
            Style::new()
        };
        spans.push(Span::styled(format!("  dlq {dead}"), style(dash, warn)));
    }
    spans.push(Span::raw(format!(
        "  buffer {}/{}",
        dash.entries.len(),
        dash.capacity
    )));
    spans.push(Span::styled(
        format!("  {}", health.source),
        style(dash, Style::new().fg(Color::DarkGray)),
    ));
    // Whole parts only: a narrow terminal drops the least important from the right
    // instead of cutting one mid-word.
    let mut used = 0;
    let fitting: Vec<Span> = spans
        .into_iter()
        .take_while(|span| {
            used += span.content.width();
            used <= area.width as usize
        })
        .collect();
    frame.render_widget(Paragraph::new(Line::from(fitting)), area);
}

/// Following or paused, and whether the source answers (with a warning, or why not).
fn mode_and_connection(dash: &Dashboard) -> Vec<Span<'static>> {
    let health = &dash.health;
    let mut spans = Vec::new();
    if dash.paused_at.is_some() {
        spans.push(Span::styled(
            format!(" ⏸ PAUSED +{} new ", dash.arrived_while_paused),
            style(
                dash,
                Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
            ),
        ));
    } else {
        spans.push(Span::styled(
            " ▶ FOLLOW ",
            style(dash, Style::new().fg(Color::Green)),
        ));
    }
    if health.connected {
        spans.push(Span::styled(
            " ● live",
            style(dash, Style::new().fg(Color::Green)),
        ));
        // Connected with a warning: the source answers, but not with everything.
        if let Some(warning) = &health.problem {
            spans.push(Span::styled(
                format!("  ⚠ {warning}"),
                style(dash, Style::new().fg(Color::Yellow)),
            ));
        }
    } else {
        let problem = health.problem.as_deref().unwrap_or("connecting");
        spans.push(Span::styled(
            format!(" ✕ {problem}"),
            style(
                dash,
                Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            ),
        ));
    }
    spans
}

/// Lower-case words the filter searches the message for, to highlight them.
fn search_words(query: &Query, out: &mut Vec<String>) {
    match query {
        Query::Clause(Clause {
            target: Target::Message,
            test: Test::Words(words),
        }) => out.extend(words.iter().cloned()),
        Query::And(parts) | Query::Or(parts) => parts.iter().for_each(|p| search_words(p, out)),
        _ => {}
    }
}

fn highlighted<'a>(dash: &Dashboard, text: &'a str, words: &[String]) -> Vec<Span<'a>> {
    if words.is_empty() {
        return vec![Span::raw(text)];
    }
    let lower = text.to_lowercase();
    // Lower-casing can change byte lengths; only highlight when it did not.
    if lower.len() != text.len() {
        return vec![Span::raw(text)];
    }
    let mut marks = vec![false; text.len()];
    for word in words {
        let mut from = 0;
        while let Some(found) = lower[from..].find(word.as_str()) {
            let start = from + found;
            let end = start + word.len();
            marks[start..end].iter_mut().for_each(|m| *m = true);
            from = end;
        }
    }
    let mark = style(
        dash,
        Style::new()
            .fg(Color::Black)
            .bg(Color::Yellow)
            .add_modifier(Modifier::BOLD),
    );
    let mut spans = Vec::new();
    let mut start = 0;
    for i in 1..=text.len() {
        if i == text.len() || (marks[i] != marks[start] && text.is_char_boundary(i)) {
            let piece = &text[start..i];
            spans.push(if marks[start] {
                Span::styled(piece, mark)
            } else {
                Span::raw(piece)
            });
            start = i;
        }
    }
    spans
}

/// Cuts `text` to `width` columns, ending with `…` when it was longer. Line breaks and
/// tabs become spaces so a row stays one row; other control characters (escape sequences
/// a logged line may hold, bidi overrides) are written out as `\e`, `\u{..}`, never sent to
/// the terminal. Stops reading as soon as the width is exceeded, so a 1 MB message costs no
/// more than a short one.
pub fn fit(text: &str, width: usize) -> String {
    if width == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    let mut cut = 0;
    let mut piece = String::new();
    for c in text.chars() {
        piece.clear();
        match c {
            '\n' | '\r' | '\t' => piece.push(' '),
            c if crate::visible::hidden(c) => {
                piece.push_str(&crate::visible::visible(c.encode_utf8(&mut [0; 4])));
            }
            c => piece.push(c),
        }
        used += unicode_width::UnicodeWidthStr::width(piece.as_str());
        if used > width {
            out.truncate(cut);
            out.push('…');
            return out;
        }
        out.push_str(&piece);
        if used < width {
            cut = out.len();
        }
    }
    out
}

fn row<'a>(
    dash: &Dashboard,
    entry: &'a Entry,
    width: usize,
    words: &[String],
    selected: bool,
) -> Line<'a> {
    let event = &entry.event;
    let time = event.timestamp.to_display();
    let time = time.get(11..).unwrap_or(&time).to_string();
    let service_width = if width >= 120 { 16 } else { 12 };
    let host_width = if width >= 100 { 12 } else { 0 };
    let fixed =
        12 + 1 + 5 + 1 + service_width + 1 + if host_width > 0 { host_width + 1 } else { 0 };
    let message_width = width.saturating_sub(fixed).max(8);
    let message = fit(&event.message, message_width);
    let mut spans = vec![
        Span::styled(
            format!("{time:<12} "),
            style(dash, Style::new().fg(Color::DarkGray)),
        ),
        Span::styled(
            format!("{:<5} ", event.level.as_str().to_uppercase()),
            style(
                dash,
                Style::new()
                    .fg(level_color(event.level))
                    .add_modifier(Modifier::BOLD),
            ),
        ),
        Span::styled(
            format!("{:<service_width$} ", fit(&event.service, service_width)),
            style(dash, Style::new().fg(Color::Cyan)),
        ),
    ];
    if host_width > 0 {
        spans.push(Span::styled(
            format!("{:<host_width$} ", fit(&event.host, host_width)),
            style(dash, Style::new().fg(Color::Gray)),
        ));
    }
    spans.extend(
        highlighted(dash, &message, words)
            .into_iter()
            .map(|s| Span::styled(s.content.into_owned(), s.style)),
    );
    let line = Line::from(spans);
    if selected {
        line.style(Style::new().add_modifier(Modifier::REVERSED))
    } else {
        line
    }
}

fn render_stream(dash: &Dashboard, frame: &mut Frame, area: Rect) -> usize {
    let title = if dash.filter.text.is_empty() {
        " stream ".to_string()
    } else {
        format!(" stream: {} ", dash.filter.text)
    };
    let hidden: Vec<&str> = Level::ALL
        .iter()
        .filter(|l| !dash.levels[level_index(**l)])
        .map(|l| l.as_str())
        .collect();
    let title = if hidden.is_empty() {
        title
    } else {
        format!("{title}(hiding {}) ", hidden.join(","))
    };
    let block = Block::default().borders(Borders::TOP).title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let height = inner.height as usize;
    let mut words = Vec::new();
    search_words(&dash.filter.query, &mut words);
    // Newest first, enough to fill the page that contains the selection.
    let shown: Vec<&Entry> = dash.shown().collect();
    let position = dash
        .selected
        .and_then(|seq| shown.iter().position(|e| e.seq == seq))
        .unwrap_or(0);
    let offset = (position + 1).saturating_sub(height);
    let page: Vec<&Entry> = shown.iter().skip(offset).take(height).copied().collect();
    let selected_seq = dash.selected.or_else(|| shown.first().map(|e| e.seq));
    let mut lines: Vec<Line> = page
        .iter()
        .rev()
        .map(|e| {
            row(
                dash,
                e,
                inner.width as usize,
                &words,
                matches!(dash.mode, Mode::Stream | Mode::Detail { .. })
                    && Some(e.seq) == selected_seq
                    && dash.selected.is_some(),
            )
        })
        .collect();
    if lines.is_empty() {
        let note = if dash.entries.is_empty() {
            "waiting for events…"
        } else {
            "no event matches the filter"
        };
        lines.push(Line::styled(
            note,
            style(dash, Style::new().fg(Color::DarkGray)),
        ));
    }
    // Newest at the bottom: pad above.
    let pad = height.saturating_sub(lines.len());
    let mut padded: Vec<Line> = std::iter::repeat_n(Line::raw(""), pad).collect();
    padded.extend(lines);
    frame.render_widget(Paragraph::new(padded), inner);
    height
}

fn render_histogram(dash: &Dashboard, frame: &mut Frame, area: Rect) {
    let window = dash.window();
    // Under a filter the histogram counts what the filter lets through, of the buffer.
    let filtered = dash.filtered_histogram();
    let histogram = filtered.as_ref().unwrap_or(&dash.histogram);
    let block = Block::default().borders(Borders::ALL).title(format!(
        " {}/s, last {} (+/-) ",
        if filtered.is_some() {
            "matching"
        } else {
            "events"
        },
        humantime::format_duration(window)
    ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.width == 0 || inner.height == 0 {
        return;
    }
    let (buckets, span) = histogram.buckets(dash.now, window, inner.width as usize);
    let peak = buckets
        .iter()
        .map(|b| b.iter().sum::<u64>())
        .max()
        .unwrap_or(0)
        .max(1);
    let rows = inner.height as u64;
    // Stacked from the bottom: errors first (most visible), then warn, info, debug.
    let order = [5usize, 4, 3, 2, 1, 0];
    let mut lines = Vec::with_capacity(rows as usize);
    for r in (0..rows).rev() {
        let mut spans = Vec::with_capacity(buckets.len());
        for bucket in &buckets {
            let total: u64 = bucket.iter().sum();
            let height_cells = (total * rows).div_ceil(peak);
            if r >= height_cells {
                spans.push(Span::raw(" "));
                continue;
            }
            // The cell belongs to the first level (errors lowest) whose share of the
            // bar reaches above it.
            let mut acc = 0u64;
            let mut owner = 2;
            for &level in &order {
                acc += bucket[level];
                if acc * height_cells > r * total {
                    owner = level;
                    break;
                }
            }
            spans.push(Span::styled(
                "█",
                style(dash, Style::new().fg(level_color(Level::ALL[owner]))),
            ));
        }
        lines.push(Line::from(spans));
    }
    frame.render_widget(Paragraph::new(lines), inner);
    // On the bottom border: on the top one it covered the end of the title.
    let label = format!(" peak {}/{}s ", peak, span);
    let width = (label.width() as u16).min(inner.width);
    frame.render_widget(
        Paragraph::new(label),
        Rect {
            x: inner.x + inner.width - width,
            y: area.y + area.height.saturating_sub(1),
            width,
            height: 1,
        }
        .intersection(area),
    );
}

fn render_services(dash: &Dashboard, frame: &mut Frame, area: Rect) {
    let focused = matches!(dash.mode, Mode::Services { .. });
    let title = match (focused, dash.side) {
        (true, SidePanel::Services) => " top services (enter filters · tab hosts) ",
        (true, SidePanel::Hosts) => " top hosts (enter filters · tab patterns) ",
        (true, SidePanel::Patterns) => " patterns (enter shows · tab services) ",
        (false, SidePanel::Services) => " top services (tab) ",
        (false, SidePanel::Hosts) => " top hosts (tab) ",
        (false, SidePanel::Patterns) => " patterns (tab) ",
    };
    // A title that does not fit loses its key hints rather than being cut mid-word.
    let title = if title.width() + 2 <= area.width as usize {
        title
    } else {
        match dash.side {
            SidePanel::Services => " top services ",
            SidePanel::Hosts => " top hosts ",
            SidePanel::Patterns => " patterns ",
        }
    };
    let block = Block::default().borders(Borders::ALL).title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let selected = match dash.mode {
        Mode::Services { selected } => Some(selected),
        _ => None,
    };
    let width = inner.width as usize;
    let lines: Vec<Line> = if dash.side == SidePanel::Patterns {
        pattern_rows(dash, width, inner.height as usize)
    } else {
        service_rows(dash, width, inner.height as usize)
    };
    let lines = lines
        .into_iter()
        .enumerate()
        .map(|(i, line)| {
            if Some(i) == selected {
                line.style(Style::new().add_modifier(Modifier::REVERSED))
            } else {
                line
            }
        })
        .collect::<Vec<_>>();
    frame.render_widget(Paragraph::new(lines), inner);
}

fn service_rows(dash: &Dashboard, width: usize, rows: usize) -> Vec<Line<'static>> {
    let name_width = width.saturating_sub(15).max(4);
    dash.top_services()
        .into_iter()
        .take(rows)
        .map(|(service, events, errors)| {
            let share = errors as f64 * 100.0 / events.max(1) as f64;
            let error_style = if share >= 5.0 {
                Style::new().fg(Color::Red)
            } else {
                Style::new()
            };
            Line::from(vec![
                Span::raw(format!(
                    "{:<name_width$} {events:>7} ",
                    fit(&service, name_width)
                )),
                Span::styled(format!("{share:>4.0}%"), style(dash, error_style)),
            ])
        })
        .collect()
}

/// Count, a mark (`new` for patterns first seen in the last minutes, `↑N` for one whose
/// rate of the last minute is N times that before, `↑↑` from ten times), and the template.
fn pattern_rows(dash: &Dashboard, width: usize, rows: usize) -> Vec<Line<'static>> {
    let template_width = width.saturating_sub(12).max(4);
    dash.patterns
        .table
        .iter()
        .take(rows)
        .map(|p| {
            let mark = match p.spike {
                _ if dash.is_new(p) => "new".to_string(),
                Some(factor) if factor < 10.0 => format!("↑{factor:<2.0}"),
                Some(_) => "↑↑ ".to_string(),
                None => "   ".to_string(),
            };
            Line::from(vec![
                Span::raw(format!("{:>7} ", p.count)),
                Span::styled(
                    format!("{mark} "),
                    style(
                        dash,
                        Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
                    ),
                ),
                Span::raw(fit(&p.template, template_width)),
            ])
        })
        .collect()
}

/// A line being typed after its prompt, with the cursor placed in it.
fn typed_line<'a>(dash: &Dashboard, prompt: &'a str, text: &str) -> Line<'a> {
    Line::from(vec![
        Span::styled(
            prompt,
            style(
                dash,
                Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            ),
        ),
        Span::raw(text.to_string()),
    ])
}

fn place_cursor(frame: &mut Frame, area: Rect, prompt: &str, text: &str, cursor: usize) {
    let before: String = text.chars().take(cursor).collect();
    frame.set_cursor_position((area.x + (prompt.len() + before.width()) as u16, area.y));
}

fn render_filter(dash: &Dashboard, frame: &mut Frame, area: Rect) {
    match &dash.mode {
        Mode::FilterInput { text, cursor } => {
            let prompt = "filter / ";
            let mut lines = vec![typed_line(dash, prompt, text)];
            if let Some(error) = &dash.filter_error {
                lines.push(Line::styled(
                    format!(
                        "{}^ {} (the current filter stays until this parses)",
                        " ".repeat(prompt.len() + error.column),
                        error.message
                    ),
                    style(dash, Style::new().fg(Color::Red)),
                ));
            }
            frame.render_widget(Paragraph::new(lines), area);
            place_cursor(frame, area, prompt, text, *cursor);
        }
        Mode::FindInput { text, cursor } => {
            let prompt = "find / ";
            frame.render_widget(Paragraph::new(typed_line(dash, prompt, text)), area);
            place_cursor(frame, area, prompt, text, *cursor);
        }
        _ => {
            let mut text = if dash.filter.text.is_empty() {
                "(none: every event)".to_string()
            } else {
                dash.filter.text.clone()
            };
            if let Some((template, _)) = &dash.patterns.chosen {
                text.push_str(&format!("  · pattern: {template} (esc clears)"));
            }
            if let Some(found) = &dash.found {
                text.push_str(&format!("  · find: {} (n/N)", found.text));
            }
            frame.render_widget(
                Paragraph::new(Line::from(vec![
                    Span::styled("filter: ", style(dash, Style::new().fg(Color::DarkGray))),
                    Span::raw(text),
                ])),
                area,
            );
        }
    }
}

/// As many whole items of `items` joined by ` · ` as fit in `width` columns.
fn fitting_items(items: &[&str], width: usize) -> String {
    let mut text = String::new();
    for item in items {
        let extra = if text.is_empty() { 0 } else { 3 } + item.width();
        if text.width() + extra > width {
            break;
        }
        if !text.is_empty() {
            text.push_str(" · ");
        }
        text.push_str(item);
    }
    text
}

fn render_hints(dash: &Dashboard, frame: &mut Frame, area: Rect) {
    let items: &[&str] = match &dash.mode {
        Mode::FilterInput { .. } => &["enter apply", "tab complete", "esc cancel", "↑↓ history"],
        Mode::FindInput { .. } => &[
            "enter find (n older, N newer)",
            "tab complete",
            "esc cancel",
        ],
        Mode::Detail { .. } => &[
            "esc back",
            "t trace",
            "h host",
            "s service",
            "y copy JSON",
            "↑↓ scroll",
        ],
        Mode::Services { .. } => &[
            "↑↓ choose",
            "enter filter to it",
            "tab services/hosts/patterns",
            "esc back",
        ],
        _ => &[
            "q quit",
            "? help",
            "space pause",
            "/ filter",
            "1-6 levels",
            "enter detail",
            "tab services",
        ],
    };
    let text = match &dash.notice {
        Some(notice) => fit(notice, area.width as usize),
        None => fitting_items(items, area.width as usize),
    };
    frame.render_widget(
        Paragraph::new(Span::styled(
            text,
            style(dash, Style::new().fg(Color::DarkGray)),
        )),
        area,
    );
}
