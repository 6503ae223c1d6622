//! The Kafka pipeline against a real Apache Kafka broker (started here on a free
//! loopback port; `./scripts/test` installs it when missing).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::kafka::{
    assert_store_holds_simulation, create_topic, http_get, ingest, interrupt, output_of, produce,
    spawn, spawn_paced_simulation, wait_until, Broker, Reaped,
};
use common::{error_of, logagg, stdout_of};
use std::net::TcpListener;
use std::process::Stdio;
use std::time::{Duration, Instant};

#[test]
fn simulate_to_kafka_then_ingest_stores_exactly_the_simulated_events() {
    let broker = Broker::start();
    let dir = tempfile::tempdir().unwrap();
    produce(dir.path(), &broker, "logs", "21", "20000");
    ingest(dir.path(), &broker, "logs");
    assert_store_holds_simulation(dir.path(), "21", "20000");

    // Ingesting again stores nothing twice; new messages are picked up where the store left off.
    ingest(dir.path(), &broker, "logs");
    assert_eq!(
        stdout_of(logagg(dir.path()).args(["query", "--count"])).trim(),
        "20000"
    );
    produce(dir.path(), &broker, "logs", "22", "5000");
    ingest(dir.path(), &broker, "logs");
    assert_eq!(
        stdout_of(logagg(dir.path()).args(["query", "--count"])).trim(),
        "25000"
    );
}

