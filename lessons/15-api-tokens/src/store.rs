//! Sessions stored on the server: what seed 004 says Flask does, and what Flask's default
//! cookie session (and lessons 04 to 10) do not. The cookie carries only a random session id;
//! the session's state, its expiry and its owner are a row of the `sessions` table.
//!
//! actix-session does the cookie; a *store* keeps the state. Lessons 04 to 10 used its
//! `CookieSessionStore` (the state is the cookie). Here [`SqliteSessionStore`] implements the
//! same `SessionStore` trait on the lesson's database, and with `REDIS_URL` set the app uses
//! actix-session's own `RedisSessionStore` instead: [`Store`] is either.
//!
//! Flask: `Flask-Session` with `SESSION_TYPE = "sqlalchemy"` (or `"redis"`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use actix_session::storage::{
    LoadError, RedisSessionStore, SaveError, SessionKey, SessionStore, UpdateError,
    generate_session_key,
};
use actix_session::{SessionExt as _, SessionInsertError};
use actix_web::body::MessageBody;
use actix_web::cookie::CookieJar;
use actix_web::cookie::time::Duration;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::ErrorInternalServerError;
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{Error, HttpRequest};
use anyhow::anyhow;
use serde::Serialize;
use shared::{Clock, RequestHead, Site};

use crate::db::Db;
use crate::lifetime;

/// The session keys the store copies into columns, so the table can be searched by owner.
/// `_user_id` is Flask-Login's (see `login.rs`); `_user_agent` is set by [`track`].
const USER_ID: &str = "_user_id";
const USER_AGENT: &str = "_user_agent";

// ANCHOR: store
/// actix-session's `SessionStore` on the `sessions` table (migration 0003).
#[derive(Clone)]
pub struct SqliteSessionStore {
    db: Db,
    /// The site's clock, so tests can move time past a session's end.
    clock: Clock,
}

impl SqliteSessionStore {
    pub fn new(db: Db, clock: Clock) -> SqliteSessionStore {
        SqliteSessionStore { db, clock }
    }

    fn now(&self) -> i64 {
        self.clock.now().unix_timestamp()
    }
}

// ANCHOR: columns
/// What the store keeps of a session's state besides the JSON: its owner, its browser and when
/// it ends. The end is the `_expires` that `lifetime::enforce` wrote, when there is one, so the
/// row and the session agree; else `ttl` from now.
struct Columns {
    user_id: Option<i64>,
    user_agent: Option<String>,
    expires_at: i64,
}

fn columns(state: &HashMap<String, String>, now: i64, ttl: &Duration) -> Columns {
    // Values in the state are JSON: the id is stored as the string `"1"`.
    let text =
        |key: &str| state.get(key).and_then(|json| serde_json::from_str::<String>(json).ok());
    let expires =
        state.get(lifetime::EXPIRES).and_then(|json| serde_json::from_str::<i64>(json).ok());
    Columns {
        user_id: text(USER_ID).and_then(|id| id.parse().ok()),
        user_agent: text(USER_AGENT),
        expires_at: expires.unwrap_or(now + ttl.whole_seconds()),
    }
}
// ANCHOR_END: columns

/// What a failed query of the store says, for `outage` to find: a database that does not answer
/// fails here first for every visitor with a session (signed in; from lesson 14 on, everyone:
/// each page keeps a CSRF token in the session).
const DATABASE_FAILED: &str = "the session store's database failed";

fn down(error: sqlx::Error) -> anyhow::Error {
    anyhow::Error::from(error).context(DATABASE_FAILED)
}

impl SessionStore for SqliteSessionStore {
    /// The state of a session that exists and has not ended. An expired row is refused here,
    /// whatever the cookie says, before the sweeper gets to delete it.
    async fn load(&self, key: &SessionKey) -> Result<Option<HashMap<String, String>>, LoadError> {
        let state: Option<String> =
            sqlx::query_scalar("SELECT state FROM sessions WHERE id = ? AND expires_at > ?")
                .bind(key.as_ref())
                .bind(self.now())
                .fetch_optional(&self.db)
                .await
                .map_err(|error| LoadError::Other(down(error)))?;
        state
            .map(|json| serde_json::from_str(&json))
            .transpose()
            .map_err(|error| LoadError::Deserialization(error.into()))
    }

