//! Exercise 09: strong protection for the settings. The reference solution: `just solution 09`
//! shows how it differs from your src/exercise.rs.

use actix_session::{Session, SessionExt as _};
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{Error, FromRequest as _, HttpRequest};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use shared::redirect;

use crate::login::{self, CurrentUser, UserLoader};

/// Whether `session` was stamped, at login, for the client that sends `req`: the identifier
/// `login_user` put under `_id` is this client's (Flask-Login's `_create_identifier`).
fn same_client(req: &HttpRequest, session: &Session) -> bool {
    let stamped = session.get::<String>(login::CLIENT_ID).ok().flatten();
    stamped == Some(login::identifier(req))
}

/// Session protection in "strong" mode for one scope: `.wrap(from_fn(strong_protection::<L>))`.
/// A login whose session comes back from another client ends (session and remember cookie), and
/// the visitor is sent to log in again; the same client, and anonymous visitors, go on to the
/// page (whose own guard asks anonymous visitors to log in).
pub async fn strong_protection<L: UserLoader>(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    // Loading the user runs the site's own protection first ("basic": not fresh any more).
    let current_user = CurrentUser::<L>::extract(req.request()).await?;
    let session = req.get_session();
    if current_user.is_authenticated() && !same_client(req.request(), &session) {
        // Flask: `logout_user()`. The session is purged and the remember cookie cleared: this
        // browser has to give the password again, wherever it goes next.
        login::logout_user(req.request(), &session);
        return Ok(ended(req));
    }
    next.call(req).await.map(ServiceResponse::map_into_boxed_body)
}

/// The answer when the login has just ended: the login page, with this page as `next`, as
/// `login_required` sends anonymous visitors. (No flashed message: `logout_user` purged the
/// session that would carry it.)
fn ended(req: ServiceRequest) -> ServiceResponse<BoxBody> {
    let here = req.uri().path_and_query().map_or("/", |path| path.as_str());
    let location = format!("/login?next={}", utf8_percent_encode(here, NON_ALPHANUMERIC));
    req.into_response(redirect(&location))
}
