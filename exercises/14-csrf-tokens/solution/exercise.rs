//! Exercise 14: where a form comes from. The reference solution: `just solution 14` shows how it
//! differs from your src/exercise.rs.

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
    // Today's browsers say it themselves, and no page can make them lie: `Sec-*` headers are
    // the browser's own. Only this origin's pages (`same-origin`), or the visitor (`none`: an
    // address typed, a bookmark), may post; `same-site` is refused too, as it is what
    // `SameSite=Lax` lets through (another port, a sibling subdomain).
    if let Some(fetch_site) = fetch_site {
        return !matches!(fetch_site, "same-origin" | "none");
    }
    // Older browsers send `Origin` alone: it must be this site's own. `null` (a sandboxed frame,
    // a page from a file) is never anybody's own.
    if let Some(origin) = origin {
        return !origin.eq_ignore_ascii_case(own);
    }
    // Neither: not a browser (curl, a script), or a very old one. The token still decides.
    false
}

/// This site's origin as a browser writes it in `Origin`: the scheme, `://`, and the host with
/// its port when it is not the scheme's default, `http://127.0.0.1:8014`. From the request: the
/// address the browser used, behind a proxy the one the proxy says it used.
pub fn own_origin(req: &HttpRequest) -> String {
    let connection = req.connection_info();
    format!("{}://{}", connection.scheme(), connection.host())
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
    if [Method::GET, Method::HEAD, Method::OPTIONS].contains(req.method()) {
        return next.call(req).await.map(ServiceResponse::map_into_left_body);
    }
    // A header that is not text is nobody's origin.
    let text = |name| req.headers().get(name).map(|value| value.to_str().unwrap_or("?"));
    let (fetch_site, origin) = (text("sec-fetch-site"), text(header::ORIGIN.as_str()));
    if !from_another_origin(fetch_site, origin, &own_origin(req.request())) {
        return next.call(req).await.map(ServiceResponse::map_into_left_body);
    }
    let page = error_page(req.request(), StatusCode::FORBIDDEN, REFUSED);
    Ok(req.into_response(page).map_into_right_body())
}
// ANCHOR_END: check
