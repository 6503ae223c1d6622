//! End-to-end tests of the `logagg` binary against temporary data directories.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{error_of, logagg, stdout_of};
use serde_json::Value;
use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

const START: &str = "2026-11-24T00:00:00Z";

fn std_logagg(data_dir: &Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("logagg"));
    cmd.arg("--data-dir")
        .arg(data_dir)
        .env_remove("LOGAGG_CONFIG")
        .env("XDG_CONFIG_HOME", data_dir.join("config"))
        .env("XDG_STATE_HOME", data_dir.join("state"));
    cmd
}

/// Runs a command expected to exit with `code` and returns what it printed on stderr.
fn stderr_of(dir: &Path, args: &[&str], code: i32) -> String {
    let out = logagg(dir)
        .args(args)
        .assert()
        .code(code)
        .get_output()
        .stderr
        .clone();
    String::from_utf8(out).unwrap()
}

fn simulate_stdout(dir: &Path, seed: u64, count: u64) -> String {
    stdout_of(logagg(dir).args([
        "simulate",
        "--to",
        "stdout",
        "--seed",
        &seed.to_string(),
        "--start",
        START,
        "--count",
        &count.to_string(),
    ]))
}

fn simulate_store(dir: &Path, seed: u64, count: u64) {
    logagg(dir)
        .args([
            "simulate",
            "--to",
            "embedded",
            "--seed",
            &seed.to_string(),
            "--start",
            START,
            "--count",
            &count.to_string(),
        ])
        .assert()
        .success();
}

#[test]
fn stdout_and_store_hold_the_same_events() {
    let dir = tempfile::tempdir().unwrap();
    let ndjson = simulate_stdout(dir.path(), 42, 5000);
    assert_eq!(
        ndjson,
        simulate_stdout(dir.path(), 42, 5000),
        "same seed, same bytes"
    );
    simulate_store(dir.path(), 42, 5000);
    let stored = stdout_of(
        logagg(dir.path()).args(["query", "*", "--limit", "0", "--asc", "--output", "json"]),
    );
    assert_eq!(stored, ndjson);
}

#[test]
fn counts_agree_with_an_independent_count_of_the_ndjson() {
    let dir = tempfile::tempdir().unwrap();
    let ndjson = simulate_stdout(dir.path(), 9, 20_000);
    simulate_store(dir.path(), 9, 20_000);
    let events: Vec<Value> = ndjson
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let independent =
        |pred: &dyn Fn(&Value) -> bool| events.iter().filter(|e| pred(e)).count().to_string();
    let count = |q: &str| {
        stdout_of(logagg(dir.path()).args(["query", "--count", "--", q]))
            .trim()
            .to_string()
    };
    assert_eq!(
        count("service:auth AND level:error"),
        independent(&|e| e["service"] == "auth" && e["level"] == "error")
    );
    assert_eq!(
        count("latency_ms:>500"),
        independent(&|e| e["fields"]["latency_ms"]
            .as_f64()
            .is_some_and(|l| l > 500.0))
    );
    assert_eq!(
        count("level:>=warn"),
        independent(&|e| ["warn", "error", "fatal"].contains(&e["level"].as_str().unwrap()))
    );
    assert_eq!(
        count("-host:canary*"),
        independent(&|e| !e["host"].as_str().unwrap().starts_with("canary"))
    );
    assert_eq!(count("*"), events.len().to_string());
    let by_service = stdout_of(logagg(dir.path()).args([
        "query",
        "*",
        "--count-by",
        "service",
        "--output",
        "json",
    ]));
    let total: u64 = by_service
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["count"]
                .as_u64()
                .unwrap()
        })
        .sum();
    assert_eq!(total, events.len() as u64);
    let first: Value = serde_json::from_str(by_service.lines().next().unwrap()).unwrap();
    let top = first["service"].as_str().unwrap();
    assert_eq!(
        first["count"].as_u64().unwrap().to_string(),
        independent(&|e| e["service"] == top)
    );
}

