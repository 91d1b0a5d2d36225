//! The book's sequence diagrams: each lesson's main flow (its one `scenario!(name, diagram)`),
//! drawn by `pictures` from the exchange that scenario records against the Rust lesson, and
//! committed as `docs/src/diagrams/NN-slug.svg`. Its page shows it at the end of "What this step
//! adds".
//!
//! After a full run the runner calls [`check`]: a diagram that is missing or is not what the
//! scenario draws today fails the suite ("run `just diagrams`"), and so does a lesson without
//! exactly one `diagram` scenario. `just diagrams` runs the suite with `BLACKBOX_DIAGRAMS=write`:
//! [`check`] then writes each diagram (after drawing it from a second run on a fresh server,
//! which must give the same bytes) and adds the diagram's lines to a page that lacks them.

use std::fs;
use std::path::PathBuf;

use pictures::sequence::{self, Step};

use crate::http::Exchange;
use crate::scenario::{Lesson, Outcome, Side, run_lesson};
use crate::server::root;

/// The environment variable `just diagrams` sets: `BLACKBOX_DIAGRAMS=write`.
pub const WRITE: &str = "BLACKBOX_DIAGRAMS";

/// Whether this run writes the diagrams instead of checking them.
pub fn writing() -> bool {
    std::env::var(WRITE).is_ok_and(|v| v == "write")
}

/// `docs/src/diagrams/NN-slug.svg`.
pub fn file(lesson: &Lesson) -> PathBuf {
    root().join("docs/src/diagrams").join(format!("{}.svg", lesson.folder))
}

/// The diagram of a scenario's exchange, titled with the lesson's folder and the scenario's
/// name.
pub fn draw(lesson: &Lesson, scenario: &str, exchanges: &[Exchange]) -> String {
    let steps: Vec<Step> = exchanges
        .iter()
        .map(|e| Step {
            browser: e.browser,
            clock: e.clock,
            method: e.method.clone(),
            path: e.path.clone(),
            cookie: e.cookie.clone(),
            form: e.form.clone(),
            headers: e.headers.clone(),
            status: e.status,
            location: e.location.clone(),
            set_cookies: e.set_cookies.clone(),
        })
        .collect();
    sequence::render(&format!("{} · {scenario}", lesson.folder), &steps)
}

/// What a lesson page shows its diagram with, at the end of "What this step adds": the image
/// and a one-line caption, the same words on every page (one message for the translators).
pub fn page_lines(lesson: &Lesson) -> String {
    format!(
        "![The lesson's main flow as a sequence diagram: each request the browser sends, with its\n\
         Cookie header, and each answer of the server, with its status and Set-Cookie\n\
         headers](../diagrams/{}.svg)\n\n\
         *The main flow, drawn from the exchange its black-box scenario records against the Rust lesson\n\
         (`just diagrams`): `…` is a value that differs from run to run, `***` a password.*\n",
        lesson.folder
    )
}

/// `docs/src/lessons/NN-slug.md`.
fn page(lesson: &Lesson) -> PathBuf {
    root().join("docs/src/lessons").join(format!("{}.md", lesson.folder))
}

/// Does the page show the lesson's diagram?
fn shows(page_text: &str, lesson: &Lesson) -> bool {
    page_text.contains(&format!("](../diagrams/{}.svg)", lesson.folder))
}

/// The page with the diagram's lines added at the end of its "What this step adds" section.
fn with_diagram(page_text: &str, lesson: &Lesson) -> Option<String> {
    let heading = page_text.find("## What this step adds")?;
    let next = page_text[heading + 3..].find("\n## ").map(|i| heading + 3 + i + 1)?;
    let before = page_text[..next].trim_end();
    Some(format!("{before}\n\n{}\n{}", page_lines(lesson), &page_text[next..]))
}

