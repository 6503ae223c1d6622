//! Where events are stored and searched.

pub mod embedded;
