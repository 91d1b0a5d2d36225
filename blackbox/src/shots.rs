//! The book's screenshots, defined once: per shot, the lesson, a name, a caption, and the steps
//! that bring a browser to the state before the page it shows (`stage`).
//!
//! `just screenshots` (e2e's `screenshots` tool) runs each stage with a [`Client`], copies the
//! client's cookies into headless Chromium, lets Chromium load the last page itself (a flash
//! message shows once: the browser must be the one to load it) and writes
//! `docs/src/screenshots/NN-slug-NAME.webp`. It also writes `manifest.txt` there: per shot, a
//! fingerprint of the last page's HTML as a [`Client`] fetches it, with what differs from run
//! to run masked (cookie values, tokens, dates, ports: [`normalise`]).
//!
//! [`check`] runs every stage again against a fresh Rust server and compares: a lesson page
//! that changed without its screenshot being made again fails `just test` (the black-box
//! runner calls it), with the shot's name and "run `just screenshots`".

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::http::{Client, Response, Shared};
use crate::scenario::Side;
use crate::server::{Server, root};

/// One screenshot of a lesson's page.
pub struct Shot {
    /// The lesson's folder, `"04-session-dict"`.
    pub lesson: &'static str,
    /// The file's last part: `04-session-dict-NAME.webp`.
    pub name: &'static str,
    /// What it shows, in a few words: the image's alt text on the lesson's page.
    pub caption: &'static str,
    /// Brings a browser (the client) to the state before the last page, and returns that
    /// page's path. The last page itself is loaded by whoever takes the picture.
    pub stage: fn(&mut Client) -> String,
}

impl Shot {
    /// `04-session-dict-session.webp`.
    pub fn file(&self) -> String {
        format!("{}-{}.webp", self.lesson, self.name)
    }

    /// The line that shows it on the lesson's page, in its "Try it" section.
    pub fn markdown(&self) -> String {
        format!("![{}](../screenshots/{})", self.caption, self.file())
    }
}

/// The `User-Agent` of a shot's browser, the client's and Chromium's alike: session protection
/// (lesson 09 on) compares it, and lesson 12's list of sessions shows it.
pub const USER_AGENT: &str = "Chromium (the book's screenshots)";

/// Where the screenshots and their manifest live.
pub fn folder() -> PathBuf {
    root().join("docs/src/screenshots")
}

