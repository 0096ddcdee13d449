//! What the program says, as values for a language to put in words:
//! fixed words (`Label`, `Word`), sentences with values (`Msg`), the
//! counts under the `due` table, and a command line clap refused.

/// Fixed words: column headers and labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Label {
    Household,
    Level,
    Address,
    /// The worker in charge of a household (the roster's `visitor`
    /// column): 负责人, "worker in charge".
    Visitor,
    /// Who made a visit (the visit log's `visitor`): 走访人, "visitor".
    VisitedBy,
    Contact,
    Phone,
    LastVisit,
    Deadline,
    Status,
    Days,
    Never,
    NoneListed,
    Error,
    Warning,
    /// A household's special groups (`tags`, 重点人群).
    Tags,
}

/// Fixed words of the listings, the round sheet and `rounds config`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Word {
    /// Column: the residents of a household.
    Members,
    /// A resident or household not active on the as-of date.
    Inactive,
    Date,
    Kind,
    Persons,
    Note,
    /// Column of the round sheet: unit and room.
    Room,
    /// `history` with no visit to show.
    NoVisits,
    /// A roster change among the visits of `history`.
    RosterChange,
    /// `households` with nothing to list.
    NoHouseholds,
    /// The label of the progress bar.
    Reading,
    /// `rounds config` columns.
    Setting,
    Value,
    Source,
    /// Where a setting came from.
    FromFlag,
    FromToml,
    FromDefault,
    /// `rounds config`: the clock's date.
    Clock,
    /// A value that is empty, in a change (a date cleared).
    EmptyValue,
}

/// Sentences with values in them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Msg {
    /// A filter value that names nothing in the data (`due --grid 西岗`):
    /// Under the households table: how many households and residents.
    HouseholdsSummary { households: usize, residents: usize },
    /// Above the history: the household's residents.
    MembersLine(String),
    /// Under the history: how many visits.
    HistorySummary { visits: usize },
    /// The title of a round sheet.
    SheetTitle {
        visitor: Option<String>,
        today: String,
    },
    /// After the first problems of a failing command: how many more.
    MoreProblems(usize),
    /// A setting taken from an environment variable.
    FromEnv(&'static str),
    /// A setting taken from the locale variable named.
    FromLocale(&'static str),
    /// A setting taken from rounds.toml, at its line if known.
    FromTomlLine(u64),
    /// `import` of a pattern the shell found no file for.
    NothingMatches(String),
    /// A file the pattern matched that is the lock file Excel or WPS keeps
    /// beside a workbook it has open (`~$day.xlsx`): not a log.
    OwnerFileSkipped(String),
    /// Where `import --move-to` put a log.
    MovedTo(String),
    /// `change --record` found no edit without a record.
    NothingToRecord,
    /// `change` recorded a change: the resident's field is `to` instead of
    /// `from` from `date` on (values as shown).
    ChangeRecorded {
        id: String,
        field: crate::model::history::Field,
        from: String,
        to: String,
        date: String,
    },
    /// `import` keeps a log column that is not a visit field.
    KeptColumn {
        name: String,
        place: crate::data::ingest::KeptPlace,
        personal: bool,
        dry_run: bool,
    },
    /// `change` on a spreadsheet roster, which it never rewrites: the cell
    /// (`residents.xlsx:Sheet1!D12`) to update, and to what.
    UpdateCell { cell: String, to: String },
}

pub use crate::compute::due::DueCounts;

/// A command line clap refused, as the values a language needs to say
/// why (taken from clap's error by `command_line`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClapError {
    pub problem: ClapProblem,
    /// Nearby names clap found: "did you mean".
    pub similar: Option<Similar>,
    /// Other ways out clap suggested.
    pub tips: Vec<ClapTip>,
    /// The usage line, without its heading ("rounds due [OPTIONS]").
    pub usage: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClapProblem {
    /// `--foo` that no command has.
    UnknownArgument(String),
    /// `rounds dew`.
    UnknownSubcommand(String),
    /// A value not among an argument's values (`--format pdf`).
    InvalidValue {
        arg: String,
        value: String,
        possible: Vec<String>,
    },
    /// An argument given without its value (`--format` at the end).
    MissingValue { arg: String, possible: Vec<String> },
    /// A value that is not a number ≥ 0, or one too large.
    NotANumber {
        arg: String,
        value: String,
        too_large: bool,
    },
    /// Any other value the argument refuses.
    BadValue { arg: String, value: String },
    /// Required arguments not given (`import` without a file).
    MissingArguments(Vec<String>),
    /// A command that needs a subcommand (`rounds need`).
    MissingSubcommand {
        command: String,
        subcommands: Vec<String>,
    },
    /// An argument given twice.
    Repeated(String),
    /// Arguments that exclude each other (`--month` with `--year`).
    Conflict { arg: String, with: Vec<String> },
    /// `--flag=value` is needed.
    NoEquals(String),
    /// One value too many (`visit H1 H2`).
    UnexpectedValue { arg: String, value: String },
    /// Not as many values as the argument takes.
    ValueCount {
        arg: String,
        expected: usize,
        actual: usize,
        at_least: bool,
    },
    /// An argument that is not UTF-8.
    InvalidUtf8,
}

/// What clap found near a misspelt name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Similar {
    pub kind: SimilarKind,
    pub names: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SimilarKind {
    Subcommand,
    Argument,
    Value,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClapTip {
    /// To pass `value` as a value, write `fix` (`-- -1`).
    AsValue { value: String, fix: String },
    /// `fix` exists: the flag belongs to a subcommand (`need add --text`).
    Exists(String),
    /// A subcommand written after `--`.
    RemoveDashes(String),
    /// A tip of a shape not known here, in clap's English.
    Other(String),
}
