//! A bounded load against one lesson on loopback, and the benchmark's measuring tool.
//!
//!   load run NN URL [USERS] [SECONDS]     `just load NN`: USERS virtual users, each with its own
//!                                         cookie jar and username, sign in, then read their
//!                                         signed-in page until SECONDS (at most 10) are up.
//!                                         Fails on any error, and on any page that does not
//!                                         name its own user (session cross-talk).
//!   load bench NN|bare|bare-reads URL [CONNECTIONS] [SECONDS] [BODY_OUT]
//!                                         `just bench`: the signed-in page (or a yardstick
//!                                         server's /page) as fast as CONNECTIONS keep-alive
//!                                         connections can read it; prints requests per second
//!                                         and latency percentiles. BODY_OUT: save the page.
//!   load burst 06 URL [REQUESTS]          `just bench`: REQUESTS sign-ins of lesson 06 (64 by
//!                                         default, at most 256), each on its own connection,
//!                                         sent at once: that many password hashes asked for
//!                                         together. Prints how many were signed in and how
//!                                         long the slowest took; the bench reads the memory.
//!
//! Only 127.0.0.0/8 and ::1 are accepted as targets; every loop stops at its deadline.

mod http;

use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Barrier, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use http::{Client, loopback};

/// A form's fields.
type Fields = Vec<(&'static str, String)>;

/// A user's name and the sign-in form's fields for them.
type SignIn = (String, Fields);

/// A registration form's path, and its fields for user `i`.
type Register = (&'static str, fn(usize) -> Fields);

/// How a lesson signs a user in, which page shows the signed-in user, and how it names them.
struct Recipe {
    lesson: &'static str,
    /// Where each user first makes an account, when the lesson has a registration form (the
    /// form's path and its fields for user `i`); `None`: its users exist already, or any name
    /// signs in.
    register: Option<Register>,
    /// The sign-in form's path.
    login: &'static str,
    /// The form's fields for user `i` (and that user's name).
    user: fn(usize) -> SignIn,
    /// The signed-in page.
    page: &'static str,
    /// What that page says for `name` and for nobody else.
    names: fn(&str) -> String,
    /// How many distinct users the lesson has (`None`: any name signs in).
    distinct_users: Option<usize>,
}

/// Lesson 08's demo users (users.rs): three, with their passwords from the book.
const USERS_08: [(&str, &str); 3] =
    [("aaa", "open-sesame"), ("bbb", "0000"), ("user1", "mypassword")];

const RECIPES: &[Recipe] = &[
    Recipe {
        lesson: "04",
        register: None,
        login: "/login",
        user: |i| {
            let name = format!("vu{i:02}");
            (name.clone(), vec![("username", name)])
        },
        page: "/",
        names: |name| format!("Logged in as {name}</h1>"),
        distinct_users: None,
    },
    Recipe {
        lesson: "08",
        register: None,
        login: "/login",
        user: |i| {
            let (name, password) = USERS_08[i % USERS_08.len()];
            (name.to_string(), vec![("username", name.to_string()), ("password", password.into())])
        },
        page: "/protected",
        names: |name| format!("Logged in as {name}</h1>"),
        distinct_users: Some(USERS_08.len()),
    },
    // Users are rows of a database now: each virtual user registers its own account (a fresh
    // database per run: `scripts/load` gives the server a temporary DATABASE_URL), then signs
    // in. The sessions are rows too (no REDIS_URL: the SQLite store), written at every request.
    Recipe {
        lesson: "11",
        register: Some(("/register", |i| {
            let name = format!("vu{i:02}");
            let email = format!("{name}@load.example");
            vec![("username", name), ("email", email), ("password", password_11(i))]
        })),
        login: "/login",
        user: |i| {
            let name = format!("vu{i:02}");
            (name.clone(), vec![("username", name), ("password", password_11(i))])
        },
        page: "/protected",
        names: |name| format!("Logged in as {name}</h1>"),
        distinct_users: None,
    },
];

/// Lesson 11's virtual users' passwords: one each, long enough for its registration form.
fn password_11(i: usize) -> String {
    format!("load-password-{i:02}")
}

/// Lesson 06's sign-in form and one of its demo users (users.rs), for `load burst`.
const SIGN_IN_06: (&str, [(&str, &str); 2]) =
    ("/login", [("username", "aaa"), ("password", "open-sesame")]);

fn recipe(lesson: &str) -> Result<&'static Recipe, String> {
    let number = format!("{:02}", lesson.parse::<u8>().map_err(|_| format!("lesson {lesson}?"))?);
    RECIPES.iter().find(|r| r.lesson == number).ok_or_else(|| {
        let known: Vec<&str> = RECIPES.iter().map(|r| r.lesson).collect();
        format!("no load recipe for lesson {number}; there are: {}", known.join(", "))
    })
}

/// Signs user `i` in on a new client; returns the client and the user's name.
fn sign_in(
    addr: std::net::SocketAddr,
    recipe: &Recipe,
    i: usize,
) -> Result<(Client, String), String> {
    let mut client = Client::new(addr);
    if let Some((path, fields)) = recipe.register {
        let fields = fields(i);
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let res = client.post_form(path, &fields).map_err(|e| format!("register: {e}"))?;
        // 409: registered by an earlier run against the same server; signing in still works.
        if res.status != 303 && res.status != 409 {
            let page = gist(&res.text());
            return Err(format!(
                "registering user {i}: {} instead of a redirect: {page}",
                res.status
            ));
        }
    }
    let (name, fields) = (recipe.user)(i);
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = client.post_form(recipe.login, &fields).map_err(|e| format!("sign-in: {e}"))?;
    if res.status != 303 {
        return Err(format!(
            "sign-in of {name}: {} instead of a redirect: {}",
            res.status,
            gist(&res.text())
        ));
    }
    Ok((client, name))
}

/// What a page says, for an error message: the text of its `<main>` without the tags, cut short.
fn gist(page: &str) -> String {
    let main = page.split_once("<main>").map_or(page, |(_, rest)| rest);
    let main = main.split_once("</main>").map_or(main, |(inside, _)| inside);
    let mut text = String::new();
    let mut in_tag = false;
    for c in main.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    let text = words.join(" ");
    match text.char_indices().nth(200) {
        Some((at, _)) => format!("{}...", &text[..at]),
        None => text,
    }
}

fn run(lesson: &str, url: &str, users: usize, seconds: u64) -> Result<(), String> {
    let recipe = recipe(lesson)?;
    let addr = loopback(url)?;
    let seconds = seconds.clamp(1, 10);
    // One username per virtual user, or cross-talk between two of them could not be seen.
    let users = recipe.distinct_users.map_or(users, |most| users.min(most));
    let names: Vec<String> = (0..users).map(|i| (recipe.user)(i).0).collect();
    println!(
        "lesson {} at {url}: {users} virtual users ({}), {seconds} s, page {}",
        recipe.lesson,
        names.join(", "),
        recipe.page
    );
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let requests = Arc::new(AtomicU64::new(0));
    let problems = Arc::new(Mutex::new(Vec::<String>::new()));
    let threads: Vec<_> = (0..users)
        .map(|i| {
            let (requests, problems, names) = (requests.clone(), problems.clone(), names.clone());
            thread::spawn(move || {
                let report = |problem: String| {
                    if let Ok(mut list) = problems.lock() {
                        list.push(problem);
                    }
                };
                let (mut client, name) = match sign_in(addr, recipe, i) {
                    Ok(signed_in) => signed_in,
                    Err(e) => return report(format!("user {i}: {e}")),
                };
                let mine = (recipe.names)(&name);
                while Instant::now() < deadline {
                    requests.fetch_add(1, Ordering::Relaxed);
                    let res = match client.get(recipe.page) {
                        Ok(res) => res,
                        Err(e) => {
                            report(format!("{name}: GET {}: {e}", recipe.page));
                            continue;
                        }
                    };
                    let text = res.text();
                    if res.status != 200 {
                        report(format!("{name}: GET {} -> {}", recipe.page, res.status));
                    } else if !text.contains(&mine) {
                        report(format!("{name}: the page does not name its own user"));
                    } else if let Some(other) = names
                        .iter()
                        .filter(|other| **other != name)
                        .find(|other| text.contains(&(recipe.names)(other)))
                    {
                        report(format!("{name}: the page names {other}: session cross-talk"));
                    }
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().map_err(|_| "a virtual user panicked".to_string())?;
    }
    let problems = problems.lock().map_err(|_| "poisoned")?.clone();
    let total = requests.load(Ordering::Relaxed);
    println!(
        "{total} requests, {:.0} per second, {} errors",
        total as f64 / seconds as f64,
        problems.len()
    );
    if problems.is_empty() {
        println!("ok: zero errors, every page named its own user");
        Ok(())
    } else {
        let mut shown: Vec<String> = problems.iter().take(10).cloned().collect();
        if problems.len() > 10 {
            shown.push(format!("... and {} more", problems.len() - 10));
        }
        Err(format!("{} problems:\n  {}", problems.len(), shown.join("\n  ")))
    }
}

fn bench(
    target: &str,
    url: &str,
    connections: usize,
    seconds: u64,
    body_out: Option<&str>,
) -> Result<(), String> {
    let addr = loopback(url)?;
    let seconds = seconds.clamp(1, 10);
    let yardstick = matches!(target, "bare" | "bare-reads");
    let recipe = if yardstick { None } else { Some(recipe(target)?) };
    let page = recipe.map_or("/page", |r| r.page);
    let mut clients = Vec::new();
    for i in 0..connections {
        let client = match recipe {
            Some(recipe) => sign_in(addr, recipe, i)?.0,
            None => Client::new(addr),
        };
        clients.push(client);
    }
    // The bytes the bare server will serve: the signed-in page exactly as the lesson sends it.
    let first = clients[0].get(page).map_err(|e| format!("GET {page}: {e}"))?;
    if first.status != 200 {
        return Err(format!("GET {page} -> {}", first.status));
    }
    if let Some(path) = body_out {
        std::fs::write(path, &first.body).map_err(|e| format!("{path}: {e}"))?;
    }
    let stop = Arc::new(AtomicBool::new(false));
    let measuring = Arc::new(AtomicBool::new(false));
    let threads: Vec<_> = clients
        .into_iter()
        .map(|mut client| {
            let (stop, measuring) = (stop.clone(), measuring.clone());
            thread::spawn(move || {
                let mut latencies: Vec<u32> = Vec::with_capacity(1 << 16);
                let mut errors = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    let started = Instant::now();
                    let ok = matches!(client.get(page), Ok(res) if res.status == 200);
                    if measuring.load(Ordering::Relaxed) {
                        if ok {
                            latencies
                                .push(started.elapsed().as_micros().min(u32::MAX as u128) as u32);
                        } else {
                            errors += 1;
                        }
                    }
                }
                (latencies, errors)
            })
        })
        .collect();
    // One second of warm-up (connections, caches), then the measured window.
    thread::sleep(Duration::from_secs(1));
    measuring.store(true, Ordering::Relaxed);
    let started = Instant::now();
    thread::sleep(Duration::from_secs(seconds));
    measuring.store(false, Ordering::Relaxed);
    let elapsed = started.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    let mut all = Vec::new();
    let mut errors = 0;
    for thread in threads {
        let (latencies, e) = thread.join().map_err(|_| "a connection panicked")?;
        all.extend(latencies);
        errors += e;
    }
    all.sort_unstable();
    let pct = |p: f64| -> f64 {
        if all.is_empty() {
            return f64::NAN;
        }
        let rank = ((p / 100.0) * all.len() as f64).ceil() as usize;
        f64::from(all[rank.clamp(1, all.len()) - 1]) / 1000.0
    };
    println!(
        "target={target} connections={connections} seconds={seconds} bytes={} requests={} errors={errors} rps={:.0} p50_ms={:.3} p99_ms={:.3} max_ms={:.3}",
        first.body.len(),
        all.len(),
        all.len() as f64 / elapsed,
        pct(50.0),
        pct(99.0),
        pct(100.0)
    );
    if errors > 0 { Err(format!("{errors} errors")) } else { Ok(()) }
}

/// `requests` sign-ins of lesson 06 at once, each on its own connection: the server is asked for
/// that many Argon2id hashes together, 19 MiB each while it runs, which is what its peak memory
/// (measured by `scripts/bench`) shows.
fn burst(lesson: &str, url: &str, requests: usize) -> Result<(), String> {
    if lesson.parse::<u8>() != Ok(6) {
        return Err(format!("no burst for lesson {lesson}: only 06 (its sign-in)"));
    }
    let addr = loopback(url)?;
    let requests = requests.clamp(1, 256);
    let (path, fields) = SIGN_IN_06;
    // Every thread waits for the others here, so the requests leave together.
    let start = Arc::new(Barrier::new(requests));
    let started = Instant::now();
    let threads: Vec<_> = (0..requests)
        .map(|_| {
            let start = start.clone();
            thread::spawn(move || {
                let mut client = Client::new(addr);
                start.wait();
                let sent = Instant::now();
                let status = client.post_form(path, &fields).map(|res| res.status);
                (status, sent.elapsed())
            })
        })
        .collect();
    let mut problems = Vec::new();
    // How many answers of each status: a server that limits its hashes may answer 503.
    let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
    let mut slowest = Duration::ZERO;
    for thread in threads {
        let (status, took) = thread.join().map_err(|_| "a sign-in thread panicked")?;
        slowest = slowest.max(took);
        match status {
            Ok(status) => {
                *statuses.entry(status).or_default() += 1;
                if status != 303 {
                    problems.push(format!("{status} instead of a redirect"));
                }
            }
            Err(e) => problems.push(e.to_string()),
        }
    }
    let statuses: Vec<String> = statuses.iter().map(|(s, n)| format!("{s}x{n}")).collect();
    println!(
        "target={lesson} requests={requests} signed_in={} statuses={} seconds={:.2} slowest_ms={:.0}",
        requests - problems.len(),
        statuses.join(","),
        started.elapsed().as_secs_f64(),
        slowest.as_secs_f64() * 1000.0
    );
    match problems.first() {
        None => Ok(()),
        Some(first) => Err(format!("{} sign-ins failed, the first: {first}", problems.len())),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).map(String::as_str);
    let number = |i: usize, default: u64| arg(i).and_then(|a| a.parse().ok()).unwrap_or(default);
    let result = match (arg(0), arg(1), arg(2)) {
        (Some("run"), Some(lesson), Some(url)) => run(lesson, url, number(3, 8) as usize, number(4, 10)),
        (Some("bench"), Some(target), Some(url)) => {
            bench(target, url, number(3, 8) as usize, number(4, 5), arg(5))
        }
        (Some("burst"), Some(lesson), Some(url)) => burst(lesson, url, number(3, 64) as usize),
        _ => Err("usage: load run NN URL [USERS] [SECONDS] | load bench NN|bare|bare-reads URL [CONNECTIONS] [SECONDS] [BODY_OUT] | load burst 06 URL [REQUESTS]".into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_quotes_the_pages_text_not_its_html() {
        let page = "<html><head><style>body{}</style></head><body><nav>Home</nav><main>\n<h1>Register</h1>\n<p class=\"error\">That username is taken.</p></main></body></html>";
        assert_eq!(gist(page), "Register That username is taken.");
        let long = format!("<main>{}</main>", "word ".repeat(100));
        assert!(gist(&long).ends_with("..."));
        assert_eq!(gist(&long).chars().count(), 203);
    }

    #[test]
    fn every_recipe_names_a_distinct_user_per_virtual_user() {
        for recipe in RECIPES {
            let names: Vec<String> = (0..3).map(|i| (recipe.user)(i).0).collect();
            assert!(names[0] != names[1] && names[1] != names[2], "lesson {}", recipe.lesson);
        }
    }
}
