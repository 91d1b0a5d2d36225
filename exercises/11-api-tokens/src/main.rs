//! Exercise 11: read-only API tokens. Run with: cargo run -p exercise-11-api-tokens
//!
//! This crate is lesson 11 plus a `read_only` column on `api_tokens` (migration 0006, applied at
//! start-up like the lesson's), a "Read only" box on the `/tokens` form, and a check around the
//! API: a call that is not a `GET` asks `exercise::refuse_read_only` first, and a read-only
//! token gets 403 and a JSON error. Your part is `src/exercise.rs`; the task is in `TASK.md`, the
//! tests in `src/tests/task.rs`. Run them with `just exercise 11`; `just hint 11` when you are
//! stuck.
//!
//! Try: see TASK.md (it listens on lesson 11's port and uses its database: stop the lesson
//! first, or set PORT). `--features solution` runs the reference solution instead of yours.

use std::collections::HashMap;

use actix_session::config::BrowserSession;
use actix_session::{Session, SessionMiddleware};
use actix_web::body::{EitherBody, MessageBody};
use actix_web::cookie::SameSite;
use actix_web::cookie::time::Duration;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, HeaderValue};
use actix_web::middleware::{Logger, Next, from_fn};
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde::{Deserialize, Serialize};
use shared::{Context, CookieKind, Lesson, Site, error_page, redirect, render, render_status};

use crate::db::Db;
use crate::flash::{Category, flash};
use crate::login::{LoginManager, UserLoader, UserMixin};
use crate::store::Store;

mod api;
mod csrf;
mod db;
mod flash;
mod jwt;
mod lifetime;
mod login;
mod remember;
mod store;
mod tokens;
mod users;
mod woofs;

