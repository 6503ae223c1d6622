//! One Kafka cluster as every client of it reaches it: the bootstrap servers and the
//! security settings (TLS, SASL, any other librdkafka property) they all share.

use rdkafka::ClientConfig;
use std::fmt;
use std::path::PathBuf;

/// Properties logagg sets itself because its guarantees rest on them (no duplicates, no
/// loss, positions committed with the data); `--kafka-opt` may not change them.
const OWNED_PROPERTIES: [(&str, &str); 8] = [
    ("bootstrap.servers", "use --brokers"),
    ("group.id", "use --group"),
    ("enable.idempotence", "producers are always idempotent"),
    ("acks", "producers always wait for every in-sync replica"),
    (
        "enable.auto.commit",
        "positions are committed only once the sink holds the events",
    ),
    (
        "enable.auto.offset.store",
        "positions are committed only once the sink holds the events",
    ),
    (
        "allow.auto.create.topics",
        "topics are created with --create-topic",
    ),
    ("transactional.id", "logagg does not use Kafka transactions"),
];

/// SASL mechanisms librdkafka handles with what logagg is built with (OpenSSL, no Kerberos).
pub const SASL_MECHANISMS: [&str; 3] = ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"];

/// How to reach a cluster. Shown (and `Display`ed in messages) as its brokers only: the
/// properties may hold secrets.
#[derive(Clone)]
pub struct Cluster {
    brokers: String,
    /// librdkafka properties in the order given; a later one wins.
    properties: Vec<(String, String)>,
}

/// What a user gave about a cluster's security, from flags, the environment and a profile.
#[derive(Default, Clone)]
pub struct Security {
    /// TLS with the system's trusted certificates, even with no file given.
    pub tls: bool,
    pub ca: Option<PathBuf>,
    pub cert: Option<PathBuf>,
    pub key: Option<PathBuf>,
    pub sasl_mechanism: Option<String>,
    pub user: Option<String>,
    pub password: Option<String>,
    /// `KEY=VALUE` librdkafka properties, applied after everything else.
    pub options: Vec<String>,
}

/// A security setting that cannot work, said before anything connects.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct SecurityError(String);

impl Cluster {
    /// A cluster reached in plain text, as the brokers of a test or a laptop are.
    pub fn plain(brokers: impl Into<String>) -> Cluster {
        Cluster {
            brokers: brokers.into(),
            properties: Vec::new(),
        }
    }

    /// A cluster reached with `security`: TLS when a certificate, a CA or SASL is given
    /// (SASL never sends a password in plain text unless `security.protocol` says so).
    pub fn secured(
        brokers: impl Into<String>,
        security: &Security,
    ) -> Result<Cluster, SecurityError> {
        let mut properties: Vec<(String, String)> = Vec::new();
        let mut set = |key: &str, value: String| properties.push((key.to_string(), value));
        let sasl = match (&security.sasl_mechanism, &security.user) {
            (Some(mechanism), user) => {
                let mechanism = mechanism.to_ascii_uppercase();
                if !SASL_MECHANISMS.contains(&mechanism.as_str()) {
                    return Err(SecurityError(format!(
                        "unknown SASL mechanism '{mechanism}'; use one of {}",
                        SASL_MECHANISMS.join(", ")
                    )));
                }
                let Some(user) = user else {
                    return Err(SecurityError(format!(
                        "SASL {mechanism} needs a user: give --kafka-user (or LOGAGG_KAFKA_USER)"
                    )));
                };
                let Some(password) = &security.password else {
                    return Err(SecurityError(format!(
                        "SASL {mechanism} for user '{user}' needs a password: set LOGAGG_KAFKA_PASSWORD or give --kafka-password-file"
                    )));
                };
                set("sasl.mechanism", mechanism);
                set("sasl.username", user.clone());
                set("sasl.password", password.clone());
                true
            }
            (None, Some(user)) => {
                return Err(SecurityError(format!(
                    "--kafka-user '{user}' needs a SASL mechanism: give --kafka-sasl {}",
                    SASL_MECHANISMS.join("|")
                )))
            }
            (None, None) => false,
        };
        if security.cert.is_some() != security.key.is_some() {
            return Err(SecurityError(
                "mutual TLS needs both --kafka-cert and --kafka-key".to_string(),
            ));
        }
        for (key, file) in [
            ("ssl.ca.location", &security.ca),
            ("ssl.certificate.location", &security.cert),
            ("ssl.key.location", &security.key),
        ] {
            if let Some(file) = file {
                if !file.is_file() {
                    return Err(SecurityError(format!(
                        "cannot read {} (given for {key}): no such file",
                        file.display()
                    )));
                }
                set(key, file.display().to_string());
            }
        }
        let tls = security.tls || security.ca.is_some() || security.cert.is_some();
        match (tls || sasl, sasl) {
            (true, true) => set("security.protocol", "SASL_SSL".into()),
            (true, false) => set("security.protocol", "SSL".into()),
            _ => {}
        }
        for option in &security.options {
            let Some((key, value)) = option.split_once('=') else {
                return Err(SecurityError(format!(
                    "--kafka-opt '{}' is not KEY=VALUE (a librdkafka property, e.g. security.protocol=SASL_SSL)",
                    Masked(option)
                )));
            };
            let key = key.trim();
            if let Some((_, why)) = OWNED_PROPERTIES.iter().find(|(owned, _)| *owned == key) {
                return Err(SecurityError(format!(
                    "--kafka-opt cannot set {key}: {why}"
                )));
            }
            set(key, value.to_string());
        }
        Ok(Cluster {
            brokers: brokers.into(),
            properties,
        })
    }

