//! `rounds change`: the fields asked for, checked against the roster as
//! its file lists it and against history.csv, become the changes to
//! record (SPEC "history.csv"). Pure: the resident's cells and the
//! history in, the changes out; `data` writes them.
//!
//! A change is refused when its date is after today or before the latest
//! recorded change of its field (the chain would no longer be in date
//! order), when the value is not one the field holds, when it equals the
//! value in force on that day, and when the roster has no column for it.
//!
//! Values are written the way the roster writes them: a level in the
//! style of the resident's own level cell (红, 红色, 一级, 一级关注, their
//! traditional forms, 1–4, or English in its case), dates as ISO.

use chrono::NaiveDate;

use crate::error::{ChangeRefusal, Error, Reason, Usage};
use crate::model::history::{Field, History, value_on};
use crate::model::{Level, date, suggest_level};

/// One field changed: from `date` on, `to` instead of `from`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    pub field: Field,
    pub from: String,
    pub to: String,
}

/// The changes of resident `id` that `asked` (field, new value) makes on
/// `date`. `cell` is the resident's cell of a field as the roster lists
/// it (`None`: the roster has no such column).
pub fn plan(
    id: &str,
    asked: &[(Field, &str)],
    date: NaiveDate,
    today: NaiveDate,
    cell: impl Fn(Field) -> Option<String>,
    history: &History,
) -> Result<Vec<Planned>, Error> {
    let refuse = |r| Err(Error::Usage(Usage::Change(r)));
    if asked.is_empty() {
        return refuse(ChangeRefusal::NoField);
    }
    if date > today {
        return refuse(ChangeRefusal::DateAfterToday {
            date: date::iso(date),
            today: date::iso(today),
        });
    }
    let chains = history.chains();
    let mut planned = Vec::new();
    for &(field, value) in asked {
        let listed = cell(field);
        let to = written(id, field, value, listed.as_deref().unwrap_or_default())?;
        let Some(listed) = listed else {
            return refuse(ChangeRefusal::RosterLacks(field));
        };
        let chain = chains.get(&(id, field));
        if let Some(last) = chain.and_then(|c| c.last())
            && last.date > date
        {
            return refuse(ChangeRefusal::BeforeRecorded {
                field,
                date: date::iso(date),
                latest: date::iso(last.date),
                line: last.line,
            });
        }
        let from = match chain.and_then(|c| value_on(c, date)) {
            Some(v) => v.to_string(),
            None => as_stored(id, field, &listed),
        };
        if field.same(&from, &to) {
            return refuse(ChangeRefusal::Unchanged {
                field,
                value: crate::privacy::shown_place(&to),
            });
        }
        planned.push(Planned { field, from, to });
    }
    Ok(planned)
}

/// The new value as the roster will hold it, or why the field cannot.
/// An empty household is the resident's own (SPEC), and is written so.
fn written(id: &str, field: Field, value: &str, listed: &str) -> Result<String, Error> {
    let value = value.trim();
    match field {
        Field::Household if value.is_empty() => Ok(id.to_string()),
        Field::Level => match Level::parse(value) {
            Some(level) => Ok(styled(level, listed)),
            None => Err(Error::Usage(Usage::BadLevelFlag {
                value: value.to_string(),
                suggestion: suggest_level(value),
            })),
        },
        Field::Since | Field::Until if !value.is_empty() => match date::parse(value) {
            Ok(d) => Ok(date::iso(d)),
            Err(why) => Err(Error::Usage(Usage::Refused(Reason::BadDate {
                field: if field == Field::Since {
                    "--since"
                } else {
                    "--until"
                },
                value: crate::privacy::shown_value(value),
                why,
            }))),
        },
        _ => Ok(value.to_string()),
    }
}

/// A roster cell as history.csv records it: dates as ISO, an empty
/// household as the resident's own, the rest as listed.
fn as_stored(id: &str, field: Field, listed: &str) -> String {
    match field {
        Field::Household if listed.is_empty() => id.to_string(),
        Field::Since | Field::Until => date::parse(listed)
            .map(date::iso)
            .unwrap_or_else(|_| listed.to_string()),
        _ => listed.to_string(),
    }
}

/// The ways a roster writes the four levels, red to green.
const STYLES: [[&str; 4]; 9] = [
    ["红", "橙", "黄", "绿"],
    ["红色", "橙色", "黄色", "绿色"],
    ["一级", "二级", "三级", "一般"],
    ["一级关注", "二级关注", "三级关注", "一般关注"],
    ["紅", "橙", "黃", "綠"],
    ["紅色", "橙色", "黃色", "綠色"],
    ["一級", "二級", "三級", "一般"],
    ["一級關注", "二級關注", "三級關注", "一般關注"],
    ["1", "2", "3", "4"],
];

