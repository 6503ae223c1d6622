//! Talking to a cluster: the official client for transport (node pool, auth, TLS), driven
//! from synchronous code on a small runtime. Requests and responses are plain JSON and
//! NDJSON bytes built and read elsewhere.

use elasticsearch::auth::Credentials;
use elasticsearch::cert::{Certificate, CertificateValidation};
use elasticsearch::http::headers::{HeaderMap, HeaderValue, CONTENT_TYPE};
use elasticsearch::http::transport::{
    MultiNodeConnectionPool, SingleNodeConnectionPool, TransportBuilder,
};
use elasticsearch::http::{Method, Url};
use elasticsearch::Elasticsearch;
use serde_json::Value;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum EsError {
    #[error("cannot reach Elasticsearch at {urls} ({reason}); is it running? `logagg up` starts one, or point --es-url at yours")]
    Unreachable { urls: String, reason: String },
    #[error("no trusted TLS connection to Elasticsearch at {urls} ({reason}); give --es-ca-cert with the authority that signed its certificate, and an --es-url host name the certificate names")]
    Untrusted { urls: String, reason: String },
    #[error("Elasticsearch answered {what} with HTTP {status}: {reason}{}", refusal_hint(*status))]
    Refused {
        what: String,
        status: u16,
        reason: String,
    },
    #[error("Elasticsearch settings: {0}")]
    Settings(String),
    #[error("Elasticsearch answered {what} with partial results ({detail}); nothing is shown as complete: retry, and check the cluster's health (GET /_cluster/health)")]
    Partial { what: String, detail: String },
}

/// What to do about an answer that refuses the user rather than the request.
fn refusal_hint(status: u16) -> &'static str {
    match status {
        401 => "; the credentials are not accepted: check --es-user and LOGAGG_ES_PASSWORD (or the profile's es_password), or the API key (LOGAGG_ES_API_KEY)",
        403 => "; the user lacks a privilege on the logagg indices (read for queries; create_doc and create_index for ingest)",
        _ => "",
    }
}

/// Which engine answers: Elasticsearch or OpenSearch differ in a few APIs (point in time,
/// retention policies).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Distribution {
    Elasticsearch,
    OpenSearch,
}

impl Distribution {
    /// From the answer to `GET /`: OpenSearch says `version.distribution: opensearch`.
    pub fn of_root(answer: &Value) -> Distribution {
        match answer
            .pointer("/version/distribution")
            .and_then(Value::as_str)
        {
            Some("opensearch") => Distribution::OpenSearch,
            _ => Distribution::Elasticsearch,
        }
    }
}

/// An error unless a search or count answer covers every shard in time: a cluster may
/// answer HTTP 200 with `timed_out` or failed shards, and such an answer is incomplete.
pub fn require_complete(what: &str, answer: &Value) -> Result<(), EsError> {
    let failed = answer
        .pointer("/_shards/failed")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    if failed > 0 {
        let total = answer
            .pointer("/_shards/total")
            .and_then(Value::as_u64)
            .unwrap_or(0);
        let reason = answer
            .pointer("/_shards/failures/0/reason")
            .map(|r| {
                let kind = r.get("type").and_then(Value::as_str).unwrap_or("error");
                let why = r.get("reason").and_then(Value::as_str).unwrap_or("");
                format!(": {kind}: {why}")
            })
            .unwrap_or_default();
        return Err(EsError::Partial {
            what: what.to_string(),
            detail: format!("{failed} of {total} shards failed{reason}"),
        });
    }
    if answer.get("timed_out").and_then(Value::as_bool) == Some(true) {
        return Err(EsError::Partial {
            what: what.to_string(),
            detail: "the search timed out".into(),
        });
    }
    Ok(())
}

#[derive(Clone)]
pub enum EsCredentials {
    Basic {
        user: String,
        password: String,
    },
    /// An API key as `id:secret`.
    ApiKey {
        id: String,
        secret: String,
    },
}

/// How to reach a cluster. Secrets never appear in `Debug` output or errors.
#[derive(Clone)]
pub struct EsConfig {
    pub urls: Vec<String>,
    pub credentials: Option<EsCredentials>,
    pub ca_cert: Option<PathBuf>,
    pub insecure: bool,
    pub timeout: Duration,
    /// Indices are `PREFIX-YYYY.MM.DD`.
    pub index_prefix: String,
}

impl std::fmt::Debug for EsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EsConfig")
            .field("urls", &self.urls)
            .field(
                "credentials",
                &self.credentials.as_ref().map(|_| "<redacted>"),
            )
            .field("ca_cert", &self.ca_cert)
            .field("insecure", &self.insecure)
            .field("timeout", &self.timeout)
            .field("index_prefix", &self.index_prefix)
            .finish()
    }
}

/// An answer: status and body.
pub struct Reply {
    pub status: u16,
    pub body: Vec<u8>,
}

pub struct EsClient {
    es: Elasticsearch,
    distribution: std::sync::OnceLock<Distribution>,
    runtime: tokio::runtime::Runtime,
    urls: String,
    timeout: Duration,
}

