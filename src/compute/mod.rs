//! The computations: pure functions from model values, the rules and a day
//! to typed rows that the renderers show. No I/O and no clock here.

pub mod due;
pub mod filter;
pub mod history;
pub mod households;
pub mod needs;
pub mod order;
pub mod report;
