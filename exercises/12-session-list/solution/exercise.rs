//! Exercise 12: ending one chosen session. The reference solution: `just solution 12` shows how
//! it differs from your src/exercise.rs.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use shared::{PageError, Site, redirect};

use crate::CurrentUser;
use crate::db::Db;
use crate::errors::Error;
use crate::flash::{Category, flash};
use crate::store::{self, Store};

// ANCHOR: end_one
/// Deletes the session row `handle` (its `rowid`) if it is one of `user_id`'s and not `keep`
/// (this session's id); returns how many rows went: 1, or 0 for anyone else's, this one, or one
/// that has ended already.
pub async fn end_one(db: &Db, user_id: i64, handle: i64, keep: &str) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("DELETE FROM sessions WHERE rowid = ? AND user_id = ? AND id <> ?")
        .bind(handle)
        .bind(user_id)
        .bind(keep)
        .execute(db)
        .await?;
    Ok(done.rows_affected())
}
// ANCHOR_END: end_one

/// The End button's one field: the row's handle. Not a number: actix-web's form extractor
/// answers 400 before the handler runs.
#[derive(Deserialize)]
pub struct EndForm {
    session: i64,
}

/// What the page says when one session has ended.
pub const ENDED: &str = "Ended 1 session.";

// ANCHOR: end_session
/// `POST /sessions/end`, behind `login_required`: ends the one session the button names, if it
/// is one of yours and not this one, and goes back to `/sessions`.
pub async fn end_session(
    req: HttpRequest,
    session: Session,
    user: CurrentUser,
    site: web::Data<Site>,
    store: web::Data<Store>,
    db: web::Data<Db>,
    form: web::Form<EndForm>,
) -> Result<HttpResponse, Error> {
    let Store::Sqlite(_) = store.get_ref() else {
        let message = "With REDIS_URL set, sessions cannot be listed or ended by user here.";
        return Err(PageError::new(StatusCode::NOT_IMPLEMENTED, message).into());
    };
    let (Some(current), Some(user_id)) =
        (store::current_id(&req, &site), user.user().map(|user| user.id))
    else {
        return Err(PageError::bad_request("This request has no session.").into());
    };
    if end_one(&db, user_id, form.session, &current).await? == 0 {
        let message = "No such session of yours: it has ended already, or it is this one \
                       (log out to end this one).";
        return Err(PageError::not_found(message).into());
    }
    flash(&session, Category::Success, ENDED)?;
    Ok(redirect("/sessions"))
}
// ANCHOR_END: end_session
