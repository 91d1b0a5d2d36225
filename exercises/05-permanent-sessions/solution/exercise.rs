//! Exercise 05: an absolute limit on top of sliding expiry. The reference solution: `just
//! solution 05` shows how it differs from your src/exercise.rs.
//!
//! `Settings` (from lifetime.rs) and `login` (from main.rs) are lesson 05's, moved here so you
//! can change them.

use actix_session::{Session, SessionInsertError};
use actix_web::cookie::time::Duration;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use shared::config::parse_duration;
use shared::{Context, Site, error_page, redirect, render_status};

use crate::{MAX_NAME, lifetime};

/// When the visitor logged in, in seconds since 1970 (UTC). One more of the server's own
/// entries, next to `_permanent` and `_expires`: inside the encrypted cookie, where the visitor
/// can neither read nor change it, and the `/session` page refuses to touch it.
pub const LOGIN_AT: &str = "_login_at";

/// Keeps the time of the login in the session.
pub fn record_login(session: &Session, now: i64) -> Result<(), SessionInsertError> {
    session.insert(LOGIN_AT, now)
}

/// When the visitor logged in, if the session says. Anything but a stored number means no.
pub fn login_at(session: &Session) -> Option<i64> {
    session.get::<i64>(LOGIN_AT).ok().flatten()
}

/// The settings, read from the configuration (checked at start-up).
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// `SESSION_LIFETIME`, 5 minutes unless set (the tutorial's `timedelta(minutes=5)`).
    pub lifetime: Duration,
    /// `SESSION_ALWAYS_PERMANENT`: the tutorial's `@app.before_request` hook.
    pub always_permanent: bool,
    /// `SESSION_REFRESH_EACH_REQUEST`, on unless set to 0: sliding expiry.
    pub refresh_each_request: bool,
    /// `SESSION_MAX_LIFETIME`: how long after the login the session ends, however often the
    /// visitor comes back. `None` when it is not set: no absolute limit, as in lesson 05.
    pub max_lifetime: Option<Duration>,
}

impl Settings {
    pub fn of(site: &Site) -> Settings {
        let config = site.config();
        Settings {
            lifetime: config.duration("SESSION_LIFETIME", Duration::minutes(5)),
            always_permanent: config.flag("SESSION_ALWAYS_PERMANENT"),
            refresh_each_request: config.flag_or("SESSION_REFRESH_EACH_REQUEST", true),
            // Checked at start-up like every variable, so a value here always parses.
            max_lifetime: config.get("SESSION_MAX_LIFETIME").and_then(parse_duration),
        }
    }

    /// When `session` ends once the request that runs `now` is answered.
    pub fn end_after(&self, session: &Session, now: i64) -> i64 {
        let end = match (self.refresh_each_request, lifetime::expires_at(session)) {
            // Absolute limit: the end set when the session began stays where it is.
            (false, Some(end)) => end,
            // A new session, or sliding expiry: a full lifetime from now.
            _ => now + self.lifetime.whole_seconds(),
        };
        // Sliding or not, never later than the limit counted from the login. `enforce` stores
        // this end in `_expires` and checks it on the next request, and `cookie_expiry` gives
        // the cookie what is left: nothing else has to change.
        match (self.max_lifetime, login_at(session)) {
            (Some(max), Some(login_at)) => end.min(login_at + max.whole_seconds()),
            _ => end,
        }
    }
}

/// The form's fields. `Option`: a missing field is a message for the user, not a failed request.
#[derive(Deserialize)]
pub struct LoginForm {
    username: Option<String>,
}

/// Flask: `session.permanent = True`, `session["username"] = request.form["username"]`, then
/// `redirect(url_for("index"))`. And the time of the login, for the absolute limit.
pub async fn login(
    req: HttpRequest,
    site: web::Data<Site>,
    session: Session,
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
    // The server's clock, never the browser's: the tests move it by hand.
    let now = site.clock().now().unix_timestamp();
    // `insert`, not `update`: in actix-session 0.11 `update` on a loaded session does not mark
    // it changed, and the cookie would not be written.
    let stored = lifetime::set_permanent(&session, true)
        .and_then(|()| record_login(&session, now))
        .and_then(|()| session.insert("username", name));
    if let Err(error) = stored {
        return error_page(&req, StatusCode::INTERNAL_SERVER_ERROR, &error.to_string());
    }
    redirect("/")
}
