//! Flask-Login, rebuilt small: a module of this lesson, not a library.
//!
//! | Flask-Login                         | here                                          |
//! |-------------------------------------|-----------------------------------------------|
//! | `LoginManager()`, `init_app(app)`   | [`LoginManager`], `.app_data(manager)`        |
//! | `login_view`, `login_message`       | [`LoginManager::login_view`], `login_message` |
//! | `UserMixin.get_id()`                | [`UserMixin::get_id`]                         |
//! | `@login_manager.user_loader`        | [`UserLoader::load_user`]                     |
//! | `@login_manager.request_loader`     | [`UserLoader::load_user_from_request`]        |
//! | `@login_manager.unauthorized_handler` | [`LoginManager::unauthorized_handler`]      |
//! | `current_user`, `AnonymousUserMixin`| the [`CurrentUser`] extractor                 |
//! | `current_user` (the user object)    | [`CurrentUser::user`]: `None` when anonymous  |
//! | `current_user.get_id()`             | [`CurrentUser::id`]                           |
//! | `current_user.is_authenticated`     | [`CurrentUser::is_authenticated`]             |
//! | `current_user.is_anonymous`         | [`CurrentUser::is_anonymous`]                 |
//! | `@login_required`                   | `from_fn(login_required::<L>)` on a route or scope |
//! | `@fresh_login_required`             | `from_fn(fresh_login_required::<L>)`          |
//! | `login_user(user, remember=True)`   | [`login_user`]                                |
//! | `logout_user()`                     | [`logout_user`]                               |
//! | `remember_token` cookie             | [`remember_cookies`] middleware               |
//! | `login_fresh()`                     | [`CurrentUser::is_fresh`]                     |
//! | `session_protection`, `_id`         | [`SessionProtection`], [`identifier`]         |
//! | `url_has_allowed_host_and_scheme`   | [`safe_next`]                                 |

use std::future::Future;
use std::pin::Pin;

use actix_session::{Session, SessionExt as _, SessionInsertError};
use actix_web::body::{EitherBody, MessageBody};
use actix_web::cookie::time::Duration;
use actix_web::cookie::{Cookie, CookieJar, SameSite};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::ErrorInternalServerError;
use actix_web::http::header::AUTHORIZATION;
use actix_web::http::header::USER_AGENT;
use actix_web::middleware::Next;
use actix_web::{Error, FromRequest, HttpMessage as _, HttpRequest, HttpResponse, web};
use percent_encoding::{NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use serde::Serialize;
use sha2::{Digest as _, Sha512};
use shared::{Site, redirect};

use crate::flash::{Category, flash};

/// Flask-Login's session keys, under the same names.
const USER_ID: &str = "_user_id";
const FRESH: &str = "_fresh";
/// Flask-Login's remember cookie, under the same name.
pub const REMEMBER_COOKIE: &str = "remember_token";

// ANCHOR: traits
/// Flask-Login's `UserMixin`: what the module needs from a user.
pub trait UserMixin: Clone + Serialize + 'static {
    /// `get_id()`: what goes into the session and the remember cookie. Never a password.
    fn get_id(&self) -> String;
}

/// Flask-Login's `@login_manager.user_loader`: from the id in the session back to a user, or
/// `None` when there is no such user any more (then the visitor is anonymous). Async: the users
/// are in a database now. An error (the database is not answering) fails the request.
pub trait UserLoader: 'static {
    type User: UserMixin;
    fn load_user(&self, id: &str) -> impl Future<Output = Result<Option<Self::User>, Error>>;

    /// Remember-me tokens, kept on the server so that they can be taken back (Flask-Login has
    /// no such hook: its cookie names the user and cannot be revoked). A new token for the user
    /// whose id (`get_id`) this is, made at `now` and valid until `expires` (unix seconds): what
    /// the remember cookie carries, signed.
    fn remember(
        &self,
        id: &str,
        now: i64,
        expires: i64,
    ) -> impl Future<Output = Result<String, Error>>;

    /// The user a remember token stands for, or `None`: a token never made here, taken back,
    /// or past its end at `now`.
    fn load_remembered(
        &self,
        token: &str,
        now: i64,
    ) -> impl Future<Output = Result<Option<Self::User>, Error>>;

    /// Takes a token back: the next request that carries it is anonymous.
    fn forget(&self, token: &str) -> impl Future<Output = Result<(), Error>>;

    /// Flask-Login's `@login_manager.request_loader`: the user a request proves it is, by what
    /// it carries itself (here the `Authorization` header), for clients that keep no cookies.
    /// `None`: the credentials are missing or not good. Only asked when the request has an
    /// `Authorization` header; see [`CurrentUser`].
    fn load_user_from_request(
        &self,
        req: &HttpRequest,
    ) -> impl Future<Output = Result<Option<Self::User>, Error>>;
}
// ANCHOR_END: traits

