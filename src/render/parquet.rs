//! Parquet tables for a warehouse (`rounds export`): a table is built
//! column by column in memory and written whole as one row group, with
//! the parquet crate's low-level writer. Texts are STRING (UTF-8) byte arrays,
//! dates INT32 with the DATE logical type (days since 1970-01-01),
//! counts INT32 or INT64; every column but `community` may be null.

use std::sync::Arc;

use ::parquet::basic::Compression;
use ::parquet::data_type::{ByteArray, ByteArrayType, Int32Type, Int64Type};
use ::parquet::file::properties::WriterProperties;
use ::parquet::file::writer::SerializedFileWriter;
use ::parquet::schema::parser::parse_message_type;
use chrono::NaiveDate;

/// The values of one column, `None` for a null.
enum Values {
    Text(Vec<Option<String>>),
    Date(Vec<Option<i32>>),
    Int32(Vec<Option<i32>>),
    Int64(Vec<Option<i64>>),
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
        self.add(name, true, Values::Text(Vec::new()))
    }
    /// A text column, null where empty.
    pub fn text(self, name: &'static str) -> Table {
        self.add(name, false, Values::Text(Vec::new()))
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
            texts.iter_mut().for_each(|t| *t = Some(value.to_string()));
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
            fn split<T: Clone>(values: &[Option<T>], required: bool) -> (Vec<T>, Option<Vec<i16>>) {
                let present = values.iter().flatten().cloned().collect();
                let levels =
                    (!required).then(|| values.iter().map(|v| i16::from(v.is_some())).collect());
                (present, levels)
            }
            match &c.values {
                Values::Text(v) => {
                    let (present, levels) = split(v, c.required);
                    let present: Vec<ByteArray> = present
                        .into_iter()
                        .map(|s| ByteArray::from(s.into_bytes()))
                        .collect();
                    w.typed::<ByteArrayType>()
                        .write_batch(&present, levels.as_deref(), None)?;
                }
                Values::Date(v) | Values::Int32(v) => {
                    let (present, levels) = split(v, c.required);
                    w.typed::<Int32Type>()
                        .write_batch(&present, levels.as_deref(), None)?;
                }
                Values::Int64(v) => {
                    let (present, levels) = split(v, c.required);
                    w.typed::<Int64Type>()
                        .write_batch(&present, levels.as_deref(), None)?;
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
            Values::Text(v) => v.push((required || !s.is_empty()).then(|| s.to_string())),
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
