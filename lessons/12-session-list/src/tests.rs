//! What lesson 12 shows, as tests. Run with: just test 12
//!
//! Each test has a fresh database in memory, with the migrations' demo user: `user1` /
//! `mypassword` (stored as an Argon2id hash). The Redis tests need `REDIS_URL` (`.ci/run`
//! starts a Redis and sets it); without it they say why and skip, or fail when `CI` is set.

use actix_session::storage::{SessionKey, SessionStore as _};
use actix_web::cookie::SameSite;
use actix_web::cookie::time::{Duration, OffsetDateTime};
use actix_web::test::TestRequest;
use actix_web::web;
use shared::hashing::Hashing;
use shared::testkit::{TestClient, TestResponse};
use shared::{Clock, Config, Site};

use crate::db::{self, Db};
use crate::store::{self, SqliteSessionStore, Store};
use crate::{LESSON, app, login_manager};

fn start() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap()
}

/// A server of this lesson as `main` makes it: the site, the database, the session store.
#[derive(Clone)]
struct Server {
    site: Site,
    db: Db,
    store: Store,
}

/// The lesson's server on `db`, with the SQLite session store.
fn server(clock: &Clock, db: &Db) -> Server {
    let store = Store::Sqlite(SqliteSessionStore::new(db.clone(), clock.clone()));
    let site = Site::with_clock(&LESSON, Config::for_tests(12), clock.clone()).unwrap();
    Server { site, db: db.clone(), store }
}

/// A browser on `server`'s app, built as `main` builds it.
async fn client_of(server: Server) -> TestClient {
    let Server { site, db, store } = server;
    TestClient::for_site(site, |site| {
        let login_manager = web::Data::new(login_manager(&site, db.clone()));
        app(site, web::Data::new(db), web::Data::new(store), login_manager)
    })
    .await
}

/// A browser on a fresh database and its session store (the bad-input suite's browser too).
pub(crate) async fn client(site: Site) -> TestClient {
    let db = db::for_tests().await;
    let store = Store::Sqlite(SqliteSessionStore::new(db.clone(), site.clock().clone()));
    client_of(Server { site, db, store }).await
}

async fn browser(clock: &Clock) -> TestClient {
    client_of(server(clock, &db::for_tests().await)).await
}

async fn count_users(db: &Db) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM users").fetch_one(db).await.unwrap()
}

/// Posts the login form as user1 with `extra` fields (`remember`, `next`).
async fn log_in(browser: &mut TestClient, extra: &[(&str, &str)]) -> TestResponse {
    let mut fields = vec![("username", "user1"), ("password", "mypassword")];
    fields.extend_from_slice(extra);
    browser.post("/login", &fields).await
}

