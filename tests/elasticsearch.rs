//! The Elasticsearch backend against a stand-in cluster on 127.0.0.1 (see
//! `common/mock_es.rs`): the pipeline simulate -> Kafka -> ingest -> Elasticsearch with
//! throttled items, a SIGKILL and a restart, rejected items dead-lettered, and queries.
//! With LOGAGG_TEST_ES_URL set, `against_a_real_cluster` runs the same commands on it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::kafka::{simulate_to, simulation, spawn, Broker, START};
use common::mock_es::MockEs;
use common::{error_of, logagg, stdout_of};
use logagg::backend::elasticsearch::document::from_source;
use std::collections::BTreeSet;
use std::time::Duration;

/// `ingest --to elasticsearch --exit-at-end` (plus `extra`), which must succeed; its stderr.
fn ingest_to_es_with(
    dir: &std::path::Path,
    broker: &Broker,
    es: &str,
    topic: &str,
    extra: &[&str],
) -> String {
    let out = logagg(dir)
        .args([
            "ingest",
            "--to",
            "elasticsearch",
            "--es-url",
            es,
            "--brokers",
            &broker.address,
            "--topic",
            topic,
        ])
        .args([
            "--exit-at-end",
            "--commit-interval",
            "200ms",
            "--batch-events",
            "500",
        ])
        .args(extra)
        .timeout(Duration::from_secs(120))
        .assert()
        .success()
        .get_output()
        .stderr
        .clone();
    String::from_utf8(out).unwrap()
}

fn ingest_to_es(dir: &std::path::Path, broker: &Broker, es: &str, topic: &str) -> String {
    ingest_to_es_with(dir, broker, es, topic, &[])
}

#[test]
fn pipeline_into_elasticsearch_stores_each_event_once_despite_throttling_and_a_kill() {
    let broker = Broker::start();
    let es = MockEs::start();
    es.state.lock().unwrap().throttle_every = Some(5);
    let dir = tempfile::tempdir().unwrap();
    simulate_to(dir.path(), &broker, "shop", "41", START, "20000", "3");

    let mut child = spawn(
        dir.path(),
        "ingest",
        &[
            "ingest",
            "--to",
            "elasticsearch",
            "--es-url",
            &es.url,
            "--brokers",
            &broker.address,
            "--topic",
            "shop",
            "--batch-events",
            "200",
            "--commit-interval",
            "50ms",
        ],
    );
    common::kafka::wait_until(60, "some events are stored", || {
        es.state.lock().unwrap().docs.len() > 2000
    });
    child.0.kill().unwrap();
    child.0.wait().unwrap();

    let said = ingest_to_es(dir.path(), &broker, &es.url, "shop");
    let state = es.state.lock().unwrap();
    assert_eq!(state.docs.len(), 20000, "{said}");
    assert!(
        state.created.values().all(|&n| n == 1),
        "an event was accepted twice"
    );
    assert!(
        state.attempts.values().any(|&n| n > 1),
        "throttled items were retried"
    );
    let stored: BTreeSet<String> = state
        .docs
        .values()
        .map(|d| from_source(d).to_json())
        .collect();
    let expected: BTreeSet<String> = simulation(dir.path(), "41", START, "20000")
        .lines()
        .map(str::to_string)
        .collect();
    assert!(
        stored == expected,
        "the cluster holds other events than the simulator produced"
    );
    let templates = state
        .requests
        .iter()
        .filter(|(m, u, _)| m == "PUT" && u.starts_with("/_index_template/logs-logagg"))
        .count();
    assert!(templates >= 2, "the template is installed on every start");
}

