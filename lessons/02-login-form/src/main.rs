//! Step 02: a login form. Run with: just run 02  (or cargo run -p lesson-02-login-form)
//!
//! New here: an HTML form posts a name (field `nm`) to `/login`; the server keeps it in a plain
//! cookie `user` and redirects to `/user`, which reads it back. `/logout` removes the cookie.
//!
//! Try: log in at http://127.0.0.1:8002/login, then change the `user` cookie to `admin` in your
//! browser's developer tools and reload `/user`: you are admin now. Step 03 fixes that.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::StatusCode;
use actix_web::http::header::{HeaderValue, SET_COOKIE};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use shared::{Context, CookieKind, Lesson, Site, redirect, render, render_status};

pub static LESSON: Lesson = Lesson {
    number: 2,
    slug: "login-form",
    title: "A login form",
    nav: &[("/", "Home"), ("/login", "Log in"), ("/user", "User page"), ("/logout", "Log out")],
    templates: shared::templates!["index.html", "login.html", "user.html"],
    cookies: &[("user", CookieKind::Plain)],
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
async fn login_form(req: HttpRequest) -> HttpResponse {
    if req.cookie("user").is_some() {
        return redirect("/user");
    }
    render(&req, "login.html", Context::new())
}

/// Flask: `user = request.form["nm"]`, keep it, `redirect(url_for("user"))`.
async fn login(req: HttpRequest, form: web::Form<LoginForm>) -> HttpResponse {
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
    let mut res = redirect("/user");
    // `encoded()` percent-encodes spaces, `;` and non-ASCII, which a cookie value cannot hold.
    if let Ok(value) = HeaderValue::from_str(&cookie.encoded().to_string()) {
        res.headers_mut().append(SET_COOKIE, value);
    }
    res
}
// ANCHOR_END: login

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

fn main() -> std::io::Result<()> {
    shared::run(&LESSON)
}

#[cfg(test)]
mod tests;
