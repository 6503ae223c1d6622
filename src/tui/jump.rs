//! Jumping through the stream: to the next error, or to the next event a find query
//! matches (`f`, then `n`/`N`), without narrowing what the stream shows.

use super::state::{Dashboard, Entry, Find};
use crate::event::Level;
use crate::query::{matches, parse, QueryError};

/// Which way a jump goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Toward {
    Older,
    Newer,
}

impl Dashboard {
    /// Selects the nearest shown entry `toward` older or newer events that `wanted` accepts;
    /// says so on the key bar when there is none.
    fn jump(&mut self, toward: Toward, what: &str, wanted: impl Fn(&Entry) -> bool) {
        let shown: Vec<(u64, bool)> = self.shown().map(|e| (e.seq, wanted(e))).collect();
        let position = self
            .selected
            .and_then(|seq| shown.iter().position(|&(s, _)| s == seq));
        let found = match (toward, position) {
            // Following: the newest shown entry is a candidate too.
            (Toward::Older, None) => shown.iter().position(|&(_, hit)| hit),
            (Toward::Older, Some(at)) => shown
                .iter()
                .skip(at + 1)
                .position(|&(_, hit)| hit)
                .map(|i| i + at + 1),
            (Toward::Newer, None) => None,
            (Toward::Newer, Some(at)) => shown[..at].iter().rposition(|&(_, hit)| hit),
        };
        match found {
            Some(at) => {
                self.selected = Some(shown[at].0);
                if self.paused_at.is_none() {
                    // Reading back in time: hold the stream still.
                    self.paused_at = Some(self.next_seq.saturating_sub(1));
                }
            }
            None => {
                let way = match toward {
                    Toward::Older => "older",
                    Toward::Newer => "newer",
                };
                self.notice = Some(format!("no {way} {what} in the buffer"));
            }
        }
    }

    /// `e` / `E`: the next error (or fatal) event.
    pub fn jump_to_error(&mut self, toward: Toward) {
        self.jump(toward, "error", |e| e.event.level >= Level::Error);
    }

    /// `f` then enter: looks for `text` from the current event on; an error when it does
    /// not parse.
    pub fn find(&mut self, text: &str) -> Result<(), QueryError> {
        let expanded = crate::query::saved::expand(text, &self.saved).map_err(|e| QueryError {
            query: text.to_string(),
            column: text.find('@').unwrap_or(0),
            message: e.to_string(),
        })?;
        let query = parse(&expanded, self.now)?;
        self.found = Some(Find {
            text: text.to_string(),
            query,
        });
        self.find_next(Toward::Older);
        Ok(())
    }

    /// `n` / `N`: the next event the find query matches.
    pub fn find_next(&mut self, toward: Toward) {
        let Some(found) = self.found.take() else {
            self.notice = Some("nothing to find yet: f, then a query".into());
            return;
        };
        let what = format!("match for {}", found.text);
        self.jump(toward, &what, |e| matches(&found.query, &e.event));
        self.found = Some(found);
    }
}
