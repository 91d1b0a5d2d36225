//! Exercise 09: changing the password, with sessions on the server. Run with: cargo run -p exercise-09-server-side-sessions
//!
//! This crate is lesson 09 plus a change-password form on `/settings`. The sessions are rows on
//! the server now: a password change deletes every other session row of the user, and keeps
//! this one, and deletes the user's remember tokens (rows of `remember_tokens` since lesson 08).
//! The user's id still carries a fingerprint of the password hash (exercise 08's idea, written
//! for you here) that a change puts out of date, for the sessions Redis keeps. Your
//! part is `src/exercise.rs`; the task is in `TASK.md`, the tests in `src/tests/task.rs`. Run
//! them with `just exercise 09`; `just hint 09` when you are stuck.
//!
//! Try: see TASK.md (it listens on lesson 09's port and uses its database: stop the lesson
//! first, or set PORT). `--features solution` runs the reference solution instead of yours.

use std::collections::HashMap;

use actix_session::config::BrowserSession;
use actix_session::{Session, SessionMiddleware};
use actix_web::cookie::SameSite;
use actix_web::cookie::time::Duration;
use actix_web::http::StatusCode;
use actix_web::middleware::from_fn;
use actix_web::{HttpRequest, HttpResponse, web};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde::{Deserialize, Serialize};
use shared::{Context, CookieKind, Lesson, Site, error_page, redirect, render, render_status};

use crate::db::Db;
use crate::flash::{Category, flash};
use crate::login::{LoginManager, UserLoader, UserMixin};
use crate::store::Store;

mod db;
mod flash;
mod lifetime;
mod login;
mod remember;
mod store;
mod users;

pub static LESSON: Lesson = Lesson {
    number: 9,
    slug: "server-side-sessions",
    title: "Sessions on the server · exercise: changing the password",
    nav: &[
        ("/", "Home"),
        ("/register", "Register"),
        ("/protected", "Protected"),
        ("/settings", "Settings"),
        ("/session", "Session"),
        ("/sessions", "Sessions"),
        ("/login", "Log in"),
        ("/logout", "Log out"),
    ],
    templates: shared::templates![
        "index.html",
        "register.html",
        "login.html",
        "protected.html",
        "settings.html",
        "logout.html",
        "session.html",
        "sessions.html"
    ],
    cookies: &[("session", CookieKind::Private), (login::REMEMBER_COOKIE, CookieKind::Signed)],
    app,
};

/// The most session JSON we agree to keep. The state is on the server now, so the cookie no
/// longer limits it (lesson 07: about 2.8 KB of cookie); the limit stays as a sane bound.
const MAX_SESSION_JSON: usize = 2048;

/// Where a login lands when `next` is missing or not a local path (the tutorial's
/// `redirect(url_for('protected'))`).
const DEFAULT_PAGE: &str = "/protected";

