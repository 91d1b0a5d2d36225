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

use actix_web::cookie::Cookie;
use actix_web::http::header::{HeaderValue, SET_COOKIE};
use actix_web::{HttpRequest, HttpResponse, web};
use shared::{Context, CookieKind, Lesson, Site, redirect, render};

use exercise::{login, login_form};

pub static LESSON: Lesson = Lesson {
    number: 2,
    slug: "login-form",
    title: "A login form · exercise: remember my name",
    nav: &[("/", "Home"), ("/login", "Log in"), ("/user", "User page"), ("/logout", "Log out")],
    templates: shared::templates!["index.html", "login.html", "user.html"],
    cookies: &[("user", CookieKind::Plain), (exercise::REMEMBERED, CookieKind::Plain)],
    app,
};

/// Longer names would make a cookie that browsers silently refuse to store (about 4 KB).
const MAX_NAME: usize = 64;

// ANCHOR: routes
fn app(cfg: &mut web::ServiceConfig, _site: &Site) {
    cfg.route("/", web::get().to(index))
        .route("/login", web::get().to(login_form))
        .route("/login", web::post().to(login))
        .route("/user", web::get().to(user))
        .route("/logout", web::get().to(logout));
}
// ANCHOR_END: routes

async fn index(req: HttpRequest) -> HttpResponse {
    render(&req, "index.html", Context::new())
}

// The login form and its handler are in src/exercise.rs: they are what the exercise changes.

// ANCHOR: user
/// Flask: `if "user" in ...: return f"<h1>{user}</h1>"` (here escaped), else back to the form.
async fn user(req: HttpRequest) -> HttpResponse {
    let Some(cookie) = req.cookie("user") else {
        return redirect("/login");
    };
    let mut context = Context::new();
    // Whatever the browser sent: this server has no way to tell a real login from a forged one.
    context.insert("user", cookie.value());
    render(&req, "user.html", context)
}
// ANCHOR_END: user

// ANCHOR: logout
/// Flask: `pop("user", None)` and back to the form. Here: a removal cookie.
async fn logout() -> HttpResponse {
    let mut cookie = Cookie::build("user", "").path("/").finish();
    cookie.make_removal();
    let mut res = redirect("/login");
    if let Ok(value) = HeaderValue::from_str(&cookie.to_string()) {
        res.headers_mut().append(SET_COOKIE, value);
    }
    res
}
// ANCHOR_END: logout

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
