//! One error type for the whole tool. Each variant is a situation the user
//! can act on; the words are chosen in `i18n`, in the user's language, and
//! rendered in one place (`main`). Personal data never goes into a reason:
//! a reason may name an id, a date, a level word or a header, never a
//! name, phone or ID number.

use std::path::PathBuf;

/// Why a cell is not a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateError {
    /// Not one of the accepted forms.
    Form,
    /// The right form, but no such day (2020-02-30, 2020-13-01).
    Impossible,
    /// A year this tool does not accept (before 1000).
    Year,
}

/// A field of a data file, by its English (canonical) name.
pub type FieldName = &'static str;

/// What a JSON value is, for a message about a JSON log that is no log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonKind {
    Number,
    Text,
    Boolean,
    Null,
    Array,
}

/// What is wrong with one place in a data file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// Bytes that are neither UTF-8 nor GB18030.
    Encoding,
    /// A UTF-16 file (Excel's "Unicode text").
    Utf16,
    /// A GB18030 file with a line that reads as UTF-8 (warning).
    MixedEncoding,
    /// The CSV itself could not be read.
    Malformed(String),
    /// A JSON log that is not JSON.
    BadJson(String),
    /// A quoted cell that starts here is never closed.
    Unterminated,
    /// A cell longer than any real cell (16 MiB).
    TooLong,
    /// The file has no header line.
    NoHeader,
    /// Required columns are missing.
    MissingColumns {
        missing: Vec<FieldName>,
        /// The accepted header names of each missing field, "/"-joined.
        expected: Vec<String>,
        found: Vec<String>,
        /// (a header of the file, the accepted name it nearly spells), for
        /// "did you mean".
        nearest: Vec<(String, String)>,
    },
    /// The first line looks like data: the header is missing.
    HeaderIsData {
        missing: Vec<FieldName>,
        expected: Vec<String>,
    },
    /// More cells in one row than any spreadsheet has (16,384).
    TooManyCells,
    /// Two columns mean the same field.
    DuplicateColumn {
        field: FieldName,
        first: String,
        second: String,
    },
    /// A required cell is empty.
    Empty(FieldName),
    /// A date cell that is not a date.
    BadDate {
        field: FieldName,
        value: String,
        why: DateError,
    },
    /// A level word that is not a level.
    BadLevel {
        value: String,
        suggestion: Option<String>,
    },
    /// `persons` that is not a whole number ≥ 0.
    BadPersons(String),
    /// `persons` beyond any count of people (over 4,294,967,295).
    PersonsTooLarge(String),
    /// A resident id used twice.
    DuplicateResident { id: String, first_line: u64 },
    /// More cells than the header has columns.
    ExtraCells { cells: usize, columns: usize },
    /// Members of one household disagree (warning).
    MembersDisagree {
        household: String,
        field: FieldName,
        kept: String,
        other: String,
    },
    /// `since` after `until`: the resident is never active (warning).
    NeverActive { id: String },
    /// A visit to a household that is not in the roster.
    UnknownHousehold(String),
    /// The roster could not be read to its end: this many visits and
    /// needs were not checked against it (warning).
    RosterUnreadable { skipped: usize },
    /// An import row naming a resident who is not in the roster.
    UnknownResident(String),
    /// A history.csv field that the roster does not track.
    UnknownHistoryField(String),
    /// A history.csv value that its field cannot hold (`level`: a level;
    /// `since`, `until`: a date or nothing).
    BadHistoryValue {
        field: &'static str,
        value: String,
        level: bool,
    },
    /// A change whose `from` is not the `to` of the change before it.
    BrokenChain {
        id: String,
        field: &'static str,
        from: String,
        before: String,
        before_line: u64,
    },
    /// A change dated after the as-of date (warning).
    ChangeAfterToday { date: String, today: String },
    /// A tracked field of the roster edited (in a spreadsheet) without a
    /// change in history.csv: its value was `from` (the latest change's
    /// `to`, or what rounds last saw) and is `to` (warning).
    UnrecordedEdit {
        id: String,
        field: crate::model::history::Field,
        from: String,
        to: String,
    },
    /// A visit dated after the as-of date.
    FutureVisit { date: String, today: String },
    /// A stored visits file without its header (warning).
    MissingFile,
    /// A JSON value in this cell that is not a plain value.
    NotPlain(String),
    /// A JSON log entry that is not an object.
    NotAnObject,
    /// A spreadsheet error cell (#N/A, #VALUE! …).
    CellError(String),
    /// An import row that repeats a visit already stored.
    RepeatsStored,
    /// An import row that repeats an earlier row of the same run.
    RepeatsRow { file: String, line: u64 },
    /// A log with neither a household nor a resident column.
    NoHouseholdColumn { found: Vec<String> },
    /// The store lacks a column for a field that new rows carry.
    StoreLacksColumn(FieldName),
    /// A workbook that cannot be opened or read: the spreadsheet
    /// reader's words.
    BadWorkbook(String),
    /// A workbook without any sheet.
    NoSheet,
    /// `--sheet NAME` that the workbook does not have.
    UnknownSheet { name: String, sheets: Vec<String> },
    /// A JSON log that starts with `[` but is not an array.
    NotAnArray,
    /// A JSON log that holds no object at all, only a bare value (`42`,
    /// `"x"`, `true`, `null`): no visit log, so the file is refused whole.
    JsonNotALog(JsonKind),
    /// rounds.toml exists but cannot be read.
    ConfigUnreadable {
        kind: std::io::ErrorKind,
        message: String,
    },
    /// rounds.toml is not TOML, or a value has the wrong type: the toml
    /// reader's words, at the line.
    ConfigSyntax { line: Option<u64>, message: String },
    /// A value that is not one of the words a setting takes (`lang = "fr"`).
    ConfigBadChoice {
        value: String,
        expected: Vec<String>,
    },
    /// `[needs] categories` empty, or with an empty name.
    ConfigCategoriesEmpty,
    /// `[needs] categories` naming one category twice.
    ConfigCategoryTwice(String),
    /// A need id used twice in the ledger.
    DuplicateNeed { id: String, first_line: u64 },
    /// A need category that rounds.toml does not list.
    UnknownCategory { value: String, allowed: Vec<String> },
    /// A need status that is not open, in_progress or resolved.
    BadNeedStatus(String),
    /// `need update --status` takes in_progress or resolved only.
    BadNeedUpdate(String),
    /// A satisfaction that is not 满意, 基本满意 or 不满意.
    BadSatisfaction(String),
    /// A date earlier than one it cannot precede (resolved before raised …).
    DateBefore {
        field: FieldName,
        date: String,
        other: FieldName,
        other_date: String,
    },
    /// A need whose cells, or a change to it, contradict each other.
    NeedRule(NeedRule),
    /// No need in the ledger has this id.
    UnknownNeed(String),
    /// A key rounds.toml does not have, with the nearest one it has.
    ConfigUnknownKey {
        key: String,
        suggestion: Option<String>,
        expected: Vec<String>,
    },
    /// A `[levels]` key that is not a level.
    ConfigNotALevel {
        key: String,
        suggestion: Option<String>,
    },
    /// A `[levels]` value that is not a cadence; `rolling_only` when it is
    /// an interval under the calendar policy.
    ConfigBadCadence { value: String, rolling_only: bool },
    /// An `[import.columns]` value that is not a field of a visit log.
    ConfigImportField {
        name: String,
        fields: Vec<FieldName>,
    },
    /// A cell of a log's coordinate column (经度, 纬度, 经纬度) that is
    /// not a number, or not in range.
    BadCoordinate {
        column: String,
        value: String,
        kind: crate::data::kept::Coordinate,
        why: crate::data::kept::CoordinateError,
    },
    /// A worker's name used twice in workers.csv.
    DuplicateWorker { name: String, first_line: u64 },
    /// A `party_member` cell that is not yes or no (是/否).
    BadPartyMember(String),
    /// A visitor (of the roster or the visit log) missing from
    /// workers.csv, on this many rows, with the nearest registered name
    /// (warning).
    UnregisteredWorker {
        name: String,
        rows: u64,
        suggestion: Option<String>,
    },
    /// Two rosters in one data directory (residents.csv and a
    /// spreadsheet, or two spreadsheets): the file names.
    TwoRosters(Vec<String>),
    /// A spreadsheet roster whose cell still holds the value before a
    /// change that `rounds change` recorded (warning): the cell (the
    /// problem's place) is to hold `to`; it holds `value`.
    SheetBehind {
        id: String,
        field: crate::model::history::Field,
        value: String,
        to: String,
    },
    /// A tag word holding a mark that looks like a separator but is none
    /// (`，`, `/`): two special groups read as one (warning).
    TagMark { tag: String, mark: char },
}

