//! Searching, counting and grouping on Elasticsearch: requests built from the query DSL,
//! answers read into events. Large exports page with a point in time and `search_after`.

use super::client::{Distribution, EsClient, EsError};
use super::document::{daily_indices, from_source, TIMESTAMP};
use super::dsl::to_dsl;
use super::template::{index_template, template_name};
use crate::backend::groups::{Group, ValueKind};
use crate::backend::histogram::Histogram;
use crate::event::{LogEvent, Timestamp};
use crate::query::{Query, Target};
use elasticsearch::http::Method;
use serde_json::{json, Value};

/// Largest page; also the most `--limit` asks of one search.
const PAGE: usize = 5000;
/// Searches over `PREFIX-*` answer empty, not 404, before the first index exists.
pub const LENIENT: &str = "ignore_unavailable=true&allow_no_indices=true";

/// Installs (or updates) the index template; running it again changes nothing.
pub fn setup(client: &EsClient, prefix: &str) -> Result<(), EsError> {
    setup_with_retention(client, prefix, None)
}

/// The template, and with `keep_days` an ILM policy that deletes indices that old, which
/// the template attaches to every new daily index.
pub fn setup_with_retention(
    client: &EsClient,
    prefix: &str,
    keep_days: Option<u64>,
) -> Result<(), EsError> {
    let mut template = index_template(prefix);
    if let Some(days) = keep_days {
        let policy = template_name(prefix);
        client.json(
            Method::Put,
            &format!("/_ilm/policy/{policy}"),
            Some(&json!({"policy": {"phases": {"delete": {"min_age": format!("{days}d"), "actions": {"delete": {}}}}}})),
        )?;
        template["template"]["settings"]["index.lifecycle.name"] = json!(policy);
    }
    client.json(
        Method::Put,
        &format!("/_index_template/{}", template_name(prefix)),
        Some(&template),
    )?;
    Ok(())
}

/// Makes everything written under `prefix` searchable now (instead of at the next
/// periodic refresh).
pub fn refresh(client: &EsClient, prefix: &str) -> Result<(), EsError> {
    client.json(
        Method::Post,
        &format!("/{}/_refresh?{LENIENT}", daily_indices(prefix)),
        None,
    )?;
    Ok(())
}

/// The search body for one page.
pub fn search_body(query: &Query, newest_first: bool, size: usize) -> Value {
    let order = if newest_first { "desc" } else { "asc" };
    json!({
        "query": to_dsl(query),
        "sort": [{TIMESTAMP: {"order": order}}],
        "size": size,
        "track_total_hits": false
    })
}

