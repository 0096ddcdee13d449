//! Tables for people: CJK-aware column widths (comfy-table measures with
//! unicode-width), words in the user's language, colour only when asked
//! for, and personal data masked.

use std::io::Write;

use comfy_table::{Attribute, Cell, Color, ContentArrangement, LineStyle, Table, TableStyle};

use crate::data::date::iso;
use crate::data::roster::Roster;
use crate::i18n::{DueCounts, Label, Lang};
use crate::model::{DueRow, Level, Status};
use crate::needs::{ListedNeed, NeedStatus, Satisfaction};

/// Columns under one rule below the header: light enough to read a long
/// list, and it copies cleanly into a message.
const STYLE: TableStyle =
    TableStyle::new().header_separator(LineStyle::none().fill('─').junction(' '));

/// A table fitted to the terminal's width when there is one; styled only
/// when colour is on (cells carry attributes only then).
fn new_table(color: bool, terminal: bool) -> Table {
    let mut t = Table::new();
    t.load_style(STYLE);
    if terminal {
        t.set_content_arrangement(ContentArrangement::Dynamic);
    } else {
        // No width to fit in a pipe or file: keep each row on one line.
        t.force_no_tty()
            .set_content_arrangement(ContentArrangement::Disabled);
    }
    if color {
        t.enforce_styling();
    }
    t
}

fn header(labels: &[Label], lang: Lang, color: bool) -> Vec<Cell> {
    labels
        .iter()
        .map(|l| {
            let c = Cell::new(lang.label(*l));
            if color {
                c.add_attribute(Attribute::Bold)
            } else {
                c
            }
        })
        .collect()
}

/// Text from the data as a terminal may show it: control characters
/// (escape sequences, NUL, line breaks) cannot reach the terminal.
fn plain(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
        .collect()
}

fn level_color(level: Level) -> Color {
    match level {
        Level::Red => Color::Red,
        // 256-colour orange: dark yellow is hard to tell from yellow.
        Level::Orange => Color::AnsiValue(208),
        Level::Yellow => Color::Yellow,
        Level::Green => Color::Green,
    }
}

pub struct DueView<'a> {
    pub roster: &'a Roster,
    pub rows: &'a [DueRow],
    pub counts: &'a DueCounts,
    pub lang: Lang,
    pub color: bool,
    /// Whether the output is a terminal (to fit its width).
    pub terminal: bool,
    /// Show names and phone numbers in full.
    pub reveal: bool,
    /// With a needs ledger: each household's unresolved needs.
    pub needs: Option<&'a [crate::needs::OpenNeeds]>,
    /// An unresolved need older than this many days is flagged.
    pub flag_after_days: u32,
}

pub fn due(out: &mut dyn Write, v: &DueView<'_>) -> std::io::Result<()> {
    let lang = v.lang;
    if v.rows.is_empty() {
        writeln!(out, "{}", lang.label(Label::NoneListed))?;
        return writeln!(out, "{}", lang.due_summary(v.counts));
    }
    let mut t = new_table(v.color, v.terminal);
    let mut head = header(
        &[
            Label::Household,
            Label::Level,
            Label::Address,
            Label::Visitor,
            Label::Contact,
            Label::LastVisit,
            Label::Deadline,
            Label::Status,
            Label::Days,
        ],
        lang,
        v.color,
    );
    if v.needs.is_some() {
        let label = Cell::new(lang.need_words().open_needs);
        head.push(if v.color {
            label.add_attribute(Attribute::Bold)
        } else {
            label
        });
    }
    t.set_header(head);
    for r in v.rows {
        let h = v.roster.household(r.household);
        let contact = super::contact(v.roster, r.contact, v.reveal);
        let status = r.standing.status;
        let days = match (r.standing.days_overdue, r.standing.days_left) {
            (Some(n), _) => lang.days_overdue(n),
            (_, Some(n)) => lang.days_left(n),
            _ => String::new(),
        };
        let mut level = Cell::new(lang.level(r.level));
        let mut status_cell = Cell::new(lang.status(status));
        if v.color {
            level = level.fg(level_color(r.level));
            status_cell = match status {
                Status::Overdue => status_cell.fg(Color::Red).add_attribute(Attribute::Bold),
                Status::Due => status_cell.fg(Color::Yellow),
                Status::Ok => status_cell,
            };
        }
        let mut cells = vec![
            Cell::new(plain(h.id())),
            level,
            Cell::new(plain(&h.address())),
            Cell::new(plain(h.visitor())),
            Cell::new(plain(&contact)),
            Cell::new(
                r.last_visit
                    .map(iso)
                    .unwrap_or_else(|| lang.label(Label::Never).into()),
            ),
            Cell::new(r.deadline.date().map(iso).unwrap_or_else(|| "—".into())),
            status_cell,
            Cell::new(days),
        ];
        if let Some(needs) = v.needs {
            let open = needs[r.household];
            let flagged = open.flagged(v.flag_after_days);
            let cell =
                Cell::new(lang.open_needs_cell(open.count, flagged.then_some(open.oldest_days)));
            cells.push(if v.color && flagged {
                cell.fg(Color::Red).add_attribute(Attribute::Bold)
            } else {
                cell
            });
        }
        t.add_row(cells);
    }
    writeln!(out, "{t}")?;
    writeln!(out, "{}", lang.due_summary(v.counts))?;
    if let Some(needs) = v.needs {
        let open = v.rows.iter().map(|r| needs[r.household]);
        let (with, flagged) = open.fold((0, 0), |(w, f), o| {
            (
                w + usize::from(o.count > 0),
                f + usize::from(o.flagged(v.flag_after_days)),
            )
        });
        if with > 0 {
            writeln!(
                out,
                "{}",
                lang.open_needs_summary(with, flagged, v.flag_after_days)
            )?;
        }
    }
    Ok(())
}

