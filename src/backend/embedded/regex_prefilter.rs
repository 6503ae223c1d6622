//! Narrowing `message:/regex/` with the word index before the stored events decide.
//!
//! Every match of a regex starts with one of its prefix literals (when it has finitely
//! many), so a matching message contains one of them. A literal's runs of letters and
//! digits say which indexed words the message must have: a run with a separator on both
//! sides is a whole word; one that reaches the literal's end starts a word; one that
//! reaches its start ends a word; one that spans the whole literal lies inside a word.

use super::document::long_value_term;
use super::schema::StoreFields;
use regex_syntax::hir::literal::{ExtractKind, Extractor};
use tantivy::query::{BooleanQuery, EmptyQuery, Occur, Query, RegexQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::Term;

type Q = Box<dyn Query>;

/// A query selecting at least every event whose message `pattern` matches, or `None`
/// when the pattern gives the index nothing to narrow by.
pub fn message_candidates(pattern: &str, fields: &StoreFields) -> Option<Q> {
    let hir = regex_syntax::Parser::new().parse(pattern).ok()?;
    let mut extractor = Extractor::new();
    extractor.kind(ExtractKind::Prefix);
    let literals = extractor.extract(&hir);
    let literals = literals.literals()?;
    if literals.is_empty() {
        return Some(Box::new(EmptyQuery));
    }
    let mut options: Vec<(Occur, Q)> = Vec::with_capacity(literals.len() + 1);
    for literal in literals {
        let text = std::str::from_utf8(literal.as_bytes()).ok()?;
        let required = word_requirements(text);
        if required.is_empty() {
            return None;
        }
        let all: Vec<(Occur, Q)> = required
            .iter()
            .map(|word| (Occur::Must, word.query(fields.message)))
            .collect();
        options.push((Occur::Should, Box::new(BooleanQuery::new(all))));
    }
    // Words too long to be indexed are not in the index; such messages are flagged.
    options.push((
        Occur::Should,
        Box::new(TermQuery::new(
            Term::from_field_text(fields.terms, &long_value_term("message")),
            IndexRecordOption::Basic,
        )),
    ));
    Some(Box::new(BooleanQuery::new(options)))
}

/// What a message containing a literal must hold in its folded words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WordRequirement {
    Is(String),
    StartsWith(String),
    EndsWith(String),
    Contains(String),
}

impl WordRequirement {
    fn query(&self, field: Field) -> Q {
        let pattern = match self {
            WordRequirement::Is(word) => {
                return Box::new(TermQuery::new(
                    Term::from_field_text(field, word),
                    IndexRecordOption::Basic,
                ))
            }
            WordRequirement::StartsWith(run) => format!("{run}.*"),
            WordRequirement::EndsWith(run) => format!(".*{run}"),
            WordRequirement::Contains(run) => format!(".*{run}.*"),
        };
        match RegexQuery::from_pattern(&pattern, field) {
            Ok(query) => Box::new(query),
            // Runs are ASCII letters and digits, which every regex engine takes literally;
            // should one still be refused, the event check decides alone.
            Err(_) => Box::new(tantivy::query::AllQuery),
        }
    }
}

/// The requirements of the ASCII runs of `literal`. Runs with other characters give none:
/// lower-casing them is not always the same inside a word as on its own (a final sigma).
pub fn word_requirements(literal: &str) -> Vec<WordRequirement> {
    let mut required = Vec::new();
    let mut runs = literal
        .char_indices()
        .filter(|(_, c)| c.is_alphanumeric())
        .peekable();
    while let Some((start, first)) = runs.next() {
        let mut end = start + first.len_utf8();
        while let Some(&(next, c)) = runs.peek() {
            if next != end {
                break;
            }
            end = next + c.len_utf8();
            runs.next();
        }
        let run = &literal[start..end];
        if !run.is_ascii() {
            continue;
        }
        let run = run.to_ascii_lowercase();
        let at_start = start == 0;
        let at_end = end == literal.len();
        required.push(match (at_start, at_end) {
            (false, false) => WordRequirement::Is(run),
            (false, true) => WordRequirement::StartsWith(run),
            (true, false) => WordRequirement::EndsWith(run),
            (true, true) => WordRequirement::Contains(run),
        });
    }
    required
}

#[cfg(test)]
mod tests {
    use super::WordRequirement::*;
    use super::*;

    #[test]
    fn runs_become_word_requirements_by_where_they_touch_the_literal() {
        assert_eq!(
            word_requirements("timed out"),
            vec![EndsWith("timed".into()), StartsWith("out".into())]
        );
        assert_eq!(
            word_requirements("a: Refused by x"),
            vec![
                EndsWith("a".into()),
                Is("refused".into()),
                Is("by".into()),
                StartsWith("x".into())
            ]
        );
        assert_eq!(word_requirements("Time"), vec![Contains("time".into())]);
        assert_eq!(word_requirements(": /"), vec![]);
        assert_eq!(
            word_requirements("σΣ tail"),
            vec![StartsWith("tail".into())]
        );
    }
}
