//! Exercise 11: a new session id every two minutes. The reference solution: `just solution 11`
//! shows how it differs from your src/exercise.rs.

use actix_session::SessionExt as _;
use actix_web::body::MessageBody;
use actix_web::cookie::time::Duration;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::ErrorInternalServerError;
use actix_web::middleware::Next;
use actix_web::{Error, web};
use shared::Site;

/// How long one session id lives: after that, the next request gets the session a new one.
pub const ROTATE_EVERY: Duration = Duration::minutes(2);

/// When this session's id was issued, in seconds since 1970 (UTC): one more of the server's own
/// entries, next to `_expires`, on the server where the visitor can neither read nor change it.
pub const ISSUED: &str = "_id_issued";

// ANCHOR: due
/// Whether a session whose id was issued at `issued` needs a new id at `now`.
pub fn due(issued: i64, now: i64) -> bool {
    now - issued >= ROTATE_EVERY.whole_seconds()
}
// ANCHOR_END: due

// ANCHOR: rotate
/// Inside `SessionMiddleware` (and inside `lifetime::enforce`, see `app` in main.rs): after the
/// handler, a session with something in it gets a new id when its id is ROTATE_EVERY old.
/// `session.renew()` does it: actix-session then deletes the old id's row (`store.delete`) and
/// saves the state under a new id, in a new cookie, as at a login.
pub async fn rotate(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let Some(site) = req.app_data::<web::Data<Site>>().cloned() else {
        return Err(ErrorInternalServerError("web::Data<Site> is missing"));
    };
    let now = site.clock().now().unix_timestamp();
    let res = next.call(req).await?;
    let session = res.request().get_session();
    if session.entries().is_empty() {
        return Ok(res); // nothing to keep: no `_expires`, no row
    }
    match session.get::<i64>(ISSUED).ok().flatten() {
        Some(issued) if !due(issued, now) => {}
        // A new session, or an id that has lived long enough: `renew` only for the second (a
        // new session's id is new already), and the clock starts again.
        issued => {
            if issued.is_some() {
                session.renew();
            }
            session.insert(ISSUED, now).map_err(ErrorInternalServerError)?;
        }
    }
    Ok(res)
}
// ANCHOR_END: rotate
