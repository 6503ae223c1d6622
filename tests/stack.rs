//! The Docker stack without Docker (none runs on our machines): the Compose file's
//! structure, the metrics the dashboard and alert rules use against a running ingestor,
//! and `up`/`down`/`status` driven against a STAND-IN `docker` executable that records its
//! arguments and answers like Docker would. The real engine path runs only where Docker
//! exists.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::kafka::{http_get, ingest_with_metrics, produce, wait_until, Broker};
use common::mock_es::MockEs;
use common::tls_proxy::TlsProxy;
use common::{error_of, logagg};
use std::collections::BTreeSet;
use std::net::TcpListener;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &str) -> String {
    std::fs::read_to_string(repo().join(path)).unwrap()
}

#[test]
fn every_service_has_a_health_check_a_loopback_port_and_a_pinned_image() {
    let compose: serde_yaml::Value = serde_yaml::from_str(&read("docker/compose.yaml")).unwrap();
    let services = compose["services"].as_mapping().unwrap();
    assert_eq!(services.len(), 6);
    for (name, service) in services {
        let name = name.as_str().unwrap();
        assert!(
            service.get("healthcheck").is_some(),
            "{name} has no health check"
        );
        let image = service["image"].as_str().unwrap();
        let tag = image.rsplit_once(':').map(|(_, t)| t).unwrap_or("");
        assert!(
            !tag.is_empty() && tag != "latest",
            "{name}: image {image} is not pinned"
        );
        for port in service
            .get("ports")
            .and_then(|p| p.as_sequence())
            .into_iter()
            .flatten()
        {
            let port = port.as_str().unwrap();
            assert!(
                port.starts_with("127.0.0.1:"),
                "{name} publishes {port} beyond loopback"
            );
        }
    }
    assert_eq!(
        compose["services"]["kafka"]["environment"]["KAFKA_AUTO_CREATE_TOPICS_ENABLE"],
        "false"
    );
    // Elasticsearch as operators run it: security on, HTTPS, the password from `up`.
    let es = &compose["services"]["elasticsearch"]["environment"];
    assert_eq!(es["xpack.security.enabled"], "true");
    assert_eq!(es["xpack.security.http.ssl.enabled"], "true");
    assert_eq!(es["ELASTIC_PASSWORD"], "${LOGAGG_ELASTIC_PASSWORD:-}");
    let ingestor = compose["services"]["ingestor"]["command"]
        .as_sequence()
        .unwrap();
    assert!(ingestor
        .iter()
        .any(|a| a == "--es-url=https://elasticsearch:9200"));
    assert!(ingestor
        .iter()
        .any(|a| a == "--es-ca-cert=/certs/ca/ca.crt"));
    for volume in [
        "kafka-data",
        "es-data",
        "es-certs",
        "prometheus-data",
        "grafana-data",
    ] {
        assert!(compose["volumes"].get(volume).is_some(), "{volume}");
    }
    let dockerfile = read("Dockerfile");
    assert!(dockerfile.matches("FROM ").count() == 2 && dockerfile.contains("USER logagg"));
}

/// Metric names the dashboard and the alert rules query.
fn referenced_metrics() -> BTreeSet<String> {
    let re = regex::Regex::new(r"logagg_[a-z_]+").unwrap();
    let mut names = BTreeSet::new();
    for file in [
        "docker/grafana/dashboards/logagg.json",
        "docker/prometheus/alerts.yml",
    ] {
        for m in re.find_iter(&read(file)) {
            let name = m.as_str();
            let base = ["_bucket", "_count", "_sum"]
                .iter()
                .find_map(|s| name.strip_suffix(s))
                .unwrap_or(name);
            names.insert(base.to_string());
        }
    }
    names
}

