//! The task of exercise 13, as tests: dogs follow dogs. Run with: just exercise 13
//!
//! Each test has a fresh database in memory with `user1` / `mypassword`.

use actix_web::cookie::time::{Duration, OffsetDateTime};
use actix_web::web;
use shared::testkit::{TestClient, TestResponse};
use shared::{Clock, Config, Site};

use crate::db::{self, Db};
use crate::store::{SqliteSessionStore, Store};
use crate::{LESSON, app, login_manager};

fn start() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap()
}

/// What `main` makes before serving: the site, the database, the session store.
struct Server {
    site: Site,
    db: Db,
    store: Store,
}

/// The exercise's server on `db`, with the SQLite session store.
fn server(clock: &Clock, db: &Db) -> Server {
    let store = Store::Sqlite(SqliteSessionStore::new(db.clone(), clock.clone()));
    let site = Site::with_clock(&LESSON, Config::for_tests(13), clock.clone()).unwrap();
    Server { site, db: db.clone(), store }
}

/// A browser on `server`'s app, built as `main` builds it.
async fn client_of(server: &Server) -> TestClient {
    let (db, store) = (server.db.clone(), server.store.clone());
    TestClient::for_site(server.site.clone(), |site| {
        let login_manager = web::Data::new(login_manager(&site, db.clone()));
        app(site, web::Data::new(db), web::Data::new(store), login_manager)
    })
    .await
}

/// A browser with `name` registered and logged in, on `server`.
async fn dog(server: &Server, name: &str) -> TestClient {
    let mut browser = client_of(server).await;
    let email = format!("{name}@dogs.example");
    let fields = [("username", name), ("email", email.as_str()), ("password", "good boy!")];
    browser.post("/register", &fields).await.assert_redirect("/login");
    let fields = [("username", name), ("password", "good boy!")];
    browser.post("/login", &fields).await.assert_redirect("/protected");
    browser
}

/// The flash area of a page (the base layout puts it above `<main>`), or `""`.
fn flashes(res: &TestResponse) -> &str {
    let body = res.body();
    let Some(start) = body.find(r#"<ul class="flashes">"#) else { return "" };
    let end = body[start..].find("</ul>").map_or(body.len(), |end| start + end);
    &body[start..end]
}

async fn count_follows(db: &Db) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM follows").fetch_one(db).await.unwrap()
}

