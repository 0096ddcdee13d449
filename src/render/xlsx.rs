//! An Excel workbook: an overview sheet (every key figure with the counts a
//! rate is made of and what it means, and the line the report is signed
//! on), then one sheet per section. Each sheet prints landscape on A4, one
//! page wide, its title and header repeated on every page and the page
//! numbers in the footer; each table has its header frozen and an
//! autofilter, and the grid and worker sheets end with a total row.
//! Numbers are numbers, dates are date cells (an empty cell where there is
//! none), and every text cell is written as text (never a formula, so a
//! cell that starts with `=` stays what it was).

use rust_xlsxwriter::{
    ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

use super::sections::{self, Audience, Figure, Table, Value};
use crate::compute::report::Report;
use crate::compute::report::Section;
use crate::i18n::Lang;

/// A4 in the paper sizes of the format.
const A4: u8 = 9;

/// Sheet names: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(title: &str) -> String {
    title
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect()
}

/// The cell formats of the workbook.
struct Styles {
    title: Format,
    header: Format,
    /// Over a column of numbers or dates.
    header_right: Format,
    percent: Format,
    decimal: Format,
    date: Format,
    month: Format,
    change: Format,
    points: Format,
    delta: Format,
    /// The meanings: wrapped, and set off from the numbers before them.
    wrap: Format,
    /// The total row: bold over a rule, and its rates in percent.
    total: Format,
    total_percent: Format,
}

impl Styles {
    fn new() -> Styles {
        let total = Format::new().set_bold().set_border_top(FormatBorder::Thin);
        let header = Format::new()
            .set_bold()
            .set_text_wrap()
            .set_background_color("#F0F4F8")
            .set_border_bottom(FormatBorder::Thin);
        Styles {
            title: Format::new().set_bold().set_font_size(14),
            header_right: header.clone().set_align(FormatAlign::Right),
            header,
            percent: Format::new().set_num_format("0.0%"),
            decimal: Format::new().set_num_format("0.0"),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            month: Format::new().set_num_format("yyyy-mm"),
            change: Format::new().set_num_format("+0.0%;-0.0%;0.0%"),
            points: Format::new().set_num_format("+0.0;-0.0;0.0"),
            delta: Format::new().set_num_format("+0;-0;0"),
            wrap: Format::new().set_text_wrap().set_indent(1),
            total_percent: total.clone().set_num_format("0.0%"),
            total,
        }
    }
}

