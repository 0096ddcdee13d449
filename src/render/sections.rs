//! The report's sections as plain tables of typed values, built once and
//! shown by every format: in the user's language for people (table, md,
//! html, xlsx), or with English snake_case headers and machine words for
//! csv.

use chrono::NaiveDate;

use crate::compute::needs::NeedCounts;
use crate::compute::report::Report;
use crate::compute::report::Section;
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

/// The per-level table (people) or the key figures, one per row (scripts).
pub fn summary(r: &Report, who: Audience) -> Table {
    let w = who.words();
    match who {
        Audience::People(_) => {
            let mut rows: Vec<Vec<Value>> = Level::ALL
                .iter()
                .map(|l| {
                    let c = r.compliance[*l];
                    vec![
                        who.level(*l),
                        Value::Count(r.households[*l]),
                        Value::Count(r.overdue[*l]),
                        Value::Count(c.required),
                        Value::Count(c.met),
                        Value::Rate(c.rate()),
                    ]
                })
                .collect();
            let t = r.compliance.total();
            rows.push(vec![
                text(w.total),
                Value::Count(r.households.0.iter().sum()),
                Value::Count(r.overdue.0.iter().sum()),
                Value::Count(t.required),
                Value::Count(t.met),
                Value::Rate(t.rate()),
            ]);
            Table {
                title: w.summary.into(),
                header: vec![w.level, w.households, w.overdue, w.required, w.met, w.rate]
                    .into_iter()
                    .map(String::from)
                    .collect(),
                rows,
            }
        }
        Audience::Scripts => {
            let mut rows = Vec::new();
            let mut put =
                |metric: &str, level: &str, v: Value| rows.push(vec![text(metric), text(level), v]);
            put("as_of", "", Value::Text(iso(r.as_of)));
            put("visits", "", Value::Count(r.visits));
            put("households_visited", "", Value::Count(r.households_visited));
            put("person_times", "", Value::Count(r.person_times));
            put("never_visited", "", Value::Count(r.never_visited));
            for l in Level::ALL {
                put("households", l.word(), Value::Count(r.households[l]));
            }
            for l in Level::ALL {
                put("overdue", l.word(), Value::Count(r.overdue[l]));
            }
            for l in Level::ALL {
                put("required", l.word(), Value::Count(r.compliance[l].required));
                put("met", l.word(), Value::Count(r.compliance[l].met));
                put(
                    "compliance_rate",
                    l.word(),
                    Value::Rate(r.compliance[l].rate()),
                );
            }
            put("coverage_visited", "", Value::Count(r.coverage.visited));
            put("coverage_rate", "", Value::Rate(r.coverage.rate));
            if let Some(n) = &r.needs {
                put("resolution_rate", "", Value::Rate(n.total.resolution_rate));
                put(
                    "satisfaction_rate",
                    "",
                    Value::Rate(n.total.satisfaction_rate),
                );
            }
            Table {
                title: "summary".into(),
                header: vec!["metric".into(), "level".into(), "value".into()],
                rows,
            }
        }
    }
}

pub fn grids(r: &Report, who: Audience) -> Table {
    let w = who.words();
    Table {
        title: w.grids.into(),
        header: who.header(
            &[
                w.grid,
                w.households,
                w.visits,
                w.households_visited,
                w.overdue,
                w.required,
                w.met,
                w.rate,
            ],
            &[
                "grid",
                "households",
                "visits",
                "households_visited",
                "overdue",
                "required",
                "met",
                "compliance_rate",
            ],
        ),
        rows: r
            .grids
            .iter()
            .map(|g| {
                let c = g.compliance.total();
                vec![
                    text(&g.grid),
                    Value::Count(g.households),
                    Value::Count(g.visits),
                    Value::Count(g.households_visited),
                    Value::Count(g.overdue),
                    Value::Count(c.required),
                    Value::Count(c.met),
                    Value::Rate(c.rate()),
                ]
            })
            .collect(),
    }
}

