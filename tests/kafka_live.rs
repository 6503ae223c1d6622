//! Live paths over a real Kafka-protocol broker: `ship --follow` across rotation and
//! restarts, `tail --source kafka` (alone and handing off from the store), dead letters,
//! a broker outage mid-stream, and a 10 MB message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::kafka::{
    ingest, ingest_with, interrupt, output_of, simulate_to, simulation, spawn, spawn_ingest,
    stored_count, wait_until, Broker, START,
};
use common::{logagg, stdout_of};
use std::collections::BTreeMap;
use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::time::Duration;

fn append_lines(path: &Path, lines: std::ops::Range<u32>) {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .unwrap();
    for n in lines {
        writeln!(file, "2026-11-24 10:00:00 INFO line {n:05} of the app").unwrap();
    }
}

/// Waits until the ship checkpoint says `path` (as it is now) was shipped to its end.
fn wait_shipped(checkpoint: &Path, path: &Path) {
    wait_until(60, &format!("{} is shipped", path.display()), || {
        let Ok(text) = std::fs::read_to_string(checkpoint) else {
            return false;
        };
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        let meta = std::fs::metadata(path).unwrap();
        let entry = &json["files"][path.to_str().unwrap()];
        entry["identity"]["inode"].as_u64() == Some(meta.ino())
            && entry["offset"].as_u64() == Some(meta.len())
    });
}

#[test]
fn ship_follow_survives_rotation_and_restarts_without_loss_or_repeat() {
    let broker = Broker::start();
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    std::fs::create_dir(&logs).unwrap();
    let app = logs.join("app.log");
    let checkpoint = dir.path().join("ship-checkpoint.json");
    let ship_args = [
        "ship",
        app.to_str().unwrap(),
        "--follow",
        "--to",
        "kafka",
        "--brokers",
        &broker.address,
        "--topic",
        "followed",
        "--create-topic",
        "--service",
        "app",
        "--checkpoint",
        checkpoint.to_str().unwrap(),
        "--poll",
        "20ms",
    ];
    append_lines(&app, 0..100);
    let ship = spawn(dir.path(), "ship1", &ship_args);
    wait_shipped(&checkpoint, &app);
    append_lines(&app, 100..200);
    wait_shipped(&checkpoint, &app);

    // Rename and create: the writer still finishes a few lines in the old file.
    std::fs::rename(&app, logs.join("app.log.1")).unwrap();
    append_lines(&logs.join("app.log.1"), 200..250);
    append_lines(&app, 250..300);
    wait_shipped(&checkpoint, &app);

    // copytruncate: the file is copied away and cut to zero in place.
    std::fs::copy(&app, logs.join("app.log.2")).unwrap();
    std::fs::File::create(&app).unwrap();
    append_lines(&app, 300..320);
    wait_shipped(&checkpoint, &app);
    interrupt(ship);

    // While nothing ships: more lines, and another rotation.
    append_lines(&app, 320..350);
    std::fs::rename(&app, logs.join("app.log.3")).unwrap();
    append_lines(&app, 350..400);
    let ship = spawn(dir.path(), "ship2", &ship_args);
    wait_shipped(&checkpoint, &app);
    interrupt(ship);
    let (_, said) = output_of(dir.path(), "ship2");
    assert!(said.contains("rotated to"), "{said}");

    ingest(dir.path(), &broker, "followed");
    let stored =
        stdout_of(logagg(dir.path()).args(["query", "*", "--limit", "0", "--output", "raw"]));
    let mut seen: BTreeMap<String, u32> = BTreeMap::new();
    for line in stored.lines() {
        *seen.entry(line.to_string()).or_default() += 1;
    }
    let repeated: Vec<_> = seen.iter().filter(|(_, &n)| n > 1).collect();
    assert!(repeated.is_empty(), "shipped twice: {repeated:?}");
    let expected: Vec<String> = (0..400)
        .map(|n| format!("2026-11-24 10:00:00 INFO line {n:05} of the app"))
        .collect();
    let missing: Vec<_> = expected.iter().filter(|l| !seen.contains_key(*l)).collect();
    assert!(missing.is_empty(), "lost: {missing:?}");
    assert_eq!(seen.len(), 400);
}

fn lines_of(text: &str) -> Vec<String> {
    text.lines().map(str::to_string).collect()
}