/// `level` written as `like` (a level cell of the roster) writes its level;
/// English in lower case when `like` is no level.
pub fn styled(level: Level, like: &str) -> String {
    let like = like.trim();
    if let Some(style) = STYLES.iter().find(|s| s.contains(&like)) {
        return style[level.index()].to_string();
    }
    let word = level.word();
    let mut chars = like.chars();
    match (chars.next(), chars.next()) {
        (Some(a), Some(b)) if a.is_uppercase() && b.is_uppercase() => word.to_uppercase(),
        (Some(a), _) if a.is_uppercase() => {
            let mut w = word.to_string();
            w[..1].make_ascii_uppercase();
            w
        }
        _ => word.to_string(),
    }
}

/// The resident id nearest to a mistyped one, if one is near (at most a
/// third of its characters differ).
pub fn nearest_id<'a>(ids: impl Iterator<Item = &'a str>, wanted: &str) -> Option<String> {
    let limit = (wanted.chars().count() / 3).max(1);
    ids.map(|id| (strsim::osa_distance(wanted, id), id))
        .filter(|(d, _)| *d <= limit)
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
        .map(|(_, id)| id.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::history::Change;

    fn day(s: &str) -> NaiveDate {
        date::parse(s).unwrap()
    }

    fn history() -> History {
        History {
            changes: vec![Change {
                line: 2,
                date: day("2020-03-01"),
                resident: "R1".into(),
                field: Field::Level,
                from: "绿".into(),
                to: "黄".into(),
                reason: Default::default(),
                by: Default::default(),
            }],
        }
    }

    fn cells(f: Field) -> Option<String> {
        match f {
            Field::Level => Some("黄".into()),
            Field::Since => Some("2019/1/2".into()),
            Field::Visitor => None,
            _ => Some(String::new()),
        }
    }

    fn refusal(r: Result<Vec<Planned>, Error>) -> ChangeRefusal {
        match r {
            Err(Error::Usage(Usage::Change(c))) => c,
            other => panic!("not a refusal: {other:?}"),
        }
    }

    #[test]
    fn changes_follow_the_roster_and_the_chain() {
        let (t, h) = (day("2020-06-30"), history());
        let got = plan("R1", &[(Field::Level, "red")], t, t, cells, &h).unwrap();
        assert_eq!(
            got,
            [Planned {
                field: Field::Level,
                from: "黄".into(),
                to: "红".into()
            }]
        );
        let got = plan("R1", &[(Field::Since, "2019.2.3")], t, t, cells, &h).unwrap();
        assert_eq!(
            (got[0].from.as_str(), got[0].to.as_str()),
            ("2019-01-02", "2019-02-03")
        );
        // A household of one is the resident's own household, written so.
        let got = plan("R1", &[(Field::Household, "H2")], t, t, cells, &h).unwrap();
        assert_eq!((got[0].from.as_str(), got[0].to.as_str()), ("R1", "H2"));
        let at = |d: &str, f: Field, v: &str| refusal(plan("R1", &[(f, v)], day(d), t, cells, &h));
        assert!(matches!(
            at("2020-07-01", Field::Level, "red"),
            ChangeRefusal::DateAfterToday { .. }
        ));
        assert!(matches!(
            at("2020-02-01", Field::Level, "red"),
            ChangeRefusal::BeforeRecorded { line: 2, .. }
        ));
        assert!(matches!(
            at("2020-05-01", Field::Level, "3"),
            ChangeRefusal::Unchanged { .. }
        ));
        assert!(matches!(
            at("2020-05-01", Field::Household, " "),
            ChangeRefusal::Unchanged { .. }
        ));
        assert!(matches!(
            at("2020-05-01", Field::Visitor, "王"),
            ChangeRefusal::RosterLacks(Field::Visitor)
        ));
        assert_eq!(
            refusal(plan("R1", &[], t, t, cells, &h)),
            ChangeRefusal::NoField
        );
        assert!(matches!(
            plan("R1", &[(Field::Level, "rde")], t, t, cells, &h),
            Err(Error::Usage(Usage::BadLevelFlag {
                suggestion: Some(_),
                ..
            }))
        ));
    }

    #[test]
    fn levels_keep_the_roster_style() {
        assert_eq!(styled(Level::Red, "一般关注"), "一级关注");
        assert_eq!(styled(Level::Green, "黃色"), "綠色");
        assert_eq!(styled(Level::Orange, "4"), "2");
        assert_eq!(styled(Level::Yellow, "Green"), "Yellow");
        assert_eq!(styled(Level::Yellow, "RED"), "YELLOW");
        assert_eq!(styled(Level::Yellow, "red"), "yellow");
        assert_eq!(
            nearest_id(["R0001", "R0002"].into_iter(), "R001"),
            Some("R0001".into())
        );
    }
}
