//! Exercise 05: an absolute limit. Run with: cargo run -p exercise-05-permanent-sessions
//!
//! This crate is lesson 05 plus `SESSION_MAX_LIFETIME`: a session still slides while the visitor
//! keeps coming back, but it ends that long after the login, however busy the visitor is. Your
//! part is `src/exercise.rs`; the task is in `TASK.md`, the tests in `src/tests/task.rs`. Run
//! them with `just exercise 05`; `just hint 05` when you are stuck.
//!
//! Try: `SESSION_MAX_LIFETIME=2m SESSION_LIFETIME=1m cargo run -p exercise-05-permanent-sessions`,
//! log in at http://127.0.0.1:8005/login and keep reloading /user: logged out two minutes after
//! the login (it listens on lesson 05's port: stop the lesson first, or set PORT).
//! `--features solution` runs the reference solution instead of yours.

use std::collections::HashMap;

use actix_session::storage::CookieSessionStore;
use actix_session::{Session, SessionMiddleware};
use actix_web::cookie::SameSite;
use actix_web::cookie::time::OffsetDateTime;
use actix_web::cookie::time::format_description::well_known::Rfc2822;
use actix_web::http::StatusCode;
use actix_web::middleware::from_fn;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};
use shared::{Context, CookieKind, Lesson, Site, error_page, redirect, render, render_status};

mod lifetime;

pub static LESSON: Lesson = Lesson {
    number: 5,
    slug: "permanent-sessions",
    title: "Permanent sessions · exercise: an absolute limit",
    nav: &[
        ("/", "Home"),
        ("/login", "Log in"),
        ("/user", "User"),
        ("/session", "Session"),
        ("/logout", "Log out"),
    ],
    templates: shared::templates!["index.html", "login.html", "user.html", "session.html"],
    cookies: &[("session", CookieKind::Private)],
    app,
};

/// Longer names would make a cookie that browsers silently refuse to store (about 4 KB).
const MAX_NAME: usize = 64;

/// The most session JSON we agree to keep. Encrypted and encoded, 2048 bytes become a cookie of
/// about 2.8 KB; much more and browsers silently drop the cookie, and over 4064 bytes
/// actix-session fails the request with a 500. We refuse with a clear page instead.
const MAX_SESSION_JSON: usize = 2048;

/// `_permanent`, `_expires` and `_login_at` are the server's own entries: the `/session` page may
/// show them but not change them, or a visitor could push back the end of their own session.
const RESERVED: &str = "Keys that start with _ belong to the server (_permanent, _expires, \
                        _login_at): use the checkbox below for session.permanent.";

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
            .route("/", web::get().to(index))
            .route("/login", web::get().to(login_form))
            .route("/login", web::post().to(exercise::login))
            .route("/user", web::get().to(user_page))
            .route("/logout", web::get().to(logout))
            .route("/session", web::get().to(show_session))
            .route("/session/insert", web::post().to(insert))
            .route("/session/remove", web::post().to(remove))
            .route("/session/clear", web::post().to(clear))
            .route("/session/permanent", web::post().to(permanent)),
    );
}
// ANCHOR_END: routes

// ANCHOR: index
/// Flask: `render_template("index.html")`, a home page that says who is logged in.
async fn index(req: HttpRequest, session: Session) -> HttpResponse {
    let mut context = Context::new();
    context.insert("user", &user(&session));
    render(&req, "index.html", context)
}

/// `session["user"]`, if it is there and is a string.
fn user(session: &Session) -> Option<String> {
    // `Err` when the value is not a string (say, a number stored from /session): logged out.
    session.get::<String>("user").ok().flatten()
}
// ANCHOR_END: index

// ANCHOR: login
/// Flask: `if "user" in session: return redirect(url_for("user"))`, else the form.
async fn login_form(req: HttpRequest, session: Session) -> HttpResponse {
    if user(&session).is_some() {
        return redirect("/user");
    }
    render(&req, "login.html", Context::new())
}

// The login itself is in src/exercise.rs: it is what the exercise changes.
// ANCHOR_END: login

// ANCHOR: user
/// Flask: `if "user" in session: return f"<h1>{user}</h1>"`, else `redirect(url_for("login"))`.
/// The page also says when the session ends, as the server will check it.
async fn user_page(req: HttpRequest, site: Site, session: Session) -> HttpResponse {
    let Some(user) = user(&session) else {
        return redirect("/login");
    };
    let settings = lifetime::Settings::of(&site);
    let now = site.clock().now().unix_timestamp();
    let end = settings.end_after(&session, now);
    let mut context = Context::new();
    context.insert("user", &user);
    context.insert("permanent", &lifetime::is_permanent(&session));
    context.insert("sliding", &settings.refresh_each_request);
    context.insert("seconds_left", &(end - now));
    let end =
        OffsetDateTime::from_unix_timestamp(end).ok().and_then(|end| end.format(&Rfc2822).ok());
    context.insert("ends", &end);
    render(&req, "user.html", context)
}
// ANCHOR_END: user

