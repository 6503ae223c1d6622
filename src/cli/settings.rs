//! Resolving flags > environment (`LOGAGG_*`, handled by clap) > config file profile >
//! defaults into the values commands use.

use super::args::{ColorChoice, EsArgs, GlobalArgs, KafkaArgs, SinkKind, StoreKind};
use crate::backend::elasticsearch::{EsConfig, EsCredentials};
use crate::kafka::{Cluster, Security};
use anyhow::{bail, Context, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// `$XDG_CONFIG_HOME/logagg/config.toml`.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// The profile used when neither --profile nor LOGAGG_PROFILE names one.
    pub profile: Option<String>,
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
}

/// One named set of settings, such as `local` or `docker`. (No `Debug`: it holds secrets.)
#[derive(Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Directory of the embedded store.
    pub data_dir: Option<PathBuf>,
    /// Default destination of `simulate` and `ship`: "embedded", "stdout", "kafka" or
    /// "elasticsearch".
    pub sink: Option<String>,
    /// Kafka bootstrap servers, e.g. "127.0.0.1:9092".
    pub brokers: Option<String>,
    /// Connect to Kafka over TLS even with no file below given (--kafka-tls).
    pub kafka_tls: Option<bool>,
    /// CA file (PEM) the brokers' certificates are checked against (--kafka-ca).
    pub kafka_ca: Option<PathBuf>,
    /// Client certificate (PEM) for mutual TLS (--kafka-cert).
    pub kafka_cert: Option<PathBuf>,
    /// Client key (PEM) for mutual TLS (--kafka-key).
    pub kafka_key: Option<PathBuf>,
    /// SASL mechanism: "PLAIN", "SCRAM-SHA-256" or "SCRAM-SHA-512" (--kafka-sasl).
    pub kafka_sasl: Option<String>,
    /// SASL user (--kafka-user, LOGAGG_KAFKA_USER).
    pub kafka_user: Option<String>,
    /// SASL password (LOGAGG_KAFKA_PASSWORD and --kafka-password-file override). Never printed.
    pub kafka_password: Option<String>,
    /// Further librdkafka properties; --kafka-opt flags come after them.
    #[serde(default)]
    pub kafka_options: BTreeMap<String, String>,
    /// Elasticsearch node URLs, comma-separated, e.g. "http://127.0.0.1:9200".
    pub es_url: Option<String>,
    /// Elasticsearch basic-auth user (LOGAGG_ES_USER overrides).
    pub es_user: Option<String>,
    /// Elasticsearch password (LOGAGG_ES_PASSWORD overrides). Never printed.
    pub es_password: Option<String>,
    /// A file holding the Elasticsearch password (what `logagg up` writes for its stack).
    pub es_password_file: Option<PathBuf>,
    /// CA certificate (PEM) the cluster's certificate is checked against (--es-ca-cert).
    pub es_ca_cert: Option<PathBuf>,
    /// Elasticsearch API key as "id:secret" (LOGAGG_ES_API_KEY overrides). Never printed.
    pub es_api_key: Option<String>,
    /// Which store `query`, `tail` and `retention` use: "embedded" or "elasticsearch".
    pub store: Option<String>,
}

#[derive(Clone)]
pub struct Settings {
    pub data_dir: PathBuf,
    pub sink: SinkKind,
    pub color: bool,
    brokers: Option<String>,
    profile: Profile,
    /// The config file (which may not exist yet).
    pub config_path: PathBuf,
}

/// Where a local Elasticsearch listens unless told otherwise.
pub const DEFAULT_ES_URL: &str = "http://127.0.0.1:9200";

/// Where a local Kafka listens unless told otherwise.
pub const DEFAULT_BROKERS: &str = "127.0.0.1:9092";