impl EsClient {
    pub fn connect(config: &EsConfig) -> Result<EsClient, EsError> {
        let mut credentials = config.credentials.clone();
        let mut urls = Vec::new();
        for text in &config.urls {
            let mut url = Url::parse(text).map_err(|e| {
                EsError::Settings(format!("--es-url '{}' is not a URL ({e})", redact(text)))
            })?;
            // Credentials in the URL become Basic auth, so they never show in messages.
            if !url.username().is_empty() {
                credentials.get_or_insert(EsCredentials::Basic {
                    user: url.username().to_string(),
                    password: url.password().unwrap_or_default().to_string(),
                });
                let _ = url.set_username("");
                let _ = url.set_password(None);
            }
            urls.push(url);
        }
        let shown = urls.iter().map(Url::as_str).collect::<Vec<_>>().join(",");
        let mut builder = match urls.len() {
            0 => return Err(EsError::Settings("no --es-url given".into())),
            1 => TransportBuilder::new(SingleNodeConnectionPool::new(urls.remove(0))),
            _ => TransportBuilder::new(MultiNodeConnectionPool::round_robin(urls, None)),
        };
        builder = builder.timeout(config.timeout);
        match credentials {
            Some(EsCredentials::Basic { user, password }) => {
                builder = builder.auth(Credentials::Basic(user, password));
            }
            Some(EsCredentials::ApiKey { id, secret }) => {
                builder = builder.auth(Credentials::ApiKey(id, secret));
            }
            None => {}
        }
        if config.insecure {
            builder = builder.cert_validation(CertificateValidation::None);
        } else if let Some(path) = &config.ca_cert {
            let pem = std::fs::read(path).map_err(|e| {
                EsError::Settings(format!("cannot read --es-ca-cert {}: {e}", path.display()))
            })?;
            let cert = Certificate::from_pem(&pem).map_err(|e| {
                EsError::Settings(format!("{} is not a PEM certificate: {e}", path.display()))
            })?;
            builder = builder.cert_validation(CertificateValidation::Full(cert));
        }
        let transport = builder
            .build()
            .map_err(|e| EsError::Settings(format!("cannot set up the client: {e}")))?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| EsError::Settings(format!("cannot start the client's runtime: {e}")))?;
        Ok(EsClient {
            es: Elasticsearch::new(transport),
            distribution: std::sync::OnceLock::new(),
            runtime,
            urls: shown,
            timeout: config.timeout,
        })
    }

    pub fn urls(&self) -> &str {
        &self.urls
    }

    /// Sends one request; any HTTP status is a `Reply`, only a failure to talk is an error.
    pub fn request(
        &self,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
        ndjson: bool,
    ) -> Result<Reply, EsError> {
        let mut headers = HeaderMap::new();
        if ndjson {
            headers.insert(
                CONTENT_TYPE,
                HeaderValue::from_static("application/x-ndjson"),
            );
        }
        let timeout = Some(self.timeout);
        let result = self.runtime.block_on(async {
            let response = self
                .es
                .send(method, path, headers, Option::<&()>::None, body, timeout)
                .await?;
            let status = response.status_code().as_u16();
            let bytes = response.bytes().await?;
            Ok::<Reply, elasticsearch::Error>(Reply {
                status,
                body: bytes.to_vec(),
            })
        });
        result.map_err(|e| {
            // The cause that says why (an untrusted certificate) lies deep in the chain.
            let mut causes = vec![e.to_string()];
            let mut source = std::error::Error::source(&e);
            while let Some(cause) = source {
                causes.push(cause.to_string());
                source = cause.source();
            }
            match causes.iter().rev().find(|c| c.contains("certificate")) {
                Some(tls) => EsError::Untrusted {
                    urls: self.urls.clone(),
                    reason: redact(tls),
                },
                None => EsError::Unreachable {
                    urls: self.urls.clone(),
                    reason: redact(&e.to_string()),
                },
            }
        })
    }

    /// The engine behind the URLs (asked once, with `GET /`).
    pub fn distribution(&self) -> Result<Distribution, EsError> {
        if let Some(known) = self.distribution.get() {
            return Ok(*known);
        }
        let found = Distribution::of_root(&self.json(Method::Get, "/", None)?);
        Ok(*self.distribution.get_or_init(|| found))
    }

    /// A search or count whose answer must be complete (see `require_complete`).
    pub fn search_json(&self, path: &str, body: &Value) -> Result<Value, EsError> {
        let answer = self.json(Method::Post, path, Some(body))?;
        require_complete(path, &answer)?;
        Ok(answer)
    }

    /// A JSON request whose answer must be a success; errors carry Elasticsearch's reason.
    pub fn json(&self, method: Method, path: &str, body: Option<&Value>) -> Result<Value, EsError> {
        let body = body.map(|b| serde_json::to_vec(b).unwrap_or_default());
        let reply = self.request(method, path, body, false)?;
        if !(200..300).contains(&reply.status) {
            return Err(EsError::Refused {
                what: path.to_string(),
                status: reply.status,
                reason: error_reason(&reply.body),
            });
        }
        serde_json::from_slice(&reply.body).map_err(|e| EsError::Refused {
            what: path.to_string(),
            status: reply.status,
            reason: format!("an unreadable answer ({e})"),
        })
    }
}

