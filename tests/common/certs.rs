//! Certificates for tests, made with openssl: a CA (`ca.pem`), a server key and certificate
//! for IP 127.0.0.1 signed by it (`server.key`, `server.crt`, and `server.pem` holding both,
//! as Kafka's PEM keystore wants them), a client certificate (`client.key`, `client.pem`,
//! CN=logagg-client) and a second CA that signed nothing here (`other-ca.pem`).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;

/// A CA, the broker's key and certificate (for IP 127.0.0.1 only) signed by it, and a
/// second CA that signed nothing the broker holds.
pub fn make(dir: &Path) {
    let openssl = |args: &[&str]| {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()
            .expect("openssl makes the test certificates; install it (Debian: openssl)");
        assert!(
            out.status.success(),
            "openssl {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    for (name, subject) in [
        ("ca", "/CN=logagg test CA"),
        ("other-ca", "/CN=someone else"),
    ] {
        openssl(&[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "3",
            "-subj",
            subject,
            "-keyout",
            &format!("{name}.key"),
            "-out",
            &format!("{name}.pem"),
        ]);
    }
    std::fs::write(dir.join("san.ext"), "subjectAltName=IP:127.0.0.1\n").unwrap();
    openssl(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=127.0.0.1",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
    ]);
    openssl(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "3",
        "-extfile",
        "san.ext",
        "-out",
        "server.crt",
    ]);
    openssl(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=logagg-client",
        "-keyout",
        "client.key",
        "-out",
        "client.csr",
    ]);
    openssl(&[
        "x509",
        "-req",
        "-in",
        "client.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "3",
        "-out",
        "client.pem",
    ]);
    let key = std::fs::read_to_string(dir.join("server.key")).unwrap();
    assert!(key.contains("BEGIN PRIVATE KEY"), "the key is PKCS#8");
    let cert = std::fs::read_to_string(dir.join("server.crt")).unwrap();
    std::fs::write(dir.join("server.pem"), format!("{key}{cert}")).unwrap();
}