/// What a filter flag of the listing commands names (`--grid`,
/// `--building`, `--visitor`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterField {
    Grid,
    Building,
    /// A worker: the worker in charge (`due`, `households`), or also one
    /// who raised a need (`needs`).
    Visitor,
    /// A special group (`--tag`).
    Tag,
}

impl FilterField {
    /// The flag, without its dashes.
    pub fn flag(self) -> &'static str {
        match self {
            FilterField::Grid => "grid",
            FilterField::Building => "building",
            FilterField::Visitor => "visitor",
            FilterField::Tag => "tag",
        }
    }
}

/// Bad usage that clap could not catch, by what the user can act on; the
/// words are `i18n`'s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Usage {
    /// `--today` that is not a date.
    BadToday(String),
    /// `--level` that is not a level.
    BadLevelFlag {
        value: String,
        suggestion: Option<String>,
    },
    /// A format the command does not write (`--format xlsx` for `due`).
    FormatNotHere {
        format: &'static str,
        allowed: &'static str,
    },
    /// what it may have meant, or else the first values there are.
    UnknownFilterValue {
        field: FilterField,
        value: String,
        suggestions: Vec<String>,
        known: Vec<String>,
        /// How many values of the field the data holds.
        total: usize,
    },
    /// `history` of a household (or resident) that is not in the roster.
    NoSuchHousehold {
        id: String,
        suggestion: Option<String>,
    },
    /// `report --month 2020-13` and the like.
    BadSpan {
        flag: &'static str,
        text: String,
        form: &'static str,
    },
    /// A report span that starts after today.
    SpanAfterToday { span: String, today: String },
    /// `-o FILE` with an extension that names no format.
    UnknownExtension(String),
    /// A workbook written to a terminal.
    WorkbookToTerminal,
    /// `--map` without `=`.
    BadMap(String),
    /// `--map` naming no field of a visit log.
    BadMapField { map: String, fields: String },
    /// An environment variable set to a word its switch does not take.
    BadSwitch {
        var: &'static str,
        value: String,
        accepted: String,
    },
    /// A command's own input refused for this reason (`need add` of an
    /// unknown category …).
    Refused(Reason),
    /// `change` of a resident that is not in the roster.
    NoSuchResident {
        id: String,
        suggestion: Option<String>,
    },
    /// `change` refused before anything was written.
    Change(ChangeRefusal),
    /// `ROUNDS_FAST=must` and the fast path declined the file (for tests).
    FastPathDeclined,
    /// --data given more than once to a command other than `report`.
    SeveralData,
    /// The same community's directory given twice to a roll-up.
    SameCommunityTwice(String),
}

