//! The task of exercise 09, as tests: changing the password ends the other sessions, for real.
//! Run with: just exercise 11
//!
//! Each test has a fresh database in memory with `user1` / `mypassword`, and the SQLite
//! session store: every session is a row of `sessions`.

use actix_web::cookie::time::OffsetDateTime;
use actix_web::web;
use shared::testkit::{TestClient, TestResponse};
use shared::{Clock, Config, Site};

use crate::db::{self, Db};
use crate::store::{SqliteSessionStore, Store};
use crate::{LESSON, app, login_manager};

const NEW: &str = "a much better one";

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
    let site = Site::with_clock(&LESSON, Config::for_tests(9), clock.clone()).unwrap();
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

/// A browser on `server` with `username` logged in (with "Remember me" if `remember`).
async fn logged_in(server: &Server, username: &str, password: &str, remember: bool) -> TestClient {
    let mut browser = client_of(server).await;
    let mut fields = vec![("username", username), ("password", password)];
    if remember {
        fields.push(("remember", "on"));
    }
    browser.post("/login", &fields).await.assert_redirect("/protected");
    browser
}

async fn user1(server: &Server, remember: bool) -> TestClient {
    logged_in(server, "user1", "mypassword", remember).await
}

async fn change(browser: &mut TestClient, current: &str, new: &str) -> TestResponse {
    let fields = [("current_password", current), ("new_password", new)];
    browser.post("/settings/password", &fields).await
}

/// The flash area of a page (the base layout puts it above `<main>`), or `""`.
fn flashes(res: &TestResponse) -> &str {
    let body = res.body();
    let Some(start) = body.find(r#"<ul class="flashes">"#) else { return "" };
    let end = body[start..].find("</ul>").map_or(body.len(), |end| start + end);
    &body[start..end]
}

/// How many session rows `user_id` has.
async fn rows_of(db: &Db, user_id: i64) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM sessions WHERE user_id = ?")
        .bind(user_id)
        .fetch_one(db)
        .await
        .unwrap()
}

/// rex, registered and logged in: another user, whose sessions a change must not touch.
async fn rex(server: &Server) -> TestClient {
    let mut browser = client_of(server).await;
    let fields = [("username", "rex"), ("email", "rex@dogs.example"), ("password", "good boy!")];
    browser.post("/register", &fields).await.assert_redirect("/login");
    browser.post("/login", &[("username", "rex"), ("password", "good boy!")]).await;
    browser
}

#[actix_web::test]
async fn a_change_deletes_every_other_session_row_of_that_user_and_keeps_this_one() {
    let clock = Clock::manual(start());
    let db = db::for_tests().await;
    let server = server(&clock, &db);
    let mut here = user1(&server, false).await;
    let mut laptop = user1(&server, false).await;
    let mut phone = user1(&server, false).await;
    let mut rex = rex(&server).await;
    assert_eq!(rows_of(&db, 1).await, 3);

    change(&mut here, "mypassword", NEW).await.assert_redirect("/settings");
    assert_eq!(rows_of(&db, 1).await, 1, "only this browser's session is left");
    let page = here.get("/settings").await;
    assert!(flashes(&page).contains("Your password has been changed."), "{}", page.body());
    assert!(flashes(&page).contains("Ended 2 other sessions."), "{}", page.body());
    let page = here.get("/sessions").await;
    assert_eq!(page.main().matches("this session").count(), 1, "{}", page.main());
    assert_eq!(
        page.main().matches("<tr>").count(),
        2,
        "a header and this session:\n{}",
        page.main()
    );

    for other in [&mut laptop, &mut phone] {
        other.get("/protected").await.assert_redirect("/login?next=%2Fprotected");
    }
    rex.get("/protected").await.assert_contains("Logged in as rex");
    here.get("/protected").await.assert_contains("Logged in as user1");
}

#[actix_web::test]
async fn the_message_counts_one_other_session_and_none() {
    let clock = Clock::manual(start());
    let db = db::for_tests().await;
    let server = server(&clock, &db);
    let mut here = user1(&server, false).await;
    let _laptop = user1(&server, false).await;
    change(&mut here, "mypassword", NEW).await.assert_redirect("/settings");
    let page = here.get("/settings").await;
    assert!(flashes(&page).contains("Ended 1 other session."), "{}", page.body());
    change(&mut here, NEW, "and another one").await.assert_redirect("/settings");
    let page = here.get("/settings").await;
    assert!(flashes(&page).contains("Ended 0 other sessions."), "{}", page.body());
}