    pub fn brokers(&self) -> &str {
        &self.brokers
    }

    /// Whether anything beyond plain text was asked for.
    pub fn is_secured(&self) -> bool {
        !self.properties.is_empty()
    }

    /// The value of a property set by the user, secrets included (for the client only).
    pub fn property(&self, key: &str) -> Option<&str> {
        self.properties
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The settings of one client: logagg's base, then the component's own, then what the
    /// user gave (so a user may tune fetch sizes or compression, never the guarantees).
    pub fn config(&self, component: &[(&str, &str)]) -> ClientConfig {
        let mut config = ClientConfig::new();
        config
            .set("bootstrap.servers", &self.brokers)
            .set("client.id", concat!("logagg/", env!("CARGO_PKG_VERSION")))
            // librdkafka logs connection trouble on stderr by itself; we report it once, clearly.
            .set("log_level", "0")
            // Topics are created on purpose (`--create-topic`, the dead-letter topic), never
            // as a side effect of asking for one, whatever the broker's auto-create setting.
            .set("allow.auto.create.topics", "false");
        for (key, value) in component {
            config.set(*key, *value);
        }
        for (key, value) in &self.properties {
            config.set(key, value);
        }
        config
    }

    /// `text` with every secret value of this cluster masked, for messages built from
    /// what librdkafka says.
    pub fn redact(&self, text: &str) -> String {
        let mut text = text.to_string();
        for (key, value) in &self.properties {
            if is_secret(key) && !value.is_empty() {
                text = text.replace(value.as_str(), "***");
            }
        }
        text
    }
}

/// Whether a librdkafka property holds a secret.
fn is_secret(key: &str) -> bool {
    key.contains("password")
        || key.contains("secret")
        || key.ends_with("key.pem")
        || key == "sasl.oauthbearer.config"
        || key == "sasl.jaas.config"
}

/// A `KEY=VALUE` option shown with its value hidden when the key names a secret.
struct Masked<'a>(&'a str);

impl fmt::Display for Masked<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.split_once('=') {
            Some((key, _)) if is_secret(key) => write!(f, "{key}=***"),
            _ if is_secret(self.0) => f.write_str("***"),
            _ => f.write_str(self.0),
        }
    }
}

impl fmt::Display for Cluster {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.brokers)
    }
}

/// Secrets stay out of debug output too.
impl fmt::Debug for Cluster {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut shown = f.debug_struct("Cluster");
        shown.field("brokers", &self.brokers);
        for (key, value) in &self.properties {
            if is_secret(key) {
                shown.field(key, &"***");
            } else {
                shown.field(key, value);
            }
        }
        shown.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scram() -> Security {
        Security {
            sasl_mechanism: Some("scram-sha-512".into()),
            user: Some("shipper".into()),
            password: Some("s3cret-pw".into()),
            ..Security::default()
        }
    }

    #[test]
    fn sasl_never_goes_out_in_plain_text_unless_asked() {
        let cluster = Cluster::secured("b:9093", &scram()).unwrap();
        assert_eq!(cluster.property("security.protocol"), Some("SASL_SSL"));
        assert_eq!(cluster.property("sasl.mechanism"), Some("SCRAM-SHA-512"));
        let mut asked = scram();
        asked.options = vec!["security.protocol=SASL_PLAINTEXT".into()];
        let cluster = Cluster::secured("b:9093", &asked).unwrap();
        assert_eq!(
            cluster.property("security.protocol"),
            Some("SASL_PLAINTEXT")
        );
    }

    #[test]
    fn secrets_never_show() {
        let cluster = Cluster::secured("b:9093", &scram()).unwrap();
        assert_eq!(cluster.to_string(), "b:9093");
        assert!(!format!("{cluster:?}").contains("s3cret-pw"));
        assert_eq!(cluster.redact("failed for s3cret-pw"), "failed for ***");
        let mut bad = scram();
        bad.options = vec!["sasl.password".into()];
        let error = Cluster::secured("b", &bad).unwrap_err().to_string();
        assert!(error.contains("'***'"), "{error}");
    }

    #[test]
    fn what_cannot_work_is_refused_before_connecting() {
        let refused =
            |security: Security| Cluster::secured("b", &security).unwrap_err().to_string();
        let mut no_user = scram();
        no_user.user = None;
        assert!(refused(no_user).contains("--kafka-user"));
        let mut no_password = scram();
        no_password.password = None;
        assert!(refused(no_password).contains("LOGAGG_KAFKA_PASSWORD"));
        let mut unknown = scram();
        unknown.sasl_mechanism = Some("GSSAPI".into());
        assert!(refused(unknown).contains("SCRAM-SHA-256"));
        let half = Security {
            cert: Some("/etc/hostname".into()),
            ..Security::default()
        };
        assert!(refused(half).contains("--kafka-key"));
        let missing = Security {
            ca: Some("/no/such/ca.pem".into()),
            ..Security::default()
        };
        assert!(refused(missing).contains("/no/such/ca.pem"));
        let owned = Security {
            options: vec!["enable.idempotence=false".into()],
            ..Security::default()
        };
        assert!(refused(owned).contains("idempotent"));
    }

    #[test]
    fn user_options_tune_but_come_last() {
        let tuned = Security {
            options: vec!["fetch.max.bytes=1048576".into()],
            ..Security::default()
        };
        let cluster = Cluster::secured("b", &tuned).unwrap();
        let config = cluster.config(&[("fetch.max.bytes", "67108864")]);
        assert_eq!(config.get("fetch.max.bytes"), Some("1048576"));
        assert_eq!(config.get("security.protocol"), None);
    }
}
