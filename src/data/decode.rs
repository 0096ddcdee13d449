//! Text encodings of input files (SPEC "Encoding"): UTF-8 with or without a
//! BOM, otherwise GB18030 (a superset of GBK, what Excel and WPS write on a
//! Chinese Windows). Bytes that are neither are an error naming the line;
//! nothing is replaced in silence.
//!
//! The choice is made on the first line that holds a non-ASCII byte: if
//! that line is valid UTF-8 the file is UTF-8, else GB18030. A later line
//! that breaks the chosen encoding is an error, so a file with some lines
//! saved as UTF-8 and others as GBK is reported, not garbled.

use std::io::{self, Read};

use encoding_rs::{DecoderResult, GB18030};

/// The encoding a file turned out to have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Gb18030,
}

/// The payload of the `io::Error` that `Decode` returns on bad bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodingError {
    /// Physical line (1-based) holding the bad bytes.
    pub line: u64,
    /// The encoding the file had been read in up to there.
    pub encoding: Encoding,
}

impl std::fmt::Display for EncodingError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "line {}: bytes that are neither UTF-8 nor GB18030",
            self.line
        )
    }
}

impl std::error::Error for EncodingError {}

enum Mode {
    /// Only ASCII seen so far.
    Undecided,
    Utf8,
    Gb18030(Box<encoding_rs::Decoder>),
}

/// Wraps a byte reader and yields UTF-8 without a BOM.
pub struct Decode<R> {
    inner: R,
    mode: Mode,
    bom: bool,
    started: bool,
    /// Raw bytes read but not yet handed out (or decoded).
    raw: Vec<u8>,
    raw_pos: usize,
    eof: bool,
    /// Decoded bytes waiting to be handed out (GB18030 only).
    out: Vec<u8>,
    out_pos: usize,
    /// Newlines in the raw bytes consumed so far.
    lines_done: u64,
    /// The GB18030 decoder has been told the input ended.
    flushed: bool,
}

const CHUNK: usize = 1 << 16;

impl<R: Read> Decode<R> {
    pub fn new(inner: R) -> Self {
        Decode {
            inner,
            mode: Mode::Undecided,
            bom: false,
            started: false,
            raw: Vec::with_capacity(CHUNK),
            raw_pos: 0,
            eof: false,
            out: Vec::new(),
            out_pos: 0,
            lines_done: 0,
            flushed: false,
        }
    }

    /// The encoding decided so far (UTF-8 while the file was all ASCII).
    pub fn encoding(&self) -> Encoding {
        match (&self.mode, self.bom) {
            (Mode::Gb18030(_), _) => Encoding::Gb18030,
            (_, true) => Encoding::Utf8Bom,
            _ => Encoding::Utf8,
        }
    }

    /// Reads more raw bytes; returns false at end of input.
    fn fill(&mut self) -> io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        if self.raw_pos > 0 {
            self.raw.drain(..self.raw_pos);
            self.raw_pos = 0;
        }
        let len = self.raw.len();
        self.raw.resize(len + CHUNK, 0);
        let n = loop {
            match self.inner.read(&mut self.raw[len..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.raw.truncate(len);
                    return Err(e);
                }
            }
        };
        self.raw.truncate(len + n);
        if n == 0 {
            self.eof = true;
        }
        Ok(n > 0)
    }

    fn error(&self, bad_at: usize) -> io::Error {
        let line = self.lines_done
            + 1
            + self.raw[self.raw_pos..bad_at]
                .iter()
                .filter(|&&b| b == b'\n')
                .count() as u64;
        io::Error::new(
            io::ErrorKind::InvalidData,
            EncodingError {
                line,
                encoding: self.encoding(),
            },
        )
    }

    /// Hands out `n` raw bytes from `raw_pos` unchanged.
    fn pass(&mut self, buf: &mut [u8], n: usize) -> usize {
        let n = n.min(buf.len());
        let src = &self.raw[self.raw_pos..self.raw_pos + n];
        buf[..n].copy_from_slice(src);
        self.lines_done += src.iter().filter(|&&b| b == b'\n').count() as u64;
        self.raw_pos += n;
        n
    }

    /// Decides the mode at the first non-ASCII byte, at `raw_pos`.
    fn decide(&mut self) -> io::Result<()> {
        // Look at the rest of the line holding that byte.
        loop {
            let rest = &self.raw[self.raw_pos..];
            if let Some(nl) = rest.iter().position(|&b| b == b'\n') {
                self.mode = choose(&rest[..nl], false);
                return Ok(());
            }
            if !self.fill()? {
                self.mode = choose(&self.raw[self.raw_pos..], true);
                return Ok(());
            }
        }
    }
}

fn choose(line: &[u8], at_eof: bool) -> Mode {
    match std::str::from_utf8(line) {
        Ok(_) => Mode::Utf8,
        // An incomplete sequence cut by the end of the file still counts as
        // UTF-8: the error comes when it is read.
        Err(e) if e.error_len().is_none() && at_eof => Mode::Utf8,
        Err(_) => Mode::Gb18030(Box::new(GB18030.new_decoder_without_bom_handling())),
    }
}

