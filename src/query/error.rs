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
    /// The query with a caret under the failing column; of a long query, the part around
    /// that column, its cuts marked with `...`.
    pub fn pointer(&self) -> String {
        const AROUND: usize = 60;
        let chars: Vec<char> = self
            .query
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let from = self.column.saturating_sub(AROUND);
        let to = (self.column + AROUND).min(chars.len());
        let mut line: String = chars[from.min(to)..to].iter().collect();
        let mut caret = self.column - from;
        if from > 0 {
            line.insert_str(0, "...");
            caret += 3;
        }
        if to < chars.len() {
            line.push_str("...");
        }
        format!("  {line}\n  {}^", " ".repeat(caret))
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
