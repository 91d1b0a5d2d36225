//! Exercise 10: changing the password. This file is yours: the task is in TASK.md, the tests
//! that check it in src/tests/task.rs. Run them with `just exercise 10`.

// `change_password` is `todo!()` and nothing calls `set_password_hash` yet, so the compiler would
// warn about them and the imports they need: this line keeps the starter free of warnings. The
// solution does not need it; delete it when you are done.
#![allow(dead_code, unused_imports, unused_variables)]

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use argon2::password_hash::PasswordHash;
use serde::Deserialize;
use shared::{PageError, Site, redirect, render_status};

use crate::db::Db;
use crate::errors::Error;
use crate::flash::{Category, flash};
use crate::{CurrentUser, login, page_context, users};

// ANCHOR: fingerprint
/// A fingerprint of a password hash: its salt. Every new hash gets a new random salt, so the
/// fingerprint changes with the password; and a salt says nothing about the password, so it may
/// sit in a session that `/session` shows. (Django puts an HMAC of the hash there instead; the
/// idea is the same.)
pub fn fingerprint(password_hash: &str) -> String {
    PasswordHash::new(password_hash)
        .ok()
        .and_then(|hash| hash.salt)
        .map_or_else(String::new, |salt| salt.as_str().to_string())
}
// ANCHOR_END: fingerprint

// ANCHOR: alternative_id
/// `UserMixin.get_id` for this app's users: what goes into the session.
/// Flask-Login's "alternative token": the row's id *and* the fingerprint of the password hash,
/// `1|YIxTCDkufcv4BfwLVtoHhQ`, so an id written before a password change no longer matches.
pub fn get_id(user: &users::User) -> String {
    // TODO: the row's id and the fingerprint of the password hash, `<id>|<fingerprint>`.
    user.id.to_string()
}

/// `@login_manager.user_loader`: the user whose id and fingerprint this is, or `None` (the
/// visitor is anonymous) when there is no such user, or their password has changed since.
pub async fn load_user(db: &Db, id: &str) -> Result<Option<users::User>, sqlx::Error> {
    // TODO: split the id at `|` (no `|`: anonymous), and refuse a user whose hash has another
    //       fingerprint now. For now, lesson 10's loader: the id is the row's id.
    // An id that is not a number cannot be a row's: anonymous, not an error.
    let Ok(id) = id.parse::<i64>() else { return Ok(None) };
    users::find(db, id).await
}
// ANCHOR_END: alternative_id

// ANCHOR: update
/// Flask-SQLAlchemy: `user.password_hash = ...`, `db.session.commit()`.
pub async fn set_password_hash(db: &Db, id: i64, password_hash: &str) -> Result<(), sqlx::Error> {
    // TODO: `UPDATE users SET password_hash = ? WHERE id = ?`, as `users::create` runs its INSERT.
    todo!()
}

/// Takes back every remember token of `user_id` (`src/remember.rs` keeps them in the
/// `remember_tokens` table); returns how many.
pub async fn end_remember_tokens(db: &Db, user_id: i64) -> Result<u64, sqlx::Error> {
    // TODO: `DELETE FROM remember_tokens WHERE user_id = ?`; `rows_affected()` says how many.
    todo!()
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

/// What a wrong current password gets.
pub const WRONG_PASSWORD: &str = "Your current password is wrong.";

// ANCHOR: change_password
/// `POST /settings/password`, behind `fresh_login_required`: checks the current password and
/// the new one, stores the new hash, takes back every remember token of the user, and signs
/// this session in again with the new id. Every other session still holds the old id: the
/// loader refuses them.
pub async fn change_password(
    req: HttpRequest,
    site: web::Data<Site>,
    session: Session,
    user: CurrentUser,
    db: web::Data<Db>,
    form: web::Form<PasswordForm>,
) -> Result<HttpResponse, Error> {
    // The handler returns `Result<HttpResponse, Error>` (`src/errors.rs`): `?` makes a
    // database error the 503 page, a refused form is `Ok(refuse(...))`, as in `auth::register`.
    // TODO: the signed-in user: `user.user().cloned()` (the middleware has already sent
    //       anonymous visitors away, but the type does not know that; else a 403
    //       `PageError::forbidden`).
    // TODO: the new password must pass the rules a registration applies (`users::validate`);
    //       if not, `refuse` with the reason.
    // TODO: the current password must be right (`users::check_password`, in `site.hash`, as
    //       the login does it); if not, `refuse` with WRONG_PASSWORD.
    // TODO: hash the new password (`users::hash_password`, in `site.hash` too) and store it.
    // TODO: take back every remember token of the user (`end_remember_tokens`): a copied
    //       remember cookie would otherwise still sign in. All of them, this browser's too:
    //       `login_user` below gives this browser a new one.
    // TODO: sign this session in again with the new id (`login::login_user`; keep the remember
    //       cookie if this browser has one), flash a success message, redirect to /settings.
    todo!()
}
// ANCHOR_END: change_password