/// Every shot, in lesson order.
pub static SHOTS: &[Shot] = &[
    Shot {
        lesson: "01-raw-cookies",
        name: "set-cookie",
        caption: "Lesson 01 after /set_cookie/alice: the response sets a plain username cookie",
        stage: |_| "/set_cookie/alice".into(),
    },
    Shot {
        lesson: "01-raw-cookies",
        name: "forged",
        caption: "Lesson 01 with a username cookie changed to admin by hand: the server believes it",
        stage: |browser| {
            browser.get("/set_cookie/alice");
            browser.set_cookie("username", "admin");
            "/".into()
        },
    },
    Shot {
        lesson: "02-login-form",
        name: "logged-in",
        caption: "Lesson 02 after logging in as alice: the form's name, kept in a plain cookie",
        stage: |browser| {
            expect_redirect(browser.post("/login", &[("username", "alice")]), "/login");
            "/".into()
        },
    },
    Shot {
        lesson: "03-signed-cookies",
        name: "signed",
        caption: "Lesson 03 after logging in as alice: the cookie's signature is verified",
        stage: |browser| {
            expect_redirect(browser.post("/login", &[("username", "alice")]), "/login");
            "/".into()
        },
    },
    Shot {
        lesson: "03-signed-cookies",
        name: "tampered",
        caption: "Lesson 03 with the name in the signed cookie changed to admin: the signature fails, a guest again",
        stage: |browser| {
            expect_redirect(browser.post("/login", &[("username", "alice")]), "/login");
            let signed = browser.cookie("username").expect("a signed username cookie");
            let forged = signed.strip_suffix("alice").expect("the name at the end of the cookie");
            browser.set_cookie("username", &format!("{forged}admin"));
            "/".into()
        },
    },
    Shot {
        lesson: "04-session-dict",
        name: "session",
        caption: "Lesson 04's /session: the dictionary the server decrypted from the session cookie",
        stage: |browser| {
            expect_redirect(browser.post("/login", &[("username", "alice")]), "/login");
            let insert = browser.post("/session/insert", &[("key", "theme"), ("value", "dark")]);
            expect_redirect(insert, "/session/insert");
            "/session".into()
        },
    },
    Shot {
        lesson: "05-permanent-sessions",
        name: "sliding",
        caption: "Lesson 05, logged in: every request pushes the session's end back, with a new Max-Age and Expires",
        stage: |browser| {
            expect_redirect(browser.post("/login", &[("username", "alice")]), "/login");
            "/".into()
        },
    },
    Shot {
        lesson: "06-password-login",
        name: "profile",
        caption: "Lesson 06 after signing in as aaa with its password: a new session holds the user",
        stage: |browser| {
            let login = [("username", "aaa"), ("password", "open-sesame")];
            expect_redirect(browser.post("/login", &login), "/login");
            "/".into()
        },
    },
    Shot {
        lesson: "07-flash-messages",
        name: "flash",
        caption: "Lesson 07 after a failed login: the flash message, shown once, and the cookie that forgets it",
        stage: |browser| {
            let login = [("username", "aaa"), ("password", "wrong")];
            expect_redirect(browser.post("/login", &login), "/login");
            "/login".into()
        },
    },
    Shot {
        lesson: "08-login-guard",
        name: "next",
        caption: "Lesson 08: /protected sent an anonymous visitor to the login page, which remembers where to go",
        stage: |browser| {
            let page = browser.get("/protected");
            expect_redirect(page.clone(), "/protected");
            page.location().expect("a Location")
        },
    },
    Shot {
        lesson: "08-login-guard",
        name: "protected",
        caption: "Lesson 08 after logging in from there: back on /protected, as user1",
        stage: |browser| {
            let login = [("username", "user1"), ("password", "mypassword"), ("next", "/protected")];
            expect_redirect(browser.post("/login", &login), "/login");
            "/protected".into()
        },
    },
    Shot {
        lesson: "09-remember-me",
        name: "remembered",
        caption: "Lesson 09 with the session cookie deleted: the remember cookie logs user1 back in, not freshly",
        stage: |browser| {
            let login = [("username", "user1"), ("password", "mypassword"), ("remember", "on")];
            expect_redirect(browser.post("/login", &login), "/login");
            browser.forget(Some("session"));
            "/protected".into()
        },
    },
    Shot {
        lesson: "10-database-users",
        name: "users",
        caption: "Lesson 10's index after registering rex: the users come from SQLite",
        stage: |browser| {
            let register =
                [("username", "rex"), ("email", "rex@dogs.example"), ("password", "good boy!")];
            expect_redirect(browser.post("/register", &register), "/register");
            "/".into()
        },
    },
    Shot {
        lesson: "11-server-side-sessions",
        name: "session-id",
        caption: "Lesson 11, logged in: the session cookie now carries only a random id; the session is a row on the server",
        stage: |browser| {
            let login = [("username", "user1"), ("password", "mypassword")];
            expect_redirect(browser.post("/login", &login), "/login");
            "/session".into()
        },
    },
    Shot {
        lesson: "12-session-list",
        name: "sessions",
        caption: "Lesson 12's /sessions: user1 signed in from two browsers, this one marked",
        stage: |browser| {
            let login = [("username", "user1"), ("password", "mypassword")];
            let mut phone = browser.another();
            phone.user_agent = "Firefox (a phone)".into();
            expect_redirect(phone.post("/login", &login), "/login");
            // The list is newest first, to the second: this browser's session comes first.
            next_second();
            expect_redirect(browser.post("/login", &login), "/login");
            "/sessions".into()
        },
    },
    Shot {
        lesson: "13-twitter-for-dogs",
        name: "timeline",
        caption: "Lesson 13's timeline: rex's woof, its markup shown as text",
        stage: |browser| {
            let register =
                [("username", "rex"), ("email", "rex@dogs.example"), ("password", "good boy!")];
            expect_redirect(browser.post("/register", &register), "/register");
            let login = [("username", "rex"), ("password", "good boy!")];
            expect_redirect(browser.post("/login", &login), "/login");
            let woof = [("body", "<b>Woof!</b> Anyone up for a walk?")];
            expect_redirect(browser.post("/woofs", &woof), "/woofs");
            "/".into()
        },
    },
    Shot {
        lesson: "14-csrf-tokens",
        name: "session",
        caption: "Lesson 14's /session: the session keeps the CSRF token every form carries",
        stage: |browser| {
            login_with_token(browser, "user1", "mypassword");
            "/session".into()
        },
    },
    Shot {
        lesson: "15-api-tokens",
        name: "tokens",
        caption: "Lesson 15's /tokens: an API token, made here and used once by a script",
        stage: |browser| {
            login_with_token(browser, "user1", "mypassword");
            let token = csrf_token(&browser.get("/tokens"));
            let made = browser.post("/tokens", &[("name", "my script"), ("csrf_token", &token)]);
            let secret = between(&made.body, "<code id=\"new-token\">", "</code>")
                .expect("the new token on the page");
            let mut script = browser.another();
            let bearer = format!("Bearer {secret}");
            let me = script.request("GET", "/api/me", &[], &[("Authorization", &bearer)]);
            assert_eq!(me.status, 200, "the API answers the token: {}", me.body);
            "/tokens".into()
        },
    },
    Shot {
        lesson: "16-jwt",
        name: "logged-out",
        caption: "Lesson 16 after logging out: a script's JWT made before still woofs as user1",
        stage: |browser| {
            login_with_token(browser, "user1", "mypassword");
            let mut script = browser.another();
            let login = [("username", "user1"), ("password", "mypassword")];
            let answer = script.post("/api/token", &login);
            let jwt = between(&answer.body, "\"access_token\":\"", "\"")
                .expect("a JWT in the token endpoint's answer");
            let bearer = format!("Bearer {jwt}");
            let woof = |script: &mut Client, body: &str| {
                let sent = script.request(
                    "POST",
                    "/api/woofs",
                    &[("body", body)],
                    &[("Authorization", &bearer)],
                );
                assert!(sent.status < 300, "the API took the woof: {}", sent.body);
            };
            woof(&mut script, "Woof from a script, with a JWT.");
            let token = csrf_token(&browser.get("/logout"));
            expect_redirect(browser.post("/logout", &[("csrf_token", &token)]), "/logout");
            woof(&mut script, "Still woofing after the logout: nothing took the JWT back.");
            "/".into()
        },
    },
];

