//! Keys to state changes. Pure: no terminal, so key sequences are unit-tested.

use super::jump::Toward;
use super::state::{Dashboard, Mode, SidePanel, WINDOWS};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Applies one key. `page` is how many rows the stream showed in the last frame.
pub fn handle(dash: &mut Dashboard, key: KeyEvent, page: usize) {
    dash.notice = None;
    if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
        dash.quit = true;
        return;
    }
    match dash.mode.clone() {
        Mode::Stream => stream_key(dash, key, page),
        Mode::FilterInput { text, cursor } => filter_key(dash, key, text, cursor),
        Mode::FindInput { text, cursor } => find_key(dash, key, text, cursor),
        Mode::Detail { seq, scroll } => detail_key(dash, key, seq, scroll),
        Mode::Services { selected } => services_key(dash, key, selected),
        Mode::Help { scroll } => {
            // j/k (and the arrows) scroll a help longer than the terminal; any other key closes.
            dash.mode = match key.code {
                KeyCode::Down | KeyCode::Char('j') | KeyCode::PageDown => Mode::Help {
                    scroll: scroll.saturating_add(1),
                },
                KeyCode::Up | KeyCode::Char('k') | KeyCode::PageUp => Mode::Help {
                    scroll: scroll.saturating_sub(1),
                },
                _ => Mode::Stream,
            }
        }
    }
}

fn stream_key(dash: &mut Dashboard, key: KeyEvent, page: usize) {
    let page = page.max(1) as isize;
    match key.code {
        KeyCode::Char('q') => dash.quit = true,
        KeyCode::Char(' ') => dash.toggle_pause(),
        KeyCode::Up | KeyCode::Char('k') => dash.move_selection(1),
        KeyCode::Down | KeyCode::Char('j') => dash.move_selection(-1),
        KeyCode::PageUp => dash.move_selection(page),
        KeyCode::PageDown => dash.move_selection(-page),
        KeyCode::Home | KeyCode::Char('g') => dash.select_oldest(),
        KeyCode::End | KeyCode::Char('G') => dash.follow(),
        KeyCode::Char('/') => {
            let text = dash.filter.text.clone();
            let cursor = text.chars().count();
            dash.check_filter(&text);
            dash.mode = Mode::FilterInput { text, cursor };
        }
        KeyCode::Char('f') => {
            let text = dash
                .found
                .as_ref()
                .map(|f| f.text.clone())
                .unwrap_or_default();
            let cursor = text.chars().count();
            dash.mode = Mode::FindInput { text, cursor };
        }
        KeyCode::Char('n') => dash.find_next(Toward::Older),
        KeyCode::Char('N') => dash.find_next(Toward::Newer),
        KeyCode::Char('e') => dash.jump_to_error(Toward::Older),
        KeyCode::Char('E') => dash.jump_to_error(Toward::Newer),
        KeyCode::Char(c @ '1'..='6') => {
            let index = (c as usize) - ('1' as usize);
            dash.levels[index] = !dash.levels[index];
            dash.recount_patterns();
        }
        KeyCode::Char('+') | KeyCode::Char('=') => {
            dash.window = (dash.window + 1).min(WINDOWS.len() - 1)
        }
        KeyCode::Char('-') => dash.window = dash.window.saturating_sub(1),
        KeyCode::Enter => {
            if let Some(seq) = dash.current().map(|e| e.seq) {
                dash.mode = Mode::Detail { seq, scroll: 0 };
            }
        }
        KeyCode::Tab => dash.mode = Mode::Services { selected: 0 },
        KeyCode::Char('?') => dash.mode = Mode::Help { scroll: 0 },
        // `esc` undoes a narrowing: the pattern first, then the filter.
        KeyCode::Esc if dash.patterns.chosen.is_some() => dash.patterns.chosen = None,
        KeyCode::Esc if !dash.filter.text.is_empty() => {
            dash.apply_filter("");
        }
        _ => {}
    }
}