#[test]
fn every_metric_the_dashboard_and_rules_use_is_exported_by_a_running_ingestor() {
    let referenced = referenced_metrics();
    assert!(referenced.len() >= 6, "{referenced:?}");
    let broker = Broker::start();
    let dir = tempfile::tempdir().unwrap();
    produce(dir.path(), &broker, "logs", "3", "500");
    let (ingest, addr) = ingest_with_metrics(dir.path(), &broker, "logs");
    let mut text = String::new();
    wait_until(60, "metrics are served", || {
        text = http_get(&addr, "/metrics").unwrap_or_default();
        text.contains("logagg_ingest_events_out_total 500")
            && text.contains("logagg_ingest_consumer_lag{")
    });
    let exported: BTreeSet<String> = text
        .lines()
        .filter(|l| l.starts_with("# TYPE "))
        .filter_map(|l| l.split_whitespace().nth(2))
        .flat_map(|name| [name.to_string(), format!("{name}_total")])
        .collect();
    let missing: Vec<&String> = referenced
        .iter()
        .filter(|m| !exported.contains(*m))
        .collect();
    assert!(missing.is_empty(), "not exported: {missing:?}\n{text}");
    common::kafka::interrupt(ingest);
}

/// A stand-in `docker` on PATH: records every call and answers like Docker and Compose v2.
fn fake_docker(dir: &Path) -> PathBuf {
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let script = r#"#!/bin/sh
# STAND-IN for docker, written by tests/stack.rs: records arguments, answers from canned states.
echo "$*" >> "$FAKE_DOCKER_LOG"
case "$1" in
  info)
    if [ -n "$FAKE_DOCKER_NO_ENGINE" ]; then
      echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2
      exit 1
    fi
    echo 28.2.2 ;;
  compose)
    case "$*" in
      *" version") echo "Docker Compose version v2.29.7" ;;
      *" ps "*)
        if [ -n "$FAKE_DOCKER_NOTHING_RUNS" ]; then exit 0; fi
        n=$(cat "$FAKE_DOCKER_POLLS" 2>/dev/null || echo 0)
        echo $((n + 1)) > "$FAKE_DOCKER_POLLS"
        for s in es-certs kafka elasticsearch ingestor prometheus grafana; do
          health=healthy
          if [ "$n" -lt 2 ]; then health=starting; fi
          if [ "$s" = "elasticsearch" ] && [ -n "$FAKE_DOCKER_ES_BROKEN" ]; then health=unhealthy; fi
          echo "{\"Service\":\"$s\",\"State\":\"running\",\"Health\":\"$health\"}"
        done ;;
      *" cp "*)
        for last in "$@"; do :; done
        cp "$FAKE_DOCKER_CA" "$last" ;;
      *" logs "*) echo "elasticsearch-1  | bootstrap check failure [1] of [1]: max virtual memory areas vm.max_map_count [65530] is too low" ;;
    esac ;;
esac
"#;
    let path = bin.join("docker");
    std::fs::write(&path, script).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    bin
}

fn free_port() -> String {
    common::kafka::free_port().to_string()
}

fn stack_command(dir: &Path, es_port: &str) -> assert_cmd::Command {
    let bin = fake_docker(dir);
    let mut cmd = logagg(dir);
    cmd.env(
        "PATH",
        format!("{}:{}", bin.display(), std::env::var("PATH").unwrap()),
    )
    .env("FAKE_DOCKER_LOG", dir.join("docker.log"))
    .env("FAKE_DOCKER_POLLS", dir.join("polls"))
    .env("XDG_STATE_HOME", dir.join("state"))
    .env("LOGAGG_SRC", repo())
    .env("LOGAGG_ES_PORT", es_port)
    .env("LOGAGG_KAFKA_PORT", free_port())
    .env("LOGAGG_PROMETHEUS_PORT", free_port())
    .env("LOGAGG_GRAFANA_PORT", free_port())
    .timeout(std::time::Duration::from_secs(120));
    cmd
}

