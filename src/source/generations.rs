//! The rotated generations of a followed file (`app.log.1`, `app.log.2.gz`,
//! `app.log-20261207`, `app-2026-12-07.log`, ...) in the order they were written, so that a
//! follower stopped across several rotations, or left behind by two rotations in one poll,
//! reads every generation between where it stopped and the live file.
//!
//! The order is each file's modification time (a rotated generation is not written after
//! the next one starts), then, for times the file system cannot tell apart, the rotation
//! counter in its name (`.1` is newer than `.2`) or its date (later is newer).

use super::FileIdentity;
use std::cmp::Ordering;
use std::io;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// Suffixes of generations a rotation compressed: their lines cannot be followed.
const COMPRESSED: [&str; 8] = [".gz", ".bz2", ".xz", ".zst", ".lz4", ".lzma", ".zip", ".Z"];

/// A counter below this is a rotation number (`.1` newest); a larger number is a date.
const LARGEST_COUNTER: u64 = 100_000;

#[derive(Debug, Clone)]
pub struct Generation {
    pub path: PathBuf,
    pub identity: FileIdentity,
    pub modified: SystemTime,
    pub compressed: bool,
    /// The rotation counter or date in its name, when there is one.
    suffix: Option<u64>,
}

impl Generation {
    /// `path` as a generation of the live file `live` (the live file itself included).
    pub fn of(live: &Path, path: &Path) -> io::Result<Generation> {
        let meta = std::fs::metadata(path)?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let live_name = file_name(live);
        Ok(Generation {
            path: path.to_path_buf(),
            identity: FileIdentity::of(&meta),
            modified: meta.modified()?,
            compressed: COMPRESSED.iter().any(|c| name.ends_with(c)),
            suffix: rotation_suffix(&live_name, &name),
        })
    }

    /// Written before `other`.
    pub fn older_than(&self, other: &Generation) -> bool {
        self.order(other) == Ordering::Less
    }

