//! Exercise 06: locking an account. This file is yours: the task is in TASK.md, the tests that
//! check it in src/tests/task.rs. Run them with `just exercise 06`.
//!
//! `login` is lesson 06's handler, moved here so you can change it.

// `Failures` is `todo!()` and nothing uses the lock table yet, so the compiler would warn about
// them and their parameters: this line keeps the starter free of warnings. The solution does not need it; delete it
// when you are done.
#![allow(dead_code, unused_variables)]

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use actix_session::Session;
use actix_web::cookie::time::Duration;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use shared::{Site, error_page, redirect};

use crate::{FAILED, back_to_login, check_password};

/// This many failed logins for one username...
pub const MAX_FAILURES: usize = 5;
/// ...within this long lock the account...
pub const WINDOW: Duration = Duration::minutes(15);
/// ...for this long.
pub const LOCK: Duration = Duration::minutes(15);

/// What the server remembers about the failed logins of one username.
#[derive(Debug, Default)]
pub struct Failures {
    /// When the recent failures happened, in seconds since 1970 (UTC), oldest first.
    times: Vec<i64>,
    /// Until when the account is locked, if it is (seconds since 1970).
    locked_until: Option<i64>,
}

impl Failures {
    /// Whether the account is locked at `now`.
    pub fn is_locked(&self, now: i64) -> bool {
        // TODO: locked while `now` is before `locked_until`.
        todo!()
    }

    /// One more failed login, at `now`. Failures older than WINDOW no longer count; the
    /// MAX_FAILURES-th within WINDOW locks the account for LOCK, and the count starts again.
    pub fn add(&mut self, now: i64) {
        // TODO: forget the failures older than WINDOW, add this one, and lock the account when
        //       that makes MAX_FAILURES.
        todo!()
    }
}

/// The failed logins of every username tried, known or not: one table for the whole server,
/// `site.state::<Lockouts>()`. On the server, because the client controls its cookies: a count
/// in the session would be gone with the next cookie-less request.
///
/// The `Mutex` is there because every worker thread serves logins at the same time: a plain
/// `HashMap` cannot be changed from two threads at once, and Rust will not compile the attempt.
#[derive(Default)]
pub struct Lockouts {
    by_username: Mutex<HashMap<String, Failures>>,
}

impl Lockouts {
    /// Whether `username` is locked at `now`.
    pub fn is_locked(&self, username: &str, now: i64) -> bool {
        let table = self.by_username.lock().unwrap_or_else(PoisonError::into_inner);
        table.get(username).is_some_and(|failures| failures.is_locked(now))
    }

    /// A failed login for `username` at `now`.
    pub fn failed(&self, username: &str, now: i64) {
        let mut table = self.by_username.lock().unwrap_or_else(PoisonError::into_inner);
        table.entry(username.to_string()).or_default().add(now);
    }

    /// A successful login for `username`: the failures before it no longer count.
    pub fn succeeded(&self, username: &str) {
        let mut table = self.by_username.lock().unwrap_or_else(PoisonError::into_inner);
        table.remove(username);
    }
}

/// The form's fields. `Option`: a missing field is a message for the user, not a failed request.
#[derive(Deserialize)]
pub struct LoginForm {
    username: Option<String>,
    password: Option<String>,
}

/// Flask: check the password, else `render_template("login.html", error=error)`; on success
/// `session["username"] = user["name"]` and `redirect(url_for("index"))`.
pub async fn login(
    req: HttpRequest,
    site: web::Data<Site>,
    session: Session,
    form: web::Form<LoginForm>,
) -> HttpResponse {
    let LoginForm { username, password } = form.into_inner();
    let (username, password) = (username.unwrap_or_default(), password.unwrap_or_default());
    if username.trim().is_empty() || password.is_empty() {
        let message = "Please enter a username and a password.";
        return back_to_login(&req, StatusCode::BAD_REQUEST, message, &username);
    }
    // The check takes the name to another thread; the form comes back with a copy filled in.
    let typed = username.clone();
    // TODO: the lock table (`site.state::<Lockouts>()`) and the time by the server's clock
    //       (`site.clock().now().unix_timestamp()`). Is the username (trimmed) locked? Ask
    //       before the check...
    // TODO: ...but check the password in any case: a locked login must cost the same work.
    let checked = check_password(&site, username, password).await;
    // TODO: locked, or a wrong password or unknown user: the same FAILED message for all of
    //       them, and a wrong one while not locked counts as a failure (`failed`).
    // TODO: the right password, not locked: the failures before it no longer count (`succeeded`).
    let user = match checked {
        Ok(Some(user)) => user,
        Ok(None) => return back_to_login(&req, StatusCode::UNAUTHORIZED, FAILED, &typed),
        Err(busy) => return busy.page(&req),
    };
    // A new session: nothing from before the login is carried over (Flask's flaskr does
    // `session.clear()`), and a new session id (`renew`) so an id planted in the browser before
    // the login is worth nothing after it: session fixation. Then only the username goes in.
    session.clear();
    session.renew();
    if let Err(error) = session.insert("username", user.name) {
        return error_page(&req, StatusCode::INTERNAL_SERVER_ERROR, &error.to_string());
    }
    redirect("/")
}
