//! Every Kafka command against a broker secured as operators run one (TLS, SCRAM-SHA-512,
//! ACLs), and each way that can fail said in one line, quickly, with nothing committed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::kafka_secure::{SecureBroker, ADMIN, NO_GROUP, OUTSIDER, REVOCABLE};
use common::logagg;
use std::time::{Duration, Instant};

const SEED: &str = "7";
const START: &str = "2026-11-24T00:00:00Z";

/// `logagg --data-dir DIR ARGS...` reaching the secured listener as `user`.
fn secured(dir: &std::path::Path, user: (&str, &str), args: &[&str]) -> assert_cmd::Command {
    secured_but(dir, user, args, None)
}

/// `secured` with one security flag's value replaced.
fn secured_but(
    dir: &std::path::Path,
    user: (&str, &str),
    args: &[&str],
    replaced: Option<(&str, &str)>,
) -> assert_cmd::Command {
    let broker = SecureBroker::shared();
    let (mut flags, (var, password)) = broker.flags(user);
    if let Some((flag, value)) = replaced {
        let at = flags.iter().position(|f| f == flag).unwrap();
        flags[at + 1] = value.to_string();
    }
    let mut cmd = logagg(dir);
    cmd.args(args).args(&flags).env(var, password);
    cmd
}

/// Runs `cmd`, which must fail with exit 2 within `secs`; returns its stderr.
fn refused(mut cmd: assert_cmd::Command, secs: u64) -> String {
    let started = Instant::now();
    let out = cmd.timeout(Duration::from_secs(60)).output().unwrap();
    let took = started.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    // The status says which signal ended the process, when one did (seen once: a refusal
    // said in full, then the process gone without an exit code).
    assert_eq!(
        out.status.code(),
        Some(2),
        "exit 2 expected, the process ended with {:?}; stderr: {stderr}",
        out.status
    );
    assert!(
        took < Duration::from_secs(secs),
        "said within {secs} s, took {took:?}: {stderr}"
    );
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "one error line: {stderr}");
    // A busy broker may first make a member wait for its group's coordinator, said as a
    // retry note; the refusal itself is the one error line.
    errors[0].to_string()
}

fn simulate_secured(dir: &std::path::Path, topic: &str, count: &str) {
    let out = secured(
        dir,
        ADMIN,
        &[
            "simulate",
            "--to",
            "kafka",
            "--topic",
            topic,
            "--create-topic",
            "--partitions",
            "2",
            "--count",
            count,
            "--seed",
            SEED,
            "--start",
            START,
        ],
    )
    .output()
    .unwrap();
    assert!(
        out.status.success(),
        "simulate over SASL_SSL: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn simulate_ingest_and_query_over_tls_and_scram() {
    let dir = tempfile::tempdir().unwrap();
    simulate_secured(dir.path(), "secure-logs", "3000");
    let out = secured(
        dir.path(),
        ADMIN,
        &[
            "ingest",
            "--topic",
            "secure-logs",
            "--exit-at-end",
            "--to",
            "embedded",
        ],
    )
    .output()
    .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "ingest over SASL_SSL: {stderr}");
    assert!(
        !stderr.contains(ADMIN.1),
        "the password never shows: {stderr}"
    );
    let count = common::stdout_of(logagg(dir.path()).args(["query", "--count"]));
    assert_eq!(count.trim(), "3000");
}

#[test]
fn a_wrong_password_is_said_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = secured(
        dir.path(),
        (ADMIN.0, "not-the-password"),
        &["ingest", "--topic", "secure-logs", "--exit-at-end"],
    );
    cmd.env("LOGAGG_KAFKA_PASSWORD", "not-the-password");
    let said = refused(cmd, 15);
    assert!(said.contains("authentication"), "{said}");
    assert!(!said.contains("not-the-password"), "{said}");
    assert!(!dir.path().join("store").exists() || common::kafka::stored_count(dir.path()) == 0);
}

#[test]
fn a_certificate_from_an_unknown_authority_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let broker = SecureBroker::shared();
    let other_ca = broker.tls.join("other-ca.pem");
    let cmd = secured_but(
        dir.path(),
        ADMIN,
        &["tail", "--source", "kafka", "--topic", "secure-logs"],
        Some(("--kafka-ca", other_ca.to_str().unwrap())),
    );
    let said = refused(cmd, 15);
    assert!(said.contains("certificate"), "{said}");
}

#[test]
fn a_broker_reached_by_another_name_than_its_certificate_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let broker = SecureBroker::shared();
    let port = broker.secure.rsplit(':').next().unwrap();
    let by_name = format!("localhost:{port}");
    let cmd = secured_but(
        dir.path(),
        ADMIN,
        &["tail", "--source", "kafka", "--topic", "secure-logs"],
        Some(("--brokers", &by_name)),
    );
    let said = refused(cmd, 15);
    assert!(said.contains("certificate"), "{said}");
}

