//! Reading the data directory: encodings, header aliases, date forms and
//! physical line numbers for every problem.

pub mod date;
pub mod decode;
pub mod headers;
pub mod records;
pub mod roster;
pub mod table;
pub mod visits;
