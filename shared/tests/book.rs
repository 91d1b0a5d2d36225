//! The book pulls code from the lessons with `{{#include file:anchor}}`. mdBook reports a missing
//! file, but an anchor that does not exist silently includes nothing: this test fails instead.

use std::fs;
use std::path::{Path, PathBuf};

fn markdown_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("a readable directory entry").path();
        if path.is_dir() {
            markdown_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "md") {
            out.push(path);
        }
    }
}

/// Every `{{#include ...}}` (and `{{#rustdoc_include ...}}`) argument in `text`.
fn includes(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for directive in ["{{#include ", "{{#rustdoc_include "] {
        let mut rest = text;
        while let Some(start) = rest.find(directive) {
            rest = &rest[start + directive.len()..];
            let end = rest.find("}}").expect("an include is closed with }}");
            found.push(rest[..end].trim().to_string());
            rest = &rest[end..];
        }
    }
    found
}

#[test]
fn every_include_in_the_book_names_a_file_and_an_anchor_that_exist() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/src");
    let mut pages = Vec::new();
    markdown_files(&src, &mut pages);
    assert!(!pages.is_empty(), "no pages under {}", src.display());
    let mut problems = Vec::new();
    let mut checked = 0;
    for page in &pages {
        let text = fs::read_to_string(page).unwrap();
        for include in includes(&text) {
            checked += 1;
            let (file, anchor) = match include.split_once(':') {
                Some((file, anchor)) => (file, Some(anchor)),
                None => (include.as_str(), None),
            };
            let target = page.parent().unwrap().join(file);
            let Ok(content) = fs::read_to_string(&target) else {
                problems.push(format!("{}: {file} does not exist", page.display()));
                continue;
            };
            // `file:12:20` is a line range, `file:name` an anchor.
            let Some(anchor) = anchor.filter(|a| !a.starts_with(|c: char| c.is_ascii_digit()))
            else {
                continue;
            };
            let start = format!("ANCHOR: {anchor}");
            let end = format!("ANCHOR_END: {anchor}");
            let has_start = content.lines().any(|line| {
                line.trim_end().ends_with(&start) || line.contains(&format!("{start} "))
            });
            let has_end = content
                .lines()
                .any(|line| line.trim_end().ends_with(&end) || line.contains(&format!("{end} ")));
            if !has_start || !has_end {
                problems.push(format!("{}: no anchor {anchor:?} in {file}", page.display()));
            }
        }
    }
    assert!(problems.is_empty(), "broken includes in the book:\n{}", problems.join("\n"));
    assert!(checked > 0, "the book includes no code at all");
}

#[test]
fn every_variable_is_documented_in_the_readme_and_the_book() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for doc in ["README.md", "docs/src/configuration.md"] {
        let text = fs::read_to_string(root.join(doc)).expect("the page exists");
        let missing: Vec<&str> = shared::config::VARS
            .iter()
            .map(|var| var.name)
            .filter(|name| !text.contains(&format!("`{name}`")))
            .collect();
        assert!(missing.is_empty(), "{doc} does not document {missing:?}");
    }
}
