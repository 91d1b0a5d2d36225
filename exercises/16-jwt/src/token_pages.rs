//! The `/tokens` page: a dog's API tokens, a form for a new one, and a button to revoke each.
//! Behind `fresh_login_required` (see `app` in `main.rs`); the tokens themselves, their table
//! and their checks are in `src/tokens.rs`.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use shared::{PageError, Site, redirect, render_status};

use crate::db::Db;
use crate::errors::Error;
use crate::flash::{Category, flash};
use crate::{CurrentUser, page_context, tokens};

// ANCHOR: tokens
/// `/tokens`: this dog's API tokens (names and dates, never the tokens), and the form for a new one.
pub async fn list_tokens(
    req: HttpRequest,
    session: Session,
    user: CurrentUser,
    db: web::Data<Db>,
) -> Result<HttpResponse, Error> {
    tokens_page(&req, &session, &user, &db, StatusCode::OK, None, None).await
}

/// The tokens page, with a token just made (`new_token`, shown this once) or a refused name.
async fn tokens_page(
    req: &HttpRequest,
    session: &Session,
    user: &CurrentUser,
    db: &Db,
    status: StatusCode,
    new_token: Option<(&str, &str)>,
    error: Option<&str>,
) -> Result<HttpResponse, Error> {
    let Some(user_id) = user.user().map(|user| user.id) else {
        return Err(PageError::forbidden("Please log in to see your API tokens.").into());
    };
    let rows = tokens::of_user(db, user_id).await?;
    let mut context = page_context(session, user);
    context.insert("tokens", &rows);
    context.insert("new_name", &new_token.map(|(name, _)| name));
    context.insert("new_token", &new_token.map(|(_, token)| token));
    context.insert("error", &error);
    context.insert("max_chars", &tokens::MAX_NAME_CHARS);
    context.insert("site_url", &req.app_data::<web::Data<Site>>().map(|site| site_url(site)));
    let mut page = render_status(req, status, "tokens.html", context);
    // A page that shows a token must not stay in any cache.
    page.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(page)
}

/// This server's address for the page's example `curl`, from its configuration (`HOST`,
/// `PORT`): never from the request's `Host` or `X-Forwarded-Host`, which whoever sends the
/// request writes. A forged one would put another host beside a fresh token, one copy and
/// paste away from sending the token there. A server on every address (`0.0.0.0`, `::`) is
/// shown at the loopback one.
pub fn site_url(site: &Site) -> String {
    let config = site.config();
    let host = match config.host.as_str() {
        "0.0.0.0" => "127.0.0.1",
        "::" => "::1",
        host => host,
    };
    if host.contains(':') {
        format!("http://[{host}]:{}", config.port)
    } else {
        format!("http://{host}:{}", config.port)
    }
}

#[derive(Deserialize)]
pub struct TokenForm {
    name: Option<String>,
}

/// `POST /tokens`: a new token, shown in this answer only. Not flashed, not redirected to: a
/// flash would keep it in the session row until the next page.
pub async fn create_token(
    req: HttpRequest,
    session: Session,
    user: CurrentUser,
    site: web::Data<Site>,
    db: web::Data<Db>,
    form: web::Form<TokenForm>,
) -> Result<HttpResponse, Error> {
    let Some(user_id) = user.user().map(|user| user.id) else {
        return Err(PageError::forbidden("Please log in to make an API token.").into());
    };
    let text = form.into_inner().name.unwrap_or_default();
    let name = match tokens::validate_name(&text) {
        Ok(name) => name,
        Err(message) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return tokens_page(&req, &session, &user, &db, status, None, Some(message)).await;
        }
    };
    let now = site.clock().now().unix_timestamp();
    let token = tokens::create(&db, user_id, name, now).await?;
    let made = Some((name, token.as_str()));
    tokens_page(&req, &session, &user, &db, StatusCode::CREATED, made, None).await
}

/// `POST /tokens/{id}/revoke`: the token stops working at once. Another dog's token, or one
/// that is gone, is 404: whether it exists is none of this dog's business.
pub async fn revoke_token(
    session: Session,
    user: CurrentUser,
    db: web::Data<Db>,
    id: web::Path<i64>,
) -> Result<HttpResponse, Error> {
    let Some(user_id) = user.user().map(|user| user.id) else {
        return Err(PageError::forbidden("Please log in to revoke a token.").into());
    };
    if !tokens::revoke(&db, id.into_inner(), user_id).await? {
        return Err(PageError::not_found("You have no such token.").into());
    }
    flash(&session, Category::Success, "Token revoked.")?;
    Ok(redirect("/tokens"))
}
// ANCHOR_END: tokens
