//! The task of exercise 14, as tests: where a form comes from. Run with: just exercise 14
//!
//! Each test has a fresh database in memory with `user1` / `mypassword`. Every post here
//! carries the right CSRF token, so only the new check can refuse it; the headers are the ones a
//! browser adds: `Host` (the address it asked), `Origin` and `Sec-Fetch-Site` (the page that
//! sent the form).

use actix_web::cookie::time::OffsetDateTime;
use actix_web::test::TestRequest;
use actix_web::web;
use shared::testkit::{TestClient, TestResponse};
use shared::{Clock, Config, Site};

use crate::db::{self, Db};
use crate::exercise::REFUSED;
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
    let site = Site::with_clock(&LESSON, Config::for_tests(14), clock.clone()).unwrap();
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

/// The CSRF token of this browser's session, from a page with a form.
async fn token(browser: &mut TestClient, path: &str) -> String {
    browser.get(path).await.field_value("csrf_token").expect("a form with a CSRF token")
}

/// A browser with rex registered and logged in, through the forms, with their tokens.
async fn rex(server: &Server) -> TestClient {
    let mut browser = client_of(server).await;
    let fields = [("username", "rex"), ("email", "rex@dogs.example"), ("password", "good boy!")];
    let token = token(&mut browser, "/register").await;
    let mut fields = fields.to_vec();
    fields.push(("csrf_token", &token));
    browser.post("/register", &fields).await.assert_redirect("/login");
    let token = self::token(&mut browser, "/login").await;
    let fields = [("username", "rex"), ("password", "good boy!"), ("csrf_token", &token)];
    browser.post("/login", &fields).await.assert_redirect("/protected");
    browser
}

/// `POST /woofs` with rex's right token, to the server at `host`, with `headers`.
async fn woof(rex: &mut TestClient, host: &str, headers: &[(&str, &str)]) -> TestResponse {
    let token = token(rex, "/").await;
    let mut req = TestRequest::post().uri("/woofs").insert_header(("host", host));
    for &(name, value) in headers {
        req = req.insert_header((name, value));
    }
    rex.send(req.set_form([("body", "Woof!"), ("csrf_token", &token)])).await
}

async fn count_woofs(db: &Db) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM woofs").fetch_one(db).await.unwrap()
}

const HERE: &str = "127.0.0.1:8014";

#[actix_web::test]
async fn a_page_of_another_site_cannot_post_even_with_the_right_token_but_its_links_work() {
    let clock = Clock::manual(start());
    let db = db::for_tests().await;
    let server = server(&clock, &db);
    let mut rex = rex(&server).await;
    let evil = [("sec-fetch-site", "cross-site"), ("origin", "https://evil.example")];
    woof(&mut rex, HERE, &evil).await.assert_status(403).assert_contains(REFUSED);
    assert_eq!(count_woofs(&db).await, 0);
    // Reading is never refused: a link from another site to a page here still works.
    let link = TestRequest::get().uri("/dogs/rex").insert_header(("host", HERE));
    let link = link.insert_header(evil[0]).insert_header(evil[1]);
    rex.send(link).await.assert_status(200).assert_contains("rex has not woofed yet");

    // The login form too: another site must not sign a visitor in as somebody else.
    let mut visitor = client_of(&server).await;
    let token = token(&mut visitor, "/login").await;
    let login = TestRequest::post()
        .uri("/login")
        .insert_header(("host", HERE))
        .insert_header(evil[0])
        .insert_header(evil[1])
        .set_form([("username", "user1"), ("password", "mypassword"), ("csrf_token", &token)]);
    visitor.send(login).await.assert_status(403).assert_contains(REFUSED);
    visitor.get("/protected").await.assert_redirect("/login?next=%2Fprotected");
}

#[actix_web::test]
async fn a_page_of_the_same_site_on_another_port_is_refused_too() {
    let clock = Clock::manual(start());
    let db = db::for_tests().await;
    let mut rex = rex(&server(&clock, &db)).await;
    // What `SameSite=Lax` lets through: the cookies come along, and now the token too (say it
    // leaked). The browser still says where the form was.
    let sibling = [("sec-fetch-site", "same-site"), ("origin", "http://127.0.0.1:8015")];
    woof(&mut rex, HERE, &sibling).await.assert_status(403).assert_contains(REFUSED);
    assert_eq!(count_woofs(&db).await, 0);
}

#[actix_web::test]
async fn sec_fetch_site_decides_alone_when_the_browser_sends_it() {
    let clock = Clock::manual(start());
    let db = db::for_tests().await;
    let mut rex = rex(&server(&clock, &db)).await;
    // A page of this site, and an address the visitor typed (or a bookmark): welcome.
    let own = [("sec-fetch-site", "same-origin"), ("origin", "http://127.0.0.1:8014")];
    woof(&mut rex, HERE, &own).await.assert_redirect("/");
    woof(&mut rex, HERE, &[("sec-fetch-site", "none")]).await.assert_redirect("/");
    assert_eq!(count_woofs(&db).await, 2);
    // Anything else is refused, whatever `Origin` says: the browser's word is the last.
    for site in ["cross-site", "same-site", "something-new"] {
        let headers = [("sec-fetch-site", site), ("origin", "http://127.0.0.1:8014")];
        woof(&mut rex, HERE, &headers).await.assert_status(403).assert_contains(REFUSED);
    }
    assert_eq!(count_woofs(&db).await, 2);
}

#[actix_web::test]
async fn without_sec_fetch_site_only_this_sites_own_origin_may_post() {
    let clock = Clock::manual(start());
    let db = db::for_tests().await;
    let mut rex = rex(&server(&clock, &db)).await;
    // Another port, another host name, another scheme, and no origin at all (`null`: a
    // sandboxed frame, a page opened from a file) are all another origin.
    for origin in
        ["http://127.0.0.1:8015", "http://localhost:8014", "https://127.0.0.1:8014", "null"]
    {
        let page = woof(&mut rex, HERE, &[("origin", origin)]).await;
        page.assert_status(403).assert_contains(REFUSED);
    }
    assert_eq!(count_woofs(&db).await, 0);
    woof(&mut rex, HERE, &[("origin", "http://127.0.0.1:8014")]).await.assert_redirect("/");
    woof(&mut rex, "localhost:8014", &[("origin", "http://localhost:8014")])
        .await
        .assert_redirect("/");
    // Neither header (curl, a script, a very old browser): the right token passes, and a
    // missing one is the lesson's 403.
    woof(&mut rex, HERE, &[]).await.assert_redirect("/");
    let page = rex.post("/woofs", &[("body", "Woof!")]).await;
    page.assert_status(403).assert_contains("CSRF token is missing or wrong");
    assert_eq!(count_woofs(&db).await, 3);
}

#[actix_web::test]
async fn behind_a_proxy_the_origin_is_the_address_the_browser_used() {
    let clock = Clock::manual(start());
    let db = db::for_tests().await;
    let mut rex = rex(&server(&clock, &db)).await;
    // The proxy speaks HTTPS with the browser and plain HTTP with the app, and says so.
    let proxied = |origin| [("x-forwarded-proto", "https"), ("origin", origin)];
    woof(&mut rex, "dogs.example", &proxied("https://dogs.example")).await.assert_redirect("/");
    let page = woof(&mut rex, "dogs.example", &proxied("http://dogs.example")).await;
    page.assert_status(403).assert_contains(REFUSED);
    assert_eq!(count_woofs(&db).await, 1);
}
