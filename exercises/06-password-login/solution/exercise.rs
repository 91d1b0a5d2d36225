//! Exercise 06: locking an account. The reference solution: `just solution 06` shows how it
//! differs from your src/exercise.rs.
//!
//! `login` is lesson 06's handler, moved here so you can change it.

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
        self.locked_until.is_some_and(|until| now < until)
    }

    /// One more failed login, at `now`. Failures older than WINDOW no longer count; the
    /// MAX_FAILURES-th within WINDOW locks the account for LOCK, and the count starts again.
    pub fn add(&mut self, now: i64) {
        self.times.retain(|&at| now - at < WINDOW.whole_seconds());
        self.times.push(now);
        if self.times.len() >= MAX_FAILURES {
            self.locked_until = Some(now + LOCK.whole_seconds());
            self.times.clear();
        }
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
/// `session["username"] = user["name"]` and `redirect(url_for("index"))`. And a lock after
/// repeated failures, that tells the visitor nothing.
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
    let name = typed.trim();
    let lockouts = site.state::<Lockouts>();
    let now = site.clock().now().unix_timestamp();
    // Asked before the check, acted on after it: a locked account still costs one Argon2
    // verification, so how long the answer takes says nothing about the lock either.
    let locked = lockouts.is_locked(name, now);
    let checked = check_password(&site, username, password).await;
    let user = match checked {
        Ok(Some(user)) if !locked => user,
        // Locked, or a wrong password, or no such user: one answer for all of them.
        Ok(_) => {
            // Attempts during the lock do not count: the lock ends when it said it would.
            if !locked {
                lockouts.failed(name, now);
            }
            return back_to_login(&req, StatusCode::UNAUTHORIZED, FAILED, &typed);
        }
        Err(busy) => return busy.page(&req),
    };
    lockouts.succeeded(name);
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
