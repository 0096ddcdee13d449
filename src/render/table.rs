//! Tables for people: CJK-aware column widths (comfy-table measures with
//! unicode-width), words in the user's language, colour only when asked
//! for, and personal data masked.

use std::io::Write;

use comfy_table::{
    Attribute, Cell, Color, ColumnConstraint, ContentArrangement, LineStyle, Table, TableStyle,
    Width,
};

use crate::compute::due::DueCounts;
use crate::compute::households::HouseholdLine;
use crate::compute::needs::ListedNeed;
use crate::i18n::{Label, Lang};
use crate::model::date::iso;
use crate::model::need::NeedStatus;
use crate::model::{Level, Status};

use super::fit::{self, Wrap};

/// Columns under one rule below the header: light enough to read a long
/// list, and it copies cleanly into a message.
const STYLE: TableStyle =
    TableStyle::new().header_separator(LineStyle::none().fill('─').junction(' '));

/// A table fitted to `width` when there is one (a terminal, or
/// `COLUMNS`); styled only when colour is on (cells carry attributes only
/// then).
fn new_table(color: bool, width: Option<u16>) -> Table {
    let mut t = Table::new();
    t.load_style(STYLE);
    // The width is decided by the caller, never looked up here.
    t.force_no_tty();
    match width {
        Some(w) => t
            .set_width(w)
            .set_content_arrangement(ContentArrangement::Dynamic),
        // No width to fit in a pipe or file: keep each row on one line.
        None => t.set_content_arrangement(ContentArrangement::Disabled),
    };
    if color {
        t.enforce_styling();
    }
    t
}

/// A cell's text and how it is painted (only when colour is on).
#[derive(Debug, Clone, Default)]
struct Text {
    text: String,
    fg: Option<Color>,
    bold: bool,
    /// Aligned right (a number).
    right: bool,
}

impl Text {
    /// Text from the data, kept from the terminal's control characters.
    fn new(text: &str) -> Text {
        Text {
            text: plain(text),
            ..Text::default()
        }
    }
    fn fg(mut self, color: Color) -> Text {
        self.fg = Some(color);
        self
    }
    fn bold(mut self) -> Text {
        self.bold = true;
        self
    }
    fn right(mut self) -> Text {
        self.right = true;
        self
    }
}

/// A table for people: each column's header and where its cells may
/// break, then the rows.
struct Grid {
    heads: Vec<(String, Wrap)>,
    /// Columns that say nothing the others do not (a deadline next to its
    /// days overdue): left out, in this order, when the table would not
    /// fit its width otherwise, or would be a tenth taller or more.
    spare: Vec<usize>,
    /// Columns worth their room only (a household's special groups): left
    /// out, after the spare ones, when the table would be any taller for
    /// them.
    extra: Vec<usize>,
    rows: Vec<Vec<Text>>,
    /// How many first columns say what a row is about (a roll-up's
    /// community and grid): each part of a table printed in parts
    /// repeats them.
    keys: usize,
}

impl Grid {
    fn new(heads: Vec<(&str, Wrap)>) -> Grid {
        Grid {
            heads: heads.into_iter().map(|(h, w)| (h.to_string(), w)).collect(),
            spare: Vec::new(),
            extra: Vec::new(),
            rows: Vec::new(),
            keys: 1,
        }
    }

