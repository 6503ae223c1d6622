//! Service states from `docker compose ps --format json` (v2 prints a JSON array or one
//! object per line, depending on the version).

use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceState {
    pub service: String,
    /// running, exited, created, restarting, ...
    pub state: String,
    /// healthy, unhealthy, starting, or empty when the service has no health check.
    pub health: String,
}

impl ServiceState {
    pub fn healthy(&self) -> bool {
        self.state == "running" && (self.health == "healthy" || self.health.is_empty())
    }

    /// A word for the progress display.
    pub fn describe(&self) -> String {
        match (self.state.as_str(), self.health.as_str()) {
            ("running", "") => "running".into(),
            ("running", health) => health.into(),
            (state, _) => state.into(),
        }
    }
}

pub fn parse_ps(output: &str) -> Vec<ServiceState> {
    let trimmed = output.trim();
    let values: Vec<Value> = if trimmed.starts_with('[') {
        serde_json::from_str(trimmed).unwrap_or_default()
    } else {
        trimmed
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    };
    values
        .iter()
        .map(|v| {
            let text = |key: &str| {
                v.get(key)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_lowercase()
            };
            ServiceState {
                service: text("Service"),
                state: text("State"),
                health: text("Health"),
            }
        })
        .filter(|s| !s.service.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_output_shapes() {
        let lines = r#"{"Name":"logagg-kafka-1","Service":"kafka","State":"running","Health":"healthy","Publishers":[]}
{"Name":"logagg-elasticsearch-1","Service":"elasticsearch","State":"running","Health":"starting"}"#;
        let states = parse_ps(lines);
        assert_eq!(states.len(), 2);
        assert!(states[0].healthy() && !states[1].healthy());
        assert_eq!(states[1].describe(), "starting");
        let array = r#"[{"Service":"grafana","State":"exited","Health":""}]"#;
        assert_eq!(parse_ps(array)[0].describe(), "exited");
    }
}