#[test]
fn two_ingestors_in_one_group_share_the_partitions_and_store_each_event_once() {
    let broker = Broker::start();
    let es = MockEs::start();
    let dir = tempfile::tempdir().unwrap();
    simulate_to(dir.path(), &broker, "shared", "12", START, "1", "4");
    let args = [
        "ingest",
        "--to",
        "elasticsearch",
        "--es-url",
        &es.url,
        "--brokers",
        &broker.address,
        "--topic",
        "shared",
        "--group",
        "pair",
        "--batch-events",
        "300",
        "--commit-interval",
        "100ms",
    ];
    let first = spawn(dir.path(), "a", &args);
    std::thread::sleep(Duration::from_secs(2));
    let second = spawn(dir.path(), "b", &args);
    std::thread::sleep(Duration::from_secs(4));
    simulate_to(
        dir.path(),
        &broker,
        "shared",
        "13",
        "2026-11-25T00:00:00Z",
        "8000",
        "4",
    );
    common::kafka::wait_until(120, "every event is stored", || {
        es.state.lock().unwrap().docs.len() >= 8001
    });
    std::thread::sleep(Duration::from_millis(500));
    common::kafka::interrupt(first);
    common::kafka::interrupt(second);
    let state = es.state.lock().unwrap();
    assert_eq!(state.docs.len(), 8001);
    assert!(
        state.created.values().all(|&n| n == 1),
        "an event was accepted twice"
    );
    let stored = |name: &str| -> u64 {
        let err = common::kafka::output_of(dir.path(), name).1;
        err.split("stored ")
            .nth(1)
            .and_then(|r| r.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    let (a, b) = (stored("a"), stored("b"));
    assert!(a > 0 && b > 0, "both members took a share: {a} and {b}");
}

#[test]
fn an_unavailable_cluster_pauses_ingest_until_it_accepts_the_batch() {
    let broker = Broker::start();
    let es = MockEs::start();
    es.state.lock().unwrap().unavailable_bulks = 4;
    let dir = tempfile::tempdir().unwrap();
    simulate_to(dir.path(), &broker, "paused", "8", START, "1500", "2");
    let said = ingest_to_es(dir.path(), &broker, &es.url, "paused");
    assert!(
        said.contains("HTTP 503") && said.contains("retrying"),
        "{said}"
    );
    let state = es.state.lock().unwrap();
    assert_eq!(state.docs.len(), 1500, "{said}");
    assert!(state.created.values().all(|&n| n == 1));
}

#[test]
fn a_cluster_that_times_out_is_retried_without_loss() {
    let broker = Broker::start();
    let es = MockEs::start();
    es.state.lock().unwrap().slow_bulks = 2;
    let dir = tempfile::tempdir().unwrap();
    simulate_to(dir.path(), &broker, "slow", "9", START, "300", "1");
    let said = ingest_to_es_with(
        dir.path(),
        &broker,
        &es.url,
        "slow",
        &["--es-timeout", "500ms"],
    );
    assert!(said.contains("retrying"), "{said}");
    assert_eq!(es.state.lock().unwrap().docs.len(), 300, "{said}");
}

#[test]
fn rejected_documents_go_to_the_dead_letter_topic_with_the_reason() {
    use rdkafka::producer::{BaseProducer, BaseRecord, Producer};
    let broker = Broker::start();
    let es = MockEs::start();
    es.state.lock().unwrap().poison = Some("poison".into());
    let dir = tempfile::tempdir().unwrap();
    simulate_to(dir.path(), &broker, "mixed", "3", START, "100", "1");
    let producer: BaseProducer = rdkafka::ClientConfig::new()
        .set("bootstrap.servers", &broker.address)
        .set("message.max.bytes", "16777216")
        .create()
        .unwrap();
    producer
        .send(BaseRecord::to("mixed").key("x").payload(
            br#"{"service":"x","message":"a poison pill","fields":{"status":"abc"}}"#.as_slice(),
        ))
        .unwrap();
    // Too large for any bulk request: a dead letter before it is ever sent.
    let big = format!(
        "{{\"service\":\"x\",\"message\":\"{}\"}}",
        "z".repeat(2_000_000)
    );
    if producer
        .send(BaseRecord::to("mixed").key("x").payload(big.as_bytes()))
        .is_err()
    {
        panic!("cannot queue the 2 MB message");
    }
    producer.flush(Duration::from_secs(30)).unwrap();
    let said = ingest_to_es_with(
        dir.path(),
        &broker,
        &es.url,
        "mixed",
        &["--max-event-bytes", "1MB"],
    );
    assert!(said.contains("2 events were rejected"), "{said}");
    assert_eq!(es.state.lock().unwrap().docs.len(), 100);
    let listed = stdout_of(logagg(dir.path()).args([
        "dlq",
        "list",
        "--brokers",
        &broker.address,
        "--topic",
        "mixed",
        "--output",
        "json",
    ]));
    let letters: Vec<serde_json::Value> = listed
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(letters.len(), 2, "{listed}");
    let by_reason = |text: &str| {
        letters
            .iter()
            .find(|l| l["reason"].as_str().unwrap().contains(text))
            .unwrap_or_else(|| panic!("no dead letter for {text}: {listed}"))
    };
    assert_eq!(
        by_reason("document_parsing_exception")["source"],
        "mixed/0@100"
    );
    assert_eq!(by_reason("over the limit")["source"], "mixed/0@101");
}

const SEARCH_ANSWER: &str = r#"{"took": 2, "timed_out": false, "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
  "hits": {"total": {"value": 2, "relation": "eq"}, "max_score": null, "hits": [
    {"_index": "logs-2026.11.24", "_id": "b", "_score": null, "sort": [1795600001000000000],
     "_source": {"@timestamp": "2026-11-24T10:00:01Z", "log": {"level": "error"}, "service": {"name": "auth"}, "host": {"name": "a-1"}, "message": "login failed", "fields": {"user_id": "u1"}}},
    {"_index": "logs-2026.11.24", "_id": "a", "_score": null, "sort": [1795600000000000000],
     "_source": {"@timestamp": "2026-11-24T10:00:00Z", "log": {"level": "error"}, "service": {"name": "auth"}, "host": {"name": "a-2"}, "message": "token expired", "trace": {"id": "t9"}}}
  ]}}"#;

#[test]
fn query_count_and_count_by_on_elasticsearch() {
    let es = MockEs::start();
    {
        let mut state = es.state.lock().unwrap();
        state.canned.push((
            "/logs-*/_count".into(),
            200,
            r#"{"count": 42, "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0}}"#
                .into(),
        ));
        state
            .canned
            .push(("/logs-*/_search".into(), 200, SEARCH_ANSWER.into()));
    }
    let dir = tempfile::tempdir().unwrap();
    let out = stdout_of(logagg(dir.path()).args([
        "query",
        "service:auth AND level:error",
        "--store",
        "elasticsearch",
        "--es-url",
        &es.url,
        "--output",
        "json",
    ]));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert_eq!(
        lines[0],
        r#"{"@timestamp":"2026-11-24T10:00:01.000Z","level":"error","service":"auth","host":"a-1","message":"login failed","fields":{"user_id":"u1"}}"#
    );
    let (_, url, body) = es.state.lock().unwrap().requests.last().cloned().unwrap();
    assert!(
        url.starts_with("/logs-*/_search?ignore_unavailable=true"),
        "{url}"
    );
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        body["query"],
        serde_json::json!({"bool": {"filter": [{"term": {"service.name": "auth"}}, {"term": {"log.level": "error"}}]}})
    );
    assert_eq!(body["size"], 100);

    let count = stdout_of(logagg(dir.path()).args([
        "query",
        "level:error",
        "--count",
        "--store",
        "elasticsearch",
        "--es-url",
        &es.url,
    ]));
    assert_eq!(count.trim(), "42");

    let groups = MockEs::start();
    groups.state.lock().unwrap().canned.push((
        "/logs-*/_search".into(),
        200,
        r#"{"took": 3, "timed_out": false, "hits": {"total": {"value": 10, "relation": "eq"}, "max_score": null, "hits": []},
            "aggregations": {"groups": {"doc_count_error_upper_bound": 0, "sum_other_doc_count": 0,
              "buckets": [{"key": "auth", "doc_count": 7}, {"key": "web", "doc_count": 3}]}}}"#.into(),
    ));
    let out = stdout_of(logagg(dir.path()).args([
        "query",
        "*",
        "--count-by",
        "service",
        "--store",
        "elasticsearch",
        "--es-url",
        &groups.url,
        "--output",
        "json",
    ]));
    assert_eq!(
        out,
        "{\"count\":7,\"service\":\"auth\"}\n{\"count\":3,\"service\":\"web\"}\n"
    );
    let (_, _, body) = groups
        .state
        .lock()
        .unwrap()
        .requests
        .last()
        .cloned()
        .unwrap();
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["aggs"]["groups"]["terms"]["field"], "service.name");
}

