//! Exercise 15: read-only API tokens. This file is yours: the task is in TASK.md, the tests that
//! check it in src/tests/task.rs. Run them with `just exercise 15`.
//!
//! The `read_only` column is made by migrations/0006_read_only_tokens.sql (read it first). The
//! tokens page already has the box and marks read-only tokens; `main.rs` already asks
//! `refuse_read_only` before every API call that is not a `GET`.

// Your functions are `todo!()`, so the compiler would warn about what they leave unused: this
// line keeps the starter free of warnings. The solution does not need it; delete it when you
// are done.
#![allow(dead_code, unused_imports, unused_variables)]

use actix_web::http::StatusCode;
use actix_web::{HttpMessage as _, HttpRequest, HttpResponse};

use crate::api::{self, Carrier};
use crate::db::Db;
use crate::tokens;

// ANCHOR: create
/// Makes a token named `name` for `user_id` at `now`, read-only when `read_only`; returns the
/// token itself, to show once (as `tokens::create`).
pub async fn create(
    db: &Db,
    user_id: i64,
    name: &str,
    read_only: bool,
    now: i64,
) -> Result<String, sqlx::Error> {
    // TODO: `tokens::create` stores no `read_only`. Write the same here (`tokens::generate`,
    //       `tokens::hash`: never the token itself in the table), with the `read_only` column
    //       in the INSERT too. For now the box is ignored:
    tokens::create(db, user_id, name, now).await
}
// ANCHOR_END: create

// ANCHOR: check
/// Whether the token of row `id` is read-only. A row that is gone (revoked meanwhile) may not
/// write either.
pub async fn is_read_only(db: &Db, id: i64) -> Result<bool, sqlx::Error> {
    // TODO: the row's `read_only` (`query_scalar` and `fetch_optional`, as `woofs::delete`
    //       checks that a woof exists); no row at all counts as read-only.
    todo!()
}

/// Asked by `main.rs` before every API call that is not a `GET`, once `login_required` has let
/// it through: `Some(answer)` refuses the call with that answer, `None` lets it go on.
pub async fn refuse_read_only(
    req: &HttpRequest,
    db: &Db,
) -> Result<Option<HttpResponse>, sqlx::Error> {
    // TODO: how the request proved who it is: the request loader left an `api::Carrier` in
    //       `req.extensions()`. Only an API token (`Carrier::ApiToken { id }`) can be read-only;
    //       a browser's session (no carrier) writes as before.
    // TODO: a read-only one gets 403 and the JSON error "This token is read-only." (`api::error`).
    // For now every token may write:
    Ok(None)
}
// ANCHOR_END: check
