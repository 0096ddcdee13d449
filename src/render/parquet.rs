//! Parquet tables for a warehouse (`rounds export`): a table is built
//! column by column in memory and written whole as one row group, with
//! the parquet crate's low-level writer. Texts are STRING (UTF-8) byte arrays,
//! dates INT32 with the DATE logical type (days since 1970-01-01),
//! counts INT32 or INT64; every column but `community` may be null.
//!
//! A text column keeps each distinct value once and a number per row (a
//! city's visit log repeats its households, workers and kinds millions of
//! times), and the values are handed to the writer a batch at a time, so
//! that a table costs a few bytes a row in memory whatever its texts.

use std::sync::Arc;

use ::parquet::basic::Compression;
use ::parquet::data_type::{ByteArray, ByteArrayType, Int32Type, Int64Type};
use ::parquet::file::properties::WriterProperties;
use ::parquet::file::writer::SerializedFileWriter;
use ::parquet::schema::parser::parse_message_type;
use chrono::NaiveDate;

/// The values of one column, `None` for a null.
enum Values {
    Text(Texts),
    Date(Vec<Option<i32>>),
    Int32(Vec<Option<i32>>),
    Int64(Vec<Option<i64>>),
}

/// A text column: its distinct values, and per row the number of its
/// value (`NULL` for none).
#[derive(Default)]
struct Texts {
    numbers: hashbrown::HashMap<Box<str>, u32, foldhash::fast::FixedState>,
    rows: Vec<u32>,
}

const NULL: u32 = u32::MAX;

/// Rows handed to the writer at a time.
const BATCH: usize = 64 * 1024;

impl Texts {
    fn push(&mut self, value: Option<&str>) {
        let n = match value {
            None => NULL,
            Some(v) => match self.numbers.get(v) {
                Some(&n) => n,
                None => {
                    let n = self.numbers.len() as u32;
                    self.numbers.insert(v.into(), n);
                    n
                }
            },
        };
        self.rows.push(n);
    }

    /// Every distinct value in one buffer, and where each one ends in it.
    fn values(&self) -> (bytes::Bytes, Vec<usize>) {
        let mut by_number: Vec<&str> = vec![""; self.numbers.len()];
        for (v, &n) in &self.numbers {
            by_number[n as usize] = v;
        }
        let mut buf = Vec::with_capacity(by_number.iter().map(|v| v.len()).sum());
        let mut ends = Vec::with_capacity(by_number.len());
        for v in by_number {
            buf.extend_from_slice(v.as_bytes());
            ends.push(buf.len());
        }
        (bytes::Bytes::from(buf), ends)
    }
}

struct Column {
    name: &'static str,
    required: bool,
    values: Values,
}

/// A table being built: declare its columns, then push each row's
/// values in the same order.
pub struct Table {
    columns: Vec<Column>,
    rows: usize,
}

/// Days from 1970-01-01, as Parquet's DATE counts them.
pub fn epoch_days(d: NaiveDate) -> i32 {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("a valid date");
    (d - epoch).num_days() as i32
}

impl Table {
    pub fn new() -> Table {
        Table {
            columns: Vec::new(),
            rows: 0,
        }
    }

    fn add(mut self, name: &'static str, required: bool, values: Values) -> Table {
        self.columns.push(Column {
            name,
            required,
            values,
        });
        self
    }
    /// A text column that is never null.
    pub fn text_required(self, name: &'static str) -> Table {
        self.add(name, true, Values::Text(Texts::default()))
    }
    /// A text column, null where empty.
    pub fn text(self, name: &'static str) -> Table {
        self.add(name, false, Values::Text(Texts::default()))
    }
    pub fn date(self, name: &'static str) -> Table {
        self.add(name, false, Values::Date(Vec::new()))
    }
    pub fn int32(self, name: &'static str) -> Table {
        self.add(name, false, Values::Int32(Vec::new()))
    }
    pub fn int64(self, name: &'static str) -> Table {
        self.add(name, false, Values::Int64(Vec::new()))
    }

    /// Sets the first column (the community) of every row to `value`.
    pub fn fill_first(&mut self, value: &str) {
        if let Some(Column {
            values: Values::Text(texts),
            ..
        }) = self.columns.first_mut()
        {
            let rows = texts.rows.len();
            *texts = Texts::default();
            for _ in 0..rows {
                texts.push(Some(value));
            }
        }
    }

