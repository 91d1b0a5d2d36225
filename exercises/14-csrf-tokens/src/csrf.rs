//! A CSRF token per session, checked on every `POST` (Flask-WTF's `CSRFProtect`, rebuilt small).
//!
//! Cross-site request forgery: a page on another site holds a form that posts to this one, and
//! the browser sends this site's cookies with it, so the post is made as the signed-in dog.
//! `SameSite=Lax` on the session cookie already stops most of that in today's browsers; a token
//! stops the rest. Every form here carries a hidden field `csrf_token`: a random value that
//! lives in the session, on the server. Another site can make the browser post, but it cannot
//! read this site's pages, so it cannot know the value.

use actix_session::storage::generate_session_key;
use actix_session::{Session, SessionExt as _, SessionInsertError};
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::ErrorInternalServerError;
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{Error, web};
use shared::error_page;

/// The session key, and the form field's name (Flask-WTF's).
const KEY: &str = "_csrf_token";
pub const FIELD: &str = "csrf_token";

// ANCHOR: token
/// This session's token, made the first time a page with a form needs it: 64 random letters and
/// digits from the OS (the generator actix-session uses for session ids). A new session has a
/// new token; `login_user` starts a new session, so a login changes the token too.
pub fn token(session: &Session) -> Result<String, SessionInsertError> {
    if let Some(token) = session.get::<String>(KEY).ok().flatten() {
        return Ok(token);
    }
    let token: String = generate_session_key().into();
    session.insert(KEY, &token)?;
    Ok(token)
}
// ANCHOR_END: token

// ANCHOR: protect
/// Inside `SessionMiddleware`, around every route: a `POST` whose `csrf_token` field is missing
/// or differs from the session's is refused with 403 before any handler sees it. One place, so
/// a new form cannot forget the check.
pub async fn protect(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    if req.method() != Method::POST {
        return next.call(req).await.map(ServiceResponse::map_into_left_body);
    }
    // Read the form, then put it back for the handler's `web::Form`.
    let body = req.extract::<web::Bytes>().await?;
    let sent = values(&body, FIELD);
    if sent.len() > 1 {
        // Which one would count? Neither: a form never sends it twice.
        let page =
            error_page(req.request(), StatusCode::BAD_REQUEST, "The form sent csrf_token twice.");
        return Ok(req.into_response(page).map_into_right_body());
    }
    let sent = sent.first().map(|value| value.to_vec());
    req.set_payload(Payload::from(body));
    let expected = req.get_session().get::<String>(KEY).map_err(ErrorInternalServerError)?;
    let ok = match (sent, expected) {
        (Some(sent), Some(expected)) => constant_time_eq(&sent, expected.as_bytes()),
        _ => false,
    };
    if ok {
        return next.call(req).await.map(ServiceResponse::map_into_left_body);
    }
    let page = error_page(
        req.request(),
        StatusCode::FORBIDDEN,
        "This form is out of date or did not come from this site (its CSRF token is missing or \
         wrong). Go back, reload the page, and send it again.",
    );
    Ok(req.into_response(page).map_into_right_body())
}

/// The raw values of `name` in a form body (`a=1&csrf_token=...`). The token is letters and
/// digits only, so a value that needs percent-decoding cannot be it anyway.
fn values<'a>(body: &'a [u8], name: &str) -> Vec<&'a [u8]> {
    let values = body.split(|&byte| byte == b'&').filter_map(|pair| {
        let rest = pair.strip_prefix(name.as_bytes())?;
        rest.strip_prefix(b"=")
    });
    values.collect()
}

/// Compares in time that depends on the length only, not on where the first difference is, so
/// timing the 403 cannot guess the token one character at a time.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0, |diff, (x, y)| diff | (x ^ y)) == 0
}
// ANCHOR_END: protect

#[cfg(test)]
mod tests;
