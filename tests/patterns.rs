//! `query --patterns`, `--pattern ID` and `--with-pattern` end to end: shipped lines of a
//! real format, mined without any configuration, in the embedded store and in OpenSearch.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::search_engine::SearchEngine;
use common::{logagg, stdout_of};
use serde_json::Value;
use std::path::Path;

/// 300 HDFS-style lines of three kinds (120, 120 and 60 of them).
fn hdfs_file(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("hdfs.log");
    let text: String = (0..300)
        .map(|i| match i % 5 {
            0 | 1 => format!(
                "081109 2036{:02} {} INFO dfs.DataNode$PacketResponder: PacketResponder {} for block blk_{} terminating\n",
                i % 60, 100 + i, i % 3, 38865049064139660u64 + i as u64
            ),
            2 | 3 => format!(
                "081109 2036{:02} {} INFO dfs.DataNode$DataXceiver: Receiving block blk_{} src: /10.250.{}.{}:54106 dest: /10.250.{}.{}:50010\n",
                i % 60, 100 + i, 7000000 + i, i % 200, i % 50, i % 90, i % 30
            ),
            _ => format!(
                "081109 2036{:02} {} WARN dfs.DataNode$DataXceiver: 10.251.{}.{}:50010:Got exception while serving blk_{} to /10.251.{}.{}:\n",
                i % 60, 100 + i, i % 100, i % 70, 5000 + i, i % 80, i % 60
            ),
        })
        .collect();
    std::fs::write(&path, text).unwrap();
    path
}

