//! Exercise 09: strong protection for the settings. This file is yours: the task is in TASK.md,
//! the tests that check it in src/tests/task.rs. Run them with `just exercise 09`.

// `same_client` and `ended` are `todo!()` and nothing calls them yet, so the compiler would warn
// about them and the imports they need: this line keeps the starter free of warnings. The
// solution does not need it; delete it when you are done.
#![allow(dead_code, unused_imports, unused_variables)]

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
    // TODO: the identifier the session holds, a `String` under `login::CLIENT_ID` (read it as
    //       `session.get::<String>(...)`: an error or a missing key is "no identifier"), and
    //       this client's, `login::identifier(req)`. The same client if they are equal.
    todo!()
}

/// Session protection in "strong" mode for one scope: `.wrap(from_fn(strong_protection::<L>))`.
/// A login whose session comes back from another client ends (session and remember cookie), and
/// the visitor is sent to log in again; the same client, and anonymous visitors, go on to the
/// page (whose own guard asks anonymous visitors to log in).
pub async fn strong_protection<L: UserLoader>(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    // TODO: the current user, `CurrentUser::<L>::extract(req.request()).await?`, and the
    //       session, `req.get_session()`.
    // TODO: signed in, but not `same_client`: end the login (`login::logout_user`, which purges
    //       the session and clears the remember cookie) and answer with `ended`; the page they
    //       asked for never runs.
    // For now every login gets through, from any client.
    next.call(req).await.map(ServiceResponse::map_into_boxed_body)
}

/// The answer when the login has just ended: the login page, with this page as `next`, as
/// `login_required` sends anonymous visitors. (No flashed message: `logout_user` purged the
/// session that would carry it.)
fn ended(req: ServiceRequest) -> ServiceResponse<BoxBody> {
    // TODO: a redirect (`redirect`) to `/login?next=<this page, percent-encoded>`, as the
    //       response to `req` (`req.into_response(...)`). `send_to_login` in src/login.rs
    //       builds the same address.
    todo!()
}
