//! Exercise 06: locking an account. Run with: cargo run -p exercise-06-password-login
//!
//! This crate is lesson 06 plus a lock: five failed sign-ins for one username within fifteen
//! minutes lock that account for fifteen minutes. A locked sign-in says and costs exactly what a
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
use actix_web::cookie::SameSite;
use actix_web::http::StatusCode;
use actix_web::middleware::from_fn;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;
use shared::hashing::Busy;
use shared::{Context, CookieKind, Lesson, Site, error_page, redirect, render};

use crate::flash::{Category, flash};

mod flash;
mod lifetime;
mod users;

pub static LESSON: Lesson = Lesson {
    number: 6,
    slug: "password-login",
    title: "Password sign-in · exercise: locking an account",
    nav: &[
        ("/", "Profile"),
        ("/sign-in", "Sign in"),
        ("/session", "Session"),
        ("/sign-out", "Sign out"),
    ],
    templates: shared::templates!["profile.html", "sign_in.html", "session.html"],
    cookies: &[("session", CookieKind::Private)],
    app,
};

/// The most session JSON we agree to keep. Encrypted and encoded, 2048 bytes become a cookie of
/// about 2.8 KB; much more and browsers silently drop the cookie, and over 4064 bytes
/// actix-session fails the request with a 500. We refuse with a clear page instead.
const MAX_SESSION_JSON: usize = 2048;

// ANCHOR: middleware
/// Flask keeps `session` in a cookie signed with `SECRET_KEY`. actix-session's cookie store does
/// the same, but encrypts it as well (a *private* cookie), with the same key.
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

// ANCHOR: routes
fn app(cfg: &mut web::ServiceConfig, site: &Site) {
    // A scope for the whole site, so the session middleware wraps every route. The last
    // `wrap` is the outermost: `cookie_expiry` sees the cookie the session middleware writes,
    // `enforce` sees the session it loads.
    cfg.service(
        web::scope("")
            .wrap(from_fn(lifetime::enforce))
            .wrap(session_middleware(site))
            .wrap(from_fn(lifetime::cookie_expiry))
            .route("/", web::get().to(profile))
            .route("/sign-in", web::get().to(sign_in_form))
            .route("/sign-in", web::post().to(exercise::sign_in))
            .route("/sign-out", web::get().to(sign_out))
            // Read-only now: a session that says who you are must not be writable by you.
            .route("/session", web::get().to(show_session)),
    );
}
// ANCHOR_END: routes

// ANCHOR: profile
/// The signed-in user: `session["user_id"]`, looked up in the users table. Only the id is in the
/// session; everything else about the user comes from the server's own data.
fn current_user(session: &Session) -> Option<&'static users::User> {
    let id = session.get::<String>("user_id").ok().flatten()?;
    users::find(&id)
}

/// Flask: `if session.get("USERNAME") is not None: ... render_template("profile.html", user=user)`;
/// anonymous visitors go to the sign-in page.
async fn profile(req: HttpRequest, session: Session) -> HttpResponse {
    let Some(user) = current_user(&session) else {
        return redirect("/sign-in");
    };
    let mut context = Context::new();
    context.insert("name", user.name);
    context.insert("other", user.other);
    context.insert("flashes", &flash::take(&session));
    render(&req, "profile.html", context)
}
// ANCHOR_END: profile

// ANCHOR: sign_in
/// One message for every failure: which half was wrong is none of the visitor's business.
const FAILED: &str = "Wrong username or password.";

async fn sign_in_form(req: HttpRequest, session: Session) -> HttpResponse {
    if current_user(&session).is_some() {
        return redirect("/");
    }
    let mut context = Context::new();
    context.insert("flashes", &flash::take(&session));
    render(&req, "sign_in.html", context)
}

// The sign-in itself is in src/exercise.rs: it is what the exercise changes.

/// How many passwords this server has checked: one Argon2 verification each. The tests count
/// them to see that a locked account costs the same work as any other sign-in. One counter for
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

/// Flask: `flash(message)` then `redirect(request.url)`.
fn back_to_sign_in(req: &HttpRequest, session: &Session, message: &str) -> HttpResponse {
    if let Err(error) = flash(session, Category::Error, message) {
        return error_page(req, StatusCode::INTERNAL_SERVER_ERROR, &error.to_string());
    }
    redirect("/sign-in")
}
// ANCHOR_END: sign_in

// ANCHOR: sign_out
/// Flask: `session.pop("USERNAME", None)`. Everything the signed-in session held goes.
async fn sign_out(req: HttpRequest, session: Session) -> HttpResponse {
    session.clear();
    if let Err(error) = flash(&session, Category::Info, "You have signed out.") {
        return error_page(&req, StatusCode::INTERNAL_SERVER_ERROR, &error.to_string());
    }
    redirect("/sign-in")
}
// ANCHOR_END: sign_out

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

/// The `/session` page: the dictionary and its size, to see what a signed-in session holds.
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

// Your part of the exercise. With `--features solution`, the reference solution instead: the
// tests are the same for both.
#[cfg(not(feature = "solution"))]
mod exercise;
#[cfg(feature = "solution")]
#[path = "../solution/exercise.rs"]
mod exercise;

fn main() -> std::io::Result<()> {
    shared::run(&LESSON)
}

#[cfg(test)]
mod tests;
