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

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{Ctx, Outcome};
use crate::cli::ImportArgs;
use crate::config::import_field;
use crate::data::headers::{self, Columns, IMPORT};
use crate::data::logs::{self, Log, LogKind};
use crate::data::roster::Load;
use crate::error::Usage;
use crate::error::{Error, FieldName, Problem, Reason};
use crate::i18n::Msg;
use crate::ingest::{self, Batch, Candidate, Checked, StoreFormat};
use crate::model::date;
use crate::model::roster::Roster;
use crate::render::ListFormat;
use crate::store;

/// What became of one log.
#[derive(Debug, Default, Serialize)]
pub struct FileSummary {
    pub file: String,
    pub rows: usize,
    pub imported: usize,
    pub skipped: usize,
    pub rejected: usize,
    pub rejects_file: Option<String>,
    /// Where `--move-to` put the log.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moved_to: Option<String>,
    pub rejects: Vec<RowNote>,
    pub skips: Vec<RowNote>,
}

#[derive(Debug, Serialize)]
pub struct RowNote {
    pub line: u64,
    pub reason: String,
}

/// One rejected row, kept whole for the rejects file.
struct Reject {
    line: u64,
    cells: Vec<String>,
    reasons: Vec<Reason>,
}

/// A row skipped because it repeats an earlier row of the run.
struct Repeat {
    source: usize,
    line: u64,
    first: (usize, u64),
}

