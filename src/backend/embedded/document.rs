//! How an event becomes a tantivy document.
//!
//! `fields` are indexed as typed terms in one raw field, so that any key can be queried
//! without a schema change:
//! - `s␀key␀text` for text and booleans (exact, wildcard and lexicographic range),
//! - `n␀key␀HEX` for numbers, HEX being an order-preserving encoding (numeric ranges),
//! - `k␀key` when the key has any value (`key:*`; format 1 only),
//! - `L␀key` when a value was too long to index as a term (checked against the stored event).
//!
//! - `t␀PREFIX` for the first characters of the trace id (format 2; see `schema::StoreFormat`).
//!
//! Plus `k␀trace_id` (format 1) when the event has a trace id and `L␀message` when its message has a
//! word too long to index.

use super::schema::{
    StoreFields, StoreFormat, MAX_INDEXED_VALUE_BYTES, MAX_INDEXED_WORD_BYTES, TRACE_PREFIX_CHARS,
};
use crate::event::{flatten_fields, FieldValue, LogEvent};
use crate::query::words::{fold, word_spans};
use std::collections::BTreeSet;
use tantivy::TantivyDocument;

pub const SEP: char = '\u{0}';

pub fn text_term(key: &str, text: &str) -> String {
    format!("s{SEP}{key}{SEP}{text}")
}

pub fn number_term(key: &str, value: f64) -> String {
    format!("n{SEP}{key}{SEP}{:016x}", sortable_f64(value))
}

pub fn exists_term(key: &str) -> String {
    format!("k{SEP}{key}")
}

/// The term a format-2 store indexes for a trace id (or for a query's literal prefix of one).
pub fn trace_prefix_term(trace_id: &str) -> String {
    let prefix: String = trace_id.chars().take(TRACE_PREFIX_CHARS).collect();
    format!("t{SEP}{prefix}")
}

pub fn long_value_term(key: &str) -> String {
    format!("L{SEP}{key}")
}

/// The prefix shared by all terms of one kind (`s`, `n`) for one key.
pub fn kind_prefix(kind: char, key: &str) -> String {
    format!("{kind}{SEP}{key}{SEP}")
}

/// Maps an f64 to a u64 whose unsigned order is the numeric order.
pub fn sortable_f64(value: f64) -> u64 {
    let value = if value == 0.0 { 0.0 } else { value };
    let bits = value.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    }
}

pub fn to_document(
    fields: &StoreFields,
    event: &LogEvent,
    seq: u64,
    source: &str,
) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_u64(fields.seq, seq);
    doc.add_i64(fields.ts, event.timestamp.micros());
    doc.add_text(fields.level, event.level.as_str());
    doc.add_u64(fields.level_rank, event.level.rank());
    doc.add_text(fields.service, &event.service);
    doc.add_text(fields.host, &event.host);
    if let Some(trace_id) = &event.trace_id {
        match fields.format {
            StoreFormat::V1 => {
                doc.add_text(fields.trace_id, trace_id);
                doc.add_text(fields.terms, exists_term("trace_id"));
            }
            StoreFormat::V2 => doc.add_text(fields.terms, trace_prefix_term(trace_id)),
        }
    }
    doc.add_text(fields.message, &event.message);
    if event.message.len() > MAX_INDEXED_WORD_BYTES / 3
        && word_spans(&event.message).any(|(_, w)| is_long_word(w))
    {
        doc.add_text(fields.terms, long_value_term("message"));
    }
    for term in field_terms(event, fields.format == StoreFormat::V1) {
        doc.add_text(fields.terms, term);
    }
    doc.add_text(fields.source, source);
    doc
}

/// Whether a word's folded form is too long to be indexed (see `schema::WordTokenizer`).
fn is_long_word(word: &str) -> bool {
    word.len() > MAX_INDEXED_WORD_BYTES / 3 && fold(word).len() > MAX_INDEXED_WORD_BYTES
}

/// The distinct typed terms of an event's `fields`, with `k␀` terms when `with_keys`.
pub fn field_terms(event: &LogEvent, with_keys: bool) -> BTreeSet<String> {
    let mut terms = BTreeSet::new();
    flatten_fields(&event.fields, |key, value| {
        if key.contains(SEP) {
            return;
        }
        if with_keys {
            terms.insert(exists_term(key));
        }
        match value {
            FieldValue::Number(n) => {
                terms.insert(number_term(key, n));
            }
            FieldValue::Bool(b) => {
                terms.insert(text_term(key, if b { "true" } else { "false" }));
            }
            FieldValue::Text(text) if text.len() > MAX_INDEXED_VALUE_BYTES => {
                terms.insert(long_value_term(key));
            }
            FieldValue::Text(text) => {
                terms.insert(text_term(key, text));
            }
        }
    });
    terms
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sortable_f64_preserves_order() {
        let values = [
            f64::MIN,
            -1e10,
            -1.5,
            -0.0,
            0.0,
            1e-300,
            1.0,
            2.5,
            1e10,
            f64::MAX,
        ];
        for pair in values.windows(2) {
            assert!(sortable_f64(pair[0]) <= sortable_f64(pair[1]), "{pair:?}");
        }
        assert_eq!(sortable_f64(-0.0), sortable_f64(0.0));
        assert_eq!(format!("{:016x}", sortable_f64(1.0)).len(), 16);
    }
}
