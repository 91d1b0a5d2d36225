//! Exercise 03: rotating the secret key. Run with: cargo run -p exercise-03-signed-cookies
//!
//! This crate is lesson 03 plus key rotation, Flask's SECRET_KEY_FALLBACKS: after a new
//! SECRET_KEY, cookies signed with an older key listed in SECRET_KEY_FALLBACKS still log you in,
//! and are signed again with the new key. Your part is `src/exercise.rs`; the task is in
//! `TASK.md`, the tests in `src/tests/task.rs`. Run them with `just exercise 03`.
//!
//! Try it: see TASK.md (it listens on lesson 03's port: stop the lesson first, or set PORT).
//! `--features solution` runs the reference solution instead of yours.

use actix_web::cookie::{Cookie, CookieJar, Key, SameSite};
use actix_web::http::StatusCode;
use actix_web::http::header::{HeaderValue, SET_COOKIE};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use shared::{Context, CookieKind, Lesson, Site, redirect, render, render_status};

use exercise::{Verified, user};

pub static LESSON: Lesson = Lesson {
    number: 3,
    slug: "signed-cookies",
    title: "Signed cookies · exercise: rotating the key",
    nav: &[("/", "Home"), ("/login", "Log in"), ("/user", "User page"), ("/logout", "Log out")],
    templates: shared::templates!["index.html", "login.html", "user.html"],
    cookies: &[("user", CookieKind::Signed)],
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

// ANCHOR: login
/// The form's fields. `Option`: a missing field is a message for the user, not a failed request.
#[derive(Deserialize)]
struct LoginForm {
    nm: Option<String>,
}

/// Flask: `if "user" in ...: return redirect(url_for("user"))`, else the form.
async fn login_form(req: HttpRequest, site: Site) -> HttpResponse {
    if signed_user(&req, &site).is_some() {
        return redirect("/user");
    }
    render(&req, "login.html", Context::new())
}

/// Flask: `user = request.form["nm"]`, keep it, `redirect(url_for("user"))`.
async fn login(req: HttpRequest, site: Site, form: web::Form<LoginForm>) -> HttpResponse {
    let name = form.into_inner().nm.unwrap_or_default();
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME {
        let mut context = Context::new();
        context.insert("error", &format!("Please enter a name of 1 to {MAX_NAME} characters."));
        context.insert("nm", name);
        return render_status(&req, StatusCode::BAD_REQUEST, "login.html", context);
    }
    let cookie = Cookie::build("user", name.to_string())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .finish();
    let cookie = sign(cookie, site.key());
    let mut res = redirect("/user");
    // `encoded()` percent-encodes spaces, `;` and non-ASCII, which a cookie value cannot hold.
    if let Ok(value) = HeaderValue::from_str(&cookie.encoded().to_string()) {
        res.headers_mut().append(SET_COOKIE, value);
    }
    res
}
// ANCHOR_END: login

// The user page is in src/exercise.rs: it is what the exercise changes.

// ANCHOR: signing
/// Signs `cookie` with the key: its value becomes `<signature><value>`. The value stays readable
/// by anyone; what the signature adds is that a change to it is detected.
fn sign(cookie: Cookie<'static>, key: &Key) -> Cookie<'static> {
    let name = cookie.name().to_string();
    let mut jar = CookieJar::new();
    jar.signed_mut(key).add(cookie);
    jar.get(&name).cloned().expect("the jar holds the cookie it was just given")
}

/// The name in the `user` cookie if its signature is good, and which key made it (the exercise's
/// `verify`, with SECRET_KEY and then SECRET_KEY_FALLBACKS). `None` if there is no cookie or no
/// key signed it: such a cookie counts as no cookie.
fn signed_user(req: &HttpRequest, site: &Site) -> Option<Verified> {
    exercise::verify(req.cookie("user")?, site.key(), site.config().fallback_keys())
}
// ANCHOR_END: signing

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