#[actix_web::test]
async fn following_a_dog_puts_its_woofs_on_my_following_timeline_newest_first() {
    let clock = Clock::manual(start());
    let db = db::for_tests().await;
    let server = server(&clock, &db);
    let mut rex = dog(&server, "rex").await;
    rex.post("/woofs", &[("body", "Walk time?")]).await.assert_redirect("/");
    let mut fido = dog(&server, "fido").await;
    fido.post("/woofs", &[("body", "Squirrel!")]).await.assert_redirect("/");
    clock.advance(Duration::minutes(1));
    rex.post("/woofs", &[("body", "Ball!")]).await.assert_redirect("/");

    let mut max = dog(&server, "max").await;
    max.post("/woofs", &[("body", "My own woof")]).await.assert_redirect("/");
    max.post("/dogs/rex/follow", &[]).await.assert_redirect("/dogs/rex");
    let page = max.get("/dogs/rex").await;
    assert!(flashes(&page).contains("You follow rex."), "{}", page.body());

    let page = max.get("/following").await;
    page.assert_status(200)
        .assert_contains("<p>Walk time?</p>")
        .assert_contains("<p>Ball!</p>")
        .assert_contains(r#"<a href="/dogs/rex">rex</a>"#)
        .assert_not_contains("Squirrel!")
        .assert_not_contains("My own woof");
    let (newest, older) = (page.main().find("Ball!"), page.main().find("Walk time?"));
    assert!(newest < older, "newest first:\n{}", page.main());
    // Following is one dog's business: fido follows nobody.
    fido.get("/following").await.assert_status(200).assert_not_contains("Walk time?");
}

#[actix_web::test]
async fn the_dogs_page_offers_follow_then_unfollow_and_unfollowing_empties_the_timeline() {
    let clock = Clock::manual(start());
    let db = db::for_tests().await;
    let server = server(&clock, &db);
    let mut rex = dog(&server, "rex").await;
    rex.post("/woofs", &[("body", "Walk time?")]).await;
    let mut max = dog(&server, "max").await;

    let page = max.get("/dogs/rex").await;
    page.assert_contains(r#"action="/dogs/rex/follow""#).assert_contains("Follow rex");
    max.post("/dogs/rex/follow", &[]).await.assert_redirect("/dogs/rex");
    let page = max.get("/dogs/rex").await;
    page.assert_contains(r#"action="/dogs/rex/unfollow""#).assert_contains("Unfollow rex");
    max.get("/following").await.assert_contains("Walk time?");

    max.post("/dogs/rex/unfollow", &[]).await.assert_redirect("/dogs/rex");
    let page = max.get("/dogs/rex").await;
    assert!(flashes(&page).contains("You no longer follow rex."), "{}", page.body());
    page.assert_contains(r#"action="/dogs/rex/follow""#);
    let page = max.get("/following").await;
    page.assert_not_contains("Walk time?").assert_contains(r#"id="quiet""#);
    assert_eq!(count_follows(&db).await, 0);
}

#[actix_web::test]
async fn following_twice_is_harmless_and_so_is_unfollowing_a_dog_you_do_not_follow() {
    let clock = Clock::manual(start());
    let db = db::for_tests().await;
    let server = server(&clock, &db);
    let mut rex = dog(&server, "rex").await;
    rex.post("/woofs", &[("body", "Walk time?")]).await;
    let mut max = dog(&server, "max").await;
    for _ in 0..2 {
        max.post("/dogs/rex/follow", &[]).await.assert_redirect("/dogs/rex");
    }
    assert_eq!(count_follows(&db).await, 1);
    let page = max.get("/following").await;
    assert_eq!(page.main().matches("Walk time?").count(), 1, "{}", page.main());
    for _ in 0..2 {
        max.post("/dogs/rex/unfollow", &[]).await.assert_redirect("/dogs/rex");
    }
    assert_eq!(count_follows(&db).await, 0);
}

#[actix_web::test]
async fn you_cannot_follow_yourself() {
    let clock = Clock::manual(start());
    let db = db::for_tests().await;
    let server = server(&clock, &db);
    let mut rex = dog(&server, "rex").await;
    // No button on your own page...
    rex.get("/dogs/rex").await.assert_status(200).assert_not_contains("/follow");
    // ...and a clear 400 for a form made by hand, in any case of the name.
    for name in ["rex", "REX"] {
        let page = rex.post(&format!("/dogs/{name}/follow"), &[]).await;
        page.assert_status(400).assert_contains("You cannot follow yourself.");
    }
    assert_eq!(count_follows(&db).await, 0);
    // The button is there on another dog's page.
    dog(&server, "max")
        .await
        .get("/dogs/rex")
        .await
        .assert_contains(r#"action="/dogs/rex/follow""#);
}

#[actix_web::test]
async fn following_needs_a_login_and_a_dog_that_exists() {
    let clock = Clock::manual(start());
    let db = db::for_tests().await;
    let server = server(&clock, &db);
    let _rex = dog(&server, "rex").await;
    let mut anonymous = client_of(&server).await;
    anonymous.get("/dogs/rex").await.assert_status(200).assert_not_contains("/follow");
    anonymous
        .post("/dogs/rex/follow", &[])
        .await
        .assert_redirect("/login?next=%2Fdogs%2Frex%2Ffollow");
    anonymous.get("/following").await.assert_redirect("/login?next=%2Ffollowing");

    let mut max = dog(&server, "max").await;
    max.post("/dogs/nobody/follow", &[]).await.assert_status(404);
    max.post("/dogs/rex/follow", &[]).await.assert_redirect("/dogs/rex");
    assert_eq!(count_follows(&db).await, 1);
}

#[actix_web::test]
async fn a_dog_deleted_from_the_database_leaves_no_follows_behind() {
    let clock = Clock::manual(start());
    let db = db::for_tests().await;
    let server = server(&clock, &db);
    let mut rex = dog(&server, "rex").await;
    let mut max = dog(&server, "max").await;
    max.post("/dogs/rex/follow", &[]).await.assert_redirect("/dogs/rex");
    rex.post("/dogs/max/follow", &[]).await.assert_redirect("/dogs/max");
    assert_eq!(count_follows(&db).await, 2);
    sqlx::query("DELETE FROM users WHERE username = 'rex'").execute(&db).await.unwrap();
    assert_eq!(count_follows(&db).await, 0);
    max.get("/following").await.assert_status(200).assert_contains(r#"id="quiet""#);
}
