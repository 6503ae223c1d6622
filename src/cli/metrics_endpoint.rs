//! `--metrics-addr`: the pipeline's Prometheus metrics, served for the life of the command.

use super::args::MetricsArgs;
use crate::pipeline::metrics::{serve, PipelineMetrics};
use anyhow::{Context, Result};
use std::sync::Arc;

/// The metrics to count into, served when `--metrics-addr` asks for it.
pub fn start(args: &MetricsArgs) -> Result<Option<Arc<PipelineMetrics>>> {
    let Some(addr) = &args.metrics_addr else {
        return Ok(None);
    };
    let addr = addr.parse().with_context(|| {
        format!("--metrics-addr '{addr}' is not an address such as 127.0.0.1:9898")
    })?;
    let metrics = Arc::new(PipelineMetrics::new());
    serve(addr, metrics.clone())?;
    Ok(Some(metrics))
}
