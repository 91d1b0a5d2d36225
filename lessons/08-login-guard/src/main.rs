//! Step 08: the login guard. Run with: just run 08  (or cargo run -p lesson-08-login-guard)
//!
//! New here: Flask-Login, rebuilt as a small module (`src/login.rs`): a login manager,
//! a user loader, a `current_user` extractor (anonymous until you log in), `login_required` on a
//! route or a scope, a `next` parameter that only ever leads back into this site, and logout by
//! POST. The session keeps the user under Flask-Login's key, `_user_id` (lesson 07's `username`
//! key is gone). Lesson 09 adds "Remember me" and fresh logins.
//!
//! Try: open http://127.0.0.1:8008/protected: you are sent to the login page with
//! `next=%2Fprotected`. Log in as `user1` / `mypassword`: you land on /protected. Try
//! http://127.0.0.1:8008/login?next=https://evil.example: the login lands on /protected instead.

use std::collections::HashMap;

use actix_session::storage::CookieSessionStore;
use actix_session::{Session, SessionMiddleware};
use actix_web::body::MessageBody;
use actix_web::cookie::SameSite;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::{Logger, from_fn};
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde::{Deserialize, Serialize};
use shared::{Context, CookieKind, Lesson, Site, error_page, redirect, render};

use crate::flash::{Category, flash};
use crate::login::{LoginManager, UserLoader, UserMixin};

mod flash;
mod lifetime;
mod login;
mod users;

pub static LESSON: Lesson = Lesson {
    number: 8,
    slug: "login-guard",
    title: "The login guard",
    nav: &[
        ("/", "Home"),
        ("/protected", "Protected"),
        ("/session", "Session"),
        ("/login", "Log in"),
        ("/logout", "Log out"),
    ],
    templates: shared::templates![
        "index.html",
        "login.html",
        "protected.html",
        "logout.html",
        "session.html"
    ],
    cookies: &[("session", CookieKind::Private)],
};

/// The most session JSON we agree to keep. Encrypted and encoded, 2048 bytes become a cookie of
/// about 2.8 KB; much more and browsers silently drop the cookie, and over 4064 bytes
/// actix-session fails the request with a 500. We refuse with a clear page instead.
const MAX_SESSION_JSON: usize = 2048;

/// Where a login lands when `next` is missing or not a local path (the tutorial's
/// `redirect(url_for('protected'))`).
const DEFAULT_PAGE: &str = "/protected";

// ANCHOR: main
/// Flask: `app = Flask(__name__)` ... `app.run(port=8008)`.
#[actix_web::main]
async fn main() -> std::io::Result<()> {
    // HOST and PORT (and from lesson 03 on SECRET_KEY), checked; the templates, loaded.
    let site = shared::start(&LESSON);
    let address = site.address();
    // Flask: `login_manager = LoginManager()`. One manager for the whole server, made here
    // like `site`; `web::Data` is an `Arc`, so each worker's clone is the same manager.
    let manager = web::Data::new(login_manager());
    // One app per worker thread: the closure runs once for each. What it captures (`site`,
    // `manager`) is made once, here, and each worker gets a clone.
    HttpServer::new(move || app(site.clone(), manager.clone())).bind(address)?.run().await
}
// ANCHOR_END: main

// ANCHOR: app
/// The app: its routes, and the middleware around them. `main` serves it; the tests build the
/// same one. (The return type says "an `App` actix-web can serve"; only its shape matters.)
fn app(
    site: Site,
    manager: web::Data<LoginManager<Users>>,
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
        // Flask: `login_manager.init_app(app)`. `current_user` and `login_required` find it here.
        .app_data(manager)
        // Flask: `@app.route("/")`, `@app.route("/login", methods=["GET", "POST"])`, ...
        .route("/", web::get().to(index))
        .route("/login", web::get().to(login_form))
        .route("/login", web::post().to(login))
        // `@login_required` on one route.
        .service(
            web::resource("/protected")
                .wrap(from_fn(login::login_required::<Users>))
                .route(web::get().to(protected)),
        )
        .route("/logout", web::get().to(logout_page))
        .route("/logout", web::post().to(logout))
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

// ANCHOR: loader
/// This app's side of Flask-Login: how to find a user by id (`@login_manager.user_loader`)...
struct Users;

impl UserLoader for Users {
    type User = &'static users::User;

    fn load_user(&self, id: &str) -> Option<Self::User> {
        users::find(id)
    }
}

/// ...and what a user's id is (`UserMixin.get_id`): here, as in the tutorial, the username.
impl UserMixin for &'static users::User {
    fn get_id(&self) -> String {
        self.name.to_string()
    }
}

