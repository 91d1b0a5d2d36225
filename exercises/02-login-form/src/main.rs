//! Exercise 02: remember the name in the login form. Run with: cargo run -p exercise-02-login-form
//!
//! This crate is lesson 02 plus a "Remember my name" box on the login form: the name stays in a
//! second plain cookie after logout, and fills in the form next time. Your part is
//! `src/exercise.rs` (the login handlers moved there); the task is in `TASK.md`, the tests in
//! `src/tests/task.rs`. Run them with `just exercise 02`; `just hint 02` when you are stuck.
//!
//! Try: log in at http://127.0.0.1:8002/login with the box ticked, log out, and look at the form
//! (it listens on lesson 02's port: stop the lesson first, or set PORT). `--features solution`
//! runs the reference solution instead of yours.

use actix_web::body::MessageBody;
use actix_web::cookie::Cookie;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderValue, SET_COOKIE};
use actix_web::middleware::{Logger, from_fn};
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use shared::{Context, CookieKind, Lesson, Site, redirect, render};

use exercise::{login, login_form};

pub static LESSON: Lesson = Lesson {
    number: 2,
    slug: "login-form",
    title: "A login form · exercise: remember my name",
    nav: &[("/", "Home"), ("/login", "Log in"), ("/logout", "Log out")],
    templates: shared::templates!["index.html", "login.html"],
    cookies: &[("username", CookieKind::Plain), (exercise::REMEMBERED, CookieKind::Plain)],
};

/// Longer names would make a cookie that browsers silently refuse to store (about 4 KB).
const MAX_NAME: usize = 64;

// ANCHOR: main
/// Flask: `app = Flask(__name__)` ... `app.run(port=8002)`.
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
        .app_data(web::Data::new(site))
        // Flask: `@app.route("/")`, `@app.route("/login", methods=["GET", "POST"])`, ...
        .route("/", web::get().to(index))
        // One address, two methods: GET shows the form, POST handles it.
        .route("/login", web::get().to(login_form))
        .route("/login", web::post().to(login))
        .route("/logout", web::get().to(logout))
        // Middleware: the last `wrap` is the outermost, the first to see a request.
        // Bad input (a huge cookie, a body that is not a form) gets a clear 4xx page.
        .wrap(from_fn(shared::guard::check))
        .wrap(shared::protective_headers())
        // One line per request on the terminal: `GET / HTTP/1.1 -> 200 (0.4 ms)`.
        .wrap(Logger::new("%r -> %s (%D ms)"))
        .default_service(web::to(shared::not_found))
}
// ANCHOR_END: app

// ANCHOR: index
/// Flask: `request.cookies.get("username")`. actix-web parses the `Cookie` header for us.
async fn index(req: HttpRequest) -> HttpResponse {
    // Whatever the browser sent: this server has no way to tell a real login from a forged one.
    let username = req.cookie("username").map(|cookie| cookie.value().to_string());
    let mut context = Context::new();
    // The template prints it with `{{ username }}`: autoescaped, so `<script>` stays text.
    context.insert("username", &username);
    render(&req, "index.html", context)
}
// ANCHOR_END: index

// The login form and its handler are in src/exercise.rs: they are what the exercise changes.

// ANCHOR: logout
/// Flask: `resp.delete_cookie("username")` and back to the form: lesson 01's removal cookie.
async fn logout() -> HttpResponse {
    let mut cookie = Cookie::build("username", "").path("/").finish();
    cookie.make_removal();
    let mut res = redirect("/login");
    if let Ok(value) = HeaderValue::from_str(&cookie.to_string()) {
        res.headers_mut().append(SET_COOKIE, value);
    }
    res
}
// ANCHOR_END: logout

#[cfg(test)]
mod tests;

// Your part of the exercise. With `--features solution`, the reference solution instead: the
// tests are the same for both.
#[cfg(not(feature = "solution"))]
mod exercise;
#[cfg(feature = "solution")]
#[path = "../solution/exercise.rs"]
mod exercise;