#[test]
fn exit_statuses_and_query_errors() {
    let dir = tempfile::tempdir().unwrap();
    simulate_store(dir.path(), 1, 500);
    logagg(dir.path())
        .args(["query", "service:no-such-service"])
        .assert()
        .code(1)
        .stdout("");
    logagg(dir.path())
        .args(["query", "service:no-such-service", "--count"])
        .assert()
        .code(1)
        .stdout("0\n");
    let out = stderr_of(dir.path(), &["query", "service:\"auth"], 2);
    assert_eq!(
        out,
        "error: invalid query at column 9: unterminated quote: add the closing '\"'\n  service:\"auth\n          ^\n"
    );
    logagg(dir.path())
        .args(["query", "*", "--since", "last tuesday"])
        .assert()
        .code(2);
    logagg(dir.path())
        .args(["query", "--limit", "x"])
        .assert()
        .code(2);
    // Deeper than the parser goes: one clear line, never a stack overflow.
    let deep = format!("{}x{}", "(".repeat(9_000), ")".repeat(9_000));
    let out = stderr_of(dir.path(), &["query", &deep, "--count"], 2);
    assert!(out.contains("nested more than 64 levels"), "{out}");
    assert!(
        out.len() < 500,
        "the pointer shows the place, not the whole query"
    );
    // A mistyped option is an error, never a query; a negation is a query.
    let out = stderr_of(dir.path(), &["query", "--json"], 2);
    assert!(out.contains("'--json' is not an option"), "{out}");
    logagg(dir.path())
        .args(["query", "-host:nosuch*", "--count"])
        .assert()
        .code(0)
        .stdout("500\n");
    let out = stderr_of(dir.path(), &["query", "--pattern", "notanid"], 2);
    assert!(out.contains("pattern ids are 8 hex digits"), "{out}");
    logagg(dir.path())
        .args(["query", "--count", "-o", "json"])
        .assert()
        .code(0)
        .stdout("{\"count\":500}\n");
    // An explicit --color always wins over NO_COLOR (which the test environment sets).
    let colored = stdout_of(
        logagg(dir.path()).args(["--color", "always", "query", "*", "-n", "1", "-o", "table"]),
    );
    assert!(colored.contains('\u{1b}'), "{colored:?}");
    // A cut is said.
    let out = logagg(dir.path())
        .args(["query", "*", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 100);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "note: 100 of 500 matching events (the newest); --limit 0 for all\n"
    );
    // -n as tail has it, and a time ago written with a minus.
    let two = stdout_of(logagg(dir.path()).args(["query", "-n", "2", "-o", "json"]));
    assert_eq!(two.lines().count(), 2);
    logagg(dir.path())
        .args(["query", "--count", "--since", "-5m"])
        .assert()
        .code(1)
        .stdout("0\n");
    let warn = stderr_of(dir.path(), &["query", "lvl:error"], 1);
    assert!(warn.contains("no stored event has a field 'lvl'"));
    // Text compared with a key the store holds numbers under: said, not silently empty.
    let warn = stderr_of(dir.path(), &["query", "latency_ms:>abc", "--count"], 1);
    assert!(
        warn.contains("'latency_ms' holds numbers in this store, but 'abc' is not a number"),
        "{warn}"
    );
    let explain =
        stdout_of(logagg(dir.path()).args(["query", "service:auth latency_ms:>500", "--explain"]));
    assert!(
        explain.contains("parsed:  (service:\"auth\" AND fields.latency_ms:{500 TO *])"),
        "{explain}"
    );
    // --explain says what the query would be warned about.
    let explain = stdout_of(logagg(dir.path()).args(["query", "lvl:error", "--explain"]));
    assert!(
        explain.contains("warning: no stored event has a field 'lvl'"),
        "{explain}"
    );
    // Count-by values keep their JSON types: numbers stay numbers, flags are booleans.
    let by_latency = stdout_of(logagg(dir.path()).args([
        "query",
        "--count-by",
        "latency_ms",
        "-o",
        "json",
        "--limit",
        "1",
    ]));
    let group: serde_json::Value = serde_json::from_str(by_latency.trim()).unwrap();
    assert!(group["latency_ms"].is_number(), "{by_latency}");
    let by_flag =
        stdout_of(logagg(dir.path()).args(["query", "--count-by", "unparsed", "-o", "json"]));
    assert_eq!(by_flag, "{\"count\":500,\"unparsed\":false}\n");
}

