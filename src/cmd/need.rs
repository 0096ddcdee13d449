//! `rounds need add HOUSEHOLD --text T [--category C] [--date D] [--by V]`
//! `rounds need update ID --status in_progress|resolved [--resolution R] [--date D]`
//! `rounds need follow-up ID --satisfaction S [--date D]`
//!
//! The needs ledger (诉求台账, `needs.csv`): a need raised on a visit is
//! kept until it is resolved and followed up. `need add` opens one and
//! prints its id (N0001 …); `need update` records that it is being
//! handled or resolved; `need follow-up` records the return visit and what
//! the residents said. Each tells what it did in a sentence, or with
//! `--format json` or `csv` gives the need as `needs` lists it. Each
//! change holds the data directory's write lock and reaches the file
//! whole (see `store`); bad input (an unknown id,
//! household or category, a date before the need was raised, a date that
//! is not one) is refused with exit status 2 and nothing written. `needs`
//! lists the ledger.

use std::io::Write;

use chrono::NaiveDate;

use super::{Ctx, Outcome};
use crate::cli::{NeedAction, NeedAddArgs, NeedArgs, NeedFollowUpArgs, NeedUpdateArgs};
use crate::compute::needs;
use crate::data::needs::{self as ledger_file, Ledger};
use crate::data::roster::Load;
use crate::data::snapshot::Snapshot;
use crate::error::Usage;
use crate::error::{Error, Reason};
use crate::model::need::{Need, NeedStatus, Satisfaction};
use crate::model::roster::Roster;
use crate::privacy::shown_value;
use crate::render::{self, ListFormat};

/// A refusal of bad input: the reason, in the user's language.
fn refuse(reason: Reason) -> Error {
    Error::Usage(Usage::Refused(reason))
}

/// A date argument (default: --today); not after --today.
fn date_arg(ctx: &Ctx, text: Option<&str>) -> Result<NaiveDate, Error> {
    needs::day_given(text, ctx.today).map_err(refuse)
}

/// The write lock, the roster and the ledger (which must be free of
/// errors before anything is changed).
fn open_for_change(ctx: &Ctx) -> Result<(Snapshot, Roster, Option<Ledger>), Error> {
    let snapshot = ctx.snapshot_for_write()?;
    let mut problems = Vec::new();
    let roster = snapshot.roster_from_file(Load::default(), &mut problems)?;
    let ledger = snapshot.needs(&ctx.config.needs.categories, &mut problems)?;
    ctx.fail_on_errors(problems)?;
    Ok((snapshot, roster, ledger))
}

/// A change made: the need as it now stands, its household's grid, and
/// the sentence that tells it.
struct Changed {
    need: Need,
    grid: String,
    line: String,
}

/// The grid of a need's household ("" when the roster lacks it).
fn grid_of(roster: &Roster, household: &str) -> String {
    roster
        .find(household)
        .map_or_else(String::new, |h| roster.household(h).grid().to_string())
}

/// Makes the change and tells it: a sentence (table), or the need as
/// `needs` lists it (a json object, a csv header and row).
pub fn run(ctx: &Ctx, args: &NeedArgs, out: &mut dyn Write) -> Result<Outcome, Error> {
    let format = ctx.format()?;
    let changed = match &args.action {
        NeedAction::Add(a) => add(ctx, a)?,
        NeedAction::Update(a) => update(ctx, a)?,
        NeedAction::FollowUp(a) => follow_up(ctx, a)?,
    };
    let n = &changed.need;
    let status = n.status_on(ctx.today).unwrap_or(n.status);
    let shown = || needs::listed(n, status, &changed.grid, ctx.today, false);
    let written = match format {
        ListFormat::Table => writeln!(out, "{}", changed.line),
        ListFormat::Json => render::json::need(out, &shown()),
        ListFormat::Csv => render::csv::needs(out, &[shown()]),
    };
    written.map_err(Error::Output)?;
    Ok(Outcome::Success)
}

