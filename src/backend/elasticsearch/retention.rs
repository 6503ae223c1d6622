//! Retention on Elasticsearch: whole daily indices go once every event they can hold is
//! older than the window, or, for a size limit, the oldest go first.

use super::client::{EsClient, EsError};
use crate::event::Timestamp;
use chrono::NaiveDate;
use elasticsearch::http::Method;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DailyIndex {
    pub name: String,
    pub day: NaiveDate,
    pub bytes: u64,
    pub docs: u64,
}

/// The day of `PREFIX-YYYY.MM.DD`, or `None` for other names.
pub fn day_of(prefix: &str, name: &str) -> Option<NaiveDate> {
    let suffix = name.strip_prefix(prefix)?.strip_prefix('-')?;
    NaiveDate::parse_from_str(suffix, "%Y.%m.%d").ok()
}

/// Daily indices from a `_cat/indices?format=json` answer, oldest first.
pub fn read_indices(prefix: &str, answer: &Value) -> Vec<DailyIndex> {
    let number = |v: Option<&Value>| match v {
        Some(Value::String(s)) => s.parse().unwrap_or(0),
        Some(Value::Number(n)) => n.as_u64().unwrap_or(0),
        _ => 0,
    };
    let mut indices: Vec<DailyIndex> = answer
        .as_array()
        .map(|rows| {
            rows.iter()
                .filter_map(|row| {
                    let name = row.get("index")?.as_str()?.to_string();
                    let day = day_of(prefix, &name)?;
                    Some(DailyIndex {
                        day,
                        bytes: number(row.get("store.size")),
                        docs: number(row.get("docs.count")),
                        name,
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    indices.sort_by(|a, b| a.day.cmp(&b.day).then_with(|| a.name.cmp(&b.name)));
    indices
}

/// Which indices to delete: those whose whole day ended before `keep_since`, then the
/// oldest of the rest while the total is above `max_bytes`.
pub fn plan(
    indices: &[DailyIndex],
    keep_since: Option<Timestamp>,
    max_bytes: Option<u64>,
) -> Vec<DailyIndex> {
    let mut doomed = Vec::new();
    let mut remaining: u64 = indices.iter().map(|i| i.bytes).sum();
    for index in indices {
        let day_ends = index
            .day
            .succ_opt()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| t.and_utc().timestamp_micros());
        let expired =
            keep_since.is_some_and(|since| day_ends.is_some_and(|end| end <= since.micros()));
        let too_big = max_bytes.is_some_and(|max| remaining > max);
        if expired || too_big {
            remaining = remaining.saturating_sub(index.bytes);
            doomed.push(index.clone());
        } else {
            break;
        }
    }
    doomed
}

pub fn list(client: &EsClient, prefix: &str) -> Result<Vec<DailyIndex>, EsError> {
    let answer = client.json(
        Method::Get,
        &format!(
            "/_cat/indices/{}?format=json&h=index,docs.count,store.size&bytes=b&expand_wildcards=open",
            super::document::daily_indices(prefix)
        ),
        None,
    )?;
    Ok(read_indices(prefix, &answer))
}

pub fn delete(client: &EsClient, index: &str) -> Result<(), EsError> {
    client.json(Method::Delete, &format!("/{index}"), None)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(day: &str, bytes: u64) -> DailyIndex {
        DailyIndex {
            name: format!("logs-{day}"),
            day: day_of("logs", &format!("logs-{day}")).unwrap(),
            bytes,
            docs: 10,
        }
    }

    #[test]
    fn reads_cat_indices_and_ignores_other_names() {
        let answer: Value = serde_json::from_str(
            r#"[
            {"index": "logs-2026.11.24", "docs.count": "120", "store.size": "5000"},
            {"index": "logs-2026.11.22", "docs.count": "10", "store.size": "700"},
            {"index": "logs-other", "docs.count": "1", "store.size": "1"}
        ]"#,
        )
        .unwrap();
        let indices = read_indices("logs", &answer);
        assert_eq!(
            indices.iter().map(|i| i.name.as_str()).collect::<Vec<_>>(),
            ["logs-2026.11.22", "logs-2026.11.24"]
        );
        assert_eq!(indices[1].bytes, 5000);
    }

    #[test]
    fn whole_days_older_than_the_window_then_the_oldest_for_size() {
        let indices = [
            index("2026.11.20", 100),
            index("2026.11.21", 100),
            index("2026.11.22", 100),
        ];
        let since = Timestamp::parse("2026-11-22T00:00:00Z");
        let doomed = plan(&indices, since, None);
        assert_eq!(doomed.len(), 2, "the 21st ended exactly at the cutoff");
        let doomed = plan(&indices, Timestamp::parse("2026-11-21T23:00:00Z"), None);
        assert_eq!(doomed.len(), 1);
        let doomed = plan(&indices, None, Some(150));
        assert_eq!(doomed.iter().map(|i| i.bytes).sum::<u64>(), 200);
    }
}
