//! Lines that tools prefix with where they came from: `docker compose logs`
//! (`caddy  | {"level":"info",...}`) and `kubectl logs --prefix`
//! (`[pod/api-7d9/app] 2026-11-26 ...`). The prefix names the service (and, for
//! Kubernetes, the pod as the host); the rest is a line of its own format.

use super::Format;

/// Lines behind a prefix, each service's in the format detected for it (`docker compose
/// logs` mixes a proxy's JSON with an app's log4j lines); services the sample did not
/// show are read in the format most lines had.
#[derive(Debug, Clone, PartialEq)]
pub struct Prefixed {
    pub prefix: Prefix,
    pub default: Format,
    pub services: Vec<(String, Format)>,
}

impl Prefixed {
    /// The format of `service`'s lines.
    pub fn format_of(&self, service: &str) -> &Format {
        self.services
            .iter()
            .find(|(name, _)| name == service)
            .map_or(&self.default, |(_, format)| format)
    }

    /// `compose (json; api-1: header)`.
    pub fn describe(&self) -> String {
        let mut text = format!("{} ({}", self.prefix.name(), self.default.describe());
        for (service, format) in &self.services {
            if format != &self.default {
                text.push_str(&format!("; {service}: {}", format.describe()));
            }
        }
        text.push(')');
        text
    }
}

/// Which tool wrote the prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prefix {
    /// `SERVICE  | ` (Compose pads the names to one width), also `SERVICE-1  | `.
    Compose,
    /// `[pod/POD/CONTAINER] `.
    Kubectl,
}

/// What a prefix says, and where the line proper starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Origin<'a> {
    pub service: &'a str,
    pub host: Option<&'a str>,
    pub rest: usize,
}

impl Prefix {
    pub fn name(self) -> &'static str {
        match self {
            Prefix::Compose => "compose",
            Prefix::Kubectl => "kubectl",
        }
    }

    pub fn split(self, line: &str) -> Option<Origin<'_>> {
        match self {
            Prefix::Compose => compose(line),
            Prefix::Kubectl => kubectl(line),
        }
    }

    /// The prefix most of `lines` carry, if one does.
    pub fn of_sample(lines: &[&str]) -> Option<Prefix> {
        [Prefix::Compose, Prefix::Kubectl].into_iter().find(|p| {
            let hits = lines.iter().filter(|l| p.split(l).is_some()).count();
            hits * 2 > lines.len()
        })
    }
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.')
}

fn compose(line: &str) -> Option<Origin<'_>> {
    let bytes = line.as_bytes();
    let end = bytes.iter().position(|&b| !is_name_byte(b))?;
    // `INFO  | message` is a level column, not a service.
    if end == 0
        || !bytes[0].is_ascii_alphanumeric()
        || crate::event::Level::from_word(&line[..end]).is_some()
    {
        return None;
    }
    let mut at = end;
    while bytes.get(at) == Some(&b' ') {
        at += 1;
    }
    if at == end || bytes.get(at) != Some(&b'|') {
        return None;
    }
    at += 1;
    if bytes.get(at) == Some(&b' ') {
        at += 1;
    }
    Some(Origin {
        service: &line[..end],
        host: None,
        rest: at,
    })
}

fn kubectl(line: &str) -> Option<Origin<'_>> {
    let inner = line.strip_prefix("[pod/")?;
    let close = inner.find("] ")?;
    let (pod, container) = inner[..close].split_once('/')?;
    let name = |s: &str| !s.is_empty() && s.bytes().all(is_name_byte);
    if !name(pod) || !name(container) {
        return None;
    }
    Some(Origin {
        service: container,
        host: Some(pod),
        rest: "[pod/".len() + close + 2,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_of_compose_and_kubectl() {
        let line = r#"caddy-1  | {"level":"info","msg":"serving"}"#;
        let origin = Prefix::Compose.split(line).unwrap();
        assert_eq!(origin.service, "caddy-1");
        assert_eq!(&line[origin.rest..], r#"{"level":"info","msg":"serving"}"#);
        let line = "[pod/api-7d9f/app] 2026-11-26 21:00:00 INFO up";
        let origin = Prefix::Kubectl.split(line).unwrap();
        assert_eq!((origin.service, origin.host), ("app", Some("api-7d9f")));
        assert_eq!(&line[origin.rest..], "2026-11-26 21:00:00 INFO up");
        for not in [
            "2026-11-26 21:00:00 | x",
            "a|b",
            "| x",
            "[pod/x] y",
            "[pod//c] y",
            "INFO  | a level is no service",
        ] {
            assert_eq!(Prefix::Compose.split(not), None, "{not}");
            assert_eq!(Prefix::Kubectl.split(not), None, "{not}");
        }
    }
}