#[test]
fn a_user_without_rights_to_the_topic_is_told_so() {
    let dir = tempfile::tempdir().unwrap();
    simulate_secured(dir.path(), "guarded", "10");
    let said = refused(
        secured(
            dir.path(),
            OUTSIDER,
            &["ingest", "--topic", "guarded", "--exit-at-end"],
        ),
        15,
    );
    assert!(
        said.contains("does not allow this user to use topic 'guarded'"),
        "{said}"
    );
    let said = refused(
        secured(
            dir.path(),
            OUTSIDER,
            &[
                "simulate", "--to", "kafka", "--topic", "guarded", "--count", "5",
            ],
        ),
        15,
    );
    assert!(
        said.contains("does not allow this user to use topic 'guarded'"),
        "{said}"
    );
}

#[test]
fn a_user_without_rights_to_the_group_is_told_so() {
    let dir = tempfile::tempdir().unwrap();
    simulate_secured(dir.path(), "no-group-logs", "50");
    let said = refused(
        secured(
            dir.path(),
            NO_GROUP,
            &[
                "ingest",
                "--topic",
                "no-group-logs",
                "--exit-at-end",
                "--to",
                "stdout",
            ],
        ),
        15,
    );
    assert!(said.contains("group"), "{said}");
}

/// The security settings from a profile of the config file, the password in it too.
fn secure_profile(dir: &std::path::Path, user: (&str, &str)) {
    let broker = SecureBroker::shared();
    let config = dir.join("config/logagg");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        config.join("config.toml"),
        format!(
            "profile = \"secure\"\n[profiles.secure]\nbrokers = \"{}\"\nkafka_ca = \"{}\"\n\
             kafka_sasl = \"SCRAM-SHA-512\"\nkafka_user = \"{}\"\nkafka_password = \"{}\"\n",
            broker.secure,
            broker.tls.join("ca.pem").display(),
            user.0,
            user.1
        ),
    )
    .unwrap();
}

#[test]
fn ship_tail_and_dlq_over_tls_and_scram_from_a_profile() {
    let dir = tempfile::tempdir().unwrap();
    secure_profile(dir.path(), ADMIN);
    let log = dir.path().join("app.log");
    let lines: String = (0..40)
        .map(|i| {
            format!(
                "2026-12-07T08:00:{:02}.000Z INFO checkout order {i} paid\n",
                i
            )
        })
        .collect();
    std::fs::write(&log, lines).unwrap();
    let ship = logagg(dir.path())
        .args([
            "ship",
            log.to_str().unwrap(),
            "--to",
            "kafka",
            "--topic",
            "shipped",
        ])
        .args(["--create-topic"])
        .output()
        .unwrap();
    assert!(
        ship.status.success(),
        "ship over SASL_SSL: {}",
        String::from_utf8_lossy(&ship.stderr)
    );
    let tail = common::kafka::spawn(
        dir.path(),
        "tail",
        &[
            "tail",
            "--source",
            "kafka",
            "--topic",
            "shipped",
            "--since",
            "2026-12-01T00:00:00Z",
            "-o",
            "json",
        ],
    );
    common::kafka::wait_until(30, "tail printed the shipped lines", || {
        common::kafka::output_of(dir.path(), "tail")
            .0
            .lines()
            .count()
            >= 40
    });
    common::kafka::interrupt(tail);
    let (out, err) = common::kafka::output_of(dir.path(), "tail");
    assert_eq!(out.lines().count(), 40, "{err}");
    assert!(out.contains("order 39 paid"));
    assert!(!err.contains(ADMIN.1), "the password never shows: {err}");
    // No dead letters: said, exit 1, over the same secured connection.
    let dlq = logagg(dir.path())
        .args(["dlq", "list", "--topic", "shipped"])
        .output()
        .unwrap();
    assert_eq!(
        dlq.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&dlq.stderr)
    );
}

