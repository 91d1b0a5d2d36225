//! Flask-Login, rebuilt small: a module of this lesson, not a library.
//!
//! | Flask-Login                         | here                                          |
//! |-------------------------------------|-----------------------------------------------|
//! | `LoginManager()`, `init_app(app)`   | [`LoginManager`], `.app_data(manager)`        |
//! | `login_view`, `login_message`       | [`LoginManager::login_view`], `login_message` |
//! | `UserMixin.get_id()`                | [`UserMixin::get_id`]                         |
//! | `@login_manager.user_loader`        | [`UserLoader::load_user`]                     |
//! | `current_user`, `AnonymousUserMixin`| the [`CurrentUser`] extractor                 |
//! | `current_user` (the user object)    | [`CurrentUser::user`]: `None` when anonymous  |
//! | `current_user.get_id()`             | [`CurrentUser::id`]                           |
//! | `current_user.is_authenticated`     | [`CurrentUser::is_authenticated`]             |
//! | `current_user.is_anonymous`         | [`CurrentUser::is_anonymous`]                 |
//! | `@login_required`                   | `from_fn(login_required::<L>)` on a route or scope |
//! | `login_user(user)`                  | [`login_user`]                                |
//! | `logout_user()`                     | [`logout_user`]                               |
//! | `url_has_allowed_host_and_scheme`   | [`safe_next`]                                 |

use std::future::{Ready, ready};

use actix_session::{Session, SessionExt as _, SessionInsertError};
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::ErrorInternalServerError;
use actix_web::middleware::Next;
use actix_web::{Error, FromRequest, HttpMessage as _, HttpRequest, web};
use percent_encoding::{NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use serde::Serialize;
use shared::redirect;

use crate::flash::{Category, flash};

/// Flask-Login's session key, under the same name.
const USER_ID: &str = "_user_id";

// ANCHOR: traits
/// Flask-Login's `UserMixin`: what the module needs from a user.
pub trait UserMixin: Clone + Serialize + 'static {
    /// `get_id()`: what goes into the session. Never a password.
    fn get_id(&self) -> String;
}

/// Flask-Login's `@login_manager.user_loader`: from the id in the session back to a user, or
/// `None` when there is no such user any more (then the visitor is anonymous).
pub trait UserLoader: 'static {
    type User: UserMixin;
    fn load_user(&self, id: &str) -> Option<Self::User>;
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
}

impl<L: UserLoader> Clone for CurrentUser<L> {
    fn clone(&self) -> Self {
        CurrentUser { user: self.user.clone() }
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

    /// `current_user.is_authenticated`: somebody is signed in.
    pub fn is_authenticated(&self) -> bool {
        self.user.is_some()
    }

    /// `current_user.is_anonymous`: nobody is signed in.
    pub fn is_anonymous(&self) -> bool {
        self.user.is_none()
    }

    /// What templates see as `current_user` (Flask-Login's context processor).
    pub fn view(&self) -> CurrentUserView<&L::User> {
        CurrentUserView {
            is_authenticated: self.is_authenticated(),
            is_anonymous: self.is_anonymous(),
            id: self.id(),
            user: self.user(),
        }
    }

    /// Who is signed in: the user whose id the session holds, if the loader still knows them.
    /// Done once per request; later calls get the same answer.
    fn load(req: &HttpRequest) -> Result<Self, Error> {
        if let Some(loaded) = req.extensions().get::<Self>() {
            return Ok(loaded.clone());
        }
        let manager = manager::<L>(req)?;
        let session = req.get_session();
        let from_session = session.get::<String>(USER_ID).ok().flatten();
        let loaded =
            CurrentUser { user: from_session.and_then(|id| manager.loader.load_user(&id)) };
        req.extensions_mut().insert(loaded.clone());
        Ok(loaded)
    }
}

impl<L: UserLoader> FromRequest for CurrentUser<L> {
    type Error = Error;
    type Future = Ready<Result<Self, Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Self::load(req))
    }
}

/// `current_user` as a template sees it: `{% if current_user.is_authenticated %}`.
#[derive(Serialize)]
pub struct CurrentUserView<U> {
    pub is_authenticated: bool,
    pub is_anonymous: bool,
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
    let user = CurrentUser::<L>::load(req.request())?;
    if user.is_authenticated() {
        return next.call(req).await.map(ServiceResponse::map_into_left_body);
    }
    let manager = manager::<L>(req.request())?;
    let (login_view, message) = (manager.login_view, manager.login_message);
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
/// Flask-Login's `login_user(user)`: a login. Unlike Flask-Login, it also
/// starts a new session (`clear` + `renew`) so nothing from before the login is carried over
/// and a session id planted before it is worthless (session fixation).
pub fn login_user<U: UserMixin>(session: &Session, user: &U) -> Result<(), SessionInsertError> {
    session.clear();
    session.renew();
    session.insert(USER_ID, user.get_id())
}

/// Flask-Login's `logout_user()`: the session is purged (its cookie removed).
pub fn logout_user(session: &Session) {
    session.purge();
}
// ANCHOR_END: login_user

#[cfg(test)]
mod tests;
