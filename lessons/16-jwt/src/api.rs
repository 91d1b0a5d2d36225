//! The JSON API, for clients that keep no cookies: curl, a script, a phone app.
//!
//! ```text
//! POST /api/token   username, password  -> {"access_token": "<JWT>", "token_type": "Bearer", ...}
//! GET  /api/me                          -> {"id": 1, "username": "user1", "via": "jwt", ...}
//! GET  /api/woofs                       -> {"woofs": [...]}, the timeline
//! POST /api/woofs   body                -> 201 {"id": ..., "body": ...}
//! ```
//!
//! Every call but `/api/token` needs `Authorization: Bearer <token>`, where the token is an API
//! token from the `/tokens` page (`woof_...`) or a JWT from `POST /api/token`. A call without
//! good credentials gets 401 with `WWW-Authenticate: Bearer` and a JSON error, never the
//! redirect to the login page a browser gets. Request bodies are forms
//! (`application/x-www-form-urlencoded`, `curl -d`), as for OAuth 2's token endpoint: the
//! course's input guard takes no other body.

use actix_web::http::StatusCode;
use actix_web::http::header::{AUTHORIZATION, CACHE_CONTROL, WWW_AUTHENTICATE};
use actix_web::{Error, HttpMessage as _, HttpRequest, HttpResponse, web};
use serde::Deserialize;
use serde_json::json;
use shared::{PageError, Site};

use crate::db::Db;
use crate::{CurrentUser, auth, errors, jwt, tokens, users, woofs};

// ANCHOR: carrier
/// How a request proved who it is with its `Authorization` header: left in the request by the
/// request loader, for the handlers (Flask keeps such things in `g`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Carrier {
    /// An API token from the `/tokens` page; `id` is its row.
    ApiToken { id: i64 },
    /// A JWT from `POST /api/token`.
    Jwt,
}

/// Why the `Authorization` header was refused, for the 401 answer.
#[derive(Debug, Clone, Copy)]
struct Refused(&'static str);

/// The token of an `Authorization: Bearer <token>` header (RFC 6750): `Ok(None)` without the
/// header; an error for a header that is not one `Bearer` and a token of the allowed characters.
pub fn bearer(req: &HttpRequest) -> Result<Option<&str>, &'static str> {
    const MALFORMED: &str = "The Authorization header must be `Bearer <token>`.";
    let Some(value) = req.headers().get(AUTHORIZATION) else { return Ok(None) };
    let value = value.to_str().map_err(|_| MALFORMED)?;
    let (scheme, token) = value.split_once(' ').ok_or(MALFORMED)?;
    let allowed = |c: char| c.is_ascii_alphanumeric() || "-._~+/".contains(c);
    let token_ok = !token.is_empty()
        && token.trim_end_matches('=').chars().all(allowed)
        && !token.starts_with('=');
    if !scheme.eq_ignore_ascii_case("Bearer") || !token_ok {
        return Err(MALFORMED);
    }
    Ok(Some(token))
}
// ANCHOR_END: carrier

// ANCHOR: request_loader
/// Flask-Login's `@login_manager.request_loader` for this app: the user behind the request's
/// `Authorization: Bearer` token. A `woof_` token is looked up (by its hash) in `api_tokens`;
/// anything else must be a JWT signed here that has not expired. Either way the user must
/// still exist. What was refused, and why, is left in the request for [`unauthorized`].
pub async fn load_user_from_request(
    db: &Db,
    req: &HttpRequest,
) -> Result<Option<users::User>, Error> {
    let refuse = |reason: &'static str| {
        req.extensions_mut().insert(Refused(reason));
        Ok(None)
    };
    let Some(site) = req.app_data::<web::Data<Site>>() else {
        return Err(actix_web::error::ErrorInternalServerError("shared::Site is missing"));
    };
    let now = site.clock().now().unix_timestamp();
    let token = match bearer(req) {
        Ok(Some(token)) => token,
        Ok(None) => return Ok(None),
        Err(reason) => return refuse(reason),
    };
    let (carrier, user_id) = if token.starts_with(tokens::PREFIX) {
        match tokens::owner(db, token, now).await.map_err(errors::Error::from)? {
            Some((id, user_id)) => (Carrier::ApiToken { id }, user_id),
            None => return refuse("This API token is unknown or has been revoked."),
        }
    } else {
        match jwt::verify(&jwt::key(site), token, now) {
            Ok(claims) => match claims.sub.parse() {
                Ok(user_id) => (Carrier::Jwt, user_id),
                Err(_) => return refuse(jwt::Refused::Malformed.message()),
            },
            Err(refused) => return refuse(refused.message()),
        }
    };
    match users::find(db, user_id).await.map_err(errors::Error::from)? {
        Some(user) => {
            req.extensions_mut().insert(carrier);
            Ok(Some(user))
        }
        None => refuse("The token's user no longer exists."),
    }
}
// ANCHOR_END: request_loader

// ANCHOR: unauthorized
/// The realm in the `WWW-Authenticate` challenge: which credentials the client should send.
const REALM: &str = "session-lessons API";

/// A JSON error: `{"error": "..."}`.
pub fn error(status: StatusCode, message: &str) -> HttpResponse {
    HttpResponse::build(status).json(json!({ "error": message }))
}

