//! `logagg simulate`'s event source: realistic logs from a fake shop's services.

mod catalog;
mod generator;
mod sim_event;

pub use generator::{SimConfig, Simulator};
pub use sim_event::{SimEvent, SimValue};

#[cfg(test)]
mod tests;
