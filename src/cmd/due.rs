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
//!
//! With several communities (`--data A --data B …`, or a district's
//! directory) the lists are one: a `community` column first, each
//! community read with its own settings, most urgent first across them
//! (on a tie, community by community in the order given), the counts of
//! the summary added up; the round sheet puts each community under its own
//! heading. See `across` for the communities whose data has errors.

use std::io::Write;

use super::context::list_format;
use super::{Ctx, Outcome};
use crate::cli::DueArgs;
use crate::compute::due::{self, Sort};
use crate::compute::filter::{self, Filter};
use crate::data::roster::Load;
use crate::error::{Error, FilterField, Usage};
use crate::model::Status;
use crate::render::{self, Format, ListFormat};
use crate::store;

/// The format asked for (--format, else the extension of -o FILE): a
/// round sheet, or a list.
fn formats(
    ctx: &Ctx,
    args: &DueArgs,
) -> Result<(Option<render::sheet::SheetFormat>, ListFormat), Error> {
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
    Ok((sheet, format))
}

/// One community's list: its roster, the households listed (sorted), the
/// counts of the summary, and with a needs ledger each household's
/// unresolved needs.
struct Loaded {
    roster: crate::model::roster::Roster,
    rows: Vec<due::DueRow>,
    counts: due::DueCounts,
    needs: Option<Vec<crate::compute::needs::OpenNeeds>>,
}

/// Reads and lists one community. `check`: a filter that names nothing
/// in its data is refused (across communities, nothing in any of them).
///
/// A worker's own list (one `--visitor`, no other place filter) is read
/// from the worker's slice of the cache when it answers; a list for
/// people (the table, the round sheet) reads the roster through the
/// cache and then the names and phones of the households it lists only.
/// Each way gives the list the whole file gives.
fn load(
    ctx: &Ctx,
    args: &DueArgs,
    format: ListFormat,
    by: Sort,
    check: bool,
) -> Result<Loaded, Error> {
    let levels = filter::levels(&args.level)?;
    let snapshot = ctx.snapshot()?;
    let people = format == ListFormat::Table;
    if let Some(worker) = own_list(args)
        && let Some(slice) = snapshot.worker_slice(worker)?
    {
        let (roster, last) = (slice.roster, &slice.last);
        let mut loaded = list(
            ctx,
            args,
            &snapshot,
            roster,
            last,
            Vec::new(),
            &levels,
            by,
            check,
        )?;
        let residents = shown(&loaded);
        if !people || snapshot.personal_at(&mut loaded.roster, &slice.offsets, &residents)? {
            return Ok(loaded);
        }
    }
    let cached = people && snapshot.may_read_personal_later();
    let mut problems = Vec::new();
    let load = Load {
        personal: people && !cached,
        names: people && !cached,
    };
    snapshot.hash_visits_ahead();
    snapshot.keep_roster_later();
    let roster = snapshot.roster_quiet(load, &mut problems)?;
    // The workers' slices are cut and kept while the visits are read and
    // the list is worked out (all only read the roster): written when the
    // files changed, a city's are a couple of hundred megabytes, which
    // would otherwise be written alone at the end, the other core idle.
    let (needs, rows, counts) = std::thread::scope(|s| {
        s.spawn(|| snapshot.keep_slices(&roster));
        let last = snapshot.beside_keeping(&roster, || {
            snapshot.last_visits(&roster, ctx.today, &mut problems)
        })?;
        let needs = open_needs(ctx, &snapshot, &roster, problems)?;
        let (rows, counts) = rows_of(ctx, args, &roster, &last, &levels, by, check)?;
        Ok::<_, Error>((needs, rows, counts))
    })?;
    // No household is looked up by its id from here on: the index (tens
    // of megabytes for a city) is let go.
    let mut roster = roster;
    roster.forget_household_index();
    let mut loaded = Loaded {
        roster,
        rows,
        counts,
        needs,
    };
    let residents = if cached { shown(&loaded) } else { Vec::new() };
    if cached && !snapshot.personal_for(&mut loaded.roster, &residents)? {
        // A roster file the lines cannot be read from one by one: whole.
        let mut problems = Vec::new();
        let load = Load {
            personal: true,
            names: true,
        };
        let roster = snapshot.roster_from_file(load, &mut problems)?;
        let last = snapshot.last_visits(&roster, ctx.today, &mut problems)?;
        loaded = list(
            ctx, args, &snapshot, roster, &last, problems, &levels, by, check,
        )?;
    }
    Ok(loaded)
}