// ANCHOR: middleware
/// The same middleware as lessons 04 to 08, with another store: the cookie now carries a random
/// session id (still encrypted with the key), and `store` keeps the state. A row lives as long
/// as `SESSION_LIFETIME` from its last change (`state_ttl`; actix-session's default is a day).
fn session_middleware(site: &Site, store: Store) -> SessionMiddleware<Store> {
    let lifetime = lifetime::Settings::of(site).lifetime;
    SessionMiddleware::builder(store, site.key().clone())
        .session_lifecycle(BrowserSession::default().state_ttl(lifetime))
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

// ANCHOR: loader
/// This app's side of Flask-Login: how to find a user by id (`@login_manager.user_loader`:
/// `return User.query.get(int(user_id))`)...
struct Users {
    db: Db,
}

impl UserLoader for Users {
    type User = users::User;

    /// Exercise 08's loader: an id whose fingerprint is out of date (the password changed
    /// since it was written) is refused, and the visitor is anonymous.
    async fn load_user(&self, id: &str) -> Result<Option<Self::User>, actix_web::Error> {
        // An id without a fingerprint, or not a number, cannot be a row's: anonymous.
        let Some((id, print)) = id.split_once('|') else { return Ok(None) };
        let Ok(id) = id.parse::<i64>() else { return Ok(None) };
        let user = users::find(&self.db, id).await.map_err(database_error)?;
        Ok(user.filter(|user| fingerprint(&user.password_hash) == print))
    }

    /// Remember-me tokens are rows of `remember_tokens` (`src/remember.rs`).
    async fn remember(&self, id: &str, now: i64, expires: i64) -> Result<String, actix_web::Error> {
        // The row's id is the number before the `|`: the fingerprint is not the token's business.
        let Some(Ok(id)) = id.split('|').next().map(str::parse::<i64>) else {
            return Err(actix_web::error::ErrorInternalServerError(format!("not a user id: {id}")));
        };
        remember::create(&self.db, id, now, expires).await.map_err(database_error)
    }

    async fn load_remembered(
        &self,
        token: &str,
        now: i64,
    ) -> Result<Option<Self::User>, actix_web::Error> {
        match remember::user_of(&self.db, token, now).await.map_err(database_error)? {
            Some(id) => users::find(&self.db, id).await.map_err(database_error),
            None => Ok(None),
        }
    }

    async fn forget(&self, token: &str) -> Result<(), actix_web::Error> {
        remember::delete(&self.db, token).await.map_err(database_error)
    }
}

/// ...and what a user's id is (`UserMixin.get_id`): Flask-Login's "alternative token", the
/// row's id and a fingerprint of the password hash (`1|YIxTCDkufcv4BfwLVtoHhQ`). It is what a
/// remember cookie holds, so a password change outdates every remember cookie written before.
impl UserMixin for users::User {
    fn get_id(&self) -> String {
        format!("{}|{}", self.id, fingerprint(&self.password_hash))
    }
}

/// A fingerprint of a password hash: its salt, new with every hash, and saying nothing about
/// the password (exercise 08).
fn fingerprint(password_hash: &str) -> String {
    argon2::password_hash::PasswordHash::new(password_hash)
        .ok()
        .and_then(|hash| hash.salt)
        .map_or_else(String::new, |salt| salt.as_str().to_string())
}

/// `current_user` for this app's users.
type CurrentUser = login::CurrentUser<Users>;

/// Flask: `login_manager = LoginManager(app)`, `login_manager.login_view = "login"`.
fn login_manager(site: &Site, db: Db) -> LoginManager<Users> {
    LoginManager {
        loader: Users { db },
        login_view: "/login",
        login_message: "Please log in to access this page.",
        needs_refresh_message: "Please give your password again to access this page.",
        remember_duration: Duration::days(14),
        secure: site.config().flag("SESSION_COOKIE_SECURE"),
    }
}
// ANCHOR_END: loader

/// A database that does not answer (a locked or missing file, a full disk) is the server's
/// problem, not the visitor's: 503, with what went wrong in the log.
const DATABASE_DOWN: &str = "The database is not answering; please try again in a moment.";

fn database_error(error: sqlx::Error) -> actix_web::Error {
    eprintln!("error: database: {error}");
    actix_web::error::ErrorServiceUnavailable(DATABASE_DOWN)
}

/// The same, as a page.
fn database_page(req: &HttpRequest, error: sqlx::Error) -> HttpResponse {
    eprintln!("error: database: {error}");
    error_page(req, StatusCode::SERVICE_UNAVAILABLE, DATABASE_DOWN)
}

// ANCHOR: routes
fn app(cfg: &mut web::ServiceConfig, site: &Site) {
    // Opened once in `main` (or by the test), shared by every worker: a pool of connections.
    let db = site.data::<Db>().cloned().expect("main attaches the database to the site");
    let store = site.data::<Store>().cloned().expect("main attaches the session store");
    // A scope for the whole site, so the session middleware wraps every route. The last
    // `wrap` is the outermost: `cookie_expiry` sees the cookie the session middleware writes,
    // `enforce` sees the session it loads.
    cfg.service(
        web::scope("")
            .app_data(web::Data::new(db.clone()))
            .app_data(web::Data::new(store.clone()))
            .app_data(web::Data::new(login_manager(site, db)))
            .wrap(from_fn(store::track))
            .wrap(from_fn(lifetime::enforce))
            .wrap(session_middleware(site, store))
            .wrap(from_fn(lifetime::cookie_expiry))
            .wrap(from_fn(login::remember_cookies::<Users>))
            .wrap(from_fn(store::outage))
            .route("/", web::get().to(index))
            .route("/register", web::get().to(register_form))
            .route("/register", web::post().to(register))
            .route("/login", web::get().to(login_form))
            .route("/login", web::post().to(login))
            // `@login_required` on one route...
            .service(
                web::resource("/protected")
                    .wrap(from_fn(login::login_required::<Users>))
                    .route(web::get().to(protected)),
            )
            // ...and `@fresh_login_required` on a whole scope.
            .service(
                web::scope("/settings")
                    .wrap(from_fn(login::fresh_login_required::<Users>))
                    .route("", web::get().to(settings))
                    // The exercise: the change-password form posts here (src/exercise.rs).
                    .route("/password", web::post().to(exercise::change_password)),
            )
            .route("/logout", web::get().to(logout_page))
            .route("/logout", web::post().to(logout))
            // Read-only now: a session that says who you are must not be writable by you.
            .route("/session", web::get().to(show_session))
            .service(
                web::scope("/sessions")
                    .wrap(from_fn(login::login_required::<Users>))
                    .route("", web::get().to(list_sessions))
                    .route("/end-others", web::post().to(end_other_sessions)),
            ),
    );
}
// ANCHOR_END: routes

// ANCHOR: pages
/// Every page's context: `current_user` and the flashed messages, as Flask's context
/// processors put them in every template.
fn page_context(session: &Session, user: &CurrentUser) -> Context {
    let mut context = Context::new();
    context.insert("current_user", &user.view());
    context.insert("flashes", &flash::take(session));
    context
}

/// Flask: `users = User.query.all()`, `render_template("index.html", users=users)`, and who is
/// logged in.
async fn index(
    req: HttpRequest,
    session: Session,
    user: CurrentUser,
    db: web::Data<Db>,
) -> HttpResponse {
    let all = match users::all(&db).await {
        Ok(all) => all,
        Err(error) => return database_page(&req, error),
    };
    let mut context = page_context(&session, &user);
    context.insert("users", &all);
    render(&req, "index.html", context)
}

/// Flask: `@login_required def protected(): return f"Logged in as {current_user.id}"`. The
/// middleware has already sent anonymous visitors away; `user` is signed in here.
async fn protected(req: HttpRequest, session: Session, user: CurrentUser) -> HttpResponse {
    render(&req, "protected.html", page_context(&session, &user))
}

/// `@fresh_login_required`: a page for things like changing the password.
async fn settings(req: HttpRequest, session: Session, user: CurrentUser) -> HttpResponse {
    render(&req, "settings.html", page_context(&session, &user))
}
// ANCHOR_END: pages

// ANCHOR: login
/// The form's fields. `Option`: a missing field is a message for the user, not a failed request.
#[derive(Deserialize)]
struct LoginForm {
    username: Option<String>,
    password: Option<String>,
    /// The "Remember me" checkbox: present (`on`) when ticked.
    remember: Option<String>,
    /// Where to go afterwards, carried through the form from `?next=`.
    next: Option<String>,
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

/// One message for every failure: which half was wrong is none of the visitor's business.
const FAILED: &str = "Wrong username or password.";

async fn login_form(
    req: HttpRequest,
    session: Session,
    user: CurrentUser,
    query: web::Query<NextQuery>,
) -> HttpResponse {
    let next = query.into_inner().next;
    // Signed in with the password already: nothing to do here. A login restored from the
    // remember cookie (not fresh) sees the form, to give the password again.
    if user.is_fresh() {
        return redirect(next.as_deref().and_then(login::safe_next).unwrap_or(DEFAULT_PAGE));
    }
    let mut context = page_context(&session, &user);
    context.insert("next", &next);
    render(&req, "login.html", context)
}

/// Flask: `user = User.query.filter_by(username=...).first()`; if the password matches,
/// `login_user(user, remember=...)`, then `redirect(next or url_for("protected"))`, where
/// `next` must be a local path.
async fn login(
    req: HttpRequest,
    site: Site,
    session: Session,
    db: web::Data<Db>,
    form: web::Form<LoginForm>,
) -> HttpResponse {
    let LoginForm { username, password, remember, next } = form.into_inner();
    let (username, password) = (username.unwrap_or_default(), password.unwrap_or_default());
    if username.trim().is_empty() || password.is_empty() {
        return back_to_login(&req, &session, next, "Please enter a username and a password.");
    }
    let found = match users::find_by_username(&db, username.trim()).await {
        Ok(found) => found,
        Err(error) => return database_page(&req, error),
    };
    // Argon2 is slow on purpose: tens of milliseconds of CPU and 19 MiB of memory. On an async
    // worker that would stall every other request the worker serves; `site.hash` runs it with
    // `web::block` on a thread pool meant for blocking work, one per core at a time (shared's
    // `hashing`: hundreds at once would take gigabytes), and the worker goes on serving.
    let checked = site.hash(move || users::check_password(found, &password)).await;
    let user = match checked {
        Ok(Some(user)) => user,
        Ok(None) => return back_to_login(&req, &session, next, FAILED),
        Err(busy) => return busy.page(&req),
    };
    let stored = login::login_user(&req, &session, &user, remember.is_some()).and_then(|()| {
        flash(&session, Category::Success, format!("Logged in as {}.", user.username))
    });
    if let Err(error) = stored {
        return error_page(&req, StatusCode::INTERNAL_SERVER_ERROR, &error.to_string());
    }
    redirect(next.as_deref().and_then(login::safe_next).unwrap_or(DEFAULT_PAGE))
}

/// Flask: `flash(message)` then back to the login page, with `next` still in the address.
fn back_to_login(
    req: &HttpRequest,
    session: &Session,
    next: Option<String>,
    message: &str,
) -> HttpResponse {
    if let Err(error) = flash(session, Category::Error, message) {
        return error_page(req, StatusCode::INTERNAL_SERVER_ERROR, &error.to_string());
    }
    match next.filter(|next| !next.is_empty()) {
        Some(next) => {
            redirect(&format!("/login?next={}", utf8_percent_encode(&next, NON_ALPHANUMERIC)))
        }
        None => redirect("/login"),
    }
}
// ANCHOR_END: login

// ANCHOR: register
/// The registration form's fields; a missing one is a message, not a failed request.
#[derive(Deserialize)]
struct RegisterForm {
    username: Option<String>,
    email: Option<String>,
    password: Option<String>,
}

async fn register_form(req: HttpRequest, session: Session, user: CurrentUser) -> HttpResponse {
    render(&req, "register.html", page_context(&session, &user))
}

/// Flask: `db.session.add(User(username=..., email=..., password_hash=...))`,
/// `db.session.commit()`, then to the login page. A refused form comes back filled in (but the
/// password), with the reason and a 4xx status: 422 for a bad value, 409 for a taken one.
async fn register(
    req: HttpRequest,
    site: Site,
    session: Session,
    user: CurrentUser,
    db: web::Data<Db>,
    form: web::Form<RegisterForm>,
) -> HttpResponse {
    let RegisterForm { username, email, password } = form.into_inner();
    let username = username.unwrap_or_default().trim().to_string();
    let email = email.unwrap_or_default().trim().to_string();
    let password = password.unwrap_or_default();
    let refuse = |status: StatusCode, message: &str| {
        let mut context = page_context(&session, &user);
        context.insert("error", message);
        context.insert("username", &username);
        context.insert("email", &email);
        render_status(&req, status, "register.html", context)
    };
    if let Err(message) = users::validate(&username, &email, &password) {
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, message);
    }
    // Hashing is as slow as checking: off the async worker too.
    let hash = match site.hash(move || users::hash_password(&password)).await {
        Ok(Ok(hash)) => hash,
        Ok(Err(error)) => {
            return error_page(&req, StatusCode::INTERNAL_SERVER_ERROR, &error.to_string());
        }
        Err(busy) => return busy.page(&req),
    };
    let created = match users::create(&db, &username, &email, &hash).await {
        Ok(created) => created,
        Err(users::CreateError::UsernameTaken) => {
            return refuse(StatusCode::CONFLICT, "That username is taken; please choose another.");
        }
        Err(users::CreateError::EmailTaken) => {
            return refuse(StatusCode::CONFLICT, "That e-mail address is already registered.");
        }
        Err(users::CreateError::Database(error)) => return database_page(&req, error),
    };
    let message = format!("Welcome, {}! You can log in now.", created.username);
    if let Err(error) = flash(&session, Category::Success, message) {
        return error_page(&req, StatusCode::INTERNAL_SERVER_ERROR, &error.to_string());
    }
    redirect("/login")
}
// ANCHOR_END: register

// ANCHOR: logout
/// `GET /logout` changes nothing: it shows the button. A link, an image or a prefetch on any
/// site can make a browser GET a page; logging out is a change, so it takes a POST.
async fn logout_page(req: HttpRequest, session: Session, user: CurrentUser) -> HttpResponse {
    render(&req, "logout.html", page_context(&session, &user))
}

/// Flask: `logout_user()`, then `redirect(url_for("login"))`. Both cookies are cleared.
async fn logout(req: HttpRequest, session: Session) -> HttpResponse {
    login::logout_user(&req, &session);
    redirect("/login")
}
// ANCHOR_END: logout

// ANCHOR: sessions
/// `/sessions`: where you are signed in. Only the SQLite store can answer: the table has an
/// owner column; actix-session's Redis store keeps each session under its id and nothing else.
async fn list_sessions(
    req: HttpRequest,
    session: Session,
    user: CurrentUser,
    site: Site,
    store: web::Data<Store>,
    db: web::Data<Db>,
) -> HttpResponse {
    let mut context = page_context(&session, &user);
    let Store::Sqlite(_) = store.get_ref() else {
        context.insert("sessions", &Vec::<store::SessionRow>::new());
        context.insert("redis", &true);
        return render(&req, "sessions.html", context);
    };
    let Some(user_id) = user.view().user.map(|user| user.id) else {
        return error_page(&req, StatusCode::FORBIDDEN, "Please log in to see your sessions.");
    };
    let current = store::current_id(&req, &site);
    let now = site.clock().now().unix_timestamp();
    match store::of_user(&db, user_id, current.as_deref(), now).await {
        Ok(rows) => {
            context.insert("sessions", &rows);
            context.insert("redis", &false);
            render(&req, "sessions.html", context)
        }
        Err(error) => database_page(&req, error),
    }
}

/// "Log out everywhere else": every other session of this user is deleted, and every other
/// remember token, so those browsers are anonymous at their next request, even with their
/// remember cookies. This one stays, and keeps its own.
async fn end_other_sessions(
    req: HttpRequest,
    session: Session,
    user: CurrentUser,
    site: Site,
    store: web::Data<Store>,
    db: web::Data<Db>,
) -> HttpResponse {
    let Store::Sqlite(_) = store.get_ref() else {
        let message = "With REDIS_URL set, sessions cannot be listed or ended by user here.";
        return error_page(&req, StatusCode::NOT_IMPLEMENTED, message);
    };
    let (Some(current), Some(user_id)) =
        (store::current_id(&req, &site), user.view().user.map(|user| user.id))
    else {
        return error_page(&req, StatusCode::BAD_REQUEST, "This request has no session.");
    };
    let ended = match store::end_others(&db, user_id, &current).await {
        Ok(ended) => ended,
        Err(error) => return database_page(&req, error),
    };
    let this_browser = login::remember_token(&req);
    if let Err(error) = remember::end_others(&db, user_id, this_browser.as_deref()).await {
        return database_page(&req, error);
    }
    let message = match ended {
        1 => "Ended 1 other session.".to_string(),
        n => format!("Ended {n} other sessions."),
    };
    if let Err(error) = flash(&session, Category::Success, message) {
        return error_page(&req, StatusCode::INTERNAL_SERVER_ERROR, &error.to_string());
    }
    redirect("/sessions")
}
// ANCHOR_END: sessions

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
async fn show_session(req: HttpRequest, session: Session, user: CurrentUser) -> HttpResponse {
    let mut context = page_context(&session, &user);
    let entries = session.entries();
    let mut shown: Vec<Entry> =
        entries.iter().map(|(key, json)| Entry { key: key.clone(), json: json.clone() }).collect();
    shown.sort_by(|a, b| a.key.cmp(&b.key));
    context.insert("entries", &shown);
    context.insert("json_bytes", &json_len(&entries));
    context.insert("max_json_bytes", &MAX_SESSION_JSON);
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

// ANCHOR: main
/// Opens the database before the server listens (Flask-SQLAlchemy does it on the first
/// request), so a bad `DATABASE_URL` stops the server at once, with a message that names it.
/// Then the session store (Redis when `REDIS_URL` is set), and the sweeper: every minute, the
/// expired rows are deleted.
fn main() -> std::io::Result<()> {
    shared::run_with(&LESSON, |site| async move {
        let db = db::open(site.config(), LESSON.number).await?;
        let store = store::open(&site, &db).await?;
        if let Store::Sqlite(_) = store {
            let (db, clock) = (db.clone(), site.clock().clone());
            actix_web::rt::spawn(async move {
                let mut every = actix_web::rt::time::interval(store::SWEEP_EVERY);
                loop {
                    every.tick().await;
                    if let Err(error) = store::sweep(&db, clock.now().unix_timestamp()).await {
                        eprintln!("error: sweeping the expired sessions: {error}");
                    }
                }
            });
        }
        Ok(site.with_data(db).with_data(store))
    })
}
// ANCHOR_END: main

#[cfg(test)]
mod tests;
