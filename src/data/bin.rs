//! A small little-endian byte format for the caches (`data::cache`):
//! numbers, dates and texts, read back with every length checked.

use chrono::{Datelike, NaiveDate};

#[derive(Default)]
pub struct Writer {
    pub bytes: Vec<u8>,
}

impl Writer {
    pub fn u32(&mut self, v: u32) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }
    pub fn u64(&mut self, v: u64) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }
    /// A date as days from the common era; none is `i32::MIN`.
    pub fn date(&mut self, d: Option<NaiveDate>) {
        let days = d.map_or(i32::MIN, |d| d.num_days_from_ce());
        self.bytes.extend_from_slice(&days.to_le_bytes());
    }
    pub fn text(&mut self, s: &str) {
        self.u64(s.len() as u64);
        self.bytes.extend_from_slice(s.as_bytes());
    }
    /// Hands what has gathered to `out` once it is large.
    pub fn spill(&mut self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        if self.bytes.len() >= 1 << 16 {
            out.write_all(&self.bytes)?;
            self.bytes.clear();
        }
        Ok(())
    }
}

pub struct Reader<'a> {
    pub bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    pub fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.bytes.len() {
            return None;
        }
        let (a, b) = self.bytes.split_at(n);
        self.bytes = b;
        Some(a)
    }
    pub fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    pub fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    /// `None` for bytes that are no date; `Some(None)` for "no date".
    pub fn date(&mut self) -> Option<Option<NaiveDate>> {
        let days = i32::from_le_bytes(self.take(4)?.try_into().ok()?);
        if days == i32::MIN {
            return Some(None);
        }
        crate::model::date::from_days_opt(days).map(Some)
    }
    pub fn text(&mut self) -> Option<&'a str> {
        let n = usize::try_from(self.u64()?).ok()?;
        std::str::from_utf8(self.take(n)?).ok()
    }
    /// A count of items each at least `size` bytes long, checked against
    /// what is left (so that a damaged count cannot ask for huge memory).
    pub fn count(&mut self, size: usize) -> Option<usize> {
        let n = usize::try_from(self.u64()?).ok()?;
        (n.checked_mul(size)? <= self.bytes.len()).then_some(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_short_input() {
        let mut w = Writer::default();
        w.u32(7);
        w.date(NaiveDate::from_ymd_opt(2020, 2, 29));
        w.date(None);
        w.text("东岗");
        w.u64(3);
        let mut r = Reader { bytes: &w.bytes };
        assert_eq!(r.u32(), Some(7));
        assert_eq!(r.date(), Some(NaiveDate::from_ymd_opt(2020, 2, 29)));
        assert_eq!(r.date(), Some(None));
        assert_eq!(r.text(), Some("东岗"));
        assert_eq!(r.count(1), None, "three items cannot fit in no bytes");
        let mut short = Reader {
            bytes: &w.bytes[..w.bytes.len() - 12],
        };
        short.u32();
        short.date();
        short.date();
        assert_eq!(short.text(), None);
    }
}