// ANCHOR: manager
/// Flask-Login's `LoginManager`. Made once, in `main`, as `web::Data::new(manager)`, and put in
/// the app with `.app_data(manager)`.
pub struct LoginManager<L: UserLoader> {
    pub loader: L,
    /// Where `login_required` sends anonymous visitors (`login_manager.login_view`).
    pub login_view: &'static str,
    /// Flashed when it does (`login_manager.login_message`).
    pub login_message: &'static str,
    /// Flashed when `fresh_login_required` asks for the password again (`needs_refresh_message`).
    pub needs_refresh_message: &'static str,
    /// How long a remember cookie lasts (`REMEMBER_COOKIE_DURATION`; Flask-Login: 365 days).
    pub remember_duration: Duration,
    /// `Secure` on the remember cookie (`REMEMBER_COOKIE_SECURE`).
    pub secure: bool,
    /// What a login that comes back from another client loses (`session_protection`).
    pub session_protection: SessionProtection,
    /// Flask-Login's `@login_manager.unauthorized_handler`: what `login_required` and
    /// `fresh_login_required` answer instead of the redirect to the login view. `None` from
    /// it: the redirect, as before.
    pub unauthorized_handler: fn(&HttpRequest) -> Option<HttpResponse>,
}
// ANCHOR_END: manager

/// The manager, from the app. A missing one is a bug in the lesson, not in the request.
fn manager<L: UserLoader>(req: &HttpRequest) -> Result<&LoginManager<L>, Error> {
    req.app_data::<web::Data<LoginManager<L>>>()
        .map(|data| data.get_ref())
        .ok_or_else(|| ErrorInternalServerError("the LoginManager is missing from the app"))
}

// ANCHOR: current_user
/// Flask-Login's `current_user`: a signed-in user, or the anonymous user. An extractor, so a
/// handler asks for it as an argument: `async fn page(user: CurrentUser<Users>)`.
pub struct CurrentUser<L: UserLoader> {
    user: Option<L::User>,
    fresh: bool,
}

impl<L: UserLoader> Clone for CurrentUser<L> {
    fn clone(&self) -> Self {
        CurrentUser { user: self.user.clone(), fresh: self.fresh }
    }
}

impl<L: UserLoader> CurrentUser<L> {
    /// The signed-in user, what Flask code reaches as `current_user` (`current_user.name`,
    /// `current_user.is_admin`): `None` for the anonymous user.
    pub fn user(&self) -> Option<&L::User> {
        self.user.as_ref()
    }

    /// `current_user.get_id()`: the id the session keeps, `None` for the anonymous user.
    pub fn id(&self) -> Option<String> {
        self.user.as_ref().map(UserMixin::get_id)
    }

    /// `current_user.is_authenticated`: somebody is signed in, freshly or by the remember cookie.
    pub fn is_authenticated(&self) -> bool {
        self.user.is_some()
    }

    /// `current_user.is_anonymous`: nobody is signed in.
    pub fn is_anonymous(&self) -> bool {
        self.user.is_none()
    }

    /// Signed in with the password in this session, not restored from the remember cookie.
    pub fn is_fresh(&self) -> bool {
        self.user.is_some() && self.fresh
    }

    /// What templates see as `current_user` (Flask-Login's context processor).
    pub fn view(&self) -> CurrentUserView<&L::User> {
        CurrentUserView {
            is_authenticated: self.is_authenticated(),
            is_anonymous: self.is_anonymous(),
            is_fresh: self.is_fresh(),
            id: self.id(),
            user: self.user(),
        }
    }

