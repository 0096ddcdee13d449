//! Text encodings of input files (SPEC "Encoding"): UTF-8 with or without a
//! BOM, otherwise GB18030 (a superset of GBK, what Excel and WPS write on a
//! Chinese Windows). Bytes that are neither are an error naming the line;
//! nothing is replaced in silence.
//!
//! The choice is the SPEC's, made on the whole file: `sniff` reads it once
//! and it is UTF-8 exactly when all of it is valid UTF-8. (Deciding on the
//! first lines is not enough: many common characters saved as GBK happen
//! to be valid UTF-8, 住院 or 叶伟 among them.) Then `Decode` reads it
//! again, passing UTF-8 through and turning GB18030 into UTF-8.
//!
//! A GB18030 file with a line that reads as UTF-8 Chinese was most likely
//! saved in two encodings; `sniff` names the first such line, for a warning.
//!
//! A UTF-16 file (Excel's "Unicode text", with or without its byte order
//! mark) is neither; `Decode` knows it by its first bytes and says so, so
//! that the user is told to save it as UTF-8 rather than shown its header
//! as garbage.

use std::io::{self, Read};

use encoding_rs::{DecoderResult, GB18030};

/// The encoding a file has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Gb18030,
}

/// What `sniff` found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sniff {
    pub encoding: Encoding,
    /// Every byte (past a BOM) is ASCII: the file reads the same in any
    /// of the encodings.
    pub ascii: bool,
    /// In a GB18030 file, the first line that looks like UTF-8 Chinese.
    pub utf8_line: Option<u64>,
}

/// The payload of the `io::Error` that `Decode` returns on bad bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodingError {
    /// Physical line (1-based) holding the bad bytes.
    pub line: u64,
    /// The whole file is UTF-16 (the line is 1).
    pub utf16: bool,
}

impl EncodingError {
    /// What is wrong, for a problem at `line`.
    pub fn reason(&self) -> crate::error::Reason {
        if self.utf16 {
            crate::error::Reason::Utf16
        } else {
            crate::error::Reason::Encoding
        }
    }
}

impl std::fmt::Display for EncodingError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.utf16 {
            return f.write_str("the file is UTF-16, not UTF-8 or GB18030");
        }
        write!(
            f,
            "line {}: bytes that are neither UTF-8 nor GB18030",
            self.line
        )
    }
}

impl std::error::Error for EncodingError {}

const CHUNK: usize = 1 << 16;

/// How much of a file's start `looks_utf16` looks at.
const HEAD: usize = 4096;

/// Whether a file that starts with `head` is UTF-16: it starts with a
/// UTF-16 byte order mark (neither UTF-8 nor GB18030 can start so), or
/// NUL bytes fall on one side of the byte pairs, in an eighth of them at
/// least, as the ASCII characters (tabs, commas, line breaks, digits) of
/// UTF-16 text put them. UTF-8 and GB18030 text has NUL bytes only where
/// something typed one into a cell, a few at most.
pub fn looks_utf16(head: &[u8]) -> bool {
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        return true;
    }
    let head = &head[..head.len().min(HEAD) & !1];
    let (mut even, mut odd) = (0usize, 0usize);
    for pair in head.chunks_exact(2) {
        even += usize::from(pair[0] == 0);
        odd += usize::from(pair[1] == 0);
    }
    let (many, few) = (even.max(odd), even.min(odd));
    many >= 2 && many * 8 >= head.len() / 2 && few * 4 <= many
}

/// Physical lines: LF, CRLF and a lone CR each end one, as in `records`.
#[derive(Debug, Default, Clone, Copy)]
struct LineCount {
    lines: u64,
    after_cr: bool,
}

impl LineCount {
    fn feed(&mut self, bytes: &[u8]) {
        for &b in bytes {
            match b {
                b'\n' => {
                    if !self.after_cr {
                        self.lines += 1;
                    }
                    self.after_cr = false;
                }
                b'\r' => {
                    self.lines += 1;
                    self.after_cr = true;
                }
                _ => self.after_cr = false,
            }
        }
    }

    /// The 1-based line of the next byte.
    fn current(&self) -> u64 {
        self.lines + 1
    }
}

