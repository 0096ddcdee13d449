//! The orders households are listed in: walking order by address, with
//! numbers in addresses compared as numbers.

use crate::model::roster::HouseholdRef;

/// Walking order of two households: grid, building, unit, room in
/// natural order, then the id.
pub fn address_cmp(a: &HouseholdRef<'_>, b: &HouseholdRef<'_>) -> std::cmp::Ordering {
    natural_cmp(a.grid(), b.grid())
        .then_with(|| natural_cmp(a.building(), b.building()))
        .then_with(|| natural_cmp(a.unit(), b.unit()))
        .then_with(|| natural_cmp(a.room(), b.room()))
        .then_with(|| a.id().as_bytes().cmp(b.id().as_bytes()))
}

/// Natural order for addresses: runs of digits compare as numbers, so
/// "2-101" sorts before "2-1001" and "9栋" before "10栋".
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let (mut a, mut b) = (a.as_bytes(), b.as_bytes());
    loop {
        match (a.first(), b.first()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let da = a.iter().take_while(|c| c.is_ascii_digit()).count();
                let db = b.iter().take_while(|c| c.is_ascii_digit()).count();
                let (na, nb) = (trim_zeros(&a[..da]), trim_zeros(&b[..db]));
                let ord = na.len().cmp(&nb.len()).then_with(|| na.cmp(nb));
                if ord != Ordering::Equal {
                    return ord;
                }
                a = &a[da..];
                b = &b[db..];
            }
            (Some(x), Some(y)) => {
                if x != y {
                    return x.cmp(y);
                }
                a = &a[1..];
                b = &b[1..];
            }
        }
    }
}

fn trim_zeros(d: &[u8]) -> &[u8] {
    let z = d.iter().take_while(|&&c| c == b'0').count();
    &d[z.min(d.len().saturating_sub(1))..]
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cmp::Ordering::*;

    #[test]
    fn natural_order() {
        assert_eq!(natural_cmp("2-101", "2-1001"), Less);
        assert_eq!(natural_cmp("9栋", "10栋"), Less);
        assert_eq!(natural_cmp("010", "10"), Equal);
        assert_eq!(natural_cmp("1单元", "1单元"), Equal);
        assert_eq!(natural_cmp("A2", "B1"), Less);
        assert_eq!(natural_cmp("", "1"), Less);
        assert_eq!(natural_cmp("0", "00"), Equal);
    }
}
