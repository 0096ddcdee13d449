//! `needs.csv`, the needs ledger: read whole (it is small) into needs and
//! problems with their lines, and written back in the file's own
//! conventions (header order, unknown columns, BOM, line ends, encoding).
//! The file is optional: a data directory without one has no ledger.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::decode::{self, Encoding};
use super::headers::{self, Columns, NEEDS};
use super::table::Table;
use crate::error::{Error, FieldName, Problem, Reason};
use crate::i18n::Lang;
use crate::model::date;
use crate::model::need::{Need, NeedStatus, Satisfaction};
use crate::model::roster::Roster;

pub const FILE: &str = "needs.csv";

/// The ledger as read: its needs, the problems found, and the file as
/// rows of cells for writing it back.
#[derive(Debug, Clone)]
pub struct Ledger {
    pub path: PathBuf,
    pub needs: Vec<Need>,
    pub problems: Vec<Problem>,
    file: LedgerFile,
}

/// The ledger file's cells and conventions.
#[derive(Debug, Clone)]
struct LedgerFile {
    exists: bool,
    header: Vec<String>,
    /// The field of each column (None for columns the tool does not know).
    columns: Vec<Option<FieldName>>,
    /// Each record's cells and its physical line.
    rows: Vec<(u64, Vec<String>)>,
    encoding: Encoding,
    crlf: bool,
    /// Whether the file ends with a line break (for appends).
    ends_with_newline: bool,
}

/// The fields in the order a new ledger lists them.
const NEW_FIELDS: [FieldName; 12] = [
    "id",
    "household",
    "raised",
    "raised_by",
    "category",
    "text",
    "status",
    "started",
    "resolved",
    "resolution",
    "follow_up",
    "satisfaction",
];

/// The Chinese header of each of `NEW_FIELDS`.
const ZH_HEADER: [&str; 12] = [
    "编号",
    "户号",
    "提出日期",
    "登记人",
    "类别",
    "诉求",
    "状态",
    "办理日期",
    "办结日期",
    "办理结果",
    "回访日期",
    "满意度",
];

/// The header a new ledger starts with, in the user's language.
fn new_header(lang: Lang) -> Vec<String> {
    match lang {
        Lang::Zh => ZH_HEADER.iter().map(|s| s.to_string()).collect(),
        Lang::En => NEW_FIELDS.iter().map(|s| s.to_string()).collect(),
    }
}

/// Whether a header cell is in Chinese (not the English field name).
fn chinese(header: &str) -> bool {
    !header.is_ascii()
}

/// Reads `dir/needs.csv` up to its committed length; `Ok(None)` when the
/// community keeps no ledger. `categories` are the allowed ones.
pub fn read(dir: &Path, categories: &[String]) -> Result<Option<Ledger>, Error> {
    let path = dir.join(FILE);
    let mut bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(&path, e)),
    };
    if let Some(len) = crate::store::committed_len(dir, FILE) {
        bytes.truncate(len as usize);
    }
    Ok(Some(parse(&path, &bytes, categories)))
}

