//! Step 16: JWT. Run with: just run 16  (or cargo run -p lesson-16-jwt)
//!
//! New here: a second kind of bearer token beside lesson 15's API tokens, a short-lived *JWT*
//! from `POST /api/token` (`src/jwt.rs`): HS256, signed with a key derived from `SECRET_KEY`,
//! checked by its signature and its `exp` alone, with nothing stored and nothing looked up.
//! The cost: nothing on the server can take one back before it expires, not a logout and not
//! the revocation of every API token; hence 15 minutes. The same request loader reads both
//! kinds, so `current_user` is the same whichever carried the user.
//!
//! Try (the demo user is user1 / mypassword):
//! `curl -s -d username=user1 -d password=mypassword http://127.0.0.1:8016/api/token`, then
//! `curl -s -H "Authorization: Bearer <access_token>" http://127.0.0.1:8016/api/me`; change one
//! character of the token and try again: 401.

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

mod api;
mod auth;
mod csrf;
mod db;
mod errors;
mod flash;
mod jwt;
mod lifetime;
mod login;
mod remember;
mod sessions;
mod store;
mod timeline;
mod token_pages;
mod tokens;
mod users;
mod woofs;

pub static LESSON: Lesson = Lesson {
    number: 16,
    slug: "jwt",
    title: "JWT",
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
/// longer limits it (lesson 09: about 2.8 KB of cookie); the limit stays as a sane bound.
const MAX_SESSION_JSON: usize = 2048;

// ANCHOR: main
/// Flask: `app = Flask(__name__)` ... `app.run(port=8016)`.
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
    // The session store too: the session list asks it (`store: web::Data<Store>`).
    let store = web::Data::new(store);
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
    store: web::Data<Store>,
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
        // The store: `/sessions` asks it whether it is SQLite (a clone: the session middleware
        // below needs it too).
        .app_data(store.clone())
        // ANCHOR: api_routes
        // The JSON API. `/api/token` is open (it is where credentials are traded); the rest
        // is behind `login_required`, whose unauthorized handler answers 401 JSON here. (The
        // CSRF check, around the whole site, lets a call with a good token pass.)
        .route("/api/token", web::post().to(api::issue_jwt))
        .service(
            web::scope("/api")
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
                .route("", web::get().to(token_pages::list_tokens))
                .route("", web::post().to(token_pages::create_token))
                .route("/{id}/revoke", web::post().to(token_pages::revoke_token)),
        )
        // ANCHOR_END: api_routes
        // Flask: `@app.route("/")`, `@app.route("/login", methods=["GET", "POST"])`, ...
        // The views of Flask's `blog.py` (here: the woofs) are in `src/timeline.rs`, those of
        // `auth.py` (register, login, logout) in `src/auth.rs`.
        .route("/", web::get().to(timeline::index))
        .route("/dogs/{username}", web::get().to(timeline::dog_page))
        .service(
            web::scope("/woofs")
                .wrap(from_fn(login::login_required::<Users>))
                .route("", web::post().to(timeline::post_woof))
                .route("/{id}/delete", web::post().to(timeline::delete_woof)),
        )
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
        // Where you are signed in, and "log out everywhere else" (src/sessions.rs).
        .service(
            web::scope("/sessions")
                .wrap(from_fn(login::login_required::<Users>))
                .route("", web::get().to(sessions::list_sessions))
                .route("/end-others", web::post().to(sessions::end_other_sessions)),
        )
        // Middleware: the last `wrap` is the outermost, the first to see a request.
        // Flask-WTF's `CSRFProtect`: innermost, so every POST is checked before its handler
        // runs, against the token in the session that the session middleware loaded
        // (src/csrf.rs).
        .wrap(from_fn(csrf::protect))
        // A signed-in session's row records its browser, for `/sessions`: inside the session
        // middleware, so it sees the session that middleware loaded (src/store.rs).
        .wrap(from_fn(store::track))
        // The session's end, checked and moved: inside the session middleware, so it sees the
        // session that middleware loaded (src/lifetime.rs).
        .wrap(from_fn(lifetime::enforce))
        // Flask's `session`: loaded from the store before a handler runs, written back after it.
        .wrap(session_middleware(&site, Store::clone(&store)))
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

    /// `@login_manager.request_loader`: the API token or JWT in `Authorization: Bearer`.
    async fn load_user_from_request(
        &self,
        req: &HttpRequest,
    ) -> Result<Option<Self::User>, actix_web::Error> {
        api::load_user_from_request(&self.db, req).await
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
        unauthorized_handler: api::unauthorized,
    }
}
// ANCHOR_END: loader

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
