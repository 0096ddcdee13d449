//! `rounds need add HOUSEHOLD --text T [--category C] [--date D] [--by V]`
//! `rounds need update ID --status in_progress|resolved [--resolution R] [--date D]`
//! `rounds need follow-up ID --satisfaction S [--date D]`
//! `rounds needs [--open] [--grid G] [--visitor V] [--category C] [--older-than DAYS] [--reveal]`
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
//! lists the ledger as it stood on --today (table, csv, json).
//!
//! The other commands use the ledger through this module: `due` counts a
//! household's unresolved needs, `report` adds its needs sections,
//! `import` opens the needs of a log's `need` column, `check` checks it.

use std::collections::HashSet;
use std::io::Write;

use chrono::NaiveDate;

use super::{Ctx, Outcome};
use crate::cli::{NeedAction, NeedAddArgs, NeedArgs, NeedFollowUpArgs, NeedUpdateArgs, NeedsArgs};
use crate::compute::filter;
use crate::compute::needs::{self, ListedNeed, NeedsSection, OpenNeeds};
use crate::compute::report::Span;
use crate::data::needs::{self as ledger_file, Ledger};
use crate::data::roster::Load;
use crate::data::snapshot::Snapshot;
use crate::error::Usage;
use crate::error::{Error, NeedRule, Problem, Reason};
use crate::model::FilterField;
use crate::model::date::{self, iso};
use crate::model::need::{Need, NeedStatus, Satisfaction};
use crate::model::roster::Roster;
use crate::privacy::shown_value;
use crate::render::{self, ListFormat};
use crate::store;

/// Reads the ledger, if the community keeps one, adding its problems to
/// `problems`.
pub fn load(ctx: &Ctx, problems: &mut Vec<Problem>) -> Result<Option<Ledger>, Error> {
    let ledger = ledger_file::read(&ctx.dir, &ctx.config.needs.categories)?;
    Ok(ledger.map(|mut l| {
        problems.append(&mut l.problems);
        l
    }))
}

/// For `check`: the ledger's problems, and a warning for each need of a
/// household missing from the roster. Returns how many needs could not be
/// checked against the roster because it was read only in part.
pub fn check(ctx: &Ctx, roster: &Roster, problems: &mut Vec<Problem>) -> Result<usize, Error> {
    let Some(ledger) = load(ctx, problems)? else {
        return Ok(0);
    };
    if roster.cut_short() {
        // A household missing from a roster read only in part may be in it.
        return Ok(ledger.needs.len());
    }
    for n in &ledger.needs {
        if roster.find(&n.household).is_none() {
            problems.push(Problem::warning(
                &ledger.path,
                Some(n.line),
                Reason::UnknownHousehold(shown_value(&n.household)),
            ));
        }
    }
    Ok(0)
}

/// For `due`: each household's unresolved needs on `today`, by the
/// roster's household index.
pub fn open_needs(ledger: &Ledger, roster: &Roster, today: NaiveDate) -> Vec<OpenNeeds> {
    let mut out = vec![OpenNeeds::default(); roster.households_len()];
    for (household, open) in needs::open_by_household(&ledger.needs, today) {
        if let Some(h) = roster.find(household) {
            out[h] = open;
        }
    }
    out
}

/// For `report`: the needs section of a span.
pub fn report_section(
    ctx: &Ctx,
    ledger: &Ledger,
    roster: &Roster,
    span: Span,
    as_of: NaiveDate,
    visits_by_visitor: &std::collections::BTreeMap<String, u64>,
) -> NeedsSection {
    needs::section(
        &ledger.needs,
        |h| roster.find(h).map(|i| roster.household(i).grid()),
        &needs::SectionInput {
            first: span.first,
            as_of,
            categories: &ctx.config.needs.categories,
            flag_after_days: ctx.config.needs.flag_after_days,
            visits_by_visitor,
        },
    )
}

/// A need a visit log's `need` column raised, waiting to be opened.
#[derive(Debug, Clone)]
pub struct Raised {
    pub household: usize,
    pub date: NaiveDate,
    pub visitor: String,
    pub category: String,
    pub text: String,
}

/// The needs of `raised` that the ledger does not hold yet (same
/// household, day, worker and text), each once, with new ids.
fn unrecorded(
    ledger: &Ledger,
    roster: &Roster,
    raised: &[Raised],
    default_category: &str,
) -> Vec<Need> {
    let mut seen: HashSet<(String, NaiveDate, String, String)> = ledger
        .needs
        .iter()
        .map(|n| {
            (
                n.household.clone(),
                n.raised,
                n.raised_by.clone(),
                n.text.clone(),
            )
        })
        .collect();
    let mut ids: Vec<String> = ledger.needs.iter().map(|n| n.id.clone()).collect();
    let mut out = Vec::new();
    for r in raised {
        let house = roster.household(r.household);
        let by = if r.visitor.is_empty() {
            house.visitor().to_string()
        } else {
            r.visitor.clone()
        };
        let key = (house.id().to_string(), r.date, by.clone(), r.text.clone());
        if !seen.insert(key) {
            continue;
        }
        let id = crate::model::need::next_id(ids.iter().map(String::as_str));
        ids.push(id.clone());
        let category = if r.category.is_empty() {
            default_category.to_string()
        } else {
            r.category.clone()
        };
        out.push(Need::open(
            id,
            house.id().to_string(),
            r.date,
            by,
            category,
            r.text.clone(),
        ));
    }
    out
}