/// Reads `input` to its end and settles its encoding. For a file that is
/// not UTF-8, `again` reads it once more from the start to find the first
/// line that looks like UTF-8 Chinese.
pub fn sniff<R: Read>(mut input: R, again: impl FnOnce() -> io::Result<R>) -> io::Result<Sniff> {
    let mut buf = vec![0u8; CHUNK];
    let mut carry: Vec<u8> = Vec::new();
    let mut first = true;
    let mut bom = false;
    let mut ascii = true;
    loop {
        let n = read_some(&mut input, &mut buf)?;
        if n == 0 {
            break;
        }
        let mut chunk = &buf[..n];
        if first {
            first = false;
            if chunk.starts_with(b"\xEF\xBB\xBF") {
                bom = true;
                chunk = &chunk[3..];
            }
        }
        ascii &= chunk.is_ascii();
        // Validate carry + chunk; keep an incomplete sequence at the end.
        let data: std::borrow::Cow<'_, [u8]> = if carry.is_empty() {
            chunk.into()
        } else {
            let mut v = std::mem::take(&mut carry);
            v.extend_from_slice(chunk);
            v.into()
        };
        match std::str::from_utf8(&data) {
            Ok(_) => {}
            Err(e) if e.error_len().is_none() => carry = data[e.valid_up_to()..].to_vec(),
            // A BOM says UTF-8; the bad bytes are an error when read.
            Err(_) if bom => break,
            Err(_) => {
                return Ok(Sniff {
                    encoding: Encoding::Gb18030,
                    ascii: false,
                    utf8_line: utf8_looking_line(again()?)?,
                });
            }
        }
    }
    // A sequence cut by the end of the file is not UTF-8 either.
    if !carry.is_empty() && !bom {
        return Ok(Sniff {
            encoding: Encoding::Gb18030,
            ascii: false,
            utf8_line: utf8_looking_line(again()?)?,
        });
    }
    Ok(Sniff {
        encoding: if bom {
            Encoding::Utf8Bom
        } else {
            Encoding::Utf8
        },
        ascii,
        utf8_line: None,
    })
}

/// Sniffs a byte slice.
pub fn sniff_bytes(bytes: &[u8]) -> Sniff {
    sniff(bytes, || Ok(bytes)).expect("reading a slice cannot fail")
}

/// The first line that is valid UTF-8 holding at least two three-byte
/// sequences (two CJK characters in UTF-8): in a GB18030 file, a sign that
/// part of it was saved as UTF-8.
fn utf8_looking_line(input: impl Read) -> io::Result<Option<u64>> {
    let mut lines = LineCount::default();
    let mut line: Vec<u8> = Vec::new();
    let looks = |l: &[u8]| {
        std::str::from_utf8(l).is_ok()
            && l.iter().filter(|b| (0xE0..=0xEF).contains(*b)).count() >= 2
    };
    for b in io::BufReader::new(input).bytes() {
        let b = b?;
        if b == b'\n' || b == b'\r' {
            if looks(&line) {
                return Ok(Some(lines.current()));
            }
            line.clear();
            lines.feed(&[b]);
        } else {
            line.push(b);
        }
    }
    Ok(looks(&line).then(|| lines.current()))
}

fn read_some(input: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match input.read(buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            r => return r,
        }
    }
}

/// Wraps a byte reader of a known encoding and yields UTF-8 without a BOM.
pub struct Decode<R> {
    inner: R,
    decoder: Option<encoding_rs::Decoder>,
    started: bool,
    flushed: bool,
    raw: Vec<u8>,
    out: Vec<u8>,
    out_pos: usize,
    lines: LineCount,
    /// Bad bytes found; reported once the text before them is handed out.
    failed: bool,
    /// The file is UTF-16: nothing of it is handed out.
    utf16: bool,
    /// The file's first bytes, read before anything else, not yet decoded
    /// (GB18030 only).
    pending: Vec<u8>,
}

impl<R: Read> Decode<R> {
    pub fn new(inner: R, encoding: Encoding) -> Self {
        Decode {
            inner,
            decoder: (encoding == Encoding::Gb18030)
                .then(|| GB18030.new_decoder_without_bom_handling()),
            started: false,
            flushed: false,
            raw: vec![0u8; CHUNK],
            out: Vec::new(),
            out_pos: 0,
            lines: LineCount::default(),
            failed: false,
            utf16: false,
            pending: Vec::new(),
        }
    }

    fn bad(&self) -> io::Error {
        io::Error::new(
            io::ErrorKind::InvalidData,
            EncodingError {
                line: self.lines.current(),
                utf16: self.utf16,
            },
        )
    }