#[test]
fn output_formats_and_limits() {
    let dir = tempfile::tempdir().unwrap();
    simulate_store(dir.path(), 5, 2000);
    let json = stdout_of(logagg(dir.path()).args(["query", "*", "--limit", "3"]));
    assert_eq!(json.lines().count(), 3);
    let times: Vec<String> = json
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["@timestamp"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert!(
        times.windows(2).all(|w| w[0] >= w[1]),
        "newest first: {times:?}"
    );
    let logfmt = stdout_of(
        logagg(dir.path()).args(["query", "status:*", "--limit", "1", "--output", "logfmt"]),
    );
    assert!(
        logfmt.starts_with("ts=") && logfmt.contains(" status="),
        "{logfmt}"
    );
    let table = stdout_of(
        logagg(dir.path())
            .args(["query", "*", "--limit", "2", "--output", "table"])
            .env("COLUMNS", "80"),
    );
    assert!(table.lines().all(|l| l.chars().count() <= 80), "{table}");
    let raw = stdout_of(logagg(dir.path()).args(["query", "*", "--limit", "1", "--output", "raw"]));
    assert!(!raw.is_empty() && !raw.starts_with('{'), "{raw}");
    let old = stdout_of(logagg(dir.path()).args([
        "query",
        "*",
        "--since",
        "2026-11-24T00:00:01Z",
        "--until",
        "2026-11-24T00:00:02Z",
        "--limit",
        "0",
        "--asc",
    ]));
    for line in old.lines() {
        let ts = serde_json::from_str::<Value>(line).unwrap()["@timestamp"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(
            ts.as_str() >= "2026-11-24T00:00:01" && ts.as_str() < "2026-11-24T00:00:02",
            "{ts}"
        );
    }
}

#[test]
fn missing_store_and_locked_store_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let err = stderr_of(dir.path(), &["query", "*"], 2);
    assert!(
        err.starts_with("error: no store at") && err.contains("logagg simulate --to embedded"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1);
    let mut writer = std_logagg(dir.path())
        .args(["simulate", "--to", "embedded", "--rate", "50"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_for(|| dir.path().join("manifest.json").exists());
    std::thread::sleep(Duration::from_millis(300));
    let err = stderr_of(
        dir.path(),
        &["simulate", "--to", "embedded", "--count", "10"],
        2,
    );
    assert!(
        err.contains("in use by another writer")
            && err.contains(&format!("pid {}", writer.id()))
            && err.contains("simulate"),
        "{err}"
    );
    stop(&mut writer);
}

fn wait_for(mut ready: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !ready() {
        assert!(Instant::now() < deadline, "timed out");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn stop(child: &mut Child) {
    // SAFETY-free: ask politely with SIGINT through the kill command.
    let _ = std::process::Command::new("kill")
        .arg("-INT")
        .arg(child.id().to_string())
        .status();
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
}

fn ids_of(ndjson: &str) -> Vec<String> {
    ndjson.lines().map(str::to_string).collect()
}

#[test]
fn a_writer_killed_with_sigkill_resumes_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let total = 60_000u64;
    let args = [
        "simulate",
        "--to",
        "embedded",
        "--seed",
        "77",
        "--start",
        START,
        "--count",
        "60000",
        "--rate",
        "20000",
        "--commit-interval",
        "200ms",
    ];
    for round in 0..3 {
        let mut child = std_logagg(dir.path())
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(700 + round * 150));
        child.kill().unwrap();
        child.wait().unwrap();
    }
    logagg(dir.path()).args(args).assert().success();
    let stored = stdout_of(
        logagg(dir.path()).args(["query", "*", "--limit", "0", "--asc", "--output", "json"]),
    );
    let mut same_run: Vec<&str> = args.to_vec();
    same_run[2] = "stdout";
    same_run.truncate(same_run.len() - 2);
    let expected = stdout_of(logagg(dir.path()).args(&same_run));
    let stored_lines = ids_of(&stored);
    assert_eq!(
        stored_lines.iter().collect::<HashSet<_>>().len(),
        stored_lines.len(),
        "no duplicates"
    );
    assert_eq!(stored_lines.len() as u64, total);
    assert!(
        stored == expected,
        "stored events differ from the simulator's own output"
    );
}

#[test]
fn a_live_run_without_a_start_killed_and_restarted_continues_its_stream() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "simulate",
        "--to",
        "embedded",
        "--seed",
        "78",
        "--count",
        "30000",
        "--rate",
        "20000",
        "--commit-interval",
        "200ms",
    ];
    let mut child = std_logagg(dir.path())
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_for(|| {
        logagg(dir.path())
            .args(["query", "--count"])
            .output()
            .is_ok_and(|o| {
                String::from_utf8_lossy(&o.stdout)
                    .trim()
                    .parse::<u64>()
                    .unwrap_or(0)
                    > 2_000
            })
    });
    child.kill().unwrap();
    child.wait().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let output = std_logagg(dir.path()).args(args).output().unwrap();
    assert!(output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("resumed") && stderr.contains("began at"),
        "{stderr}"
    );
    let stored = stdout_of(
        logagg(dir.path()).args(["query", "*", "--limit", "0", "--asc", "--output", "json"]),
    );
    let lines = ids_of(&stored);
    assert_eq!(lines.len(), 30_000, "every event of the run once");
    assert_eq!(
        lines.iter().collect::<HashSet<_>>().len(),
        lines.len(),
        "no duplicates"
    );
}

fn spawn_tail(dir: &Path, args: &[&str]) -> Child {
    std_logagg(dir)
        .arg("tail")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

#[test]
fn tail_sees_every_event_of_a_concurrent_writer_once() {
    let dir = tempfile::tempdir().unwrap();
    simulate_store(dir.path(), 3, 1000);
    let mut tail = spawn_tail(
        dir.path(),
        &["-n", "0", "--output", "json", "--poll", "50ms"],
    );
    let stdout = tail.stdout.take().unwrap();
    let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let collector = {
        let lines = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                lines.lock().unwrap().push(line);
            }
        })
    };
    std::thread::sleep(Duration::from_millis(500));
    logagg(dir.path())
        .args([
            "simulate",
            "--to",
            "embedded",
            "--seed",
            "4",
            "--start",
            START,
            "--count",
            "30000",
            "--rate",
            "30000",
            "--commit-interval",
            "100ms",
        ])
        .assert()
        .success();
    let expected = stdout_of(logagg(dir.path()).args([
        "simulate", "--to", "stdout", "--seed", "4", "--start", START, "--count", "30000",
        "--rate", "30000",
    ]));
    wait_for(|| lines.lock().unwrap().len() >= 30_000);
    std::thread::sleep(Duration::from_millis(300));
    stop(&mut tail);
    collector.join().unwrap();
    let got = lines.lock().unwrap().join("\n") + "\n";
    assert_eq!(got.lines().count(), expected.lines().count());
    assert!(got == expected, "every new event once, in arrival order");
}

