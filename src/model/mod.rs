//! Plain data of the domain: levels, statuses and the roster's people and
//! households. No I/O and no rules here; the rules live in `schedule.rs`.

use chrono::NaiveDate;

pub mod asof;
pub mod date;
pub mod history;
pub mod index;
pub mod need;
pub mod roster;
mod subset;
pub mod tags;
use serde::Serialize;

pub use crate::error::FilterField;

/// A resident's attention level (四级关注). `Red` is the strictest; the
/// derived order sorts strictest first, so `min` picks the strictest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Red,
    Orange,
    Yellow,
    Green,
}

impl Level {
    pub const ALL: [Level; 4] = [Level::Red, Level::Orange, Level::Yellow, Level::Green];

    /// The machine word used in csv and json, whatever the language.
    pub fn word(self) -> &'static str {
        match self {
            Level::Red => "red",
            Level::Orange => "orange",
            Level::Yellow => "yellow",
            Level::Green => "green",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }

    /// Reads a level as written in a roster: English words (any case), the
    /// numbers 1–4, and the Chinese names in simplified and traditional
    /// characters.
    pub fn parse(text: &str) -> Option<Level> {
        let t = text.trim();
        let level = match t {
            "1" | "１" | "红" | "红色" | "一级" | "一级关注" | "紅" | "紅色" | "一級"
            | "一級關注" => Level::Red,
            "2" | "２" | "橙" | "橙色" | "二级" | "二级关注" | "二級" | "二級關注" => {
                Level::Orange
            }
            "3" | "３" | "黄" | "黄色" | "三级" | "三级关注" | "黃" | "黃色" | "三級"
            | "三級關注" => Level::Yellow,
            "4" | "４" | "绿" | "绿色" | "一般" | "一般关注" | "綠" | "綠色" | "一般關注" => {
                Level::Green
            }
            _ => {
                let is = |w: &str| t.eq_ignore_ascii_case(w);
                if is("red") {
                    Level::Red
                } else if is("orange") {
                    Level::Orange
                } else if is("yellow") {
                    Level::Yellow
                } else if is("green") {
                    Level::Green
                } else {
                    return None;
                }
            }
        };
        Some(level)
    }

    /// Every spelling `parse` accepts, for "did you mean" suggestions.
    pub fn spellings() -> &'static [(&'static str, Level)] {
        &[
            ("red", Level::Red),
            ("红", Level::Red),
            ("红色", Level::Red),
            ("一级", Level::Red),
            ("一级关注", Level::Red),
            ("紅", Level::Red),
            ("紅色", Level::Red),
            ("一級", Level::Red),
            ("一級關注", Level::Red),
            ("orange", Level::Orange),
            ("橙", Level::Orange),
            ("橙色", Level::Orange),
            ("二级", Level::Orange),
            ("二级关注", Level::Orange),
            ("二級", Level::Orange),
            ("二級關注", Level::Orange),
            ("yellow", Level::Yellow),
            ("黄", Level::Yellow),
            ("黄色", Level::Yellow),
            ("三级", Level::Yellow),
            ("三级关注", Level::Yellow),
            ("黃", Level::Yellow),
            ("黃色", Level::Yellow),
            ("三級", Level::Yellow),
            ("三級關注", Level::Yellow),
            ("green", Level::Green),
            ("绿", Level::Green),
            ("绿色", Level::Green),
            ("一般", Level::Green),
            ("一般关注", Level::Green),
            ("綠", Level::Green),
            ("綠色", Level::Green),
            ("一般關注", Level::Green),
        ]
    }
}

/// The accepted spelling nearest to an unknown level word, if any is near.
pub fn suggest_level(text: &str) -> Option<String> {
    // A spelling is suggested within half the word's length, so nothing
    // is near a word more than twice as long as the longest spelling (and
    // a runaway cell is not compared at all).
    if text.trim().len() > 64 {
        return None;
    }
    let t = text.trim().to_lowercase();
    let len = t.chars().count();
    Level::spellings()
        .iter()
        .map(|(s, _)| (strsim::osa_distance(&t, s), *s))
        .filter(|(d, _)| *d <= (len / 2).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, s)| s.to_string())
}

/// Where a household stands on the as-of date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Overdue,
    Due,
    Ok,
}

impl Status {
    pub const ALL: [Status; 3] = [Status::Overdue, Status::Due, Status::Ok];

    pub fn word(self) -> &'static str {
        match self {
            Status::Overdue => "overdue",
            Status::Due => "due",
            Status::Ok => "ok",
        }
    }
}

/// What the rules need of one resident in one household: level, dates
/// and worker in charge, as the roster (and its history) gives them.
///
/// Without a roster history a resident has one membership for all time.
/// With one, a resident has a membership for each span of days in which
/// none of these values changed, each in the household of that span:
/// it holds on the days `from..to` (days of the common era).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Membership {
    pub level: Level,
    pub since: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
    /// The worker in charge the resident's row names: a number standing
    /// for a name of the roster, 0 for none.
    pub visitor: u32,
    pub from: i32,
    pub to: i32,
    /// The resident's special groups (`tags`): a set of the roster's tag
    /// words (`Roster::tag_set`), 0 for none.
    pub tags: u16,
}

impl Membership {
    /// A membership for all time.
    pub fn new(level: Level, since: Option<NaiveDate>, until: Option<NaiveDate>) -> Membership {
        Membership {
            level,
            since,
            until,
            visitor: 0,
            from: i32::MIN,
            to: i32::MAX,
            tags: 0,
        }
    }

    /// Whether this membership holds on day `d` (days of the common era).
    pub fn holds(&self, d: i32) -> bool {
        self.from <= d && d < self.to
    }

    /// Whether it holds for all time (no roster history touched it).
    pub fn always(&self) -> bool {
        self.from == i32::MIN && self.to == i32::MAX
    }
}

/// Who made a visit, as the loader hands it over: a name, or a number
/// standing for one of the loader's names (see `data::snapshot::Folded`).
#[derive(Debug, Clone, Copy)]
pub enum Visitor<'a> {
    Name(&'a str),
    Number(u32),
}

/// The figures of one visit a report counts, to a household of the roster.
#[derive(Debug, Clone, Copy)]
pub struct VisitSeen<'a> {
    /// Index into `Roster::households`.
    pub household: usize,
    /// Days from the common era (`date::days`).
    pub day: i32,
    pub visitor: Visitor<'a>,
    /// As recorded; `None` when the cell is empty.
    pub persons: Option<u32>,
}
