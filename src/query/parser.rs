//! A recursive-descent parser for the query language (its rules: README, "Query language").
//!
//! Precedence, loosest first: `OR`, then `AND` (also juxtaposition), then `NOT`/`-`.

use super::ast::{Clause, Literal, Query, Range, RegexTest, Target, Test, WildPart, Wildcard};
use super::error::QueryError;
use super::time::parse_time;
use super::words::{fold, folded_words};
use crate::event::{Level, Timestamp};
use std::ops::Bound;

/// The longest query taken, in bytes: a query is typed or generated, never a document.
pub const MAX_QUERY_BYTES: usize = 64 * 1024;
/// The deepest nesting of parentheses and negations taken: parsing, matching and
/// translating recurse once per level, so this bounds the stack they use.
pub const MAX_DEPTH: usize = 64;
/// The most clauses (field tests, words, phrases, regexes) one query may hold.
pub const MAX_CLAUSES: usize = 2048;

/// Parses a query; `now` anchors relative times such as `now-15m`. A query longer, deeper
/// or with more clauses than the limits above is refused at the place it crosses them.
pub fn parse(query: &str, now: Timestamp) -> Result<Query, QueryError> {
    let mut parser = Parser {
        source: query,
        chars: query.chars().collect(),
        pos: 0,
        now,
        depth: 0,
        clauses: 0,
    };
    if query.len() > MAX_QUERY_BYTES {
        let column = query
            .char_indices()
            .take_while(|(at, _)| *at < MAX_QUERY_BYTES)
            .count();
        return Err(parser.error_at(
            column,
            format!(
                "the query is {} bytes long, more than the {MAX_QUERY_BYTES} taken; narrow it (a saved list of values belongs in a field, not in the query)",
                query.len()
            ),
        ));
    }
    parser.skip_space();
    if parser.at_end() {
        return Ok(Query::All);
    }
    let parsed = parser.parse_or(None)?;
    parser.skip_space();
    if !parser.at_end() {
        return Err(parser.error_at(parser.pos, "unexpected ')' without a matching '('"));
    }
    Ok(parsed)
}

struct Parser<'a> {
    source: &'a str,
    chars: Vec<char>,
    pos: usize,
    now: Timestamp,
    /// Parentheses and negations open around the position being read.
    depth: usize,
    /// Clauses built so far.
    clauses: usize,
}

/// One character of an unquoted term, remembering whether a backslash protected it.
#[derive(Clone, Copy)]
struct TermChar {
    c: char,
    escaped: bool,
}

struct Term {
    chars: Vec<TermChar>,
    start: usize,
}

impl Term {
    fn text(&self) -> String {
        self.chars.iter().map(|t| t.c).collect()
    }

    fn is_star(&self) -> bool {
        matches!(
            self.chars.as_slice(),
            [TermChar {
                c: '*',
                escaped: false
            }]
        )
    }

    fn has_wildcard(&self) -> bool {
        self.chars
            .iter()
            .any(|t| !t.escaped && (t.c == '*' || t.c == '?'))
    }

    fn wild_parts(&self, fold_case: bool) -> Vec<WildPart> {
        let mut parts = Vec::new();
        let mut literal = String::new();
        let flush = |literal: &mut String, parts: &mut Vec<WildPart>| {
            let text = if fold_case {
                fold(literal)
            } else {
                std::mem::take(literal)
            };
            parts.extend(text.chars().map(WildPart::Literal));
            literal.clear();
        };
        for t in &self.chars {
            match (t.c, t.escaped) {
                ('*', false) => {
                    flush(&mut literal, &mut parts);
                    // `**` means the same as `*`.
                    if parts.last() != Some(&WildPart::AnyRun) {
                        parts.push(WildPart::AnyRun);
                    }
                }
                ('?', false) => {
                    flush(&mut literal, &mut parts);
                    parts.push(WildPart::AnyOne);
                }
                (c, _) => literal.push(c),
            }
        }
        flush(&mut literal, &mut parts);
        parts
    }
}