#[test]
fn tail_starts_with_the_last_matching_events() {
    let dir = tempfile::tempdir().unwrap();
    simulate_store(dir.path(), 8, 3000);
    let mut tail = spawn_tail(
        dir.path(),
        &["--level", "warn", "-n", "5", "--output", "json"],
    );
    let mut reader = BufReader::new(tail.stdout.take().unwrap());
    let mut got = Vec::new();
    for _ in 0..5 {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        got.push(line);
    }
    stop(&mut tail);
    let mut expected: Vec<String> =
        stdout_of(logagg(dir.path()).args(["query", "level:>=warn", "--limit", "5"]))
            .lines()
            .map(|l| format!("{l}\n"))
            .collect();
    expected.reverse();
    assert_eq!(got, expected);
}

#[test]
fn retention_removes_what_dry_run_announced() {
    let dir = tempfile::tempdir().unwrap();
    logagg(dir.path())
        .args([
            "simulate",
            "--to",
            "embedded",
            "--seed",
            "2",
            "--start",
            "2026-01-01T00:00:00Z",
            "--count",
            "5000",
        ])
        .assert()
        .success();
    let dry = stdout_of(logagg(dir.path()).args(["retention", "--keep", "1d", "--dry-run"]));
    assert!(dry.starts_with("would remove 5000 of 5000 events"), "{dry}");
    assert_eq!(
        stdout_of(logagg(dir.path()).args(["query", "--count"])).trim(),
        "5000"
    );
    let done = stdout_of(logagg(dir.path()).args(["retention", "--keep", "1d"]));
    assert!(done.contains("removed 5000 events"), "{done}");
    logagg(dir.path())
        .args(["query", "--count"])
        .assert()
        .code(1)
        .stdout("0\n");
    logagg(dir.path()).args(["retention"]).assert().code(2);
}

fn store_bytes(dir: &Path) -> u64 {
    let parts: u64 = std::fs::read_dir(dir.join("parts"))
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum();
    parts + std::fs::metadata(dir.join("manifest.json")).unwrap().len()
}