/// A ledger from its bytes.
pub fn parse(path: &Path, bytes: &[u8], categories: &[String]) -> Ledger {
    let sniffed = decode::sniff_bytes(bytes);
    let crlf = match bytes.iter().position(|&b| b == b'\n') {
        Some(i) => i > 0 && bytes[i - 1] == b'\r',
        None => true,
    };
    let mut ledger = Ledger {
        path: path.to_path_buf(),
        needs: Vec::new(),
        problems: Vec::new(),
        file: LedgerFile {
            exists: true,
            header: Vec::new(),
            columns: Vec::new(),
            rows: Vec::new(),
            encoding: sniffed.encoding,
            crlf,
            ends_with_newline: matches!(bytes.last(), None | Some(b'\n' | b'\r')),
        },
    };
    let mut table = Table::from_bytes(path, bytes);
    ledger.problems.extend(table.encoding_warning());
    let cols = match table.header() {
        Ok((line, header)) => {
            let cells: Vec<&str> = header.iter().map(String::as_str).collect();
            match headers::map(&NEEDS, &cells, &[]) {
                Ok(c) => {
                    ledger.file.columns = header
                        .iter()
                        .map(|h| headers::field_of(&NEEDS, h))
                        .collect();
                    ledger.file.header = header;
                    c
                }
                Err(reason) => {
                    ledger
                        .problems
                        .push(Problem::error(path, Some(line), reason));
                    return ledger;
                }
            }
        }
        // An empty file: a ledger with nothing in it yet.
        Err(p) if *p.reason == Reason::NoHeader => return ledger,
        Err(p) => {
            ledger.problems.push(p);
            return ledger;
        }
    };
    let mut first_line: std::collections::HashMap<String, u64> = Default::default();
    loop {
        match table.next_row() {
            Ok(Some(row)) => {
                let cells: Vec<String> = row.cells().map(str::to_string).collect();
                match parse_row(row.line, &cells, &cols, categories) {
                    Ok(need) => {
                        if let Some(&first) = first_line.get(&need.id) {
                            ledger.problems.push(Problem::error(
                                path,
                                Some(row.line),
                                Reason::DuplicateNeed {
                                    id: need.id.clone(),
                                    first_line: first,
                                },
                            ));
                        } else {
                            first_line.insert(need.id.clone(), row.line);
                            ledger.needs.push(need);
                        }
                    }
                    Err(reasons) => ledger.problems.extend(
                        reasons
                            .into_iter()
                            .map(|r| Problem::error(path, Some(row.line), r)),
                    ),
                }
                ledger.file.rows.push((row.line, cells));
            }
            Ok(None) => break,
            Err(p) => {
                ledger.problems.push(p);
                break;
            }
        }
    }
    ledger
}

fn parse_row(
    line: u64,
    cells: &[String],
    cols: &Columns,
    categories: &[String],
) -> Result<Need, Vec<Reason>> {
    let mut reasons = Vec::new();
    // Cells the tool guarded against spreadsheet formulas (see `cell_of`)
    // read as the text they guard.
    let get = |f: FieldName| -> &str {
        cols.get(f)
            .and_then(|c| cells.get(c))
            .map_or("", |s| crate::guard::unguard_cell(s))
    };
    let mut required = |f: FieldName| -> String {
        let v = get(f);
        if v.is_empty() {
            reasons.push(Reason::Empty(f));
        }
        v.to_string()
    };
    let id = required("id");
    let household = required("household");
    let text = required("text");
    let category = required("category");
    let date_of = |f: FieldName, reasons: &mut Vec<Reason>| -> Option<NaiveDate> {
        let v = get(f);
        if v.is_empty() {
            return None;
        }
        date::parse(v)
            .map_err(|why| {
                reasons.push(Reason::BadDate {
                    field: f,
                    value: crate::privacy::shown_value(v),
                    why,
                })
            })
            .ok()
    };
    let raised = date_of("raised", &mut reasons);
    if get("raised").is_empty() {
        reasons.push(Reason::Empty("raised"));
    }
    let started = date_of("started", &mut reasons);
    let resolved = date_of("resolved", &mut reasons);
    let follow_up = date_of("follow_up", &mut reasons);
    if !category.is_empty() && !categories.contains(&category) {
        reasons.push(Reason::UnknownCategory {
            value: crate::privacy::shown_value(&category),
            allowed: categories.to_vec(),
        });
    }
    let status_text = get("status");
    let status = if status_text.is_empty() {
        // No status written: the dates tell it.
        Some(if resolved.is_some() {
            NeedStatus::Resolved
        } else if started.is_some() {
            NeedStatus::InProgress
        } else {
            NeedStatus::Open
        })
    } else {
        let s = NeedStatus::parse(status_text);
        if s.is_none() {
            reasons.push(Reason::BadNeedStatus(crate::privacy::shown_value(
                status_text,
            )));
        }
        s
    };
    let satisfaction_text = get("satisfaction");
    let satisfaction = if satisfaction_text.is_empty() {
        None
    } else {
        let s = Satisfaction::parse(satisfaction_text);
        if s.is_none() {
            reasons.push(Reason::BadSatisfaction(crate::privacy::shown_value(
                satisfaction_text,
            )));
        }
        s
    };
    reasons.extend(cols.extra_cells(super::table::used_len(cells)));
    // The rules between fields (dates in order, a resolved need with its
    // date …) are checked too when the fields they read are sound, so that
    // a row shows every problem at once.
    let dates_sound = !reasons.iter().any(|r| matches!(r, Reason::BadDate { .. }));
    let (Some(raised), Some(status), true) = (raised, status, dates_sound) else {
        return Err(reasons);
    };
    let need = Need {
        id,
        household,
        raised,
        raised_by: get("raised_by").to_string(),
        category,
        text,
        status,
        started,
        resolved,
        resolution: get("resolution").to_string(),
        follow_up,
        satisfaction,
        line,
    };
    reasons.extend(need.problems());
    if reasons.is_empty() {
        Ok(need)
    } else {
        Err(reasons)
    }
}

