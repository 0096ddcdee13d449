//! A need of the ledger (诉求台账) as plain data: what a resident raised,
//! and where it stands on any day. No I/O: `data::needs` reads and writes
//! the file; `compute::needs` counts what `due`, `needs` and `report` show.
//!
//! A need's standing on day d follows from its dates, so that `--today`
//! replays any past day: resolved once its `resolved` date has come; in
//! progress once its `started` date has come (a need recorded as in
//! progress or resolved without a `started` date counts as in progress
//! from the day it was raised); open before that.

use chrono::NaiveDate;
use serde::Serialize;

use crate::error::{NeedRule, Reason};

/// The categories of rounds.toml's default `[needs] categories`.
pub const DEFAULT_CATEGORIES: [&str; 6] = [
    "生活困难",
    "矛盾纠纷",
    "政策咨询",
    "医疗健康",
    "环境设施",
    "其他",
];

/// An unresolved need older than this many days is flagged in `due`.
pub const DEFAULT_FLAG_AFTER_DAYS: u32 = 30;

/// Where a need stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NeedStatus {
    Open,
    InProgress,
    Resolved,
}

impl NeedStatus {
    pub const ALL: [NeedStatus; 3] = [
        NeedStatus::Open,
        NeedStatus::InProgress,
        NeedStatus::Resolved,
    ];

    /// The machine word, as the ledger stores it.
    pub fn word(self) -> &'static str {
        match self {
            NeedStatus::Open => "open",
            NeedStatus::InProgress => "in_progress",
            NeedStatus::Resolved => "resolved",
        }
    }

    /// The word a ledger with a Chinese header stores (the form's own
    /// words, which `parse` reads back).
    pub fn stored_zh(self) -> &'static str {
        match self {
            NeedStatus::Open => "待办理",
            NeedStatus::InProgress => "办理中",
            NeedStatus::Resolved => "已办结",
        }
    }

    /// The machine word in any case, or a Chinese word for it.
    pub fn parse(text: &str) -> Option<NeedStatus> {
        let t = text.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        Some(match t.as_str() {
            "open" | "待办理" | "待办" | "未办理" | "未解决" => NeedStatus::Open,
            "in_progress" | "inprogress" | "办理中" | "处理中" | "辦理中" => {
                NeedStatus::InProgress
            }
            "resolved" | "已办结" | "办结" | "已解决" | "辦結" | "已辦結" => {
                NeedStatus::Resolved
            }
            _ => return None,
        })
    }
}

/// What a resident said of the outcome on the follow-up visit (回访).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Satisfaction {
    Satisfied,
    BasicallySatisfied,
    Dissatisfied,
}

impl Satisfaction {
    /// The word the ledger stores (the form's own words).
    pub fn stored(self) -> &'static str {
        match self {
            Satisfaction::Satisfied => "满意",
            Satisfaction::BasicallySatisfied => "基本满意",
            Satisfaction::Dissatisfied => "不满意",
        }
    }

    /// The machine word of csv and json output.
    pub fn word(self) -> &'static str {
        match self {
            Satisfaction::Satisfied => "satisfied",
            Satisfaction::BasicallySatisfied => "basically_satisfied",
            Satisfaction::Dissatisfied => "dissatisfied",
        }
    }

    pub fn parse(text: &str) -> Option<Satisfaction> {
        let t = text.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        Some(match t.as_str() {
            "满意" | "滿意" | "satisfied" => Satisfaction::Satisfied,
            "基本满意" | "基本滿意" | "basically_satisfied" | "fairly_satisfied" => {
                Satisfaction::BasicallySatisfied
            }
            "不满意" | "不滿意" | "dissatisfied" | "unsatisfied" | "not_satisfied" => {
                Satisfaction::Dissatisfied
            }
            _ => return None,
        })
    }
}

/// One row of the ledger.
#[derive(Debug, Clone, PartialEq)]
pub struct Need {
    pub id: String,
    pub household: String,
    pub raised: NaiveDate,
    /// The worker who took the need up.
    pub raised_by: String,
    pub category: String,
    pub text: String,
    /// The status as recorded.
    pub status: NeedStatus,
    /// The day work on it began.
    pub started: Option<NaiveDate>,
    pub resolved: Option<NaiveDate>,
    pub resolution: String,
    /// The day of the follow-up visit (回访).
    pub follow_up: Option<NaiveDate>,
    pub satisfaction: Option<Satisfaction>,
    /// The physical line of the row in the ledger.
    pub line: u64,
}

impl Need {
    /// A need just raised: open, nothing done yet.
    pub fn open(
        id: String,
        household: String,
        raised: NaiveDate,
        raised_by: String,
        category: String,
        text: String,
    ) -> Need {
        Need {
            id,
            household,
            raised,
            raised_by,
            category,
            text,
            status: NeedStatus::Open,
            started: None,
            resolved: None,
            resolution: String::new(),
            follow_up: None,
            satisfaction: None,
            line: 0,
        }
    }

    /// Where the need stands on day `d`; `None` before it was raised.
    pub fn status_on(&self, d: NaiveDate) -> Option<NeedStatus> {
        if self.raised > d {
            return None;
        }
        Some(if self.resolved.is_some_and(|r| r <= d) {
            NeedStatus::Resolved
        } else if self.started.is_some_and(|s| s <= d)
            || (self.started.is_none() && self.status != NeedStatus::Open)
        {
            NeedStatus::InProgress
        } else {
            NeedStatus::Open
        })
    }

    /// Whether the need was raised by `d` and not resolved on `d`.
    pub fn unresolved_on(&self, d: NaiveDate) -> bool {
        matches!(
            self.status_on(d),
            Some(NeedStatus::Open | NeedStatus::InProgress)
        )
    }

