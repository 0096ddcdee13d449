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

/// What the rules say of a level, a start and a last visit, remembered:
/// a city's households share a few thousand of these, and working one out
/// takes calendar arithmetic. A small table, a slot for each key's hash;
/// a slot holding another key is worked out again and taken over.
pub(crate) struct Deadlines<V> {
    slots: Vec<Option<(DeadlineKey, V)>>,
}

type DeadlineKey = (
    crate::model::Level,
    Option<chrono::NaiveDate>,
    Option<chrono::NaiveDate>,
);

impl<V: Copy> Default for Deadlines<V> {
    fn default() -> Self {
        Deadlines {
            slots: vec![None; 1 << 12],
        }
    }
}

impl<V: Copy> Deadlines<V> {
    pub(crate) fn get(
        &mut self,
        level: crate::model::Level,
        start: Option<chrono::NaiveDate>,
        last: Option<chrono::NaiveDate>,
        work_out: impl FnOnce(
            crate::model::Level,
            Option<chrono::NaiveDate>,
            Option<chrono::NaiveDate>,
        ) -> V,
    ) -> V {
        let key = (level, start, last);
        let days =
            |d: Option<chrono::NaiveDate>| d.map_or(0, |d| crate::model::date::days(d) as u32 + 1);
        let mix = (days(last).wrapping_mul(0x9E37_79B9) ^ days(start).wrapping_mul(0x85EB_CA6B))
            .wrapping_add((level.index() as u32).wrapping_mul(0xC2B2_AE35));
        let slot = &mut self.slots[(mix >> 20) as usize & ((1 << 12) - 1)];
        match slot {
            Some((k, found)) if *k == key => *found,
            _ => {
                let found = work_out(level, start, last);
                *slot = Some((key, found));
                found
            }
        }
    }
}

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
