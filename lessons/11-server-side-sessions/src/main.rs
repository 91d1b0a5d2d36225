//! Step 11: sessions on the server. Run with: just run 11  (or cargo run -p lesson-11-server-side-sessions)
//!
//! New here: a session store for actix-session on the lesson's SQLite database (`src/store.rs`):
//! the cookie carries only a random session id, and the session (its state, its end) is a row
//! of the `sessions` table. Logout deletes the row, so a copy of the cookie is worth nothing
//! after it; expired rows are refused and swept. With `REDIS_URL` set, actix-session's Redis
//! store keeps them instead. The next lesson lists your sessions and ends the others.
//!
//! Try: log in as `user1` / `mypassword` at http://127.0.0.1:8011/login: the cookie inspector
//! on the home page shows the cookie holds only an id, `/session` what the row holds. Copy the
//! `session` cookie, log out, put the copy back: still logged out.

use std::collections::HashMap;

use actix_session::config::BrowserSession;
use actix_session::{Session, SessionMiddleware};
use actix_web::body::MessageBody;
use actix_web::cookie::SameSite;
use actix_web::cookie::time::Duration;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::{Logger, from_fn};
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use serde::Serialize;
use shared::{Context, CookieKind, Lesson, Site, render};

use crate::db::Db;
use crate::errors::Error;
use crate::login::{LoginManager, SessionProtection, UserLoader, UserMixin};
use crate::store::Store;

mod auth;
mod db;
mod errors;
mod flash;
mod lifetime;
mod login;
mod remember;
mod store;
mod users;

pub static LESSON: Lesson = Lesson {
    number: 11,
    slug: "server-side-sessions",
    title: "Sessions on the server",
    nav: &[
        ("/", "Home"),
        ("/register", "Register"),
        ("/protected", "Protected"),
        ("/settings", "Settings"),
        ("/session", "Session"),
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
        "session.html"
    ],
    cookies: &[("session", CookieKind::Private), (login::REMEMBER_COOKIE, CookieKind::Signed)],
};

/// The most session JSON we agree to keep. The state is on the server now, so the cookie no
/// longer limits it (lesson 09: about 2.8 KB of cookie); the limit stays as a sane bound.
const MAX_SESSION_JSON: usize = 2048;

// ANCHOR: main
/// Flask: `app = Flask(__name__)` ... `app.run(port=8011)`.
#[actix_web::main]
async fn main() -> std::io::Result<()> {
    // HOST and PORT (and from lesson 03 on SECRET_KEY), checked; the templates, loaded.
    let site = shared::start(&LESSON);
    let address = site.address();
    // Opened before the server listens (Flask-SQLAlchemy does it on the first request), so a
    // bad `DATABASE_URL` stops the server at once, with a message that names it.
    let db = db::open(site.config(), LESSON.number).await.unwrap_or_else(shared::exit_with);
    // Then the session store (Redis when `REDIS_URL` is set), and the sweeper: every minute,
    // the expired rows are deleted.
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
    // Flask: `login_manager = LoginManager()`. One manager for the whole server, made here
    // like `site`; `web::Data` is an `Arc`, so each worker's clone is the same manager.
    let manager = web::Data::new(login_manager(&site, db.clone()));
    // Flask-SQLAlchemy's `db`: one pool of connections for the whole server, shared the same way.
    let db = web::Data::new(db);
    // One app per worker thread: the closure runs once for each. What it captures (`site`,
    // `db`, `store`, `manager`) is made once, here, and each worker gets a clone.
    HttpServer::new(move || app(site.clone(), db.clone(), store.clone(), manager.clone()))
        .bind(address)?
        .run()
        .await
}
// ANCHOR_END: main

