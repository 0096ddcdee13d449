//! The report's sections as plain tables of typed values, built once and
//! shown by every format: in the user's language for people (table, md,
//! html, xlsx), or with English snake_case headers and machine words for
//! csv.
//!
//! - `visits`: the five sections of every report (summary, grids, workers,
//!   overdue, trend);
//! - `needs`: the needs sections, with a needs ledger;
//! - `figures`: the key figures with their definitions, and the title.

mod changes;
mod community;
mod figures;
mod needs;
mod party;
mod tags;
mod visits;

use chrono::NaiveDate;

pub use changes::{change_list, changes};
pub use community::communities;
use community::with_community;
pub use figures::{Figure, figures, headline, rates, title};
pub use needs::{need_workers, needs};
pub use party::{branches, party_groups};
pub use tags::tags;
pub use visits::{grids, overdue, summary, trend, workers};

use crate::compute::report::{Report, Section};
use crate::i18n::Lang;
use crate::model::Level;
use crate::model::date::iso;

/// A value in a section: numbers stay numbers and dates stay dates for
/// spreadsheets.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    Count(u64),
    /// A share between 0 and 1, or none when nothing was required.
    Rate(Option<f64>),
    /// A whole number that may be missing (days overdue of a −∞ deadline).
    Days(Option<i64>),
    /// A number that may have a fraction (a median), or none.
    Decimal(Option<f64>),
    /// A day, or none, which people read as `none` says ("never", "—").
    Date(Option<NaiveDate>, &'static str),
    /// A month, by its first day.
    Month(NaiveDate),
    /// A change against the month before: as a share of it (+0.052 is
    /// +5.2%), or none when it had nothing.
    Change(Option<f64>),
    /// A rate's change, as a share (+0.021 is 2.1 percentage points).
    Points(Option<f64>),
    /// A count's change.
    Delta(Option<i64>),
}

impl Value {
    /// As a person reads it: rates in percent, a dash for none.
    pub fn human(&self) -> String {
        match self {
            Value::Text(t) => t.clone(),
            Value::Count(n) => n.to_string(),
            Value::Rate(Some(r)) => format!("{:.1}%", r * 100.0),
            Value::Rate(None)
            | Value::Days(None)
            | Value::Decimal(None)
            | Value::Change(None)
            | Value::Points(None)
            | Value::Delta(None) => "—".into(),
            Value::Days(Some(d)) => d.to_string(),
            Value::Decimal(Some(x)) => format!("{x:.1}"),
            Value::Date(Some(d), _) => iso(*d),
            Value::Date(None, none) => none.to_string(),
            Value::Month(m) => m.format("%Y-%m").to_string(),
            Value::Change(Some(r)) => format!("{:+.1}%", r * 100.0),
            Value::Points(Some(p)) => format!("{:+.1}", p * 100.0),
            Value::Delta(Some(d)) => format!("{d:+}"),
        }
    }

    /// As a script reads it: rates as decimals, empty for none.
    pub fn machine(&self) -> String {
        match self {
            Value::Text(t) => t.clone(),
            Value::Count(n) => n.to_string(),
            Value::Rate(Some(r)) | Value::Change(Some(r)) | Value::Points(Some(r)) => {
                format!("{r:.4}")
            }
            Value::Rate(None)
            | Value::Days(None)
            | Value::Decimal(None)
            | Value::Date(None, _)
            | Value::Change(None)
            | Value::Points(None)
            | Value::Delta(None) => String::new(),
            Value::Days(Some(d)) | Value::Delta(Some(d)) => d.to_string(),
            Value::Decimal(Some(x)) => x.to_string(),
            Value::Date(Some(d), _) => iso(*d),
            Value::Month(m) => m.format("%Y-%m").to_string(),
        }
    }

    /// Numbers are aligned right; text and dates left.
    pub fn is_number(&self) -> bool {
        !matches!(self, Value::Text(_) | Value::Date(..) | Value::Month(_))
    }
}