/// The cells of a need as the ledger stores them, by field: the status in
/// the words of its column's header (待办理, 办理中, 已办结 under 状态; open,
/// in_progress, resolved under status). Text that a spreadsheet would run
/// as a formula is kept with a leading apostrophe (`safe_cell`), which
/// reading removes again.
fn cell_of(need: &Need, field: FieldName, zh: bool) -> String {
    let d = |x: Option<NaiveDate>| x.map(date::iso).unwrap_or_default();
    let text = |t: &str| crate::guard::safe_cell(t).into_owned();
    match field {
        "id" => need.id.clone(),
        "household" => text(&need.household),
        "raised" => date::iso(need.raised),
        "raised_by" => text(&need.raised_by),
        "category" => text(&need.category),
        "text" => text(&need.text),
        "status" if zh => need.status.stored_zh().to_string(),
        "status" => need.status.word().to_string(),
        "started" => d(need.started),
        "resolved" => d(need.resolved),
        "resolution" => text(&need.resolution),
        "follow_up" => d(need.follow_up),
        "satisfaction" => need
            .satisfaction
            .map(|s| s.stored().to_string())
            .unwrap_or_default(),
        _ => String::new(),
    }
}

/// How a change reaches the ledger file.
pub enum Write {
    /// Append these bytes (new rows, in the file's conventions).
    Append(Vec<u8>),
    /// Write the whole file anew.
    Replace(Vec<u8>),
}

impl Ledger {
    /// An empty ledger for a directory that has none yet.
    pub fn new_file(dir: &Path, lang: Lang) -> Ledger {
        Ledger {
            path: dir.join(FILE),
            needs: Vec::new(),
            problems: Vec::new(),
            file: LedgerFile {
                exists: false,
                header: new_header(lang),
                columns: NEW_FIELDS.iter().map(|f| Some(*f)).collect(),
                rows: Vec::new(),
                encoding: Encoding::Utf8Bom,
                crlf: true,
                ends_with_newline: true,
            },
        }
    }

    pub fn find(&self, id: &str) -> Option<usize> {
        self.needs.iter().position(|n| n.id == id.trim())
    }

    /// The bytes that add `new` needs to the file: appended when the file
    /// has a column for every value, else the whole file with the missing
    /// columns added.
    pub fn add(&self, new: &[Need], lang: Lang) -> Result<Write, Error> {
        let mut file = self.file.clone();
        if file.header.is_empty() {
            file.header = new_header(lang);
            file.columns = NEW_FIELDS.iter().map(|f| Some(*f)).collect();
            file.exists = false;
        }
        let widened = file.widen(new);
        let rows: Vec<Vec<String>> = new.iter().map(|n| file.cells(n, None)).collect();
        if file.exists && !widened && !file.needs_bom(&rows) {
            let mut bytes = Vec::new();
            if !file.ends_with_newline {
                bytes.extend_from_slice(if file.crlf { b"\r\n" } else { b"\n" });
            }
            bytes.extend(file.encode(&rows, false)?);
            return Ok(Write::Append(bytes));
        }
        let mut all: Vec<Vec<String>> = file.rows.iter().map(|(_, c)| c.clone()).collect();
        all.extend(rows);
        Ok(Write::Replace(file.whole(&all)?))
    }

    /// The whole file with the need at `index` changed to `need`.
    pub fn replace(&self, index: usize, need: &Need) -> Result<Vec<u8>, Error> {
        let mut file = self.file.clone();
        file.widen(std::slice::from_ref(need));
        let line = self.needs[index].line;
        let rows: Vec<Vec<String>> = file
            .rows
            .iter()
            .map(|(l, cells)| {
                if *l == line {
                    file.cells(need, Some(cells))
                } else {
                    cells.clone()
                }
            })
            .collect();
        file.whole(&rows)
    }
}

