//! The task of exercise 16, as tests: taking JWTs back. Run with: just exercise 16
//!
//! Each test has a fresh database in memory with `user1` / `mypassword`, and a clock that only
//! the test moves. The API is called as curl would: no cookies, only the `Authorization`
//! header.

use actix_web::cookie::time::{Duration, OffsetDateTime};
use actix_web::http::header::AUTHORIZATION;
use actix_web::test::TestRequest;
use actix_web::web;
use shared::testkit::{TestClient, TestResponse};
use shared::{Clock, Config, Site};

use crate::db::{self, Db};
use crate::exercise;
use crate::store::{SqliteSessionStore, Store};
use crate::{LESSON, app, jwt, login_manager};

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
    server_with(Config::for_tests(16), clock, db)
}

/// The same with `config`: two servers with one config share their `SECRET_KEY`.
fn server_with(config: Config, clock: &Clock, db: &Db) -> Server {
    let store = Store::Sqlite(SqliteSessionStore::new(db.clone(), clock.clone()));
    let site = Site::with_clock(&LESSON, config, clock.clone()).unwrap();
    Server { site, db: db.clone(), store }
}

/// A client on `server`'s app, built as `main` builds it, that keeps no cookies.
async fn curl(server: &Server) -> TestClient {
    let (db, store) = (server.db.clone(), server.store.clone());
    TestClient::for_site(server.site.clone(), |site| {
        let login_manager = web::Data::new(login_manager(&site, db.clone()));
        app(site, web::Data::new(db), web::Data::new(store), login_manager)
    })
    .await
}

/// `req` with `Authorization: Bearer <token>`.
async fn call(server: &Server, req: TestRequest, token: &str) -> TestResponse {
    let req = req.insert_header((AUTHORIZATION, format!("Bearer {token}")));
    curl(server).await.send_raw(req).await
}

/// A JWT from `POST /api/token`.
async fn jwt_for(server: &Server, username: &str, password: &str) -> String {
    let fields = [("username", username), ("password", password)];
    let mut client = curl(server).await;
    let res = client.send_raw(TestRequest::post().uri("/api/token").set_form(fields)).await;
    res.assert_status(200);
    let answer: serde_json::Value = serde_json::from_str(res.body()).unwrap();
    answer["access_token"].as_str().expect("an access_token").to_string()
}

async fn me(server: &Server, token: &str) -> TestResponse {
    call(server, TestRequest::get().uri("/api/me"), token).await
}

async fn logout(server: &Server, token: &str) -> TestResponse {
    call(server, TestRequest::post().uri("/api/logout"), token).await
}

/// A 401 for a revoked JWT: the JSON error says so.
fn assert_revoked(res: &TestResponse) {
    res.assert_status(401);
    assert!(res.body().contains("has been revoked"), "{}", res.body());
}

/// Registers `name` (password `good boy!`) straight in the database, as lesson 10's form does.
async fn dog(db: &Db, name: &str) {
    let hash = crate::users::hash_password("good boy!").unwrap();
    let email = format!("{name}@dogs.example");
    assert!(crate::users::create(db, name, &email, &hash).await.is_ok());
}

#[actix_web::test]
async fn post_api_logout_ends_every_jwt_of_the_caller_at_once() {
    let clock = Clock::manual(start());
    let db = db::for_tests().await;
    let server = server(&clock, &db);
    let (phone, laptop) = (
        jwt_for(&server, "user1", "mypassword").await,
        jwt_for(&server, "user1", "mypassword").await,
    );
    me(&server, &phone).await.assert_status(200);

    logout(&server, &phone).await.assert_status(204);
    // Not only the token that called: every JWT of user1 issued until now, long before `exp`.
    assert_revoked(&me(&server, &phone).await);
    assert_revoked(&me(&server, &laptop).await);
    let res =
        call(&server, TestRequest::post().uri("/api/woofs").set_form([("body", "x")]), &laptop);
    assert_revoked(&res.await);
}

#[actix_web::test]
async fn the_revocation_is_a_row_in_the_database_and_outlives_a_restart() {
    let (clock, config) = (Clock::manual(start()), Config::for_tests(16));
    let db = db::for_tests().await;
    let first = server_with(config.clone(), &clock, &db);
    let token = jwt_for(&first, "user1", "mypassword").await;
    logout(&first, &token).await.assert_status(204);
    let stored: i64 =
        sqlx::query_scalar("SELECT revoked_at FROM jwt_revocations WHERE user_id = 1")
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(stored, start().unix_timestamp());
    assert_eq!(exercise::revoked_at(&db, 1).await.unwrap(), Some(stored));
    // Another server with the same SECRET_KEY and database (a restart, or a second server
    // behind the same address) refuses it too: the list is not in one server's memory.
    assert_revoked(&me(&server_with(config, &clock, &db), &token).await);
}

#[actix_web::test]
async fn a_jwt_issued_after_the_logout_works_and_other_dogs_are_not_touched() {
    let clock = Clock::manual(start());
    let db = db::for_tests().await;
    let server = server(&clock, &db);
    dog(&db, "rex").await;
    let rexs = jwt_for(&server, "rex", "good boy!").await;
    let old = jwt_for(&server, "user1", "mypassword").await;
    logout(&server, &old).await.assert_status(204);
    assert_eq!(exercise::revoked_at(&db, 2).await.unwrap(), None, "rex never logged out");
    me(&server, &rexs).await.assert_status(200);

    // `iat` counts whole seconds: one issued in the second of the logout goes too.
    assert_revoked(&me(&server, &jwt_for(&server, "user1", "mypassword").await).await);
    clock.advance(Duration::seconds(1));
    let new = jwt_for(&server, "user1", "mypassword").await;
    me(&server, &new).await.assert_status(200);
    assert_revoked(&me(&server, &old).await);
}

#[actix_web::test]
async fn a_second_logout_moves_the_one_row_forward() {
    let clock = Clock::manual(start());
    let db = db::for_tests().await;
    let server = server(&clock, &db);
    logout(&server, &jwt_for(&server, "user1", "mypassword").await).await.assert_status(204);
    clock.advance(Duration::minutes(5));
    let later = jwt_for(&server, "user1", "mypassword").await;
    me(&server, &later).await.assert_status(200);
    logout(&server, &later).await.assert_status(204);
    assert_revoked(&me(&server, &later).await);
    let rows: i64 =
        sqlx::query_scalar("SELECT count(*) FROM jwt_revocations").fetch_one(&db).await.unwrap();
    assert_eq!(rows, 1);
    let now = start().unix_timestamp() + 5 * 60;
    assert_eq!(exercise::revoked_at(&db, 1).await.unwrap(), Some(now));
}

#[actix_web::test]
async fn refuse_revoked_compares_iat_with_the_dogs_last_logout() {
    let db = db::for_tests().await;
    let at = start().unix_timestamp();
    let claims = |iat: i64| jwt::Claims { sub: "1".into(), iat, exp: iat + 60, nbf: None };
    assert_eq!(exercise::refuse_revoked(&db, 1, &claims(at)).await.unwrap(), None);
    exercise::revoke_all(&db, 1, at).await.unwrap();
    for iat in [at - 60, at] {
        let refused = exercise::refuse_revoked(&db, 1, &claims(iat)).await.unwrap();
        assert_eq!(refused, Some(exercise::REVOKED), "issued at {iat}, revoked at {at}");
    }
    assert_eq!(exercise::refuse_revoked(&db, 1, &claims(at + 1)).await.unwrap(), None);
}
