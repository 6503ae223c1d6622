//! A real three-node Kafka cluster (replication 3, `min.insync.replicas=2`) whose nodes are
//! killed and restarted one after another under the pipeline: producing rides through, and
//! ingesting, started while leaders are still moving, neither fails on errors Kafka calls
//! retriable nor loses or repeats a message, into each sink. One cluster per test binary.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::kafka::{interrupt, output_of, spawn, stored_count, wait_until, START};
use common::kafka_cluster;
use common::search_engine::SearchEngine;
use common::{logagg, stdout_of};
use logagg::backend::elasticsearch::document::from_source;
use std::collections::HashSet;
use std::time::Duration;

const EVENTS: &str = "120000";

#[test]
fn a_rolling_restart_loses_and_repeats_nothing() {
    // The search engine starts while the cluster does (both are JVMs taking their time).
    let engine = std::thread::spawn(SearchEngine::shared);
    let (cluster, _turn) = kafka_cluster::shared();
    cluster.create_topic("ha", 3);
    let brokers = cluster.bootstrap();
    let dir = tempfile::tempdir().unwrap();
    // Produced at a pace, so that the restarts happen while it runs.
    let producer = spawn(
        dir.path(),
        "simulate",
        &[
            "simulate",
            "--to",
            "kafka",
            "--brokers",
            &brokers,
            "--topic",
            "ha",
            "--seed",
            "31",
            "--start",
            START,
            "--count",
            EVENTS,
            "--rate",
            "12000",
        ],
    );
    let mut producer = producer;
    for node in 0..2 {
        std::thread::sleep(Duration::from_secs(2));
        cluster.crash(node);
        std::thread::sleep(Duration::from_secs(2));
        cluster.restart(node);
    }
    wait_until(180, "the producer is done", || {
        producer.0.try_wait().unwrap().is_some()
    });
    let status = producer.0.wait().unwrap();
    let (_, said) = output_of(dir.path(), "simulate");
    assert!(status.success(), "simulate failed: {said}");

    // Leaders move back to their preferred nodes after a restart: ingest now, at once,
    // into each kind of sink, each reading to the end it found.
    cluster.crash(2);
    let store = tempfile::tempdir().unwrap();
    ran_to_end(
        store.path(),
        &[
            "ingest",
            "--brokers",
            &brokers,
            "--topic",
            "ha",
            "--exit-at-end",
            "--commit-interval",
            "200ms",
        ],
        "ingest into the store",
    );
    cluster.restart(2);
    let printed = ran_to_end(
        dir.path(),
        &[
            "ingest",
            "--brokers",
            &brokers,
            "--topic",
            "ha",
            "--exit-at-end",
            "--to",
            "stdout",
            "--group",
            "cluster-test",
        ],
        "ingest to stdout",
    );

    // And into the search engine (group offsets committed after each bulk request), with
    // another node down.
    let engine = engine.join().unwrap();
    let prefix = engine.prefix("ha");
    cluster.crash(0);
    ran_to_end(
        dir.path(),
        &[
            "ingest",
            "--to",
            "elasticsearch",
            "--es-url",
            &engine.url,
            "--es-index-prefix",
            &prefix,
            "--brokers",
            &brokers,
            "--topic",
            "ha",
            "--exit-at-end",
            "--commit-interval",
            "200ms",
        ],
        "ingest into the search engine",
    );
    cluster.restart(0);
    let searched: Vec<String> = engine
        .documents(&prefix)
        .iter()
        .map(|(_, d)| from_source(d).to_json())
        .collect();

    // The same run to standard output (the same pace gives the same events).
    let expected = stdout_of(logagg(dir.path()).args([
        "simulate", "--to", "stdout", "--seed", "31", "--start", START, "--count", EVENTS,
        "--rate", "12000",
    ]));
    let expected: HashSet<&str> = expected.lines().collect();
    let stored = stdout_of(logagg(store.path()).args(["query", "*", "--limit", "0", "-o", "json"]));
    same_events("the store", &stored, &expected);
    same_events(
        "stdout",
        &String::from_utf8(printed.stdout).unwrap(),
        &expected,
    );
    same_events("the search engine", &searched.join("\n"), &expected);
}

