//! What the exercise scripts read from a test run, in Rust rather than in `grep` and `sed`:
//! libtest prints one `test NAME ... ok` (or `FAILED`, `ignored`) line per test, and an
//! exercise's tests are grouped by module: `tests::task::` (the task), `tests::lesson::` (the
//! lesson's own), `tests::lesson::bad_input::` (the shared bad-input suite).
//!
//! ```text
//! exercises report NN LOG           how far along exercise NN is, from its `cargo test` output
//!                                   (exit 0: done, 1: tests fail, 2: no test ran)
//! exercises count LOG GROUP [ok|FAILED]   how many tests of GROUP (task, lesson, bad_input,
//!                                   other, all) ran, passed or failed
//! exercises list LOG ok|FAILED [GROUP...]  the tests (of those groups) that passed or failed
//! exercises progress                every exercise on one line: not started, N of M task tests
//!                                   pass, done (builds them all with one cargo command)
//! exercises binaries [solution] [NN...]  builds the exercises' tests (starters, or solutions)
//!                                   with one cargo command; prints `FOLDER<TAB>TEST BINARY`
//!                                   per exercise, `FOLDER<TAB>-` for one that did not build
//! ```
//!
//! `scripts/exercise` and `scripts/check-exercises` call it; `just progress` runs `progress`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Group {
    Task,
    Lesson,
    BadInput,
    Other,
}

impl Group {
    fn of(name: &str) -> Group {
        if name.starts_with("tests::task::") {
            Group::Task
        } else if name.starts_with("tests::lesson::bad_input::") {
            Group::BadInput
        } else if name.starts_with("tests::lesson::") {
            Group::Lesson
        } else {
            Group::Other
        }
    }

    fn parse(word: &str) -> Option<Option<Group>> {
        match word {
            "task" => Some(Some(Group::Task)),
            "lesson" => Some(Some(Group::Lesson)),
            "bad_input" => Some(Some(Group::BadInput)),
            "other" => Some(Some(Group::Other)),
            "all" => Some(None),
            _ => None,
        }
    }
}

/// One `test NAME ... RESULT` line.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Outcome {
    name: String,
    ok: bool,
    ignored: bool,
}

/// The test lines of libtest's output (colours removed).
fn outcomes(output: &str) -> Vec<Outcome> {
    output
        .lines()
        .map(strip_colours)
        .filter_map(|line| {
            let rest = line.strip_prefix("test ")?;
            let (name, result) = rest.split_once(" ... ")?;
            let result = result.trim_end();
            let (ok, ignored) = match result {
                "ok" => (true, false),
                "FAILED" => (false, false),
                _ if result.starts_with("ignored") => (false, true),
                _ => return None,
            };
            (!name.contains(' ')).then(|| Outcome { name: name.to_string(), ok, ignored })
        })
        .collect()
}

