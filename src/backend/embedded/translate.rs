//! Translation of the query AST into tantivy queries that select exactly the events the
//! in-memory predicate selects. Where the index alone cannot decide (regexes, words or
//! values too long to be terms) the translation checks the stored event with the
//! predicate itself, restricted to the documents that could match.

use super::document::{
    exists_term, kind_prefix, long_value_term, number_term, sortable_f64, text_term,
    trace_prefix_term, SEP,
};
use super::regex_prefilter::message_candidates;
use super::schema::{StoreFields, StoreFormat, MAX_INDEXED_VALUE_BYTES, MAX_INDEXED_WORD_BYTES};
use super::stored_predicate::StoredEventPredicate;
use crate::query::ast::{push_regex_literal, Clause, Literal, Range, Target, Test};
use crate::query::Query;
use std::ops::Bound;
use std::sync::Arc;
use tantivy::query::{
    AllQuery, BooleanQuery, EmptyQuery, InvertedIndexRangeQuery, Occur, PhraseQuery,
    Query as TQuery, RangeQuery, RegexQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::Term;

type Q = Box<dyn TQuery>;

pub fn translate(query: &Query, fields: &StoreFields) -> Q {
    match query {
        Query::All => Box::new(AllQuery),
        Query::Clause(clause) => translate_clause(clause, fields),
        Query::Not(inner) => not(translate(inner, fields)),
        Query::And(items) => {
            let mut clauses: Vec<(Occur, Q)> = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    Query::Not(inner) => clauses.push((Occur::MustNot, translate(inner, fields))),
                    other => clauses.push((Occur::Must, translate(other, fields))),
                }
            }
            if clauses.iter().all(|(occur, _)| *occur == Occur::MustNot) {
                clauses.push((Occur::Must, Box::new(AllQuery)));
            }
            Box::new(BooleanQuery::new(clauses))
        }
        Query::Or(items) => Box::new(BooleanQuery::new(
            items
                .iter()
                .map(|q| (Occur::Should, translate(q, fields)))
                .collect(),
        )),
    }
}

fn not(inner: Q) -> Q {
    Box::new(BooleanQuery::new(vec![
        (Occur::Must, Box::new(AllQuery) as Q),
        (Occur::MustNot, inner),
    ]))
}

fn and(items: Vec<Q>) -> Q {
    Box::new(BooleanQuery::new(
        items.into_iter().map(|q| (Occur::Must, q)).collect(),
    ))
}

fn or(items: Vec<Q>) -> Q {
    Box::new(BooleanQuery::new(
        items.into_iter().map(|q| (Occur::Should, q)).collect(),
    ))
}

fn term(field: Field, text: &str) -> Q {
    Box::new(TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::Basic,
    ))
}

/// Checks the stored event, but only among the documents `candidates` selects.
fn checked(clause: &Clause, candidates: Q) -> Q {
    let predicate: Q = Box::new(StoredEventPredicate::query(Arc::new(Query::Clause(
        clause.clone(),
    ))));
    and(vec![candidates, predicate])
}

fn regex(field: Field, prefix: &str, body: &str) -> Q {
    let mut pattern = String::new();
    for c in prefix.chars() {
        push_regex_literal(&mut pattern, c);
    }
    pattern.push_str(body);
    match RegexQuery::from_pattern(&pattern, field) {
        Ok(q) => Box::new(q),
        // The pattern came from our own escaping; if tantivy's engine still refuses it,
        // deciding per stored event gives the same answer, only slower.
        Err(_) => Box::new(EmptyQuery),
    }
}

