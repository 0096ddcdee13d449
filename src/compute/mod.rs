//! The computations: pure functions from model values, the rules and a day
//! to typed rows that the renderers show. No I/O and no clock here.

pub mod change;
pub mod due;
pub mod filter;
pub mod history;
pub mod households;
pub mod import;
pub mod needs;
pub mod order;
pub mod report;

/// A roster from the text of a residents.csv, for the computations' tests.
#[cfg(test)]
pub(crate) fn roster(text: &str) -> crate::model::roster::Roster {
    use crate::data::roster::{Load, from_table};
    use crate::data::table::Table;
    let mut problems = Vec::new();
    let table = Table::from_bytes(std::path::Path::new("residents.csv"), text.as_bytes());
    let load = Load {
        personal: true,
        names: true,
    };
    let roster = from_table(table, load, &mut problems);
    assert!(problems.is_empty(), "{problems:?}");
    roster
}