impl Settings {
    pub fn resolve(global: &GlobalArgs) -> Result<Settings> {
        let (config, config_path) = load_config(global.config.as_deref())?;
        let profile_name = global
            .profile
            .clone()
            .or(config.profile.clone())
            .unwrap_or_else(|| "local".to_string());
        let profile = match config.profiles.get(&profile_name) {
            Some(p) => p.clone(),
            None if global.profile.is_some() || config.profile.is_some() => {
                let known: Vec<&str> = config.profiles.keys().map(String::as_str).collect();
                bail!(
                    "profile '{profile_name}' is not in {} (profiles there: {}); add a [profiles.{profile_name}] table or pick another --profile",
                    config_path.display(),
                    if known.is_empty() { "none".to_string() } else { known.join(", ") }
                );
            }
            None => Profile::default(),
        };
        let data_dir = match (&global.data_dir, &profile.data_dir) {
            (Some(dir), _) => dir.clone(),
            (None, Some(dir)) => expand_home(dir),
            (None, None) => default_data_dir()?,
        };
        let sink = match profile.sink.as_deref() {
            None | Some("embedded") => SinkKind::Embedded,
            Some("stdout") => SinkKind::Stdout,
            Some("kafka") => SinkKind::Kafka,
            Some("elasticsearch") => SinkKind::Elasticsearch,
            Some(other) => bail!(
                "profile '{profile_name}' has sink = \"{other}\"; use \"embedded\", \"stdout\", \"kafka\" or \"elasticsearch\""
            ),
        };
        Ok(Settings {
            data_dir,
            sink,
            color: color_enabled(global.color),
            brokers: profile.brokers.clone(),
            profile,
            config_path,
        })
    }
}

impl Settings {
    /// Brokers: the flag (or LOGAGG_BROKERS) > the profile > the default.
    pub fn brokers(&self, flag: Option<&str>) -> String {
        flag.map(str::to_string)
            .or_else(|| self.brokers.clone())
            .unwrap_or_else(|| DEFAULT_BROKERS.to_string())
    }
}

impl Settings {
    /// The Kafka cluster a command talks to: brokers and security from the flags (or
    /// their `LOGAGG_*` variables) > the profile > plain text to the default brokers.
    pub fn kafka(&self, flags: &KafkaArgs) -> Result<Cluster> {
        let given = &flags.security;
        let profile = &self.profile;
        let expand = |file: &Option<PathBuf>| file.as_deref().map(expand_home);
        let password = match (
            &given.kafka_password_file,
            std::env::var("LOGAGG_KAFKA_PASSWORD"),
        ) {
            (Some(file), _) => Some(read_secret(file)?),
            (None, Ok(password)) if !password.is_empty() => Some(password),
            _ => profile.kafka_password.clone(),
        };
        let mut options: Vec<String> = profile
            .kafka_options
            .iter()
            .map(|(key, value)| format!("{key}={value}"))
            .collect();
        options.extend(given.kafka_opt.iter().cloned());
        let security = Security {
            tls: given.kafka_tls || profile.kafka_tls.unwrap_or(false),
            ca: given.kafka_ca.clone().or_else(|| expand(&profile.kafka_ca)),
            cert: given
                .kafka_cert
                .clone()
                .or_else(|| expand(&profile.kafka_cert)),
            key: given
                .kafka_key
                .clone()
                .or_else(|| expand(&profile.kafka_key)),
            sasl_mechanism: given
                .kafka_sasl
                .clone()
                .or_else(|| profile.kafka_sasl.clone()),
            user: given
                .kafka_user
                .clone()
                .or_else(|| profile.kafka_user.clone()),
            password,
            options,
        };
        let brokers = self.brokers(flags.brokers.as_deref());
        Ok(Cluster::secured(brokers, &security)?)
    }
}

/// A secret kept in a file, without the line end editors add.
fn read_secret(file: &Path) -> Result<String> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("cannot read the password file {}", file.display()))?;
    let secret = text.trim_end_matches(['\n', '\r']).to_string();
    if secret.is_empty() {
        bail!("the password file {} is empty", file.display());
    }
    Ok(secret)
}

