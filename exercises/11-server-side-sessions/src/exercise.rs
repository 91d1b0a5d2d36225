//! Exercise 11: a new session id every two minutes. This file is yours: the task is in TASK.md,
//! the tests that check it in src/tests/task.rs. Run them with `just exercise 11`.

// `due` is `todo!()` and nothing calls it yet, so the compiler would warn about it and the
// imports it needs: this line keeps the starter free of warnings. The solution does not need
// it; delete it when you are done.
#![allow(dead_code, unused_imports, unused_variables)]

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
    // TODO: true once ROTATE_EVERY has passed since `issued` (exactly two minutes included).
    todo!()
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
    // TODO: nothing to do for an empty session (a visitor with nothing to keep, or one who just
    //       logged out): no cookie, no row.
    // TODO: read ISSUED (an `i64`; `lifetime::expires_at` reads `_expires` the same way). None
    //       yet (a new session): store `now` under ISSUED. When it is `due`: `session.renew()`,
    //       then store `now` under ISSUED. A failed `insert` is a 500
    //       (`.map_err(ErrorInternalServerError)?`, as in `lifetime::enforce`).
    Ok(res)
}
// ANCHOR_END: rotate
