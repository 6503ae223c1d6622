//! Records the sink has handed back, kept so the simulator fills them again instead of
//! building every event from nothing (a dozen allocations each, as much as generating it).

use super::sim_event::log_event_shape;
use crate::pipeline::Record;
use crate::premixed::Premixed;
use std::collections::{HashMap, VecDeque};

/// Spare records by the shape of their fields: a new event usually finds one whose map
/// needs only its values replaced, and whose strings have room already.
#[derive(Default)]
pub struct Spares {
    /// Shapes are their own hashes (see `premixed`).
    by_shape: HashMap<u64, Vec<Record>, Premixed>,
    count: usize,
    /// Shapes of the records handed out, in order: they come back in that order, and
    /// reading the shape again from each event's map was most of the cost of keeping it.
    handed_out: VecDeque<u64>,
}

impl Spares {
    /// Enough for two pulls; more would only hold memory.
    const MAX: usize = 2048;

    /// A spare record whose event has fields of this shape, if one is kept. None of this
    /// shape means a new record, rather than one of another shape, which would leave that
    /// shape short in turn (the stock grows to what a pull needs).
    pub fn hand_out(&mut self, shape: u64) -> Option<Record> {
        self.handed_out.push_back(shape);
        let found = self.by_shape.get_mut(&shape).and_then(Vec::pop);
        self.count -= usize::from(found.is_some());
        found
    }

    /// Keeps the records a sink has finished with; `spent` is left empty.
    pub fn take_back(&mut self, spent: &mut Vec<Record>) {
        let mut shapes = std::mem::take(&mut self.handed_out);
        if spent.len() == shapes.len() {
            for (record, shape) in spent.drain(..).zip(shapes.drain(..)) {
                self.keep(record, shape);
            }
        } else {
            // The sink kept some: which ones is not worth finding out.
            for record in spent.drain(..) {
                let shape = log_event_shape(&record.event);
                self.keep(record, shape);
            }
            shapes.clear();
        }
        self.handed_out = shapes;
    }

    fn keep(&mut self, record: Record, shape: u64) {
        if self.count < Self::MAX {
            self.count += 1;
            self.by_shape.entry(shape).or_default().push(record);
        }
    }
}
