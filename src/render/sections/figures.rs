//! The key figures of a report, each with what it means, and its title.

use super::Value;
use crate::compute::report::Report;
use crate::i18n::Lang;

/// A key figure of the report: its name, its value, the counts a rate is
/// made of, and what it means.
#[derive(Debug, Clone)]
pub struct Figure {
    pub label: &'static str,
    /// None for a note that defines a column rather than a figure (环比).
    pub value: Option<Value>,
    /// A rate's numerator and denominator.
    pub of: Option<(u64, u64)>,
    pub definition: &'static str,
}

impl Figure {
    /// "92.1% (575/624)", "192".
    pub fn human(&self) -> String {
        let value = self.value.as_ref().map(Value::human).unwrap_or_default();
        match self.of {
            Some((n, d)) => format!("{value} ({n}/{d})"),
            None => value,
        }
    }
}

/// Every figure of the report, each defined once (the notes), in the
/// order they are defined: counts first, each rate after the counts it
/// divides. The needs' rates only with a needs ledger.
pub fn figures(r: &Report, lang: Lang) -> Vec<Figure> {
    let w = lang.report_words();
    let d = w.define;
    let figure = |label, value, definition| Figure {
        label,
        value: Some(value),
        of: None,
        definition,
    };
    let rate = |label, rate, of: (u64, u64), definition| Figure {
        label,
        value: Some(Value::Rate(rate)),
        of: Some(of),
        definition,
    };
    let c = r.compliance.total();
    let mut all = vec![
        figure(
            w.households,
            Value::Count(r.coverage.households),
            d.households,
        ),
        figure(w.visits, Value::Count(r.visits), d.visits),
        figure(
            w.households_visited,
            Value::Count(r.households_visited),
            d.households_visited,
        ),
        figure(w.person_times, Value::Count(r.person_times), d.person_times),
        rate(
            w.coverage,
            r.coverage.rate,
            (r.coverage.visited, r.coverage.households),
            d.coverage,
        ),
        figure(w.overdue, Value::Count(r.overdue.0.iter().sum()), d.overdue),
        figure(
            w.never_visited,
            Value::Count(r.never_visited),
            d.never_visited,
        ),
        figure(w.required, Value::Count(c.required), d.required),
        figure(w.met, Value::Count(c.met), d.met),
        rate(w.rate, c.rate(), (c.met, c.required), d.rate),
    ];
    if let Some(n) = &r.needs {
        let t = &n.total;
        all.push(rate(
            w.resolution_rate,
            t.resolution_rate,
            (t.raised_resolved, t.raised),
            d.resolution_rate,
        ));
        all.push(rate(
            w.satisfaction_rate,
            t.satisfaction_rate,
            (t.satisfied + t.basically_satisfied, t.follow_ups),
            d.satisfaction_rate,
        ));
    }
    all.push(Figure {
        label: w.change,
        value: None,
        of: None,
        definition: d.change,
    });
    let note = |label, definition| Figure {
        label,
        value: None,
        of: None,
        definition,
    };
    if r.by_branch.as_ref().is_some_and(|b| !b.is_empty())
        || r.by_party_group.as_ref().is_some_and(|g| !g.is_empty())
    {
        let p = crate::i18n::WorkerWords::of(lang);
        all.push(note(p.serving, p.serving_means));
        all.push(note(p.households, p.in_charge_means));
        if r.needs.is_some() {
            all.push(note(p.needs_raised, p.needs_means));
        }
    }
    if !r.by_tag.is_empty() {
        all.push(note(lang.label(crate::i18n::Label::Tags), d.special_groups));
    }
    all
}

/// The counts a human format shows first: visits, households visited,
/// persons met and never-visited households.
pub fn headline(r: &Report, lang: Lang) -> Vec<Figure> {
    let w = lang.report_words();
    pick(
        figures(r, lang),
        &[
            w.visits,
            w.households_visited,
            w.person_times,
            w.never_visited,
        ],
    )
}

/// The rates a human format shows beside the counts: 走访覆盖率, 完成率,
/// and with a needs ledger 办结率 and 回访满意率.
pub fn rates(r: &Report, lang: Lang) -> Vec<Figure> {
    let w = lang.report_words();
    pick(
        figures(r, lang),
        &[w.coverage, w.rate, w.resolution_rate, w.satisfaction_rate],
    )
}

fn pick(figures: Vec<Figure>, labels: &[&str]) -> Vec<Figure> {
    labels
        .iter()
        .filter_map(|l| figures.iter().find(|f| f.label == *l).cloned())
        .collect()
}

/// The report's title: "2020年6月走访工作报告" / "Visits report, June 2020".
pub fn title(r: &Report, lang: Lang, community: Option<&str>) -> String {
    let period = lang.period_name(r.period.kind, r.period.first);
    let w = lang.report_words();
    let name = community.map(|c| format!("{c} ")).unwrap_or_default();
    let title = match lang {
        Lang::Zh => format!("{name}{period}{}", w.report),
        Lang::En => format!(
            "{name}{}{}, {period}",
            w.report[..1].to_uppercase(),
            &w.report[1..]
        ),
    };
    // A report restricted with --tag says so first.
    if r.only_tags.is_empty() {
        return title;
    }
    match lang {
        Lang::Zh => format!(
            "{title}（仅限 {} 当天带有标签 {} 的住户）",
            crate::model::date::iso(r.as_of),
            r.only_tags.join("、")
        ),
        Lang::En => format!(
            "{title} (only the households carrying {} on {})",
            r.only_tags.join(" or "),
            crate::model::date::iso(r.as_of)
        ),
    }
}