    // ANCHOR: load
    /// Who is signed in: from the session, or else from a valid remember cookie (which signs
    /// the user in again, not fresh). Done once per request; later calls get the same answer.
    ///
    /// A request with an `Authorization` header is judged by that header alone, before any
    /// cookie (Flask-Login tries its `request_loader` last): a client that sends credentials
    /// means those, and a bad token must not fall back on a browser's session. Such a login is
    /// never fresh, and the login writes nothing to the session. (A page that shows a form still
    /// makes its CSRF token, and with it a session: `/api/` answers set no cookie.)
    async fn load(req: &HttpRequest) -> Result<Self, Error> {
        if let Some(loaded) = req.extensions().get::<Self>() {
            return Ok(loaded.clone());
        }
        let manager = manager::<L>(req)?;
        if req.headers().contains_key(AUTHORIZATION) {
            let user = manager.loader.load_user_from_request(req).await?;
            let loaded = CurrentUser { user, fresh: false };
            req.extensions_mut().insert(loaded.clone());
            return Ok(loaded);
        }
        let session = req.get_session();
        if protection_failed(req, &session, manager.session_protection)? {
            let anonymous = CurrentUser { user: None, fresh: false };
            req.extensions_mut().insert(anonymous.clone());
            return Ok(anonymous);
        }
        let from_session = match session.get::<String>(USER_ID).ok().flatten() {
            Some(id) => manager.loader.load_user(&id).await?,
            None => None,
        };
        let remembered = match (&from_session, remember_token(req)) {
            (None, Some(token)) => manager.loader.load_remembered(&token, now(req)?).await?,
            _ => None,
        };
        let loaded = match from_session {
            Some(user) => {
                let fresh = session.get::<bool>(FRESH).ok().flatten().unwrap_or(false);
                CurrentUser { user: Some(user), fresh }
            }
            None => match remembered {
                Some(user) => {
                    // Flask-Login's `_load_user_from_remember_cookie`: a login, but not fresh.
                    // And, as `login_user` does, in a new session: the session this request came
                    // with may be one an attacker planted in this browser (session fixation).
                    session.clear();
                    session.renew();
                    session.insert(USER_ID, user.get_id()).map_err(ErrorInternalServerError)?;
                    session.insert(FRESH, false).map_err(ErrorInternalServerError)?;
                    // Stamped for the client that brought the cookie (session protection).
                    // Flask-Login leaves `_id` out here, and its "strong" mode then ends this
                    // login on the next request.
                    session.insert(CLIENT_ID, identifier(req)).map_err(ErrorInternalServerError)?;
                    CurrentUser { user: Some(user), fresh: false }
                }
                None => CurrentUser { user: None, fresh: false },
            },
        };
        req.extensions_mut().insert(loaded.clone());
        Ok(loaded)
    }
    // ANCHOR_END: load
}

impl<L: UserLoader> FromRequest for CurrentUser<L> {
    type Error = Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { Self::load(&req).await })
    }
}

/// `current_user` as a template sees it: `{% if current_user.is_authenticated %}`.
#[derive(Serialize)]
pub struct CurrentUserView<U> {
    pub is_authenticated: bool,
    pub is_anonymous: bool,
    pub is_fresh: bool,
    pub id: Option<String>,
    pub user: Option<U>,
}
// ANCHOR_END: current_user

// ANCHOR: login_required
/// Flask-Login's `@login_required`, as a middleware: `.wrap(from_fn(login_required::<L>))` on
/// a `web::resource` (one route) or a `web::scope` (all of them). An anonymous visitor is sent
/// to the login view with the page they wanted in `next`, and the login message.
pub async fn login_required<L: UserLoader>(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let user = CurrentUser::<L>::load(req.request()).await?;
    if user.is_authenticated() {
        return next.call(req).await.map(ServiceResponse::map_into_left_body);
    }
    let manager = manager::<L>(req.request())?;
    let (login_view, message) = (manager.login_view, manager.login_message);
    if let Some(answer) = (manager.unauthorized_handler)(req.request()) {
        return Ok(req.into_response(answer).map_into_right_body());
    }
    send_to_login(req, login_view, message)
}

/// Flask-Login's `@fresh_login_required`: as `login_required`, and a login restored from the
/// remember cookie must give the password again first.
pub async fn fresh_login_required<L: UserLoader>(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let user = CurrentUser::<L>::load(req.request()).await?;
    if user.is_fresh() {
        return next.call(req).await.map(ServiceResponse::map_into_left_body);
    }
    let manager = manager::<L>(req.request())?;
    let message =
        if user.is_authenticated() { manager.needs_refresh_message } else { manager.login_message };
    let login_view = manager.login_view;
    if let Some(answer) = (manager.unauthorized_handler)(req.request()) {
        return Ok(req.into_response(answer).map_into_right_body());
    }
    send_to_login(req, login_view, message)
}

