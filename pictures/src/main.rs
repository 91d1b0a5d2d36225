//! `cargo run -p pictures -- charts`: (re)writes the book's charts in docs/src/charts/ from
//! their sources (docs/src/performance-results.md, docs/po/id.po). `scripts/bench` runs it after
//! writing the results, and `just diagrams` with the sequence diagrams. `-- check` only says
//! which are stale (as the crate's test does).

use std::process::ExitCode;

fn main() -> ExitCode {
    let root = pictures::root();
    let command = std::env::args().nth(1).unwrap_or_default();
    let result = match command.as_str() {
        "charts" => write(&root),
        "check" => pictures::stale_charts(&root).map(|stale| {
            for line in &stale {
                println!("{line}");
            }
            stale.is_empty()
        }),
        _ => Err("usage: pictures charts | pictures check".to_string()),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(why) => {
            eprintln!("error: {why}");
            ExitCode::FAILURE
        }
    }
}

fn write(root: &std::path::Path) -> Result<bool, String> {
    std::fs::create_dir_all(pictures::charts_dir(root)).map_err(|e| e.to_string())?;
    for (path, text) in pictures::charts(root)? {
        let unchanged = std::fs::read_to_string(&path).is_ok_and(|old| old == text);
        if !unchanged {
            std::fs::write(&path, &text).map_err(|e| format!("{}: {e}", path.display()))?;
        }
        let shown = path.strip_prefix(root).unwrap_or(&path).display().to_string();
        let state = if unchanged { "unchanged" } else { "written" };
        println!("{shown} ({:.1} KB): {state}", text.len() as f64 / 1024.0);
    }
    Ok(true)
}
