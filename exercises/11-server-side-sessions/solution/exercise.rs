//! Exercise 11: changing the password, with sessions on the server. The reference solution:
//! `just solution 11` shows how it differs from your src/exercise.rs.

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
    // The other sessions are rows: delete them, all but this one. (With Redis there is no
    // owner to search by; the new fingerprint makes the loader refuse those sessions instead.)
    let mut message = String::from(CHANGED);
    if let Store::Sqlite(_) = store.get_ref() {
        let Some(this_one) = store::current_id(&req, &site) else {
            return Err(PageError::bad_request("This request has no session.").into());
        };
        let ended = store::end_others(&db, me.id, &this_one).await?;
        message += &match ended {
            1 => " Ended 1 other session.".to_string(),
            n => format!(" Ended {n} other sessions."),
        };
    }
    // Remember tokens are rows with either store: take them all back, this browser's too. A
    // copy of any of them (maybe why the password changes) must stop working; this browser,
    // if it was remembered, gets a new token from `login_user` below.
    remember::end_others(&db, me.id, None).await?;
    // This session gets the new id, in a new row as at every login (the old row is deleted),
    // and a remember cookie, if this browser had one, the new id too.
    let me = users::User { password_hash: hash, ..me };
    let remember = req.cookie(login::REMEMBER_COOKIE).is_some();
    login::login_user(&req, &session, &me, remember)?;
    flash(&session, Category::Success, message)?;
    Ok(redirect("/settings"))
}
// ANCHOR_END: change_password
