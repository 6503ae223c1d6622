//! logagg: a terminal-first log pipeline and explorer.

pub mod event;
pub mod query;
pub mod backend;
pub mod simulator;
