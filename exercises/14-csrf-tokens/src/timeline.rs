//! The woofs' pages: the timeline, posting and deleting a woof, a dog's page. Flask's tutorial
//! keeps its blog's views in `blog.py`, a blueprint; here they are a module, and `app` in
//! `main.rs` gives them their routes. The queries are in `src/woofs.rs`.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use shared::{PageError, Site, redirect, render, render_status};

use crate::db::Db;
use crate::errors::Error;
use crate::flash::{Category, flash};
use crate::{CurrentUser, page_context, users, woofs};

// ANCHOR: timeline
/// The timeline: everyone's woofs, newest first, the form to woof when signed in, and the dogs.
pub async fn index(
    req: HttpRequest,
    session: Session,
    user: CurrentUser,
    db: web::Data<Db>,
) -> Result<HttpResponse, Error> {
    timeline(&req, &session, &user, &db, StatusCode::OK, None, "").await
}

/// The timeline page; after a refused woof, with the reason and the text to fix (`draft`).
async fn timeline(
    req: &HttpRequest,
    session: &Session,
    user: &CurrentUser,
    db: &Db,
    status: StatusCode,
    error: Option<&str>,
    draft: &str,
) -> Result<HttpResponse, Error> {
    let all = users::all(db).await?;
    let timeline = woofs::timeline(db).await?;
    let mut context = page_context(session, user);
    context.insert("users", &all);
    context.insert("woofs", &timeline);
    context.insert("error", &error);
    context.insert("draft", draft);
    context.insert("max_chars", &woofs::MAX_CHARS);
    Ok(render_status(req, status, "index.html", context))
}
// ANCHOR_END: timeline

// ANCHOR: woofs
#[derive(Deserialize)]
pub struct WoofForm {
    body: Option<String>,
}

/// `POST /woofs`, behind `login_required`: the signed-in dog woofs. A refused woof comes back
/// on the timeline with the reason and the text, and 422.
pub async fn post_woof(
    req: HttpRequest,
    session: Session,
    user: CurrentUser,
    site: web::Data<Site>,
    db: web::Data<Db>,
    form: web::Form<WoofForm>,
) -> Result<HttpResponse, Error> {
    let Some(author) = user.user().map(|user| user.id) else {
        return Err(PageError::forbidden("Please log in to woof.").into());
    };
    let text = form.into_inner().body.unwrap_or_default();
    let body = match woofs::validate(&text) {
        Ok(body) => body,
        Err(message) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return timeline(&req, &session, &user, &db, status, Some(message), &text).await;
        }
    };
    let now = site.clock().now().unix_timestamp();
    woofs::post(&db, author, body, now).await?;
    flash(&session, Category::Success, "Woof!")?;
    Ok(redirect("/"))
}

/// `POST /woofs/{id}/delete`, behind `login_required`: only the author may; anyone else gets
/// 403, and a woof that does not exist 404.
pub async fn delete_woof(
    session: Session,
    user: CurrentUser,
    db: web::Data<Db>,
    id: web::Path<i64>,
) -> Result<HttpResponse, Error> {
    let Some(author) = user.user().map(|user| user.id) else {
        return Err(PageError::forbidden("Please log in to delete a woof.").into());
    };
    match woofs::delete(&db, id.into_inner(), author).await? {
        woofs::Deleted::Yes => {}
        woofs::Deleted::NotYours => {
            return Err(PageError::forbidden("You can only delete your own woofs.").into());
        }
        woofs::Deleted::NoSuchWoof => {
            return Err(PageError::not_found("There is no such woof.").into());
        }
    }
    flash(&session, Category::Success, "Woof deleted.")?;
    Ok(redirect("/"))
}

/// `/dogs/{username}`: one dog's woofs.
pub async fn dog_page(
    req: HttpRequest,
    session: Session,
    user: CurrentUser,
    db: web::Data<Db>,
    username: web::Path<String>,
) -> Result<HttpResponse, Error> {
    let dog = users::find_by_username(&db, &username).await?;
    let dog = dog.ok_or_else(|| PageError::not_found("There is no dog of that name."))?;
    let woofs = woofs::by_author(&db, dog.id).await?;
    let mut context = page_context(&session, &user);
    context.insert("dog", &dog.username);
    context.insert("woofs", &woofs);
    Ok(render(&req, "dog.html", context))
}
// ANCHOR_END: woofs
