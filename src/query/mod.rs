//! The query language: parse once into an AST, then evaluate in memory or translate
//! for a store. Its rules for users are in the README ("Query language").

pub mod ast;
mod error;
pub mod highlight;
mod parser;
mod predicate;
pub mod saved;
pub mod time;
pub mod words;

pub use ast::{Clause, Query, Target, Test};
pub use error::QueryError;
pub use parser::{parse, MAX_CLAUSES, MAX_DEPTH, MAX_QUERY_BYTES};

pub use predicate::{clause_matches, matches};

/// Escapes text so that it reads as one literal term of the query language. With
/// `keep_wildcards`, `*` and `?` keep their meaning.
pub fn escape_term(text: &str, keep_wildcards: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let special = "\\():\" ".contains(c) || (!keep_wildcards && (c == '*' || c == '?'));
        if special {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests;
