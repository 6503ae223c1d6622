//! The query language: parse once into an AST, then evaluate in memory or translate
//! for a store. Semantics are in DESIGN.md ("Query language").

pub mod ast;
mod error;
mod parser;
mod predicate;
pub mod time;
pub mod words;

pub use ast::{Clause, Query, Target, Test};
pub use error::QueryError;
pub use parser::parse;
pub use predicate::matches;

#[cfg(test)]
mod tests;