    /// A new session: a new random id (64 letters and digits from the OS's random source, the
    /// generator actix-session's own stores use) and a new row.
    async fn save(
        &self,
        state: HashMap<String, String>,
        ttl: &Duration,
    ) -> Result<SessionKey, SaveError> {
        let json = serde_json::to_string(&state).map_err(|e| SaveError::Serialization(e.into()))?;
        let (now, key) = (self.now(), generate_session_key());
        let Columns { user_id, user_agent, expires_at } = columns(&state, now, ttl);
        sqlx::query(
            "INSERT INTO sessions (id, user_id, state, user_agent, created_at, last_seen, expires_at)
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(key.as_ref())
        .bind(user_id)
        .bind(json)
        .bind(user_agent)
        .bind(now)
        .bind(now)
        .bind(expires_at)
        .execute(&self.db)
        .await
        .map_err(|error| SaveError::Other(down(error)))?;
        Ok(key)
    }

    /// A changed session. A row that is gone (ended on another device, or expired) stays gone:
    /// a request that was already running must not bring a logged-out session back.
    async fn update(
        &self,
        key: SessionKey,
        state: HashMap<String, String>,
        ttl: &Duration,
    ) -> Result<SessionKey, UpdateError> {
        let json =
            serde_json::to_string(&state).map_err(|e| UpdateError::Serialization(e.into()))?;
        let now = self.now();
        let Columns { user_id, user_agent, expires_at } = columns(&state, now, ttl);
        sqlx::query(
            "UPDATE sessions SET state = ?, user_id = ?, user_agent = ?, last_seen = ?, expires_at = ?
             WHERE id = ? AND expires_at > ?",
        )
        .bind(json)
        .bind(user_id)
        .bind(user_agent)
        .bind(now)
        .bind(expires_at)
        .bind(key.as_ref())
        .bind(now)
        .execute(&self.db)
        .await
        .map_err(|error| UpdateError::Other(down(error)))?;
        Ok(key)
    }

    async fn update_ttl(&self, key: &SessionKey, ttl: &Duration) -> Result<(), anyhow::Error> {
        let now = self.now();
        sqlx::query(
            "UPDATE sessions SET last_seen = ?, expires_at = ? WHERE id = ? AND expires_at > ?",
        )
        .bind(now)
        .bind(now + ttl.whole_seconds())
        .bind(key.as_ref())
        .bind(now)
        .execute(&self.db)
        .await
        .map_err(down)?;
        Ok(())
    }

    /// Logout (`session.purge()`) and a new session id at login (`session.renew()`) come here:
    /// the row is gone, so a copy of the old cookie finds nothing.
    async fn delete(&self, key: &SessionKey) -> Result<(), anyhow::Error> {
        sqlx::query("DELETE FROM sessions WHERE id = ?")
            .bind(key.as_ref())
            .execute(&self.db)
            .await
            .map_err(down)?;
        Ok(())
    }
}
// ANCHOR_END: store

// ANCHOR: sweep
/// How often the server deletes expired rows. They are refused on load anyway; sweeping keeps
/// the table from growing with every visitor who never came back.
pub const SWEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

/// Deletes the sessions that ended by `now`; returns how many.
pub async fn sweep(db: &Db, now: i64) -> Result<u64, sqlx::Error> {
    let done =
        sqlx::query("DELETE FROM sessions WHERE expires_at <= ?").bind(now).execute(db).await?;
    Ok(done.rows_affected())
}
// ANCHOR_END: sweep

// ANCHOR: either
/// The session store the app runs with: SQLite (the default), or Redis when `REDIS_URL` is set.
/// One type for both, so the middleware and the routes are the same either way.
#[derive(Clone)]
pub enum Store {
    Sqlite(SqliteSessionStore),
    Redis(RedisStore),
}

/// Each call goes to the store in use. A Redis call goes through [`RedisStore::within`] (a time
/// limit, a new connection after a failure), and only an `Other` error is Redis failing: a value
/// that is not a session's JSON is not an outage (actix-session starts an empty session).
impl SessionStore for Store {
    async fn load(&self, key: &SessionKey) -> Result<Option<HashMap<String, String>>, LoadError> {
        let redis = match self {
            Store::Sqlite(store) => return store.load(key).await,
            Store::Redis(redis) => redis,
        };
        match redis.within(|store| async move { store.load(key).await }).await {
            Ok(Err(LoadError::Other(error))) => Err(LoadError::Other(redis.failed(error))),
            Ok(answer) => answer,
            Err(error) => Err(LoadError::Other(error)),
        }
    }

