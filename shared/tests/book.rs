//! The book pulls code from the lessons with `{{#include file:anchor}}`. mdBook reports a missing
//! file, but an anchor that does not exist silently includes nothing: this test fails instead.
//! mdBook does not check links between pages at all: a link to a page or a section that does
//! not exist is a dead link in the built book. The second test fails instead.

use std::collections::HashMap;
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

/// The text of a page as mdBook sees it: whole-file includes of markdown (an exercise page
/// includes its TASK.md) are replaced by the file, so their headings and links count.
fn expanded(page: &Path) -> String {
    let text = fs::read_to_string(page).unwrap_or_else(|e| panic!("{}: {e}", page.display()));
    let mut out = String::new();
    for line in text.lines() {
        let included = line
            .trim()
            .strip_prefix("{{#include ")
            .and_then(|rest| rest.strip_suffix("}}"))
            .map(str::trim)
            .filter(|file| file.ends_with(".md"));
        match included {
            Some(file) => out.push_str(
                &fs::read_to_string(page.parent().expect("a page is in a folder").join(file))
                    .unwrap_or_default(),
            ),
            None => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

/// The lines of `text` outside fenced code blocks: a `[x](y)` or a `#` in code is not markdown.
fn prose(text: &str) -> Vec<&str> {
    let mut in_code = false;
    let mut lines = Vec::new();
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
        } else if !in_code {
            lines.push(line);
        }
    }
    lines
}

/// The ids mdBook gives the headings of a page: the text without markup, lower-cased, letters,
/// digits, `-` and `_` kept, spaces made `-`, everything else dropped; `-1`, `-2` for repeats.
fn heading_ids(text: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut counts: HashMap<String, usize> = HashMap::new();
    for line in prose(text) {
        let Some(heading) = line.strip_prefix('#').map(|rest| rest.trim_start_matches('#')) else {
            continue;
        };
        if !heading.starts_with(' ') {
            continue;
        }
        // `[text](target)` shows only `text`.
        let mut shown = String::new();
        let mut rest = heading;
        while let Some(start) = rest.find("](") {
            shown.push_str(&rest[..start]);
            rest = &rest[start + 2..];
            rest = rest.find(')').map_or("", |end| &rest[end + 1..]);
        }
        shown.push_str(rest);
        let id: String = shown
            .trim()
            .chars()
            .filter_map(|c| {
                if c.is_alphanumeric() || c == '_' || c == '-' {
                    Some(c.to_lowercase().next().unwrap_or(c))
                } else if c.is_whitespace() {
                    Some('-')
                } else {
                    None
                }
            })
            .collect();
        let seen = counts.entry(id.clone()).or_insert(0);
        ids.push(if *seen == 0 { id } else { format!("{id}-{seen}") });
        *seen += 1;
    }
    ids
}

/// Every inline link target in the prose of `text`: `[text](target)`.
fn link_targets(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in prose(text) {
        let mut rest = line;
        while let Some(start) = rest.find("](") {
            rest = &rest[start + 2..];
            let Some(end) = rest.find(')') else { break };
            found.push(rest[..end].trim().to_string());
            rest = &rest[end..];
        }
    }
    found
}

#[test]
fn every_link_between_pages_of_the_book_leads_to_a_page_and_a_section_that_exist() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/src");
    let mut pages = Vec::new();
    markdown_files(&src, &mut pages);
    let mut problems = Vec::new();
    let mut checked = 0;
    for page in &pages {
        let text = expanded(page);
        for target in link_targets(&text) {
            // Other sites, and `<http://...>` autolinks, are not the book's to check.
            if target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            checked += 1;
            let (file, anchor) = match target.split_once('#') {
                Some((file, anchor)) => (file, Some(anchor)),
                None => (target.as_str(), None),
            };
            let linked =
                if file.is_empty() { page.clone() } else { page.parent().unwrap().join(file) };
            // A link to the course's source (`../../../shared/src/guard.rs`): the file must be
            // in the repository, outside the book. It opens when the book is read from the
            // checkout (`just docs` builds it into docs/book, beside the sources).
            if !file.is_empty() && !file.ends_with(".md") {
                let book = src.canonicalize().expect("docs/src");
                let repository = src.join("../..").canonicalize().expect("the checkout");
                let resolved = linked.canonicalize().ok();
                let in_repository = resolved.as_ref().is_some_and(|path| {
                    path.is_file() && path.starts_with(&repository) && !path.starts_with(&book)
                });
                if in_repository && file.ends_with(".rs") {
                    continue;
                }
                // A picture of the book's own (screenshots, diagrams, charts) that exists.
                let picture = [".svg", ".webp", ".png"].iter().any(|ext| file.ends_with(ext));
                if picture && resolved.as_ref().is_some_and(|p| p.is_file() && p.starts_with(&book))
                {
                    continue;
                }
                problems.push(format!(
                    "{}: {target}: link to a page (.md), to a .rs file of the repository or to a picture in the book, not to {file}",
                    page.display()
                ));
                continue;
            }
            if !linked.is_file() {
                problems.push(format!("{}: {target}: no such page", page.display()));
                continue;
            }
            if let Some(anchor) = anchor
                && !heading_ids(&expanded(&linked)).iter().any(|id| id == anchor)
            {
                problems.push(format!("{}: {target}: no section #{anchor} there", page.display()));
            }
        }
    }
    assert!(problems.is_empty(), "broken links in the book:\n{}", problems.join("\n"));
    assert!(checked > 0, "the book links nowhere");
}

