//! `logagg dash`: the live terminal dashboard. State (`state`), key handling (`keys`),
//! drawing (`view`) and the sources that feed it (`feed`) are kept apart; `run` ties them
//! together on a frame tick.

mod complete;
pub mod feed;
pub mod histogram;
mod jump;
pub mod keys;
mod overlays;
mod palette;
pub mod state;
pub mod view;

#[cfg(test)]
mod tests;

use feed::FeedMessage;
use state::Dashboard;
use std::sync::mpsc::Receiver;
use std::time::Duration;

/// How long the loop waits for a key before drawing the next frame (about 20 frames/s).
const FRAME: Duration = Duration::from_millis(50);

/// Runs the dashboard until the user quits or `stop` says so. The terminal is restored on
/// every way out, a panic included (`ratatui::init` installs that hook).
/// Runs the dashboard until it quits or `stop` says so; returns it, as it ended (the
/// filters typed are in its history).
pub fn run(
    mut dashboard: Dashboard,
    feed: Receiver<FeedMessage>,
    stop: impl Fn() -> bool,
) -> anyhow::Result<Dashboard> {
    let mut terminal = ratatui::init();
    let outcome = event_loop(&mut terminal, &mut dashboard, &feed, stop);
    ratatui::restore();
    outcome.map(|()| dashboard)
}

fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    dashboard: &mut Dashboard,
    feed: &Receiver<FeedMessage>,
    stop: impl Fn() -> bool,
) -> anyhow::Result<()> {
    use ratatui::crossterm::event::{self, Event, KeyEventKind};
    while !dashboard.quit && !stop() {
        dashboard.tick(crate::event::Timestamp::now());
        while let Ok(message) = feed.try_recv() {
            dashboard.absorb(message);
        }
        let mut page = 10;
        terminal.draw(|frame| {
            page = view::render(dashboard, frame);
        })?;
        if event::poll(FRAME)? {
            match event::read()? {
                Event::Key(key) if key.kind != KeyEventKind::Release => {
                    keys::handle(dashboard, key, page);
                }
                _ => {}
            }
        }
    }
    Ok(())
}
