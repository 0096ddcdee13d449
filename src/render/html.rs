//! The report as one self-contained web page: inline CSS, inline SVG
//! charts (compliance by level, visits by grid, the six-month trend), no
//! script and nothing fetched, laid out to print on A4. The markup is also
//! well-formed XML, so that it can be checked (and parsed) strictly.

use std::fmt::Write as _;
use std::io::Write;

use super::sections::{self, Audience, Table};
use crate::compute::report::Report;
use crate::i18n::Lang;
use crate::model::Level;
use crate::model::date::iso;

/// Text safe inside HTML and SVG.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

pub fn level_color(level: Level) -> &'static str {
    match level {
        Level::Red => "#d9363e",
        Level::Orange => "#ef8a2b",
        Level::Yellow => "#d9a400",
        Level::Green => "#3a9d5d",
    }
}

const STYLE: &str = r#"
@page { size: A4; margin: 14mm 12mm; }
* { box-sizing: border-box; }
body { margin: 0; color: #1f2933; background: #fff;
  font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "Heiti SC", system-ui, sans-serif;
  font-size: 13px; line-height: 1.5; }
main { max-width: 760px; margin: 0 auto; padding: 24px 16px; }
header { border-bottom: 3px solid #b8322f; padding-bottom: 10px; margin-bottom: 18px; }
h1 { font-size: 24px; margin: 0 0 4px; letter-spacing: 0.02em; }
.sub { color: #52606d; margin: 0; }
h2 { font-size: 17px; margin: 26px 0 10px; padding-left: 8px; border-left: 4px solid #b8322f; break-after: avoid; }
.kpis { display: grid; grid-template-columns: repeat(4, 1fr); gap: 10px; }
.kpi { border: 1px solid #d9e2ec; border-radius: 6px; padding: 10px 12px; background: #f8fafc; }
.kpi .n { font-size: 22px; font-weight: 700; color: #102a43; }
.kpi .n small { font-size: 12px; font-weight: 400; color: #52606d; margin-left: 6px; }
.kpi .l { color: #52606d; font-size: 12px; }
svg { display: block; width: 100%; height: auto; margin: 4px 0 10px; }
svg text { font-family: inherit; }
table { width: 100%; border-collapse: collapse; margin: 4px 0 8px; font-size: 12.5px; }
th, td { padding: 5px 8px; border-bottom: 1px solid #e4e7eb; text-align: left; white-space: nowrap; }
th { background: #f0f4f8; color: #243b53; font-weight: 600; white-space: normal; word-break: keep-all; vertical-align: bottom; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
table.wide { font-size: 11.5px; }
table.wide th, table.wide td { padding: 4px 5px; }
tr { break-inside: avoid; }
tr.total td { font-weight: 700; border-top: 2px solid #bcccdc; }
.note { color: #7b8794; font-size: 11.5px; margin-top: 24px; border-top: 1px solid #e4e7eb; padding-top: 8px; }
.none { color: #52606d; }
dl.notes { display: grid; grid-template-columns: max-content 1fr; gap: 3px 14px; margin: 4px 0 8px; font-size: 12px; }
dl.notes dt { font-weight: 600; color: #243b53; }
dl.notes dd { margin: 0; color: #334e68; }
.signoff { display: flex; gap: 28px; margin-top: 30px; font-size: 13px; break-inside: avoid; }
.signoff span { flex: 1; white-space: nowrap; }
.signoff span::after { content: ""; display: inline-block; width: 60%; margin-left: 6px; border-bottom: 1px solid #52606d; }
@media print {
  main { padding: 0; max-width: none; }
  .kpi { background: #fff; }
  section { break-inside: auto; }
  h2, svg { break-inside: avoid; }
  thead { display: table-header-group; }
}
"#;

/// The printed page's footer: "第 1 页，共 3 页", "Page 1 of 3".
fn page_style(page: [&str; 3]) -> String {
    // Inside <style> nothing is unescaped: the words go in as a CSS string,
    // without what would end it or break the page's XML.
    let quoted = |t: &str| {
        let t: String = t.chars().filter(|c| !"\\\"<>&".contains(*c)).collect();
        format!("\"{t}\"")
    };
    format!(
        "@page {{ @bottom-center {{ content: {} counter(page) {} counter(pages) {}; \
         font-size: 9pt; color: #7b8794; }} }}\n",
        quoted(page[0]),
        quoted(page[1]),
        quoted(page[2])
    )
}

fn table_html(out: &mut String, table: &Table, none: &str, total_row: bool) {
    if table.rows.is_empty() {
        let _ = writeln!(out, "<p class=\"none\">{}</p>", esc(none));
        return;
    }
    // Tables of many columns (the needs) pack tighter to stay on the page.
    out.push_str(if table.header.len() > 10 {
        "<table class=\"wide\"><thead><tr>"
    } else {
        "<table><thead><tr>"
    });
    for (i, h) in table.header.iter().enumerate() {
        let num = table.rows[0][i].is_number();
        let _ = write!(
            out,
            "<th{}>{}</th>",
            if num { " class=\"num\"" } else { "" },
            esc(h)
        );
    }
    out.push_str("</tr></thead><tbody>\n");
    for (k, row) in table.rows.iter().enumerate() {
        let total = total_row && k + 1 == table.rows.len();
        out.push_str(if total {
            "<tr class=\"total\">"
        } else {
            "<tr>"
        });
        for v in row {
            let class = if v.is_number() { " class=\"num\"" } else { "" };
            let _ = write!(out, "<td{class}>{}</td>", esc(&v.human()));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table>\n");
}

/// Horizontal bars: (label, share of the longest bar, text after the bar, colour).
fn bars(rows: &[(String, f64, String, &str)], title: &str) -> String {
    let (w, label_w, row_h, top) = (720.0, 110.0, 30.0, 30.0);
    let bar_w = w - label_w - 150.0;
    let h = top + row_h * rows.len() as f64 + 8.0;
    let mut s = format!(
        "<svg viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{t}\" xmlns=\"http://www.w3.org/2000/svg\">\
         <text x=\"0\" y=\"18\" font-size=\"14\" font-weight=\"600\" fill=\"#243b53\">{t}</text>",
        t = esc(title)
    );
    for (i, (label, share, text, color)) in rows.iter().enumerate() {
        let y = top + row_h * i as f64;
        let len = (bar_w * share.clamp(0.0, 1.0)).max(1.0);
        let _ = write!(
            s,
            "<text x=\"{lx}\" y=\"{ty}\" font-size=\"13\" text-anchor=\"end\" fill=\"#334e68\">{l}</text>\
             <rect x=\"{label_w}\" y=\"{by}\" width=\"{bar_w}\" height=\"18\" rx=\"3\" fill=\"#eef2f6\"/>\
             <rect x=\"{label_w}\" y=\"{by}\" width=\"{len:.1}\" height=\"18\" rx=\"3\" fill=\"{color}\"/>\
             <text x=\"{vx}\" y=\"{ty}\" font-size=\"12.5\" fill=\"#1f2933\">{v}</text>",
            lx = label_w - 10.0,
            ty = y + 14.0,
            by = y + 1.0,
            l = esc(label),
            vx = label_w + bar_w + 10.0,
            v = esc(text)
        );
    }
    s.push_str("</svg>\n");
    s
}

/// The trend's months: visits as bars (left axis), the compliance rate as
/// a line (right axis, 0–100%).
fn trend_chart(r: &Report, title: &str, visits_label: &str, rate_label: &str) -> String {
    let (w, h) = (720.0, 250.0);
    let (left, right, top, bottom) = (50.0, 50.0, 40.0, 30.0);
    let plot_w = w - left - right;
    let plot_h = h - top - bottom;
    let n = r.trend.len().max(1) as f64;
    let most = r.trend.iter().map(|t| t.visits).max().unwrap_or(0).max(1) as f64;
    // Headroom above the tallest bar, for the rate line and its labels.
    let max_visits = nice_ceiling(most * 1.2);
    let step = plot_w / n;
    let mut s = format!(
        "<svg viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{t}\" xmlns=\"http://www.w3.org/2000/svg\">\
         <text x=\"0\" y=\"18\" font-size=\"14\" font-weight=\"600\" fill=\"#243b53\">{t}</text>\
         <rect x=\"{lx}\" y=\"24\" width=\"12\" height=\"10\" fill=\"#7aa6d8\"/>\
         <text x=\"{lt}\" y=\"33\" font-size=\"12\" fill=\"#334e68\">{vl}</text>\
         <line x1=\"{rx}\" y1=\"29\" x2=\"{rx2}\" y2=\"29\" stroke=\"#b8322f\" stroke-width=\"2.5\"/>\
         <text x=\"{rt}\" y=\"33\" font-size=\"12\" fill=\"#334e68\">{rl}</text>",
        t = esc(title),
        lx = w - 250.0,
        lt = w - 234.0,
        vl = esc(visits_label),
        rx = w - 130.0,
        rx2 = w - 112.0,
        rt = w - 106.0,
        rl = esc(rate_label)
    );
    // Grid lines at 0, 50 and 100 percent.
    for frac in [0.0, 0.5, 1.0] {
        let y = top + plot_h * (1.0 - frac);
        let _ = write!(
            s,
            "<line x1=\"{left}\" y1=\"{y}\" x2=\"{x2}\" y2=\"{y}\" stroke=\"#e4e7eb\"/>\
             <text x=\"{lx}\" y=\"{ty}\" font-size=\"11\" text-anchor=\"end\" fill=\"#7b8794\">{v}</text>\
             <text x=\"{rx}\" y=\"{ty}\" font-size=\"11\" fill=\"#7b8794\">{p}%</text>",
            x2 = left + plot_w,
            lx = left - 6.0,
            rx = left + plot_w + 6.0,
            ty = y + 4.0,
            v = (max_visits * frac).round(),
            p = (frac * 100.0) as u32
        );
    }
    let mut points = Vec::new();
    for (i, t) in r.trend.iter().enumerate() {
        let cx = left + step * (i as f64 + 0.5);
        let bh = plot_h * t.visits as f64 / max_visits;
        // The count inside a tall bar, above a short one, clear of the line.
        let (vy, fill) = if bh > 24.0 {
            (top + plot_h - 8.0, "#ffffff")
        } else {
            (top + plot_h - bh - 4.0, "#243b53")
        };
        let _ = write!(
            s,
            "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{bw:.1}\" height=\"{bh:.1}\" rx=\"2\" fill=\"#7aa6d8\"/>\
             <text x=\"{cx:.1}\" y=\"{vy:.1}\" font-size=\"11.5\" font-weight=\"600\" text-anchor=\"middle\" fill=\"{fill}\">{v}</text>\
             <text x=\"{cx:.1}\" y=\"{my}\" font-size=\"{mf}\" text-anchor=\"middle\" fill=\"#334e68\">{m}</text>",
            x = cx - step * 0.28,
            y = top + plot_h - bh,
            bw = step * 0.56,
            v = t.visits,
            my = h - 8.0,
            // A year's twelve months side by side need smaller words.
            mf = if r.trend.len() > 8 { 10 } else { 12 },
            m = sections::Value::Month(t.month).human()
        );
        let total = t.compliance.total();
        if let Some(rate) = total.rate() {
            points.push((cx, top + plot_h * (1.0 - rate), rate));
        }
    }
    if points.len() > 1 {
        let path: Vec<String> = points
            .iter()
            .map(|(x, y, _)| format!("{x:.1},{y:.1}"))
            .collect();
        let _ = write!(
            s,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"#b8322f\" stroke-width=\"2.5\"/>",
            path.join(" ")
        );
    }
    for (x, y, rate) in &points {
        let _ = write!(
            s,
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3.5\" fill=\"#b8322f\"/>\
             <text x=\"{x:.1}\" y=\"{ty:.1}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#b8322f\">{p:.0}%</text>",
            ty = y - 8.0,
            p = rate * 100.0
        );
    }
    s.push_str("</svg>\n");
    s
}

/// The smallest round number (1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a
/// power of ten) that is at least `x`.
fn nice_ceiling(x: f64) -> f64 {
    let power = 10f64.powf(x.max(1.0).log10().floor());
    [1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0]
        .iter()
        .map(|m| m * power)
        .find(|v| *v >= x)
        .unwrap_or(10.0 * power)
}

pub fn report(
    out: &mut dyn Write,
    r: &Report,
    lang: Lang,
    community: Option<&str>,
) -> std::io::Result<()> {
    let w = lang.report_words();
    let who = Audience::People(lang);
    let title = sections::title(r, lang, community);
    let mut page = String::new();
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\" />\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n\
         <title>{}</title>\n<style>{STYLE}{}</style>\n</head>\n<body>\n<main>\n",
        if lang == Lang::Zh { "zh-CN" } else { "en" },
        esc(&title),
        page_style(w.page)
    );
    let _ = writeln!(
        page,
        "<header><h1>{}</h1><p class=\"sub\">{} {} · {} – {}</p></header>",
        esc(&title),
        esc(w.as_of),
        iso(r.as_of),
        iso(r.period.first),
        iso(r.period.last)
    );
    // The counts, then the rates beside the counts they divide.
    let figures = sections::figures(r, lang);
    page.push_str("<section class=\"kpis\">\n");
    let shown = [
        w.visits,
        w.households_visited,
        w.person_times,
        w.overdue,
        w.coverage,
        w.rate,
        w.resolution_rate,
        w.satisfaction_rate,
    ];
    for label in shown {
        let Some(f) = figures.iter().find(|f| f.label == label) else {
            continue;
        };
        let value = f.value.as_ref().map(|v| v.human()).unwrap_or_default();
        let of =
            f.of.map(|(n, d)| format!("<small>{n}/{d}</small>"))
                .unwrap_or_default();
        let _ = writeln!(
            page,
            "<div class=\"kpi\"><div class=\"n\">{}{of}</div><div class=\"l\">{}</div></div>",
            esc(&value),
            esc(f.label)
        );
    }
    page.push_str("</section>\n");

    // By level.
    let level_rows: Vec<(String, f64, String, &str)> = Level::ALL
        .iter()
        .map(|l| {
            let c = r.compliance[*l];
            let text = match c.rate() {
                Some(rate) => format!("{:.1}%  ({}/{})", rate * 100.0, c.met, c.required),
                None => "—".into(),
            };
            (
                lang.level(*l).to_string(),
                c.rate().unwrap_or(0.0),
                text,
                level_color(*l),
            )
        })
        .collect();
    let _ = write!(page, "<section>\n<h2>{}</h2>\n", esc(w.summary));
    page.push_str(&bars(&level_rows, w.chart_levels));
    table_html(&mut page, &sections::summary(r, who), w.none, true);
    page.push_str("</section>\n");

    // A roll-up's communities, right after the district's figures.
    if !r.by_community.is_empty() {
        let table = sections::communities(r, who);
        let _ = write!(page, "<section>\n<h2>{}</h2>\n", esc(&table.title));
        table_html(&mut page, &table, w.none, true);
        page.push_str("</section>\n");
    }

    // By grid.
    let max_visits = r.grids.iter().map(|g| g.visits).max().unwrap_or(0).max(1) as f64;
    let grid_rows: Vec<(String, f64, String, &str)> = r
        .grids
        .iter()
        .map(|g| {
            let name = if g.grid.is_empty() {
                "—".to_string()
            } else {
                g.grid.clone()
            };
            (
                name,
                g.visits as f64 / max_visits,
                g.visits.to_string(),
                "#3b6fb6",
            )
        })
        .collect();
    let _ = write!(page, "<section>\n<h2>{}</h2>\n", esc(w.grids));
    if !grid_rows.is_empty() {
        page.push_str(&bars(&grid_rows, w.chart_grids));
    }
    table_html(&mut page, &sections::grids(r, who), w.none, false);
    page.push_str("</section>\n");

    // Trend.
    let trend = sections::trend(r, who);
    let chart = if r.period.kind == crate::compute::report::SpanKind::Month {
        w.chart_trend
    } else {
        w.chart_trend_months
    };
    let _ = write!(page, "<section>\n<h2>{}</h2>\n", esc(&trend.title));
    page.push_str(&trend_chart(r, chart, w.visits, w.rate));
    table_html(&mut page, &trend, w.none, false);
    page.push_str("</section>\n");

    let needs = sections::present(r)
        .into_iter()
        .filter(|s| !crate::compute::report::Section::ALL.contains(s))
        .filter(|s| *s != crate::compute::report::Section::Community)
        .map(|s| {
            // The needs by category and by grid end with their total.
            use crate::compute::report::Section;
            let total = matches!(s, Section::Needs | Section::NeedGrids);
            (sections::section(r, s, who), total)
        });
    for (table, total) in [
        (sections::workers(r, who), false),
        (sections::overdue(r, who), false),
    ]
    .into_iter()
    .chain(needs)
    {
        let _ = write!(page, "<section>\n<h2>{}</h2>\n", esc(&table.title));
        table_html(&mut page, &table, w.none, total);
        page.push_str("</section>\n");
    }
    // Every figure defined once, then the line the printed report is
    // signed on.
    let _ = write!(
        page,
        "<section class=\"definitions\">\n<h2>{}</h2>\n<dl class=\"notes\">\n",
        esc(w.notes)
    );
    for f in &figures {
        let _ = writeln!(
            page,
            "<dt>{}</dt><dd>{}</dd>",
            esc(f.label),
            esc(f.definition)
        );
    }
    page.push_str("</dl>\n</section>\n");
    if r.unrecorded_edits > 0 {
        let _ = writeln!(
            page,
            "<p class=\"note\">{}</p>",
            esc(&lang.unrecorded_edits(r.unrecorded_edits))
        );
    }
    let _ = writeln!(
        page,
        "<p class=\"signoff\"><span>{}</span><span>{}</span><span>{}</span></p>",
        esc(w.prepared_by),
        esc(w.checked_by),
        esc(w.date)
    );
    let _ = write!(
        page,
        "<p class=\"note\">{} · rounds</p>\n</main>\n</body>\n</html>\n",
        esc(w.masked_note)
    );
    out.write_all(page.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_tops() {
        assert_eq!(nice_ceiling(626.4), 800.0);
        assert_eq!(nice_ceiling(180.0), 200.0);
        assert_eq!(nice_ceiling(230.4), 250.0);
        assert_eq!(nice_ceiling(0.5), 1.0);
        assert_eq!(nice_ceiling(12.0), 15.0);
    }

    #[test]
    fn escaping() {
        assert_eq!(esc("<b>&\"'</b>"), "&lt;b&gt;&amp;&quot;&#39;&lt;/b&gt;");
        assert_eq!(esc("a\u{1b}b"), "a\u{FFFD}b");
    }
}