/// A stage's step must redirect (a form post that worked); anything else stops the shot.
fn expect_redirect(response: Response, what: &str) {
    assert!(
        matches!(response.status, 302 | 303),
        "{what} answered {} instead of a redirect:\n{}",
        response.status,
        response.body
    );
}

/// The first `csrf_token` field of a page (lesson 14 on).
fn csrf_token(page: &Response) -> String {
    between(&page.body, "name=\"csrf_token\" value=\"", "\"").expect("a csrf_token field")
}

/// Logs in through the login form, with its CSRF token (lesson 14 on).
fn login_with_token(browser: &mut Client, username: &str, password: &str) {
    let token = csrf_token(&browser.get("/login"));
    let login = [("username", username), ("password", password), ("csrf_token", &token)];
    expect_redirect(browser.post("/login", &login), "/login");
}

fn between(text: &str, start: &str, end: &str) -> Option<String> {
    let rest = &text[text.find(start)? + start.len()..];
    Some(rest[..rest.find(end)?].to_string())
}

/// Runs a shot's stage with a new client on `url`: the client (its jar holds the cookies) and
/// the last page's path. `Err`: what went wrong, the server's answers included.
pub fn stage(shot: &Shot, url: &str) -> Result<(Client, String), String> {
    let mut client = Client::new(url, Shared::default());
    client.user_agent = USER_AGENT.into();
    let path = catch_unwind(AssertUnwindSafe(|| (shot.stage)(&mut client)))
        .map_err(|panic| format!("{}: its stage failed: {}", shot.file(), panic_message(panic)))?;
    Ok((client, path))
}

