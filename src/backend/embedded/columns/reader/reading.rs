//! How one block is read for a query: its head first (ruled out by its summary, or
//! admitted), then the required clauses decided on its columns, then the events the query
//! needs built.

use super::{ColumnReader, Plan, View};
use crate::backend::embedded::columns::block;
use crate::backend::embedded::columns::decide::{verdicts, Verdict};
use crate::backend::embedded::columns::prune::{fields_may_match, may_match};
use crate::backend::embedded::error::{Result, StoreError};
use crate::event::LogEvent;
use crate::query::Query;

/// A block read for a query: every row's sequence number and time, each row's verdict when
/// some clauses were decided on its columns, and the events built (see `Want`).
pub(super) struct DecodedBlock<'v> {
    pub(super) opened: block::Opened<'v>,
    /// Empty, with `times`, for `Want::Counted`.
    pub(super) seqs: Vec<u64>,
    pub(super) times: Vec<i64>,
    verdicts: Option<Vec<Verdict>>,
    built: block::Rows,
}

impl DecodedBlock<'_> {
    pub(super) fn rows(&self) -> usize {
        self.opened.summary.events
    }

    fn event(&self, row: usize) -> Option<&LogEvent> {
        let slot = self.built.rows.binary_search(&row).ok()?;
        self.built.events.get(slot)
    }

    /// Whether row `row` matches: its verdict, or the predicate when that is `Maybe`.
    pub(super) fn matches(&self, query: &Query, row: usize) -> bool {
        match self.verdicts.as_ref().map(|v| v[row]) {
            Some(Verdict::No) => false,
            Some(Verdict::Yes) => true,
            _ => self
                .event(row)
                .is_some_and(|event| crate::query::matches(query, event)),
        }
    }

    /// The matching events (built as `Want::Candidates`), taken out of the block.
    pub(super) fn take_matches(&mut self, query: &Query) -> Vec<LogEvent> {
        let mut taken = Vec::new();
        for slot in 0..self.built.rows.len() {
            let row = self.built.rows[slot];
            if self.matches(query, row) {
                taken.push(std::mem::take(&mut self.built.events[slot]));
            }
        }
        taken
    }
}

/// Which rows `read_block` builds events for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Want {
    /// Every row that may match: the events are handed on.
    Candidates,
    /// Only rows the columns left undecided, with every row's sequence number and time: a
    /// ranking needs no event for a `Yes`.
    Ranked,
    /// Only rows the columns left undecided: a count needs nothing else.
    Counted,
}

impl ColumnReader {
    /// Block `b` of part `p` decoded as `plan` and `want` say, unless its index entry or
    /// summary rule the query out (or it is damaged, which is noted).
    pub(super) fn read_block<'v>(
        &self,
        view: &'v View,
        query: &Query,
        plan: &Plan,
        p: usize,
        b: usize,
        want: Want,
    ) -> Result<Option<DecodedBlock<'v>>> {
        if super::interrupt::requested() {
            return Err(StoreError::Interrupted);
        }
        match self.admit(view, query, plan, p, b) {
            Some(opened) => self.decide_block(view, opened, query, plan, (p, b), want),
            None => Ok(None),
        }
    }

    /// Block `b` of part `p` with its head read, unless its index entry or summary rule the
    /// query out (or it is damaged, which is noted).
    pub(super) fn admit<'v>(
        &self,
        view: &'v View,
        query: &Query,
        plan: &Plan,
        p: usize,
        b: usize,
    ) -> Option<block::Opened<'v>> {
        let part = &view.parts[p];
        part.blocks.get(b).filter(|entry| may_match(query, entry))?;
        let opened = match part.verify_block(b).and_then(|()| part.open_block(b)) {
            Ok(opened) => opened,
            Err(e) => {
                self.note_block(part, b, e.to_string());
                return None;
            }
        };
        let admitted = plan
            .words
            .may_be_in(&|word| opened.summary.words.may_hold(word))
            && fields_may_match(query, &opened.summary);
        admitted.then_some(opened)
    }

    /// An admitted block decoded as `plan` and `want` say.
    pub(super) fn decide_block<'v>(
        &self,
        view: &'v View,
        opened: block::Opened<'v>,
        query: &Query,
        plan: &Plan,
        (p, b): (usize, usize),
        want: Want,
    ) -> Result<Option<DecodedBlock<'v>>> {
        let part = &view.parts[p];
        let Some(entry) = part.blocks.get(b) else {
            return Ok(None);
        };
        let numbered = if want == Want::Counted {
            Ok((Vec::new(), Vec::new()))
        } else {
            opened.seqs_and_times()
        };
        let decoded = numbered.and_then(|(seqs, times)| {
            let verdicts = verdicts(query, entry, &opened)?;
            let keep: Option<Vec<bool>> = verdicts.as_ref().map(|v| {
                v.iter()
                    .map(|&verdict| match want {
                        Want::Candidates => verdict != Verdict::No,
                        Want::Ranked | Want::Counted => verdict == Verdict::Maybe,
                    })
                    .collect()
            });
            let built = if keep.as_ref().is_some_and(|k| !k.contains(&true)) {
                // Decided on the columns alone: no event is needed.
                block::Rows {
                    rows: Vec::new(),
                    seqs: Vec::new(),
                    events: Vec::new(),
                }
            } else {
                opened.decode_kept(
                    plan.needed,
                    Some(&plan.paths),
                    keep.as_deref(),
                    Some((&seqs, &times)),
                )?
            };
            Ok((seqs, times, verdicts, built))
        });
        match decoded {
            Ok((seqs, times, verdicts, built)) => Ok(Some(DecodedBlock {
                opened,
                seqs,
                times,
                verdicts,
                built,
            })),
            Err(e) => {
                self.note_block(part, b, e.to_string());
                Ok(None)
            }
        }
    }
}

/// Blocks a count reads, spread over threads: reading heads, decompressing and deciding
/// blocks is independent work, and the machine's other cores would otherwise wait. Each thread takes
/// every n-th block; the results come back in thread order.
pub(super) fn shared_out<B: Send, T: Send>(
    blocks: Vec<B>,
    work: impl Fn(Vec<B>) -> Result<T> + Sync,
) -> Result<Vec<Result<T>>> {
    /// Too few blocks are not worth a thread: most stop at their head (a few microseconds).
    const BLOCKS_PER_THREAD: usize = 64;
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(blocks.len() / BLOCKS_PER_THREAD)
        .clamp(1, 8);
    if threads == 1 {
        return Ok(vec![work(blocks)]);
    }
    let mut shares: Vec<Vec<B>> = (0..threads).map(|_| Vec::new()).collect();
    for (i, block) in blocks.into_iter().enumerate() {
        shares[i % threads].push(block);
    }
    let work = &work;
    let stop = super::interrupt::current();
    std::thread::scope(|scope| {
        let running: Vec<_> = shares
            .into_iter()
            .map(|share| {
                let stop = stop.clone();
                scope.spawn(move || match &stop {
                    Some(stop) => super::interrupt::interruptible(stop, || work(share)),
                    None => work(share),
                })
            })
            .collect();
        running
            .into_iter()
            .map(|thread| {
                thread.join().map_err(|_| StoreError::Io {
                    context: "a thread reading the store stopped".into(),
                    cause: std::io::Error::other("it panicked"),
                })
            })
            .collect()
    })
}