// ANCHOR: app
/// The app: its routes, and the middleware around them. `main` serves it; the tests build the
/// same one. (The return type says "an `App` actix-web can serve"; only its shape matters.)
fn app(
    site: Site,
    db: web::Data<Db>,
    store: Store,
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
        // The pool: a handler that needs the database asks for `db: web::Data<Db>`.
        .app_data(db)
        // Flask: `@app.route("/")`, `@app.route("/login", methods=["GET", "POST"])`, ...
        // The views of Flask's `auth.py` (register, login, logout) are in `src/auth.rs`.
        .route("/", web::get().to(index))
        .route("/register", web::get().to(auth::register_form))
        .route("/register", web::post().to(auth::register))
        .route("/login", web::get().to(auth::login_form))
        .route("/login", web::post().to(auth::login))
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
        .route("/logout", web::get().to(auth::logout_page))
        .route("/logout", web::post().to(auth::logout))
        // Read-only now: a session that says who you are must not be writable by you.
        .route("/session", web::get().to(show_session))
        // Middleware: the last `wrap` is the outermost, the first to see a request.
        // The session's end, checked and moved: inside the session middleware, so it sees the
        // session that middleware loaded (src/lifetime.rs).
        .wrap(from_fn(lifetime::enforce))
        // Flask's `session`: loaded from the store before a handler runs, written back after it.
        .wrap(session_middleware(&site, store))
        // A permanent session's cookie gets `Max-Age`: outside the session middleware, so it
        // sees the cookie that middleware writes.
        .wrap(from_fn(lifetime::cookie_expiry))
        // Flask-Login's remember cookie, set or cleared after `login_user` / `logout_user`:
        // outside the session middleware, around everything that may log in or out.
        .wrap(from_fn(login::remember_cookies::<Users>))
        // A session store that fails (Redis down) gets a 503 page that says so, not an empty
        // 500 (src/store.rs).
        .wrap(from_fn(store::outage))
        // Bad input (a huge cookie, a body that is not a form) gets a clear 4xx page.
        .wrap(from_fn(shared::guard::check))
        .wrap(shared::protective_headers())
        // One line per request on the terminal: `GET / HTTP/1.1 -> 200 (0.4 ms)`.
        .wrap(Logger::new("%r -> %s (%D ms)"))
        .default_service(web::to(shared::not_found))
}
// ANCHOR_END: app

// ANCHOR: middleware
/// The same middleware as lessons 04 to 10, with another store: the cookie now carries a random
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
        // A database error becomes this app's `Error` (a 503 page), which `?` makes the
        // actix-web error the trait asks for.
        Ok(users::find(&self.db, id).await.map_err(Error::from)?)
    }

    /// Remember-me tokens are rows of `remember_tokens` (`src/remember.rs`).
    async fn remember(&self, id: &str, now: i64, expires: i64) -> Result<String, actix_web::Error> {
        let Ok(id) = id.parse::<i64>() else {
            return Err(actix_web::error::ErrorInternalServerError(format!("not a user id: {id}")));
        };
        Ok(remember::create(&self.db, id, now, expires).await.map_err(Error::from)?)
    }

    async fn load_remembered(
        &self,
        token: &str,
        now: i64,
    ) -> Result<Option<Self::User>, actix_web::Error> {
        match remember::user_of(&self.db, token, now).await.map_err(Error::from)? {
            Some(id) => Ok(users::find(&self.db, id).await.map_err(Error::from)?),
            None => Ok(None),
        }
    }

    async fn forget(&self, token: &str) -> Result<(), actix_web::Error> {
        Ok(remember::delete(&self.db, token).await.map_err(Error::from)?)
    }
}

/// ...and what a user's id is (`UserMixin.get_id`): here the row's id, a number.
impl UserMixin for users::User {
    fn get_id(&self) -> String {
        self.id.to_string()
    }
}

/// `current_user` for this app's users.
type CurrentUser = login::CurrentUser<Users>;

/// Flask: `login_manager = LoginManager()`, `login_manager.login_view = "login"`, ...
fn login_manager(site: &Site, db: Db) -> LoginManager<Users> {
    LoginManager {
        loader: Users { db },
        login_view: "/login",
        login_message: "Please log in to access this page.",
        needs_refresh_message: "Please give your password again to access this page.",
        remember_duration: Duration::days(14),
        secure: site.config().flag("SESSION_COOKIE_SECURE"),
        session_protection: SessionProtection::Basic,
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

/// Flask: `users = User.query.all()`, `render_template("index.html", users=users)`; the page
/// still says whether you are logged in.
async fn index(
    req: HttpRequest,
    session: Session,
    user: CurrentUser,
    db: web::Data<Db>,
) -> Result<HttpResponse, Error> {
    let all = users::all(&db).await?;
    let mut context = page_context(&session, &user);
    context.insert("users", &all);
    Ok(render(&req, "index.html", context))
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

// ANCHOR: dictionary
/// One entry as the page shows it: the key, and the value as the JSON actix-session stores.
#[derive(Serialize)]
struct Entry {
    key: String,
    json: String,
}

/// The size of the JSON the session store keeps (in its row, or in Redis).
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
