//! Step 02: a login form. Run with: just run 02  (or cargo run -p lesson-02-login-form)
//!
//! New here: an HTML form posts a name (field `username`) to `/login`; the server keeps it in a
//! plain cookie `username` and redirects to `/`, which greets you by name. `/logout` removes the
//! cookie.
//!
//! Try: log in at http://127.0.0.1:8002/login, then change the `username` cookie to `admin` in
//! your browser's developer tools and reload `/`: you are admin now. Step 03 fixes that.

use actix_web::body::MessageBody;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{HeaderValue, SET_COOKIE};
use actix_web::middleware::{Logger, from_fn};
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use serde::Deserialize;
use shared::{Context, CookieKind, Lesson, Site, redirect, render, render_status};

pub static LESSON: Lesson = Lesson {
    number: 2,
    slug: "login-form",
    title: "A login form",
    nav: &[("/", "Home"), ("/login", "Log in"), ("/logout", "Log out")],
    templates: shared::templates!["index.html", "login.html"],
    cookies: &[("username", CookieKind::Plain)],
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

// ANCHOR: login
/// The form's fields. `Option`: a missing field is a message for the user, not a failed request.
#[derive(Deserialize)]
struct LoginForm {
    username: Option<String>,
}

/// Flask: `if "username" in ...: return redirect(url_for("index"))`, else the form.
async fn login_form(req: HttpRequest) -> HttpResponse {
    if req.cookie("username").is_some() {
        return redirect("/");
    }
    render(&req, "login.html", Context::new())
}

/// Flask: `username = request.form["username"]`, keep it, `redirect(url_for("index"))`.
async fn login(req: HttpRequest, form: web::Form<LoginForm>) -> HttpResponse {
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
    res
}
// ANCHOR_END: login

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