#[actix_web::test]
async fn a_remember_cookie_from_before_the_change_no_longer_restores_the_login() {
    let clock = Clock::manual(start());
    let db = db::for_tests().await;
    let server = server(&clock, &db);
    let mut phone = user1(&server, true).await;
    let mut here = user1(&server, true).await;
    change(&mut here, "mypassword", NEW).await.assert_redirect("/settings");

    // The phone's browser restarts: its session row is gone anyway, and its remember token
    // was taken back.
    phone.restart();
    phone.get("/protected").await.assert_redirect("/login?next=%2Fprotected");
    assert_eq!(rows_of(&db, 1).await, 1, "no session row came back for user1");
    // This browser's remember cookie was renewed with the change.
    here.restart();
    here.get("/protected").await.assert_contains("Logged in as user1");
}

/// The remember tokens on the server, as (selector, owner's name).
async fn remember_rows(db: &Db) -> Vec<(String, String)> {
    sqlx::query_as(
        "SELECT selector, username FROM remember_tokens JOIN users ON users.id = user_id
         ORDER BY username",
    )
    .fetch_all(db)
    .await
    .unwrap()
}

#[actix_web::test]
async fn a_change_takes_back_every_remember_token_of_the_user_and_no_one_elses() {
    let clock = Clock::manual(start());
    let db = db::for_tests().await;
    let server = server(&clock, &db);
    let phone = user1(&server, true).await;
    let copied = phone.cookie("remember_token").unwrap().to_string();
    let mut rex = rex(&server).await;
    rex.post("/login", &[("username", "rex"), ("password", "good boy!"), ("remember", "on")])
        .await
        .assert_redirect("/protected");
    let mut here = user1(&server, true).await;

    change(&mut here, "mypassword", NEW).await.assert_redirect("/settings");
    // Left: rex's token, and the new one this browser got with the change.
    let rows = remember_rows(&db).await;
    let names: Vec<&str> = rows.iter().map(|(_, name)| name.as_str()).collect();
    assert_eq!(names, ["rex", "user1"], "{rows:?}");
    let cookie = here.cookie("remember_token").unwrap();
    assert!(cookie.contains(&format!("={}:", rows[1].0)), "this browser's token: {cookie}");

    // A copy of the phone's cookie, in any browser: nobody, and no session row for it.
    let mut thief = client_of(&server).await;
    thief.set_cookie("remember_token", &copied);
    thief.get("/protected").await.assert_redirect("/login?next=%2Fprotected");
    assert_eq!(rows_of(&db, 1).await, 1, "only this browser's session");
    rex.restart();
    rex.get("/protected").await.assert_contains("Logged in as rex");
}

#[actix_web::test]
async fn the_new_password_logs_in_and_the_old_one_does_not() {
    let clock = Clock::manual(start());
    let db = db::for_tests().await;
    let server = server(&clock, &db);
    let mut here = user1(&server, false).await;
    change(&mut here, "mypassword", NEW).await.assert_redirect("/settings");
    let mut elsewhere = client_of(&server).await;
    let old = [("username", "user1"), ("password", "mypassword")];
    elsewhere.post("/login", &old).await.assert_redirect("/login");
    logged_in(&server, "user1", NEW, false).await.get("/protected").await.assert_status(200);
}

#[actix_web::test]
async fn a_refused_change_deletes_no_session_and_the_next_right_one_does() {
    let clock = Clock::manual(start());
    let db = db::for_tests().await;
    let server = server(&clock, &db);
    let mut here = user1(&server, false).await;
    let mut laptop = user1(&server, false).await;
    for (current, new, reason) in [
        ("not my password", NEW, "Your current password is wrong."),
        ("mypassword", "short", "A password needs at least 8 characters."),
    ] {
        change(&mut here, current, new).await.assert_status(422).assert_contains(reason);
    }
    here.post("/settings/password", &[]).await.assert_status(422);
    assert_eq!(rows_of(&db, 1).await, 2);
    laptop.get("/protected").await.assert_contains("Logged in as user1");

    change(&mut here, "mypassword", NEW).await.assert_redirect("/settings");
    assert_eq!(rows_of(&db, 1).await, 1);
    laptop.get("/protected").await.assert_redirect("/login?next=%2Fprotected");
    here.get("/protected").await.assert_contains("Logged in as user1");
}