fn translate_clause(clause: &Clause, f: &StoreFields) -> Q {
    match (&clause.target, &clause.test) {
        (Target::Message, Test::Regex(regex)) => checked(
            clause,
            message_candidates(&regex.source, f).unwrap_or_else(|| Box::new(AllQuery)),
        ),
        (_, Test::Regex(_)) => checked(clause, Box::new(AllQuery)),
        (Target::Message, Test::Exists) => Box::new(AllQuery),
        (Target::Message, Test::Words(words)) => {
            if words.iter().any(|w| w.len() > MAX_INDEXED_WORD_BYTES) {
                return checked(clause, term(f.terms, &long_value_term("message")));
            }
            match words.as_slice() {
                [] => Box::new(EmptyQuery),
                [word] => term(f.message, word),
                many => Box::new(PhraseQuery::new(
                    many.iter()
                        .map(|w| Term::from_field_text(f.message, w))
                        .collect(),
                )),
            }
        }
        (Target::Message, Test::WordPattern(pattern)) => {
            let attempt = regex(f.message, "", &pattern.regex_body());
            or(vec![
                attempt,
                checked(clause, term(f.terms, &long_value_term("message"))),
            ])
        }
        (Target::Message, _) => Box::new(EmptyQuery),
        (Target::Service, test) => keyword(clause, f.service, test),
        (Target::Host, test) => keyword(clause, f.host, test),
        (Target::TraceId, Test::Exists) => has_trace_id(f),
        (Target::TraceId, test) => match f.format {
            StoreFormat::V1 => keyword(clause, f.trace_id, test),
            StoreFormat::V2 => trace_by_prefix(clause, test, f),
        },
        (Target::Level, Test::Range(Range::Level(lo, hi))) => {
            let rank = |l: &crate::event::Level| Term::from_field_u64(f.level_rank, l.rank());
            Box::new(RangeQuery::new(
                map_bound(lo, rank, Term::from_field_u64(f.level_rank, 0)),
                upper_bound(hi, rank),
            ))
        }
        (Target::Level, test) => keyword(clause, f.level, test),
        (Target::Timestamp, Test::Range(Range::Time(lo, hi))) => {
            let ts = |t: &crate::event::Timestamp| Term::from_field_i64(f.ts, t.micros());
            Box::new(RangeQuery::new(
                map_bound(lo, ts, Term::from_field_i64(f.ts, i64::MIN)),
                upper_bound(hi, ts),
            ))
        }
        (Target::Timestamp, Test::Exists) => Box::new(AllQuery),
        (Target::Timestamp, _) => Box::new(EmptyQuery),
        // Formats 1 and 2 index no flags: the stored event decides.
        (Target::TimeFrom | Target::Unparsed, _) => checked(clause, Box::new(AllQuery)),
        (Target::Field(key), _) if key.contains(SEP) => checked(clause, Box::new(AllQuery)),
        (Target::Field(key), test) => field(clause, key, test, f),
    }
}

/// Format 2 indexes only the first characters of each trace id: the index narrows to the
/// events whose prefix agrees with the query's, and the stored event decides.
fn trace_by_prefix(clause: &Clause, test: &Test, f: &StoreFields) -> Q {
    let candidates = match test {
        Test::Equals(lit) => term(f.terms, &trace_prefix_term(&lit.text)),
        // Indexed prefixes starting with the pattern's own (ids shorter than the indexed
        // prefix are indexed whole, so a short literal prefix may also end the term).
        Test::Pattern(pattern) => {
            terms_starting_with(f.terms, &trace_prefix_term(&pattern.literal_prefix()))
        }
        _ => has_trace_id(f),
    };
    checked(clause, candidates)
}

fn has_trace_id(f: &StoreFields) -> Q {
    match f.format {
        StoreFormat::V1 => term(f.terms, &exists_term("trace_id")),
        StoreFormat::V2 => terms_starting_with(f.terms, &trace_prefix_term("")),
    }
}

/// Every term of `field` that starts with `prefix` (which must not end in U+10FFFF).
fn terms_starting_with(field: Field, prefix: &str) -> Q {
    let mut end = prefix.to_string();
    match end.pop().and_then(|last| char::from_u32(last as u32 + 1)) {
        Some(next) => end.push(next),
        None => return Box::new(AllQuery),
    }
    Box::new(InvertedIndexRangeQuery::new(
        Bound::Included(Term::from_field_text(field, prefix)),
        Bound::Excluded(Term::from_field_text(field, &end)),
    ))
}