    /// Reads the file's first bytes (up to `HEAD`), to know a UTF-16 file
    /// before anything of it is handed out.
    fn read_head(&mut self) -> io::Result<Vec<u8>> {
        let mut head = vec![0u8; HEAD];
        let mut got = 0;
        while got < HEAD {
            let n = read_some(&mut self.inner, &mut head[got..])?;
            if n == 0 {
                break;
            }
            got += n;
        }
        head.truncate(got);
        self.utf16 = looks_utf16(&head);
        Ok(head)
    }
}

impl<R: Read> Read for Decode<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if !self.started {
            self.started = true;
            let head = self.read_head()?;
            if self.decoder.is_none() {
                self.out = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&head).to_vec();
                self.out_pos = 0;
            } else {
                self.pending = head;
            }
        }
        if self.utf16 {
            return Err(self.bad());
        }
        if self.decoder.is_none() {
            // UTF-8 (validated by `sniff`, and again record by record).
            if self.out_pos < self.out.len() {
                let n = (self.out.len() - self.out_pos).min(buf.len());
                buf[..n].copy_from_slice(&self.out[self.out_pos..self.out_pos + n]);
                self.out_pos += n;
                return Ok(n);
            }
            return read_some(&mut self.inner, buf);
        }
        loop {
            if self.out_pos < self.out.len() {
                let n = (self.out.len() - self.out_pos).min(buf.len());
                buf[..n].copy_from_slice(&self.out[self.out_pos..self.out_pos + n]);
                self.out_pos += n;
                return Ok(n);
            }
            if self.failed {
                return Err(self.bad());
            }
            if self.flushed {
                return Ok(0);
            }
            let n = if self.pending.is_empty() {
                read_some(&mut self.inner, &mut self.raw)?
            } else {
                let n = self.pending.len().min(self.raw.len());
                self.raw[..n].copy_from_slice(&self.pending[..n]);
                self.pending.drain(..n);
                n
            };
            let last = n == 0;
            let decoder = self.decoder.as_mut().expect("GB18030 mode");
            self.out.clear();
            self.out.resize(n * 2 + 16, 0);
            self.out_pos = 0;
            let (res, read, written) =
                decoder.decode_to_utf8_without_replacement(&self.raw[..n], &mut self.out, last);
            self.out.truncate(written);
            if let DecoderResult::Malformed(bad, extra) = res {
                let back = usize::from(bad) + usize::from(extra);
                let at = read.saturating_sub(back);
                self.lines.feed(&self.raw[..at]);
                // Hand out the text before the bad bytes first.
                self.failed = true;
                continue;
            }
            self.lines.feed(&self.raw[..read]);
            if last {
                self.flushed = true;
            }
        }
    }
}