fn panic_message(panic: Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "panicked".into())
}

/// Waits until the clock's second has changed. Called between the stage and the last page,
/// by the screenshot tool and by [`check`] alike: a session with a lifetime (lesson 05 on)
/// is pushed back, with a new cookie, only by a request in a later second than the one
/// before, so the last page always shows that cookie.
pub fn next_second() {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    let rest =
        Duration::from_secs(1).saturating_sub(Duration::from_nanos(now.subsec_nanos().into()));
    std::thread::sleep(rest + Duration::from_millis(20));
}

/// The last page's HTML as a client fetches it from a fresh Rust server of the shot's lesson.
pub fn fetch(shot: &Shot) -> Result<String, String> {
    let server = Server::start(Side::Rust, shot.lesson, false)
        .map_err(|e| format!("{}: the server did not start: {e}", shot.file()))?;
    let (mut client, path) = stage(shot, &server.url)?;
    next_second();
    let page = catch_unwind(AssertUnwindSafe(|| client.get(&path)))
        .map_err(|panic| format!("{}: GET {path}: {}", shot.file(), panic_message(panic)))?;
    if page.status != 200 {
        return Err(format!("{}: GET {path} answered {}, not 200", shot.file(), page.status));
    }
    Ok(page.body)
}

/// The fingerprint of a page: FNV-1a, 64 bits, of its normalised HTML.
pub fn fingerprint(html: &str) -> u64 {
    fnv1a(normalise(html).as_bytes())
}

/// FNV-1a, 64 bits: small, std only, and the same on every machine and Rust version (std's
/// `DefaultHasher` promises neither).
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The page with what differs from one run to the next masked: what the screenshot tool
/// records and [`check`] compares.
pub fn normalise(html: &str) -> String {
    let mut text = sort_json_objects(html);
    text = mask_ports(&text);
    text = mask_shapes(&text);
    mask_tokens(&text)
}

/// `127.0.0.1:43117` → `127.0.0.1:PORT`: every server gets a free port.
fn mask_ports(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("127.0.0.1:") {
        let (before, after) = rest.split_at(at + "127.0.0.1:".len());
        out.push_str(before);
        let digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits > 0 {
            out.push_str("PORT");
        }
        rest = &after[digits..];
    }
    out.push_str(rest);
    out
}

/// Dates and times in the shapes the lessons write them (`D` a digit, `A` a letter, anything
/// else itself), and seconds since 1970 (ten digits on their own).
const SHAPES: &[(&str, &str)] = &[
    ("AAA, DD AAA DDDD DD:DD:DD", "DATE"),
    ("DDDD-DD-DDTDD:DD:DD", "DATE"),
    ("DDDD-DD-DD DD:DD:DD", "DATE"),
    ("DDDD-DD-DD DD:DD", "DATE"),
    ("DDDD-DD-DD", "DATE"),
    ("DD:DD:DD", "TIME"),
    ("DD:DD", "TIME"),
    ("DDDDDDDDDD", "SECONDS"),
];

fn mask_shapes(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut last = 0;
    while i < bytes.len() {
        let boundary = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
        let found = boundary
            .then(|| {
                SHAPES.iter().find(|(shape, _)| {
                    let end = i + shape.len();
                    end <= bytes.len()
                        && fits(&bytes[i..end], shape.as_bytes())
                        && bytes.get(end).is_none_or(|b| !b.is_ascii_alphanumeric())
                })
            })
            .flatten();
        match found {
            Some((shape, mask)) => {
                out.push_str(&text[last..i]);
                out.push_str(mask);
                i += shape.len();
                last = i;
            }
            None => i += 1,
        }
    }
    out.push_str(&text[last..]);
    out
}

fn fits(bytes: &[u8], shape: &[u8]) -> bool {
    bytes.iter().zip(shape).all(|(b, s)| match s {
        b'D' => b.is_ascii_digit(),
        b'A' => b.is_ascii_alphabetic(),
        _ => b == s,
    })
}