/// Events with any value under `key`: its text and number terms, and (checked, since the
/// message's long-word flag shares the name `L␀message`) its values too long for a term.
fn has_key(clause: &Clause, key: &str, f: &StoreFields) -> Q {
    or(vec![
        terms_starting_with(f.terms, &kind_prefix('s', key)),
        terms_starting_with(f.terms, &kind_prefix('n', key)),
        checked(clause, term(f.terms, &long_value_term(key))),
    ])
}

/// A bound for a range query; unbounded sides become the extreme value so that tantivy
/// always receives at least one bound.
fn map_bound<T>(bound: &Bound<T>, make: impl Fn(&T) -> Term, extreme: Term) -> Bound<Term> {
    match bound {
        Bound::Included(v) => Bound::Included(make(v)),
        Bound::Excluded(v) => Bound::Excluded(make(v)),
        Bound::Unbounded => Bound::Included(extreme),
    }
}

fn keyword(clause: &Clause, field: Field, test: &Test) -> Q {
    match test {
        Test::Exists => Box::new(AllQuery),
        Test::Equals(lit) => term(field, &lit.text),
        Test::Pattern(pattern) => regex(field, "", &pattern.regex_body()),
        Test::Range(Range::Text(lo, hi)) => {
            let make = |s: &String| Term::from_field_text(field, s);
            Box::new(InvertedIndexRangeQuery::new(
                map_bound(lo, make, Term::from_field_text(field, "")),
                upper_bound(hi, make),
            ))
        }
        _ => {
            let _ = clause;
            Box::new(EmptyQuery)
        }
    }
}

/// An upper bound; tantivy accepts an open upper end as long as the lower end is set.
fn upper_bound<T>(hi: &Bound<T>, make: impl Fn(&T) -> Term) -> Bound<Term> {
    match hi {
        Bound::Included(v) => Bound::Included(make(v)),
        Bound::Excluded(v) => Bound::Excluded(make(v)),
        Bound::Unbounded => Bound::Unbounded,
    }
}

fn field(clause: &Clause, key: &str, test: &Test, f: &StoreFields) -> Q {
    let long_values = || checked(clause, term(f.terms, &long_value_term(key)));
    match test {
        Test::Exists => match f.format {
            StoreFormat::V1 => term(f.terms, &exists_term(key)),
            StoreFormat::V2 => has_key(clause, key, f),
        },
        Test::Equals(Literal { text, number }) => {
            let mut options = Vec::new();
            if text.len() > MAX_INDEXED_VALUE_BYTES {
                options.push(long_values());
            } else {
                options.push(term(f.terms, &text_term(key, text)));
            }
            if let Some(n) = number {
                options.push(term(f.terms, &number_term(key, *n)));
            }
            or(options)
        }
        Test::Pattern(pattern) => or(vec![
            regex(f.terms, &kind_prefix('s', key), &pattern.regex_body()),
            long_values(),
        ]),
        Test::Range(Range::Number(lo, hi)) => {
            let prefix = kind_prefix('n', key);
            let make = |n: &f64| {
                Term::from_field_text(f.terms, &format!("{prefix}{:016x}", sortable_f64(*n)))
            };
            let lower = map_bound(lo, make, Term::from_field_text(f.terms, &prefix));
            let upper = match hi {
                Bound::Unbounded => Bound::Included(Term::from_field_text(
                    f.terms,
                    &format!("{prefix}{}", "f".repeat(16)),
                )),
                other => map_bound(other, make, Term::from_field_text(f.terms, &prefix)),
            };
            Box::new(InvertedIndexRangeQuery::new(lower, upper))
        }
        Test::Range(Range::Text(lo, hi)) => {
            let prefix = kind_prefix('s', key);
            let make = |s: &String| Term::from_field_text(f.terms, &format!("{prefix}{s}"));
            let lower = map_bound(lo, make, Term::from_field_text(f.terms, &prefix));
            let upper = match hi {
                Bound::Unbounded => {
                    Bound::Excluded(Term::from_field_text(f.terms, &format!("s{SEP}{key}\u{1}")))
                }
                other => map_bound(other, make, Term::from_field_text(f.terms, &prefix)),
            };
            or(vec![
                Box::new(InvertedIndexRangeQuery::new(lower, upper)),
                long_values(),
            ])
        }
        _ => Box::new(EmptyQuery),
    }
}
