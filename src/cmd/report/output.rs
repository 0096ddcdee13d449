//! Where a report goes: the format it is written in, and the output,
//! stdout or a file written whole (csv without `--section`: one file per
//! section).

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::cli::ReportArgs;
use crate::cmd::{Ctx, Outcome};
use crate::compute::report::{Report, Section};
use crate::error::{Error, Usage};
use crate::render::{self, Format};
use crate::store;

/// The format: --format, else the output file's extension, else a table.
pub(super) fn format_of(ctx: &Ctx, output: Option<&Path>) -> Result<Format, Error> {
    if let Some(f) = ctx.format {
        return Ok(f);
    }
    match output {
        None => Ok(Format::Table),
        Some(p) => Format::from_extension(p)
            .ok_or_else(|| Error::Usage(Usage::UnknownExtension(p.display().to_string()))),
    }
}

pub(super) fn render_report(
    ctx: &Ctx,
    args: &ReportArgs,
    report: &Report,
    format: Format,
    section: Option<Section>,
) -> Result<Vec<u8>, Error> {
    let lang = ctx.lang;
    // A roll-up is titled by how many communities it holds.
    let rollup = (!report.communities.is_empty())
        .then(|| (lang.rollup_words().title)(report.communities.len()));
    let name = rollup.as_deref().or(ctx.config.name.as_deref());
    let mut buf = Vec::new();
    let to_file = args.output.is_some();
    let written = match format {
        Format::Json => render::json::report(&mut buf, report),
        Format::Csv => {
            render::csv::report_section(&mut buf, report, section.unwrap_or(Section::Summary))
        }
        Format::Md => render::markdown::report(&mut buf, report, lang, name),
        Format::Html => render::html::report(&mut buf, report, lang, name),
        Format::Table => render::table::report(
            &mut buf,
            report,
            lang,
            name,
            ctx.color && !to_file,
            ctx.width.filter(|_| !to_file),
        ),
        Format::Xlsx => {
            buf = render::xlsx::report(report, lang, name).map_err(|e| Error::Other(e.into()))?;
            Ok(())
        }
    };
    written.map_err(Error::Output)?;
    // A csv file starts with a BOM, so that Excel and WPS open it as
    // UTF-8 (without one a Chinese Windows reads it as GBK); on stdout,
    // for scripts, there is none.
    if format == Format::Csv && to_file {
        buf.splice(0..0, *b"\xEF\xBB\xBF");
    }
    Ok(buf)
}

/// Writes the report to `path` whole; csv without --section writes one
/// file per section beside it.
pub(super) fn write_file(
    ctx: &Ctx,
    args: &ReportArgs,
    report: &Report,
    format: Format,
    path: &Path,
    out: &mut dyn Write,
) -> Result<Outcome, Error> {
    let mut written: Vec<PathBuf> = Vec::new();
    // Names and phones in full are for the owner's eyes only.
    let access = if args.reveal {
        store::Access::Private
    } else {
        store::Access::Usual
    };
    if format == Format::Csv && args.section.is_none() {
        let stem = path.file_stem().map_or_else(
            || "report".to_string(),
            |s| s.to_string_lossy().into_owned(),
        );
        for section in render::sections::present(report) {
            let file = path.with_file_name(format!("{stem}-{}.csv", section.name()));
            store::replace_as(
                &file,
                &render_report(ctx, args, report, format, Some(section))?,
                access,
            )?;
            written.push(file);
        }
    } else {
        store::replace_as(
            path,
            &render_report(ctx, args, report, format, args.section)?,
            access,
        )?;
        written.push(path.to_path_buf());
    }
    for file in written {
        writeln!(
            out,
            "{}",
            ctx.lang.report_written(&file.display().to_string())
        )
        .map_err(Error::Output)?;
    }
    Ok(Outcome::Success)
}
