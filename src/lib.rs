//! `rounds`: household visit scheduling for community grid workers.
//!
//! The flow: `cli` parses, `cmd::<name>::run` reads the data directory
//! through `data` into `model` values, `schedule` decides, `render` prints.

pub mod cli;
pub mod cmd;
pub mod compute;
pub mod config;
pub mod cores;
pub mod data;
pub mod error;
pub mod guard;
pub mod i18n;
pub mod model;
pub mod privacy;
pub mod progress;
pub mod render;
pub mod schedule;
pub mod settings;
pub mod store;
#[cfg(test)]
mod testing;
