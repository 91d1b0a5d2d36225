//! The task of exercise 10, as tests: changing the password. Run with: just exercise 10
//!
//! Each test has a fresh database in memory with `user1` / `mypassword`.

use actix_web::cookie::time::OffsetDateTime;
use actix_web::web;
use shared::testkit::{TestClient, TestResponse};
use shared::{Clock, Config, Site};

use crate::db::{self, Db};
use crate::{LESSON, app, login_manager};

const NEW: &str = "a much better one";
const CHANGED: &str = "Your password has been changed.";

fn start() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap()
}

/// What `main` makes before serving: the site, and the database.
struct Server {
    site: Site,
    db: Db,
}

/// The exercise's server on `db`.
fn server(clock: &Clock, db: &Db) -> Server {
    let site = Site::with_clock(&LESSON, Config::for_tests(10), clock.clone()).unwrap();
    Server { site, db: db.clone() }
}

/// A browser on `server`'s app, built as `main` builds it.
async fn client_of(server: &Server) -> TestClient {
    let db = server.db.clone();
    TestClient::for_site(server.site.clone(), |site| {
        let login_manager = web::Data::new(login_manager(&site, db.clone()));
        app(site, web::Data::new(db), login_manager)
    })
    .await
}

/// A browser on `server` with user1 logged in (with "Remember me" if `remember`).
async fn user1(server: &Server, password: &str, remember: bool) -> TestClient {
    let mut browser = client_of(server).await;
    let mut fields = vec![("username", "user1"), ("password", password)];
    if remember {
        fields.push(("remember", "on"));
    }
    browser.post("/login", &fields).await.assert_redirect("/protected");
    browser
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

async fn hash_of_user1(db: &Db) -> String {
    sqlx::query_scalar("SELECT password_hash FROM users WHERE username = 'user1'")
        .fetch_one(db)
        .await
        .unwrap()
}

#[actix_web::test]
async fn after_a_change_the_new_password_works_the_old_one_does_not_and_this_session_stays() {
    let clock = Clock::manual(start());
    let db = db::for_tests().await;
    let server = server(&clock, &db);
    let mut browser = user1(&server, "mypassword", false).await;
    change(&mut browser, "mypassword", NEW).await.assert_redirect("/settings");
    let page = browser.get("/settings").await;
    page.assert_status(200);
    assert!(flashes(&page).contains(CHANGED), "{}", page.body());
    browser.get("/protected").await.assert_status(200).assert_contains("Logged in as user1");

    // Argon2id with a new salt, never the password itself.
    let hash = hash_of_user1(&db).await;
    assert!(hash.starts_with("$argon2id$") && !hash.contains(NEW), "{hash}");
    let mut elsewhere = client_of(&server).await;
    let old = [("username", "user1"), ("password", "mypassword")];
    elsewhere.post("/login", &old).await.assert_redirect("/login");
    user1(&server, NEW, false).await.get("/protected").await.assert_status(200);
}

#[actix_web::test]
async fn a_change_logs_out_every_other_session_of_that_user_but_no_one_else() {
    let clock = Clock::manual(start());
    let db = db::for_tests().await;
    let server = server(&clock, &db);
    let mut here = user1(&server, "mypassword", false).await;
    let mut laptop = user1(&server, "mypassword", false).await;
    laptop.get("/protected").await.assert_status(200);
    // A session cookie copied from this very browser before the change.
    let copied = here.cookie("session").unwrap().to_string();
    // Another dog, who changes nothing.
    let mut rex = client_of(&server).await;
    let fields = [("username", "rex"), ("email", "rex@dogs.example"), ("password", "good boy!")];
    rex.post("/register", &fields).await.assert_redirect("/login");
    rex.post("/login", &[("username", "rex"), ("password", "good boy!")]).await;

    change(&mut here, "mypassword", NEW).await.assert_redirect("/settings");
    here.get("/protected").await.assert_contains("Logged in as user1");
    laptop.get("/protected").await.assert_redirect("/login?next=%2Fprotected");
    laptop.get("/").await.assert_contains("You are not logged in!");
    let mut thief = client_of(&server).await;
    thief.set_cookie("session", &copied);
    thief.get("/protected").await.assert_redirect("/login?next=%2Fprotected");
    rex.get("/protected").await.assert_contains("Logged in as rex");
}

#[actix_web::test]
async fn a_remember_cookie_from_before_the_change_no_longer_logs_in() {
    let clock = Clock::manual(start());
    let db = db::for_tests().await;
    let server = server(&clock, &db);
    let mut phone = user1(&server, "mypassword", true).await;
    let mut here = user1(&server, "mypassword", true).await;
    change(&mut here, "mypassword", NEW).await.assert_redirect("/settings");

    // The phone's browser restarts: only its remember cookie is left, and it is out of date.
    phone.restart();
    phone.get("/protected").await.assert_redirect("/login?next=%2Fprotected");
    // This browser's remember cookie was renewed with the change: a restart keeps it logged in.
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
    let phone = user1(&server, "mypassword", true).await;
    let copied = phone.cookie("remember_token").unwrap().to_string();
    let mut rex = client_of(&server).await;
    let fields = [("username", "rex"), ("email", "rex@dogs.example"), ("password", "good boy!")];
    rex.post("/register", &fields).await.assert_redirect("/login");
    let fields = [("username", "rex"), ("password", "good boy!"), ("remember", "on")];
    rex.post("/login", &fields).await.assert_redirect("/protected");
    let mut here = user1(&server, "mypassword", true).await;

    change(&mut here, "mypassword", NEW).await.assert_redirect("/settings");
    // Left: rex's token, and the new one this browser got with the change.
    let rows = remember_rows(&db).await;
    let names: Vec<&str> = rows.iter().map(|(_, name)| name.as_str()).collect();
    assert_eq!(names, ["rex", "user1"], "{rows:?}");
    let cookie = here.cookie("remember_token").unwrap();
    assert!(cookie.contains(&format!("={}:", rows[1].0)), "this browser's token: {cookie}");

    // A copy of the phone's cookie, in any browser: nobody.
    let mut thief = client_of(&server).await;
    thief.set_cookie("remember_token", &copied);
    thief.get("/protected").await.assert_redirect("/login?next=%2Fprotected");
    rex.restart();
    rex.get("/protected").await.assert_contains("Logged in as rex");
}

#[actix_web::test]
async fn a_wrong_current_password_gets_422_and_changes_nothing() {
    let clock = Clock::manual(start());
    let db = db::for_tests().await;
    let server = server(&clock, &db);
    let mut here = user1(&server, "mypassword", false).await;
    let mut laptop = user1(&server, "mypassword", false).await;
    let before = hash_of_user1(&db).await;
    let page = change(&mut here, "not my password", NEW).await;
    page.assert_status(422).assert_contains("Your current password is wrong.");
    // The form comes back empty: no password, old or new, in the page.
    page.assert_not_contains("not my password").assert_not_contains(NEW);
    assert_eq!(hash_of_user1(&db).await, before);
    laptop.get("/protected").await.assert_contains("Logged in as user1");
    here.get("/protected").await.assert_contains("Logged in as user1");
}

#[actix_web::test]
async fn a_new_password_the_lesson_would_refuse_gets_422_with_its_reason() {
    let clock = Clock::manual(start());
    let db = db::for_tests().await;
    let server = server(&clock, &db);
    let mut browser = user1(&server, "mypassword", false).await;
    let before = hash_of_user1(&db).await;
    let long = "x".repeat(1025);
    for (new, reason) in [
        ("short", "A password needs at least 8 characters."),
        ("", "A password needs at least 8 characters."),
        (long.as_str(), "A password can have at most 1024 characters."),
    ] {
        change(&mut browser, "mypassword", new).await.assert_status(422).assert_contains(reason);
    }
    // Missing fields are a message too, never a failed request.
    browser.post("/settings/password", &[]).await.assert_status(422);
    assert_eq!(hash_of_user1(&db).await, before);
}
