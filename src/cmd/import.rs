//! `rounds import FILE... [--dry-run] [--map SOURCE=FIELD] [--sheet NAME] [-v]`
//!
//! Validates visit logs and appends the good rows to visits.csv. Nothing is
//! lost: every rejected row is reported as `file:line: rejected: reason`
//! and written, with its line and reason, to `<log>.rejects.csv` beside the
//! log, to be fixed and imported again. Nothing is doubled: a row that
//! repeats a stored visit or an earlier row of the run (same date,
//! household and visitor) is skipped. The append holds the data
//! directory's write lock and is whole or rolled back (see `store`).
//! `--dry-run` shows the same summary and rejects and writes nothing.
//! Exit status 0, or 1 when rows were rejected; a log that cannot be read
//! at all stops the run before anything is written.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{Ctx, Outcome};
use crate::cli::ImportArgs;
use crate::config::import_field;
use crate::data::headers::{self, IMPORT};
use crate::data::logs::{self, Log};
use crate::data::roster::{self, Load, Roster};
use crate::error::{Error, FieldName, Problem, Reason};
use crate::ingest::{self, Batch, Checked, StoreFormat};
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

pub fn run(ctx: &Ctx, args: &ImportArgs, out: &mut dyn Write) -> Result<Outcome, Error> {
    let mut extra = parse_maps(&args.map)?;
    extra.extend(ctx.config.import_columns.iter().cloned());
    let mut problems = Vec::new();
    let roster = {
        let _lock = ctx.read_lock()?;
        Roster::read(&ctx.path(roster::FILE), Load::default(), &mut problems)?
    };
    ctx.fail_on_errors(problems)?;

    // Read and check every log before anything is written.
    let mut logs: Vec<Log> = Vec::new();
    let mut fatal = Vec::new();
    for path in &args.files {
        match logs::read(path, args.sheet.as_deref())? {
            Ok(log) => logs.push(log),
            Err(p) => fatal.push(p),
        }
    }
    let names: Vec<String> = logs.iter().map(shown_name).collect();
    let mut batch = Batch::default();
    let mut summaries = Vec::new();
    let mut rejects: Vec<Vec<Reject>> = Vec::new();
    for (i, log) in logs.iter_mut().enumerate() {
        let cells: Vec<&str> = log.header.iter().map(String::as_str).collect();
        let cols = match headers::map(&IMPORT, &cells, &extra) {
            Ok(c) if c.get("household").is_none() && c.get("resident").is_none() => {
                fatal.push(Problem::error(
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
                ));
                continue;
            }
            Ok(c) => c,
            Err(reason) => {
                fatal.push(Problem::error(&log.path, Some(log.header_line), reason));
                continue;
            }
        };
        let mut summary = FileSummary {
            file: shown(&log.path),
            ..FileSummary::default()
        };
        let mut file_rejects = Vec::new();
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
            match ingest::validate(&row, &cols, log.kind, &roster, ctx.today) {
                Ok(checked) => {
                    if let Some((file, line)) = batch.offer(&checked, i) {
                        let reason = Reason::RepeatsRow {
                            file: names[file].clone(),
                            line,
                        };
                        summary.skipped += 1;
                        summary.skips.push(RowNote {
                            line: row.line,
                            reason: ctx.lang.reason(&reason),
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
                        cells: row.cells,
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

    // Under the write lock: drop what the store already holds, append the rest.
    let lock = if args.dry_run {
        None
    } else {
        Some(store::write_lock(&ctx.dir, || {
            eprintln!("{}", ctx.lang.lock_wait(&ctx.dir.display().to_string()));
        })?)
    };
    let _read = if args.dry_run { ctx.read_lock()? } else { None };
    let mut format = StoreFormat::detect(&ctx.dir)?;
    let stored = batch.drop_stored(&mut format, &roster)?;
    for c in &stored {
        let s = &mut summaries[c.source as usize];
        s.skipped += 1;
        s.skips.push(RowNote {
            line: c.line,
            reason: ctx.lang.reason(&Reason::RepeatsStored),
        });
    }
    for c in &batch.candidates {
        summaries[c.source as usize].imported += 1;
    }
    let bytes = format.render(&batch, &roster)?;
    if let Some(lock) = &lock {
        // Rejects first: if they cannot be written, nothing is imported.
        for ((log, file_rejects), summary) in logs.iter().zip(&rejects).zip(&mut summaries) {
            if !file_rejects.is_empty() {
                let path = write_rejects(ctx, log, file_rejects)?;
                summary.rejects_file = Some(path.display().to_string());
            }
        }
        if !batch.candidates.is_empty() {
            store::append(
                &ctx.dir,
                crate::data::visits::FILE,
                StoreFormat::new_header(ctx.lang).as_bytes(),
                &bytes,
                lock,
            )?;
        }
    }
    drop(lock);

    for s in &mut summaries {
        s.skips.sort_by_key(|n| n.line);
    }
    report(ctx, args, &summaries, out)?;
    let rejected = summaries.iter().any(|s| s.rejected > 0);
    Ok(if rejected {
        Outcome::Flagged
    } else {
        Outcome::Success
    })
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
            let (source, field) = m.split_once('=').ok_or_else(|| {
                Error::Usage(format!(
                    "--map '{m}': use SOURCE=FIELD, e.g. --map 走访时间=date"
                ))
            })?;
            let field =
                import_field(field).map_err(|e| Error::Usage(format!("--map '{m}': {e}")))?;
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

/// `<dir>/<stem>.rejects.csv`: the log's header plus `line` and `reason`.
fn write_rejects(ctx: &Ctx, log: &Log, rejects: &[Reject]) -> Result<PathBuf, Error> {
    let stem = log
        .path
        .file_stem()
        .map_or_else(|| "log".to_string(), |s| s.to_string_lossy().into_owned());
    let path = log.path.with_file_name(format!("{stem}.rejects.csv"));
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .flexible(true)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    let io = |e: csv::Error| Error::Other(e.into());
    let mut header = log.header.clone();
    header.push("line".into());
    header.push("reason".into());
    w.write_record(&header).map_err(io)?;
    for r in rejects {
        let mut cells = r.cells.clone();
        cells.resize(log.header.len().max(cells.len()), String::new());
        cells.push(r.line.to_string());
        cells.push(join(ctx, &r.reasons));
        w.write_record(&cells).map_err(io)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| Error::Other(anyhow::anyhow!("{e}")))?;
    store::replace(&path, &bytes)?;
    Ok(path)
}

fn report(
    ctx: &Ctx,
    args: &ImportArgs,
    summaries: &[FileSummary],
    out: &mut dyn Write,
) -> Result<(), Error> {
    let lang = ctx.lang;
    let o = Error::Output;
    let mut err = std::io::stderr().lock();
    for s in summaries {
        for n in &s.rejects {
            let _ = writeln!(
                err,
                "{}:{}: {}: {}",
                s.file,
                n.line,
                lang.rejected_word(),
                n.reason
            );
        }
        if args.verbose {
            for n in &s.skips {
                let _ = writeln!(
                    err,
                    "{}:{}: {}: {}",
                    s.file,
                    n.line,
                    lang.skipped_word(),
                    n.reason
                );
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
            }
            serde_json::to_writer_pretty(
                &mut *out,
                &J {
                    dry_run: args.dry_run,
                    imported,
                    files: summaries,
                },
            )
            .map_err(|e| o(e.into()))?;
            writeln!(out).map_err(o)?;
        }
        ListFormat::Csv => {
            let mut w = csv::Writer::from_writer(&mut *out);
            let io = |e: csv::Error| Error::Output(crate::render::csv::io_error(e));
            w.write_record([
                "file",
                "rows",
                "imported",
                "skipped",
                "rejected",
                "rejects_file",
            ])
            .map_err(io)?;
            for s in summaries {
                w.write_record([
                    crate::render::csv::safe_cell(&s.file).as_ref(),
                    &s.rows.to_string(),
                    &s.imported.to_string(),
                    &s.skipped.to_string(),
                    &s.rejected.to_string(),
                    s.rejects_file.as_deref().unwrap_or(""),
                ])
                .map_err(io)?;
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
                if let Some(f) = &s.rejects_file {
                    writeln!(out, "  {}", lang.rejects_written(f)).map_err(o)?;
                }
            }
            let store = ctx.path(crate::data::visits::FILE).display().to_string();
            writeln!(out, "{}", lang.import_total(imported, &store, args.dry_run)).map_err(o)?;
        }
    }
    Ok(())
}

/// For `visit`: one candidate through the same duplicate check and append.
/// Returns whether it was stored (false: it repeats a stored visit).
pub fn store_one(ctx: &Ctx, roster: &Roster, checked: &Checked<'_>) -> Result<bool, Error> {
    let mut batch = Batch::default();
    batch.offer(checked, 0);
    let lock = store::write_lock(&ctx.dir, || {
        eprintln!("{}", ctx.lang.lock_wait(&ctx.dir.display().to_string()));
    })?;
    let mut format = StoreFormat::detect(&ctx.dir)?;
    let stored = batch.drop_stored(&mut format, roster)?;
    if !stored.is_empty() {
        return Ok(false);
    }
    let bytes = format.render(&batch, roster)?;
    store::append(
        &ctx.dir,
        crate::data::visits::FILE,
        StoreFormat::new_header(ctx.lang).as_bytes(),
        &bytes,
        &lock,
    )?;
    Ok(true)
}