    /// Column `c` as `fit` lays it out.
    fn column(&self, c: usize) -> fit::Column<'_> {
        let (header, wrap) = &self.heads[c];
        fit::Column {
            header,
            wrap: *wrap,
            cells: self
                .rows
                .iter()
                .map(|r| r.get(c).map_or("", |t| t.text.as_str()))
                .collect(),
        }
    }

    /// Prints the table, in parts when it is too wide for `width` even
    /// without its spare columns: each part repeats the first column (what
    /// the row is about) and takes as many of the next columns as fit, so
    /// a wide table reads at 80 columns without a line running over.
    fn print(self, out: &mut dyn Write, color: bool, width: Option<u16>) -> std::io::Result<()> {
        let Some(w) = width else {
            return self.print_part(out, color, width);
        };
        let room = |n: usize| usize::from(w).saturating_sub(2 * n).saturating_add(1);
        let needed: Vec<usize> = (0..self.heads.len())
            .filter(|c| !self.spare.contains(c) && !self.extra.contains(c))
            .filter(|&c| {
                self.rows.is_empty()
                    || self
                        .rows
                        .iter()
                        .any(|r| r.get(c).is_some_and(|t| !t.text.trim().is_empty()))
            })
            .collect();
        let fit_all: Vec<fit::Column<'_>> = needed.iter().map(|&c| self.column(c)).collect();
        let keys = (needed.iter().take_while(|&&c| c < self.keys).count()).max(1);
        if needed.len() < keys + 2 || fit::fits(&fit_all, room(needed.len())) {
            return self.print_part(out, color, width);
        }
        let head = &needed[..keys];
        let mut parts: Vec<Vec<usize>> = Vec::new();
        let mut part = head.to_vec();
        for &c in &needed[keys..] {
            let mut more: Vec<fit::Column<'_>> = part.iter().map(|&c| self.column(c)).collect();
            more.push(self.column(c));
            if part.len() > keys && !fit::fits(&more, room(part.len() + 1)) {
                parts.push(std::mem::replace(&mut part, head.to_vec()));
            }
            part.push(c);
        }
        parts.push(part);
        // As many parts as that, with the columns shared out evenly when
        // each part still fits: no part of a lone column.
        let rest = &needed[keys..];
        let k = parts.len();
        let even: Vec<Vec<usize>> = (0..k)
            .map(|i| {
                let (from, to) = (i * rest.len() / k, (i + 1) * rest.len() / k);
                (head.iter().copied())
                    .chain(rest[from..to].iter().copied())
                    .collect()
            })
            .collect();
        if even.iter().all(|p| {
            let columns: Vec<fit::Column<'_>> = p.iter().map(|&c| self.column(c)).collect();
            fit::fits(&columns, room(p.len()))
        }) {
            parts = even;
        }
        for (i, columns) in parts.into_iter().enumerate() {
            if i > 0 {
                writeln!(out)?;
            }
            let grid = Grid {
                heads: columns.iter().map(|&c| self.heads[c].clone()).collect(),
                spare: Vec::new(),
                extra: Vec::new(),
                keys: 1,
                rows: self
                    .rows
                    .iter()
                    .map(|r| {
                        columns
                            .iter()
                            .map(|&c| r.get(c).cloned().unwrap_or_default())
                            .collect()
                    })
                    .collect(),
            };
            grid.print_part(out, color, width)?;
        }
        Ok(())
    }

    /// Prints the table in one part: a column empty in every row is left
    /// out; with a width, the columns are fitted to it (see `fit`), spare
    /// columns left out first if need be; else each row is one line.
    fn print_part(
        self,
        out: &mut dyn Write,
        color: bool,
        width: Option<u16>,
    ) -> std::io::Result<()> {
        let mut kept: Vec<usize> = (0..self.heads.len())
            .filter(|&c| {
                self.rows.is_empty()
                    || self
                        .rows
                        .iter()
                        .any(|r| r.get(c).is_some_and(|t| !t.text.trim().is_empty()))
            })
            .collect();
        // Each column has one space before it, and one between it and the
        // next: 2n - 1 for n columns.
        let room = |w: u16, n: usize| usize::from(w).saturating_sub(2 * n).saturating_add(1);
        let widths: Option<Vec<usize>> = width.map(|w| {
            // The extra columns are weighed last, against the table without them.
            let extras: Vec<usize> = kept
                .iter()
                .copied()
                .filter(|c| self.extra.contains(c))
                .collect();
            kept.retain(|c| !self.extra.contains(c));
            let mut columns: Vec<fit::Column<'_>> = kept.iter().map(|&c| self.column(c)).collect();
            let mut widths = fit::widths(&columns, room(w, kept.len()));
            for &spare in &self.spare {
                let Some(k) = kept.iter().position(|&c| c == spare) else {
                    continue;
                };
                let mut fewer = columns.clone();
                fewer.remove(k);
                let narrower = fit::widths(&fewer, room(w, kept.len() - 1));
                // Left out when the table does not fit with it, or is a
                // tenth taller or more for it.
                if !fit::fits(&columns, room(w, kept.len()))
                    || fit::height(&fewer, &narrower) * 10 <= fit::height(&columns, &widths) * 9
                {
                    kept.remove(k);
                    columns = fewer;
                    widths = narrower;
                }
            }
            for extra in extras {
                let k = kept.partition_point(|&c| c < extra);
                let mut more = columns.clone();
                more.insert(k, self.column(extra));
                let wider = fit::widths(&more, room(w, kept.len() + 1));
                if fit::fits(&more, room(w, kept.len() + 1))
                    && fit::height(&more, &wider) <= fit::height(&columns, &widths)
                {
                    kept.insert(k, extra);
                    columns = more;
                    widths = wider;
                }
            }
            widths
        });
        let shown = |text: &str, k: usize, wrap: Wrap| match &widths {
            Some(w) => fit::lines(text, wrap, w[k]).join("\n"),
            None => text.to_string(),
        };
        let mut t = new_table(color, None);
        t.set_header(kept.iter().enumerate().map(|(k, &c)| {
            let cell = Cell::new(shown(&self.heads[c].0, k, Wrap::Words));
            if color {
                cell.add_attribute(Attribute::Bold)
            } else {
                cell
            }
        }));
        for row in &self.rows {
            t.add_row(kept.iter().enumerate().map(|(k, &c)| {
                let text = row.get(c).cloned().unwrap_or_default();
                let mut cell = Cell::new(shown(&text.text, k, self.heads[c].1));
                if let (Some(fg), true) = (text.fg, color) {
                    cell = cell.fg(fg);
                }
                if text.bold && color {
                    cell = cell.add_attribute(Attribute::Bold);
                }
                if text.right {
                    cell = cell.set_alignment(comfy_table::CellAlignment::Right);
                }
                cell
            }));
        }
        for (k, column) in t.column_iter_mut().enumerate() {
            column.set_padding((1, 0));
            if let Some(w) = &widths {
                let fixed = u16::try_from(w[k] + 1).unwrap_or(u16::MAX);
                column.set_constraint(ColumnConstraint::Absolute(Width::Fixed(fixed)));
            }
        }
        for line in t.to_string().lines() {
            writeln!(out, "{}", line.trim_end())?;
        }
        Ok(())
    }
}