/// Width of a text in a column, a wide character counting twice.
fn width(text: &str) -> usize {
    text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

fn date(d: chrono::NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    use chrono::Datelike;
    ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
}

/// One value in its cell; nothing for none (never a dash in a column of
/// numbers or dates).
fn write_value(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    value: &Value,
    st: &Styles,
) -> Result<(), XlsxError> {
    match value {
        Value::Text(t) => {
            sheet.write_string(row, col, t)?;
        }
        Value::Count(n) => {
            sheet.write_number(row, col, *n as f64)?;
        }
        Value::Rate(Some(rate)) => {
            sheet.write_number_with_format(row, col, *rate, &st.percent)?;
        }
        Value::Days(Some(d)) => {
            sheet.write_number(row, col, *d as f64)?;
        }
        Value::Decimal(Some(n)) => {
            sheet.write_number_with_format(row, col, *n, &st.decimal)?;
        }
        Value::Date(Some(d), _) => {
            sheet.write_date_with_format(row, col, date(*d)?, &st.date)?;
        }
        Value::Month(m) => {
            sheet.write_date_with_format(row, col, date(*m)?, &st.month)?;
        }
        Value::Change(Some(r)) => {
            sheet.write_number_with_format(row, col, *r, &st.change)?;
        }
        Value::Points(Some(p)) => {
            sheet.write_number_with_format(row, col, p * 100.0, &st.points)?;
        }
        Value::Delta(Some(d)) => {
            sheet.write_number_with_format(row, col, *d as f64, &st.delta)?;
        }
        Value::Rate(None)
        | Value::Days(None)
        | Value::Decimal(None)
        | Value::Date(None, _)
        | Value::Change(None)
        | Value::Points(None)
        | Value::Delta(None) => {}
    }
    Ok(())
}

/// Landscape A4, one page wide, rows `0..=repeat` on every page, and
/// "第 1 页，共 3 页" in the footer.
fn print_setup(sheet: &mut Worksheet, repeat: u32, lang: Lang) -> Result<(), XlsxError> {
    let page = lang.report_words().page;
    // `&` starts a code of the footer: the words keep none.
    let words: Vec<String> = page.iter().map(|w| w.replace('&', "")).collect();
    sheet
        .set_landscape()
        .set_paper_size(A4)
        .set_print_fit_to_pages(1, 0)
        .set_print_center_horizontally(true)
        .set_footer(format!("&C{}&P{}&N{}", words[0], words[1], words[2]));
    sheet.set_repeat_rows(0, repeat)?;
    Ok(())
}

/// The sum of each count column of `table` and each rate column worked
/// out of the two before it (required, met), under the first column's
/// `total`: the total row of the grid and worker sheets.
fn total_row(table: &Table, total: &str) -> Vec<Value> {
    let sums: Vec<Option<u64>> = (0..table.header.len())
        .map(|c| {
            table
                .rows
                .iter()
                .map(|row| match row[c] {
                    Value::Count(n) => Some(n),
                    _ => None,
                })
                .sum()
        })
        .collect();
    (0..table.header.len())
        .map(|c| match table.rows.first().map(|row| &row[c]) {
            _ if c == 0 => Value::Text(total.to_string()),
            Some(Value::Count(_)) => Value::Count(sums[c].unwrap_or(0)),
            Some(Value::Rate(_)) if c >= 2 => {
                let (required, met) = (sums[c - 2].unwrap_or(0), sums[c - 1].unwrap_or(0));
                Value::Rate((required > 0).then(|| met as f64 / required as f64))
            }
            _ => Value::Text(String::new()),
        })
        .collect()
}

/// The column widths that fit a table's header and values.
fn fit_columns(sheet: &mut Worksheet, table: &Table) -> Result<(), XlsxError> {
    for (c, h) in table.header.iter().enumerate() {
        let widest = table
            .rows
            .iter()
            .map(|r| match &r[c] {
                Value::Date(..) => 10,
                v => width(&v.human()),
            })
            .chain(std::iter::once(width(h)))
            .max()
            .unwrap_or(8);
        sheet.set_column_width(c as u16, (widest as f64 + 2.0).min(50.0))?;
    }
    Ok(())
}

/// A section as a sheet: the report's title, the section's with the
/// as-of date, then the table under a frozen header with an autofilter.
fn section_sheet(
    book: &mut Workbook,
    r: &Report,
    lang: Lang,
    community: Option<&str>,
    section: Section,
    st: &Styles,
) -> Result<(), XlsxError> {
    let w = lang.report_words();
    let table = sections::section(r, section, Audience::People(lang));
    let sheet = book.add_worksheet();
    sheet.set_name(sheet_name(&table.title))?;
    sheet.write_string_with_format(0, 0, sections::title(r, lang, community), &st.title)?;
    sheet.write_string(1, 0, format!("{} · {} {}", table.title, w.as_of, r.as_of))?;
    let head = 2u32;
    for (c, h) in table.header.iter().enumerate() {
        let right = table
            .rows
            .first()
            .is_some_and(|row| !matches!(row[c], Value::Text(_)));
        let format = if right { &st.header_right } else { &st.header };
        sheet.write_string_with_format(head, c as u16, h, format)?;
    }
    fit_columns(sheet, &table)?;
    for (k, values) in table.rows.iter().enumerate() {
        for (c, v) in values.iter().enumerate() {
            write_value(sheet, head + 1 + k as u32, c as u16, v, st)?;
        }
    }
    let last_col = table.header.len().saturating_sub(1) as u16;
    let last_row = head + table.rows.len() as u32;
    sheet.autofilter(head, 0, last_row, last_col)?;
    sheet.set_freeze_panes(head + 1, 0)?;
    if table.rows.is_empty() {
        sheet.write_string(head + 1, 0, w.none)?;
    } else if matches!(section, Section::Grids | Section::Workers | Section::Branch) {
        // Below the filtered rows, so that sorting leaves it last.
        for (c, v) in total_row(&table, w.total).iter().enumerate() {
            let (row, col) = (last_row + 1, c as u16);
            match v {
                Value::Text(t) => sheet.write_string_with_format(row, col, t, &st.total)?,
                Value::Count(n) => {
                    sheet.write_number_with_format(row, col, *n as f64, &st.total)?
                }
                Value::Rate(Some(x)) => {
                    sheet.write_number_with_format(row, col, *x, &st.total_percent)?
                }
                _ => sheet.write_blank(row, col, &st.total)?,
            };
        }
    }
    print_setup(sheet, head, lang)
}

/// The overview: title, the as-of date and the span as dates, every key
/// figure with its counts and meaning, and the line to sign.
fn overview(
    book: &mut Workbook,
    r: &Report,
    lang: Lang,
    community: Option<&str>,
    st: &Styles,
) -> Result<(), XlsxError> {
    let w = lang.report_words();
    let sheet = book.add_worksheet();
    sheet.set_name(sheet_name(w.overview))?;
    sheet.write_string_with_format(0, 0, sections::title(r, lang, community), &st.title)?;
    sheet.write_string(1, 0, w.as_of)?;
    sheet.write_date_with_format(1, 1, date(r.as_of)?, &st.date)?;
    sheet.write_string(2, 0, w.period)?;
    sheet.write_date_with_format(2, 1, date(r.period.first)?, &st.date)?;
    sheet.write_date_with_format(2, 2, date(r.period.last)?, &st.date)?;
    let head = 4u32;
    let header = [w.figure, w.value, w.numerator, w.denominator, w.definition];
    for (c, h) in header.iter().enumerate() {
        let format = if (1..=3).contains(&c) {
            &st.header_right
        } else {
            &st.header
        };
        sheet.write_string_with_format(head, c as u16, *h, format)?;
    }
    let figures: Vec<Figure> = sections::figures(r, lang);
    for (k, f) in figures.iter().enumerate() {
        let row = head + 1 + k as u32;
        sheet.write_string(row, 0, f.label)?;
        if let Some(v) = &f.value {
            write_value(sheet, row, 1, v, st)?;
        }
        if let Some((n, d)) = f.of {
            sheet.write_number(row, 2, n as f64)?;
            sheet.write_number(row, 3, d as f64)?;
        }
        sheet.write_string_with_format(row, 4, f.definition, &st.wrap)?;
    }
    let last_row = head + figures.len() as u32;
    sheet.autofilter(head, 0, last_row, 4)?;
    sheet.set_freeze_panes(head + 1, 0)?;
    let widest = figures.iter().map(|f| width(f.label)).max().unwrap_or(8);
    sheet.set_column_width(0, (widest.max(width(w.figure)) + 2) as f64)?;
    for c in 1..=3 {
        sheet.set_column_width(c, 12)?;
    }
    sheet.set_column_width(4, 80)?;
    let sign = last_row + 3;
    for (col, words) in [(0, w.prepared_by), (2, w.checked_by), (4, w.date)] {
        sheet.write_string(sign, col, words)?;
    }
    print_setup(sheet, head, lang)
}

pub fn report(r: &Report, lang: Lang, community: Option<&str>) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let st = Styles::new();
    overview(&mut book, r, lang, community, &st)?;
    for section in sections::present(r) {
        section_sheet(&mut book, r, lang, community, section, &st)?;
    }
    book.save_to_buffer()
}
