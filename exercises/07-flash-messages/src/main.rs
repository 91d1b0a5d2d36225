//! Exercise 07: the name survives the redirect. Run with: cargo run -p exercise-07-flash-messages
//!
//! This crate is lesson 07 plus one thing: after a failed login, the login page the redirect
//! leads to has the name filled in again, once, as lesson 06's form did (never the password).
//! Your part is `src/exercise.rs`; the task is in `TASK.md`, the tests in `src/tests/task.rs`.
//! Run them with `just exercise 07`; `just hint 07` when you are stuck.
//!
//! Try: see TASK.md (it listens on lesson 07's port: stop the lesson first, or set PORT).
//! `--features solution` runs the reference solution instead of yours.

use std::collections::HashMap;

use actix_session::storage::CookieSessionStore;
use actix_session::{Session, SessionMiddleware};
use actix_web::body::MessageBody;
use actix_web::cookie::SameSite;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::{Logger, from_fn};
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use serde::Serialize;
use shared::{Context, CookieKind, Lesson, Site, error_page, redirect, render};

use crate::flash::{Category, flash};

mod flash;
mod lifetime;
mod users;

pub static LESSON: Lesson = Lesson {
    number: 7,
    slug: "flash-messages",
    title: "Flash messages · exercise: the name survives the redirect",
    nav: &[("/", "Home"), ("/login", "Log in"), ("/session", "Session"), ("/logout", "Log out")],
    templates: shared::templates!["index.html", "login.html", "session.html"],
    cookies: &[("session", CookieKind::Private)],
};

/// The most session JSON we agree to keep. Encrypted and encoded, 2048 bytes become a cookie of
/// about 2.8 KB; much more and browsers silently drop the cookie, and over 4064 bytes
/// actix-session fails the request with a 500. We refuse with a clear page instead.
const MAX_SESSION_JSON: usize = 2048;

// ANCHOR: main
/// Flask: `app = Flask(__name__)` ... `app.run(port=8007)`.
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
        .route("/login", web::get().to(exercise::login_form))
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
    context.insert("flashes", &flash::take(&session));
    render(&req, "index.html", context)
}
// ANCHOR_END: index

// ANCHOR: login
/// One message for every failure: which half was wrong is none of the visitor's business.
const FAILED: &str = "Wrong username or password.";

// The login form and the login itself are in src/exercise.rs: they are what the exercise
// changes.
// ANCHOR_END: login

// ANCHOR: logout
/// Flask: `session.clear()`. Everything the logged-in session held goes, but the session stays
/// (`clear`, not lesson 06's `purge`): the message below waits in it.
async fn logout(req: HttpRequest, session: Session) -> HttpResponse {
    session.clear();
    if let Err(error) = flash(&session, Category::Info, "You have logged out.") {
        return error_page(&req, StatusCode::INTERNAL_SERVER_ERROR, &error.to_string());
    }
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
    let flashes = flash::take(&session);
    let entries = session.entries();
    let mut shown: Vec<Entry> =
        entries.iter().map(|(key, json)| Entry { key: key.clone(), json: json.clone() }).collect();
    shown.sort_by(|a, b| a.key.cmp(&b.key));
    let mut context = Context::new();
    context.insert("entries", &shown);
    context.insert("json_bytes", &json_len(&entries));
    context.insert("max_json_bytes", &MAX_SESSION_JSON);
    context.insert("flashes", &flashes);
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
