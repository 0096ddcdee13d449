//! `rounds needs [--open] [--grid G] [--visitor V] [--category C] [--older-than DAYS] [--reveal]`
//!
//! Lists the needs ledger (诉求台账, `needs.csv`) as it stood on --today
//! (table, csv, json): the needs raised by then, in the order they were
//! raised, each with its status on that day. `--open` keeps the
//! unresolved ones; `--grid` and `--visitor` (the worker in charge of the
//! household, or the one who raised the need) narrow it down, and a grid
//! or worker that names nothing in the data is refused. Phone and ID
//! numbers in the text, resolution and worker are masked unless
//! `--reveal`, in every format. See `need` for changing the ledger.
//! With several communities (`--data A --data B …`, or a district's
//! directory) the lists are one, community by community, a `community`
//! column first.

use std::io::Write;

use super::{Ctx, Outcome};
use crate::cli::NeedsArgs;
use crate::compute::filter;
use crate::compute::needs::{self, Wanted};
use crate::data::roster::Load;
use crate::error::{Error, Usage};
use crate::model::FilterField;
use crate::render::{self, ListFormat};

/// One community's roster and needs ledger.
struct Loaded {
    roster: crate::model::roster::Roster,
    ledger: Option<crate::data::needs::Ledger>,
}

fn load(ctx: &Ctx) -> Result<Loaded, Error> {
    let snapshot = ctx.snapshot()?;
    let mut problems = Vec::new();
    let roster = snapshot.roster_from_file(Load::default(), &mut problems)?;
    let ledger = snapshot.needs(&ctx.config.needs.categories, &mut problems)?;
    ctx.fail_on_errors(problems)?;
    Ok(Loaded { roster, ledger })
}

fn check_categories(ctx: &Ctx, args: &NeedsArgs) -> Result<(), Error> {
    for c in args.category.iter().filter(|c| !c.trim().is_empty()) {
        needs::category_given(&ctx.config.needs.categories, c)
            .map_err(|r| Error::Usage(Usage::Refused(r)))?;
    }
    Ok(())
}

/// Refuses a grid, worker or special group that names nothing in the
/// data (see `filter`), not answered with an empty list; the workers are
/// those in charge and those who raised a need.
fn check_filters<'a, I: Iterator<Item = &'a Loaded>>(
    args: &NeedsArgs,
    loaded: impl Fn() -> I,
) -> Result<(), Error> {
    let raisers = || {
        loaded()
            .flat_map(|l| l.ledger.iter().flat_map(|l| &l.needs))
            .map(|n| n.raised_by.as_str())
    };
    let grids = || loaded().flat_map(|l| filter::roster_values(&l.roster, FilterField::Grid));
    let workers = || {
        loaded()
            .flat_map(|l| filter::roster_values(&l.roster, FilterField::Visitor))
            .chain(raisers())
    };
    filter::check(FilterField::Grid, &args.grid, grids)?;
    filter::check(FilterField::Visitor, &args.visitor, workers)?;
    filter::check(FilterField::Tag, &args.tag, || {
        loaded().flat_map(|l| l.roster.tags().words().iter().map(String::as_str))
    })
}

fn wanted(args: &NeedsArgs) -> Wanted<'_> {
    Wanted {
        open: args.open,
        grid: &args.grid,
        visitor: &args.visitor,
        category: &args.category,
        older_than: args.older_than,
        reveal: args.reveal,
        tags: filter::Tagged::new(&args.tag),
    }
}

pub fn run(ctx: &Ctx, args: &NeedsArgs, out: &mut dyn Write) -> Result<Outcome, Error> {
    let format = ctx.format()?;
    check_categories(ctx, args)?;
    let loaded = load(ctx)?;
    let one = [&loaded];
    check_filters(args, || one.iter().copied())?;
    let wanted = wanted(args);
    let needs = loaded.ledger.as_ref().map_or(&[][..], |l| &l.needs);
    let listed = needs::listing(needs, &loaded.roster, &wanted, ctx.today);
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

/// `rounds needs --data A --data B …`: every community's needs in one
/// list, community by community, a community column first. Each is read
/// with its own settings (its categories), lock and cache.
pub fn run_across(
    cli: &crate::cli::Cli,
    dirs: &[std::path::PathBuf],
    args: &NeedsArgs,
    out: &mut dyn Write,
    lang: &mut crate::i18n::Lang,
) -> Result<Outcome, Error> {
    let ctx = super::across::first(cli, dirs, lang)?;
    let format = ctx.format()?;
    let all = super::across::read_all(cli, dirs, ctx.lang, args.skip_invalid, |c| {
        let loaded = load(c)?;
        Ok((loaded, c.config.needs.categories.clone()))
    })?;
    // A category is refused when no community knows it.
    for c in args.category.iter().filter(|c| !c.trim().is_empty()) {
        let known = (all.iter()).any(|k| needs::category_given(&k.value.1, c).is_ok());
        if !known {
            check_categories(&all[0].ctx, args)?;
        }
    }
    check_filters(args, || all.iter().map(|c| &c.value.0))?;
    let lists: Vec<(&str, Vec<needs::ListedNeed<'_>>)> = (all.iter())
        .map(|c| {
            let (loaded, _) = &c.value;
            let needs = loaded.ledger.as_ref().map_or(&[][..], |l| &l.needs);
            let wanted = wanted(args);
            let listed = needs::listing(needs, &loaded.roster, &wanted, c.ctx.today);
            (c.name.as_str(), listed)
        })
        .collect();
    let listed: Vec<(&str, &needs::ListedNeed<'_>)> = (lists.iter())
        .flat_map(|(name, l)| l.iter().map(move |n| (*name, n)))
        .collect();
    let written = match format {
        ListFormat::Json => render::json::needs_across(out, &listed),
        ListFormat::Csv => render::csv::needs_across(out, &listed),
        ListFormat::Table => render::table::needs_across(
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
