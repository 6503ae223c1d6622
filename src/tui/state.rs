//! Everything the dashboard shows, as plain data: a bounded ring of recent events, the
//! filter, follow/pause/selection, the per-second histogram and pipeline health.

use super::feed::{FeedMessage, Health};
pub use super::histogram::level_index;
use super::histogram::Histogram;
use crate::event::{Level, LogEvent, Timestamp};
use crate::patterns::{LiveMiner, Pattern};
use crate::query::{matches, parse, Query, QueryError};
use std::collections::{BTreeMap, VecDeque};
use std::time::Duration;

/// Histogram windows that `+` and `-` step through.
pub const WINDOWS: [Duration; 5] = [
    Duration::from_secs(30),
    Duration::from_secs(60),
    Duration::from_secs(5 * 60),
    Duration::from_secs(15 * 60),
    Duration::from_secs(60 * 60),
];

pub struct Entry {
    /// Arrival number: identifies an entry for selection and pause.
    pub seq: u64,
    /// When the dashboard received it. Rates and "the window" go by arrival, so a
    /// producer that lags behind, a backfill or a skewed clock still shows live activity.
    pub arrived: Timestamp,
    /// Whether it arrived while the dashboard ran (not shown from what was stored before):
    /// only those count in rates.
    pub live: bool,
    pub event: LogEvent,
    /// Its template in the dashboard's pattern miner.
    pub pattern: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    Stream,
    /// Typing a filter; the text and where the cursor is (in chars).
    FilterInput {
        text: String,
        cursor: usize,
    },
    /// Typing what to find (`f`): the stream is not narrowed, the cursor jumps.
    FindInput {
        text: String,
        cursor: usize,
    },
    Detail {
        seq: u64,
        scroll: u16,
    },
    Services {
        selected: usize,
    },
    /// The keys, scrolled this many lines.
    Help {
        scroll: u16,
    },
}

pub struct Filter {
    pub text: String,
    pub query: Query,
}

/// What `f` looks for (the dashboard's find, `n`/`N` to move between its matches).
pub struct Find {
    pub text: String,
    pub query: Query,
}

/// What the side panel ranks (`tab` cycles).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SidePanel {
    Services,
    Hosts,
    Patterns,
}

/// A pattern first seen this recently is marked new in the patterns panel.
pub const NEW_PATTERN: Duration = Duration::from_secs(5 * 60);

/// Past this many templates the dashboard's miner starts over, so memory stays bounded
/// whatever the lines look like.
pub const MAX_TEMPLATES: usize = 5_000;
/// How often the patterns table is recomputed.
const PATTERNS_EVERY: Duration = Duration::from_millis(250);

/// The patterns of what arrived, mined as events arrive.
pub struct PatternWatch {
    pub miner: LiveMiner,
    /// The table shown, most frequent first, refreshed every `PATTERNS_EVERY`.
    pub table: Vec<Pattern>,
    /// Dashboard time of the last refresh (the clock `tick` gives, so tests are exact).
    refreshed: Option<Timestamp>,
    /// The pattern the stream is narrowed to: its template and the template indices that
    /// have that text.
    pub chosen: Option<(String, Vec<usize>)>,
}

pub struct Dashboard {
    pub entries: VecDeque<Entry>,
    pub capacity: usize,
    pub next_seq: u64,
    pub filter: Filter,
    /// The error of the filter being typed, if it does not parse.
    pub filter_error: Option<QueryError>,
    pub history: Vec<String>,
    pub history_pos: Option<usize>,
    /// Which levels show, trace..fatal (keys 1-6).
    pub levels: [bool; 6],
    pub mode: Mode,
    /// The selected entry; `None` follows the newest.
    pub selected: Option<u64>,
    /// While paused the stream shows nothing newer than this.
    pub paused_at: Option<u64>,
    pub arrived_while_paused: u64,
    pub histogram: Histogram,
    pub window: usize,
    pub health: Health,
    pub now: Timestamp,
    pub color: bool,
    pub quit: bool,
    /// A one-line notice (copied to the clipboard, ...), shown in the key bar.
    pub notice: Option<String>,
    /// What the side panel ranks.
    pub side: SidePanel,
    pub patterns: PatternWatch,
    /// What `f` last looked for (`n`/`N` look again).
    pub found: Option<Find>,
    /// Saved queries, so `@name` works in the filter too.
    pub saved: BTreeMap<String, String>,
}

impl Dashboard {
    pub fn new(capacity: usize, source: String, color: bool, now: Timestamp) -> Dashboard {
        Dashboard {
            entries: VecDeque::with_capacity(capacity.min(100_000)),
            capacity: capacity.max(1),
            next_seq: 0,
            filter: Filter {
                text: String::new(),
                query: Query::All,
            },
            filter_error: None,
            history: Vec::new(),
            history_pos: None,
            levels: [true; 6],
            mode: Mode::Stream,
            selected: None,
            paused_at: None,
            arrived_while_paused: 0,
            histogram: Histogram::default(),
            window: 1,
            health: Health {
                source,
                ..Health::default()
            },
            now,
            color,
            quit: false,
            notice: None,
            side: SidePanel::Services,
            patterns: PatternWatch {
                miner: LiveMiner::default(),
                table: Vec::new(),
                refreshed: None,
                chosen: None,
            },
            found: None,
            saved: BTreeMap::new(),
        }
    }

