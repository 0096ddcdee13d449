//! `rounds export --out DIR [--reveal]`
//!
//! The data directory as Parquet tables for a warehouse: residents,
//! roster history, visits, needs (when the community keeps a ledger),
//! `due --all`, and the rules it runs by (settings, levels), all as of
//! the as-of date T (rows dated after it left out, as every command
//! ignores them), each written whole to
//! `DIR/<table>/export_date=T/<community>.parquet` (hive-style
//! partitions). Every row carries its community. A re-export of the same
//! day replaces that day's files; another day adds a partition of its
//! own, so appending never doubles a row. Names, phones and ID numbers
//! are written only with `--reveal`, and then the residents file is
//! owner-only. Several communities (`--data A --data B`, a district's
//! directory) are each read first and then written to files of their own.

use std::io::Write;
use std::path::Path;

use super::{Ctx, Outcome};
use crate::cli::ExportArgs;
use crate::compute::due::{self, Sort};
use crate::compute::filter::{self, Filter};
use crate::data::roster::Load;
use crate::error::Error;
use crate::model::Level;
use crate::model::date::{self, iso};
use crate::model::history::Field;
use crate::model::roster::Roster;
use crate::render::parquet::Table;
use crate::schedule::{Interval, Period, Policy, Rules};
use crate::store;

/// 1 red … 4 green.
fn rank(level: Level) -> Option<i32> {
    Some(level.index() as i32 + 1)
}

pub fn run(ctx: &Ctx, args: &ExportArgs, out: &mut dyn Write) -> Result<Outcome, Error> {
    let community = community(ctx.config.name.as_deref(), &ctx.dir);
    let tables = tables(ctx, args, &community)?;
    write(ctx, args, &community, &tables, out)?;
    Ok(Outcome::Success)
}

/// `export` of several communities (`--data A --data B …`, or a district's
/// directory) into one set of tables: every community is read first, each
/// by its own rules, and nothing is written while one has errors (unless
/// `--skip-invalid` leaves it out, as the roll-up of `report` does); then
/// each community's files are written as a single export writes them.
pub fn run_across(
    cli: &crate::cli::Cli,
    dirs: &[std::path::PathBuf],
    args: &ExportArgs,
    out: &mut dyn Write,
    lang: &mut crate::i18n::Lang,
) -> Result<Outcome, Error> {
    let first = super::across::first(cli, dirs, lang)?;
    let mut all = super::across::read_all(cli, dirs, first.lang, args.skip_invalid, |c| {
        tables(c, args, "")
    })?;
    for c in &mut all {
        for (_, table) in &mut c.value {
            table.fill_first(&c.name);
        }
    }
    for c in &all {
        write(&first, args, &c.name, &c.value, out)?;
    }
    Ok(Outcome::Success)
}

/// One community's tables, every row naming `community`.
fn tables(
    ctx: &Ctx,
    args: &ExportArgs,
    community: &str,
) -> Result<Vec<(&'static str, Table)>, Error> {
    let snapshot = ctx.snapshot()?;
    let mut problems = Vec::new();
    let load = Load {
        personal: args.reveal,
        names: args.reveal,
    };
    let roster = snapshot.roster(load, &mut problems)?;
    let history = snapshot.history(&mut problems)?;
    let last = snapshot.last_visits(&roster, ctx.today, &mut problems)?;
    let ledger = snapshot.needs(&ctx.config.needs.categories, &mut problems)?;
    let mut visits = Table::new()
        .text_required("community")
        .date("date")
        .text("household")
        .text("visitor")
        .text("kind")
        .text("note")
        .int32("persons");
    // A phone or ID number typed into a text is masked unless revealed, as
    // `history` and `needs` show it.
    let shown = |text: &str| match args.reveal {
        true => text.to_string(),
        false => crate::privacy::mask_numbers_in(text).into_owned(),
    };
    snapshot.each_visit(&mut problems, |v| {
        if v.date > ctx.today {
            return;
        }
        visits
            .row()
            .text(community)
            .date(Some(v.date))
            .text(v.household)
            .text(&shown(v.visitor))
            .text(&shown(v.kind))
            .text(&shown(v.note))
            .int32(v.persons.map(|n| n as i32));
    })?;
    ctx.fail_on_errors(problems)?;

    let mut tables = vec![
        (
            "residents",
            residents(&roster, community, ctx.today, args.reveal),
        ),
        (
            "history",
            history_table(&history, community, ctx.today, &shown),
        ),
        ("visits", visits),
    ];
    if let Some(ledger) = &ledger {
        tables.push((
            "needs",
            needs_table(&ledger.needs, community, ctx.today, &shown),
        ));
    }
    tables.push(("due", due_table(ctx, &roster, &last, community)));
    tables.push(("settings", settings_table(ctx, community)));
    tables.push(("levels", levels_table(&ctx.config.rules, community)));
    Ok(tables)
}

