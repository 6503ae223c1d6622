//! `query -C/-B/-A N`: the events around each match, as `grep -C` shows the lines around
//! one. An event's neighbours are those of its own stream (the same service on the same
//! host and, for lines shipped from a file, the same file), next to it in time order (ties
//! in arrival order), whatever the query: the lines a person would read above and below
//! it in the log it came from.

use crate::backend::embedded::{Hit, Order, StoreReader};
use crate::event::{LogEvent, Timestamp, FILE_PATH_KEY};
use crate::query::ast::{Clause, Literal, Range, Test};
use crate::query::{Query, Target};
use anyhow::Result;
use std::collections::HashSet;
use std::ops::Bound;

/// How many events to show before and after each match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Around {
    pub before: usize,
    pub after: usize,
}

impl Around {
    /// From `-C`, `-B` and `-A`: `-B`/`-A` win over `-C` on their side.
    pub fn of(
        context: Option<usize>,
        before: Option<usize>,
        after: Option<usize>,
    ) -> Option<Around> {
        let around = Around {
            before: before.or(context).unwrap_or(0),
            after: after.or(context).unwrap_or(0),
        };
        (around.before > 0 || around.after > 0).then_some(around)
    }
}

/// Where an event printed with context stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Before,
    Match,
    After,
}

impl Place {
    /// The member added to a context event's JSON (`None` for a match).
    pub fn name(self) -> Option<&'static str> {
        match self {
            Place::Before => Some("before"),
            Place::Match => None,
            Place::After => Some("after"),
        }
    }
}

/// One match with its neighbours, oldest first; each event once across all the groups (an
/// event already shown, or a match shown as another's neighbour, is not shown again).
pub struct Group {
    pub events: Vec<(Place, Hit)>,
}

/// The groups of `matches` (in the order they are printed), from `reader`.
pub fn groups(reader: &StoreReader, matches: &[Hit], around: Around) -> Result<Vec<Group>> {
    let match_seqs: HashSet<u64> = matches.iter().map(|h| h.seq).collect();
    let mut shown: HashSet<u64> = HashSet::new();
    let mut groups = Vec::new();
    for hit in matches {
        let event = hit.event();
        let stream = stream_of(&event);
        let mut before = neighbours(
            reader,
            &stream,
            &event,
            hit.seq,
            around.before,
            Side::Before,
        )?;
        before.reverse();
        let after = neighbours(reader, &stream, &event, hit.seq, around.after, Side::After)?;
        let mut events = Vec::new();
        let placed = before
            .into_iter()
            .map(|h| (Place::Before, h))
            .chain(std::iter::once((Place::Match, hit.clone())))
            .chain(after.into_iter().map(|h| (Place::After, h)));
        for (place, neighbour) in placed {
            if !shown.insert(neighbour.seq) {
                continue;
            }
            // A neighbour that is itself a match is shown as one.
            let place = if match_seqs.contains(&neighbour.seq) {
                Place::Match
            } else {
                place
            };
            events.push((place, neighbour));
        }
        if !events.is_empty() {
            groups.push(Group { events });
        }
    }
    Ok(groups)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Before,
    After,
}

/// The events of `event`'s stream: its service and host, and its file when it has one.
fn stream_of(event: &LogEvent) -> Query {
    let equals = |target: Target, text: &str| {
        Query::Clause(Clause {
            target,
            test: Test::Equals(Literal {
                text: text.to_owned(),
                number: None,
            }),
        })
    };
    let mut stream = equals(Target::Service, &event.service).and(equals(Target::Host, &event.host));
    let file = event.fields.get(FILE_PATH_KEY).and_then(|v| v.as_str());
    stream = match file {
        Some(path) => stream.and(equals(Target::Field(FILE_PATH_KEY.into()), path)),
        None => stream.and(Query::Not(Box::new(Query::Clause(Clause {
            target: Target::Field(FILE_PATH_KEY.into()),
            test: Test::Exists,
        })))),
    };
    stream
}

