//! Exercise 13: following other dogs. This file is yours: the task is in TASK.md, the tests
//! that check it in src/tests/task.rs. Run them with `just exercise 13`.
//!
//! The `follows` table is made by migrations/0005_follows.sql (read it first). `unfollow_dog`,
//! the handler of the Unfollow button, is written for you: `follow_dog` is much the same.

// Your functions are `todo!()`, so the compiler would warn about what they leave unused: this
// line keeps the starter free of warnings. The solution does not need it; delete it when you
// are done.
#![allow(dead_code, unused_imports, unused_variables)]

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
    // TODO: one INSERT into `follows`; a second follow of the same dog must change nothing
    //       and be no error (the pair is the primary key: `ON CONFLICT DO NOTHING`).
    todo!()
}

/// `follower_id` no longer follows `followed_id`; harmless if they did not.
pub async fn unfollow(db: &Db, follower_id: i64, followed_id: i64) -> Result<(), sqlx::Error> {
    // TODO: one DELETE of the pair's row (none there: nothing to do, no error).
    todo!()
}

/// Whether `follower_id` follows `followed_id`: for the button on the dog's page.
pub async fn is_following(
    db: &Db,
    follower_id: i64,
    followed_id: i64,
) -> Result<bool, sqlx::Error> {
    // TODO: whether the pair's row exists (`query_scalar` and `fetch_optional`, as
    //       `woofs::delete` checks that a woof exists). For now nobody follows anybody.
    Ok(false)
}

/// The woofs of the dogs `follower_id` follows, newest first: the lesson's query for woofs
/// with one more join, to the follows of this dog.
pub async fn followed_woofs(db: &Db, follower_id: i64) -> Result<Vec<Woof>, sqlx::Error> {
    // TODO: the lesson's woofs query (`woofs::SELECT`, `woofs::Row`, `woofs::woof`, as
    //       `woofs::by_author` uses them), joined to `follows` on the author, for this follower
    //       only, newest first, at most `woofs::PAGE`.
    todo!()
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
    // TODO: the signed-in dog's id (`user.user()`), the dog in the address (`dog_named`:
    //       404 when there is none), as `unfollow_dog` below.
    // TODO: following yourself: a 400 page that says "You cannot follow yourself."
    //       (`PageError::bad_request`).
    // TODO: `follow` at the site's clock's time (`site.clock().now().unix_timestamp()`), flash
    //       "You follow <name>." and redirect to the dog's page.
    todo!()
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