#[test]
fn up_starts_waits_for_health_creates_topics_and_switches_the_profile() {
    let dir = tempfile::tempdir().unwrap();
    let es = MockEs::start();
    // The stack's Elasticsearch answers HTTPS with auth: here a real TLS proxy (nginx) with
    // the password `up` keeps (made beforehand, as a second `up` finds it).
    let stack = dir.path().join("state/logagg/stack");
    std::fs::create_dir_all(&stack).unwrap();
    std::fs::write(stack.join("elastic-password"), "kept-password-123\n").unwrap();
    let proxy = TlsProxy::start(&es.url, ("elastic", "kept-password-123"));
    let es_port = proxy.url.rsplit(':').next().unwrap().to_string();
    let out = stack_command(dir.path(), &es_port)
        .env("FAKE_DOCKER_CA", proxy.tls.join("ca.pem"))
        .args([
            "up",
            "--ingestors",
            "2",
            "--partitions",
            "4",
            "--kafka-retention",
            "3d",
            "--es-retention",
            "30d",
        ])
        .assert()
        .success()
        .get_output()
        .clone();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let log = std::fs::read_to_string(dir.path().join("docker.log")).unwrap();
    let compose_file = dir.path().join("state/logagg/stack/compose.yaml");
    assert!(compose_file.exists());
    assert!(
        log.contains(&format!(
            "compose -p logagg -f {} up -d --build --scale ingestor=2",
            compose_file.display()
        )),
        "{log}"
    );
    for topic in ["logs", "logs.dlq"] {
        assert!(log.contains(&format!("--topic {topic} --partitions 4 --replication-factor 1 --config retention.ms=259200000")), "{log}");
    }
    assert!(
        std::fs::read_to_string(dir.path().join("polls"))
            .unwrap()
            .trim()
            .parse::<u32>()
            .unwrap()
            >= 3,
        "waited for health"
    );
    let requests = es.state.lock().unwrap().requests.clone();
    assert!(requests
        .iter()
        .any(|(m, u, _)| m == "PUT" && u == "/_ilm/policy/logs-logagg"));
    assert!(requests.iter().any(|(m, u, b)| m == "PUT"
        && u == "/_index_template/logs-logagg"
        && b.contains("index.lifecycle.name")));
    let config = std::fs::read_to_string(dir.path().join("config/logagg/config.toml")).unwrap();
    assert!(
        config.contains("profile = \"docker\"") && config.contains("store = \"elasticsearch\""),
        "{config}"
    );
    assert!(config.contains("es_url = \"https://127.0.0.1:"), "{config}");
    assert!(config.contains("es_user = \"elastic\""), "{config}");
    assert!(
        !config.contains("kept-password-123"),
        "the password stays in its file"
    );
    assert!(
        log.contains(&format!(
            "cp es-certs:/usr/share/elasticsearch/config/certs/ca/ca.crt {}",
            stack.join("es-ca.crt").display()
        )),
        "{log}"
    );
    // The docker profile reaches the secured cluster: password file and CA from `up`.
    es.state.lock().unwrap().canned.push((
        format!(
            "/{}/_count",
            logagg::backend::elasticsearch::document::daily_indices("logs")
        ),
        200,
        r#"{"count":7,"_shards":{"total":1,"successful":1,"skipped":0,"failed":0}}"#.into(),
    ));
    let count = logagg(dir.path())
        .args(["--profile", "docker", "query", "--count"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&count.stdout).trim(),
        "7",
        "{}",
        String::from_utf8_lossy(&count.stderr)
    );
    assert!(
        stdout.contains("Grafana") && stdout.contains("Elasticsearch"),
        "{stdout}"
    );

    stack_command(dir.path(), &es_port)
        .args(["down", "--volumes"])
        .assert()
        .success();
    let log = std::fs::read_to_string(dir.path().join("docker.log")).unwrap();
    assert!(log.lines().any(|l| l.ends_with("down --volumes")), "{log}");
}

