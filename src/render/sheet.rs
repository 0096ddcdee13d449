//! The round sheet: `rounds due --visitor NAME --format md|html`, the list a
//! worker prints and takes to the doors. Households are grouped by
//! building in walking order (grid, building, unit, room, numbers as
//! numbers), each with its contact (masked unless revealed), last visit,
//! deadline and status, and an empty column to write the visit note in.
//! When any household listed carries special groups (tags: 独居老人, 低保
//! …), a column after the contact shows them: what to know at the door.

use std::fmt::Write as _;
use std::io::Write;

use super::html::{esc, level_color};
use crate::compute::due::{DueCounts, DueRow};
use crate::i18n::{Label, Lang, Msg, Word};
use crate::model::Level;
use crate::model::date::iso;
use crate::model::roster::{HouseholdRef, Roster};

/// Markdown or HTML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetFormat {
    Md,
    Html,
}

/// The sheet a `--format` asks for, if it asks for one.
pub fn asked(format: Option<super::Format>) -> Option<SheetFormat> {
    match format {
        Some(super::Format::Md) => Some(SheetFormat::Md),
        Some(super::Format::Html) => Some(SheetFormat::Html),
        _ => None,
    }
}

pub struct SheetView<'a> {
    pub roster: &'a Roster,
    /// In walking order.
    pub rows: &'a [DueRow],
    pub counts: &'a DueCounts,
    pub lang: Lang,
    pub today: chrono::NaiveDate,
    /// The workers named by `--visitor`.
    pub visitors: &'a [String],
    pub reveal: bool,
}

/// One household's cells, in the sheet's column order (the note column
/// is left empty by the renderers).
struct Line {
    level: Level,
    cells: Vec<String>,
}

/// Where the special groups go, when shown: after the contact.
const TAGS: usize = 4;

/// Whether any household listed carries special groups on the day.
fn tagged(v: &SheetView<'_>) -> bool {
    !v.roster.tags().is_empty()
        && v.rows
            .iter()
            .any(|r| !v.roster.household(r.household()).tags().is_empty())
}

fn columns(lang: Lang, tagged: bool) -> Vec<&'static str> {
    let mut cols = vec![
        lang.word(Word::Room),
        lang.label(Label::Household),
        lang.label(Label::Level),
        lang.label(Label::Contact),
        lang.label(Label::LastVisit),
        lang.label(Label::Deadline),
        lang.label(Label::Status),
        lang.word(Word::Note),
    ];
    if tagged {
        cols.insert(TAGS, lang.label(Label::Tags));
    }
    cols
}

/// The rows grouped by (grid, building), keeping their order.
fn groups<'a>(v: &'a SheetView<'a>) -> Vec<(String, Vec<Line>)> {
    let mut out: Vec<(String, Vec<Line>)> = Vec::new();
    let mut current: Option<(&str, &str)> = None;
    let tagged = tagged(v);
    for r in v.rows {
        let h = v.roster.household(r.household());
        let key = (h.grid(), h.building());
        if current != Some(key) {
            current = Some(key);
            let title = [h.grid(), h.building()]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            out.push((title, Vec::new()));
        }
        out.last_mut()
            .expect("a group")
            .1
            .push(line(v, &h, r, tagged));
    }
    out
}