/// A line of words above or below a table, broken between words where it
/// would be wider than `width`.
fn sentence(out: &mut dyn Write, text: &str, width: Option<u16>) -> std::io::Result<()> {
    let lines = match width {
        Some(w) => fit::lines(text, Wrap::Words, usize::from(w)),
        None => vec![text.to_string()],
    };
    lines.iter().try_for_each(|l| writeln!(out, "{l}"))
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
    pub rows: &'a [super::DueOf<'a>],
    /// Across communities: a community column first.
    pub community: bool,
    pub counts: &'a DueCounts,
    pub lang: Lang,
    pub color: bool,
    /// The width to fit the table in (a terminal's), if any.
    pub width: Option<u16>,
    /// Show names and phone numbers in full.
    pub reveal: bool,
    /// `--visitor` named one worker: the worker column would say the same
    /// on every row, and is left out.
    pub one_worker: bool,
    /// With a needs ledger (any community's): a column of each
    /// household's unresolved needs.
    pub needs: bool,
}

pub fn due(out: &mut dyn Write, v: &DueView<'_>) -> std::io::Result<()> {
    let lang = v.lang;
    if v.rows.is_empty() {
        writeln!(out, "{}", lang.label(Label::NoneListed))?;
        return writeln!(out, "{}", lang.due_summary(v.counts));
    }
    let mut heads = Vec::new();
    if v.community {
        heads.push((lang.rollup_words().community, Wrap::Never));
    }
    heads.extend([
        (lang.label(Label::Household), Wrap::Never),
        (lang.label(Label::Level), Wrap::Never),
        (lang.label(Label::Address), Wrap::Words),
        (lang.label(Label::Visitor), Wrap::Never),
        (lang.label(Label::Contact), Wrap::Words),
        (lang.label(Label::LastVisit), Wrap::Never),
        (lang.label(Label::Deadline), Wrap::Never),
        (lang.label(Label::Status), Wrap::Words),
    ]);
    if v.needs {
        heads.push((lang.need_words().open_needs, Wrap::Words));
    }
    // The special groups, last: a column no row fills is left out.
    let tags = heads.len();
    heads.push((lang.label(Label::Tags), Wrap::Words));
    let mut grid = Grid::new(heads);
    // The status says how many days overdue or left: the deadline is
    // what goes first in a narrow terminal; the special groups are shown
    // where they cost no line (an address broken over many lines does not
    // read).
    let shift = usize::from(v.community);
    // Across communities the community and the household are repeated
    // when the table is printed in parts.
    grid.keys = 1 + shift;
    grid.spare = vec![6 + shift];
    grid.extra = vec![tags];
    for d in v.rows {
        let r = d.row;
        let h = d.household();
        let contact = super::contact(d.roster, r.contact(), v.reveal);
        let status = Text::new(&super::standing(lang, &r.standing()));
        let status = match r.status() {
            Status::Overdue => status.fg(Color::Red).bold(),
            Status::Due => status.fg(Color::Yellow),
            Status::Ok => status,
        };
        let mut cells = Vec::new();
        if v.community {
            cells.push(Text::new(d.community.unwrap_or_default()));
        }
        cells.extend([
            Text::new(h.id()),
            Text::new(lang.level(r.level)).fg(level_color(r.level)),
            Text::new(&h.address()),
            Text::new(if v.one_worker { "" } else { h.visitor() }),
            Text::new(&contact),
            Text::new(
                &r.last_visit
                    .map(iso)
                    .unwrap_or_else(|| lang.label(Label::Never).into()),
            ),
            Text::new(&r.deadline.date().map(iso).unwrap_or_else(|| "—".into())),
            status,
        ]);
        if v.needs {
            let open = d.open_needs().unwrap_or_default();
            let flagged = open.flagged(d.flag_after_days);
            let cell =
                Text::new(&lang.open_needs_cell(open.count, flagged.then_some(open.oldest_days)));
            cells.push(if flagged {
                cell.fg(Color::Red).bold()
            } else {
                cell
            });
        }
        cells.push(Text::new(&h.tags().join(" ")));
        grid.rows.push(cells);
    }
    grid.print(out, v.color, v.width)?;
    sentence(out, &lang.due_summary(v.counts), v.width)?;
    if v.needs {
        let open = (v.rows.iter()).map(|d| (d.open_needs().unwrap_or_default(), d.flag_after_days));
        let (with, flagged) = open.fold((0, 0), |(w, f), (o, after)| {
            (
                w + usize::from(o.count > 0),
                f + usize::from(o.flagged(after)),
            )
        });
        if with > 0 {
            // The days after which a need is flagged, as the first
            // community's settings say.
            let after = v.rows.first().map_or(0, |d| d.flag_after_days);
            let summary = lang.open_needs_summary(with, flagged, after);
            sentence(out, &summary, v.width)?;
        }
    }
    Ok(())
}