/// Why `rounds change` refuses a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeRefusal {
    /// No field to change was given.
    NoField,
    /// A change dated after the as-of date.
    DateAfterToday { date: String, today: String },
    /// A change dated before the latest recorded change of its field
    /// (history.csv, at `line`).
    BeforeRecorded {
        field: crate::model::history::Field,
        date: String,
        latest: String,
        line: u64,
    },
    /// The new value is the value in force that day.
    Unchanged {
        field: crate::model::history::Field,
        value: String,
    },
    /// The roster has no column for the field.
    RosterLacks(crate::model::history::Field),
    /// history.csv has no column for a cell given (`reason`, `by`).
    HistoryLacks(FieldName),
    /// The roster cannot be rewritten cell by cell (bytes that are
    /// neither UTF-8 nor GB18030, a quote never closed).
    RosterUnreadable,
}

/// How a need can contradict itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NeedRule {
    /// Status resolved, but no resolved date.
    ResolvedWithoutDate,
    /// A resolved date, but the status says otherwise.
    DateButNotResolved,
    /// A follow-up (or a satisfaction) on a need not resolved.
    FollowUpUnresolved,
    /// A satisfaction without the date of the follow-up visit.
    SatisfactionWithoutFollowUp,
    /// A change to a need that was resolved on this date.
    AlreadyResolved(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// A reason at a place: `file:line: reason`, or in a spreadsheet
/// `file:Sheet!D12: reason` (a cell) and `file:Sheet!12: reason` (a row).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: PathBuf,
    /// Physical line, the header being line 1; `None` for the whole file.
    /// In a spreadsheet: the sheet's row number.
    pub line: Option<u64>,
    pub severity: Severity,
    /// Boxed: problems travel in `Result`s, and most results are fine.
    pub reason: Box<Reason>,
    /// The sheet and column when the file is a spreadsheet.
    pub cell: Option<Box<SheetPlace>>,
}

/// Where in a spreadsheet a problem is: the sheet, and the column (from 0)
/// when it is one cell rather than the whole row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetPlace {
    pub sheet: String,
    pub column: Option<usize>,
}

impl SheetPlace {
    /// `Sheet1!D12`, or `Sheet1!12` for a whole row (`Sheet1` alone
    /// without a row).
    pub fn shown(&self, row: Option<u64>) -> String {
        match (row, self.column) {
            (Some(r), Some(c)) => format!("{}!{}{r}", self.sheet, column_letters(c)),
            (Some(r), None) => format!("{}!{r}", self.sheet),
            (None, _) => self.sheet.clone(),
        }
    }
}

