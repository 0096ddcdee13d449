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

use super::context::list_format;
use super::{Ctx, Outcome};
use crate::cli::DueArgs;
use crate::compute::due::{self, Sort};
use crate::compute::filter::{self, Filter};
use crate::data::roster::Load;
use crate::error::{Error, Usage};
use crate::model::Status;
use crate::render::{self, Format, ListFormat};
use crate::store;

pub fn run(ctx: &Ctx, args: &DueArgs, out: &mut dyn Write) -> Result<Outcome, Error> {
    let levels = filter::levels(&args.level)?;
    // --format, else the extension of -o FILE.
    let given = match (ctx.format, &args.output) {
        (Some(f), _) => Some(f),
        (None, Some(path)) => Some(
            Format::from_extension(path)
                .ok_or_else(|| Error::Usage(Usage::UnknownExtension(path.display().to_string())))?,
        ),
        (None, None) => None,
    };
    let sheet = render::sheet::asked(given);
    let format = match sheet {
        Some(_) => ListFormat::Table,
        None => list_format(given)?,
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
    let list = List {
        roster: &roster,
        rows: &rows,
        counts: &counts,
        needs,
    };
    let written = if let Some(path) = &args.output {
        // The file is the day's list whatever it holds: an old list left
        // in place would be taken for today's.
        let mut buf = Vec::new();
        if format == ListFormat::Csv {
            buf.extend_from_slice(b"\xEF\xBB\xBF");
        }
        write_list(ctx, args, &list, sheet, format, &mut buf, None).map_err(Error::Output)?;
        let access = match args.reveal {
            true => store::Access::Private,
            false => store::Access::Usual,
        };
        store::replace_as(path, &buf, access)?;
        match args.quiet {
            true => Ok(()),
            false => writeln!(
                out,
                "{}",
                ctx.lang.report_written(&path.display().to_string())
            ),
        }
    } else {
        if args.quiet && !overdue {
            return Ok(Outcome::Success);
        }
        let view = Some((ctx.color, ctx.width));
        write_list(ctx, args, &list, sheet, format, out, view)
    };
    written.map_err(Error::Output)?;
    Ok(if args.exit_code && overdue {
        Outcome::Flagged
    } else {
        Outcome::Success
    })
}

/// The listed households, ready to write.
struct List<'a> {
    roster: &'a crate::model::roster::Roster,
    rows: &'a [due::DueRow],
    counts: &'a due::DueCounts,
    needs: Option<&'a [crate::compute::needs::OpenNeeds]>,
}

/// Writes the list as asked. `view`: the colour and width of the
/// terminal it goes to; `None` for a file (no colour, rows unbroken).
fn write_list(
    ctx: &Ctx,
    args: &DueArgs,
    list: &List<'_>,
    sheet: Option<render::sheet::SheetFormat>,
    format: ListFormat,
    out: &mut dyn Write,
    view: Option<(bool, Option<u16>)>,
) -> std::io::Result<()> {
    let (color, width) = view.unwrap_or((false, None));
    match (sheet, format) {
        (Some(sheet), _) => render::sheet::due(
            out,
            sheet,
            &render::sheet::SheetView {
                roster: list.roster,
                rows: list.rows,
                counts: list.counts,
                lang: ctx.lang,
                today: ctx.today,
                visitors: &args.visitor,
                reveal: args.reveal,
            },
        ),
        (None, ListFormat::Csv) => render::csv::due(out, list.roster, list.rows, list.needs),
        (None, ListFormat::Json) => render::json::due(out, list.roster, list.rows, list.needs),
        (None, ListFormat::Table) => render::table::due(
            out,
            &render::table::DueView {
                roster: list.roster,
                rows: list.rows,
                counts: list.counts,
                lang: ctx.lang,
                color,
                width,
                reveal: args.reveal,
                one_worker: due::one_worker(&args.visitor),
                needs: list.needs,
                flag_after_days: ctx.config.needs.flag_after_days,
            },
        ),
    }
}