/// `text` without terminal colour codes (`ESC [ ... m`).
fn strip_colours(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// (passing, run) of the tests in `group`, ignored ones left out.
fn tally(tests: &[Outcome], group: Group) -> (usize, usize) {
    let run: Vec<&Outcome> =
        tests.iter().filter(|t| !t.ignored && Group::of(&t.name) == group).collect();
    (run.iter().filter(|t| t.ok).count(), run.len())
}

fn failing(tests: &[Outcome], groups: &[Group]) -> Vec<String> {
    listed(tests, false, groups)
}

/// The tests of `groups` (all, if none) that passed (`ok`) or failed.
fn listed(tests: &[Outcome], ok: bool, groups: &[Group]) -> Vec<String> {
    tests
        .iter()
        .filter(|t| t.ok == ok && !t.ignored)
        .filter(|t| groups.is_empty() || groups.contains(&Group::of(&t.name)))
        .map(|t| t.name.clone())
        .collect()
}

/// The report of `scripts/exercise test`: the task's tests first and apart, then the lesson's.
fn report(number: &str, tests: &[Outcome]) -> u8 {
    if tests.is_empty() {
        println!(
            "Exercise {number} does not compile yet: fix the first error above, then run this again."
        );
        return 2;
    }
    let (task_ok, task) = tally(tests, Group::Task);
    let (lesson_ok, lesson) = tally(tests, Group::Lesson);
    let (bad_ok, bad) = tally(tests, Group::BadInput);
    let list = |groups: &[Group]| {
        for name in failing(tests, groups) {
            println!("    failing: {name}");
        }
    };
    println!("Your task (src/tests/task.rs): {task_ok} of {task} tests pass.");
    list(&[Group::Task]);
    println!(
        "Lesson {number}'s own tests, which your changes must keep passing: {lesson_ok} of {lesson}."
    );
    list(&[Group::Lesson, Group::Other]);
    println!(
        "Bad input, never a 500 or a panic (your pages too, so a todo!() fails here): {bad_ok} of {bad}."
    );
    // Not listed one by one: while a page of yours is `todo!()`, most of the suite fails on it.
    if failing(tests, &[]).is_empty() { 0 } else { 1 }
}

fn read(path: &str) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|error| format!("cannot read {path}: {error}"))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match words.as_slice() {
        ["report", number, log] => read(log).map(|text| report(number, &outcomes(&text))),
        ["count", log, group, rest @ ..] if rest.len() <= 1 => {
            let Some(group) = Group::parse(group) else { return usage() };
            read(log).map(|text| {
                let count = outcomes(&text)
                    .iter()
                    .filter(|t| !t.ignored && group.is_none_or(|g| Group::of(&t.name) == g))
                    .filter(|t| match rest.first() {
                        Some(&"ok") => t.ok,
                        Some(_) => !t.ok,
                        None => true,
                    })
                    .count();
                println!("{count}");
                0
            })
        }
        ["list", log, result @ ("ok" | "FAILED"), groups @ ..] => {
            let mut wanted = Vec::new();
            for word in groups {
                match Group::parse(word) {
                    Some(Some(group)) => wanted.push(group),
                    Some(None) => {}
                    None => return usage(),
                }
            }
            read(log).map(|text| {
                for name in listed(&outcomes(&text), *result == "ok", &wanted) {
                    println!("{name}");
                }
                0
            })
        }
        ["progress"] => progress(),
        ["binaries", rest @ ..] => {
            let solution = rest.first() == Some(&"solution");
            let numbers = if solution { &rest[1..] } else { rest };
            binaries(solution, numbers)
        }
        _ => return usage(),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(3)
        }
    }
}

fn usage() -> ExitCode {
    eprintln!(
        "usage: exercises report NN LOG | count LOG task|lesson|bad_input|other|all [ok|FAILED] | list LOG ok|FAILED [GROUP...] | progress | binaries [solution] [NN...]"
    );
    ExitCode::from(2)
}

/// One exercise of the workspace.
struct Exercise {
    folder: String,
    package: String,
    dir: PathBuf,
}

fn exercises(root: &Path) -> Result<Vec<Exercise>, String> {
    let folder = root.join("exercises");
    let entries = std::fs::read_dir(&folder)
        .map_err(|error| format!("cannot list {}: {error}", folder.display()))?;
    let mut found: Vec<Exercise> = entries
        .filter_map(Result::ok)
        .filter(|entry| entry.path().join("Cargo.toml").is_file())
        .filter_map(|entry| {
            let name = entry.file_name().to_str()?.to_string();
            let numbered = name.len() > 3 && name.as_bytes()[..2].iter().all(u8::is_ascii_digit);
            numbered.then(|| Exercise {
                package: format!("exercise-{name}"),
                dir: entry.path(),
                folder: name,
            })
        })
        .collect();
    found.sort_by(|a, b| a.folder.cmp(&b.folder));
    Ok(found)
}