#[test]
fn retention_deletes_whole_daily_indices_older_than_the_window() {
    let es = MockEs::start();
    es.state.lock().unwrap().canned.push((
        "/_cat/indices/logs-*".into(),
        200,
        r#"[{"index": "logs-2020.01.01", "docs.count": "5", "store.size": "1000"},
            {"index": "logs-2020.01.02", "docs.count": "7", "store.size": "2000"},
            {"index": "logs-2999.01.01", "docs.count": "9", "store.size": "3000"}]"#
            .into(),
    ));
    let dir = tempfile::tempdir().unwrap();
    let dry = stdout_of(logagg(dir.path()).args([
        "retention",
        "--keep",
        "7d",
        "--dry-run",
        "--store",
        "elasticsearch",
        "--es-url",
        &es.url,
    ]));
    assert!(
        dry.contains("would delete logs-2020.01.01")
            && dry.contains("would delete logs-2020.01.02")
            && !dry.contains("2999"),
        "{dry}"
    );
    assert!(es
        .state
        .lock()
        .unwrap()
        .requests
        .iter()
        .all(|(m, _, _)| m != "DELETE"));
    stdout_of(logagg(dir.path()).args([
        "retention",
        "--keep",
        "7d",
        "--store",
        "elasticsearch",
        "--es-url",
        &es.url,
    ]));
    let deleted: Vec<String> = es
        .state
        .lock()
        .unwrap()
        .requests
        .iter()
        .filter(|(m, _, _)| m == "DELETE")
        .map(|(_, u, _)| u.clone())
        .collect();
    assert_eq!(deleted, ["/logs-2020.01.01", "/logs-2020.01.02"]);
}