    /// The number of rows pushed.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Starts a row: push one value per column, in order.
    pub fn row(&mut self) -> Row<'_> {
        self.rows += 1;
        Row {
            table: self,
            next: 0,
        }
    }

    /// The schema as Parquet's message type text.
    fn schema(&self) -> String {
        let mut s = String::from("message rounds {\n");
        for c in &self.columns {
            let repetition = if c.required { "REQUIRED" } else { "OPTIONAL" };
            let ty = match c.values {
                Values::Text(_) => "BYTE_ARRAY",
                Values::Date(_) | Values::Int32(_) => "INT32",
                Values::Int64(_) => "INT64",
            };
            let logical = match c.values {
                Values::Text(_) => " (STRING)",
                Values::Date(_) => " (DATE)",
                _ => "",
            };
            s.push_str(&format!("  {repetition} {ty} {}{logical};\n", c.name));
        }
        s.push('}');
        s
    }

    /// The table as a Parquet file's bytes.
    pub fn to_bytes(&self) -> ::parquet::errors::Result<Vec<u8>> {
        let schema = Arc::new(parse_message_type(&self.schema())?);
        let props = Arc::new(
            WriterProperties::builder()
                .set_compression(Compression::SNAPPY)
                .set_created_by(format!("rounds {}", env!("CARGO_PKG_VERSION")))
                .build(),
        );
        let mut buf = Vec::new();
        let mut writer = SerializedFileWriter::new(&mut buf, schema, props)?;
        let mut group = writer.next_row_group()?;
        let mut columns = self.columns.iter();
        while let Some(mut w) = group.next_column()? {
            let c = columns.next().expect("a column per schema field");
            /// The values present and, for a column that may be null, the
            /// definition levels (1 present, 0 null).
            fn split<T: Copy>(values: &[Option<T>], required: bool) -> (Vec<T>, Option<Vec<i16>>) {
                let present = values.iter().flatten().copied().collect();
                let levels =
                    (!required).then(|| values.iter().map(|v| i16::from(v.is_some())).collect());
                (present, levels)
            }
            match &c.values {
                Values::Text(texts) => {
                    let (buf, ends) = texts.values();
                    let w = w.typed::<ByteArrayType>();
                    for batch in texts.rows.chunks(BATCH) {
                        let present: Vec<ByteArray> = (batch.iter())
                            .filter(|&&n| n != NULL)
                            .map(|&n| {
                                let start = match n {
                                    0 => 0,
                                    n => ends[n as usize - 1],
                                };
                                ByteArray::from(buf.slice(start..ends[n as usize]))
                            })
                            .collect();
                        let levels: Option<Vec<i16>> = (!c.required)
                            .then(|| batch.iter().map(|&n| i16::from(n != NULL)).collect());
                        w.write_batch(&present, levels.as_deref(), None)?;
                    }
                }
                Values::Date(v) | Values::Int32(v) => {
                    let w = w.typed::<Int32Type>();
                    for batch in v.chunks(BATCH) {
                        let (present, levels) = split(batch, c.required);
                        w.write_batch(&present, levels.as_deref(), None)?;
                    }
                }
                Values::Int64(v) => {
                    let w = w.typed::<Int64Type>();
                    for batch in v.chunks(BATCH) {
                        let (present, levels) = split(batch, c.required);
                        w.write_batch(&present, levels.as_deref(), None)?;
                    }
                }
            }
            w.close()?;
        }
        group.close()?;
        writer.close()?;
        Ok(buf)
    }
}

impl Default for Table {
    fn default() -> Table {
        Table::new()
    }
}

/// One row being pushed.
pub struct Row<'a> {
    table: &'a mut Table,
    next: usize,
}

impl Row<'_> {
    fn column(&mut self) -> &mut Values {
        let c = &mut self.table.columns[self.next];
        self.next += 1;
        &mut c.values
    }

    /// A text; an empty one is null (unless the column is required).
    pub fn text(mut self, s: &str) -> Self {
        let required = self.table.columns[self.next].required;
        match self.column() {
            Values::Text(v) => v.push(Some(s).filter(|s| required || !s.is_empty())),
            _ => panic!("not a text column"),
        }
        self
    }
    pub fn date(mut self, d: Option<NaiveDate>) -> Self {
        match self.column() {
            Values::Date(v) => v.push(d.map(epoch_days)),
            _ => panic!("not a date column"),
        }
        self
    }
    pub fn int32(mut self, n: Option<i32>) -> Self {
        match self.column() {
            Values::Int32(v) => v.push(n),
            _ => panic!("not an int32 column"),
        }
        self
    }
    pub fn int64(mut self, n: Option<i64>) -> Self {
        match self.column() {
            Values::Int64(v) => v.push(n),
            _ => panic!("not an int64 column"),
        }
        self
    }
}
