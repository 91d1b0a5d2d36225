//! Exercise 03: rotating the secret key. The reference solution: `just solution 03` shows how it
//! differs from your src/exercise.rs.

use actix_web::cookie::{Cookie, CookieJar, Key, SameSite};
use actix_web::http::header::{HeaderValue, SET_COOKIE};
use actix_web::{HttpRequest, HttpResponse, web};
use shared::{Context, Site, render};

use crate::{sign, signed_user};

/// A `username` cookie whose signature checked out, and which key made it.
#[derive(Debug, PartialEq, Eq)]
pub enum Verified {
    /// Signed with the current key, `SECRET_KEY`.
    Current(String),
    /// Signed with one of the older keys in `SECRET_KEY_FALLBACKS`: accept it, and sign it
    /// again with the current key.
    Fallback(String),
}

impl Verified {
    /// The name in the cookie, whichever key signed it.
    pub fn name(&self) -> &str {
        match self {
            Verified::Current(name) | Verified::Fallback(name) => name,
        }
    }
}

/// Checks the signature of a `username` cookie with `current` (`SECRET_KEY`), then with each key in
/// `fallbacks` (`SECRET_KEY_FALLBACKS`, newest first). `None` when none of them signed it: a
/// changed cookie, or one signed with a key that is not listed any more.
pub fn verify(cookie: Cookie<'static>, current: &Key, fallbacks: &[Key]) -> Option<Verified> {
    if let Some(name) = verified_with(&cookie, current) {
        return Some(Verified::Current(name));
    }
    // `find_map` stops at the first key that gives a name, as Flask tries its fallbacks.
    fallbacks.iter().find_map(|key| verified_with(&cookie, key)).map(Verified::Fallback)
}

/// The value of `cookie` if `key` signed it, `None` if not: lesson 03's check.
fn verified_with(cookie: &Cookie<'static>, key: &Key) -> Option<String> {
    let mut jar = CookieJar::new();
    jar.add_original(cookie.clone());
    jar.signed(key).get(cookie.name()).map(|cookie| cookie.value().to_string())
}

/// GET /. Flask: `request.cookies.get("username")`, and its signature checked with every key.
pub async fn index(req: HttpRequest, site: web::Data<Site>) -> HttpResponse {
    let verified = signed_user(&req, &site);
    let mut context = Context::new();
    // Only a value signed with one of the server's keys gets here.
    context.insert("username", &verified.as_ref().map(Verified::name));
    let mut res = render(&req, "index.html", context);
    if let Some(Verified::Fallback(name)) = &verified {
        // `encoded()`, as in `login`: the name may hold spaces, `;` or non-ASCII.
        if let Ok(value) = HeaderValue::from_str(&resign(name, site.key()).encoded().to_string()) {
            res.headers_mut().append(SET_COOKIE, value);
        }
    }
    res
}

/// The `username` cookie for `name`, signed with `key`: the same cookie `login` in main.rs sets.
pub fn resign(name: &str, key: &Key) -> Cookie<'static> {
    let cookie = Cookie::build("username", name.to_string())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .finish();
    sign(cookie, key)
}
