//! Reading the indexed (tantivy) store: searches, counts and the arrival cursor that `tail` follows.

use super::checkpoint::Checkpoint;
use super::collect::{CountByColumn, DocsBySegment, Order, TopDocsBy};
use super::damage::{find_damaged, without_panicking, DamagedSegment};
use super::error::{Context, Result, StoreError};
use super::layout::{self, Store};
use super::translate::translate;
use crate::backend::groups::{Group, Tally, ValueKind};
use crate::event::{decode_line, flatten_fields, DecodeContext, FieldValue, LogEvent, Timestamp};
use crate::query::{Clause, Query, Target, Test};
use std::collections::HashMap;
use std::ops::Bound;
use std::path::Path;
use tantivy::collector::Count;
use tantivy::query::{BooleanQuery, Occur, Query as TQuery, RangeQuery};
use tantivy::schema::{Field, Value};
use tantivy::{IndexReader, ReloadPolicy, Searcher, TantivyDocument, Term};

/// One stored event as a query returns it.
#[derive(Debug, Clone)]
pub struct Hit {
    pub seq: u64,
    /// The event's canonical JSON, exactly as stored.
    pub source: String,
}

impl Hit {
    pub fn event(&self) -> LogEvent {
        decode_line(self.source.as_bytes(), &DecodeContext::now())
    }
}

fn open_reader(index: &tantivy::Index) -> tantivy::Result<IndexReader> {
    without_panicking(|| {
        index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
    })
}

/// Size and time span of what is stored.
#[derive(Debug, Clone, Default)]
pub struct StoreStats {
    pub events: u64,
    pub disk_bytes: u64,
    pub oldest: Option<Timestamp>,
    pub newest: Option<Timestamp>,
}

pub struct IndexedReader {
    store: Store,
    reader: IndexReader,
    damaged: Vec<DamagedSegment>,
}

impl IndexedReader {
    /// Opens the store for reading. Segments that cannot be opened are left out (see
    /// `damaged`), so the rest of the store is still served.
    pub fn open(dir: &Path) -> Result<IndexedReader> {
        let store = Store::open(dir)?;
        let opened = open_reader(&store.index);
        let (store, reader, damaged) = match opened {
            Ok(reader) => (store, reader, Vec::new()),
            Err(first) => {
                let damaged = find_damaged(&store.index, &store.index_dir())
                    .map_err(|e| layout::damaged(dir, &e))?;
                if damaged.is_empty() {
                    return Err(layout::damaged(dir, &first));
                }
                let intact = store.without(&damaged)?;
                let reader = open_reader(&intact.index).map_err(|e| layout::damaged(dir, &e))?;
                (intact, reader, damaged)
            }
        };
        Ok(IndexedReader {
            store,
            reader,
            damaged,
        })
    }

    /// Segments left out because they could not be opened; say so beside any answer.
    pub fn damaged(&self) -> &[DamagedSegment] {
        &self.damaged
    }

    /// Picks up commits made since the last refresh (by this or another process).
    pub fn refresh(&self) -> Result<()> {
        self.reader
            .reload()
            .context(|| format!("cannot reload the store at {}", self.store.dir.display()))
    }

    fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    fn run<C: tantivy::collector::Collector>(
        &self,
        query: &dyn TQuery,
        collector: &C,
    ) -> Result<C::Fruit> {
        self.searcher()
            .search(query, collector)
            .context(|| "the search failed".to_string())
    }

    /// Matching events in the requested order, at most `limit` of them (`None` = all).
    pub fn search(&self, query: &Query, order: Order, limit: Option<usize>) -> Result<Vec<Hit>> {
        let translated = translate(query, &self.store.fields);
        self.collect_hits(translated.as_ref(), order, limit)
    }

    fn collect_hits(
        &self,
        query: &dyn TQuery,
        order: Order,
        limit: Option<usize>,
    ) -> Result<Vec<Hit>> {
        let searcher = self.searcher();
        let ranked = searcher
            .search(query, &TopDocsBy { order, limit })
            .context(|| "the search failed".to_string())?;
        let mut hits = Vec::with_capacity(ranked.len());
        for r in ranked {
            let doc: TantivyDocument = searcher
                .doc(r.doc_address())
                .context(|| "cannot read a stored event".to_string())?;
            let source = doc
                .get_first(self.store.fields.source)
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            let seq = doc
                .get_first(self.store.fields.seq)
                .and_then(|v| v.as_u64())
                .unwrap_or_default();
            hits.push(Hit { seq, source });
        }
        Ok(hits)
    }

