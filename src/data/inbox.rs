//! The visit logs of an import, and what becomes of them beside the
//! store: the rejects file of each log with rejected rows, and the logs
//! moved out of the inbox once their good rows are stored (`--move-to`).

use std::path::{Path, PathBuf};

use super::logs::{self, Log};
use crate::error::{Error, Problem};
use crate::store;

/// Reads every log (`sheet`: the sheet of a workbook to read). Fails
/// when a file cannot be opened; a log whose content cannot be read as a
/// log at all is a problem, returned with the logs that could.
pub fn read_logs(
    files: &[PathBuf],
    sheet: Option<&str>,
) -> Result<(Vec<Log>, Vec<Problem>), Error> {
    let mut logs = Vec::new();
    let mut unreadable = Vec::new();
    for path in files {
        match logs::read(path, sheet)? {
            Ok(log) => logs.push(log),
            Err(p) => unreadable.push(p),
        }
    }
    Ok((logs, unreadable))
}

/// Where rejects files go: a folder beside the logs, so that a `*.csv`
/// of the logs' folder never picks one up (and imports it again).
pub const REJECTS_DIR: &str = "rejects";

/// One rejected row, kept whole for the rejects file: its line, why it
/// was rejected (in the user's words), and its cells.
#[derive(Debug, Clone)]
pub struct Rejected {
    pub line: u64,
    pub reason: String,
    pub cells: Vec<String>,
}

/// The rejects file of a log: `day.csv` → `day.rejects.csv`, any other
/// log keeps its whole name (`day.json` → `day.json.rejects.csv`), so two
/// logs of one run never share one. A rejects file fixed and imported
/// again keeps its name (what is still wrong in `day.rejects.csv` goes to
/// a `day.rejects.csv` too, beside it or numbered): names never grow.
fn rejects_name(log: &Path) -> String {
    let name = log
        .file_name()
        .map_or_else(|| "log".to_string(), |n| n.to_string_lossy().into_owned());
    let base = match name.rsplit_once('.') {
        Some((stem, ext)) if ext.eq_ignore_ascii_case("csv") => stem.to_string(),
        _ => name,
    };
    if base.ends_with(".rejects") {
        format!("{base}.csv")
    } else {
        format!("{base}.rejects.csv")
    }
}

/// The rejects folder of a log: `rejects` beside it, or the log's own
/// folder when that is a rejects folder (a rejects file fixed in place).
fn rejects_dir(log: &Path) -> PathBuf {
    let folder = match log.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if folder.file_name().is_some_and(|n| n == REJECTS_DIR) {
        folder.to_path_buf()
    } else {
        folder.join(REJECTS_DIR)
    }
}

/// Writes a log's rejects file: `line`, `reason`, then the log's columns
/// (`header`). In the `rejects` folder beside the log, or in the data
/// directory's (`data_dir`) when that cannot be written; never over an
/// older rejects file. Returns where it went.
pub fn write_rejects(
    data_dir: &Path,
    log: &Path,
    header: &[String],
    rejects: &[Rejected],
) -> Result<PathBuf, Error> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .flexible(true)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    let io = |e: csv::Error| Error::Other(e.into());
    // A spreadsheet opens this file to have the rows fixed: a cell it
    // would run as a formula is written as text.
    let safe = |cell: &String| crate::guard::safe_cell(cell).into_owned();
    let mut head = vec!["line".to_string(), "reason".to_string()];
    head.extend(header.iter().map(safe));
    w.write_record(&head).map_err(io)?;
    for r in rejects {
        let mut cells = vec![r.line.to_string(), safe(&r.reason)];
        cells.extend(r.cells.iter().map(safe));
        w.write_record(&cells).map_err(io)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| Error::Other(anyhow::anyhow!("{e}")))?;
    let name = rejects_name(log);
    store::create_free(&rejects_dir(log), &name, &bytes)
        .or_else(|_| store::create_free(&data_dir.join(REJECTS_DIR), &name, &bytes))
}

/// Moves each log into `dir` (never over a file there; a log named twice
/// is moved once). Returns where each went, `None` for one that could
/// not be moved, and the first error: the rest still go.
pub fn move_logs<'a>(
    logs: impl IntoIterator<Item = &'a Path>,
    dir: &Path,
) -> (Vec<Option<String>>, Option<Error>) {
    let mut moved: Vec<(PathBuf, String)> = Vec::new();
    let mut went = Vec::new();
    let mut unmoved = None;
    for log in logs {
        let key = log.canonicalize().ok();
        if let Some((_, to)) = moved.iter().find(|(k, _)| Some(k) == key.as_ref()) {
            went.push(Some(to.clone()));
            continue;
        }
        match store::move_free(log, dir) {
            Ok(to) => {
                let to = to.display().to_string();
                if let Some(key) = key {
                    moved.push((key, to.clone()));
                }
                went.push(Some(to));
            }
            Err(e) => {
                unmoved.get_or_insert(e);
                went.push(None);
            }
        }
    }
    (went, unmoved)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_names() {
        assert_eq!(rejects_name(Path::new("a/day.csv")), "day.rejects.csv");
        assert_eq!(rejects_name(Path::new("a/day.CSV")), "day.rejects.csv");
        assert_eq!(rejects_name(Path::new("day.json")), "day.json.rejects.csv");
        assert_eq!(rejects_name(Path::new("day.xlsx")), "day.xlsx.rejects.csv");
        assert_eq!(
            rejects_name(Path::new("bad.rejects.csv")),
            "bad.rejects.csv"
        );
        assert_eq!(
            rejects_name(Path::new("bad.json.rejects.csv")),
            "bad.json.rejects.csv"
        );
        assert_eq!(rejects_name(Path::new("log")), "log.rejects.csv");
        assert_eq!(
            rejects_dir(Path::new("inbox/day.csv")),
            Path::new("inbox/rejects")
        );
        assert_eq!(rejects_dir(Path::new("day.csv")), Path::new("./rejects"));
        assert_eq!(
            rejects_dir(Path::new("inbox/rejects/day.rejects.csv")),
            Path::new("inbox/rejects")
        );
    }
}
