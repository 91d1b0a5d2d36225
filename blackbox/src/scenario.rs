//! Scenarios, the lessons that hold them, and the runner: one server per lesson and side, each
//! scenario run against it with new browsers, a report of every failure with its exchange.

use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex};

use crate::http::{Client, Exchange, Shared};
use crate::server::Server;

/// Which server a scenario is talking to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Rust,
    Flask,
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Side::Rust => "rust",
            Side::Flask => "flask",
        })
    }
}

/// One flow of a lesson, over HTTP. `run` panics (an `assert!`) when the server does not do
/// what the scenario says.
pub struct Scenario {
    pub name: &'static str,
    /// `None`: both servers behave alike. `Some(how)`: the course deliberately differs from
    /// Flask here, in one line; the scenario asserts each side's own behaviour, and the page's
    /// "What is different, and why" section names it.
    pub differs: Option<&'static str>,
    /// The flow the page's sequence diagram draws (one per lesson).
    pub diagram: bool,
    pub run: fn(&mut Visit),
}

/// `scenario!(name)`, `scenario!(name, differs: "how")`, `scenario!(name, diagram)`: a
/// `Scenario` named after its function.
#[macro_export]
macro_rules! scenario {
    ($run:ident) => {
        $crate::Scenario { name: stringify!($run), differs: None, diagram: false, run: $run }
    };
    ($run:ident, diagram) => {
        $crate::Scenario { name: stringify!($run), differs: None, diagram: true, run: $run }
    };
    ($run:ident, differs: $how:expr) => {
        $crate::Scenario { name: stringify!($run), differs: Some($how), diagram: false, run: $run }
    };
}

/// A lesson's scenarios.
pub struct Lesson {
    /// The lesson's folder name, `"04-session-dict"`: the Rust binary is `lesson-<folder>`, the
    /// Flask app `flask/<folder>/app.py`.
    pub folder: &'static str,
    /// Its scenarios move the clock (`Visit::advance`): both servers run under libfaketime.
    pub clock: bool,
    pub scenarios: &'static [Scenario],
}

impl Lesson {
    /// `"04"`.
    pub fn number(&self) -> &'static str {
        &self.folder[..2]
    }
}

/// What a scenario gets: the side it talks to, browsers for it, and the clock.
pub struct Visit<'a> {
    pub side: Side,
    server: &'a Server,
    /// A server of this visit's own, started by `restart_with`; then the one browsers talk to.
    own: Option<Server>,
    lesson: &'static Lesson,
    shared: Shared,
}

impl Visit<'_> {
    /// A new browser, with an empty cookie jar.
    pub fn browser(&self) -> Client {
        Client::new(self.url(), self.shared.clone())
    }

    /// Go on with a server of the same lesson and side started with these settings (what
    /// `SESSION_ALWAYS_PERMANENT=1 just run 05` would do): the browsers made after this call
    /// talk to it. The lesson's server, which the other scenarios share, keeps its settings.
    pub fn restart_with(&mut self, settings: &[(&str, &str)]) {
        let server = Server::start_with(self.side, self.lesson.folder, self.lesson.clock, settings)
            .unwrap_or_else(|e| panic!("restart_with({settings:?}): {e}"));
        let offset = *self.shared.offset.lock().unwrap_or_else(|e| e.into_inner());
        if self.lesson.clock
            && let Err(e) = server.set_clock(offset)
        {
            panic!("restart_with: the new server's clock: {e}");
        }
        self.own = Some(server);
    }

    fn server(&self) -> &Server {
        self.own.as_ref().unwrap_or(self.server)
    }

    pub fn is_rust(&self) -> bool {
        self.side == Side::Rust
    }

    pub fn is_flask(&self) -> bool {
        self.side == Side::Flask
    }

    /// Now, in seconds since 1970, as this visit's browsers see it (the real time plus what
    /// `advance` added).
    pub fn now(&self) -> i64 {
        self.shared.now()
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.server().url
    }

    /// Let `seconds` pass, for the server and for every browser of this visit (their cookies
    /// expire as a browser's would). Only in a lesson with `clock: true`.
    pub fn advance(&mut self, seconds: i64) {
        let offset = {
            let mut offset = self.shared.offset.lock().unwrap_or_else(|e| e.into_inner());
            *offset += seconds;
            *offset
        };
        // The lesson's server too, when a restarted one is in use: the next scenario's browsers
        // keep this offset.
        for server in [Some(self.server), self.own.as_ref()].into_iter().flatten() {
            if let Err(e) = server.set_clock(offset) {
                panic!("advance({seconds}): {e}");
            }
        }
    }
}

