//! Exercise 08: an admin guard. This file is yours: the task is in TASK.md, the tests that check
//! it in src/tests/task.rs. Run them with `just exercise 08`.

// `forbidden` and `is_admin` are `todo!()` and nothing calls them yet, so the compiler would warn
// about them and the imports they need: this line keeps the starter free of warnings. The
// solution does not need it; delete it when you are done.
#![allow(dead_code, unused_imports, unused_variables)]

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{Error, FromRequest as _};
use shared::error_page;

use crate::login::{CurrentUser, UserLoader, UserMixin, login_required};
use crate::users;

/// What `admin_required` needs from a user, next to Flask-Login's `UserMixin`: Flask code asks
/// `current_user.is_admin`.
pub trait AdminMixin: UserMixin {
    fn is_admin(&self) -> bool;
}

impl AdminMixin for &'static users::User {
    fn is_admin(&self) -> bool {
        // TODO: the user's `admin` flag (src/users.rs).
        todo!()
    }
}

/// What the 403 page says.
pub const NOT_AN_ADMIN: &str = "This page is for administrators only.";

/// `@admin_required`, as a middleware in the style of `login_required`:
/// `.wrap(from_fn(admin_required::<L>))` on a resource or a scope. An anonymous visitor is sent
/// to log in (exactly as `login_required` does it); a signed-in user who is not an administrator
/// gets a 403 page; only an administrator reaches the page.
pub async fn admin_required<L>(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error>
where
    L: UserLoader,
    L::User: AdminMixin,
{
    // TODO: the current user: `CurrentUser::<L>::extract(req.request()).await?`. What Flask
    //       code asks `current_user` are its methods in src/login.rs: `is_authenticated()`,
    //       `user()` (the signed-in user, `None` when anonymous), `id()`.
    // TODO: anonymous: on to the login page with `next` and the login message, exactly as
    //       `login_required` (src/login.rs) does it. Calling it does it.
    // TODO: signed in, but not an administrator: the 403 page (`forbidden`), and the page they
    //       asked for never runs.
    // For now everybody gets through: only an administrator should.
    next.call(req).await.map(ServiceResponse::map_into_boxed_body)
}

/// The answer for a signed-in user who is not an administrator: a 403 page, and the page they
/// asked for never runs.
fn forbidden(req: ServiceRequest) -> ServiceResponse<BoxBody> {
    // TODO: `error_page` with 403 Forbidden and NOT_AN_ADMIN, as the response to `req`
    //       (`req.into_response(...)`, as `send_to_login` in src/login.rs answers).
    todo!()
}