/// `type: reason` from an Elasticsearch error body, or the start of the body.
pub fn error_reason(body: &[u8]) -> String {
    let parsed: Option<Value> = serde_json::from_slice(body).ok();
    let error = parsed.as_ref().and_then(|v| v.get("error"));
    match error {
        Some(Value::Object(e)) => {
            let kind = e.get("type").and_then(Value::as_str).unwrap_or("error");
            let reason = e.get("reason").and_then(Value::as_str).unwrap_or("");
            // "all shards failed" says little; the first root cause says why.
            let cause = e
                .get("root_cause")
                .and_then(|c| c.get(0))
                .filter(|c| c.get("type").and_then(Value::as_str) != Some(kind))
                .map(|c| {
                    let kind = c.get("type").and_then(Value::as_str).unwrap_or("error");
                    let reason = c.get("reason").and_then(Value::as_str).unwrap_or("");
                    format!(" (caused by {kind}: {reason})")
                })
                .unwrap_or_default();
            format!("{kind}: {reason}{cause}")
        }
        Some(Value::String(s)) => s.clone(),
        _ => String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned(),
    }
}

/// Removes `user:password@` from anything that looks like a URL.
fn redact(text: &str) -> String {
    let re = regex::Regex::new(r"(https?://)[^/@\s]+@").ok();
    match re {
        Some(re) => re.replace_all(text, "$1").into_owned(),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_stay_out_of_messages() {
        assert_eq!(
            redact("error for url http://elastic:s3cret@es:9200/_bulk"),
            "error for url http://es:9200/_bulk"
        );
        let config = EsConfig {
            urls: vec!["http://127.0.0.1:9200".into()],
            credentials: Some(EsCredentials::Basic {
                user: "elastic".into(),
                password: "s3cret".into(),
            }),
            ca_cert: None,
            insecure: false,
            timeout: Duration::from_secs(5),
            index_prefix: "logs".into(),
        };
        assert!(!format!("{config:?}").contains("s3cret"));
        let client = EsClient::connect(&EsConfig {
            urls: vec!["http://elastic:s3cret@127.0.0.1:1".into()],
            credentials: None,
            ..config
        })
        .unwrap();
        assert_eq!(client.urls(), "http://127.0.0.1:1/");
        let err = client
            .request(Method::Get, "/", None, false)
            .err()
            .unwrap()
            .to_string();
        assert!(
            err.contains("cannot reach Elasticsearch at http://127.0.0.1:1/")
                && !err.contains("s3cret"),
            "{err}"
        );
    }

    #[test]
    fn partial_answers_are_errors() {
        let failed: Value = serde_json::from_str(r#"{"took":3,"timed_out":false,"_shards":{"total":5,"successful":3,"skipped":0,"failed":2,"failures":[{"shard":1,"index":"logs-x","node":"n","reason":{"type":"node_not_connected_exception","reason":"[n] not connected"}}]},"hits":{"hits":[]}}"#).unwrap();
        let err = require_complete("/logs-*/_search", &failed)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("2 of 5 shards failed: node_not_connected_exception"),
            "{err}"
        );
        let slow: Value = serde_json::from_str(
            r#"{"timed_out":true,"_shards":{"total":1,"successful":1,"failed":0}}"#,
        )
        .unwrap();
        assert!(require_complete("/x", &slow).is_err());
        let fine: Value = serde_json::from_str(
            r#"{"count":3,"_shards":{"total":1,"successful":1,"skipped":0,"failed":0}}"#,
        )
        .unwrap();
        assert!(require_complete("/x", &fine).is_ok());
    }

    #[test]
    fn the_distribution_comes_from_the_root_answer() {
        let os: Value =
            serde_json::from_str(r#"{"version":{"distribution":"opensearch","number":"2.19.6"}}"#)
                .unwrap();
        assert_eq!(Distribution::of_root(&os), Distribution::OpenSearch);
        let es: Value =
            serde_json::from_str(r#"{"version":{"number":"9.1.0","build_flavor":"default"}}"#)
                .unwrap();
        assert_eq!(Distribution::of_root(&es), Distribution::Elasticsearch);
    }

    #[test]
    fn error_reasons_come_from_the_documented_shape() {
        let body = br#"{"error":{"root_cause":[{"type":"index_not_found_exception","reason":"no such index [logs-x]"}],"type":"index_not_found_exception","reason":"no such index [logs-x]","index":"logs-x"},"status":404}"#;
        assert_eq!(
            error_reason(body),
            "index_not_found_exception: no such index [logs-x]"
        );
        let failed = br#"{"error":{"root_cause":[{"type":"query_shard_exception","reason":"No mapping found for [x] in order to sort on"}],"type":"search_phase_execution_exception","reason":"all shards failed"},"status":400}"#;
        assert_eq!(
            error_reason(failed),
            "search_phase_execution_exception: all shards failed (caused by query_shard_exception: No mapping found for [x] in order to sort on)"
        );
    }
}
