//! Exercise 02: remember the name in the login form. The reference solution: `just solution 02`
//! shows how it differs from your src/exercise.rs.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::StatusCode;
use actix_web::http::header::{HeaderValue, SET_COOKIE};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use shared::{Context, redirect, render, render_status};

use crate::MAX_NAME;

/// The cookie that keeps the name across logouts, to fill in the form next time.
pub const REMEMBERED: &str = "remembered_name";

/// The form's fields. `Option`: a missing field is a message for the user, not a failed request.
#[derive(Deserialize)]
pub struct LoginForm {
    username: Option<String>,
    /// `Some("on")` when the box is ticked. An unticked box is not sent at all, hence `Option`.
    remember: Option<String>,
}

/// GET /login. Flask: `if "username" in ...: return redirect(url_for("index"))`, else the form.
pub async fn login_form(req: HttpRequest) -> HttpResponse {
    if req.cookie("username").is_some() {
        return redirect("/");
    }
    let mut context = Context::new();
    if let Some(name) = remembered_name(&req) {
        // Only the form is filled in: the name is a suggestion, not a login.
        context.insert("username", &name);
        context.insert("remember", &true);
    }
    render(&req, "login.html", context)
}

/// POST /login. Flask: `username = request.form["username"]`, keep it,
/// `redirect(url_for("index"))`.
pub async fn login(req: HttpRequest, form: web::Form<LoginForm>) -> HttpResponse {
    let LoginForm { username, remember } = form.into_inner();
    let remember = remember.is_some();
    let name = username.unwrap_or_default();
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME {
        let mut context = Context::new();
        context.insert("error", &format!("Please enter a name of 1 to {MAX_NAME} characters."));
        context.insert("username", name);
        context.insert("remember", &remember);
        return render_status(&req, StatusCode::BAD_REQUEST, "login.html", context);
    }
    let cookie = Cookie::build("username", name.to_string())
        .path("/")
        // Not readable from JavaScript, and not sent along with other sites' form posts.
        .http_only(true)
        .same_site(SameSite::Lax)
        .finish();
    let mut res = redirect("/");
    // `encoded()` percent-encodes spaces, `;` and non-ASCII, which a cookie value cannot hold.
    // `req.cookie()` decodes them again.
    if let Ok(value) = HeaderValue::from_str(&cookie.encoded().to_string()) {
        res.headers_mut().append(SET_COOKIE, value);
    }
    let remembered = if remember { remember_cookie(name) } else { forget_cookie() };
    // One response, two `Set-Cookie` headers: `append`, never `insert`, which would replace
    // the first.
    if let Ok(value) = HeaderValue::from_str(&remembered.encoded().to_string()) {
        res.headers_mut().append(SET_COOKIE, value);
    }
    res
}

/// The cookie that remembers `name` for the next login: `remembered_name`, a plain cookie like
/// `username` (whole site, HttpOnly, SameSite=Lax). Logout removes `username` and leaves this one.
pub fn remember_cookie(name: &str) -> Cookie<'static> {
    Cookie::build(REMEMBERED, name.to_string())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .finish()
}

/// The cookie that makes the browser forget `remembered_name` (see `logout` in main.rs).
pub fn forget_cookie() -> Cookie<'static> {
    // Same name and path as the cookie it removes, or the browser keeps the original.
    let mut cookie = Cookie::build(REMEMBERED, "").path("/").finish();
    cookie.make_removal();
    cookie
}

/// The remembered name: the `remembered_name` cookie's value, or `None` when there is none or
/// it is empty.
pub fn remembered_name(req: &HttpRequest) -> Option<String> {
    // `req.cookie` percent-decodes, so "Jürgen" comes back as it was typed.
    let cookie = req.cookie(REMEMBERED)?;
    Some(cookie.value().to_string()).filter(|name| !name.is_empty())
}
