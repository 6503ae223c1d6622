//! `logagg simulate`'s event source: realistic logs from a fake shop's services.

mod catalog;
mod generator;
mod pacing;
mod sim_event;
mod source;
mod spares;

pub use generator::{SimConfig, Simulator};
pub use pacing::Pacer;
pub use sim_event::{SimEvent, SimValue};
pub use source::{SimulatorSource, Span};

#[cfg(test)]
mod tests;
