//! A stand-in for an Elasticsearch cluster on 127.0.0.1, only for faults that a real engine
//! cannot produce on demand: items answered 429, 403, 404 or 503, whole requests answered
//! 503, a bulk that is stored but answered after the client gave up, and search answers
//! with failed shards. Everything else is tested against a real engine
//! (`search_engine.rs`). What it does store it stores honestly: ids are unique per index
//! and a second `create` of one is answered 409.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

/// Items whose message contains `needle` are answered `status` on their first `times`
/// attempts.
#[derive(Clone)]
pub struct Refusal {
    pub needle: String,
    pub status: u16,
    pub times: u32,
}

#[derive(Default)]
pub struct State {
    /// Stored documents by (index, id).
    pub docs: BTreeMap<(String, String), Value>,
    /// How many times each (index, id) was answered 201.
    pub created: HashMap<(String, String), u32>,
    /// Attempts per id.
    pub attempts: HashMap<String, u32>,
    /// Every request: (method, url, body).
    pub requests: Vec<(String, String, String)>,
    /// Answer 429 to an item's first attempt when its id hashes to 0 modulo this.
    pub throttle_every: Option<u64>,
    pub refusal: Option<Refusal>,
    /// Answer this many bulk requests with 503 before accepting any.
    pub unavailable_bulks: usize,
    /// Store this many bulk requests, then hold the answer for two seconds (past a client
    /// timeout): the client must send them again and count the 409s as stored.
    pub slow_bulks: usize,
    /// Canned answers by path prefix (after the method), e.g. "/logs-0*,...,logs-9*/_search".
    pub canned: Vec<(String, u16, String)>,
}

impl State {
    /// Documents stored, whatever their index.
    pub fn stored(&self) -> usize {
        self.docs.len()
    }
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
                let shared = shared.clone();
                // One thread per request: a held (slow) answer must not hold the others.
                std::thread::spawn(move || {
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
                });
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
    if method == "GET" && path == "/" {
        return (200, json!({"name": "mock", "cluster_name": "mock", "version": {"number": "9.1.0", "build_flavor": "default"}, "tagline": "You Know, for Search"}).to_string());
    }
    // The Docker stack's Elasticsearch gets an ILM policy (OpenSearch has none to test).
    if method == "PUT"
        && (path.starts_with("/_index_template/") || path.starts_with("/_ilm/policy/"))
    {
        return (200, json!({"acknowledged": true}).to_string());
    }
    if method == "POST" && path.ends_with("/_refresh") {
        return (
            200,
            json!({"_shards": {"total": 1, "successful": 1, "failed": 0}}).to_string(),
        );
    }
    if method == "POST" && path == "/_bulk" {
        if state.unavailable_bulks > 0 {
            state.unavailable_bulks -= 1;
            return (503, json!({"error": {"type": "cluster_block_exception", "reason": "blocked by: [SERVICE_UNAVAILABLE/2/no master];"}, "status": 503}).to_string());
        }
        let answer = bulk(&mut state, body);
        if state.slow_bulks > 0 {
            state.slow_bulks -= 1;
            drop(state);
            std::thread::sleep(std::time::Duration::from_secs(2));
        }
        return (200, answer);
    }
    (404, json!({"error": {"type": "mock_unknown", "reason": format!("the stand-in does not know {method} {path}")}, "status": 404}).to_string())
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
        let key = (index.clone(), id.clone());
        let refused = state.refusal.as_ref().filter(|r| {
            attempt <= r.times && doc["message"].as_str().unwrap_or("").contains(&r.needle)
        });
        let item = if let Some(refusal) = refused {
            errors = true;
            let (kind, reason) = match refusal.status {
                403 => (
                    "security_exception",
                    "action [indices:data/write/bulk[s]] is unauthorized for user [ingest]"
                        .to_string(),
                ),
                404 => (
                    "index_not_found_exception",
                    format!("no such index [{index}] and [action.auto_create_index] is [false]"),
                ),
                _ => (
                    "unavailable_shards_exception",
                    "primary shard is not active".to_string(),
                ),
            };
            json!({"create": {"_index": index, "_id": id, "status": refusal.status, "error": {"type": kind, "reason": reason}}})
        } else if state.docs.contains_key(&key) {
            errors = true;
            json!({"create": {"_index": index, "_id": id, "status": 409, "error": {"type": "version_conflict_engine_exception", "reason": format!("[{id}]: version conflict, document already exists (current version [1])")}}})
        } else if attempt == 1 && state.throttle_every.is_some_and(|n| hashed % n == 0) {
            errors = true;
            json!({"create": {"_index": index, "_id": id, "status": 429, "error": {"type": "es_rejected_execution_exception", "reason": "rejected execution of coordinating operation"}}})
        } else {
            state.docs.insert(key.clone(), doc);
            *state.created.entry(key).or_default() += 1;
            json!({"create": {"_index": index, "_id": id, "_version": 1, "result": "created", "status": 201}})
        };
        items.push(item);
    }
    json!({"took": 1, "errors": errors, "items": items}).to_string()
}
