//! The guard against spreadsheet formulas, one convention for every CSV
//! the tool writes (its outputs, rejects files and the cells `import` and
//! `visit` append to visits.csv) and for reading its own cells back.

/// A cell that Excel or WPS would take for a formula (=, +, -, @, tab,
/// carriage return at its start) gets a leading apostrophe, so that it
/// shows as text (OWASP "CSV injection"). Real numbers stay numbers.
pub fn safe_cell(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = matches!(
        cell.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    );
    if !risky {
        return cell.into();
    }
    // A number is digits with a sign, a point, an exponent: "-inf" and
    // "-NaN" parse as floats but are words to a spreadsheet.
    let number = cell.parse::<f64>().is_ok_and(f64::is_finite)
        && cell
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'));
    if risky && !number {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// The inverse of `safe_cell`, for reading back a file the tool wrote: one
/// leading apostrophe is removed when what follows is a cell `safe_cell`
/// guards, so that stored text reads as it was given.
pub fn unguard_cell(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if safe_cell(rest).len() > rest.len() => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_become_text() {
        assert_eq!(safe_cell("=1+1"), "'=1+1");
        assert_eq!(safe_cell("+86 138"), "'+86 138");
        assert_eq!(safe_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(safe_cell("\tx"), "'\tx");
        for cell in [
            "=1+A1",
            "+evil",
            "-cmd|calc",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "plain",
            "-1",
            "'-1",
            "'x",
            "'",
        ] {
            assert_eq!(unguard_cell(&safe_cell(cell)), cell);
        }
        assert_eq!(unguard_cell("'=1+A1"), "=1+A1");
        // A number is never guarded: its apostrophe is the text's own.
        assert_eq!(unguard_cell("'-1"), "'-1");
        assert_eq!(safe_cell("-5"), "-5");
        assert_eq!(safe_cell("-1.5"), "-1.5");
        assert_eq!(safe_cell("HQ01-1-0101"), "HQ01-1-0101");
        assert_eq!(safe_cell(""), "");
        assert_eq!(safe_cell("\r=1"), "'\r=1");
        assert_eq!(safe_cell("-2e3"), "-2e3");
        assert_eq!(safe_cell("+7"), "+7");
        // Floats to Rust, words (or names) to a spreadsheet.
        assert_eq!(safe_cell("-inf"), "'-inf");
        assert_eq!(safe_cell("-NaN"), "'-NaN");
        assert_eq!(safe_cell("-1+cmd|' /C calc'!A0"), "'-1+cmd|' /C calc'!A0");
    }
}
