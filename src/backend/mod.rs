//! Where events are stored and searched.

pub mod elasticsearch;
pub mod embedded;
pub mod field_list;
pub mod groups;
pub mod histogram;
