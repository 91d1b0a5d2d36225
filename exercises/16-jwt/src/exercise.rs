//! Exercise 16: taking JWTs back. This file is yours: the task is in TASK.md, the tests that
//! check it in src/tests/task.rs. Run them with `just exercise 16`.
//!
//! The `jwt_revocations` table is made by migrations/0008_jwt_revocations.sql (read it first).
//! `POST /api/logout` (in `api.rs`) already calls `revoke_all`, and the request loader already
//! asks `refuse_revoked` about every JWT whose signature and `exp` are good.

// Your functions are `todo!()`, so the compiler would warn about what they leave unused: this
// line keeps the starter free of warnings. The solution does not need it; delete it when you
// are done.
#![allow(dead_code, unused_imports, unused_variables)]

use crate::db::Db;
use crate::jwt::Claims;

/// What a revoked JWT is told, in the 401 answer.
pub const REVOKED: &str = "This token has been revoked: ask POST /api/token for a new one.";

// ANCHOR: revoke
/// `POST /api/logout` by `user_id` at `now`: every JWT of that dog issued at or before `now`
/// is revoked. A dog has one row: a second logout moves its `revoked_at` forward.
pub async fn revoke_all(db: &Db, user_id: i64, now: i64) -> Result<(), sqlx::Error> {
    // TODO: store `now` as the `revoked_at` of `user_id`: an INSERT that, when the dog already
    //       has a row, updates it instead (SQLite's `ON CONFLICT (user_id) DO UPDATE SET ...`).
    // For now nothing is stored:
    Ok(())
}

/// When `user_id` last ended its JWTs, or `None` if it never did.
pub async fn revoked_at(db: &Db, user_id: i64) -> Result<Option<i64>, sqlx::Error> {
    // TODO: the row's `revoked_at` (`query_scalar` and `fetch_optional`); no row: `None`.
    todo!()
}
// ANCHOR_END: revoke

// ANCHOR: check
/// Asked by the request loader about every JWT whose signature and `exp` are good, for
/// `user_id` (its `sub`): `Some(reason)` refuses it with a 401 that says `reason`, `None` lets
/// it in.
pub async fn refuse_revoked(
    db: &Db,
    user_id: i64,
    claims: &Claims,
) -> Result<Option<&'static str>, sqlx::Error> {
    // TODO: a JWT issued (`claims.iat`) at or before its dog's `revoked_at` is refused with
    //       `REVOKED`. A dog that never logged out, or a JWT issued after the logout: `None`.
    // For now every JWT is let in:
    Ok(None)
}
// ANCHOR_END: check
