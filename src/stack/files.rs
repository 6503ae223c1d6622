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

/// The password of the stack's `elastic` user, kept in `dir/elastic-password` (0600): made
/// on the first `up` and kept, because Elasticsearch takes it only when its data volume is
/// new.
pub fn elastic_password(dir: &Path) -> std::io::Result<(String, std::path::PathBuf)> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let path = dir.join("elastic-password");
    if let Ok(text) = std::fs::read_to_string(&path) {
        let password = text.trim().to_string();
        if !password.is_empty() {
            return Ok((password, path));
        }
    }
    std::fs::create_dir_all(dir)?;
    let password: String = std::iter::repeat_with(fastrand::alphanumeric)
        .take(24)
        .collect();
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&path)?;
    writeln!(file, "{password}")?;
    Ok((password, path))
}

/// Where `up` keeps the CA certificate of the stack's Elasticsearch, copied out of its
/// certificate volume.
pub fn elastic_ca(dir: &Path) -> std::path::PathBuf {
    dir.join("es-ca.crt")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_is_made_once_and_kept_private() {
        let dir = tempfile::tempdir().unwrap();
        let (first, path) = elastic_password(dir.path()).unwrap();
        assert_eq!(first.len(), 24);
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let (again, _) = elastic_password(dir.path()).unwrap();
        assert_eq!(first, again);
    }
}