impl LedgerFile {
    /// Adds a column for every field of `needs` that has a value and no
    /// column yet; returns whether any was added.
    /// A column added to a Chinese header is headed in Chinese.
    fn widen(&mut self, needs: &[Need]) -> bool {
        let zh = self.header.iter().any(|h| chinese(h));
        let mut added = false;
        for (i, field) in NEW_FIELDS.into_iter().enumerate() {
            let has = needs.iter().any(|n| !cell_of(n, field, zh).is_empty());
            if has && !self.columns.contains(&Some(field)) {
                self.columns.push(Some(field));
                self.header
                    .push(if zh { ZH_HEADER[i] } else { field }.to_string());
                added = true;
            }
        }
        added
    }

    /// A row's cells: the need's fields, and `old` cells of the columns
    /// the tool does not know.
    fn cells(&self, need: &Need, old: Option<&Vec<String>>) -> Vec<String> {
        self.columns
            .iter()
            .enumerate()
            .map(|(i, c)| match c {
                Some(f) => cell_of(need, f, self.header.get(i).is_some_and(|h| chinese(h))),
                None => old.and_then(|o| o.get(i)).cloned().unwrap_or_default(),
            })
            .collect()
    }

    /// An ASCII file without a BOM gains one with its first Chinese cells,
    /// so Excel reads it as UTF-8.
    fn needs_bom(&self, rows: &[Vec<String>]) -> bool {
        self.encoding == Encoding::Utf8
            && rows.iter().flatten().any(|c| !c.is_ascii())
            && self
                .rows
                .iter()
                .flat_map(|(_, r)| r)
                .chain(&self.header)
                .all(|c| c.is_ascii())
    }

    /// Rows as CSV bytes in the file's line ends and encoding.
    fn encode(&self, rows: &[Vec<String>], header: bool) -> Result<Vec<u8>, Error> {
        let terminator = if self.crlf {
            csv::Terminator::CRLF
        } else {
            csv::Terminator::Any(b'\n')
        };
        let mut w = csv::WriterBuilder::new()
            .terminator(terminator)
            .flexible(true)
            .from_writer(Vec::new());
        if header {
            w.write_record(&self.header)
                .map_err(|e| Error::Other(e.into()))?;
        }
        for r in rows {
            w.write_record(r).map_err(|e| Error::Other(e.into()))?;
        }
        let text = w
            .into_inner()
            .map_err(|e| Error::Other(anyhow::anyhow!("{e}")))?;
        Ok(match self.encoding {
            Encoding::Gb18030 => {
                let s = String::from_utf8(text).expect("csv writes what it was given");
                encoding_rs::GB18030.encode(&s).0.into_owned()
            }
            Encoding::Utf8 | Encoding::Utf8Bom => text,
        })
    }

    /// The whole file: BOM (kept, or added for a new or newly Chinese
    /// file), header and rows.
    fn whole(&self, rows: &[Vec<String>]) -> Result<Vec<u8>, Error> {
        let bom = match self.encoding {
            Encoding::Utf8Bom => true,
            Encoding::Gb18030 => false,
            Encoding::Utf8 => {
                !self.exists
                    || rows
                        .iter()
                        .flatten()
                        .chain(&self.header)
                        .any(|c| !c.is_ascii())
            }
        };
        let mut bytes = if bom {
            b"\xEF\xBB\xBF".to_vec()
        } else {
            Vec::new()
        };
        // Every row as wide as the header (columns may have been added).
        let width = self.header.len();
        let rows: Vec<Vec<String>> = rows
            .iter()
            .map(|r| {
                let mut r = r.clone();
                if r.len() < width {
                    r.resize(width, String::new());
                }
                r
            })
            .collect();
        bytes.extend(self.encode(&rows, true)?);
        Ok(bytes)
    }
}

/// The needs of an import, settled before anything is written: the ids
/// of the needs opened and how they reach the file (none when no need is
/// new).
#[derive(Default)]
pub struct Opening {
    pub ids: Vec<String>,
    pub write: Option<Write>,
}

