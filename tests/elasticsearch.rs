//! The Elasticsearch backend against a real engine: an OpenSearch node started by the test
//! harness (`common/search_engine.rs`), and a real Kafka broker. Faults that a real engine
//! cannot produce on demand are in `elasticsearch_faults.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::kafka::{
    interrupt, output_of, simulate_to, simulation, spawn, wait_until, Broker, START,
};
use common::search_engine::{http, SearchEngine};
use common::tls_proxy::TlsProxy;
use common::{logagg, stdout_of};
use logagg::backend::elasticsearch::document::from_source;
use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

/// The flags that point a command at the engine and a test's own indices.
fn es_flags<'a>(engine: &'a SearchEngine, prefix: &'a str) -> [&'a str; 4] {
    ["--es-url", &engine.url, "--es-index-prefix", prefix]
}

fn ingest_args<'a>(
    engine: &'a SearchEngine,
    prefix: &'a str,
    broker: &'a Broker,
    topic: &'a str,
) -> Vec<&'a str> {
    let mut args = vec!["ingest", "--to", "elasticsearch"];
    args.extend(es_flags(engine, prefix));
    args.extend(["--brokers", &broker.address, "--topic", topic]);
    args
}

/// `ingest --to elasticsearch --exit-at-end` (plus `extra`), which must succeed; its stderr.
fn ingest_to_end(
    dir: &Path,
    engine: &SearchEngine,
    prefix: &str,
    broker: &Broker,
    topic: &str,
    extra: &[&str],
) -> String {
    let out = logagg(dir)
        .args(ingest_args(engine, prefix, broker, topic))
        .args(["--exit-at-end", "--commit-interval", "200ms"])
        .args(extra)
        .timeout(Duration::from_secs(300))
        .assert()
        .success()
        .get_output()
        .stderr
        .clone();
    String::from_utf8(out).unwrap()
}

