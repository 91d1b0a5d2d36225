//! The black-box suite's runner: `cargo test -p blackbox --test scenarios [-- FILTER]`, or
//! `just both [NN]`, which first builds the lesson binaries and the Flask virtual environment.
//!
//! For every lesson and both sides (the Rust binary, the Flask app) it starts one server and
//! runs the lesson's scenarios against it, two servers at a time (`BLACKBOX_JOBS` to change);
//! then it checks the book: every Flask block is included from a Flask app this suite runs, and
//! each page's "What is different, and why" names exactly its lesson's `differs` scenarios.
//! FILTER keeps the lessons or scenarios whose name contains it (`04`, `logout`).

use std::collections::VecDeque;
use std::sync::Mutex;

use blackbox::scenario::{Outcome, run_lesson};
use blackbox::{Lesson, Side};

mod book;
#[path = "scenarios/lesson_01.rs"]
mod lesson_01;
#[path = "scenarios/lesson_02.rs"]
mod lesson_02;
#[path = "scenarios/lesson_03.rs"]
mod lesson_03;
#[path = "scenarios/lesson_04.rs"]
mod lesson_04;
#[path = "scenarios/lesson_05.rs"]
mod lesson_05;
#[path = "scenarios/lesson_06.rs"]
mod lesson_06;
#[path = "scenarios/lesson_07.rs"]
mod lesson_07;
#[path = "scenarios/lesson_08.rs"]
mod lesson_08;
#[path = "scenarios/lesson_09.rs"]
mod lesson_09;
#[path = "scenarios/lesson_10.rs"]
mod lesson_10;
#[path = "scenarios/lesson_11.rs"]
mod lesson_11;
#[path = "scenarios/lesson_12.rs"]
mod lesson_12;
#[path = "scenarios/lesson_13.rs"]
mod lesson_13;
#[path = "scenarios/lesson_14.rs"]
mod lesson_14;
#[path = "scenarios/lesson_15.rs"]
mod lesson_15;
#[path = "scenarios/lesson_16.rs"]
mod lesson_16;

/// Every lesson the suite knows, in order.
pub static LESSONS: &[&Lesson] = &[
    &lesson_01::LESSON,
    &lesson_02::LESSON,
    &lesson_03::LESSON,
    &lesson_04::LESSON,
    &lesson_05::LESSON,
    &lesson_06::LESSON,
    &lesson_07::LESSON,
    &lesson_08::LESSON,
    &lesson_09::LESSON,
    &lesson_10::LESSON,
    &lesson_11::LESSON,
    &lesson_12::LESSON,
    &lesson_13::LESSON,
    &lesson_14::LESSON,
    &lesson_15::LESSON,
    &lesson_16::LESSON,
];