/// Secrets stay out: only what is safe to show.
impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("data_dir", &self.data_dir)
            .field("sink", &self.sink)
            .field("color", &self.color)
            .field("brokers", &self.brokers)
            .finish_non_exhaustive()
    }
}

impl Settings {
    /// The store `query`, `tail` and `retention` read: the flag > the profile > embedded.
    pub fn store(&self, flag: Option<StoreKind>) -> Result<StoreKind> {
        if let Some(kind) = flag {
            return Ok(kind);
        }
        match self.profile.store.as_deref() {
            None | Some("embedded") => Ok(StoreKind::Embedded),
            Some("elasticsearch") => Ok(StoreKind::Elasticsearch),
            Some(other) => {
                bail!("the profile has store = \"{other}\"; use \"embedded\" or \"elasticsearch\"")
            }
        }
    }

    /// How to reach Elasticsearch: flags and LOGAGG_ES_* > the profile > defaults.
    pub fn es_config(&self, args: &EsArgs) -> Result<EsConfig> {
        let urls = args
            .es_url
            .clone()
            .or_else(|| self.profile.es_url.clone())
            .unwrap_or_else(|| DEFAULT_ES_URL.to_string());
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let api_key = env("LOGAGG_ES_API_KEY").or_else(|| self.profile.es_api_key.clone());
        let user = args
            .es_user
            .clone()
            .or_else(|| self.profile.es_user.clone());
        let password = match (env("LOGAGG_ES_PASSWORD"), &self.profile.es_password) {
            (Some(password), _) => Some(password),
            (None, Some(password)) => Some(password.clone()),
            (None, None) => match &self.profile.es_password_file {
                Some(file) => Some(read_secret(&expand_home(file))?),
                None => None,
            },
        };
        let credentials = match (api_key, user) {
            (Some(key), _) => {
                let (id, secret) = key.split_once(':').ok_or_else(|| {
                    anyhow::anyhow!("the Elasticsearch API key must have the form ID:SECRET (LOGAGG_ES_API_KEY or es_api_key)")
                })?;
                Some(EsCredentials::ApiKey {
                    id: id.into(),
                    secret: secret.into(),
                })
            }
            (None, Some(user)) => Some(EsCredentials::Basic {
                user,
                password: password.unwrap_or_default(),
            }),
            (None, None) => None,
        };
        let timeout = crate::query::time::parse_duration(&args.es_timeout).ok_or_else(|| {
            anyhow::anyhow!("--es-timeout '{}' is not a duration", args.es_timeout)
        })?;
        Ok(EsConfig {
            urls: urls
                .split(',')
                .map(|u| u.trim().to_string())
                .filter(|u| !u.is_empty())
                .collect(),
            credentials,
            ca_cert: args
                .es_ca_cert
                .clone()
                .or_else(|| self.profile.es_ca_cert.as_deref().map(expand_home)),
            insecure: args.es_insecure,
            timeout,
            index_prefix: args.es_index_prefix.clone(),
        })
    }
}

fn load_config(explicit: Option<&Path>) -> Result<(ConfigFile, PathBuf)> {
    let path = match explicit {
        Some(p) => p.to_path_buf(),
        None => match dirs::config_dir() {
            Some(dir) => dir.join("logagg").join("config.toml"),
            None => return Ok((ConfigFile::default(), PathBuf::from("config.toml"))),
        },
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && explicit.is_none() => {
            return Ok((ConfigFile::default(), path))
        }
        Err(e) => {
            return Err(e).with_context(|| format!("cannot read config file {}", path.display()))
        }
    };
    let config: ConfigFile = toml::from_str(&text).map_err(|e| {
        anyhow::anyhow!("config file {} is invalid: {}", path.display(), e.message())
    })?;
    Ok((config, path))
}

fn default_data_dir() -> Result<PathBuf> {
    match dirs::data_dir() {
        Some(dir) => Ok(dir.join("logagg")),
        None => bail!("cannot tell where to keep data (no home directory); pass --data-dir or set LOGAGG_DATA_DIR"),
    }
}

