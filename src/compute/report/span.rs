//! The days a report covers, and the day it is made as of.

use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;

/// How long a report's span is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SpanKind {
    Month,
    Quarter,
    Half,
    Year,
}

/// The days a report covers: a month, a quarter, a half-year or a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub kind: SpanKind,
    pub first: NaiveDate,
}

impl Span {
    fn months(self) -> u32 {
        match self.kind {
            SpanKind::Month => 1,
            SpanKind::Quarter => 3,
            SpanKind::Half => 6,
            SpanKind::Year => 12,
        }
    }

    pub fn last(self) -> NaiveDate {
        (self.first + Months::new(self.months()))
            .pred_opt()
            .expect("dates in range")
    }

    /// `2020-06`, `2020-Q2`, `2020-H1`, `2020`.
    pub fn label(self) -> String {
        let (y, m) = (self.first.year(), self.first.month());
        match self.kind {
            SpanKind::Month => format!("{y:04}-{m:02}"),
            SpanKind::Quarter => format!("{y:04}-Q{}", (m - 1) / 3 + 1),
            SpanKind::Half => format!("{y:04}-H{}", (m - 1) / 6 + 1),
            SpanKind::Year => format!("{y:04}"),
        }
    }

    pub fn month_of(d: NaiveDate) -> Span {
        Span {
            kind: SpanKind::Month,
            first: d.with_day(1).expect("day 1 exists"),
        }
    }

    /// `YYYY-MM`.
    pub fn parse_month(text: &str) -> Option<Span> {
        let (y, m) = text.trim().split_once('-')?;
        (m.len() <= 2).then_some(())?;
        Span::from_parts(SpanKind::Month, y, m.parse().ok()?, 12)
    }

    /// `YYYY-Qn` (also `YYYYQn`).
    pub fn parse_quarter(text: &str) -> Option<Span> {
        let t = text.trim().to_ascii_uppercase();
        let (y, q) = t.split_once('Q')?;
        Span::from_parts(
            SpanKind::Quarter,
            y.trim_end_matches('-'),
            q.parse().ok()?,
            4,
        )
    }

    /// `YYYY-Hn` (also `YYYYHn`).
    pub fn parse_half(text: &str) -> Option<Span> {
        let t = text.trim().to_ascii_uppercase();
        let (y, h) = t.split_once('H')?;
        Span::from_parts(SpanKind::Half, y.trim_end_matches('-'), h.parse().ok()?, 2)
    }

    /// `YYYY`.
    pub fn parse_year(text: &str) -> Option<Span> {
        Span::from_parts(SpanKind::Year, text.trim(), 1, 1)
    }

    fn from_parts(kind: SpanKind, year: &str, n: u32, max: u32) -> Option<Span> {
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) || !(1..=max).contains(&n) {
            return None;
        }
        let y: i32 = year.parse().ok().filter(|y| *y >= 1000)?;
        let month = 1 + (n - 1) * (12 / max);
        NaiveDate::from_ymd_opt(y, month, 1).map(|first| Span { kind, first })
    }

    /// The months of the trend: for a month, the six months that end with
    /// it; for a longer span, its own months. Either way up to the month of
    /// `as_of` when the span is still running.
    pub fn trend_months(self, as_of: NaiveDate) -> Vec<Span> {
        let last = Span::month_of(self.last().min(as_of));
        let count = match self.kind {
            SpanKind::Month => 6,
            _ => {
                let months = |d: NaiveDate| d.year() * 12 + d.month0() as i32;
                (months(last.first) - months(self.first) + 1).max(1) as u32
            }
        };
        (0..count)
            .rev()
            .map(|i| Span {
                kind: SpanKind::Month,
                first: last.first - Months::new(i),
            })
            .collect()
    }

    /// The month before this one (for a month).
    pub fn previous_month(self) -> Span {
        Span {
            kind: SpanKind::Month,
            first: self.first - Months::new(1),
        }
    }
}

/// The as-of date of a report made on `today`.
pub fn as_of(span: Span, today: NaiveDate) -> NaiveDate {
    span.last().min(today)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn spans() {
        let m = Span::parse_month("2020-02").unwrap();
        assert_eq!(m.last(), d("2020-02-29"));
        assert_eq!(m.label(), "2020-02");
        assert_eq!(Span::parse_month("2020-2").unwrap().label(), "2020-02");
        assert!(Span::parse_month("2020-13").is_none());
        assert!(Span::parse_month("2020").is_none());
        assert!(Span::parse_month("20-01").is_none());
        let q = Span::parse_quarter("2020-Q2").unwrap();
        assert_eq!(
            (q.first, q.last(), q.label()),
            (d("2020-04-01"), d("2020-06-30"), "2020-Q2".into())
        );
        assert_eq!(
            Span::parse_quarter("2020q4").unwrap().last(),
            d("2020-12-31")
        );
        assert!(Span::parse_quarter("2020-Q5").is_none());
        let h = Span::parse_half("2020-H2").unwrap();
        assert_eq!((h.first, h.last()), (d("2020-07-01"), d("2020-12-31")));
        let y = Span::parse_year("2020").unwrap();
        assert_eq!(
            (y.first, y.last(), y.label()),
            (d("2020-01-01"), d("2020-12-31"), "2020".into())
        );
        assert!(Span::parse_year("20").is_none());
        let trend = |span: Span, as_of: &str| -> Vec<String> {
            span.trend_months(d(as_of))
                .iter()
                .map(|s| s.label())
                .collect()
        };
        // A month: the six months that end with it.
        assert_eq!(
            trend(m, "2020-07-20"),
            [
                "2019-09", "2019-10", "2019-11", "2019-12", "2020-01", "2020-02"
            ]
        );
        // A longer span: its own months, up to today's while it runs.
        assert_eq!(trend(q, "2020-08-01"), ["2020-04", "2020-05", "2020-06"]);
        assert_eq!(trend(q, "2020-05-10"), ["2020-04", "2020-05"]);
        assert_eq!(
            trend(h, "2020-12-31"),
            [
                "2020-07", "2020-08", "2020-09", "2020-10", "2020-11", "2020-12"
            ]
        );
        assert_eq!(
            trend(y, "2020-07-20"),
            [
                "2020-01", "2020-02", "2020-03", "2020-04", "2020-05", "2020-06", "2020-07"
            ]
        );
        assert_eq!(trend(y, "2021-03-01").len(), 12);
        assert_eq!(trend(y, "2020-01-01"), ["2020-01"]);
        assert_eq!(m.previous_month().label(), "2020-01");
        assert_eq!(
            Span::parse_month("2020-01")
                .unwrap()
                .previous_month()
                .label(),
            "2019-12"
        );
        assert_eq!(as_of(m, d("2020-02-20")), d("2020-02-20"));
        assert_eq!(as_of(m, d("2020-04-01")), d("2020-02-29"));
    }
}