#[test]
fn heading_ids_are_made_as_mdbook_makes_them() {
    let text = "# 03 · Signed cookies\n## Why not `app.secret_key = \"hello\"`\n```\n# not a heading\n```\n## Try it\n## Try it again\n## Try it\n## A [link](x.md), too\n";
    assert_eq!(
        heading_ids(text),
        [
            "03--signed-cookies",
            "why-not-appsecret_key--hello",
            "try-it",
            "try-it-again",
            "try-it-1",
            "a-link-too"
        ]
    );
}

/// Every `.py` file under `dir`.
fn python_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            python_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "py") {
            out.push(path);
        }
    }
}

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("a readable directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn every_test_the_book_names_exists() {
    // Pages such as "Common mistakes" point at tests by name (`a_tampered_cookie_means_...`):
    // a renamed test must not leave the book pointing at nothing. A name in backquotes with
    // four words or more, in lower case joined by `_`, is taken for a function's name.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut pages = Vec::new();
    markdown_files(&root.join("docs/src"), &mut pages);
    let mut sources = Vec::new();
    // `blackbox`: the scenarios both sides run, which the pages name too.
    for dir in ["lessons", "exercises", "shared", "blackbox"] {
        rust_files(&root.join(dir), &mut sources);
    }
    let code: Vec<String> = sources.iter().map(|file| fs::read_to_string(file).unwrap()).collect();
    // The Flask apps: a Flask-Login signal the page names (`user_loaded_from_cookie`) is in them.
    let mut flask = Vec::new();
    python_files(&root.join("flask"), &mut flask);
    let python: Vec<String> = flask.iter().map(|file| fs::read_to_string(file).unwrap()).collect();
    let mut missing = Vec::new();
    let mut checked = 0;
    for page in &pages {
        let text = fs::read_to_string(page).unwrap();
        for line in prose(&text) {
            for name in line.split('`').skip(1).step_by(2) {
                let is_name = name.split('_').count() >= 4
                    && name.split('_').all(|word| {
                        !word.is_empty()
                            && word.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
                    });
                if !is_name {
                    continue;
                }
                checked += 1;
                // ...or a library's method the code calls (`map_into_right_body`).
                let (definition, call) = (format!("fn {name}("), format!(".{name}("));
                let in_rust = code
                    .iter()
                    .any(|source| source.contains(&definition) || source.contains(&call));
                if !in_rust && !python.iter().any(|source| source.contains(name)) {
                    missing.push(format!("{}: `{name}`", page.display()));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "the book names functions that do not exist:\n{}",
        missing.join("\n")
    );
    assert!(checked > 0, "the book names no test at all");
}