pub fn run(ctx: &Ctx, args: &ImportArgs, out: &mut dyn Write) -> Result<Outcome, Error> {
    let mut extra = parse_maps(&args.map)?;
    extra.extend(ctx.config.import_columns.iter().cloned());
    let files = files_to_read(ctx, &args.files);
    let progress = ctx.progress(false, &files);
    let mut problems = Vec::new();
    let roster = { ctx.snapshot()?.roster(Load::default(), &mut problems)? };
    ctx.fail_on_errors(problems)?;

    // Read and check every log before anything is written.
    let mut logs: Vec<Log> = Vec::new();
    let mut fatal = Vec::new();
    for path in &files {
        match logs::read(path, args.sheet.as_deref())? {
            Ok(log) => logs.push(log),
            Err(p) => fatal.push(p),
        }
    }
    let names: Vec<String> = logs.iter().map(shown_name).collect();
    let mut batch = Batch::default();
    let mut summaries = Vec::new();
    let mut rejects: Vec<Vec<Reject>> = Vec::new();
    let mut repeats: Vec<Repeat> = Vec::new();
    // Needs of the logs' `need` column, from every good row (a row that
    // repeats a stored visit too: its need may not be stored yet).
    let mut raised: Vec<super::need::Raised> = Vec::new();
    for (i, log) in logs.iter_mut().enumerate() {
        let mut summary = FileSummary {
            file: shown(&log.path),
            ..FileSummary::default()
        };
        let mut file_rejects = Vec::new();
        // A log with no header and no rows ("[]", an empty file) holds no
        // visits; that is not an error. Rows without a header (`[1]`,
        // `[{}]`) are rejected below, each with its line.
        let cols = if log.header.is_empty() {
            None
        } else {
            match columns(log, &extra) {
                Ok(c) => Some(c),
                Err(p) => {
                    fatal.push(p);
                    continue;
                }
            }
        };
        loop {
            let row = match log.next_row() {
                Ok(Some(row)) => row,
                Ok(None) => break,
                Err(p) => {
                    fatal.push(p);
                    break;
                }
            };
            summary.rows += 1;
            let checked = match &cols {
                Some(cols) => ingest::validate(&row, cols, log.kind, &roster, ctx.today)
                    .and_then(|c| need_category(ctx, c)),
                None => Err(row
                    .unreadable
                    .clone()
                    .into_iter()
                    .chain([Reason::Empty("date"), Reason::Empty("household")])
                    .collect()),
            };
            match checked {
                Ok(checked) => {
                    if !checked.need.is_empty() {
                        raised.push(super::need::Raised {
                            household: checked.household,
                            date: checked.date,
                            visitor: checked.visitor.to_string(),
                            category: checked.need_category.to_string(),
                            text: checked.need.to_string(),
                        });
                    }
                    if let Some(first) = batch.offer(&checked, i) {
                        summary.skipped += 1;
                        repeats.push(Repeat {
                            source: i,
                            line: row.line,
                            first,
                        });
                    }
                }
                Err(reasons) => {
                    summary.rejected += 1;
                    summary.rejects.push(RowNote {
                        line: row.line,
                        reason: join(ctx, &reasons),
                    });
                    file_rejects.push(Reject {
                        line: row.line,
                        cells: match &cols {
                            Some(cols) => fixable(row.cells, cols, log.kind),
                            None => row.cells,
                        },
                        reasons,
                    });
                }
            }
        }
        summaries.push(summary);
        rejects.push(file_rejects);
    }
    if !fatal.is_empty() {
        return Err(Error::Invalid(fatal));
    }
    // Every rejected row is told before anything is written.
    drop(progress);
    say_rejects(ctx, &summaries);

    // Under the write lock: drop what the store already holds, write the rest.
    let snapshot = if args.dry_run {
        ctx.snapshot()?
    } else {
        ctx.snapshot_for_write()?
    };
    let lock = (!args.dry_run).then(|| snapshot.write_lock());
    let limit = if args.dry_run {
        store::committed_len(&ctx.dir, crate::data::visits::FILE)
    } else {
        None
    };
    let mut format = StoreFormat::detect(&ctx.dir, limit)?;
    let fast = ctx.fast_path != super::FastPath::Off;
    let known = (fast && ctx.cache)
        .then(|| crate::data::cache::latest(&ctx.dir, &format.path, format.limit, &roster))
        .flatten();
    let stored = batch.drop_stored(&mut format, &roster, fast, known)?;
    let stored_at: HashSet<(usize, u64)> =
        stored.iter().map(|c| (c.source as usize, c.line)).collect();
    for c in &stored {
        let s = &mut summaries[c.source as usize];
        s.skipped += 1;
        s.skips.push(RowNote {
            line: c.line,
            reason: ctx.lang.reason(&Reason::RepeatsStored),
        });
    }
    for r in &repeats {
        // A repeat of a row that was itself already stored repeats a stored visit.
        let reason = if stored_at.contains(&r.first) {
            Reason::RepeatsStored
        } else {
            Reason::RepeatsRow {
                file: names[r.first.0].clone(),
                line: r.first.1,
            }
        };
        summaries[r.source].skips.push(RowNote {
            line: r.line,
            reason: ctx.lang.reason(&reason),
        });
    }
    for c in &batch.candidates {
        summaries[c.source as usize].imported += 1;
    }
    let write = if batch.candidates.is_empty() {
        None
    } else {
        Some(format.plan(&batch, &roster, ctx.lang)?)
    };
    // The needs the ledger does not hold yet; a ledger with errors stops
    // the import before anything is written.
    let needs = super::need::plan_import(ctx, &roster, &raised)?;
    let need_ids = needs.ids.clone();
    if let Some(lock) = lock {
        // Rejects first: if they cannot be written, nothing is imported.
        for ((log, file_rejects), summary) in logs.iter().zip(&rejects).zip(&mut summaries) {
            if !file_rejects.is_empty() {
                let path = write_rejects(ctx, log, file_rejects)?;
                summary.rejects_file = Some(path.display().to_string());
            }
        }
        if let Some(write) = write {
            commit(ctx, write, lock)?;
        }
        super::need::commit_import(ctx, needs, lock)?;
    }
    drop(snapshot);

    // Every good row is stored: the logs may go.
    let mut unmoved = None;
    if let (Some(dir), false) = (&args.move_to, args.dry_run) {
        let mut moved: Vec<(PathBuf, String)> = Vec::new();
        for (log, summary) in logs.iter().zip(&mut summaries) {
            // A log named twice is moved once.
            let key = log.path.canonicalize().ok();
            if let Some((_, to)) = moved.iter().find(|(k, _)| Some(k) == key.as_ref()) {
                summary.moved_to = Some(to.clone());
                continue;
            }
            match store::move_free(&log.path, dir) {
                Ok(to) => {
                    let to = to.display().to_string();
                    if let Some(key) = key {
                        moved.push((key, to.clone()));
                    }
                    summary.moved_to = Some(to);
                }
                // The rest still go; the summary is shown; then the error.
                Err(e) => {
                    unmoved.get_or_insert(e);
                }
            }
        }
    }

    for s in &mut summaries {
        s.skips.sort_by_key(|n| n.line);
    }
    let needs_opened = (!raised.is_empty()).then_some(need_ids.as_slice());
    report(ctx, args, &summaries, needs_opened, out)?;
    if let Some(e) = unmoved {
        return Err(e);
    }
    let rejected = summaries.iter().any(|s| s.rejected > 0);
    Ok(if rejected {
        Outcome::Flagged
    } else {
        Outcome::Success
    })
}