    async fn save(
        &self,
        state: HashMap<String, String>,
        ttl: &Duration,
    ) -> Result<SessionKey, SaveError> {
        let redis = match self {
            Store::Sqlite(store) => return store.save(state, ttl).await,
            Store::Redis(redis) => redis,
        };
        match redis.within(|store| async move { store.save(state, ttl).await }).await {
            Ok(Err(SaveError::Other(error))) => Err(SaveError::Other(redis.failed(error))),
            Ok(answer) => answer,
            Err(error) => Err(SaveError::Other(error)),
        }
    }

    async fn update(
        &self,
        key: SessionKey,
        state: HashMap<String, String>,
        ttl: &Duration,
    ) -> Result<SessionKey, UpdateError> {
        let redis = match self {
            Store::Sqlite(store) => return store.update(key, state, ttl).await,
            Store::Redis(redis) => redis,
        };
        match redis.within(|store| async move { store.update(key, state, ttl).await }).await {
            Ok(Err(UpdateError::Other(error))) => Err(UpdateError::Other(redis.failed(error))),
            Ok(answer) => answer,
            Err(error) => Err(UpdateError::Other(error)),
        }
    }

    async fn update_ttl(&self, key: &SessionKey, ttl: &Duration) -> Result<(), anyhow::Error> {
        let redis = match self {
            Store::Sqlite(store) => return store.update_ttl(key, ttl).await,
            Store::Redis(redis) => redis,
        };
        redis
            .within(|store| async move { store.update_ttl(key, ttl).await })
            .await?
            .map_err(|error| redis.failed(error))
    }

