//! The stack's files, compiled into the binary and written out for Compose.

use std::path::Path;

/// (path inside the stack directory, contents)
pub const FILES: [(&str, &str); 6] = [
    ("compose.yaml", include_str!("../../docker/compose.yaml")),
    (
        "prometheus/prometheus.yml",
        include_str!("../../docker/prometheus/prometheus.yml"),
    ),
    (
        "prometheus/alerts.yml",
        include_str!("../../docker/prometheus/alerts.yml"),
    ),
    (
        "grafana/provisioning/datasources/datasource.yml",
        include_str!("../../docker/grafana/provisioning/datasources/datasource.yml"),
    ),
    (
        "grafana/provisioning/dashboards/provider.yml",
        include_str!("../../docker/grafana/provisioning/dashboards/provider.yml"),
    ),
    (
        "grafana/dashboards/logagg.json",
        include_str!("../../docker/grafana/dashboards/logagg.json"),
    ),
];

/// Writes every file under `dir` (replacing older versions), returning the compose file.
pub fn write_all(dir: &Path) -> std::io::Result<std::path::PathBuf> {
    for (name, text) in FILES {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text) {
            std::fs::write(&path, text)?;
        }
    }
    Ok(dir.join("compose.yaml"))
}
