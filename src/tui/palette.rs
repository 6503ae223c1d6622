//! Colors of the dashboard, and the one place NO_COLOR is honoured.

use super::state::Dashboard;
use crate::event::Level;
use ratatui::style::{Color, Style};

/// `style` as the terminal may show it: without colors under NO_COLOR.
pub fn style(dash: &Dashboard, style: Style) -> Style {
    if dash.color {
        style
    } else {
        // NO_COLOR: keep emphasis (bold, reverse), drop colours.
        Style {
            fg: None,
            bg: None,
            ..style
        }
    }
}

pub fn level_color(level: Level) -> Color {
    match level {
        Level::Trace => Color::DarkGray,
        Level::Debug => Color::Blue,
        Level::Info => Color::Green,
        Level::Warn => Color::Yellow,
        Level::Error => Color::Red,
        Level::Fatal => Color::Magenta,
    }
}