    /// Takes what the feed sent.
    pub fn absorb(&mut self, message: FeedMessage) {
        match message {
            FeedMessage::Events(events) => {
                for event in events {
                    self.push(event);
                }
            }
            FeedMessage::Backlog(events) => {
                for event in events {
                    self.keep(event, false);
                }
            }
            FeedMessage::Health(health) => self.health = health,
        }
    }

    /// An event arriving now.
    pub fn push(&mut self, event: LogEvent) {
        self.histogram.add(event.level, self.now);
        if self.paused_at.is_some() {
            self.arrived_while_paused += 1;
        }
        self.keep(event, true);
    }

    /// An event into the buffer (and the patterns); `live` when it is arriving now.
    fn keep(&mut self, event: LogEvent, live: bool) {
        if self.entries.len() >= self.capacity {
            self.entries.pop_front();
        }
        if self.patterns.miner.templates() >= MAX_TEMPLATES {
            // Bounded memory: start over (the panel says so by its counts).
            self.patterns.miner = LiveMiner::default();
            self.patterns.chosen = None;
        }
        let pattern = self.patterns.miner.add(&event);
        self.entries.push_back(Entry {
            seq: self.next_seq,
            arrived: self.now,
            live,
            event,
            pattern,
        });
        self.next_seq += 1;
    }

    pub fn tick(&mut self, now: Timestamp) {
        self.now = now;
        let watch = &mut self.patterns;
        let every = PATTERNS_EVERY.as_micros() as i64;
        if watch
            .refreshed
            .is_none_or(|at| now.micros() - at.micros() >= every || now < at)
        {
            watch.table = watch.miner.patterns(now);
            watch.refreshed = Some(now);
            if self.narrowed() {
                self.patterns.table = self.filtered_patterns();
            }
        }
        self.histogram
            .forget_before(now, WINDOWS[WINDOWS.len() - 1]);
    }

    pub fn window(&self) -> Duration {
        WINDOWS[self.window.min(WINDOWS.len() - 1)]
    }

    fn shows(&self, entry: &Entry) -> bool {
        self.paused_at.is_none_or(|mark| entry.seq <= mark)
            && self
                .patterns
                .chosen
                .as_ref()
                .is_none_or(|(_, templates)| templates.contains(&entry.pattern))
            && self.filtered_in(entry)
    }

    /// Whether the filter and the level keys let `entry` through: what the side panels
    /// count, so that choosing a row there never leads to an empty stream.
    fn filtered_in(&self, entry: &Entry) -> bool {
        self.levels[level_index(entry.event.level)] && matches(&self.filter.query, &entry.event)
    }

    /// The histogram of the buffered events that arrived live and that the filter and the
    /// level keys let through; `None` when nothing is left out (the full histogram then
    /// counts every arrival, also those the buffer no longer holds).
    pub fn filtered_histogram(&self) -> Option<Histogram> {
        if !self.narrowed() {
            return None;
        }
        let mut histogram = Histogram::default();
        for entry in self
            .entries
            .iter()
            .filter(|e| e.live && self.filtered_in(e))
        {
            histogram.add(entry.event.level, entry.arrived);
        }
        Some(histogram)
    }

    /// Whether the filter or the level keys leave anything out.
    pub fn narrowed(&self) -> bool {
        !matches!(self.filter.query, Query::All) || self.levels.iter().any(|shown| !shown)
    }

