//! Exercise 07: the name survives the redirect. This file is yours: the task is in TASK.md, the
//! tests that check it in src/tests/task.rs. Run them with `just exercise 07`.
//!
//! `login_form`, `login` and `back_to_login` are lesson 07's, moved here so you can change them.

// `keep_name` and `take_name` are `todo!()` and nothing calls them yet, so the compiler would
// warn about them and their parameters: this line keeps the starter free of warnings. The
// solution does not need it; delete it when you are done.
#![allow(dead_code, unused_variables)]

use actix_session::{Session, SessionInsertError};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use shared::{Context, Site, error_page, redirect, render};

use crate::flash::{self, Category, flash};
use crate::{FAILED, current_user, users};

/// Where the name typed into a failed login waits for the next login page: one of the server's
/// own entries, like `_flashes`.
pub const TYPED: &str = "_typed_username";

/// Longer names are not kept: they cannot be anybody's (the demo users have three letters), and
/// a kilobyte of name would make every cookie until the next page a kilobyte bigger.
pub const MAX_TYPED: usize = 64;

/// Keeps `username` (trimmed) in the session for the next login page. An empty name, or one
/// over MAX_TYPED characters, is not kept.
pub fn keep_name(session: &Session, username: &str) -> Result<(), SessionInsertError> {
    // TODO: trim the name; keep it under TYPED unless it is empty or too long.
    todo!()
}

/// The kept name, taken out of the session: the page that shows it is the only one that does.
pub fn take_name(session: &Session) -> Option<String> {
    // TODO: the name under TYPED, removed from the session. Look before you remove, as
    //       `flash::take` does: most login pages have no name waiting.
    todo!()
}

pub async fn login_form(req: HttpRequest, session: Session) -> HttpResponse {
    if current_user(&session).is_some() {
        return redirect("/");
    }
    let mut context = Context::new();
    context.insert("flashes", &flash::take(&session));
    // TODO: the kept name, if there is one, as `username`: login.html puts it in the form.
    render(&req, "login.html", context)
}

/// The form's fields. `Option`: a missing field is a message for the user, not a failed request.
#[derive(Deserialize)]
pub struct LoginForm {
    username: Option<String>,
    password: Option<String>,
}

/// Flask: check the password, else `redirect(request.url)`; on success
/// `session["username"] = user["name"]` and `redirect(url_for("index"))`.
pub async fn login(
    req: HttpRequest,
    site: web::Data<Site>,
    session: Session,
    form: web::Form<LoginForm>,
) -> HttpResponse {
    let LoginForm { username, password } = form.into_inner();
    let (username, password) = (username.unwrap_or_default(), password.unwrap_or_default());
    // TODO: both ways back to the form keep the name that was typed (`back_to_login` needs it).
    //       The check below takes `username` to another thread: keep a copy first.
    if username.trim().is_empty() || password.is_empty() {
        return back_to_login(&req, &session, "Please enter a username and a password.");
    }
    // Argon2 is slow on purpose: tens of milliseconds of CPU and 19 MiB of memory. On an async
    // worker that would stall every other request the worker serves; `site.hash` runs it with
    // `web::block` on a thread pool meant for blocking work, one per core at a time (shared's
    // `hashing`: hundreds at once would take gigabytes), and the worker goes on serving.
    let checked = site.hash(move || users::check_password(username.trim(), &password)).await;
    let user = match checked {
        Ok(Some(user)) => user,
        Ok(None) => return back_to_login(&req, &session, FAILED),
        Err(busy) => return busy.page(&req),
    };
    // A new session: nothing from before the login is carried over (Flask's flaskr does
    // `session.clear()`), and a new session id (`renew`) so an id planted in the browser before
    // the login is worth nothing after it: session fixation. Then only the username goes in.
    session.clear();
    session.renew();
    let stored = session
        .insert("username", user.name)
        .and_then(|()| flash(&session, Category::Success, format!("Welcome, {}!", user.name)));
    if let Err(error) = stored {
        return error_page(&req, StatusCode::INTERNAL_SERVER_ERROR, &error.to_string());
    }
    redirect("/")
}

/// Flask: `flash(message)` then `redirect(request.url)`.
// TODO: take the typed name too, and keep it (`keep_name`) with the message.
fn back_to_login(req: &HttpRequest, session: &Session, message: &str) -> HttpResponse {
    if let Err(error) = flash(session, Category::Error, message) {
        return error_page(req, StatusCode::INTERNAL_SERVER_ERROR, &error.to_string());
    }
    redirect("/login")
}
