//! Who may ask `serve` anything, and over what: a bearer token and TLS. Listening where
//! other hosts reach it without a token is refused unless `--no-auth` says it is meant.

use super::args::ServeArgs;
use anyhow::{anyhow, bail, Context, Result};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use tokio_rustls::rustls;
use tokio_rustls::TlsAcceptor;

pub struct Access {
    token: Option<String>,
    pub tls: Option<TlsAcceptor>,
}

impl Access {
    pub fn from_args(args: &ServeArgs, addr: SocketAddr) -> Result<Access> {
        let token = match &args.token_file {
            Some(file) => Some(read_token(file)?),
            None => None,
        };
        if token.is_none() && !args.no_auth && !addr.ip().is_loopback() {
            bail!(
                "serving on {addr} lets other hosts read the whole store; give --token-file (clients send Authorization: Bearer TOKEN), or --no-auth if that is meant"
            );
        }
        let tls = match (&args.tls_cert, &args.tls_key) {
            (Some(cert), Some(key)) => Some(acceptor(cert, key)?),
            _ => None,
        };
        Ok(Access { token, tls })
    }

    pub fn scheme(&self) -> &'static str {
        if self.tls.is_some() {
            "https"
        } else {
            "http"
        }
    }

    /// Whether a request may be answered: with a token set, it must carry it.
    pub fn admits(&self, authorization: Option<&[u8]>) -> bool {
        let Some(token) = &self.token else {
            return true;
        };
        let Some(given) = authorization.and_then(|h| h.strip_prefix(b"Bearer ")) else {
            return false;
        };
        same_secret(given, token.as_bytes())
    }

    pub fn has_token(&self) -> bool {
        self.token.is_some()
    }
}

/// Compares without stopping at the first difference, so the time taken does not tell an
/// attacker how much of a guess was right.
fn same_secret(given: &[u8], expected: &[u8]) -> bool {
    if given.len() != expected.len() {
        return false;
    }
    given
        .iter()
        .zip(expected)
        .fold(0u8, |differs, (a, b)| differs | (a ^ b))
        == 0
}

fn read_token(file: &Path) -> Result<String> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("cannot read the token file {}", file.display()))?;
    let token = text.trim().to_string();
    if token.len() < 16 {
        bail!(
            "the token in {} is {} characters; use at least 16 (e.g. `openssl rand -hex 32 > {}`)",
            file.display(),
            token.len(),
            file.display()
        );
    }
    if token.chars().any(|c| c.is_whitespace() || c.is_control()) {
        bail!(
            "the token in {} holds spaces or control characters",
            file.display()
        );
    }
    Ok(token)
}

fn acceptor(cert: &Path, key: &Path) -> Result<TlsAcceptor> {
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .and_then(|certs| certs.collect::<Result<_, _>>())
        .map_err(|e| anyhow!("cannot read certificates from {}: {e}", cert.display()))?;
    if chain.is_empty() {
        bail!("{} holds no PEM certificate", cert.display());
    }
    let key = PrivateKeyDer::from_pem_file(key)
        .map_err(|e| anyhow!("cannot read a private key from {}: {e}", key.display()))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .context("cannot set up TLS")?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| {
            anyhow!(
                "the key does not serve the certificate in {}: {e}",
                cert.display()
            )
        })?;
    Ok(TlsAcceptor::from(Arc::new(config)))
}

#[cfg(test)]
mod tests {
    use super::same_secret;

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret(b"abcdefgh", b"abcdefgh"));
        assert!(!same_secret(b"abcdefgX", b"abcdefgh"));
        assert!(!same_secret(b"abc", b"abcdefgh"));
    }
}
