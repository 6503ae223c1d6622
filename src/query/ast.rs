//! The parsed form of a query: one tree that every backend translates.

use crate::event::{Level, Timestamp};
use std::fmt;
use std::ops::Bound;

#[derive(Debug, Clone)]
pub enum Query {
    /// Matches every event (`*` or an empty query).
    All,
    Clause(Clause),
    Not(Box<Query>),
    And(Vec<Query>),
    Or(Vec<Query>),
}

/// One test against one part of an event.
#[derive(Debug, Clone)]
pub struct Clause {
    pub target: Target,
    pub test: Test,
}

/// Which part of the event a clause looks at.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Target {
    Message,
    Service,
    Host,
    Level,
    TraceId,
    Timestamp,
    /// Where the event's time came from (`line`, `year_assumed`, ..., `received`).
    TimeFrom,
    /// Whether the line matched no format (`true` or `false`).
    Unparsed,
    /// A key of `fields`, dotted for nested objects.
    Field(String),
}

impl Target {
    /// The values a flag target can have; `None` for targets of open values.
    pub fn flag_values(&self) -> Option<Vec<&'static str>> {
        match self {
            Target::TimeFrom => Some(crate::event::TimeFrom::ALL.map(|t| t.as_str()).to_vec()),
            Target::Unparsed => Some(vec!["false", "true"]),
            _ => None,
        }
    }

    /// Keyword targets match exact, case-sensitive values.
    pub fn is_keyword(&self) -> bool {
        matches!(self, Target::Service | Target::Host | Target::TraceId)
    }
}

#[derive(Debug, Clone)]
pub enum Test {
    /// The target has a value (`field:*`).
    Exists,
    /// Message: these folded words appear consecutively. Empty never matches.
    Words(Vec<String>),
    /// Message: some word matches this case-folded wildcard pattern.
    WordPattern(Wildcard),
    /// Exact value; numbers in `fields` also compare numerically.
    Equals(Literal),
    /// Case-sensitive wildcard over the whole value.
    Pattern(Wildcard),
    /// A regular expression found anywhere in the value (anchor it with `^...$`).
    Regex(RegexTest),
    Range(Range),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Literal {
    pub text: String,
    /// Present when the text reads as a number.
    pub number: Option<f64>,
}

impl Literal {
    pub fn new(text: String) -> Literal {
        let number = parse_number(&text);
        Literal { text, number }
    }
}

/// Numbers as the query language writes them: `500`, `-3.5`, `1e3`.
pub fn parse_number(text: &str) -> Option<f64> {
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    let mantissa_end = body.find(['e', 'E']).unwrap_or(body.len());
    let (mantissa, exponent) = body.split_at(mantissa_end);
    let digits_ok = !mantissa.is_empty()
        && mantissa.chars().all(|c| c.is_ascii_digit() || c == '.')
        && mantissa.chars().filter(|&c| c == '.').count() <= 1
        && mantissa.chars().any(|c| c.is_ascii_digit());
    let exponent_ok = exponent.is_empty() || {
        let e = exponent[1..]
            .strip_prefix(['-', '+'])
            .unwrap_or(&exponent[1..]);
        !e.is_empty() && e.chars().all(|c| c.is_ascii_digit())
    };
    if !(digits_ok && exponent_ok) {
        return None;
    }
    let value: f64 = text.parse().ok()?;
    value
        .is_finite()
        .then_some(if value == 0.0 { 0.0 } else { value })
}

#[derive(Debug, Clone)]
pub struct RegexTest {
    pub source: String,
    pub regex: regex::Regex,
}

/// `*` matches any run of characters, `?` exactly one.
#[derive(Debug, Clone)]
pub struct Wildcard {
    pub parts: Vec<WildPart>,
    matcher: regex::Regex,
}

#[derive(Debug, Clone, PartialEq)]
pub enum WildPart {
    Literal(char),
    AnyOne,
    AnyRun,
}

impl Wildcard {
    pub fn new(parts: Vec<WildPart>) -> Result<Wildcard, regex::Error> {
        let mut wildcard = Wildcard {
            parts,
            matcher: regex::Regex::new("")?,
        };
        wildcard.matcher = regex::Regex::new(&format!("^{}$", wildcard.regex_body()))?;
        Ok(wildcard)
    }

    /// Whether the whole of `value` matches the pattern.
    pub fn matches(&self, value: &str) -> bool {
        self.matcher.is_match(value)
    }

    /// The pattern as an unanchored regex body (callers anchor it as their engine needs).
    pub fn regex_body(&self) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                WildPart::Literal(c) => push_regex_literal(&mut out, *c),
                WildPart::AnyOne => out.push_str("(?s:.)"),
                WildPart::AnyRun => out.push_str("(?s:.*)"),
            }
        }
        out
    }

    /// The literal text before the first wildcard.
    pub fn literal_prefix(&self) -> String {
        self.parts
            .iter()
            .map_while(|p| match p {
                WildPart::Literal(c) => Some(*c),
                _ => None,
            })
            .collect()
    }
}

/// Escapes one character for a regex, writing control and non-ASCII characters by code
/// point so that every regex engine we hand the pattern to reads it the same way.
pub fn push_regex_literal(out: &mut String, c: char) {
    if c.is_ascii_alphanumeric() || c == ' ' || c == '_' {
        out.push(c);
    } else {
        out.push_str(&format!("\\x{{{:x}}}", c as u32));
    }
}

