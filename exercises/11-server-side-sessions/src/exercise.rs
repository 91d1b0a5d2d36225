//! Exercise 11: changing the password, with sessions on the server. This file is yours: the
//! task is in TASK.md, the tests that check it in src/tests/task.rs. Run them with
//! `just exercise 11`.
//!
//! The first half of `change_password` is exercise 08's, written for you: it checks the form
//! and stores the new hash. The second half, what happens to the sessions, is yours.

// The end of `change_password` is `todo!()`, so the compiler would warn about what it leaves
// unused: this line keeps the starter free of warnings. The solution does not need it; delete
// it when you are done.
#![allow(dead_code, unused_imports, unused_variables)]

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use shared::{PageError, Site, redirect, render_status};

use crate::db::Db;
use crate::errors::Error;
use crate::flash::{Category, flash};
use crate::remember;
use crate::store::{self, Store};
use crate::{CurrentUser, login, page_context, users};

// ANCHOR: update
/// Flask-SQLAlchemy: `user.password_hash = ...`, `db.session.commit()`. (Exercise 08's.)
pub async fn set_password_hash(db: &Db, id: i64, password_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET password_hash = ? WHERE id = ?")
        .bind(password_hash)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}
// ANCHOR_END: update

/// The change-password form's fields; a missing one is a message, not a failed request.
#[derive(Deserialize)]
pub struct PasswordForm {
    current_password: Option<String>,
    new_password: Option<String>,
}

/// The settings page again, with why the form was refused, and 422.
fn refuse(req: &HttpRequest, session: &Session, user: &CurrentUser, message: &str) -> HttpResponse {
    let mut context = page_context(session, user);
    context.insert("error", message);
    render_status(req, StatusCode::UNPROCESSABLE_ENTITY, "settings.html", context)
}

/// What the success message starts with.
pub const CHANGED: &str = "Your password has been changed.";

/// What a wrong current password gets.
pub const WRONG_PASSWORD: &str = "Your current password is wrong.";

// ANCHOR: change_password
/// `POST /settings/password`, behind `fresh_login_required`: checks the current password and
/// the new one, stores the new hash, deletes every other session row of the user, and signs
/// this session in again with the new id. Every remember token of the user is taken back.
pub async fn change_password(
    req: HttpRequest,
    session: Session,
    user: CurrentUser,
    site: web::Data<Site>,
    store: web::Data<Store>,
    db: web::Data<Db>,
    form: web::Form<PasswordForm>,
) -> Result<HttpResponse, Error> {
    let Some(me) = user.user().cloned() else {
        return Err(PageError::forbidden("Please log in to change your password.").into());
    };
    let PasswordForm { current_password, new_password } = form.into_inner();
    let (current, new) = (current_password.unwrap_or_default(), new_password.unwrap_or_default());
    // The rules a registration applies; the name and the address are the user's own, which
    // passed them when they registered.
    if let Err(message) = users::validate(&me.username, &me.email, &new) {
        return Ok(refuse(&req, &session, &user, message));
    }
    // Both slow on purpose: off the async worker, in one trip, one hash per core at a time.
    let checked = site
        .hash(move || {
            let me = users::check_password(Some(me), &current)?;
            Some(users::hash_password(&new).map(|hash| (me, hash)))
        })
        .await;
    let (me, hash) = match checked {
        Ok(Some(done)) => done?,
        Ok(None) => return Ok(refuse(&req, &session, &user, WRONG_PASSWORD)),
        Err(busy) => return Ok(busy.page(&req)),
    };
    set_password_hash(&db, me.id, &hash).await?;
    // From here on, `?` makes a database error the 503 page (`src/errors.rs`).
    // TODO: this session's row id (`store::current_id`; none: a 400,
    //       `PageError::bad_request`); delete every other row of this user
    //       (`store::end_others`, which says how many), and add " Ended 1 other session." or
    //       " Ended N other sessions." to CHANGED. Only the SQLite store can: with Redis
    //       (`Store::Redis`) skip this step; the new fingerprint refuses those sessions anyway.
    // TODO: take back every remember token of the user, this browser's too
    //       (`remember::end_others` with nothing to keep): a copied remember cookie would still
    //       sign in otherwise, whatever the store. `login_user` gives this browser a new one.
    // TODO: sign this session in again as the user with the new hash (`login::login_user`,
    //       keeping the remember cookie if this browser has one), flash the message (success),
    //       and redirect to /settings.
    todo!()
}
// ANCHOR_END: change_password