fn expand_home(path: &Path) -> PathBuf {
    match (path.strip_prefix("~"), dirs::home_dir()) {
        (Ok(rest), Some(home)) => home.join(rest),
        _ => path.to_path_buf(),
    }
}

fn color_enabled(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => {
            // The terminal library drops colour whenever NO_COLOR is set; an explicit
            // `--color always` is the user's later word and wins.
            crossterm::style::force_color_output(true);
            true
        }
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
}

/// A size such as 500MB or 16MiB given to `flag`.
pub fn parse_size(flag: &str, text: &str) -> Result<u64> {
    text.parse::<bytesize::ByteSize>()
        .map(|size| size.as_u64())
        .map_err(|_| anyhow::anyhow!("{flag} '{text}' is not a size; use e.g. 500MB or 20GiB"))
}

/// Adds (or updates) the `docker` profile for the stack and makes it current, keeping
/// everything else in the config file. Returns the file's path.
/// How the stack's Elasticsearch is reached: its URL, user, and the files `up` keeps.
pub struct StackCluster<'a> {
    pub es_url: &'a str,
    pub es_user: &'a str,
    pub es_password_file: &'a Path,
    pub es_ca_cert: &'a Path,
}

pub fn use_docker_profile(path: &Path, brokers: &str, es: &StackCluster<'_>) -> Result<PathBuf> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut table: toml::Table = text
        .parse()
        .with_context(|| format!("cannot update {}: it is not valid TOML", path.display()))?;
    table.insert("profile".into(), toml::Value::String("docker".into()));
    let profiles = table
        .entry("profiles")
        .or_insert_with(|| toml::Value::Table(toml::Table::new()));
    if let toml::Value::Table(profiles) = profiles {
        let mut docker = toml::Table::new();
        docker.insert("brokers".into(), toml::Value::String(brokers.into()));
        docker.insert("es_url".into(), toml::Value::String(es.es_url.into()));
        docker.insert("es_user".into(), toml::Value::String(es.es_user.into()));
        let shown = |p: &Path| toml::Value::String(p.display().to_string());
        docker.insert("es_password_file".into(), shown(es.es_password_file));
        docker.insert("es_ca_cert".into(), shown(es.es_ca_cert));
        docker.insert("store".into(), toml::Value::String("elasticsearch".into()));
        profiles.insert("docker".into(), toml::Value::Table(docker));
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    std::fs::write(path, toml::to_string(&table).unwrap_or_default())
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn global(config: &Path, profile: Option<&str>, data_dir: Option<&str>) -> GlobalArgs {
        GlobalArgs {
            data_dir: data_dir.map(PathBuf::from),
            config: Some(config.to_path_buf()),
            profile: profile.map(str::to_string),
            color: ColorChoice::Never,
            no_pager: false,
        }
    }

    #[test]
    fn flags_beat_profiles_beat_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "profile = \"team\"\n[profiles.team]\ndata_dir = \"/srv/logs\"\nsink = \"stdout\"\n[profiles.local]\n").unwrap();
        let s = Settings::resolve(&global(&path, None, None)).unwrap();
        assert_eq!(s.data_dir, PathBuf::from("/srv/logs"));
        assert_eq!(s.sink, SinkKind::Stdout);
        let s = Settings::resolve(&global(&path, None, Some("/tmp/x"))).unwrap();
        assert_eq!(s.data_dir, PathBuf::from("/tmp/x"));
        let s = Settings::resolve(&global(&path, Some("local"), None)).unwrap();
        assert_eq!(s.sink, SinkKind::Embedded);
        let err = Settings::resolve(&global(&path, Some("nope"), None))
            .unwrap_err()
            .to_string();
        assert!(err.contains("profiles there: local, team"), "{err}");
    }

    #[test]
    fn unknown_keys_are_rejected_with_the_file_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "[profiles.local]\ndatadir = \"/x\"\n").unwrap();
        let err = Settings::resolve(&global(&path, None, None))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("config.toml is invalid") && err.contains("datadir"),
            "{err}"
        );
    }
}
