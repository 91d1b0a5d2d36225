//! The budgets of the last `just bench` run as a chart: one bar per budget, this run as a share
//! of its budget, so every budget's line is in the same place and a missed one sticks out past
//! it, in red. Read from the table `scripts/bench` writes (`docs/src/performance-results.md`,
//! between `<!-- ANCHOR: budgets -->` and its end), so the chart says what the table says.

use crate::Language;
use crate::po::Catalogue;
use crate::svg::{self, SANS_WIDTH, Svg, num};

/// One row of the budgets table.
#[derive(Clone, Debug, PartialEq)]
pub struct Budget {
    /// What is measured, with its unit: `lesson 04's page against the bare handler (×)`.
    pub what: String,
    pub budget: f64,
    pub run: f64,
    pub p99: Option<f64>,
    pub kept: bool,
    /// The figures as the table writes them (`1.91`, `19.07`): the chart shows the same digits.
    pub figures: (String, String, Option<String>),
}

/// The rows of the budgets table of a `performance-results.md`.
pub fn budgets(results: &str) -> Result<Vec<Budget>, String> {
    let start = results
        .find("<!-- ANCHOR: budgets -->")
        .ok_or("no `<!-- ANCHOR: budgets -->` in the results")?;
    let end = results[start..]
        .find("<!-- ANCHOR_END: budgets -->")
        .ok_or("no `<!-- ANCHOR_END: budgets -->` in the results")?;
    let mut rows = Vec::new();
    for line in results[start..start + end].lines().filter(|l| l.starts_with('|')) {
        let cells: Vec<&str> = line.trim().trim_matches('|').split('|').map(str::trim).collect();
        if cells.len() != 5 || cells[0] == "what" || cells[0].starts_with("---") {
            continue;
        }
        let number = |cell: &str| -> Result<f64, String> {
            cell.parse().map_err(|_| format!("not a number: {cell:?} in {line:?}"))
        };
        let p99 = match cells[3] {
            "–" | "-" | "" => None,
            cell => Some(number(cell)?),
        };
        rows.push(Budget {
            what: cells[0].to_string(),
            budget: number(cells[1])?,
            run: number(cells[2])?,
            p99,
            kept: cells[4].trim_matches('*') == "yes",
            figures: (
                cells[1].to_string(),
                cells[2].to_string(),
                p99.map(|_| cells[3].to_string()),
            ),
        });
    }
    if rows.is_empty() {
        return Err("the budgets table has no rows".into());
    }
    Ok(rows)
}

/// The chart's own words, in each language. The budgets' labels come from the table, and in
/// Indonesian from the book's catalogue, which translates the table.
struct Words {
    title: &'static str,
    legend: &'static str,
    budget: &'static str,
    twice: &'static str,
    of: &'static str,
    kept: &'static str,
    missed: &'static str,
}

const ENGLISH: Words = Words {
    title: "The last `just bench` run, budget by budget",
    legend: "bar: this run, as a share of its budget (the upright line) · ◆ p99 · green: kept, red: missed",
    budget: "budget",
    twice: "2 × budget",
    of: "of",
    kept: "kept",
    missed: "missed",
};

const INDONESIAN: Words = Words {
    title: "Run `just bench` terakhir, batas demi batas",
    legend: "batang: run ini, sebagai bagian dari batasnya (garis tegak) · ◆ p99 · hijau: terpenuhi, merah: tidak",
    budget: "batas",
    twice: "2 × batas",
    of: "dari",
    kept: "terpenuhi",
    missed: "tidak terpenuhi",
};

const WIDTH: f64 = 760.0;
const MARGIN: f64 = 16.0;
/// The bar's track: from 0 to twice the budget.
const TRACK: f64 = 400.0;
const BAR: f64 = 12.0;