/// One section: a header and rows.
#[derive(Debug, Clone)]
pub struct Table {
    pub title: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Value>>,
}

/// Whose words a table speaks.
#[derive(Debug, Clone, Copy)]
pub enum Audience {
    People(Lang),
    Scripts,
}

impl Audience {
    fn level(self, level: Level) -> Value {
        Value::Text(match self {
            Audience::People(lang) => lang.level(level).to_string(),
            Audience::Scripts => level.word().to_string(),
        })
    }

    /// Picks the header words: the language's, or the machine names.
    fn header(self, people: &[&str], scripts: &[&str]) -> Vec<String> {
        match self {
            Audience::People(_) => people.iter().map(|s| s.to_string()).collect(),
            Audience::Scripts => scripts.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn words(self) -> &'static crate::i18n::ReportWords {
        match self {
            Audience::People(lang) => lang.report_words(),
            Audience::Scripts => Lang::En.report_words(),
        }
    }
}

fn text(s: &str) -> Value {
    Value::Text(s.to_string())
}

pub fn section(r: &Report, section: Section, who: Audience) -> Table {
    match section {
        Section::Summary => summary(r, who),
        Section::Grids => grids(r, who),
        Section::Workers => workers(r, who),
        Section::Overdue => overdue(r, who),
        Section::Trend => trend(r, who),
        Section::Needs | Section::NeedGrids => needs(r, section, who),
        Section::NeedWorkers => need_workers(r, who),
        Section::Changes => changes(r, who),
        Section::ChangeList => change_list(r, who),
        Section::Branch => branches(r, who),
        Section::PartyGroup => party_groups(r, who),
        Section::Tags => tags(r, who),
        Section::Community => communities(r, who),
    }
}

/// The sections a report has: the five of every report, then the needs
/// sections when the community keeps a needs ledger, then the roster's
/// changes when its history holds some in the span, then the party
/// branches and groups when workers.csv names some.
pub fn present(r: &Report) -> Vec<Section> {
    let mut all = Section::ALL.to_vec();
    // A roll-up's communities come right after the district's summary.
    if !r.by_community.is_empty() {
        all.insert(1, Section::Community);
    }
    if r.needs.is_some() {
        all.extend([Section::Needs, Section::NeedGrids, Section::NeedWorkers]);
    }
    if r.roster_changes
        .as_ref()
        .is_some_and(|c| !c.list.is_empty())
    {
        all.extend([Section::Changes, Section::ChangeList]);
    }
    if r.by_branch.as_ref().is_some_and(|b| !b.is_empty()) {
        all.push(Section::Branch);
    }
    if r.by_party_group.as_ref().is_some_and(|g| !g.is_empty()) {
        all.push(Section::PartyGroup);
    }
    if !r.by_tag.is_empty() {
        all.push(Section::Tags);
    }
    all
}

/// Rows that start with a worker's name, in the order people of the
/// language read names (pinyin in Chinese); scripts keep the report's.
/// In a roll-up (`communities` named) the rows start with the community:
/// they stay in the order of the communities, each one's names in order.
fn by_name(mut rows: Vec<Vec<Value>>, who: Audience, communities: &[String]) -> Vec<Vec<Value>> {
    if let Audience::People(lang) = who {
        fn name(row: &[Value], at: usize) -> &str {
            match row.get(at) {
                Some(Value::Text(t)) => t,
                _ => "",
            }
        }
        let at = usize::from(!communities.is_empty());
        let community = |row: &[Value]| {
            let c = name(row, 0);
            communities.iter().position(|n| n == c)
        };
        rows.sort_by(|a, b| {
            let by_community = if at == 1 {
                community(a).cmp(&community(b))
            } else {
                std::cmp::Ordering::Equal
            };
            by_community.then_with(|| lang.name_order(name(a, at), name(b, at)))
        });
    }
    rows
}
