//! The `/sessions` page: where you are signed in, and "log out everywhere else". What a session
//! store on the server makes possible (`src/store.rs`); `app` in `main.rs` gives these their
//! routes, behind `login_required`.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use shared::{PageError, Site, redirect, render};

use crate::db::Db;
use crate::errors::Error;
use crate::flash::{Category, flash};
use crate::store::{self, Store};
use crate::{CurrentUser, login, page_context, remember};

// ANCHOR: sessions
/// `/sessions`: where you are signed in. Only the SQLite store can answer: the table has an
/// owner column; actix-session's Redis store keeps each session under its id and nothing else.
pub async fn list_sessions(
    req: HttpRequest,
    session: Session,
    user: CurrentUser,
    site: web::Data<Site>,
    store: web::Data<Store>,
    db: web::Data<Db>,
) -> Result<HttpResponse, Error> {
    let mut context = page_context(&session, &user);
    let Store::Sqlite(_) = store.get_ref() else {
        context.insert("sessions", &Vec::<store::SessionRow>::new());
        context.insert("redis", &true);
        return Ok(render(&req, "sessions.html", context));
    };
    let Some(user_id) = user.user().map(|user| user.id) else {
        return Err(PageError::forbidden("Please log in to see your sessions.").into());
    };
    let current = store::current_id(&req, &site);
    let now = site.clock().now().unix_timestamp();
    let rows = store::of_user(&db, user_id, current.as_deref(), now).await?;
    context.insert("sessions", &rows);
    context.insert("redis", &false);
    Ok(render(&req, "sessions.html", context))
}

/// "Log out everywhere else": every other session of this user is deleted, and every other
/// remember token, so those browsers are anonymous at their next request, even with their
/// remember cookies. This one stays, and keeps its own.
pub async fn end_other_sessions(
    req: HttpRequest,
    session: Session,
    user: CurrentUser,
    site: web::Data<Site>,
    store: web::Data<Store>,
    db: web::Data<Db>,
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
    let now = site.clock().now().unix_timestamp();
    let ended = store::end_others(&db, user_id, &current, now).await?;
    let this_browser = login::remember_token(&req);
    remember::end_others(&db, user_id, this_browser.as_deref()).await?;
    let message = match ended {
        1 => "Ended 1 other session.".to_string(),
        n => format!("Ended {n} other sessions."),
    };
    flash(&session, Category::Success, message)?;
    Ok(redirect("/sessions"))
}
// ANCHOR_END: sessions
