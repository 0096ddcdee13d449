//! The columns of a visit log that are not visit fields (照片, 经度, 纬度,
//! anything else): import keeps them in visits.csv under the log's own
//! header name, so nothing a log carries is lost.
//!
//! - Names are the same after trimming, ASCII letters in either case.
//! - Coordinates (经度/longitude/lng/lon, 纬度/latitude/lat, and 经纬度 as
//!   "lng,lat" in one cell) must be numbers in range; photos and other
//!   cells stay text as written.
//! - A column named as the roster names personal data (姓名/name,
//!   电话/联系电话/phone, 身份证号/id_number) is personal data: kept in
//!   visits.csv like the rest, masked in every output unless `--reveal`.
//! - Widening visits.csv appends the new names to its header line and an
//!   empty cell to every row, each before its line end, byte for byte the
//!   rest of the file as it was.

use crate::error::FieldName;

/// Whether two header names name the same column.
pub fn same_name(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

/// What a kept column's cells must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coordinate {
    Longitude,
    Latitude,
    /// "lng,lat" in one cell.
    Pair,
}

/// The coordinate a column's name says it holds, if any.
pub fn coordinate(name: &str) -> Option<Coordinate> {
    let n = name.trim().to_ascii_lowercase();
    match n.as_str() {
        "经度" | "經度" | "longitude" | "lng" | "lon" | "long" => Some(Coordinate::Longitude),
        "纬度" | "緯度" | "latitude" | "lat" => Some(Coordinate::Latitude),
        "经纬度" | "經緯度" | "坐标" | "坐標" | "coordinates" => Some(Coordinate::Pair),
        _ => None,
    }
}

/// Why a coordinate cell is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CoordinateError {
    NotANumber,
    OutOfRange,
}

fn number(text: &str) -> Option<f64> {
    let t = text.trim();
    let t = t.strip_suffix('°').unwrap_or(t).trim();
    // Only plain decimal numbers ("inf", "NaN" and "1e3" are not positions).
    let plain = !t.is_empty()
        && t.bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+'));
    t.parse::<f64>().ok().filter(|f| plain && f.is_finite())
}

fn in_range(value: &str, limit: f64) -> Result<(), CoordinateError> {
    let n = number(value).ok_or(CoordinateError::NotANumber)?;
    if (-limit..=limit).contains(&n) {
        Ok(())
    } else {
        Err(CoordinateError::OutOfRange)
    }
}

/// Checks a non-empty cell of a coordinate column.
pub fn check_coordinate(kind: Coordinate, value: &str) -> Result<(), CoordinateError> {
    match kind {
        Coordinate::Longitude => in_range(value, 180.0),
        Coordinate::Latitude => in_range(value, 90.0),
        Coordinate::Pair => {
            let parts: Vec<&str> = value
                .split([',', '，', ';', '；', ' '])
                .filter(|p| !p.trim().is_empty())
                .collect();
            match parts.as_slice() {
                [lng, lat] => {
                    in_range(lng, 180.0)?;
                    in_range(lat, 90.0)
                }
                _ => Err(CoordinateError::NotANumber),
            }
        }
    }
}

/// The personal field (name, phone, id_number) a column's name is an
/// alias of in the roster, if it is one.
pub fn personal(name: &str) -> Option<FieldName> {
    crate::data::headers::field_of(&crate::data::headers::RESIDENTS, name)
        .filter(|f| matches!(*f, "name" | "phone" | "id_number"))
}

/// A kept cell as output shows it: a personal column's cell masked as the
/// roster's are, a phone or ID number typed into any other masked as in a
/// note; in full with `reveal`.
pub fn shown(name: &str, value: &str, reveal: bool) -> String {
    if reveal {
        return value.to_string();
    }
    match personal(name) {
        Some("name") => crate::privacy::mask_name(value),
        Some(_) => crate::privacy::mask_id_number(value),
        None => crate::privacy::mask_numbers_in(value).into_owned(),
    }
}

/// The bytes of a CSV file with `header_suffix` (",name,…" in the file's
/// encoding) put at the end of its first line that holds anything, and
/// `cells` empty cells (",,") at the end of every other line with a
/// record on it, each before the line's end; every other byte as it was.
/// A line end inside a quoted cell is no line's end. The bytes `"`, `,`,
/// CR and LF mean the same in UTF-8 and GB18030 (neither uses them inside
/// a character), so this works on the raw bytes of both.
pub fn widen(bytes: &[u8], header_suffix: &[u8], cells: usize) -> Vec<u8> {
    let mut out = Vec::new();
    widen_into(bytes, &mut out, header_suffix, cells).expect("writing to memory");
    out
}

