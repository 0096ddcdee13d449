//! A roster kept as a spreadsheet: `residents.xlsx` (or `.xls`, `.ods`),
//! read in place. Its first sheet, header in the first non-empty row, is
//! laid out as the records of a CSV roster would be, and read by the same
//! reader with the same rules (`data::roster`). Cells read as the import
//! of a spreadsheet log reads them (`logs::cell_text`): a date cell is an
//! ISO date, a whole number has no fraction, a formula gives its cached
//! value; in the `since` and `until` columns a number is an Excel serial
//! date. Every problem names the sheet and the row, and the column letter
//! when it is one cell's (`residents.xlsx:Sheet1!D12`).

use std::path::{Path, PathBuf};

use super::headers::{self, Columns};
use super::logs;
use super::table::{Row, Rows};
use crate::error::{Error, FieldName, Problem, Reason, SheetPlace};
use crate::model::date;

/// The names a roster may have in a data directory: the CSV first.
pub const FILES: [&str; 4] = [
    "residents.csv",
    "residents.xlsx",
    "residents.xls",
    "residents.ods",
];

/// Whether `path` names a spreadsheet (by its extension).
pub fn is_sheet(path: &Path) -> bool {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    matches!(ext.as_str(), "xlsx" | "xls" | "ods")
}

/// The roster of data directory `dir`: the one of `FILES` that exists
/// (residents.csv when none does); two or more is an error naming them.
pub fn locate(dir: &Path) -> Result<PathBuf, Error> {
    let found: Vec<&str> = FILES
        .iter()
        .copied()
        .filter(|f| dir.join(f).exists())
        .collect();
    match found[..] {
        [] => Ok(dir.join(FILES[0])),
        [one] => Ok(dir.join(one)),
        _ => Err(Error::Invalid(vec![Problem::error(
            dir.join(found[1]),
            None,
            Reason::TwoRosters(found.iter().map(|f| f.to_string()).collect()),
        )])),
    }
}

/// The roster of `dir` when there is exactly one (for what only looks:
/// a progress bar's sizes).
pub fn path_in(dir: &Path) -> PathBuf {
    locate(dir).unwrap_or_else(|_| dir.join(FILES[0]))
}

/// A sheet's rows as records: each row's cells laid end to end.
pub struct SheetRows {
    path: PathBuf,
    /// The first sheet's name.
    pub sheet: String,
    /// The header's columns, when it names the required ones.
    pub cols: Option<Columns>,
    header: Result<(u64, Vec<String>), Problem>,
    rows: std::vec::IntoIter<SheetRow>,
    current: SheetRow,
    problems: Vec<Problem>,
}

#[derive(Default)]
struct SheetRow {
    line: u64,
    text: String,
    ends: Vec<usize>,
}

