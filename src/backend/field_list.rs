//! What `logagg fields` answers: the keys of the matching events' `fields`, each with how
//! many events hold it and the range of the numbers in it, whichever store answers.

use crate::event::{flatten_fields, FieldValue, LogEvent};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq)]
pub struct FieldSummary {
    /// The key as the query language names it (`latency_ms`, `user.id`).
    pub name: String,
    /// Matching events that hold the key.
    pub events: u64,
    /// The smallest and largest number among its values, when any is a number.
    pub numbers: Option<(f64, f64)>,
    /// How the store holds it, where it says (Elasticsearch's mapped types).
    pub types: Vec<String>,
}

/// The keys of the matching events, most held first (then by name), and how many matched.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldList {
    pub matching: u64,
    pub fields: Vec<FieldSummary>,
}

/// Gathers keys one event, or one block's summary, at a time.
#[derive(Debug, Default)]
pub struct FieldTally {
    matching: u64,
    keys: BTreeMap<String, (u64, f64, f64)>,
}

impl FieldTally {
    /// `events` more matching events, `holders` of which hold `key`, with numbers in
    /// `min..=max` (infinite bounds: none).
    pub fn add_key(&mut self, key: &str, holders: u64, min: f64, max: f64) {
        let slot = self
            .keys
            .entry(key.to_owned())
            .or_insert((0, f64::INFINITY, f64::NEG_INFINITY));
        slot.0 += holders;
        slot.1 = slot.1.min(min);
        slot.2 = slot.2.max(max);
    }

    pub fn add_events(&mut self, events: u64) {
        self.matching += events;
    }

    /// One matching event: each key it holds counted once.
    pub fn add_event(&mut self, event: &LogEvent) {
        self.matching += 1;
        self.add_keys_of(&event.fields);
    }

    /// The keys of one event's `fields` (or some of them), each counted once.
    pub fn add_keys_of(&mut self, fields: &serde_json::Map<String, serde_json::Value>) {
        let mut seen: BTreeMap<String, (f64, f64)> = BTreeMap::new();
        flatten_fields(fields, |key, value| {
            let slot = seen
                .entry(key.to_owned())
                .or_insert((f64::INFINITY, f64::NEG_INFINITY));
            if let FieldValue::Number(n) = value {
                slot.0 = slot.0.min(n);
                slot.1 = slot.1.max(n);
            }
        });
        for (key, (min, max)) in seen {
            self.add_key(&key, 1, min, max);
        }
    }

    /// What another tally (of other events) gathered.
    pub fn merge(&mut self, other: FieldTally) {
        self.matching += other.matching;
        for (key, (holders, min, max)) in other.keys {
            self.add_key(&key, holders, min, max);
        }
    }

    pub fn list(self) -> FieldList {
        let mut fields: Vec<FieldSummary> = self
            .keys
            .into_iter()
            .filter(|(_, (holders, _, _))| *holders > 0)
            .map(|(name, (events, min, max))| FieldSummary {
                name,
                events,
                numbers: (min <= max).then_some((min, max)),
                types: Vec::new(),
            })
            .collect();
        fields.sort_by(|a, b| b.events.cmp(&a.events).then_with(|| a.name.cmp(&b.name)));
        FieldList {
            matching: self.matching,
            fields,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{Level, Timestamp};

    #[test]
    fn keys_are_counted_once_per_event_with_their_numbers() {
        let mut tally = FieldTally::default();
        for fields in [
            serde_json::json!({"status": 200, "user": {"id": "u1"}, "tags": [1, 5]}),
            serde_json::json!({"status": "n/a", "tags": [9]}),
            serde_json::json!({}),
        ] {
            let mut event = LogEvent::new(Timestamp(0), Level::Info, "s", "h", "m");
            event.fields = fields.as_object().unwrap().clone();
            tally.add_event(&event);
        }
        let list = tally.list();
        assert_eq!(list.matching, 3);
        type Shown<'a> = (&'a str, u64, Option<(f64, f64)>);
        let shown: Vec<Shown> = list
            .fields
            .iter()
            .map(|f| (f.name.as_str(), f.events, f.numbers))
            .collect();
        assert_eq!(
            shown,
            [
                ("status", 2, Some((200.0, 200.0))),
                ("tags", 2, Some((1.0, 9.0))),
                ("user.id", 1, None),
            ]
        );
    }
}