const STYLE: &str = "text { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif; font-size: 12px; fill: #263238; }
.code, .figure { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', monospace; }
.title { font-size: 14px; font-weight: 600; }
.legend, .axis { fill: #546e7a; font-size: 11px; }
.figure { font-size: 11.5px; }
.kept { fill: #2e7d32; font-weight: 600; }
.missed { fill: #c62828; font-weight: 700; }
.track { fill: #eceff1; stroke: none; }
.bar-kept { fill: #66bb6a; stroke: none; }
.bar-missed { fill: #e53935; stroke: none; }
.p99 { fill: #263238; stroke: #ffffff; stroke-width: 1; }
.line { stroke: #263238; stroke-width: 2; }
.over { fill: #ffffff; font-weight: 700; font-size: 11px; }
";

/// The chart of `rows`, in `language`; `catalogue` translates the labels into Indonesian (a
/// label it lacks stays in English).
pub fn render(rows: &[Budget], language: Language, catalogue: &Catalogue) -> String {
    let words = match language {
        Language::English => &ENGLISH,
        Language::Indonesian => &INDONESIAN,
    };
    let label_chars = ((WIDTH - 2.0 * MARGIN) / (12.0 * SANS_WIDTH)) as usize;
    let x0 = MARGIN;
    let budget_x = x0 + TRACK / 2.0;
    let figures_x = x0 + TRACK + 12.0;

    let mut svg = Svg::new(WIDTH, 0.0);
    svg.prose((MARGIN, 24.0), "title", words.title);
    let mut y = 44.0;
    for line in svg::wrap(words.legend, label_chars + 8) {
        svg.text((MARGIN, y), "legend", &line);
        y += 14.0;
    }
    y += 8.0;
    svg.text((x0, y), "axis", "0");
    svg.centred((budget_x, y), "axis", words.budget);
    svg.right((x0 + TRACK, y), "axis", words.twice);
    y += 24.0;
    let mut bars = Vec::new();
    for row in rows {
        let label = match language {
            Language::English => row.what.as_str(),
            Language::Indonesian => catalogue.get(&row.what).unwrap_or(&row.what),
        };
        for line in svg::wrap(label, label_chars) {
            svg.prose((MARGIN, y), "label", &line);
            y += 15.0;
        }
        let bar_top = y - 8.0;
        let share = if row.budget > 0.0 { row.run / row.budget } else { 0.0 };
        let length = (share / 2.0 * TRACK).clamp(2.0, TRACK);
        bars.push(format!(
            r#"<rect class="track" x="{}" y="{}" width="{}" height="{}"/>"#,
            num(x0),
            num(bar_top),
            num(TRACK),
            num(BAR)
        ));
        let class = if row.kept { "bar-kept" } else { "bar-missed" };
        bars.push(format!(
            r#"<rect class="{class}" x="{}" y="{}" width="{}" height="{}"/>"#,
            num(x0),
            num(bar_top),
            num(length),
            num(BAR)
        ));
        if share > 2.0 {
            // Past the end of the track: the figure beside it says by how much.
            bars.push(format!(
                r#"<text class="over" x="{}" y="{}" text-anchor="end">»</text>"#,
                num(x0 + TRACK - 3.0),
                num(bar_top + BAR - 2.5)
            ));
        }
        bars.push(format!(
            r#"<line class="line" x1="{x}" y1="{}" x2="{x}" y2="{}"/>"#,
            num(bar_top - 4.0),
            num(bar_top + BAR + 4.0),
            x = num(budget_x)
        ));
        if let Some(p99) = row.p99 {
            let at = x0 + (p99 / row.budget / 2.0 * TRACK).clamp(5.0, TRACK - 5.0);
            let mid = bar_top + BAR / 2.0;
            bars.push(format!(
                r#"<polygon class="p99" points="{},{} {},{} {},{} {},{}"/>"#,
                num(at),
                num(mid - 5.0),
                num(at + 5.0),
                num(mid),
                num(at),
                num(mid + 5.0),
                num(at - 5.0),
                num(mid)
            ));
        }
        let (budget, run, p99) = &row.figures;
        let mut figures = format!("{run} {} {budget}", words.of);
        if let Some(p99) = p99 {
            figures.push_str(&format!(" · p99 {p99}"));
        }
        svg.text((figures_x, bar_top + BAR - 2.0), "figure", &figures);
        let (class, state) = if row.kept { ("kept", words.kept) } else { ("missed", words.missed) };
        svg.right((WIDTH - MARGIN, bar_top + BAR - 2.0), class, state);
        y += BAR + 16.0;
    }
    let bottom = y - 14.0;
    for bar in bars {
        svg.raw(&bar);
    }
    svg.height = bottom + MARGIN;
    let title = words.title.replace('`', "");
    svg.finish(&title, STYLE)
}

#[cfg(test)]
mod tests {
    use super::*;

    const RESULTS: &str = "Intro.

<!-- ANCHOR: budgets -->
| what | budget | this run | p99 | kept? |
|---|---|---|---|---|
| lesson 04's page against the bare handler (×) | 3 | 1.91 | 1.79 | yes |
| fresh build against the one-file app (×) | 1.3 | 3.53 | – | **no** |
<!-- ANCHOR_END: budgets -->

| lesson | bytes |
|---|---|
| 04 | 3245 |
";

    #[test]
    fn the_budgets_table_is_read_row_by_row() {
        let rows = budgets(RESULTS).expect("rows");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].what, "lesson 04's page against the bare handler (×)");
        assert_eq!(
            (rows[0].budget, rows[0].run, rows[0].p99, rows[0].kept),
            (3.0, 1.91, Some(1.79), true)
        );
        assert_eq!((rows[1].p99, rows[1].kept), (None, false));
        assert!(budgets("no table").is_err());
    }

    #[test]
    fn a_missed_budget_is_red_and_says_so_in_each_language() {
        let rows = budgets(RESULTS).expect("rows");
        let catalogue = Catalogue::parse(
            "msgid \"lesson 04's page against the bare handler (×)\"\nmsgstr \"halaman pelajaran 04 (×)\"\n",
        );
        let english = render(&rows, Language::English, &catalogue);
        assert!(english.contains("1.91 of 3 · p99 1.79") && english.contains("3.53 of 1.3"));
        assert_eq!(english.matches("class=\"bar-missed\"").count(), 1);
        assert!(english.contains(">missed</text>") && english.contains(">kept</text>"));
        assert!(english.contains(">»</text>"), "3.53 of 1.3 is past twice the budget");
        let indonesian = render(&rows, Language::Indonesian, &catalogue);
        assert!(indonesian.contains("halaman pelajaran 04 (×)"));
        assert!(
            indonesian.contains("fresh build against the one-file app"),
            "untranslated: English"
        );
        assert!(indonesian.contains(">tidak terpenuhi</text>"));
    }
}