/// The one worker whose own list this is, when no other place filter
/// narrows it.
fn own_list(args: &DueArgs) -> Option<&str> {
    let given = |list: &[String]| list.iter().any(|v| !v.trim().is_empty());
    if given(&args.grid) || given(&args.building) || given(&args.tag) {
        return None;
    }
    match args.visitor.as_slice() {
        [one] if !one.trim().is_empty() => Some(one.trim()),
        _ => None,
    }
}

/// The residents of the households listed (whose names a list for people
/// shows).
fn shown(loaded: &Loaded) -> Vec<usize> {
    (loaded.rows.iter())
        .flat_map(|row| loaded.roster.member_residents_of(row.household()))
        .map(|&r| r as usize)
        .collect()
}

/// The list of one community from its roster and the latest visits
/// (`problems`: what reading them found; with the ledger's, every error
/// among them fails the command).
#[allow(clippy::too_many_arguments)]
fn list(
    ctx: &Ctx,
    args: &DueArgs,
    snapshot: &crate::data::snapshot::Snapshot,
    roster: crate::model::roster::Roster,
    last: &[Option<chrono::NaiveDate>],
    problems: Vec<crate::error::Problem>,
    levels: &[crate::model::Level],
    by: Sort,
    check: bool,
) -> Result<Loaded, Error> {
    let needs = open_needs(ctx, snapshot, &roster, problems)?;
    let (rows, counts) = rows_of(ctx, args, &roster, last, levels, by, check)?;
    Ok(Loaded {
        roster,
        rows,
        counts,
        needs,
    })
}

/// With a needs ledger, each household's unresolved needs (an extra
/// column; without one the output is as it always was), once no error
/// among `problems` (what reading the roster and the log found) and the
/// ledger's fails the command.
fn open_needs(
    ctx: &Ctx,
    snapshot: &crate::data::snapshot::Snapshot,
    roster: &crate::model::roster::Roster,
    mut problems: Vec<crate::error::Problem>,
) -> Result<Option<Vec<crate::compute::needs::OpenNeeds>>, Error> {
    let ledger = snapshot.needs(&ctx.config.needs.categories, &mut problems)?;
    ctx.fail_on_errors(problems)?;
    Ok(ledger.map(|l| crate::compute::needs::open_needs(&l.needs, roster, ctx.today)))
}

/// What `list` lists: the rows (sorted) and the counts of the summary.
fn rows_of(
    ctx: &Ctx,
    args: &DueArgs,
    roster: &crate::model::roster::Roster,
    last: &[Option<chrono::NaiveDate>],
    levels: &[crate::model::Level],
    by: Sort,
    check: bool,
) -> Result<(Vec<due::DueRow>, due::DueCounts), Error> {
    let filter = Filter {
        grid: &args.grid,
        building: &args.building,
        visitor: &args.visitor,
        levels,
        tags: filter::Tagged::new(&args.tag),
    };
    if check {
        filter.check(roster)?;
    }
    let within = args.within.unwrap_or(ctx.window);
    let (mut rows, counts) = due::standings(
        roster,
        last,
        &ctx.config.rules,
        ctx.today,
        within,
        &filter,
        args.all,
    );
    due::sort(&mut rows, roster, by);
    Ok((rows, counts))
}

pub fn run(ctx: &Ctx, args: &DueArgs, out: &mut dyn Write) -> Result<Outcome, Error> {
    filter::levels(&args.level)?;
    let (sheet, format) = formats(ctx, args)?;
    let by = if sheet.is_some() {
        Sort::Address
    } else {
        args.sort
    };
    let progress = ctx.progress(args.quiet, &[]);
    let loaded = load(ctx, args, format, by, true)?;
    drop(progress);
    let rows: Vec<render::DueOf<'_>> = (loaded.rows.iter())
        .map(|row| render::DueOf {
            community: None,
            roster: &loaded.roster,
            row,
            needs: loaded.needs.as_deref(),
            flag_after_days: ctx.config.needs.flag_after_days,
        })
        .collect();
    let list = List {
        rows: &rows,
        counts: &loaded.counts,
        needs: loaded.needs.is_some(),
        sheets: vec![(None, &loaded.roster, &loaded.rows[..])],
    };
    finish(ctx, args, &list, sheet, format, out)
}