/// Lines read from standard input by `ship`, produced while one node and then another
/// is killed and restarted: the topic holds each line once, a `tail` that followed the
/// topic through the restarts printed each once, and an ingest whose dead letters (lines
/// over its size limit) are written while a node is down keeps every line once between the
/// store and the dead-letter topic, which `dlq list` and `dlq replay` read with a node down.
#[test]
fn shipping_tailing_and_dead_letters_ride_through_node_restarts() {
    let (cluster, _turn) = kafka_cluster::shared();
    cluster.create_topic("shipped", 3);
    let brokers = cluster.bootstrap();
    let dir = tempfile::tempdir().unwrap();
    let tail = spawn(
        dir.path(),
        "tail",
        &[
            "tail",
            "--source",
            "kafka",
            "--brokers",
            &brokers,
            "--topic",
            "shipped",
            "-n",
            "0",
            "--output",
            "json",
        ],
    );
    wait_until(60, "tail follows the topic", || {
        output_of(dir.path(), "tail").1.contains("following")
    });
    // And an ingest into a store, running through the restarts.
    let running = tempfile::tempdir().unwrap();
    let ingesting = spawn(
        running.path(),
        "ingest",
        &[
            "ingest",
            "--brokers",
            &brokers,
            "--topic",
            "shipped",
            "--commit-interval",
            "200ms",
        ],
    );

    let mut ship = std::process::Command::new(assert_cmd::cargo::cargo_bin("logagg"))
        .args(["--data-dir"])
        .arg(dir.path())
        .args([
            "ship",
            "-",
            "--to",
            "kafka",
            "--brokers",
            &brokers,
            "--topic",
            "shipped",
        ])
        .args(["--service", "worker", "--host", "box"])
        .env("XDG_CONFIG_HOME", dir.path().join("config"))
        .env_remove("LOGAGG_BROKERS")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(dir.path().join("ship.err")).unwrap())
        .spawn()
        .unwrap();
    let mut input = ship.stdin.take().unwrap();
    // Lines flow until both restarts are over (and two seconds more); every hundredth is
    // over the ingest's size limit below.
    let restarted = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = std::thread::spawn({
        let restarted = restarted.clone();
        move || {
            use std::io::Write;
            let mut n = 0;
            let mut done_at = None;
            while done_at.is_none_or(|at: std::time::Instant| at.elapsed() < Duration::from_secs(2))
            {
                for _ in 0..200 {
                    let padding = if n % 100 == 0 {
                        "x".repeat(3000)
                    } else {
                        String::new()
                    };
                    writeln!(
                        input,
                        "2026-12-08T01:00:00.000Z INFO job={n} done {padding}"
                    )
                    .unwrap();
                    n += 1;
                }
                input.flush().unwrap();
                std::thread::sleep(Duration::from_millis(50));
                if done_at.is_none() && restarted.load(std::sync::atomic::Ordering::SeqCst) {
                    done_at = Some(std::time::Instant::now());
                }
            }
            n
        }
    });
    for node in 0..2 {
        std::thread::sleep(Duration::from_secs(2));
        cluster.crash(node);
        std::thread::sleep(Duration::from_secs(2));
        cluster.restart(node);
    }
    restarted.store(true, std::sync::atomic::Ordering::SeqCst);
    let shipped = writer.join().unwrap();
    let status = ship.wait().unwrap();
    let said = std::fs::read_to_string(dir.path().join("ship.err")).unwrap();
    assert!(status.success(), "ship failed: {said}");

    wait_until(120, "tail printed every shipped line", || {
        output_of(dir.path(), "tail").0.lines().count() >= shipped
    });
    std::thread::sleep(Duration::from_millis(500));
    interrupt(tail);
    each_job_once("tail", &output_of(dir.path(), "tail").0, 0..shipped);
    wait_until(120, "the running ingest stored every shipped line", || {
        stored_count(running.path()) >= shipped as u64
    });
    interrupt(ingesting);
    let stored =
        stdout_of(logagg(running.path()).args(["query", "*", "--limit", "0", "-o", "json"]));
    each_job_once("the running ingest's store", &stored, 0..shipped);
    let printed = ran_to_end(
        dir.path(),
        &[
            "ingest",
            "--brokers",
            &brokers,
            "--topic",
            "shipped",
            "--exit-at-end",
            "--to",
            "stdout",
            "--group",
            "cluster-ship-check",
        ],
        "ingest of the shipped topic to stdout",
    );
    each_job_once(
        "the topic",
        &String::from_utf8_lossy(&printed.stdout),
        0..shipped,
    );

    // Dead letters written while a node is down.
    cluster.crash(1);
    let store = tempfile::tempdir().unwrap();
    ran_to_end(
        store.path(),
        &[
            "ingest",
            "--brokers",
            &brokers,
            "--topic",
            "shipped",
            "--exit-at-end",
            "--max-event-bytes",
            "2000",
            "--commit-interval",
            "200ms",
        ],
        "ingest writing dead letters",
    );
    let stored = stdout_of(logagg(store.path()).args(["query", "*", "--limit", "0", "-o", "json"]));
    each_job_once("the store", &stored, (0..shipped).filter(|n| n % 100 != 0));
    // Created with the cluster's replication, not one copy: with one copy on the node that
    // was down, no letter could be written ("did not confirm in time").
    assert_eq!(replicas_of(&brokers, "shipped.dlq"), 3);
    let letters = stdout_of(logagg(store.path()).args([
        "dlq",
        "list",
        "--brokers",
        &brokers,
        "--topic",
        "shipped",
        "-o",
        "json",
    ]));
    // A letter's preview is cut before the job number: each is known by where it came from.
    let sources: HashSet<String> = letters
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["source"].to_string())
        .collect();
    let letters_count = shipped.div_ceil(100);
    assert_eq!(
        (letters.lines().count(), sources.len()),
        (letters_count, letters_count),
        "dead letters: {letters}"
    );
    let replayed = logagg(store.path())
        .args(["dlq", "replay", "--brokers", &brokers, "--topic", "shipped"])
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    let replay_said = String::from_utf8_lossy(&replayed.stderr);
    assert!(replayed.status.success(), "{replay_said}");
    let letters_count = shipped.div_ceil(100);
    assert!(
        replay_said.contains(&format!("replayed {letters_count} dead letters")),
        "{replay_said}"
    );
    cluster.restart(1);
    let again = logagg(store.path())
        .args(["dlq", "replay", "--brokers", &brokers, "--topic", "shipped"])
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    let again_said = String::from_utf8_lossy(&again.stderr);
    assert!(
        again_said.contains("replayed 0 dead letters"),
        "{again_said}"
    );
}