// ANCHOR: logout
/// Flask: `session.pop("user", None)`, then `redirect(url_for("login"))`.
async fn logout(session: Session) -> HttpResponse {
    session.remove("user");
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

/// The `/session` page: the dictionary, its size, and forms to change it.
fn session_page(
    req: &HttpRequest,
    session: &Session,
    status: StatusCode,
    error: Option<&str>,
) -> HttpResponse {
    let entries = session.entries();
    let mut shown: Vec<Entry> =
        entries.iter().map(|(key, json)| Entry { key: key.clone(), json: json.clone() }).collect();
    shown.sort_by(|a, b| a.key.cmp(&b.key));
    let mut context = Context::new();
    context.insert("entries", &shown);
    context.insert("json_bytes", &json_len(&entries));
    context.insert("max_json_bytes", &MAX_SESSION_JSON);
    context.insert("permanent", &lifetime::is_permanent(session));
    if let Some(error) = error {
        context.insert("error", error);
    }
    render_status(req, status, "session.html", context)
}

/// The size of the JSON the cookie store encrypts into the cookie.
fn json_len(entries: &HashMap<String, String>) -> usize {
    serde_json::to_string(entries).map_or(usize::MAX, |json| json.len())
}

async fn show_session(req: HttpRequest, session: Session) -> HttpResponse {
    session_page(&req, &session, StatusCode::OK, None)
}

#[derive(Deserialize)]
struct EntryForm {
    key: Option<String>,
    value: Option<String>,
}

/// Flask: `session[key] = value`.
async fn insert(req: HttpRequest, session: Session, form: web::Form<EntryForm>) -> HttpResponse {
    let EntryForm { key, value } = form.into_inner();
    let (key, value) = (key.unwrap_or_default(), value.unwrap_or_default());
    if key.trim().is_empty() {
        return session_page(&req, &session, StatusCode::BAD_REQUEST, Some("A key is required."));
    }
    if key.starts_with('_') {
        return session_page(&req, &session, StatusCode::BAD_REQUEST, Some(RESERVED));
    }
    // Would the session still fit in a cookie? Check before changing it.
    let mut after = session.entries().clone();
    after.insert(key.clone(), serde_json::to_string(&value).unwrap_or_default());
    if json_len(&after) > MAX_SESSION_JSON {
        let error = format!(
            "Not stored: the session would hold {} bytes of JSON, over the {MAX_SESSION_JSON} that \
             fit in a cookie once encrypted. Keep big data on the server (lesson 09).",
            json_len(&after)
        );
        return session_page(&req, &session, StatusCode::PAYLOAD_TOO_LARGE, Some(&error));
    }
    if let Err(error) = session.insert(key, value) {
        return error_page(&req, StatusCode::INTERNAL_SERVER_ERROR, &error.to_string());
    }
    redirect("/session")
}

/// Flask: `session.pop(key, None)`.
async fn remove(req: HttpRequest, session: Session, form: web::Form<EntryForm>) -> HttpResponse {
    if let Some(key) = form.into_inner().key {
        if key.starts_with('_') {
            return session_page(&req, &session, StatusCode::BAD_REQUEST, Some(RESERVED));
        }
        session.remove(&key);
    }
    redirect("/session")
}

/// Flask: `session.clear()`.
async fn clear(session: Session) -> HttpResponse {
    session.clear();
    redirect("/session")
}
// ANCHOR_END: dictionary

// ANCHOR: permanent
#[derive(Deserialize)]
struct PermanentForm {
    permanent: Option<String>,
}

/// Flask: `session.permanent = True` or `False`, from a checkbox on the `/session` page.
async fn permanent(
    req: HttpRequest,
    session: Session,
    form: web::Form<PermanentForm>,
) -> HttpResponse {
    let on = form.into_inner().permanent.is_some_and(|value| value == "on");
    if let Err(error) = lifetime::set_permanent(&session, on) {
        return error_page(&req, StatusCode::INTERNAL_SERVER_ERROR, &error.to_string());
    }
    redirect("/session")
}
// ANCHOR_END: permanent

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
