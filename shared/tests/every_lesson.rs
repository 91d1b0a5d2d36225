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