/// Flashes `message` and redirects to `login_view?next=<this page>`.
fn send_to_login<B>(
    req: ServiceRequest,
    login_view: &'static str,
    message: &'static str,
) -> Result<ServiceResponse<EitherBody<B>>, Error> {
    flash(&req.get_session(), Category::Info, message).map_err(ErrorInternalServerError)?;
    let here = req.uri().path_and_query().map_or("/", |path| path.as_str());
    let location = format!("{login_view}?next={}", utf8_percent_encode(here, NON_ALPHANUMERIC));
    Ok(req.into_response(redirect(&location)).map_into_right_body())
}
// ANCHOR_END: login_required

// ANCHOR: safe_next
/// Where to go after the login: `next` if it is a path on this site, else `None` (and the
/// caller uses its default page). Flask-Login leaves this check to you; skipping it makes the
/// login page an open redirect: a link to your login page that lands on a phishing site.
///
/// Only a path that starts with one `/`: not `//evil.example` (another host), not
/// `/\evil.example` (browsers read `\` as `/`), no scheme (`https:`, `javascript:`), nothing
/// but visible ASCII (browsers drop tabs and newlines, so `/\t/evil.example` is `//evil...`);
/// and the same again once percent-decoded, in case something decodes it later.
pub fn safe_next(next: &str) -> Option<&str> {
    fn local_path(path: &str) -> bool {
        path.starts_with('/')
            && !path.starts_with("//")
            && !path.contains('\\')
            && !path.chars().any(char::is_control)
    }
    // As sent it must be plain visible ASCII: that is also what a `Location` header can carry.
    let visible = next.bytes().all(|byte| byte.is_ascii_graphic());
    let decoded = percent_decode_str(next).decode_utf8().ok()?;
    (visible && local_path(next) && local_path(&decoded)).then_some(next)
}
// ANCHOR_END: safe_next

// ANCHOR: login_user
/// What the remember-cookie middleware should do on the way out.
#[derive(Debug, Clone)]
enum RememberAction {
    Set(String),
    Clear,
}

/// Flask-Login's `login_user(user, remember=...)`: a fresh login. Unlike Flask-Login, it also
/// starts a new session (`clear` + `renew`) so nothing from before the login is carried over
/// and a session id planted before it is worthless (session fixation).
pub fn login_user<U: UserMixin>(
    req: &HttpRequest,
    session: &Session,
    user: &U,
    remember: bool,
) -> Result<(), SessionInsertError> {
    session.clear();
    session.renew();
    session.insert(USER_ID, user.get_id())?;
    session.insert(FRESH, true)?;
    session.insert(CLIENT_ID, identifier(req))?;
    let action = if remember { RememberAction::Set(user.get_id()) } else { RememberAction::Clear };
    req.extensions_mut().insert(action);
    Ok(())
}

/// Flask-Login's `logout_user()`: the session is purged (its cookie removed) and the remember
/// cookie cleared, its token taken back on the server (so a copy of it is worth nothing).
pub fn logout_user(req: &HttpRequest, session: &Session) {
    session.purge();
    req.extensions_mut().insert(RememberAction::Clear);
}
// ANCHOR_END: login_user

// ANCHOR: remember
/// The token in the remember cookie, once the signature checks out (the cookie jar prepends it,
/// made with the site's key), or `None`. The token is the server's (see
/// [`UserLoader::remember`]): it says nothing by itself, and its end is kept with it on the
/// server, which checks it whatever the browser does with `Max-Age`.
pub fn remember_token(req: &HttpRequest) -> Option<String> {
    let site = req.app_data::<web::Data<Site>>()?;
    let cookie = req.cookie(REMEMBER_COOKIE)?;
    let mut jar = CookieJar::new();
    jar.add_original(cookie);
    let verified = jar.signed(site.key()).get(REMEMBER_COOKIE)?;
    Some(verified.value().to_string())
}

/// The site's time, unix seconds (a test's clock can be moved).
fn now(req: &HttpRequest) -> Result<i64, Error> {
    let site = req
        .app_data::<web::Data<Site>>()
        .ok_or_else(|| ErrorInternalServerError("no shared::Site"))?;
    Ok(site.clock().now().unix_timestamp())
}

