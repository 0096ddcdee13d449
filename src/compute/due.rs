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
        let deadline = rules.deadline(on.level, on.start, last[i]);
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
