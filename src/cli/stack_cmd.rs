//! `logagg up`, `down` and `status`: the Docker stack from the files embedded in the binary.

use super::args::{DownArgs, UpArgs};
use super::settings::Settings;
use super::Outcome;
use crate::backend::elasticsearch::{search, EsClient, EsConfig};
use crate::query::time::parse_duration;
use crate::stack::compose::{engine_reachable, Compose};
use crate::stack::health::{parse_ps, ServiceState};
use crate::stack::{files, port, PORTS};
use anyhow::{anyhow, bail, Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The stack's Elasticsearch user (its built-in superuser).
const ES_USER: &str = "elastic";
/// Where the certificate volume holds the CA, as the `es-certs` service writes it.
const ES_CA_IN_CONTAINER: &str = "/usr/share/elasticsearch/config/certs/ca/ca.crt";

const NO_ENGINE_HINT: &str =
    "`logagg demo` runs the whole pipeline (simulator, store, dashboard) without Docker";

/// Where `up` writes the stack's files.
fn stack_dir(settings: &Settings) -> PathBuf {
    dirs::state_dir()
        .map(|d| d.join("logagg").join("stack"))
        .unwrap_or_else(|| settings.data_dir.join("stack"))
}

fn compose(settings: &Settings) -> Result<Compose> {
    if let Err(reason) = engine_reachable() {
        bail!("Docker is not reachable ({reason}); {NO_ENGINE_HINT}");
    }
    let dir = stack_dir(settings);
    let file = files::write_all(&dir)
        .with_context(|| format!("cannot write the stack files to {}", dir.display()))?;
    Compose::find(&file).ok_or_else(|| anyhow!("Docker Compose is not installed (neither `docker compose` nor `docker-compose` works); {NO_ENGINE_HINT}"))
}

fn run_checked(
    compose: &Compose,
    args: &[String],
    env: &[(String, String)],
    what: &str,
) -> Result<String> {
    let out = compose
        .run(args, env)
        .with_context(|| format!("cannot run {}", compose.program.join(" ")))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let last = err
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("no output");
        bail!("{what} failed: {}", last.trim());
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn services(compose: &Compose) -> Vec<ServiceState> {
    compose
        .run(&compose.ps_args(), &[])
        .ok()
        .filter(|o| o.status.success())
        .map(|o| parse_ps(&String::from_utf8_lossy(&o.stdout)))
        .unwrap_or_default()
}

/// The source checkout the ingestor image is built from.
fn source_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("LOGAGG_SRC") {
        return Some(PathBuf::from(dir));
    }
    let is_checkout = |dir: &Path| {
        dir.join("Dockerfile").is_file()
            && std::fs::read_to_string(dir.join("Cargo.toml"))
                .is_ok_and(|t| t.contains("name = \"logagg\""))
    };
    let mut dir = std::env::current_dir().ok();
    while let Some(d) = dir {
        if is_checkout(&d) {
            return Some(d);
        }
        dir = d.parent().map(Path::to_path_buf);
    }
    None
}

pub fn up(args: &UpArgs, settings: &Settings) -> Result<Outcome> {
    let timeout = parse_duration(&args.timeout)
        .ok_or_else(|| anyhow!("--timeout '{}' is not a duration", args.timeout))?;
    let kafka_retention = args
        .kafka_retention
        .as_deref()
        .map(|t| {
            parse_duration(t).ok_or_else(|| anyhow!("--kafka-retention '{t}' is not a duration"))
        })
        .transpose()?;
    let es_retention = args
        .es_retention
        .as_deref()
        .map(|t| parse_duration(t).ok_or_else(|| anyhow!("--es-retention '{t}' is not a duration")))
        .transpose()?;
    let compose = compose(settings)?;
    check_ports(&compose)?;
    let source = source_dir().ok_or_else(|| {
        anyhow!("the ingestor image is built from logagg's source: run `logagg up` inside a checkout, or set LOGAGG_SRC to one")
    })?;
    let dir = stack_dir(settings);
    let (password, password_file) = files::elastic_password(&dir).with_context(|| {
        format!(
            "cannot keep the Elasticsearch password in {}",
            dir.display()
        )
    })?;
    let mut env = vec![
        ("LOGAGG_ELASTIC_PASSWORD".to_string(), password.clone()),
        ("LOGAGG_SRC".to_string(), source.display().to_string()),
        (
            "LOGAGG_VERSION".to_string(),
            env!("CARGO_PKG_VERSION").to_string(),
        ),
    ];
    if let Some(retention) = kafka_retention {
        env.push((
            "LOGAGG_KAFKA_RETENTION_HOURS".into(),
            (retention.as_secs() / 3600).max(1).to_string(),
        ));
    }
    eprintln!(
        "starting the stack ({} ingestor(s)) from {}",
        args.ingestors,
        compose.file.display()
    );
    run_checked(
        &compose,
        &compose.up_args(args.ingestors),
        &env,
        "docker compose up",
    )?;
    wait_healthy(&compose, timeout)?;
    let retention_ms = kafka_retention.map(|d| d.as_millis() as u64);
    for topic in ["logs", "logs.dlq"] {
        run_checked(
            &compose,
            &compose.create_topic_args(topic, args.partitions, retention_ms),
            &env,
            &format!("creating topic {topic}"),
        )?;
    }
    // Clients on this host check the cluster's certificate against the CA it was made with.
    let ca = files::elastic_ca(&dir);
    run_checked(
        &compose,
        &compose.copy_out_args("es-certs", ES_CA_IN_CONTAINER, &ca),
        &env,
        "copying Elasticsearch's CA certificate out of the stack",
    )?;
    let es_url = format!("https://127.0.0.1:{}", port("LOGAGG_ES_PORT", 9200));
    set_up_indices(&es_url, &password, &ca, es_retention)?;
    let config = super::settings::use_docker_profile(
        &settings.config_path,
        &format!("127.0.0.1:{}", port("LOGAGG_KAFKA_PORT", 9092)),
        &super::settings::StackCluster {
            es_url: &es_url,
            es_user: ES_USER,
            es_password_file: &password_file,
            es_ca_cert: &ca,
        },
    )?;
    writeln!(
        std::io::stdout(),
        "the stack is up; profile \"docker\" is now current ({})",
        config.display()
    )?;
    print_endpoints(&dir)?;
    if let Some(keep) = &args.es_retention {
        writeln!(
            std::io::stdout(),
            "Elasticsearch deletes daily indices older than {keep} (ILM policy logs-logagg)"
        )?;
    }
    Ok(Outcome::Done)
}

/// Every port the stack publishes must be free, unless this stack's own service holds it.
fn check_ports(compose: &Compose) -> Result<()> {
    let running = services(compose);
    for (service, variable, default) in PORTS {
        let number = port(variable, default);
        let ours = running
            .iter()
            .any(|s| s.service == service && s.state == "running");
        if !ours && std::net::TcpListener::bind(("127.0.0.1", number)).is_err() {
            bail!("port {number} ({service}) is taken on 127.0.0.1; stop what uses it or choose another with {variable}");
        }
    }
    Ok(())
}

/// The index template (and, with a retention, its ILM policy) in the stack's cluster.
fn set_up_indices(
    es_url: &str,
    password: &str,
    ca: &Path,
    retention: Option<Duration>,
) -> Result<()> {
    let client = EsClient::connect(&EsConfig {
        urls: vec![es_url.to_string()],
        credentials: Some(crate::backend::elasticsearch::EsCredentials::Basic {
            user: ES_USER.to_string(),
            password: password.to_string(),
        }),
        ca_cert: Some(ca.to_path_buf()),
        insecure: false,
        timeout: Duration::from_secs(30),
        index_prefix: "logs".into(),
    })?;
    search::setup_with_retention(
        &client,
        "logs",
        retention.map(|d| (d.as_secs() / 86_400).max(1)),
    )?;
    Ok(())
}

/// Waits until every service is healthy, showing each one's state; on timeout shows the
/// last log lines of those that are not.
fn wait_healthy(compose: &Compose, timeout: Duration) -> Result<()> {
    let bars = indicatif::MultiProgress::new();
    if !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        bars.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let mut shown: Vec<(String, indicatif::ProgressBar)> = Vec::new();
    let started = Instant::now();
    loop {
        let states = services(compose);
        for state in &states {
            let bar = match shown.iter().find(|(s, _)| *s == state.service) {
                Some((_, bar)) => bar.clone(),
                None => {
                    let bar = bars.add(indicatif::ProgressBar::new_spinner());
                    bar.enable_steady_tick(Duration::from_millis(120));
                    shown.push((state.service.clone(), bar.clone()));
                    bar
                }
            };
            bar.set_message(format!("{:<14} {}", state.service, state.describe()));
            if state.healthy() {
                bar.finish();
            }
        }
        if !states.is_empty() && states.iter().all(ServiceState::healthy) {
            eprintln!(
                "all {} services are healthy after {:.0}s",
                states.len(),
                started.elapsed().as_secs_f64()
            );
            return Ok(());
        }
        if started.elapsed() >= timeout {
            for state in states.iter().filter(|s| !s.healthy()) {
                eprintln!(
                    "{} is {} after {}s; its last log lines:",
                    state.service,
                    state.describe(),
                    timeout.as_secs()
                );
                if let Ok(out) = compose.run(&compose.logs_args(&state.service, 20), &[]) {
                    eprint!("{}", String::from_utf8_lossy(&out.stdout));
                }
            }
            bail!(
                "the stack did not become healthy within {}s; `logagg down` stops it",
                timeout.as_secs()
            );
        }
        std::thread::sleep(Duration::from_secs(2));
    }
}

pub fn down(args: &DownArgs, settings: &Settings) -> Result<Outcome> {
    let compose = compose(settings)?;
    run_checked(
        &compose,
        &compose.down_args(args.volumes),
        &[],
        "docker compose down",
    )?;
    writeln!(
        std::io::stdout(),
        "the stack is stopped{}",
        if args.volumes {
            " and its data deleted"
        } else {
            " (data kept; --volumes deletes it)"
        }
    )?;
    Ok(Outcome::Done)
}

pub fn status(settings: &Settings) -> Result<Outcome> {
    // The embedded store, always: it is what `logagg` uses without a stack.
    match crate::backend::embedded::StoreReader::open(&settings.data_dir) {
        Ok(reader) => {
            super::store_warnings::damaged(&reader);
            let stats = reader.stats()?;
            let span = match (stats.oldest, stats.newest) {
                (Some(a), Some(b)) => format!(", {} .. {}", a.to_display(), b.to_display()),
                _ => String::new(),
            };
            let writer = crate::backend::embedded::writer_holder(&settings.data_dir)
                .map_or("no writer running".to_string(), |h| format!("writer: {h}"));
            writeln!(
                std::io::stdout(),
                "embedded store {}: {} events, {}{span}; {writer}",
                settings.data_dir.display(),
                stats.events,
                bytesize::ByteSize(stats.disk_bytes)
            )?;
        }
        Err(_) => writeln!(
            std::io::stdout(),
            "embedded store {}: none yet",
            settings.data_dir.display()
        )?,
    }
    let compose = match compose(settings) {
        Ok(compose) => compose,
        Err(e) => {
            writeln!(std::io::stdout(), "docker stack: {e}")?;
            return Ok(Outcome::Done);
        }
    };
    let states = services(&compose);
    if states.is_empty() {
        writeln!(
            std::io::stdout(),
            "docker stack: not running (`logagg up` starts it)"
        )?;
        return Ok(Outcome::Done);
    }
    writeln!(std::io::stdout(), "docker stack:")?;
    for state in &states {
        writeln!(
            std::io::stdout(),
            "  {:<14} {}",
            state.service,
            state.describe()
        )?;
    }
    print_endpoints(&stack_dir(settings))?;
    let prometheus = format!("http://127.0.0.1:{}", port("LOGAGG_PROMETHEUS_PORT", 9090));
    for (label, query) in [
        (
            "ingest rate",
            "sum(rate(logagg_ingest_events_out_total[1m]))",
        ),
        ("consumer lag", "sum(logagg_ingest_consumer_lag)"),
    ] {
        match prometheus_value(&prometheus, query) {
            Some(v) => writeln!(std::io::stdout(), "  {label:<14} {v:.0}")?,
            None => writeln!(
                std::io::stdout(),
                "  {label:<14} unknown (Prometheus at {prometheus} did not answer)"
            )?,
        }
    }
    Ok(Outcome::Done)
}

fn print_endpoints(dir: &Path) -> std::io::Result<()> {
    let kafka = port("LOGAGG_KAFKA_PORT", 9092);
    let es = port("LOGAGG_ES_PORT", 9200);
    let grafana = port("LOGAGG_GRAFANA_PORT", 3000);
    let prometheus = port("LOGAGG_PROMETHEUS_PORT", 9090);
    writeln!(std::io::stdout(), "  Kafka          127.0.0.1:{kafka}")?;
    writeln!(
        std::io::stdout(),
        "  Elasticsearch  https://127.0.0.1:{es}  (user {ES_USER}, password in {}, CA {})",
        dir.join("elastic-password").display(),
        files::elastic_ca(dir).display()
    )?;
    writeln!(
        std::io::stdout(),
        "  Grafana        http://127.0.0.1:{grafana}  (dashboard \"logagg pipeline\")"
    )?;
    writeln!(
        std::io::stdout(),
        "  Prometheus     http://127.0.0.1:{prometheus}"
    )
}

/// One number from Prometheus's query API.
fn prometheus_value(base: &str, query: &str) -> Option<f64> {
    let url = format!("{base}/api/v1/query");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .ok()?;
    let body: serde_json::Value = runtime.block_on(async {
        reqwest::Client::new()
            .get(&url)
            .query(&[("query", query)])
            .timeout(Duration::from_secs(5))
            .send()
            .await
            .ok()?
            .json()
            .await
            .ok()
    })?;
    body.pointer("/data/result/0/value/1")?
        .as_str()?
        .parse()
        .ok()
}
