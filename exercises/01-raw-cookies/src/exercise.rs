//! Exercise 01: a visit counter. This file is yours: the task is in TASK.md, the tests that
//! check it in src/tests/task.rs. Run them with `just exercise 01`.

// While the body below is `todo!()`, the imports and `req` are not used yet: this line keeps the
// starter free of warnings. The solution does not need it; delete it when you are done.
#![allow(unused_imports, unused_variables)]

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::header::{HeaderValue, SET_COOKIE};
use actix_web::{HttpRequest, HttpResponse};
use shared::{Context, render};

/// GET /visits: "You have visited this page N times.", with the count kept in a `visits` cookie.
///
/// In Flask, roughly (and without the crash when the cookie says `abc`):
///
/// ```python
/// visits = int(request.cookies.get("visits", 0)) + 1
/// resp = make_response(render_template("visits.html", visits=visits))
/// resp.set_cookie("visits", str(visits))
/// ```
pub async fn visits(req: HttpRequest) -> HttpResponse {
    // TODO 1: the visits so far: the `visits` cookie's value as a `u32`. No cookie, or a value
    //         that is not a `u32`, counts as 0. The client can send anything: no `unwrap()`.
    // TODO 2: add this visit. A count already at `u32::MAX` stays there: no overflow.
    // TODO 3: render "visits.html" with the new count in the context as `visits`.
    // TODO 4: send the new count back in the `visits` cookie, for the whole site, HttpOnly and
    //         SameSite=Lax, like `set_cookie` in main.rs does for `username`.
    todo!()
}