#[test]
fn tail_on_elasticsearch_prints_late_refreshed_documents_once() {
    let es = MockEs::start();
    let now = logagg::event::Timestamp::now();
    let doc = |offset_ms: i64, message: &str| {
        serde_json::json!({
            "@timestamp": logagg::event::Timestamp(now.micros() + offset_ms * 1000).to_rfc3339(),
            "log": {"level": "error"}, "service": {"name": "auth"}, "host": {"name": "h"}, "message": message
        })
    };
    {
        let mut state = es.state.lock().unwrap();
        state
            .docs
            .insert("old".into(), doc(-60_000, "before the tail"));
        state.docs.insert("h1".into(), doc(-1_000, "history one"));
    }
    let dir = tempfile::tempdir().unwrap();
    let tail = spawn(
        dir.path(),
        "tail",
        &[
            "tail",
            "--store",
            "elasticsearch",
            "--es-url",
            &es.url,
            "-n",
            "1",
            "--poll",
            "100ms",
            "--output",
            "raw",
        ],
    );
    common::kafka::wait_until(30, "history is printed", || {
        common::kafka::output_of(dir.path(), "tail")
            .0
            .contains("history one")
    });
    {
        let mut state = es.state.lock().unwrap();
        state.docs.insert("n1".into(), doc(2_000, "new one"));
        state.docs.insert("n2".into(), doc(3_000, "new two"));
    }
    common::kafka::wait_until(30, "new events are printed", || {
        common::kafka::output_of(dir.path(), "tail")
            .0
            .contains("new two")
    });
    // Became searchable late, with a timestamp before the newest printed (within the overlap).
    es.state
        .lock()
        .unwrap()
        .docs
        .insert("late".into(), doc(1_500, "late refresh"));
    common::kafka::wait_until(30, "the late document is printed", || {
        common::kafka::output_of(dir.path(), "tail")
            .0
            .contains("late refresh")
    });
    std::thread::sleep(Duration::from_millis(500));
    common::kafka::interrupt(tail);
    let out = common::kafka::output_of(dir.path(), "tail").0;
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines,
        ["history one", "new one", "new two", "late refresh"],
        "{out}"
    );
}

