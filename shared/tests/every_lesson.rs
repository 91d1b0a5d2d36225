//! The bad-input suite (`shared::testkit::bad_input`) runs inside each lesson's own tests, where
//! the lesson's `LESSON` is in reach (lessons are binaries, not libraries). This test makes sure
//! no lesson is left out: a new lesson fails here until its `tests.rs` has the line.

use std::fs;
use std::path::Path;

/// The line's start: `, crate::app);` follows, or `, client = ...);` when the lesson's tests
/// make their browsers themselves (a database, a session store opened as `main` does).
const LINE: &str = "shared::bad_input_tests!(crate::LESSON";

#[test]
fn every_lesson_runs_the_bad_input_suite() {
    let lessons = Path::new(env!("CARGO_MANIFEST_DIR")).join("../lessons");
    let mut missing = Vec::new();
    let mut seen = 0;
    for entry in fs::read_dir(&lessons).expect("the lessons folder") {
        let dir = entry.expect("a readable entry").path();
        if !dir.join("Cargo.toml").exists() {
            continue;
        }
        seen += 1;
        let tests = dir.join("src/tests.rs");
        let text = fs::read_to_string(&tests).unwrap_or_default();
        let found = text.lines().map(str::trim).any(|line| {
            line.strip_prefix(LINE)
                .is_some_and(|rest| rest == ", crate::app);" || rest.starts_with(", client = "))
        });
        if !found {
            missing.push(tests.display().to_string());
        }
    }
    assert!(seen >= 10, "found only {seen} lessons in {}", lessons.display());
    assert!(
        missing.is_empty(),
        "add `{LINE}, crate::app);` at the end of:\n  {}",
        missing.join("\n  ")
    );
}

/// The folders `lessons/NN-slug` (or `exercises/NN-slug`), in order.
fn crates(folder: &str) -> Vec<std::path::PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(folder);
    let mut found: Vec<_> = fs::read_dir(&root)
        .expect("the folder")
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|dir| dir.join("Cargo.toml").exists())
        .collect();
    found.sort();
    found
}

fn name(dir: &Path) -> String {
    dir.file_name().expect("a folder name").to_string_lossy().into_owned()
}

/// Issue 13: the framework in plain sight. Every lesson's and exercise's `main.rs` starts its
/// own actix-web server, wraps its middleware on the `App` and keeps its state in `web::Data`.
#[test]
fn every_main_starts_its_own_actix_web_server() {
    let needed = [
        "#[actix_web::main]",
        "HttpServer::new(move ||",
        ".bind(",
        ".run()",
        "App::new()",
        ".app_data(web::Data::new(",
        ".wrap(from_fn(shared::guard::check))",
        ".wrap(shared::protective_headers())",
        ".wrap(Logger::new(",
        ".default_service(web::to(shared::not_found))",
    ];
    let mut problems = Vec::new();
    let all: Vec<_> = crates("lessons").into_iter().chain(crates("exercises")).collect();
    assert!(all.len() >= 20, "found only {} lessons and exercises", all.len());
    for dir in all {
        let main = fs::read_to_string(dir.join("src/main.rs")).unwrap_or_default();
        for text in needed {
            if !main.contains(text) {
                problems.push(format!("{}/src/main.rs lacks `{text}`", dir.display()));
            }
        }
        for gone in ["shared::run(", "web::scope(\"\")"] {
            if main.contains(gone) {
                problems.push(format!("{}/src/main.rs still has `{gone}`", dir.display()));
            }
        }
        let lines = main.lines().count();
        if lines >= 400 {
            problems.push(format!("{}/src/main.rs has {lines} lines (under 400)", dir.display()));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A module a lesson copied from the step before (or an exercise from its lesson) and the step
/// changed, with why: `lessons/CHANGED-COPIES` lists them, one `NN file why` a line
/// (`exercise-NN file why` for an exercise).
fn changed_copies() -> Vec<(String, String)> {
    let list = Path::new(env!("CARGO_MANIFEST_DIR")).join("../lessons/CHANGED-COPIES");
    let text = fs::read_to_string(&list).expect("lessons/CHANGED-COPIES");
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| {
            let mut parts = line.split_whitespace();
            let step = parts.next().unwrap_or_default().to_string();
            let file = parts.next().unwrap_or_default().to_string();
            assert!(parts.next().is_some(), "lessons/CHANGED-COPIES: say why: {line}");
            (step, file)
        })
        .collect()
}

/// Issue 13, copies that cannot drift: a module of lesson N that lesson N-1 also has (any file
/// in `src/` but `main.rs` and the tests) is the same file, unless `lessons/CHANGED-COPIES` says
/// step N changes it; the same between an exercise and its lesson. And the list holds no
/// entry that is not needed, so it stays the true list of what each step changes.
#[test]
fn copied_modules_equal_the_previous_steps_except_where_listed() {
    let listed = changed_copies();
    let mut used = vec![false; listed.len()];
    let mut problems = Vec::new();
    let mut compare = |before: &Path, after: &Path, step: String| {
        let Ok(entries) = fs::read_dir(after.join("src")) else { return };
        let mut files: Vec<_> = entries.filter_map(|entry| entry.ok()).collect();
        files.sort_by_key(|entry| entry.file_name());
        for entry in files {
            let file = entry.file_name().to_string_lossy().into_owned();
            if !file.ends_with(".rs") || ["main.rs", "tests.rs", "exercise.rs"].contains(&&*file) {
                continue;
            }
            let Ok(old) = fs::read_to_string(before.join("src").join(&file)) else { continue };
            let new = fs::read_to_string(entry.path()).unwrap_or_default();
            let position = listed.iter().position(|(s, f)| *s == step && *f == file);
            if let Some(at) = position {
                used[at] = true;
                if old == new {
                    problems.push(format!(
                        "lessons/CHANGED-COPIES says step {step} changes {file}, but it is the \
                         same as in {}: remove the line",
                        name(before)
                    ));
                }
            } else if old != new {
                problems.push(format!(
                    "{}/src/{file} differs from {}/src/{file}: make them the same, or add \
                     `{step} {file} <why>` to lessons/CHANGED-COPIES",
                    after.display(),
                    before.display()
                ));
            }
        }
    };
    let lessons = crates("lessons");
    for pair in lessons.windows(2) {
        let step = name(&pair[1])[..2].to_string();
        compare(&pair[0], &pair[1], step);
    }
    for exercise in crates("exercises") {
        let number = name(&exercise)[..2].to_string();
        if let Some(lesson) = lessons.iter().find(|lesson| name(lesson).starts_with(&number)) {
            compare(lesson, &exercise, format!("exercise-{number}"));
        }
    }
    for (at, (step, file)) in listed.iter().enumerate() {
        if !used[at] {
            problems.push(format!("lessons/CHANGED-COPIES: `{step} {file}` matches no copy"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
