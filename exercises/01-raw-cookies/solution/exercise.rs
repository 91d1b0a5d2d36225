//! Exercise 01: a visit counter. The reference solution: `just solution 01` shows how it differs
//! from your src/exercise.rs.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::header::{HeaderValue, SET_COOKIE};
use actix_web::{HttpRequest, HttpResponse};
use shared::{Context, render};

/// GET /visits: "You have visited this page N times.", with the count kept in a `visits` cookie.
pub async fn visits(req: HttpRequest) -> HttpResponse {
    // `parse` returns a `Result`: whatever is not a u32 ("abc", "-3", "", too big) is an `Err`,
    // and `.ok()` turns that into "no count", so a bad cookie counts as no visit yet.
    let so_far =
        req.cookie("visits").and_then(|cookie| cookie.value().parse::<u32>().ok()).unwrap_or(0);
    // `so_far + 1` would panic at u32::MAX in a debug build (and wrap to 0 in a release build).
    let visits = so_far.saturating_add(1);

    let mut context = Context::new();
    context.insert("visits", &visits);
    let mut res = render(&req, "visits.html", context);

    let cookie = Cookie::build("visits", visits.to_string())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .finish();
    // Digits need no percent-encoding, so `to_string()` is enough here.
    if let Ok(value) = HeaderValue::from_str(&cookie.to_string()) {
        res.headers_mut().append(SET_COOKIE, value);
    }
    res
}