/// What followed `name:` before it is typed by the target.
enum Value {
    Term(Term),
    Quoted(String, usize),
    Regex(RegexTest),
    Range(Bound<RangeBound>, Bound<RangeBound>),
}

struct RangeBound {
    text: String,
    pos: usize,
}

impl Parser<'_> {
    fn error_at(&self, column: usize, message: impl Into<String>) -> QueryError {
        QueryError {
            query: self.source.to_string(),
            column,
            message: message.into(),
        }
    }

    fn at_end(&self) -> bool {
        self.pos >= self.chars.len()
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<char> {
        self.chars.get(self.pos + offset).copied()
    }

    fn skip_space(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    /// Whether an operator word (`AND`, `&&`, ...) starts here as a whole token.
    fn at_operator(&self, words: &[&str]) -> Option<usize> {
        words.iter().find_map(|word| {
            let len = word.chars().count();
            let matches = word
                .chars()
                .enumerate()
                .all(|(i, c)| self.peek_at(i) == Some(c));
            let boundary = match self.peek_at(len) {
                None => true,
                Some(c) => {
                    c.is_whitespace() || c == '(' || (!word.starts_with(char::is_alphabetic))
                }
            };
            (matches && boundary).then_some(len)
        })
    }

    fn at_clause_end(&self) -> bool {
        self.at_end() || self.peek() == Some(')') || self.at_operator(&["OR", "||"]).is_some()
    }

    fn parse_or(&mut self, field: Option<&Target>) -> Result<Query, QueryError> {
        let mut items = vec![self.parse_and(field)?];
        loop {
            self.skip_space();
            let Some(len) = self.at_operator(&["OR", "||"]) else {
                break;
            };
            let op_pos = self.pos;
            self.pos += len;
            self.skip_space();
            if self.at_clause_end() {
                return Err(self.error_at(op_pos, "OR needs something on both sides"));
            }
            items.push(self.parse_and(field)?);
        }
        Ok(flatten(items, false))
    }

    fn parse_and(&mut self, field: Option<&Target>) -> Result<Query, QueryError> {
        self.skip_space();
        if let Some(word) = ["AND", "&&", "OR", "||"]
            .iter()
            .find(|w| self.at_operator(&[w]).is_some())
        {
            return Err(self.error_at(self.pos, format!("{word} needs something on both sides")));
        }
        let mut items = vec![self.parse_unary(field)?];
        loop {
            self.skip_space();
            if self.at_clause_end() {
                break;
            }
            if let Some(len) = self.at_operator(&["AND", "&&"]) {
                let op_pos = self.pos;
                self.pos += len;
                self.skip_space();
                if self.at_clause_end() || self.at_operator(&["AND", "&&"]).is_some() {
                    return Err(self.error_at(op_pos, "AND needs something on both sides"));
                }
            }
            items.push(self.parse_unary(field)?);
        }
        Ok(flatten(items, true))
    }

    fn parse_unary(&mut self, field: Option<&Target>) -> Result<Query, QueryError> {
        self.skip_space();
        let start = self.pos;
        let negate = if let Some(len) = self.at_operator(&["NOT"]) {
            self.pos += len;
            true
        } else if self.peek() == Some('!') || self.peek() == Some('-') {
            self.pos += 1;
            if self.peek().is_none_or(char::is_whitespace) {
                let op = self.chars[start];
                return Err(self.error_at(
                    start,
                    format!(
                        "'{op}' must be followed directly by what it negates, as in -host:canary*"
                    ),
                ));
            }
            true
        } else if self.peek() == Some('+') {
            self.pos += 1;
            return self.parse_unary(field);
        } else {
            false
        };
        if negate {
            self.skip_space();
            if self.at_clause_end() || self.at_operator(&["AND", "&&"]).is_some() {
                return Err(self.error_at(start, "NOT needs something after it"));
            }
            let inner = self.nested(start, |parser| parser.parse_unary(field))?;
            return Ok(Query::Not(Box::new(inner)));
        }
        self.parse_primary(field)
    }

    fn parse_primary(&mut self, field: Option<&Target>) -> Result<Query, QueryError> {
        let start = self.pos;
        match self.peek() {
            Some('(') => return self.parse_group(field),
            Some(')') => return Err(self.error_at(start, "unexpected ')' without a matching '('")),
            _ => {}
        }
        if let Some(target) = field {
            let value = self.parse_value(target)?;
            return self.build(target, value);
        }
        match self.peek() {
            Some('"') => {
                let (text, pos) = self.read_quoted()?;
                self.build(&Target::Message, Value::Quoted(text, pos))
            }
            Some('/') if self.at_whole_regex() => {
                let regex = self.read_regex()?;
                self.build(&Target::Message, Value::Regex(regex))
            }
            Some(':') => Err(self.error_at(start, "missing field name before ':'")),
            _ => {
                let term = self.read_term(true)?;
                if self.peek() == Some(':') {
                    let colon = self.pos;
                    self.pos += 1;
                    let target = self.resolve_name(&term)?;
                    self.skip_space();
                    if self.peek() == Some('(') {
                        return self.parse_group(Some(&target));
                    }
                    if self.at_end() || self.peek() == Some(')') {
                        return Err(self.error_at(
                            colon + 1,
                            format!("missing value after '{}:'", term.text()),
                        ));
                    }
                    let value = self.parse_value(&target)?;
                    return self.build(&target, value);
                }
                if term.is_star() {
                    return Ok(Query::All);
                }
                // `@name` is a saved query, expanded before parsing where saved queries
                // are known (the CLI); read as the word `name` it would match other events.
                let raw: String = self.chars[start..self.pos].iter().collect();
                if let Some(name) = raw.strip_prefix('@').filter(|n| {
                    !n.is_empty()
                        && n.chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                }) {
                    return Err(self.error_at(
                        start,
                        format!("'@{name}' names a saved query, which is not known here; quote it (\"@{name}\") to search for the word"),
                    ));
                }
                self.build(&Target::Message, Value::Term(term))
            }
        }
    }

    fn parse_group(&mut self, field: Option<&Target>) -> Result<Query, QueryError> {
        let open = self.pos;
        self.pos += 1;
        self.skip_space();
        if self.peek() == Some(')') {
            return Err(self.error_at(open, "empty parentheses"));
        }
        if self.at_end() {
            return Err(self.error_at(open, "missing closing ')' for this '('"));
        }
        let inner = self.nested(open, |parser| parser.parse_or(field))?;
        self.skip_space();
        if self.peek() != Some(')') {
            return Err(self.error_at(open, "missing closing ')' for this '('"));
        }
        self.pos += 1;
        Ok(inner)
    }

    fn resolve_name(&self, term: &Term) -> Result<Target, QueryError> {
        let name = term.text();
        if term.has_wildcard() {
            return Err(self.error_at(
                term.start,
                format!("field names cannot contain wildcards: '{name}'"),
            ));
        }
        Ok(match name.as_str() {
            "message" => Target::Message,
            "service" | "service.name" => Target::Service,
            "host" | "host.name" => Target::Host,
            "level" | "log.level" => Target::Level,
            "trace_id" | "trace.id" => Target::TraceId,
            "@timestamp" => Target::Timestamp,
            "time_from" | "logagg.time_from" => Target::TimeFrom,
            "unparsed" | "logagg.unparsed" => Target::Unparsed,
            "fields" => {
                return Err(self.error_at(
                    term.start,
                    "name a key inside fields, as in fields.latency_ms:>500",
                ));
            }
            other => Target::Field(other.strip_prefix("fields.").unwrap_or(other).to_string()),
        })
    }

    fn parse_value(&mut self, target: &Target) -> Result<Value, QueryError> {
        self.skip_space();
        let start = self.pos;
        match self.peek() {
            None | Some(')') => Err(self.error_at(start, format!("missing value for {target}"))),
            Some('"') => {
                let (text, pos) = self.read_quoted()?;
                Ok(Value::Quoted(text, pos))
            }
            Some('/') if self.at_whole_regex() => Ok(Value::Regex(self.read_regex()?)),
            Some('[') | Some('{') => self.read_range(),
            Some('>') | Some('<') => {
                let greater = self.peek() == Some('>');
                self.pos += 1;
                let inclusive = self.peek() == Some('=');
                if inclusive {
                    self.pos += 1;
                }
                self.skip_space();
                let bound_pos = self.pos;
                let text = match self.peek() {
                    Some('"') => self.read_quoted()?.0,
                    None | Some(')') => {
                        return Err(self.error_at(bound_pos, "missing value after the comparison"))
                    }
                    _ => self.read_term(false)?.text(),
                };
                let bound = RangeBound {
                    text,
                    pos: bound_pos,
                };
                let bound = if inclusive {
                    Bound::Included(bound)
                } else {
                    Bound::Excluded(bound)
                };
                Ok(if greater {
                    Value::Range(bound, Bound::Unbounded)
                } else {
                    Value::Range(Bound::Unbounded, bound)
                })
            }
            _ => Ok(Value::Term(self.read_term(false)?)),
        }
    }

    /// Reads an unquoted term. Names stop at ':'; values may contain it (times do).
    fn read_term(&mut self, stop_at_colon: bool) -> Result<Term, QueryError> {
        let start = self.pos;
        let mut chars = Vec::new();
        while let Some(c) = self.peek() {
            if c.is_whitespace() || c == '(' || c == ')' || c == '"' || (stop_at_colon && c == ':')
            {
                break;
            }
            if c == '\\' {
                let Some(next) = self.peek_at(1) else {
                    return Err(self.error_at(self.pos, "a backslash at the end escapes nothing"));
                };
                chars.push(TermChar {
                    c: next,
                    escaped: true,
                });
                self.pos += 2;
                continue;
            }
            chars.push(TermChar { c, escaped: false });
            self.pos += 1;
        }
        if chars.is_empty() {
            return Err(self.error_at(start, "expected a search term here"));
        }
        Ok(Term { chars, start })
    }

    fn read_quoted(&mut self) -> Result<(String, usize), QueryError> {
        let open = self.pos;
        self.pos += 1;
        let mut text = String::new();
        loop {
            match self.peek() {
                None => return Err(self.error_at(open, "unterminated quote: add the closing '\"'")),
                Some('"') => {
                    self.pos += 1;
                    return Ok((text, open));
                }
                Some('\\') if self.peek_at(1).is_some() => {
                    text.extend(self.peek_at(1));
                    self.pos += 2;
                }
                Some(c) => {
                    text.push(c);
                    self.pos += 1;
                }
            }
        }
    }

    /// Whether the `/` here opens a regex: only a whole token is one, `/.../` closed
    /// where the term ends (a space, `)` or the end); `/api/v1/orders` is a literal. A `/`
    /// never closed is a regex too, so that the error says to close it.
    fn at_whole_regex(&self) -> bool {
        let mut i = self.pos + 1;
        while let Some(&c) = self.chars.get(i) {
            match c {
                '\\' => i += 2,
                '/' => {
                    return self
                        .chars
                        .get(i + 1)
                        .is_none_or(|&next| next.is_whitespace() || next == ')');
                }
                _ => i += 1,
            }
        }
        true
    }

    fn read_regex(&mut self) -> Result<RegexTest, QueryError> {
        let open = self.pos;
        self.pos += 1;
        let mut source = String::new();
        loop {
            match self.peek() {
                None => return Err(self.error_at(open, "unterminated regex: add the closing '/'")),
                Some('/') => {
                    self.pos += 1;
                    break;
                }
                Some('\\') if self.peek_at(1) == Some('/') => {
                    source.push('/');
                    self.pos += 2;
                }
                Some(c) => {
                    source.push(c);
                    self.pos += 1;
                }
            }
        }
        let regex = regex::RegexBuilder::new(&source)
            .size_limit(1 << 22)
            .build()
            .map_err(|e| {
                let reason = e
                    .to_string()
                    .lines()
                    .last()
                    .unwrap_or("invalid pattern")
                    .trim()
                    .to_string();
                self.error_at(open, format!("invalid regex: {reason}"))
            })?;
        Ok(RegexTest { source, regex })
    }

    fn read_range(&mut self) -> Result<Value, QueryError> {
        let open = self.pos;
        let lower_inclusive = self.peek() == Some('[');
        self.pos += 1;
        self.skip_space();
        let lower = self.read_range_bound()?;
        self.skip_space();
        if self.at_operator(&["TO"]).is_none() {
            return Err(self.error_at(self.pos, "expected 'TO' in the range, as in [100 TO 500]"));
        }
        self.pos += 2;
        self.skip_space();
        let upper = self.read_range_bound()?;
        self.skip_space();
        let upper_inclusive = match self.peek() {
            Some(']') => true,
            Some('}') => false,
            _ => return Err(self.error_at(open, "unterminated range: close it with ']' or '}'")),
        };
        self.pos += 1;
        let make = |bound: Option<RangeBound>, inclusive: bool| match bound {
            None => Bound::Unbounded,
            Some(b) if inclusive => Bound::Included(b),
            Some(b) => Bound::Excluded(b),
        };
        Ok(Value::Range(
            make(lower, lower_inclusive),
            make(upper, upper_inclusive),
        ))
    }

    /// A range bound; `None` for `*` (unbounded).
    fn read_range_bound(&mut self) -> Result<Option<RangeBound>, QueryError> {
        let pos = self.pos;
        if self.peek() == Some('"') {
            let (text, _) = self.read_quoted()?;
            return Ok(Some(RangeBound { text, pos }));
        }
        let mut text = String::new();
        while let Some(c) = self.peek() {
            if c.is_whitespace() || c == ']' || c == '}' {
                break;
            }
            if c == '\\' && self.peek_at(1).is_some() {
                text.extend(self.peek_at(1));
                self.pos += 2;
                continue;
            }
            text.push(c);
            self.pos += 1;
        }
        match text.as_str() {
            "" => Err(self.error_at(pos, "missing range bound (use * for none)")),
            "*" => Ok(None),
            _ => Ok(Some(RangeBound { text, pos })),
        }
    }

    /// Parses one level deeper with `inner`, refusing to go past `MAX_DEPTH`.
    fn nested(
        &mut self,
        at: usize,
        inner: impl FnOnce(&mut Self) -> Result<Query, QueryError>,
    ) -> Result<Query, QueryError> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error_at(
                at,
                format!("nested more than {MAX_DEPTH} levels deep (parentheses and NOTs); write it flatter"),
            ));
        }
        self.depth += 1;
        let parsed = inner(self);
        self.depth -= 1;
        parsed
    }

    fn build(&mut self, target: &Target, value: Value) -> Result<Query, QueryError> {
        self.clauses += 1;
        if self.clauses > MAX_CLAUSES {
            return Err(self.error_at(
                self.pos.saturating_sub(1),
                format!("more than {MAX_CLAUSES} clauses; narrow the query"),
            ));
        }
        let clause = |test| {
            Ok(Query::Clause(Clause {
                target: target.clone(),
                test,
            }))
        };
        let wildcard = |term: &Term, fold_case: bool| {
            Wildcard::new(term.wild_parts(fold_case))
                .map_err(|e| self.error_at(term.start, format!("pattern too complex: {e}")))
        };
        match (target, value) {
            (_, Value::Range(Bound::Unbounded, Bound::Unbounded)) => clause(Test::Exists),
            (_, Value::Term(term)) if term.is_star() => clause(Test::Exists),
            (Target::Timestamp, Value::Term(term)) if term.has_wildcard() => Err(self.error_at(
                term.start,
                "wildcards do not apply to @timestamp; use a range such as @timestamp:[now-1h TO now]",
            )),
            (Target::Timestamp, Value::Regex(_)) => {
                Err(self.error_at(self.pos, "regexes do not apply to @timestamp; use a range such as @timestamp:[now-1h TO now]"))
            }
            (Target::Timestamp, Value::Term(term)) => {
                let t = self.time_at(&term.text(), term.start)?;
                clause(Test::Range(crate::query::ast::Range::Time(Bound::Included(t), Bound::Included(t))))
            }
            (Target::Timestamp, Value::Quoted(text, pos)) => {
                let t = self.time_at(&text, pos)?;
                clause(Test::Range(Range::Time(Bound::Included(t), Bound::Included(t))))
            }
            (Target::Timestamp, Value::Range(lo, hi)) => {
                let at = range_position(&lo, &hi);
                let (lo, hi) = (self.map_bound(lo, |b| self.time_at(&b.text, b.pos))?, self.map_bound(hi, |b| self.time_at(&b.text, b.pos))?);
                self.not_empty(&lo, &hi, at)?;
                clause(Test::Range(Range::Time(lo, hi)))
            }
            (Target::Message, Value::Term(term)) if term.has_wildcard() => clause(Test::WordPattern(wildcard(&term, true)?)),
            (Target::Message, Value::Term(term)) => clause(Test::Words(folded_words(&term.text()))),
            (Target::Message, Value::Quoted(text, _)) => clause(Test::Words(folded_words(&text))),
            (Target::Message, Value::Range(..)) => Err(self.error_at(
                self.pos.saturating_sub(1),
                "message is full text and cannot be compared; search words, \"a phrase\" or a /regex/",
            )),
            (Target::Level, Value::Term(term)) if !term.has_wildcard() => {
                clause(Test::Equals(Literal::new(self.level_at(&term.text(), term.start)?.as_str().to_string())))
            }
            (Target::Level, Value::Quoted(text, pos)) => {
                clause(Test::Equals(Literal::new(self.level_at(&text, pos)?.as_str().to_string())))
            }
            (Target::TimeFrom | Target::Unparsed, Value::Term(term)) if !term.has_wildcard() => {
                clause(Test::Equals(Literal::new(self.flag_at(target, &term.text(), term.start)?)))
            }
            (Target::TimeFrom | Target::Unparsed, Value::Quoted(text, pos)) => {
                clause(Test::Equals(Literal::new(self.flag_at(target, &text, pos)?)))
            }
            (Target::TimeFrom | Target::Unparsed, Value::Range(..)) => Err(self.error_at(
                self.pos.saturating_sub(1),
                format!("{target} is a flag and cannot be compared; name a value: {}", target.flag_values().unwrap_or_default().join(", ")),
            )),
            (_, Value::Regex(regex)) => clause(Test::Regex(regex)),
            (_, Value::Term(term)) if term.has_wildcard() => clause(Test::Pattern(wildcard(&term, false)?)),
            (_, Value::Term(term)) => clause(Test::Equals(Literal::new(term.text()))),
            (_, Value::Quoted(text, _)) => clause(Test::Equals(Literal::new(text))),
            (Target::Level, Value::Range(lo, hi)) => {
                let at = range_position(&lo, &hi);
                let level = |b: RangeBound| self.level_at(&b.text, b.pos);
                let (lo, hi) = (self.map_bound(lo, level)?, self.map_bound(hi, level)?);
                self.not_empty(&lo, &hi, at)?;
                clause(Test::Range(Range::Level(lo, hi)))
            }
            (Target::Field(_), Value::Range(lo, hi)) if bound_is_number(&lo) && bound_is_number(&hi) => {
                let at = range_position(&lo, &hi);
                let number = |b: RangeBound| super::ast::parse_number(&b.text).ok_or_else(|| self.error_at(b.pos, "expected a number"));
                let (lo, hi) = (self.map_bound(lo, number)?, self.map_bound(hi, number)?);
                self.not_empty(&lo, &hi, at)?;
                clause(Test::Range(Range::Number(lo, hi)))
            }
            (_, Value::Range(lo, hi)) => {
                let at = range_position(&lo, &hi);
                let text = |b: RangeBound| Ok(b.text);
                let (lo, hi) = (self.map_bound(lo, text)?, self.map_bound(hi, text)?);
                self.not_empty(&lo, &hi, at)?;
                clause(Test::Range(Range::Text(lo, hi)))
            }
        }
    }

    fn map_bound<T>(
        &self,
        bound: Bound<RangeBound>,
        convert: impl Fn(RangeBound) -> Result<T, QueryError>,
    ) -> Result<Bound<T>, QueryError> {
        Ok(match bound {
            Bound::Included(b) => Bound::Included(convert(b)?),
            Bound::Excluded(b) => Bound::Excluded(convert(b)?),
            Bound::Unbounded => Bound::Unbounded,
        })
    }

    /// The value of a flag target `text` names, or an error listing its values.
    fn flag_at(&self, target: &Target, text: &str, pos: usize) -> Result<String, QueryError> {
        let values = target.flag_values().unwrap_or_default();
        let lower = text.to_ascii_lowercase();
        match values.iter().find(|v| **v == lower) {
            Some(value) => Ok(value.to_string()),
            None => Err(self.error_at(
                pos,
                format!(
                    "unknown {target} value '{text}': it is one of {}",
                    values.join(", ")
                ),
            )),
        }
    }

    /// The level `text` names (any case, and the spellings logs use: `warning`, `err`,
    /// `critical`, ...), or an error listing the levels.
    fn level_at(&self, text: &str, pos: usize) -> Result<Level, QueryError> {
        Level::from_word(text).ok_or_else(|| {
            self.error_at(
                pos,
                format!("unknown level '{text}': the levels are trace < debug < info < warn < error < fatal (any case; warning, err, critical and the like also work)"),
            )
        })
    }

    /// Refuses a range that nothing can fall in (its ends reversed, or one value with an
    /// end left out): a query that can only match nothing is a mistake, not an answer.
    fn not_empty<T: PartialOrd + std::fmt::Debug>(
        &self,
        lo: &Bound<T>,
        hi: &Bound<T>,
        at: usize,
    ) -> Result<(), QueryError> {
        let empty = match (lo, hi) {
            (Bound::Included(a), Bound::Included(b)) => a > b,
            (Bound::Included(a) | Bound::Excluded(a), Bound::Excluded(b))
            | (Bound::Excluded(a), Bound::Included(b)) => a >= b,
            _ => false,
        };
        if empty {
            return Err(self.error_at(
                at,
                "this range is empty: its lower end is not below its upper end (write the lower end first, as in [400 TO 499] or [now-1h TO now])",
            ));
        }
        Ok(())
    }

    fn time_at(&self, text: &str, pos: usize) -> Result<Timestamp, QueryError> {
        parse_time(text, self.now).ok_or_else(|| {
            self.error_at(
                pos,
                format!(
                    "not a time: '{text}' (use RFC 3339 such as 2026-11-24T13:00:00Z, or now-15m)"
                ),
            )
        })
    }
}

/// Where a range's text starts (its first written end), for errors about the range.
fn range_position(lo: &Bound<RangeBound>, hi: &Bound<RangeBound>) -> usize {
    match (lo, hi) {
        (Bound::Included(b) | Bound::Excluded(b), _)
        | (_, Bound::Included(b) | Bound::Excluded(b)) => b.pos,
        _ => 0,
    }
}

fn bound_is_number(bound: &Bound<RangeBound>) -> bool {
    match bound {
        Bound::Included(b) | Bound::Excluded(b) => super::ast::parse_number(&b.text).is_some(),
        Bound::Unbounded => true,
    }
}

/// Builds an AND/OR node, merging nested nodes of the same kind and `*` operands.
fn flatten(items: Vec<Query>, conjunction: bool) -> Query {
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        match (item, conjunction) {
            (Query::And(inner), true) | (Query::Or(inner), false) => out.extend(inner),
            (Query::All, true) => {}
            (Query::All, false) => return Query::All,
            (other, _) => out.push(other),
        }
    }
    match out.len() {
        0 => Query::All,
        1 => out.pop().unwrap_or(Query::All),
        _ if conjunction => Query::And(out),
        _ => Query::Or(out),
    }
}