/// The logs to read: every file named, but a pattern the shell found no
/// file for (it passes the pattern itself: `inbox/*.csv` of an empty
/// inbox), which is nothing to import and is said so on stderr. A plain
/// name that does not exist stays, to fail as a file that cannot be read.
fn files_to_read(ctx: &Ctx, files: &[PathBuf]) -> Vec<PathBuf> {
    files
        .iter()
        .filter(|path| {
            let pattern = path.to_string_lossy().contains(['*', '?', '[']);
            let unmatched = pattern && std::fs::symlink_metadata(path).is_err();
            if unmatched {
                eprintln!(
                    "{}",
                    ctx.lang
                        .msg(&Msg::NothingMatches(path.display().to_string()))
                );
            }
            !unmatched
        })
        .cloned()
        .collect()
}

/// The columns of a log; a problem when no date or household can be found.
fn columns(log: &Log, extra: &[(String, FieldName)]) -> Result<Columns, Problem> {
    let cells: Vec<&str> = log.header.iter().map(String::as_str).collect();
    match headers::map(&IMPORT, &cells, extra) {
        Ok(c) if c.get("household").is_none() && c.get("resident").is_none() => {
            Err(Problem::error(
                &log.path,
                Some(log.header_line),
                Reason::NoHouseholdColumn {
                    found: log
                        .header
                        .iter()
                        .filter(|h| !h.is_empty())
                        .cloned()
                        .collect(),
                },
            ))
        }
        Ok(c) => Ok(c),
        Err(reason) => Err(Problem::error(&log.path, Some(log.header_line), reason)),
    }
}

/// A rejected row as the rejects file keeps it: a spreadsheet's serial
/// date becomes an ISO date, which a CSV may carry.
fn fixable(mut cells: Vec<String>, cols: &Columns, kind: LogKind) -> Vec<String> {
    if kind == LogKind::Sheet
        && let Some(cell) = cols.get("date").and_then(|c| cells.get_mut(c))
        && date::parse(cell).is_err()
        && let Some(d) = cell.parse::<f64>().ok().and_then(date::from_excel_serial)
    {
        *cell = date::iso(d);
    }
    cells
}

/// Writes the new rows: appended, or the file replaced whole.
fn commit(ctx: &Ctx, write: ingest::Write, lock: &store::DirLock) -> Result<(), Error> {
    match write {
        ingest::Write::Append(bytes) => {
            store::append(&ctx.dir, crate::data::visits::FILE, &bytes, lock)
        }
        ingest::Write::Replace(bytes) => {
            store::replace(&ctx.path(crate::data::visits::FILE), &bytes)
        }
    }
}

fn join(ctx: &Ctx, reasons: &[Reason]) -> String {
    reasons
        .iter()
        .map(|r| ctx.lang.reason(r))
        .collect::<Vec<_>>()
        .join("; ")
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

fn shown(path: &Path) -> String {
    path.display().to_string()
}

fn shown_name(log: &Log) -> String {
    log.path
        .file_name()
        .map_or_else(|| shown(&log.path), |n| n.to_string_lossy().into_owned())
}

/// The rejects file of a log: `day.csv` → `day.rejects.csv`, any other
/// log keeps its whole name (`day.json` → `day.json.rejects.csv`), so two
/// logs of one run never share one. A rejects file fixed and imported
/// again keeps its name (what is still wrong in `day.rejects.csv` goes to
/// a `day.rejects.csv` too, beside it or numbered): names never grow.
fn rejects_name(log: &Path) -> String {
    let name = log
        .file_name()
        .map_or_else(|| "log".to_string(), |n| n.to_string_lossy().into_owned());
    let base = match name.rsplit_once('.') {
        Some((stem, ext)) if ext.eq_ignore_ascii_case("csv") => stem.to_string(),
        _ => name,
    };
    if base.ends_with(".rejects") {
        format!("{base}.csv")
    } else {
        format!("{base}.rejects.csv")
    }
}

/// Where rejects files go: a folder beside the logs, so that a `*.csv`
/// of the logs' folder never picks one up (and imports it again).
pub const REJECTS_DIR: &str = "rejects";

/// The rejects folder of a log: `rejects` beside it, or the log's own
/// folder when that is a rejects folder (a rejects file fixed in place).
fn rejects_dir(log: &Path) -> PathBuf {
    let folder = match log.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if folder.file_name().is_some_and(|n| n == REJECTS_DIR) {
        folder.to_path_buf()
    } else {
        folder.join(REJECTS_DIR)
    }
}

/// Writes a log's rejects file: `line`, `reason`, then the log's columns.
/// In the `rejects` folder beside the log, or in the data directory's
/// when that cannot be written; never over an older rejects file.
fn write_rejects(ctx: &Ctx, log: &Log, rejects: &[Reject]) -> Result<PathBuf, Error> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .flexible(true)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    let io = |e: csv::Error| Error::Other(e.into());
    // A spreadsheet opens this file to have the rows fixed: a cell it
    // would run as a formula is written as text.
    let safe = |cell: &String| crate::guard::safe_cell(cell).into_owned();
    let mut header = vec!["line".to_string(), "reason".to_string()];
    header.extend(log.header.iter().map(safe));
    w.write_record(&header).map_err(io)?;
    for r in rejects {
        let mut cells = vec![r.line.to_string(), safe(&join(ctx, &r.reasons))];
        cells.extend(r.cells.iter().map(safe));
        w.write_record(&cells).map_err(io)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| Error::Other(anyhow::anyhow!("{e}")))?;
    let name = rejects_name(&log.path);
    store::create_free(&rejects_dir(&log.path), &name, &bytes)
        .or_else(|_| store::create_free(&ctx.path(REJECTS_DIR), &name, &bytes))
}

