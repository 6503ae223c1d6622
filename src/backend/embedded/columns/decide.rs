//! Deciding a query on a block's columns, without building events. For each row: `No`
//! (the row cannot match), `Yes` (it matches) or `Maybe` (the predicate must look). A count
//! adds the `Yes` rows and asks `query::matches` only about the `Maybe` ones; a search builds
//! no event for a `No` row.
//!
//! Decided here: service and host (a block holds one stream), level (the level column), and
//! on a `fields` key without dots, numeric ranges and `key:*` (the key's column). Each is
//! decided by the predicate itself on a probe event or with its own comparison, so the
//! verdicts agree with it. Message words and phrases, and message regexes, are decided on
//! the messages column read in place (no event built), with the predicate's own functions
//! (`contains_phrase`, the same compiled regex); an ASCII message that lacks the phrase's
//! longest word as a case-folded substring is ruled out before that. Everything else is
//! `Maybe`.

use super::block::{BlockError, Opened};
use super::decode::time_from_flags;
use super::fields::{visit_cells, Cell};
use super::part::BlockEntry;
use crate::event::{Level, LogEvent};
use crate::query::ast::{within, Range};
use crate::query::words::{contains_phrase, fold, word_spans};
use crate::query::{clause_matches, Clause, Query, Target, Test};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    No,
    Maybe,
    Yes,
}

/// Each row's verdict, or `None` when no clause of `query` can be decided on columns.
/// The query is decided as a tree in three-valued logic: `AND` takes the lowest verdict of
/// its parts, `OR` the highest, `NOT` swaps `Yes` and `No`, and a clause not decided here is
/// `Maybe`; so a row is `Yes` or `No` only when the whole query is settled for it.
pub fn verdicts(
    query: &Query,
    entry: &BlockEntry,
    opened: &Opened<'_>,
) -> Result<Option<Vec<Verdict>>, BlockError> {
    let mut deciding = Deciding {
        entry,
        opened,
        ranks: None,
        decided_any: false,
    };
    let decided = deciding.evaluate(query)?;
    if !deciding.decided_any {
        return Ok(None);
    }
    Ok(Some(match decided {
        Decided::Uniform(verdict) => vec![verdict; opened.summary.events],
        Decided::PerRow(rows) => rows,
    }))
}

enum Decided {
    Uniform(Verdict),
    PerRow(Vec<Verdict>),
}

impl Decided {
    /// Both verdicts combined row by row with `f`.
    fn combine(self, other: Decided, f: fn(Verdict, Verdict) -> Verdict) -> Decided {
        match (self, other) {
            (Decided::Uniform(a), Decided::Uniform(b)) => Decided::Uniform(f(a, b)),
            (Decided::PerRow(mut rows), Decided::Uniform(v))
            | (Decided::Uniform(v), Decided::PerRow(mut rows)) => {
                rows.iter_mut().for_each(|r| *r = f(*r, v));
                Decided::PerRow(rows)
            }
            (Decided::PerRow(mut rows), Decided::PerRow(more)) => {
                rows.iter_mut().zip(more).for_each(|(r, m)| *r = f(*r, m));
                Decided::PerRow(rows)
            }
        }
    }

    fn is(&self, verdict: Verdict) -> bool {
        matches!(self, Decided::Uniform(v) if *v == verdict)
    }
}

fn negate(verdict: Verdict) -> Verdict {
    match verdict {
        Verdict::Yes => Verdict::No,
        Verdict::No => Verdict::Yes,
        Verdict::Maybe => Verdict::Maybe,
    }
}

/// One block's columns being used to decide a query.
struct Deciding<'b, 'o> {
    entry: &'b BlockEntry,
    opened: &'b Opened<'o>,
    /// The level column, once read.
    ranks: Option<Vec<u8>>,
    decided_any: bool,
}