fn main() {
    // Arguments cargo passes through (`--quiet`, `--nocapture`, ...) are not ours.
    let filter = std::env::args().skip(1).find(|a| !a.starts_with('-')).unwrap_or_default();
    let verbose = std::env::var_os("BLACKBOX_VERBOSE").is_some();
    let started = std::time::Instant::now();

    let sides = sides();
    let jobs: VecDeque<(&'static Lesson, Side)> = LESSONS
        .iter()
        .flat_map(|lesson| sides.iter().map(move |side| (*lesson, *side)))
        .filter(|(lesson, _)| !lesson.scenarios.is_empty())
        .collect();
    let jobs = Mutex::new(jobs);
    let outcomes: Mutex<Vec<Outcome>> = Mutex::new(Vec::new());
    let workers = std::env::var("BLACKBOX_JOBS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
    std::thread::scope(|scope| {
        for _ in 0..workers.max(1) {
            scope.spawn(|| {
                loop {
                    let job = jobs.lock().unwrap_or_else(|e| e.into_inner()).pop_front();
                    let Some((lesson, side)) = job else { break };
                    let done = run_lesson(lesson, side, &filter);
                    outcomes.lock().unwrap_or_else(|e| e.into_inner()).extend(done);
                }
            });
        }
    });
    let mut outcomes = outcomes.into_inner().unwrap_or_else(|e| e.into_inner());
    outcomes.sort_by_key(|o| (o.lesson, o.side == Side::Flask, o.scenario));

    let mut passed = 0;
    let mut failed = Vec::new();
    for outcome in &outcomes {
        match &outcome.result {
            Ok(()) => {
                passed += 1;
                if verbose {
                    println!("ok      {} {:5} {}", outcome.lesson, outcome.side, outcome.scenario);
                }
            }
            Err(_) => failed.push(outcome),
        }
    }
    for lesson in LESSONS {
        let of = |side: Side| {
            let mine: Vec<&Outcome> =
                outcomes.iter().filter(|o| o.lesson == lesson.folder && o.side == side).collect();
            let ok = mine.iter().filter(|o| o.result.is_ok()).count();
            (ok, mine.len())
        };
        let ((rust_ok, rust_all), (flask_ok, flask_all)) = (of(Side::Rust), of(Side::Flask));
        if rust_all + flask_all > 0 {
            println!(
                "{:28} rust {rust_ok}/{rust_all}  flask {flask_ok}/{flask_all}",
                lesson.folder
            );
        }
    }

    // The book's side of the promise, when the whole suite runs.
    let (mut book_failures, mut shot_failures) = (Vec::new(), Vec::new());
    if filter.is_empty() {
        book_failures = book::check(LESSONS);
        if book_failures.is_empty() {
            passed += 1;
            println!(
                "the book: every Flask block is a file this suite runs; every page lists its differences"
            );
        }
        // The screenshots: each shot's page, fetched again, still the one in its picture.
        shot_failures = blackbox::shots::check();
        if shot_failures.is_empty() {
            passed += 1;
            println!("the screenshots: every shot's page is the one its picture shows");
        }
    }

    for outcome in &failed {
        if let Err(why) = &outcome.result {
            eprintln!("\nFAILED {} {} {}\n  {why}", outcome.lesson, outcome.side, outcome.scenario);
        }
    }
    for why in &book_failures {
        eprintln!("\nFAILED the book\n  {why}");
    }
    for why in &shot_failures {
        eprintln!("\nFAILED the screenshots\n  {why}");
    }
    // The sequence diagrams (docs/src/diagrams/), after a full run; `just diagrams` writes them.
    let mut diagram_failures = Vec::new();
    if filter.is_empty() || blackbox::diagrams::writing() {
        diagram_failures = blackbox::diagrams::check(LESSONS, &outcomes);
        if diagram_failures.is_empty() {
            passed += 1;
            println!(
                "the diagrams: each lesson's main flow drawn as its scenario records it today"
            );
        }
    }
    for why in &diagram_failures {
        eprintln!("\nFAILED the diagrams\n  {why}");
    }
    let failed_count = failed.len()
        + usize::from(!book_failures.is_empty())
        + usize::from(!shot_failures.is_empty())
        + usize::from(!diagram_failures.is_empty());
    println!("\nboth sides in {:.1} s", started.elapsed().as_secs_f64());
    println!("blackbox: {passed} passed, {failed_count} failed");
    if failed_count > 0 {
        std::process::exit(1);
    }
}

/// Both sides, or the ones that can run here. A missing Flask environment skips the Flask side
/// with the reason, except under CI (env `CI` set), where it fails.
fn sides() -> Vec<Side> {
    let python = blackbox::server::python();
    if python.is_file() {
        return vec![Side::Rust, Side::Flask];
    }
    let reason = format!(
        "{} is missing: `scripts/flask venv` makes it (`just both` and `just test` do)",
        python.display()
    );
    if std::env::var_os("CI").is_some() {
        eprintln!("error: {reason} (CI is set: both sides must run)");
        std::process::exit(1);
    }
    eprintln!("skipped the Flask side: {reason}");
    vec![Side::Rust]
}
