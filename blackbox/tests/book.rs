//! The book's side of the promise: no Flask block that is not included from a Flask app this
//! suite runs, and each page's "What is different, and why" names exactly its lesson's
//! `differs` scenarios (and no scenario where both sides agree).

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use blackbox::Lesson;
use blackbox::server::root;

/// Every broken promise, one sentence each.
pub fn check(lessons: &[&Lesson]) -> Vec<String> {
    let mut failures = Vec::new();
    let docs = root().join("docs/src");
    let runs: BTreeSet<&str> = lessons.iter().map(|l| l.folder).collect();

    // Every ```python block of the book is only `{{#include}}`s of a Flask app the suite runs.
    for page in markdown_files(&docs) {
        let text = fs::read_to_string(&page).unwrap_or_default();
        let shown = page.strip_prefix(root()).unwrap_or(&page).display().to_string();
        for block in python_blocks(&text) {
            // One sentence per block: its first line that breaks the rule.
            let broken = block.lines().filter(|l| !l.trim().is_empty()).find_map(|line| {
                match included_flask_app(page.parent().unwrap_or(&docs), line) {
                    Some(folder) if runs.contains(folder.as_str()) => None,
                    Some(folder) => Some(format!(
                        "{shown}: a Flask block includes from flask/{folder}, which no lesson of the suite runs"
                    )),
                    None => Some(format!(
                        "{shown}: a Flask block is typed into the page, not an {{{{#include}}}} of a file in flask/NN-slug/ (first line: {line:?})"
                    )),
                }
            });
            failures.extend(broken);
        }
    }

    for lesson in lessons {
        let app = root().join("flask").join(lesson.folder).join("app.py");
        if !app.is_file() {
            failures.push(format!("{} has no Flask app ({})", lesson.folder, app.display()));
        }
        if lesson.scenarios.is_empty() {
            failures.push(format!("{} has no scenario", lesson.folder));
        }
        let page_path = docs.join("lessons").join(format!("{}.md", lesson.folder));
        let Ok(page) = fs::read_to_string(&page_path) else {
            failures.push(format!("{} has no page ({})", lesson.folder, page_path.display()));
            continue;
        };
        if python_blocks(&page).is_empty() {
            failures.push(format!("docs/src/lessons/{}.md shows no Flask block", lesson.folder));
        }
        let section = section(&page, "## What is different, and why");
        let named: BTreeSet<&str> = code_spans(section).collect();
        for scenario in lesson.scenarios {
            match (scenario.differs, named.contains(scenario.name)) {
                (Some(_), false) => failures.push(format!(
                    "docs/src/lessons/{}.md: \"What is different, and why\" does not name the scenario `{}`, where the course differs from Flask",
                    lesson.folder, scenario.name
                )),
                (None, true) => failures.push(format!(
                    "docs/src/lessons/{}.md: \"What is different, and why\" names `{}`, a scenario where both sides agree",
                    lesson.folder, scenario.name
                )),
                _ => {}
            }
        }
    }
    failures
}

fn markdown_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else { return files };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(markdown_files(&path));
        } else if path.extension().is_some_and(|e| e == "md") {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// The bodies of the ```python blocks.
fn python_blocks(text: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        let fence = line.trim_start();
        match &mut current {
            None if fence.starts_with("```py") => current = Some(String::new()),
            Some(body) if fence.starts_with("```") => {
                blocks.push(std::mem::take(body));
                current = None;
            }
            Some(body) => {
                body.push_str(line);
                body.push('\n');
            }
            None => {}
        }
    }
    blocks
}

/// `{{#include ../../../flask/04-session-dict/app.py:login}}` on a page in `page_dir` →
/// `04-session-dict`, when the path leads to a file that exists in the workspace's `flask/`.
fn included_flask_app(page_dir: &Path, line: &str) -> Option<String> {
    let inner = line.trim().strip_prefix("{{#include ")?.strip_suffix("}}")?;
    let path = page_dir.join(inner.split(':').next()?).canonicalize().ok()?;
    let flask = root().join("flask").canonicalize().ok()?;
    let folder = path.strip_prefix(flask).ok()?.components().next()?;
    Some(folder.as_os_str().to_string_lossy().into_owned())
}

/// The text from `heading` to the next heading of the same level.
fn section<'a>(page: &'a str, heading: &str) -> &'a str {
    let Some(start) = page.find(heading) else { return "" };
    let body = &page[start + heading.len()..];
    let end = body.find("\n## ").unwrap_or(body.len());
    &body[..end]
}

/// The `code spans` of a text.
fn code_spans(text: &str) -> impl Iterator<Item = &str> {
    text.split('`').skip(1).step_by(2)
}