#[test]
fn a_missing_topic_and_an_unreachable_broker_are_clear_errors() {
    let broker = Broker::start();
    let dir = tempfile::tempdir().unwrap();
    let out = logagg(dir.path())
        .args([
            "simulate",
            "--to",
            "kafka",
            "--brokers",
            &broker.address,
            "--topic",
            "nope",
            "--count",
            "10",
        ])
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8(out).unwrap();
    assert!(
        err.contains("topic 'nope' does not exist") && err.contains("--create-topic"),
        "{err}"
    );

    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let started = Instant::now();
    let out = logagg(dir.path())
        .args([
            "simulate",
            "--to",
            "kafka",
            "--brokers",
            &format!("127.0.0.1:{port}"),
            "--count",
            "10",
        ])
        .timeout(Duration::from_secs(60))
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8(out).unwrap();
    assert!(err.contains("cannot reach Kafka at 127.0.0.1:"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(30));

    // An ingest that cannot reach its broker leaves no (empty) store behind, so a query
    // says there is no store rather than "nothing matched".
    let fresh = tempfile::tempdir().unwrap();
    let store = fresh.path().join("store");
    let err = error_of(
        logagg(&store)
            .args([
                "ingest",
                "--brokers",
                &format!("127.0.0.1:{port}"),
                "--topic",
                "logs",
            ])
            .args(["--exit-at-end"])
            .timeout(Duration::from_secs(60)),
    );
    assert!(err.contains("cannot reach Kafka at 127.0.0.1:"), "{err}");
    assert!(
        !store.exists() || std::fs::read_dir(&store).unwrap().next().is_none(),
        "ingest created a store it never wrote to"
    );
    let err = error_of(logagg(&store).args(["query", "*"]));
    assert!(err.contains("no store"), "{err}");
}

#[test]
fn an_embedded_ingest_never_moves_the_elasticsearch_groups_offsets() {
    use rdkafka::consumer::{BaseConsumer, Consumer};
    use rdkafka::{Offset, TopicPartitionList};
    let broker = Broker::shared();
    let dir = tempfile::tempdir().unwrap();
    produce(dir.path(), broker, "groups", "6", "300");
    ingest(dir.path(), broker, "groups");
    let committed = |group: &str| -> Vec<Offset> {
        let consumer: BaseConsumer = rdkafka::ClientConfig::new()
            .set("bootstrap.servers", &broker.address)
            .set("group.id", group)
            .create()
            .unwrap();
        let mut asked = TopicPartitionList::new();
        for p in 0..3 {
            asked.add_partition("groups", p);
        }
        consumer
            .committed_offsets(asked, Duration::from_secs(10))
            .unwrap()
            .elements()
            .iter()
            .map(|e| e.offset())
            .collect()
    };
    assert!(
        committed("logagg-ingest")
            .iter()
            .all(|o| !matches!(o, Offset::Offset(_))),
        "the Elasticsearch path's checkpoint group was written by an embedded ingest"
    );
    let own: i64 = committed("logagg-ingest-embedded")
        .iter()
        .map(|o| match o {
            Offset::Offset(n) => *n,
            _ => 0,
        })
        .sum();
    assert_eq!(
        own, 300,
        "the embedded ingest shows its lag in a group of its own"
    );
}

#[test]
fn non_json_messages_are_kept_as_flagged_raw_events() {
    use rdkafka::producer::{BaseProducer, BaseRecord, Producer};
    let broker = Broker::start();
    let dir = tempfile::tempdir().unwrap();
    produce(dir.path(), &broker, "mixed", "1", "10");
    let producer: BaseProducer = rdkafka::ClientConfig::new()
        .set("bootstrap.servers", &broker.address)
        .create()
        .unwrap();
    let payloads: [&[u8]; 4] = [
        b"plain ERROR line",
        b"{\"truncated\": ",
        b"bad \xff utf8",
        b"",
    ];
    for payload in payloads {
        producer
            .send(BaseRecord::<(), [u8]>::to("mixed").payload(payload))
            .unwrap();
    }
    producer.flush(Duration::from_secs(30)).unwrap();
    ingest(dir.path(), &broker, "mixed");
    assert_eq!(
        stdout_of(logagg(dir.path()).args(["query", "--count"])).trim(),
        "14"
    );
    let errors = stdout_of(logagg(dir.path()).args(["query", "plain", "--output", "json"]));
    assert!(
        errors.contains("\"level\":\"error\"") && errors.contains("\"unparsed\":true"),
        "{errors}"
    );
}

#[test]
fn ship_sends_real_lines_with_context_and_joined_stack_traces() {
    let broker = Broker::start();
    let dir = tempfile::tempdir().unwrap();
    let mut input: Vec<u8> = Vec::new();
    input.extend_from_slice(
        b"{\"level\":\"warn\",\"message\":\"json line\",\"service\":\"web\",\"x\":1}\n",
    );
    input.extend_from_slice(b"2026-11-24 13:00:00,250 ERROR db timeout\r\n\tat com.shop.Repo.save(Repo.java:88)\n\tat com.shop.Api.call(Api.java:12)\n");
    input.extend_from_slice(b"2026-11-24 13:00:01 INFO caf\xe9 closed");
    logagg(dir.path())
        .args([
            "ship",
            "--to",
            "kafka",
            "--brokers",
            &broker.address,
            "--topic",
            "shipped",
            "--create-topic",
            "--service",
            "api",
            "--host",
            "box-1",
        ])
        .args(["--field", "env=prod", "--multiline", r"^(\{|\d{4}-)"])
        .write_stdin(input)
        .assert()
        .success();
    ingest(dir.path(), &broker, "shipped");
    let all = stdout_of(
        logagg(dir.path()).args(["query", "*", "--limit", "0", "--asc", "--output", "json"]),
    );
    let events: Vec<serde_json::Value> = all
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(events.len(), 3, "{all}");
    let json = events.iter().find(|e| e["service"] == "web").unwrap();
    assert_eq!(
        (
            json["level"].as_str(),
            json["fields"]["x"].as_i64(),
            json["fields"]["env"].as_str()
        ),
        (Some("warn"), Some(1), Some("prod"))
    );
    assert_eq!(json["host"], "box-1");
    let error = events.iter().find(|e| e["level"] == "error").unwrap();
    assert_eq!(error["service"], "api");
    // The lines' format was detected (a time, then a level), so the line is read, not flagged.
    assert!(error.get("unparsed").is_none(), "{error}");
    assert_eq!(error["@timestamp"], "2026-11-24T13:00:00.250Z");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .ends_with("\tat com.shop.Api.call(Api.java:12)"),
        "{error}"
    );
    let info = events.iter().find(|e| e["level"] == "info").unwrap();
    assert!(info["message"]
        .as_str()
        .unwrap()
        .contains("caf\u{FFFD} closed"));
    assert!(info["fields"]["decode_error"].is_string());
}