/// One message on one line: control characters from the data are shown
/// escaped, never as line breaks or terminal codes.
fn one_line(text: &str) -> String {
    text.chars()
        .flat_map(|c| match c {
            '\n' => vec!['\\', 'n'],
            '\r' => vec!['\\', 'r'],
            c if c.is_control() => vec!['\u{FFFD}'],
            c => vec![c],
        })
        .collect()
}

fn say_rejects(ctx: &Ctx, summaries: &[FileSummary]) {
    let mut err = std::io::stderr().lock();
    for s in summaries {
        for n in &s.rejects {
            let _ = writeln!(
                err,
                "{}:{}: {}: {}",
                s.file,
                n.line,
                ctx.lang.rejected_word(),
                one_line(&n.reason)
            );
        }
    }
}

/// A need's category, when the row gives one, must be a configured one.
fn need_category<'a>(ctx: &Ctx, c: Checked<'a>) -> Result<Checked<'a>, Vec<Reason>> {
    let allowed = &ctx.config.needs.categories;
    if c.need.is_empty()
        || c.need_category.is_empty()
        || allowed.iter().any(|a| a == c.need_category)
    {
        return Ok(c);
    }
    Err(vec![Reason::UnknownCategory {
        value: crate::privacy::shown_value(c.need_category),
        allowed: allowed.clone(),
    }])
}