/// Up to `n` events of `stream` next to the event at (`at`, `seq`) on `side`, nearest
/// first. Events at the same time are ordered by arrival, as the store orders them.
fn neighbours(
    reader: &StoreReader,
    stream: &Query,
    event: &LogEvent,
    seq: u64,
    n: usize,
    side: Side,
) -> Result<Vec<Hit>> {
    if n == 0 {
        return Ok(Vec::new());
    }
    // Near the match first: a time window lets the store pass over every block outside
    // it; widened until `n` neighbours are found, the last window has no end.
    for window in WINDOWS_SECONDS {
        let window = window.map(|s| s * 1_000_000);
        let found = within(reader, stream, (event.timestamp, seq), n, side, window)?;
        if found.len() == n || window.is_none() {
            return Ok(found);
        }
    }
    Ok(Vec::new())
}

/// How far from the match neighbours are looked for, in turn (`None`: any distance).
const WINDOWS_SECONDS: [Option<i64>; 4] = [Some(60), Some(3600), Some(86_400 * 7), None];

/// `neighbours` at most `window` microseconds away from the match at (`at`, `seq`).
fn within(
    reader: &StoreReader,
    stream: &Query,
    (at, seq): (Timestamp, u64),
    n: usize,
    side: Side,
    window: Option<i64>,
) -> Result<Vec<Hit>> {
    let far = |sign: i64| match window {
        Some(w) => Bound::Included(Timestamp(at.0.saturating_add(sign * w))),
        None => Bound::Unbounded,
    };
    let (range, order) = match side {
        Side::Before => (
            Range::Time(far(-1), Bound::Included(at)),
            Order::NewestFirst,
        ),
        Side::After => (Range::Time(Bound::Included(at), far(1)), Order::OldestFirst),
    };
    let query = stream.clone().and(Query::Clause(Clause {
        target: Target::Timestamp,
        test: Test::Range(range),
    }));
    let beyond = |time: Timestamp, other: u64| match side {
        Side::Before => (time, other) < (at, seq),
        Side::After => (time, other) > (at, seq),
    };
    // Events at the match's own time may come first in the answer: ask for more until
    // `n` lie beyond the match or the window holds no more.
    let mut asked = n + 16;
    loop {
        let hits = reader.search(&query, order, Some(asked))?;
        let ended = hits.len() < asked;
        let found: Vec<Hit> = hits
            .into_iter()
            .filter(|h| beyond(h.event().timestamp, h.seq))
            .take(n)
            .collect();
        if found.len() == n || ended {
            return Ok(found);
        }
        asked *= 4;
    }
}

/// `source` (an event's canonical JSON object) with `"context":"before"` or `"after"`.
pub fn marked_json(source: &str, place: Place) -> String {
    match place.name() {
        Some(name) => match source.trim_end().strip_suffix('}') {
            Some(open) if open.trim_end().ends_with('{') => {
                format!("{open}\"context\":\"{name}\"}}")
            }
            Some(open) => format!("{open},\"context\":\"{name}\"}}"),
            None => source.to_owned(),
        },
        None => source.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_combine_as_grep_s_do() {
        assert_eq!(Around::of(None, None, None), None);
        assert_eq!(
            Around::of(Some(2), None, None),
            Some(Around {
                before: 2,
                after: 2
            })
        );
        assert_eq!(
            Around::of(Some(2), Some(0), None),
            Some(Around {
                before: 0,
                after: 2
            })
        );
        assert_eq!(
            Around::of(None, None, Some(3)),
            Some(Around {
                before: 0,
                after: 3
            })
        );
        assert_eq!(
            marked_json(r#"{"message":"x"}"#, Place::Before),
            r#"{"message":"x","context":"before"}"#
        );
        assert_eq!(
            marked_json(r#"{"message":"x"}"#, Place::Match),
            r#"{"message":"x"}"#
        );
    }
}
