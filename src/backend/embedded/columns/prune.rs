//! What a block's index entry and summary say a query can find in it: pruning that is only
//! ever conservative (`false` only when no event of the block can match), and which parts
//! of its events a query needs decoded.

use super::block::{self, Parts};
use super::fields::holds_path;
use super::part::BlockEntry;
use crate::query::ast::Range;
use crate::query::{Clause, Query, Target, Test};

/// Whether a block with this index entry can hold a match (`false` only when it cannot).
pub fn may_match(query: &Query, entry: &BlockEntry) -> bool {
    match query {
        Query::All | Query::Not(_) => true,
        Query::And(all) => all.iter().all(|q| may_match(q, entry)),
        Query::Or(any) => any.iter().any(|q| may_match(q, entry)),
        Query::Clause(Clause { target, test }) => {
            let value = match target {
                Target::Service => &entry.service,
                Target::Host => &entry.host,
                Target::Level => {
                    return match test {
                        Test::Equals(literal) => crate::event::Level::ALL
                            .iter()
                            .find(|l| l.as_str() == literal.text)
                            .is_none_or(|l| entry.levels[l.rank() as usize] > 0),
                        _ => true,
                    }
                }
                // A time range passes over every block whose events all lie outside it
                // (`--since`, `--until`, the windows `-C` looks in).
                Target::Timestamp => {
                    return match test {
                        Test::Range(Range::Time(lo, hi)) => {
                            overlaps(entry.oldest, entry.newest, lo, hi)
                        }
                        _ => true,
                    }
                }
                _ => return true,
            };
            match test {
                Test::Equals(literal) => *value == literal.text,
                Test::Pattern(wildcard) => wildcard.matches(value),
                _ => true,
            }
        }
    }
}

/// Whether some time in `oldest..=newest` lies within the bounds.
fn overlaps(
    oldest: crate::event::Timestamp,
    newest: crate::event::Timestamp,
    lo: &std::ops::Bound<crate::event::Timestamp>,
    hi: &std::ops::Bound<crate::event::Timestamp>,
) -> bool {
    use std::ops::Bound::*;
    let above_lo = match lo {
        Included(t) => newest >= *t,
        Excluded(t) => newest > *t,
        Unbounded => true,
    };
    let below_hi = match hi {
        Included(t) => oldest <= *t,
        Excluded(t) => oldest < *t,
        Unbounded => true,
    };
    above_lo && below_hi
}

/// Whether a block whose keys are `summary.fields` can hold a match (`false` only when it
/// cannot): a clause on a `fields` path needs a key that can hold the path, and a numeric
/// range needs a number of such a key inside the range.
pub fn fields_may_match(query: &Query, summary: &block::Summary) -> bool {
    match query {
        Query::All | Query::Not(_) => true,
        Query::And(all) => all.iter().all(|q| fields_may_match(q, summary)),
        Query::Or(any) => any.iter().any(|q| fields_may_match(q, summary)),
        Query::Clause(Clause {
            target: Target::Field(path),
            test,
        }) => summary.fields.iter().any(|key| {
            holds_path(&key.key, path)
                && match test {
                    Test::Range(Range::Number(lo, hi)) => key.may_hold_number(lo, hi),
                    _ => true,
                }
        }),
        Query::Clause(_) => true,
    }
}

/// The parts of an event the query looks at.
pub fn parts_needed(query: &Query) -> Parts {
    match query {
        Query::All => Parts::NONE,
        Query::Not(inner) => parts_needed(inner),
        Query::And(all) | Query::Or(all) => {
            all.iter()
                .map(parts_needed)
                .fold(Parts::NONE, |a, b| Parts {
                    service: a.service || b.service,
                    host: a.host || b.host,
                    message: a.message || b.message,
                    trace_id: a.trace_id || b.trace_id,
                    fields: a.fields || b.fields,
                })
        }
        Query::Clause(clause) => {
            let mut parts = Parts::NONE;
            match clause.target {
                Target::Message => parts.message = true,
                Target::Service => parts.service = true,
                Target::Host => parts.host = true,
                Target::TraceId => parts.trace_id = true,
                Target::Field(_) => parts.fields = true,
                // Time, level and flags always come.
                Target::Level | Target::Timestamp | Target::TimeFrom | Target::Unparsed => {}
            }
            parts
        }
    }
}

/// The `fields` paths the query names.
pub fn field_paths(query: &Query, out: &mut Vec<String>) {
    match query {
        Query::All => {}
        Query::Not(inner) => field_paths(inner, out),
        Query::And(all) | Query::Or(all) => all.iter().for_each(|q| field_paths(q, out)),
        Query::Clause(clause) => {
            if let Target::Field(path) = &clause.target {
                out.push(path.clone());
            }
        }
    }
}

/// The words a block's word filter must hold for the block to hold a match: every word
/// of a message clause all matches need, and of an `OR`, the words of one of its parts.
#[derive(Debug, Clone, PartialEq)]
pub enum WordsNeeded {
    /// The filter rules nothing out.
    Nothing,
    Every(Vec<String>),
    All(Vec<WordsNeeded>),
    OneOf(Vec<WordsNeeded>),
}

impl WordsNeeded {
    pub fn of(query: &Query) -> WordsNeeded {
        match query {
            Query::Clause(Clause {
                target: Target::Message,
                test: Test::Words(words),
            }) if !words.is_empty() => WordsNeeded::Every(words.clone()),
            Query::And(all) => {
                let needed: Vec<WordsNeeded> = all
                    .iter()
                    .map(WordsNeeded::of)
                    .filter(|n| *n != WordsNeeded::Nothing)
                    .collect();
                if needed.is_empty() {
                    WordsNeeded::Nothing
                } else {
                    WordsNeeded::All(needed)
                }
            }
            Query::Or(any) => {
                let needed: Vec<WordsNeeded> = any.iter().map(WordsNeeded::of).collect();
                if needed.contains(&WordsNeeded::Nothing) {
                    WordsNeeded::Nothing
                } else {
                    WordsNeeded::OneOf(needed)
                }
            }
            _ => WordsNeeded::Nothing,
        }
    }

    /// Whether a block whose filter says `may_hold` of its words can hold a match.
    pub fn may_be_in(&self, may_hold: &dyn Fn(&str) -> bool) -> bool {
        match self {
            WordsNeeded::Nothing => true,
            WordsNeeded::Every(words) => words.iter().all(|w| may_hold(w)),
            WordsNeeded::All(all) => all.iter().all(|n| n.may_be_in(may_hold)),
            WordsNeeded::OneOf(any) => any.iter().any(|n| n.may_be_in(may_hold)),
        }
    }
}
