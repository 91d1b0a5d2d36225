//! Exercise 06: locking an account. Run with: cargo run -p exercise-06-password-login
//!
//! This crate is lesson 06 plus a lock: five failed logins for one username within fifteen
//! minutes lock that account for fifteen minutes. A locked login says and costs exactly what a
//! wrong password does, so the lock tells an attacker nothing. Your part is `src/exercise.rs`;
//! the task is in `TASK.md`, the tests in `src/tests/task.rs`. Run them with `just exercise 06`;
//! `just hint 06` when you are stuck.
//!
//! Try: see TASK.md (it listens on lesson 06's port: stop the lesson first, or set PORT).
//! `--features solution` runs the reference solution instead of yours.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

use actix_session::storage::CookieSessionStore;
use actix_session::{Session, SessionMiddleware};
use actix_web::body::MessageBody;
use actix_web::cookie::SameSite;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::{Logger, from_fn};
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use serde::Serialize;
use shared::hashing::Busy;
use shared::{Context, CookieKind, Lesson, Site, redirect, render, render_status};

mod lifetime;
mod users;

pub static LESSON: Lesson = Lesson {
    number: 6,
    slug: "password-login",
    title: "Password sign-in · exercise: locking an account",
    nav: &[("/", "Home"), ("/login", "Log in"), ("/session", "Session"), ("/logout", "Log out")],
    templates: shared::templates!["index.html", "login.html", "session.html"],
    cookies: &[("session", CookieKind::Private)],
};

/// The most session JSON we agree to keep. Encrypted and encoded, 2048 bytes become a cookie of
/// about 2.8 KB; much more and browsers silently drop the cookie, and over 4064 bytes
/// actix-session fails the request with a 500. We refuse with a clear page instead.
const MAX_SESSION_JSON: usize = 2048;

// ANCHOR: main
/// Flask: `app = Flask(__name__)` ... `app.run(port=8006)`.
#[actix_web::main]
async fn main() -> std::io::Result<()> {
    // HOST and PORT (and from lesson 03 on SECRET_KEY), checked; the templates, loaded.
    let site = shared::start(&LESSON);
    let address = site.address();
    // One app per worker thread: the closure runs once for each. What it captures (`site`) is
    // made once, here, and each worker gets a clone.
    HttpServer::new(move || app(site.clone())).bind(address)?.run().await
}
// ANCHOR_END: main

// ANCHOR: app
/// The app: its routes, and the middleware around them. `main` serves it; the tests build the
/// same one. (The return type says "an `App` actix-web can serve"; only its shape matters.)
fn app(
    site: Site,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    App::new()
        // What every handler can reach: `site: web::Data<Site>`, and `render` finds it.
        // (A clone: the session middleware below needs `site` too.)
        .app_data(web::Data::new(site.clone()))
        // Flask: `@app.route("/")`, `@app.route("/login", methods=["GET", "POST"])`, ...
        .route("/", web::get().to(index))
        .route("/login", web::get().to(login_form))
        .route("/login", web::post().to(exercise::login))
        .route("/logout", web::get().to(logout))
        // Read-only now: a session that says who you are must not be writable by you.
        .route("/session", web::get().to(show_session))
        // Middleware: the last `wrap` is the outermost, the first to see a request.
        // The session's end, checked and moved: inside the session middleware, so it sees the
        // session that middleware loaded (src/lifetime.rs).
        .wrap(from_fn(lifetime::enforce))
        // Flask's `session`: loaded from the cookie before a handler runs, written back after it.
        .wrap(session_middleware(&site))
        // A permanent session's cookie gets `Max-Age`: outside the session middleware, so it
        // sees the cookie that middleware writes.
        .wrap(from_fn(lifetime::cookie_expiry))
        // Bad input (a huge cookie, a body that is not a form) gets a clear 4xx page.
        .wrap(from_fn(shared::guard::check))
        .wrap(shared::protective_headers())
        // One line per request on the terminal: `GET / HTTP/1.1 -> 200 (0.4 ms)`.
        .wrap(Logger::new("%r -> %s (%D ms)"))
        .default_service(web::to(shared::not_found))
}
// ANCHOR_END: app

// ANCHOR: middleware
/// Flask keeps `session` in a cookie signed with `SECRET_KEY`. actix-session's cookie store does
/// the same, but encrypts it as well (a *private* cookie), with the same key.
///
/// `app` calls this once per worker thread, and every worker must use the same key, or a
/// cookie one worker wrote would fail to decrypt on the next. So the key is not made here: it
/// was loaded once, in `main` (`shared::start`), and each worker's `site` is a clone. (A
/// `Key::generate()` here would give each worker a key of its own.)
fn session_middleware(site: &Site) -> SessionMiddleware<CookieSessionStore> {
    SessionMiddleware::builder(CookieSessionStore::default(), site.key().clone())
        .cookie_name(lifetime::COOKIE.to_string())
        // `Secure` cookies are meant for HTTPS only: Python's requests never sends one over
        // http://127.0.0.1 (curl and browsers make an exception for localhost). Off by default
        // for the course; SESSION_COOKIE_SECURE=1 turns it on, as it should be behind HTTPS.
        .cookie_secure(site.config().flag("SESSION_COOKIE_SECURE"))
        .cookie_http_only(true)
        .cookie_same_site(SameSite::Lax)
        .build()
}
// ANCHOR_END: middleware

