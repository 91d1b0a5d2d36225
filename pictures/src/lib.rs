//! The book's pictures, made by code and never drawn by hand, so they cannot drift from what
//! they show: plain SVG text, no dependencies.
//!
//! - [`sequence`]: a lesson's main flow as a sequence diagram, from the exchange its black-box
//!   scenario records (`blackbox` draws them: `just diagrams` writes `docs/src/diagrams/`).
//! - [`performance`]: the budgets of `docs/src/performance-results.md` as a chart.
//! - [`carriers`]: a session cookie, an API token and a JWT side by side (lessons 15 and 16).
//!
//! The charts have words, so each is written twice: `NAME.svg` for the English book and
//! `NAME.id.svg` for the Indonesian one, whose page links to it. A sequence diagram's words are
//! HTTP's and "browser" and "server", which the Indonesian book uses too: one file for both.
//! `cargo run -p pictures -- charts` writes the charts (`scripts/bench` and `just diagrams` run
//! it); `tests/committed.rs` fails when a committed chart is not the one its sources give.

use std::path::{Path, PathBuf};

pub mod carriers;
pub mod performance;
pub mod po;
pub mod sequence;
pub mod svg;

/// An edition of the book.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Language {
    English,
    Indonesian,
}

impl Language {
    pub const ALL: [Language; 2] = [Language::English, Language::Indonesian];

    /// What goes before `.svg`: nothing for English, `.id` for Indonesian.
    pub fn suffix(self) -> &'static str {
        match self {
            Language::English => "",
            Language::Indonesian => ".id",
        }
    }
}

/// The workspace's root folder.
pub fn root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// Where the charts live: `docs/src/charts/`.
pub fn charts_dir(root: &Path) -> PathBuf {
    root.join("docs/src/charts")
}

/// Every chart, drawn from today's sources (the benchmark's results, the Indonesian catalogue):
/// its file and its text.
pub fn charts(root: &Path) -> Result<Vec<(PathBuf, String)>, String> {
    let read = |path: PathBuf| {
        std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))
    };
    let results = read(root.join("docs/src/performance-results.md"))?;
    let rows = performance::budgets(&results)?;
    let catalogue = po::Catalogue::parse(&read(root.join("docs/po/id.po"))?);
    let dir = charts_dir(root);
    let mut charts = Vec::new();
    for language in Language::ALL {
        let suffix = language.suffix();
        charts.push((
            dir.join(format!("performance{suffix}.svg")),
            performance::render(&rows, language, &catalogue),
        ));
        charts.push((dir.join(format!("carriers{suffix}.svg")), carriers::render(language)));
    }
    Ok(charts)
}

/// Every committed chart that is missing or is not what [`charts`] draws today, one sentence
/// each.
pub fn stale_charts(root: &Path) -> Result<Vec<String>, String> {
    let mut stale = Vec::new();
    for (path, drawn) in charts(root)? {
        let shown = path.strip_prefix(root).unwrap_or(&path).display().to_string();
        match std::fs::read_to_string(&path) {
            Err(_) => stale.push(format!("{shown} is missing")),
            Ok(committed) if committed != drawn => {
                stale.push(format!("{shown} is not what its sources draw today"))
            }
            Ok(_) => {}
        }
    }
    Ok(stale)
}