/// Flask-Login's `@login_manager.unauthorized_handler` for this app: an API call, or any
/// request that came with an `Authorization` header, gets 401 and a JSON error (a script can
/// do nothing with the login page); a browser's page gets `None`, so the redirect to the login
/// page, as before.
pub fn unauthorized(req: &HttpRequest) -> Option<HttpResponse> {
    if !req.path().starts_with("/api/") && !req.headers().contains_key(AUTHORIZATION) {
        return None;
    }
    let refused = req.extensions().get::<Refused>().copied();
    let signed_in = req.extensions().get::<CurrentUser>().is_some_and(|u| u.is_authenticated());
    let (invalid, message) = match refused {
        // RFC 6750: a token that was sent and refused is an `invalid_token`.
        Some(Refused(why)) => (r#", error="invalid_token""#, why),
        None if signed_in => {
            ("", "This page needs a login with the password, in a browser; a token is not enough.")
        }
        None => (
            "",
            "Authentication required: send `Authorization: Bearer <token>`, with an API token \
             from /tokens or a JWT from POST /api/token.",
        ),
    };
    let mut answer = error(StatusCode::UNAUTHORIZED, message);
    let challenge = format!(r#"Bearer realm="{REALM}"{invalid}"#);
    let challenge = actix_web::http::header::HeaderValue::from_str(&challenge).ok()?;
    answer.headers_mut().insert(WWW_AUTHENTICATE, challenge);
    Some(answer)
}
// ANCHOR_END: unauthorized

// ANCHOR: token
#[derive(Deserialize)]
pub struct TokenForm {
    username: Option<String>,
    password: Option<String>,
}

/// `POST /api/token`: a username and a password for a JWT, as OAuth 2's password grant answers
/// (`access_token`, `token_type`, `expires_in`). No session, no cookie: the client keeps the
/// token and sends it back in the `Authorization` header. An `Err` is answered as JSON here:
/// under `/api/`, the error page is `{"error": "..."}`.
pub async fn issue_jwt(
    req: HttpRequest,
    site: web::Data<Site>,
    db: web::Data<Db>,
    form: web::Form<TokenForm>,
) -> Result<HttpResponse, errors::Error> {
    let TokenForm { username, password } = form.into_inner();
    let (username, password) = (username.unwrap_or_default(), password.unwrap_or_default());
    if username.trim().is_empty() || password.is_empty() {
        return Err(PageError::bad_request("Send the form fields username and password.").into());
    }
    let found = users::find_by_username(&db, username.trim()).await?;
    // The same slow Argon2 check as the login form, off the async worker, a few at a time.
    let user = match site.hash(move || users::check_password(found, &password)).await {
        Ok(Some(user)) => user,
        Ok(None) => return Err(PageError::new(StatusCode::UNAUTHORIZED, auth::FAILED).into()),
        // 503 and `Retry-After`, in JSON under `/api/`.
        Err(busy) => return Ok(busy.page(&req)),
    };
    let now = site.clock().now().unix_timestamp();
    let token = jwt::issue(&jwt::key(&site), user.id, now).map_err(|failure| {
        eprintln!("error: signing a JWT: {failure}");
        PageError::new(StatusCode::INTERNAL_SERVER_ERROR, "The token could not be made.")
    })?;
    Ok(HttpResponse::Ok()
        // RFC 6749: a response with a token must not be cached.
        .insert_header((CACHE_CONTROL, "no-store"))
        .json(json!({
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": jwt::LIFETIME.whole_seconds(),
        })))
}
// ANCHOR_END: token

// ANCHOR: routes
/// `GET /api/me`: who the request is, and how it proved it.
pub async fn me(req: HttpRequest, user: CurrentUser) -> HttpResponse {
    let Some(user) = user.user().cloned() else {
        return error(StatusCode::UNAUTHORIZED, "Not signed in.");
    };
    let via = match req.extensions().get::<Carrier>() {
        Some(Carrier::ApiToken { .. }) => "api token",
        Some(Carrier::Jwt) => "jwt",
        None => "session cookie",
    };
    HttpResponse::Ok().json(json!({
        "id": user.id,
        "username": user.username,
        "email": user.email,
        "via": via,
    }))
}

/// `GET /api/woofs`: the timeline, newest first.
pub async fn timeline(db: web::Data<Db>) -> Result<HttpResponse, errors::Error> {
    let woofs = woofs::timeline(&db).await?;
    Ok(HttpResponse::Ok().json(json!({ "woofs": woofs })))
}

#[derive(Deserialize)]
pub struct WoofForm {
    body: Option<String>,
}

/// `POST /api/woofs`: woof as the user behind the token. 201 and the woof, or 422 and why not.
pub async fn post_woof(
    user: CurrentUser,
    site: web::Data<Site>,
    db: web::Data<Db>,
    form: web::Form<WoofForm>,
) -> Result<HttpResponse, errors::Error> {
    let Some(author) = user.user().map(|user| user.id) else {
        return Err(PageError::new(StatusCode::UNAUTHORIZED, "Not signed in.").into());
    };
    let text = form.into_inner().body.unwrap_or_default();
    let body = woofs::validate(&text)
        .map_err(|message| PageError::new(StatusCode::UNPROCESSABLE_ENTITY, message))?;
    let now = site.clock().now().unix_timestamp();
    let id = woofs::post(&db, author, body, now).await?;
    Ok(HttpResponse::Created().json(json!({ "id": id, "body": body })))
}
// ANCHOR_END: routes

#[cfg(test)]
mod tests;
