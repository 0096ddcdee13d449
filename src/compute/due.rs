//! `due`'s computation: each active household's standing on the as-of
//! day (SPEC rules 1-4 through `schedule`), the filters, the counts of the
//! summary line and the order of the rows.

use chrono::NaiveDate;
use clap::ValueEnum;

use super::filter::Filter;
use super::order::address_cmp;
use crate::model::Level;
use crate::model::Status;
use crate::model::roster::Roster;
use crate::schedule::{self, Deadline, Rules, Standing};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Sort {
    /// Deadline ascending (never visited first), stricter level first, then household id.
    Deadline,
    /// Grid, building, unit, room, with numbers ordered as numbers (2-101 before 2-1001).
    Address,
}

/// One household's line in `rounds due`: 32 bytes, as a city's rows are
/// millions (the standing is kept as its status and days, and made again
/// when asked for).
#[derive(Debug, Clone, Copy)]
pub struct DueRow {
    /// Index into `Roster::households` (see `household`).
    household: u32,
    /// The first resident active on the as-of date (index into
    /// `Roster::residents`), whom a worker would ask for at the door;
    /// `u32::MAX`: none.
    contact: u32,
    /// The days from the as-of date to the deadline (negative when it has
    /// passed; 0 when there is none).
    days: i32,
    pub level: Level,
    status: Status,
    pub last_visit: Option<NaiveDate>,
    pub deadline: Deadline,
}

impl DueRow {
    pub fn new(
        household: usize,
        level: Level,
        last_visit: Option<NaiveDate>,
        deadline: Deadline,
        standing: Standing,
        contact: Option<usize>,
    ) -> DueRow {
        let days = match (standing.days_overdue, standing.days_left) {
            (Some(n), _) => -n,
            (_, Some(n)) => n,
            _ => 0,
        };
        let row = DueRow {
            household: household as u32,
            contact: contact.map_or(u32::MAX, |c| c as u32),
            // A deadline within chrono's years is fewer than 2^31 days away.
            days: days as i32,
            level,
            status: standing.status,
            last_visit,
            deadline,
        };
        debug_assert_eq!(row.standing(), standing);
        row
    }

    /// Index into `Roster::households`.
    pub fn household(&self) -> usize {
        self.household as usize
    }

    /// The first resident active on the as-of date (index into
    /// `Roster::residents`), whom a worker would ask for at the door.
    pub fn contact(&self) -> Option<usize> {
        (self.contact != u32::MAX).then_some(self.contact as usize)
    }

    /// Overdue, due or ok on the as-of date.
    pub fn status(&self) -> Status {
        self.status
    }

    /// The household's standing on the as-of date (`schedule::standing`).
    pub fn standing(&self) -> Standing {
        let days = Some(i64::from(self.days));
        let (days_overdue, days_left) = match (self.deadline, self.status) {
            (Deadline::Never, _) => (None, None),
            (Deadline::On(_), Status::Overdue) => (days.map(|n| -n), None),
            (Deadline::On(_), _) => (None, days),
        };
        Standing {
            status: self.status,
            days_overdue,
            days_left,
        }
    }
}

/// Counts for the summary line under the `due` table.
#[derive(Debug, Clone, Default)]
pub struct DueCounts {
    /// Indexed by `Status as usize`, then `Level::index`.
    pub by_status: [[usize; 4]; 3],
    pub listed: usize,
    pub active: usize,
}

/// Whether `--visitor` names exactly one worker (whose name the table then
/// need not repeat on every row).
pub fn one_worker(visitor: &[String]) -> bool {
    let named: std::collections::BTreeSet<&str> = visitor
        .iter()
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .collect();
    named.len() == 1
}

