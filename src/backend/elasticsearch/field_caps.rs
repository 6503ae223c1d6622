//! What a cluster knows of the `fields.*` keys a query names: whether any index maps them,
//! and as what (`_field_caps`), so a typo or a text range over numbers is warned about on
//! Elasticsearch as on the embedded store.

use super::client::EsError;
use super::document::daily_indices;
use super::search::LENIENT;
use super::EsClient;
use crate::backend::field_list::{FieldList, FieldTally};
use elasticsearch::http::Method;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The mapped types of each of `keys` (`fields.` + key) in the prefix's indices; a key no
/// index maps is absent from the answer.
pub fn field_types(
    client: &EsClient,
    prefix: &str,
    keys: &[&str],
) -> Result<BTreeMap<String, Vec<String>>, EsError> {
    if keys.is_empty() {
        return Ok(BTreeMap::new());
    }
    let names: Vec<String> = keys.iter().map(|k| format!("fields.{k}")).collect();
    let path = format!(
        "/{}/_field_caps?fields={}&{LENIENT}",
        daily_indices(prefix),
        percent_encoding::utf8_percent_encode(&names.join(","), percent_encoding::NON_ALPHANUMERIC)
    );
    let answer = client.json(Method::Get, &path, None)?;
    Ok(read_field_types(&answer))
}

/// `{"fields": {"fields.k": {"long": {...}, "keyword": {...}}}}` as k -> [long, keyword].
pub fn read_field_types(answer: &Value) -> BTreeMap<String, Vec<String>> {
    let mut types = BTreeMap::new();
    if let Some(fields) = answer.get("fields").and_then(Value::as_object) {
        for (name, caps) in fields {
            let Some(key) = name.strip_prefix("fields.") else {
                continue;
            };
            let kinds: Vec<String> = caps
                .as_object()
                .map(|c| c.keys().filter(|k| *k != "unmapped").cloned().collect())
                .unwrap_or_default();
            if !kinds.is_empty() {
                types.insert(key.to_string(), kinds);
            }
        }
    }
    types
}

/// Every `fields.*` key the prefix's indices map, with its types (objects left out: their
/// keys are listed).
pub fn all_field_types(
    client: &EsClient,
    prefix: &str,
) -> Result<BTreeMap<String, Vec<String>>, EsError> {
    let path = format!(
        "/{}/_field_caps?fields=fields.*&{LENIENT}",
        daily_indices(prefix)
    );
    let answer = client.json(Method::Get, &path, None)?;
    let mut types = read_field_types(&answer);
    types.retain(|_, kinds| {
        kinds.retain(|k| k != "object" && k != "nested");
        !kinds.is_empty()
    });
    Ok(types)
}

/// The keys of the matching events: how many hold each (an `exists` filter per key) and,
/// for numeric ones, their range.
pub fn field_list(
    client: &EsClient,
    prefix: &str,
    query: &crate::query::Query,
) -> Result<FieldList, EsError> {
    let types = all_field_types(client, prefix)?;
    let body = field_list_body(query, &types);
    let answer = client.search_json(
        &format!("/{}/_search?{LENIENT}", daily_indices(prefix)),
        &body,
    )?;
    Ok(read_field_list(&answer, types))
}

pub fn field_list_body(
    query: &crate::query::Query,
    types: &BTreeMap<String, Vec<String>>,
) -> Value {
    let mut aggs = serde_json::Map::new();
    for (i, (key, kinds)) in types.iter().enumerate() {
        let field = format!("fields.{key}");
        let mut agg = json!({"filter": {"exists": {"field": field}}});
        if kinds.iter().any(|k| is_numeric(k)) {
            agg["aggs"] =
                json!({"min": {"min": {"field": field}}, "max": {"max": {"field": field}}});
        }
        aggs.insert(format!("k{i}"), agg);
    }
    json!({
        "query": super::dsl::to_dsl(query),
        "size": 0,
        "track_total_hits": true,
        "aggs": aggs
    })
}

/// The answer to `field_list_body` (the aggregations named by each key's place in `types`).
pub fn read_field_list(answer: &Value, types: BTreeMap<String, Vec<String>>) -> FieldList {
    let mut tally = FieldTally::default();
    let matching = answer
        .pointer("/hits/total/value")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    tally.add_events(matching);
    let mut typed = BTreeMap::new();
    for (i, (key, kinds)) in types.into_iter().enumerate() {
        let agg = answer.pointer(&format!("/aggregations/k{i}"));
        let holders = agg
            .and_then(|a| a.get("doc_count"))
            .and_then(Value::as_u64)
            .unwrap_or(0);
        let bound = |name: &str, default: f64| {
            agg.and_then(|a| a.pointer(&format!("/{name}/value")))
                .and_then(Value::as_f64)
                .unwrap_or(default)
        };
        tally.add_key(
            &key,
            holders,
            bound("min", f64::INFINITY),
            bound("max", f64::NEG_INFINITY),
        );
        typed.insert(key, kinds);
    }
    let mut list = tally.list();
    for field in &mut list.fields {
        field.types = typed.remove(&field.name).unwrap_or_default();
    }
    list
}

/// Whether a mapped type holds numbers.
pub fn is_numeric(kind: &str) -> bool {
    matches!(
        kind,
        "long"
            | "integer"
            | "short"
            | "byte"
            | "double"
            | "float"
            | "half_float"
            | "scaled_float"
            | "unsigned_long"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_from_a_documented_answer() {
        let answer: Value = serde_json::from_str(
            r#"{"indices": ["logs-2026.12.07"], "fields": {
                "fields.latency_ms": {"long": {"type": "long", "searchable": true, "aggregatable": true}},
                "fields.user": {"keyword": {"type": "keyword", "searchable": true, "aggregatable": true},
                                "unmapped": {"type": "unmapped", "searchable": false, "aggregatable": false}}
            }}"#,
        )
        .unwrap();
        let types = read_field_types(&answer);
        assert_eq!(types["latency_ms"], ["long"]);
        assert_eq!(types["user"], ["keyword"]);
        assert!(!types.contains_key("servce"));
        assert!(is_numeric("long") && !is_numeric("keyword"));
    }
}