/// Writes one community's tables, each whole, into its partition of the
/// day, and says so.
fn write(
    ctx: &Ctx,
    args: &ExportArgs,
    community: &str,
    tables: &[(&'static str, Table)],
    out: &mut dyn Write,
) -> Result<(), Error> {
    let partition = format!("export_date={}", iso(ctx.today));
    for (name, table) in tables {
        let dir = args.out.join(name).join(&partition);
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        let path = dir.join(format!("{}.parquet", file_stem(community)));
        let bytes = table
            .to_bytes()
            .map_err(|e| Error::Output(std::io::Error::other(e.to_string())))?;
        let access = match args.reveal && *name == "residents" {
            true => store::Access::Private,
            false => store::Access::Usual,
        };
        store::replace_as(&path, &bytes, access)?;
        writeln!(
            out,
            "{}",
            ctx.lang
                .export_written(&path.display().to_string(), table.rows())
        )
        .map_err(Error::Output)?;
    }
    Ok(())
}

/// The community's name: rounds.toml's `name`, else the directory's.
fn community(configured: Option<&str>, dir: &Path) -> String {
    super::report::name_of(configured, dir)
}

/// The community's name made safe as a file name.
fn file_stem(community: &str) -> String {
    let stem: String = community
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    match stem.trim_matches('.').is_empty() {
        true => "community".to_string(),
        false => stem,
    }
}

/// One row per resident of the roster as of the as-of day: the
/// membership that holds on that day (a roster history splits a
/// resident's time into several).
fn residents(roster: &Roster, community: &str, today: chrono::NaiveDate, reveal: bool) -> Table {
    let day = crate::model::date::days(today);
    let mut t = Table::new()
        .text_required("community")
        .text("id")
        .text("household")
        .text("level")
        .int32("level_rank")
        .text("grid")
        .text("building")
        .text("unit")
        .text("room")
        .text("visitor")
        .text("tags")
        .date("since")
        .date("until")
        .int64("line");
    if reveal {
        t = t.text("name").text("phone").text("id_number");
    }
    let tags = roster.tags();
    for h in roster.households() {
        for (m, r) in h.members().iter().zip(h.residents()) {
            if !m.holds(day) {
                continue;
            }
            let visitor = match m.visitor {
                0 => h.visitor(),
                v => roster.names[v as usize].as_str(),
            };
            let words: Vec<&str> = match m.tags {
                0 => Vec::new(),
                _ => tags
                    .set(tags.of(m, r.index() as u32))
                    .iter()
                    .map(|&w| tags.words()[w as usize].as_str())
                    .collect(),
            };
            let row = t
                .row()
                .text(community)
                .text(r.id())
                .text(h.id())
                .text(m.level.word())
                .int32(rank(m.level))
                .text(h.grid())
                .text(h.building())
                .text(h.unit())
                .text(h.room())
                .text(visitor)
                .text(&words.join(";"))
                .date(m.since)
                .date(m.until)
                .int64(Some(r.row.line as i64));
            if reveal {
                row.text(r.name()).text(r.phone()).text(r.id_number());
            }
        }
    }
    t
}

/// history.csv's rows dated on or before the as-of date, in file order
/// (`line`), each value as written (`from_text`, `to_text`) and by its
/// meaning (`from_value`, `to_value`): a level as its English word, a
/// date as `YYYY-MM-DD`, any other value trimmed; `reason` and
/// `recorded_by` as `shown`.
fn history_table(
    history: &crate::model::history::History,
    community: &str,
    today: chrono::NaiveDate,
    shown: &dyn Fn(&str) -> String,
) -> Table {
    let mut t = Table::new()
        .text_required("community")
        .date("date")
        .text("resident")
        .text("field")
        .text("from_value")
        .text("to_value")
        .text("from_text")
        .text("to_text")
        .text("reason")
        .text("recorded_by")
        .int64("line");
    for c in history.changes.iter().filter(|c| c.date <= today) {
        t.row()
            .text(community)
            .date(Some(c.date))
            .text(&c.resident)
            .text(c.field.word())
            .text(&meaning(c.field, &c.from))
            .text(&meaning(c.field, &c.to))
            .text(&c.from)
            .text(&c.to)
            .text(&shown(&c.reason))
            .text(&shown(&c.by))
            .int64(Some(c.line as i64));
    }
    t
}

/// A value of history.csv by its meaning (see `history_table`).
fn meaning(field: Field, value: &str) -> String {
    let value = value.trim();
    match field {
        Field::Level => Level::parse(value).map_or_else(|| value.to_string(), |l| l.word().into()),
        Field::Since | Field::Until => date::parse(value).map_or(value.to_string(), iso),
        _ => value.to_string(),
    }
}

/// The rules the community runs by (one row): the policy, `start` and
/// the `due` window.
fn settings_table(ctx: &Ctx, community: &str) -> Table {
    let mut t = Table::new()
        .text_required("community")
        .text("policy")
        .date("start")
        .int32("within");
    t.row()
        .text(community)
        .text(match ctx.config.rules.policy {
            Policy::Calendar => "calendar",
            Policy::Rolling => "rolling",
        })
        .date(ctx.config.rules.start)
        .int32(Some(ctx.window as i32));
    t
}

/// Each level's calendar period (`period_months`: 0 for the ISO week) and
/// rolling interval (in days or in months), as rounds.toml sets them.
fn levels_table(rules: &Rules, community: &str) -> Table {
    let mut t = Table::new()
        .text_required("community")
        .text("level")
        .int32("level_rank")
        .text("period")
        .int32("period_months")
        .int32("interval_days")
        .int32("interval_months");
    for level in Level::ALL {
        let cadence = rules.cadence(level);
        let months = match cadence.period {
            Period::Week => 0,
            Period::Month => 1,
            Period::Quarter => 3,
            Period::HalfYear => 6,
            Period::Year => 12,
        };
        let (days, in_months) = match cadence.interval {
            Interval::Days(n) => (Some(n as i32), None),
            Interval::Months(n) => (None, Some(n as i32)),
        };
        t.row()
            .text(community)
            .text(level.word())
            .int32(rank(level))
            .text(cadence.period.word())
            .int32(Some(months))
            .int32(days)
            .int32(in_months);
    }
    t
}

/// needs.csv's rows raised on or before the as-of date, in file order,
/// with the days each has been open on that date; its free texts as
/// `shown`.
fn needs_table(
    needs: &[crate::model::need::Need],
    community: &str,
    today: chrono::NaiveDate,
    shown: &dyn Fn(&str) -> String,
) -> Table {
    let mut t = Table::new()
        .text_required("community")
        .text("id")
        .text("household")
        .date("raised")
        .text("raised_by")
        .text("category")
        .text("text")
        .text("status")
        .date("started")
        .date("resolved")
        .text("resolution")
        .date("follow_up")
        .text("satisfaction")
        .int64("days_open");
    for n in needs.iter().filter(|n| n.raised <= today) {
        t.row()
            .text(community)
            .text(&n.id)
            .text(&n.household)
            .date(Some(n.raised))
            .text(&shown(&n.raised_by))
            .text(&n.category)
            .text(&shown(&n.text))
            .text(n.status.word())
            .date(n.started)
            .date(n.resolved)
            .text(&shown(&n.resolution))
            .date(n.follow_up)
            .text(n.satisfaction.map_or("", |s| s.word()))
            .int64(Some(n.days_open(today)));
    }
    t
}

/// `due --all` as of the as-of date, in its order.
fn due_table(
    ctx: &Ctx,
    roster: &Roster,
    last: &[Option<chrono::NaiveDate>],
    community: &str,
) -> Table {
    let none: Vec<String> = Vec::new();
    let filter = Filter {
        grid: &none,
        building: &none,
        visitor: &none,
        levels: &[],
        tags: filter::Tagged::new(&none),
    };
    let (mut rows, _) = due::standings(
        roster,
        last,
        &ctx.config.rules,
        ctx.today,
        ctx.window,
        &filter,
        true,
    );
    due::sort(&mut rows, roster, Sort::Deadline);
    let mut t = Table::new()
        .text_required("community")
        .date("as_of")
        .text("household")
        .text("level")
        .int32("level_rank")
        .text("grid")
        .text("building")
        .text("unit")
        .text("room")
        .text("visitor")
        .date("last_visit")
        .date("deadline")
        .text("status")
        .int32("days_overdue")
        .int32("days_left")
        .text("tags");
    let days = |n: Option<i64>| n.map(|n| n as i32);
    for r in &rows {
        let h = roster.household(r.household());
        let standing = r.standing();
        t.row()
            .text(community)
            .date(Some(ctx.today))
            .text(h.id())
            .text(r.level.word())
            .int32(rank(r.level))
            .text(h.grid())
            .text(h.building())
            .text(h.unit())
            .text(h.room())
            .text(h.visitor())
            .date(r.last_visit)
            .date(r.deadline.date())
            .text(standing.status.word())
            .int32(days(standing.days_overdue))
            .int32(days(standing.days_left))
            .text(&h.tags().join(";"));
    }
    t
}