/// How a table is shown: the language, colour, and the width to fit it
/// in (a terminal's), if any.
pub struct Look {
    pub lang: Lang,
    pub color: bool,
    pub width: Option<u16>,
}

/// `rounds needs` for people: the list, and how many are unresolved.
pub fn needs(out: &mut dyn Write, listed: &[ListedNeed<'_>], look: &Look) -> std::io::Result<()> {
    let rows: Vec<(Option<&str>, &ListedNeed<'_>)> = listed.iter().map(|l| (None, l)).collect();
    needs_of(out, &rows, false, look)
}

/// `rounds needs` across communities: a community column first.
pub fn needs_across(
    out: &mut dyn Write,
    listed: &[(&str, &ListedNeed<'_>)],
    look: &Look,
) -> std::io::Result<()> {
    let rows: Vec<(Option<&str>, &ListedNeed<'_>)> =
        listed.iter().map(|(c, l)| (Some(*c), *l)).collect();
    needs_of(out, &rows, true, look)
}

fn needs_of(
    out: &mut dyn Write,
    listed: &[(Option<&str>, &ListedNeed<'_>)],
    community: bool,
    look: &Look,
) -> std::io::Result<()> {
    let w = look.lang.need_words();
    if listed.is_empty() {
        return writeln!(out, "{}", w.none_listed);
    }
    let mut heads = Vec::new();
    if community {
        heads.push((look.lang.rollup_words().community, Wrap::Never));
    }
    heads.extend([
        (w.id, Wrap::Never),
        (w.household, Wrap::Never),
        (w.grid, Wrap::Never),
        (w.raised, Wrap::Never),
        (w.raised_by, Wrap::Never),
        (w.category, Wrap::Never),
        (w.status, Wrap::Words),
        (w.days_open, Wrap::Never),
        (w.text, Wrap::Text),
        (w.resolution, Wrap::Text),
    ]);
    let mut grid = Grid::new(heads);
    // The grid is the household's; the days open, for a need not yet
    // resolved, are those since it was raised; who raised it is the one
    // to ask, but the need itself matters more.
    let shift = usize::from(community);
    grid.keys = 1 + shift;
    grid.spare = vec![2 + shift, 7 + shift, 4 + shift];
    for (c, l) in listed {
        let outcome = match (&l.resolved, l.satisfaction) {
            (Some(_), Some(s)) => format!("{} · {}", l.resolution, w.satisfaction(s)),
            _ => l.resolution.to_string(),
        };
        let mut cells = Vec::new();
        if community {
            cells.push(Text::new(c.unwrap_or_default()));
        }
        cells.extend([
            Text::new(l.id),
            Text::new(l.household),
            Text::new(l.grid),
            Text::new(&l.raised),
            Text::new(&l.raised_by),
            Text::new(l.category),
            Text::new(w.status(l.status)),
            Text::new(&l.days_open.to_string()),
            Text::new(&l.text),
            Text::new(outcome.trim_start_matches(" · ")),
        ]);
        grid.rows.push(cells);
    }
    grid.print(out, look.color, look.width)?;
    let unresolved = listed
        .iter()
        .filter(|(_, l)| l.status != NeedStatus::Resolved)
        .count();
    writeln!(out, "{}", look.lang.needs_listed(listed.len(), unresolved))
}

/// The report for a terminal: title, key figures, then each section.
pub fn report(
    out: &mut dyn Write,
    r: &crate::compute::report::Report,
    lang: Lang,
    community: Option<&str>,
    color: bool,
    width: Option<u16>,
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
        sentence(out, &line.join(" · "), width)?;
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
        // Numbers, dates, ids, names and levels are never broken; text
        // with spaces (an address) breaks between words, long text anywhere.
        let wraps = (0..table.header.len()).map(|c| {
            let mut wrap = Wrap::Never;
            for row in &table.rows {
                if let Some(sections::Value::Text(t)) = row.get(c) {
                    if t.contains(char::is_whitespace) {
                        wrap = Wrap::Words;
                    } else if fit::width(t) > 16 && wrap == Wrap::Never {
                        wrap = Wrap::Text;
                    }
                }
            }
            wrap
        });
        let mut grid = Grid::new(
            table
                .header
                .iter()
                .map(String::as_str)
                .zip(wraps.collect::<Vec<_>>())
                .collect(),
        );
        // A roll-up's lists name the community before what the row is
        // about: both are repeated when the table is printed in parts.
        if !r.communities.is_empty()
            && section != crate::compute::report::Section::Community
            && table.header.first().map(String::as_str) == Some(lang.rollup_words().community)
        {
            grid.keys = 2;
        }
        if !r.communities.is_empty()
            && table.header.first().map(String::as_str) == Some(lang.rollup_words().community)
        {
            // A community's name (or directory) is never broken.
            grid.heads[0].1 = Wrap::Never;
        }
        if section == crate::compute::report::Section::ChangeList {
            // On a narrow terminal the kind of change breaks between its
            // characters, and who recorded it and why give way first.
            // (A roll-up's community comes first.)
            let at = usize::from(!r.communities.is_empty());
            grid.heads[3 + at].1 = Wrap::Text;
            grid.spare = vec![7 + at, 6 + at];
        }
        for row in &table.rows {
            grid.rows.push(
                row.iter()
                    .map(|v| {
                        let t = Text::new(&v.human());
                        if v.is_number() { t.right() } else { t }
                    })
                    .collect(),
            );
        }
        grid.print(out, color, width)?;
    }
    writeln!(out)?;
    writeln!(out, "{}", w.notes)?;
    for f in sections::figures(r, lang) {
        sentence(out, &format!("{}: {}", f.label, f.definition), width)?;
    }
    if r.unrecorded_edits > 0 {
        writeln!(out, "{}", lang.unrecorded_edits(r.unrecorded_edits))?;
    }
    Ok(())
}

/// `rounds config`: each setting, its value and where it came from.
pub fn settings(
    out: &mut dyn Write,
    settings: &[crate::settings::Row],
    lang: Lang,
    width: Option<u16>,
) -> std::io::Result<()> {
    use crate::i18n::Word;
    let mut t = new_table(false, width);
    t.set_header(vec![
        lang.word(Word::Setting),
        lang.word(Word::Value),
        lang.word(Word::Source),
    ]);
    for s in settings {
        t.add_row(vec![
            Cell::new(plain(&s.setting)),
            Cell::new(plain(&s.value)),
            Cell::new(s.source_text(lang)),
        ]);
    }
    writeln!(out, "{t}")
}

/// The residents cell: "张* 红, 李* 绿 (moved out)".
fn residents_cell(v: &super::HouseholdsView<'_>, line: &HouseholdLine) -> String {
    use crate::i18n::Word;
    super::residents_of(v.roster, &line.members)
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
    let mut grid = Grid::new(vec![
        (lang.label(Label::Household), Wrap::Never),
        (lang.label(Label::Level), Wrap::Never),
        (lang.label(Label::Address), Wrap::Words),
        (lang.label(Label::Visitor), Wrap::Never),
        (lang.word(Word::Members), Wrap::Words),
        (lang.label(Label::LastVisit), Wrap::Never),
        (lang.label(Label::Tags), Wrap::Words),
    ]);
    // The special groups where they cost no line.
    grid.extra = vec![6];
    let mut residents = 0;
    for line in v.lines {
        let h = v.roster.household(line.household);
        let level = match line.level {
            Some(l) => Text::new(lang.level(l)).fg(level_color(l)),
            None => Text::new(lang.word(Word::Inactive)),
        };
        residents += line.members.len();
        grid.rows.push(vec![
            Text::new(h.id()),
            level,
            Text::new(&h.address()),
            Text::new(if v.one_worker { "" } else { h.visitor() }),
            Text::new(&residents_cell(v, line)),
            Text::new(
                &line
                    .last_visit
                    .map(iso)
                    .unwrap_or_else(|| lang.label(Label::Never).into()),
            ),
            Text::new(&h.tags().join(" ")),
        ]);
    }
    grid.print(out, v.color, v.width)?;
    writeln!(
        out,
        "{}",
        lang.msg(&Msg::HouseholdsSummary {
            households: v.lines.len(),
            residents,
        })
    )
}

/// A roster change as a row of `history`'s table: who recorded it, and
/// the field's old and new value in the note.
fn change_row(group: &[&crate::model::history::Change], lang: crate::i18n::Lang) -> Vec<Text> {
    use crate::i18n::Word;
    let blank = |s: &str| {
        if s.is_empty() {
            "—".to_string()
        } else {
            s.to_string()
        }
    };
    let first = group[0];
    let fields: Vec<String> = group
        .iter()
        .map(|c| {
            let field = match lang {
                crate::i18n::Lang::Zh => c.field.zh(),
                crate::i18n::Lang::En => c.field.word(),
            };
            format!("{field}: {} → {}", blank(&c.from), blank(&c.to))
        })
        .collect();
    let mut note = format!("{} {}", first.resident, fields.join(", "));
    if !first.reason.is_empty() {
        note.push_str(&format!(" ({})", first.reason));
    }
    vec![
        Text::new(&iso(first.date)),
        Text::new(&first.by),
        Text::new(lang.word(Word::RosterChange)),
        Text::new(""),
        Text::new(&note),
    ]
}

/// The roster changes of one resident on one day with one reason, as one
/// row (a family moving changes household, building and room at once).
fn change_groups(
    changes: &[crate::model::history::Change],
) -> Vec<Vec<&crate::model::history::Change>> {
    let mut groups: Vec<Vec<&crate::model::history::Change>> = Vec::new();
    for c in changes {
        match groups.last_mut() {
            Some(g)
                if (g[0].date, &g[0].resident, &g[0].reason)
                    == (c.date, &c.resident, &c.reason) =>
            {
                g.push(c)
            }
            _ => groups.push(vec![c]),
        }
    }
    for g in &mut groups {
        // In the roster's order of fields.
        g.sort_by_key(|c| c.field);
    }
    groups
}

/// `rounds history`: the household, then its visits and roster changes
/// newest first.
pub fn history(out: &mut dyn Write, v: &super::HistoryView<'_>) -> std::io::Result<()> {
    use crate::i18n::{Msg, Word};
    let lang = v.lang;
    let h = v.roster.household(v.history.household);
    let level = v
        .history
        .level
        .map(|level| lang.level(level))
        .unwrap_or(lang.word(Word::Inactive));
    let mut head = vec![plain(h.id()), level.to_string()];
    for part in [h.address(), h.visitor().to_string()] {
        if !part.is_empty() {
            head.push(plain(&part));
        }
    }
    sentence(out, &head.join(" · "), v.width)?;
    let members: Vec<String> = super::residents_of(v.roster, &v.history.members)
        .iter()
        .map(|(r, m, active)| {
            let mut s = format!("{} {}", super::shown_name(r, v.reveal), lang.level(m.level));
            if !active {
                s.push_str(&format!(" ({})", lang.word(Word::Inactive)));
            }
            plain(&s)
        })
        .collect();
    sentence(
        out,
        &lang.msg(&Msg::MembersLine(members.join(", "))),
        v.width,
    )?;
    // Its special groups on the day, as the roster writes them.
    let tags = h.tags();
    if !tags.is_empty() {
        let (colon, sep) = match lang {
            crate::i18n::Lang::Zh => ("：", "、"),
            crate::i18n::Lang::En => (": ", ", "),
        };
        let line = format!(
            "{}{colon}{}",
            lang.label(Label::Tags),
            plain(&tags.join(sep))
        );
        sentence(out, &line, v.width)?;
    }
    writeln!(out)?;
    if v.history.visits.is_empty() && v.history.changes.is_empty() {
        return writeln!(out, "{}", lang.word(Word::NoVisits));
    }
    let mut grid = Grid::new(vec![
        (lang.word(Word::Date), Wrap::Never),
        (lang.label(Label::VisitedBy), Wrap::Never),
        (lang.word(Word::Kind), Wrap::Never),
        (lang.word(Word::Persons), Wrap::Never),
        (lang.word(Word::Note), Wrap::Text),
    ]);
    // Visits and roster changes, newest first; a day's changes before
    // its visits (they were in force when the visit was made).
    let groups = change_groups(&v.history.changes);
    let mut changes = groups.iter().peekable();
    for visit in &v.history.visits {
        while let Some(c) = changes.next_if(|g| g[0].date > visit.date) {
            grid.rows.push(change_row(c, lang));
        }
        grid.rows.push(vec![
            Text::new(&iso(visit.date)),
            Text::new(&visit.visitor),
            Text::new(&visit.kind),
            Text::new(&visit.persons.map(|n| n.to_string()).unwrap_or_default()),
            Text::new(&visit.note),
        ]);
        // The cells kept from the log, under the note.
        if !visit.extra.is_empty() {
            let colon = match lang {
                crate::i18n::Lang::Zh => "：",
                crate::i18n::Lang::En => ": ",
            };
            let kept: Vec<String> = visit
                .extra
                .iter()
                .map(|(name, cell)| plain(&format!("{name}{colon}{cell}")))
                .collect();
            let mut row = vec![Text::new(""); 4];
            row.push(Text::new(&kept.join(" · ")));
            grid.rows.push(row);
        }
    }
    for c in changes {
        grid.rows.push(change_row(c, lang));
    }
    grid.print(out, v.color, v.width)?;
    writeln!(
        out,
        "{}",
        lang.msg(&Msg::HistorySummary {
            visits: v.history.visits.len()
        })
    )
}

/// A table of typed values (`rounds workers`) fitted to the terminal:
/// numbers to the right, names never broken, long text where it must be;
/// in parts when it is wider than the terminal.
pub fn values(
    out: &mut dyn Write,
    table: &super::sections::Table,
    color: bool,
    width: Option<u16>,
) -> std::io::Result<()> {
    let heads = table
        .header
        .iter()
        .enumerate()
        .map(|(c, h)| {
            // As in the report: a name (of a worker, a branch, a group)
            // is never broken; text with spaces breaks between words, long
            // text anywhere.
            let mut wrap = Wrap::Never;
            for row in &table.rows {
                if let (true, Some(super::sections::Value::Text(t))) = (c > 0, row.get(c)) {
                    if t.contains(char::is_whitespace) {
                        wrap = Wrap::Words;
                    } else if fit::width(t) > 16 && wrap == Wrap::Never {
                        wrap = Wrap::Text;
                    }
                }
            }
            (h.as_str(), wrap)
        })
        .collect();
    let mut grid = Grid::new(heads);
    for row in &table.rows {
        grid.rows.push(
            row.iter()
                .map(|v| {
                    let t = Text::new(&v.human());
                    if v.is_number() { t.right() } else { t }
                })
                .collect(),
        );
    }
    grid.print(out, color, width)
}