#[test]
fn retention_by_size_gets_under_the_size_and_takes_the_lock_before_it_speaks() {
    let dir = tempfile::tempdir().unwrap();
    simulate_store(dir.path(), 3, 300_000);
    let before = store_bytes(dir.path());
    let max = before * 6 / 10;
    let done = stdout_of(logagg(dir.path()).args(["retention", "--max-size", &max.to_string()]));
    assert!(done.contains("removed"), "{done}");
    let after = store_bytes(dir.path());
    assert!(
        after <= max,
        "{after} bytes left, more than the {max} asked"
    );
    assert!(
        after > max * 9 / 10,
        "{after} bytes: far more was removed than needed"
    );
    // A writer holds the store: refused before anything is announced.
    let mut writer = std_logagg(dir.path())
        .args([
            "simulate", "--to", "embedded", "--rate", "100", "--seed", "9",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_for(|| {
        std::fs::read_to_string(dir.path().join("writer.lock"))
            .is_ok_and(|holder| holder.contains("simulate"))
    });
    let refused = std_logagg(dir.path())
        .args(["retention", "--keep", "1s"])
        .output()
        .unwrap();
    stop(&mut writer);
    assert_eq!(refused.status.code(), Some(2));
    assert_eq!(String::from_utf8_lossy(&refused.stdout), "");
    assert!(String::from_utf8_lossy(&refused.stderr).contains("in use by another writer"));
}

#[test]
fn completions_are_current() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    for shell in [
        clap_complete::Shell::Bash,
        clap_complete::Shell::Zsh,
        clap_complete::Shell::Fish,
        clap_complete::Shell::Elvish,
        clap_complete::Shell::PowerShell,
    ] {
        let path = root.join(logagg::cli::completion_file_name(shell));
        let generated = logagg::cli::render_completions(shell);
        if std::env::var_os("LOGAGG_BLESS").is_some() {
            std::fs::write(&path, &generated).unwrap();
        }
        let committed = std::fs::read(&path).unwrap_or_default();
        assert!(
            committed == generated,
            "{} is stale: run `LOGAGG_BLESS=1 cargo test --test cli completions`",
            path.display()
        );
    }
}

#[test]
fn man_pages_are_current() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/man");
    let pages = logagg::cli::render_man_pages().unwrap();
    if std::env::var_os("LOGAGG_BLESS").is_some() {
        std::fs::create_dir_all(&root).unwrap();
        for entry in std::fs::read_dir(&root).unwrap() {
            std::fs::remove_file(entry.unwrap().path()).unwrap();
        }
        for (name, page) in &pages {
            std::fs::write(root.join(name), page).unwrap();
        }
    }
    let mut committed: Vec<String> = std::fs::read_dir(&root)
        .map(|dir| {
            dir.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    committed.sort();
    let mut expected: Vec<String> = pages.iter().map(|(name, _)| name.clone()).collect();
    expected.sort();
    assert_eq!(
        committed, expected,
        "docs/man is stale: run `LOGAGG_BLESS=1 cargo test --test cli man_pages`"
    );
    for (name, page) in &pages {
        assert!(
            std::fs::read(root.join(name)).unwrap_or_default() == *page,
            "docs/man/{name} is stale: run `LOGAGG_BLESS=1 cargo test --test cli man_pages`"
        );
    }
    // The command prints them, and names the commands when asked for one that is not.
    let dir = tempfile::tempdir().unwrap();
    let query = stdout_of(logagg(dir.path()).args(["man", "query"]));
    assert!(
        query.starts_with(".ie") || query.contains(".TH logagg-query 1"),
        "{query}"
    );
    assert!(query.contains("\\-\\-patterns") || query.contains("patterns"));
    let unknown = error_of(logagg(dir.path()).args(["man", "nosuch"]));
    assert!(
        unknown.contains("no manual page for 'nosuch'") && unknown.contains("query"),
        "{unknown}"
    );
}

#[test]
fn cli_definition_is_consistent() {
    use clap::CommandFactory;
    logagg::cli::Cli::command().debug_assert();
}

#[test]
fn dash_without_a_terminal_says_to_use_tail() {
    let dir = tempfile::tempdir().unwrap();
    logagg(dir.path())
        .arg("dash")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("needs a terminal"))
        .stderr(predicates::str::contains("logagg tail"));
}

#[test]
fn headless_demo_runs_the_pipeline_and_summarises() {
    let dir = tempfile::tempdir().unwrap();
    let out = logagg(dir.path())
        .args([
            "demo",
            "--headless",
            "--duration",
            "2s",
            "--rate",
            "500",
            "--seed",
            "9",
        ])
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("demo: simulated")
            && text.contains("by level:")
            && text.contains("top services:"),
        "{text}"
    );
    let stored: u64 = stdout_of(logagg(dir.path()).args(["query", "--count"]))
        .trim()
        .parse()
        .unwrap();
    assert!(
        (500..=1500).contains(&stored),
        "{stored} events for 2 s at 500/s"
    );
}

