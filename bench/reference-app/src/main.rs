//! A one-file app: the yardstick for `scripts/measure-build`. Not a lesson.

use actix_session::{Session, SessionMiddleware, storage::CookieSessionStore};
use actix_web::{App, HttpResponse, HttpServer, cookie::Key, web};
use serde::Deserialize;

#[derive(Deserialize)]
struct Login {
    username: String,
}

async fn index(session: Session, tera: web::Data<tera::Tera>) -> HttpResponse {
    let mut context = tera::Context::new();
    context.insert("username", &session.get::<String>("username").ok().flatten());
    match tera.render("index.html", &context) {
        Ok(html) => HttpResponse::Ok().content_type("text/html").body(html),
        Err(error) => HttpResponse::InternalServerError().body(error.to_string()),
    }
}

async fn login(session: Session, form: web::Form<Login>) -> HttpResponse {
    let _ = session.insert("username", &form.username);
    HttpResponse::SeeOther().insert_header(("location", "/")).finish()
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let mut tera = tera::Tera::new();
    tera.add_raw_template("index.html", "{% if username %}Hi {{ username }}{% else %}Hi{% endif %}")
        .map_err(std::io::Error::other)?;
    let tera = web::Data::new(tera);
    let key = Key::generate();
    HttpServer::new(move || {
        App::new()
            .app_data(tera.clone())
            .wrap(SessionMiddleware::new(CookieSessionStore::default(), key.clone()))
            .route("/", web::get().to(index))
            .route("/login", web::post().to(login))
    })
    .bind(("127.0.0.1", 8000))?
    .run()
    .await
}
