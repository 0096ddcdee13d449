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

/// The cores to share `n` items among: all (up to eight) for a city's
/// size, one below 65,536.
pub(crate) fn lanes(n: usize) -> usize {
    if n < 1 << 16 {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(8))
    }
}

/// `work` over `0..n` cut into contiguous parts, one per core when `n` is
/// a city's size (one part below 65,536): the parts' results in order.
pub(crate) fn in_parts<T: Send>(
    n: usize,
    work: impl Fn(std::ops::Range<usize>) -> T + Sync,
) -> Vec<T> {
    let lanes = lanes(n);
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

/// `make` of each of `items` on `lanes` cores, `each` items a core, a
/// round at a time, each result handed to `take` in the items' order: only
/// a round's results are held at once. `take`'s first error ends it.
pub(crate) fn in_rounds<T: Sync, R: Send, E>(
    items: &[T],
    lanes: usize,
    each: usize,
    make: impl Fn(&T) -> R + Sync,
    mut take: impl FnMut(&T, R) -> Result<(), E>,
) -> Result<(), E> {
    let each = each.max(1);
    for round in items.chunks(lanes.max(1) * each) {
        let made: Vec<R> = if round.len() <= each {
            round.iter().map(&make).collect()
        } else {
            std::thread::scope(|s| {
                let make = &make;
                let mut lots = round.chunks(each);
                let own = lots.next().unwrap_or_default();
                let handles: Vec<_> = lots
                    .map(|lot| s.spawn(move || lot.iter().map(make).collect::<Vec<R>>()))
                    .collect();
                let mut made: Vec<R> = own.iter().map(make).collect();
                for h in handles {
                    made.extend(h.join().expect("a round's thread"));
                }
                made
            })
        };
        for (item, r) in round.iter().zip(made) {
            take(item, r)?;
        }
    }
    Ok(())
}

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