/// A query on the engine; stdout (exit status 1, nothing matched, is an answer too).
fn on_engine(dir: &Path, engine: &SearchEngine, prefix: &str, args: &[&str]) -> String {
    let out = logagg(dir)
        .args(args)
        .args(["--store", "elasticsearch"])
        .args(es_flags(engine, prefix))
        .output()
        .unwrap();
    assert!(
        out.status.code().is_some_and(|c| c < 2),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn stored_events(engine: &SearchEngine, prefix: &str) -> Vec<String> {
    let mut events: Vec<String> = engine
        .documents(prefix)
        .iter()
        .map(|(_, d)| from_source(d).to_json())
        .collect();
    events.sort();
    events
}

fn sorted_lines(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines.sort();
    lines
}

#[test]
fn a_killed_ingestor_resumes_and_the_engine_holds_each_event_once() {
    let engine = SearchEngine::shared();
    let broker = Broker::shared();
    let prefix = engine.prefix("kill");
    let dir = tempfile::tempdir().unwrap();
    simulate_to(dir.path(), broker, "kill", "41", START, "20000", "3");
    let mut args = ingest_args(engine, &prefix, broker, "kill");
    args.extend(["--batch-events", "500", "--commit-interval", "50ms"]);
    let mut child = spawn(dir.path(), "ingest", &args);
    wait_until(120, "some events are stored", || {
        engine.count(&prefix) > 2000
    });
    child.0.kill().unwrap();
    child.0.wait().unwrap();
    let said = ingest_to_end(dir.path(), engine, &prefix, broker, "kill", &[]);

    // Searchable as soon as `--exit-at-end` returns: no refresh of ours first.
    let counted = on_engine(dir.path(), engine, &prefix, &["query", "*", "--count"]);
    assert_eq!(counted.trim(), "20000", "{said}");
    assert_eq!(
        stored_events(engine, &prefix),
        sorted_lines(&simulation(dir.path(), "41", START, "20000")),
        "the engine holds other events than the simulator produced"
    );
    let (status, template) = http(
        "GET",
        &format!("{}/_index_template/{prefix}-logagg", engine.url),
        None,
    );
    assert_eq!(status, 200, "{template}");
    let (_, mapping) = http("GET", &format!("{}/{prefix}-*/_mapping", engine.url), None);
    let mapping: serde_json::Value = serde_json::from_str(&mapping).unwrap();
    let index = mapping.as_object().unwrap().values().next().unwrap();
    let properties = &index["mappings"]["properties"];
    assert_eq!(properties["@timestamp"]["type"], "date_nanos");
    assert_eq!(properties["message"]["analyzer"], "logagg_words");
    assert_eq!(properties["message"]["fields"]["raw"]["type"], "wildcard");
    assert_eq!(
        properties["service"]["properties"]["name"]["type"],
        "keyword"
    );
}

#[test]
fn ingestors_in_one_group_one_killed_store_each_event_once() {
    let engine = SearchEngine::shared();
    let broker = Broker::shared();
    let prefix = engine.prefix("group");
    let dir = tempfile::tempdir().unwrap();
    simulate_to(dir.path(), broker, "group", "12", START, "1", "6");
    let mut args = ingest_args(engine, &prefix, broker, "group");
    args.extend([
        "--group",
        "trio",
        "--batch-events",
        "300",
        "--commit-interval",
        "100ms",
    ]);
    let first = spawn(dir.path(), "a", &args);
    let second = spawn(dir.path(), "b", &args);
    wait_until(60, "the first event is stored", || {
        engine.count(&prefix) >= 1
    });
    let later = "2026-11-25T00:00:00Z";
    simulate_to(dir.path(), broker, "group", "13", later, "30000", "6");
    let third = spawn(dir.path(), "c", &args);
    wait_until(120, "a share is stored", || engine.count(&prefix) > 8000);
    let mut second = second;
    second.0.kill().unwrap();
    second.0.wait().unwrap();
    wait_until(180, "every event is stored", || {
        engine.count(&prefix) >= 30001
    });
    std::thread::sleep(Duration::from_millis(500));
    interrupt(first);
    interrupt(third);
    assert_eq!(engine.count(&prefix), 30001);
    let mut expected = sorted_lines(&simulation(dir.path(), "12", START, "1"));
    expected.extend(sorted_lines(&simulation(dir.path(), "13", later, "30000")));
    expected.sort();
    assert_eq!(stored_events(engine, &prefix), expected);
    let stored = |name: &str| -> u64 {
        let err = output_of(dir.path(), name).1;
        err.split("stored ")
            .nth(1)
            .and_then(|r| r.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    assert!(
        stored("a") > 0 && stored("c") > 0,
        "the members that stayed took a share: {} and {}",
        stored("a"),
        stored("c")
    );
    // The group is caught up: one more `--exit-at-end` member ends at once, storing nothing.
    let said = ingest_to_end(
        dir.path(),
        engine,
        &prefix,
        broker,
        "group",
        &["--group", "trio"],
    );
    assert!(said.contains("stored 0 events"), "{said}");
}

#[test]
fn exit_at_end_after_killed_members_stores_what_the_group_never_stored() {
    let engine = SearchEngine::shared();
    let broker = Broker::shared();
    let prefix = engine.prefix("rest");
    let dir = tempfile::tempdir().unwrap();
    simulate_to(dir.path(), broker, "rest", "21", START, "30000", "4");
    let mut args = ingest_args(engine, &prefix, broker, "rest");
    args.extend([
        "--group",
        "pair",
        "--batch-events",
        "200",
        "--commit-interval",
        "50ms",
    ]);
    let mut first = spawn(dir.path(), "a", &args);
    let mut second = spawn(dir.path(), "b", &args);
    wait_until(120, "part is stored", || engine.count(&prefix) > 3000);
    first.0.kill().unwrap();
    second.0.kill().unwrap();
    first.0.wait().unwrap();
    second.0.wait().unwrap();
    let before = engine.count(&prefix);
    assert!(
        before < 30000,
        "the kill came too late to test anything ({before})"
    );
    let said = ingest_to_end(
        dir.path(),
        engine,
        &prefix,
        broker,
        "rest",
        &["--group", "pair"],
    );
    assert_eq!(engine.count(&prefix), 30000, "{said}");
}

#[test]
fn queries_on_the_engine_agree_with_the_embedded_store() {
    let engine = SearchEngine::shared();
    let broker = Broker::shared();
    let prefix = engine.prefix("agree");
    let dir = tempfile::tempdir().unwrap();
    // More than 10,000 events: a `--limit 0` export needs a point in time and search_after.
    let count = "12000";
    simulate_to(dir.path(), broker, "agree", "5", START, count, "3");
    ingest_to_end(dir.path(), engine, &prefix, broker, "agree", &[]);
    logagg(dir.path())
        .args([
            "simulate", "--to", "embedded", "--seed", "5", "--start", START,
        ])
        .args(["--count", count])
        .assert()
        .success();
    let embedded = |args: &[&str]| {
        String::from_utf8(logagg(dir.path()).args(args).output().unwrap().stdout).unwrap()
    };
    let es = |args: &[&str]| on_engine(dir.path(), engine, &prefix, args);
    assert_eq!(es(&["query", "*", "--count"]).trim(), count);
    for query in [
        "service:auth AND level:>=warn",
        "\"connection refused\"",
        "latency_ms:>500",
        "-host:gw* conn*",
        "status:[400 TO 499]",
        "message:/time(d)? ?out/",
        "/(?i)TIMED OUT/",
        "NOT /(?i)CONNECTION REFUSED/ service:payments",
        "level:error OR level:fatal",
        "NOT status:500",
    ] {
        assert_eq!(
            es(&["query", query, "--count"]),
            embedded(&["query", query, "--count"]),
            "{query}"
        );
    }
    let by_service = ["query", "*", "--count-by", "service", "--output", "json"];
    assert_eq!(es(&by_service), embedded(&by_service));
    let by_level = [
        "query",
        "latency_ms:>100",
        "--count-by",
        "level",
        "--output",
        "json",
    ];
    assert_eq!(es(&by_level), embedded(&by_level));
    // Histograms: the same buckets (empty ones included) whichever store answers.
    for (query, width) in [
        ("*", "auto"),
        ("level:>=warn", "250ms"),
        ("service:auth OR timeout", "1m"),
    ] {
        let histogram = ["query", query, "--histogram", width, "--output", "json"];
        let on_engine = es(&histogram);
        assert!(!on_engine.is_empty(), "{query}");
        assert_eq!(
            on_engine,
            embedded(&histogram),
            "{query} --histogram {width}"
        );
    }
    // Field discovery: the same keys, holders and number ranges (the engine adds types).
    for query in ["*", "service:payments OR level:>=warn"] {
        let fields = ["fields", query, "--values", "3", "--output", "json"];
        let strip = |text: String| -> Vec<serde_json::Value> {
            text.lines()
                .map(|l| {
                    let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
                    v.as_object_mut().unwrap().remove("types");
                    v
                })
                .collect()
        };
        let on_engine = strip(es(&fields));
        assert!(on_engine.len() > 8, "{on_engine:?}");
        let here = strip(embedded(&fields));
        assert_eq!(on_engine.len(), here.len(), "fields {query}");
        for (a, b) in on_engine.iter().zip(&here) {
            assert_eq!(a, b, "fields {query}");
        }
    }
    let export = ["query", "*", "--limit", "0", "--asc", "--output", "json"];
    let exported = es(&export);
    assert_eq!(exported.lines().count(), 12000);
    assert_eq!(sorted_lines(&exported), sorted_lines(&embedded(&export)));
    let newest = ["query", "level:error", "--limit", "20", "--output", "json"];
    assert_eq!(
        es(&newest).lines().count(),
        embedded(&newest).lines().count()
    );
    // The test's events are from 2026-11-24: a one-hour window has left that day behind.
    let dry = es(&["retention", "--keep", "1h", "--dry-run"]);
    assert!(
        dry.contains(&format!("would delete {prefix}-2026.11.24")),
        "{dry}"
    );
    assert_eq!(
        es(&["query", "*", "--count"]).trim(),
        count,
        "a dry run deletes nothing"
    );
    es(&["retention", "--keep", "1h"]);
    assert_eq!(es(&["query", "*", "--count"]).trim(), "0");
}

#[test]
fn a_real_mapping_conflict_is_dead_lettered_with_the_reason() {
    use rdkafka::producer::{BaseProducer, BaseRecord, Producer};
    let engine = SearchEngine::shared();
    let broker = Broker::shared();
    let prefix = engine.prefix("mixed");
    let dir = tempfile::tempdir().unwrap();
    let producer: BaseProducer = rdkafka::ClientConfig::new()
        .set("bootstrap.servers", &broker.address)
        .set("message.max.bytes", "16777216")
        .create()
        .unwrap();
    let send = |payload: &[u8]| {
        producer
            .send(BaseRecord::to("mixed").key("x").payload(payload))
            .map_err(|(e, _)| e)
            .unwrap();
    };
    common::kafka::create_topic(broker, "mixed", 1);
    send(br#"{"@timestamp":"2026-11-24T10:00:00Z","service":"x","message":"a number","fields":{"status":200}}"#);
    producer.flush(Duration::from_secs(30)).unwrap();
    ingest_to_end(dir.path(), engine, &prefix, broker, "mixed", &[]);
    let conflicting: &[u8] = br#"{"@timestamp":"2026-11-24T10:00:01Z","service":"x","message":"not a number","fields":{"status":"abc"}}"#;
    send(conflicting);
    // Too large for any bulk request: a dead letter before it is ever sent.
    let big = format!(
        "{{\"@timestamp\":\"2026-11-24T10:00:02Z\",\"service\":\"x\",\"message\":\"{}\"}}",
        "z".repeat(2_000_000)
    );
    send(big.as_bytes());
    send(br#"{"@timestamp":"2026-11-24T10:00:03Z","service":"x","message":"fine again","fields":{"status":201}}"#);
    producer.flush(Duration::from_secs(30)).unwrap();
    let said = ingest_to_end(
        dir.path(),
        engine,
        &prefix,
        broker,
        "mixed",
        &["--max-event-bytes", "1MB"],
    );
    assert!(said.contains("2 events were rejected"), "{said}");
    assert_eq!(engine.count(&prefix), 2, "{said}");
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
    let by_source = |source: &str| {
        letters
            .iter()
            .find(|l| l["source"] == source)
            .unwrap_or_else(|| panic!("no dead letter for {source}: {listed}"))
    };
    assert_eq!(
        by_source("mixed/0@1")["bytes"],
        conflicting.len(),
        "the letter is the message as it arrived"
    );
    let conflict = by_source("mixed/0@1")["reason"].as_str().unwrap();
    assert!(
        conflict.contains("HTTP 400") && conflict.contains("parsing_exception"),
        "{conflict}"
    );
    assert!(by_source("mixed/0@2")["reason"]
        .as_str()
        .unwrap()
        .contains("over the limit"));
}

#[test]
fn tail_follows_arrivals_so_late_events_are_printed_once() {
    let engine = SearchEngine::shared();
    let broker = Broker::shared();
    let prefix = engine.prefix("tail");
    let dir = tempfile::tempdir().unwrap();
    simulate_to(dir.path(), broker, "tail", "31", START, "50", "2");
    ingest_to_end(dir.path(), engine, &prefix, broker, "tail", &[]);
    let mut args = vec!["tail", "--store", "elasticsearch"];
    args.extend(es_flags(engine, &prefix));
    args.extend(["-n", "5", "--poll", "200ms", "--output", "json"]);
    let tail = spawn(dir.path(), "tail", &args);
    wait_until(60, "history is printed", || {
        output_of(dir.path(), "tail").0.lines().count() >= 5
    });
    let mut ingest = ingest_args(engine, &prefix, broker, "tail");
    ingest.extend(["--batch-events", "500", "--commit-interval", "100ms"]);
    let ingestor = spawn(dir.path(), "ingest", &ingest);
    // Backfilled: event times hours before the newest already printed.
    let hours_old = "2026-11-23T20:00:00Z";
    simulate_to(dir.path(), broker, "tail", "32", hours_old, "3000", "2");
    let now = logagg::event::Timestamp::now().to_rfc3339();
    simulate_to(dir.path(), broker, "tail", "33", &now, "1000", "2");
    wait_until(120, "every new event is printed", || {
        output_of(dir.path(), "tail").0.lines().count() >= 4005
    });
    std::thread::sleep(Duration::from_secs(2));
    interrupt(tail);
    interrupt(ingestor);
    let printed: Vec<String> = output_of(dir.path(), "tail")
        .0
        .lines()
        .map(str::to_string)
        .collect();
    let history = sorted_lines(&simulation(dir.path(), "31", START, "50"));
    let mut new = sorted_lines(&simulation(dir.path(), "32", hours_old, "3000"));
    new.extend(sorted_lines(&simulation(dir.path(), "33", &now, "1000")));
    new.sort();
    assert!(printed[..5].iter().all(|l| history.contains(l)));
    let mut after: Vec<String> = printed[5..].to_vec();
    after.sort();
    assert_eq!(after.len(), 4000, "every new event once");
    assert_eq!(after, new);
    let unique: BTreeSet<&String> = printed.iter().collect();
    assert_eq!(unique.len(), printed.len(), "nothing printed twice");
}

/// Where each event's time came from, and whether its line was read, are flags the engine
/// answers as the embedded store does (written only where they say something).
#[test]
fn time_from_and_unparsed_agree_with_the_embedded_store() {
    let engine = SearchEngine::shared();
    let prefix = engine.prefix("flags");
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    std::fs::create_dir(&logs).unwrap();
    std::fs::write(
        logs.join("syslog"),
        "Nov 24 13:00:00 web-1 sshd[812]: Accepted publickey for deploy\n\
         Nov 24 13:00:01 web-1 cron[7]: (root) CMD (run-parts)\n",
    )
    .unwrap();
    std::fs::write(
        logs.join("app.log"),
        "continued from a line cut off\n\
         2026-11-24 13:00:02,001 ERROR [main] boom\n\
         \tat a.b(C.java:1)\n\
         2026-11-24 13:00:03,001 INFO [main] fine\n",
    )
    .unwrap();
    std::fs::write(
        logs.join("clock.log"),
        "13:00:04.250 [main] WARN slow\n13:00:05.250 [main] INFO ok\n",
    )
    .unwrap();
    std::fs::write(logs.join("raw.txt"), "hello\nworld\n").unwrap();
    let files: Vec<String> = ["syslog", "app.log", "clock.log", "raw.txt"]
        .iter()
        .map(|f| logs.join(f).to_string_lossy().into_owned())
        .collect();
    let mut ship = vec!["ship"];
    ship.extend(files.iter().map(String::as_str));
    logagg(dir.path()).args(&ship).assert().success();
    ship.extend(["--to", "elasticsearch"]);
    ship.extend(es_flags(engine, &prefix));
    logagg(dir.path()).args(&ship).assert().success();
    let embedded = |args: &[&str]| {
        String::from_utf8(logagg(dir.path()).args(args).output().unwrap().stdout).unwrap()
    };
    let es = |args: &[&str]| on_engine(dir.path(), engine, &prefix, args);
    assert_eq!(es(&["query", "*", "--count"]).trim(), "9");
    for (query, expected) in [
        ("time_from:line", "2"),
        ("-time_from:line", "7"),
        ("time_from:year_assumed", "2"),
        ("time_from:date_assumed", "2"),
        ("time_from:received", "3"),
        ("time_from:*assumed", "4"),
        ("unparsed:true", "3"),
        ("unparsed:false AND NOT time_from:line", "4"),
        ("time_from:(line OR received) AND level:>=info", "5"),
    ] {
        assert_eq!(
            embedded(&["query", query, "--count"]).trim(),
            expected,
            "{query}"
        );
        assert_eq!(
            es(&["query", query, "--count"]).trim(),
            expected,
            "{query} on the engine"
        );
    }
    let by = ["query", "*", "--count-by", "time_from", "--output", "json"];
    assert_eq!(es(&by), embedded(&by));
    // Each shipped event names its file on the engine too.
    let by_file = [
        "query",
        "*",
        "--count-by",
        "log.file.path",
        "--output",
        "json",
    ];
    assert_eq!(es(&by_file), embedded(&by_file));
    assert!(es(&by_file).contains("clock.log"), "{}", es(&by_file));
    let listed = ["query", "time_from:received", "--output", "json", "--asc"];
    assert_eq!(sorted_lines(&es(&listed)).len(), 3);
    assert!(es(&listed).contains("\"time_from\":\"received\""));
}

/// Flags reaching the engine through the TLS proxy, trusting its CA, as the proxy's user
/// (the password goes in the environment).
fn through_proxy(proxy: &TlsProxy, prefix: &str) -> Vec<String> {
    [
        "--es-url",
        &proxy.url,
        "--es-index-prefix",
        prefix,
        "--es-ca-cert",
        &proxy.tls.join("ca.pem").display().to_string(),
        "--es-user",
        proxy_user().0,
    ]
    .map(str::to_string)
    .to_vec()
}

fn proxy_user() -> (&'static str, &'static str) {
    common::tls_proxy::USER
}

#[test]
fn ingest_query_tail_and_retention_through_a_tls_proxy_with_auth() {
    let engine = SearchEngine::shared();
    let proxy = TlsProxy::shared(&engine.url);
    let broker = Broker::shared();
    let dir = tempfile::tempdir().unwrap();
    let prefix = engine.prefix("proxied");
    simulate_to(dir.path(), broker, "proxied", "21", START, "400", "2");
    let flags = through_proxy(proxy, &prefix);
    let ingest = logagg(dir.path())
        .args([
            "ingest",
            "--to",
            "elasticsearch",
            "--brokers",
            &broker.address,
        ])
        .args([
            "--topic",
            "proxied",
            "--exit-at-end",
            "--commit-interval",
            "200ms",
        ])
        .args(&flags)
        .env("LOGAGG_ES_PASSWORD", proxy_user().1)
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&ingest.stderr);
    assert!(ingest.status.success(), "ingest through the proxy: {said}");
    assert!(!said.contains(proxy_user().1), "{said}");
    assert_eq!(engine.count(&prefix), 400);
    let count = stdout_of(
        logagg(dir.path())
            .args(["query", "--count", "--store", "elasticsearch"])
            .args(&flags)
            .env("LOGAGG_ES_PASSWORD", proxy_user().1),
    );
    assert_eq!(count.trim(), "400");
    let count = stdout_of(
        logagg(dir.path())
            .args(["query", "--count", "-o", "json", "--store", "elasticsearch"])
            .args(&flags)
            .env("LOGAGG_ES_PASSWORD", proxy_user().1),
    );
    assert_eq!(count.trim(), "{\"count\":400}");
    // The store's warnings on a cluster too: a key no index maps, text compared with numbers.
    let warned = logagg(dir.path())
        .args(["query", "servce:auth OR latency_ms:>abc", "--count"])
        .args(["--store", "elasticsearch"])
        .args(&flags)
        .env("LOGAGG_ES_PASSWORD", proxy_user().1)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&warned.stderr);
    assert!(
        said.contains("warning: no stored event has a field 'servce'")
            && said.contains("warning: 'latency_ms' holds numbers"),
        "{said}"
    );
    let retention = logagg(dir.path())
        .args([
            "retention",
            "--store",
            "elasticsearch",
            "--keep",
            "3650d",
            "--dry-run",
        ])
        .args(&flags)
        .env("LOGAGG_ES_PASSWORD", proxy_user().1)
        .output()
        .unwrap();
    assert!(
        retention.status.success(),
        "retention through the proxy: {}",
        String::from_utf8_lossy(&retention.stderr)
    );
    // tail: the newest lines, then following; the password from a profile this time.
    let config = dir.path().join("config/logagg");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        config.join("config.toml"),
        format!("[profiles.local]\nes_password = \"{}\"\n", proxy_user().1),
    )
    .unwrap();
    let mut tail_args = vec!["tail", "--store", "elasticsearch", "-n", "5", "-o", "json"];
    tail_args.extend(flags.iter().map(String::as_str));
    let tail = spawn(dir.path(), "tail", &tail_args);
    wait_until(60, "tail printed the newest events", || {
        output_of(dir.path(), "tail").0.lines().count() >= 5
    });
    interrupt(tail);
    let (out, err) = output_of(dir.path(), "tail");
    assert_eq!(out.lines().count(), 5, "{err}");
}

#[test]
fn a_proxy_certificate_not_trusted_is_one_clear_error() {
    let engine = SearchEngine::shared();
    let proxy = TlsProxy::shared(&engine.url);
    let dir = tempfile::tempdir().unwrap();
    let prefix = engine.prefix("untrusted");
    let mut flags = through_proxy(proxy, &prefix);
    let at = flags.iter().position(|f| f == "--es-ca-cert").unwrap();
    flags.drain(at..at + 2);
    let said = common::error_of(
        logagg(dir.path())
            .args(["query", "--count", "--store", "elasticsearch"])
            .args(&flags)
            .env("LOGAGG_ES_PASSWORD", proxy_user().1),
    );
    assert_eq!(said.trim().lines().count(), 1, "{said}");
    assert!(
        said.contains("certificate") && said.contains("--es-ca-cert"),
        "{said}"
    );
}

#[test]
fn a_wrong_password_is_one_clear_error_and_nothing_is_dead_lettered() {
    let engine = SearchEngine::shared();
    let proxy = TlsProxy::shared(&engine.url);
    let broker = Broker::shared();
    let dir = tempfile::tempdir().unwrap();
    let prefix = engine.prefix("refused");
    simulate_to(dir.path(), broker, "refused-es", "22", START, "50", "1");
    let flags = through_proxy(proxy, &prefix);
    let said = common::error_of(
        logagg(dir.path())
            .args(["query", "--count", "--store", "elasticsearch"])
            .args(&flags)
            .env("LOGAGG_ES_PASSWORD", "not-it"),
    );
    assert!(
        said.contains("HTTP 401") && said.contains("LOGAGG_ES_PASSWORD"),
        "{said}"
    );
    assert_eq!(said.trim().lines().count(), 1, "{said}");
    assert!(!said.contains("not-it"), "{said}");
    let ingest = logagg(dir.path())
        .args([
            "ingest",
            "--to",
            "elasticsearch",
            "--brokers",
            &broker.address,
        ])
        .args(["--topic", "refused-es", "--exit-at-end"])
        .args(&flags)
        .env("LOGAGG_ES_PASSWORD", "not-it")
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&ingest.stderr);
    assert_eq!(ingest.status.code(), Some(2), "{said}");
    assert!(said.contains("credentials are not accepted"), "{said}");
    assert!(!said.contains("not-it"), "{said}");
    let dead = logagg(dir.path())
        .args([
            "dlq",
            "list",
            "--brokers",
            &broker.address,
            "--topic",
            "refused-es",
        ])
        .output()
        .unwrap();
    assert_eq!(
        dead.status.code(),
        Some(1),
        "no dead letters: {}",
        String::from_utf8_lossy(&dead.stdout)
    );
}

#[test]
fn an_api_key_goes_through_the_proxy() {
    let engine = SearchEngine::shared();
    let proxy = TlsProxy::shared(&engine.url);
    let dir = tempfile::tempdir().unwrap();
    let prefix = engine.prefix("api-key");
    let mut flags = through_proxy(proxy, &prefix);
    flags.truncate(flags.len() - 2);
    let out = logagg(dir.path())
        .args(["query", "--count", "--store", "elasticsearch"])
        .args(&flags)
        .env("LOGAGG_ES_API_KEY", common::tls_proxy::API_KEY)
        .output()
        .unwrap();
    assert!(
        out.status.code().is_some_and(|c| c < 2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "0");
}

/// Two deployments whose prefixes start alike (`p` and `p-app`): each installs its
/// template and reads its own indices only.
#[test]
fn a_prefix_that_starts_another_keeps_its_own_indices() {
    let engine = SearchEngine::shared();
    let dir = tempfile::tempdir().unwrap();
    let short = engine.prefix("nest");
    let long = format!("{short}-app");
    for (prefix, lines) in [(&short, 30), (&long, 20)] {
        let file = dir.path().join(format!("{lines}.log"));
        let text: String = (0..lines)
            .map(|i| format!("2026-11-24T10:00:{i:02}Z INFO line {i} of {prefix}\n"))
            .collect();
        std::fs::write(&file, text).unwrap();
        stdout_of(
            logagg(dir.path())
                .args(["ship", file.to_str().unwrap(), "--to", "elasticsearch"])
                .args(es_flags(engine, prefix)),
        );
    }
    for (prefix, expected) in [(&short, "30"), (&long, "20")] {
        let count = on_engine(dir.path(), engine, prefix, &["query", "*", "--count"]);
        assert_eq!(count.trim(), expected, "{prefix}");
        let fields = on_engine(dir.path(), engine, prefix, &["fields", "-o", "json"]);
        assert!(fields.contains("log.file.path"), "{fields}");
    }
}
