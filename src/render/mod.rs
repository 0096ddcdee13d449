//! How results look: one module per output format. The csv and json
//! renderers are the stable contract of the SPEC (English keys and machine
//! words whatever the language); the table is for people.

pub mod csv;
pub mod fit;
pub mod help;
pub mod html;
pub mod import;
pub mod json;
pub mod markdown;
pub mod parquet;
pub mod sections;
pub mod sheet;
pub mod table;
pub mod xlsx;

pub use crate::settings::{ColorChoice, Format, ListFormat};

/// One household `due` lists: its row, the roster it is of, and, across
/// communities, the community's name.
#[derive(Clone, Copy)]
pub struct DueOf<'a> {
    pub community: Option<&'a str>,
    pub roster: &'a crate::model::roster::Roster,
    pub row: &'a crate::compute::due::DueRow,
    /// With a needs ledger: each household's unresolved needs.
    pub needs: Option<&'a [crate::compute::needs::OpenNeeds]>,
    /// An unresolved need older than this many days is flagged.
    pub flag_after_days: u32,
}

impl<'a> DueOf<'a> {
    pub fn household(&self) -> crate::model::roster::HouseholdRef<'a> {
        self.roster.household(self.row.household())
    }

    pub fn open_needs(&self) -> Option<crate::compute::needs::OpenNeeds> {
        self.needs.map(|n| n[self.row.household()])
    }
}

/// What `rounds households` shows.
pub struct HouseholdsView<'a> {
    pub roster: &'a crate::model::roster::Roster,
    pub lines: &'a [crate::compute::households::HouseholdLine],
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
    pub history: &'a crate::compute::history::HouseholdHistory,
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

/// The residents a listing shows, each with its membership and whether
/// it is active on the as-of day.
pub fn residents_of<'a>(
    roster: &'a crate::model::roster::Roster,
    members: &[crate::compute::households::Member],
) -> Vec<(
    crate::model::roster::ResidentRef<'a>,
    crate::model::Membership,
    bool,
)> {
    members
        .iter()
        .map(|m| (roster.resident(m.resident), m.membership, m.active))
        .collect()
}
