//! Exercise 15, the reference solution: read-only API tokens. `just solution 15` compares your
//! src/exercise.rs with this file.

use actix_web::http::StatusCode;
use actix_web::{HttpMessage as _, HttpRequest, HttpResponse};

use crate::api::{self, Carrier};
use crate::db::Db;
use crate::tokens;

// ANCHOR: create
/// Makes a token named `name` for `user_id` at `now`, read-only when `read_only`; returns the
/// token itself, to show once (as `tokens::create`).
pub async fn create(
    db: &Db,
    user_id: i64,
    name: &str,
    read_only: bool,
    now: i64,
) -> Result<String, sqlx::Error> {
    let token = tokens::generate();
    sqlx::query(
        "INSERT INTO api_tokens (user_id, name, token_hash, created_at, read_only)
         VALUES (?, ?, ?, ?, ?)",
    )
    .bind(user_id)
    .bind(name)
    .bind(tokens::hash(&token))
    .bind(now)
    .bind(read_only)
    .execute(db)
    .await?;
    Ok(token)
}
// ANCHOR_END: create

// ANCHOR: check
/// Whether the token of row `id` is read-only. A row that is gone (revoked meanwhile) may not
/// write either.
pub async fn is_read_only(db: &Db, id: i64) -> Result<bool, sqlx::Error> {
    let read_only: Option<bool> =
        sqlx::query_scalar("SELECT read_only FROM api_tokens WHERE id = ?")
            .bind(id)
            .fetch_optional(db)
            .await?;
    Ok(read_only.unwrap_or(true))
}

/// Asked by `main.rs` before every API call that is not a `GET`, once `login_required` has let
/// it through: `Some(answer)` refuses the call with that answer, `None` lets it go on.
pub async fn refuse_read_only(
    req: &HttpRequest,
    db: &Db,
) -> Result<Option<HttpResponse>, sqlx::Error> {
    // Copied out, so the request's extensions are not borrowed across the `await`.
    let carrier = req.extensions().get::<Carrier>().copied();
    let Some(Carrier::ApiToken { id }) = carrier else {
        return Ok(None);
    };
    if is_read_only(db, id).await? {
        return Ok(Some(api::error(StatusCode::FORBIDDEN, "This token is read-only.")));
    }
    Ok(None)
}
// ANCHOR_END: check
