//! Step 03: signed cookies. Run with: just run 03  (or cargo run -p lesson-03-signed-cookies)
//!
//! New here: the `username` cookie carries a signature (an HMAC made with `SECRET_KEY`) in front
//! of the name. The server checks it on every request; a changed cookie is treated as no cookie.
//!
//! Try: log in at http://127.0.0.1:8003/login, then change the name inside the `username` cookie
//! in your browser's developer tools and reload `/`: you are a guest again, and the cookie
//! inspector says the signature failed. The name is still readable in the cookie, though.

use actix_web::body::MessageBody;
use actix_web::cookie::{Cookie, CookieJar, Key, SameSite};
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{HeaderValue, SET_COOKIE};
use actix_web::middleware::{Logger, from_fn};
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use serde::Deserialize;
use shared::{Context, CookieKind, Lesson, Site, redirect, render, render_status};

pub static LESSON: Lesson = Lesson {
    number: 3,
    slug: "signed-cookies",
    title: "Signed cookies",
    nav: &[("/", "Home"), ("/login", "Log in"), ("/logout", "Log out")],
    templates: shared::templates!["index.html", "login.html"],
    cookies: &[("username", CookieKind::Signed)],
};

/// Longer names would make a cookie that browsers silently refuse to store (about 4 KB).
const MAX_NAME: usize = 64;

// ANCHOR: main
/// Flask: `app = Flask(__name__)` ... `app.run(port=8003)`.
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
/// Flask: `request.cookies.get("username")`, and its signature checked.
async fn index(req: HttpRequest, site: web::Data<Site>) -> HttpResponse {
    // Only a value this server signed gets here: a forged or changed cookie never does.
    let username = signed_user(&req, site.key());
    let mut context = Context::new();
    // The template prints it with `{{ username }}`: autoescaped, so `<script>` stays text.
    context.insert("username", &username);
    render(&req, "index.html", context)
}
// ANCHOR_END: index

// ANCHOR: login
/// The form's fields. `Option`: a missing field is a message for the user, not a failed request.
#[derive(Deserialize)]
struct LoginForm {
    username: Option<String>,
}

/// Flask: `if "username" in ...: return redirect(url_for("index"))`, else the form.
async fn login_form(req: HttpRequest, site: web::Data<Site>) -> HttpResponse {
    if signed_user(&req, site.key()).is_some() {
        return redirect("/");
    }
    render(&req, "login.html", Context::new())
}

/// Flask: `username = request.form["username"]`, keep it, `redirect(url_for("index"))`.
async fn login(
    req: HttpRequest,
    site: web::Data<Site>,
    form: web::Form<LoginForm>,
) -> HttpResponse {
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
    let cookie = sign(cookie, site.key());
    let mut res = redirect("/");
    // `encoded()` percent-encodes spaces, `;` and non-ASCII, which a cookie value cannot hold.
    // `req.cookie()` decodes them again.
    if let Ok(value) = HeaderValue::from_str(&cookie.encoded().to_string()) {
        res.headers_mut().append(SET_COOKIE, value);
    }
    res
}
// ANCHOR_END: login

// ANCHOR: signing
/// Signs `cookie` with the key: its value becomes `<signature><value>`. The value stays readable
/// by anyone; what the signature adds is that a change to it is detected.
fn sign(cookie: Cookie<'static>, key: &Key) -> Cookie<'static> {
    let name = cookie.name().to_string();
    let mut jar = CookieJar::new();
    jar.signed_mut(key).add(cookie);
    jar.get(&name).cloned().expect("the jar holds the cookie it was just given")
}

/// The name in the `username` cookie if its signature is good, `None` if there is no cookie or
/// it was changed or signed with another key: such a cookie counts as no cookie.
fn signed_user(req: &HttpRequest, key: &Key) -> Option<String> {
    let mut jar = CookieJar::new();
    jar.add_original(req.cookie("username")?);
    jar.signed(key).get("username").map(|cookie| cookie.value().to_string())
}
// ANCHOR_END: signing

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