/// How one scenario went on one side.
pub struct Outcome {
    pub lesson: &'static str,
    pub scenario: &'static str,
    pub side: Side,
    /// `Err(why)`: the assertion's message, the exchanges and the server's log.
    pub result: Result<(), String>,
    pub exchanges: Vec<Exchange>,
}

/// Run every scenario of `lesson` whose name contains `filter` against one freshly started
/// server of `side`.
pub fn run_lesson(lesson: &'static Lesson, side: Side, filter: &str) -> Vec<Outcome> {
    quiet_panics();
    let chosen: Vec<&'static Scenario> = lesson
        .scenarios
        .iter()
        .filter(|s| {
            // `04` is a lesson's number; any other text picks lessons or scenarios by name.
            let number = filter.len() == 2 && filter.bytes().all(|b| b.is_ascii_digit());
            filter.is_empty()
                || (number && lesson.number() == filter)
                || (!number && (lesson.folder.contains(filter) || s.name.contains(filter)))
        })
        .collect();
    if chosen.is_empty() {
        return Vec::new();
    }
    let mut server = match Server::start(side, lesson.folder, lesson.clock) {
        Ok(server) => server,
        Err(why) => {
            return chosen
                .iter()
                .map(|s| Outcome {
                    lesson: lesson.folder,
                    scenario: s.name,
                    side,
                    result: Err(format!(
                        "the {side} server of {} did not start: {why}",
                        lesson.folder
                    )),
                    exchanges: Vec::new(),
                })
                .collect();
        }
    };
    let offset = Arc::new(Mutex::new(0));
    let mut outcomes = Vec::new();
    for scenario in chosen {
        let shared = Shared { offset: offset.clone(), ..Shared::default() };
        let mut visit = Visit { side, server: &server, own: None, lesson, shared: shared.clone() };
        let result = catch_unwind(AssertUnwindSafe(|| (scenario.run)(&mut visit)));
        let exchanges = shared.exchanges.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let result = result.map_err(|panic| {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "panicked".into());
            let place = PLACE.with(|place| place.take()).unwrap_or_default();
            let mut report = format!("{message}\n  at {place}\n\n  the exchange ({side}):\n");
            for exchange in &exchanges {
                report.push_str(&describe(exchange));
            }
            if !server.is_running() {
                report.push_str("\n  the server is no longer running\n");
            }
            report.push_str(&format!("\n  the server's log:\n{}", indent(&server.log())));
            report
        });
        outcomes.push(Outcome {
            lesson: lesson.folder,
            scenario: scenario.name,
            side,
            result,
            exchanges,
        });
    }
    outcomes
}

thread_local! {
    /// Where the last panic on this thread happened: the failing `assert!`'s line.
    static PLACE: std::cell::Cell<Option<String>> = const { std::cell::Cell::new(None) };
}

/// A failing assertion is reported once, with its exchange, by the runner: the default hook's
/// message and backtrace would only repeat it.
fn quiet_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let place = info.location().map(|l| format!("{}:{}", l.file(), l.line()));
            PLACE.with(|cell| cell.set(place));
        }));
    });
}

/// An exchange as a few indented lines: the request, its `Cookie`, the answer, its
/// `Set-Cookie`s.
pub fn describe(exchange: &Exchange) -> String {
    let mut text = format!("    {} {}", exchange.method, exchange.path);
    if !exchange.form.is_empty() {
        let fields: Vec<String> = exchange.form.iter().map(|(n, v)| format!("{n}={v}")).collect();
        text.push_str(&format!("  [form {}]", fields.join("&")));
    }
    text.push('\n');
    for (name, value) in &exchange.headers {
        text.push_str(&format!("      {name}: {value}\n"));
    }
    if let Some(cookie) = &exchange.cookie {
        text.push_str(&format!("      Cookie: {cookie}\n"));
    }
    text.push_str(&format!("    -> {}", exchange.status));
    if let Some(location) = &exchange.location {
        text.push_str(&format!(" Location: {location}"));
    }
    text.push('\n');
    for set_cookie in &exchange.set_cookies {
        text.push_str(&format!("      Set-Cookie: {set_cookie}\n"));
    }
    text
}

fn indent(text: &str) -> String {
    let tail: Vec<&str> = text.lines().rev().take(40).collect();
    tail.into_iter().rev().map(|line| format!("    {line}\n")).collect()
}
