//! Source positions saved in tantivy's commit payload, so that the events in the index and
//! the positions they came from are committed in one atomic step.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// The `seq` the next stored event gets; strictly increasing across commits.
    pub next_seq: u64,
    /// For each source stream, the offset of the next event to read from it.
    pub positions: BTreeMap<String, u64>,
}

impl Checkpoint {
    pub fn from_payload(payload: Option<&str>) -> Option<Checkpoint> {
        match payload {
            None => Some(Checkpoint::default()),
            Some(text) => serde_json::from_str(text).ok(),
        }
    }

    pub fn to_payload(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// Every stream in `positions` whose name starts with `prefix`, with its resume offset.
pub fn streams_with_prefix(positions: &BTreeMap<String, u64>, prefix: &str) -> Vec<(String, u64)> {
    positions
        .range(prefix.to_string()..)
        .take_while(|(name, _)| name.starts_with(prefix))
        .map(|(name, &offset)| (name.clone(), offset))
        .collect()
}
