//! The benchmark's yardstick: a bare actix-web handler serving fixed bytes at `/page`, with the
//! same actix-web build and worker count as the lessons, and none of their work (no session, no
//! template, no cookie inspector). `just bench` gives it the lesson's signed-in page, byte for
//! byte, and compares. Run: HOST=127.0.0.1 PORT=8099 BODY_FILE=page.html bare

use actix_web::web::Bytes;
use actix_web::{App, HttpResponse, HttpServer, web};

fn main() -> std::io::Result<()> {
    let host = std::env::var("HOST").unwrap_or_else(|_| "127.0.0.1".into());
    let port: u16 = std::env::var("PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(8099);
    let path = std::env::var("BODY_FILE").map_err(|_| std::io::Error::other("set BODY_FILE"))?;
    let body = Bytes::from(std::fs::read(&path)?);
    actix_web::rt::System::new().block_on(async move {
        HttpServer::new(move || {
            let body = body.clone();
            App::new().route(
                "/page",
                web::get().to(move || {
                    let body = body.clone();
                    async move { HttpResponse::Ok().content_type("text/html; charset=utf-8").body(body) }
                }),
            )
        })
        .bind((host.as_str(), port))?
        .run()
        .await
    })
}