    async fn delete(&self, key: &SessionKey) -> Result<(), anyhow::Error> {
        let redis = match self {
            Store::Sqlite(store) => return store.delete(key).await,
            Store::Redis(redis) => redis,
        };
        redis
            .within(|store| async move { store.delete(key).await })
            .await?
            .map_err(|error| redis.failed(error))
    }
}

/// The store for `REDIS_URL` if it is set, else the SQLite one. Connects to Redis at once, so a
/// wrong URL stops the server at start-up with a message that names the variable.
pub async fn open(site: &Site, db: &Db) -> Result<Store, String> {
    match site.config().get("REDIS_URL") {
        Some(url) => open_redis(url, REDIS_WAIT).await.map(Store::Redis),
        None => Ok(Store::Sqlite(SqliteSessionStore::new(db.clone(), site.clock().clone()))),
    }
}

/// How long start-up waits for Redis. The Redis client retries a refused connection for a
/// long while on its own; a server that cannot reach its session store should say so soon.
const REDIS_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

pub async fn open_redis(url: &str, wait: std::time::Duration) -> Result<RedisStore, String> {
    match actix_web::rt::time::timeout(wait, RedisSessionStore::new(url)).await {
        Ok(Ok(store)) => {
            Ok(RedisStore { url: url.to_string(), connection: Arc::new(Mutex::new(Some(store))) })
        }
        Ok(Err(error)) => Err(format!("cannot use Redis at REDIS_URL={url}: {error}")),
        Err(_) => Err(format!(
            "cannot reach Redis at REDIS_URL={url} within {} s: is it running?",
            wait.as_secs_f32()
        )),
    }
}
// ANCHOR_END: either

// ANCHOR: outage
/// How long one request waits for Redis before it gives up with a 503.
pub const CALL_WAIT: std::time::Duration = std::time::Duration::from_secs(1);

/// The text every failed Redis call carries, and the start of the 503's message.
pub const UNAVAILABLE: &str = "The session store is unavailable";

/// actix-session's `RedisSessionStore`, with a time limit on every call and a new connection
/// after a failed one.
///
/// Why: the store talks to Redis through the `redis` crate's `ConnectionManager`, which
/// actix-session builds with its defaults, and lets nobody change: no time limit on an answer,
/// and after a lost connection it reconnects in the background, waiting 1-2 s, then 60-120 s,
/// between attempts (its backoff's base delay is a second, multiplied by a "factor" of 100,
/// capped at a minute). Every call waits for that reconnection: with Redis down, a request
/// hangs for minutes; with Redis back, it still hangs until the next attempt. So a call here
/// gets [`CALL_WAIT`] in all, and a call that failed or ran out of time drops the connection:
/// the next call makes a new one, which succeeds at once when Redis is back. (In Python,
/// `redis.Redis(socket_timeout=1, socket_connect_timeout=1)` says the same to redis-py.)
#[derive(Clone)]
pub struct RedisStore {
    url: String,
    /// The connection the workers share (a `ConnectionManager` inside); `None` after a failure.
    /// A plain `Mutex`: it is held only to copy or replace the handle, never across an `.await`.
    connection: Arc<Mutex<Option<RedisSessionStore>>>,
}

impl RedisStore {
    /// Runs `call` on the connection (a new one if the last call failed), within [`CALL_WAIT`].
    /// `Err` is "Redis did not answer"; `Ok(Err(..))` is the store's own answer, which may
    /// still be a failure to reach Redis.
    async fn within<T, E, F>(
        &self,
        call: impl FnOnce(RedisSessionStore) -> F,
    ) -> Result<Result<T, E>, anyhow::Error>
    where
        F: Future<Output = Result<T, E>>,
    {
        let attempt = async {
            let current = self.slot().clone();
            let store = match current {
                Some(store) => store,
                None => {
                    let store = RedisSessionStore::new(self.url.as_str()).await?;
                    *self.slot() = Some(store.clone());
                    store
                }
            };
            Ok::<_, anyhow::Error>(call(store).await)
        };
        match actix_web::rt::time::timeout(CALL_WAIT, attempt).await {
            Ok(Ok(answer)) => Ok(answer),
            Ok(Err(error)) => Err(self.failed(error)),
            Err(_) => Err(self.failed(anyhow!("no answer within {} s", CALL_WAIT.as_secs_f32()))),
        }
    }