fn line(v: &SheetView<'_>, h: &HouseholdRef<'_>, r: &DueRow, tagged: bool) -> Line {
    let lang = v.lang;
    let room = [h.unit(), h.room()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let contact = super::contact(v.roster, r.contact(), v.reveal);
    let status = super::standing(lang, &r.standing());
    let mut cells = vec![
        room,
        h.id().to_string(),
        lang.level(r.level).to_string(),
        contact,
        r.last_visit
            .map(iso)
            .unwrap_or_else(|| lang.label(Label::Never).into()),
        r.deadline.date().map(iso).unwrap_or_else(|| "—".into()),
        status,
    ];
    if tagged {
        cells.insert(TAGS, h.tags().join(" "));
    }
    Line {
        level: r.level,
        cells,
    }
}

fn title(v: &SheetView<'_>) -> String {
    let visitor = (!v.visitors.is_empty()).then(|| v.visitors.join(", "));
    v.lang.msg(&Msg::SheetTitle {
        visitor,
        today: iso(v.today),
    })
}

/// A markdown cell that cannot break the table.
fn md_cell(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\r', '\n'], " ")
}

pub fn due(out: &mut dyn Write, format: SheetFormat, v: &SheetView<'_>) -> std::io::Result<()> {
    match format {
        SheetFormat::Md => markdown(out, v),
        SheetFormat::Html => html(out, v),
    }
}

fn markdown(out: &mut dyn Write, v: &SheetView<'_>) -> std::io::Result<()> {
    writeln!(out, "# {}", md_cell(&title(v)))?;
    writeln!(out)?;
    writeln!(out, "{}", md_cell(&v.lang.due_summary(v.counts)))?;
    markdown_body(out, v, "##")
}

/// The buildings of one sheet, each under a heading of level `h`.
fn markdown_body(out: &mut dyn Write, v: &SheetView<'_>, h: &str) -> std::io::Result<()> {
    if v.rows.is_empty() {
        writeln!(out)?;
        return writeln!(out, "{}", v.lang.label(Label::NoneListed));
    }
    let cols = columns(v.lang, tagged(v));
    for (building, lines) in groups(v) {
        writeln!(out)?;
        writeln!(out, "{h} {}", md_cell(&building))?;
        writeln!(out)?;
        writeln!(out, "| {} |", cols.join(" | "))?;
        writeln!(out, "|{}", "---|".repeat(cols.len()))?;
        for l in lines {
            let cells: Vec<String> = l.cells.iter().map(|c| md_cell(c)).collect();
            // The note column: wide and empty, to write in by hand.
            writeln!(out, "| {} |   |", cells.join(" | "))?;
        }
    }
    Ok(())
}

/// The sheet of several communities: one title and summary (the counts
/// summed), then each community under its own heading, its buildings
/// under it. `parts` are the communities' names and sheets.
pub fn due_across(
    out: &mut dyn Write,
    format: SheetFormat,
    counts: &DueCounts,
    parts: &[(&str, SheetView<'_>)],
) -> std::io::Result<()> {
    let Some((_, head)) = parts.first() else {
        return Ok(());
    };
    match format {
        SheetFormat::Md => {
            writeln!(out, "# {}", md_cell(&title(head)))?;
            writeln!(out)?;
            writeln!(out, "{}", md_cell(&head.lang.due_summary(counts)))?;
            for (name, v) in parts {
                writeln!(out)?;
                writeln!(out, "## {}", md_cell(name))?;
                markdown_body(out, v, "###")?;
            }
            Ok(())
        }
        SheetFormat::Html => {
            let mut page = html_head(head, counts, ACROSS_STYLE);
            for (name, v) in parts {
                let _ = writeln!(page, "<h2 class=\"community\">{}</h2>", esc(name));
                if v.rows.is_empty() {
                    let _ = writeln!(page, "<p>{}</p>", esc(v.lang.label(Label::NoneListed)));
                }
                html_body(&mut page, v, "h3");
            }
            page.push_str("</main>\n</body>\n</html>\n");
            out.write_all(page.as_bytes())
        }
    }
}

/// The headings of a sheet of several communities: a community's above
/// its buildings'.
const ACROSS_STYLE: &str = "h2.community { font-size: 17px; border-left: none; padding-left: 0; margin: 24px 0 4px; }\n\
h3 { font-size: 15px; margin: 14px 0 6px; padding-left: 6px; border-left: 4px solid #b8322f; break-after: avoid; }\n";

const STYLE: &str = r#"
@page { size: A4; margin: 12mm 10mm; }
body { margin: 0; color: #1f2933;
  font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", system-ui, sans-serif;
  font-size: 12.5px; }
main { max-width: 900px; margin: 0 auto; padding: 16px; }
h1 { font-size: 20px; margin: 0 0 4px; }
.sub { color: #52606d; margin: 0 0 12px; }
h2 { font-size: 15px; margin: 18px 0 6px; padding-left: 6px; border-left: 4px solid #b8322f; break-after: avoid; }
table { width: 100%; border-collapse: collapse; }
th, td { border: 1px solid #9aa5b1; padding: 6px 4px; text-align: left; vertical-align: top; }
th { background: #f0f4f8; }
/* An id, a date, a name, a phone, a level is never broken across lines:
   a cell breaks between its words only, and the note column takes the room. */
th, td { white-space: nowrap; }
td.w { white-space: normal; }
.t { white-space: nowrap; }
td.note { width: 30%; min-width: 8em; white-space: normal; }
tr { break-inside: avoid; }
.lv { display: inline-block; width: 0.8em; height: 0.8em; border-radius: 50%; margin-right: 4px; vertical-align: -1px; }
"#;

/// The cells broken between their words (room, contact, special
/// groups); the others are kept on one line.
const BROKEN_BETWEEN_WORDS: [usize; 2] = [0, 3];

/// `text` escaped, each word kept whole on its line.
fn words(text: &str) -> String {
    text.split(' ')
        .filter(|w| !w.is_empty())
        .map(|w| format!("<span class=\"t\">{}</span>", esc(w)))
        .collect::<Vec<_>>()
        .join(" ")
}

fn html(out: &mut dyn Write, v: &SheetView<'_>) -> std::io::Result<()> {
    let mut page = html_head(v, v.counts, "");
    if v.rows.is_empty() {
        let _ = writeln!(page, "<p>{}</p>", esc(v.lang.label(Label::NoneListed)));
    }
    html_body(&mut page, v, "h2");
    page.push_str("</main>\n</body>\n</html>\n");
    out.write_all(page.as_bytes())
}

/// The page up to its first building: title (of `v`), the summary of
/// `counts`, and `more` style.
fn html_head(v: &SheetView<'_>, counts: &DueCounts, more: &str) -> String {
    let lang = match v.lang {
        Lang::Zh => "zh-CN",
        Lang::En => "en",
    };
    let mut page = String::new();
    let t = esc(&title(v));
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\" />\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n\
         <title>{t}</title>\n<style>{STYLE}{more}</style>\n</head>\n<body>\n<main>\n<h1>{t}</h1>\n\
         <p class=\"sub\">{}</p>\n",
        esc(&v.lang.due_summary(counts))
    );
    page
}

/// The buildings of one sheet, each under a heading `h`.
fn html_body(page: &mut String, v: &SheetView<'_>, h: &str) {
    let tagged = tagged(v);
    let cols = columns(v.lang, tagged);
    for (building, lines) in groups(v) {
        let _ = writeln!(page, "<{h}>{}</{h}>", esc(&building));
        page.push_str("<table>\n<thead><tr>");
        for c in &cols {
            let _ = write!(page, "<th>{}</th>", esc(c));
        }
        page.push_str("</tr></thead>\n<tbody>\n");
        for l in lines {
            page.push_str("<tr>");
            for (i, c) in l.cells.iter().enumerate() {
                if i == 2 {
                    let _ = write!(
                        page,
                        "<td><span class=\"lv\" style=\"background:{}\"></span>{}</td>",
                        level_color(l.level),
                        esc(c)
                    );
                } else if BROKEN_BETWEEN_WORDS.contains(&i) || (tagged && i == TAGS) {
                    let _ = write!(page, "<td class=\"w\">{}</td>", words(c));
                } else {
                    let _ = write!(page, "<td>{}</td>", esc(c));
                }
            }
            page.push_str("<td class=\"note\"></td></tr>\n");
        }
        page.push_str("</tbody>\n</table>\n");
    }
}
