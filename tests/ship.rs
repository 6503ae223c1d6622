//! `ship` into the embedded store, end to end: real formats read from files and queried
//! back, and exactly-once across SIGKILL and rotation.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::kafka::{http_get, interrupt, output_of, spawn, stored_count, wait_until};
use common::{logagg, stdout_of};
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

fn events(dir: &Path, query: &str) -> Vec<Value> {
    stdout_of(logagg(dir).args(["query", query, "--limit", "0", "--asc", "--output", "json"]))
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
}

fn append(path: &Path, text: &str) {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .unwrap();
    file.write_all(text.as_bytes()).unwrap();
}

#[test]
fn real_formats_keep_their_own_time_level_and_program() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    std::fs::create_dir(&logs).unwrap();
    write(
        &logs.join("syslog"),
        "Nov 24 13:00:00 web-1 sshd[812]: Accepted publickey for deploy\n\
         <11>Nov 24 13:00:01 web-1 nginx[9]: upstream timed out\n",
    );
    write(
        &logs.join("logcat.txt"),
        "11-24 13:00:02.500  1702  2395 W ActivityManager: Unable to start service\n\
         11-24 13:00:03.250  1702  2395 E AndroidRuntime: FATAL EXCEPTION: main\n",
    );
    write(
        &logs.join("spark.log"),
        "26/11/24 13:00:04 INFO executor.Executor: Running task 0.0\n\
         26/11/24 13:00:05 WARN storage.BlockManager: Putting block failed\n",
    );
    write(
        &logs.join("cbs.log"),
        "2026-11-24 13:00:06, Info                  CBS    Starting TrustedInstaller initialization.\n\
         2026-11-24 13:00:07, Error                 CSI    Failed to open\n",
    );
    let files: Vec<String> = ["syslog", "logcat.txt", "spark.log", "cbs.log"]
        .iter()
        .map(|f| logs.join(f).display().to_string())
        .collect();
    // The files' modification time (2026-11-29) gives the year syslog and logcat leave out.
    for f in &files {
        let file = std::fs::File::options().write(true).open(f).unwrap();
        file.set_modified(std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_796_000_000))
            .unwrap();
    }
    let out = logagg(dir.path())
        .arg("ship")
        .args(&files)
        .args(["--host", "box"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    for expected in ["format syslog", "format logcat", "format header"] {
        assert!(stderr.contains(expected), "{stderr}");
    }
    let all = events(dir.path(), "*");
    let got: Vec<(&str, &str, &str, &str)> = all
        .iter()
        .map(|e| {
            (
                e["@timestamp"].as_str().unwrap(),
                e["level"].as_str().unwrap(),
                e["service"].as_str().unwrap(),
                e["host"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("2026-11-24T13:00:00.000Z", "info", "sshd", "web-1"),
            ("2026-11-24T13:00:01.000Z", "error", "nginx", "web-1"),
            ("2026-11-24T13:00:02.500Z", "warn", "ActivityManager", "box"),
            ("2026-11-24T13:00:03.250Z", "error", "AndroidRuntime", "box"),
            ("2026-11-24T13:00:04.000Z", "info", "unknown", "box"),
            ("2026-11-24T13:00:05.000Z", "warn", "unknown", "box"),
            ("2026-11-24T13:00:06.000Z", "info", "unknown", "box"),
            ("2026-11-24T13:00:07.000Z", "error", "unknown", "box"),
        ]
    );
    assert!(all.iter().all(|e| e.get("unparsed").is_none()));
    assert_eq!(all[0]["fields"]["pid"], 812);
    // The whole line stays the message, so words of the header are searchable too.
    let sshd = events(dir.path(), "service:sshd AND publickey");
    assert_eq!(
        sshd[0]["message"],
        "Nov 24 13:00:00 web-1 sshd[812]: Accepted publickey for deploy"
    );
    assert_eq!(events(dir.path(), "level:>=error").len(), 3);
}

#[test]
fn shipping_a_file_again_stores_nothing_twice_and_unknown_lines_are_counted() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("app.log");
    write(
        &file,
        "just some words\n2026-11-24T13:00:00Z ERROR first\n2026-11-24T13:00:01Z INFO second\n",
    );
    let ship = |dir: &Path| {
        let out = logagg(dir)
            .args(["ship", file.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let first = ship(dir.path());
    assert!(first.contains("1 lines matched no format"), "{first}");
    assert_eq!(stored_count(dir.path()), 3);
    let flagged = events(dir.path(), "words");
    assert_eq!(flagged[0]["unparsed"], true);
    let again = ship(dir.path());
    assert!(again.contains("already stored"), "{again}");
    assert_eq!(stored_count(dir.path()), 3);
    append(&file, "2026-11-24T13:00:02Z WARN third\n");
    ship(dir.path());
    assert_eq!(stored_count(dir.path()), 4, "only the new line is added");
}

/// The store reads the `fields` of logagg's own JSON lines on its sealing thread: what it
/// holds is what `--to stdout` prints, for those lines and for JSON it cannot take that way
/// (nested values, spaces, escapes), mixed into the same streams, across full blocks.
#[test]
fn json_lines_are_stored_as_they_are_printed() {
    let dir = tempfile::tempdir().unwrap();
    let simulated = stdout_of(logagg(dir.path()).args([
        "simulate", "--to", "stdout", "--count", "40000", "--seed", "7",
    ]));
    let odd = [
        r#"{"@timestamp":"2026-11-24T13:00:00Z","level":"warn","service":"api-gateway","host":"gw-1","message":"nested","fields":{"a":{"b":[1,2]},"c":"d"}}"#,
        r#"{ "@timestamp": "2026-11-24T13:00:01Z", "level": "info", "service": "api-gateway", "host": "gw-1", "message": "spaced", "fields": {"x": 1} }"#,
        r#"{"@timestamp":"2026-11-24T13:00:02Z","level":"info","service":"api-gateway","host":"gw-1","message":"escaped","fields":{"k\"ey":"v\u00e9","n":-1.5e3,"t":true,"z":null}}"#,
        r#"{"@timestamp":"2026-11-24T13:00:03Z","level":"info","service":"api-gateway","host":"gw-1","message":"no fields"}"#,
        r#"{"@timestamp":"2026-11-24T13:00:04Z","level":"info","service":"api-gateway","host":"gw-1","message":"empty","fields":{}}"#,
    ];
    let mut text = String::new();
    for (i, line) in simulated.lines().enumerate() {
        text.push_str(line);
        text.push('\n');
        if i % 7919 == 0 {
            text.push_str(odd[(i / 7919) % odd.len()]);
            text.push('\n');
        }
    }
    for line in odd {
        text.push_str(line);
        text.push('\n');
    }
    let file = dir.path().join("events.ndjson");
    write(&file, &text);
    let printed = stdout_of(logagg(dir.path()).args([
        "ship".as_ref(),
        file.as_os_str(),
        "--to".as_ref(),
        "stdout".as_ref(),
    ]));
    stdout_of(logagg(dir.path()).args(["ship".as_ref(), file.as_os_str()]));
    let stored =
        stdout_of(logagg(dir.path()).args(["query", "*", "--limit", "0", "--output", "json"]));
    let sorted = |text: &str| {
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        lines.sort();
        lines
    };
    let (printed, stored) = (sorted(&printed), sorted(&stored));
    assert_eq!(printed.len(), 40000 + 6 + odd.len());
    // Each event says which file it came from, after the line's own fields.
    let path_member = format!(r#""log.file.path":"{}""#, file.display());
    assert!(
        printed.iter().all(|l| l.contains(&path_member)),
        "{printed:?}"
    );
    assert!(printed.iter().any(|l| l.contains(&format!(
        r#""fields":{{"a":{{"b":[1,2]}},"c":"d",{path_member}}}"#
    ))));
    assert_eq!(printed, stored);
}

/// `ship FILE --follow`, polling and committing often enough for a test, then `extra`.
fn follow_args(file: &Path, extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = ["ship", file.to_str().unwrap(), "--follow"]
        .into_iter()
        .chain(["--poll", "20ms", "--commit-interval", "50ms"])
        .map(str::to_string)
        .collect();
    args.extend(extra.iter().map(|a| a.to_string()));
    args
}

/// Lines `from..to` of a numbered log, one entry each.
fn lines(from: usize, to: usize) -> String {
    (from..to)
        .map(|i| {
            format!(
                "2026-11-24T13:{:02}:{:02}.{:03}Z INFO line {i}\n",
                i / 3600 % 60,
                i / 60 % 60,
                i % 1000
            )
        })
        .collect()
}

fn line_numbers(dir: &Path) -> BTreeMap<u64, usize> {
    let mut seen = BTreeMap::new();
    for event in events(dir, "*") {
        let message = event["message"].as_str().unwrap();
        let n: u64 = message.rsplit(' ').next().unwrap().parse().unwrap();
        *seen.entry(n).or_default() += 1;
    }
    seen
}

#[test]
fn follow_into_the_store_is_exactly_once_across_sigkill_and_rotation() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    std::fs::create_dir(&logs).unwrap();
    let app = logs.join("app.log");
    let args = follow_args(&app, &[]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    append(&app, &lines(0, 2000));
    let first = spawn(dir.path(), "ship1", &args);
    wait_until(60, "the first lines are stored", || {
        stored_count(dir.path()) >= 2000
    });
    append(&app, &lines(2000, 4000));
    // Killed without warning while it reads: what it stored is committed with positions.
    std::thread::sleep(std::time::Duration::from_millis(30));
    let mut first = first;
    first.0.kill().unwrap();
    first.0.wait().unwrap();

    // Rotated while nobody ships: the old file gets a last few lines, a new one starts.
    append(&app, &lines(4000, 4500));
    std::fs::rename(&app, logs.join("app.log.1")).unwrap();
    append(&app, &lines(4500, 5000));

    let second = spawn(dir.path(), "ship2", &args);
    wait_until(60, "everything is stored", || {
        stored_count(dir.path()) >= 5000
    });
    // And a rotation while it runs.
    std::fs::rename(&app, logs.join("app.log.2")).unwrap();
    append(&app, &lines(5000, 5200));
    wait_until(60, "the new file is stored", || {
        stored_count(dir.path()) >= 5200
    });
    interrupt(second);
    let (_, err) = output_of(dir.path(), "ship2");
    assert!(err.contains("rotated"), "{err}");
    let seen = line_numbers(dir.path());
    let missing: Vec<_> = (0..5200u64).filter(|n| !seen.contains_key(n)).collect();
    let repeated: Vec<_> = seen.iter().filter(|(_, &c)| c > 1).collect();
    assert!(missing.is_empty(), "missing lines: {missing:?}");
    assert!(repeated.is_empty(), "stored twice: {repeated:?}");
    assert_eq!(seen.len(), 5200);
}

#[test]
fn every_generation_rotated_while_ship_was_down_is_stored_once() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    std::fs::create_dir(&logs).unwrap();
    let app = logs.join("app.log");
    let args = follow_args(&app, &[]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    append(&app, &lines(0, 1000));
    let first = spawn(dir.path(), "ship1", &args);
    wait_until(60, "the first file is stored", || {
        stored_count(dir.path()) >= 1000
    });
    interrupt(first);
    // Two rotations while nobody ships (logrotate's scheme), each generation with lines
    // of its own: the middle one never had a position committed.
    std::fs::rename(&app, logs.join("app.log.1")).unwrap();
    append(&app, &lines(1000, 2000));
    std::fs::rename(logs.join("app.log.1"), logs.join("app.log.2")).unwrap();
    std::fs::rename(&app, logs.join("app.log.1")).unwrap();
    append(&app, &lines(2000, 2500));
    let second = spawn(dir.path(), "ship2", &args);
    wait_until(60, "every generation is stored", || {
        stored_count(dir.path()) >= 2500
    });
    interrupt(second);
    let seen = line_numbers(dir.path());
    let missing: Vec<_> = (0..2500u64).filter(|n| !seen.contains_key(n)).collect();
    let repeated: Vec<_> = seen.iter().filter(|(_, &c)| c > 1).collect();
    assert!(
        missing.is_empty(),
        "missing lines: {} of them",
        missing.len()
    );
    assert!(repeated.is_empty(), "stored twice: {repeated:?}");
    let (_, err) = output_of(dir.path(), "ship2");
    assert!(err.contains("app.log.1"), "{err}");
}

/// A shipper killed before its first commit, with the file rotated while it was down: the
/// file it had begun is found among the rotated ones and read whole, not skipped.
#[test]
fn a_file_rotated_before_the_first_commit_is_still_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    std::fs::create_dir(&logs).unwrap();
    let app = logs.join("app.log");
    append(&app, &lines(0, 1000));
    let app_arg = app.to_str().unwrap();
    let never_commits = [
        "ship",
        app_arg,
        "--follow",
        "--poll",
        "20ms",
        "--commit-interval",
        "1h",
    ];
    let first = spawn(dir.path(), "ship1", &never_commits);
    // The start is recorded before anything is read: the manifest names the file at 0.
    wait_until(60, "the file's start is recorded", || {
        std::fs::read_to_string(dir.path().join("manifest.json")).is_ok_and(|m| m.contains(app_arg))
    });
    let mut first = first;
    first.0.kill().unwrap();
    first.0.wait().unwrap();
    assert_eq!(stored_count(dir.path()), 0, "nothing was committed");
    std::fs::rename(&app, logs.join("app.log.1")).unwrap();
    append(&app, &lines(1000, 1500));

    let args = follow_args(&app, &[]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let second = spawn(dir.path(), "ship2", &args);
    wait_until(60, "both files are stored", || {
        stored_count(dir.path()) >= 1500
    });
    interrupt(second);
    let seen = line_numbers(dir.path());
    let missing: Vec<_> = (0..1500u64).filter(|n| !seen.contains_key(n)).collect();
    assert!(
        missing.is_empty(),
        "missing lines: {} of them",
        missing.len()
    );
    assert!(seen.values().all(|&c| c == 1), "a line stored twice");

    // Into a sink that keeps no positions, the checkpoint file records the start at once.
    let other = logs.join("other.log");
    append(&other, &lines(0, 10));
    let checkpoint = dir.path().join("other.checkpoint.json");
    let third = spawn(
        dir.path(),
        "ship3",
        &[
            "ship",
            other.to_str().unwrap(),
            "--follow",
            "--to",
            "stdout",
            "--checkpoint",
            checkpoint.to_str().unwrap(),
            "--commit-interval",
            "1h",
        ],
    );
    wait_until(60, "the checkpoint names the file", || {
        std::fs::read_to_string(&checkpoint).is_ok_and(|c| c.contains("other.log"))
    });
    interrupt(third);
}

#[test]
fn bad_format_flags_are_refused_with_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    let err = common::error_of(logagg(dir.path()).args([
        "ship",
        "--to",
        "stdout",
        "--timezone",
        "Mars/Olympus",
    ]));
    assert!(err.contains("--timezone 'Mars/Olympus'"), "{err}");
    let out = logagg(dir.path())
        .args([
            "ship",
            "--to",
            "stdout",
            "--time-format",
            "%d.%m.%Y %H:%M",
            "--timezone",
            "+01:00",
        ])
        .write_stdin("24.11.2026 14:00 WARN disk almost full\n")
        .output()
        .unwrap();
    let event: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(event["@timestamp"], "2026-11-24T13:00:00.000Z");
    assert_eq!(event["level"], "warn");
}

#[test]
fn ship_serves_the_pipeline_metrics() {
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path().join("app.log");
    // A line no format reads, before the first entry (after one it would continue it).
    let mut text = "}}} not a line any format reads\n".to_string();
    text.push_str(&lines(0, 400));
    write(&app, &text);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let args = follow_args(&app, &["--metrics-addr", &addr]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let child = spawn(dir.path(), "ship", &args);
    let mut text = String::new();
    wait_until(60, "the metrics count every line stored", || {
        text = http_get(&addr, "/metrics").unwrap_or_default();
        text.contains("logagg_ingest_events_out_total 401")
    });
    interrupt(child);
    for expected in [
        "logagg_ingest_events_in_total 401",
        "logagg_ingest_unparsed_total 1",
        "logagg_ingest_commit_duration_seconds_count",
        "logagg_ingest_dead_letters_total 0",
    ] {
        assert!(text.contains(expected), "{expected} missing from:\n{text}");
    }
    let by_level: u64 = text
        .lines()
        .filter(|l| l.starts_with("logagg_ingest_events_by_service_level_total{"))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
        .sum();
    assert_eq!(by_level, 401, "{text}");
    let bytes: u64 = text
        .lines()
        .find_map(|l| l.strip_prefix("logagg_ingest_bytes_in_total "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_default();
    assert!(
        bytes >= std::fs::metadata(&app).unwrap().len() - 401,
        "{bytes}"
    );
}

#[test]
fn inputs_that_cannot_be_read_are_refused_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.log");
    let err = common::error_of(logagg(dir.path()).args(["ship".as_ref(), missing.as_os_str()]));
    assert!(
        err.contains("missing.log") && err.contains("check the path"),
        "{err}"
    );
    let err = common::error_of(logagg(dir.path()).args(["ship".as_ref(), dir.path().as_os_str()]));
    assert!(err.contains("name the files in it"), "{err}");
    let err = common::error_of(logagg(dir.path()).args(["ship", "--follow", "-"]));
    assert!(err.contains("tail -F"), "{err}");
    assert!(
        !dir.path().join("manifest.json").exists(),
        "a refused ship left a store behind"
    );
}

#[test]
fn standard_input_is_stored_each_time_and_leaves_no_position_behind() {
    let dir = tempfile::tempdir().unwrap();
    // `-` names standard input, as it does for most tools; no file name means it too.
    for args in [&["ship"][..], &["ship", "-"][..]] {
        logagg(dir.path())
            .args(args)
            .write_stdin("2026-11-24T13:00:00Z INFO one\n2026-11-24T13:00:01Z WARN two\n")
            .assert()
            .success();
    }
    assert_eq!(
        stored_count(dir.path()),
        4,
        "standard input is never resumed"
    );
    let manifest = std::fs::read_to_string(dir.path().join("manifest.json")).unwrap();
    assert!(
        !manifest.contains("stdin"),
        "positions kept for stdin: {manifest}"
    );
}

/// `logagg ship ARGS` reading a pipe the test keeps open: the child, its standard input,
/// and the lines it prints as they come.
struct PipedShip {
    child: std::process::Child,
    stdin: Option<std::process::ChildStdin>,
    printed: std::sync::mpsc::Receiver<String>,
    _dir: tempfile::TempDir,
}

impl PipedShip {
    fn start(args: &[&str]) -> PipedShip {
        let dir = tempfile::tempdir().unwrap();
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("logagg"))
            .arg("--data-dir")
            .arg(dir.path())
            .arg("ship")
            .args(args)
            .env("XDG_CONFIG_HOME", dir.path().join("config"))
            .env_remove("LOGAGG_BROKERS")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().unwrap();
        let (lines, printed) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            use std::io::BufRead;
            for line in std::io::BufReader::new(stdout).lines() {
                let _ = lines.send(line.unwrap());
            }
        });
        PipedShip {
            child,
            stdin,
            printed,
            _dir: dir,
        }
    }

    fn write(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().unwrap();
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
    }

    /// The next event printed, within 20 seconds (`why` says what it means if none comes).
    fn next_event(&self, why: &str) -> Value {
        let line = self
            .printed
            .recv_timeout(std::time::Duration::from_secs(20))
            .expect(why);
        serde_json::from_str(&line).unwrap()
    }

    /// Closes the pipe; the command must then end well.
    fn close(&mut self) {
        self.stdin = None;
        assert!(self.child.wait().unwrap().success());
    }
}

impl Drop for PipedShip {
    /// A test that failed does not leave its command running.
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_piped_multi_line_entry_is_shipped_once_the_writer_goes_quiet() {
    let mut ship = PipedShip::start(&["--to", "stdout", "--multiline", r"^\d{4}-"]);
    ship.write(
        b"2026-11-24 13:00:00,250 ERROR [main] boom\n\tat a.b(C.java:1)\n\tat d.e(F.java:2)\n",
    );
    // No next entry comes and the pipe stays open: the stack trace must still come out,
    // whole, after the writer has been quiet a moment.
    let event = ship.next_event("the entry waited for the next line although the writer was quiet");
    assert_eq!(
        event["message"],
        "2026-11-24 13:00:00,250 ERROR [main] boom\n\tat a.b(C.java:1)\n\tat d.e(F.java:2)"
    );
    assert_eq!(event["level"], "error");
    // What comes later still joins as it should.
    ship.write(b"2026-11-24 13:00:05,000 INFO [main] next\n\tcontinued\n");
    ship.stdin = None;
    let event = ship.next_event("the second entry was not shipped");
    assert_eq!(
        event["message"],
        "2026-11-24 13:00:05,000 INFO [main] next\n\tcontinued"
    );
    ship.close();
    assert!(ship.printed.try_recv().is_err(), "nothing more was sent");
}

#[test]
fn ctrl_c_stops_ship_waiting_for_a_pipe_that_never_wrote() {
    let mut ship = PipedShip::start(&["--to", "stdout"]);
    // The writer keeps the pipe open and writes nothing: the format cannot be detected
    // yet, and Ctrl-C must still be heard.
    std::thread::sleep(std::time::Duration::from_millis(500));
    let interrupted = std::process::Command::new("kill")
        .args(["-INT", &ship.child.id().to_string()])
        .status()
        .unwrap();
    assert!(interrupted.success());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let status = loop {
        if let Some(status) = ship.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "ship did not stop on Ctrl-C while waiting for its first line"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert!(status.success(), "{status}");
}

#[test]
fn lines_piped_in_are_shipped_as_they_come_not_when_the_pipe_closes() {
    let mut ship = PipedShip::start(&["--to", "stdout"]);
    ship.write(b"2026-11-24 13:00:00,250 ERROR [main] first\n");
    // The pipe stays open: the line must come out all the same.
    let event = ship.next_event("the first line was not shipped while the pipe stayed open");
    assert_eq!(event["@timestamp"], "2026-11-24T13:00:00.250Z");
    assert_eq!(event["level"], "error");
    ship.close();
}

#[test]
fn entries_span_lines_without_a_setting_and_every_time_says_where_it_came_from() {
    let dir = tempfile::tempdir().unwrap();
    let java = dir.path().join("app.log");
    // Cut mid-entry at the top, a blank line, a stack trace with a cause.
    write(
        &java,
        "\tat com.shop.Pool.take(Pool.java:88)\n\
         2026-11-24 13:00:00,001 INFO  [main] com.shop.App - started\n\
         \n\
         2026-11-24 13:00:01,002 ERROR [http-1] com.shop.Api - request failed\n\
         java.lang.IllegalStateException: boom\n\
         \tat com.shop.Api.handle(Api.java:42)\n\
         Caused by: java.io.IOException: closed\n\
         \t... 3 more\n\
         2026-11-24 13:00:02,003 WARN  [main] com.shop.App - slow\n",
    );
    let python = dir.path().join("worker.log");
    write(
        &python,
        "2026-11-24 13:00:03,100 - worker - ERROR - job 7 failed\n\
         Traceback (most recent call last):\n\
         \x20 File \"/srv/worker.py\", line 12, in run\n\
         \x20   step()\n\
         ValueError: bad input\n\
         2026-11-24 13:00:04,200 - worker - INFO - job 8 done\n",
    );
    let syslog = dir.path().join("syslog");
    write(
        &syslog,
        "Nov 24 13:00:05 web-1 cron[7]: (root) CMD (run-parts)\n",
    );
    let out = logagg(dir.path())
        .args([
            "ship".as_ref(),
            java.as_os_str(),
            python.as_os_str(),
            syslog.as_os_str(),
        ])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "{said}");
    assert!(
        said.contains("1 blank lines and directives left out"),
        "{said}"
    );
    assert!(said.contains("time_from:year_assumed"), "{said}");
    let stored = events(dir.path(), "*");
    let messages: Vec<&str> = stored
        .iter()
        .map(|e| e["message"].as_str().unwrap())
        .collect();
    assert_eq!(stored.len(), 7, "{messages:#?}");
    let failed = events(dir.path(), "\"request failed\"");
    assert_eq!(failed.len(), 1);
    assert_eq!(
        failed[0]["message"],
        "2026-11-24 13:00:01,002 ERROR [http-1] com.shop.Api - request failed\n\
         java.lang.IllegalStateException: boom\n\tat com.shop.Api.handle(Api.java:42)\n\
         Caused by: java.io.IOException: closed\n\t... 3 more"
    );
    assert_eq!(failed[0]["level"], "error");
    let job = events(dir.path(), "\"job 7 failed\"");
    assert_eq!(job.len(), 1);
    assert!(job[0]["message"]
        .as_str()
        .unwrap()
        .ends_with("ValueError: bad input"));
    // The line the file began with has no time: flagged, not given one silently.
    let orphan = events(dir.path(), "time_from:received");
    assert_eq!(orphan.len(), 1);
    assert_eq!(
        orphan[0]["message"],
        "\tat com.shop.Pool.take(Pool.java:88)"
    );
    assert_eq!(orphan[0]["unparsed"], true);
    let cron = events(dir.path(), "time_from:year_assumed");
    assert_eq!(cron.len(), 1);
    assert_eq!(cron[0]["service"], "cron");
    assert_eq!(
        stdout_of(logagg(dir.path()).args(["query", "time_from:line", "--count"])).trim(),
        "5"
    );
    // The table marks such times, and says once what the mark means.
    let table = logagg(dir.path())
        .args(["query", "*", "--output", "table"])
        .output()
        .unwrap();
    let rows = String::from_utf8_lossy(&table.stdout).to_string();
    assert_eq!(
        rows.lines().filter(|r| r.contains("? ")).count(),
        2,
        "{rows}"
    );
    let note = String::from_utf8_lossy(&table.stderr).to_string();
    assert!(note.contains("2 of the times shown (marked ?)"), "{note}");
    // A binary file is refused, naming it, and nothing of it is stored.
    let binary = dir.path().join("core.bin");
    std::fs::write(&binary, b"\x7fELF\x02\x01\x01\x00\x00\x00garbage\n").unwrap();
    let err = common::error_of(logagg(dir.path()).args(["ship".as_ref(), binary.as_os_str()]));
    assert!(err.contains("core.bin") && err.contains("binary"), "{err}");
    assert_eq!(events(dir.path(), "*").len(), 7);
}

/// Each event says which file it was read from (`log.file.path`), whichever sink takes it,
/// and one OpenTelemetry export request per line gives one event per log record, stored
/// once however often the file is shipped.
#[test]
fn every_event_names_its_file_and_an_opentelemetry_export_gives_one_event_per_record() {
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path().join("app.log");
    let worker = dir.path().join("worker.log");
    let otel = dir.path().join("otel.jsonl");
    write(
        &app,
        "2026-12-07 08:00:00,001 INFO [main] App: started\n\
         2026-12-07 08:00:01,002 ERROR [main] App: boom\n\tat x.Y.z(Y.java:1)\n",
    );
    write(
        &worker,
        "{\"time\":\"2026-12-07T08:00:02Z\",\"level\":\"warn\",\"msg\":\"slow\",\"fields\":{\"ms\":900}}\n\
         {\"time\":\"2026-12-07T08:00:03Z\",\"level\":\"info\",\"msg\":\"from elsewhere\",\"fields\":{\"log.file.path\":\"/orig/x.log\"}}\n",
    );
    // Two export requests as the collector's file exporter writes them: the first with two
    // records of one resource, the second with a record and one without a time.
    let record = |nanos: &str, severity: u32, body: &str| {
        format!(
            r#"{{"timeUnixNano":"{nanos}","severityNumber":{severity},"body":{{"stringValue":"{body}"}},"attributes":[{{"key":"http.status_code","value":{{"intValue":"503"}}}}],"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174"}}"#
        )
    };
    let request = |service: &str, records: &[String]| {
        format!(
            r#"{{"resourceLogs":[{{"resource":{{"attributes":[{{"key":"service.name","value":{{"stringValue":"{service}"}}}}]}},"scopeLogs":[{{"scope":{{"name":"shop"}},"logRecords":[{}]}}]}}]}}"#,
            records.join(",")
        )
    };
    write(
        &otel,
        &format!(
            "{}\n{}\n",
            request(
                "checkout",
                &[
                    record("1765094404000000000", 17, "payment declined"),
                    record("1765094405500000000", 9, "retrying"),
                ]
            ),
            request(
                "cart",
                &[
                    record("1765094406000000000", 13, "cart slow"),
                    r#"{"severityText":"DEBUG","body":{"stringValue":"no time"}}"#.to_owned()
                ]
            ),
        ),
    );
    let files = [&app, &worker, &otel];
    for _ in 0..2 {
        let mut ship = logagg(dir.path());
        ship.arg("ship").args(files);
        stdout_of(&mut ship);
    }
    let stored = events(dir.path(), "*");
    assert_eq!(stored.len(), 2 + 2 + 4, "{stored:#?}");
    let path_of = |e: &Value| e["fields"]["log.file.path"].as_str().unwrap().to_owned();
    let count = |path: &Path| {
        stored
            .iter()
            .filter(|e| path_of(e) == path.to_str().unwrap())
            .count()
    };
    assert_eq!((count(&app), count(&worker), count(&otel)), (2, 1, 4));
    assert!(
        stored.iter().any(|e| path_of(e) == "/orig/x.log"),
        "a line's own file is kept"
    );
    let by_file = stdout_of(logagg(dir.path()).args(["query", "--count-by", "log.file.path"]));
    assert!(
        by_file.contains(&format!(
            r#"{{"count":4,"log.file.path":"{}"}}"#,
            otel.display()
        )),
        "{by_file}"
    );
    let query = format!("log.file.path:\"{}\"", app.display());
    assert_eq!(events(dir.path(), &query).len(), 2);

    let otel_events = events(dir.path(), &format!("log.file.path:\"{}\"", otel.display()));
    let summary: Vec<(String, String, String, String)> = otel_events
        .iter()
        .map(|e| {
            (
                e["@timestamp"].as_str().unwrap().to_owned(),
                e["level"].as_str().unwrap().to_owned(),
                e["service"].as_str().unwrap().to_owned(),
                e["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let no_time = summary.iter().find(|s| s.3 == "no time").unwrap().0.clone();
    let want = [
        (
            "2025-12-07T08:00:04.000Z",
            "error",
            "checkout",
            "payment declined",
        ),
        ("2025-12-07T08:00:05.500Z", "info", "checkout", "retrying"),
        ("2025-12-07T08:00:06.000Z", "warn", "cart", "cart slow"),
    ];
    for (at, level, service, message) in want {
        assert!(
            summary.contains(&(at.into(), level.into(), service.into(), message.into())),
            "{summary:?}"
        );
    }
    let declined = otel_events
        .iter()
        .find(|e| e["message"] == "payment declined")
        .unwrap();
    assert_eq!(declined["trace_id"], "5b8efff798038103d269b633813fc60c");
    assert_eq!(declined["fields"]["http.status_code"], 503);
    assert_eq!(declined["fields"]["span.id"], "eee19b7ec3c1b174");
    // A record without a time takes the shipping time and says so.
    let flagged = events(dir.path(), "time_from:received");
    assert_eq!(flagged.len(), 1, "{flagged:#?}");
    assert_eq!(flagged[0]["@timestamp"], no_time.as_str());
    assert_eq!(flagged[0]["level"], "debug");

    // Printed, the events carry the same path.
    let printed = stdout_of(
        logagg(dir.path())
            .arg("ship")
            .arg(&otel)
            .args(["--to", "stdout"]),
    );
    assert_eq!(printed.lines().count(), 4);
    assert!(printed
        .lines()
        .all(|l| l.contains(&format!(r#""log.file.path":"{}""#, otel.display()))));
}