/// How a table is shown: the language, colour, and whether it is for a
/// terminal (to fit its width).
pub struct Look {
    pub lang: Lang,
    pub color: bool,
    pub terminal: bool,
}

/// A table of plain text cells under `labels` (text from the data is
/// kept from the terminal's control characters).
fn plain_table(
    out: &mut dyn Write,
    labels: &[&str],
    rows: &[Vec<String>],
    color: bool,
    terminal: bool,
) -> std::io::Result<()> {
    let mut t = new_table(color, terminal);
    t.set_header(labels.iter().map(|l| {
        let c = Cell::new(l);
        if color {
            c.add_attribute(Attribute::Bold)
        } else {
            c
        }
    }));
    for row in rows {
        t.add_row(row.iter().map(|c| Cell::new(plain(c))));
    }
    writeln!(out, "{t}")
}

/// `rounds needs` for people: the list, and how many are unresolved.
pub fn needs(out: &mut dyn Write, listed: &[ListedNeed<'_>], look: &Look) -> std::io::Result<()> {
    let w = look.lang.need_words();
    if listed.is_empty() {
        return writeln!(out, "{}", w.none_listed);
    }
    let rows: Vec<Vec<String>> = listed
        .iter()
        .map(|l| {
            let outcome = match (&l.resolved, l.satisfaction) {
                (Some(_), Some(s)) => format!(
                    "{} · {}",
                    l.resolution,
                    w.satisfaction(Satisfaction::parse(s).expect("a machine word"))
                ),
                _ => l.resolution.to_string(),
            };
            vec![
                l.id.to_string(),
                l.household.to_string(),
                l.grid.to_string(),
                l.raised.clone(),
                l.raised_by.to_string(),
                l.category.to_string(),
                w.status(l.status).to_string(),
                l.days_open.to_string(),
                l.text.to_string(),
                outcome.trim_start_matches(" · ").to_string(),
            ]
        })
        .collect();
    plain_table(
        out,
        &[
            w.id,
            w.household,
            w.grid,
            w.raised,
            w.raised_by,
            w.category,
            w.status,
            w.days_open,
            w.text,
            w.resolution,
        ],
        &rows,
        look.color,
        look.terminal,
    )?;
    let unresolved = listed
        .iter()
        .filter(|l| l.status != NeedStatus::Resolved)
        .count();
    writeln!(out, "{}", look.lang.needs_listed(listed.len(), unresolved))
}

/// The report for a terminal: title, key figures, then each section.
pub fn report(
    out: &mut dyn Write,
    r: &crate::report::Report,
    lang: Lang,
    community: Option<&str>,
    color: bool,
    terminal: bool,
) -> std::io::Result<()> {
    use super::sections::{self, Audience};
    let w = lang.report_words();
    writeln!(out, "{}", sections::title(r, lang, community))?;
    writeln!(out, "{} {}", w.as_of, r.as_of)?;
    writeln!(out)?;
    for figures in [sections::headline(r, lang), sections::rates(r, lang)] {
        let line: Vec<String> = figures
            .iter()
            .map(|f| format!("{} {}", f.label, f.human()))
            .collect();
        writeln!(out, "{}", line.join(" · "))?;
    }
    let who = Audience::People(lang);
    for section in sections::present(r) {
        let table = sections::section(r, section, who);
        writeln!(out)?;
        writeln!(out, "{}", table.title)?;
        if table.rows.is_empty() {
            writeln!(out, "{}", w.none)?;
            continue;
        }
        let mut t = new_table(color, terminal);
        t.set_header(table.header.iter().map(|h| {
            let c = Cell::new(h);
            if color {
                c.add_attribute(Attribute::Bold)
            } else {
                c
            }
        }));
        for row in &table.rows {
            t.add_row(row.iter().map(|v| {
                let c = Cell::new(plain(&v.human()));
                if v.is_number() {
                    c.set_alignment(comfy_table::CellAlignment::Right)
                } else {
                    c
                }
            }));
        }
        writeln!(out, "{t}")?;
    }
    writeln!(out)?;
    writeln!(out, "{}", w.notes)?;
    for f in sections::figures(r, lang) {
        writeln!(out, "{}: {}", f.label, f.definition)?;
    }
    Ok(())
}

/// `rounds config`: each setting, its value and where it came from.
pub fn settings(
    out: &mut dyn Write,
    settings: &[crate::cmd::config::Setting],
    lang: Lang,
    terminal: bool,
) -> std::io::Result<()> {
    use crate::i18n::Word;
    let mut t = new_table(false, terminal);
    t.set_header(vec![
        lang.word(Word::Setting),
        lang.word(Word::Value),
        lang.word(Word::Source),
    ]);
    for s in settings {
        t.add_row(vec![
            Cell::new(plain(&s.setting)),
            Cell::new(plain(&s.value)),
            Cell::new(crate::cmd::config::source_text(s, lang)),
        ]);
    }
    writeln!(out, "{t}")
}

/// The residents cell: "张* 红, 李* 绿 (moved out)".
fn residents_cell(v: &super::HouseholdsView<'_>, household: usize) -> String {
    use crate::i18n::Word;
    super::residents_of(v.roster, household, v.today, v.all)
        .iter()
        .map(|(r, m, active)| {
            let mut s = format!(
                "{} {}",
                super::shown_name(r, v.reveal),
                v.lang.level(m.level)
            );
            if !active {
                s.push_str(&format!(" ({})", v.lang.word(Word::Inactive)));
            }
            plain(&s)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `rounds households`: one line per household, in walking order.
pub fn households(out: &mut dyn Write, v: &super::HouseholdsView<'_>) -> std::io::Result<()> {
    use crate::i18n::{Msg, Word};
    let lang = v.lang;
    if v.lines.is_empty() {
        return writeln!(out, "{}", lang.word(Word::NoHouseholds));
    }
    let mut t = new_table(v.color, v.terminal);
    let mut head = header(
        &[
            Label::Household,
            Label::Level,
            Label::Address,
            Label::Visitor,
        ],
        lang,
        v.color,
    );
    head.push(Cell::new(lang.word(Word::Members)));
    head.push(header(&[Label::LastVisit], lang, v.color).remove(0));
    t.set_header(head);
    let mut residents = 0;
    for line in v.lines {
        let h = v.roster.household(line.household);
        let level = match line.level {
            Some(l) if v.color => Cell::new(lang.level(l)).fg(level_color(l)),
            Some(l) => Cell::new(lang.level(l)),
            None => Cell::new(lang.word(Word::Inactive)),
        };
        residents += super::residents_of(v.roster, line.household, v.today, v.all).len();
        t.add_row(vec![
            Cell::new(plain(h.id())),
            level,
            Cell::new(plain(&h.address())),
            Cell::new(plain(h.visitor())),
            Cell::new(residents_cell(v, line.household)),
            Cell::new(
                line.last_visit
                    .map(iso)
                    .unwrap_or_else(|| lang.label(Label::Never).into()),
            ),
        ]);
    }
    writeln!(out, "{t}")?;
    writeln!(
        out,
        "{}",
        lang.msg(&Msg::HouseholdsSummary {
            households: v.lines.len(),
            residents,
        })
    )
}

/// `rounds history`: the household, then its visits newest first.
pub fn history(out: &mut dyn Write, v: &super::HistoryView<'_>) -> std::io::Result<()> {
    use crate::i18n::{Msg, Word};
    let lang = v.lang;
    let h = v.roster.household(v.household);
    let level = crate::schedule::household_on(h.members(), v.today)
        .map(|on| lang.level(on.level))
        .unwrap_or(lang.word(Word::Inactive));
    let mut head = vec![plain(h.id()), level.to_string()];
    for part in [h.address(), h.visitor().to_string()] {
        if !part.is_empty() {
            head.push(plain(&part));
        }
    }
    writeln!(out, "{}", head.join(" · "))?;
    let members: Vec<String> = super::residents_of(v.roster, v.household, v.today, true)
        .iter()
        .map(|(r, m, active)| {
            let mut s = format!("{} {}", super::shown_name(r, v.reveal), lang.level(m.level));
            if !active {
                s.push_str(&format!(" ({})", lang.word(Word::Inactive)));
            }
            plain(&s)
        })
        .collect();
    writeln!(out, "{}", lang.msg(&Msg::MembersLine(members.join(", "))))?;
    writeln!(out)?;
    if v.visits.is_empty() {
        return writeln!(out, "{}", lang.word(Word::NoVisits));
    }
    let mut t = new_table(v.color, v.terminal);
    t.set_header(vec![
        lang.word(Word::Date),
        lang.label(Label::Visitor),
        lang.word(Word::Kind),
        lang.word(Word::Persons),
        lang.word(Word::Note),
    ]);
    for visit in v.visits {
        t.add_row(vec![
            Cell::new(iso(visit.date)),
            Cell::new(plain(&visit.visitor)),
            Cell::new(plain(&visit.kind)),
            Cell::new(visit.persons.map(|n| n.to_string()).unwrap_or_default()),
            Cell::new(plain(&visit.note)),
        ]);
    }
    writeln!(out, "{t}")?;
    writeln!(
        out,
        "{}",
        lang.msg(&Msg::HistorySummary {
            visits: v.visits.len()
        })
    )
}
