//! The computations: pure functions from model values, the rules and a day
//! to typed rows that the renderers show. No I/O and no clock here.

pub mod import;
pub mod needs;
pub mod report;
