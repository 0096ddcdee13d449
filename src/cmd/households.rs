//! `rounds households [--grid G] [--building B] [--visitor V] [--level L]
//!                   [--all] [--reveal]`
//!
//! Who lives in each household, in walking order (grid, building, unit,
//! room): its level on the as-of date, its residents with their own levels,
//! and the last visit. Households with no active resident (and residents
//! who are not active) appear only with `--all`. Names are masked unless
//! `--reveal`. csv gives one row per resident, json one object per
//! household with its residents.

use std::io::Write;

use super::{Ctx, Outcome};
use crate::cli::HouseholdsArgs;
use crate::compute::filter::{self, Filter};
use crate::compute::{due, households};
use crate::data::roster::Load;
use crate::error::Error;
use crate::render::{self, ListFormat};

pub fn run(ctx: &Ctx, args: &HouseholdsArgs, out: &mut dyn Write) -> Result<Outcome, Error> {
    let levels = filter::levels(&args.level)?;
    let format = ctx.format()?;
    let progress = ctx.progress(false, &[]);
    let snapshot = ctx.snapshot()?;
    let mut problems = Vec::new();
    let load = Load {
        personal: true,
        names: true,
    };
    let roster = snapshot.roster_from_file(load, &mut problems)?;
    let last = snapshot.last_visits(&roster, ctx.today, &mut problems)?;
    ctx.fail_on_errors(problems)?;
    let filter = Filter {
        grid: &args.grid,
        building: &args.building,
        visitor: &args.visitor,
        levels: &levels,
        tags: filter::Tagged::new(&args.tag),
    };
    filter.check(&roster)?;
    let lines = households::lines(&roster, &last, ctx.today, &filter, args.all);
    drop(progress);
    let view = render::HouseholdsView {
        roster: &roster,
        lines: &lines,
        all: args.all,
        reveal: args.reveal,
        lang: ctx.lang,
        color: ctx.color,
        width: ctx.width,
        one_worker: due::one_worker(&args.visitor),
    };
    let written = match format {
        ListFormat::Table => render::table::households(out, &view),
        ListFormat::Csv => render::csv::households(out, &view),
        ListFormat::Json => render::json::households(out, &view),
    };
    written.map_err(Error::Output)?;
    Ok(Outcome::Success)
}