/// What an import will write to the ledger, settled before anything is
/// written (so a ledger with errors stops the import whole).
pub struct ImportPlan {
    pub ids: Vec<String>,
    write: Option<ledger_file::Write>,
}

/// Plans the needs of an import, under the write lock (or the read lock
/// for a dry run).
pub fn plan_import(ctx: &Ctx, roster: &Roster, raised: &[Raised]) -> Result<ImportPlan, Error> {
    if raised.is_empty() {
        return Ok(ImportPlan {
            ids: Vec::new(),
            write: None,
        });
    }
    let mut problems = Vec::new();
    let ledger = load(ctx, &mut problems)?;
    ctx.fail_on_errors(problems)?;
    let ledger = ledger.unwrap_or_else(|| Ledger::new_file(&ctx.dir, ctx.lang));
    let new = unrecorded(&ledger, roster, raised, ctx.config.needs.default_category());
    let write = if new.is_empty() {
        None
    } else {
        Some(ledger.add(&new, ctx.lang)?)
    };
    Ok(ImportPlan {
        ids: new.into_iter().map(|n| n.id).collect(),
        write,
    })
}

/// Writes what `plan_import` planned.
pub fn commit_import(ctx: &Ctx, plan: ImportPlan, lock: &store::DirLock) -> Result<(), Error> {
    match plan.write {
        Some(w) => ledger_file::commit(&ctx.dir, w, lock),
        None => Ok(()),
    }
}

/// A refusal of bad input: the reason, in the user's language.
fn refuse(reason: Reason) -> Error {
    Error::Usage(Usage::Refused(reason))
}

/// A date argument (default: --today); not after --today.
fn date_arg(ctx: &Ctx, text: Option<&str>) -> Result<NaiveDate, Error> {
    let Some(text) = text else {
        return Ok(ctx.today);
    };
    let d = date::parse(text).map_err(|why| {
        refuse(Reason::BadDate {
            field: "date",
            value: shown_value(text),
            why,
        })
    })?;
    if d > ctx.today {
        return Err(refuse(Reason::FutureVisit {
            date: iso(d),
            today: iso(ctx.today),
        }));
    }
    Ok(d)
}