    /// The order generations were written in, oldest first.
    pub fn order(&self, other: &Generation) -> Ordering {
        self.modified.cmp(&other.modified).then_with(|| {
            match (self.suffix, other.suffix) {
                // Counters count back in time, dates forward; the live file (no suffix)
                // is the newest of all.
                (Some(a), Some(b)) if a < LARGEST_COUNTER && b < LARGEST_COUNTER => b.cmp(&a),
                (Some(a), Some(b)) => a.cmp(&b),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => self.path.cmp(&other.path),
            }
        })
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Whether `name` is a rotated generation of the live file `live_name`: the live name
/// followed by a separator (`app.log.1`, `app.log-20261207.gz`), or its stem and a
/// separator before the same extension (`app-20261207.log`, `app.1.log`).
fn is_generation_name(live_name: &str, name: &str) -> bool {
    if name == live_name {
        return false;
    }
    let separated = |rest: &str| rest.starts_with(['.', '-', '_']) && rest.len() > 1;
    if let Some(rest) = name.strip_prefix(live_name) {
        return separated(rest);
    }
    let Some((stem, extension)) = live_name.rsplit_once('.') else {
        return false;
    };
    let unpacked = COMPRESSED
        .iter()
        .find_map(|c| name.strip_suffix(c))
        .unwrap_or(name);
    match unpacked
        .strip_prefix(stem)
        .and_then(|rest| rest.strip_suffix(extension))
    {
        Some(middle) => middle.ends_with('.') && separated(&middle[..middle.len() - 1]),
        None => false,
    }
}

/// The rotation counter or date in a generation's name: the digits after the live name
/// (`.1`, `-20261207`, `-2026-12-07`), compression left out.
fn rotation_suffix(live_name: &str, name: &str) -> Option<u64> {
    if !is_generation_name(live_name, name) {
        return None;
    }
    let unpacked = COMPRESSED
        .iter()
        .find_map(|c| name.strip_suffix(c))
        .unwrap_or(name);
    let stem = live_name.rsplit_once('.').map_or(live_name, |(s, _)| s);
    let rest = unpacked
        .strip_prefix(live_name)
        .or_else(|| unpacked.strip_prefix(stem))?;
    let digits: String = rest.chars().filter(char::is_ascii_digit).collect();
    if digits.is_empty() || digits.len() > 18 {
        return None;
    }
    digits.parse().ok()
}

/// The names of the counted generations newer than `read` that are not among `found` (the
/// rotated generations listed beside the live file): with counters (`app.log.3`, `.2`,
/// `.1`), rotation leaves no gap, so a counter missing between `read`'s and the live file is
/// a generation deleted before it was read. Dates tell nothing of what is missing.
pub fn missing_after(read: &Generation, found: &[Generation]) -> Vec<String> {
    let Some(counter) = read.suffix.filter(|&c| c < LARGEST_COUNTER) else {
        return Vec::new();
    };
    let name = file_name(&read.path);
    let unpacked = COMPRESSED
        .iter()
        .find_map(|c| name.strip_suffix(c))
        .unwrap_or(&name);
    let written = counter.to_string();
    let Some(at) = unpacked.rfind(&written) else {
        return Vec::new();
    };
    (1..counter)
        .rev()
        .filter(|k| !found.iter().any(|g| g.suffix == Some(*k)))
        .map(|k| {
            let missing = format!("{}{k}{}", &unpacked[..at], &unpacked[at + written.len()..]);
            read.path.with_file_name(missing).display().to_string()
        })
        .collect()
}

/// The rotated generations of the live file `live` found beside it, oldest first (the
/// live file not among them).
pub fn rotated(live: &Path) -> io::Result<Vec<Generation>> {
    let dir = match live.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let live_name = file_name(live);
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !is_generation_name(&live_name, &name) {
            continue;
        }
        match Generation::of(live, &entry.path()) {
            Ok(generation) if entry.path().is_file() => found.push(generation),
            // Gone between the listing and the look: rotated on.
            Ok(_) | Err(_) => {}
        }
    }
    found.sort_by(|a, b| a.order(b));
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotated_names_are_recognised_and_others_are_not() {
        for name in [
            "app.log.1",
            "app.log.2.gz",
            "app.log-20261207",
            "app.log-20261207.gz",
            "app.log_old",
            "app-20261207.log",
            "app.1.log",
            "app-2026-12-07.log.gz",
        ] {
            assert!(is_generation_name("app.log", name), "{name}");
        }
        for name in [
            "app.log",
            "app.logger",
            "application.log",
            "app.log.",
            "other.log.1",
            "app.txt",
            "app-20261207.txt",
        ] {
            assert!(!is_generation_name("app.log", name), "{name}");
        }
    }

    #[test]
    fn a_gap_in_the_counters_names_the_generations_missing() {
        let generation = |name: &str| Generation {
            path: PathBuf::from("/logs").join(name),
            identity: FileIdentity {
                device: 0,
                inode: 0,
            },
            modified: SystemTime::UNIX_EPOCH,
            compressed: name.ends_with(".gz"),
            suffix: rotation_suffix("app.log", name),
        };
        let found = [generation("app.log.4.gz"), generation("app.log.2.gz")];
        assert_eq!(
            missing_after(&generation("app.log.4.gz"), &found),
            ["/logs/app.log.3", "/logs/app.log.1"]
        );
        let found = [generation("app.3.log"), generation("app.1.log")];
        assert_eq!(missing_after(&found[0], &found), ["/logs/app.2.log"]);
        let dated = [
            generation("app.log-20261205"),
            generation("app.log-20261207"),
        ];
        assert!(missing_after(&dated[0], &dated).is_empty());
    }

    #[test]
    fn counters_count_back_and_dates_forward_when_times_tie() {
        let at = SystemTime::UNIX_EPOCH;
        let generation = |name: &str| Generation {
            path: PathBuf::from(name),
            identity: FileIdentity {
                device: 0,
                inode: 0,
            },
            modified: at,
            compressed: false,
            suffix: rotation_suffix("app.log", name),
        };
        assert!(generation("app.log.2").older_than(&generation("app.log.1")));
        assert!(generation("app.log.10").older_than(&generation("app.log.9")));
        assert!(generation("app.log-20261206").older_than(&generation("app.log-20261207")));
        assert!(generation("app.log.1").older_than(&generation("app.log")));
    }
}
