//! The task of exercise 12, as tests: an End button for each other session, which ends that one
//! session only. Run with: just exercise 12
//!
//! Each test has a fresh database in memory with `user1` / `mypassword`, and the SQLite
//! session store: every session is a row of `sessions`.

use actix_web::cookie::time::OffsetDateTime;
use actix_web::test::TestRequest;
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

/// The exercise's server on a fresh database, with the SQLite session store.
async fn server() -> Server {
    let clock = Clock::manual(start());
    let db = db::for_tests().await;
    let store = Store::Sqlite(SqliteSessionStore::new(db.clone(), clock.clone()));
    let site = Site::with_clock(&LESSON, Config::for_tests(12), clock).unwrap();
    Server { site, db, store }
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

/// A browser on `server` that says it is `agent`, with `username` logged in.
async fn logged_in(server: &Server, agent: &str, username: &str, password: &str) -> TestClient {
    let mut browser = client_of(server).await;
    let request = TestRequest::post()
        .uri("/login")
        .insert_header(("user-agent", agent))
        .set_form([("username", username), ("password", password)]);
    browser.send(request).await.assert_redirect("/protected");
    browser
}

async fn user1(server: &Server, agent: &str) -> TestClient {
    logged_in(server, agent, "user1", "mypassword").await
}

/// rex, registered and logged in from `agent`: another user, whose sessions are not yours.
async fn rex(server: &Server, agent: &str) -> TestClient {
    let mut browser = client_of(server).await;
    let fields = [("username", "rex"), ("email", "rex@dogs.example"), ("password", "good boy!")];
    browser.post("/register", &fields).await.assert_redirect("/login");
    logged_in(server, agent, "rex", "good boy!").await
}

/// The handle the End button of the row of `agent` sends, read from the page.
fn handle_on(page: &TestResponse, agent: &str) -> Option<String> {
    let row = page.main().split("<tr>").find(|row| row.contains(agent))?;
    let value = row.split(r#"name="session" value=""#).nth(1)?;
    value.split('"').next().map(str::to_string)
}

/// The handle (`rowid`) of the session row made by `agent`, from the table itself.
async fn handle_in_table(db: &Db, agent: &str) -> i64 {
    sqlx::query_scalar("SELECT rowid FROM sessions WHERE user_agent = ?")
        .bind(agent)
        .fetch_one(db)
        .await
        .unwrap()
}

async fn count_rows(db: &Db) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM sessions").fetch_one(db).await.unwrap()
}

async fn end(browser: &mut TestClient, handle: &str) -> TestResponse {
    browser.post("/sessions/end", &[("session", handle)]).await
}

/// The flash area of a page (the base layout puts it above `<main>`), or `""`.
fn flashes(res: &TestResponse) -> &str {
    let body = res.body();
    let Some(start) = body.find(r#"<ul class="flashes">"#) else { return "" };
    let end = body[start..].find("</ul>").map_or(body.len(), |end| start + end);
    &body[start..end]
}

#[actix_web::test]
async fn the_end_button_of_one_session_logs_that_browser_out_and_no_other() {
    let server = server().await;
    let mut laptop = user1(&server, "Laptop").await;
    let mut phone = user1(&server, "Phone").await;
    let mut tablet = user1(&server, "Tablet").await;

    let page = laptop.get("/sessions").await;
    assert_eq!(handle_on(&page, "Laptop"), None, "no End button for this session");
    let phone_handle = handle_on(&page, "Phone").expect("an End button for the phone");
    end(&mut laptop, &phone_handle).await.assert_redirect("/sessions");

    let page = laptop.get("/sessions").await;
    assert!(flashes(&page).contains("Ended 1 session."), "{}", page.body());
    page.assert_contains("Tablet").assert_not_contains("Phone");
    phone.get("/protected").await.assert_redirect("/login?next=%2Fprotected");
    tablet.get("/protected").await.assert_contains("Logged in as user1");
    laptop.get("/protected").await.assert_contains("Logged in as user1");
}

#[actix_web::test]
async fn a_session_that_has_ended_already_is_a_404_and_ends_nothing() {
    let server = server().await;
    let mut laptop = user1(&server, "Laptop").await;
    let mut phone = user1(&server, "Phone").await;
    let handle = handle_in_table(&server.db, "Phone").await.to_string();
    end(&mut laptop, &handle).await.assert_redirect("/sessions");
    // The same button again, from a page opened before: that session is gone.
    end(&mut laptop, &handle).await.assert_status(404);
    assert_eq!(count_rows(&server.db).await, 1);
    phone.get("/protected").await.assert_redirect("/login?next=%2Fprotected");
}

#[actix_web::test]
async fn another_users_session_or_this_one_cannot_be_ended_with_the_button() {
    let server = server().await;
    let mut laptop = user1(&server, "Laptop").await;
    let mut rex = rex(&server, "Rex's phone").await;
    let rexs = handle_in_table(&server.db, "Rex's phone").await.to_string();
    let this_one = handle_in_table(&server.db, "Laptop").await.to_string();
    let before = count_rows(&server.db).await;

    end(&mut laptop, &rexs).await.assert_status(404);
    end(&mut laptop, &this_one).await.assert_status(404);
    assert_eq!(count_rows(&server.db).await, before, "nothing was deleted");
    rex.get("/protected").await.assert_contains("Logged in as rex");
    laptop.get("/protected").await.assert_contains("Logged in as user1");
    // Not a number: refused before the handler.
    end(&mut laptop, "1 OR 1=1").await.assert_status(400);
    assert_eq!(count_rows(&server.db).await, before);
}