/// Prints the summary; `needs_opened` are the ids of the needs opened
/// when the logs have a `need` column.
fn report(
    ctx: &Ctx,
    args: &ImportArgs,
    summaries: &[FileSummary],
    needs_opened: Option<&[String]>,
    out: &mut dyn Write,
) -> Result<(), Error> {
    let lang = ctx.lang;
    let o = Error::Output;
    if args.verbose {
        let mut err = std::io::stderr().lock();
        for s in summaries {
            for n in &s.skips {
                let _ = writeln!(
                    err,
                    "{}:{}: {}: {}",
                    s.file,
                    n.line,
                    lang.skipped_word(),
                    one_line(&n.reason)
                );
            }
        }
    }
    // Where each log's rejects went, for every format: cron mails stderr.
    {
        let mut err = std::io::stderr().lock();
        for s in summaries {
            if let Some(f) = &s.rejects_file {
                let _ = writeln!(err, "{}", lang.rejects_written(f));
            }
        }
    }
    let imported: usize = summaries.iter().map(|s| s.imported).sum();
    match ctx.format()? {
        ListFormat::Json => {
            #[derive(Serialize)]
            struct J<'a> {
                dry_run: bool,
                imported: usize,
                files: &'a [FileSummary],
                #[serde(skip_serializing_if = "Option::is_none")]
                needs_opened: Option<&'a [String]>,
            }
            serde_json::to_writer_pretty(
                &mut *out,
                &J {
                    dry_run: args.dry_run,
                    imported,
                    files: summaries,
                    needs_opened,
                },
            )
            .map_err(|e| o(e.into()))?;
            writeln!(out).map_err(o)?;
        }
        ListFormat::Csv => {
            let mut w = csv::Writer::from_writer(&mut *out);
            let io = |e: csv::Error| Error::Output(crate::render::csv::io_error(e));
            // `moved_to` only with --move-to: the columns scripts know stay.
            let moving = args.move_to.is_some();
            let mut header = vec![
                "file",
                "rows",
                "imported",
                "skipped",
                "rejected",
                "rejects_file",
            ];
            if moving {
                header.push("moved_to");
            }
            w.write_record(&header).map_err(io)?;
            for s in summaries {
                let mut row = vec![
                    crate::guard::safe_cell(&s.file).into_owned(),
                    s.rows.to_string(),
                    s.imported.to_string(),
                    s.skipped.to_string(),
                    s.rejected.to_string(),
                    crate::guard::safe_cell(s.rejects_file.as_deref().unwrap_or("")).into_owned(),
                ];
                if moving {
                    row.push(
                        crate::guard::safe_cell(s.moved_to.as_deref().unwrap_or("")).into_owned(),
                    );
                }
                w.write_record(&row).map_err(io)?;
            }
            w.flush().map_err(o)?;
        }
        ListFormat::Table => {
            for s in summaries {
                writeln!(
                    out,
                    "{}",
                    lang.import_summary(&s.file, s.rows, s.imported, s.skipped, s.rejected)
                )
                .map_err(o)?;
                if let Some(f) = &s.moved_to {
                    writeln!(out, "  {}", lang.msg(&Msg::MovedTo(f.clone()))).map_err(o)?;
                }
            }
            let store = ctx.path(crate::data::visits::FILE).display().to_string();
            writeln!(out, "{}", lang.import_total(imported, &store, args.dry_run)).map_err(o)?;
            if let Some(ids) = needs_opened {
                writeln!(out, "{}", lang.needs_imported(ids, args.dry_run)).map_err(o)?;
            }
        }
    }
    Ok(())
}

/// For `visit`: one checked row through the same duplicate check and
/// write. Returns whether it was stored (false: it repeats a stored visit).
pub fn store_one(ctx: &Ctx, roster: &Roster, checked: &Checked<'_>) -> Result<bool, Error> {
    let mut batch = Batch::default();
    batch.offer(checked, 0);
    let lock = store::write_lock(&ctx.dir, || {
        eprintln!("{}", ctx.lang.lock_wait(&ctx.dir.display().to_string()));
    })?;
    let mut format = StoreFormat::detect(&ctx.dir, None)?;
    let fast = ctx.fast_path != super::FastPath::Off;
    let known = (fast && ctx.cache)
        .then(|| crate::data::cache::latest(&ctx.dir, &format.path, format.limit, roster))
        .flatten();
    let stored: Vec<Candidate> = batch.drop_stored(&mut format, roster, fast, known)?;
    if !stored.is_empty() {
        return Ok(false);
    }
    commit(ctx, format.plan(&batch, roster, ctx.lang)?, &lock)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_names() {
        assert_eq!(rejects_name(Path::new("a/day.csv")), "day.rejects.csv");
        assert_eq!(rejects_name(Path::new("a/day.CSV")), "day.rejects.csv");
        assert_eq!(rejects_name(Path::new("day.json")), "day.json.rejects.csv");
        assert_eq!(rejects_name(Path::new("day.xlsx")), "day.xlsx.rejects.csv");
        assert_eq!(
            rejects_name(Path::new("bad.rejects.csv")),
            "bad.rejects.csv"
        );
        assert_eq!(
            rejects_name(Path::new("bad.json.rejects.csv")),
            "bad.json.rejects.csv"
        );
        assert_eq!(rejects_name(Path::new("log")), "log.rejects.csv");
        assert_eq!(
            rejects_dir(Path::new("inbox/day.csv")),
            Path::new("inbox/rejects")
        );
        assert_eq!(rejects_dir(Path::new("day.csv")), Path::new("./rejects"));
        assert_eq!(
            rejects_dir(Path::new("inbox/rejects/day.rejects.csv")),
            Path::new("inbox/rejects")
        );
    }

    #[test]
    fn messages_stay_on_one_line() {
        assert_eq!(
            one_line("unknown household 'H\n9'"),
            "unknown household 'H\\n9'"
        );
        assert_eq!(one_line("a\u{1b}[31m"), "a\u{FFFD}[31m");
    }
}