fn json_lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn check_patterns(patterns: &[Value]) {
    let summary: Vec<(u64, &str)> = patterns
        .iter()
        .map(|p| {
            (
                p["count"].as_u64().unwrap(),
                p["template"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (120, "PacketResponder <NUM> for block <*> terminating"),
            (120, "Receiving block <*> src: /<IP> dest: /<IP>"),
            (60, "<*> exception while serving <*> to /<IP>:"),
        ],
        "{patterns:#?}"
    );
    assert_eq!(patterns[0]["share"], 0.4);
    assert_eq!(patterns[0]["trend"].as_array().unwrap().len(), 12);
}

#[test]
fn patterns_of_shipped_lines_in_the_embedded_store() {
    let dir = tempfile::tempdir().unwrap();
    let file = hdfs_file(dir.path());
    stdout_of(logagg(dir.path()).args(["ship", file.to_str().unwrap(), "--service", "hdfs"]));
    let patterns = json_lines(&stdout_of(logagg(dir.path()).args([
        "query",
        "--patterns",
        "--output",
        "json",
    ])));
    check_patterns(&patterns);
    // A pattern's id finds its events again, and each event can carry its pattern.
    let warn_id = patterns[2]["id"].as_str().unwrap();
    let events = json_lines(&stdout_of(logagg(dir.path()).args([
        "query",
        "--pattern",
        warn_id,
        "--limit",
        "0",
        "--with-pattern",
        "--output",
        "json",
    ])));
    assert_eq!(events.len(), 60);
    assert!(events.iter().all(|e| e["level"] == "warn"
        && e["pattern"]["id"] == warn_id
        && e["message"].as_str().unwrap().contains("Got exception")));
    // The table on a terminal-less run is still readable when asked for.
    let table = stdout_of(logagg(dir.path()).args(["query", "--patterns", "--output", "table"]));
    assert!(
        table.contains("PacketResponder <NUM> for block <*> terminating"),
        "{table}"
    );
    assert!(table.contains("3 patterns in 300 events"), "{table}");
    // With --since/--until the trend spans the asked hour: every line falls in 20:35-20:40.
    let hour = json_lines(&stdout_of(logagg(dir.path()).args([
        "query",
        "--patterns",
        "--output",
        "json",
        "--since",
        "2008-11-09T20:00:00Z",
        "--until",
        "2008-11-09T21:00:00Z",
    ])));
    let trend: Vec<u64> = hour[0]["trend"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_u64().unwrap())
        .collect();
    assert_eq!(trend, vec![0, 0, 0, 0, 0, 0, 0, 120, 0, 0, 0, 0]);
    // Sampling says so.
    let out = logagg(dir.path())
        .args(["query", "--patterns", "--sample", "100", "--output", "json"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("newest 100 of 300"));
}

#[test]
fn patterns_from_elasticsearch_match_the_embedded_store() {
    let engine = SearchEngine::shared();
    let prefix = engine.prefix("patterns");
    let dir = tempfile::tempdir().unwrap();
    let file = hdfs_file(dir.path());
    let es = ["--es-url", &engine.url, "--es-index-prefix", &prefix];
    stdout_of(
        logagg(dir.path())
            .args([
                "ship",
                file.to_str().unwrap(),
                "--service",
                "hdfs",
                "--to",
                "elasticsearch",
            ])
            .args(es),
    );
    let patterns = json_lines(&stdout_of(
        logagg(dir.path())
            .args([
                "query",
                "--patterns",
                "--output",
                "json",
                "--store",
                "elasticsearch",
            ])
            .args(es),
    ));
    check_patterns(&patterns);
    // Windows compared on the cluster say what the embedded store says.
    let incident = incident_file(dir.path());
    // A prefix of its own: one that starts with another's would share its index template.
    let incident_prefix = engine.prefix("incident");
    let es = [
        "--es-url",
        &engine.url,
        "--es-index-prefix",
        &incident_prefix,
    ];
    for args in [
        vec![
            "ship",
            incident.to_str().unwrap(),
            "--service",
            "hdfs",
            "--to",
            "elasticsearch",
        ],
        vec!["ship", incident.to_str().unwrap(), "--service", "hdfs"],
    ] {
        stdout_of(logagg(dir.path()).args(&args).args(es));
    }
    let compare = |store: &str| {
        json_lines(&stdout_of(
            logagg(dir.path())
                .args([
                    "query",
                    "--patterns",
                    "--compare",
                    "1h",
                    "-o",
                    "json",
                    "--store",
                    store,
                ])
                .args([
                    "--since",
                    "2008-11-09T21:00:00Z",
                    "--until",
                    "2008-11-09T22:00:00Z",
                ])
                .args(es),
        ))
    };
    let from_cluster = compare("elasticsearch");
    assert_eq!(from_cluster.len(), 3);
    assert_eq!(from_cluster, compare("embedded"));
}

/// Two hours of HDFS-style lines: in the second an incident starts (a failure never seen
/// before, the responder lines three times as often) and a kind of line stops.
fn incident_file(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("incident.log");
    let mut text = String::new();
    for minute in 0..120u64 {
        let (hour, min) = (20 + minute / 60, minute % 60);
        let at = |second: u64| format!("081109 {hour:02}{min:02}{second:02}");
        let responders = if minute < 60 { 2 } else { 6 };
        for r in 0..responders {
            text += &format!(
                "{} {} INFO dfs.DataNode$PacketResponder: PacketResponder {} for block blk_{} terminating\n",
                at(r), 100 + r, r % 3, 38865049064139660u64 + minute * 10 + r
            );
        }
        text += &format!(
            "{} 148 INFO dfs.DataNode$DataXceiver: Receiving block blk_{} src: /10.250.{}.7:54106 dest: /10.250.9.{}:50010\n",
            at(30), 7000000 + minute, minute % 200, minute % 30
        );
        if minute < 60 && minute % 5 == 0 {
            text += &format!("{} 150 INFO dfs.FSNamesystem: BLOCK* ask 10.251.3.{}:50010 to replicate blk_{} to datanode(s) 10.251.7.9:50010\n", at(40), minute % 90, 9000 + minute);
        }
        if minute >= 90 {
            text += &format!("{} 151 WARN dfs.DataNode$DataXceiver: 10.251.{}.4:50010:Got exception while serving blk_{} to /10.251.6.{}:\n", at(50), minute % 100, 5000 + minute, minute % 60);
        }
    }
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn patterns_compared_between_two_windows_show_an_incident() {
    let dir = tempfile::tempdir().unwrap();
    let file = incident_file(dir.path());
    stdout_of(logagg(dir.path()).args(["ship", file.to_str().unwrap(), "--service", "hdfs"]));
    let window = [
        "--since",
        "2008-11-09T21:00:00Z",
        "--until",
        "2008-11-09T22:00:00Z",
    ];
    let by_shift = logagg(dir.path())
        .args(["query", "--patterns", "--compare", "1h", "-o", "json"])
        .args(window)
        .output()
        .unwrap();
    assert!(by_shift.status.success());
    let changed = json_lines(&String::from_utf8(by_shift.stdout).unwrap());
    let summary: Vec<(&str, u64, u64)> = changed
        .iter()
        .map(|c| {
            (
                c["change"].as_str().unwrap(),
                c["before"].as_u64().unwrap(),
                c["now"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![("new", 0, 30), ("up", 120, 360), ("gone", 12, 0)]
    );
    assert_eq!(
        changed[0]["template"],
        "<*> exception while serving <*> to /<IP>:"
    );
    assert_eq!(changed[1]["ratio"], 3.0);
    let note = String::from_utf8(by_shift.stderr).unwrap();
    assert!(note.contains("3 of 4 patterns changed beyond ×2"), "{note}");
    // The same baseline given as a range says the same.
    let by_range = json_lines(&stdout_of(
        logagg(dir.path())
            .args(["query", "--patterns", "-o", "json"])
            .args(["--baseline", "2008-11-09T20:00:00Z..2008-11-09T21:00:00Z"])
            .args(window),
    ));
    assert_eq!(by_range, changed);
    // A shift shorter than the window, or a sample smaller than the windows, is refused.
    let overlap = common::error_of(
        logagg(dir.path())
            .args(["query", "--patterns", "--compare", "10m"])
            .args(window),
    );
    assert!(overlap.contains("overlaps the current window"), "{overlap}");
    let cut = common::error_of(
        logagg(dir.path())
            .args(["query", "--patterns", "--compare", "1h", "--sample", "100"])
            .args(window),
    );
    assert!(cut.contains("more than --sample 100"), "{cut}");
    // The table on a terminal.
    let table = stdout_of(
        logagg(dir.path())
            .args(["query", "--patterns", "--compare", "1h", "-o", "table"])
            .args(window),
    );
    let up: Vec<&str> = table.lines().nth(2).unwrap().split_whitespace().collect();
    assert_eq!(up[..4], ["up", "120", "360", "×3.00"], "{table}");
}

#[test]
fn tail_from_kafka_mines_the_stream_as_it_arrives() {
    use common::kafka::{create_topic, interrupt, output_of, spawn, wait_until, Broker};
    let broker = Broker::shared();
    let dir = tempfile::tempdir().unwrap();
    create_topic(broker, "live-patterns", 2);
    let tail = spawn(
        dir.path(),
        "tail",
        &[
            "tail",
            "--source",
            "kafka",
            "--patterns",
            "--since",
            "1h",
            "--brokers",
            &broker.address,
            "--topic",
            "live-patterns",
            "level:>=warn",
        ],
    );
    let file = hdfs_file(dir.path());
    stdout_of(logagg(dir.path()).args([
        "ship",
        file.to_str().unwrap(),
        "--service",
        "hdfs",
        "--to",
        "kafka",
        "--brokers",
        &broker.address,
        "--topic",
        "live-patterns",
    ]));
    wait_until(30, "the tail has seen the topic", || {
        output_of(dir.path(), "tail").1.contains("following")
    });
    std::thread::sleep(std::time::Duration::from_secs(2));
    interrupt(tail);
    let (out, err) = output_of(dir.path(), "tail");
    let patterns = json_lines(&out);
    assert_eq!(patterns.len(), 1, "{out}{err}");
    assert_eq!(patterns[0]["count"], 60);
    assert_eq!(
        patterns[0]["template"],
        "<*> exception while serving <*> to /<IP>:"
    );
}
