//! The query language's AST as Elasticsearch query DSL, with the same semantics as the
//! in-memory predicate: keyword fields exact and case-sensitive, message words through the
//! template's `logagg_words` analyzer (runs of letters and digits, lower-cased), levels by
//! order, `fields.KEY` numbers as numbers, regexes found anywhere in the value.

use super::document::{HOST, LEVEL, MESSAGE, SERVICE, TIMESTAMP, TIME_FROM, TRACE, UNPARSED};
use crate::event::{Level, LogEvent, TimeFrom};
use crate::query::ast::{Literal, Range, WildPart, Wildcard};
use crate::query::clause_matches;
use crate::query::{Clause, Query, Target, Test};
use serde_json::{json, Value};
use std::ops::Bound;

pub fn to_dsl(query: &Query) -> Value {
    match query {
        Query::All => json!({"match_all": {}}),
        Query::Not(inner) => json!({"bool": {"must_not": [to_dsl(inner)]}}),
        Query::And(items) => {
            json!({"bool": {"filter": items.iter().map(to_dsl).collect::<Vec<_>>()}})
        }
        Query::Or(items) => json!({"bool": {
            "should": items.iter().map(to_dsl).collect::<Vec<_>>(),
            "minimum_should_match": 1
        }}),
        Query::Clause(clause) => clause_dsl(clause),
    }
}

fn match_none() -> Value {
    json!({"match_none": {}})
}

/// The document field a target names.
pub fn field_of(target: &Target) -> String {
    match target {
        Target::Message => MESSAGE.to_string(),
        Target::Service => SERVICE.to_string(),
        Target::Host => HOST.to_string(),
        Target::Level => LEVEL.to_string(),
        Target::TraceId => TRACE.to_string(),
        Target::Timestamp => TIMESTAMP.to_string(),
        Target::TimeFrom => TIME_FROM.to_string(),
        Target::Unparsed => UNPARSED.to_string(),
        Target::Field(key) => format!("fields.{key}"),
    }
}

fn clause_dsl(clause: &Clause) -> Value {
    let field = field_of(&clause.target);
    if let Some(values) = clause.target.flag_values() {
        return flag_dsl(clause, &field, &values);
    }
    match (&clause.target, &clause.test) {
        (Target::Timestamp, Test::Exists) => json!({"match_all": {}}),
        (_, Test::Exists) => json!({"exists": {"field": field}}),
        (Target::Message, Test::Words(words)) => match words.as_slice() {
            [] => match_none(),
            [word] => json!({"term": {field: word}}),
            _ => json!({"match_phrase": {field: {"query": words.join(" ")}}}),
        },
        // The text field's terms are the message's words, already lower-case.
        (Target::Message, Test::WordPattern(pattern)) => {
            json!({"wildcard": {field: {"value": es_wildcard(pattern)}}})
        }
        // The whole message lives in `message.raw` (a wildcard field) for regexes.
        (Target::Message, Test::Regex(regex)) => regexp(&format!("{MESSAGE}.raw"), &regex.source),
        (Target::Message, _) => match_none(),
        (Target::Level, Test::Range(Range::Level(lo, hi))) => {
            let names: Vec<&str> = Level::ALL
                .into_iter()
                .filter(|l| crate::query::ast::within(l, lo, hi))
                .map(Level::as_str)
                .collect();
            if names.is_empty() {
                match_none()
            } else {
                json!({"terms": {field: names}})
            }
        }
        (Target::Timestamp, Test::Range(Range::Time(lo, hi))) => range(
            &field,
            lo.as_ref().map(|t| json!(t.to_rfc3339())),
            hi.as_ref().map(|t| json!(t.to_rfc3339())),
        ),
        (Target::Timestamp, _) => match_none(),
        (_, Test::Equals(literal)) => equals(&clause.target, &field, literal),
        (_, Test::Pattern(pattern)) => {
            json!({"wildcard": {field: {"value": es_wildcard(pattern)}}})
        }
        (_, Test::Regex(regex)) => regexp(&field, &regex.source),
        (Target::Field(_), Test::Range(Range::Number(lo, hi))) => range(
            &field,
            lo.as_ref().map(|n| json!(n)),
            hi.as_ref().map(|n| json!(n)),
        ),
        (_, Test::Range(Range::Text(lo, hi))) => range(
            &field,
            lo.as_ref().map(|s| json!(s)),
            hi.as_ref().map(|s| json!(s)),
        ),
        _ => match_none(),
    }
}