#[test]
fn an_unreachable_cluster_is_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = error_of(
        logagg(dir.path())
            .args([
                "query",
                "*",
                "--store",
                "elasticsearch",
                "--es-url",
                &format!("http://elastic:hunter2@127.0.0.1:{port}"),
            ])
            .env("LOGAGG_ES_PASSWORD", "other-secret"),
    );
    assert!(
        err.contains(&format!(
            "cannot reach Elasticsearch at http://127.0.0.1:{port}/"
        )),
        "{err}"
    );
    assert!(err.contains("logagg up"), "{err}");
    assert!(
        !err.contains("hunter2") && !err.contains("other-secret"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn explain_prints_the_query_dsl() {
    let dir = tempfile::tempdir().unwrap();
    let out =
        stdout_of(logagg(dir.path()).args(["query", "latency_ms:>500 -host:canary*", "--explain"]));
    assert!(
        out.contains("\"range\"")
            && out.contains("\"fields.latency_ms\"")
            && out.contains("\"must_not\""),
        "{out}"
    );
}

/// Runs only with LOGAGG_TEST_ES_URL (for example the Docker stack's http://127.0.0.1:9200).
#[test]
fn against_a_real_cluster() {
    let Ok(url) = std::env::var("LOGAGG_TEST_ES_URL") else {
        eprintln!("LOGAGG_TEST_ES_URL is not set: skipping the real-cluster test");
        return;
    };
    let broker = Broker::start();
    let dir = tempfile::tempdir().unwrap();
    let prefix = format!("logagg-test-{}", std::process::id());
    logagg(dir.path())
        .args([
            "es",
            "setup",
            "--es-url",
            &url,
            "--es-index-prefix",
            &prefix,
        ])
        .assert()
        .success();
    simulate_to(dir.path(), &broker, "real", "5", START, "2000", "3");
    logagg(dir.path())
        .args([
            "ingest",
            "--to",
            "elasticsearch",
            "--es-url",
            &url,
            "--es-index-prefix",
            &prefix,
            "--brokers",
            &broker.address,
            "--topic",
            "real",
            "--exit-at-end",
        ])
        .timeout(Duration::from_secs(300))
        .assert()
        .success();
    std::thread::sleep(Duration::from_secs(2));
    // Exit status 1 (nothing matched) is an answer too: compare the output only.
    let es = |args: &[&str]| {
        let out = logagg(dir.path())
            .args(args)
            .args(["--store", "elasticsearch", "--es-url", &url])
            .args(["--es-index-prefix", &prefix])
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let embedded = |args: &[&str]| {
        String::from_utf8(logagg(dir.path()).args(args).output().unwrap().stdout).unwrap()
    };
    assert_eq!(es(&["query", "*", "--count"]).trim(), "2000");
    // The same answers as the simulator's own events give in the embedded store.
    logagg(dir.path())
        .args([
            "simulate", "--to", "embedded", "--seed", "5", "--start", START,
        ])
        .args(["--count", "2000"])
        .assert()
        .success();
    for query in [
        "service:auth AND level:>=warn",
        "\"connection refused\"",
        "latency_ms:>500",
        "-host:gw* conn*",
    ] {
        assert_eq!(
            es(&["query", query, "--count"]),
            embedded(&["query", query, "--count"]),
            "{query}"
        );
    }
    let by_service = ["query", "*", "--count-by", "service", "--output", "json"];
    assert_eq!(es(&by_service), embedded(&by_service));
    let export = [
        "query",
        "level:error",
        "--limit",
        "0",
        "--asc",
        "--output",
        "json",
    ];
    assert_eq!(
        es(&export).lines().count(),
        embedded(&export).lines().count()
    );
    // The test's events are from 2026-11-24: a one-hour window has left that day behind.
    let dry = es(&["retention", "--keep", "1h", "--dry-run"]);
    assert!(
        dry.contains(&format!("would delete {prefix}-2026.11.24")),
        "{dry}"
    );
    es(&["retention", "--keep", "1h"]);
    assert_eq!(es(&["query", "*", "--count"]).trim(), "0");
}