pub fn workers(r: &Report, who: Audience) -> Table {
    let w = who.words();
    let mut table = Table {
        title: w.workers.into(),
        header: who.header(
            &[
                w.worker,
                w.visits,
                w.in_charge,
                w.in_charge_visited,
                w.overdue,
                w.required,
                w.met,
                w.rate,
            ],
            &[
                "worker",
                "visits",
                "households_in_charge",
                "households_in_charge_visited",
                "overdue_in_charge",
                "required",
                "met",
                "compliance_rate",
            ],
        ),
        rows: r
            .workers
            .iter()
            .map(|x| {
                vec![
                    text(&x.worker),
                    Value::Count(x.visits),
                    Value::Count(x.households_in_charge),
                    Value::Count(x.households_in_charge_visited),
                    Value::Count(x.overdue_in_charge),
                    Value::Count(x.compliance_in_charge.required),
                    Value::Count(x.compliance_in_charge.met),
                    Value::Rate(x.compliance_in_charge.rate()),
                ]
            })
            .collect(),
    };
    table.rows = by_name(table.rows, who);
    table
}

/// Rows that start with a worker's name, in the order people of the
/// language read names (pinyin in Chinese); scripts keep the report's.
fn by_name(mut rows: Vec<Vec<Value>>, who: Audience) -> Vec<Vec<Value>> {
    if let Audience::People(lang) = who {
        fn name(row: &[Value]) -> &str {
            match row.first() {
                Some(Value::Text(t)) => t,
                _ => "",
            }
        }
        rows.sort_by(|a, b| lang.name_order(name(a), name(b)));
    }
    rows
}

pub fn overdue(r: &Report, who: Audience) -> Table {
    let w = who.words();
    // The worker in charge of each household, as `due` says it.
    let in_charge = match who {
        Audience::People(lang) => lang.label(crate::i18n::Label::Visitor),
        Audience::Scripts => "visitor",
    };
    let rows = r.overdue_list.iter().map(|o| {
        let address = [&o.grid, &o.building, &o.unit, &o.room]
            .iter()
            .filter(|p| !p.is_empty())
            .map(|p| p.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        match who {
            Audience::People(_) => vec![
                text(&o.household),
                who.level(o.level),
                text(&address),
                text(&o.visitor),
                text(&o.contact),
                Value::Date(o.last_visit, w.never),
                Value::Date(o.deadline, "—"),
                Value::Days(o.days_overdue),
            ],
            Audience::Scripts => vec![
                text(&o.household),
                who.level(o.level),
                text(&o.grid),
                text(&o.building),
                text(&o.unit),
                text(&o.room),
                text(&o.visitor),
                text(&o.contact),
                Value::Date(o.last_visit, ""),
                Value::Date(o.deadline, ""),
                Value::Days(o.days_overdue),
            ],
        }
    });
    Table {
        title: w.overdue_list.into(),
        header: who.header(
            &[
                w.household,
                w.level,
                w.address,
                in_charge,
                w.contact,
                w.last_visit,
                w.deadline,
                w.days_overdue,
            ],
            &[
                "household",
                "level",
                "grid",
                "building",
                "unit",
                "room",
                "visitor",
                "contact",
                "last_visit",
                "deadline",
                "days_overdue",
            ],
        ),
        rows: rows.collect(),
    }
}

/// A month's visits against the month before's, from the counts (not
/// from the rounded share of the JSON).
fn shown_change(t: &crate::compute::report::TrendRow) -> Option<f64> {
    let change = t.visits_change?;
    let before = t.visits as i64 - change;
    (before > 0).then(|| t.visits as f64 / before as f64 - 1.0)
}

/// A month's compliance rate against the month before's as people check
/// it: the difference of the two rates as shown (to 0.1%).
fn shown_points(t: &crate::compute::report::TrendRow) -> Option<f64> {
    t.compliance_rate_change?;
    let shown = |rate: f64| (rate * 1000.0).round();
    let (now, before) = (t.compliance.total().rate()?, t.compliance_before?.rate()?);
    Some((shown(now) - shown(before)) / 1000.0)
}

/// The trend: the last six months of a month, a longer span's own months;
/// for people each month's change against the one before sits beside
/// its figure, for scripts the changes come last.
pub fn trend(r: &Report, who: Audience) -> Table {
    let w = who.words();
    let title = match (who, r.period.kind) {
        (Audience::Scripts, _) | (_, crate::compute::report::SpanKind::Month) => w.trend,
        _ => w.trend_months,
    };
    Table {
        title: title.into(),
        header: who.header(
            &[
                w.month,
                w.visits,
                w.visits_change,
                w.households_visited,
                w.required,
                w.met,
                w.rate,
                w.rate_change,
            ],
            &[
                "month",
                "visits",
                "households_visited",
                "required",
                "met",
                "compliance_rate",
                "visits_change",
                "visits_change_rate",
                "compliance_rate_change",
            ],
        ),
        rows: r
            .trend
            .iter()
            .map(|t| {
                let c = t.compliance.total();
                let month = t.month;
                match who {
                    Audience::People(_) => vec![
                        Value::Month(month),
                        Value::Count(t.visits),
                        Value::Change(shown_change(t)),
                        Value::Count(t.households_visited),
                        Value::Count(c.required),
                        Value::Count(c.met),
                        Value::Rate(c.rate()),
                        Value::Points(shown_points(t)),
                    ],
                    Audience::Scripts => vec![
                        Value::Month(month),
                        Value::Count(t.visits),
                        Value::Count(t.households_visited),
                        Value::Count(c.required),
                        Value::Count(c.met),
                        Value::Rate(c.rate()),
                        Value::Delta(t.visits_change),
                        Value::Change(t.visits_change_rate),
                        Value::Points(t.compliance_rate_change),
                    ],
                }
            })
            .collect(),
    }
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
    }
}