#[test]
fn tail_from_kafka_prints_every_new_message_once_in_time_order() {
    let broker = Broker::start();
    let dir = tempfile::tempdir().unwrap();
    let before_start = "2026-11-24T00:00:00Z";
    let after_start = "2026-11-25T00:00:00Z";
    simulate_to(dir.path(), &broker, "live", "1", before_start, "300", "1");
    let tail = spawn(
        dir.path(),
        "tail",
        &[
            "tail",
            "--source",
            "kafka",
            "--brokers",
            &broker.address,
            "--topic",
            "live",
            "-n",
            "0",
            "--output",
            "json",
        ],
    );
    wait_until(30, "tail follows", || {
        output_of(dir.path(), "tail").1.contains("following")
    });
    simulate_to(dir.path(), &broker, "live", "2", after_start, "2000", "1");
    wait_until(60, "tail printed the new events", || {
        output_of(dir.path(), "tail")
            .0
            .matches(after_start.get(..10).unwrap())
            .count()
            >= 2000
    });
    std::thread::sleep(Duration::from_millis(500));
    interrupt(tail);
    let printed = lines_of(&output_of(dir.path(), "tail").0);
    let new = lines_of(&simulation(dir.path(), "2", after_start, "2000"));
    let old = lines_of(&simulation(dir.path(), "1", before_start, "300"));
    let printed_new: Vec<&String> = printed.iter().filter(|l| new.contains(l)).collect();
    assert_eq!(printed_new.len(), 2000, "every new message exactly once");
    let mut sorted = printed_new.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), 2000, "no message twice");
    // Printed in the simulator's (time) order.
    assert!(printed_new.iter().zip(new.iter()).all(|(a, b)| *a == b));
    // A tail that starts at the end prints nothing produced before it started.
    assert_eq!(
        printed.len(),
        2000,
        "only the new messages: {:?}",
        &printed[..printed.len().min(3)]
    );
    assert!(
        !printed.iter().any(|l| old.contains(l)),
        "an old message was printed"
    );
}

#[test]
fn tail_with_history_hands_off_from_the_store_to_kafka_without_gap_or_repeat() {
    let broker = Broker::start();
    let dir = tempfile::tempdir().unwrap();
    simulate_to(dir.path(), &broker, "handoff", "3", START, "3000", "3");
    ingest(dir.path(), &broker, "handoff");
    // Produced after the store's last commit: only Kafka has these.
    simulate_to(
        dir.path(),
        &broker,
        "handoff",
        "4",
        "2026-11-25T00:00:00Z",
        "1000",
        "3",
    );
    let tail = spawn(
        dir.path(),
        "tail",
        &[
            "tail",
            "--source",
            "kafka",
            "--brokers",
            &broker.address,
            "--topic",
            "handoff",
            "-n",
            "5",
            "--output",
            "json",
        ],
    );
    wait_until(60, "tail printed history and live", || {
        output_of(dir.path(), "tail").0.lines().count() >= 1005
    });
    std::thread::sleep(Duration::from_millis(500));
    interrupt(tail);
    let printed = lines_of(&output_of(dir.path(), "tail").0);
    let mut history = lines_of(&stdout_of(
        logagg(dir.path()).args(["query", "*", "--limit", "5", "--output", "json"]),
    ));
    history.reverse();
    assert_eq!(printed[..5], history[..], "the last 5 stored events first");
    let mut live = printed[5..].to_vec();
    let mut expected = lines_of(&simulation(dir.path(), "4", "2026-11-25T00:00:00Z", "1000"));
    live.sort();
    expected.sort();
    assert!(
        live == expected,
        "live part: {} lines, expected the 1000 unstored ones",
        live.len()
    );
}

