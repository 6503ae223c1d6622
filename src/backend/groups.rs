//! The answer of a count-by: each value, its JSON type, and how many matching events hold it.

use serde_json::Value;
use std::collections::HashMap;

/// The JSON type a group's value had in the events. Values that read the same are one group
/// (`5` and `"5"` count together, as the query language compares them), typed as text
/// unless every one was of the same other type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    Text,
    Number,
    Bool,
}

impl ValueKind {
    pub fn merged(self, other: ValueKind) -> ValueKind {
        if self == other {
            self
        } else {
            ValueKind::Text
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub value: String,
    pub kind: ValueKind,
    pub count: u64,
}

impl Group {
    pub fn text(value: impl Into<String>, count: u64) -> Group {
        Group {
            value: value.into(),
            kind: ValueKind::Text,
            count,
        }
    }

    /// The value as JSON of its own type.
    pub fn json(&self) -> Value {
        match self.kind {
            ValueKind::Number => serde_json::from_str::<serde_json::Number>(&self.value)
                .map_or_else(|_| Value::String(self.value.clone()), Value::Number),
            ValueKind::Bool => match self.value.as_str() {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                _ => Value::String(self.value.clone()),
            },
            ValueKind::Text => Value::String(self.value.clone()),
        }
    }
}

/// Counts gathered per value, as groups: most events first, ties by value.
#[derive(Default)]
pub struct Tally(HashMap<String, (u64, ValueKind)>);

impl Tally {
    pub fn add(&mut self, value: &str, kind: ValueKind, n: u64) {
        if n == 0 {
            return;
        }
        match self.0.get_mut(value) {
            Some((count, known)) => {
                *count += n;
                *known = known.merged(kind);
            }
            None => {
                self.0.insert(value.to_string(), (n, kind));
            }
        }
    }

    pub fn groups(self) -> Vec<Group> {
        let mut groups: Vec<Group> = self
            .0
            .into_iter()
            .map(|(value, (count, kind))| Group { value, kind, count })
            .collect();
        sort(&mut groups);
        groups
    }
}

/// Most events first, ties by value: numbers by their order (as Elasticsearch orders a
/// numeric field's terms), before any other value, the rest as text.
pub fn sort(groups: &mut [Group]) {
    groups.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| by_value(a, b)));
}

fn by_value(a: &Group, b: &Group) -> std::cmp::Ordering {
    let number = |g: &Group| {
        (g.kind == ValueKind::Number)
            .then(|| g.value.parse::<f64>().ok())
            .flatten()
    };
    match (number(a), number(b)) {
        (Some(x), Some(y)) => x.total_cmp(&y).then_with(|| a.value.cmp(&b.value)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.value.cmp(&b.value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_keep_their_json_type() {
        let mut tally = Tally::default();
        tally.add("5", ValueKind::Number, 2);
        tally.add("true", ValueKind::Bool, 1);
        tally.add("7", ValueKind::Number, 1);
        tally.add("7", ValueKind::Text, 1);
        let groups = tally.groups();
        assert_eq!(groups[0].json(), serde_json::json!(5));
        assert_eq!(groups[1].json(), serde_json::json!("7"));
        assert_eq!(groups[2].json(), serde_json::json!(true));
        // Ties: numbers in their order, first; then text.
        let mut tally = Tally::default();
        for (value, kind) in [
            ("155", ValueKind::Number),
            ("10276", ValueKind::Number),
            ("-3", ValueKind::Number),
            ("abc", ValueKind::Text),
            ("1e3", ValueKind::Text),
        ] {
            tally.add(value, kind, 1);
        }
        let order: Vec<String> = tally.groups().into_iter().map(|g| g.value).collect();
        assert_eq!(order, ["-3", "155", "10276", "1e3", "abc"]);
    }
}
