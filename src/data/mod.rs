//! Reading the data directory: encodings, header aliases, date forms and
//! physical line numbers for every problem.

pub mod bin;
pub mod cache;
pub mod decode;
pub mod fast;
pub mod headers;
pub mod history;
pub mod inbox;
pub mod ingest;
pub mod kept;
pub mod logs;
pub mod marks;
pub mod names;
pub mod needs;
pub mod records;
pub mod rewrite;
pub mod roster;
pub mod roster_sheet;
pub mod seen;
pub mod snapshot;
pub mod table;
pub mod visits;
pub mod workers;

#[cfg(test)]
mod tests {
    //! Whatever the bytes, reading ends in data or problems, never a panic,
    //! and every problem has a line when the file has lines.
    use std::path::Path;

    use proptest::prelude::*;

    use super::roster::{Load, from_table};
    use super::table::Table;
    use super::visits;

    /// Bytes that look like CSV more often than pure noise does.
    fn csvish() -> impl Strategy<Value = Vec<u8>> {
        let piece = prop_oneof![
            Just(b",".to_vec()),
            Just(b"\"".to_vec()),
            Just(b"\n".to_vec()),
            Just(b"\r\n".to_vec()),
            Just(b"\r".to_vec()),
            Just("红".as_bytes().to_vec()),
            Just(vec![0xBA, 0xEC]),
            Just(vec![0xEF, 0xBB, 0xBF]),
            Just(b"2020-02-30".to_vec()),
            Just(b"2020/7/3".to_vec()),
            Just(b"id,level,household,since,until\n".to_vec()),
            Just(b"date,household,persons\n".to_vec()),
            proptest::collection::vec(any::<u8>(), 0..8),
        ];
        proptest::collection::vec(piece, 0..40).prop_map(|v| v.concat())
    }

    proptest! {
        #[test]
        fn roster_never_panics(bytes in csvish()) {
            let mut problems = Vec::new();
            let t = Table::from_bytes(Path::new("residents.csv"), bytes.as_slice());
            let roster = from_table(t, Load { personal: true, names: true }, &mut problems);
            // What was kept is whole: ids set, every household with members.
            prop_assert!(roster.households().all(|h| h.residents().all(|r| !r.id().is_empty())));
            prop_assert!(roster.households().all(|h| !h.members().is_empty() && h.members().len() == h.residents().count()));
        }

        #[test]
        fn visits_never_panic(bytes in csvish()) {
            let mut problems = Vec::new();
            let t = Table::from_bytes(Path::new("visits.csv"), bytes.as_slice());
            let mut ok = true;
            visits::scan_table(t, &mut problems, |v| ok &= !v.household.is_empty() && v.line >= 2);
            prop_assert!(ok, "a visit without a household, or on the header line");
        }
    }
}
