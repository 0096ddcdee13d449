//! `rounds due [--within N] [--all] [--grid G] [--building B] [--visitor V]
//!            [--level L] [--sort deadline|address] [--exit-code] [-q]`
//!
//! Lists the households that are overdue or due on the as-of date (with
//! `--all`, every active household), most urgent first. The csv and json
//! rows are the SPEC's contract: household, level, grid, building,
//! last_visit, deadline, status, days_overdue, days_left (plus unit, room
//! and visitor). Exit status 1 with `--exit-code` when any listed
//! household is overdue. `--format md|html` prints a round sheet instead
//! (grouped by building in walking order, see `render::sheet`); `--quiet`
//! prints nothing unless a listed household is overdue.

use std::io::Write;

use chrono::NaiveDate;

use super::filter::Filter;
use super::{Ctx, Outcome, address_cmp};
use crate::cli::{DueArgs, Sort};
use crate::data::roster::Load;
use crate::error::Error;
use crate::error::Usage;
use crate::i18n::DueCounts;
use crate::model::roster::Roster;
use crate::model::{DueRow, Level, Status};
use crate::render::{self, ListFormat};
use crate::schedule::{self, Rules};

pub fn run(ctx: &Ctx, args: &DueArgs, out: &mut dyn Write) -> Result<Outcome, Error> {
    let levels = parse_levels(&args.level)?;
    let sheet = render::sheet::asked(ctx.format);
    let format = match sheet {
        Some(_) => ListFormat::Table,
        None => ctx.format()?,
    };
    let progress = ctx.progress(args.quiet, &[]);
    let snapshot = ctx.snapshot()?;
    let mut problems = Vec::new();
    let load = Load {
        personal: format == ListFormat::Table,
        names: format == ListFormat::Table,
    };
    let roster = snapshot.roster(load, &mut problems)?;
    let last = snapshot.last_visits(&roster, ctx.today, &mut problems)?;
    let ledger = snapshot.needs(&ctx.config.needs.categories, &mut problems)?;
    ctx.fail_on_errors(problems)?;
    let filter = Filter {
        grid: &args.grid,
        building: &args.building,
        visitor: &args.visitor,
        levels: &levels,
    };
    filter.check(&roster)?;
    // With a needs ledger, each household's unresolved needs (an extra
    // column; without one the output is as it always was).
    let needs = ledger.map(|l| crate::compute::needs::open_needs(&l.needs, &roster, ctx.today));
    let needs = needs.as_deref();

    let within = args.within.unwrap_or(ctx.window);
    let (mut rows, counts) = standings(
        &roster,
        &last,
        &ctx.config.rules,
        ctx.today,
        within,
        &filter,
        args.all,
    );
    let by = if sheet.is_some() {
        Sort::Address
    } else {
        args.sort
    };
    sort(&mut rows, &roster, by);
    drop(progress);
    let overdue = rows.iter().any(|r| r.standing.status == Status::Overdue);
    if args.quiet && !overdue {
        return Ok(Outcome::Success);
    }

    let written = match (sheet, format) {
        (Some(sheet), _) => render::sheet::due(
            out,
            sheet,
            &render::sheet::SheetView {
                roster: &roster,
                rows: &rows,
                counts: &counts,
                lang: ctx.lang,
                today: ctx.today,
                visitors: &args.visitor,
                reveal: args.reveal,
            },
        ),
        (None, ListFormat::Csv) => render::csv::due(out, &roster, &rows, needs),
        (None, ListFormat::Json) => render::json::due(out, &roster, &rows, needs),
        (None, ListFormat::Table) => render::table::due(
            out,
            &render::table::DueView {
                roster: &roster,
                rows: &rows,
                counts: &counts,
                lang: ctx.lang,
                color: ctx.color,
                width: ctx.width,
                reveal: args.reveal,
                one_worker: one_worker(&args.visitor),
                needs,
                flag_after_days: ctx.config.needs.flag_after_days,
            },
        ),
    };
    written.map_err(Error::Output)?;
    Ok(if args.exit_code && overdue {
        Outcome::Flagged
    } else {
        Outcome::Success
    })
}

/// The levels of `--level` (shared with `households`).
pub fn parse_levels(words: &[String]) -> Result<Vec<Level>, Error> {
    words
        .iter()
        .filter(|w| !w.trim().is_empty())
        .map(|w| {
            Level::parse(w).ok_or_else(|| {
                Error::Usage(Usage::BadLevelFlag {
                    value: w.clone(),
                    suggestion: crate::model::suggest_level(w),
                })
            })
        })
        .collect()
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

fn sort(rows: &mut [DueRow], roster: &Roster, by: Sort) {
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