    /// The pattern table counted over the buffered events the filter lets through (the
    /// miner's counts cover every event seen): patterns none of them has are left out.
    fn filtered_patterns(&self) -> Vec<Pattern> {
        // Texts computed once: each merges every template, so not once per pattern.
        let texts = self.patterns.miner.template_texts();
        let mut per_text: std::collections::HashMap<&str, u64> = Default::default();
        for entry in self.entries.iter().filter(|e| self.filtered_in(e)) {
            if let Some(text) = texts.get(entry.pattern) {
                *per_text.entry(text.as_str()).or_default() += 1;
            }
        }
        let mut table: Vec<Pattern> = self
            .patterns
            .table
            .iter()
            .filter_map(|pattern| {
                let count = per_text
                    .get(pattern.template.as_str())
                    .copied()
                    .unwrap_or(0);
                (count > 0).then(|| Pattern {
                    count,
                    ..pattern.clone()
                })
            })
            .collect();
        table.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then_with(|| a.template.cmp(&b.template))
        });
        table
    }

    /// The pattern table counted again at the next tick (the filter or levels changed).
    pub fn recount_patterns(&mut self) {
        self.patterns.refreshed = None;
    }

    /// Narrows the stream to the pattern with this template.
    pub fn choose_pattern(&mut self, template: &str) {
        let templates = self.patterns.miner.templates_like(template);
        self.patterns.chosen = Some((template.to_string(), templates));
        self.follow();
    }

    /// Patterns first seen this recently are marked new.
    pub fn is_new(&self, pattern: &Pattern) -> bool {
        self.now.micros() - pattern.first_seen.micros() < NEW_PATTERN.as_micros() as i64
    }

    /// Shown entries, newest first.
    pub fn shown(&self) -> impl Iterator<Item = &Entry> + '_ {
        self.entries.iter().rev().filter(|e| self.shows(e))
    }

    pub fn entry(&self, seq: u64) -> Option<&Entry> {
        let first = self.entries.front()?.seq;
        let index = seq.checked_sub(first)?;
        self.entries.get(usize::try_from(index).ok()?)
    }

    /// The entry the cursor is on: the selected one, or the newest shown.
    pub fn current(&self) -> Option<&Entry> {
        match self.selected {
            Some(seq) => self.entry(seq),
            None => self.shown().next(),
        }
    }

    pub fn toggle_pause(&mut self) {
        if self.paused_at.is_some() {
            self.paused_at = None;
            self.arrived_while_paused = 0;
        } else {
            self.paused_at = Some(self.next_seq.saturating_sub(1));
        }
    }

    /// Moves the selection `steps` entries older (positive) or newer (negative). Leaving
    /// the newest stops following; reaching it again follows.
    pub fn move_selection(&mut self, steps: isize) {
        let shown: Vec<u64> = self.shown().map(|e| e.seq).collect();
        if shown.is_empty() {
            return;
        }
        let position = match self.selected {
            None => 0,
            Some(seq) => shown.iter().position(|&s| s == seq).unwrap_or(0),
        };
        let target = position.saturating_add_signed(steps).min(shown.len() - 1);
        if target == 0 && steps < 0 {
            self.follow();
        } else if target != 0 || self.selected.is_some() {
            self.selected = Some(shown[target]);
            if self.paused_at.is_none() {
                // Reading back in time: hold the stream still so the rows don't run away.
                self.paused_at = Some(self.next_seq.saturating_sub(1));
            }
        }
    }

    pub fn select_oldest(&mut self) {
        if let Some(oldest) = self.shown().last().map(|e| e.seq) {
            self.selected = Some(oldest);
            if self.paused_at.is_none() {
                self.paused_at = Some(self.next_seq.saturating_sub(1));
            }
        }
    }

    /// Back to the newest event, following again.
    pub fn follow(&mut self) {
        self.selected = None;
        self.paused_at = None;
        self.arrived_while_paused = 0;
    }

    pub fn following(&self) -> bool {
        self.selected.is_none() && self.paused_at.is_none()
    }

    /// Validates what is being typed; the current filter stays until it parses.
    pub fn check_filter(&mut self, text: &str) {
        self.filter_error = parse_filter(text, &self.saved, self.now).err();
    }

    /// Applies a filter that parses; returns false (keeping the old one) if it does not.
    pub fn apply_filter(&mut self, text: &str) -> bool {
        match parse_filter(text, &self.saved, self.now) {
            Ok(query) => {
                self.filter = Filter {
                    text: text.to_string(),
                    query,
                };
                self.filter_error = None;
                if !text.trim().is_empty() && self.history.last().is_none_or(|last| last != text) {
                    self.history.push(text.to_string());
                }
                self.history_pos = None;
                self.selected = None;
                self.recount_patterns();
                true
            }
            Err(e) => {
                self.filter_error = Some(e);
                false
            }
        }
    }

    /// Events per service (or host) that arrived in the histogram window, among those the
    /// buffer holds and the filter and level keys let through: (name, events, errors), most
    /// events first.
    pub fn top_services(&self) -> Vec<(String, u64, u64)> {
        let by_host = self.side == SidePanel::Hosts;
        let since = self.now.micros() - self.window().as_micros() as i64;
        let mut counts: std::collections::HashMap<&str, (u64, u64)> = Default::default();
        for entry in &self.entries {
            if entry.arrived.micros() < since || !self.filtered_in(entry) {
                continue;
            }
            let name = if by_host {
                entry.event.host.as_str()
            } else {
                entry.event.service.as_str()
            };
            let slot = counts.entry(name).or_default();
            slot.0 += 1;
            if entry.event.level >= Level::Error {
                slot.1 += 1;
            }
        }
        let mut sorted: Vec<(String, u64, u64)> = counts
            .into_iter()
            .map(|(s, (n, e))| (s.to_string(), n, e))
            .collect();
        sorted.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        sorted
    }
}

fn parse_filter(
    text: &str,
    saved: &BTreeMap<String, String>,
    now: Timestamp,
) -> Result<Query, QueryError> {
    if text.trim().is_empty() {
        return Ok(Query::All);
    }
    let expanded = crate::query::saved::expand(text, saved).map_err(|e| QueryError {
        query: text.to_string(),
        column: text.find('@').unwrap_or(0),
        message: e.to_string(),
    })?;
    parse(&expanded, now).map_err(|e| {
        if expanded == text {
            e
        } else {
            // Columns of the expanded text would point into the wrong place.
            QueryError {
                query: text.to_string(),
                column: 0,
                message: format!("{} (in the saved queries it names)", e.message),
            }
        }
    })
}