#[test]
fn an_ingestor_killed_with_sigkill_ends_with_every_message_once() {
    let broker = Broker::start();
    let dir = tempfile::tempdir().unwrap();
    produce(dir.path(), &broker, "killed", "31", "60000");
    let binary = assert_cmd::cargo::cargo_bin("logagg");
    for round in 0..3u64 {
        let mut child = std::process::Command::new(&binary)
            .arg("--data-dir")
            .arg(dir.path())
            .args([
                "ingest",
                "--brokers",
                &broker.address,
                "--topic",
                "killed",
                "--commit-interval",
                "100ms",
            ])
            .env("XDG_CONFIG_HOME", dir.path().join("config"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(600 + round * 200));
        child.kill().unwrap();
        child.wait().unwrap();
    }
    ingest(dir.path(), &broker, "killed");
    assert_store_holds_simulation(dir.path(), "31", "60000");
}

#[test]
fn ingest_serves_prometheus_metrics_and_stops_cleanly_on_sigint() {
    let broker = Broker::start();
    let dir = tempfile::tempdir().unwrap();
    produce(dir.path(), &broker, "metered", "5", "3000");
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let mut child = Reaped(
        std::process::Command::new(assert_cmd::cargo::cargo_bin("logagg"))
            .arg("--data-dir")
            .arg(dir.path())
            .args([
                "ingest",
                "--brokers",
                &broker.address,
                "--topic",
                "metered",
                "--commit-interval",
                "100ms",
                "--metrics-addr",
                &addr,
            ])
            .env("XDG_CONFIG_HOME", dir.path().join("config"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    let text = loop {
        if let Some(text) = http_get(&addr, "/metrics") {
            if text.contains("logagg_ingest_events_out_total 3000")
                && text.contains("logagg_ingest_consumer_lag{")
            {
                break text;
            }
        }
        assert!(
            Instant::now() < deadline,
            "metrics never showed 3000 stored events"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    for name in [
        "logagg_ingest_events_in_total 3000",
        "logagg_ingest_bytes_in_total",
        "logagg_ingest_commit_duration_seconds_count",
        "logagg_ingest_consumer_lag{topic=\"metered\",partition=",
        "logagg_ingest_retries_total 0",
        "logagg_ingest_dead_letters_total 0",
        "logagg_ingest_events_by_service_level_total{service=\"api-gateway\",level=\"info\"}",
    ] {
        assert!(text.contains(name), "{name} missing from:\n{text}");
    }
    let _ = std::process::Command::new("kill")
        .arg("-INT")
        .arg(child.0.id().to_string())
        .status();
    let status = child.0.wait().unwrap();
    assert!(status.success(), "{status:?}");
    assert_eq!(
        stdout_of(logagg(dir.path()).args(["query", "--count"])).trim(),
        "3000"
    );
}

#[test]
fn a_member_handing_partitions_to_a_new_one_commits_what_it_read_first() {
    // Into standard output nothing is deduplicated: a partition moved to a new member
    // before the old one committed what it had printed would be printed twice.
    let broker = Broker::start();
    let dir = tempfile::tempdir().unwrap();
    create_topic(&broker, "handover", 3);
    let reader = |group: &'static str| {
        [
            "ingest",
            "--to",
            "stdout",
            "--brokers",
            broker.address.as_str(),
            "--topic",
            "handover",
            "--group",
            group,
        ]
    };
    let mut member = reader("pair").to_vec();
    // Long enough that a member always holds records it has not committed.
    member.extend(["--commit-interval", "1s"]);
    let first = spawn(dir.path(), "a", &member);
    // The first member is started before the events are: a slow group join would
    // otherwise meet a backlog it reads at once, leaving the second nothing to take over.
    // Eight seconds of events at 7,500 a second leave room for a slow machine.
    let simulation = spawn_paced_simulation(dir.path(), &broker, "handover", "8", "60000", "7500");
    wait_until(60, "the first member prints events", || {
        output_of(dir.path(), "a").0.lines().count() > 1000
    });
    assert!(
        output_of(dir.path(), "a").0.lines().count() < 30000,
        "the second member would join too late to take anything over"
    );
    let second = spawn(dir.path(), "b", &member);
    let mut simulation = simulation;
    assert!(simulation.0.wait().unwrap().success());
    let printed = || {
        output_of(dir.path(), "a").0.lines().count() + output_of(dir.path(), "b").0.lines().count()
    };
    wait_until(120, "every event is printed", || printed() >= 60000);
    std::thread::sleep(Duration::from_secs(2));
    interrupt(first);
    interrupt(second);
    let (a, b) = (output_of(dir.path(), "a").0, output_of(dir.path(), "b").0);
    assert!(
        !b.is_empty(),
        "the second member never got a partition: {}",
        output_of(dir.path(), "b").1
    );
    let mut union: Vec<&str> = a.lines().chain(b.lines()).collect();
    union.sort_unstable();
    // Everything in the topic, read again by a reader of its own.
    let all = stdout_of(
        logagg(dir.path())
            .args(reader("auditor"))
            .arg("--exit-at-end"),
    );
    let mut expected: Vec<&str> = all.lines().collect();
    expected.sort_unstable();
    assert_eq!(expected.len(), 60000);
    assert!(
        union == expected,
        "the two members printed {} events for the topic's {} (some twice or never)",
        union.len(),
        expected.len()
    );
}
