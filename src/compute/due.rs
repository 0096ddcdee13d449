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

/// One household's line in `rounds due`.
#[derive(Debug, Clone, Copy)]
pub struct DueRow {
    /// Index into `Roster::households`.
    pub household: usize,
    pub level: Level,
    pub last_visit: Option<NaiveDate>,
    pub deadline: Deadline,
    pub standing: Standing,
    /// The first resident active on the as-of date (index into
    /// `Roster::residents`), whom a worker would ask for at the door.
    pub contact: Option<usize>,
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
    let mut rows = Vec::new();
    let mut counts = DueCounts::default();
    for h in roster.households() {
        let i = h.index();
        let Some(on) = schedule::household_on(h.members(), today) else {
            continue;
        };
        if !filter.admits(&h, on.level) {
            continue;
        }
        let start = schedule::start(rules, h.members(), &on, today);
        let deadline = rules.deadline(on.level, start, last[i]);
        let standing = schedule::standing(deadline, today, within);
        counts.active += 1;
        counts.by_status[standing.status as usize][on.level.index()] += 1;
        if all || standing.status != Status::Ok {
            let contact = h
                .members()
                .iter()
                .position(|m| schedule::is_active(m, today))
                .and_then(|k| h.residents().nth(k))
                .map(|r| r.index());
            rows.push(DueRow {
                household: i,
                level: on.level,
                last_visit: last[i],
                deadline,
                standing,
                contact,
            });
        }
    }
    counts.listed = rows.len();
    (rows, counts)
}

/// Orders the rows: by deadline (SPEC `due_order`), or in walking order.
pub fn sort(rows: &mut [DueRow], roster: &Roster, by: Sort) {
    let id = |r: &DueRow| roster.household(r.household).id();
    match by {
        Sort::Deadline => {
            // Many households share a deadline: compare the ids' first 16
            // bytes as one number before the whole ids.
            let head = |r: &DueRow| {
                let mut b = [0u8; 16];
                let id = id(r).as_bytes();
                let n = id.len().min(16);
                b[..n].copy_from_slice(&id[..n]);
                u128::from_be_bytes(b)
            };
            let mut keyed: Vec<(DueRow, u128)> = rows.iter().map(|r| (*r, head(r))).collect();
            keyed.sort_unstable_by(|(a, ha), (b, hb)| {
                (a.deadline, a.level, ha)
                    .cmp(&(b.deadline, b.level, hb))
                    .then_with(|| {
                        schedule::due_order(
                            (a.deadline, a.level, id(a)),
                            (b.deadline, b.level, id(b)),
                        )
                    })
            });
            for (slot, (r, _)) in rows.iter_mut().zip(keyed) {
                *slot = r;
            }
        }
        Sort::Address => rows.sort_by(|a, b| {
            address_cmp(
                &roster.household(a.household),
                &roster.household(b.household),
            )
        }),
    }
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
            .map(|r| roster.household(r.household).id())
            .collect();
        assert_eq!(listed, ["H3"], "H1 and H2 are ok");
        // H3 is red from R4's arrival on: its level is the strictest active.
        assert_eq!(rows[0].level, Level::Red);
        assert_eq!(rows[0].standing.status, Status::Overdue);
        assert_eq!(counts.listed, 1);
        let (all, _) = standings(&roster, &last, &rules, today, 7, &everyone(), true);
        assert_eq!(all.len(), 3);
        // The contact is the first resident active that day.
        let h3 = all
            .iter()
            .find(|r| roster.household(r.household).id() == "H3");
        assert_eq!(
            h3.and_then(|r| r.contact).map(|c| roster.resident(c).id()),
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
                .map(|r| roster.household(r.household).id().to_string())
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
}
