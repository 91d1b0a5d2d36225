//! The benchmark's second yardstick, for lesson 11: the bare handler of `bare.rs` plus the two
//! reads lesson 11's signed-in page makes, and nothing else. Per request: the session row by its
//! id, then the user row by id, with the lesson's own SQL, through sqlx on a SQLite file opened
//! with the lesson's options (lessons/11-server-side-sessions/src/db.rs) and made with the
//! lesson's schema (its migrations); then the same fixed bytes as `bare`. No cookie, session
//! middleware, JSON, template or inspector. `just bench` compares lesson 11's `/protected` with
//! it: what is left is the lesson's own work, with the driver's cost on both sides.
//! Run: HOST=127.0.0.1 PORT=8099 BODY_FILE=page.html DATABASE_URL=sqlite:///tmp/b/db bare-reads

use std::str::FromStr as _;
use std::time::{SystemTime, UNIX_EPOCH};

use actix_web::web::{Bytes, Data};
use actix_web::{App, HttpResponse, HttpServer, web};
use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

/// Lesson 11's tables, from its own migration files: the same columns and indexes.
const SCHEMA: [&str; 2] = [
    include_str!("../../../lessons/11-server-side-sessions/migrations/0001_users.sql"),
    include_str!("../../../lessons/11-server-side-sessions/migrations/0003_sessions.sql"),
];

/// The one session every request reads: 64 letters and digits, like the lesson's ids.
const SESSION_ID: &str = "benchBENCHbenchBENCHbenchBENCHbenchBENCHbenchBENCHbenchBENCH0123";

struct Yardstick {
    db: SqlitePool,
    user_id: i64,
    body: Bytes,
}

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |since| since.as_secs() as i64)
}

/// Lesson 11's `SqliteSessionStore::load`, then its `users::find`, with their SQL: the same
/// statements, so sqlx's cache of prepared statements serves both alike.
async fn page(yardstick: Data<Yardstick>) -> HttpResponse {
    let session: Result<Option<String>, sqlx::Error> =
        sqlx::query_scalar("SELECT state FROM sessions WHERE id = ? AND expires_at > ?")
            .bind(SESSION_ID)
            .bind(now())
            .fetch_optional(&yardstick.db)
            .await;
    if !matches!(session, Ok(Some(_))) {
        return HttpResponse::InternalServerError().body(format!("session: {session:?}"));
    }
    let user: Result<Option<(i64, String, String, String)>, sqlx::Error> =
        sqlx::query_as("SELECT id, username, email, password_hash FROM users WHERE id = ?")
            .bind(yardstick.user_id)
            .fetch_optional(&yardstick.db)
            .await;
    match user {
        Ok(Some(_)) => {
            HttpResponse::Ok().content_type("text/html; charset=utf-8").body(yardstick.body.clone())
        }
        other => HttpResponse::InternalServerError().body(format!("user: {other:?}")),
    }
}

/// Lesson 11's `db::open_with` for a file: the same connect and pool options.
async fn open(url: &str) -> Result<SqlitePool, sqlx::Error> {
    let options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true);
    SqlitePoolOptions::new().test_before_acquire(false).connect_with(options).await
}

/// The tables, one user and one session of theirs, valid for a day; returns the user's id.
async fn fill(db: &SqlitePool) -> Result<i64, sqlx::Error> {
    for sql in SCHEMA {
        sqlx::raw_sql(sql).execute(db).await?;
    }
    let user_id: i64 = sqlx::query_scalar(
        "INSERT INTO users (username, email, password_hash) VALUES (?, ?, ?) RETURNING id",
    )
    .bind("bench")
    .bind("bench@load.example")
    .bind("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA")
    .fetch_one(db)
    .await?;
    let state = format!(r#"{{"_user_id":"\"{user_id}\"","_fresh":"true"}}"#);
    sqlx::query(
        "INSERT INTO sessions (id, user_id, state, user_agent, created_at, last_seen, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(SESSION_ID)
    .bind(user_id)
    .bind(state)
    .bind("load")
    .bind(now())
    .bind(now())
    .bind(now() + 86_400)
    .execute(db)
    .await?;
    Ok(user_id)
}

fn main() -> std::io::Result<()> {
    let host = std::env::var("HOST").unwrap_or_else(|_| "127.0.0.1".into());
    let port: u16 = std::env::var("PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(8099);
    let path = std::env::var("BODY_FILE").map_err(|_| std::io::Error::other("set BODY_FILE"))?;
    let url = std::env::var("DATABASE_URL")
        .map_err(|_| std::io::Error::other("set DATABASE_URL to a new SQLite file"))?;
    let body = Bytes::from(std::fs::read(&path)?);
    // As in the lessons (shared/src/server.rs): the pool is made on the main thread's runtime,
    // and every worker thread shares it.
    actix_web::rt::System::new().block_on(async move {
        if let Some(folder) =
            url.strip_prefix("sqlite://").and_then(|p| std::path::Path::new(p).parent())
        {
            std::fs::create_dir_all(folder)?;
        }
        let db = open(&url).await.map_err(std::io::Error::other)?;
        let user_id = fill(&db).await.map_err(std::io::Error::other)?;
        let yardstick = Data::new(Yardstick { db, user_id, body });
        HttpServer::new(move || {
            App::new().app_data(yardstick.clone()).route("/page", web::get().to(page))
        })
        .bind((host.as_str(), port))?
        .run()
        .await
    })
}
