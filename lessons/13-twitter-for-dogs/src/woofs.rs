//! Woofs: what dogs post (seed 001's "Twitter for dogs"). A row of `woofs` (migration 0004)
//! each, with its author; the timeline is everyone's, newest first.

use serde::Serialize;

use crate::db::Db;
use crate::store::when;

/// The longest woof, in characters (Unicode scalar values; Twitter's own count differs for
/// some emoji). The table checks the same bounds, so no other code path can store more.
pub const MAX_CHARS: usize = 280;

// ANCHOR: model
/// One woof as the pages show it.
#[derive(Debug, Serialize)]
pub struct Woof {
    pub id: i64,
    pub author_id: i64,
    pub author: String,
    pub body: String,
    pub posted: String,
}

type Row = (i64, i64, String, String, i64);

fn woof((id, author_id, author, body, created_at): Row) -> Woof {
    Woof { id, author_id, author, body, posted: when(created_at) }
}

const SELECT: &str =
    "SELECT woofs.id, woofs.author_id, users.username, woofs.body, woofs.created_at
                      FROM woofs JOIN users ON users.id = woofs.author_id";

/// How many woofs a page shows. Production code pages through the rest.
const PAGE: i64 = 50;

/// Everyone's woofs, newest first.
pub async fn timeline(db: &Db) -> Result<Vec<Woof>, sqlx::Error> {
    let rows: Vec<Row> =
        sqlx::query_as(&format!("{SELECT} ORDER BY woofs.created_at DESC, woofs.id DESC LIMIT ?"))
            .bind(PAGE)
            .fetch_all(db)
            .await?;
    Ok(rows.into_iter().map(woof).collect())
}

/// One dog's woofs, newest first.
pub async fn by_author(db: &Db, author_id: i64) -> Result<Vec<Woof>, sqlx::Error> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "{SELECT} WHERE woofs.author_id = ? ORDER BY woofs.created_at DESC, woofs.id DESC LIMIT ?"
    ))
    .bind(author_id)
    .bind(PAGE)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(woof).collect())
}
// ANCHOR_END: model

// ANCHOR: post
/// A woof's text as it will be stored: trimmed, 1 to 280 characters. The message is for the dog.
pub fn validate(body: &str) -> Result<&str, &'static str> {
    let body = body.trim();
    match body.chars().count() {
        0 => Err("A woof needs at least one character."),
        n if n > MAX_CHARS => Err("A woof has at most 280 characters."),
        _ => Ok(body),
    }
}

/// Posts a woof by `author_id` at `now` (unix seconds).
pub async fn post(db: &Db, author_id: i64, body: &str, now: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO woofs (author_id, body, created_at) VALUES (?, ?, ?) RETURNING id",
    )
    .bind(author_id)
    .bind(body)
    .bind(now)
    .fetch_one(db)
    .await
}

/// What became of a request to delete a woof.
#[derive(Debug, PartialEq, Eq)]
pub enum Deleted {
    Yes,
    NoSuchWoof,
    NotYours,
}

/// Deletes woof `id` if `author_id` wrote it. One statement does the check and the delete, so
/// nothing can change the woof's owner between the two.
pub async fn delete(db: &Db, id: i64, author_id: i64) -> Result<Deleted, sqlx::Error> {
    let done = sqlx::query("DELETE FROM woofs WHERE id = ? AND author_id = ?")
        .bind(id)
        .bind(author_id)
        .execute(db)
        .await?;
    if done.rows_affected() == 1 {
        return Ok(Deleted::Yes);
    }
    let exists: Option<i64> =
        sqlx::query_scalar("SELECT id FROM woofs WHERE id = ?").bind(id).fetch_optional(db).await?;
    Ok(if exists.is_some() { Deleted::NotYours } else { Deleted::NoSuchWoof })
}
// ANCHOR_END: post

#[cfg(test)]
mod tests;
