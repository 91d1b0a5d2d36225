//! Exercise 16, the reference solution: taking JWTs back. `just solution 16` compares your
//! src/exercise.rs with this file.

use crate::db::Db;
use crate::jwt::Claims;

/// What a revoked JWT is told, in the 401 answer.
pub const REVOKED: &str = "This token has been revoked: ask POST /api/token for a new one.";

// ANCHOR: revoke
/// `POST /api/logout` by `user_id` at `now`: every JWT of that dog issued at or before `now`
/// is revoked. A dog has one row: a second logout moves its `revoked_at` forward.
pub async fn revoke_all(db: &Db, user_id: i64, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO jwt_revocations (user_id, revoked_at) VALUES (?, ?)
         ON CONFLICT (user_id) DO UPDATE SET revoked_at = excluded.revoked_at",
    )
    .bind(user_id)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

/// When `user_id` last ended its JWTs, or `None` if it never did.
pub async fn revoked_at(db: &Db, user_id: i64) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT revoked_at FROM jwt_revocations WHERE user_id = ?")
        .bind(user_id)
        .fetch_optional(db)
        .await
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
    // The lookup a JWT was meant to save: one small read per call, by the primary key.
    let revoked = revoked_at(db, user_id).await?;
    // `<=`: `iat` counts whole seconds, so a token issued in the second of the logout may be
    // one issued just before it. It goes too; a new login waits for the next second.
    Ok(revoked.is_some_and(|at| claims.iat <= at).then_some(REVOKED))
}
// ANCHOR_END: check
