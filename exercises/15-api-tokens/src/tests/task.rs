//! The task of exercise 15, as tests: read-only API tokens. Run with: just exercise 15
//!
//! Each test has a fresh database in memory with `user1` / `mypassword`. The tokens page is a
//! form with a CSRF token, as every form here: `submit` posts it as a browser does. The API is
//! called as curl would: no cookies, only the `Authorization` header.

use actix_web::cookie::time::OffsetDateTime;
use actix_web::http::header::AUTHORIZATION;
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

/// Posting a form as a browser does: with the `csrf_token` the page put in it.
trait Forms {
    async fn submit(&mut self, path: &str, fields: &[(&str, &str)]) -> TestResponse;
}

impl Forms for TestClient {
    async fn submit(&mut self, path: &str, fields: &[(&str, &str)]) -> TestResponse {
        let page = self.get("/logout").await;
        let marker = r#"name="csrf_token" value=""#;
        let start = page.body().find(marker).expect("a form with a CSRF token") + marker.len();
        let end = page.body()[start..].find('"').unwrap() + start;
        let token = page.body()[start..end].to_string();
        let mut fields = fields.to_vec();
        fields.push(("csrf_token", &token));
        self.post(path, &fields).await
    }
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
    let site = Site::with_clock(&LESSON, Config::for_tests(15), clock.clone()).unwrap();
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

/// user1, signed in with the password (a fresh login: the tokens page needs one).
async fn user1(server: &Server) -> TestClient {
    let mut browser = client_of(server).await;
    let fields = [("username", "user1"), ("password", "mypassword")];
    browser.submit("/login", &fields).await.assert_redirect("/protected");
    browser
}

/// Makes a token named `name` on the tokens page, with the "Read only" box ticked or not.
async fn make_token(browser: &mut TestClient, name: &str, read_only: bool) -> String {
    let mut fields = vec![("name", name)];
    if read_only {
        fields.push(("read_only", "on"));
    }
    let page = browser.submit("/tokens", &fields).await;
    page.assert_status(201);
    let marker = r#"<code id="new-token">"#;
    let start = page.main().find(marker).expect("the new token") + marker.len();
    let end = page.main()[start..].find('<').unwrap() + start;
    page.main()[start..end].to_string()
}

/// A call as curl makes it: no cookies, `Authorization: Bearer <token>`.
async fn call(server: &Server, req: TestRequest, token: &str) -> TestResponse {
    let mut curl = client_of(server).await;
    curl.send_raw(req.insert_header((AUTHORIZATION, format!("Bearer {token}")))).await
}

fn woof(body: &str) -> TestRequest {
    TestRequest::post().uri("/api/woofs").set_form([("body", body)])
}

async fn count_woofs(db: &Db) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM woofs").fetch_one(db).await.unwrap()
}

/// The `read_only` column of the token named `name`.
async fn stored_read_only(db: &Db, name: &str) -> i64 {
    sqlx::query_scalar("SELECT read_only FROM api_tokens WHERE name = ?")
        .bind(name)
        .fetch_one(db)
        .await
        .unwrap()
}

#[actix_web::test]
async fn the_read_only_box_is_stored_with_the_token_and_only_its_hash() {
    let clock = Clock::manual(start());
    let db = db::for_tests().await;
    let mut browser = user1(&server(&clock, &db)).await;
    let reader = make_token(&mut browser, "dashboard", true).await;
    make_token(&mut browser, "deploy script", false).await;
    assert_eq!(stored_read_only(&db, "dashboard").await, 1);
    assert_eq!(stored_read_only(&db, "deploy script").await, 0);
    // Still never the token itself in the table: its hash.
    let stored: String = sqlx::query_scalar("SELECT token_hash FROM api_tokens WHERE name = ?")
        .bind("dashboard")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(stored, crate::tokens::hash(&reader));
}

#[actix_web::test]
async fn the_tokens_page_marks_the_read_only_tokens() {
    let clock = Clock::manual(start());
    let db = db::for_tests().await;
    let mut browser = user1(&server(&clock, &db)).await;
    make_token(&mut browser, "dashboard", true).await;
    make_token(&mut browser, "deploy script", false).await;
    let page = browser.get("/tokens").await;
    page.assert_contains(r#"<td>dashboard <span class="read-only">read-only</span></td>"#);
    page.assert_contains("<td>deploy script</td>");
}

#[actix_web::test]
async fn a_read_only_token_reads_the_api_but_a_write_gets_403_and_json() {
    let clock = Clock::manual(start());
    let db = db::for_tests().await;
    let server = server(&clock, &db);
    let mut browser = user1(&server).await;
    let reader = make_token(&mut browser, "dashboard", true).await;
    let writer = make_token(&mut browser, "deploy script", false).await;

    call(&server, TestRequest::get().uri("/api/me"), &reader).await.assert_status(200);
    call(&server, TestRequest::get().uri("/api/woofs"), &reader).await.assert_status(200);
    let res = call(&server, woof("Woof from a reader"), &reader).await;
    res.assert_status(403);
    assert!(res.header("content-type").is_some_and(|ct| ct.starts_with("application/json")));
    assert_eq!(res.body(), r#"{"error":"This token is read-only."}"#);
    assert_eq!(count_woofs(&db).await, 0);

    // The same dog's other token writes, and so does the dog's browser: only that token is
    // read-only, not its owner.
    call(&server, woof("Woof from the script"), &writer).await.assert_status(201);
    browser.submit("/api/woofs", &[("body", "Woof from the page")]).await.assert_status(201);
    assert_eq!(count_woofs(&db).await, 2);
}

#[actix_web::test]
async fn the_check_reads_the_token_row_at_every_call() {
    // An opaque token is looked up at every call: a change to its row counts at once, as a
    // revocation does. (Lesson 16's JWTs could not do this: they carry their claims themselves.)
    let clock = Clock::manual(start());
    let db = db::for_tests().await;
    let server = server(&clock, &db);
    let mut browser = user1(&server).await;
    let token = make_token(&mut browser, "script", false).await;
    call(&server, woof("First"), &token).await.assert_status(201);
    sqlx::query("UPDATE api_tokens SET read_only = 1").execute(&db).await.unwrap();
    call(&server, woof("Second"), &token).await.assert_status(403);
    assert_eq!(count_woofs(&db).await, 1);
}