impl Deciding<'_, '_> {
    fn evaluate(&mut self, query: &Query) -> Result<Decided, BlockError> {
        Ok(match query {
            Query::All => Decided::Uniform(Verdict::Yes),
            Query::Clause(clause) => {
                match decide(clause, self.entry, self.opened, &mut self.ranks)? {
                    Some(decided) => {
                        self.decided_any = true;
                        decided
                    }
                    None => Decided::Uniform(Verdict::Maybe),
                }
            }
            Query::Not(inner) => match self.evaluate(inner)? {
                Decided::Uniform(v) => Decided::Uniform(negate(v)),
                Decided::PerRow(mut rows) => {
                    rows.iter_mut().for_each(|r| *r = negate(*r));
                    Decided::PerRow(rows)
                }
            },
            Query::And(all) => {
                let mut decided = Decided::Uniform(Verdict::Yes);
                for part in all {
                    decided = decided.combine(self.evaluate(part)?, Verdict::min);
                    if decided.is(Verdict::No) {
                        break;
                    }
                }
                decided
            }
            Query::Or(any) => {
                // Single words of the message are looked for together, in one pass over
                // the messages: an OR of a hundred words reads each message once.
                let words: Vec<&str> = any.iter().filter_map(single_word).collect();
                let mut decided = Decided::Uniform(Verdict::No);
                if words.len() > 1 {
                    decided = Decided::PerRow(self.opened.with_messages(|column| {
                        any_word(self.opened.summary.events, column, &words)
                    })??);
                    self.decided_any = true;
                }
                for part in any {
                    if words.len() > 1 && single_word(part).is_some() {
                        continue;
                    }
                    decided = decided.combine(self.evaluate(part)?, Verdict::max);
                    if decided.is(Verdict::Yes) {
                        break;
                    }
                }
                decided
            }
        })
    }
}

/// The word of a clause that looks for one word of the message.
fn single_word(query: &Query) -> Option<&str> {
    match query {
        Query::Clause(Clause {
            target: Target::Message,
            test: Test::Words(words),
        }) if words.len() == 1 => words.first().map(String::as_str),
        _ => None,
    }
}

/// Whether each message holds any of `words` (folded). When the words are ASCII, one
/// Aho-Corasick pass over the lower-cased column finds the messages that hold any of them
/// as a substring; only those (and messages that are not ASCII) have their words read.
fn any_word(events: usize, column: &[u8], words: &[&str]) -> Result<Vec<Verdict>, BlockError> {
    let damaged = || BlockError::Damaged("messages");
    let spans = message_spans(events, column)?;
    let open = if words.iter().all(|w| w.is_ascii()) {
        candidates_of_any(column, &spans, words)
    } else {
        vec![true; events]
    };
    let wanted: std::collections::HashSet<&str> = words.iter().copied().collect();
    let mut folded = String::new();
    let mut rows = Vec::with_capacity(events);
    for (span, open) in spans.into_iter().zip(open) {
        if !open {
            rows.push(Verdict::No);
            continue;
        }
        let message = std::str::from_utf8(&column[span]).map_err(|_| damaged())?;
        let holds = word_spans(message).any(|(_, word)| {
            if word.is_ascii() {
                folded.clear();
                folded.extend(word.bytes().map(|b| char::from(b.to_ascii_lowercase())));
                wanted.contains(folded.as_str())
            } else {
                wanted.contains(fold(word).as_str())
            }
        });
        rows.push(yes_if(holds));
    }
    Ok(rows)
}

/// Which messages can hold one of the ASCII `words`: those with one of them as a
/// substring (case aside), and those that are not ASCII.
fn candidates_of_any(column: &[u8], spans: &[std::ops::Range<usize>], words: &[&str]) -> Vec<bool> {
    let Some(finder) = finder_of(words) else {
        return vec![true; spans.len()];
    };
    rows_holding(column, spans, |lower, found| {
        for hit in finder.find_overlapping_iter(lower) {
            found(hit.start()..hit.end());
        }
    })
}

thread_local! {
    /// The automaton of the last set of words looked for: a query asks the same words of
    /// every block, and building it for 100 words cost more than searching a block.
    static FINDER: std::cell::RefCell<Option<(Vec<String>, std::rc::Rc<aho_corasick::AhoCorasick>)>> =
        const { std::cell::RefCell::new(None) };
}

fn finder_of(words: &[&str]) -> Option<std::rc::Rc<aho_corasick::AhoCorasick>> {
    FINDER.with(|cached| {
        let mut cached = cached.try_borrow_mut().ok()?;
        if let Some((known, finder)) = cached.as_ref() {
            if known.len() == words.len() && known.iter().zip(words).all(|(k, w)| k == w) {
                return Some(finder.clone());
            }
        }
        let finder = std::rc::Rc::new(aho_corasick::AhoCorasick::new(words).ok()?);
        *cached = Some((
            words.iter().map(|w| w.to_string()).collect(),
            finder.clone(),
        ));
        Some(finder)
    })
}