impl<R: Read> Read for Decode<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if !self.started {
            self.started = true;
            while self.raw.len() < 3 && self.fill()? {}
            if self.raw.starts_with(b"\xEF\xBB\xBF") {
                self.bom = true;
                self.raw_pos = 3;
                self.mode = Mode::Utf8;
            }
        }
        loop {
            // Decoded output waiting?
            if self.out_pos < self.out.len() {
                let n = (self.out.len() - self.out_pos).min(buf.len());
                buf[..n].copy_from_slice(&self.out[self.out_pos..self.out_pos + n]);
                self.out_pos += n;
                return Ok(n);
            }
            if self.raw_pos >= self.raw.len() && !self.fill()? {
                if let (Mode::Gb18030(dec), false) = (&mut self.mode, self.flushed) {
                    self.flushed = true;
                    // Flush an incomplete trailing sequence.
                    let mut out = [0u8; 16];
                    let (res, _, written) =
                        dec.decode_to_utf8_without_replacement(&[], &mut out, true);
                    if let DecoderResult::Malformed(..) = res {
                        return Err(self.error(self.raw.len()));
                    }
                    if written > 0 {
                        self.out.clear();
                        self.out.extend_from_slice(&out[..written]);
                        self.out_pos = 0;
                        continue;
                    }
                }
                return Ok(0);
            }
            match &mut self.mode {
                Mode::Undecided => {
                    let avail = &self.raw[self.raw_pos..];
                    match avail.iter().position(|&b| b >= 0x80) {
                        None => return Ok(self.pass(buf, avail.len())),
                        Some(0) => self.decide()?,
                        Some(k) => return Ok(self.pass(buf, k)),
                    }
                }
                Mode::Utf8 => {
                    let avail = &self.raw[self.raw_pos..];
                    let take = avail.len().min(buf.len());
                    match std::str::from_utf8(&avail[..take]) {
                        Ok(_) => return Ok(self.pass(buf, take)),
                        Err(e) if e.valid_up_to() > 0 => {
                            return Ok(self.pass(buf, e.valid_up_to()));
                        }
                        Err(e) => {
                            // Nothing valid at the front: either a sequence
                            // cut by the end of the chunk or of `buf`, or bad bytes.
                            let incomplete = e.error_len().is_none();
                            if incomplete && take < avail.len() {
                                // `buf` too small for one character.
                                let ch = utf8_len(avail[0]).min(avail.len());
                                if std::str::from_utf8(&avail[..ch]).is_ok() {
                                    return Err(io::Error::other("read buffer too small"));
                                }
                                return Err(self.error(self.raw_pos));
                            }
                            if incomplete && !self.eof {
                                // Read more and try again.
                                self.fill()?;
                                continue;
                            }
                            return Err(self.error(self.raw_pos));
                        }
                    }
                }
                Mode::Gb18030(dec) => {
                    let avail = &self.raw[self.raw_pos..];
                    self.out.clear();
                    self.out.resize(avail.len() * 3 + 16, 0);
                    self.out_pos = 0;
                    let (res, read, written) =
                        dec.decode_to_utf8_without_replacement(avail, &mut self.out, false);
                    self.out.truncate(written);
                    match res {
                        DecoderResult::Malformed(bad, extra) => {
                            let back = usize::from(bad) + usize::from(extra);
                            let bad_at = self.raw_pos + read.saturating_sub(back);
                            return Err(self.error(bad_at));
                        }
                        DecoderResult::InputEmpty | DecoderResult::OutputFull => {}
                    }
                    self.lines_done += avail[..read].iter().filter(|&&b| b == b'\n').count() as u64;
                    self.raw_pos += read;
                }
            }
        }
    }
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF7 => 4,
        _ => 1,
    }
}

/// Decodes a whole byte slice the same way (for small files and tests).
pub fn decode_all(bytes: &[u8]) -> Result<(String, Encoding), EncodingError> {
    let mut d = Decode::new(bytes);
    let mut out = String::new();
    match d.read_to_string(&mut out) {
        Ok(_) => Ok((out, d.encoding())),
        Err(e) => Err(e
            .get_ref()
            .and_then(|e| e.downcast_ref::<EncodingError>())
            .cloned()
            .unwrap_or(EncodingError {
                line: 0,
                encoding: d.encoding(),
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
    fn mixed_encodings_name_the_line() {
        let mut b = "a,b\n红,旗\n".as_bytes().to_vec();
        b.extend_from_slice(&gbk("红,旗\n"));
        let err = decode_all(&b).unwrap_err();
        assert_eq!(err.line, 3);
        // GBK first, then UTF-8 that is not valid GB18030 in place.
        let mut b = gbk("a,b\n红,旗\n");
        b.extend_from_slice(b"x\xFF\n");
        assert_eq!(decode_all(&b).unwrap_err().line, 3);
    }

    #[test]
    fn truncated_utf8_at_the_end_is_an_error() {
        let mut b = "a\n红".as_bytes().to_vec();
        b.extend_from_slice(&"旗".as_bytes()[..2]);
        assert_eq!(decode_all(&b).unwrap_err().line, 2);
    }

    #[test]
    fn small_reads_keep_characters_whole() {
        let text = "户号,日期\n红旗网格,2020年1月1日\n".repeat(100);
        let mut d = Decode::new(text.as_bytes());
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
