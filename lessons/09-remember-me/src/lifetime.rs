//! Permanent sessions, and a session lifetime that the server enforces.
//!
//! Flask: `session.permanent = True`, `app.permanent_session_lifetime` (`SESSION_LIFETIME`
//! here) and `SESSION_REFRESH_EACH_REQUEST`. actix-session has no per-session `permanent`, and
//! its cookie store never checks an expiry on the server, so this module adds both around
//! actix-session's middleware:
//!
//! ```text
//! request  -> cookie_expiry -> SessionMiddleware -> enforce -> handler
//! response <- cookie_expiry <- SessionMiddleware <- enforce <-
//!             sets Max-Age     writes the cookie    ends expired sessions, slides the expiry
//! ```

use actix_session::{Session, SessionExt as _, SessionInsertError};
use actix_web::body::MessageBody;
use actix_web::cookie::Cookie;
use actix_web::cookie::time::{Duration, OffsetDateTime};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::ErrorInternalServerError;
use actix_web::http::header::{HeaderValue, SET_COOKIE};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage as _, web};
use shared::Site;

/// The name of the session cookie (given to `SessionMiddleware` in main.rs).
pub const COOKIE: &str = "session";

// ANCHOR: keys
/// `session.permanent`: Flask keeps it in the session too, under the same name.
pub const PERMANENT: &str = "_permanent";
/// When the session ends, in seconds since 1970 (UTC). In the session, so the server can check
/// it: the cookie is encrypted, so the client can neither read nor change it.
pub const EXPIRES: &str = "_expires";

/// Flask: `session.permanent = True` (or `False`).
pub fn set_permanent(session: &Session, permanent: bool) -> Result<(), SessionInsertError> {
    session.insert(PERMANENT, permanent)
}

/// Flask: `session.permanent`. Anything but a stored `true` means no.
pub fn is_permanent(session: &Session) -> bool {
    session.get::<bool>(PERMANENT).ok().flatten().unwrap_or(false)
}

/// When the session ends, if it says.
pub fn expires_at(session: &Session) -> Option<i64> {
    session.get::<i64>(EXPIRES).ok().flatten()
}
// ANCHOR_END: keys

// ANCHOR: settings
/// The three settings, read from the configuration (checked at start-up).
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// `SESSION_LIFETIME`, 5 minutes unless set (the tutorial's `timedelta(minutes=5)`).
    pub lifetime: Duration,
    /// `SESSION_ALWAYS_PERMANENT`: the tutorial's `@app.before_request` hook.
    pub always_permanent: bool,
    /// `SESSION_REFRESH_EACH_REQUEST`, on unless set to 0: sliding expiry.
    pub refresh_each_request: bool,
}

impl Settings {
    pub fn of(site: &Site) -> Settings {
        let config = site.config();
        Settings {
            lifetime: config.duration("SESSION_LIFETIME", Duration::minutes(5)),
            always_permanent: config.flag("SESSION_ALWAYS_PERMANENT"),
            refresh_each_request: config.flag_or("SESSION_REFRESH_EACH_REQUEST", true),
        }
    }

    /// When `session` ends once the request that runs `now` is answered.
    pub fn end_after(&self, session: &Session, now: i64) -> i64 {
        match (self.refresh_each_request, expires_at(session)) {
            // Absolute limit: the end set when the session began stays where it is.
            (false, Some(end)) => end,
            // A new session, or sliding expiry: a full lifetime from now.
            _ => now + self.lifetime.whole_seconds(),
        }
    }
}
// ANCHOR_END: settings

/// What `enforce` decided for the outgoing cookie, left in the request for `cookie_expiry`.
/// (actix-session empties the session when it writes the cookie, so `cookie_expiry` cannot
/// read it from there.)
#[derive(Debug, Clone, Copy)]
struct CookieExpires(i64);

// ANCHOR: enforce
/// Inside `SessionMiddleware`, so the session is loaded before and still there after the handler.
pub async fn enforce(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    // What `app` gave every handler: `.app_data(web::Data::new(site))`.
    let Some(site) = req.app_data::<web::Data<Site>>().cloned() else {
        return Err(ErrorInternalServerError("web::Data<Site> is missing"));
    };
    let settings = Settings::of(&site);
    let now = site.clock().now().unix_timestamp();

    // Before the handler: a session past its end (or with no end at all) is an empty one. This
    // is the check that makes a replayed old cookie worthless, whatever the browser does.
    let session = req.get_session();
    if !session.entries().is_empty() && expires_at(&session).is_none_or(|end| end <= now) {
        session.clear();
    }

    let res = next.call(req).await?;

    // After the handler: Flask's `before_request` hook, then the new end of the session.
    let session = res.request().get_session();
    if settings.always_permanent && !is_permanent(&session) {
        set_permanent(&session, true).map_err(ErrorInternalServerError)?;
    }
    if session.entries().is_empty() {
        return Ok(res); // nothing to keep: no `_expires`
    }
    let end = settings.end_after(&session, now);
    if expires_at(&session) != Some(end) {
        // With sliding expiry that is every request: the `insert` also makes actix-session
        // write the cookie again, so the browser's `Max-Age` slides too.
        session.insert(EXPIRES, end).map_err(ErrorInternalServerError)?;
    }
    if is_permanent(&session) {
        res.request().extensions_mut().insert(CookieExpires(end));
    }
    Ok(res)
}
// ANCHOR_END: enforce

// ANCHOR: cookie_expiry
/// Outside `SessionMiddleware`, so it sees the `Set-Cookie` header actix-session wrote: a
/// permanent session's cookie gets `Max-Age` and `Expires`, and the browser keeps it when it
/// closes. Without them it is a browser-session cookie, gone when the browser closes.
pub async fn cookie_expiry(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let now = req.app_data::<web::Data<Site>>().map(|site| site.clock().now().unix_timestamp());
    let mut res = next.call(req).await?;
    let end = res.request().extensions().get::<CookieExpires>().copied();
    let (Some(now), Some(CookieExpires(end))) = (now, end) else {
        return Ok(res);
    };
    let headers = res.headers_mut();
    let set_cookies: Vec<HeaderValue> = headers.get_all(SET_COOKIE).cloned().collect();
    headers.remove(SET_COOKIE);
    for value in set_cookies {
        let text = value.to_str().ok().map(str::to_owned);
        let ours = text.and_then(|text| Cookie::parse(text).ok()).filter(|c| c.name() == COOKIE);
        let value = match ours {
            Some(mut cookie) => {
                cookie.set_max_age(Duration::seconds(end - now));
                cookie.set_expires(
                    OffsetDateTime::from_unix_timestamp(end).map_err(ErrorInternalServerError)?,
                );
                HeaderValue::from_str(&cookie.to_string()).map_err(ErrorInternalServerError)?
            }
            None => value,
        };
        headers.append(SET_COOKIE, value);
    }
    Ok(res)
}
// ANCHOR_END: cookie_expiry