/// Cookie values, tokens, ids, signatures: a run of 16 or more characters of the kinds they
/// are made of, with a digit and a capital letter in it (base64), or a digit in a run of hex
/// digits, becomes `…`. Words and names have neither shape.
fn mask_tokens(text: &str) -> String {
    let is_token_char =
        |c: char| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=' | '%' | '_' | '-' | '.');
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        // `name=value`: the cookie's name stays.
        if let Some((name, _)) = run.split_once('=')
            && !name.is_empty()
            && name.chars().all(|c| c.is_ascii_lowercase() || c == '_' || c == '-')
        {
            out.push_str(name);
            out.push('=');
            run.drain(..=name.len());
        }
        let digit = run.chars().any(|c| c.is_ascii_digit());
        let capital = run.chars().any(|c| c.is_ascii_uppercase());
        let hex = run.chars().all(|c| c.is_ascii_hexdigit());
        if run.len() >= 16 && digit && (capital || hex) {
            out.push('…');
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        if is_token_char(c) {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// A session's JSON, as the inspector shows it (`{&quot;a&quot;:&quot;1&quot;,...}`, HTML
/// escaped), with its entries sorted: the session keeps them in a hash map, whose order
/// changes from one server to the next.
fn sort_json_objects(text: &str) -> String {
    const OPEN: &str = "{&quot;";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(OPEN) {
        out.push_str(&rest[..at]);
        let object = &rest[at..];
        match split_object(object) {
            Some((mut entries, len)) => {
                entries.sort_unstable();
                out.push('{');
                out.push_str(&entries.join(","));
                out.push('}');
                rest = &object[len..];
            }
            None => {
                out.push_str(OPEN);
                rest = &object[OPEN.len()..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The top-level entries of the escaped JSON object at the start of `text`, and its length.
fn split_object(text: &str) -> Option<(Vec<&str>, usize)> {
    const QUOTE: &str = "&quot;";
    let mut entries = Vec::new();
    let mut in_string = false;
    let mut depth = 0usize;
    let mut start = 1;
    let mut i = 0;
    let bytes = text.as_bytes();
    while i < bytes.len() {
        if text[i..].starts_with(QUOTE) {
            let escaped = i > 0 && bytes[i - 1] == b'\\';
            if !escaped {
                in_string = !in_string;
            }
            i += QUOTE.len();
            continue;
        }
        if !in_string {
            match bytes[i] {
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    depth = depth.checked_sub(1)?;
                    if depth == 0 {
                        entries.push(&text[start..i]);
                        return Some((entries, i + 1));
                    }
                }
                b',' if depth == 1 => {
                    entries.push(&text[start..i]);
                    start = i + 1;
                }
                b'<' | b'\n' => return None,
                _ => {}
            }
        }
        i += 1;
    }
    None
}

/// `manifest.txt`: the file of each shot and its page's fingerprint.
pub fn read_manifest() -> BTreeMap<String, String> {
    let text = fs::read_to_string(folder().join("manifest.txt")).unwrap_or_default();
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .filter_map(|line| line.split_once(' '))
        .map(|(file, print)| (file.to_string(), print.trim().to_string()))
        .collect()
}

/// Writes `manifest.txt` from the fingerprints, one line per shot, in the order of [`SHOTS`].
pub fn write_manifest(prints: &BTreeMap<String, String>) -> Result<(), String> {
    let mut text = String::from(
        "# The screenshots of this folder, written by `just screenshots` (e2e/src/bin/screenshots.rs),\n\
         # and per shot a fingerprint of its last page's HTML as a client fetches it, normalised\n\
         # (FNV-1a, 64 bits; blackbox/src/shots.rs). `just test` fails when a page no longer matches.\n",
    );
    for shot in SHOTS {
        if let Some(print) = prints.get(&shot.file()) {
            let _ = writeln!(text, "{} {print}", shot.file());
        }
    }
    let path = folder().join("manifest.txt");
    fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Every shot whose screenshot is stale, missing or not shown, one sentence each: its stage run
/// again against a fresh Rust server, the page's fingerprint compared with the manifest's.
pub fn check() -> Vec<String> {
    let manifest = read_manifest();
    let mut failures = Vec::new();
    let remake = "run `just screenshots`";
    for shot in SHOTS {
        let file = shot.file();
        if !folder().join(&file).is_file() {
            failures.push(format!("the screenshot {file} is missing: {remake}"));
        }
        let page = root().join("docs/src/lessons").join(format!("{}.md", shot.lesson));
        let text = fs::read_to_string(&page).unwrap_or_default();
        if !try_it(&text).contains(&shot.markdown()) {
            failures.push(format!(
                "docs/src/lessons/{}.md does not show {file} in its \"Try it\" section: add the line\n    {}",
                shot.lesson,
                shot.markdown()
            ));
        }
    }
    for file in manifest.keys() {
        if !SHOTS.iter().any(|shot| shot.file() == *file) {
            failures.push(format!("the manifest lists {file}, which no shot makes: {remake}"));
        }
    }
    let results = in_parallel(SHOTS, |shot| fetch(shot).map(|html| fingerprint(&html)));
    for (shot, result) in SHOTS.iter().zip(results) {
        let file = shot.file();
        match (result, manifest.get(&file)) {
            (Err(why), _) => failures.push(why),
            (Ok(_), None) => failures.push(format!("{file} is not in the manifest: {remake}")),
            (Ok(print), Some(recorded)) if format!("{print:016x}") != *recorded => failures.push(
                format!("{file} is stale: the page it shows changed since it was taken ({remake})"),
            ),
            _ => {}
        }
    }
    failures
}

/// The "Try it" section of a lesson page.
fn try_it(page: &str) -> &str {
    let Some(start) = page.find("\n## Try it") else { return "" };
    let body = &page[start + 1..];
    let end = body[3..].find("\n## ").map_or(body.len(), |i| i + 3);
    &body[..end]
}

/// `f` on every shot, a few at a time (most of a shot's time is spent waiting for the next
/// second), the results in the order of `shots`.
pub fn in_parallel<T: Send>(shots: &[Shot], f: impl Fn(&Shot) -> T + Sync) -> Vec<T> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: std::sync::Mutex<Vec<Option<T>>> =
        std::sync::Mutex::new(shots.iter().map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..6 {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(shot) = shots.get(i) else { break };
                    let result = f(shot);
                    results.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(result);
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .map(|r| r.expect("every shot was run"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_is_the_published_function() {
        // The test vectors of the FNV reference (www.isthe.com/chongo/tech/comp/fnv).
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn what_differs_per_run_is_masked() {
        let page = "<pre>session=Wg5o5y2tajuulfWLsiWL0o6gLVL0Vaup0QEmTzsS%2FzZY27E7ik6s8+Y3</pre>\
                    <p>ends at Sun, 06 Dec 2026 19:48:17 +0000, 300 seconds from now</p>\
                    <small>2026-11-22 06:18 UTC</small> curl http://127.0.0.1:43117/api/me \
                    {&quot;username&quot;:&quot;\\&quot;alice\\&quot;&quot;,&quot;_expires&quot;:&quot;1796586497&quot;}";
        assert_eq!(
            normalise(page),
            "<pre>session=…</pre><p>ends at DATE +0000, 300 seconds from now</p>\
             <small>DATE UTC</small> curl http://127.0.0.1:PORT/api/me \
             {&quot;_expires&quot;:&quot;SECONDS&quot;,&quot;username&quot;:&quot;\\&quot;alice\\&quot;&quot;}"
        );
        // Words, names and small numbers stay.
        let words = "lesson-05-permanent-sessions Max-Age 300 user1@example.com 2048 bytes";
        assert_eq!(normalise(words), words);
    }

    #[test]
    fn the_fingerprint_ignores_the_masked_parts_and_sees_the_text() {
        let one = "<h1>Logged in as alice</h1><pre>session=AbCdEfGh12345678%2F</pre>";
        let two = "<h1>Logged in as alice</h1><pre>session=ZyXwVuTs87654321%3D</pre>";
        assert_eq!(fingerprint(one), fingerprint(two));
        assert_ne!(fingerprint(one), fingerprint(&one.replace("Logged in", "Signed in")));
    }
}