/// Builds every exercise's tests with one cargo command (`--message-format json`: cargo says
/// which test binary belongs to which package, and which package failed to build), then runs
/// each binary's task tests and prints one line per exercise.
fn progress() -> Result<u8, String> {
    let root = checkout()?;
    let all = exercises(&root)?;
    eprintln!("Building the {} exercises' tests (a few minutes the first time)...", all.len());
    let binaries = build_all(&root, &all, false)?;
    let width = all.iter().map(|e| e.folder.len()).max().unwrap_or(0);
    let mut done = 0;
    for exercise in &all {
        let state = match binaries.get(&exercise.package) {
            None => "does not compile: `just exercise NN` shows the first error".to_string(),
            Some(binary) => {
                let output = Command::new(binary)
                    .args(["tests::task::", "--test-threads=2"])
                    .current_dir(&exercise.dir)
                    .env("RUST_BACKTRACE", "0")
                    .stdin(Stdio::null())
                    .output()
                    .map_err(|error| format!("cannot run {}: {error}", binary.display()))?;
                let text = String::from_utf8_lossy(&output.stdout);
                let (passing, total) = tally(&outcomes(&text), Group::Task);
                if total > 0 && passing == total {
                    done += 1;
                    "done".to_string()
                } else if passing == 0 && unchanged(&root, exercise) {
                    "not started".to_string()
                } else {
                    format!("{passing} of {total} task tests pass")
                }
            }
        };
        let number = &exercise.folder[..2];
        let state = state.replace("NN", number);
        println!("{:width$}  {state}", exercise.folder);
    }
    println!("{done} of {} exercises done.", all.len());
    Ok(0)
}

/// The test binary of each exercise of `all` that builds (starters, or with `solution` the
/// solutions). One cargo command for all, so that cargo builds two crates at a time on two cores;
/// if one exercise does not compile, cargo stops, and the ones it did not get to are built again
/// without it (a student has one broken exercise at a time).
fn build_all(
    root: &Path,
    all: &[Exercise],
    solution: bool,
) -> Result<BTreeMap<String, PathBuf>, String> {
    let mut binaries: BTreeMap<String, PathBuf> = BTreeMap::new();
    let mut broken: Vec<String> = Vec::new();
    let mut pending: Vec<&Exercise> = all.iter().collect();
    while !pending.is_empty() {
        let (built, failed) = build(root, &pending, solution)?;
        binaries.extend(built);
        if failed.is_empty() && pending.iter().all(|e| binaries.contains_key(&e.package)) {
            break;
        }
        let stuck = failed.is_empty();
        broken.extend(failed);
        pending.retain(|e| !binaries.contains_key(&e.package) && !broken.contains(&e.package));
        if stuck {
            // Neither built nor failed: cargo's own trouble, shown above.
            break;
        }
    }
    Ok(binaries)
}

/// `exercises binaries [solution] [NN...]`: for scripts/check-exercises, which then runs each
/// exercise's tests from its binary instead of one cargo command per exercise.
fn binaries(solution: bool, numbers: &[&str]) -> Result<u8, String> {
    let root = checkout()?;
    let mut all = exercises(&root)?;
    if !numbers.is_empty() {
        all.retain(|e| {
            numbers.iter().any(|n| e.folder.starts_with(&format!("{n}-")) || e.folder == *n)
        });
    }
    let built = build_all(&root, &all, solution)?;
    for exercise in &all {
        match built.get(&exercise.package) {
            Some(path) => println!("{}\t{}", exercise.folder, path.display()),
            None => println!("{}\t-", exercise.folder),
        }
    }
    Ok(0)
}

/// The checkout this runs in: the nearest folder up from here with `exercises/` and a `justfile`.
fn checkout() -> Result<PathBuf, String> {
    let here = std::env::current_dir().map_err(|error| format!("no current folder: {error}"))?;
    here.ancestors()
        .find(|dir| dir.join("exercises").is_dir() && dir.join("justfile").is_file())
        .map(Path::to_path_buf)
        .ok_or_else(|| format!("{} is not inside the course's checkout", here.display()))
}