/// The rows whose message may hold what `find` finds in the lower-cased column (it hands
/// each match's byte range to its second argument, in order): a match within one message
/// opens that row, a match across two (through a length between them) opens neither, and
/// messages that are not ASCII stay open.
fn rows_holding(
    column: &[u8],
    spans: &[std::ops::Range<usize>],
    find: impl FnOnce(&[u8], &mut dyn FnMut(std::ops::Range<usize>)),
) -> Vec<bool> {
    let mut open: Vec<bool> = spans
        .iter()
        .map(|span| !column[span.clone()].is_ascii())
        .collect();
    with_lower_case(column, |lower| {
        let mut row = 0;
        find(lower, &mut |hit| {
            while row < spans.len() && spans[row].end < hit.end {
                row += 1;
            }
            if row < spans.len() && spans[row].start <= hit.start {
                open[row] = true;
            }
        });
    });
    open
}

/// Where each of the `events` messages lies in the messages column.
fn message_spans(events: usize, column: &[u8]) -> Result<Vec<std::ops::Range<usize>>, BlockError> {
    let mut spans = Vec::with_capacity(events);
    let mut reader = super::varint::Reader::new(column);
    for _ in 0..events {
        let bytes = reader.bytes_ref().ok_or(BlockError::Damaged("messages"))?;
        let start = bytes.as_ptr() as usize - column.as_ptr() as usize;
        spans.push(start..start + bytes.len());
    }
    Ok(spans)
}

/// Hands `column` in ASCII lower case to `f`, in a buffer this thread keeps.
fn with_lower_case<R>(column: &[u8], f: impl FnOnce(&[u8]) -> R) -> R {
    LOWER.with(|lower| {
        let mut fresh = Vec::new();
        let mut kept = lower.try_borrow_mut();
        let lower = match kept.as_deref_mut() {
            Ok(kept) => kept,
            Err(_) => &mut fresh,
        };
        lower.clear();
        lower.extend(column.iter().map(u8::to_ascii_lowercase));
        f(lower)
    })
}

fn yes_if(holds: bool) -> Verdict {
    if holds {
        Verdict::Yes
    } else {
        Verdict::No
    }
}

fn decide(
    clause: &Clause,
    entry: &BlockEntry,
    opened: &Opened<'_>,
    ranks: &mut Option<Vec<u8>>,
) -> Result<Option<Decided>, BlockError> {
    let probe = |fill: &dyn Fn(&mut LogEvent)| {
        let mut event = LogEvent::default();
        fill(&mut event);
        clause_matches(clause, &event)
    };
    Ok(Some(match &clause.target {
        Target::Service => Decided::Uniform(yes_if(probe(&|e| e.service = entry.service.clone()))),
        Target::Host => Decided::Uniform(yes_if(probe(&|e| e.host = entry.host.clone()))),
        Target::Level => {
            let by_rank: Vec<Verdict> = Level::ALL
                .iter()
                .map(|&level| yes_if(probe(&|e| e.level = level)))
                .collect();
            if ranks.is_none() {
                *ranks = Some(opened.level_ranks()?);
            }
            let ranks = ranks.as_deref().unwrap_or_default();
            Decided::PerRow(
                ranks
                    .iter()
                    .map(|&r| {
                        by_rank
                            .get(usize::from(r))
                            .copied()
                            .unwrap_or(Verdict::Maybe)
                    })
                    .collect(),
            )
        }
        Target::TimeFrom | Target::Unparsed => {
            let mut by_byte: [Option<Verdict>; 256] = [None; 256];
            let flags = opened.flags()?;
            Decided::PerRow(
                flags
                    .iter()
                    .map(|&f| {
                        *by_byte[usize::from(f)].get_or_insert_with(|| {
                            yes_if(probe(&|e| {
                                e.unparsed = f & 1 != 0;
                                e.time_from = time_from_flags(f);
                            }))
                        })
                    })
                    .collect(),
            )
        }
        Target::Field(key) if !key.contains('.') => {
            let Some(test) = CellTest::of(&clause.test) else {
                return Ok(None);
            };
            // An event without the key never matches a positive clause on it.
            let mut rows = vec![Verdict::No; opened.summary.events];
            if let Some((stats, k)) = opened.key(key) {
                let n = opened.summary.events;
                opened
                    .with_column(k, |column| {
                        visit_cells(column, stats, n, |row, cell| {
                            if let Some(slot) = rows.get_mut(row) {
                                *slot = test.decide(cell);
                            }
                        })
                    })?
                    .ok_or(BlockError::Damaged("fields"))?;
            }
            Decided::PerRow(rows)
        }
        Target::Message => match &clause.test {
            Test::Words(words) if !words.is_empty() => {
                Decided::PerRow(on_messages(opened, &MessageTest::Words(words))?)
            }
            Test::Regex(r) => Decided::PerRow(on_messages(opened, &MessageTest::Regex(&r.regex))?),
            _ => return Ok(None),
        },
        _ => return Ok(None),
    }))
}

