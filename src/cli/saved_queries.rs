//! Saved queries: `logagg saved add NAME QUERY`, then `@NAME` anywhere a query is written
//! (`logagg query '@errors AND service:auth'`, `tail`, `dash`, `fields`). Kept in
//! `queries.toml` beside the config file, one `name = "query"` per line, so they can be
//! edited by hand too.

use anyhow::{anyhow, Context, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use crate::query::saved::{expand, valid_name};

/// The file saved queries are kept in: beside the config file
/// (`$XDG_CONFIG_HOME/logagg/queries.toml`, or beside `--config`).
pub fn file(config_path: &Path) -> PathBuf {
    config_path
        .parent()
        .unwrap_or_else(|| Path::new("."))
        .join("queries.toml")
}

/// The saved queries by name (none when the file does not exist).
pub fn load(path: &Path) -> Result<BTreeMap<String, String>> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(e) => {
            return Err(e).with_context(|| format!("cannot read saved queries {}", path.display()))
        }
    };
    toml::from_str(&text).map_err(|e| {
        anyhow!(
            "saved queries {} are invalid: {} (each line is name = \"query\")",
            path.display(),
            e.message()
        )
    })
}

pub fn store(path: &Path, queries: &BTreeMap<String, String>) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let text = toml::to_string(queries).context("cannot write the saved queries")?;
    let temporary = path.with_extension("toml.tmp");
    std::fs::write(&temporary, text)
        .and_then(|()| std::fs::rename(&temporary, path))
        .with_context(|| format!("cannot write saved queries {}", path.display()))
}