#[test]
fn rejected_events_go_to_the_dead_letter_topic_and_replay_brings_them_back() {
    use rdkafka::producer::{BaseProducer, BaseRecord, Producer};
    let broker = Broker::start();
    let dir = tempfile::tempdir().unwrap();
    simulate_to(dir.path(), &broker, "orders", "5", START, "50", "2");
    let producer: BaseProducer = rdkafka::ClientConfig::new()
        .set("bootstrap.servers", &broker.address)
        .set("message.max.bytes", "16777216")
        .create()
        .unwrap();
    let big = format!(
        "{{\"@timestamp\":\"2026-11-24T00:00:09Z\",\"level\":\"error\",\"service\":\"dump\",\"host\":\"h\",\"message\":\"heap {}\"}}",
        "x".repeat(2_000_000)
    );
    producer
        .send(BaseRecord::to("orders").key("dump").payload(big.as_bytes()))
        .unwrap();
    // A 10 MB event is within the default limit and is stored whole.
    let huge = format!(
        "{{\"@timestamp\":\"2026-11-24T00:00:10Z\",\"level\":\"info\",\"service\":\"huge\",\"host\":\"h\",\"message\":\"{}\"}}",
        "y".repeat(10_000_000)
    );
    producer
        .send(
            BaseRecord::to("orders")
                .key("huge")
                .payload(huge.as_bytes()),
        )
        .unwrap();
    producer.flush(Duration::from_secs(30)).unwrap();

    let done = ingest_with(
        dir.path(),
        &broker,
        "orders",
        &["--max-event-bytes", "12MB"],
    );
    let said = String::from_utf8_lossy(&done.get_output().stderr).into_owned();
    assert_eq!(stored_count(dir.path()), 52, "{said}");
    let huge_stored =
        stdout_of(logagg(dir.path()).args(["query", "service:huge", "--output", "raw"]));
    assert_eq!(huge_stored.trim_end().len(), 10_000_000);

    // Reject the 2 MB one now: a fresh store with a lower limit.
    let dir2 = tempfile::tempdir().unwrap();
    let done = ingest_with(
        dir2.path(),
        &broker,
        "orders",
        &["--max-event-bytes", "1MB"],
    );
    let said = String::from_utf8_lossy(&done.get_output().stderr).into_owned();
    assert!(
        said.contains("2 events were rejected") && said.contains("orders.dlq"),
        "{said}"
    );
    assert_eq!(stored_count(dir2.path()), 50);

    let listed = stdout_of(logagg(dir2.path()).args([
        "dlq",
        "list",
        "--brokers",
        &broker.address,
        "--topic",
        "orders",
        "--output",
        "json",
    ]));
    let letters: Vec<serde_json::Value> = listed
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(letters.len(), 2, "{listed}");
    assert!(
        letters[0]["reason"]
            .as_str()
            .unwrap()
            .contains("over the limit"),
        "{listed}"
    );
    assert!(
        letters[0]["source"]
            .as_str()
            .unwrap()
            .starts_with("orders/"),
        "{listed}"
    );
    assert_eq!(letters[0]["replayed"], false);

    // The cause is fixed (a higher limit); replay, then ingest again.
    for expected in ["replayed 2 dead letters", "replayed 0 dead letters"] {
        logagg(dir2.path())
            .args(["dlq", "replay", "--brokers", &broker.address])
            .args(["--topic", "orders"])
            .assert()
            .success()
            .stderr(predicates::str::contains(expected));
    }
    let listed = stdout_of(logagg(dir2.path()).args([
        "dlq",
        "list",
        "--brokers",
        &broker.address,
        "--topic",
        "orders",
        "--output",
        "json",
    ]));
    assert!(
        listed.lines().all(|l| l.contains("\"replayed\":true")),
        "{listed}"
    );
    ingest(dir2.path(), &broker, "orders");
    assert_eq!(stored_count(dir2.path()), 52);
    assert_eq!(
        stdout_of(logagg(dir2.path()).args(["query", "service:dump", "--count"])).trim(),
        "1"
    );
}

#[test]
fn a_broker_outage_mid_stream_loses_and_repeats_nothing() {
    let broker = Broker::start();
    let dir = tempfile::tempdir().unwrap();
    simulate_to(dir.path(), &broker, "outage", "7", START, "1", "2");
    let ingest = spawn_ingest(dir.path(), &broker, "outage", &[]);
    let producer = spawn(
        dir.path(),
        "simulate",
        &[
            "simulate",
            "--to",
            "kafka",
            "--brokers",
            &broker.address,
            "--topic",
            "outage",
            "--seed",
            "8",
            "--start",
            "2026-11-25T00:00:00Z",
            "--count",
            "20000",
            "--rate",
            "4000",
        ],
    );
    std::thread::sleep(Duration::from_millis(1500));
    broker.freeze(true);
    std::thread::sleep(Duration::from_secs(4));
    broker.freeze(false);
    let mut producer = producer;
    let status = producer.0.wait().unwrap();
    assert!(status.success(), "{:?}", output_of(dir.path(), "simulate"));
    wait_until(120, "the store holds every event", || {
        stored_count(dir.path()) >= 20001
    });
    std::thread::sleep(Duration::from_millis(500));
    interrupt(ingest);
    assert_eq!(stored_count(dir.path()), 20001);
    let stored = lines_of(&stdout_of(logagg(dir.path()).args([
        "query",
        "*",
        "--since",
        "2026-11-25T00:00:00Z",
        "--limit",
        "0",
        "--asc",
        "--output",
        "json",
    ])));
    let expected = lines_of(&stdout_of(logagg(dir.path()).args([
        "simulate",
        "--to",
        "stdout",
        "--seed",
        "8",
        "--start",
        "2026-11-25T00:00:00Z",
        "--count",
        "20000",
        "--rate",
        "4000",
    ])));
    assert_eq!(stored.len(), expected.len());
    assert!(
        stored == expected,
        "the store holds other events than were produced"
    );
}
