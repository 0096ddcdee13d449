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
