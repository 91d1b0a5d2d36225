//! Exercise 12: ending one chosen session. This file is yours: the task is in TASK.md, the tests
//! that check it in src/tests/task.rs. Run them with `just exercise 12`.

// The bodies below are `todo!()`, so the compiler would warn about what they leave unused: this
// line keeps the starter free of warnings. The solution does not need it; delete it when you
// are done.
#![allow(dead_code, unused_imports, unused_variables)]

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
    // TODO: one DELETE, like `store::end_others`, with three conditions: this `rowid`, this
    //       owner, and not `keep`. Return how many rows it deleted.
    todo!()
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
    // TODO: as `end_other_sessions` in src/sessions.rs: with Redis (`Store::Redis`), a 501;
    //       this session's id (`store::current_id`) and the user's id, or a 400.
    // TODO: `end_one` (`?`: a database error is the 503 page). Nothing ended: a 404
    //       (`PageError::not_found`) that says why. Else flash ENDED (success) and redirect to
    //       /sessions.
    todo!()
}
// ANCHOR_END: end_session
