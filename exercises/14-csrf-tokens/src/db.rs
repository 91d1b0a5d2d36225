//! The database: SQLite through sqlx, opened once at start-up with its migrations applied.
//!
//! Flask-SQLAlchemy: `app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///users.db"`,
//! `db = SQLAlchemy(app)`, `db.create_all()`. Here the URI is `DATABASE_URL`, the `db` object a
//! connection pool that every worker thread shares, and `create_all` a list of migrations: SQL
//! files in `migrations/`, applied in order, each once, so a later lesson can change the schema
//! of a database that already holds users.

use std::str::FromStr as _;

use shared::Config;
use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

/// The connection pool: cheap to clone, every clone uses the same connections.
pub type Db = SqlitePool;

// ANCHOR: migrations
/// The migrations, in order: (version, description, SQL). `include_str!` puts the SQL in the
/// binary, so it runs from any folder, and a changed file rebuilds the lesson.
pub const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "users", include_str!("../migrations/0001_users.sql")),
    (2, "demo user", include_str!("../migrations/0002_demo_user.sql")),
    (3, "sessions", include_str!("../migrations/0003_sessions.sql")),
    (4, "woofs", include_str!("../migrations/0004_woofs.sql")),
    // 7, and not this lesson's next number: a version names one migration for good, and a
    // database file may have been made by any older binary of the course (a lesson shares its
    // file with its exercise, and DATABASE_URL can point several at one). 3 to 6 are taken:
    // 3 sessions (lesson 11), 4 woofs (lesson 13), 5 API tokens (lesson 15) and also follows
    // (exercise 13), 6 read-only tokens (exercise 15). A database with one of those applied
    // would take this one for done and never get its table. 7 is free everywhere, so every
    // database, old or new, gets it once on its next start, and nothing else is touched. 8 is
    // exercise 16's (JWT revocations): the next new migration takes 9.
    (7, "remember tokens", include_str!("../migrations/0007_remember_tokens.sql")),
];

/// Applies the migrations this database has not had yet, each in its own transaction: a
/// migration that fails leaves nothing half-done, and the next start tries it again.
/// `BEGIN IMMEDIATE` takes the write lock at once, so two servers starting together on one file
/// cannot both apply the same migration.
pub async fn migrate(db: &Db) -> Result<(), sqlx::Error> {
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version     INTEGER PRIMARY KEY,
             description TEXT NOT NULL
         )",
    )
    .execute(db)
    .await?;
    for (version, description, sql) in MIGRATIONS {
        let mut tx = db.begin_with("BEGIN IMMEDIATE").await?;
        let applied: Option<i64> =
            sqlx::query_scalar("SELECT version FROM schema_migrations WHERE version = ?")
                .bind(version)
                .fetch_optional(&mut *tx)
                .await?;
        if applied.is_none() {
            sqlx::raw_sql(sql).execute(&mut *tx).await?;
            sqlx::query("INSERT INTO schema_migrations (version, description) VALUES (?, ?)")
                .bind(version)
                .bind(description)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
    }
    Ok(())
}
// ANCHOR_END: migrations

// ANCHOR: open
/// Opens the lesson's database (`DATABASE_URL`, else `data/lesson-NN.db` in the checkout),
/// making the file and its folder when missing, and applies the migrations. The error names
/// the variable, and the server stops with it.
pub async fn open(config: &Config, lesson: u8) -> Result<Db, String> {
    let (options, memory) = match config.get("DATABASE_URL") {
        Some(url) => {
            let options = SqliteConnectOptions::from_str(url)
                .map_err(|error| format!("DATABASE_URL is not a usable SQLite URL: {error}"))?;
            (options, url.contains(":memory:") || url.contains("mode=memory"))
        }
        None => {
            let path = shared::config::default_database_path(lesson);
            (SqliteConnectOptions::new().filename(path), false)
        }
    };
    let path = options.get_filename().to_path_buf();
    if !memory {
        // sqlx makes a missing file (`create_if_missing`), but not a missing folder.
        if let Some(folder) = path.parent().filter(|folder| !folder.as_os_str().is_empty()) {
            std::fs::create_dir_all(folder).map_err(|error| {
                format!("cannot make the folder {} for DATABASE_URL: {error}", folder.display())
            })?;
        }
    }
    let db = open_with(options, memory).await.map_err(|error| {
        format!("cannot open the database {} (DATABASE_URL): {error}", path.display())
    })?;
    migrate(&db).await.map_err(|error| {
        format!("cannot apply the migrations to {} (DATABASE_URL): {error}", path.display())
    })?;
    Ok(db)
}

async fn open_with(options: SqliteConnectOptions, memory: bool) -> Result<Db, sqlx::Error> {
    let options = options
        .create_if_missing(true)
        // Write-ahead logging: readers do not wait for a writer. With WAL, `synchronous=NORMAL`
        // cannot corrupt the file; a power cut may lose the last commits, not older ones.
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true);
    // A pool pings a connection before lending it, to catch a database server that hung up.
    // SQLite runs inside this process and cannot hang up; the ping was one more round trip to
    // the connection's thread for every query.
    let pool = SqlitePoolOptions::new().test_before_acquire(false);
    // An in-memory database lives as long as a connection to it: keep exactly one open.
    let pool = if memory {
        pool.max_connections(1).min_connections(1).idle_timeout(None).max_lifetime(None)
    } else {
        pool
    };
    pool.connect_with(options).await
}
// ANCHOR_END: open

/// A fresh, migrated database in memory: one per test, gone when the test ends.
#[cfg(test)]
pub async fn for_tests() -> Db {
    let config = Config::for_tests(0).with("DATABASE_URL", "sqlite::memory:");
    open(&config, 0).await.unwrap_or_else(|error| panic!("{error}"))
}
