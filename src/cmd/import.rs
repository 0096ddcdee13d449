//! `rounds import FILE... [--dry-run] [--map SOURCE=FIELD] [--sheet NAME] [-v]
//!                [--move-to DIR]`
//!
//! Validates visit logs and appends the good rows to visits.csv. Nothing is
//! lost: every rejected row is reported on stderr as `file:line: rejected:
//! reason` and written, with its line and reason, to a rejects file in a
//! `rejects` folder beside the log (`day.csv` → `rejects/day.rejects.csv`,
//! `day.json` → `rejects/day.json.rejects.csv`; never over an older one,
//! which stays: `day.rejects-2.csv`; in the data directory's `rejects`
//! folder when the log's folder cannot be written), whose path stderr
//! names, to be fixed and imported again. A `*.csv` of the logs' folder
//! never picks the rejects up. Nothing is doubled: a row that repeats a
//! stored visit or an earlier row of the run (same date, household and
//! visitor) is skipped. The append holds the data directory's write lock
//! and is whole or rolled back (see `store`). `--dry-run` shows the same
//! summary and rejects and writes nothing. Exit status 0, or 1 when rows
//! were rejected; a log that cannot be read at all stops the run before
//! anything is written.
//!
//! For cron: `--move-to DIR` moves each log into DIR once its good rows
//! are stored (never over a file there), so the inbox holds only what is
//! new; and a pattern the shell found no file for (`inbox/*.csv` of an
//! empty inbox) is nothing to import, said on stderr, status 0.
//!
//! A log's optional `need` column (诉求, with `need_category` 诉求类别)
//! opens a need in the ledger needs.csv for the visit's household, day and
//! worker; a need already there (same household, day, worker and text) is
//! not opened again, so importing a log twice opens nothing new.
//!
//! A log's columns that are no visit field (照片, 经度, 纬度, anything) are
//! kept: visits.csv gains each at the end of its header (written anew
//! aside and renamed into place, every other byte kept), and a column it
//! has already is filled. Coordinates must be numbers in range, or the row
//! is rejected. The summary names every kept column and whether
//! visits.csv gains it (see `data::kept`).

use std::io::Write;
use std::path::PathBuf;

use super::{Ctx, Outcome};
use crate::cli::ImportArgs;
use crate::compute::import::{self, Plan, Rules};
use crate::config::import_field;
use crate::data::headers::IMPORT;
use crate::data::ingest::{self, StoreFormat};
use crate::data::needs::{self, Opening};
use crate::data::roster::Load;
use crate::data::snapshot::Snapshot;
use crate::data::{inbox, visits};
use crate::error::{Error, FieldName, Usage};
use crate::i18n::Msg;
use crate::model::roster::Roster;
use crate::render::import::{self as shown, Totals};
use crate::store;

pub fn run(ctx: &Ctx, args: &ImportArgs, out: &mut dyn Write) -> Result<Outcome, Error> {
    let mut extra = parse_maps(&args.map)?;
    extra.extend(ctx.config.import_columns.iter().cloned());
    let files = files_to_read(ctx, &args.files);
    let progress = ctx.progress(false, &files);
    let mut problems = Vec::new();
    let roster = { ctx.snapshot()?.roster(Load::default(), &mut problems)? };
    ctx.fail_on_errors(problems)?;

    // Read and check every log before anything is written.
    let (mut logs, mut fatal) = inbox::read_logs(&files, args.sheet.as_deref())?;
    let rules = Rules {
        extra: &extra,
        roster: &roster,
        today: ctx.today,
        categories: &ctx.config.needs.categories,
        lang: ctx.lang,
    };
    let mut plan = import::check(&mut logs, &rules);
    fatal.append(&mut plan.fatal);
    if !fatal.is_empty() {
        return Err(Error::Invalid(fatal));
    }
    // Every rejected row is told before anything is written.
    drop(progress);
    shown::rejects(&mut std::io::stderr().lock(), ctx.lang, &plan.summaries);

    // Under the write lock: drop what the store already holds, write the rest.
    let snapshot = if args.dry_run {
        ctx.snapshot()?
    } else {
        ctx.snapshot_for_write()?
    };
    let mut format = StoreFormat::of(&snapshot, args.dry_run)?;
    let stored = snapshot.drop_stored(&mut plan.batch, &mut format, &roster)?;
    plan.settle(&stored, ctx.lang);
    let kept: Vec<shown::KeptColumn> = plan
        .batch
        .kept
        .iter()
        .zip(format.kept_places(&plan.batch))
        .map(|(name, place)| shown::KeptColumn {
            name: name.clone(),
            visits_csv: place,
            personal: crate::data::kept::personal(name).is_some(),
        })
        .collect();
    let write = if plan.batch.candidates.is_empty() {
        None
    } else {
        Some(format.plan(&plan.batch, &roster, ctx.lang)?)
    };
    let opening = open_needs(ctx, &snapshot, &roster, &plan)?;
    if !args.dry_run {
        let lock = snapshot.write_lock();
        // A file open in Excel stops the import before anything is written.
        if let Some(write) = &write {
            store::ensure_free(&ctx.path(visits::FILE), write.usage())?;
        }
        if let Some(write) = &opening.write {
            store::ensure_free(&ctx.path(needs::FILE), write.usage())?;
        }
        if args.move_to.is_some() {
            for log in &logs {
                store::ensure_free(&log.path, store::Use::Replace)?;
            }
        }
        // Rejects first: if they cannot be written, nothing is imported.
        let files = logs.iter().zip(&plan.rejects).zip(&mut plan.summaries);
        for ((log, rejects), summary) in files.filter(|((_, r), _)| !r.is_empty()) {
            let path = inbox::write_rejects(&ctx.dir, &log.path, &log.header, rejects)?;
            summary.rejects_file = Some(path.display().to_string());
        }
        if let Some(write) = write {
            ingest::commit(&ctx.dir, write, lock)?;
        }
        if let Some(write) = opening.write {
            needs::commit(&ctx.dir, write, lock)?;
        }
    }
    drop(snapshot);

    // Every good row is stored: the logs may go (the summary is shown,
    // then the error of a log that could not).
    let mut unmoved = None;
    if let (Some(dir), false) = (&args.move_to, args.dry_run) {
        let went;
        (went, unmoved) = inbox::move_logs(logs.iter().map(|l| l.path.as_path()), dir);
        for (summary, to) in plan.summaries.iter_mut().zip(went) {
            summary.moved_to = to;
        }
    }

    shown::notes(
        &mut std::io::stderr().lock(),
        ctx.lang,
        &plan.summaries,
        args.verbose,
    );
    let store = ctx.path(visits::FILE).display().to_string();
    let totals = Totals {
        dry_run: args.dry_run,
        moving: args.move_to.is_some(),
        store: &store,
        needs_opened: (!plan.raised.is_empty()).then_some(opening.ids.as_slice()),
        kept: &kept,
    };
    shown::summary(out, ctx.format()?, ctx.lang, &plan.summaries, &totals)
        .map_err(Error::Output)?;
    if let Some(e) = unmoved {
        return Err(e);
    }
    match plan.summaries.iter().any(|s| s.rejected > 0) {
        true => Ok(Outcome::Flagged),
        false => Ok(Outcome::Success),
    }
}