fn filter_key(dash: &mut Dashboard, key: KeyEvent, mut text: String, mut cursor: usize) {
    match key.code {
        KeyCode::Enter => {
            if dash.apply_filter(&text) {
                dash.mode = Mode::Stream;
            }
            return;
        }
        KeyCode::Esc => {
            dash.filter_error = None;
            dash.history_pos = None;
            dash.mode = Mode::Stream;
            return;
        }
        KeyCode::Up | KeyCode::Down => {
            if dash.history.is_empty() {
                return;
            }
            let last = dash.history.len() - 1;
            let position = match (dash.history_pos, key.code) {
                (None, KeyCode::Up) => Some(last),
                (None, _) => None,
                (Some(p), KeyCode::Up) => Some(p.saturating_sub(1)),
                (Some(p), _) if p < last => Some(p + 1),
                (Some(_), _) => None,
            };
            dash.history_pos = position;
            text = position
                .and_then(|p| dash.history.get(p).cloned())
                .unwrap_or_default();
            cursor = text.chars().count();
        }
        KeyCode::Tab => complete_word(dash, &mut text, &mut cursor),
        _ if edit_line(key, &mut text, &mut cursor) => {}
        _ => return,
    }
    dash.check_filter(&text);
    dash.mode = Mode::FilterInput { text, cursor };
}

/// Tab: the word at the cursor completed from the events held (see `complete`); the
/// choices left, or that there were none, in the key bar.
fn complete_word(dash: &mut Dashboard, text: &mut String, cursor: &mut usize) {
    let (word, done) = super::complete::complete(
        text,
        *cursor,
        dash.entries.iter().map(|e| &e.event),
        dash.saved.keys().map(String::as_str),
    );
    dash.notice = done.notice(&word);
    *text = done.text;
    *cursor = done.cursor;
}

fn find_key(dash: &mut Dashboard, key: KeyEvent, mut text: String, mut cursor: usize) {
    match key.code {
        KeyCode::Enter => match dash.find(&text) {
            Ok(()) => dash.mode = Mode::Stream,
            Err(e) => {
                dash.notice = Some(format!(
                    "cannot find: {} (column {})",
                    e.message,
                    e.column + 1
                ))
            }
        },
        KeyCode::Esc => dash.mode = Mode::Stream,
        KeyCode::Tab => {
            complete_word(dash, &mut text, &mut cursor);
            dash.mode = Mode::FindInput { text, cursor };
        }
        _ => {
            if edit_line(key, &mut text, &mut cursor) {
                dash.mode = Mode::FindInput { text, cursor };
            }
        }
    }
}

/// The editing keys of a line being typed; false for any other key.
fn edit_line(key: KeyEvent, text: &mut String, cursor: &mut usize) -> bool {
    match key.code {
        KeyCode::Char(c) => {
            let at = byte_index(text, *cursor);
            text.insert(at, c);
            *cursor += 1;
        }
        KeyCode::Backspace if *cursor > 0 => {
            let at = byte_index(text, *cursor - 1);
            text.remove(at);
            *cursor -= 1;
        }
        KeyCode::Delete if *cursor < text.chars().count() => {
            let at = byte_index(text, *cursor);
            text.remove(at);
        }
        KeyCode::Left => *cursor = cursor.saturating_sub(1),
        KeyCode::Right => *cursor = (*cursor + 1).min(text.chars().count()),
        KeyCode::Home => *cursor = 0,
        KeyCode::End => *cursor = text.chars().count(),
        _ => return false,
    }
    true
}

fn byte_index(text: &str, chars: usize) -> usize {
    text.char_indices()
        .nth(chars)
        .map_or(text.len(), |(i, _)| i)
}