    /// Hands every matching event's canonical JSON to `visit`, in index order (arrival order
    /// within a segment), reading each segment's documents front to back so the doc store
    /// decompresses each block once; nothing is held beyond the current document. For
    /// whole-set work such as mining patterns, where a top-N by time is not needed.
    pub fn scan(&self, query: &Query, visit: &mut dyn FnMut(&str)) -> Result<u64> {
        let translated = translate(query, &self.store.fields);
        let searcher = self.searcher();
        let by_segment = searcher
            .search(translated.as_ref(), &DocsBySegment)
            .context(|| "the search failed".to_string())?;
        let mut visited = 0;
        for (ord, docs) in by_segment {
            if docs.is_empty() {
                continue;
            }
            let segment = searcher.segment_reader(ord);
            let store = segment
                .get_store_reader(64)
                .context(|| "cannot read the store's documents".to_string())?;
            let mut emit = |doc: TantivyDocument| {
                if let Some(source) = doc
                    .get_first(self.store.fields.source)
                    .and_then(|v| v.as_str())
                {
                    visit(source);
                    visited += 1;
                }
            };
            // Most of the segment matches: read it front to back (one decompression per
            // block, no lookups) and keep the matching documents.
            if docs.len() * 4 >= segment.num_docs() as usize {
                let mut wanted = docs.iter().peekable();
                let alive = segment.alive_bitset();
                let all_docs =
                    (0..segment.max_doc()).filter(|&d| alive.is_none_or(|a| a.is_alive(d)));
                for (doc_id, doc) in all_docs.zip(store.iter::<TantivyDocument>(alive)) {
                    if wanted.peek().is_none() {
                        break;
                    }
                    if wanted.peek() == Some(&&doc_id) {
                        wanted.next();
                        emit(doc.context(|| "cannot read a stored event".to_string())?);
                    }
                }
            } else {
                for &doc_id in &docs {
                    let doc: TantivyDocument = store
                        .get(doc_id)
                        .context(|| "cannot read a stored event".to_string())?;
                    emit(doc);
                }
            }
        }
        Ok(visited)
    }

    pub fn count(&self, query: &Query) -> Result<u64> {
        let translated = translate(query, &self.store.fields);
        Ok(self.run(translated.as_ref(), &Count)? as u64)
    }

    /// Matching events counted per value of `target`, most frequent first (ties by value).
    pub fn count_by(&self, query: &Query, target: &Target) -> Result<Vec<Group>> {
        let translated = translate(query, &self.store.fields);
        let keyword = match target {
            Target::Service => Some(("service", self.store.fields.service)),
            Target::Host => Some(("host", self.store.fields.host)),
            Target::Level => Some(("level", self.store.fields.level)),
            _ => None,
        };
        let from_terms = match keyword {
            Some((_, field)) if matches!(query, Query::All) => {
                self.count_every_event_by_term(field)?
            }
            _ => None,
        };
        let mut tally = Tally::default();
        match (from_terms, keyword) {
            (Some(counts), _) => counts
                .iter()
                .for_each(|(value, n)| tally.add(value, ValueKind::Text, *n)),
            (None, Some((column, _))) => self
                .run(translated.as_ref(), &CountByColumn { column })?
                .iter()
                .for_each(|(value, n)| tally.add(value, ValueKind::Text, *n)),
            (None, None) => {
                for hit in self.collect_hits(translated.as_ref(), Order::Arrival, None)? {
                    for (value, kind) in typed_values_of(&hit.event(), target) {
                        tally.add(&value, kind, 1);
                    }
                }
            }
        }
        Ok(tally.groups())
    }

    /// Every event counted per term of a keyword field, read from the term dictionaries
    /// alone: a term's document frequency is its count while no segment has deletions
    /// (retention's deletions stay counted until a merge). `None` when one has.
    fn count_every_event_by_term(&self, field: Field) -> Result<Option<HashMap<String, u64>>> {
        let searcher = self.searcher();
        if searcher.segment_readers().iter().any(|s| s.has_deletes()) {
            return Ok(None);
        }
        let mut counts = HashMap::new();
        for segment in searcher.segment_readers() {
            let index = segment
                .inverted_index(field)
                .context(|| "cannot read the index".to_string())?;
            let mut terms = index
                .terms()
                .stream()
                .context(|| "cannot read the index".to_string())?;
            while terms.advance() {
                let value = String::from_utf8_lossy(terms.key()).into_owned();
                *counts.entry(value).or_insert(0) += u64::from(terms.value().doc_freq);
            }
        }
        Ok(Some(counts))
    }

    /// The highest `seq` visible now; events committed later have higher ones.
    pub fn max_seq(&self) -> Result<Option<u64>> {
        let mut max = None;
        for segment in self.searcher().segment_readers() {
            if segment.num_docs() == 0 {
                continue;
            }
            let column = segment
                .fast_fields()
                .u64("seq")
                .context(|| "cannot read arrival order".to_string())?;
            max = max.max(Some(column.max_value()));
        }
        Ok(max)
    }

    /// Matching events with `after < seq <= upto`, in arrival order.
    pub fn arrived_between(
        &self,
        query: &Query,
        after: Option<u64>,
        upto: u64,
    ) -> Result<Vec<Hit>> {
        let seq = self.store.fields.seq;
        let lower = match after {
            Some(a) => Bound::Excluded(Term::from_field_u64(seq, a)),
            None => Bound::Included(Term::from_field_u64(seq, 0)),
        };
        let combined = self.within_seq(
            query,
            lower,
            Bound::Included(Term::from_field_u64(seq, upto)),
        );
        self.collect_hits(&combined, Order::Arrival, None)
    }

