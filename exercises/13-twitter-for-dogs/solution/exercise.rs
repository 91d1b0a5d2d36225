//! Exercise 13: following other dogs. The reference solution: `just solution 13` shows how it
//! differs from your src/exercise.rs.

use actix_session::Session;
use actix_web::{HttpResponse, web};
use shared::{PageError, Site, redirect};

use crate::db::Db;
use crate::errors::Error;
use crate::flash::{Category, flash};
use crate::woofs::{self, Woof};
use crate::{CurrentUser, users};

// ANCHOR: queries
/// `follower_id` follows `followed_id` from `now` (unix seconds). Following a dog you already
/// follow changes nothing: the pair is the table's primary key, and `ON CONFLICT DO NOTHING`
/// turns the second row into no row instead of an error.
pub async fn follow(
    db: &Db,
    follower_id: i64,
    followed_id: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO follows (follower_id, followed_id, created_at) VALUES (?, ?, ?)
         ON CONFLICT DO NOTHING",
    )
    .bind(follower_id)
    .bind(followed_id)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

/// `follower_id` no longer follows `followed_id`; harmless if they did not.
pub async fn unfollow(db: &Db, follower_id: i64, followed_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM follows WHERE follower_id = ? AND followed_id = ?")
        .bind(follower_id)
        .bind(followed_id)
        .execute(db)
        .await?;
    Ok(())
}

/// Whether `follower_id` follows `followed_id`: for the button on the dog's page.
pub async fn is_following(
    db: &Db,
    follower_id: i64,
    followed_id: i64,
) -> Result<bool, sqlx::Error> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM follows WHERE follower_id = ? AND followed_id = ?")
            .bind(follower_id)
            .bind(followed_id)
            .fetch_optional(db)
            .await?;
    Ok(found.is_some())
}

/// The woofs of the dogs `follower_id` follows, newest first: the lesson's query for woofs
/// with one more join, to the follows of this dog.
pub async fn followed_woofs(db: &Db, follower_id: i64) -> Result<Vec<Woof>, sqlx::Error> {
    let rows: Vec<woofs::Row> = sqlx::query_as(&format!(
        "{} JOIN follows ON follows.followed_id = woofs.author_id
         WHERE follows.follower_id = ?
         ORDER BY woofs.created_at DESC, woofs.id DESC LIMIT ?",
        woofs::SELECT
    ))
    .bind(follower_id)
    .bind(woofs::PAGE)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(woofs::woof).collect())
}
// ANCHOR_END: queries

/// The dog named in the address: a 404 page when there is none.
async fn dog_named(db: &Db, username: &str) -> Result<users::User, Error> {
    let dog = users::find_by_username(db, username).await?;
    Ok(dog.ok_or_else(|| PageError::not_found("There is no dog of that name."))?)
}

// ANCHOR: handlers
/// `POST /dogs/{username}/follow`, behind `login_required`: the signed-in dog follows that one,
/// then back to its page.
pub async fn follow_dog(
    session: Session,
    user: CurrentUser,
    site: web::Data<Site>,
    db: web::Data<Db>,
    username: web::Path<String>,
) -> Result<HttpResponse, Error> {
    let Some(me) = user.user().map(|me| me.id) else {
        return Err(PageError::forbidden("Please log in to follow a dog.").into());
    };
    let dog = dog_named(&db, &username).await?;
    // The table refuses it too (its CHECK), but as an error: a clear 400 page first.
    if dog.id == me {
        return Err(PageError::bad_request("You cannot follow yourself.").into());
    }
    let now = site.clock().now().unix_timestamp();
    follow(&db, me, dog.id, now).await?;
    flash(&session, Category::Success, format!("You follow {}.", dog.username))?;
    Ok(redirect(&format!("/dogs/{}", dog.username)))
}
// ANCHOR_END: handlers

/// `POST /dogs/{username}/unfollow`, behind `login_required`: the signed-in dog no longer
/// follows that one (harmless if it did not), then back to its page.
pub async fn unfollow_dog(
    session: Session,
    user: CurrentUser,
    db: web::Data<Db>,
    username: web::Path<String>,
) -> Result<HttpResponse, Error> {
    let Some(me) = user.user().map(|me| me.id) else {
        return Err(PageError::forbidden("Please log in to unfollow a dog.").into());
    };
    let dog = dog_named(&db, &username).await?;
    unfollow(&db, me, dog.id).await?;
    flash(&session, Category::Success, format!("You no longer follow {}.", dog.username))?;
    Ok(redirect(&format!("/dogs/{}", dog.username)))
}