fn detail_key(dash: &mut Dashboard, key: KeyEvent, seq: u64, scroll: u16) {
    let Some(event) = dash.entry(seq).map(|e| e.event.clone()) else {
        dash.mode = Mode::Stream;
        return;
    };
    let context =
        |field: &str, value: &str| format!("{field}:{}", crate::query::escape_term(value, false));
    match key.code {
        KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q') => dash.mode = Mode::Stream,
        KeyCode::Down | KeyCode::Char('j') => {
            dash.mode = Mode::Detail {
                seq,
                scroll: scroll.saturating_add(1),
            }
        }
        KeyCode::Up | KeyCode::Char('k') => {
            dash.mode = Mode::Detail {
                seq,
                scroll: scroll.saturating_sub(1),
            }
        }
        // Context: the events around this one from the same trace, host or service.
        KeyCode::Char('t') | KeyCode::Char('h') | KeyCode::Char('s') | KeyCode::Char('c') => {
            let filter = match key.code {
                KeyCode::Char('t') => event.trace_id.as_deref().map(|t| context("trace_id", t)),
                KeyCode::Char('h') => Some(context("host", &event.host)),
                KeyCode::Char('s') => Some(context("service", &event.service)),
                // `c` alone: the trace when there is one, else the service.
                _ => Some(match event.trace_id.as_deref() {
                    Some(t) => context("trace_id", t),
                    None => context("service", &event.service),
                }),
            };
            match filter {
                Some(filter) => {
                    dash.apply_filter(&filter);
                    dash.selected = Some(seq);
                    dash.mode = Mode::Stream;
                }
                None => dash.notice = Some("this event has no trace_id".into()),
            }
        }
        KeyCode::Char('y') => {
            dash.notice = Some(match copy_to_clipboard(&event.to_json()) {
                Ok(()) => "copied the event as JSON (OSC 52)".into(),
                Err(e) => format!("cannot copy: {e}"),
            });
        }
        _ => {}
    }
}

fn services_key(dash: &mut Dashboard, key: KeyEvent, selected: usize) {
    let rows = match dash.side {
        SidePanel::Patterns => dash.patterns.table.len(),
        _ => dash.top_services().len(),
    };
    match key.code {
        KeyCode::Esc | KeyCode::Char('q') => dash.mode = Mode::Stream,
        // `tab` cycles what the panel ranks: services, hosts, patterns.
        KeyCode::Tab => {
            dash.side = match dash.side {
                SidePanel::Services => SidePanel::Hosts,
                SidePanel::Hosts => SidePanel::Patterns,
                SidePanel::Patterns => SidePanel::Services,
            };
            dash.mode = Mode::Services { selected: 0 };
        }
        KeyCode::Down | KeyCode::Char('j') => {
            dash.mode = Mode::Services {
                selected: (selected + 1).min(rows.saturating_sub(1)),
            };
        }
        KeyCode::Up | KeyCode::Char('k') => {
            dash.mode = Mode::Services {
                selected: selected.saturating_sub(1),
            }
        }
        KeyCode::Char('h') => {
            dash.side = match dash.side {
                SidePanel::Hosts => SidePanel::Services,
                _ => SidePanel::Hosts,
            };
            dash.mode = Mode::Services { selected: 0 };
        }
        KeyCode::Enter => {
            match dash.side {
                SidePanel::Patterns => {
                    if let Some(template) = dash
                        .patterns
                        .table
                        .get(selected)
                        .map(|p| p.template.clone())
                    {
                        dash.choose_pattern(&template);
                    }
                }
                side => {
                    if let Some((name, _, _)) = dash.top_services().get(selected) {
                        let field = if side == SidePanel::Hosts {
                            "host"
                        } else {
                            "service"
                        };
                        let filter = format!("{field}:{}", crate::query::escape_term(name, false));
                        dash.apply_filter(&filter);
                    }
                }
            }
            dash.mode = Mode::Stream;
        }
        _ => {}
    }
}

/// OSC 52 asks the terminal (also over SSH and in tmux with set-clipboard) to put text on
/// the clipboard; terminals without it ignore the sequence.
fn copy_to_clipboard(text: &str) -> std::io::Result<()> {
    use base64::Engine;
    use std::io::Write;
    let encoded = base64::engine::general_purpose::STANDARD.encode(text);
    let mut out = std::io::stdout();
    write!(out, "\x1b]52;c;{encoded}\x07")?;
    out.flush()
}