/// Check (or, under `BLACKBOX_DIAGRAMS=write`, write) every lesson's diagram against what its
/// diagram scenario recorded in this run: every failure, one sentence each. When writing, only
/// the lessons this run ran are drawn (`just diagrams 04`).
pub fn check(lessons: &[&'static Lesson], outcomes: &[Outcome]) -> Vec<String> {
    let write = writing();
    let mut failures = Vec::new();
    for lesson in lessons {
        if write && !outcomes.iter().any(|o| o.lesson == lesson.folder) {
            continue;
        }
        let marked: Vec<&str> =
            lesson.scenarios.iter().filter(|s| s.diagram).map(|s| s.name).collect();
        let scenario = match marked[..] {
            [one] => one,
            [] => {
                failures.push(format!(
                    "{} has no `diagram` scenario: mark its main flow `scenario!(name, diagram)`",
                    lesson.folder
                ));
                continue;
            }
            _ => {
                failures.push(format!(
                    "{} has {} `diagram` scenarios ({}): mark only its main flow",
                    lesson.folder,
                    marked.len(),
                    marked.join(", ")
                ));
                continue;
            }
        };
        let recorded = outcomes
            .iter()
            .find(|o| o.lesson == lesson.folder && o.side == Side::Rust && o.scenario == scenario);
        let Some(outcome) = recorded.filter(|o| o.result.is_ok()) else {
            failures.push(format!(
                "{}: the diagram scenario `{scenario}` did not pass on the Rust side: its diagram is not {}",
                lesson.folder,
                if write { "written" } else { "checked" }
            ));
            continue;
        };
        let drawn = draw(lesson, scenario, &outcome.exchanges);
        let result = if write {
            write_one(lesson, scenario, &drawn)
        } else {
            check_one(lesson, scenario, &drawn)
        };
        if let Err(why) = result {
            failures.push(why);
        }
    }
    failures
}

fn shown(path: &std::path::Path) -> String {
    path.strip_prefix(root()).unwrap_or(path).display().to_string()
}

fn check_one(lesson: &Lesson, scenario: &str, drawn: &str) -> Result<(), String> {
    let path = file(lesson);
    let Ok(committed) = fs::read_to_string(&path) else {
        return Err(format!("{} is missing: run `just diagrams`", shown(&path)));
    };
    if committed != drawn {
        let (old, new) = (sequence::text_of(&committed), sequence::text_of(drawn));
        let first = old.iter().zip(&new).find(|(a, b)| a != b);
        let difference = match first {
            Some((a, b)) => format!("\"{a}\" there, \"{b}\" today"),
            None if old.len() != new.len() => {
                format!("{} lines there, {} today", old.len(), new.len())
            }
            None => "the same text, drawn differently".to_string(),
        };
        return Err(format!(
            "{} is not what the scenario `{scenario}` draws today ({difference}): run `just diagrams`",
            shown(&path)
        ));
    }
    let page = page(lesson);
    let text = fs::read_to_string(&page).unwrap_or_default();
    if !shows(&text, lesson) {
        return Err(format!(
            "{} does not show its diagram at the end of \"What this step adds\": run `just diagrams`",
            shown(&page)
        ));
    }
    Ok(())
}

fn write_one(lesson: &'static Lesson, scenario: &str, drawn: &str) -> Result<(), String> {
    // A second run, against a fresh server with a fresh key and database: what the masks miss
    // would make the committed diagram fail the next check.
    let again = run_lesson(lesson, Side::Rust, scenario)
        .into_iter()
        .find(|o| o.scenario == scenario && o.result.is_ok())
        .map(|o| draw(lesson, scenario, &o.exchanges));
    let Some(again) = again else {
        return Err(format!("{}: the second run of `{scenario}` failed", lesson.folder));
    };
    if again != drawn {
        let (a, b) = (sequence::text_of(drawn), sequence::text_of(&again));
        let first = a.iter().zip(&b).find(|(x, y)| x != y);
        return Err(format!(
            "{}: two runs of `{scenario}` draw different diagrams, not written ({}): a value that differs per run is not masked (pictures/src/sequence.rs)",
            lesson.folder,
            first.map_or("a different number of lines".to_string(), |(x, y)| format!(
                "\"{x}\" and \"{y}\""
            ))
        ));
    }
    let path = file(lesson);
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let unchanged = fs::read_to_string(&path).is_ok_and(|old| old == drawn);
    if !unchanged {
        fs::write(&path, drawn).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    let state = if unchanged { "unchanged" } else { "written" };
    println!("{} ({:.1} KB): {state}", shown(&path), drawn.len() as f64 / 1024.0);
    let page = page(lesson);
    let text = fs::read_to_string(&page).map_err(|e| format!("{}: {e}", page.display()))?;
    if !shows(&text, lesson) {
        let Some(new) = with_diagram(&text, lesson) else {
            return Err(format!("{} has no \"## What this step adds\" section", shown(&page)));
        };
        fs::write(&page, new).map_err(|e| format!("{}: {e}", page.display()))?;
        println!("added the diagram to {}", shown(&page));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    static LESSON: Lesson = Lesson { folder: "01-raw-cookies", clock: false, scenarios: &[] };

    #[test]
    fn the_diagram_goes_at_the_end_of_what_this_step_adds() {
        let page = "# 01\n\n## What this step adds\n\nOne idea.\n\n## The Flask version\n\nText.\n";
        let new = with_diagram(page, &LESSON).expect("a section");
        assert!(new.starts_with("# 01\n\n## What this step adds\n\nOne idea.\n\n![The lesson's"));
        assert!(new.contains("(../diagrams/01-raw-cookies.svg)\n\n*The main flow"));
        assert!(new.ends_with("password.*\n\n## The Flask version\n\nText.\n"), "{new}");
        assert!(shows(&new, &LESSON) && !shows(page, &LESSON));
        assert_eq!(with_diagram("# no section\n", &LESSON), None);
    }
}
