//! A real three-node Kafka cluster (replication 3, `min.insync.replicas=2`) whose nodes are
//! killed and restarted one after another under the pipeline: producing rides through, and
//! ingesting, started while leaders are still moving, neither fails on errors Kafka calls
//! retriable nor loses or repeats a message. One cluster per test binary.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::kafka::{output_of, spawn, wait_until, START};
use common::kafka_cluster::Cluster;
use common::{logagg, stdout_of};
use std::collections::HashSet;
use std::time::Duration;

const EVENTS: &str = "120000";

#[test]
fn a_rolling_restart_loses_and_repeats_nothing() {
    let cluster = Cluster::start();
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
    let ingest = logagg(store.path())
        .args([
            "ingest",
            "--brokers",
            &brokers,
            "--topic",
            "ha",
            "--exit-at-end",
        ])
        .args(["--commit-interval", "200ms"])
        .timeout(Duration::from_secs(240))
        .output()
        .unwrap();
    assert!(
        ingest.status.success(),
        "ingest into the store failed: {}",
        String::from_utf8_lossy(&ingest.stderr)
    );
    cluster.restart(2);
    let printed = logagg(dir.path())
        .args([
            "ingest",
            "--brokers",
            &brokers,
            "--topic",
            "ha",
            "--exit-at-end",
        ])
        .args(["--to", "stdout", "--group", "cluster-test"])
        .timeout(Duration::from_secs(240))
        .output()
        .unwrap();
    assert!(
        printed.status.success(),
        "ingest to stdout failed: {}",
        String::from_utf8_lossy(&printed.stderr)
    );

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