/// The sections a report has: the five of every report, then the needs
/// sections when the community keeps a needs ledger.
pub fn present(r: &Report) -> Vec<Section> {
    let mut all = Section::ALL.to_vec();
    if r.needs.is_some() {
        all.extend([Section::Needs, Section::NeedGrids, Section::NeedWorkers]);
    }
    all
}

/// The figures of a set of needs, in the columns of `needs_header`.
fn need_counts(c: &NeedCounts, who: Audience) -> Vec<Value> {
    let mut row = vec![
        Value::Count(c.raised),
        Value::Count(c.raised_resolved),
        Value::Count(c.raised_in_progress),
        Value::Count(c.raised_open),
    ];
    if let Audience::People(_) = who {
        row.push(Value::Rate(c.resolution_rate));
    }
    row.extend([Value::Count(c.resolved), Value::Count(c.unresolved_at_end)]);
    if let Audience::Scripts = who {
        row.extend([
            Value::Count(c.in_progress_at_end),
            Value::Count(c.open_at_end),
        ]);
    }
    row.extend([
        Value::Count(c.unresolved_over_limit),
        Value::Decimal(c.median_days_to_resolve),
    ]);
    row.extend(follow_ups(c, who));
    // For scripts the column added last, after those they knew.
    if let Audience::Scripts = who {
        row.push(Value::Rate(c.resolution_rate));
    }
    row
}

/// The follow-ups and their satisfaction rate (for scripts also each
/// answer's count).
fn follow_ups(c: &NeedCounts, who: Audience) -> Vec<Value> {
    let mut row = vec![Value::Count(c.follow_ups)];
    if let Audience::Scripts = who {
        row.extend([
            Value::Count(c.satisfied),
            Value::Count(c.basically_satisfied),
            Value::Count(c.dissatisfied),
        ]);
    }
    row.push(Value::Rate(c.satisfaction_rate));
    row
}