pub static LESSON: Lesson = Lesson {
    number: 11,
    slug: "api-tokens",
    title: "API tokens and JWT · exercise: read-only tokens",
    nav: &[
        ("/", "Timeline"),
        ("/register", "Register"),
        ("/protected", "Protected"),
        ("/settings", "Settings"),
        ("/session", "Session"),
        ("/sessions", "Sessions"),
        ("/tokens", "API tokens"),
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
        "sessions.html",
        "dog.html",
        "tokens.html"
    ],
    cookies: &[("session", CookieKind::Private), (login::REMEMBER_COOKIE, CookieKind::Signed)],
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

    async fn load_user(&self, id: &str) -> Result<Option<Self::User>, actix_web::Error> {
        // An id that is not a number cannot be a row's: anonymous, not an error.
        let Ok(id) = id.parse::<i64>() else { return Ok(None) };
        users::find(&self.db, id).await.map_err(database_error)
    }

    /// Remember-me tokens are rows of `remember_tokens` (`src/remember.rs`).
    async fn remember(&self, id: &str, now: i64, expires: i64) -> Result<String, actix_web::Error> {
        let Ok(id) = id.parse::<i64>() else {
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

    /// `@login_manager.request_loader`: the API token or JWT in `Authorization: Bearer`.
    async fn load_user_from_request(
        &self,
        req: &HttpRequest,
    ) -> Result<Option<Self::User>, actix_web::Error> {
        api::load_user_from_request(&self.db, req).await
    }
}

/// ...and what a user's id is (`UserMixin.get_id`).
impl UserMixin for users::User {
    fn get_id(&self) -> String {
        self.id.to_string()
    }
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
        unauthorized_handler: api::unauthorized,
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

// ANCHOR: app
/// The app: its routes, and the middleware around them. `main` serves it; the tests build the
/// same one. (The return type says "an `App` actix-web can serve"; only its shape matters.)
/// `db`, `store` and `logins` are made once, in `main`, and shared by every worker.
fn app(
    site: Site,
    db: web::Data<Db>,
    store: web::Data<Store>,
    logins: web::Data<LoginManager<Users>>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let sessions = session_middleware(&site, store.get_ref().clone());
    App::new()
        // What every handler can reach: `site: web::Data<Site>`, and `render` finds it.
        .app_data(web::Data::new(site))
        // A pool of connections, the session store, the login manager: `web::Data<Db>`, ...
        .app_data(db)
        .app_data(store)
        .app_data(logins)
        // ANCHOR: api_routes
        // The JSON API. `/api/token` is open (it is where credentials are traded); the rest
        // is behind `login_required`, whose unauthorized handler answers 401 JSON here, and
        // then the CSRF check for calls that a browser made with its cookies.
        .route("/api/token", web::post().to(api::issue_jwt))
        .service(
            web::scope("/api")
                .wrap(from_fn(csrf::protect_api))
                // The exercise: a read-only token may not write (src/exercise.rs).
                .wrap(from_fn(read_only_tokens))
                .wrap(from_fn(login::login_required::<Users>))
                .route("/me", web::get().to(api::me))
                .route("/woofs", web::get().to(api::timeline))
                .route("/woofs", web::post().to(api::post_woof)),
        )
        // Making and revoking tokens takes a fresh login: not a remember cookie, and not a
        // token (a stolen token must not be able to make more of itself).
        .service(
            web::scope("/tokens")
                .wrap(from_fn(login::fresh_login_required::<Users>))
                .route("", web::get().to(list_tokens))
                .route("", web::post().to(create_token))
                .route("/{id}/revoke", web::post().to(revoke_token)),
        )
        // ANCHOR_END: api_routes
        .route("/", web::get().to(index))
        .route("/dogs/{username}", web::get().to(dog_page))
        .service(
            web::scope("/woofs")
                .wrap(from_fn(login::login_required::<Users>))
                .route("", web::post().to(post_woof))
                .route("/{id}/delete", web::post().to(delete_woof)),
        )
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
                .route("", web::get().to(settings)),
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
        )
        // Middleware: the last `wrap` is the outermost, the first to see a request.
        // `cookie_expiry` sees the cookie the session middleware writes, `enforce` sees the
        // session it loads; `csrf::protect`, innermost, checks every POST before its handler.
        .wrap(from_fn(csrf::protect))
        .wrap(from_fn(store::track))
        .wrap(from_fn(lifetime::enforce))
        .wrap(sessions)
        .wrap(from_fn(lifetime::cookie_expiry))
        .wrap(from_fn(login::remember_cookies::<Users>))
        .wrap(from_fn(store::outage))
        // Bad input (a huge cookie, a body that is not a form) gets a clear 4xx page.
        .wrap(from_fn(shared::guard::check))
        .wrap(shared::protective_headers())
        // One line per request on the terminal: `GET / HTTP/1.1 -> 200 (0.4 ms)`.
        .wrap(Logger::new("%r -> %s (%D ms)"))
        .default_service(web::to(shared::not_found))
}
// ANCHOR_END: app

// ANCHOR: pages
/// Every page's context: `current_user`, the flashed messages and the CSRF token for its forms,
/// as Flask's context processors (and Flask-WTF's `csrf_token()`) put them in every template.
fn page_context(session: &Session, user: &CurrentUser) -> Context {
    let mut context = Context::new();
    context.insert("current_user", &user.view());
    context.insert("flashes", &flash::take(session));
    // Without a token (the session could not be written) a form gets a 403, not a 500.
    context.insert("csrf_token", &csrf::token(session).unwrap_or_default());
    context
}

/// The timeline: everyone's woofs, newest first, the form to woof when signed in, and the dogs.
async fn index(
    req: HttpRequest,
    session: Session,
    user: CurrentUser,
    db: web::Data<Db>,
) -> HttpResponse {
    timeline(&req, &session, &user, &db, StatusCode::OK, None, "").await
}

/// The timeline page; after a refused woof, with the reason and the text to fix (`draft`).
async fn timeline(
    req: &HttpRequest,
    session: &Session,
    user: &CurrentUser,
    db: &Db,
    status: StatusCode,
    error: Option<&str>,
    draft: &str,
) -> HttpResponse {
    let (all, timeline) = match (users::all(db).await, woofs::timeline(db).await) {
        (Ok(all), Ok(timeline)) => (all, timeline),
        (Err(error), _) | (_, Err(error)) => return database_page(req, error),
    };
    let mut context = page_context(session, user);
    context.insert("users", &all);
    context.insert("woofs", &timeline);
    context.insert("error", &error);
    context.insert("draft", draft);
    context.insert("max_chars", &woofs::MAX_CHARS);
    render_status(req, status, "index.html", context)
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
    site: web::Data<Site>,
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

// ANCHOR: woofs
#[derive(Deserialize)]
struct WoofForm {
    body: Option<String>,
}

/// `POST /woofs`, behind `login_required`: the signed-in dog woofs. A refused woof comes back
/// on the timeline with the reason and the text, and 422.
async fn post_woof(
    req: HttpRequest,
    session: Session,
    user: CurrentUser,
    site: web::Data<Site>,
    db: web::Data<Db>,
    form: web::Form<WoofForm>,
) -> HttpResponse {
    let Some(author) = user.view().user.map(|user| user.id) else {
        return error_page(&req, StatusCode::FORBIDDEN, "Please log in to woof.");
    };
    let text = form.into_inner().body.unwrap_or_default();
    let body = match woofs::validate(&text) {
        Ok(body) => body,
        Err(message) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return timeline(&req, &session, &user, &db, status, Some(message), &text).await;
        }
    };
    let now = site.clock().now().unix_timestamp();
    if let Err(error) = woofs::post(&db, author, body, now).await {
        return database_page(&req, error);
    }
    if let Err(error) = flash(&session, Category::Success, "Woof!") {
        return error_page(&req, StatusCode::INTERNAL_SERVER_ERROR, &error.to_string());
    }
    redirect("/")
}

/// `POST /woofs/{id}/delete`, behind `login_required`: only the author may; anyone else gets
/// 403, and a woof that does not exist 404.
async fn delete_woof(
    req: HttpRequest,
    session: Session,
    user: CurrentUser,
    db: web::Data<Db>,
    id: web::Path<i64>,
) -> HttpResponse {
    let Some(author) = user.view().user.map(|user| user.id) else {
        return error_page(&req, StatusCode::FORBIDDEN, "Please log in to delete a woof.");
    };
    match woofs::delete(&db, id.into_inner(), author).await {
        Ok(woofs::Deleted::Yes) => {
            if let Err(error) = flash(&session, Category::Success, "Woof deleted.") {
                return error_page(&req, StatusCode::INTERNAL_SERVER_ERROR, &error.to_string());
            }
            redirect("/")
        }
        Ok(woofs::Deleted::NotYours) => {
            error_page(&req, StatusCode::FORBIDDEN, "You can only delete your own woofs.")
        }
        Ok(woofs::Deleted::NoSuchWoof) => {
            error_page(&req, StatusCode::NOT_FOUND, "There is no such woof.")
        }
        Err(error) => database_page(&req, error),
    }
}

/// `/dogs/{username}`: one dog's woofs.
async fn dog_page(
    req: HttpRequest,
    session: Session,
    user: CurrentUser,
    db: web::Data<Db>,
    username: web::Path<String>,
) -> HttpResponse {
    let dog = match users::find_by_username(&db, &username).await {
        Ok(Some(dog)) => dog,
        Ok(None) => {
            return error_page(&req, StatusCode::NOT_FOUND, "There is no dog of that name.");
        }
        Err(error) => return database_page(&req, error),
    };
    let woofs = match woofs::by_author(&db, dog.id).await {
        Ok(woofs) => woofs,
        Err(error) => return database_page(&req, error),
    };
    let mut context = page_context(&session, &user);
    context.insert("dog", &dog.username);
    context.insert("woofs", &woofs);
    render(&req, "dog.html", context)
}
// ANCHOR_END: woofs

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
    site: web::Data<Site>,
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
    site: web::Data<Site>,
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
    site: web::Data<Site>,
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

// ANCHOR: tokens
/// `/tokens`: this dog's API tokens (names and dates, never the tokens), and the form for a new one.
async fn list_tokens(
    req: HttpRequest,
    session: Session,
    user: CurrentUser,
    db: web::Data<Db>,
) -> HttpResponse {
    tokens_page(&req, &session, &user, &db, StatusCode::OK, None, None).await
}

/// The tokens page, with a token just made (`new_token`, shown this once) or a refused name.
async fn tokens_page(
    req: &HttpRequest,
    session: &Session,
    user: &CurrentUser,
    db: &Db,
    status: StatusCode,
    new_token: Option<(&str, &str)>,
    error: Option<&str>,
) -> HttpResponse {
    let Some(user_id) = user.view().user.map(|user| user.id) else {
        return error_page(req, StatusCode::FORBIDDEN, "Please log in to see your API tokens.");
    };
    let rows = match tokens::of_user(db, user_id).await {
        Ok(rows) => rows,
        Err(error) => return database_page(req, error),
    };
    let mut context = page_context(session, user);
    context.insert("tokens", &rows);
    context.insert("new_name", &new_token.map(|(name, _)| name));
    context.insert("new_token", &new_token.map(|(_, token)| token));
    context.insert("error", &error);
    context.insert("max_chars", &tokens::MAX_NAME_CHARS);
    context.insert("site_url", &req.app_data::<web::Data<Site>>().map(|site| site_url(site)));
    let mut page = render_status(req, status, "tokens.html", context);
    // A page that shows a token must not stay in any cache.
    page.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    page
}

/// This server's address for the page's example `curl`, from its configuration (`HOST`,
/// `PORT`): never from the request's `Host` or `X-Forwarded-Host`, which whoever sends the
/// request writes. A forged one would put another host beside a fresh token, one copy and
/// paste away from sending the token there. A server on every address (`0.0.0.0`, `::`) is
/// shown at the loopback one.
fn site_url(site: &Site) -> String {
    let config = site.config();
    let host = match config.host.as_str() {
        "0.0.0.0" => "127.0.0.1",
        "::" => "::1",
        host => host,
    };
    if host.contains(':') {
        format!("http://[{host}]:{}", config.port)
    } else {
        format!("http://{host}:{}", config.port)
    }
}

#[derive(Deserialize)]
struct TokenForm {
    name: Option<String>,
    /// The exercise's "Read only" box: present (`on`) when ticked.
    read_only: Option<String>,
}

/// `POST /tokens`: a new token, shown in this answer only. Not flashed, not redirected to: a
/// flash would keep it in the session row until the next page.
async fn create_token(
    req: HttpRequest,
    session: Session,
    user: CurrentUser,
    site: web::Data<Site>,
    db: web::Data<Db>,
    form: web::Form<TokenForm>,
) -> HttpResponse {
    let Some(user_id) = user.view().user.map(|user| user.id) else {
        return error_page(&req, StatusCode::FORBIDDEN, "Please log in to make an API token.");
    };
    let TokenForm { name, read_only } = form.into_inner();
    let text = name.unwrap_or_default();
    let name = match tokens::validate_name(&text) {
        Ok(name) => name,
        Err(message) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return tokens_page(&req, &session, &user, &db, status, None, Some(message)).await;
        }
    };
    let now = site.clock().now().unix_timestamp();
    let token = match exercise::create(&db, user_id, name, read_only.is_some(), now).await {
        Ok(token) => token,
        Err(error) => return database_page(&req, error),
    };
    let made = Some((name, token.as_str()));
    tokens_page(&req, &session, &user, &db, StatusCode::CREATED, made, None).await
}

/// `POST /tokens/{id}/revoke`: the token stops working at once. Another dog's token, or one
/// that is gone, is 404: whether it exists is none of this dog's business.
async fn revoke_token(
    req: HttpRequest,
    session: Session,
    user: CurrentUser,
    db: web::Data<Db>,
    id: web::Path<i64>,
) -> HttpResponse {
    let Some(user_id) = user.view().user.map(|user| user.id) else {
        return error_page(&req, StatusCode::FORBIDDEN, "Please log in to revoke a token.");
    };
    match tokens::revoke(&db, id.into_inner(), user_id).await {
        Ok(true) => {
            if let Err(error) = flash(&session, Category::Success, "Token revoked.") {
                return error_page(&req, StatusCode::INTERNAL_SERVER_ERROR, &error.to_string());
            }
            redirect("/tokens")
        }
        Ok(false) => error_page(&req, StatusCode::NOT_FOUND, "You have no such token."),
        Err(error) => database_page(&req, error),
    }
}
// ANCHOR_END: tokens

/// Inside the API's `login_required`, so the request loader has left the request's carrier:
/// every call but a `GET` (or `HEAD`) asks the exercise whether to refuse it.
async fn read_only_tokens(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    if req.method() == Method::GET || req.method() == Method::HEAD {
        return next.call(req).await.map(ServiceResponse::map_into_left_body);
    }
    let Some(db) = req.app_data::<web::Data<Db>>().cloned() else {
        return Err(actix_web::error::ErrorInternalServerError("the database is missing"));
    };
    match exercise::refuse_read_only(req.request(), &db).await {
        Ok(None) => next.call(req).await.map(ServiceResponse::map_into_left_body),
        Ok(Some(refusal)) => Ok(req.into_response(refusal).map_into_right_body()),
        Err(error) => {
            eprintln!("error: database: {error}");
            let answer = api::error(StatusCode::SERVICE_UNAVAILABLE, DATABASE_DOWN);
            Ok(req.into_response(answer).map_into_right_body())
        }
    }
}

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

// ANCHOR: main
/// Flask: `app = Flask(__name__)` ... `app.run(port=8011)`. The database is opened before the
/// server listens (Flask-SQLAlchemy does it on the first request), so a bad `DATABASE_URL`
/// stops the server at once, with a message that names it. Then the session store (Redis when
/// `REDIS_URL` is set), and the sweeper: every minute, the expired rows are deleted.
#[actix_web::main]
async fn main() -> std::io::Result<()> {
    // HOST and PORT (and from lesson 03 on SECRET_KEY), checked; the templates, loaded.
    let site = shared::start(&LESSON);
    let address = site.address();
    let db = db::open(site.config(), LESSON.number).await.unwrap_or_else(shared::exit_with);
    let store = store::open(&site, &db).await.unwrap_or_else(shared::exit_with);
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
    let logins = web::Data::new(login_manager(&site, db.clone()));
    let (db, store) = (web::Data::new(db), web::Data::new(store));
    // One app per worker thread: the closure runs once for each. What it captures (`site`,
    // the pool, the store, the login manager) is made once, here, and each worker gets a clone.
    HttpServer::new(move || app(site.clone(), db.clone(), store.clone(), logins.clone()))
        .bind(address)?
        .run()
        .await
}
// ANCHOR_END: main

#[cfg(test)]
mod tests;

// Your part of the exercise. With `--features solution`, the reference solution instead: the
// tests are the same for both.
#[cfg(not(feature = "solution"))]
mod exercise;
#[cfg(feature = "solution")]
#[path = "../solution/exercise.rs"]
mod exercise;
