//! Exercise 02: remember the name in the login form. This file is yours: the task is in TASK.md,
//! the tests that check it in src/tests/task.rs. Run them with `just exercise 02`.
//!
//! `login_form` and `login` are lesson 02's, moved here so you can change them.

// The three functions at the bottom are `todo!()` and nothing calls them yet, so the compiler
// would warn about them and their parameters: this line keeps the starter free of warnings. The
// solution does not need it; delete it when you are done.
#![allow(dead_code, unused_variables)]

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
    // TODO: the "Remember my name" box, field `remember`. A browser sends `remember=on` when
    //       it is ticked, and no `remember` at all when it is not.
}

/// GET /login. Flask: `if "username" in ...: return redirect(url_for("index"))`, else the form.
pub async fn login_form(req: HttpRequest) -> HttpResponse {
    if req.cookie("username").is_some() {
        return redirect("/");
    }
    // TODO: when a name is remembered (`remembered_name`), fill in the form: the template
    //       shows `username` in the name field, and ticks the box when `remember` is `true`.
    render(&req, "login.html", Context::new())
}

/// POST /login. Flask: `username = request.form["username"]`, keep it,
/// `redirect(url_for("index"))`.
pub async fn login(req: HttpRequest, form: web::Form<LoginForm>) -> HttpResponse {
    let name = form.into_inner().username.unwrap_or_default();
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME {
        let mut context = Context::new();
        context.insert("error", &format!("Please enter a name of 1 to {MAX_NAME} characters."));
        context.insert("username", name);
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
    // TODO: box ticked: add the `remember_cookie` for this name to the response as well. Box
    //       not ticked: add the `forget_cookie`, so a name remembered earlier is forgotten.
    res
}

/// The cookie that remembers `name` for the next login: `remembered_name`, a plain cookie like
/// `username` (whole site, HttpOnly, SameSite=Lax). Logout removes `username` and leaves this one.
pub fn remember_cookie(name: &str) -> Cookie<'static> {
    // TODO
    todo!()
}

/// The cookie that makes the browser forget `remembered_name` (see `logout` in main.rs).
pub fn forget_cookie() -> Cookie<'static> {
    // TODO
    todo!()
}

/// The remembered name: the `remembered_name` cookie's value, or `None` when there is none or
/// it is empty.
pub fn remembered_name(req: &HttpRequest) -> Option<String> {
    // TODO
    todo!()
}