// ANCHOR: index
/// The logged-in user: `session["username"]`, looked up in the users table. Only the name is in
/// the session; everything else about the user comes from the server's own data.
fn current_user(session: &Session) -> Option<&'static users::User> {
    let username = session.get::<String>("username").ok().flatten()?;
    users::find(&username)
}

/// Flask: `if session.get("username") is not None: ... render_template("index.html", user=user)`;
/// anonymous visitors go to the login page.
async fn index(req: HttpRequest, session: Session) -> HttpResponse {
    let Some(user) = current_user(&session) else {
        return redirect("/login");
    };
    let mut context = Context::new();
    context.insert("name", user.name);
    context.insert("other", user.other);
    render(&req, "index.html", context)
}
// ANCHOR_END: index

// ANCHOR: login
/// One message for every failure: which half was wrong is none of the visitor's business.
const FAILED: &str = "Wrong username or password.";

async fn login_form(req: HttpRequest, session: Session) -> HttpResponse {
    if current_user(&session).is_some() {
        return redirect("/");
    }
    render(&req, "login.html", Context::new())
}

// The login itself is in src/exercise.rs: it is what the exercise changes.

/// How many passwords this server has checked: one Argon2 verification each. The tests count
/// them to see that a locked account costs the same work as any other login. One counter for
/// the whole site, shared by every worker thread (`Site::state`).
#[derive(Default)]
struct PasswordChecks(AtomicU64);

/// Lesson 06's check, counted: `users::check_password` off the async workers. Argon2 is slow on
/// purpose: tens of milliseconds of CPU and 19 MiB of memory. On an async worker that would
/// stall every other request the worker serves; `site.hash` runs it with `web::block` on a
/// thread pool meant for blocking work, one per core at a time (shared's `hashing`).
async fn check_password(
    site: &Site,
    username: String,
    password: String,
) -> Result<Option<&'static users::User>, Busy> {
    site.state::<PasswordChecks>().0.fetch_add(1, Ordering::Relaxed);
    site.hash(move || users::check_password(username.trim(), &password)).await
}

/// Flask: `render_template("login.html", error=error)`: the form again, with the message and
/// the name filled in (never the password), and a 4xx status, so that a script sees it failed
/// too: 400 for an empty field, 401 for credentials that do not match.
fn back_to_login(
    req: &HttpRequest,
    status: StatusCode,
    message: &str,
    username: &str,
) -> HttpResponse {
    let mut context = Context::new();
    context.insert("error", message);
    context.insert("username", username);
    render_status(req, status, "login.html", context)
}
// ANCHOR_END: login

// ANCHOR: logout
/// Flask: `session.clear()`, and Flask deletes the emptied cookie. `purge` does both:
/// everything the logged-in session held goes, and so does the cookie.
async fn logout(session: Session) -> HttpResponse {
    session.purge();
    redirect("/login")
}
// ANCHOR_END: logout

// ANCHOR: dictionary
/// One entry as the page shows it: the key, and the value as the JSON actix-session stores.
#[derive(Serialize)]
struct Entry {
    key: String,
    json: String,
}

/// The size of the JSON the cookie store encrypts into the cookie.
fn json_len(entries: &HashMap<String, String>) -> usize {
    serde_json::to_string(entries).map_or(usize::MAX, |json| json.len())
}

/// The `/session` page: the dictionary and its size, to see what a logged-in session holds.
async fn show_session(req: HttpRequest, session: Session) -> HttpResponse {
    let entries = session.entries();
    let mut shown: Vec<Entry> =
        entries.iter().map(|(key, json)| Entry { key: key.clone(), json: json.clone() }).collect();
    shown.sort_by(|a, b| a.key.cmp(&b.key));
    let mut context = Context::new();
    context.insert("entries", &shown);
    context.insert("json_bytes", &json_len(&entries));
    context.insert("max_json_bytes", &MAX_SESSION_JSON);
    render(&req, "session.html", context)
}
// ANCHOR_END: dictionary

#[cfg(test)]
mod tests;

// Your part of the exercise. With `--features solution`, the reference solution instead: the
// tests are the same for both.
#[cfg(not(feature = "solution"))]
mod exercise;
#[cfg(feature = "solution")]
#[path = "../solution/exercise.rs"]
mod exercise;