/// `cargo test --no-run` for `exercises` (with `solution`: their solutions): the test binary of each package that built, and the
/// packages that did not.
fn build(
    root: &Path,
    exercises: &[&Exercise],
    solution: bool,
) -> Result<(BTreeMap<String, PathBuf>, Vec<String>), String> {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command.current_dir(root).args(["test", "--no-run", "--quiet", "--message-format", "json"]);
    for exercise in exercises {
        command.args(["-p", &exercise.package]);
    }
    if solution {
        let features: Vec<String> =
            exercises.iter().map(|e| format!("{}/solution", e.package)).collect();
        command.args(["--features", &features.join(",")]);
    }
    let output = command.output().map_err(|error| format!("cannot run cargo: {error}"))?;
    let mut built = BTreeMap::new();
    let mut failed = Vec::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else { continue };
        let package = message["package_id"].as_str().and_then(|id| {
            exercises.iter().find(|e| id.contains(&format!("exercises/{}", e.folder)))
        });
        let Some(exercise) = package else { continue };
        match message["reason"].as_str() {
            Some("compiler-artifact") if message["profile"]["test"] == true => {
                if let Some(path) = message["executable"].as_str() {
                    built.insert(exercise.package.clone(), PathBuf::from(path));
                }
            }
            Some("compiler-message")
                if message["message"]["level"] == "error"
                    && !failed.contains(&exercise.package) =>
            {
                failed.push(exercise.package.clone());
            }
            _ => {}
        }
    }
    Ok((built, failed))
}

/// The student's file is still the starter as the checkout has it (git's HEAD). Without git,
/// or outside a checkout: not known, so "0 of N" rather than "not started".
fn unchanged(root: &Path, exercise: &Exercise) -> bool {
    let file = format!("exercises/{}/src/exercise.rs", exercise.folder);
    Command::new("git")
        .current_dir(root)
        .args(["diff", "--quiet", "HEAD", "--", &file])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

#[cfg(test)]
mod tests {
    use super::*;

    const RUN: &str = "running 4 tests\n\
        test tests::task::adding_an_item_shows_it ... FAILED\n\
        test tests::task::an_empty_cart_says_so ... ok\n\
        \u{1b}[32mtest tests::lesson::the_page_loads ... ok\u{1b}[0m\n\
        test tests::lesson::bad_input::an_8_kb_cookie_gets_a_431_page ... FAILED\n\
        test tests::lesson::slow ... ignored, needs redis\n\
        test result: FAILED. 2 passed; 2 failed\n";

    #[test]
    fn test_lines_are_read_by_group_and_result() {
        let tests = outcomes(RUN);
        assert_eq!(tests.len(), 5);
        assert_eq!(tally(&tests, Group::Task), (1, 2));
        assert_eq!(tally(&tests, Group::Lesson), (1, 1), "the ignored test is not counted");
        assert_eq!(tally(&tests, Group::BadInput), (0, 1));
        assert_eq!(
            failing(&tests, &[Group::Task, Group::Lesson]),
            vec!["tests::task::adding_an_item_shows_it".to_string()]
        );
        assert_eq!(
            listed(&tests, true, &[Group::Task]),
            vec!["tests::task::an_empty_cart_says_so".to_string()]
        );
    }

    #[test]
    fn a_run_that_did_not_compile_has_no_test_lines() {
        let output = "error[E0618]: expected function, found `Cart`\ntest result: nothing\n";
        assert!(outcomes(output).is_empty());
        assert_eq!(report("04", &outcomes(output)), 2);
    }

    #[test]
    fn the_report_is_done_only_when_every_test_passes() {
        assert_eq!(report("04", &outcomes(RUN)), 1);
        let all_ok = RUN.replace("FAILED\n", "ok\n");
        assert_eq!(report("04", &outcomes(&all_ok)), 0);
    }
}
