//! The date forms SPEC.md accepts in every file: `YYYY-MM-DD` (one-digit
//! month and day allowed), `YYYY/M/D`, `YYYY.M.D`, `YYYYMMDD` (exactly eight
//! digits) and `YYYY年M月D日`; and Excel serial numbers from spreadsheet cells.
//! An impossible date is an error, never rolled over.

use chrono::{Datelike, NaiveDate};

pub use crate::error::DateError;

/// Parses a trimmed cell. The empty cell is the caller's business.
pub fn parse(text: &str) -> Result<NaiveDate, DateError> {
    let s = text.trim().as_bytes();
    // Fast path for the stored form: exactly YYYY-MM-DD.
    if s.len() == 10 && s[4] == b'-' && s[7] == b'-' {
        if let (Some(y), Some(m), Some(d)) = (digits(&s[0..4]), digits(&s[5..7]), digits(&s[8..10]))
        {
            return make(y, m, d);
        }
        return Err(DateError::Form);
    }
    if s.len() == 8 && s.iter().all(u8::is_ascii_digit) {
        let (y, m, d) = (digits(&s[0..4]), digits(&s[4..6]), digits(&s[6..8]));
        return make(y.unwrap_or(0), m.unwrap_or(0), d.unwrap_or(0));
    }
    let text = text.trim();
    if let Some(rest) = text.strip_suffix('日') {
        let (y, rest) = rest.split_once('年').ok_or(DateError::Form)?;
        let (m, d) = rest.split_once('月').ok_or(DateError::Form)?;
        return ymd(y, m, d);
    }
    for sep in ['-', '/', '.'] {
        let mut parts = text.split(sep);
        if let (Some(y), Some(m), Some(d), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        {
            return ymd(y, m, d);
        }
    }
    Err(DateError::Form)
}

/// Year of four digits, month and day of one or two.
fn ymd(y: &str, m: &str, d: &str) -> Result<NaiveDate, DateError> {
    let (y, m, d) = (
        y.trim().as_bytes(),
        m.trim().as_bytes(),
        d.trim().as_bytes(),
    );
    if y.len() != 4 || !(1..=2).contains(&m.len()) || !(1..=2).contains(&d.len()) {
        return Err(DateError::Form);
    }
    match (digits(y), digits(m), digits(d)) {
        (Some(y), Some(m), Some(d)) => make(y, m, d),
        _ => Err(DateError::Form),
    }
}

fn digits(s: &[u8]) -> Option<u32> {
    if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(s.iter().fold(0, |n, b| n * 10 + u32::from(b - b'0')))
}

fn make(y: u32, m: u32, d: u32) -> Result<NaiveDate, DateError> {
    if y < 1000 {
        return Err(DateError::Year);
    }
    NaiveDate::from_ymd_opt(y as i32, m, d).ok_or(DateError::Impossible)
}

/// An Excel serial day number (1900 date system, as Excel and WPS write it:
/// serial 1 is 1900-01-01 and the phantom 1900-02-29 is serial 60). Only
/// whole days from 1900-03-01 (serial 61) to 9999-12-31 are dates here.
pub fn from_excel_serial(serial: f64) -> Option<NaiveDate> {
    if !serial.is_finite() || !(61.0..=2_958_465.0).contains(&serial) {
        return None;
    }
    let days = serial.floor() as i64;
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    base.checked_add_signed(chrono::Duration::days(days))
        .filter(|d| d.year() >= 1000)
}

/// Days from the common era: a date as a number, for counting.
pub fn days(date: NaiveDate) -> i32 {
    use chrono::Datelike;
    date.num_days_from_ce()
}

/// The date `days` from the common era.
pub fn from_days(days: i32) -> NaiveDate {
    from_days_opt(days).expect("a day of a date")
}

/// The date `days` from the common era, if there is one. A city's million
/// latest visits fall on a few hundred days: each thread keeps the days
/// it made dates of lately (a slot per day number modulo 1024), and
/// works out a day again only when another has taken its slot.
pub fn from_days_opt(days: i32) -> Option<NaiveDate> {
    use std::cell::Cell;
    type Slot = Cell<(i32, Option<NaiveDate>)>;
    thread_local! {
        // An empty slot stands for i32::MIN, which is no date.
        static MADE: [Slot; 1024] = const { [const { Cell::new((i32::MIN, None)) }; 1024] };
    }
    MADE.with(|made| {
        let slot = &made[days as u32 as usize % made.len()];
        match slot.get() {
            (k, date) if k == days => date,
            _ => {
                let date = NaiveDate::from_num_days_from_ce_opt(days);
                slot.set((days, date));
                date
            }
        }
    })
}

/// The stored form.
pub fn iso(d: NaiveDate) -> String {
    let mut out = String::with_capacity(10);
    push_iso(&mut out, d);
    out
}

/// Appends the stored form, without chrono's formatting machinery (a
/// city's `due` writes millions of dates).
pub fn push_iso(out: &mut String, d: NaiveDate) {
    let mut bytes = Vec::with_capacity(10);
    write_iso(&mut bytes, d);
    // Digits and dashes (and a sign) only.
    out.push_str(std::str::from_utf8(&bytes).unwrap_or_default());
}

/// `push_iso` onto bytes.
pub fn write_iso(out: &mut Vec<u8>, d: NaiveDate) {
    let (y, m, day) = (d.year(), d.month(), d.day());
    if (0..=9999).contains(&y) {
        let y = y as u32;
        for digit in [y / 1000, y / 100 % 10, y / 10 % 10, y % 10] {
            out.push(b'0' + digit as u8);
        }
    } else {
        out.extend_from_slice(format!("{y:04}").as_bytes());
    }
    for n in [m, day] {
        out.push(b'-');
        out.push(b'0' + (n / 10) as u8);
        out.push(b'0' + (n % 10) as u8);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_kept_made_are_the_days_chrono_makes() {
        // Days that share a slot (1024 apart) in turn, days asked for
        // again, and days that are no date (past chrono's years, and the
        // number an empty slot stands for).
        let mut rng = crate::testing::Rng(0x5eed);
        let base = days(NaiveDate::from_ymd_opt(2024, 1, 1).expect("a date"));
        let mut asked: Vec<i32> = (0..20_000)
            .map(|_| base + rng.below(4096) as i32 - 2048)
            .collect();
        asked.extend([
            i32::MIN,
            i32::MAX,
            i32::MIN + 1024,
            -1,
            0,
            1,
            base,
            base + 1024,
        ]);
        asked.extend([base, i32::MIN, base + 2048, base]);
        for d in asked {
            assert_eq!(
                from_days_opt(d),
                NaiveDate::from_num_days_from_ce_opt(d),
                "{d}"
            );
        }
    }

    fn ok(s: &str) -> String {
        iso(parse(s).unwrap_or_else(|e| panic!("{s}: {e:?}")))
    }

    #[test]
    fn accepted_forms() {
        assert_eq!(ok("2020-07-03"), "2020-07-03");
        assert_eq!(ok("2020-7-3"), "2020-07-03");
        assert_eq!(ok("2020/7/3"), "2020-07-03");
        assert_eq!(ok("2020/07/03"), "2020-07-03");
        assert_eq!(ok("2020.7.3"), "2020-07-03");
        assert_eq!(ok("20200703"), "2020-07-03");
        assert_eq!(ok("2020年7月3日"), "2020-07-03");
        assert_eq!(ok("2020年07月03日"), "2020-07-03");
        assert_eq!(ok("  2020-07-03 "), "2020-07-03");
        assert_eq!(ok("2020-02-29"), "2020-02-29");
    }

    #[test]
    fn impossible_dates_are_errors() {
        assert_eq!(parse("2020-02-30"), Err(DateError::Impossible));
        assert_eq!(parse("2019-02-29"), Err(DateError::Impossible));
        assert_eq!(parse("2020-13-01"), Err(DateError::Impossible));
        assert_eq!(parse("20201301"), Err(DateError::Impossible));
        assert_eq!(parse("2020年2月30日"), Err(DateError::Impossible));
        assert_eq!(parse("2020-00-10"), Err(DateError::Impossible));
        assert_eq!(parse("0000-01-01"), Err(DateError::Year));
        assert_eq!(ok("9999-12-31"), "9999-12-31");
    }

    #[test]
    fn other_forms_are_rejected() {
        for s in [
            "2020-7",
            "7/3/2020",
            "03.07.2020",
            "2020-07-03 10:00",
            "2020703",
            "202007031",
            "20-7-3",
            "2020-007-3",
            "2020/7-3",
            "2020年7月3",
            "abc",
            "2020--7-3",
            "２０２０-07-03",
            "2020-+7-3",
        ] {
            assert_eq!(parse(s), Err(DateError::Form), "{s}");
        }
    }

    #[test]
    fn iso_text() {
        for s in ["2020-07-03", "1000-01-01", "9999-12-31", "2024-02-29"] {
            assert_eq!(iso(parse(s).unwrap()), s);
        }
    }

    #[test]
    fn excel_serials() {
        assert_eq!(
            from_excel_serial(43_985.0).map(iso),
            Some("2020-06-03".into())
        );
        assert_eq!(from_excel_serial(61.0).map(iso), Some("1900-03-01".into()));
        assert_eq!(
            from_excel_serial(43_985.75).map(iso),
            Some("2020-06-03".into())
        );
        assert_eq!(from_excel_serial(60.0), None);
        assert_eq!(from_excel_serial(-1.0), None);
        assert_eq!(from_excel_serial(1e12), None);
        assert_eq!(from_excel_serial(f64::NAN), None);
    }
}