    /// The shared handle. A panic elsewhere while it was held cannot have left it half-written
    /// (it is only ever copied or replaced whole), so a poisoned lock is used as it is.
    fn slot(&self) -> MutexGuard<'_, Option<RedisSessionStore>> {
        self.connection.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Forgets the connection, and says why in the words the 503 middleware looks for.
    fn failed(&self, error: anyhow::Error) -> anyhow::Error {
        *self.slot() = None;
        error.context(format!("{UNAVAILABLE} (Redis)"))
    }
}

/// Outside everything else: a request whose session store failed gets a 503 that says so, as
/// a database that does not answer does (`DATABASE_DOWN` in `src/errors.rs`, the same page
/// when the store is the database).
///
/// actix-session turns every store error into an empty 500 (its `e500`): the cause goes with it
/// for the log, but is not the response, and no type of ours survives the wrapping. Its text
/// does: a failure of [`RedisStore`] says [`UNAVAILABLE`]. The request itself is gone with
/// the error (and a middleware cannot keep a copy of it: actix-web needs it unshared while the
/// routes inside are matched), so what the page needs is taken first: `shared::RequestHead`.
pub async fn outage(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let head = RequestHead::of(req.request());
    match next.call(req).await {
        Err(error) if format!("{error:?}").contains(UNAVAILABLE) => {
            eprintln!("error: session store: {error:?}");
            let message = format!("{UNAVAILABLE}; please try again in a moment.");
            Err(head.error(StatusCode::SERVICE_UNAVAILABLE, &message))
        }
        Err(error) if format!("{error:?}").contains(DATABASE_FAILED) => {
            eprintln!("error: session store: {error:?}");
            Err(head.error(StatusCode::SERVICE_UNAVAILABLE, crate::errors::DATABASE_DOWN))
        }
        answer => answer,
    }
}
// ANCHOR_END: outage

// ANCHOR: track
/// Inside `SessionMiddleware`: a signed-in session records the browser it was made in
/// (`User-Agent`, cut to 200 characters), for the `/sessions` page.
pub async fn track(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let res = next.call(req).await?;
    let session = res.request().get_session();
    if session.contains_key(USER_ID) && !session.contains_key(USER_AGENT) {
        let agent = res.request().headers().get("user-agent").and_then(|v| v.to_str().ok());
        let agent: String = agent.unwrap_or("(no User-Agent)").chars().take(200).collect();
        session
            .insert(USER_AGENT, agent)
            .map_err(|e: SessionInsertError| ErrorInternalServerError(e))?;
    }
    Ok(res)
}
// ANCHOR_END: track

// ANCHOR: list
/// The id of the session this request belongs to: the session cookie, decrypted with the site's
/// key (actix-session encrypts it, with the same key). Handlers never see it otherwise.
pub fn current_id(req: &HttpRequest, site: &Site) -> Option<String> {
    let cookie = req.cookie(lifetime::COOKIE)?;
    let mut jar = CookieJar::new();
    jar.add_original(cookie);
    jar.private(site.key()).get(lifetime::COOKIE).map(|cookie| cookie.value().to_string())
}

/// One row of the `/sessions` page.
#[derive(Debug, Serialize)]
pub struct SessionRow {
    pub created: String,
    pub last_seen: String,
    pub user_agent: String,
    pub current: bool,
}

/// `2026-11-22 05:46 UTC`, without the `time` crate's formatting feature.
pub fn when(unix: i64) -> String {
    match actix_web::cookie::time::OffsetDateTime::from_unix_timestamp(unix) {
        Ok(at) => format!("{} {:02}:{:02} UTC", at.date(), at.hour(), at.minute()),
        Err(_) => unix.to_string(),
    }
}

/// The live sessions of `user_id`, the most recently used first.
pub async fn of_user(
    db: &Db,
    user_id: i64,
    current: Option<&str>,
    now: i64,
) -> Result<Vec<SessionRow>, sqlx::Error> {
    let rows: Vec<(String, i64, i64, Option<String>)> = sqlx::query_as(
        "SELECT id, created_at, last_seen, user_agent FROM sessions
         WHERE user_id = ? AND expires_at > ? ORDER BY last_seen DESC, created_at DESC",
    )
    .bind(user_id)
    .bind(now)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, created, last_seen, user_agent)| SessionRow {
            created: when(created),
            last_seen: when(last_seen),
            user_agent: user_agent.unwrap_or_default(),
            current: current == Some(id.as_str()),
        })
        .collect())
}

/// "Log out everywhere else": deletes every live session of `user_id` but `keep`; returns how
/// many, the number the list showed. (Expired rows are worth nothing already; the sweeper
/// takes them.)
pub async fn end_others(db: &Db, user_id: i64, keep: &str, now: i64) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("DELETE FROM sessions WHERE user_id = ? AND id <> ? AND expires_at > ?")
        .bind(user_id)
        .bind(keep)
        .bind(now)
        .execute(db)
        .await?;
    Ok(done.rows_affected())
}
// ANCHOR_END: list