/// A spreadsheet's column letters: 0 → A, 25 → Z, 26 → AA.
pub fn column_letters(mut c: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    letters.reverse();
    String::from_utf8(letters).expect("ASCII letters")
}

impl Problem {
    pub fn error(file: impl Into<PathBuf>, line: Option<u64>, reason: Reason) -> Self {
        Problem {
            file: file.into(),
            line,
            severity: Severity::Error,
            reason: Box::new(reason),
            cell: None,
        }
    }

    pub fn warning(file: impl Into<PathBuf>, line: Option<u64>, reason: Reason) -> Self {
        Problem {
            file: file.into(),
            line,
            severity: Severity::Warning,
            reason: Box::new(reason),
            cell: None,
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The place in a spreadsheet: `file:Sheet!D12` rather than `file:12`.
    pub fn place(&self) -> String {
        let file = self.file.display();
        match (&self.cell, self.line) {
            (Some(c), row) => format!("{file}:{}", c.shown(row)),
            (None, Some(l)) => format!("{file}:{l}"),
            (None, None) => file.to_string(),
        }
    }
}

/// Why a command failed.
#[derive(Debug)]
pub enum Error {
    /// Bad usage that clap could not catch (a bad `--today`, a bad filter).
    Usage(Usage),
    /// The data directory or its roster is missing.
    NoData { dir: PathBuf, file: Option<PathBuf> },
    /// A file another program holds open (Excel or WPS keeps a file it
    /// shows open, and Windows lets no one else write it meanwhile).
    InUse(PathBuf),
    /// Reading or writing a file failed.
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Data that breaks the SPEC: every problem found.
    Invalid(Vec<Problem>),
    /// Output could not be written (not a broken pipe).
    Output(std::io::Error),
    /// A journal file beside a data file that `rounds` did not write.
    BadJournal(PathBuf),
    /// Anything else, with context.
    Other(anyhow::Error),
}

impl Error {
    /// Reading or writing `path` failed: a sharing violation (the file is
    /// open in a program that shares it with no writer, as Excel does) is
    /// `InUse`, which tells the user what to do about it.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        let path = path.into();
        if held_by_another_program(&source) {
            return Error::InUse(path);
        }
        let source = plainly(&path, source);
        Error::Io { path, source }
    }

    /// Exit status per the SPEC: 2 or more for errors. 2 is bad usage
    /// (clap's own status), 3 invalid data, 4 files that cannot be read or
    /// written.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Usage(_) => 2,
            Error::Invalid(_) => 3,
            Error::NoData { .. }
            | Error::InUse(_)
            | Error::Io { .. }
            | Error::Output(_)
            | Error::BadJournal(_)
            | Error::Other(_) => 4,
        }
    }
}

/// Whether `e` says another program holds the file open without sharing
/// it: Windows' ERROR_SHARING_VIOLATION (32) or ERROR_LOCK_VIOLATION (33).
/// Unix has no such thing: a file open elsewhere can always be opened.
pub fn held_by_another_program(e: &std::io::Error) -> bool {
    cfg!(windows) && matches!(e.raw_os_error(), Some(32 | 33))
}

/// `e`, met opening `path`, as Unix would have put it: Windows answers
/// "access denied" to opening a directory as a file, which would send the
/// user looking at permissions.
pub fn plainly(path: &std::path::Path, e: std::io::Error) -> std::io::Error {
    if cfg!(windows) && e.kind() == std::io::ErrorKind::PermissionDenied && path.is_dir() {
        return std::io::Error::new(
            std::io::ErrorKind::IsADirectory,
            "is a directory, not a file",
        );
    }
    e
}

impl From<anyhow::Error> for Error {
    fn from(e: anyhow::Error) -> Self {
        Error::Other(e)
    }
}

pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_as_spreadsheets_name_them() {
        let names: Vec<String> = [0, 3, 25, 26, 27, 51, 52, 701, 702, 16383]
            .into_iter()
            .map(column_letters)
            .collect();
        assert_eq!(
            names,
            ["A", "D", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA", "XFD"]
        );
        let place = SheetPlace {
            sheet: "居民名册".into(),
            column: Some(3),
        };
        assert_eq!(place.shown(Some(12)), "居民名册!D12");
        let row = SheetPlace {
            column: None,
            ..place
        };
        assert_eq!(row.shown(Some(12)), "居民名册!12");
    }
}