/// The flash area of a page (the base layout puts it above `<main>`), or `""`.
fn flashes(res: &TestResponse) -> &str {
    let body = res.body();
    let Some(start) = body.find(r#"<ul class="flashes">"#) else { return "" };
    let end = body[start..].find("</ul>").map_or(body.len(), |end| start + end);
    &body[start..end]
}

// ANCHOR: login_required
#[actix_web::test]
async fn an_anonymous_visit_to_protected_redirects_to_login_with_next_and_a_message() {
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    browser.get("/protected").await.assert_redirect("/login?next=%2Fprotected");
    let page = browser.get("/login?next=%2Fprotected").await;
    assert!(flashes(&page).contains("Please log in to access this page."), "{}", page.body());
    page.assert_contains(r#"<input type="hidden" name="next" value="/protected">"#);
}

#[actix_web::test]
async fn after_login_you_land_on_the_page_you_wanted() {
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    browser.get("/protected?tab=2").await.assert_redirect("/login?next=%2Fprotected%3Ftab%3D2");
    log_in(&mut browser, &[("next", "/protected?tab=2")]).await.assert_redirect("/protected?tab=2");
    browser.get("/protected").await.assert_contains("Logged in as user1");
}

#[actix_web::test]
async fn login_required_also_guards_a_whole_scope() {
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    browser.get("/settings").await.assert_redirect("/login?next=%2Fsettings");
}

#[actix_web::test]
async fn without_next_a_login_lands_on_the_protected_page() {
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    log_in(&mut browser, &[]).await.assert_redirect("/protected");
}
// ANCHOR_END: login_required

// ANCHOR: next
#[actix_web::test]
async fn a_next_that_leaves_the_site_lands_on_the_default_page_instead() {
    let clock = Clock::manual(start());
    for next in [
        "//evil.example",
        "/\\evil.example",
        "https://evil.example",
        "javascript:alert(1)",
        "%2F%2Fevil.example",
        "/%2F/evil.example",
        "/%5Cevil.example",
        "/\t/evil.example",
    ] {
        let mut browser = browser(&clock).await;
        log_in(&mut browser, &[("next", next)]).await.assert_redirect("/protected");
    }
}

#[actix_web::test]
async fn an_encoded_next_in_the_address_is_refused_too() {
    // `%2F%2Fevil.example` in the address is `//evil.example` once the query is decoded.
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    let page = browser.get("/login?next=%2F%2Fevil.example").await;
    page.assert_contains(r#"name="next" value="//evil.example""#);
    log_in(&mut browser, &[("next", "//evil.example")]).await.assert_redirect("/protected");
}

#[actix_web::test]
async fn a_script_in_next_comes_back_escaped() {
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    let page = browser.get("/login?next=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E").await;
    page.assert_status(200);
    assert!(!page.body().contains("<script>"), "{}", page.body());
    page.assert_contains("&quot;&gt;&lt;script&gt;");
}

#[actix_web::test]
async fn a_next_that_is_not_utf8_is_not_an_error() {
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    // Refused before the lesson's code, by shared's guard: a clear 400 page.
    browser.get("/login?next=%ff%fe").await.assert_status(400).assert_contains("UTF-8");
    log_in(&mut browser, &[("next", "/caf\u{e9}")]).await.assert_redirect("/protected");
}
// ANCHOR_END: next

// ANCHOR: current_user
#[actix_web::test]
async fn current_user_is_anonymous_until_you_log_in_and_every_template_has_it() {
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    browser.get("/").await.assert_contains("You are not logged in!");
    browser.get("/logout").await.assert_not_contains("Logged in as");

    log_in(&mut browser, &[]).await;
    browser.get("/").await.assert_contains("Logged in as user1");
    browser
        .get("/protected")
        .await
        .assert_contains("Logged in as user1")
        .assert_contains("A fresh login");
    browser.get("/logout").await.assert_contains("Logged in as user1.");
}

#[actix_web::test]
async fn a_wrong_password_and_an_unknown_user_get_the_same_message_and_keep_next() {
    let clock = Clock::manual(start());
    for (username, password) in [("user1", "wrong"), ("nobody", "mypassword")] {
        let mut browser = browser(&clock).await;
        let fields = [("username", username), ("password", password), ("next", "/settings")];
        browser.post("/login", &fields).await.assert_redirect("/login?next=%2Fsettings");
        let page = browser.get("/login?next=%2Fsettings").await;
        assert!(flashes(&page).contains("Wrong username or password."));
        browser.get("/protected").await.assert_redirect("/login?next=%2Fprotected");
    }
}
// ANCHOR_END: current_user

// ANCHOR: logout
#[actix_web::test]
async fn get_logout_only_shows_the_button_and_changes_nothing() {
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    log_in(&mut browser, &[]).await;
    let page = browser.get("/logout").await;
    page.assert_status(200).assert_contains(r#"<form method="post" action="/logout">"#);
    assert!(!page.has_set_cookie("remember_token"));
    browser.get("/protected").await.assert_contains("Logged in as user1");
}

#[actix_web::test]
async fn post_logout_clears_the_session_and_the_remember_cookie() {
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    log_in(&mut browser, &[("remember", "on")]).await;
    assert!(browser.cookie("remember_token").is_some());

    let res = browser.post("/logout", &[]).await;
    res.assert_redirect("/login");
    res.set_cookie("session").assert_removal();
    res.set_cookie("remember_token").assert_removal();
    assert_eq!(browser.cookie("session"), None);
    assert_eq!(browser.cookie("remember_token"), None);
    browser.get("/protected").await.assert_redirect("/login?next=%2Fprotected");
}
// ANCHOR_END: logout

// ANCHOR: remember
#[actix_web::test]
async fn remember_me_sets_a_signed_http_only_cookie_for_fourteen_days() {
    let clock = Clock::manual(start());
    let db = db::for_tests().await;
    let mut browser = client_of(server(&clock, &db)).await;
    let res = log_in(&mut browser, &[("remember", "on")]).await;
    let cookie = res.set_cookie("remember_token");
    cookie
        .assert_http_only()
        .assert_same_site(SameSite::Lax)
        .assert_path("/")
        .assert_max_age(14 * 24 * 60 * 60)
        .assert_expires(start() + Duration::days(14));
    // Signed, and what is signed is not the user's id but a token of the server's: a row that
    // says whose it is and until when (its selector is in the cookie, its validator only hashed).
    let rows = remember_rows(&db).await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    let (selector, owner, expires) = &rows[0];
    assert_eq!((*owner, *expires), (1, (start() + Duration::days(14)).unix_timestamp()));
    assert!(cookie.value().contains(&format!("={selector}:")), "{}", cookie.value());
    // The session cookie itself is not permanent: it ends with the browser.
    res.set_cookie("session").assert_browser_session();
}

#[actix_web::test]
async fn without_remember_me_there_is_no_remember_cookie_and_a_restart_logs_you_out() {
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    let res = log_in(&mut browser, &[]).await;
    assert!(!res.has_set_cookie("remember_token"));
    browser.restart();
    browser.get("/protected").await.assert_redirect("/login?next=%2Fprotected");
}

#[actix_web::test]
async fn the_remember_cookie_restores_a_login_that_is_not_fresh() {
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    log_in(&mut browser, &[("remember", "on")]).await;
    browser.restart(); // the session cookie is gone, the remember cookie stays
    assert_eq!(browser.cookie("session"), None);

    let page = browser.get("/protected").await;
    page.assert_contains("Logged in as user1").assert_contains("Not a fresh login");
    assert!(browser.cookie("session").is_some(), "the restored login is in a new session");
    browser.get("/").await.assert_contains("Logged in as user1");
}

#[actix_web::test]
async fn a_page_behind_fresh_login_required_asks_for_the_password_again() {
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    log_in(&mut browser, &[("remember", "on")]).await;
    browser.get("/settings").await.assert_status(200).assert_contains("Settings of user1");

    browser.restart();
    browser.get("/settings").await.assert_redirect("/login?next=%2Fsettings");
    let page = browser.get("/login?next=%2Fsettings").await;
    assert!(flashes(&page).contains("Please give your password again"), "{}", page.body());
    page.assert_contains("by the remember cookie");

    log_in(&mut browser, &[("next", "/settings")]).await.assert_redirect("/settings");
    browser.get("/settings").await.assert_status(200).assert_contains("Settings of user1");
}

#[actix_web::test]
async fn the_remember_cookie_expires_on_the_server_too() {
    let clock = Clock::manual(start());
    let db = db::for_tests().await;
    let mut browser = client_of(server(&clock, &db)).await;
    log_in(&mut browser, &[("remember", "on")]).await;
    let copied = browser.cookie("remember_token").unwrap().to_string();
    browser.restart();

    clock.advance(Duration::days(13));
    browser.get("/protected").await.assert_contains("Logged in as user1");
    browser.clear_cookies();
    clock.advance(Duration::days(2));
    // The browser would have forgotten it; a copy sent anyway is refused by the server.
    browser.set_cookie("remember_token", &copied);
    browser.get("/protected").await.assert_redirect("/login?next=%2Fprotected");
    assert!(remember_rows(&db).await.is_empty(), "found, deleted");
}

#[actix_web::test]
async fn a_changed_remember_cookie_is_ignored() {
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    log_in(&mut browser, &[("remember", "on")]).await;
    // One character of the token changed: the signature no longer matches.
    let mut forged = browser.cookie("remember_token").unwrap().to_string();
    let last = forged.pop().unwrap();
    forged.push(if last == 'a' { 'b' } else { 'a' });
    browser.clear_cookies();
    browser.set_cookie("remember_token", &forged);
    let page = browser.get("/").await;
    page.assert_contains("You are not logged in!");
    assert!(page.body().contains("Signature check failed"), "{}", page.body());
}

#[actix_web::test]
async fn a_copied_remember_cookie_stops_working_after_logout() {
    // Lesson 09's cookie (and Flask-Login's) still signed in here, until it expired. Now the
    // cookie holds a token that logout deletes on the server.
    let clock = Clock::manual(start());
    let db = db::for_tests().await;
    let mut browser = client_of(server(&clock, &db)).await;
    log_in(&mut browser, &[("remember", "on")]).await;
    let copied = browser.cookie("remember_token").unwrap().to_string();
    browser.post("/logout", &[]).await.set_cookie("remember_token").assert_removal();
    assert!(remember_rows(&db).await.is_empty(), "logout deletes the token's row");
    browser.set_cookie("remember_token", &copied);
    browser.get("/protected").await.assert_redirect("/login?next=%2Fprotected");
    browser.get("/").await.assert_contains("You are not logged in!");
}
// ANCHOR_END: remember

// ANCHOR: remember_tokens
/// The remember tokens on the server, as (selector, user_id, expires_at).
async fn remember_rows(db: &Db) -> Vec<(String, i64, i64)> {
    sqlx::query_as("SELECT selector, user_id, expires_at FROM remember_tokens")
        .fetch_all(db)
        .await
        .unwrap()
}

mod remember_tokens {
    use super::*;

    /// Session fixation through the remember cookie: an anonymous session the attacker made
    /// (the server keeps it: a row, or a key in Redis) is put in a browser that is remembered.
    /// The login the cookie restores must be in a new session, and the planted id stay
    /// anonymous. Returns the planted id.
    async fn a_planted_session_id_stays_anonymous(server: Server) -> String {
        let mut attacker = client_of(server.clone()).await;
        attacker.get("/protected").await; // an anonymous session, holding a flashed message
        let planted = attacker.cookie("session").unwrap().to_string();

        let mut victim = client_of(server).await;
        log_in(&mut victim, &[("remember", "on")]).await;
        victim.restart();
        victim.set_cookie("session", &planted);
        let page = victim.get("/").await;
        page.assert_contains("Logged in as user1");
        assert!(!flashes(&page).contains("Please log in"), "carried over: {}", page.body());
        assert_ne!(victim.cookie("session"), Some(planted.as_str()), "a new session id");
        victim.get("/protected").await.assert_contains("Logged in as user1");

        // The attacker, with the id they planted: not signed in.
        attacker.get("/protected").await.assert_redirect("/login?next=%2Fprotected");
        let request = TestRequest::get().insert_header(("cookie", format!("session={planted}")));
        store::current_id(&request.to_http_request(), attacker.site()).unwrap()
    }

    #[actix_web::test]
    async fn a_remembered_login_starts_a_new_session_and_the_planted_id_stays_anonymous() {
        let clock = Clock::manual(start());
        let db = db::for_tests().await;
        let planted = a_planted_session_id_stays_anonymous(server(&clock, &db)).await;
        let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM sessions WHERE id = ?")
            .bind(&planted)
            .fetch_one(&db)
            .await
            .unwrap();
        assert_eq!(rows, 0, "the planted id's row is deleted");
    }

    #[actix_web::test]
    async fn with_redis_a_remembered_login_starts_a_new_session_too() {
        let Some(url) = redis_url("with_redis_a_remembered_login_starts_a_new_session_too") else {
            return;
        };
        let config = Config::for_tests(12).with("REDIS_URL", &url);
        let db = db::for_tests().await;
        a_planted_session_id_stays_anonymous(redis_server(&config, &db).await).await;
    }

    #[actix_web::test]
    async fn log_out_everywhere_else_takes_back_the_other_browsers_remember_cookies_too() {
        let clock = Clock::manual(start());
        let db = db::for_tests().await;
        let server = server(&clock, &db);
        let (mut laptop, mut phone) = (client_of(server.clone()).await, client_of(server).await);
        log_in(&mut laptop, &[("remember", "on")]).await;
        log_in(&mut phone, &[("remember", "on")]).await;
        assert_eq!(remember_rows(&db).await.len(), 2);

        laptop.post("/sessions/end-others", &[]).await.assert_redirect("/sessions");
        assert_eq!(remember_rows(&db).await.len(), 1, "the laptop's token is kept");
        // The phone still has its remember cookie; it restores nothing now.
        assert!(phone.cookie("remember_token").is_some());
        phone.get("/protected").await.assert_redirect("/login?next=%2Fprotected");
        phone.restart();
        phone.get("/protected").await.assert_redirect("/login?next=%2Fprotected");
        // The laptop stays signed in, and remembered.
        laptop.restart();
        laptop.get("/protected").await.assert_contains("Not a fresh login");
    }

    #[actix_web::test]
    async fn a_new_login_takes_back_the_token_this_browser_had() {
        let clock = Clock::manual(start());
        let db = db::for_tests().await;
        let mut browser = client_of(server(&clock, &db)).await;
        log_in(&mut browser, &[("remember", "on")]).await;
        let first = browser.cookie("remember_token").unwrap().to_string();
        log_in(&mut browser, &[("remember", "on")]).await;
        assert_eq!(remember_rows(&db).await.len(), 1, "one browser, one token");
        assert_ne!(browser.cookie("remember_token"), Some(first.as_str()));
        // Without "Remember me" the cookie goes, and its token with it.
        log_in(&mut browser, &[]).await.set_cookie("remember_token").assert_removal();
        assert!(remember_rows(&db).await.is_empty());

        browser.restart();
        browser.set_cookie("remember_token", &first);
        browser.get("/protected").await.assert_redirect("/login?next=%2Fprotected");
    }

    #[actix_web::test]
    async fn a_database_made_before_remember_tokens_gets_the_table_and_keeps_its_users() {
        // What an older binary of the lesson made: every migration but 7, and a dog.
        let temp = TempDatabase::new("before-remember-tokens");
        let file = temp.0.join("nested/users.db");
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        let old = sqlx::SqlitePool::connect(&format!("sqlite://{}?mode=rwc", file.display()))
            .await
            .unwrap();
        sqlx::raw_sql(
            "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL)",
        )
        .execute(&old)
        .await
        .unwrap();
        for (version, description, sql) in db::MIGRATIONS.iter().filter(|(v, ..)| *v != 7) {
            sqlx::raw_sql(sql).execute(&old).await.unwrap();
            sqlx::query("INSERT INTO schema_migrations VALUES (?, ?)")
                .bind(version)
                .bind(description)
                .execute(&old)
                .await
                .unwrap();
        }
        sqlx::query("INSERT INTO users (username, email, password_hash) VALUES (?, ?, ?)")
            .bind("rex")
            .bind("rex@dogs.example")
            .bind("not a hash")
            .execute(&old)
            .await
            .unwrap();
        old.close().await;

        let db = db::open(&temp.config(), 12).await.unwrap();
        let versions: Vec<i64> = sqlx::query_scalar("SELECT version FROM schema_migrations")
            .fetch_all(&db)
            .await
            .unwrap();
        let expected: Vec<i64> = db::MIGRATIONS.iter().map(|(version, ..)| *version).collect();
        assert_eq!(versions, expected);
        assert_eq!(count_users(&db).await, 2, "user1 and rex are still there");
        let clock = Clock::manual(start());
        let mut browser = client_of(server(&clock, &db)).await;
        log_in(&mut browser, &[("remember", "on")]).await;
        browser.restart();
        browser.get("/protected").await.assert_contains("Not a fresh login");
        db.close().await;
    }
}
// ANCHOR_END: remember_tokens

#[actix_web::test]
async fn the_session_holds_the_user_id_and_freshness_and_nothing_secret() {
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    log_in(&mut browser, &[]).await;
    let page = browser.get("/session").await;
    page.assert_contains("<td><code>_user_id</code></td>")
        .assert_contains("<td><code>_fresh</code></td>");
    page.assert_not_contains("mypassword").assert_not_contains("argon2");
}

#[actix_web::test]
async fn garbage_in_either_cookie_means_anonymous_not_an_error() {
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    for garbage in ["", "x", "%%%", "|", "user1|99999999999", &"A".repeat(3000)] {
        browser.set_cookie("session", garbage);
        browser.set_cookie("remember_token", garbage);
        browser.get("/").await.assert_status(200).assert_contains("You are not logged in!");
        browser.get("/protected").await.assert_redirect("/login?next=%2Fprotected");
    }
}

// ANCHOR: register
async fn register(browser: &mut TestClient, fields: &[(&str, &str)]) -> TestResponse {
    browser.post("/register", fields).await
}

#[actix_web::test]
async fn the_index_lists_the_users_from_the_database_but_not_their_addresses() {
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    let page = browser.get("/").await;
    page.assert_status(200).assert_contains("<li>user1</li>").assert_contains("1 registered");
    page.assert_not_contains("user1@example.com");
}

#[actix_web::test]
async fn a_registered_dog_is_listed_and_can_log_in() {
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    let fields = [("username", "rex"), ("email", "rex@dogs.example"), ("password", "good boy!")];
    register(&mut browser, &fields).await.assert_redirect("/login");
    let page = browser.get("/login").await;
    assert!(flashes(&page).contains("Welcome, rex! You can log in now."), "{}", page.body());
    browser.get("/").await.assert_contains("<li>rex</li>").assert_contains("2 registered");

    let fields = [("username", "rex"), ("password", "good boy!")];
    browser.post("/login", &fields).await.assert_redirect("/protected");
    browser
        .get("/protected")
        .await
        .assert_contains("Logged in as rex")
        .assert_contains("rex@dogs.example");
}

#[actix_web::test]
async fn a_taken_username_in_any_case_comes_back_with_409_and_nothing_is_written() {
    let clock = Clock::manual(start());
    let db = db::for_tests().await;
    let mut browser = client_of(server(&clock, &db)).await;
    for taken in ["user1", "USER1", "User1"] {
        let fields =
            [("username", taken), ("email", "new@dogs.example"), ("password", "dog biscuits")];
        register(&mut browser, &fields)
            .await
            .assert_status(409)
            .assert_contains("That username is taken")
            .assert_contains(r#"name="email" value="new@dogs.example""#);
    }
    assert_eq!(count_users(&db).await, 1);
}

#[actix_web::test]
async fn a_taken_address_comes_back_with_409_and_leaves_nothing_half_written() {
    let clock = Clock::manual(start());
    let db = db::for_tests().await;
    let mut browser = client_of(server(&clock, &db)).await;
    let fields =
        [("username", "newdog"), ("email", "USER1@example.com"), ("password", "dog biscuits")];
    register(&mut browser, &fields)
        .await
        .assert_status(409)
        .assert_contains("That e-mail address is already registered.");
    // Not a row for `newdog` without its address, nor anything else.
    assert_eq!(count_users(&db).await, 1);
    browser.post("/login", &[("username", "newdog"), ("password", "dog biscuits")]).await;
    browser.get("/protected").await.assert_redirect("/login?next=%2Fprotected");
}

#[actix_web::test]
async fn a_bad_address_a_short_password_or_a_missing_field_comes_back_with_422_and_the_reason() {
    let clock = Clock::manual(start());
    let db = db::for_tests().await;
    let mut browser = client_of(server(&clock, &db)).await;
    for (fields, reason) in [
        (
            &[("username", "rex"), ("email", "rex"), ("password", "dog biscuits")][..],
            "Please enter a valid e-mail address.",
        ),
        (
            &[("username", "rex"), ("email", "rex@dogs.example"), ("password", "short")],
            "A password needs at least 8 characters.",
        ),
        (
            &[("username", "r x"), ("email", "rex@dogs.example"), ("password", "dog biscuits")],
            "A username is 3 to 32",
        ),
        (&[("email", "rex@dogs.example"), ("password", "dog biscuits")], "A username is 3 to 32"),
        (&[], "A username is 3 to 32"),
    ] {
        let page = register(&mut browser, fields).await;
        page.assert_status(422).assert_contains(reason);
        // The form comes back filled in, without the password.
        page.assert_not_contains("dog biscuits");
    }
    assert_eq!(count_users(&db).await, 1);
}

#[actix_web::test]
async fn a_common_password_in_any_case_comes_back_with_422_and_a_good_one_is_welcome() {
    let clock = Clock::manual(start());
    let db = db::for_tests().await;
    let mut browser = client_of(server(&clock, &db)).await;
    // NIST SP 800-63B: long enough is not enough; the first passwords an attacker tries are not.
    for password in ["password", "12345678", "Password1"] {
        let fields = [("username", "rex"), ("email", "rex@dogs.example"), ("password", password)];
        register(&mut browser, &fields)
            .await
            .assert_status(422)
            .assert_contains("That password is one of the most common ones; please choose another.")
            .assert_contains(r#"name="username" value="rex""#);
    }
    assert_eq!(count_users(&db).await, 1);
    let fields = [("username", "rex"), ("email", "rex@dogs.example"), ("password", "dog biscuits")];
    register(&mut browser, &fields).await.assert_redirect("/login");
    assert_eq!(count_users(&db).await, 2);
}

#[actix_web::test]
async fn what_the_form_sends_back_is_escaped() {
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    let email = r#""><script>alert(1)</script>@dogs.example"#;
    let page =
        register(&mut browser, &[("username", "rex"), ("email", email), ("password", "short")])
            .await;
    page.assert_status(422);
    assert!(!page.main().contains("<script>"), "{}", page.main());
    page.assert_contains("&quot;&gt;&lt;script&gt;");
}

#[actix_web::test]
async fn a_user_deleted_from_the_database_is_logged_out_on_the_next_request() {
    let clock = Clock::manual(start());
    let db = db::for_tests().await;
    let mut browser = client_of(server(&clock, &db)).await;
    log_in(&mut browser, &[]).await;
    browser.get("/protected").await.assert_contains("Logged in as user1");
    sqlx::query("DELETE FROM users WHERE username = 'user1'").execute(&db).await.unwrap();
    browser.get("/protected").await.assert_redirect("/login?next=%2Fprotected");
}
// ANCHOR_END: register

// ANCHOR: database
/// A database file under a folder that does not exist yet, removed when the test ends.
struct TempDatabase(std::path::PathBuf);

impl TempDatabase {
    fn new(name: &str) -> TempDatabase {
        let folder = std::env::temp_dir().join(format!("lesson-12-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&folder);
        TempDatabase(folder)
    }

    fn config(&self) -> Config {
        let url = format!("sqlite://{}", self.0.join("nested/users.db").display());
        Config::for_tests(12).with("DATABASE_URL", &url)
    }
}

impl Drop for TempDatabase {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[actix_web::test]
async fn the_file_and_its_folder_are_made_when_missing_and_users_survive_a_restart() {
    let temp = TempDatabase::new("restart");
    let clock = Clock::manual(start());
    {
        let db = db::open(&temp.config(), 12).await.unwrap();
        let mut browser = client_of(server(&clock, &db)).await;
        let fields =
            [("username", "rex"), ("email", "rex@dogs.example"), ("password", "good boy!")];
        register(&mut browser, &fields).await.assert_redirect("/login");
        db.close().await;
    }
    assert!(temp.0.join("nested/users.db").exists());
    // A second start applies no migration twice, and finds rex.
    let db = db::open(&temp.config(), 12).await.unwrap();
    let mut browser = client_of(server(&clock, &db)).await;
    browser.get("/").await.assert_contains("<li>rex</li>").assert_contains("2 registered");
    let versions: Vec<i64> =
        sqlx::query_scalar("SELECT version FROM schema_migrations").fetch_all(&db).await.unwrap();
    // Each migration once; an exercise that adds one to the lesson's list runs this test too.
    let expected: Vec<i64> = db::MIGRATIONS.iter().map(|(version, ..)| *version).collect();
    assert_eq!(versions, expected);
    db.close().await;
}

#[actix_web::test]
async fn a_database_that_cannot_be_opened_stops_the_server_with_a_message_naming_database_url() {
    // A "folder" that is a file: nothing can be made under it.
    let config = Config::for_tests(12).with("DATABASE_URL", "sqlite:///dev/null/users.db");
    let error = db::open(&config, 12).await.unwrap_err();
    assert!(error.contains("DATABASE_URL"), "{error}");
}

#[actix_web::test]
async fn a_database_that_stops_answering_gets_a_503_page_that_says_so() {
    let clock = Clock::manual(start());
    let db = db::for_tests().await;
    let server = server(&clock, &db);
    let mut browser = client_of(server.clone()).await;
    browser.get("/").await.assert_status(200);
    let mut signed_in = client_of(server).await;
    log_in(&mut signed_in, &[]).await.assert_status(303);
    // The pool, closed: every query fails, as with a locked file or a full disk.
    db.close().await;
    let page = browser.get("/").await;
    page.assert_status(503).assert_contains("The database is not answering");
    // The error page, with the layout: `errors::Error` answers with `PageError`'s response.
    page.assert_contains("<h1>503 Service Unavailable</h1>");
    log_in(&mut browser, &[]).await.assert_status(503).assert_contains("not answering");
    // A browser with a session: the session store asks the database first, and `store::outage`
    // answers with the same page.
    for req in [TestRequest::get().uri("/"), TestRequest::post().uri("/logout")] {
        let Err(error) = answer(&mut signed_in, req).await else { panic!("a 503 page") };
        assert!(error.contains("The database is not answering"), "{error}");
        assert!(error.contains("(503 Service Unavailable, text/html"), "{error}");
    }
}
// ANCHOR_END: database

// ANCHOR: server_side
/// The session rows, as (user_id, state JSON).
async fn session_rows(db: &Db) -> Vec<(Option<i64>, String)> {
    sqlx::query_as("SELECT user_id, state FROM sessions").fetch_all(db).await.unwrap()
}

#[actix_web::test]
async fn the_cookie_carries_only_a_random_id_and_the_session_is_a_row_on_the_server() {
    let clock = Clock::manual(start());
    let db = db::for_tests().await;
    let mut browser = client_of(server(&clock, &db)).await;
    log_in(&mut browser, &[]).await;
    let request =
        TestRequest::get().insert_header(("cookie", browser.cookie_header())).to_http_request();
    let id = store::current_id(&request, browser.site()).unwrap();
    assert_eq!(id.len(), 64);
    assert!(id.chars().all(|c| c.is_ascii_alphanumeric()), "{id}");

    let rows = session_rows(&db).await;
    assert_eq!(rows.len(), 1);
    let (owner, state) = &rows[0];
    assert_eq!(*owner, Some(1));
    assert!(state.contains("_user_id") && state.contains("_fresh"), "{state}");
    // The inspector can decrypt the cookie: inside is the id, nothing about the user.
    let page = browser.get("/").await;
    assert!(page.body().contains(&id), "the inspector shows the id");
}

#[actix_web::test]
async fn a_cookie_copied_before_logout_no_longer_logs_you_in_after_it() {
    // Lesson 04 has the opposite test (`a_cookie_copied_before_logout_still_logs_you_in_after_it`):
    // with the cookie store, logout can only ask the browser to forget. Here it deletes the row.
    let clock = Clock::manual(start());
    let db = db::for_tests().await;
    let mut browser = client_of(server(&clock, &db)).await;
    log_in(&mut browser, &[]).await;
    let copied = browser.cookie("session").unwrap().to_string();
    browser.post("/logout", &[]).await.assert_redirect("/login");
    assert!(session_rows(&db).await.is_empty(), "logout deletes the row");

    browser.set_cookie("session", &copied);
    browser.get("/").await.assert_contains("You are not logged in!");
    browser.get("/protected").await.assert_redirect("/login?next=%2Fprotected");
}

#[actix_web::test]
async fn logging_in_gives_a_new_id_and_the_old_row_is_gone() {
    let clock = Clock::manual(start());
    let db = db::for_tests().await;
    let mut browser = client_of(server(&clock, &db)).await;
    browser.get("/protected").await; // an anonymous session, with the flashed message
    let before = browser.cookie("session").unwrap().to_string();
    assert_eq!(session_rows(&db).await.len(), 1);
    log_in(&mut browser, &[]).await;
    assert_ne!(browser.cookie("session"), Some(before.as_str()));
    let rows = session_rows(&db).await;
    assert_eq!(rows.len(), 1, "the anonymous row was deleted: {rows:?}");
    assert_eq!(rows[0].0, Some(1));
}

#[actix_web::test]
async fn the_store_refuses_an_expired_row_and_the_sweeper_deletes_only_expired_ones() {
    let clock = Clock::manual(start());
    let db = db::for_tests().await;
    let store = SqliteSessionStore::new(db.clone(), clock.clone());
    let state = std::collections::HashMap::from([("_user_id".to_string(), "\"1\"".to_string())]);
    let short = store.save(state.clone(), &Duration::minutes(5)).await.unwrap();
    let long = store.save(state, &Duration::hours(1)).await.unwrap();
    assert!(store.load(&short).await.unwrap().is_some());

    clock.advance(Duration::minutes(5));
    assert!(store.load(&short).await.unwrap().is_none(), "refused at its end, not after");
    assert!(store.load(&long).await.unwrap().is_some());
    assert_eq!(session_rows(&db).await.len(), 2, "still in the table until swept");

    let swept = store::sweep(&db, clock.now().unix_timestamp()).await.unwrap();
    assert_eq!(swept, 1);
    assert_eq!(session_rows(&db).await.len(), 1);
    assert!(store.load(&long).await.unwrap().is_some());
}

#[actix_web::test]
async fn a_copied_cookie_is_refused_after_the_session_lifetime_even_by_the_store_alone() {
    let clock = Clock::manual(start());
    let db = db::for_tests().await;
    let mut browser = client_of(server(&clock, &db)).await;
    log_in(&mut browser, &[]).await;
    let copied = browser.cookie("session").unwrap().to_string();
    let request =
        TestRequest::get().insert_header(("cookie", browser.cookie_header())).to_http_request();
    let key = SessionKey::try_from(store::current_id(&request, browser.site()).unwrap()).unwrap();
    let store = SqliteSessionStore::new(db.clone(), clock.clone());
    assert!(store.load(&key).await.unwrap().is_some());

    clock.advance(Duration::minutes(5)); // SESSION_LIFETIME's default
    assert!(store.load(&key).await.unwrap().is_none());
    browser.set_cookie("session", &copied);
    browser.get("/protected").await.assert_redirect("/login?next=%2Fprotected");
}

#[actix_web::test]
async fn a_garbage_or_unknown_session_id_is_a_new_anonymous_session_not_an_error() {
    let clock = Clock::manual(start());
    let db = db::for_tests().await;
    let store = SqliteSessionStore::new(db.clone(), clock.clone());
    for key in ["", "x", "no-such-session", &"A".repeat(4000)] {
        let key = SessionKey::try_from(key.to_string()).unwrap();
        assert!(store.load(&key).await.unwrap().is_none());
    }
}
// ANCHOR_END: server_side

// ANCHOR: sessions_page
/// Logs in as user1 from a browser that says it is `agent`.
async fn log_in_as_browser(browser: &mut TestClient, agent: &str) {
    let request = TestRequest::post()
        .uri("/login")
        .insert_header(("user-agent", agent))
        .set_form([("username", "user1"), ("password", "mypassword")]);
    browser.send(request).await.assert_redirect("/protected");
}

#[actix_web::test]
async fn the_sessions_page_needs_a_login() {
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    browser.get("/sessions").await.assert_redirect("/login?next=%2Fsessions");
    browser
        .post("/sessions/end-others", &[])
        .await
        .assert_redirect("/login?next=%2Fsessions%2Fend%2Dothers");
}

#[actix_web::test]
async fn the_sessions_page_lists_my_sessions_with_their_browsers_and_marks_this_one() {
    let clock = Clock::manual(start());
    let db = db::for_tests().await;
    let server = server(&clock, &db);
    let (mut laptop, mut phone) =
        (client_of(server.clone()).await, client_of(server.clone()).await);
    log_in_as_browser(&mut laptop, "Laptop Firefox").await;
    clock.advance(Duration::minutes(1));
    log_in_as_browser(&mut phone, "Phone <Safari>").await;
    // Another dog's session is not listed.
    let mut other = client_of(server).await;
    let fields = [("username", "rex"), ("email", "rex@dogs.example"), ("password", "good boy!")];
    other.post("/register", &fields).await;
    other.post("/login", &[("username", "rex"), ("password", "good boy!")]).await;

    let page = laptop.get("/sessions").await;
    page.assert_status(200)
        .assert_contains("Laptop Firefox")
        .assert_contains("Phone &lt;Safari&gt;");
    assert_eq!(page.main().matches("<tr>").count(), 3, "a header and two rows:\n{}", page.main());
    assert_eq!(page.main().matches("this session").count(), 1);
    let laptop_row = page.main().split("<tr>").find(|row| row.contains("Laptop Firefox")).unwrap();
    assert!(laptop_row.contains("this session"), "{laptop_row}");
    assert!(
        laptop_row.contains("2023-11-14 22:13 UTC"),
        "signed in at the clock's time: {laptop_row}"
    );
}

#[actix_web::test]
async fn log_out_everywhere_else_ends_the_other_browsers_sessions_and_keeps_this_one() {
    let clock = Clock::manual(start());
    let db = db::for_tests().await;
    let server = server(&clock, &db);
    let (mut laptop, mut phone) =
        (client_of(server.clone()).await, client_of(server.clone()).await);
    log_in_as_browser(&mut laptop, "Laptop").await;
    log_in_as_browser(&mut phone, "Phone").await;
    phone.get("/protected").await.assert_contains("Logged in as user1");

    laptop.post("/sessions/end-others", &[]).await.assert_redirect("/sessions");
    let page = laptop.get("/sessions").await;
    assert!(flashes(&page).contains("Ended 1 other session."), "{}", page.body());
    page.assert_contains("Laptop").assert_not_contains("Phone");

    phone.get("/protected").await.assert_redirect("/login?next=%2Fprotected");
    laptop.get("/protected").await.assert_contains("Logged in as user1");
}
// ANCHOR_END: sessions_page

/// The count says what the list showed: a session that had already expired is not one of the
/// "other sessions" ended (the black-box suite found the lesson counting it).
#[actix_web::test]
async fn ending_the_others_counts_only_the_sessions_still_alive() {
    let clock = Clock::manual(start());
    let db = db::for_tests().await;
    let server = server(&clock, &db);
    let (mut laptop, mut phone) =
        (client_of(server.clone()).await, client_of(server.clone()).await);
    log_in_as_browser(&mut laptop, "Laptop").await;
    log_in_as_browser(&mut phone, "Phone").await;
    clock.advance(Duration::minutes(3));
    laptop.get("/protected").await.assert_contains("Logged in as user1");
    clock.advance(Duration::minutes(3));
    // The phone has been idle for six minutes: its session ended, and the list does not show it.
    laptop.get("/sessions").await.assert_not_contains("Phone");

    laptop.post("/sessions/end-others", &[]).await.assert_redirect("/sessions");
    let page = laptop.get("/sessions").await;
    assert!(flashes(&page).contains("Ended 0 other sessions."), "{}", page.body());
}

// ANCHOR: redis
/// The Redis to test against: `REDIS_URL`. Unset, a test skips with the reason, unless `CI` is
/// set: then Redis was meant to be there, and its absence is a failure.
fn redis_url(test: &str) -> Option<String> {
    match std::env::var("REDIS_URL") {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ if std::env::var_os("CI").is_some() => {
            panic!(
                "{test}: REDIS_URL is not set, and CI is: .ci/run must start Redis and set REDIS_URL"
            )
        }
        _ => {
            // Straight to standard error: libtest captures `eprintln!` and shows it only for a
            // failed test, and this test reports `ok` without having run.
            use std::io::Write as _;
            let line = format!(
                "skipped {test}: REDIS_URL is not set (`.ci/run` starts a Redis and sets it)\n"
            );
            let _ = std::io::stderr().write_all(line.as_bytes());
            None
        }
    }
}

/// A server of this lesson with its sessions in the Redis at `url` and its users in `db`.
async fn redis_server(config: &Config, db: &Db) -> Server {
    let site = Site::new(&LESSON, config.clone()).unwrap();
    let store = store::open(&site, db).await.unwrap_or_else(|error| panic!("{error}"));
    assert!(matches!(store, Store::Redis(_)));
    Server { site, db: db.clone(), store }
}

#[actix_web::test]
async fn with_redis_a_login_on_one_server_is_valid_on_another() {
    let Some(url) = redis_url("with_redis_a_login_on_one_server_is_valid_on_another") else {
        return;
    };
    // Two servers, as two machines behind a load balancer: one SECRET_KEY, one Redis, and one
    // users database (here both use the same SQLite; across machines it would be a database
    // server).
    let config = Config::for_tests(12).with("REDIS_URL", &url);
    let db = db::for_tests().await;
    let mut first = client_of(redis_server(&config, &db).await).await;
    let mut second = client_of(redis_server(&config, &db).await).await;

    log_in(&mut first, &[]).await.assert_redirect("/protected");
    assert_eq!(
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM sessions").fetch_one(&db).await.unwrap(),
        0,
        "the session is in Redis, not in SQLite"
    );
    // The same browser's next request lands on the other machine.
    second.set_cookie("session", first.cookie("session").unwrap());
    second.get("/protected").await.assert_contains("Logged in as user1");

    // And logging out on the second ends the session on the first.
    second.post("/logout", &[]).await.assert_redirect("/login");
    first.get("/protected").await.assert_redirect("/login?next=%2Fprotected");
}

#[actix_web::test]
async fn with_redis_a_cookie_copied_before_logout_no_longer_works_either() {
    let Some(url) = redis_url("with_redis_a_cookie_copied_before_logout_no_longer_works_either")
    else {
        return;
    };
    let config = Config::for_tests(12).with("REDIS_URL", &url);
    let db = db::for_tests().await;
    let mut browser = client_of(redis_server(&config, &db).await).await;
    log_in(&mut browser, &[]).await;
    let copied = browser.cookie("session").unwrap().to_string();
    browser.post("/logout", &[]).await;
    browser.set_cookie("session", &copied);
    browser.get("/protected").await.assert_redirect("/login?next=%2Fprotected");
    // The sessions page says why it cannot list anything.
    log_in(&mut browser, &[]).await;
    browser.get("/sessions").await.assert_status(200).assert_contains("REDIS_URL");
}

#[actix_web::test]
async fn a_redis_url_nobody_answers_stops_the_server_with_a_message_naming_it() {
    // Port 1 on this machine: nothing listens there.
    // (`open` waits 5 s before it gives up; the test, a fiftieth of that: nothing will answer.)
    let wait = std::time::Duration::from_millis(100);
    let Err(error) = store::open_redis("redis://127.0.0.1:1", wait).await else {
        panic!("a store without a Redis");
    };
    assert!(error.contains("REDIS_URL=redis://127.0.0.1:1"), "{error}");
}
// ANCHOR_END: redis

// ANCHOR: outage
/// A `redis-server` of the test's own on a free loopback port, which the test can stop (as a
/// crash does: killed, nothing saved) and start again on the same port.
struct OwnRedis {
    port: u16,
    server: Option<std::process::Child>,
}

impl OwnRedis {
    /// `None` when `redis-server` is not installed, after saying the test is skipped; a failure
    /// when `CI` is set, where it must be.
    fn start(test: &str) -> Option<OwnRedis> {
        // `just test NN`, a student's loop of a few seconds, leaves out the one test that waits
        // on purpose (three 1 s time limits while Redis is down); `just test` and CI run it.
        if std::env::var_os("QUICK_LOOP").is_some() {
            let line = format!("skipped {test} in the quick loop: `just test` runs it\n");
            let _ = std::io::Write::write_all(&mut std::io::stderr(), line.as_bytes());
            return None;
        }
        let installed = std::process::Command::new("redis-server").arg("--version").output();
        if installed.is_err() {
            assert!(
                std::env::var_os("CI").is_none(),
                "{test}: redis-server is not on PATH, and CI is: .ci/run must install it"
            );
            // Straight to stderr: `eprintln!` in a test that passes is kept from the terminal
            // (the harness captures it), and a skip must be seen.
            let line = format!("skipped {test}: redis-server is not on PATH\n");
            let _ = std::io::Write::write_all(&mut std::io::stderr(), line.as_bytes());
            return None;
        }
        // A port the OS just gave out is free; the listener closes before Redis takes it.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
        let port = listener.local_addr().expect("its address").port();
        drop(listener);
        let mut redis = OwnRedis { port, server: None };
        redis.restart();
        Some(redis)
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Starts it, and waits (polling, up to 10 s) until it answers `PING`.
    fn restart(&mut self) {
        let port = self.port.to_string();
        let args = ["--port", &port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];
        let server = std::process::Command::new("redis-server")
            .args(args)
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("redis-server starts");
        self.server = Some(server);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while !answers_ping(self.port) {
            assert!(std::time::Instant::now() < deadline, "redis-server on port {port} is not up");
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }

    /// Kills it: the connections break and the sessions are gone, as in a crash.
    fn stop(&mut self) {
        if let Some(mut server) = self.server.take() {
            let _ = server.kill();
            let _ = server.wait();
        }
    }
}

impl Drop for OwnRedis {
    fn drop(&mut self) {
        self.stop();
    }
}

fn answers_ping(port: u16) -> bool {
    use std::io::{Read as _, Write as _};
    let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) else { return false };
    let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(1)));
    let mut answer = [0; 5];
    stream.write_all(b"PING\r\n").is_ok()
        && stream.read_exact(&mut answer).is_ok()
        && &answer == b"+PONG"
}

/// Sends `req` with `browser`'s cookies and says how it was answered: `Ok` with the response,
/// or `Err` with the error the app gave the server to answer with (its status and text). Within
/// 5 s: the store gives Redis 1 s (`store::CALL_WAIT`), the rest is room for a busy machine.
async fn answer(browser: &mut TestClient, req: TestRequest) -> Result<TestResponse, String> {
    let req = req.insert_header(("cookie", browser.cookie_header()));
    let started = std::time::Instant::now();
    let answer = browser.try_send_raw(req).await;
    let took = started.elapsed();
    assert!(took < std::time::Duration::from_secs(5), "the answer took {took:?}");
    answer
}

/// The 503 a request gets while the session store is down.
fn assert_store_unavailable(answer: Result<TestResponse, String>) {
    let Err(error) = answer else { panic!("a response while Redis is down") };
    assert!(error.contains(store::UNAVAILABLE), "{error}");
    // As a server sends it: a page that says so (under /api/, JSON).
    assert!(error.contains("(503 Service Unavailable, text/html"), "{error}");
}

#[actix_web::test]
async fn with_redis_down_session_pages_are_a_quick_503_and_work_again_once_it_is_back() {
    let test = "with_redis_down_session_pages_are_a_quick_503_and_work_again_once_it_is_back";
    let Some(mut redis) = OwnRedis::start(test) else { return };
    let config = Config::for_tests(12).with("REDIS_URL", &redis.url());
    let db = db::for_tests().await;
    let server = redis_server(&config, &db).await;
    let mut browser = client_of(server.clone()).await;
    let mut visitor = client_of(server).await;
    log_in(&mut browser, &[]).await.assert_redirect("/protected");

    redis.stop();
    // Twice: the first request finds the connection broken, the second has to make one.
    for _ in 0..2 {
        assert_store_unavailable(answer(&mut browser, TestRequest::get().uri("/protected")).await);
    }
    // A login has a session to store.
    let fields = [("username", "user1"), ("password", "mypassword")];
    let login = || TestRequest::post().uri("/login").set_form(fields);
    assert_store_unavailable(answer(&mut visitor, login()).await);
    // A page that needs no session (no cookie, nothing to store) does not ask Redis.
    visitor.get("/").await.assert_status(200);

    // Back, empty: the old session is gone, so that browser is logged out; a login works.
    redis.restart();
    let page = answer(&mut browser, TestRequest::get().uri("/protected")).await.unwrap();
    page.assert_redirect("/login?next=%2Fprotected");
    answer(&mut browser, login()).await.unwrap().assert_redirect("/protected");
    browser.get("/protected").await.assert_contains("Logged in as user1");
}
// ANCHOR_END: outage

#[actix_web::test]
async fn a_login_or_registration_while_every_hashing_slot_is_busy_gets_a_503_with_retry_after() {
    let (clock, db) = (Clock::manual(start()), db::for_tests().await);
    let mut server = server(&clock, &db);
    server.site = server.site.with_hashing(Hashing::none_free());
    let mut browser = client_of(server).await;
    let res = log_in(&mut browser, &[]).await;
    res.assert_status(503).assert_contains("Too many sign-ins at once");
    assert_eq!(res.header("retry-after"), Some("5"));
    browser.get("/protected").await.assert_status(303);
    let fields =
        [("username", "rex"), ("email", "rex@example.com"), ("password", "a long dog biscuit")];
    let res = register(&mut browser, &fields).await;
    res.assert_status(503);
    assert_eq!(res.header("retry-after"), Some("5"));
    assert_eq!(count_users(&db).await, 1, "no user was made");
}

shared::bad_input_tests!(crate::LESSON, client = crate::tests::client);

// ANCHOR: random_cookies
/// 10 000 random `session` cookies at the server-side store: anything a browser can send,
/// base64-looking junk, the server's own cookie changed in one place, and, sealed with this
/// server's own key so that they reach the store's lookup, random session ids and the real id
/// changed in one character. Only the id the server issued at login is a session; every other
/// value is exactly the logged-out page, never a 500 or a panic.
mod random_cookies {
    use std::cell::{Cell, RefCell};

    use actix_web::cookie::{Cookie, CookieJar, Key};
    use actix_web::rt::System;
    use actix_web::test::TestRequest;
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestCaseError, TestRunner};
    use shared::Clock;

    use super::{client_of, server, start};
    use crate::db;
    use crate::lifetime::COOKIE;

    /// `id` encrypted with `key`, as actix-session seals a session id into the cookie.
    fn seal(key: &Key, id: &str) -> String {
        let mut jar = CookieJar::new();
        jar.private_mut(key).add(Cookie::new(COOKIE, id.to_string()));
        jar.get(COOKIE).map(|cookie| cookie.value().to_string()).unwrap_or_default()
    }

    /// The session id a cookie value carries for this server, read the way actix-session reads
    /// it (the `Cookie` header's percent-decoding, then `cookie`'s private jar), if any.
    fn unseal(key: &Key, value: &str) -> Option<String> {
        let cookie = Cookie::parse_encoded(format!("{COOKIE}={value}")).ok()?;
        let mut jar = CookieJar::new();
        jar.add_original(cookie.into_owned());
        jar.private(key).get(COOKIE).map(|cookie| cookie.value().to_string())
    }

    fn values(genuine: String, id: String, key: Key) -> impl Strategy<Value = String> {
        let (mutated, sealed_id) = (genuine.clone(), id.clone());
        let (key_a, key_b) = (key.clone(), key);
        prop_oneof![
            // Any cookie-octets (RFC 6265): visible ASCII but `"`, `,`, `;` and `\`.
            "[!#-+\\--:<-\\[\\]-~]{0,160}",
            // What an encrypted cookie looks like: base64 of nonce, ciphertext and tag.
            "[A-Za-z0-9+/]{40,120}={0,2}",
            // Random bytes, percent-encoded (decoded by actix-web; often not UTF-8).
            proptest::collection::vec(any::<u8>(), 0..80)
                .prop_map(|bytes| bytes.iter().map(|b| format!("%{b:02X}")).collect::<String>()),
            // The real cookie, changed in one place.
            (0..mutated.len(), "[A-Za-z0-9+/=%]", 0..3u8).prop_map(move |(at, c, how)| {
                let mut value = mutated.clone();
                match how {
                    0 => value.replace_range(at..=at, &c),
                    1 => value.truncate(at),
                    _ => value.insert_str(at, &c),
                }
                value
            }),
            // Correctly sealed, so the store is asked: an id that looks like the server's own
            // (64 letters and digits), any text at all (quotes and SQL included), or the real
            // id with one character changed.
            prop_oneof![
                "[A-Za-z0-9]{64}",
                "\\PC{0,80}",
                (0..64usize, "[A-Za-z0-9]").prop_map(move |(at, c)| {
                    let mut id = sealed_id.clone();
                    id.replace_range(at..=at, &c);
                    id
                })
            ]
            .prop_map(move |id| seal(&key_a, &id)),
            // The real id sealed again (a new nonce): still the same session.
            Just(seal(&key_b, &id)),
            Just(genuine),
        ]
    }

    #[test]
    fn only_the_session_id_this_server_issued_is_a_session() {
        let system = System::new();
        let clock = Clock::manual(start());
        let db = system.block_on(db::for_tests());
        let mut browser = system.block_on(client_of(server(&clock, &db)));
        let anonymous = system.block_on(browser.get("/")).main().to_string();
        let fields = [("username", "user1"), ("password", "mypassword")];
        system.block_on(browser.post("/login", &fields)).assert_redirect("/protected");
        let genuine = browser.cookie(COOKIE).expect("the login set a cookie").to_string();
        let key = browser.site().key().clone();
        let id = unseal(&key, &genuine).expect("the server's cookie carries an id");
        let rows = || -> i64 {
            let count = sqlx::query_scalar("SELECT count(*) FROM sessions").fetch_one(&db);
            system.block_on(count).expect("the sessions table")
        };
        let before = rows();
        let browser = RefCell::new(browser);
        let (believed, sealed) = (Cell::new(0), Cell::new(0));

        // 10 000 in `just test` and CI; `just test NN`, the edit-test loop, sets PROPTEST_CASES
        // to a few hundred (10 000 take seconds in a debug build).
        let cases = std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok());
        let config = Config {
            cases: cases.unwrap_or(10_000),
            failure_persistence: None,
            ..Config::default()
        };
        let mut runner = TestRunner::new(config);
        let result = runner.run(&values(genuine, id.clone(), key.clone()), |value| {
            // The oracle: the id in the cookie, if it decrypts, and whether it is the one the
            // server issued.
            let carried = unseal(&key, &value);
            if carried.as_ref().is_some_and(|carried| *carried != id) {
                sealed.set(sealed.get() + 1);
            }
            let cookie = format!("{COOKIE}={value}");
            let req = TestRequest::get().uri("/").insert_header(("cookie", cookie));
            let res = system.block_on(browser.borrow_mut().try_send_raw(req));
            let res = res.map_err(TestCaseError::fail)?;
            prop_assert_eq!(res.status().as_u16(), 200, "{}", res.body());
            if carried.as_ref() == Some(&id) {
                believed.set(believed.get() + 1);
                prop_assert!(res.main().contains("Logged in as user1"), "{}", res.main());
            } else {
                prop_assert_eq!(res.main(), anonymous.as_str());
            }
            Ok(())
        });
        if let Err(failure) = result {
            panic!("{failure}");
        }
        assert!(believed.get() > 0, "the real id was never tried: the oracle went unchecked");
        assert!(sealed.get() > 0, "no sealed random id was tried: the store was never asked");
        // A logged-out visit to `/` keeps nothing: no row was added for any of them.
        assert_eq!(rows(), before, "the random cookies made session rows");
    }
}
// ANCHOR_END: random_cookies
