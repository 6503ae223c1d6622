//! Parse errors that point at the column where the query went wrong.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct QueryError {
    pub query: String,
    /// Character index (0-based) where the problem is.
    pub column: usize,
    pub message: String,
}

impl QueryError {
    /// The query with a caret under the failing column.
    pub fn pointer(&self) -> String {
        let line: String = self
            .query
            .chars()
            .map(|c| if c == '\n' || c == '\t' { ' ' } else { c })
            .collect();
        format!("  {line}\n  {}^", " ".repeat(self.column))
    }
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid query at column {}: {}\n{}",
            self.column + 1,
            self.message,
            self.pointer()
        )
    }
}