/// A flag is written only where it is not the usual value (`line`, `false`): the values
/// the clause accepts are found by asking the reference predicate of each, and the usual
/// one is matched by the flag's absence.
fn flag_dsl(clause: &Clause, field: &str, values: &[&str]) -> Value {
    let usual = values[0];
    let accepted: Vec<&str> = values
        .iter()
        .copied()
        .filter(|value| {
            let mut probe = LogEvent::default();
            match clause.target {
                Target::Unparsed => probe.unparsed = *value == "true",
                _ => probe.time_from = TimeFrom::from_name(value).unwrap_or_default(),
            }
            clause_matches(clause, &probe)
        })
        .collect();
    let others: Vec<&str> = accepted.iter().copied().filter(|v| *v != usual).collect();
    let present = match others.as_slice() {
        [] => None,
        [one] if *one == "true" => Some(json!({"term": {field: true}})),
        _ => Some(json!({"terms": {field: others}})),
    };
    let absent = accepted
        .contains(&usual)
        .then(|| json!({"bool": {"must_not": {"exists": {"field": field}}}}));
    match (present, absent) {
        (None, None) => match_none(),
        (Some(q), None) | (None, Some(q)) => q,
        (Some(a), Some(b)) => json!({"bool": {"should": [a, b], "minimum_should_match": 1}}),
    }
}

fn equals(target: &Target, field: &str, literal: &Literal) -> Value {
    match (target, literal.number) {
        // A number matches numeric values and the same text.
        (Target::Field(_), Some(number)) => json!({"bool": {
            "should": [{"term": {field: number}}, {"term": {field: literal.text}}],
            "minimum_should_match": 1
        }}),
        _ => json!({"term": {field: literal.text}}),
    }
}

fn range(field: &str, lo: Bound<Value>, hi: Bound<Value>) -> Value {
    let mut bounds = serde_json::Map::new();
    match lo {
        Bound::Included(v) => {
            bounds.insert("gte".into(), v);
        }
        Bound::Excluded(v) => {
            bounds.insert("gt".into(), v);
        }
        Bound::Unbounded => {}
    }
    match hi {
        Bound::Included(v) => {
            bounds.insert("lte".into(), v);
        }
        Bound::Excluded(v) => {
            bounds.insert("lt".into(), v);
        }
        Bound::Unbounded => {}
    }
    json!({"range": {field: bounds}})
}

/// Elasticsearch wildcards: `*`, `?`, and `\` escapes.
fn es_wildcard(pattern: &Wildcard) -> String {
    let mut out = String::new();
    for part in &pattern.parts {
        match part {
            WildPart::Literal(c) => {
                if matches!(c, '*' | '?' | '\\') {
                    out.push('\\');
                }
                out.push(*c);
            }
            WildPart::AnyOne => out.push('?'),
            WildPart::AnyRun => out.push('*'),
        }
    }
    out
}

/// A `regexp` query. Lucene's syntax has no inline flags: a leading `(?i)` (the one a
/// person writes to ignore case) becomes the query's `case_insensitive`.
fn regexp(field: &str, source: &str) -> Value {
    let (source, insensitive) = match (source.strip_prefix("(?i)"), source.strip_prefix("^(?i)")) {
        (Some(rest), _) => (rest.to_string(), true),
        (None, Some(rest)) => (format!("^{rest}"), true),
        _ => (source.to_string(), false),
    };
    let mut query = json!({"value": unanchored(&source), "flags": "ALL"});
    if insensitive {
        query["case_insensitive"] = json!(true);
    }
    json!({"regexp": {field: query}})
}

