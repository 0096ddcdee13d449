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

use super::{Ctx, Outcome};
use crate::cli::DueArgs;
use crate::compute::due::{self, Sort};
use crate::compute::filter::{self, Filter};
use crate::data::roster::Load;
use crate::error::Error;
use crate::model::Status;
use crate::render::{self, ListFormat};

pub fn run(ctx: &Ctx, args: &DueArgs, out: &mut dyn Write) -> Result<Outcome, Error> {
    let levels = filter::levels(&args.level)?;
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
        tags: filter::Tagged::new(&args.tag),
    };
    filter.check(&roster)?;
    // With a needs ledger, each household's unresolved needs (an extra
    // column; without one the output is as it always was).
    let needs = ledger.map(|l| crate::compute::needs::open_needs(&l.needs, &roster, ctx.today));
    let needs = needs.as_deref();

    let within = args.within.unwrap_or(ctx.window);
    let (mut rows, counts) = due::standings(
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
    due::sort(&mut rows, &roster, by);
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
                one_worker: due::one_worker(&args.visitor),
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