/// `logagg --data-dir DIR ARGS...`, which must end by itself and succeed (`what` names it
/// in the failure); its output.
fn ran_to_end(dir: &std::path::Path, args: &[&str], what: &str) -> std::process::Output {
    let out = logagg(dir)
        .args(args)
        .timeout(Duration::from_secs(240))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{what} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// How many replicas the first partition of `topic` has.
fn replicas_of(brokers: &str, topic: &str) -> usize {
    use rdkafka::consumer::{BaseConsumer, Consumer};
    let consumer: BaseConsumer = rdkafka::ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .create()
        .unwrap();
    let metadata = consumer
        .fetch_metadata(Some(topic), Duration::from_secs(10))
        .unwrap();
    metadata.topics()[0].partitions()[0].replicas().len()
}

/// Asserts that `got` (lines, JSON or not) names `job=N` once for each N of `expected` and
/// for nothing else.
fn each_job_once(place: &str, got: &str, expected: impl Iterator<Item = usize>) {
    let mut seen: Vec<usize> = got
        .lines()
        .filter_map(|line| {
            let at = line.find("job=")? + 4;
            let digits: String = line[at..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse().ok()
        })
        .collect();
    seen.sort_unstable();
    let expected: Vec<usize> = expected.collect();
    let twice = seen.windows(2).filter(|w| w[0] == w[1]).count();
    seen.dedup();
    let missing: Vec<&usize> = expected
        .iter()
        .filter(|n| seen.binary_search(n).is_err())
        .take(5)
        .collect();
    assert!(
        twice == 0 && seen.len() == expected.len() && missing.is_empty(),
        "{place}: {} distinct jobs of {} expected, {twice} repeated, missing such as {missing:?}",
        seen.len(),
        expected.len()
    );
}

/// Asserts that `got` holds each expected event once, saying what differs.
fn same_events(place: &str, got: &str, expected: &HashSet<&str>) {
    let lines: Vec<&str> = got.lines().collect();
    let distinct: HashSet<&str> = lines.iter().copied().collect();
    let missing = expected.difference(&distinct).count();
    let strangers: Vec<&&str> = distinct.difference(expected).take(2).collect();
    assert!(
        lines.len() == distinct.len() && missing == 0 && strangers.is_empty(),
        "{place}: {} lines, {} distinct, {missing} of {} expected missing, unexpected lines such as {strangers:?}",
        lines.len(),
        distinct.len(),
        expected.len()
    );
}
