//! Exercise 10: following other dogs. The reference solution: `just solution 10` shows how it
//! differs from your src/exercise.rs.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use shared::{Site, error_page, redirect};

use crate::db::Db;
use crate::flash::{Category, flash};
use crate::woofs::{self, Woof};
use crate::{CurrentUser, database_page, users};

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

/// The dog named in the address, or the page to answer with: 404 when there is none.
async fn dog_named(
    req: &HttpRequest,
    db: &Db,
    username: &str,
) -> Result<users::User, HttpResponse> {
    match users::find_by_username(db, username).await {
        Ok(Some(dog)) => Ok(dog),
        Ok(None) => Err(error_page(req, StatusCode::NOT_FOUND, "There is no dog of that name.")),
        Err(error) => Err(database_page(req, error)),
    }
}

// ANCHOR: handlers
/// `POST /dogs/{username}/follow`, behind `login_required` (and, as every POST here, the CSRF
/// check): the signed-in dog follows that one, then back to its page.
pub async fn follow_dog(
    req: HttpRequest,
    session: Session,
    user: CurrentUser,
    site: web::Data<Site>,
    db: web::Data<Db>,
    username: web::Path<String>,
) -> HttpResponse {
    let Some(me) = user.view().user.map(|me| me.id) else {
        return error_page(&req, StatusCode::FORBIDDEN, "Please log in to follow a dog.");
    };
    let dog = match dog_named(&req, &db, &username).await {
        Ok(dog) => dog,
        Err(page) => return page,
    };
    // The table refuses it too (its CHECK), but as an error: a clear 400 page first.
    if dog.id == me {
        return error_page(&req, StatusCode::BAD_REQUEST, "You cannot follow yourself.");
    }
    let now = site.clock().now().unix_timestamp();
    if let Err(error) = follow(&db, me, dog.id, now).await {
        return database_page(&req, error);
    }
    if let Err(error) = flash(&session, Category::Success, format!("You follow {}.", dog.username))
    {
        return error_page(&req, StatusCode::INTERNAL_SERVER_ERROR, &error.to_string());
    }
    redirect(&format!("/dogs/{}", dog.username))
}
// ANCHOR_END: handlers

/// `POST /dogs/{username}/unfollow`, behind `login_required`: the signed-in dog no longer
/// follows that one (harmless if it did not), then back to its page.
pub async fn unfollow_dog(
    req: HttpRequest,
    session: Session,
    user: CurrentUser,
    db: web::Data<Db>,
    username: web::Path<String>,
) -> HttpResponse {
    let Some(me) = user.view().user.map(|me| me.id) else {
        return error_page(&req, StatusCode::FORBIDDEN, "Please log in to unfollow a dog.");
    };
    let dog = match dog_named(&req, &db, &username).await {
        Ok(dog) => dog,
        Err(page) => return page,
    };
    if let Err(error) = unfollow(&db, me, dog.id).await {
        return database_page(&req, error);
    }
    let message = format!("You no longer follow {}.", dog.username);
    if let Err(error) = flash(&session, Category::Success, message) {
        return error_page(&req, StatusCode::INTERNAL_SERVER_ERROR, &error.to_string());
    }
    redirect(&format!("/dogs/{}", dog.username))
}
