//! Faults of an Elasticsearch cluster that a real engine cannot produce on demand, against
//! the stand-in of `common/mock_es.rs`: throttled, refused and unavailable items, a whole
//! cluster unavailable, a bulk stored after the client gave up, partial search answers.
//! Everything a real engine can answer is in `elasticsearch.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::kafka::{simulate_to, spawn, wait_until, Broker, START};
use common::mock_es::{MockEs, Refusal};
use common::{error_of, logagg, stdout_of};
use std::time::Duration;

/// `ingest --to elasticsearch --exit-at-end` (plus `extra`), which must succeed; its stderr.
fn ingest_to_es(broker: &Broker, es: &str, topic: &str, extra: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let out = logagg(dir.path())
        .args(["ingest", "--to", "elasticsearch", "--es-url", es])
        .args(["--brokers", &broker.address, "--topic", topic])
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

fn produce(broker: &Broker, topic: &str, seed: &str, count: &str, partitions: &str) {
    let dir = tempfile::tempdir().unwrap();
    simulate_to(dir.path(), broker, topic, seed, START, count, partitions);
}

#[test]
fn throttled_items_and_a_kill_still_store_each_event_once() {
    let broker = Broker::shared();
    let es = MockEs::start();
    es.state.lock().unwrap().throttle_every = Some(5);
    produce(broker, "throttled", "41", "20000", "3");
    let dir = tempfile::tempdir().unwrap();
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
            "throttled",
            "--batch-events",
            "200",
            "--commit-interval",
            "50ms",
        ],
    );
    wait_until(60, "some events are stored", || {
        es.state.lock().unwrap().stored() > 2000
    });
    child.0.kill().unwrap();
    child.0.wait().unwrap();
    let said = ingest_to_es(broker, &es.url, "throttled", &[]);
    let state = es.state.lock().unwrap();
    assert_eq!(state.stored(), 20000, "{said}");
    assert!(
        state.created.values().all(|&n| n == 1),
        "an event was accepted twice"
    );
    assert!(
        state.attempts.values().any(|&n| n > 1),
        "throttled items were retried"
    );
}

#[test]
fn an_unavailable_cluster_pauses_ingest_until_it_accepts_the_batch() {
    let broker = Broker::shared();
    let es = MockEs::start();
    es.state.lock().unwrap().unavailable_bulks = 4;
    produce(broker, "paused", "8", "1500", "2");
    let said = ingest_to_es(broker, &es.url, "paused", &[]);
    assert!(
        said.contains("HTTP 503") && said.contains("retrying"),
        "{said}"
    );
    let state = es.state.lock().unwrap();
    assert_eq!(state.stored(), 1500, "{said}");
    assert!(state.created.values().all(|&n| n == 1));
}

#[test]
fn a_bulk_stored_after_the_client_gave_up_counts_as_stored_on_retry() {
    let broker = Broker::shared();
    let es = MockEs::start();
    es.state.lock().unwrap().slow_bulks = 1;
    produce(broker, "slow", "9", "300", "1");
    let said = ingest_to_es(broker, &es.url, "slow", &["--es-timeout", "500ms"]);
    assert!(said.contains("retrying"), "{said}");
    assert!(
        said.contains("were already stored (sent again after a restart"),
        "the retry's 409s count as stored: {said}"
    );
    let state = es.state.lock().unwrap();
    assert_eq!(state.stored(), 300, "{said}");
    assert!(state.created.values().all(|&n| n == 1));
}

#[test]
fn items_refused_by_configuration_wait_and_are_never_dead_lettered() {
    let broker = Broker::shared();
    for (status, needle, topic) in [
        (404, "", "refused404"),
        (403, "", "refused403"),
        (503, "", "refused503"),
    ] {
        let es = MockEs::start();
        es.state.lock().unwrap().refusal = Some(Refusal {
            needle: needle.into(),
            status,
            times: 3,
        });
        produce(broker, topic, "4", "400", "1");
        let said = ingest_to_es(broker, &es.url, topic, &[]);
        let state = es.state.lock().unwrap();
        assert_eq!(state.stored(), 400, "HTTP {status}: {said}");
        assert!(!said.contains("rejected"), "HTTP {status}: {said}");
        if status != 503 {
            assert!(
                said.contains(&format!("refuses to store events (HTTP {status}"))
                    && said.contains("not bad events"),
                "{said}"
            );
            assert_eq!(
                said.matches("refuses to store events").count(),
                1,
                "said once per outage: {said}"
            );
        }
        let dir = tempfile::tempdir().unwrap();
        let listed = logagg(dir.path())
            .args([
                "dlq",
                "list",
                "--brokers",
                &broker.address,
                "--topic",
                topic,
            ])
            .assert()
            .code(1)
            .get_output()
            .clone();
        assert!(
            listed.stdout.is_empty()
                && String::from_utf8_lossy(&listed.stderr).contains("no dead letters"),
            "HTTP {status}: nothing is dead-lettered"
        );
    }
}

const PARTIAL: &str = r#"{"took": 2, "timed_out": false,
  "_shards": {"total": 3, "successful": 2, "skipped": 0, "failed": 1,
    "failures": [{"shard": 0, "index": "logs-2026.11.24", "node": "n1", "reason": {"type": "node_disconnected_exception", "reason": "[n1] disconnected"}}]},
  "hits": {"total": {"value": 1, "relation": "eq"}, "max_score": null, "hits": [
    {"_index": "logs-2026.11.24", "_id": "a", "_score": null, "sort": [1795600000000000000],
     "_source": {"@timestamp": "2026-11-24T10:00:00Z", "log": {"level": "error"}, "service": {"name": "auth"}, "host": {"name": "a-2"}, "message": "token expired"}}]},
  "aggregations": {"groups": {"buckets": [{"key": "auth", "doc_count": 1}]}}}"#;

#[test]
fn partial_answers_are_errors_not_results() {
    let dir = tempfile::tempdir().unwrap();
    let es = MockEs::start();
    {
        let mut state = es.state.lock().unwrap();
        state.canned.push((
            format!(
                "/{}/_search",
                logagg::backend::elasticsearch::document::daily_indices("logs")
            ),
            200,
            PARTIAL.into(),
        ));
        state.canned.push((
            format!(
                "/{}/_count",
                logagg::backend::elasticsearch::document::daily_indices("logs")
            ),
            200,
            r#"{"_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0}}"#.into(),
        ));
    }
    for args in [
        vec!["query", "level:error"],
        vec!["query", "*", "--count-by", "service"],
    ] {
        let out = logagg(dir.path())
            .args(&args)
            .args([
                "--store",
                "elasticsearch",
                "--es-url",
                &es.url,
                "--output",
                "json",
            ])
            .assert()
            .code(2)
            .get_output()
            .clone();
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(
            err.contains("partial results (1 of 3 shards failed: node_disconnected_exception"),
            "{args:?}: {err}"
        );
        assert!(
            out.stdout.is_empty(),
            "{args:?}: nothing is printed as if complete"
        );
    }
    let err = error_of(logagg(dir.path()).args([
        "query",
        "*",
        "--count",
        "--store",
        "elasticsearch",
        "--es-url",
        &es.url,
    ]));
    assert!(err.contains("without a count"), "{err}");
}

#[test]
fn an_unreachable_cluster_is_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let port = common::engine::free_port();
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