fn needs_header(first: (&str, &str), who: Audience) -> Vec<String> {
    let n = match who {
        Audience::People(lang) => lang.need_words(),
        Audience::Scripts => Lang::En.need_words(),
    };
    who.header(
        &[
            first.0,
            n.raised_in_period,
            n.of_them_resolved,
            n.of_them_in_progress,
            n.of_them_open,
            who.words().resolution_rate,
            n.resolved_in_period,
            n.unresolved_at_end,
            n.over_limit,
            n.median_days,
            n.follow_ups,
            n.satisfaction_rate,
        ],
        &[
            first.1,
            "raised",
            "raised_resolved",
            "raised_in_progress",
            "raised_open",
            "resolved",
            "unresolved_at_end",
            "in_progress_at_end",
            "open_at_end",
            "unresolved_over_limit",
            "median_days_to_resolve",
            "follow_ups",
            "satisfied",
            "basically_satisfied",
            "dissatisfied",
            "satisfaction_rate",
            "resolution_rate",
        ],
    )
}

/// The needs by category (with the total last; for scripts a total row
/// with an empty category) or by grid.
pub fn needs(r: &Report, section: Section, who: Audience) -> Table {
    let n = match who {
        Audience::People(lang) => lang.need_words(),
        Audience::Scripts => Lang::En.need_words(),
    };
    let by_grid = section == Section::NeedGrids;
    let (title, first) = if by_grid {
        (n.by_grid, (n.grid, "grid"))
    } else {
        (n.by_category, (n.category, "category"))
    };
    let mut rows: Vec<Vec<Value>> = Vec::new();
    if let Some(s) = &r.needs {
        let keyed: Vec<(&str, &NeedCounts)> = if by_grid {
            s.by_grid
                .iter()
                .map(|g| (g.grid.as_str(), &g.counts))
                .collect()
        } else {
            s.by_category
                .iter()
                .map(|c| (c.category.as_str(), &c.counts))
                .collect()
        };
        for (name, counts) in keyed {
            let mut row = vec![text(name)];
            row.extend(need_counts(counts, who));
            rows.push(row);
        }
        if !by_grid || matches!(who, Audience::People(_)) {
            let total = match who {
                Audience::People(_) => n.total,
                Audience::Scripts => "",
            };
            let mut row = vec![text(total)];
            row.extend(need_counts(&s.total, who));
            rows.push(row);
        }
    }
    Table {
        title: title.into(),
        header: needs_header(first, who),
        rows,
    }
}

/// Each worker's visits next to the needs they took up (服务次数与效果).
pub fn need_workers(r: &Report, who: Audience) -> Table {
    let n = match who {
        Audience::People(lang) => lang.need_words(),
        Audience::Scripts => Lang::En.need_words(),
    };
    let rows = r
        .needs
        .iter()
        .flat_map(|s| &s.workers)
        .map(|x| {
            let c = &x.counts;
            let mut row = vec![
                text(&x.worker),
                Value::Count(x.visits),
                Value::Count(c.raised),
                Value::Count(c.resolved),
                Value::Count(c.unresolved_at_end),
            ];
            row.extend(follow_ups(c, who));
            row
        })
        .collect();
    let rows = by_name(rows, who);
    Table {
        title: n.by_worker.into(),
        header: who.header(
            &[
                n.worker,
                n.visits,
                n.raised_in_period,
                n.resolved_in_period,
                n.unresolved_at_end,
                n.follow_ups,
                n.satisfaction_rate,
            ],
            &[
                "worker",
                "visits",
                "raised",
                "resolved",
                "unresolved_at_end",
                "follow_ups",
                "satisfied",
                "basically_satisfied",
                "dissatisfied",
                "satisfaction_rate",
            ],
        ),
        rows,
    }
}

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
    match lang {
        Lang::Zh => format!("{name}{period}{}", w.report),
        Lang::En => format!(
            "{name}{}{}, {period}",
            w.report[..1].to_uppercase(),
            &w.report[1..]
        ),
    }
}