    /// The positions of the newest commit, with the reader moved to (at least) that commit:
    /// every event with `seq < next_seq` is visible and came from before those positions.
    pub fn snapshot(&self) -> Result<Checkpoint> {
        let metas = self
            .store
            .index
            .load_metas()
            .context(|| format!("cannot read the store at {}", self.store.dir.display()))?;
        let checkpoint = Checkpoint::from_payload(metas.payload.as_deref()).ok_or_else(|| {
            StoreError::Damaged {
                dir: self.store.dir.clone(),
                reason: "its commit payload is unreadable".into(),
            }
        })?;
        self.refresh()?;
        Ok(checkpoint)
    }

    /// The newest `limit` matching events (by time) among those with `seq < end`.
    pub fn newest_before(&self, query: &Query, end: u64, limit: usize) -> Result<Vec<Hit>> {
        let seq = self.store.fields.seq;
        let combined = self.within_seq(
            query,
            Bound::Included(Term::from_field_u64(seq, 0)),
            Bound::Excluded(Term::from_field_u64(seq, end)),
        );
        self.collect_hits(&combined, Order::NewestFirst, Some(limit))
    }

    fn within_seq(&self, query: &Query, lower: Bound<Term>, upper: Bound<Term>) -> BooleanQuery {
        BooleanQuery::new(vec![
            (
                Occur::Must,
                Box::new(RangeQuery::new(lower, upper)) as Box<dyn TQuery>,
            ),
            (Occur::Must, translate(query, &self.store.fields)),
        ])
    }

    /// Whether any stored event has `fields.KEY`: lets `query` warn about a likely typo.
    pub fn has_field_key(&self, key: &str) -> Result<bool> {
        let clause = Clause {
            target: Target::Field(key.to_string()),
            test: Test::Exists,
        };
        let query = translate(&Query::Clause(clause), &self.store.fields);
        let searcher = self.searcher();
        let weight = query
            .weight(tantivy::query::EnableScoring::disabled_from_searcher(
                &searcher,
            ))
            .context(|| "cannot read the index".to_string())?;
        for segment in searcher.segment_readers() {
            let scorer = weight
                .scorer(segment, 1.0)
                .context(|| "cannot read the index".to_string())?;
            if scorer.doc() != tantivy::TERMINATED {
                return Ok(true);
            }
        }
        Ok(false)
    }

    pub fn stats(&self) -> Result<StoreStats> {
        let searcher = self.searcher();
        let mut stats = StoreStats {
            events: searcher.num_docs(),
            disk_bytes: self.store.disk_bytes(),
            ..Default::default()
        };
        for segment in searcher.segment_readers() {
            if segment.num_docs() == 0 {
                continue;
            }
            let ts = segment
                .fast_fields()
                .i64("ts")
                .context(|| "cannot read timestamps".to_string())?;
            let (lo, hi) = (Timestamp(ts.min_value()), Timestamp(ts.max_value()));
            stats.oldest = Some(stats.oldest.map_or(lo, |o| o.min(lo)));
            stats.newest = Some(stats.newest.map_or(hi, |n| n.max(hi)));
        }
        Ok(stats)
    }

    pub fn dir(&self) -> &Path {
        &self.store.dir
    }
}

/// The distinct values of `target` in one event, as text, for counting.
pub fn values_of(event: &LogEvent, target: &Target) -> Vec<String> {
    typed_values_of(event, target)
        .into_iter()
        .map(|(value, _)| value)
        .collect()
}

/// `values_of` with the JSON type each value has in the event.
pub fn typed_values_of(event: &LogEvent, target: &Target) -> Vec<(String, ValueKind)> {
    let text = |value: String| vec![(value, ValueKind::Text)];
    match target {
        Target::Message => text(event.message.clone()),
        Target::Service => text(event.service.clone()),
        Target::Host => text(event.host.clone()),
        Target::Level => text(event.level.as_str().to_string()),
        Target::TraceId => event
            .trace_id
            .iter()
            .map(|t| (t.clone(), ValueKind::Text))
            .collect(),
        Target::Timestamp => text(event.timestamp.to_rfc3339()),
        Target::TimeFrom => text(event.time_from.as_str().to_string()),
        Target::Unparsed => vec![(event.unparsed.to_string(), ValueKind::Bool)],
        Target::Field(key) => {
            let mut values: Vec<(String, ValueKind)> = Vec::new();
            flatten_fields(&event.fields, |k, v| {
                if k == key {
                    let typed = match v {
                        FieldValue::Text(s) => (s.to_string(), ValueKind::Text),
                        FieldValue::Number(n) => (format_number(n), ValueKind::Number),
                        FieldValue::Bool(b) => (b.to_string(), ValueKind::Bool),
                    };
                    if !values.iter().any(|(v, _)| *v == typed.0) {
                        values.push(typed);
                    }
                }
            });
            values
        }
    }
}

/// Integral numbers without a trailing `.0`.
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}