/// `current_user` for this app's users.
type CurrentUser = login::CurrentUser<Users>;

/// Flask: `login_manager = LoginManager()`, `login_manager.login_view = "login"`, ...
fn login_manager() -> LoginManager<Users> {
    LoginManager {
        loader: Users,
        login_view: "/login",
        login_message: "Please log in to access this page.",
    }
}
// ANCHOR_END: loader

// ANCHOR: pages
/// Every page's context: `current_user` and the flashed messages, as Flask's context
/// processors put them in every template.
fn page_context(session: &Session, user: &CurrentUser) -> Context {
    let mut context = Context::new();
    context.insert("current_user", &user.view());
    context.insert("flashes", &flash::take(session));
    context
}

/// Flask: `if current_user.is_authenticated: ... else: "You are not logged in!"`.
async fn index(req: HttpRequest, session: Session, user: CurrentUser) -> HttpResponse {
    render(&req, "index.html", page_context(&session, &user))
}

/// Flask: `@login_required def protected(): return f"Logged in as {current_user.id}"`. The
/// middleware has already sent anonymous visitors away; `user` is signed in here.
async fn protected(req: HttpRequest, session: Session, user: CurrentUser) -> HttpResponse {
    render(&req, "protected.html", page_context(&session, &user))
}
// ANCHOR_END: pages

// ANCHOR: login
/// The form's fields. `Option`: a missing field is a message for the user, not a failed request.
#[derive(Deserialize)]
struct LoginForm {
    username: Option<String>,
    password: Option<String>,
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
    // Signed in already: nothing to do here.
    if user.is_authenticated() {
        return redirect(next.as_deref().and_then(login::safe_next).unwrap_or(DEFAULT_PAGE));
    }
    let mut context = page_context(&session, &user);
    context.insert("next", &next);
    render(&req, "login.html", context)
}

/// Flask: `if user_id in users and <password matches>: login_user(user)`, then
/// `redirect(next or url_for("protected"))`, where `next` must be a local path.
async fn login(
    req: HttpRequest,
    site: web::Data<Site>,
    session: Session,
    form: web::Form<LoginForm>,
) -> HttpResponse {
    let LoginForm { username, password, next } = form.into_inner();
    let (username, password) = (username.unwrap_or_default(), password.unwrap_or_default());
    if username.trim().is_empty() || password.is_empty() {
        return back_to_login(&req, &session, next, "Please enter a username and a password.");
    }
    // Argon2 is slow on purpose: tens of milliseconds of CPU and 19 MiB of memory. On an async
    // worker that would stall every other request the worker serves; `site.hash` runs it with
    // `web::block` on a thread pool meant for blocking work, one per core at a time (shared's
    // `hashing`: hundreds at once would take gigabytes), and the worker goes on serving.
    let checked = site.hash(move || users::check_password(username.trim(), &password)).await;
    let user = match checked {
        Ok(Some(user)) => user,
        Ok(None) => return back_to_login(&req, &session, next, FAILED),
        Err(busy) => return busy.page(&req),
    };
    let stored = login::login_user(&session, &user)
        .and_then(|()| flash(&session, Category::Success, format!("Logged in as {}.", user.name)));
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

// ANCHOR: logout
/// `GET /logout` changes nothing: it shows the button. A link, an image or a prefetch on any
/// site can make a browser GET a page; logging out is a change, so it takes a POST.
async fn logout_page(req: HttpRequest, session: Session, user: CurrentUser) -> HttpResponse {
    render(&req, "logout.html", page_context(&session, &user))
}

/// Flask: `logout_user()`, then `redirect(url_for("login"))`. The session cookie is removed.
async fn logout(session: Session) -> HttpResponse {
    login::logout_user(&session);
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

#[cfg(test)]
mod tests;