    /// Days from raising to resolution, or to `d` while unresolved.
    pub fn days_open(&self, d: NaiveDate) -> i64 {
        let end = self.resolved.filter(|r| *r <= d).unwrap_or(d);
        (end - self.raised).num_days()
    }

    /// What contradicts itself in the need: a date before the one it
    /// follows, a status its dates deny, a follow-up of an unresolved need.
    pub fn problems(&self) -> Vec<Reason> {
        let mut out = Vec::new();
        let before = |field, date: NaiveDate, other, other_date: NaiveDate| Reason::DateBefore {
            field,
            date: crate::model::date::iso(date),
            other,
            other_date: crate::model::date::iso(other_date),
        };
        if let Some(s) = self.started
            && s < self.raised
        {
            out.push(before("started", s, "raised", self.raised));
        }
        if let Some(r) = self.resolved {
            if r < self.raised {
                out.push(before("resolved", r, "raised", self.raised));
            } else if let Some(s) = self.started.filter(|s| r < *s) {
                out.push(before("resolved", r, "started", s));
            }
        }
        match (self.status, self.resolved) {
            (NeedStatus::Resolved, None) => {
                out.push(Reason::NeedRule(NeedRule::ResolvedWithoutDate))
            }
            (NeedStatus::Open | NeedStatus::InProgress, Some(_)) => {
                out.push(Reason::NeedRule(NeedRule::DateButNotResolved))
            }
            _ => {}
        }
        if self.status != NeedStatus::Resolved
            && (self.follow_up.is_some() || self.satisfaction.is_some())
        {
            out.push(Reason::NeedRule(NeedRule::FollowUpUnresolved));
        } else if let (Some(f), Some(r)) = (self.follow_up, self.resolved)
            && f < r
        {
            out.push(before("follow_up", f, "resolved", r));
        }
        if self.satisfaction.is_some() && self.follow_up.is_none() {
            out.push(Reason::NeedRule(NeedRule::SatisfactionWithoutFollowUp));
        }
        out
    }
}

/// The next id after those of `needs`: `N` and four digits or more
/// (N0001, N0002 …), one more than the highest such id.
pub fn next_id<'a>(ids: impl IntoIterator<Item = &'a str>) -> String {
    let highest = ids
        .into_iter()
        .filter_map(|id| {
            let digits = id.strip_prefix('N')?;
            (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
                .then(|| digits.parse::<u64>().ok())
                .flatten()
        })
        .max()
        .unwrap_or(0);
    format!("N{:04}", highest + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn need(id: &str, raised: &str) -> Need {
        Need::open(
            id.into(),
            "H1".into(),
            d(raised),
            "王".into(),
            "其他".into(),
            "x".into(),
        )
    }

    #[test]
    fn standing_follows_the_dates() {
        let mut n = need("N1", "2020-03-01");
        n.status = NeedStatus::Resolved;
        n.started = Some(d("2020-03-05"));
        n.resolved = Some(d("2020-03-10"));
        assert_eq!(n.status_on(d("2020-02-28")), None);
        assert_eq!(n.status_on(d("2020-03-01")), Some(NeedStatus::Open));
        assert_eq!(n.status_on(d("2020-03-05")), Some(NeedStatus::InProgress));
        assert_eq!(n.status_on(d("2020-03-10")), Some(NeedStatus::Resolved));
        assert_eq!(n.days_open(d("2020-04-01")), 9);
        assert_eq!(n.days_open(d("2020-03-04")), 3);
        // No start date: in progress from the day it was raised.
        n.started = None;
        assert_eq!(n.status_on(d("2020-03-01")), Some(NeedStatus::InProgress));
        assert!(n.problems().is_empty());
    }

    #[test]
    fn contradictions() {
        let mut n = need("N1", "2020-03-01");
        n.resolved = Some(d("2020-02-01"));
        n.status = NeedStatus::Resolved;
        assert!(matches!(
            n.problems()[..],
            [Reason::DateBefore {
                field: "resolved",
                ..
            }]
        ));
        n.resolved = None;
        assert_eq!(
            n.problems(),
            [Reason::NeedRule(NeedRule::ResolvedWithoutDate)]
        );
        n.status = NeedStatus::Open;
        n.satisfaction = Some(Satisfaction::Satisfied);
        assert_eq!(
            n.problems(),
            [
                Reason::NeedRule(NeedRule::FollowUpUnresolved),
                Reason::NeedRule(NeedRule::SatisfactionWithoutFollowUp)
            ]
        );
    }

    #[test]
    fn ids() {
        assert_eq!(next_id([]), "N0001");
        assert_eq!(next_id(["N0009", "X12", "N", "N0002"]), "N0010");
        assert_eq!(next_id(["N9999"]), "N10000");
    }

    #[test]
    fn words() {
        for s in NeedStatus::ALL {
            assert_eq!(NeedStatus::parse(s.word()), Some(s));
        }
        assert_eq!(
            NeedStatus::parse("In Progress"),
            Some(NeedStatus::InProgress)
        );
        assert_eq!(NeedStatus::parse("已办结"), Some(NeedStatus::Resolved));
        for s in NeedStatus::ALL {
            assert_eq!(NeedStatus::parse(s.stored_zh()), Some(s));
        }
        assert_eq!(NeedStatus::parse("done"), None);
        for s in [
            Satisfaction::Satisfied,
            Satisfaction::BasicallySatisfied,
            Satisfaction::Dissatisfied,
        ] {
            assert_eq!(Satisfaction::parse(s.stored()), Some(s));
            assert_eq!(Satisfaction::parse(s.word()), Some(s));
        }
    }
}