impl SheetRows {
    /// Reads the first sheet of the workbook at `path`. A workbook that
    /// cannot be read is a problem that its header gives (so the roster's
    /// reader reports it as it reports a CSV without a header).
    pub fn open(path: &Path) -> SheetRows {
        let mut rows = SheetRows {
            path: path.to_path_buf(),
            sheet: String::new(),
            cols: None,
            header: Err(Problem::error(path, None, Reason::NoHeader)),
            rows: Vec::new().into_iter(),
            current: SheetRow::default(),
            problems: Vec::new(),
        };
        let (sheet, range) = match logs::first_sheet(path) {
            Ok(found) => found,
            Err(p) => {
                rows.header = Err(p);
                return rows;
            }
        };
        rows.sheet = sheet;
        let first_row = range.start().map_or(0, |(r, _)| r as u64);
        let first_col = range.start().map_or(0, |(_, c)| c as usize);
        let mut all = range
            .rows()
            .enumerate()
            .map(|(i, cells)| (first_row + i as u64 + 1, cells));
        // The header is the first row with anything in it.
        let (header_line, header) = loop {
            let Some((line, cells)) = all.next() else {
                return rows;
            };
            let mut texts = vec![String::new(); first_col];
            texts.extend(cells.iter().map(|c| logs::cell_text(c).unwrap_or_default()));
            if texts.iter().any(|t| !t.is_empty()) {
                break (line, texts);
            }
        };
        let cells: Vec<&str> = header.iter().map(String::as_str).collect();
        rows.cols = headers::map(&headers::RESIDENTS, &cells, &[]).ok();
        let dates: Vec<usize> = rows
            .cols
            .iter()
            .flat_map(|c| [c.get("since"), c.get("until")])
            .flatten()
            .collect();
        let mut kept = Vec::new();
        'rows: for (line, cells) in all {
            let mut row = SheetRow {
                line,
                text: String::new(),
                ends: vec![0; first_col],
            };
            for (k, cell) in cells.iter().enumerate() {
                let col = first_col + k;
                let text = match cell {
                    calamine::Data::Float(_) | calamine::Data::Int(_) if dates.contains(&col) => {
                        let n = calamine::DataType::as_f64(cell).unwrap_or(f64::NAN);
                        match date::from_excel_serial(n) {
                            Some(d) => date::iso(d),
                            None => logs::cell_text(cell).unwrap_or_default(),
                        }
                    }
                    _ => match logs::cell_text(cell) {
                        Ok(t) => t,
                        Err(reason) => {
                            let mut p = Problem::error(path, Some(line), reason);
                            p.cell = Some(Box::new(SheetPlace {
                                sheet: rows.sheet.clone(),
                                column: Some(col),
                            }));
                            rows.problems.push(p);
                            continue 'rows;
                        }
                    },
                };
                row.text.push_str(&text);
                row.ends.push(row.text.len());
            }
            if row.text.is_empty() {
                continue;
            }
            kept.push(row);
        }
        rows.header = Ok((header_line, header));
        rows.rows = kept.into_iter();
        rows
    }

    /// Gives each problem of this sheet that has a row its place: the
    /// sheet, and the column of the field it is about.
    pub fn place(&self, problems: &mut [Problem]) {
        place(&self.path, &self.sheet, self.cols.as_ref(), problems);
    }

    /// The place of cell (`line`, field `field`), as `Sheet1!D12`.
    pub fn cell_name(&self, line: u64, field: FieldName) -> String {
        SheetPlace {
            sheet: self.sheet.clone(),
            column: self.cols.as_ref().and_then(|c| c.get(field)),
        }
        .shown(Some(line))
    }
}

/// Gives each problem of the sheet `sheet` of `path` with a row its place:
/// the sheet, and the column of the field it is about (none: the row).
pub fn place(path: &Path, sheet: &str, cols: Option<&Columns>, problems: &mut [Problem]) {
    for p in problems {
        if p.file != path || p.line.is_none() || p.cell.is_some() {
            continue;
        }
        let column = field_of(&p.reason).and_then(|f| cols.and_then(|c| c.get(f)));
        p.cell = Some(Box::new(SheetPlace {
            sheet: sheet.to_string(),
            column,
        }));
    }
}

/// The roster field a problem of one row is about, if one.
fn field_of(reason: &Reason) -> Option<FieldName> {
    match reason {
        Reason::Empty(f) | Reason::BadDate { field: f, .. } => Some(f),
        Reason::MembersDisagree { field, .. } => Some(field),
        Reason::BadLevel { .. } => Some("level"),
        Reason::DuplicateResident { .. } => Some("id"),
        Reason::UnrecordedEdit { field, .. } | Reason::SheetBehind { field, .. } => {
            Some(field.word())
        }
        _ => None,
    }
}

impl Rows for SheetRows {
    fn path(&self) -> &Path {
        &self.path
    }

    fn header(&mut self) -> Result<(u64, Vec<String>), Problem> {
        std::mem::replace(
            &mut self.header,
            Err(Problem::error(&self.path, None, Reason::NoHeader)),
        )
    }

    fn next_row(&mut self) -> Result<Option<Row<'_>>, Problem> {
        let Some(row) = self.rows.next() else {
            return Ok(None);
        };
        self.current = row;
        Ok(Some(Row::new(
            self.current.line,
            &self.current.text,
            &self.current.ends,
        )))
    }

    fn take_problems(&mut self) -> Vec<Problem> {
        std::mem::take(&mut self.problems)
    }

    fn serials(&self) -> bool {
        true
    }
}
