//! The report's special-groups section (tags, 重点人群): per group, the
//! households carrying it on the as-of date, those visited in the span,
//! those overdue, and their compliance.

use super::{Audience, Table, Value, text};
use crate::compute::report::Report;
use crate::i18n::{Label, Lang};

/// Households, visited, overdue and compliance per special group.
pub fn tags(r: &Report, who: Audience) -> Table {
    let w = who.words();
    let title = match who {
        Audience::People(Lang::Zh) => "重点人群",
        Audience::People(Lang::En) | Audience::Scripts => "Special groups",
    };
    let tag = match who {
        Audience::People(lang) => lang.label(Label::Tags),
        Audience::Scripts => "tag",
    };
    Table {
        title: title.into(),
        header: who.header(
            &[
                tag,
                w.households,
                w.households_visited,
                w.overdue,
                w.required,
                w.met,
                w.rate,
            ],
            &[
                "tag",
                "households",
                "households_visited",
                "overdue",
                "required",
                "met",
                "compliance_rate",
            ],
        ),
        rows: r
            .by_tag
            .iter()
            .map(|t| {
                vec![
                    text(&t.tag),
                    Value::Count(t.households),
                    Value::Count(t.households_visited),
                    Value::Count(t.overdue),
                    Value::Count(t.compliance.required),
                    Value::Count(t.compliance.met),
                    Value::Rate(t.compliance_rate),
                ]
            })
            .collect(),
    }
}
