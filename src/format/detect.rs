//! Which format a file or stream is written in, decided once from its first lines: every
//! known format reads the sample, and the one that reads most lines wins (ties go to the
//! format that says more, e.g. syslog before a bare time-first header).

use super::{
    container, logcat, logfmt, syslog, w3c, web, Format, FormatChoice, Layout, Prefix, Prefixed,
    SAMPLE_LINES,
};

/// The sample's complete, non-empty lines (a last line cut by the sample's end is left out
/// unless it is the only one).
fn sample_lines(sample: &[u8]) -> Vec<String> {
    let mut lines: Vec<&[u8]> = sample.split(|&b| b == b'\n').collect();
    if lines.len() > 1 && !sample.ends_with(b"\n") {
        lines.pop();
    }
    lines
        .into_iter()
        .map(super::trim_line_end)
        .filter(|l| l.iter().any(|b| !b.is_ascii_whitespace()))
        // Comments and directives (`#Version:`, `#Fields:` of W3C and IIS logs) and the
        // continuation lines a file may begin with (it was cut mid-entry) say nothing of
        // how its entries start.
        .filter(|l| !l.starts_with(b"#") && !l.starts_with(b" ") && !l.starts_with(b"\t"))
        // Nor do the lines of an XML body (`<?xml`, `<order>`, `</order>`); a syslog PRI
        // (`<34>`) stays.
        .filter(|l| !matches!(l, [b'<', next, ..] if next.is_ascii_alphabetic() || matches!(next, b'/' | b'?' | b'!')))
        .take(SAMPLE_LINES)
        .map(|l| String::from_utf8_lossy(l).into_owned())
        .collect()
}

fn is_json_object(line: &str) -> bool {
    line.trim_start().starts_with('{')
        && matches!(
            serde_json::from_str::<serde_json::Value>(line),
            Ok(serde_json::Value::Object(_))
        )
}

/// Decides the format of the lines in `sample` (the first bytes of a file or stream).
/// `time_format` (a strftime pattern) overrides everything.
pub fn detect(sample: &[u8], choice: FormatChoice, time_format: Option<&str>) -> Format {
    if let Some(pattern) = time_format {
        return Format::Custom(pattern.to_string());
    }
    let lines = sample_lines(sample);
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let learned = || {
        Format::Header(Layout::learn(&refs).unwrap_or(Layout {
            time: None,
            level: None,
            year: None,
            redis_marks: false,
            letter_level: false,
        }))
    };
    match choice {
        FormatChoice::Auto => {}
        FormatChoice::Json => return Format::Json,
        FormatChoice::Logfmt => return Format::Logfmt,
        FormatChoice::Syslog => return Format::Syslog,
        FormatChoice::Rfc5424 => return Format::Rfc5424,
        FormatChoice::Access => return Format::Access,
        FormatChoice::Logcat => return Format::Logcat,
        FormatChoice::Klog => return Format::Klog,
        FormatChoice::Cri => return Format::Cri,
        FormatChoice::Header => return learned(),
        FormatChoice::Raw => return Format::Raw,
    }
    if refs.is_empty() {
        return Format::Raw;
    }
    if let Some(prefix) = Prefix::of_sample(&refs) {
        return Format::Prefixed(Box::new(behind_prefix(prefix, &refs, choice)));
    }
    let directives: Vec<&str> = sample
        .split(|&b| b == b'\n')
        .filter(|l| l.starts_with(b"#Fields:"))
        .filter_map(|l| std::str::from_utf8(super::trim_line_end(l)).ok())
        .collect();
    if let Some(columns) = w3c::columns_of(&directives) {
        let read = refs
            .iter()
            .filter(|l| w3c::read(&columns, l).is_some())
            .count();
        if read * 2 >= refs.len() {
            return Format::W3c(columns);
        }
    }
    // JSON when most lines are: where they are half, a text format reads the rest and its
    // reader takes JSON lines as JSON too.
    let json = refs.iter().filter(|l| is_json_object(l)).count();
    if json * 2 > refs.len() {
        return Format::Json;
    }
    let count = |read: &dyn Fn(&str) -> bool| refs.iter().filter(|l| read(l)).count();
    let header = learned();
    let header_hits = count(&|l| header.read(l).is_some());
    // `2026-12-07 08:00:00.001 WARN svc seq=1 user=u1` is logfmt after a header: the
    // header's time wins over pairs that hold none.
    let timed_header = matches!(&header, Format::Header(layout) if layout.time.is_some());
    let logfmt_hits =
        count(&|l| logfmt::read(l).is_some_and(|h| h.time.is_some() || !timed_header));
    let candidates: [(Format, usize); 8] = [
        (Format::Cri, count(&|l| container::read_cri(l).is_some())),
        (Format::Rfc5424, count(&|l| syslog::read_5424(l).is_some())),
        (Format::Syslog, count(&|l| syslog::read_bsd(l).is_some())),
        (Format::Access, count(&|l| web::read_access(l).is_some())),
        (Format::Logcat, count(&|l| logcat::read(l).is_some())),
        (Format::Klog, count(&|l| logcat::read_klog(l).is_some())),
        (Format::Logfmt, logfmt_hits),
        (header.clone(), header_hits),
    ];
    let mut best: Option<(Format, usize)> = None;
    for (format, hits) in candidates {
        if hits > best.as_ref().map_or(0, |b| b.1) {
            best = Some((format, hits));
        }
    }
    match best {
        // A format that reads a quarter of the lines is the file's; the others are
        // continuation lines (stack traces) or noise, kept and flagged.
        Some((format, hits)) if hits * 4 >= refs.len() => format,
        _ => Format::Raw,
    }
}

/// The formats behind a prefix: of all the sample's lines, and of each service's.
fn behind_prefix(prefix: Prefix, lines: &[&str], choice: FormatChoice) -> Prefixed {
    let mut all = Vec::new();
    let mut by_service: Vec<(String, Vec<u8>)> = Vec::new();
    for line in lines {
        let Some(origin) = prefix.split(line) else {
            continue;
        };
        let rest = &line.as_bytes()[origin.rest..];
        all.extend_from_slice(rest);
        all.push(b'\n');
        let at = match by_service.iter().position(|(s, _)| s == origin.service) {
            Some(at) => at,
            None => {
                by_service.push((origin.service.to_string(), Vec::new()));
                by_service.len() - 1
            }
        };
        by_service[at].1.extend_from_slice(rest);
        by_service[at].1.push(b'\n');
    }
    Prefixed {
        prefix,
        default: detect(&all, choice, None),
        services: by_service
            .into_iter()
            .map(|(service, sample)| {
                let format = detect(&sample, choice, None);
                (service, format)
            })
            .collect(),
    }
}
