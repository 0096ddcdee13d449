//! An Excel workbook: one sheet per section, numbers as numbers and every
//! text cell written as text (never a formula, so a cell that starts with
//! `=` stays what it was).

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use super::sections::{self, Audience, Value};
use crate::i18n::Lang;
use crate::report::Report;

/// Sheet names: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(title: &str) -> String {
    title
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect()
}

pub fn report(r: &Report, lang: Lang, community: Option<&str>) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let title_format = Format::new().set_bold().set_font_size(14);
    let percent = Format::new().set_num_format("0.0%");
    let w = lang.report_words();
    for (i, section) in sections::present(r).iter().enumerate() {
        let table = sections::section(r, *section, Audience::People(lang));
        let sheet = book.add_worksheet();
        sheet.set_name(sheet_name(&table.title))?;
        let mut row = 0u32;
        if i == 0 {
            sheet.write_string_with_format(
                0,
                0,
                sections::title(r, lang, community),
                &title_format,
            )?;
            sheet.write_string(1, 0, format!("{} {}", w.as_of, r.as_of))?;
            for (j, f) in sections::headline(r, lang).iter().enumerate() {
                sheet.write_string(2 + j as u32, 0, f.label)?;
                if let Some(Value::Count(n)) = f.value {
                    sheet.write_number(2 + j as u32, 1, n as f64)?;
                }
            }
            row = 7;
        }
        for (c, h) in table.header.iter().enumerate() {
            sheet.write_string_with_format(row, c as u16, h, &bold)?;
            let width = table
                .rows
                .iter()
                .map(|r| {
                    r[c].human()
                        .chars()
                        .map(|ch| if ch.is_ascii() { 1 } else { 2 })
                        .sum::<usize>()
                })
                .chain(std::iter::once(
                    h.chars().map(|ch| if ch.is_ascii() { 1 } else { 2 }).sum(),
                ))
                .max()
                .unwrap_or(8);
            sheet.set_column_width(c as u16, (width as f64 + 2.0).min(50.0))?;
        }
        for (k, values) in table.rows.iter().enumerate() {
            let y = row + 1 + k as u32;
            for (c, v) in values.iter().enumerate() {
                let x = c as u16;
                match v {
                    Value::Text(t) => {
                        sheet.write_string(y, x, t)?;
                    }
                    Value::Count(n) => {
                        sheet.write_number(y, x, *n as f64)?;
                    }
                    Value::Rate(Some(rate)) => {
                        sheet.write_number_with_format(y, x, *rate, &percent)?;
                    }
                    Value::Days(Some(d)) => {
                        sheet.write_number(y, x, *d as f64)?;
                    }
                    Value::Decimal(Some(n)) => {
                        sheet.write_number(y, x, *n)?;
                    }
                    // Dates, months and changes as people read them, until
                    // the workbook has cells of their own for them.
                    Value::Date(..)
                    | Value::Month(_)
                    | Value::Change(Some(_))
                    | Value::Points(Some(_))
                    | Value::Delta(Some(_)) => {
                        sheet.write_string(y, x, v.human())?;
                    }
                    Value::Rate(None)
                    | Value::Days(None)
                    | Value::Decimal(None)
                    | Value::Change(None)
                    | Value::Points(None)
                    | Value::Delta(None) => {}
                }
            }
        }
        if table.rows.is_empty() {
            sheet.write_string(row + 1, 0, w.none)?;
        }
    }
    book.save_to_buffer()
}