/// `widen`, read from `input` and written to `out` as it goes (a file of
/// any size, in little memory). A CR ends a line as a LF does, so that a
/// CRLF is a line's end then an empty line, which holds no record.
pub fn widen_into(
    mut input: impl std::io::Read,
    out: &mut impl std::io::Write,
    header_suffix: &[u8],
    cells: usize,
) -> std::io::Result<()> {
    let commas = vec![b','; cells];
    let mut buf = vec![0u8; 1 << 16];
    let mut quoted = false;
    // Whether the line so far holds anything but blanks (and the BOM).
    let mut filled = false;
    let mut header_done = false;
    let mut bom_len = None;
    loop {
        let n = match input.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let chunk = &buf[..n];
        let skip = *bom_len.get_or_insert(if chunk.starts_with(b"\xEF\xBB\xBF") {
            3
        } else {
            0
        });
        let mut from = 0;
        for (i, &b) in chunk.iter().enumerate() {
            let bom = i < skip;
            if b == b'"' {
                quoted = !quoted;
                filled = true;
            } else if !quoted && (b == b'\n' || b == b'\r') {
                if filled {
                    out.write_all(&chunk[from..i])?;
                    from = i;
                    if header_done {
                        out.write_all(&commas)?;
                    } else {
                        out.write_all(header_suffix)?;
                        header_done = true;
                    }
                }
                filled = false;
            } else if !b.is_ascii_whitespace() && !bom {
                filled = true;
            }
        }
        out.write_all(&chunk[from..])?;
        bom_len = Some(0);
    }
    if filled {
        out.write_all(if header_done { &commas } else { header_suffix })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widening_keeps_every_byte() {
        let old = "\u{feff}日期,户号,备注\r\n2020-01-01,H1,\"a,\r\nb\"\r\n\r\n2020-01-02,H2,x";
        let new = widen(old.as_bytes(), ",照片".as_bytes(), 1);
        assert_eq!(
            String::from_utf8(new).unwrap(),
            "\u{feff}日期,户号,备注,照片\r\n2020-01-01,H1,\"a,\r\nb\",\r\n\r\n2020-01-02,H2,x,"
        );
        let lf = widen(b"\ndate,household\n2020-01-01,H1\n", b",a,b", 2);
        assert_eq!(lf, b"\ndate,household,a,b\n2020-01-01,H1,,\n");
    }

    #[test]
    fn widening_in_pieces_gives_the_same_bytes() {
        /// A reader that gives one byte at a time.
        struct Trickle<'a>(&'a [u8]);
        impl std::io::Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                match self.0.split_first() {
                    Some((b, rest)) if !buf.is_empty() => {
                        buf[0] = *b;
                        self.0 = rest;
                        Ok(1)
                    }
                    _ => Ok(0),
                }
            }
        }
        let old =
            "date,household,note\r\n2020-01-01,H1,\"a\r\n\"\"b\"\"\"\r\n\r\n2020-01-02,H2,x\r\n";
        let mut out = Vec::new();
        widen_into(Trickle(old.as_bytes()), &mut out, b",p", 1).unwrap();
        assert_eq!(out, widen(old.as_bytes(), b",p", 1));
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "date,household,note,p\r\n2020-01-01,H1,\"a\r\n\"\"b\"\"\",\r\n\r\n2020-01-02,H2,x,\r\n"
        );
    }

    #[test]
    fn coordinates() {
        use Coordinate::*;
        assert_eq!(coordinate(" 经度 "), Some(Longitude));
        assert_eq!(coordinate("LAT"), Some(Latitude));
        assert_eq!(coordinate("照片"), None);
        assert!(check_coordinate(Longitude, "116.397").is_ok());
        assert!(check_coordinate(Longitude, "-180").is_ok());
        assert!(check_coordinate(Latitude, "39.9°").is_ok());
        assert!(check_coordinate(Pair, "116.39,39.91").is_ok());
        assert!(check_coordinate(Pair, "116.39， 39.91").is_ok());
        let bad = [
            (Longitude, "181", CoordinateError::OutOfRange),
            (Latitude, "-90.5", CoordinateError::OutOfRange),
            (Latitude, "北纬39度", CoordinateError::NotANumber),
            (Longitude, "inf", CoordinateError::NotANumber),
            (Longitude, "1e2", CoordinateError::NotANumber),
            (Pair, "116.39", CoordinateError::NotANumber),
            (Pair, "39.91,116.39", CoordinateError::OutOfRange),
        ];
        for (kind, value, why) in bad {
            assert_eq!(check_coordinate(kind, value), Err(why), "{value}");
        }
    }

    #[test]
    fn personal_columns() {
        assert_eq!(personal("姓名"), Some("name"));
        assert_eq!(personal("联系电话"), Some("phone"));
        assert_eq!(personal("ID_Number"), Some("id_number"));
        assert_eq!(personal("照片"), None);
        assert_eq!(shown("电话", "13812345678", false), "138****5678");
        assert_eq!(shown("姓名", "张三丰", false), "张**");
        assert_eq!(shown("姓名", "张三丰", true), "张三丰");
    }
}
