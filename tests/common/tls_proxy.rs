//! A real TLS-terminating proxy with authentication (nginx from Debian's packages) in front
//! of the test search engine, as a secured Elasticsearch stands to its clients: HTTPS with a
//! certificate made at test time, basic auth or an API key, a JSON 401 otherwise.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use super::engine::{free_port, listening, EngineProcess};
use base64::Engine as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub const USER: (&str, &str) = ("logagg", "es-pw-30c1d9");
pub const API_KEY: &str = "key-id-1:key-secret-8e2f";

pub struct TlsProxy {
    pub url: String,
    /// `ca.pem` signed the proxy's certificate; `other-ca.pem` did not.
    pub tls: PathBuf,
    process: EngineProcess,
}

impl TlsProxy {
    /// One proxy per test binary in front of `upstream` (an `http://` URL).
    pub fn shared(upstream: &str) -> &'static TlsProxy {
        static SHARED: OnceLock<TlsProxy> = OnceLock::new();
        SHARED.get_or_init(|| TlsProxy::start(upstream, USER))
    }

    /// A proxy of its own (stopped when dropped) that lets `user` in by basic auth (and
    /// the API key `API_KEY`).
    pub fn start(upstream: &str, user: (&str, &str)) -> TlsProxy {
        let nginx = ["/usr/sbin/nginx", "/usr/bin/nginx"]
            .into_iter()
            .find(|p| Path::new(p).exists())
            .expect(
                "nginx is needed for the TLS proxy tests: ./scripts/test installs it (Debian: nginx-light)",
            );
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "logagg-tls-proxy-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("tmp")).unwrap();
        super::certs::make(&dir);
        let port = free_port();
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        let basic = b64(&format!("{}:{}", user.0, user.1));
        let api_key = b64(API_KEY);
        let d = dir.display();
        let config = format!(
            r#"worker_processes 1;
daemon off;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 512; }}
http {{
    access_log off;
    client_body_temp_path {d}/tmp/body;
    proxy_temp_path {d}/tmp/proxy;
    fastcgi_temp_path {d}/tmp/fastcgi;
    uwsgi_temp_path {d}/tmp/uwsgi;
    scgi_temp_path {d}/tmp/scgi;
    client_max_body_size 200m;
    map $http_authorization $allowed {{
        "Basic {basic}" 1;
        "ApiKey {api_key}" 1;
        default 0;
    }}
    server {{
        listen 127.0.0.1:{port} ssl;
        ssl_certificate {d}/server.crt;
        ssl_certificate_key {d}/server.key;
        location / {{
            default_type application/json;
            if ($allowed = 0) {{
                add_header WWW-Authenticate 'Basic realm="security" charset="UTF-8"' always;
                return 401 '{{"error":{{"type":"security_exception","reason":"unable to authenticate user [for REST request]"}},"status":401}}';
            }}
            proxy_pass {upstream};
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Authorization "";
            proxy_read_timeout 120s;
        }}
    }}
}}
"#
        );
        std::fs::write(dir.join("nginx.conf"), config).unwrap();
        // Under the engines' watchdog, so it stops when the test binary does.
        let process = EngineProcess::spawn(
            "nginx",
            &dir,
            &dir.join("nginx.out"),
            Path::new(nginx),
            &[
                "-p".to_string(),
                dir.display().to_string(),
                "-c".to_string(),
                dir.join("nginx.conf").display().to_string(),
            ],
        );
        let address = format!("127.0.0.1:{port}");
        for _ in 0..100 {
            if listening(&address) {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        assert!(
            listening(&address),
            "nginx did not start: {}",
            std::fs::read_to_string(dir.join("error.log")).unwrap_or_default()
        );
        TlsProxy {
            url: format!("https://{address}"),
            tls: dir,
            process,
        }
    }
}
