//! The in-memory evaluation of a query against one event: the reference semantics that
//! every backend must reproduce (live tails and the dashboard use it directly).

use super::ast::{within, Clause, Literal, Query, Range, Target, Test};
use super::words::{contains_phrase, fold, word_spans};
use crate::event::{flatten_fields, FieldValue, LogEvent};

pub fn matches(query: &Query, event: &LogEvent) -> bool {
    match query {
        Query::All => true,
        Query::Clause(clause) => clause_matches(clause, event),
        Query::Not(inner) => !matches(inner, event),
        Query::And(items) => items.iter().all(|q| matches(q, event)),
        Query::Or(items) => items.iter().any(|q| matches(q, event)),
    }
}

/// Whether one clause holds for `event` (what `matches` asks of each clause).
pub fn clause_matches(clause: &Clause, event: &LogEvent) -> bool {
    match &clause.target {
        Target::Message => message_matches(&clause.test, &event.message),
        Target::Service => keyword_matches(&clause.test, &event.service),
        Target::Host => keyword_matches(&clause.test, &event.host),
        Target::TraceId => event
            .trace_id
            .as_deref()
            .is_some_and(|t| keyword_matches(&clause.test, t)),
        Target::Level => match &clause.test {
            Test::Range(Range::Level(lo, hi)) => within(&event.level, lo, hi),
            test => keyword_matches(test, event.level.as_str()),
        },
        Target::Timestamp => match &clause.test {
            Test::Exists => true,
            Test::Range(Range::Time(lo, hi)) => within(&event.timestamp, lo, hi),
            _ => false,
        },
        Target::TimeFrom => keyword_matches(&clause.test, event.time_from.as_str()),
        Target::Unparsed => {
            keyword_matches(&clause.test, if event.unparsed { "true" } else { "false" })
        }
        Target::Field(key) => {
            let mut found = false;
            flatten_fields(&event.fields, |k, value| {
                if !found && k == key {
                    found = field_value_matches(&clause.test, value);
                }
            });
            found
        }
    }
}

fn message_matches(test: &Test, message: &str) -> bool {
    match test {
        Test::Exists => true,
        Test::Words(words) => contains_phrase(message, words),
        Test::WordPattern(pattern) => word_spans(message).any(|(_, w)| pattern.matches(&fold(w))),
        Test::Regex(r) => r.regex.is_match(message),
        _ => false,
    }
}

fn keyword_matches(test: &Test, value: &str) -> bool {
    match test {
        Test::Exists => true,
        Test::Equals(lit) => value == lit.text,
        Test::Pattern(pattern) => pattern.matches(value),
        Test::Regex(r) => r.regex.is_match(value),
        Test::Range(Range::Text(lo, hi)) => within(&value, &as_str_bound(lo), &as_str_bound(hi)),
        _ => false,
    }
}

fn field_value_matches(test: &Test, value: FieldValue<'_>) -> bool {
    let text_form;
    let text = match value {
        FieldValue::Text(s) => s,
        FieldValue::Bool(b) => {
            text_form = if b { "true" } else { "false" };
            text_form
        }
        FieldValue::Number(n) => {
            return match test {
                Test::Exists => true,
                Test::Equals(Literal {
                    number: Some(x), ..
                }) => n == *x,
                Test::Range(Range::Number(lo, hi)) => within(&n, lo, hi),
                _ => false,
            }
        }
    };
    match test {
        Test::Range(Range::Number(..)) => false,
        other => keyword_matches(other, text),
    }
}

fn as_str_bound(bound: &std::ops::Bound<String>) -> std::ops::Bound<&str> {
    match bound {
        std::ops::Bound::Included(s) => std::ops::Bound::Included(s.as_str()),
        std::ops::Bound::Excluded(s) => std::ops::Bound::Excluded(s.as_str()),
        std::ops::Bound::Unbounded => std::ops::Bound::Unbounded,
    }
}
