//! Where a CSV record's fields and lines end: the separators, line breaks
//! and quotes of a run of bytes, found 64 bytes at a time.

/// The bytes a record turns on (`,` line feed `"` CR) in a block, found
/// 64 bytes at a time: one pass of vector compares for the lot, where a
/// search per field would start over for every comma of a short row.
pub struct Marks<'a> {
    bytes: &'a [u8],
    /// Where the 64 bytes `bits` stands for start.
    base: usize,
    /// One bit per byte from `base` on: set for a mark not yet handed out.
    bits: u64,
}

impl<'a> Marks<'a> {
    /// The marks of `bytes` from `from` on.
    pub fn at(bytes: &'a [u8], from: usize) -> Marks<'a> {
        Marks {
            bytes,
            base: from,
            bits: marks_of(bytes.get(from..).unwrap_or_default()),
        }
    }
}

impl Iterator for Marks<'_> {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        while self.bits == 0 {
            self.base += 64;
            if self.base >= self.bytes.len() {
                return None;
            }
            self.bits = marks_of(&self.bytes[self.base..]);
        }
        let at = self.base + self.bits.trailing_zeros() as usize;
        self.bits &= self.bits - 1;
        Some(at)
    }
}

/// The marks among the first 64 bytes of `bytes`, a bit each.
#[inline]
fn marks_of(bytes: &[u8]) -> u64 {
    match bytes.first_chunk::<64>() {
        Some(chunk) => marks_of_64(chunk),
        None => {
            let mut chunk = [0u8; 64];
            chunk[..bytes.len()].copy_from_slice(bytes);
            marks_of_64(&chunk)
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[inline]
fn marks_of_64(chunk: &[u8; 64]) -> u64 {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
    };
    let mut bits = 0u64;
    for (k, part) in chunk.chunks_exact(16).enumerate() {
        // SAFETY: SSE2 is part of every x86_64 processor, so its
        // instructions are always there; the load reads the 16 bytes of
        // `part` and needs no alignment.
        let any = unsafe {
            let v = _mm_loadu_si128(part.as_ptr().cast::<__m128i>());
            let is = |b: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(b as i8));
            _mm_movemask_epi8(_mm_or_si128(
                _mm_or_si128(is(b','), is(b'\n')),
                _mm_or_si128(is(b'"'), is(b'\r')),
            ))
        };
        bits |= u64::from(any as u16) << (16 * k);
    }
    bits
}

#[cfg(not(target_arch = "x86_64"))]
#[inline]
fn marks_of_64(chunk: &[u8; 64]) -> u64 {
    marks_of_64_bytewise(chunk)
}

/// `marks_of_64` a byte at a time (elsewhere than x86_64, and for tests).
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn marks_of_64_bytewise(chunk: &[u8; 64]) -> u64 {
    chunk
        .iter()
        .enumerate()
        .filter(|(_, b)| matches!(b, b',' | b'\n' | b'"' | b'\r'))
        .fold(0, |bits, (i, _)| bits | 1 << i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Rng;

    #[test]
    fn marks_are_every_comma_break_quote_and_cr() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for _ in 0..2000 {
            let bytes: Vec<u8> = (0..rng.below(300))
                .map(|_| b"ab,\n\"\r\xe4"[rng.below(7)])
                .collect();
            let from = rng.below(bytes.len() + 1);
            let found: Vec<usize> = Marks::at(&bytes, from).collect();
            let wanted: Vec<usize> = (from..bytes.len())
                .filter(|&i| b",\n\"\r".contains(&bytes[i]))
                .collect();
            assert_eq!(found, wanted, "{bytes:?} from {from}");
            if let Some(chunk) = bytes.first_chunk::<64>() {
                assert_eq!(marks_of_64(chunk), marks_of_64_bytewise(chunk));
            }
        }
    }
}
