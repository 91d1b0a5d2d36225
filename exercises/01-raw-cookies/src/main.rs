//! Exercise 01: a visit counter. Run with: cargo run -p exercise-01-raw-cookies
//!
//! This crate is lesson 01 plus a page, `/visits`, that counts your visits in a plain cookie.
//! Your part is `src/exercise.rs`; the task is in `TASK.md`, the tests that check it in
//! `src/tests/task.rs`. Run them with `just exercise 01`; `just hint 01` when you are stuck.
//!
//! Try: open http://127.0.0.1:8001/visits and reload it (it listens on lesson 01's port: stop the
//! lesson first, or set PORT). `cargo run -p exercise-01-raw-cookies --features solution` runs
//! the reference solution instead of yours.

use actix_web::body::MessageBody;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{HeaderValue, SET_COOKIE};
use actix_web::middleware::{Logger, from_fn};
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use shared::{Context, CookieKind, Lesson, Site, error_page, render};

pub static LESSON: Lesson = Lesson {
    number: 1,
    slug: "raw-cookies",
    title: "Raw cookies · exercise: a visit counter",
    nav: &[
        ("/", "Home"),
        ("/set_cookie/alice", "Set cookie: alice"),
        ("/delete_cookie", "Delete cookie"),
        ("/visits", "Visits"),
    ],
    templates: shared::templates!["index.html", "message.html", "visits.html"],
    cookies: &[("username", CookieKind::Plain), ("visits", CookieKind::Plain)],
};

/// Longer names would make a cookie that browsers silently refuse to store (about 4 KB).
const MAX_USERNAME: usize = 64;

// ANCHOR: main
/// Flask: `app = Flask(__name__)` ... `app.run(port=8001)`.
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
        // Flask: `@app.route("/")`, `@app.route("/set_cookie/<username>")`, ...
        .route("/", web::get().to(index))
        .route("/set_cookie/{username}", web::get().to(set_cookie))
        .route("/delete_cookie", web::get().to(delete_cookie))
        // The exercise: src/exercise.rs.
        .route("/visits", web::get().to(exercise::visits))
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
    let username = req.cookie("username").map(|cookie| cookie.value().to_string());
    let mut context = Context::new();
    // The template prints it with `{{ username }}`: autoescaped, so `<script>` stays text.
    context.insert("username", &username);
    render(&req, "index.html", context)
}
// ANCHOR_END: index

// ANCHOR: set_cookie
/// Flask: `resp.set_cookie("username", username)`.
async fn set_cookie(req: HttpRequest, username: web::Path<String>) -> HttpResponse {
    let username = username.into_inner();
    if username.chars().count() > MAX_USERNAME {
        let message = format!("A username has at most {MAX_USERNAME} characters.");
        return error_page(&req, StatusCode::BAD_REQUEST, &message);
    }
    let cookie = Cookie::build("username", username.clone())
        // The whole site, not only `/set_cookie/...` (the default path is the request's folder).
        .path("/")
        // Not readable from JavaScript, and not sent along with other sites' form posts.
        .http_only(true)
        .same_site(SameSite::Lax)
        .finish();
    let mut context = Context::new();
    context.insert("message", &format!("Cookie set for {username}"));
    let mut res = render(&req, "message.html", context);
    // `encoded()` percent-encodes spaces, `;` and non-ASCII, which a cookie value cannot hold.
    // `req.cookie()` decodes them again.
    if let Ok(value) = HeaderValue::from_str(&cookie.encoded().to_string()) {
        res.headers_mut().append(SET_COOKIE, value);
    }
    res
}
// ANCHOR_END: set_cookie

// ANCHOR: delete_cookie
/// Flask: `resp.delete_cookie("username")`. A server cannot delete a browser's cookie; it sends
/// a "removal" cookie with the same name and path, an empty value and a date in the past.
async fn delete_cookie(req: HttpRequest) -> HttpResponse {
    let mut cookie = Cookie::build("username", "").path("/").finish();
    cookie.make_removal();
    let mut context = Context::new();
    context.insert("message", "Cookie has been deleted");
    let mut res = render(&req, "message.html", context);
    if let Ok(value) = HeaderValue::from_str(&cookie.to_string()) {
        res.headers_mut().append(SET_COOKIE, value);
    }
    res
}
// ANCHOR_END: delete_cookie

// Your part of the exercise. With `--features solution`, the reference solution instead: the
// tests are the same for both.
#[cfg(not(feature = "solution"))]
mod exercise;
#[cfg(feature = "solution")]
#[path = "../solution/exercise.rs"]
mod exercise;

#[cfg(test)]
mod tests;
