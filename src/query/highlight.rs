//! Where in a message the query matched, for showing it: the words (and phrases, word
//! patterns, regex matches) of the query's message tests that are not negated. The same
//! word rules as matching (`words.rs`), so what is marked is what matched.

use super::ast::{Query, Target, Test};
use super::words::{fold, word_spans};
use std::ops::Range;

/// Byte ranges of `text` the query's positive message tests match, sorted and merged.
pub fn message_matches(query: &Query, text: &str) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    collect(query, text, &mut found);
    found.sort_by_key(|r| (r.start, r.end));
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(found.len());
    for range in found {
        match merged.last_mut() {
            Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
            _ => merged.push(range),
        }
    }
    merged
}

fn collect(query: &Query, text: &str, found: &mut Vec<Range<usize>>) {
    match query {
        Query::And(parts) | Query::Or(parts) => parts.iter().for_each(|p| collect(p, text, found)),
        // What a NOT excludes is never in a shown event.
        Query::Not(_) | Query::All => {}
        Query::Clause(clause) if clause.target == Target::Message => match &clause.test {
            Test::Words(phrase) => phrase_spans(text, phrase, found),
            Test::WordPattern(pattern) => found.extend(
                word_spans(text)
                    .filter(|(_, word)| pattern.matches(&fold(word)))
                    .map(|(at, word)| at..at + word.len()),
            ),
            Test::Regex(regex) => found.extend(
                regex
                    .regex
                    .find_iter(text)
                    .filter(|m| !m.is_empty())
                    .map(|m| m.range()),
            ),
            _ => {}
        },
        Query::Clause(_) => {}
    }
}

/// Each run of consecutive words equal to `phrase` (folded), first word to last.
fn phrase_spans(text: &str, phrase: &[String], found: &mut Vec<Range<usize>>) {
    if phrase.is_empty() {
        return;
    }
    let words: Vec<(usize, &str)> = word_spans(text).collect();
    for run in words.windows(phrase.len()) {
        if run.iter().zip(phrase).all(|((_, w), p)| fold(w) == *p) {
            let (first, _) = run[0];
            let (last, word) = run[run.len() - 1];
            found.push(first..last + word.len());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::parse;

    fn marked(query: &str, text: &str) -> Vec<String> {
        let query = parse(query, crate::event::Timestamp::now()).unwrap();
        message_matches(&query, text)
            .into_iter()
            .map(|r| text[r].to_string())
            .collect()
    }

    #[test]
    fn marks_what_matched_and_only_that() {
        assert_eq!(marked("timeout", "Timeout after timeouts"), ["Timeout"]);
        assert_eq!(
            marked(
                "\"connection refused\"",
                "connection ok; Connection  refused"
            ),
            ["Connection  refused"]
        );
        assert_eq!(
            marked("conn*", "connect reconnect conn"),
            ["connect", "conn"]
        );
        assert_eq!(
            marked("message:/ti?me(d)? ?out/", "timed out"),
            ["timed out"]
        );
        assert!(marked("-timeout service:auth", "timeout").is_empty());
        assert_eq!(marked("a OR b", "b a"), ["b", "a"]);
    }
}
