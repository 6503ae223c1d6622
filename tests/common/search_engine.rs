//! A real search engine for tests: an OpenSearch node (2.19, the server jar and its modules
//! from Maven Central, launched by `testing/engines/opensearch`), one per test binary, on
//! free loopback ports. Tests keep apart by index prefix (`SearchEngine::prefix`).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use super::engine::{free_port, start_script, EngineProcess};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

pub struct SearchEngine {
    pub url: String,
    pub started_in: Duration,
    data: PathBuf,
    process: Mutex<Option<EngineProcess>>,
}

impl SearchEngine {
    pub fn shared() -> &'static SearchEngine {
        static SHARED: OnceLock<SearchEngine> = OnceLock::new();
        SHARED.get_or_init(SearchEngine::start)
    }

    fn start() -> SearchEngine {
        let data = std::env::temp_dir().join(format!("logagg-opensearch-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&data);
        std::fs::create_dir_all(&data).unwrap();
        let (http, transport) = (free_port(), free_port());
        let args = [
            data.display().to_string(),
            http.to_string(),
            transport.to_string(),
        ];
        let mut process = EngineProcess::spawn(
            "OpenSearch",
            &data,
            &data.join("node.log"),
            &start_script("opensearch"),
            &args,
        );
        let url = format!("http://127.0.0.1:{http}");
        let health = format!("{url}/_cluster/health?wait_for_status=green&timeout=1s");
        let started_in = process.wait_ready(180, || {
            http_get(&health).is_some_and(|b| b.contains("\"status\":\"green\""))
        });
        SearchEngine {
            url,
            started_in,
            data,
            process: Mutex::new(Some(process)),
        }
    }

    /// An index prefix no other test of this binary uses.
    pub fn prefix(&self, name: &str) -> String {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        format!("t{}-{name}", NEXT.fetch_add(1, Ordering::Relaxed))
    }

    /// Makes every document written so far searchable.
    pub fn refresh(&self, prefix: &str) {
        http_post(&format!("{}/{prefix}-*/_refresh", self.url), "");
    }

    /// The `_id` and `_source` of every document under a prefix (a scroll, independent of
    /// logagg's own reading path).
    pub fn documents(&self, prefix: &str) -> Vec<(String, serde_json::Value)> {
        self.refresh(prefix);
        let mut documents = Vec::new();
        let mut answer = http_post(
            &format!("{}/{prefix}-*/_search?scroll=1m", self.url),
            r#"{"size":5000,"sort":["_doc"],"query":{"match_all":{}}}"#,
        );
        loop {
            let page: serde_json::Value =
                serde_json::from_str(&answer.clone().unwrap_or_default()).unwrap_or_default();
            let hits = page["hits"]["hits"].as_array().cloned().unwrap_or_default();
            if hits.is_empty() {
                break;
            }
            documents.extend(hits.iter().map(|h| {
                (
                    h["_id"].as_str().unwrap_or("").to_string(),
                    h["_source"].clone(),
                )
            }));
            let scroll = page["_scroll_id"].as_str().unwrap_or_default();
            answer = http_post(
                &format!("{}/_search/scroll", self.url),
                &serde_json::json!({"scroll": "1m", "scroll_id": scroll}).to_string(),
            );
        }
        documents
    }

    /// How many documents a prefix's indices hold (after a refresh).
    pub fn count(&self, prefix: &str) -> u64 {
        self.refresh(prefix);
        let body = http_get(&format!("{}/{prefix}-*/_count", self.url)).unwrap_or_default();
        serde_json::from_str::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v["count"].as_u64())
            .unwrap_or(0)
    }
}

/// One HTTP/1.0 exchange (the test engine closes the connection after it): (status, body).
pub fn http(method: &str, url: &str, body: Option<&str>) -> (u16, String) {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let path = if path.is_empty() { "/" } else { path };
    let mut stream = std::net::TcpStream::connect(host).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let body = body.unwrap_or("");
    write!(
        stream,
        "{method} {path} HTTP/1.0\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, body.to_string())
}

/// The body of a successful GET, or None (also when nothing listens yet).
pub fn http_get(url: &str) -> Option<String> {
    let rest = url.strip_prefix("http://")?;
    let host = &rest[..rest.find('/').unwrap_or(rest.len())];
    std::net::TcpStream::connect(host).ok()?;
    let (status, body) = http("GET", url, None);
    (200..300).contains(&status).then_some(body)
}

/// The body of a successful JSON POST, or None.
pub fn http_post(url: &str, body: &str) -> Option<String> {
    let (status, body) = http("POST", url, Some(body));
    (200..300).contains(&status).then_some(body)
}
