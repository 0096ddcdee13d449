//! `visits.csv`: the visit log, read as a stream so that no command holds
//! the whole log in memory. Each valid row is handed to a callback; each
//! invalid row becomes a problem with its line.

use crate::guard::unguard_cell;
use std::io::Read;
use std::path::Path;

use chrono::NaiveDate;

use super::headers::{self, Columns};
use super::table::{Row, Table};
use crate::error::{Error, FieldName, Problem, Reason};
use crate::model::date;

pub const FILE: &str = "visits.csv";

/// One valid row of the visit log.
#[derive(Debug, Clone, Copy)]
pub struct Visit<'a> {
    pub line: u64,
    pub date: NaiveDate,
    pub household: &'a str,
    pub visitor: &'a str,
    pub kind: &'a str,
    pub note: &'a str,
    /// `None` when the cell is empty.
    pub persons: Option<u32>,
    /// The cells of the columns that are no visit field (kept from logs).
    pub extra: Extra<'a>,
}

/// The cells of a visit's other columns: those of the header that name no
/// field (the columns import keeps from logs: 照片, 经度 …).
#[derive(Clone, Copy)]
pub struct Extra<'a> {
    /// Each such column's place and name.
    names: &'a [(usize, String)],
    row: Option<Row<'a>>,
}

impl std::fmt::Debug for Extra<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.cells()).finish()
    }
}

impl<'a> Extra<'a> {
    /// (column name, cell) of each non-empty cell, in header order.
    pub fn cells(&self) -> impl Iterator<Item = (&'a str, &'a str)> + '_ {
        let row = self.row;
        self.names.iter().filter_map(move |(col, name)| {
            let cell = unguard_cell(row?.get(Some(*col)));
            (!cell.is_empty()).then_some((name.as_str(), cell))
        })
    }
}

/// Reads `persons`: empty, or a whole number of 0 or more.
pub fn parse_persons(text: &str) -> Result<Option<u32>, Reason> {
    // Most logs write one digit.
    if let &[d @ b'0'..=b'9'] = text.as_bytes() {
        return Ok(Some(u32::from(d - b'0')));
    }
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if t.bytes().all(|b| b.is_ascii_digit()) {
        return t
            .parse::<u32>()
            .map(Some)
            .map_err(|_| Reason::PersonsTooLarge(crate::privacy::shown_value(t)));
    }
    // As hand-kept logs write it: "3人", full-width "３", "两人", "十二".
    let bare = t.strip_suffix('人').unwrap_or(t).trim();
    // Not personal data: shown as written, but for a phone or ID number
    // typed into the wrong cell.
    written_count(bare)
        .map(Some)
        .ok_or_else(|| Reason::BadPersons(crate::privacy::mask_numbers_in(t).into_owned()))
}

/// A count written in full-width digits or in Chinese numerals up to 99
/// (零 一 二/两 … 九, 十, 二十三); `None` for anything else.
fn written_count(text: &str) -> Option<u32> {
    let chinese = |c: char| match c {
        '零' | '〇' => Some(0),
        '一' => Some(1),
        '二' | '两' => Some(2),
        '三' => Some(3),
        '四' => Some(4),
        '五' => Some(5),
        '六' => Some(6),
        '七' => Some(7),
        '八' => Some(8),
        '九' => Some(9),
        _ => None,
    };
    let figure = |c: char| match c {
        '０'..='９' => Some(c as u32 - '０' as u32),
        '0'..='9' => Some(c as u32 - '0' as u32),
        _ => None,
    };
    let chars: Vec<char> = text.chars().collect();
    if chars.is_empty() || chars.len() > 9 {
        return None;
    }
    // Figures (full-width, or mixed with ASCII): a number as written.
    if chars.iter().all(|&c| figure(c).is_some()) {
        return chars
            .iter()
            .try_fold(0u32, |n, &c| n.checked_mul(10)?.checked_add(figure(c)?));
    }
    match chars.as_slice() {
        ['十'] => Some(10),
        [d] => chinese(*d),
        ['十', u] => chinese(*u).filter(|&u| u > 0).map(|u| 10 + u),
        [t, '十'] => chinese(*t).filter(|&t| t > 1).map(|t| t * 10),
        [t, '十', u] => {
            let (t, u) = (chinese(*t)?, chinese(*u)?);
            (t > 1 && u > 0).then_some(t * 10 + u)
        }
        _ => None,
    }
}

