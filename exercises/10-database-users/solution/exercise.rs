//! Exercise 10: changing the password. The reference solution: `just solution 10` shows how it
//! differs from your src/exercise.rs.

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
    format!("{}|{}", user.id, fingerprint(&user.password_hash))
}

/// `@login_manager.user_loader`: the user whose id and fingerprint this is, or `None` (the
/// visitor is anonymous) when there is no such user, or their password has changed since.
pub async fn load_user(db: &Db, id: &str) -> Result<Option<users::User>, sqlx::Error> {
    // An id without a fingerprint, or not a number, cannot be a row's: anonymous, not an error.
    let Some((id, print)) = id.split_once('|') else { return Ok(None) };
    let Ok(id) = id.parse::<i64>() else { return Ok(None) };
    let user = users::find(db, id).await?;
    Ok(user.filter(|user| fingerprint(&user.password_hash) == print))
}
// ANCHOR_END: alternative_id

// ANCHOR: update
/// Flask-SQLAlchemy: `user.password_hash = ...`, `db.session.commit()`.
pub async fn set_password_hash(db: &Db, id: i64, password_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET password_hash = ? WHERE id = ?")
        .bind(password_hash)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// Takes back every remember token of `user_id` (`src/remember.rs` keeps them in the
/// `remember_tokens` table); returns how many.
pub async fn end_remember_tokens(db: &Db, user_id: i64) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("DELETE FROM remember_tokens WHERE user_id = ?")
        .bind(user_id)
        .execute(db)
        .await?;
    Ok(done.rows_affected())
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
    // Remember tokens are rows on the server: take them all back, this browser's too. A copy
    // of any of them (maybe why the password changes) must stop working; this browser, if it
    // was remembered, gets a new token from `login_user` below.
    end_remember_tokens(&db, me.id).await?;
    // Django's `update_session_auth_hash`: this session gets the new id (in a new session, as
    // at every login), and a remember cookie, if this browser had one, the new id too.
    let me = users::User { password_hash: hash, ..me };
    let remember = req.cookie(login::REMEMBER_COOKIE).is_some();
    let message = "Your password has been changed. Every other session is logged out.";
    login::login_user(&req, &session, &me, remember)?;
    flash(&session, Category::Success, message)?;
    Ok(redirect("/settings"))
}
// ANCHOR_END: change_password