/// `rounds due --data A --data B …`: every community's list in one, a
/// community column first. Each community is read with its own settings
/// (rounds.toml, window), lock and cache, as a single run would read it.
pub fn run_across(
    cli: &crate::cli::Cli,
    dirs: &[std::path::PathBuf],
    args: &DueArgs,
    out: &mut dyn Write,
    lang: &mut crate::i18n::Lang,
) -> Result<Outcome, Error> {
    let ctx = super::across::first(cli, dirs, lang)?;
    filter::levels(&args.level)?;
    let (sheet, format) = formats(&ctx, args)?;
    let by = if sheet.is_some() {
        Sort::Address
    } else {
        args.sort
    };
    let progress = ctx.progress(args.quiet, &[]);
    let all = super::across::read_all(cli, dirs, ctx.lang, args.skip_invalid, |c| {
        load(c, args, format, by, false)
    })?;
    drop(progress);
    // A filter is refused when it names nothing in any community.
    let rosters = || all.iter().map(|c| &c.value.roster);
    for (field, given) in [
        (FilterField::Grid, &args.grid),
        (FilterField::Building, &args.building),
        (FilterField::Visitor, &args.visitor),
    ] {
        filter::check(field, given, || {
            rosters().flat_map(move |r| filter::roster_values(r, field))
        })?;
    }
    filter::check(FilterField::Tag, &args.tag, || {
        rosters().flat_map(|r| r.tags().words().iter().map(String::as_str))
    })?;
    let mut rows: Vec<render::DueOf<'_>> = Vec::new();
    let mut counts = due::DueCounts::default();
    for c in &all {
        let l = &c.value;
        rows.extend(l.rows.iter().map(|row| render::DueOf {
            community: Some(c.name.as_str()),
            roster: &l.roster,
            row,
            needs: l.needs.as_deref(),
            flag_after_days: c.ctx.config.needs.flag_after_days,
        }));
        for (sum, n) in counts.by_status.iter_mut().zip(&l.counts.by_status) {
            for (s, n) in sum.iter_mut().zip(n) {
                *s += n;
            }
        }
        counts.listed += l.counts.listed;
        counts.active += l.counts.active;
    }
    // By deadline across communities; on a tie, by community (in the
    // order given), then as each community orders its own. By address,
    // community by community.
    if by == Sort::Deadline {
        rows.sort_by_key(|d| (d.row.deadline, d.row.level));
    }
    let list = List {
        rows: &rows,
        counts: &counts,
        needs: all.iter().any(|c| c.value.needs.is_some()),
        sheets: (all.iter())
            .map(|c| (Some(c.name.as_str()), &c.value.roster, &c.value.rows[..]))
            .collect(),
    };
    finish(&ctx, args, &list, sheet, format, out)
}

/// Writes the list to `-o FILE` or `out`, and says how the command ended.
fn finish(
    ctx: &Ctx,
    args: &DueArgs,
    list: &List<'_>,
    sheet: Option<render::sheet::SheetFormat>,
    format: ListFormat,
    out: &mut dyn Write,
) -> Result<Outcome, Error> {
    let overdue = (list.rows.iter()).any(|d| d.row.status() == Status::Overdue);
    let written = if let Some(path) = &args.output {
        // The file is the day's list whatever it holds: an old list left
        // in place would be taken for today's.
        let mut buf = Vec::new();
        if format == ListFormat::Csv {
            buf.extend_from_slice(b"\xEF\xBB\xBF");
        }
        write_list(ctx, args, list, sheet, format, &mut buf, None).map_err(Error::Output)?;
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
        write_list(ctx, args, list, sheet, format, out, view)
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
    rows: &'a [render::DueOf<'a>],
    counts: &'a due::DueCounts,
    /// Whether any community has a needs ledger.
    needs: bool,
    /// Each community's name (across communities), roster and rows in
    /// walking order, for the round sheet.
    sheets: Vec<(
        Option<&'a str>,
        &'a crate::model::roster::Roster,
        &'a [due::DueRow],
    )>,
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
    let community = list.rows.iter().any(|d| d.community.is_some())
        || list.sheets.iter().any(|(name, _, _)| name.is_some());
    let view = |roster, rows| render::sheet::SheetView {
        roster,
        rows,
        counts: list.counts,
        lang: ctx.lang,
        today: ctx.today,
        visitors: &args.visitor,
        reveal: args.reveal,
    };
    match (sheet, format) {
        (Some(sheet), _) if community => {
            let parts: Vec<(&str, render::sheet::SheetView<'_>)> = (list.sheets.iter())
                .map(|(name, roster, rows)| (name.unwrap_or_default(), view(*roster, *rows)))
                .collect();
            render::sheet::due_across(out, sheet, list.counts, &parts)
        }
        (Some(sheet), _) => {
            let (_, roster, rows) = list.sheets[0];
            render::sheet::due(out, sheet, &view(roster, rows))
        }
        (None, ListFormat::Csv) => render::csv::due(out, list.rows, community, list.needs),
        (None, ListFormat::Json) => render::json::due(out, list.rows),
        (None, ListFormat::Table) => render::table::due(
            out,
            &render::table::DueView {
                rows: list.rows,
                community,
                counts: list.counts,
                lang: ctx.lang,
                color,
                width,
                reveal: args.reveal,
                one_worker: due::one_worker(&args.visitor),
                needs: list.needs,
            },
        ),
    }
}
