//! logagg: a terminal-first log pipeline and explorer.

pub mod backend;
pub mod cli;
pub mod event;
pub mod format;
pub mod kafka;
pub mod patterns;
pub mod pipeline;
pub mod premixed;
pub mod query;
pub mod short_text;
pub mod simulator;
pub mod source;
pub mod stack;
pub mod tui;
pub mod visible;
