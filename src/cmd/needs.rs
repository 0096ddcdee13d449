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

use std::io::Write;

use super::{Ctx, Outcome};
use crate::cli::NeedsArgs;
use crate::compute::filter;
use crate::compute::needs::{self, Wanted};
use crate::data::roster::Load;
use crate::error::{Error, Usage};
use crate::model::FilterField;
use crate::render::{self, ListFormat};

pub fn run(ctx: &Ctx, args: &NeedsArgs, out: &mut dyn Write) -> Result<Outcome, Error> {
    let format = ctx.format()?;
    for c in args.category.iter().filter(|c| !c.trim().is_empty()) {
        needs::category_given(&ctx.config.needs.categories, c)
            .map_err(|r| Error::Usage(Usage::Refused(r)))?;
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
    let wanted = Wanted {
        open: args.open,
        grid: &args.grid,
        visitor: &args.visitor,
        category: &args.category,
        older_than: args.older_than,
        reveal: args.reveal,
        tags: filter::Tagged::new(&args.tag),
    };
    wanted.tags.check(&roster)?;
    let needs = ledger.as_ref().map_or(&[][..], |l| &l.needs);
    let listed = needs::listing(needs, &roster, &wanted, ctx.today);
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
