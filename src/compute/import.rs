//! What an import of visit logs comes to, settled before anything is
//! written: every row checked against the roster and the as-of day, the
//! good rows batched without repeats, the rejected ones kept whole for the
//! rejects files, the needs of the logs' `need` column gathered, and what
//! became of each log summed up. No writing here: the command writes what
//! this settles, and `render::import` shows it.

use std::collections::HashSet;
use std::path::Path;

use chrono::NaiveDate;
use serde::Serialize;

use crate::compute::needs::Raised;
use crate::data::headers::{self, Columns, IMPORT};
use crate::data::inbox::Rejected;
use crate::data::ingest::{self, Batch, Candidate, Checked};
use crate::data::kept;
use crate::data::logs::{Log, LogKind};
use crate::error::{FieldName, Problem, Reason};
use crate::guard::safe_cell;
use crate::i18n::Lang;
use crate::model::date;
use crate::model::roster::Roster;

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

/// A row skipped because it repeats an earlier row of the run.
struct Repeat {
    source: usize,
    line: u64,
    first: (usize, u64),
}

/// What the rows of the logs are checked against.
pub struct Rules<'a> {
    /// Header mappings (`--map` and rounds.toml's) besides the aliases.
    pub extra: &'a [(String, FieldName)],
    pub roster: &'a Roster,
    pub today: NaiveDate,
    /// The configured need categories.
    pub categories: &'a [String],
    /// The language of the reasons.
    pub lang: Lang,
}

/// The logs read and checked.
pub struct Plan {
    /// The good rows, without repeats.
    pub batch: Batch,
    /// One per log, in the order given.
    pub summaries: Vec<FileSummary>,
    /// Each log's rejected rows.
    pub rejects: Vec<Vec<Rejected>>,
    /// Needs of the logs' `need` column, from every good row (a row that
    /// repeats a stored visit too: its need may not be stored yet).
    pub raised: Vec<Raised>,
    /// A log whose header or rows cannot be read at all: the import stops.
    pub fatal: Vec<Problem>,
    repeats: Vec<Repeat>,
    /// Each log's file name, for the repeats.
    names: Vec<String>,
}

/// Reads and checks every row of `logs`.
pub fn check(logs: &mut [Log], rules: &Rules<'_>) -> Plan {
    let mut plan = Plan {
        batch: Batch::default(),
        summaries: Vec::new(),
        rejects: Vec::new(),
        raised: Vec::new(),
        fatal: Vec::new(),
        repeats: Vec::new(),
        names: logs.iter().map(shown_name).collect(),
    };
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
            match columns(log, rules.extra) {
                Ok(c) => Some(c),
                Err(p) => {
                    plan.fatal.push(p);
                    continue;
                }
            }
        };
        let kept = match &cols {
            Some(cols) => kept_columns(&log.header, cols, &mut plan.batch.kept),
            None => Vec::new(),
        };
        loop {
            let row = match log.next_row() {
                Ok(Some(row)) => row,
                Ok(None) => break,
                Err(p) => {
                    plan.fatal.push(p);
                    break;
                }
            };
            summary.rows += 1;
            let checked = match &cols {
                Some(cols) => ingest::validate(&row, cols, log.kind, rules.roster, rules.today)
                    .and_then(|c| need_category(rules.categories, c)),
                None => Err(row
                    .unreadable
                    .clone()
                    .into_iter()
                    .chain([Reason::Empty("date"), Reason::Empty("household")])
                    .collect()),
            };
            let bad_places = coordinates(&row.cells, &kept);
            let checked = match checked {
                Ok(_) if !bad_places.is_empty() => Err(bad_places),
                Err(mut reasons) => {
                    reasons.extend(bad_places);
                    Err(reasons)
                }
                ok => ok,
            };
            match checked {
                Ok(checked) => {
                    if !checked.need.is_empty() {
                        plan.raised.push(Raised {
                            household: checked.household,
                            date: checked.date,
                            visitor: checked.visitor.to_string(),
                            category: checked.need_category.to_string(),
                            text: checked.need.to_string(),
                        });
                    }
                    let extra = kept_cells(&row.cells, &kept);
                    if let Some(first) = plan.batch.offer(&checked, i, extra) {
                        summary.skipped += 1;
                        plan.repeats.push(Repeat {
                            source: i,
                            line: row.line,
                            first,
                        });
                    }
                }
                Err(reasons) => {
                    let reason = join(rules.lang, &reasons);
                    summary.rejected += 1;
                    summary.rejects.push(RowNote {
                        line: row.line,
                        reason: reason.clone(),
                    });
                    file_rejects.push(Rejected {
                        line: row.line,
                        reason,
                        cells: match &cols {
                            Some(cols) => fixable(row.cells, cols, log.kind),
                            None => row.cells,
                        },
                    });
                }
            }
        }
        plan.summaries.push(summary);
        plan.rejects.push(file_rejects);
    }
    plan
}

