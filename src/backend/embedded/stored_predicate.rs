//! A tantivy query that decides per document by reading the stored event and running the
//! in-memory predicate: the exact fallback for what the index cannot answer alone.

use super::schema::StoreFields;
use crate::event::{decode_line, DecodeContext, LogEvent};
use crate::query::{matches, Query, Target};
use serde::Deserialize;
use std::borrow::Cow;
use std::sync::Arc;
use tantivy::query::doc_predicate_query::{
    ConstOrVariableSegmentPredicate, DocPredicate, DocPredicateQuery, SegmentDocPredicate,
};
use tantivy::query::AllScorer;
use tantivy::schema::Value;
use tantivy::store::StoreReader;
use tantivy::{DocId, SegmentReader, TantivyDocument};

/// A stored event's message; serde skips the other keys without building them.
#[derive(Deserialize)]
struct StoredMessage<'a> {
    #[serde(borrow, default)]
    message: Cow<'a, str>,
}

#[derive(Debug, Clone)]
pub struct StoredEventPredicate {
    query: Arc<Query>,
}

impl StoredEventPredicate {
    pub fn query(query: Arc<Query>) -> DocPredicateQuery {
        DocPredicateQuery::from(StoredEventPredicate { query })
    }
}

pub struct SegmentCheck {
    query: Arc<Query>,
    /// The query reads only the message: decode just that from the stored JSON.
    message_only: bool,
    store: StoreReader,
    source: tantivy::schema::Field,
    context: DecodeContext,
}

impl DocPredicate for StoredEventPredicate {
    type SegmentDocPredicate = SegmentCheck;

    fn doc_predicate(
        &self,
        segment: &SegmentReader,
    ) -> tantivy::Result<ConstOrVariableSegmentPredicate<SegmentCheck>> {
        let fields = StoreFields::resolve(segment.schema())?;
        let store = segment.get_store_reader(16)?;
        Ok(ConstOrVariableSegmentPredicate::Variable {
            predicate: SegmentCheck {
                message_only: matches!(
                    &*self.query,
                    Query::Clause(clause) if clause.target == Target::Message
                ),
                query: self.query.clone(),
                store,
                source: fields.source,
                context: DecodeContext::now(),
            },
            necessary_condition: Box::new(AllScorer::new(segment.max_doc())),
        })
    }
}

impl SegmentDocPredicate for SegmentCheck {
    fn eval(&mut self, doc: DocId) -> bool {
        let Ok(document) = self.store.get::<TantivyDocument>(doc) else {
            return false;
        };
        let Some(source) = document.get_first(self.source).and_then(|v| v.as_str()) else {
            return false;
        };
        if self.message_only {
            let Ok(stored) = serde_json::from_str::<StoredMessage>(source) else {
                return false;
            };
            let event = LogEvent {
                message: stored.message.into_owned(),
                ..LogEvent::default()
            };
            return matches(&self.query, &event);
        }
        let event = decode_line(source.as_bytes(), &self.context);
        matches(&self.query, &event)
    }

    fn cost(&self) -> u64 {
        // Reading and decoding a stored document is far dearer than advancing a posting list.
        10_000
    }
}