#[test]
fn a_damaged_part_is_reported_by_path_and_the_rest_still_answers() {
    let dir = tempfile::tempdir().unwrap();
    simulate_store(dir.path(), 1, 500);
    simulate_store(dir.path(), 2, 300);
    let parts_dir = dir.path().join("parts");
    let mut parts: Vec<_> = std::fs::read_dir(&parts_dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    parts.sort();
    assert_eq!(parts.len(), 2, "one part per run: {parts:?}");

    // A flipped bit inside a block: that block is left out, named with its part.
    let victim = &parts[0];
    let mut bytes = std::fs::read(victim).unwrap();
    bytes[64] ^= 0x40;
    std::fs::write(victim, &bytes).unwrap();
    // Every answer leaves out the same damaged block, and exits 3: printed, but partial.
    let (count, warning) = count_matching_and_stderr(dir.path(), "service:*", 3);
    let (all, _) = count_matching_and_stderr(dir.path(), "*", 3);
    assert_eq!(all, count, "a total count leaves out what a query does");
    let left: u64 = count.parse().unwrap();
    assert!((300..800).contains(&left), "{left}");
    assert!(
        warning.starts_with("warning: segment ")
            && warning.contains(&victim.display().to_string())
            && warning.contains("block 0")
            && warning.contains(&format!("its {} events are left out", 800 - left))
            && warning.contains("stays in place"),
        "{warning}"
    );

    // A part cut short (its index lost): the whole part is left out, and the next writer
    // moves it aside.
    std::fs::write(victim, &bytes[..bytes.len() - 10]).unwrap();
    let (count, warning) = count_matching_and_stderr(dir.path(), "*", 3);
    assert_eq!(count, "300");
    assert!(
        warning.contains(&victim.display().to_string())
            && warning.contains("its events are left out")
            && warning.contains("the next writer"),
        "{warning}"
    );
    let err = stderr_of(
        dir.path(),
        &[
            "simulate", "--to", "embedded", "--seed", "3", "--count", "10",
        ],
        0,
    );
    assert!(err.contains("were moved to"), "{err}");
    assert!(dir
        .path()
        .join("damaged")
        .join(victim.file_name().unwrap())
        .exists());
    let (count, warning) = count_and_stderr(dir.path());
    assert!(warning.is_empty(), "{warning}");
    assert_eq!(count, "310");
}

/// `query --count`, which must succeed: the number it printed and its standard error.
fn count_and_stderr(dir: &Path) -> (String, String) {
    count_matching_and_stderr(dir, "*", 0)
}

/// `query --count QUERY`, which must exit with `code`: the number it printed and its
/// standard error.
fn count_matching_and_stderr(dir: &Path, query: &str, code: i32) -> (String, String) {
    let out = logagg(dir)
        .args(["query", "--count", query])
        .assert()
        .code(code)
        .get_output()
        .clone();
    (
        String::from_utf8(out.stdout).unwrap().trim().to_string(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn every_command_ends_quietly_into_a_closed_pipe() {
    let dir = tempfile::tempdir().unwrap();
    simulate_store(dir.path(), 4, 20_000);
    for args in [
        &["status"][..],
        &["query", "--explain", "service:auth"],
        &["query", "*", "--limit", "0", "-o", "json"],
        &["query", "*", "--count-by", "service"],
        &["query", "--count"],
        &["query", "--patterns"],
        &["retention", "--keep", "1d", "--dry-run"],
        &["repair", "--dry-run"],
        &["completions", "bash"],
        &["--help"],
    ] {
        let mut child = std_logagg(dir.path())
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The reader goes away before anything is written.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{args:?}: {:?} {stderr}",
            out.status
        );
    }
}

#[test]
fn control_characters_in_logs_never_reach_a_terminal_as_they_are() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("evil.log");
    std::fs::write(
        &log,
        "2026-12-07T10:00:00Z ERROR \u{1b}]0;pwned\u{7} title \u{1b}[2J cleared \u{9b}31m \u{202e}txt\n",
    )
    .unwrap();
    logagg(dir.path()).arg("ship").arg(&log).assert().success();
    for args in [
        &["query", "-o", "table"][..],
        &["query", "-o", "logfmt"],
        &["query", "--patterns", "-o", "table"],
    ] {
        let shown = stdout_of(logagg(dir.path()).args(args));
        assert!(
            !shown.contains(['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}']),
            "{args:?}: {shown:?}"
        );
        // Written out (`\e` in the table, JSON's `\u001b` in a logfmt value).
        assert!(
            shown.contains("\\e]0;pwned") || shown.contains("\\u001b]0;pwned"),
            "{args:?}: {shown:?}"
        );
    }
    // JSON carries the text exactly (escaped the JSON way).
    let json = stdout_of(logagg(dir.path()).args(["query", "-o", "json"]));
    assert!(json.contains("\\u001b]0;pwned\\u0007"), "{json}");
}

/// `fields` lists what the events hold: the event's own attributes, then each key (nested
/// ones by their dotted path, as queries name them) with its holders and numbers; with
/// `--values`, the most frequent values.
#[test]
fn fields_list_what_the_matching_events_hold() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("events.ndjson");
    std::fs::write(
        &file,
        concat!(
            r#"{"@timestamp":"2026-12-07T08:00:00Z","level":"info","service":"api","host":"a","message":"ok","fields":{"status":200,"user":{"id":"u1"}}}"#, "\n",
            r#"{"@timestamp":"2026-12-07T08:00:01Z","level":"error","service":"api","host":"a","message":"bad","trace_id":"t1","fields":{"status":500,"user":{"id":"u2"}}}"#, "\n",
            r#"{"@timestamp":"2026-12-07T08:00:02Z","level":"error","service":"db","host":"b","message":"slow","fields":{"status":500,"ms":"n/a"}}"#, "\n",
        ),
    )
    .unwrap();
    stdout_of(
        logagg(dir.path())
            .arg("ship")
            .arg(&file)
            .arg("--no-file-path"),
    );
    let lines = |args: &[&str]| -> Vec<Value> {
        stdout_of(
            logagg(dir.path())
                .arg("fields")
                .args(args)
                .args(["-o", "json"]),
        )
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
    };
    let all = lines(&[]);
    let summary: Vec<(String, u64)> = all
        .iter()
        .map(|v| {
            (
                v["field"].as_str().unwrap().to_owned(),
                v["events"].as_u64().unwrap(),
            )
        })
        .collect();
    let want: Vec<(String, u64)> = [
        ("@timestamp", 3),
        ("level", 3),
        ("service", 3),
        ("host", 3),
        ("message", 3),
        ("trace_id", 1),
        ("time_from", 3),
        ("unparsed", 3),
        ("status", 3),
        ("user.id", 2),
        ("ms", 1),
    ]
    .iter()
    .map(|(f, n)| (f.to_string(), *n))
    .collect();
    assert_eq!(summary, want);
    let status = all.iter().find(|v| v["field"] == "status").unwrap();
    assert_eq!(
        (status["min"].as_u64(), status["max"].as_u64()),
        (Some(200), Some(500))
    );
    assert!(all
        .iter()
        .find(|v| v["field"] == "ms")
        .unwrap()
        .get("min")
        .is_none());
    // Every listed key is one a query finds.
    for field in ["status", "user.id", "ms"] {
        let count = stdout_of(logagg(dir.path()).args(["query", &format!("{field}:*"), "--count"]));
        let listed = all.iter().find(|v| v["field"] == field).unwrap()["events"]
            .as_u64()
            .unwrap();
        assert_eq!(count.trim(), listed.to_string(), "{field}");
    }
    let errors = lines(&["level:error", "--values", "2"]);
    let status = errors.iter().find(|v| v["field"] == "status").unwrap();
    assert_eq!(status["events"], 2);
    assert_eq!(
        status["values"],
        serde_json::json!([{"value": 500, "count": 2}])
    );
    assert!(errors
        .iter()
        .all(|v| v["field"] != "trace_id" || v["events"] == 1));
    // Nothing matching: nothing listed, exit 1.
    let none = logagg(dir.path())
        .args(["fields", "service:nope"])
        .output()
        .unwrap();
    assert_eq!(none.status.code(), Some(1));
    assert!(none.stdout.is_empty());
}

/// `-C/-B/-A`: each match with the events around it in its own stream (same service, host
/// and file), in time order with ties in arrival order, each event once, `--` between groups.
#[test]
fn context_shows_the_neighbours_of_each_match_from_its_own_stream() {
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path().join("app.log");
    let other = dir.path().join("other.log");
    std::fs::write(
        &app,
        "2026-12-07 08:00:00,000 INFO [main] App: a1\n\
         2026-12-07 08:00:01,000 INFO [main] App: a2\n\
         2026-12-07 08:00:01,000 INFO [main] App: a3 same time\n\
         2026-12-07 08:00:01,000 ERROR [main] App: boom one\n\
         2026-12-07 08:00:01,000 INFO [main] App: a5 same time\n\
         2026-12-07 08:00:03,000 INFO [main] App: a6\n\
         2026-12-07 08:00:04,000 INFO [main] App: a7\n\
         2026-12-07 08:00:05,000 ERROR [main] App: boom two\n\
         2026-12-07 08:00:06,000 ERROR [main] App: boom three\n",
    )
    .unwrap();
    std::fs::write(
        &other,
        "2026-12-07 08:00:01,000 INFO [main] App: b1 other file\n\
         2026-12-07 08:00:02,000 INFO [main] App: b2 other file\n",
    )
    .unwrap();
    stdout_of(logagg(dir.path()).arg("ship").arg(&app).arg(&other));
    let shown = |args: &[&str]| -> Vec<(String, String)> {
        stdout_of(
            logagg(dir.path())
                .args(["query", "boom"])
                .args(args)
                .args(["-o", "json"]),
        )
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            let message = v["message"].as_str().unwrap();
            let words = message.rsplit(": ").next().unwrap().to_owned();
            (v["context"].as_str().unwrap_or("match").to_owned(), words)
        })
        .collect()
    };
    let pair = |c: &str, m: &str| (c.to_owned(), m.to_owned());
    assert_eq!(
        shown(&["-C", "2", "--asc"]),
        [
            pair("before", "a2"),
            pair("before", "a3 same time"),
            pair("match", "boom one"),
            pair("after", "a5 same time"),
            pair("after", "a6"),
            pair("before", "a7"),
            pair("match", "boom two"),
            pair("match", "boom three"),
        ]
    );
    assert_eq!(
        shown(&["-A", "1", "-n", "1"]),
        [pair("match", "boom three")],
        "nothing after the last event"
    );
    assert_eq!(
        shown(&["-B", "1", "-n", "1", "--asc"]),
        [pair("before", "a3 same time"), pair("match", "boom one")]
    );
    // Raw output separates the groups as grep does.
    let raw =
        stdout_of(logagg(dir.path()).args(["query", "boom", "-C", "1", "--asc", "-o", "raw"]));
    assert_eq!(raw.matches("\n--\n").count(), 1, "{raw}");
    assert!(!raw.contains("other file"), "{raw}");
}