/// The needs of the logs' `need` column that the ledger does not hold
/// yet; a ledger with errors stops the import before anything is written.
fn open_needs(
    ctx: &Ctx,
    snapshot: &Snapshot,
    roster: &Roster,
    plan: &Plan,
) -> Result<Opening, Error> {
    if plan.raised.is_empty() {
        return Ok(Opening::default());
    }
    let mut problems = Vec::new();
    let ledger = snapshot.needs(&ctx.config.needs.categories, &mut problems)?;
    ctx.fail_on_errors(problems)?;
    let default = ctx.config.needs.default_category();
    needs::open_new(ledger, &ctx.dir, ctx.lang, |held| {
        crate::compute::needs::unrecorded(held, roster, &plan.raised, default)
    })
}

/// The logs to read: every file named, a pattern expanded. Windows
/// shells pass `inbox\*.csv` as written, for the program to expand; a
/// Unix shell passes a pattern only when it found no file for it (the
/// `*.csv` of an empty inbox). A pattern no file matches is nothing to
/// import, said so on stderr. A plain name that does not exist stays, to
/// fail as a file that cannot be read. The lock file Excel or WPS keeps
/// beside a workbook it has open (`~$day.xlsx`) is no log: it is passed
/// over, said so on stderr.
fn files_to_read(ctx: &Ctx, files: &[PathBuf]) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for path in files {
        let pattern = path.to_string_lossy().contains(['*', '?', '[']);
        if !pattern || std::fs::symlink_metadata(path).is_ok() {
            found.push(path.clone());
            continue;
        }
        let matched = expand(path);
        if matched.is_empty() {
            let said = Msg::NothingMatches(path.display().to_string());
            eprintln!("{}", ctx.lang.msg(&said));
        }
        found.extend(matched);
    }
    found.retain(|path| {
        let owner = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("~$"));
        if owner {
            let said = Msg::OwnerFileSkipped(path.display().to_string());
            eprintln!("{}", ctx.lang.msg(&said));
        }
        !owner
    });
    found
}

/// The files `pattern` matches, in name order: `*`, `?` and `[…]` as the
/// shells read them, a leading dot matched only by a dot, letter case
/// ignored where the file system ignores it (Windows).
fn expand(pattern: &std::path::Path) -> Vec<PathBuf> {
    let options = glob::MatchOptions {
        case_sensitive: !cfg!(windows),
        require_literal_separator: true,
        require_literal_leading_dot: true,
    };
    let Ok(paths) = glob::glob_with(&pattern.to_string_lossy(), options) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = paths.flatten().filter(|p| p.is_file()).collect();
    files.sort();
    files
}

/// `--map SOURCE=FIELD` entries.
pub fn parse_maps(maps: &[String]) -> Result<Vec<(String, FieldName)>, Error> {
    maps.iter()
        .map(|m| {
            let (source, field) = m
                .split_once('=')
                .ok_or_else(|| Error::Usage(Usage::BadMap(m.clone())))?;
            let field = import_field(field).map_err(|_| {
                let fields: Vec<&str> = IMPORT.fields.iter().map(|f| f.name).collect();
                Error::Usage(Usage::BadMapField {
                    map: m.clone(),
                    fields: fields.join(", "),
                })
            })?;
            Ok((source.trim().to_string(), field))
        })
        .collect()
}
