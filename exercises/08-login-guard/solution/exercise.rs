//! Exercise 08: an admin guard. The reference solution: `just solution 08` shows how it differs
//! from your src/exercise.rs.

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
        self.admin
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
    let current_user = CurrentUser::<L>::extract(req.request()).await?;
    if !current_user.is_authenticated() {
        // Logging in may help: the login page, with `next` and the message.
        return login_required::<L>(req, next).await.map(ServiceResponse::map_into_boxed_body);
    }
    // Flask: `if not current_user.is_admin`. `user()` is the signed-in user (`None` only for
    // the anonymous user, who has been sent to log in above).
    if !current_user.user().is_some_and(|user| user.is_admin()) {
        // Logging in again would not help: no redirect to the login page (for a user sent
        // there by `next`, that would be a loop), but a clear "no".
        return Ok(forbidden(req));
    }
    next.call(req).await.map(ServiceResponse::map_into_boxed_body)
}

/// The answer for a signed-in user who is not an administrator: a 403 page, and the page they
/// asked for never runs.
fn forbidden(req: ServiceRequest) -> ServiceResponse<BoxBody> {
    let page = error_page(req.request(), StatusCode::FORBIDDEN, NOT_AN_ADMIN);
    req.into_response(page)
}