/// Runs `logagg ARGS` on a pseudo-terminal of 100x30 (util-linux `script`), with a pager
/// that marks where it starts and ends; returns what the terminal showed.
fn on_a_terminal(dir: &Path, args: &str) -> String {
    let pager = dir.join("pager.sh");
    std::fs::write(
        &pager,
        "#!/bin/sh\necho PAGER-START LESS=$LESS\ncat\necho PAGER-END\n",
    )
    .unwrap();
    std::fs::set_permissions(&pager, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("logagg");
    let line = format!(
        "stty cols 100 rows 30; {} --data-dir {} --color never {args}",
        bin.display(),
        dir.display()
    );
    let out = std::process::Command::new("script")
        .args(["-q", "-e", "-c", &line, "/dev/null"])
        .env("LOGAGG_PAGER", &pager)
        .env_remove("LESS")
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("XDG_STATE_HOME", dir.join("state"))
        .stdin(std::process::Stdio::null())
        .output()
        .expect("`script` (util-linux) runs a command on a pseudo-terminal; install util-linux");
    assert!(out.status.success(), "{out:?}");
    String::from_utf8_lossy(&out.stdout).replace('\r', "")
}

#[test]
fn a_table_on_a_terminal_goes_through_the_pager_and_json_never_does() {
    let dir = tempfile::tempdir().unwrap();
    simulate_store(dir.path(), 5, 200);
    let paged = on_a_terminal(dir.path(), "query --limit 40");
    let start = paged
        .find("PAGER-START LESS=FRX")
        .unwrap_or_else(|| panic!("{paged}"));
    let end = paged.find("PAGER-END").unwrap_or_else(|| panic!("{paged}"));
    let rows = paged[start..end]
        .lines()
        .filter(|l| l.starts_with("20"))
        .count();
    assert_eq!(rows, 40, "{paged}");
    // Laid out for the terminal, though written into the pager's pipe.
    assert!(
        paged[start..end].lines().all(|l| l.chars().count() <= 100),
        "{paged}"
    );
    let direct = on_a_terminal(dir.path(), "query --limit 5 --no-pager");
    assert!(
        !direct.contains("PAGER-START")
            && direct.lines().filter(|l| l.starts_with("20")).count() == 5,
        "{direct}"
    );
    let json = on_a_terminal(dir.path(), "query --limit 5 -o json");
    assert!(
        !json.contains("PAGER-START") && json.contains("\"@timestamp\""),
        "{json}"
    );
    let fields = on_a_terminal(dir.path(), "fields");
    assert!(
        fields.contains("PAGER-START") && fields.contains("service"),
        "{fields}"
    );
}

#[test]
fn saved_queries_stand_in_for_their_text_and_queries_are_remembered() {
    let dir = tempfile::tempdir().unwrap();
    simulate_store(dir.path(), 6, 2000);
    let count = |query: &str| -> u64 {
        // Exit 1 (nothing matched) still prints the count.
        let out = logagg(dir.path())
            .args(["query", query, "--count", "-o", "json"])
            .output()
            .unwrap();
        assert!(out.status.code().is_some_and(|c| c < 2), "{out:?}");
        serde_json::from_slice::<Value>(&out.stdout).unwrap()["count"]
            .as_u64()
            .unwrap()
    };
    stdout_of(logagg(dir.path()).args(["saved", "add", "errors", "level:>=warn"]));
    stdout_of(logagg(dir.path()).args([
        "saved",
        "add",
        "checkout",
        "service:(api-gateway OR cache) AND @errors",
    ]));
    let expected = count("service:(api-gateway OR cache) AND level:>=warn");
    assert!(expected > 0);
    assert_eq!(count("@checkout"), expected);
    assert_eq!(
        count("@errors -service:api-gateway -service:cache") + expected,
        count("level:>=warn")
    );
    // The field @timestamp is not a saved query.
    assert_eq!(
        count("@timestamp:[2000-01-01T00:00:00Z TO now] AND @errors"),
        count("@errors")
    );
    // Listing, refusing what would be wrong, forgetting.
    let listed = stdout_of(logagg(dir.path()).args(["saved", "list", "-o", "json"]));
    assert_eq!(listed.lines().count(), 2, "{listed}");
    assert!(listed.contains(r#""name":"checkout""#));
    let unknown = error_of(logagg(dir.path()).args(["query", "@nosuch"]));
    assert!(
        unknown.contains("no saved query '@nosuch'") && unknown.contains("checkout"),
        "{unknown}"
    );
    let taken = error_of(logagg(dir.path()).args(["saved", "add", "errors", "level:warn"]));
    assert!(taken.contains("--force"), "{taken}");
    let broken = error_of(logagg(dir.path()).args(["saved", "add", "bad", "service:(auth"]));
    assert!(broken.contains("missing closing"), "{broken}");
    let circular =
        error_of(logagg(dir.path()).args(["saved", "add", "errors", "@checkout", "--force"]));
    assert!(circular.contains("names itself"), "{circular}");
    stdout_of(logagg(dir.path()).args(["saved", "rm", "checkout"]));
    let gone = error_of(logagg(dir.path()).args(["query", "@checkout"]));
    assert!(gone.contains("no saved query '@checkout'"), "{gone}");
    // Every query run is in the history, as typed, oldest first.
    let history = stdout_of(logagg(dir.path()).args(["history", "-n", "3", "-o", "json"]));
    let queries: Vec<String> = history
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["query"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(queries, ["@errors", "@nosuch", "@checkout"], "{history}");
    let table = stdout_of(logagg(dir.path()).args(["history", "-o", "table"]));
    assert!(
        table.lines().last().unwrap().ends_with("query   @checkout"),
        "{table}"
    );
    // History can be turned off.
    let off = logagg(dir.path())
        .env("LOGAGG_HISTORY", "")
        .args(["query", "level:fatal", "--count"])
        .output()
        .unwrap();
    assert!(off.status.code().is_some());
    let after = stdout_of(logagg(dir.path()).args(["history", "-n", "1", "-o", "json"]));
    assert!(after.contains("@checkout"), "{after}");
}
