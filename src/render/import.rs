//! What `rounds import` says: each rejected (and, with `-v`, skipped)
//! row on stderr as `file:line: rejected: reason`, where each log's
//! rejects file went, and the summary on stdout (table, csv, json).

use std::io::{self, Write};

use serde::Serialize;

use super::ListFormat;
use crate::compute::import::FileSummary;
use crate::i18n::{Lang, Msg};

/// What the summary tells besides each log's.
pub struct Totals<'a> {
    pub dry_run: bool,
    /// Whether the logs were to be moved (`--move-to`): the csv gets its
    /// `moved_to` column.
    pub moving: bool,
    /// The visit store, as the table names it.
    pub store: &'a str,
    /// The ids of the needs opened, when the logs have a `need` column.
    pub needs_opened: Option<&'a [String]>,
    /// The logs' columns that are not visit fields, kept in visits.csv.
    pub kept: &'a [KeptColumn],
}

/// A column the logs keep, and what becomes of it in visits.csv.
#[derive(Debug, Serialize)]
pub struct KeptColumn {
    pub name: String,
    pub visits_csv: crate::data::ingest::KeptPlace,
    /// A roster's personal-data column (姓名, 电话, 身份证号).
    pub personal: bool,
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

/// Every rejected row, `file:line: rejected: reason` (errors ignored: it
/// goes to stderr).
pub fn rejects(err: &mut dyn Write, lang: Lang, summaries: &[FileSummary]) {
    for s in summaries {
        for n in &s.rejects {
            let _ = writeln!(
                err,
                "{}:{}: {}: {}",
                s.file,
                n.line,
                lang.rejected_word(),
                one_line(&n.reason)
            );
        }
    }
}

/// Every skipped row (`-v`), then where each log's rejects went (for
/// every format: cron mails stderr); errors ignored.
pub fn notes(err: &mut dyn Write, lang: Lang, summaries: &[FileSummary], verbose: bool) {
    if verbose {
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
    for s in summaries {
        if let Some(f) = &s.rejects_file {
            let _ = writeln!(err, "{}", lang.rejects_written(f));
        }
    }
}

/// The summary of the import in `format`.
pub fn summary(
    out: &mut dyn Write,
    format: ListFormat,
    lang: Lang,
    summaries: &[FileSummary],
    totals: &Totals<'_>,
) -> io::Result<()> {
    let imported: usize = summaries.iter().map(|s| s.imported).sum();
    match format {
        ListFormat::Json => {
            #[derive(Serialize)]
            struct J<'a> {
                dry_run: bool,
                imported: usize,
                files: &'a [FileSummary],
                #[serde(skip_serializing_if = "Option::is_none")]
                needs_opened: Option<&'a [String]>,
                kept_columns: &'a [KeptColumn],
            }
            serde_json::to_writer_pretty(
                &mut *out,
                &J {
                    dry_run: totals.dry_run,
                    imported,
                    files: summaries,
                    needs_opened: totals.needs_opened,
                    kept_columns: totals.kept,
                },
            )?;
            writeln!(out)?;
        }
        ListFormat::Csv => {
            let mut w = csv::Writer::from_writer(&mut *out);
            let io = super::csv::io_error;
            // `moved_to` only with --move-to: the columns scripts know stay.
            let mut header = vec![
                "file",
                "rows",
                "imported",
                "skipped",
                "rejected",
                "rejects_file",
            ];
            if totals.moving {
                header.push("moved_to");
            }
            w.write_record(&header).map_err(io)?;
            let safe = |cell: &str| crate::guard::safe_cell(cell).into_owned();
            for s in summaries {
                let mut row = vec![
                    safe(&s.file),
                    s.rows.to_string(),
                    s.imported.to_string(),
                    s.skipped.to_string(),
                    s.rejected.to_string(),
                    safe(s.rejects_file.as_deref().unwrap_or("")),
                ];
                if totals.moving {
                    row.push(safe(s.moved_to.as_deref().unwrap_or("")));
                }
                w.write_record(&row).map_err(io)?;
            }
            w.flush()?;
        }
        ListFormat::Table => {
            for s in summaries {
                let line = lang.import_summary(&s.file, s.rows, s.imported, s.skipped, s.rejected);
                writeln!(out, "{line}")?;
                if let Some(f) = &s.moved_to {
                    writeln!(out, "  {}", lang.msg(&Msg::MovedTo(f.clone())))?;
                }
            }
            for k in totals.kept {
                let said = Msg::KeptColumn {
                    name: one_line(&k.name),
                    place: k.visits_csv,
                    personal: k.personal,
                    dry_run: totals.dry_run,
                };
                writeln!(out, "{}", lang.msg(&said))?;
            }
            let total = lang.import_total(imported, totals.store, totals.dry_run);
            writeln!(out, "{total}")?;
            if let Some(ids) = totals.needs_opened {
                writeln!(out, "{}", lang.needs_imported(ids, totals.dry_run))?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_stay_on_one_line() {
        assert_eq!(
            one_line("unknown household 'H\n9'"),
            "unknown household 'H\\n9'"
        );
        assert_eq!(one_line("a\u{1b}[31m"), "a\u{FFFD}[31m");
    }
}