/// Adds to `ledger` (a new file in `dir` when there is none) the needs
/// that `new` picks from what it holds.
pub fn open_new(
    ledger: Option<Ledger>,
    dir: &Path,
    lang: Lang,
    new: impl FnOnce(&[Need]) -> Vec<Need>,
) -> Result<Opening, Error> {
    let ledger = ledger.unwrap_or_else(|| Ledger::new_file(dir, lang));
    let new = new(&ledger.needs);
    let write = if new.is_empty() {
        None
    } else {
        Some(ledger.add(&new, lang)?)
    };
    Ok(Opening {
        ids: new.into_iter().map(|n| n.id).collect(),
        write,
    })
}

impl Ledger {
    /// For `check`: a warning for each need of a household missing from
    /// `roster`. Returns how many needs could not be checked because the
    /// roster was read only in part.
    pub fn check_households(&self, roster: &Roster, problems: &mut Vec<Problem>) -> usize {
        if roster.cut_short() {
            // A household missing from a roster read only in part may be in it.
            return self.needs.len();
        }
        for n in &self.needs {
            if roster.find(&n.household).is_none() {
                problems.push(Problem::warning(
                    &self.path,
                    Some(n.line),
                    Reason::UnknownHousehold(crate::privacy::shown_value(&n.household)),
                ));
            }
        }
        0
    }
}

impl Write {
    /// What the write does to needs.csv.
    pub fn usage(&self) -> crate::store::Use {
        match self {
            Write::Append(_) => crate::store::Use::Write,
            Write::Replace(_) => crate::store::Use::Replace,
        }
    }
}

