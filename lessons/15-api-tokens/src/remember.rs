//! Remember-me tokens kept on the server, so that the server can take them back.
//!
//! Lesson 09's remember cookie (and Flask-Login's) holds the user's id, signed: it signs in
//! until it expires, and nothing on the server can stop a copy of it. Here the cookie holds a
//! token, and the token is a row of `remember_tokens`: logout deletes this browser's row (and,
//! from lesson 12, "log out everywhere else" the user's others), and the next request with a
//! copy of the cookie finds nothing.
//!
//! A token is `<selector>:<validator>`, two random strings. The row is found by the selector
//! and keeps only the SHA-256 of the validator, as lesson 15 keeps its API tokens: a copy of
//! the database (a backup, a leak) holds no usable cookie.
//!
//! Flask: a `RememberToken` model, `secrets.token_urlsafe()` twice, `hashlib.sha256`, and the
//! token (not the user's id) in the remember cookie.

use actix_session::storage::generate_session_key;
use sha2::{Digest as _, Sha256};

use crate::db::Db;

// ANCHOR: make
/// Characters of the selector: enough that two never meet (about 140 bits); it is the row's
/// key, not a secret.
const SELECTOR_CHARS: usize = 24;

/// What the database keeps of a validator: its SHA-256, in hex. A fast hash is right here, as
/// for lesson 15's API tokens: the validator is long and random, there is nothing to guess.
pub fn hash(validator: &str) -> String {
    Sha256::digest(validator.as_bytes()).iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Makes a token for `user_id` that ends at `expires_at` (unix seconds, `now` is when it is
/// made); returns `<selector>:<validator>`, which is stored nowhere and goes into the cookie.
/// The random letters and digits are actix-session's, those of a session id.
pub async fn create(
    db: &Db,
    user_id: i64,
    now: i64,
    expires_at: i64,
) -> Result<String, sqlx::Error> {
    let selector: String = generate_session_key().into();
    let selector = &selector[..SELECTOR_CHARS];
    let validator: String = generate_session_key().into();
    sqlx::query(
        "INSERT INTO remember_tokens (selector, validator_hash, user_id, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?)",
    )
    .bind(selector)
    .bind(hash(&validator))
    .bind(user_id)
    .bind(now)
    .bind(expires_at)
    .execute(db)
    .await?;
    Ok(format!("{selector}:{validator}"))
}
// ANCHOR_END: make

// ANCHOR: check
/// Whose token this is at `now`, or `None`: a token never made here, taken back, changed, or
/// past its end (then its row is deleted on the spot).
pub async fn user_of(db: &Db, token: &str, now: i64) -> Result<Option<i64>, sqlx::Error> {
    let Some((selector, validator)) = token.split_once(':') else { return Ok(None) };
    let row: Option<(String, i64, i64)> = sqlx::query_as(
        "SELECT validator_hash, user_id, expires_at FROM remember_tokens WHERE selector = ?",
    )
    .bind(selector)
    .fetch_optional(db)
    .await?;
    let Some((stored, user_id, expires_at)) = row else { return Ok(None) };
    if expires_at <= now {
        delete(db, token).await?;
        return Ok(None);
    }
    // A plain `==` is enough: what is compared is a hash of what the visitor sent, so how long
    // the comparison takes tells them nothing about the stored hash they could use.
    Ok((hash(validator) == stored).then_some(user_id))
}
// ANCHOR_END: check

// ANCHOR: take_back
/// Takes a token back (logout): its row is deleted.
pub async fn delete(db: &Db, token: &str) -> Result<(), sqlx::Error> {
    let selector = token.split_once(':').map_or(token, |(selector, _)| selector);
    sqlx::query("DELETE FROM remember_tokens WHERE selector = ?")
        .bind(selector)
        .execute(db)
        .await?;
    Ok(())
}

/// Takes back every token of `user_id` but `keep` (this browser's, if it has one); returns how
/// many. "Log out everywhere else": the other browsers' remember cookies are worth nothing.
pub async fn end_others(db: &Db, user_id: i64, keep: Option<&str>) -> Result<u64, sqlx::Error> {
    // Nothing to keep: an empty selector, which no row has.
    let keep = keep.and_then(|token| token.split_once(':')).map_or("", |(selector, _)| selector);
    let done = sqlx::query("DELETE FROM remember_tokens WHERE user_id = ? AND selector <> ?")
        .bind(user_id)
        .bind(keep)
        .execute(db)
        .await?;
    Ok(done.rows_affected())
}
// ANCHOR_END: take_back

#[cfg(test)]
mod tests;