/// Applies the rules to every active household that passes the filter.
/// Returns the rows to list and the counts for the summary line.
pub fn standings(
    roster: &Roster,
    last: &[Option<NaiveDate>],
    rules: &Rules,
    today: NaiveDate,
    within: u32,
    filter: &Filter<'_>,
    all: bool,
) -> (Vec<DueRow>, DueCounts) {
    // A city's households are worked out in parts on every core, each
    // part's rows in household order, the parts in order.
    let n = roster.households_len();
    let parts = crate::cores::in_parts(n, |range| {
        // Rows are not moved as they grow: the first part has room for
        // every part's rows (pages are only taken as they are written).
        let room = if range.start == 0 { n } else { range.len() };
        let mut rows = Vec::with_capacity(if all { room } else { room / 16 });
        let mut counts = DueCounts::default();
        let mut deadlines = super::Deadlines::default();
        for (i, &last) in last.iter().enumerate().take(range.end).skip(range.start) {
            let h = roster.household(i);
            let Some(on) = schedule::household_on(h.members(), today) else {
                continue;
            };
            if !filter.admits(&h, on.level) {
                continue;
            }
            let start = schedule::start(rules, h.members(), &on, today);
            let (deadline, standing) =
                deadlines.get(on.level, start, last, |level, start, last| {
                    let deadline = rules.deadline(level, start, last);
                    (deadline, schedule::standing(deadline, today, within))
                });
            counts.active += 1;
            counts.by_status[standing.status as usize][on.level.index()] += 1;
            if all || standing.status != Status::Ok {
                let contact = h
                    .members()
                    .iter()
                    .position(|m| schedule::is_active(m, today))
                    .and_then(|k| h.residents().nth(k))
                    .map(|r| r.index());
                rows.push(DueRow::new(i, on.level, last, deadline, standing, contact));
            }
        }
        (rows, counts)
    });
    // The first part's rows grow by the others' (no second copy of all).
    let total = parts.iter().map(|p| p.0.len()).sum::<usize>();
    let mut rows = Vec::new();
    let mut counts = DueCounts::default();
    for (part_rows, c) in parts {
        if rows.is_empty() {
            rows = part_rows;
            rows.reserve_exact(total - rows.len());
        } else {
            rows.extend(part_rows);
        }
        counts.active += c.active;
        for (a, b) in counts.by_status.iter_mut().zip(c.by_status) {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
    }
    counts.listed = rows.len();
    (rows, counts)
}

/// Orders the rows: by deadline (SPEC `due_order`), or in walking order.
pub fn sort(rows: &mut Vec<DueRow>, roster: &Roster, by: Sort) {
    let id = |r: &DueRow| roster.household(r.household()).id();
    match by {
        Sort::Deadline => {
            // Many households share a deadline: the deadline and level as
            // one number, the ids' first 16 bytes as another, then (only
            // for ids alike that far) the whole ids. A city's rows are
            // sorted in parts on every core, then merged.
            let key = |r: &DueRow| {
                let day = match r.deadline {
                    schedule::Deadline::Never => 0,
                    schedule::Deadline::On(d) => {
                        i64::from(crate::model::date::days(d)) - i64::from(i32::MIN) + 1
                    }
                };
                let mut b = [0u8; 16];
                let id = id(r).as_bytes();
                let n = id.len().min(16);
                b[..n].copy_from_slice(&id[..n]);
                (
                    (day as u64) << 2 | r.level.index() as u64,
                    u128::from_be_bytes(b),
                )
            };
            let keyed_at = |i: usize| {
                let (a, b) = key(&rows[i]);
                (a, b, i as u32)
            };
            let cmp = |x: &(u64, u128, u32), y: &(u64, u128, u32)| {
                (x.0, x.1).cmp(&(y.0, y.1)).then_with(|| {
                    let (a, b) = (&rows[x.2 as usize], &rows[y.2 as usize]);
                    schedule::due_order((a.deadline, a.level, id(a)), (b.deadline, b.level, id(b)))
                })
            };
            let order = sort_parts(rows.len(), &keyed_at, &cmp, |k| k.2);
            *rows = gather(rows, &order);
        }
        Sort::Address => rows.sort_by(|a, b| {
            address_cmp(
                &roster.household(a.household()),
                &roster.household(b.household()),
            )
        }),
    }
}

/// The rows in the given order (`rows[order[i]]` at `i`), gathered on
/// every core: each row is read once where it lies and written in turn,
/// so a city's rows cost one pass of independent reads, not a chase
/// around the cycles of the permutation.
fn gather(rows: &[DueRow], order: &[u32]) -> Vec<DueRow> {
    let Some(&first) = rows.first() else {
        return Vec::new();
    };
    let mut out = vec![first; order.len()];
    let fill = |slots: &mut [DueRow], from: &[u32]| {
        for (slot, &i) in slots.iter_mut().zip(from) {
            *slot = rows[i as usize];
        }
    };
    let part = order
        .len()
        .div_ceil(crate::cores::lanes(order.len()))
        .max(1);
    std::thread::scope(|s| {
        let mut parts = out.chunks_mut(part).zip(order.chunks(part));
        let own = parts.next();
        for (slots, from) in parts {
            s.spawn(move || fill(slots, from));
        }
        if let Some((slots, from)) = own {
            fill(slots, from);
        }
    });
    out
}

/// The items `item(0..n)` sorted by `cmp` (a total order), each told by
/// `index`: made and sorted in two halves on two cores when there are
/// many, then merged straight into the indices (no third copy of the
/// items).
fn sort_parts<T: Copy + Send + Sync>(
    n: usize,
    item: &(impl Fn(usize) -> T + Sync),
    cmp: &(impl Fn(&T, &T) -> std::cmp::Ordering + Sync),
    index: impl Fn(&T) -> u32,
) -> Vec<u32> {
    let two = std::thread::available_parallelism().is_ok_and(|n| n.get() > 1);
    if n < 1 << 16 || !two {
        let mut items: Vec<T> = (0..n).map(item).collect();
        items.sort_unstable_by(cmp);
        return items.iter().map(index).collect();
    }
    let half = n / 2;
    let part = |range: std::ops::Range<usize>| {
        let mut items: Vec<T> = range.map(item).collect();
        items.sort_unstable_by(cmp);
        items
    };
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| part(0..half));
        let b = part(half..n);
        (a.join().expect("a sorted half"), b)
    });
    let mut merged = Vec::with_capacity(n);
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if cmp(&b[j], &a[i]) == std::cmp::Ordering::Less {
            merged.push(index(&b[j]));
            j += 1;
        } else {
            merged.push(index(&a[i]));
            i += 1;
        }
    }
    merged.extend(a[i..].iter().map(&index));
    merged.extend(b[j..].iter().map(&index));
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::date::parse;

    fn d(s: &str) -> NaiveDate {
        parse(s).unwrap()
    }

    const ROSTER: &str = "id,household,level,grid,building,unit,room,visitor,since,until\n\
        R1,H1,red,G1,10,1,101,A,,\n\
        R2,H2,green,G1,9,1,101,B,,\n\
        R3,H3,orange,G2,1,1,101,A,,\n\
        R4,H3,red,G2,1,1,101,A,2020-03-01,\n\
        R5,H4,red,G2,1,1,102,B,,2020-01-31\n";

    fn everyone() -> Filter<'static> {
        Filter {
            grid: &[],
            building: &[],
            visitor: &[],
            levels: &[],
            tags: Default::default(),
        }
    }

    #[test]
    fn standings_count_the_active_and_list_what_is_not_ok() {
        let roster = crate::compute::roster(ROSTER);
        let today = d("2020-03-04");
        // H1 visited this week, H2 in January, H3 never, H4 moved out.
        let mut last = vec![None; roster.households_len()];
        last[roster.find("H1").unwrap()] = Some(d("2020-03-02"));
        last[roster.find("H2").unwrap()] = Some(d("2020-01-10"));
        let rules = Rules::default();
        let (rows, counts) = standings(&roster, &last, &rules, today, 7, &everyone(), false);
        assert_eq!(counts.active, 3, "H4 moved out");
        let listed: Vec<&str> = rows
            .iter()
            .map(|r| roster.household(r.household()).id())
            .collect();
        assert_eq!(listed, ["H3"], "H1 and H2 are ok");
        // H3 is red from R4's arrival on: its level is the strictest active.
        assert_eq!(rows[0].level, Level::Red);
        assert_eq!(rows[0].standing().status, Status::Overdue);
        assert_eq!(counts.listed, 1);
        let (all, _) = standings(&roster, &last, &rules, today, 7, &everyone(), true);
        assert_eq!(all.len(), 3);
        // The contact is the first resident active that day.
        let h3 = all
            .iter()
            .find(|r| roster.household(r.household()).id() == "H3");
        assert_eq!(
            h3.and_then(|r| r.contact())
                .map(|c| roster.resident(c).id()),
            Some("R3")
        );
    }

    #[test]
    fn filters_and_both_orders() {
        let roster = crate::compute::roster(ROSTER);
        let today = d("2020-03-04");
        let last = vec![None; roster.households_len()];
        let rules = Rules::default();
        let grid = ["G1".to_string()];
        let only_g1 = Filter {
            grid: &grid,
            ..everyone()
        };
        let (mut rows, counts) = standings(&roster, &last, &rules, today, 7, &only_g1, true);
        assert_eq!(counts.active, 2);
        sort(&mut rows, &roster, Sort::Deadline);
        let ids = |rows: &[DueRow]| -> Vec<String> {
            rows.iter()
                .map(|r| roster.household(r.household()).id().to_string())
                .collect()
        };
        // Never visited: both overdue from the start; the stricter level first.
        assert_eq!(ids(&rows), ["H1", "H2"]);
        sort(&mut rows, &roster, Sort::Address);
        // Building 9 before building 10.
        assert_eq!(ids(&rows), ["H2", "H1"]);
    }

    #[test]
    fn one_worker_is_one_distinct_name() {
        assert!(one_worker(&["A".into(), " A ".into()]));
        assert!(!one_worker(&["A".into(), "B".into()]));
        assert!(!one_worker(&[]));
    }

    #[test]
    fn a_row_keeps_its_standing_in_32_bytes() {
        // A city's rows are millions: each row is at most 32 bytes, and
        // gives back the standing it was made with, whatever the deadline.
        assert!(std::mem::size_of::<DueRow>() <= 32);
        let today = d("2024-03-10");
        let deadlines = [
            Deadline::Never,
            Deadline::On(d("2024-03-09")),
            Deadline::On(d("1900-01-01")),
            Deadline::On(today),
            Deadline::On(d("2024-03-17")),
            Deadline::On(d("2024-03-18")),
            Deadline::On(d("9999-12-31")),
        ];
        for deadline in deadlines {
            for within in [0, 7, 30] {
                let standing = crate::schedule::standing(deadline, today, within);
                for contact in [None, Some(0), Some(4_000_000)] {
                    let row = DueRow::new(7, Level::Yellow, None, deadline, standing, contact);
                    assert_eq!(row.standing(), standing, "{deadline:?} within {within}");
                    assert_eq!(row.status(), standing.status);
                    assert_eq!(row.contact(), contact);
                    assert_eq!(row.household(), 7);
                }
            }
        }
    }

    #[test]
    fn a_city_sorted_in_parts_is_sorted_as_one() {
        // Ids alike in their first 16 bytes, many sharing a deadline and
        // level: the order of SPEC's rule (deadline, level, id) either way.
        let mut text = String::from("id,household,level\n");
        let n = 70_000u64;
        let mut rng = crate::testing::Rng(12345);
        let mut next = || rng.next();
        for i in 0..n {
            let id = match next() % 3 {
                0 => format!("G01-B001-U1-{:06}", next() % 1000),
                1 => format!("G01-B001-U1-1{:05}-{}", next() % 50, i),
                _ => format!("H{}", next() % 100_000),
            };
            text.push_str(&format!("R{i},{id}-{i},red\n"));
        }
        let roster = crate::compute::roster(&text);
        let levels = Level::ALL;
        let mut rows: Vec<DueRow> = (0..roster.households_len())
            .map(|h| {
                let deadline = match next() % 5 {
                    0 => Deadline::Never,
                    k => Deadline::On(d("2020-01-01") + chrono::Duration::days((k * 3) as i64)),
                };
                let standing = crate::schedule::standing(deadline, d("2020-01-05"), 7);
                DueRow::new(
                    h,
                    levels[(next() % 4) as usize],
                    None,
                    deadline,
                    standing,
                    None,
                )
            })
            .collect();
        let mut plain = rows.clone();
        let id = |r: &DueRow| roster.household(r.household()).id();
        plain.sort_by(|a, b| {
            crate::schedule::due_order((a.deadline, a.level, id(a)), (b.deadline, b.level, id(b)))
        });
        sort(&mut rows, &roster, Sort::Deadline);
        let order = |rows: &[DueRow]| rows.iter().map(|r| r.household).collect::<Vec<_>>();
        assert_eq!(order(&rows), order(&plain));
    }
}
