//! Opaque API tokens: long random strings a signed-in dog makes on the `/tokens` page, for a
//! script or an app, and sends as `Authorization: Bearer woof_...`.
//!
//! The token means nothing by itself: the server looks it up on every request. Only its
//! SHA-256 is stored (with the remember tokens' [`hash`]: a fast hash is right for a long random
//! token, unlike for passwords), so a copy of the database (a backup, a leak) holds no usable
//! token, and the token itself is shown once, when it is made. Revoking deletes the row: the
//! next request with that token finds nothing.
//!
//! Flask: a `Token` model with `token_hash = hashlib.sha256(token.encode()).hexdigest()` and
//! `secrets.token_urlsafe(32)` for the token, looked up by `@login_manager.request_loader`.

use actix_session::storage::generate_session_key;
use serde::Serialize;

use crate::db::Db;
pub use crate::remember::hash;
use crate::store::when;

// ANCHOR: make
/// Every token starts with this, so a token pasted into a chat or pushed to a repository is
/// easy to recognise (secret scanners look for such prefixes).
pub const PREFIX: &str = "woof_";

/// The most characters a token's name may have.
pub const MAX_NAME_CHARS: usize = 64;

/// A new token: the prefix and 64 random letters and digits from the OS (about 380 bits, the
/// generator actix-session uses for session ids).
pub fn generate() -> String {
    let random: String = generate_session_key().into();
    format!("{PREFIX}{random}")
}

/// A token's name as it will be stored: trimmed, 1 to 64 characters.
pub fn validate_name(name: &str) -> Result<&str, &'static str> {
    let name = name.trim();
    match name.chars().count() {
        0 => Err("Please give the token a name, such as the script that will use it."),
        n if n > MAX_NAME_CHARS => Err("A token's name has at most 64 characters."),
        _ => Ok(name),
    }
}

/// Makes a token named `name` for `user_id` at `now`; returns the token itself, which is
/// stored nowhere and must be shown to the user now.
// The exercise makes tokens with `exercise::create`; the starter's calls this one.
#[allow(dead_code)]
pub async fn create(db: &Db, user_id: i64, name: &str, now: i64) -> Result<String, sqlx::Error> {
    let token = generate();
    sqlx::query(
        "INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES (?, ?, ?, ?)",
    )
    .bind(user_id)
    .bind(name)
    .bind(hash(&token))
    .bind(now)
    .execute(db)
    .await?;
    Ok(token)
}
// ANCHOR_END: make

// ANCHOR: check
/// Whose token this is: the token's row id and its owner, or `None` for a token that was
/// never made here or has been revoked. The use is recorded (`last_used`) for the tokens page.
pub async fn owner(db: &Db, token: &str, now: i64) -> Result<Option<(i64, i64)>, sqlx::Error> {
    sqlx::query_as("UPDATE api_tokens SET last_used = ? WHERE token_hash = ? RETURNING id, user_id")
        .bind(now)
        .bind(hash(token))
        .fetch_optional(db)
        .await
}
// ANCHOR_END: check

// ANCHOR: list
/// One row of the `/tokens` page: never the token, which the server does not have.
#[derive(Debug, Serialize)]
pub struct TokenRow {
    pub id: i64,
    pub name: String,
    pub created: String,
    pub last_used: Option<String>,
    /// The exercise's column: a token that may only read.
    pub read_only: bool,
}

/// The tokens of `user_id`, the newest first.
pub async fn of_user(db: &Db, user_id: i64) -> Result<Vec<TokenRow>, sqlx::Error> {
    let rows: Vec<(i64, String, i64, Option<i64>, bool)> = sqlx::query_as(
        "SELECT id, name, created_at, last_used, read_only FROM api_tokens WHERE user_id = ?
         ORDER BY created_at DESC, id DESC",
    )
    .bind(user_id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, created, last_used, read_only)| TokenRow {
            id,
            name,
            created: when(created),
            last_used: last_used.map(when),
            read_only,
        })
        .collect())
}

/// Revokes token `id` if it belongs to `user_id`: the row is deleted, and the token with it.
/// `false` when there is no such token of this user (someone else's gets the same answer).
pub async fn revoke(db: &Db, id: i64, user_id: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM api_tokens WHERE id = ? AND user_id = ?")
        .bind(id)
        .bind(user_id)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}
// ANCHOR_END: list

#[cfg(test)]
mod tests;