fn add(ctx: &Ctx, args: &NeedAddArgs) -> Result<Changed, Error> {
    let raised = date_arg(ctx, args.date.as_deref())?;
    let category = match &args.category {
        Some(c) => needs::category_given(&ctx.config.needs.categories, c).map_err(refuse)?,
        None => ctx.config.needs.default_category().to_string(),
    };
    let text = args.text.trim();
    if text.is_empty() {
        return Err(refuse(Reason::Empty("text")));
    }
    let (lock, roster, ledger) = open_for_change(ctx)?;
    let h = crate::compute::filter::household(&roster, &args.household)?;
    let house = roster.household(h);
    let ledger = ledger.unwrap_or_else(|| Ledger::new_file(&ctx.dir, ctx.lang));
    let raised_by = args
        .by
        .as_deref()
        .map(str::trim)
        .filter(|b| !b.is_empty())
        .unwrap_or(house.visitor());
    let need = Need::open(
        crate::model::need::next_id(ledger.needs.iter().map(|n| n.id.as_str())),
        house.id().to_string(),
        raised,
        raised_by.to_string(),
        category,
        text.to_string(),
    );
    let write = ledger.add(std::slice::from_ref(&need), ctx.lang)?;
    ledger_file::commit(&ctx.dir, write, lock.write_lock())?;
    Ok(Changed {
        line: ctx.lang.need_opened(&need.id, &need.household),
        grid: house.grid().to_string(),
        need,
    })
}

/// The ledger and the index of the need with this id, or a refusal.
fn find(ledger: Option<Ledger>, id: &str) -> Result<(Ledger, usize), Error> {
    ledger
        .and_then(|l| l.find(id).map(|i| (l, i)))
        .ok_or_else(|| refuse(Reason::UnknownNeed(shown_value(id))))
}

/// Writes `changed` in place of need `index`.
fn store_change(
    ctx: &Ctx,
    lock: &Snapshot,
    ledger: &Ledger,
    i: usize,
    changed: &Need,
) -> Result<(), Error> {
    let bytes = ledger.replace(i, changed)?;
    ledger_file::commit(
        &ctx.dir,
        ledger_file::Write::Replace(bytes),
        lock.write_lock(),
    )
}

fn update(ctx: &Ctx, args: &NeedUpdateArgs) -> Result<Changed, Error> {
    let status = NeedStatus::parse(&args.status)
        .filter(|s| *s != NeedStatus::Open)
        .ok_or_else(|| refuse(Reason::BadNeedUpdate(shown_value(&args.status))))?;
    let day = date_arg(ctx, args.date.as_deref())?;
    let (lock, roster, ledger) = open_for_change(ctx)?;
    let (ledger, index) = find(ledger, &args.id)?;
    let resolution = args.resolution.as_deref();
    let need = needs::updated(&ledger.needs[index], status, day, resolution).map_err(refuse)?;
    store_change(ctx, &lock, &ledger, index, &need)?;
    Ok(Changed {
        line: ctx.lang.need_updated(&need.id, status),
        grid: grid_of(&roster, &need.household),
        need,
    })
}

fn follow_up(ctx: &Ctx, args: &NeedFollowUpArgs) -> Result<Changed, Error> {
    let satisfaction = Satisfaction::parse(&args.satisfaction)
        .ok_or_else(|| refuse(Reason::BadSatisfaction(shown_value(&args.satisfaction))))?;
    let day = date_arg(ctx, args.date.as_deref())?;
    let (lock, roster, ledger) = open_for_change(ctx)?;
    let (ledger, index) = find(ledger, &args.id)?;
    let need = needs::followed_up(&ledger.needs[index], day, satisfaction).map_err(refuse)?;
    store_change(ctx, &lock, &ledger, index, &need)?;
    Ok(Changed {
        line: ctx.lang.need_followed_up(&need.id, satisfaction),
        grid: grid_of(&roster, &need.household),
        need,
    })
}