/// Elasticsearch anchors regexps to the whole value; the query language finds them
/// anywhere, so unanchored ends get `.*` (an explicit `^` or `$` anchors that end).
fn unanchored(source: &str) -> String {
    let (start, body) = match source.strip_prefix('^') {
        Some(rest) => ("", rest),
        None => (".*", source),
    };
    let (body, end) = match body.strip_suffix('$') {
        Some(rest) if !rest.ends_with('\\') => (rest, ""),
        _ => (body, ".*"),
    };
    format!("{start}({body}){end}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Timestamp;
    use crate::query::parse;

    fn dsl(text: &str) -> Value {
        to_dsl(&parse(text, Timestamp::from_millis(1_795_600_000_000)).unwrap())
    }

    #[test]
    fn keywords_words_and_levels() {
        assert_eq!(
            dsl("service:auth AND level:>=warn"),
            json!({"bool": {"filter": [
                {"term": {"service.name": "auth"}},
                {"terms": {"log.level": ["warn", "error", "fatal"]}}
            ]}})
        );
        assert_eq!(
            dsl("\"connection refused\""),
            json!({"match_phrase": {"message": {"query": "connection refused"}}})
        );
        assert_eq!(dsl("timeout"), json!({"term": {"message": "timeout"}}));
        assert_eq!(
            dsl("conn*"),
            json!({"wildcard": {"message": {"value": "conn*"}}})
        );
    }

    #[test]
    fn negation_or_wildcards_and_exists() {
        assert_eq!(
            dsl("service:(auth OR payments) -host:canary*"),
            json!({"bool": {"filter": [
                {"bool": {"should": [{"term": {"service.name": "auth"}}, {"term": {"service.name": "payments"}}], "minimum_should_match": 1}},
                {"bool": {"must_not": [{"wildcard": {"host.name": {"value": "canary*"}}}]}}
            ]}})
        );
        assert_eq!(dsl("trace_id:*"), json!({"exists": {"field": "trace.id"}}));
        assert_eq!(dsl("*"), json!({"match_all": {}}));
    }

    #[test]
    fn fields_numbers_ranges_and_regexes() {
        assert_eq!(
            dsl("latency_ms:>500"),
            json!({"range": {"fields.latency_ms": {"gt": 500.0}}})
        );
        assert_eq!(
            dsl("status:[400 TO 499}"),
            json!({"range": {"fields.status": {"gte": 400.0, "lt": 499.0}}})
        );
        assert_eq!(
            dsl("status:500"),
            json!({"bool": {"should": [{"term": {"fields.status": 500.0}}, {"term": {"fields.status": "500"}}], "minimum_should_match": 1}})
        );
        assert_eq!(
            dsl("message:/time(d)? ?out/"),
            json!({"regexp": {"message.raw": {"value": ".*(time(d)? ?out).*", "flags": "ALL"}}})
        );
        assert_eq!(
            dsl("host:/^web-\\d$/"),
            json!({"regexp": {"host.name": {"value": "(web-\\d)", "flags": "ALL"}}})
        );
    }

    #[test]
    fn a_leading_case_flag_becomes_case_insensitive() {
        assert_eq!(
            dsl("/(?i)TIMEOUT/"),
            json!({"regexp": {"message.raw": {"value": ".*(TIMEOUT).*", "flags": "ALL", "case_insensitive": true}}})
        );
        assert_eq!(
            dsl("host:/^(?i)WEB-1$/"),
            json!({"regexp": {"host.name": {"value": "(WEB-1)", "flags": "ALL", "case_insensitive": true}}})
        );
    }

    #[test]
    fn time_ranges_use_rfc3339() {
        let value = dsl("@timestamp:[2026-11-24T10:00:00Z TO 2026-11-24T11:00:00Z]");
        assert_eq!(
            value,
            json!({"range": {"@timestamp": {"gte": "2026-11-24T10:00:00.000Z", "lte": "2026-11-24T11:00:00.000Z"}}})
        );
    }
}
