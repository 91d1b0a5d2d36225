//! Step 03: signed cookies. Run with: just run 03  (or cargo run -p lesson-03-signed-cookies)
//!
//! New here: the `user` cookie carries a signature (an HMAC made with `SECRET_KEY`) in front of
//! the name. The server checks it on every request; a changed cookie is treated as no cookie.
//!
//! Try: log in at http://127.0.0.1:8003/login, then change the name inside the `user` cookie in
//! your browser's developer tools and reload `/user`: you are sent to the login page, and the
//! cookie inspector says the signature failed. The name is still readable in the cookie, though.

use actix_web::cookie::{Cookie, CookieJar, Key, SameSite};
use actix_web::http::StatusCode;
use actix_web::http::header::{HeaderValue, SET_COOKIE};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use shared::{Context, CookieKind, Lesson, Site, redirect, render, render_status};

pub static LESSON: Lesson = Lesson {
    number: 3,
    slug: "signed-cookies",
    title: "Signed cookies",
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
    if signed_user(&req, site.key()).is_some() {
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

// ANCHOR: user
/// Flask: `if "user" in ...: return f"<h1>{user}</h1>"` (here escaped), else back to the form.
async fn user(req: HttpRequest, site: Site) -> HttpResponse {
    let Some(user) = signed_user(&req, site.key()) else {
        return redirect("/login");
    };
    let mut context = Context::new();
    // Only a value this server signed gets here: a forged or changed cookie never does.
    context.insert("user", &user);
    render(&req, "user.html", context)
}
// ANCHOR_END: user

// ANCHOR: signing
/// Signs `cookie` with the key: its value becomes `<signature><value>`. The value stays readable
/// by anyone; what the signature adds is that a change to it is detected.
fn sign(cookie: Cookie<'static>, key: &Key) -> Cookie<'static> {
    let name = cookie.name().to_string();
    let mut jar = CookieJar::new();
    jar.signed_mut(key).add(cookie);
    jar.get(&name).cloned().expect("the jar holds the cookie it was just given")
}

/// The name in the `user` cookie if its signature is good, `None` if there is no cookie or it was
/// changed or signed with another key: such a cookie counts as no cookie.
fn signed_user(req: &HttpRequest, key: &Key) -> Option<String> {
    let mut jar = CookieJar::new();
    jar.add_original(req.cookie("user")?);
    jar.signed(key).get("user").map(|cookie| cookie.value().to_string())
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

fn main() -> std::io::Result<()> {
    shared::run(&LESSON)
}

#[cfg(test)]
mod tests;
