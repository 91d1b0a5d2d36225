//! Exercise 05: an absolute limit. Run with: cargo run -p exercise-05-permanent-sessions
//!
//! This crate is lesson 05 plus `SESSION_MAX_LIFETIME`: a session still slides while the visitor
//! keeps coming back, but it ends that long after the login, however busy the visitor is. Your
//! part is `src/exercise.rs`; the task is in `TASK.md`, the tests in `src/tests/task.rs`. Run
//! them with `just exercise 05`; `just hint 05` when you are stuck.
//!
//! Try: `SESSION_MAX_LIFETIME=2m SESSION_LIFETIME=1m cargo run -p exercise-05-permanent-sessions`,
//! log in at http://127.0.0.1:8005/login and keep reloading the home page: logged out two
//! minutes after the login (it listens on lesson 05's port: stop the lesson first, or set PORT).
//! `--features solution` runs the reference solution instead of yours.

use std::collections::HashMap;

use actix_session::storage::CookieSessionStore;
use actix_session::{Session, SessionMiddleware};
use actix_web::body::MessageBody;
use actix_web::cookie::SameSite;
use actix_web::cookie::time::OffsetDateTime;
use actix_web::cookie::time::format_description::well_known::Rfc2822;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::{Logger, from_fn};
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use serde::{Deserialize, Serialize};
use shared::{Context, CookieKind, Lesson, Site, error_page, redirect, render, render_status};

mod lifetime;

pub static LESSON: Lesson = Lesson {
    number: 5,
    slug: "permanent-sessions",
    title: "Permanent sessions · exercise: an absolute limit",
    nav: &[("/", "Home"), ("/login", "Log in"), ("/session", "Session"), ("/logout", "Log out")],
    templates: shared::templates!["index.html", "login.html", "session.html"],
    cookies: &[("session", CookieKind::Private)],
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

// ANCHOR: main
/// Flask: `app = Flask(__name__)` ... `app.run(port=8005)`.
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
        .route("/session", web::get().to(show_session))
        .route("/session/insert", web::post().to(insert))
        .route("/session/remove", web::post().to(remove))
        .route("/session/clear", web::post().to(clear))
        .route("/session/permanent", web::post().to(permanent))
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
/// Flask: `if "username" in session: return f"Logged in as {session['username']}"`. The page
/// also says when the session ends, as the server will check it.
async fn index(req: HttpRequest, site: web::Data<Site>, session: Session) -> HttpResponse {
    let mut context = Context::new();
    context.insert("username", &username(&session));
    // ANCHOR: lifetime
    let settings = lifetime::Settings::of(&site);
    let now = site.clock().now().unix_timestamp();
    let end = settings.end_after(&session, now);
    context.insert("permanent", &lifetime::is_permanent(&session));
    context.insert("sliding", &settings.refresh_each_request);
    context.insert("seconds_left", &(end - now));
    let end =
        OffsetDateTime::from_unix_timestamp(end).ok().and_then(|end| end.format(&Rfc2822).ok());
    context.insert("ends", &end);
    // ANCHOR_END: lifetime
    render(&req, "index.html", context)
}

/// `session["username"]`, if it is there and is a string.
fn username(session: &Session) -> Option<String> {
    // `Err` when the value is not a string (say, a number stored from /session): logged out.
    session.get::<String>("username").ok().flatten()
}
// ANCHOR_END: index

// ANCHOR: login
/// Flask: `if "username" in session: return redirect(url_for("index"))`, else the form.
async fn login_form(req: HttpRequest, session: Session) -> HttpResponse {
    if username(&session).is_some() {
        return redirect("/");
    }
    render(&req, "login.html", Context::new())
}

// The login itself is in src/exercise.rs: it is what the exercise changes.
// ANCHOR_END: login

// ANCHOR: logout
/// Flask: `session.pop("username", None)`.
async fn logout(session: Session) -> HttpResponse {
    // Only when it is there: `remove` marks the session changed even for a missing key, and a
    // changed session sends its cookie again.
    if session.contains_key("username") {
        session.remove("username");
    }
    redirect("/")
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
             fit in a cookie once encrypted. Keep big data on the server (lesson 11).",
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

#[cfg(test)]
mod tests;

// Your part of the exercise. With `--features solution`, the reference solution instead: the
// tests are the same for both.
#[cfg(not(feature = "solution"))]
mod exercise;
#[cfg(feature = "solution")]
#[path = "../solution/exercise.rs"]
mod exercise;
