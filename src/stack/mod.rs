//! The Docker stack behind `logagg up`, `down` and `status`: the Compose files (embedded in
//! the binary, so an installed `logagg` needs no checkout), the Compose command lines, and
//! reading service health.

pub mod compose;
pub mod files;
pub mod health;

/// The Compose project name: `docker compose -p logagg`.
pub const PROJECT: &str = "logagg";

/// Published ports and the service behind each, for "port taken" messages.
pub const PORTS: [(&str, &str, u16); 4] = [
    ("kafka", "LOGAGG_KAFKA_PORT", 9092),
    ("elasticsearch", "LOGAGG_ES_PORT", 9200),
    ("prometheus", "LOGAGG_PROMETHEUS_PORT", 9090),
    ("grafana", "LOGAGG_GRAFANA_PORT", 3000),
];

/// A published port: the environment override, else the default.
pub fn port(variable: &str, default: u16) -> u16 {
    std::env::var(variable)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