/// Sets or clears the remember cookie after `login_user` / `logout_user`, as Flask-Login's
/// `after_request` hook does, and keeps the server's tokens in step: a new token for a new
/// cookie, and the token of a cookie this browser had is taken back (at logout, and when a
/// login replaces it). Wrap it around the session middleware.
pub async fn remember_cookies<L: UserLoader>(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let mut res = next.call(req).await?;
    let action = res.request().extensions().get::<RememberAction>().cloned();
    let Some(action) = action else {
        return Ok(res);
    };
    let request = res.request().clone();
    let manager = manager::<L>(&request)?;
    let Some(site) = request.app_data::<web::Data<Site>>() else {
        return Err(ErrorInternalServerError("shared::Site is missing"));
    };
    if let Some(old) = remember_token(&request) {
        manager.loader.forget(&old).await?;
    }
    let mut cookie = Cookie::build(REMEMBER_COOKIE, "")
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(manager.secure)
        .finish();
    match action {
        RememberAction::Set(id) => {
            let expires = site.clock().now() + manager.remember_duration;
            let now = site.clock().now().unix_timestamp();
            let token = manager.loader.remember(&id, now, expires.unix_timestamp()).await?;
            cookie.set_value(token);
            cookie.set_max_age(manager.remember_duration);
            cookie.set_expires(expires);
            let mut jar = CookieJar::new();
            jar.signed_mut(site.key()).add(cookie);
            if let Some(signed) = jar.get(REMEMBER_COOKIE) {
                res.response_mut().add_cookie(signed).map_err(ErrorInternalServerError)?;
            }
        }
        RememberAction::Clear if request.cookie(REMEMBER_COOKIE).is_some() => {
            cookie.make_removal();
            res.response_mut().add_cookie(&cookie).map_err(ErrorInternalServerError)?;
        }
        RememberAction::Clear => {}
    }
    Ok(res)
}
// ANCHOR_END: remember

// ANCHOR: session_protection
// Session protection: all of it is here, but for the lines that use it in `LoginManager`
// (`session_protection`), `CurrentUser::load` and `login_user` (`CLIENT_ID`).

/// Flask-Login's `login_manager.session_protection`: what a login loses when its session comes
/// back from a client that does not look like the one that logged in. `login_manager` in
/// `main.rs` picks one (change it there to try another; the tests try all three), so the
/// compiler would warn that the other two are never made: `allow(dead_code)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(dead_code)]
pub enum SessionProtection {
    /// `None`: no check.
    Off,
    /// `"basic"`, Flask-Login's default: the login stays, but is no longer fresh.
    Basic,
    /// `"strong"`: the login ends; its keys leave the session and the remember cookie goes.
    Strong,
}

/// Flask-Login's session key for the client's identifier, under the same name.
pub const CLIENT_ID: &str = "_id";

/// Flask-Login's `_create_identifier`: a SHA-512, in hex, of `<address>|<User-Agent>` (Flask-Login
/// 0.6.3 hashes the Python form of the two byte strings, `b'...'|b'...'`: another digest). The
/// address is the connection's (Flask's `request.remote_addr`), not an `X-Forwarded-For`
/// header, which any client can write. Not a secret: it only has to differ between clients.
pub fn identifier(req: &HttpRequest) -> String {
    let address = req.peer_addr().map(|peer| peer.ip().to_string()).unwrap_or_default();
    let agent = req.headers().get(USER_AGENT).map_or(&[][..], |agent| agent.as_bytes());
    let digest = Sha512::new().chain_update(address).chain_update("|").chain_update(agent);
    digest.finalize().iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Flask-Login's `_session_protection_failed`, before the user is loaded: does this session
/// hold a login made by another client? Basic: the login is no longer fresh (until the password
/// is given again, which stamps this client). Strong: the login's keys leave the session, the
/// remember cookie is cleared and its token taken back (as at logout), and `true` says the
/// request is anonymous.
fn protection_failed(
    req: &HttpRequest,
    session: &Session,
    mode: SessionProtection,
) -> Result<bool, Error> {
    let logged_in = session.get::<String>(USER_ID).ok().flatten().is_some();
    let stamped = session.get::<String>(CLIENT_ID).ok().flatten();
    if mode == SessionProtection::Off || !logged_in || stamped == Some(identifier(req)) {
        return Ok(false);
    }
    if mode == SessionProtection::Basic {
        session.insert(FRESH, false).map_err(ErrorInternalServerError)?;
        return Ok(false);
    }
    for key in [USER_ID, FRESH, CLIENT_ID] {
        session.remove(key);
    }
    req.extensions_mut().insert(RememberAction::Clear);
    Ok(true)
}
// ANCHOR_END: session_protection

#[cfg(test)]
mod tests;
