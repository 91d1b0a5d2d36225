//! Registering, logging in and out: Flask's tutorial keeps these views in `auth.py`, a
//! blueprint; here they are a module, and `app` in `main.rs` gives them their routes.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Deserialize;
use shared::{Site, redirect, render, render_status};

use crate::db::Db;
use crate::errors::Error;
use crate::flash::{Category, flash};
use crate::{CurrentUser, login, page_context, users};

/// Where a login lands when `next` is missing or not a local path (the tutorial's
/// `redirect(url_for('protected'))`).
const DEFAULT_PAGE: &str = "/protected";

// ANCHOR: login
/// The form's fields. `Option`: a missing field is a message for the user, not a failed request.
#[derive(Deserialize)]
pub struct LoginForm {
    username: Option<String>,
    password: Option<String>,
    /// The "Remember me" checkbox: present (`on`) when ticked.
    remember: Option<String>,
    /// Where to go afterwards, carried through the form from `?next=`.
    next: Option<String>,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// One message for every failure: which half was wrong is none of the visitor's business.
const FAILED: &str = "Wrong username or password.";

pub async fn login_form(
    req: HttpRequest,
    session: Session,
    user: CurrentUser,
    query: web::Query<NextQuery>,
) -> HttpResponse {
    let next = query.into_inner().next;
    // Signed in with the password already: nothing to do here. A login restored from the
    // remember cookie (not fresh) sees the form, to give the password again.
    if user.is_fresh() {
        return redirect(next.as_deref().and_then(login::safe_next).unwrap_or(DEFAULT_PAGE));
    }
    let mut context = page_context(&session, &user);
    context.insert("next", &next);
    render(&req, "login.html", context)
}

/// Flask: `user = User.query.filter_by(username=...).first()`; if the password matches,
/// `login_user(user, remember=...)`, then `redirect(next or url_for("protected"))`, where
/// `next` must be a local path.
pub async fn login(
    req: HttpRequest,
    site: web::Data<Site>,
    session: Session,
    db: web::Data<Db>,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, Error> {
    let LoginForm { username, password, remember, next } = form.into_inner();
    let (username, password) = (username.unwrap_or_default(), password.unwrap_or_default());
    if username.trim().is_empty() || password.is_empty() {
        return back_to_login(&session, next, "Please enter a username and a password.");
    }
    let found = users::find_by_username(&db, username.trim()).await?;
    // Argon2 is slow on purpose, in CPU and in memory. On an async worker that would stall every
    // other request the worker serves; `site.hash` runs it with `web::block` on a thread pool
    // meant for blocking work, one per core at a time (shared's `hashing`: hundreds at once
    // would take gigabytes), and the worker goes on serving.
    let checked = site.hash(move || users::check_password(found, &password)).await;
    let user = match checked {
        Ok(Some(user)) => user,
        Ok(None) => return back_to_login(&session, next, FAILED),
        // A page of its own: a 503 that also says when to try again (`Retry-After`).
        Err(busy) => return Ok(busy.page(&req)),
    };
    login::login_user(&req, &session, &user, remember.is_some())?;
    flash(&session, Category::Success, format!("Logged in as {}.", user.username))?;
    Ok(redirect(next.as_deref().and_then(login::safe_next).unwrap_or(DEFAULT_PAGE)))
}

/// Flask: `flash(message)` then back to the login page, with `next` still in the address.
fn back_to_login(
    session: &Session,
    next: Option<String>,
    message: &str,
) -> Result<HttpResponse, Error> {
    flash(session, Category::Error, message)?;
    Ok(match next.filter(|next| !next.is_empty()) {
        Some(next) => {
            redirect(&format!("/login?next={}", utf8_percent_encode(&next, NON_ALPHANUMERIC)))
        }
        None => redirect("/login"),
    })
}
// ANCHOR_END: login

// ANCHOR: register
/// The registration form's fields; a missing one is a message, not a failed request.
#[derive(Deserialize)]
pub struct RegisterForm {
    username: Option<String>,
    email: Option<String>,
    password: Option<String>,
}

pub async fn register_form(req: HttpRequest, session: Session, user: CurrentUser) -> HttpResponse {
    render(&req, "register.html", page_context(&session, &user))
}

/// Flask: `db.session.add(User(username=..., email=..., password_hash=...))`,
/// `db.session.commit()`, then to the login page. A refused form comes back filled in (but the
/// password), with the reason and a 4xx status: 422 for a bad value, 409 for a taken one.
pub async fn register(
    req: HttpRequest,
    site: web::Data<Site>,
    session: Session,
    user: CurrentUser,
    db: web::Data<Db>,
    form: web::Form<RegisterForm>,
) -> Result<HttpResponse, Error> {
    let RegisterForm { username, email, password } = form.into_inner();
    let username = username.unwrap_or_default().trim().to_string();
    let email = email.unwrap_or_default().trim().to_string();
    let password = password.unwrap_or_default();
    let refuse = |status: StatusCode, message: &str| {
        let mut context = page_context(&session, &user);
        context.insert("error", message);
        context.insert("username", &username);
        context.insert("email", &email);
        Ok(render_status(&req, status, "register.html", context))
    };
    if let Err(message) = users::validate(&username, &email, &password) {
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, message);
    }
    // Hashing is as slow as checking: off the async worker too.
    let hash = match site.hash(move || users::hash_password(&password)).await {
        Ok(hash) => hash?,
        Err(busy) => return Ok(busy.page(&req)),
    };
    let created = match users::create(&db, &username, &email, &hash).await {
        Ok(created) => created,
        Err(users::CreateError::UsernameTaken) => {
            return refuse(StatusCode::CONFLICT, "That username is taken; please choose another.");
        }
        Err(users::CreateError::EmailTaken) => {
            return refuse(StatusCode::CONFLICT, "That e-mail address is already registered.");
        }
        Err(users::CreateError::Database(error)) => return Err(error.into()),
    };
    let message = format!("Welcome, {}! You can log in now.", created.username);
    flash(&session, Category::Success, message)?;
    Ok(redirect("/login"))
}
// ANCHOR_END: register

// ANCHOR: logout
/// `GET /logout` changes nothing: it shows the button. A link, an image or a prefetch on any
/// site can make a browser GET a page; logging out is a change, so it takes a POST.
pub async fn logout_page(req: HttpRequest, session: Session, user: CurrentUser) -> HttpResponse {
    render(&req, "logout.html", page_context(&session, &user))
}

/// Flask: `logout_user()`, then `redirect(url_for("login"))`. Both cookies are cleared.
pub async fn logout(req: HttpRequest, session: Session) -> HttpResponse {
    login::logout_user(&req, &session);
    redirect("/login")
}
// ANCHOR_END: logout
