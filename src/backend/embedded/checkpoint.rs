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
