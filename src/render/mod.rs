//! How results look: one module per output format. The csv and json
//! renderers are the stable contract of the SPEC (English keys and machine
//! words whatever the language); the table is for people.

pub mod csv;
pub mod html;
pub mod json;
pub mod markdown;
pub mod sections;
pub mod table;
pub mod xlsx;

use clap::ValueEnum;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned columns for a terminal, in the chosen language.
    Table,
    /// Comma-separated values with English headers (stable for scripts).
    Csv,
    /// JSON with English keys (stable for scripts).
    Json,
    /// Markdown, to paste into a message or a document (report).
    Md,
    /// One self-contained web page with charts, printable on A4 (report).
    Html,
    /// An Excel workbook (report; needs -o FILE or a pipe).
    Xlsx,
}

/// The formats of the commands that list things (everything but `report`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListFormat {
    Table,
    Csv,
    Json,
}

impl Format {
    /// The format a file name asks for by its extension.
    pub fn from_extension(path: &std::path::Path) -> Option<Format> {
        let ext = path.extension()?.to_string_lossy().to_ascii_lowercase();
        Some(match ext.as_str() {
            "txt" => Format::Table,
            "csv" => Format::Csv,
            "json" => Format::Json,
            "md" | "markdown" => Format::Md,
            "html" | "htm" => Format::Html,
            "xlsx" => Format::Xlsx,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Md => "md",
            Format::Html => "html",
            Format::Xlsx => "xlsx",
        }
    }
}

/// Whether to colour human output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when writing to a terminal and `NO_COLOR` is not set.
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    pub fn enabled(self, is_terminal: bool, no_color: bool) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => is_terminal && !no_color,
        }
    }
}
