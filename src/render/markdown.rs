//! Markdown: the report as headings and pipe tables, to paste into a
//! message or a document.

use std::io::Write;

use super::sections::{self, Audience};
use crate::compute::report::Report;
use crate::i18n::Lang;

/// A cell that cannot break the table: pipes escaped, line breaks joined.
fn cell(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\r', '\n'], " ")
}

pub fn report(
    out: &mut dyn Write,
    r: &Report,
    lang: Lang,
    community: Option<&str>,
) -> std::io::Result<()> {
    let w = lang.report_words();
    writeln!(out, "# {}", cell(&sections::title(r, lang, community)))?;
    writeln!(out)?;
    writeln!(out, "{} {}", w.as_of, r.as_of)?;
    writeln!(out)?;
    for f in sections::headline(r, lang) {
        writeln!(out, "- {}: **{}**", f.label, f.human())?;
    }
    for f in sections::rates(r, lang) {
        let value = f.value.as_ref().map(|v| v.human()).unwrap_or_default();
        match f.of {
            Some((n, d)) => writeln!(out, "- {}: **{value}** ({n}/{d})", f.label)?,
            None => writeln!(out, "- {}: **{value}**", f.label)?,
        }
    }
    for section in sections::present(r) {
        let table = sections::section(r, section, Audience::People(lang));
        writeln!(out)?;
        writeln!(out, "## {}", table.title)?;
        writeln!(out)?;
        if table.rows.is_empty() {
            writeln!(out, "{}", w.none)?;
            continue;
        }
        writeln!(
            out,
            "| {} |",
            table
                .header
                .iter()
                .map(|h| cell(h))
                .collect::<Vec<_>>()
                .join(" | ")
        )?;
        let rule: Vec<&str> = table.rows[0]
            .iter()
            .map(|v| if v.is_number() { "---:" } else { "---" })
            .collect();
        writeln!(out, "| {} |", rule.join(" | "))?;
        for row in &table.rows {
            writeln!(
                out,
                "| {} |",
                row.iter()
                    .map(|v| cell(&v.human()))
                    .collect::<Vec<_>>()
                    .join(" | ")
            )?;
        }
    }
    writeln!(out)?;
    writeln!(out, "## {}", w.notes)?;
    writeln!(out)?;
    for f in sections::figures(r, lang) {
        writeln!(out, "- **{}**: {}", cell(f.label), cell(f.definition))?;
    }
    if r.unrecorded_edits > 0 {
        writeln!(out)?;
        writeln!(
            out,
            "_{}_",
            cell(&lang.unrecorded_edits(r.unrecorded_edits))
        )?;
    }
    writeln!(out)?;
    writeln!(out, "_{}_", w.masked_note)
}
