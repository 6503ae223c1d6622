//! The query language's three implementations agree, for real: random events go through a
//! real Kafka broker into the embedded store and into a real engine (OpenSearch), and
//! random queries must select the same events from the in-memory predicate, the embedded
//! store and the engine (`--count`, and every event of `--limit 0`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::kafka::{ingest, Broker};
use common::logagg;
use common::query_strategies::{arb_query, HOSTS, LEVELS, SERVICES, TRACE_IDS, WORDS};
use common::search_engine::SearchEngine;
use logagg::event::{decode_line, DecodeContext, LogEvent, Timestamp};
use logagg::query::{matches, parse};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use rdkafka::producer::{BaseProducer, BaseRecord, Producer};
use serde_json::json;
use std::path::Path;
use std::time::Duration;

/// One event as a JSON line. Each field keeps one type across events, as a real index's
/// dynamic mapping requires (the first document fixes it).
fn arb_line() -> impl Strategy<Value = String> {
    (
        0i64..3_600_000,
        prop::sample::select(LEVELS),
        prop::sample::select(SERVICES),
        prop::sample::select(HOSTS),
        prop::collection::vec(
            (
                prop::sample::select(WORDS),
                prop::sample::select(vec![" ", ", ", "-", "_", ": ", "/", "."]),
            ),
            0..8,
        ),
        prop::option::of(prop::sample::select(TRACE_IDS.to_vec())),
        prop::option::of(0i64..1000),
        prop::option::of(0i64..1000),
        prop::option::of(prop::sample::select(vec!["500", "ok", "OK", "m", "abc", "a b"])),
        prop::option::of(prop::collection::vec(prop::sample::select(vec!["edge", "eu", "500"]), 1..3)),
        prop::option::of(prop::sample::select(vec!["u1", "u42"])),
        prop::option::of(any::<bool>()),
    )
        .prop_map(
            |(ms, level, service, host, words, trace, status, latency, code, tags, user, cached)| {
                let message: String = words.iter().map(|(w, sep)| format!("{w}{sep}")).collect();
                let mut fields = serde_json::Map::new();
                let mut put = |k: &str, v: Option<serde_json::Value>| {
                    if let Some(v) = v {
                        fields.insert(k.into(), v);
                    }
                };
                put("status", status.map(|n| json!(n)));
                put("latency_ms", latency.map(|n| json!(n)));
                put("code", code.map(|c| json!(c)));
                put("tags", tags.map(|t| json!(t)));
                put("user", user.map(|u| json!({"id": u})));
                put("cached", cached.map(|b| json!(b)));
                let mut line = json!({
                    "@timestamp": Timestamp(Timestamp::parse("2026-11-24T12:00:00Z").unwrap().micros() - ms * 1000).to_rfc3339(),
                    "level": level, "service": service, "host": host, "message": message,
                    "fields": fields,
                });
                if let Some(t) = trace {
                    line["trace_id"] = json!(t);
                }
                line.to_string()
            },
        )
}

fn produce(broker: &Broker, topic: &str, lines: &[String]) {
    let producer: BaseProducer = rdkafka::ClientConfig::new()
        .set("bootstrap.servers", &broker.address)
        .create()
        .unwrap();
    for line in lines {
        producer
            .send(BaseRecord::<(), _>::to(topic).payload(line.as_bytes()))
            .map_err(|(e, _)| e)
            .unwrap();
        producer.poll(Duration::ZERO);
    }
    producer.flush(Duration::from_secs(30)).unwrap();
}

/// Every matching event as JSON lines, sorted (stdout; exit 1 means none matched).
fn selected(dir: &Path, query: &str, store: &[&str]) -> (String, Vec<String>) {
    let run = |extra: &[&str]| {
        let out = logagg(dir)
            .args(["query", query])
            .args(extra)
            .args(store)
            .output()
            .unwrap();
        assert!(
            out.status.code().is_some_and(|c| c < 2),
            "{query} {store:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let count = run(&["--count"]).trim().to_string();
    let mut lines: Vec<String> = run(&["--limit", "0", "--output", "json"])
        .lines()
        .map(str::to_string)
        .collect();
    lines.sort();
    (count, lines)
}

#[test]
fn predicate_embedded_store_and_engine_select_the_same_events() {
    let broker = Broker::shared();
    let engine = SearchEngine::shared();
    let mut runner = TestRunner::new(Config {
        cases: 5,
        // Each case ingests into two stores; a failure names its query without shrinking.
        max_shrink_iters: 0,
        failure_persistence: None,
        ..Config::default()
    });
    let case = std::sync::atomic::AtomicUsize::new(0);
    // (queries that selected some but not all events, queries asked): the test means
    // something only if many queries split the events.
    let splits = std::sync::Mutex::new((0usize, 0usize));
    let strategy = (
        prop::collection::vec(arb_line(), 40..160),
        prop::collection::vec(arb_query(false), 30),
    );
    runner
        .run(&strategy, |(lines, queries)| {
            let n = case.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let topic = format!("agree{n}");
            let prefix = engine.prefix(&topic);
            let dir = tempfile::tempdir().unwrap();
            common::kafka::create_topic(broker, &topic, 3);
            produce(broker, &topic, &lines);
            ingest(dir.path(), broker, &topic);
            logagg(dir.path())
                .args(["ingest", "--to", "elasticsearch", "--es-url", &engine.url])
                .args(["--es-index-prefix", &prefix, "--brokers", &broker.address])
                .args(["--topic", &topic, "--exit-at-end", "--group", &topic])
                .timeout(Duration::from_secs(120))
                .assert()
                .success();
            let events: Vec<LogEvent> = lines
                .iter()
                .map(|l| decode_line(l.as_bytes(), &DecodeContext::now()))
                .collect();
            let es = [
                "--store",
                "elasticsearch",
                "--es-url",
                &engine.url,
                "--es-index-prefix",
                &prefix,
            ];
            for text in &queries {
                let query = parse(text, Timestamp::now()).unwrap();
                let mut expected: Vec<String> = events
                    .iter()
                    .filter(|e| matches(&query, e))
                    .map(LogEvent::to_json)
                    .collect();
                expected.sort();
                {
                    let mut splits = splits.lock().unwrap();
                    splits.1 += 1;
                    if !expected.is_empty() && expected.len() < events.len() {
                        splits.0 += 1;
                    }
                }
                let embedded = selected(dir.path(), text, &[]);
                let engine_says = selected(dir.path(), text, &es);
                prop_assert_eq!(
                    (&embedded.0, &embedded.1),
                    (&expected.len().to_string(), &expected),
                    "embedded store vs predicate for {} (understood as {})",
                    text,
                    query
                );
                prop_assert_eq!(
                    (&engine_says.0, &engine_says.1),
                    (&expected.len().to_string(), &expected),
                    "engine vs predicate for {} (understood as {})",
                    text,
                    query
                );
            }
            Ok(())
        })
        .unwrap();
    let (split, asked) = *splits.lock().unwrap();
    assert!(
        split * 3 >= asked,
        "only {split} of {asked} queries selected some but not all events"
    );
}
