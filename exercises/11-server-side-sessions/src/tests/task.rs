//! The task of exercise 11, as tests: a new session id every two minutes, and the old id's row
//! gone with it. Run with: just exercise 11
//!
//! Each test has a fresh database in memory with `user1` / `mypassword`, the SQLite session
//! store, and a clock the test moves.

use actix_web::cookie::time::{Duration, OffsetDateTime};
use actix_web::cookie::{Cookie, CookieJar};
use actix_web::web;
use shared::testkit::TestClient;
use shared::{Clock, Config, Site};

use crate::db::{self, Db};
use crate::store::{SqliteSessionStore, Store};
use crate::{LESSON, app, lifetime, login_manager};

fn start() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap()
}

/// What `main` makes before serving: the site, the database, the session store.
struct Server {
    site: Site,
    db: Db,
    store: Store,
}

/// The exercise's server on a fresh database, with the SQLite session store and `clock`.
async fn server(clock: &Clock) -> Server {
    let db = db::for_tests().await;
    let store = Store::Sqlite(SqliteSessionStore::new(db.clone(), clock.clone()));
    let site = Site::with_clock(&LESSON, Config::for_tests(11), clock.clone()).unwrap();
    Server { site, db, store }
}

/// A browser on `server`'s app, built as `main` builds it.
async fn client_of(server: &Server) -> TestClient {
    let (db, store) = (server.db.clone(), server.store.clone());
    TestClient::for_site(server.site.clone(), |site| {
        let login_manager = web::Data::new(login_manager(&site, db.clone()));
        app(site, web::Data::new(db), store, login_manager)
    })
    .await
}

/// A browser on `server` with user1 logged in.
async fn user1(server: &Server) -> TestClient {
    let mut browser = client_of(server).await;
    let fields = [("username", "user1"), ("password", "mypassword")];
    browser.post("/login", &fields).await.assert_redirect("/protected");
    browser
}

/// The session id in `browser`'s `session` cookie (decrypted with the site's key, as
/// actix-session reads it).
fn id_of(browser: &TestClient) -> String {
    let value = browser.cookie(lifetime::COOKIE).expect("a session cookie");
    let cookie = Cookie::parse_encoded(format!("{}={value}", lifetime::COOKIE)).unwrap();
    let mut jar = CookieJar::new();
    jar.add_original(cookie.into_owned());
    let id = jar.private(browser.site().key()).get(lifetime::COOKIE).expect("a sealed id");
    id.value().to_string()
}

/// The ids of the session rows.
async fn row_ids(db: &Db) -> Vec<String> {
    sqlx::query_scalar("SELECT id FROM sessions").fetch_all(db).await.unwrap()
}

#[actix_web::test]
async fn two_minutes_after_the_login_the_next_request_gets_a_new_id_and_stays_logged_in() {
    let clock = Clock::manual(start());
    let server = server(&clock).await;
    let mut browser = user1(&server).await;
    let first = id_of(&browser);

    clock.advance(Duration::seconds(119));
    browser.get("/protected").await.assert_contains("Logged in as user1");
    assert_eq!(id_of(&browser), first, "not yet: the id is 1 min 59 s old");

    clock.advance(Duration::seconds(1));
    browser.get("/protected").await.assert_contains("Logged in as user1");
    let second = id_of(&browser);
    assert_ne!(second, first, "a new id at two minutes");
    assert_eq!(row_ids(&server.db).await, vec![second.clone()], "the old id's row is gone");
    // Still the same session: signed in, and still a fresh login (the settings need one).
    browser.get("/protected").await.assert_contains("Logged in as user1");
    browser.get("/settings").await.assert_status(200).assert_contains("Settings of user1");
    assert_eq!(id_of(&browser), second);
}

#[actix_web::test]
async fn a_cookie_copied_before_the_new_id_no_longer_logs_in() {
    let clock = Clock::manual(start());
    let server = server(&clock).await;
    let mut browser = user1(&server).await;
    let copied = browser.cookie(lifetime::COOKIE).unwrap().to_string();

    clock.advance(Duration::minutes(2));
    browser.get("/protected").await.assert_contains("Logged in as user1");
    let mut thief = client_of(&server).await;
    thief.set_cookie(lifetime::COOKIE, &copied);
    thief.get("/protected").await.assert_redirect("/login?next=%2Fprotected");
    browser.get("/protected").await.assert_contains("Logged in as user1");
}

#[actix_web::test]
async fn each_new_id_lives_two_minutes_again() {
    let clock = Clock::manual(start());
    let server = server(&clock).await;
    let mut browser = user1(&server).await;
    let mut ids = vec![id_of(&browser)];
    // A request every minute, for six minutes: a new id at 2, 4 and 6.
    for minute in 1..=6 {
        clock.advance(Duration::minutes(1));
        browser.get("/protected").await.assert_contains("Logged in as user1");
        let id = id_of(&browser);
        if ids.last() != Some(&id) {
            ids.push(id);
            assert_eq!(minute % 2, 0, "a new id at minute {minute}");
        }
    }
    assert_eq!(ids.len(), 4, "the login's id and three new ones: {ids:?}");
    assert_eq!(row_ids(&server.db).await.len(), 1, "one session, one row");
}

#[actix_web::test]
async fn a_logout_when_the_id_is_due_ends_the_session_and_renews_nothing() {
    let clock = Clock::manual(start());
    let server = server(&clock).await;
    let mut browser = user1(&server).await;
    let mut other = user1(&server).await;
    let before = id_of(&other);
    clock.advance(Duration::minutes(2));
    // Both ids are due. The other browser's next request renews its id; this browser's next
    // request is its logout: nothing left to renew, and no row.
    other.get("/protected").await.assert_contains("Logged in as user1");
    assert_ne!(id_of(&other), before, "the other browser has a new id");
    browser.post("/logout", &[]).await.assert_redirect("/login");
    assert_eq!(row_ids(&server.db).await, [id_of(&other)], "only the other browser's row");
    browser.get("/protected").await.assert_redirect("/login?next=%2Fprotected");
}