impl fmt::Display for Wildcard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for part in &self.parts {
            match part {
                WildPart::Literal(c) if "*?\\\"():[]{} ".contains(*c) => write!(f, "\\{c}")?,
                WildPart::Literal(c) => write!(f, "{c}")?,
                WildPart::AnyOne => f.write_str("?")?,
                WildPart::AnyRun => f.write_str("*")?,
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Range {
    Number(Bound<f64>, Bound<f64>),
    Text(Bound<String>, Bound<String>),
    Level(Bound<Level>, Bound<Level>),
    Time(Bound<Timestamp>, Bound<Timestamp>),
}

/// Whether `value` lies within the two bounds.
pub fn within<T: PartialOrd>(value: &T, lower: &Bound<T>, upper: &Bound<T>) -> bool {
    let above = match lower {
        Bound::Included(lo) => value >= lo,
        Bound::Excluded(lo) => value > lo,
        Bound::Unbounded => true,
    };
    let below = match upper {
        Bound::Included(hi) => value <= hi,
        Bound::Excluded(hi) => value < hi,
        Bound::Unbounded => true,
    };
    above && below
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Message => f.write_str("message"),
            Target::Service => f.write_str("service"),
            Target::Host => f.write_str("host"),
            Target::Level => f.write_str("level"),
            Target::TraceId => f.write_str("trace_id"),
            Target::Timestamp => f.write_str("@timestamp"),
            Target::TimeFrom => f.write_str("time_from"),
            Target::Unparsed => f.write_str("unparsed"),
            Target::Field(key) => write!(f, "fields.{key}"),
        }
    }
}

fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

fn write_bounds<T>(
    f: &mut fmt::Formatter<'_>,
    lo: &Bound<T>,
    hi: &Bound<T>,
    show: impl Fn(&T) -> String,
) -> fmt::Result {
    let (open, lo) = match lo {
        Bound::Included(v) => ('[', show(v)),
        Bound::Excluded(v) => ('{', show(v)),
        Bound::Unbounded => ('[', "*".to_string()),
    };
    let (close, hi) = match hi {
        Bound::Included(v) => (']', show(v)),
        Bound::Excluded(v) => ('}', show(v)),
        Bound::Unbounded => (']', "*".to_string()),
    };
    write!(f, "{open}{lo} TO {hi}{close}")
}

impl fmt::Display for Clause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:", self.target)?;
        match &self.test {
            Test::Exists => f.write_str("*"),
            Test::Words(words) => write!(f, "{}", quoted(&words.join(" "))),
            Test::WordPattern(w) | Test::Pattern(w) => write!(f, "{w}"),
            Test::Equals(lit) => write!(f, "{}", quoted(&lit.text)),
            Test::Regex(r) => write!(f, "/{}/", r.source.replace('/', "\\/")),
            Test::Range(Range::Number(lo, hi)) => write_bounds(f, lo, hi, |v| v.to_string()),
            Test::Range(Range::Text(lo, hi)) => write_bounds(f, lo, hi, |v| quoted(v)),
            Test::Range(Range::Level(lo, hi)) => write_bounds(f, lo, hi, |v| v.to_string()),
            Test::Range(Range::Time(lo, hi)) => write_bounds(f, lo, hi, |v| v.to_rfc3339()),
        }
    }
}

impl fmt::Display for Query {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let join = |f: &mut fmt::Formatter<'_>, items: &[Query], op: &str| -> fmt::Result {
            f.write_str("(")?;
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    write!(f, " {op} ")?;
                }
                write!(f, "{item}")?;
            }
            f.write_str(")")
        };
        match self {
            Query::All => f.write_str("*"),
            Query::Clause(c) => write!(f, "{c}"),
            Query::Not(inner) => write!(f, "NOT {inner}"),
            Query::And(items) => join(f, items, "AND"),
            Query::Or(items) => join(f, items, "OR"),
        }
    }
}

impl Query {
    /// All clauses, for checks such as "does the store know this field".
    pub fn clauses(&self) -> Vec<&Clause> {
        let mut out = Vec::new();
        self.collect_clauses(&mut out);
        out
    }

    fn collect_clauses<'a>(&'a self, out: &mut Vec<&'a Clause>) {
        match self {
            Query::All => {}
            Query::Clause(c) => out.push(c),
            Query::Not(inner) => inner.collect_clauses(out),
            Query::And(items) | Query::Or(items) => {
                items.iter().for_each(|q| q.collect_clauses(out))
            }
        }
    }

    /// `self AND other`, flattening nested ANDs and dropping `*`.
    pub fn and(self, other: Query) -> Query {
        match (self, other) {
            (Query::All, q) | (q, Query::All) => q,
            (Query::And(mut a), Query::And(b)) => {
                a.extend(b);
                Query::And(a)
            }
            (Query::And(mut a), q) => {
                a.push(q);
                Query::And(a)
            }
            (q, Query::And(mut b)) => {
                b.insert(0, q);
                Query::And(b)
            }
            (a, b) => Query::And(vec![a, b]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(parse_number("500"), Some(500.0));
        assert_eq!(parse_number("-3.5"), Some(-3.5));
        assert_eq!(parse_number("1e3"), Some(1000.0));
        assert_eq!(parse_number("-0"), Some(0.0));
        for bad in [
            "", "-", ".", "1.2.3", "inf", "NaN", "0x10", "1e", "12a", "1e400",
        ] {
            assert_eq!(parse_number(bad), None, "{bad}");
        }
    }
}
