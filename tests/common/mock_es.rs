//! A stand-in for an Elasticsearch cluster on 127.0.0.1, for tests only: it speaks the
//! documented REST shapes (index template, bulk with per-item results, search, count)
//! and can misbehave on purpose (429 for items on their first attempt, 400 for poison
//! documents, canned answers). It is not Elasticsearch; real-cluster tests run when
//! LOGAGG_TEST_ES_URL is set.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

#[derive(Default)]
pub struct State {
    /// Accepted documents by id.
    pub docs: BTreeMap<String, Value>,
    /// How many times each id was answered 201.
    pub created: HashMap<String, u32>,
    pub attempts: HashMap<String, u32>,
    /// Every request: (method, url, body).
    pub requests: Vec<(String, String, String)>,
    /// Answer 429 to an item's first attempt when its id hashes to 0 modulo this.
    pub throttle_every: Option<u64>,
    /// Reject (400, mapping error) documents whose message contains this.
    pub poison: Option<String>,
    /// Answer this many bulk requests with 503 before accepting any.
    pub unavailable_bulks: usize,
    /// Hold this many bulk requests for two seconds before answering (past a client timeout).
    pub slow_bulks: usize,
    /// Canned answers by path prefix (after the method), e.g. "/logs-*/_search".
    pub canned: Vec<(String, u16, String)>,
}

pub struct MockEs {
    pub url: String,
    pub state: Arc<Mutex<State>>,
}

impl MockEs {
    pub fn start() -> MockEs {
        let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
        let url = format!("http://{}", server.server_addr());
        let state = Arc::new(Mutex::new(State::default()));
        let shared = state.clone();
        std::thread::spawn(move || {
            for mut request in server.incoming_requests() {
                let mut body = String::new();
                let _ = request.as_reader().read_to_string(&mut body);
                let method = request.method().to_string();
                let url = request.url().to_string();
                let (status, answer) = handle(&shared, &method, &url, &body);
                let response = tiny_http::Response::from_string(answer)
                    .with_status_code(status)
                    .with_header(
                        tiny_http::Header::from_bytes(
                            &b"content-type"[..],
                            &b"application/json"[..],
                        )
                        .unwrap(),
                    );
                let _ = request.respond(response);
            }
        });
        MockEs { url, state }
    }
}

fn handle(shared: &Mutex<State>, method: &str, url: &str, body: &str) -> (u16, String) {
    let mut state = shared.lock().unwrap();
    state
        .requests
        .push((method.to_string(), url.to_string(), body.to_string()));
    let path = url.split('?').next().unwrap_or_default().to_string();
    if let Some((_, status, answer)) = state
        .canned
        .iter()
        .find(|(prefix, _, _)| path.starts_with(prefix.as_str()))
    {
        return (*status, answer.clone());
    }
    if method == "PUT"
        && (path.starts_with("/_index_template/") || path.starts_with("/_ilm/policy/"))
    {
        return (200, json!({"acknowledged": true}).to_string());
    }
    if method == "POST" && path.ends_with("/_search") {
        return (200, search(&state, body));
    }
    if method == "DELETE" {
        return (200, json!({"acknowledged": true}).to_string());
    }
    if method == "POST" && path == "/_bulk" {
        if state.slow_bulks > 0 {
            state.slow_bulks -= 1;
            drop(state);
            std::thread::sleep(std::time::Duration::from_secs(2));
            return (503, json!({"error": "too late"}).to_string());
        }
        if state.unavailable_bulks > 0 {
            state.unavailable_bulks -= 1;
            return (503, json!({"error": {"type": "cluster_block_exception", "reason": "blocked by: [SERVICE_UNAVAILABLE/2/no master];"}, "status": 503}).to_string());
        }
        return (200, bulk(&mut state, body));
    }
    (404, json!({"error": {"type": "mock_unknown", "reason": format!("the mock does not know {method} {path}")}, "status": 404}).to_string())
}

fn bulk(state: &mut State, body: &str) -> String {
    let mut lines = body.lines().filter(|l| !l.is_empty());
    let mut items = Vec::new();
    let mut errors = false;
    while let (Some(action), Some(doc)) = (lines.next(), lines.next()) {
        let action: Value = serde_json::from_str(action).unwrap();
        let meta = &action["create"];
        let id = meta["_id"].as_str().unwrap().to_string();
        let index = meta["_index"].as_str().unwrap().to_string();
        let doc: Value = serde_json::from_str(doc).unwrap();
        let attempt = {
            let n = state.attempts.entry(id.clone()).or_default();
            *n += 1;
            *n
        };
        let hashed = id
            .bytes()
            .fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(b as u64));
        let item = if state
            .poison
            .as_deref()
            .is_some_and(|p| doc["message"].as_str().unwrap_or("").contains(p))
        {
            errors = true;
            json!({"create": {"_index": index, "_id": id, "status": 400, "error": {"type": "document_parsing_exception", "reason": "[1:42] failed to parse field [fields.status] of type [long]"}}})
        } else if state.docs.contains_key(&id) {
            errors = true;
            json!({"create": {"_index": index, "_id": id, "status": 409, "error": {"type": "version_conflict_engine_exception", "reason": format!("[{id}]: version conflict, document already exists (current version [1])")}}})
        } else if attempt == 1 && state.throttle_every.is_some_and(|n| hashed % n == 0) {
            errors = true;
            json!({"create": {"_index": index, "_id": id, "status": 429, "error": {"type": "es_rejected_execution_exception", "reason": "rejected execution of coordinating operation"}}})
        } else {
            state.docs.insert(id.clone(), doc);
            *state.created.entry(id.clone()).or_default() += 1;
            json!({"create": {"_index": index, "_id": id, "_version": 1, "result": "created", "status": 201}})
        };
        items.push(item);
    }
    json!({"took": 1, "errors": errors, "items": items}).to_string()
}

fn micros(doc: &Value) -> i64 {
    doc["@timestamp"]
        .as_str()
        .and_then(logagg::event::Timestamp::parse)
        .map_or(0, |t| t.micros())
}

/// A small search: every document (the query itself is ignored), a `gte` range on
/// `@timestamp` if the request has one, sorted by time, `size` of them.
fn search(state: &State, body: &str) -> String {
    let request: Value = serde_json::from_str(body).unwrap_or_default();
    let gte = request
        .pointer("/query/bool/filter/1/range/@timestamp/gte")
        .and_then(Value::as_str)
        .and_then(logagg::event::Timestamp::parse)
        .map(|t| t.micros());
    let descending = request
        .pointer("/sort/0/@timestamp/order")
        .and_then(Value::as_str)
        == Some("desc");
    let size = request["size"].as_u64().unwrap_or(10) as usize;
    let mut hits: Vec<(&String, &Value)> = state
        .docs
        .iter()
        .filter(|(_, d)| gte.is_none_or(|g| micros(d) >= g))
        .collect();
    hits.sort_by_key(|(id, d)| (micros(d), (*id).clone()));
    if descending {
        hits.reverse();
    }
    let hits: Vec<Value> = hits
        .into_iter()
        .take(size)
        .map(|(id, d)| json!({"_index": "logs-x", "_id": id, "_score": null, "_source": d, "sort": [micros(d)]}))
        .collect();
    json!({"took": 1, "timed_out": false, "hits": {"total": {"value": hits.len(), "relation": "eq"}, "max_score": null, "hits": hits}}).to_string()
}
