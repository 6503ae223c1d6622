//! Kafka as real Kafka defines it: where a topic ends (while producers keep writing, after
//! transactions), and a broker stopped and started again on the same data directory in
//! the middle of producing and of ingesting.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::kafka::{
    assert_store_holds_simulation, ingest, ingest_with, interrupt, output_of, simulate_to,
    spawn_ingest, spawn_paced_simulation, stored_count, wait_until, Broker, START,
};
use common::{logagg, stdout_of};
use rdkafka::producer::{BaseRecord, DefaultProducerContext, Producer, ThreadedProducer};
use std::time::Duration;

#[test]
fn exit_at_end_ends_while_a_producer_keeps_writing() {
    let broker = Broker::shared();
    let dir = tempfile::tempdir().unwrap();
    let producer = spawn_paced_simulation(dir.path(), broker, "busy", "70", "100000000", "3000");
    wait_until(60, "the producer has written", || {
        common::kafka::topic_end(broker, "busy") > 3000
    });
    let at_start = common::kafka::topic_end(broker, "busy") as u64;
    ingest(dir.path(), broker, "busy");
    let stored = stored_count(dir.path());
    assert!(
        stored >= at_start,
        "everything written before ingest started is stored ({stored} < {at_start})"
    );
    // The dead-letter tools are bounded the same way.
    let letters = common::kafka::Reaped(
        std::process::Command::new(assert_cmd::cargo::cargo_bin("logagg"))
            .args([
                "dlq",
                "list",
                "--brokers",
                &broker.address,
                "--topic",
                "busy",
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut letters = letters;
    let status = letters.0.wait().unwrap();
    assert_eq!(status.code(), Some(1), "no dead letters, and it ended");
    drop(producer);
}

fn transactional_producer(broker: &Broker, id: &str) -> ThreadedProducer<DefaultProducerContext> {
    let producer: ThreadedProducer<DefaultProducerContext> = rdkafka::ClientConfig::new()
        .set("bootstrap.servers", &broker.address)
        .set("transactional.id", id)
        .create()
        .unwrap();
    producer.init_transactions(Duration::from_secs(30)).unwrap();
    producer
}

fn event(n: u32) -> String {
    format!(
        "{{\"@timestamp\":\"2026-11-24T10:00:{:02}.{:03}Z\",\"service\":\"tx\",\"message\":\"event {n}\"}}",
        n / 1000 % 60,
        n % 1000
    )
}

#[test]
fn a_topic_written_in_transactions_ends_and_keeps_only_committed_events() {
    let broker = Broker::shared();
    let dir = tempfile::tempdir().unwrap();
    common::kafka::create_topic(broker, "transactional", 1);
    let producer = transactional_producer(broker, "logagg-test-tx");
    let send_all = |range: std::ops::Range<u32>, commit: bool| {
        producer.begin_transaction().unwrap();
        for n in range {
            let payload = event(n);
            producer
                .send(BaseRecord::to("transactional").key("k").payload(&payload))
                .map_err(|(e, _)| e)
                .unwrap();
        }
        if commit {
            producer
                .commit_transaction(Duration::from_secs(30))
                .unwrap();
        } else {
            producer.abort_transaction(Duration::from_secs(30)).unwrap();
        }
    };
    send_all(0..100, true);
    send_all(100..150, false);
    // The topic's last offset is now a commit marker, which no message reports.
    send_all(150..160, true);
    ingest_with(dir.path(), broker, "transactional", &[]);
    let stored = stdout_of(
        logagg(dir.path()).args(["query", "*", "--limit", "0", "--asc", "--output", "raw"]),
    );
    let expected: Vec<String> = (0..100)
        .chain(150..160)
        .map(|n| format!("event {n}"))
        .collect();
    assert_eq!(stored.lines().collect::<Vec<_>>(), expected);
    // Again from the stored positions: nothing new, and it still ends.
    ingest_with(dir.path(), broker, "transactional", &[]);
    assert_eq!(stored_count(dir.path()), 110);
}

#[test]
fn a_broker_restarted_mid_produce_loses_and_duplicates_nothing() {
    let broker = Broker::start();
    let dir = tempfile::tempdir().unwrap();
    let producer = spawn_paced_simulation(dir.path(), &broker, "restarted", "8", "15000", "3000");
    std::thread::sleep(Duration::from_millis(1500));
    broker.stop();
    std::thread::sleep(Duration::from_secs(2));
    broker.restart();
    let mut producer = producer;
    let status = producer.0.wait().unwrap();
    assert!(status.success(), "{:?}", output_of(dir.path(), "simulate"));
    ingest(dir.path(), &broker, "restarted");
    // A paced simulation dates its events from the first send, so compare counts: the
    // producer sent exactly 15,000, and the idempotent producer's retries add none.
    let stored =
        stdout_of(logagg(dir.path()).args(["query", "*", "--limit", "0", "--output", "json"]));
    let unique: std::collections::BTreeSet<&str> = stored.lines().collect();
    assert_eq!(stored.lines().count(), 15000);
    assert_eq!(unique.len(), 15000, "an event was stored twice");
}

#[test]
fn a_broker_restarted_mid_ingest_loses_and_duplicates_nothing() {
    let broker = Broker::start();
    let dir = tempfile::tempdir().unwrap();
    simulate_to(dir.path(), &broker, "reingest", "9", START, "40000", "3");
    let ingestor = spawn_ingest(dir.path(), &broker, "reingest", &["--batch-events", "2000"]);
    wait_until(60, "part is stored", || stored_count(dir.path()) > 1000);
    broker.crash();
    std::thread::sleep(Duration::from_secs(2));
    broker.restart();
    wait_until(120, "every event is stored", || {
        stored_count(dir.path()) >= 40000
    });
    std::thread::sleep(Duration::from_millis(500));
    interrupt(ingestor);
    assert_store_holds_simulation(dir.path(), "9", "40000");
}

#[test]
fn dead_letter_tools_end_at_the_letters_present_when_they_start() {
    use rdkafka::message::{Header, OwnedHeaders};
    use rdkafka::producer::BaseProducer;
    use std::sync::atomic::{AtomicBool, Ordering};
    let broker = Broker::shared();
    common::kafka::create_topic(broker, "lettered", 1);
    common::kafka::create_topic(broker, "lettered.dlq", 1);
    let producer: BaseProducer = rdkafka::ClientConfig::new()
        .set("bootstrap.servers", &broker.address)
        .create()
        .unwrap();
    let letter = |n: u64| {
        let payload = event(n as u32);
        let headers = OwnedHeaders::new()
            .insert(Header {
                key: "logagg-reason",
                value: Some("too large"),
            })
            .insert(Header {
                key: "logagg-source",
                value: Some(format!("lettered/0@{n}").as_str()),
            })
            .insert(Header {
                key: "logagg-rejected-at",
                value: Some("2026-11-26T00:00:00Z"),
            });
        producer
            .send(
                BaseRecord::to("lettered.dlq")
                    .key("k")
                    .payload(&payload)
                    .headers(headers),
            )
            .map_err(|(e, _)| e)
            .unwrap();
        producer.poll(Duration::ZERO);
    };
    for n in 0..50 {
        letter(n);
    }
    producer.flush(Duration::from_secs(30)).unwrap();
    // A writer that keeps adding letters while the tools run.
    let writing = AtomicBool::new(true);
    std::thread::scope(|scope| {
        scope.spawn(|| {
            let mut n = 50;
            while writing.load(Ordering::Relaxed) {
                letter(n);
                n += 1;
                std::thread::sleep(Duration::from_millis(2));
            }
            producer.flush(Duration::from_secs(30)).unwrap();
        });
        std::thread::sleep(Duration::from_millis(300));
        let dir = tempfile::tempdir().unwrap();
        let listed = stdout_of(
            logagg(dir.path())
                .args([
                    "dlq",
                    "list",
                    "--brokers",
                    &broker.address,
                    "--topic",
                    "lettered",
                ])
                .args(["--output", "json"])
                .timeout(Duration::from_secs(60)),
        );
        let replayed = logagg(dir.path())
            .args([
                "dlq",
                "replay",
                "--brokers",
                &broker.address,
                "--topic",
                "lettered",
            ])
            .timeout(Duration::from_secs(60))
            .assert()
            .success()
            .get_output()
            .stderr
            .clone();
        writing.store(false, Ordering::Relaxed);
        let listed = listed.lines().count();
        assert!(
            listed >= 50,
            "the letters present at start are listed: {listed}"
        );
        let replayed = String::from_utf8(replayed).unwrap();
        let sent: usize = replayed
            .split("replayed ")
            .nth(1)
            .and_then(|r| r.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{replayed}"));
        assert!(sent >= 50, "{replayed}");
        // Both ended although letters kept arriving: each read up to the end it saw at start.
        let end = common::kafka::topic_end(broker, "lettered.dlq") as usize;
        assert!(
            sent < end,
            "replay stopped at its start ({sent} replayed, {end} letters by now)"
        );
    });
}