#[test]
fn without_a_docker_engine_up_says_so_in_one_line_and_points_to_demo() {
    let dir = tempfile::tempdir().unwrap();
    let err = error_of(
        stack_command(dir.path(), &free_port())
            .env("FAKE_DOCKER_NO_ENGINE", "1")
            .arg("up"),
    );
    assert!(
        err.contains("Docker is not reachable") && err.contains("logagg demo"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn a_service_that_never_becomes_healthy_shows_its_logs_and_fails() {
    let dir = tempfile::tempdir().unwrap();
    let err = error_of(
        stack_command(dir.path(), &free_port())
            .env("FAKE_DOCKER_ES_BROKEN", "1")
            .args(["up", "--timeout", "3s"]),
    );
    assert!(
        err.contains("elasticsearch is unhealthy") && err.contains("vm.max_map_count"),
        "{err}"
    );
    assert!(err.contains("logagg down"), "{err}");
}

#[test]
fn a_taken_port_is_named_with_its_service() {
    let dir = tempfile::tempdir().unwrap();
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let err = error_of(
        stack_command(dir.path(), &free_port())
            .env("LOGAGG_GRAFANA_PORT", &port)
            .env("FAKE_DOCKER_NOTHING_RUNS", "1")
            .arg("up"),
    );
    // Nothing of the stack runs, so the port is someone else's.
    assert!(
        err.contains(&format!("port {port} (grafana) is taken"))
            && err.contains("LOGAGG_GRAFANA_PORT"),
        "{err}"
    );
    let log = std::fs::read_to_string(dir.path().join("docker.log")).unwrap();
    assert!(!log.contains(" up "), "nothing was started: {log}");
}

#[test]
fn status_lists_the_store_and_the_services() {
    let dir = tempfile::tempdir().unwrap();
    logagg(dir.path())
        .args([
            "simulate", "--to", "embedded", "--count", "100", "--seed", "1",
        ])
        .assert()
        .success();
    let out = stack_command(dir.path(), &free_port())
        .arg("status")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("100 events") && text.contains("no writer running"),
        "{text}"
    );
    assert!(
        text.contains("elasticsearch") && text.contains("ingest rate"),
        "{text}"
    );
}

fn tool(name: &str) -> std::process::Command {
    let mut command = std::process::Command::new(name);
    command.current_dir(repo());
    command
}

fn succeeds(command: &mut std::process::Command, what: &str) {
    let out = command
        .output()
        .unwrap_or_else(|e| panic!("{what}: {e} (./scripts/test installs it)"));
    assert!(
        out.status.success(),
        "{what}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn docker_compose_accepts_the_compose_file() {
    succeeds(
        tool("docker-compose")
            .args(["-f", "docker/compose.yaml", "config", "-q"])
            .env("LOGAGG_SRC", repo()),
        "docker-compose config",
    );
}

#[test]
fn promtool_accepts_the_alert_rules() {
    succeeds(
        tool("promtool").args(["check", "rules", "docker/prometheus/alerts.yml"]),
        "promtool check rules",
    );
}

#[test]
fn a_real_prometheus_scrapes_a_running_ingestor() {
    let broker = Broker::start();
    let dir = tempfile::tempdir().unwrap();
    produce(dir.path(), &broker, "logs", "4", "700");
    let (ingest, metrics) = ingest_with_metrics(dir.path(), &broker, "logs");
    let config = dir.path().join("prometheus.yml");
    std::fs::write(
        &config,
        format!("global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: logagg-ingest\n    static_configs:\n      - targets: ['{metrics}']\n"),
    )
    .unwrap();
    let web = format!("127.0.0.1:{}", free_port());
    let prometheus = common::kafka::Reaped(
        std::process::Command::new("prometheus")
            .arg(format!("--config.file={}", config.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.path().join("tsdb").display()
            ))
            .arg(format!("--web.listen-address={web}"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("prometheus is missing: ./scripts/test installs it"),
    );
    let mut answer = String::new();
    wait_until(90, "Prometheus has the ingest counter", || {
        answer = http_get(&web, "/api/v1/query?query=logagg_ingest_events_out_total")
            .unwrap_or_default();
        answer.contains("\"value\":[") && answer.contains("\"700\"")
    });
    assert!(answer.contains("logagg-ingest"), "{answer}");
    drop(prometheus);
    common::kafka::interrupt(ingest);
}
