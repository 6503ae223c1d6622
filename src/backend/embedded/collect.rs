//! Collectors over fast fields: newest-or-oldest first with a bounded heap, and counts
//! by a keyword column.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

/// The order of results: by time, ties broken by arrival (`seq`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    NewestFirst,
    OldestFirst,
    /// Arrival order, as `tail` prints.
    Arrival,
}

/// A matching document and the key it was ordered by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Ranked {
    pub key: u128,
    pub address: (u32, u32),
}

impl Ranked {
    pub fn doc_address(&self) -> DocAddress {
        DocAddress::new(self.address.0, self.address.1)
    }
}

pub struct TopDocsBy {
    pub order: Order,
    /// `None` keeps every match.
    pub limit: Option<usize>,
}

pub struct SegmentTop {
    order: Order,
    limit: Option<usize>,
    segment: SegmentOrdinal,
    ts: Column<i64>,
    seq: Column<u64>,
    heap: BinaryHeap<Reverse<Ranked>>,
    all: Vec<Ranked>,
}

/// A key whose larger values come first in the requested order.
fn rank_key(order: Order, ts: i64, seq: u64) -> u128 {
    let ts = (ts as u64 ^ (1 << 63)) as u128;
    let key = match order {
        Order::Arrival => seq as u128,
        _ => (ts << 64) | seq as u128,
    };
    match order {
        Order::NewestFirst => key,
        Order::OldestFirst | Order::Arrival => !key,
    }
}

impl Collector for TopDocsBy {
    type Fruit = Vec<Ranked>;
    type Child = SegmentTop;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentTop> {
        Ok(SegmentTop {
            order: self.order,
            limit: self.limit,
            segment,
            ts: reader.fast_fields().i64("ts")?,
            seq: reader.fast_fields().u64("seq")?,
            heap: BinaryHeap::new(),
            all: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<Ranked>>) -> tantivy::Result<Vec<Ranked>> {
        let mut all: Vec<Ranked> = fruits.into_iter().flatten().collect();
        all.sort_unstable_by(|a, b| b.cmp(a));
        if let Some(limit) = self.limit {
            all.truncate(limit);
        }
        Ok(all)
    }
}

impl SegmentCollector for SegmentTop {
    type Fruit = Vec<Ranked>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        let ts = self.ts.first(doc).unwrap_or(i64::MIN);
        let seq = self.seq.first(doc).unwrap_or(0);
        let ranked = Ranked {
            key: rank_key(self.order, ts, seq),
            address: (self.segment, doc),
        };
        match self.limit {
            None => self.all.push(ranked),
            Some(0) => {}
            Some(limit) => {
                if self.heap.len() < limit {
                    self.heap.push(Reverse(ranked));
                } else if self.heap.peek().is_some_and(|Reverse(min)| ranked > *min) {
                    self.heap.pop();
                    self.heap.push(Reverse(ranked));
                }
            }
        }
    }

    fn harvest(self) -> Vec<Ranked> {
        let mut out = self.all;
        out.extend(self.heap.into_iter().map(|Reverse(r)| r));
        out
    }
}

/// Counts matches per value of a keyword fast column (`service`, `host`, `level`).
pub struct CountByColumn {
    pub column: &'static str,
}

pub struct SegmentCounts {
    column: Option<StrColumn>,
    counts: Vec<u64>,
    missing: u64,
}

impl Collector for CountByColumn {
    type Fruit = HashMap<String, u64>;
    type Child = SegmentCounts;

    fn for_segment(
        &self,
        _segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentCounts> {
        let column = reader.fast_fields().str(self.column)?;
        let terms = column.as_ref().map(|c| c.num_terms()).unwrap_or(0);
        Ok(SegmentCounts {
            column,
            counts: vec![0; terms],
            missing: 0,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(
        &self,
        fruits: Vec<HashMap<String, u64>>,
    ) -> tantivy::Result<HashMap<String, u64>> {
        let mut total = HashMap::new();
        for fruit in fruits {
            for (value, count) in fruit {
                *total.entry(value).or_insert(0) += count;
            }
        }
        Ok(total)
    }
}

impl SegmentCollector for SegmentCounts {
    type Fruit = HashMap<String, u64>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        match self.column.as_ref().and_then(|c| c.ords().first(doc)) {
            Some(ord) => {
                if let Some(slot) = self.counts.get_mut(ord as usize) {
                    *slot += 1;
                }
            }
            None => self.missing += 1,
        }
    }

    fn harvest(self) -> HashMap<String, u64> {
        let mut out = HashMap::new();
        if let Some(column) = &self.column {
            let mut bytes = Vec::new();
            for (ord, count) in self.counts.iter().enumerate() {
                if *count == 0 {
                    continue;
                }
                bytes.clear();
                if column.ord_to_bytes(ord as u64, &mut bytes).unwrap_or(false) {
                    out.insert(String::from_utf8_lossy(&bytes).into_owned(), *count);
                }
            }
        }
        out
    }
}

/// Every matching document, as each segment's doc ids in increasing order: what a scan
/// over whole matching sets needs, without hashing or sorting a million addresses.
pub struct DocsBySegment;

pub struct SegmentDocs {
    segment: SegmentOrdinal,
    docs: Vec<DocId>,
}

impl Collector for DocsBySegment {
    type Fruit = Vec<(SegmentOrdinal, Vec<DocId>)>;
    type Child = SegmentDocs;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        _reader: &SegmentReader,
    ) -> tantivy::Result<SegmentDocs> {
        Ok(SegmentDocs {
            segment,
            docs: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(
        &self,
        fruits: Vec<(SegmentOrdinal, Vec<DocId>)>,
    ) -> tantivy::Result<Vec<(SegmentOrdinal, Vec<DocId>)>> {
        let mut fruits = fruits;
        fruits.sort_unstable_by_key(|(segment, _)| *segment);
        Ok(fruits)
    }
}

impl SegmentCollector for SegmentDocs {
    type Fruit = (SegmentOrdinal, Vec<DocId>);

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.docs.push(doc);
    }

    fn harvest(self) -> Self::Fruit {
        (self.segment, self.docs)
    }
}