/// Writes a change to the ledger under the held write lock: an append
/// through the journal, or the file replaced whole.
pub fn commit(dir: &Path, write: Write, lock: &crate::store::DirLock) -> Result<(), Error> {
    match write {
        Write::Append(bytes) => crate::store::append(dir, FILE, &bytes, lock),
        Write::Replace(bytes) => crate::store::replace(&dir.join(FILE), &bytes),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cats() -> Vec<String> {
        crate::model::need::DEFAULT_CATEGORIES
            .iter()
            .map(|c| c.to_string())
            .collect()
    }

    #[test]
    fn chinese_headers_and_date_forms() {
        let text = "\u{feff}编号,户号,提出日期,登记人,类别,诉求,状态,办结日期,回访日期,满意度,备注\r\n\
            N0001,H1,2020/3/1,王,生活困难,暖气不热,resolved,2020年3月9日,20200320,满意,x\r\n\
            N0002,H2,2020.3.2,王,矛盾纠纷,邻里纠纷,,,,,\r\n";
        let l = parse(Path::new("needs.csv"), text.as_bytes(), &cats());
        assert!(l.problems.is_empty(), "{:?}", l.problems);
        assert_eq!(l.needs.len(), 2);
        let n = &l.needs[0];
        assert_eq!(date::iso(n.resolved.unwrap()), "2020-03-09");
        assert_eq!(n.satisfaction, Some(Satisfaction::Satisfied));
        assert_eq!(l.needs[1].status, NeedStatus::Open);
        assert_eq!(l.needs[1].line, 3);
    }

    #[test]
    fn problems_name_their_line() {
        let text = "id,household,raised,category,text,status,resolved\n\
            N1,H1,2020-02-30,其他,a,,\n\
            N2,H1,2020-03-01,天气,a,,\n\
            N3,H1,2020-03-05,其他,a,resolved,2020-03-01\n\
            N3,H1,2020-03-05,其他,a,,\n\
            N4,H1,2020-03-05,其他,a,done,\n";
        let l = parse(Path::new("needs.csv"), text.as_bytes(), &cats());
        let lines: Vec<u64> = l.problems.iter().map(|p| p.line.unwrap()).collect();
        assert_eq!(lines, [2, 3, 4, 6]);
        assert!(matches!(
            *l.problems[1].reason,
            Reason::UnknownCategory { .. }
        ));
        assert!(matches!(*l.problems[2].reason, Reason::DateBefore { .. }));
        assert!(matches!(*l.problems[3].reason, Reason::BadNeedStatus(_)));
        // N3's second row is a duplicate id only if the first was valid.
        assert_eq!(l.needs.len(), 1);
    }

    #[test]
    fn appends_follow_the_file_and_widen_it_when_needed() {
        let text = "id,household,raised,category,text,memo\nN0001,H1,2020-03-01,其他,a,keep\n";
        let l = parse(Path::new("needs.csv"), text.as_bytes(), &cats());
        let mut n = l.needs[0].clone();
        n.id = "N0002".into();
        match l.add(std::slice::from_ref(&n), Lang::En).unwrap() {
            Write::Replace(bytes) => {
                // The status column is added; the memo kept; a BOM comes
                // with the first Chinese cells.
                let s = String::from_utf8(bytes).unwrap();
                assert!(s.starts_with("\u{feff}id,household,raised,category,text,memo,status\n"));
                assert!(s.contains("N0001,H1,2020-03-01,其他,a,keep,\n"), "{s}");
                assert!(s.ends_with("N0002,H1,2020-03-01,其他,a,,open\n"), "{s}");
            }
            Write::Append(_) => panic!("the file lacks a status column"),
        }
        n.status = NeedStatus::InProgress;
        let text = "\u{feff}id,household,raised,category,text,status,memo\r\nN0001,H1,2020-03-01,其他,a,open,keep";
        let l = parse(Path::new("needs.csv"), text.as_bytes(), &cats());
        match l.add(std::slice::from_ref(&n), Lang::En).unwrap() {
            Write::Append(bytes) => assert_eq!(
                String::from_utf8(bytes).unwrap(),
                "\r\nN0002,H1,2020-03-01,其他,a,in_progress,\r\n"
            ),
            Write::Replace(_) => panic!("every value has a column"),
        }
        let bytes = l.replace(0, &n).unwrap();
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "\u{feff}id,household,raised,category,text,status,memo\r\nN0002,H1,2020-03-01,其他,a,in_progress,keep\r\n"
        );
    }

    #[test]
    fn gbk_stays_gbk() {
        let text = "编号,户号,提出日期,类别,诉求\r\nN0001,H1,2020-03-01,其他,暖气\r\n";
        let gbk = encoding_rs::GB18030.encode(text).0.into_owned();
        let l = parse(Path::new("needs.csv"), &gbk, &cats());
        assert!(l.problems.is_empty(), "{:?}", l.problems);
        let mut n = l.needs[0].clone();
        n.id = "N0002".into();
        n.text = "漏水".into();
        let Write::Replace(bytes) = l.add(&[n], Lang::Zh).unwrap() else {
            panic!("a status column is added")
        };
        let (back, _, bad) = encoding_rs::GB18030.decode(&bytes);
        assert!(!bad);
        // A Chinese header gains a Chinese column, in its words.
        assert!(
            back.starts_with("编号,户号,提出日期,类别,诉求,状态\r\n"),
            "{back}"
        );
        assert!(
            back.ends_with("N0002,H1,2020-03-01,其他,漏水,待办理\r\n"),
            "{back}"
        );
    }

    #[test]
    fn a_chinese_status_column_gets_chinese_words() {
        let text =
            "\u{feff}编号,户号,提出日期,类别,诉求,状态\r\nN0001,H1,2020-03-01,其他,a,待办理\r\n";
        let l = parse(Path::new("needs.csv"), text.as_bytes(), &cats());
        let mut n = l.needs[0].clone();
        n.id = "N0002".into();
        n.status = NeedStatus::Open;
        match l.add(std::slice::from_ref(&n), Lang::En).unwrap() {
            Write::Append(bytes) => assert_eq!(
                String::from_utf8(bytes).unwrap(),
                "N0002,H1,2020-03-01,其他,a,待办理\r\n"
            ),
            Write::Replace(_) => panic!("every value has a column"),
        }
        // A change rewrites the row in the column's words; the other rows
        // are kept as they were written.
        n.status = NeedStatus::InProgress;
        let bytes = l.replace(0, &n).unwrap();
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "\u{feff}编号,户号,提出日期,类别,诉求,状态\r\nN0002,H1,2020-03-01,其他,a,办理中\r\n"
        );
        // An English header keeps the machine words.
        let text = "id,household,raised,category,text,状态备注,status\nN0001,H1,2020-03-01,其他,a,x,open\n";
        let l = parse(Path::new("needs.csv"), text.as_bytes(), &cats());
        n.status = NeedStatus::Resolved;
        n.resolved = n.raised.succ_opt();
        let bytes = l.replace(0, &n).unwrap();
        let s = String::from_utf8(bytes).unwrap();
        assert!(s.contains(",x,resolved,"), "{s}");
    }
}
