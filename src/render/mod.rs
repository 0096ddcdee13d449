//! How results look: one module per output format. The csv and json
//! renderers are the stable contract of the SPEC (English keys and machine
//! words whatever the language); the table is for people.

pub mod csv;
pub mod fit;
pub mod html;
pub mod import;
pub mod json;
pub mod markdown;
pub mod sections;
pub mod sheet;
pub mod table;
pub mod xlsx;

use clap::ValueEnum;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned columns for a terminal, in the chosen language.
    Table,
    /// Comma-separated values with English headers (stable for scripts).
    Csv,
    /// JSON with English keys (stable for scripts).
    Json,
    /// Markdown, to paste into a message or a document (report).
    Md,
    /// One self-contained web page with charts, printable on A4 (report).
    Html,
    /// An Excel workbook (report; needs -o FILE or a pipe).
    Xlsx,
}

/// The formats of the commands that list things (everything but `report`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListFormat {
    Table,
    Csv,
    Json,
}

impl Format {
    /// The format a file name asks for by its extension.
    pub fn from_extension(path: &std::path::Path) -> Option<Format> {
        let ext = path.extension()?.to_string_lossy().to_ascii_lowercase();
        Some(match ext.as_str() {
            "txt" => Format::Table,
            "csv" => Format::Csv,
            "json" => Format::Json,
            "md" | "markdown" => Format::Md,
            "html" | "htm" => Format::Html,
            "xlsx" => Format::Xlsx,
            _ => return None,
        })
    }

    /// The formats a command writes, by its path ("due", "need add"):
    /// what `--format` may say to it (the completion scripts offer these).
    /// The commands that write nothing to format (`visit`, `init`, `man`,
    /// `completions`) ignore `--format`.
    pub fn of_command(path: &str) -> &'static [Format] {
        use Format::*;
        match path {
            "report" => &[Table, Csv, Json, Md, Html, Xlsx],
            "due" => &[Table, Csv, Json, Md, Html],
            "visit" | "init" | "man" | "completions" | "help" => &[],
            _ => &[Table, Csv, Json],
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Md => "md",
            Format::Html => "html",
            Format::Xlsx => "xlsx",
        }
    }
}

/// Whether to colour human output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when writing to a terminal and `NO_COLOR` is not set.
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    pub fn enabled(self, is_terminal: bool, no_color: bool) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => is_terminal && !no_color,
        }
    }
}

/// What `rounds households` shows.
pub struct HouseholdsView<'a> {
    pub roster: &'a crate::model::roster::Roster,
    pub lines: &'a [crate::model::HouseholdLine],
    pub today: chrono::NaiveDate,
    /// Residents who are not active are listed too.
    pub all: bool,
    pub reveal: bool,
    /// `--visitor` named one worker: the worker column would say the same
    /// on every row, and is left out.
    pub one_worker: bool,
    pub lang: crate::i18n::Lang,
    pub color: bool,
    /// The width to fit the table in (a terminal's), if any.
    pub width: Option<u16>,
}

/// What `rounds history` shows.
pub struct HistoryView<'a> {
    pub roster: &'a crate::model::roster::Roster,
    pub household: usize,
    pub visits: &'a [crate::model::VisitLine],
    pub today: chrono::NaiveDate,
    pub reveal: bool,
    pub lang: crate::i18n::Lang,
    pub color: bool,
    /// The width to fit the table in (a terminal's), if any.
    pub width: Option<u16>,
}

/// The contact of a due household as people see it: name and phone,
/// masked unless revealed.
pub fn contact(
    roster: &crate::model::roster::Roster,
    resident: Option<usize>,
    reveal: bool,
) -> String {
    resident
        .map(|i| roster.resident(i))
        .map_or(String::new(), |p| {
            let (name, phone) = if reveal {
                (p.name().to_string(), p.phone().to_string())
            } else {
                (
                    crate::privacy::mask_name(p.name()),
                    crate::privacy::mask_phone(p.phone()),
                )
            };
            format!("{name} {phone}").trim().to_string()
        })
}

/// A household's status as people read it, with its days: "12 d overdue",
/// "due (3 d left)", "overdue" (never visited).
pub fn standing(lang: crate::i18n::Lang, standing: &crate::schedule::Standing) -> String {
    let status = lang.status(standing.status);
    match (standing.days_overdue, standing.days_left) {
        (Some(n), _) => lang.days_overdue(n),
        (_, Some(n)) => format!("{status} ({})", lang.days_left(n)),
        _ => status.to_string(),
    }
}

/// A resident's name as a human output shows it: masked unless revealed,
/// the id when the roster has no name.
pub fn shown_name(r: &crate::model::roster::ResidentRef<'_>, reveal: bool) -> String {
    match (r.name().trim(), reveal) {
        ("", _) => r.id().to_string(),
        (n, true) => n.to_string(),
        (n, false) => crate::privacy::mask_name(n),
    }
}

/// The residents of a household that a listing shows: those active on
/// `today`, or all of them; each with its membership.
pub fn residents_of<'a>(
    roster: &'a crate::model::roster::Roster,
    household: usize,
    today: chrono::NaiveDate,
    all: bool,
) -> Vec<(
    crate::model::roster::ResidentRef<'a>,
    crate::model::Membership,
    bool,
)> {
    let h = roster.household(household);
    h.residents()
        .zip(h.members().iter().copied())
        .map(|(r, m)| (r, m, crate::schedule::is_active(&m, today)))
        .filter(|(_, _, active)| all || *active)
        .collect()
}