/// Scans the visit log at `path`, reading at most `limit` bytes (the
/// committed length after an append that did not finish, see `store`).
/// Returns `Ok(false)` when the file does not exist (a new community has
/// no visits yet).
pub fn scan(
    path: &Path,
    limit: Option<u64>,
    problems: &mut Vec<Problem>,
    f: impl FnMut(&Visit<'_>),
) -> Result<bool, Error> {
    let Some(table) = Table::open(path, limit)? else {
        return Ok(false);
    };
    scan_table(table, problems, f);
    Ok(true)
}

/// Scans a visit table.
pub fn scan_table<R: Read>(
    mut table: Table<R>,
    problems: &mut Vec<Problem>,
    mut f: impl FnMut(&Visit<'_>),
) {
    let path = table.path().to_path_buf();
    problems.extend(table.encoding_warning());
    let (cols, names) = match table.header() {
        Ok((line, header)) => {
            let cells: Vec<&str> = header.iter().map(String::as_str).collect();
            match headers::map(&headers::VISITS, &cells, &[]) {
                Ok(c) => {
                    let names: Vec<(usize, String)> = header
                        .iter()
                        .enumerate()
                        .filter(|(i, h)| !h.trim().is_empty() && !c.holds(*i))
                        .map(|(i, h)| (i, h.trim().to_string()))
                        .collect();
                    (c, names)
                }
                Err(reason) => {
                    problems.push(Problem::error(&path, Some(line), reason));
                    return;
                }
            }
        }
        // A file with nothing in it, not even a header, holds no visits.
        Err(p) if *p.reason == Reason::NoHeader => return,
        Err(p) => {
            problems.push(p);
            return;
        }
    };
    loop {
        match table.next_row() {
            Ok(Some(row)) => match parse_row(&row, &cols, &names) {
                Ok(v) => f(&v),
                Err(reasons) => {
                    for r in reasons {
                        problems.push(Problem::error(&path, Some(row.line), r));
                    }
                }
            },
            Ok(None) => break,
            Err(p) => {
                problems.push(p);
                break;
            }
        }
    }
}

/// Scans a visit table for duplicate keys only: every row with a date and
/// a household, even one that fails on another cell (its visit is still
/// there, and importing it again would double it). Returns the problems
/// that stopped the file from being read to its end, if any.
pub fn scan_keys<R: Read>(
    mut table: Table<R>,
    mut f: impl FnMut(NaiveDate, &str, &str),
) -> Option<Problem> {
    let path = table.path().to_path_buf();
    let cols = match table.header() {
        Ok((line, header)) => {
            let cells: Vec<&str> = header.iter().map(String::as_str).collect();
            match headers::map(&headers::VISITS, &cells, &[]) {
                Ok(c) => c,
                Err(reason) => return Some(Problem::error(&path, Some(line), reason)),
            }
        }
        Err(p) if *p.reason == Reason::NoHeader => return None,
        Err(p) => return Some(p),
    };
    let (date, household, visitor) = (cols.get("date"), cols.get("household"), cols.get("visitor"));
    loop {
        match table.next_row() {
            Ok(Some(row)) => {
                if let Ok(d) = date::parse(row.get(date)) {
                    let h = row.get(household);
                    if !h.is_empty() {
                        f(d, h, row.get(visitor));
                    }
                }
            }
            Ok(None) => return None,
            Err(p) => return Some(p),
        }
    }
}

fn parse_row<'a>(
    row: &Row<'a>,
    cols: &Columns,
    names: &'a [(usize, String)],
) -> Result<Visit<'a>, Vec<Reason>> {
    let get = |f: FieldName| row.get(cols.get(f));
    let mut reasons = Vec::new();
    let date_text = get("date");
    let date = if date_text.is_empty() {
        reasons.push(Reason::Empty("date"));
        None
    } else {
        match date::parse(date_text) {
            Ok(d) => Some(d),
            Err(why) => {
                reasons.push(Reason::BadDate {
                    field: "date",
                    value: crate::privacy::shown_value(date_text),
                    why,
                });
                None
            }
        }
    };
    let household = get("household");
    if household.is_empty() {
        reasons.push(Reason::Empty("household"));
    }
    let persons = parse_persons(get("persons"))
        .map_err(|r| reasons.push(r))
        .ok()
        .flatten();
    reasons.extend(cols.extra_cells(row.used_len()));
    match date {
        Some(date) if reasons.is_empty() => Ok(Visit {
            line: row.line,
            date,
            household,
            // What import stored with a formula guard reads as typed.
            visitor: unguard_cell(get("visitor")),
            kind: unguard_cell(get("kind")),
            note: unguard_cell(get("note")),
            persons,
            extra: Extra {
                names,
                row: (!names.is_empty()).then_some(*row),
            },
        }),
        _ => Err(reasons),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_and_problems() {
        let text = "\u{feff}日期,户号,走访人,走访方式,走访情况,人数\r\n2020/7/3,H1,马,入户,\"a,\r\nb\",2\r\n2020-02-30,H2,,,,\r\n,H3,,,,x\r\n\r\n2020年7月4日,H4,,,,\r\n";
        let t = Table::from_bytes(Path::new("visits.csv"), text.as_bytes());
        let mut problems = Vec::new();
        let mut seen = Vec::new();
        scan_table(t, &mut problems, |v| {
            seen.push((
                v.line,
                v.date.to_string(),
                v.household.to_string(),
                v.note.to_string(),
                v.persons,
            ))
        });
        assert_eq!(
            seen,
            vec![
                (
                    2,
                    "2020-07-03".into(),
                    "H1".into(),
                    "a,\r\nb".into(),
                    Some(2)
                ),
                (7, "2020-07-04".into(), "H4".into(), "".into(), None),
            ]
        );
        let lines: Vec<_> = problems.iter().map(|p| p.line.unwrap()).collect();
        assert_eq!(lines, vec![4, 5, 5]);
    }

    #[test]
    fn persons() {
        assert_eq!(parse_persons(""), Ok(None));
        assert_eq!(parse_persons(" 3 "), Ok(Some(3)));
        for d in 0..10 {
            assert_eq!(parse_persons(&d.to_string()), Ok(Some(d)));
        }
        assert_eq!(parse_persons("12"), Ok(Some(12)));
        assert!(parse_persons("-1").is_err());
        assert!(parse_persons("1.5").is_err());
        assert!(parse_persons("99999999999").is_err());
        // As hand-kept logs write it.
        for (text, n) in [
            ("3人", 3),
            ("３", 3),
            ("１２人", 12),
            ("两人", 2),
            ("二", 2),
            ("零", 0),
            ("十", 10),
            ("十二人", 12),
            ("二十", 20),
            ("九十九", 99),
            ("3 人", 3),
        ] {
            assert_eq!(parse_persons(text), Ok(Some(n)), "{text}");
        }
        for text in [
            "三个",
            "十十",
            "一十",
            "二十零",
            "百",
            "3.5人",
            "人",
            "约3人",
            "两三人",
        ] {
            assert!(parse_persons(text).is_err(), "{text}");
        }
    }
}