impl Plan {
    /// Counts the rows skipped because the store holds them already
    /// (`stored`, dropped from the batch), tells each skip why, and counts
    /// the rows left to import.
    pub fn settle(&mut self, stored: &[Candidate], lang: Lang) {
        let stored_at: HashSet<(usize, u64)> =
            stored.iter().map(|c| (c.source as usize, c.line)).collect();
        for c in stored {
            let s = &mut self.summaries[c.source as usize];
            s.skipped += 1;
            s.skips.push(RowNote {
                line: c.line,
                reason: lang.reason(&Reason::RepeatsStored),
            });
        }
        for r in &self.repeats {
            // A repeat of a row that was itself already stored repeats a
            // stored visit.
            let reason = if stored_at.contains(&r.first) {
                Reason::RepeatsStored
            } else {
                Reason::RepeatsRow {
                    file: self.names[r.first.0].clone(),
                    line: r.first.1,
                }
            };
            self.summaries[r.source].skips.push(RowNote {
                line: r.line,
                reason: lang.reason(&reason),
            });
        }
        for c in &self.batch.candidates {
            self.summaries[c.source as usize].imported += 1;
        }
        for s in &mut self.summaries {
            s.skips.sort_by_key(|n| n.line);
        }
    }
}

/// A column of a log that is not a visit field, kept in visits.csv.
struct KeptColumn {
    /// Its place in the log.
    col: usize,
    /// Its place in `Batch::kept`.
    kept: u16,
    coordinate: Option<kept::Coordinate>,
    name: String,
}

/// The columns of a log that no field takes (aliases, `--map` and
/// rounds.toml's `[import.columns]` applied), each under its name in
/// `names`, the run's kept columns (added there when new: the same
/// name in several logs is one column). A column without a name holds
/// nothing to keep under one.
fn kept_columns(header: &[String], cols: &Columns, names: &mut Vec<String>) -> Vec<KeptColumn> {
    let mut out = Vec::new();
    for (col, name) in header.iter().enumerate() {
        let name = name.trim();
        if name.is_empty() || cols.holds(col) {
            continue;
        }
        // Kept as a spreadsheet may show it: a name that would run as a
        // formula gets its apostrophe.
        let name = safe_cell(name).into_owned();
        let k = match names.iter().position(|n| kept::same_name(n, &name)) {
            Some(k) => k,
            None => {
                names.push(name.clone());
                names.len() - 1
            }
        };
        out.push(KeptColumn {
            col,
            kept: k as u16,
            coordinate: kept::coordinate(&name),
            name,
        });
    }
    out
}

/// The non-empty cells of a row's kept columns, as the store writes them
/// (two columns of one name in a log: their cells joined by "; ").
fn kept_cells(cells: &[String], kept: &[KeptColumn]) -> Vec<(u16, Box<str>)> {
    let mut out: Vec<(u16, Box<str>)> = Vec::new();
    for k in kept {
        let value = cells.get(k.col).map_or("", |c| c.trim());
        if value.is_empty() {
            continue;
        }
        let value = safe_cell(value);
        match out.iter_mut().find(|(i, _)| *i == k.kept) {
            Some((_, v)) => *v = format!("{v}; {value}").into(),
            None => out.push((k.kept, value.into())),
        }
    }
    out
}

/// A reason for each cell of a coordinate column that is not a number in
/// range.
fn coordinates(cells: &[String], kept: &[KeptColumn]) -> Vec<Reason> {
    kept.iter()
        .filter_map(|k| {
            let kind = k.coordinate?;
            let value = cells.get(k.col).map_or("", |c| c.trim());
            if value.is_empty() {
                return None;
            }
            kept::check_coordinate(kind, value)
                .err()
                .map(|why| Reason::BadCoordinate {
                    column: k.name.clone(),
                    value: crate::privacy::shown_value(value),
                    kind,
                    why,
                })
        })
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

/// A need's category, when the row gives one, must be a configured one.
fn need_category<'a>(allowed: &[String], c: Checked<'a>) -> Result<Checked<'a>, Vec<Reason>> {
    if c.need.is_empty()
        || c.need_category.is_empty()
        || allowed.iter().any(|a| a == c.need_category)
    {
        return Ok(c);
    }
    Err(vec![Reason::UnknownCategory {
        value: crate::privacy::shown_value(c.need_category),
        allowed: allowed.to_vec(),
    }])
}

fn join(lang: Lang, reasons: &[Reason]) -> String {
    reasons
        .iter()
        .map(|r| lang.reason(r))
        .collect::<Vec<_>>()
        .join("; ")
}

fn shown(path: &Path) -> String {
    path.display().to_string()
}

fn shown_name(log: &Log) -> String {
    log.path
        .file_name()
        .map_or_else(|| shown(&log.path), |n| n.to_string_lossy().into_owned())
}
