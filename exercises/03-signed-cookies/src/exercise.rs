//! Exercise 03: rotating the secret key. This file is yours: the task is in TASK.md, the tests
//! that check it in src/tests/task.rs. Run them with `just exercise 03`.
//!
//! `index` is lesson 03's home page, moved here so you can change it.

// `resign` is `todo!()` and nothing calls it yet, so the compiler would warn about it, its
// parameters and the imports it needs: this line keeps the starter free of warnings. The
// solution does not need it; delete it when you are done.
#![allow(dead_code, unused_imports, unused_variables)]

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
    // TODO: try the keys in `fallbacks`, in order. The first one that verifies the cookie makes
    //       it a `Verified::Fallback` with the name in it.
    None
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
    let res = render(&req, "index.html", context);
    // TODO: when an older key signed the cookie (`Verified::Fallback`), send it again, signed
    //       with the current key (`resign`). Once every browser has the new cookie, the old
    //       key can leave SECRET_KEY_FALLBACKS.
    res
}

/// The `username` cookie for `name`, signed with `key`: the same cookie `login` in main.rs sets.
pub fn resign(name: &str, key: &Key) -> Cookie<'static> {
    // TODO
    todo!()
}