/// Decodes a whole byte slice the same way (small files and tests).
pub fn decode_all(bytes: &[u8]) -> Result<(String, Encoding), EncodingError> {
    let sniffed = sniff_bytes(bytes);
    let mut d = Decode::new(bytes, sniffed.encoding);
    let mut out = Vec::new();
    match d.read_to_end(&mut out) {
        Ok(_) => match String::from_utf8(out) {
            Ok(s) => Ok((s, sniffed.encoding)),
            Err(e) => {
                let mut lines = LineCount::default();
                lines.feed(&e.as_bytes()[..e.utf8_error().valid_up_to()]);
                Err(EncodingError {
                    line: lines.current(),
                    utf16: false,
                })
            }
        },
        Err(e) => Err(e
            .get_ref()
            .and_then(|e| e.downcast_ref::<EncodingError>())
            .cloned()
            .unwrap_or(EncodingError {
                line: 1,
                utf16: false,
            })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gbk(s: &str) -> Vec<u8> {
        GB18030.encode(s).0.into_owned()
    }

    #[test]
    fn utf8_with_and_without_bom() {
        let (s, e) = decode_all("日期,户号\n2020-01-01,A\n".as_bytes()).unwrap();
        assert_eq!(
            (s.as_str(), e),
            ("日期,户号\n2020-01-01,A\n", Encoding::Utf8)
        );
        let mut b = b"\xEF\xBB\xBF".to_vec();
        b.extend_from_slice("日期\n".as_bytes());
        let (s, e) = decode_all(&b).unwrap();
        assert_eq!((s.as_str(), e), ("日期\n", Encoding::Utf8Bom));
        // A lone BOM is an empty file.
        assert_eq!(decode_all(b"\xEF\xBB\xBF").unwrap().0, "");
    }

    #[test]
    fn gb18030_is_decoded() {
        let text = "日期,户号,走访人\r\n2020年7月3日,HQ01,马春英\r\n";
        let (s, e) = decode_all(&gbk(text)).unwrap();
        assert_eq!((s.as_str(), e), (text, Encoding::Gb18030));
    }

    #[test]
    fn gbk_that_starts_out_looking_like_utf8() {
        // 住院 and 叶伟 saved as GBK are valid UTF-8 on their own.
        let text = "date,household,note\n2020-06-29,H1,住院\n2020-06-30,H1,正常\n";
        let (s, e) = decode_all(&gbk(text)).unwrap();
        assert_eq!((s.as_str(), e), (text, Encoding::Gb18030));
    }

    #[test]
    fn ascii_then_gbk_far_into_the_file() {
        let mut text = String::from("date,household\n");
        for i in 0..20_000 {
            text.push_str(&format!("2020-01-01,H{i}\n"));
        }
        text.push_str("2020-01-02,红旗\n");
        let (s, e) = decode_all(&gbk(&text)).unwrap();
        assert_eq!(e, Encoding::Gb18030);
        assert_eq!(s, text);
    }

    #[test]
    fn a_file_saved_in_two_encodings_is_noticed() {
        let mut b = gbk("id,level,grid\nA1,red,红旗\n");
        b.extend_from_slice("A2,red,红旗\n".as_bytes());
        assert_eq!(
            sniff_bytes(&b),
            Sniff {
                encoding: Encoding::Gb18030,
                ascii: false,
                utf8_line: Some(3)
            }
        );
        let mut b = "id,level,grid\rA1,red,红旗\r".as_bytes().to_vec();
        b.extend_from_slice(&gbk("A2,red,红旗\r"));
        assert_eq!(
            sniff_bytes(&b),
            Sniff {
                encoding: Encoding::Gb18030,
                ascii: false,
                utf8_line: Some(2)
            }
        );
        // A plain GBK file raises nothing.
        assert_eq!(sniff_bytes(&gbk("a\n住院\n正常\n")).utf8_line, None);
    }

    #[test]
    fn bytes_that_are_neither_name_the_line() {
        let mut b = gbk("a,b\r红,旗\r");
        b.extend_from_slice(b"x\xFF\r");
        assert_eq!(decode_all(&b).unwrap_err().line, 3);
        let mut b = gbk("a,b\r\n红,旗\r\n");
        b.extend_from_slice(b"x\xFF\r\n");
        assert_eq!(decode_all(&b).unwrap_err().line, 3);
    }

    #[test]
    fn utf16_is_known_by_its_first_bytes() {
        let le = |s: &str| -> Vec<u8> { s.encode_utf16().flat_map(u16::to_le_bytes).collect() };
        let be = |s: &str| -> Vec<u8> { s.encode_utf16().flat_map(u16::to_be_bytes).collect() };
        // Excel's "Unicode text": a byte order mark, then UTF-16 LE.
        assert!(looks_utf16(&le("\u{feff}日期\t户号\r\n")));
        assert!(looks_utf16(&le("日期\t户号\r\n2020-07-01\tH1\r\n")));
        assert!(looks_utf16(&be("date,household\r\n")));
        assert!(!looks_utf16("日期,户号\n2020-07-01,H1\n".as_bytes()));
        assert!(!looks_utf16(&gbk("日期,户号\n2020-07-01,H1\n")));
        assert!(!looks_utf16(b"a,b\n1,\0\n"), "one stray NUL");
        assert!(
            !looks_utf16(b"date,household,visitor\n2020-07-01,H1\0,\0\n"),
            "NULs typed into cells"
        );
        assert!(!looks_utf16(b""));
        for bytes in [le("\u{feff}a,b\n1,2\n"), be("a,b\n1,2\n")] {
            assert_eq!(
                decode_all(&bytes).unwrap_err(),
                EncodingError {
                    line: 1,
                    utf16: true
                }
            );
        }
    }

    #[test]
    fn small_reads_keep_characters_whole() {
        for text in ["户号,日期\n红旗网格,2020年1月1日\n".repeat(100)] {
            for bytes in [text.as_bytes().to_vec(), gbk(&text)] {
                let enc = sniff_bytes(&bytes).encoding;
                let mut d = Decode::new(bytes.as_slice(), enc);
                let mut out = Vec::new();
                let mut buf = [0u8; 7];
                loop {
                    let n = d.read(&mut buf).unwrap();
                    if n == 0 {
                        break;
                    }
                    out.extend_from_slice(&buf[..n]);
                }
                assert_eq!(String::from_utf8(out).unwrap(), text);
            }
        }
    }
}