/// Events from a search answer, and the sort values of the last hit (for `search_after`).
pub fn read_hits(answer: &Value) -> (Vec<LogEvent>, Option<Value>) {
    let hits = answer
        .get("hits")
        .and_then(|h| h.get("hits"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let last_sort = hits.last().and_then(|h| h.get("sort")).cloned();
    let events = hits
        .iter()
        .filter_map(|h| h.get("_source"))
        .map(from_source)
        .collect();
    (events, last_sort)
}

/// Matching events in time order; with `limit: None` every one, page by page, each
/// handed to `each` as it arrives (so a large export streams).
pub fn search(
    client: &EsClient,
    prefix: &str,
    query: &Query,
    newest_first: bool,
    limit: Option<usize>,
    mut each: impl FnMut(&LogEvent) -> std::io::Result<()>,
) -> Result<u64, anyhow::Error> {
    let pattern = daily_indices(prefix);
    if let Some(limit) = limit.filter(|&l| l <= PAGE) {
        let answer = client.search_json(
            &format!("/{pattern}/_search?{LENIENT}"),
            &search_body(query, newest_first, limit),
        )?;
        let (events, _) = read_hits(&answer);
        for event in &events {
            each(event)?;
        }
        return Ok(events.len() as u64);
    }
    // A point in time keeps pages consistent while writers go on; `_shard_doc` breaks ties.
    let distribution = client.distribution()?;
    let mut pit_id = open_point_in_time(client, distribution, &pattern)?;
    let order = if newest_first { "desc" } else { "asc" };
    // A tiebreaker makes `search_after` exact among equal timestamps. OpenSearch 2.x has
    // no `_shard_doc`; `_id` is unique there too, since an event's id decides its index.
    let tiebreaker = match distribution {
        Distribution::Elasticsearch => "_shard_doc",
        Distribution::OpenSearch => "_id",
    };
    let mut after: Option<Value> = None;
    let mut sent = 0u64;
    let outcome = loop {
        let wanted = limit.map_or(PAGE, |l| (l as u64 - sent).min(PAGE as u64) as usize);
        if wanted == 0 {
            break Ok(sent);
        }
        let mut body = json!({
            "query": to_dsl(query),
            "sort": [{TIMESTAMP: {"order": order}}, {tiebreaker: {"order": order}}],
            "size": wanted,
            "track_total_hits": false,
            "pit": {"id": pit_id, "keep_alive": "1m"}
        });
        if let Some(after) = &after {
            body["search_after"] = after.clone();
        }
        let answer = match client.search_json("/_search", &body) {
            Ok(answer) => answer,
            Err(e) => break Err(e.into()),
        };
        if let Some(id) = answer.get("pit_id").and_then(Value::as_str) {
            pit_id = id.to_string();
        }
        let (events, last) = read_hits(&answer);
        if let Err(e) = events.iter().try_for_each(&mut each) {
            break Err(e.into());
        }
        sent += events.len() as u64;
        if events.len() < wanted || last.is_none() {
            break Ok(sent);
        }
        after = last;
    };
    close_point_in_time(client, distribution, &pit_id);
    outcome
}

/// Opens a point in time over `pattern`: `_pit` on Elasticsearch, `_search/point_in_time`
/// on OpenSearch.
fn open_point_in_time(
    client: &EsClient,
    distribution: Distribution,
    pattern: &str,
) -> Result<String, anyhow::Error> {
    let (path, id_field) = match distribution {
        Distribution::Elasticsearch => (format!("/{pattern}/_pit?keep_alive=1m&{LENIENT}"), "id"),
        Distribution::OpenSearch => (
            format!("/{pattern}/_search/point_in_time?keep_alive=1m&{LENIENT}"),
            "pit_id",
        ),
    };
    let pit = client.json(Method::Post, &path, None)?;
    pit.get(id_field)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| anyhow::anyhow!("{distribution:?} opened no point in time for {pattern}"))
}

/// Best effort: an unclosed point in time expires with its keep-alive anyway.
fn close_point_in_time(client: &EsClient, distribution: Distribution, pit_id: &str) {
    let _ = match distribution {
        Distribution::Elasticsearch => {
            client.json(Method::Delete, "/_pit", Some(&json!({"id": pit_id})))
        }
        Distribution::OpenSearch => client.json(
            Method::Delete,
            "/_search/point_in_time",
            Some(&json!({"pit_id": [pit_id]})),
        ),
    };
}

pub fn count(client: &EsClient, prefix: &str, query: &Query) -> Result<u64, EsError> {
    let path = format!("/{}/_count?{LENIENT}", daily_indices(prefix));
    let answer = client.search_json(&path, &json!({"query": to_dsl(query)}))?;
    answer
        .get("count")
        .and_then(Value::as_u64)
        .ok_or_else(|| EsError::Refused {
            what: path,
            status: 200,
            reason: "an answer without a count".into(),
        })
}

/// The field a `--count-by` target groups on.
pub fn group_field(target: &Target) -> String {
    match target {
        // Whole messages group by the keyword-like `message.raw`, not by words.
        Target::Message => format!("{}.raw", super::document::MESSAGE),
        other => super::dsl::field_of(other),
    }
}

pub fn count_by_body(query: &Query, target: &Target, size: usize) -> Value {
    let mut terms = json!({"field": group_field(target), "size": size, "order": [{"_count": "desc"}, {"_key": "asc"}]});
    // A flag is written only where it is not the usual value: its absence counts as that.
    match target {
        Target::TimeFrom => terms["missing"] = json!(crate::event::TimeFrom::Line.as_str()),
        Target::Unparsed => terms["missing"] = json!(false),
        _ => {}
    }
    json!({
        "query": to_dsl(query),
        "size": 0,
        "aggs": {"groups": {"terms": terms}}
    })
}

/// Each group (value, its JSON type, events), most events first, from a terms aggregation.
pub fn read_groups(answer: &Value) -> Vec<Group> {
    answer
        .pointer("/aggregations/groups/buckets")
        .and_then(Value::as_array)
        .map(|buckets| {
            buckets
                .iter()
                .map(|b| {
                    // A boolean field's key is 1/0 with `key_as_string` "true"/"false".
                    let (value, kind) = match (b.get("key_as_string"), b.get("key")) {
                        (Some(Value::String(s)), _) if s == "true" || s == "false" => {
                            (s.clone(), ValueKind::Bool)
                        }
                        (Some(Value::String(s)), _) => (s.clone(), ValueKind::Text),
                        (_, Some(Value::String(s))) => (s.clone(), ValueKind::Text),
                        (_, Some(Value::Number(n))) => (
                            crate::backend::embedded::format_number(n.as_f64().unwrap_or_default()),
                            ValueKind::Number,
                        ),
                        (_, Some(Value::Bool(b))) => (b.to_string(), ValueKind::Bool),
                        (_, Some(other)) => (other.to_string(), ValueKind::Text),
                        (_, None) => (String::new(), ValueKind::Text),
                    };
                    Group {
                        value,
                        kind,
                        count: b.get("doc_count").and_then(Value::as_u64).unwrap_or(0),
                    }
                })
                .collect()
        })
        .unwrap_or_default()
}

pub fn count_by(
    client: &EsClient,
    prefix: &str,
    query: &Query,
    target: &Target,
    size: usize,
) -> Result<Vec<Group>, EsError> {
    let answer = client.search_json(
        &format!("/{}/_search?{LENIENT}", daily_indices(prefix)),
        &count_by_body(query, target, size),
    )?;
    Ok(read_groups(&answer))
}

/// The oldest and newest times of the matching events.
pub fn time_span(
    client: &EsClient,
    prefix: &str,
    query: &Query,
) -> Result<Option<(Timestamp, Timestamp)>, EsError> {
    let body = json!({
        "query": to_dsl(query),
        "size": 0,
        "aggs": {
            "oldest": {"min": {"field": "@timestamp"}},
            "newest": {"max": {"field": "@timestamp"}}
        }
    });
    let answer = client.search_json(
        &format!("/{}/_search?{LENIENT}", daily_indices(prefix)),
        &body,
    )?;
    let at = |name: &str| {
        let value = answer
            .pointer(&format!("/aggregations/{name}/value"))?
            .as_f64()?;
        Some(Timestamp((value * 1000.0) as i64))
    };
    Ok(at("oldest").zip(at("newest")))
}

/// The body of a histogram of `width` microseconds (at least a millisecond): fixed
/// intervals start on the epoch, as the embedded store's buckets do.
pub fn histogram_body(query: &Query, width: i64) -> Value {
    json!({
        "query": to_dsl(query),
        "size": 0,
        "aggs": {"buckets": {"date_histogram": {
            "field": "@timestamp",
            "fixed_interval": format!("{}ms", (width / 1000).max(1)),
            "min_doc_count": 1
        }}}
    })
}

/// Matching events counted per bucket of `histogram`'s width.
pub fn histogram(
    client: &EsClient,
    prefix: &str,
    query: &Query,
    histogram: &mut Histogram,
) -> Result<(), EsError> {
    let answer = client.search_json(
        &format!("/{}/_search?{LENIENT}", daily_indices(prefix)),
        &histogram_body(query, histogram.width),
    )?;
    read_histogram(&answer, histogram);
    Ok(())
}

/// Adds a date histogram's buckets (keys in epoch milliseconds) to `histogram`.
pub fn read_histogram(answer: &Value, histogram: &mut Histogram) {
    let buckets = answer
        .pointer("/aggregations/buckets/buckets")
        .and_then(Value::as_array);
    for bucket in buckets.into_iter().flatten() {
        let key = bucket.get("key").and_then(Value::as_i64);
        let count = bucket.get("doc_count").and_then(Value::as_u64);
        if let (Some(key), Some(count)) = (key, count) {
            histogram.add_bucket(key * 1000, count);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hits_and_sort_values_from_a_documented_search_answer() {
        let answer: Value = serde_json::from_str(r#"{
          "took": 5, "timed_out": false, "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
          "hits": {"total": {"value": 2, "relation": "eq"}, "max_score": null, "hits": [
            {"_index": "logs-2026.11.24", "_id": "a", "_score": null,
             "_source": {"@timestamp": "2026-11-24T10:00:01Z", "log": {"level": "error"}, "service": {"name": "auth"}, "host": {"name": "a-1"}, "message": "login failed", "fields": {"user_id": "u1"}},
             "sort": [1795600001000000000, 3]},
            {"_index": "logs-2026.11.24", "_id": "b", "_score": null,
             "_source": {"@timestamp": "2026-11-24T10:00:00Z", "log": {"level": "info"}, "service": {"name": "web"}, "host": {"name": "w-1"}, "message": "ok"},
             "sort": [1795600000000000000, 7]}
          ]}
        }"#).unwrap();
        let (events, last) = read_hits(&answer);
        assert_eq!(events.len(), 2);
        assert_eq!(events[0].service, "auth");
        assert_eq!(events[0].fields["user_id"], "u1");
        assert_eq!(last, Some(json!([1795600000000000000u64, 7])));
    }

    #[test]
    fn groups_from_a_terms_aggregation() {
        let answer: Value = serde_json::from_str(r#"{
          "took": 3, "hits": {"total": {"value": 10, "relation": "eq"}, "hits": []},
          "aggregations": {"groups": {"doc_count_error_upper_bound": 0, "sum_other_doc_count": 0, "buckets": [
            {"key": "auth", "doc_count": 7}, {"key": "web", "doc_count": 3}
          ]}}
        }"#).unwrap();
        assert_eq!(
            read_groups(&answer),
            vec![Group::text("auth", 7), Group::text("web", 3)]
        );
        let numeric: Value = serde_json::from_str(
            r#"{"aggregations": {"groups": {"buckets": [{"key": 500, "doc_count": 2}]}}}"#,
        )
        .unwrap();
        let groups = read_groups(&numeric);
        assert_eq!(groups[0].json(), json!(500));
        assert_eq!(groups[0].count, 2);
        let flags: Value = serde_json::from_str(
            r#"{"aggregations": {"groups": {"buckets": [{"key": 0, "key_as_string": "false", "doc_count": 9}]}}}"#,
        )
        .unwrap();
        assert_eq!(read_groups(&flags)[0].json(), json!(false));
    }

    #[test]
    fn bodies() {
        let body = count_by_body(&Query::All, &Target::Service, 10);
        assert_eq!(body["aggs"]["groups"]["terms"]["field"], "service.name");
        assert_eq!(body["size"], 0);
        let body = search_body(&Query::All, true, 100);
        assert_eq!(body["sort"], json!([{"@timestamp": {"order": "desc"}}]));
    }
}