#[test]
fn a_password_file_and_a_librdkafka_property_are_taken() {
    let dir = tempfile::tempdir().unwrap();
    simulate_secured(dir.path(), "by-name", "20");
    let broker = SecureBroker::shared();
    let port = broker.secure.rsplit(':').next().unwrap();
    let password = dir.path().join("kafka.password");
    std::fs::write(&password, format!("{}\n", ADMIN.1)).unwrap();
    // The certificate names 127.0.0.1 only; an operator who knows better may turn the name
    // check off with librdkafka's own property.
    let out = logagg(dir.path())
        .args([
            "ingest",
            "--topic",
            "by-name",
            "--exit-at-end",
            "--to",
            "stdout",
        ])
        .args(["--brokers", &format!("localhost:{port}")])
        .args(["--kafka-ca", broker.tls.join("ca.pem").to_str().unwrap()])
        .args(["--kafka-sasl", "scram-sha-512", "--kafka-user", ADMIN.0])
        .args(["--kafka-password-file", password.to_str().unwrap()])
        .args(["--kafka-opt", "ssl.endpoint.identification.algorithm=none"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 20);
}

#[test]
fn settings_that_cannot_work_are_refused_before_connecting() {
    let dir = tempfile::tempdir().unwrap();
    let said = common::error_of(
        logagg(dir.path())
            .args(["ingest", "--topic", "x", "--kafka-user", "someone"])
            .env("LOGAGG_KAFKA_PASSWORD", "hunter2-secret"),
    );
    assert!(said.contains("--kafka-sasl"), "{said}");
    let said = common::error_of(logagg(dir.path()).args([
        "tail",
        "--source",
        "kafka",
        "--kafka-opt",
        "enable.auto.commit=true",
    ]));
    assert!(said.contains("enable.auto.commit"), "{said}");
    let said = common::error_of(logagg(dir.path()).args([
        "simulate",
        "--to",
        "kafka",
        "--kafka-sasl",
        "PLAIN",
        "--kafka-user",
        "u",
    ]));
    assert!(said.contains("LOGAGG_KAFKA_PASSWORD"), "{said}");
}

#[test]
fn mutual_tls_with_a_client_certificate() {
    let dir = tempfile::tempdir().unwrap();
    simulate_secured(dir.path(), "mutual-logs", "25");
    let broker = SecureBroker::shared();
    let tls = |file: &str| broker.tls.join(file).display().to_string();
    let out = logagg(dir.path())
        .args([
            "ingest",
            "--topic",
            "mutual-logs",
            "--exit-at-end",
            "--to",
            "stdout",
        ])
        .args(["--brokers", &broker.mutual, "--kafka-ca", &tls("ca.pem")])
        .args([
            "--kafka-cert",
            &tls("client.pem"),
            "--kafka-key",
            &tls("client.key"),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 25);
    // Without the client certificate the broker ends the handshake.
    let mut without = logagg(dir.path());
    without
        .args([
            "ingest",
            "--topic",
            "mutual-logs",
            "--exit-at-end",
            "--to",
            "stdout",
        ])
        .args(["--brokers", &broker.mutual, "--kafka-ca", &tls("ca.pem")]);
    let said = refused(without, 15);
    assert!(said.contains("TLS"), "{said}");
}

#[test]
fn an_ingest_that_loses_its_rights_stops_and_the_store_keeps_what_it_held() {
    let dir = tempfile::tempdir().unwrap();
    simulate_secured(dir.path(), "revocable", "200");
    let broker = SecureBroker::shared();
    let (flags, (var, password)) = broker.flags(REVOCABLE);
    let mut ingest = std::process::Command::new(assert_cmd::cargo::cargo_bin("logagg"))
        .arg("--data-dir")
        .arg(dir.path())
        .args([
            "ingest",
            "--topic",
            "revocable",
            "--commit-interval",
            "100ms",
        ])
        .args(&flags)
        .env(var, password)
        .env("XDG_CONFIG_HOME", dir.path().join("config"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    common::kafka::wait_until(60, "the first 200 events are stored", || {
        common::kafka::stored_count(dir.path()) == 200
    });
    broker.revoke_topic();
    // The broker applies an ACL change a moment after the tool returns: wait until it
    // refuses this user, then write. What is written after the rights went is never read.
    common::kafka::wait_until(30, "the broker refuses the revoked user", || {
        secured(
            dir.path(),
            REVOCABLE,
            &[
                "ingest",
                "--to",
                "stdout",
                "--exit-at-end",
                "--topic",
                "revocable",
                "--group",
                "probe",
            ],
        )
        .output()
        .unwrap()
        .status
        .code()
            == Some(2)
    });
    let out = secured(
        dir.path(),
        ADMIN,
        &[
            "simulate",
            "--to",
            "kafka",
            "--topic",
            "revocable",
            "--count",
            "100",
            "--seed",
            "9",
        ],
    )
    .output()
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = ingest.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = ingest.kill();
            panic!("ingest kept running after losing its rights to the topic");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let mut said = String::new();
    std::io::Read::read_to_string(&mut ingest.stderr.take().unwrap(), &mut said).unwrap();
    assert_eq!(status.code(), Some(2), "{said}");
    assert!(said.contains("does not allow this user"), "{said}");
    assert_eq!(common::kafka::stored_count(dir.path()), 200);
}
