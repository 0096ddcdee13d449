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

/// `work` over `0..n` cut into contiguous parts, one per core when `n` is
/// a city's size (one part below 65,536): the parts' results in order.
pub(crate) fn in_parts<T: Send>(
    n: usize,
    work: impl Fn(std::ops::Range<usize>) -> T + Sync,
) -> Vec<T> {
    let lanes = if n < 1 << 16 {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(8))
    };
    let part = n.div_ceil(lanes).max(1);
    let range = |k: usize| (k * part).min(n)..((k + 1) * part).min(n);
    if lanes == 1 {
        return vec![work(range(0))];
    }
    std::thread::scope(|s| {
        let work = &work;
        let handles: Vec<_> = (1..lanes)
            .map(|k| s.spawn(move || work(range(k))))
            .collect();
        let mut parts = vec![work(range(0))];
        parts.extend(
            handles
                .into_iter()
                .map(|h| h.join().expect("a part's thread")),
        );
        parts
    })
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
