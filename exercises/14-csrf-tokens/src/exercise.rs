//! Exercise 14: where a form comes from. This file is yours: the task is in TASK.md, the tests
//! that check it in src/tests/task.rs. Run them with `just exercise 14`.
//!
//! `src/main.rs` already wraps every route in `check_origin`, inside the lesson's token check
//! (`csrf::protect`, the model for a middleware that refuses): a POST reaches it only with the
//! right token.

// Your functions are unfinished, so the compiler would warn about what they leave unused: this
// line keeps the starter free of warnings. The solution does not need it; delete it when you
// are done.
#![allow(dead_code, unused_imports, unused_variables)]

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode, header};
use actix_web::middleware::Next;
use actix_web::{Error, HttpRequest};
use shared::error_page;

/// What the 403 page says.
pub const REFUSED: &str = "This form was sent from a page of another origin, so it was refused. \
                           Use the form on this site.";

// ANCHOR: judge
/// Whether a request that changes something came from a page of another origin, by what the
/// browser says about it. `fetch_site` is the `Sec-Fetch-Site` header, `origin` the `Origin`
/// header (each `None` when the request has none), `own` this site's origin (`own_origin`).
pub fn from_another_origin(fetch_site: Option<&str>, origin: Option<&str>, own: &str) -> bool {
    // TODO: `Sec-Fetch-Site`, when the browser sent it, decides alone: `same-origin` (a page of
    //       this site) and `none` (an address typed, a bookmark) are this site's; `same-site`
    //       and `cross-site` are not.
    // TODO: without it, `Origin` decides: anything but this site's own is another origin
    //       (`null` too). Compare without regard to case.
    // TODO: with neither (curl, a script, a very old browser), it is not another origin: the
    //       token still decides.
    todo!()
}

/// This site's origin as a browser writes it in `Origin`: the scheme, `://`, and the host with
/// its port when it is not the scheme's default, `http://127.0.0.1:8014`. From the request: the
/// address the browser used, behind a proxy the one the proxy says it used.
pub fn own_origin(req: &HttpRequest) -> String {
    // TODO: the scheme and the host of `req.connection_info()`.
    todo!()
}
// ANCHOR_END: judge

// ANCHOR: check
/// Inside the token's check, around every route: a request that may change something (anything
/// but `GET`, `HEAD` and `OPTIONS`) from a page of another origin gets 403, even with the right
/// token.
pub async fn check_origin(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    // TODO: `GET`, `HEAD` and `OPTIONS` go on unchecked: reading is never refused (a link from
    //       another site must keep working).
    // TODO: the two headers as text (`req.headers().get(...)` and `to_str()`; a header that is
    //       not text is nobody's origin, and never a reason to panic), then
    //       `from_another_origin`, with this site's `own_origin(req.request())`. Until then,
    //       nothing is refused (and your two functions above are not called yet).
    let refused = false;
    if !refused {
        return next.call(req).await.map(ServiceResponse::map_into_left_body);
    }
    let page = error_page(req.request(), StatusCode::FORBIDDEN, REFUSED);
    Ok(req.into_response(page).map_into_right_body())
}
// ANCHOR_END: check
