//! How results look: one module per output format. The csv and json
//! renderers are the stable contract of the SPEC (English keys and machine
//! words whatever the language); the table is for people.

pub mod csv;
pub mod json;
pub mod table;

use clap::ValueEnum;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned columns for a terminal, in the chosen language.
    Table,
    /// Comma-separated values with English headers (stable for scripts).
    Csv,
    /// JSON with English keys (stable for scripts).
    Json,
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