fn category_arg(ctx: &Ctx, text: &str) -> Result<String, Error> {
    let c = text.trim();
    let allowed = &ctx.config.needs.categories;
    if allowed.iter().any(|a| a == c) {
        Ok(c.to_string())
    } else {
        Err(refuse(Reason::UnknownCategory {
            value: shown_value(c),
            allowed: allowed.clone(),
        }))
    }
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
    let shown = || listed(n, status, &changed.grid, ctx.today, false);
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
        Some(c) => category_arg(ctx, c)?,
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

/// The need with this id, as it stands, or a refusal.
fn find(ledger: Option<&Ledger>, id: &str) -> Result<usize, Error> {
    ledger
        .and_then(|l| l.find(id))
        .ok_or_else(|| refuse(Reason::UnknownNeed(shown_value(id))))
}

/// Writes `changed` in place of need `index`, once it holds together.
fn store_change(
    ctx: &Ctx,
    lock: &store::DirLock,
    ledger: &Ledger,
    index: usize,
    changed: &Need,
) -> Result<(), Error> {
    if let Some(reason) = changed.problems().into_iter().next() {
        return Err(refuse(reason));
    }
    let bytes = ledger.replace(index, changed)?;
    ledger_file::commit(&ctx.dir, ledger_file::Write::Replace(bytes), lock)
}

fn update(ctx: &Ctx, args: &NeedUpdateArgs) -> Result<Changed, Error> {
    let status = NeedStatus::parse(&args.status)
        .filter(|s| *s != NeedStatus::Open)
        .ok_or_else(|| refuse(Reason::BadNeedUpdate(shown_value(&args.status))))?;
    let day = date_arg(ctx, args.date.as_deref())?;
    let (lock, roster, ledger) = open_for_change(ctx)?;
    let index = find(ledger.as_ref(), &args.id)?;
    let ledger = ledger.expect("found in it");
    let mut need = ledger.needs[index].clone();
    if let (NeedStatus::Resolved, Some(r)) = (need.status, need.resolved) {
        return Err(refuse(Reason::NeedRule(NeedRule::AlreadyResolved(iso(r)))));
    }
    match status {
        NeedStatus::InProgress => {
            // The day work began is the first one recorded.
            if need.status == NeedStatus::Open {
                need.started = Some(day);
            }
        }
        NeedStatus::Resolved => need.resolved = Some(day),
        NeedStatus::Open => unreachable!("refused above"),
    }
    need.status = status;
    if let Some(r) = args.resolution.as_deref().map(str::trim) {
        need.resolution = r.to_string();
    }
    store_change(ctx, lock.write_lock(), &ledger, index, &need)?;
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
    let index = find(ledger.as_ref(), &args.id)?;
    let ledger = ledger.expect("found in it");
    let mut need = ledger.needs[index].clone();
    need.follow_up = Some(day);
    need.satisfaction = Some(satisfaction);
    store_change(ctx, lock.write_lock(), &ledger, index, &need)?;
    Ok(Changed {
        line: ctx.lang.need_followed_up(&need.id, satisfaction),
        grid: grid_of(&roster, &need.household),
        need,
    })
}

pub fn list(ctx: &Ctx, args: &NeedsArgs, out: &mut dyn Write) -> Result<Outcome, Error> {
    let format = ctx.format()?;
    for c in args.category.iter().filter(|c| !c.trim().is_empty()) {
        category_arg(ctx, c)?;
    }
    let (roster, ledger) = {
        let snapshot = ctx.snapshot()?;
        let mut problems = Vec::new();
        let roster = snapshot.roster_from_file(Load::default(), &mut problems)?;
        let ledger = snapshot.needs(&ctx.config.needs.categories, &mut problems)?;
        ctx.fail_on_errors(problems)?;
        (roster, ledger)
    };
    // A grid or worker that names nothing in the data is refused, not
    // answered with an empty list (see `filter`); the workers are those in
    // charge and those who raised a need.
    let raisers = || {
        ledger
            .iter()
            .flat_map(|l| &l.needs)
            .map(|n| n.raised_by.as_str())
    };
    let grids = || filter::roster_values(&roster, FilterField::Grid);
    let workers = || filter::roster_values(&roster, FilterField::Visitor).chain(raisers());
    filter::check(FilterField::Grid, &args.grid, grids)?;
    filter::check(FilterField::Visitor, &args.visitor, workers)?;
    let today = ctx.today;
    let one = |list: &[String], v: &str| list.iter().any(|x| x.trim() == v);
    let mut rows: Vec<(&Need, NeedStatus, &str)> = ledger
        .iter()
        .flat_map(|l| &l.needs)
        .filter_map(|n| {
            let status = n.status_on(today)?;
            let house = roster.find(&n.household).map(|h| roster.household(h));
            let grid = house.map_or("", |h| h.grid());
            let in_charge = house.map_or("", |h| h.visitor());
            let keep = (!args.open || status != NeedStatus::Resolved)
                && (args.grid.is_empty() || one(&args.grid, grid))
                && (args.visitor.is_empty()
                    || one(&args.visitor, &n.raised_by)
                    || one(&args.visitor, in_charge))
                && (args.category.is_empty() || one(&args.category, &n.category))
                && args
                    .older_than
                    .is_none_or(|days| (today - n.raised).num_days() > i64::from(days));
            keep.then_some((n, status, grid))
        })
        .collect();
    rows.sort_by(|a, b| (a.0.raised, &a.0.id).cmp(&(b.0.raised, &b.0.id)));
    let listed: Vec<ListedNeed<'_>> = rows
        .iter()
        .map(|(n, status, grid)| listed(n, *status, grid, today, args.reveal))
        .collect();
    let written = match format {
        ListFormat::Json => render::json::needs(out, &listed),
        ListFormat::Csv => render::csv::needs(out, &listed),
        ListFormat::Table => render::table::needs(
            out,
            &listed,
            &render::table::Look {
                lang: ctx.lang,
                color: ctx.color,
                width: ctx.width,
            },
        ),
    };
    written.map_err(Error::Output)?;
    Ok(Outcome::Success)
}

/// A need as it stood on `today` with `status`, for listing: phone and ID
/// numbers in its text, resolution and worker masked unless `reveal`, in every
/// format: as `due`'s csv and json hold no phone number, neither do these
/// unless asked.
fn listed<'a>(
    n: &'a Need,
    status: NeedStatus,
    grid: &'a str,
    today: NaiveDate,
    reveal: bool,
) -> ListedNeed<'a> {
    let shown = |t: &'a str| {
        if reveal {
            t.into()
        } else {
            crate::privacy::mask_numbers_in(t)
        }
    };
    ListedNeed {
        id: &n.id,
        household: &n.household,
        grid,
        raised: iso(n.raised),
        raised_by: shown(&n.raised_by),
        category: &n.category,
        text: shown(&n.text),
        status,
        started: n.started.filter(|d| *d <= today).map(iso),
        resolved: n.resolved.filter(|d| *d <= today).map(iso),
        resolution: if status == NeedStatus::Resolved {
            shown(&n.resolution)
        } else {
            "".into()
        },
        follow_up: n.follow_up.filter(|d| *d <= today).map(iso),
        satisfaction: n
            .satisfaction
            .filter(|_| n.follow_up.is_some_and(|d| d <= today)),
        days_open: n.days_open(today),
    }
}