/// A test on a message decided here.
enum MessageTest<'q> {
    Words(&'q [String]),
    Regex(&'q regex::Regex),
}

/// Each message's verdict under `test`, read from the messages column in place.
fn on_messages(opened: &Opened<'_>, test: &MessageTest<'_>) -> Result<Vec<Verdict>, BlockError> {
    opened.with_messages(|column| decide_messages(opened.summary.events, column, test))?
}

fn decide_messages(
    events: usize,
    column: &[u8],
    test: &MessageTest<'_>,
) -> Result<Vec<Verdict>, BlockError> {
    let damaged = || BlockError::Damaged("messages");
    let spans = message_spans(events, column)?;
    let message =
        |row: usize| std::str::from_utf8(&column[spans[row].clone()]).map_err(|_| damaged());
    let mut rows = Vec::with_capacity(spans.len());
    match test {
        MessageTest::Regex(regex) => {
            for row in 0..spans.len() {
                rows.push(yes_if(regex.is_match(message(row)?)));
            }
        }
        MessageTest::Words(words) => {
            let open = candidates(column, &spans, words);
            for (row, open) in open.into_iter().enumerate() {
                rows.push(yes_if(open && contains_phrase(message(row)?, words)));
            }
        }
    }
    Ok(rows)
}

/// Which messages can hold the phrase `words`: a word of a message is a case-folded run of
/// its letters and digits, so an ASCII message without the longest word as a substring (case
/// aside) cannot. Searched once over the whole column, folded to lower case.
fn candidates(column: &[u8], spans: &[std::ops::Range<usize>], words: &[String]) -> Vec<bool> {
    let Some(longest) = words
        .iter()
        .max_by_key(|w| w.len())
        .filter(|w| w.is_ascii())
    else {
        return vec![true; spans.len()];
    };
    rows_holding(column, spans, |lower, found| {
        for at in memchr::memmem::find_iter(lower, longest.as_bytes()) {
            found(at..at + longest.len());
        }
    })
}

thread_local! {
    /// The messages column in lower case, kept between blocks.
    static LOWER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// How a clause on a key decides one value, for the tests decided here.
enum CellTest<'q> {
    Range(&'q std::ops::Bound<f64>, &'q std::ops::Bound<f64>),
    Exists,
}

impl<'q> CellTest<'q> {
    fn of(test: &'q Test) -> Option<CellTest<'q>> {
        match test {
            Test::Range(Range::Number(lo, hi)) => Some(CellTest::Range(lo, hi)),
            Test::Exists => Some(CellTest::Exists),
            _ => None,
        }
    }

    fn decide(&self, cell: Cell) -> Verdict {
        match (self, cell) {
            // As `flatten_fields` gives it: minus zero is zero.
            (CellTest::Range(lo, hi), Cell::Number(n)) => yes_if(within(&(n + 0.0), lo, hi)),
            (CellTest::Range(..), Cell::Scalar | Cell::Null) => Verdict::No,
            (CellTest::Exists, Cell::Number(_) | Cell::Scalar) => Verdict::Yes,
            (CellTest::Exists, Cell::Null) => Verdict::No,
            (_, Cell::Nested) => Verdict::Maybe,
        }
    }
}
