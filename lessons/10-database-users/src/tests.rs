//! What lesson 10 shows, as tests. Run with: just test 10
//!
//! Each test has a fresh database in memory, with the migrations' demo user: `user1` /
//! `mypassword` (stored as an Argon2id hash).

use actix_web::cookie::SameSite;
use actix_web::cookie::time::{Duration, OffsetDateTime};
use actix_web::web;
use shared::hashing::Hashing;
use shared::testkit::{TestClient, TestResponse};
use shared::{Clock, Config, Site};

use crate::db::{self, Db};
use crate::{LESSON, app, login_manager};

fn start() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap()
}

/// The lesson's site, on a clock the test moves by hand.
fn site(clock: &Clock) -> Site {
    Site::with_clock(&LESSON, Config::for_tests(10), clock.clone()).unwrap()
}

/// A browser on the lesson's app over `db`, built as `main` builds it.
pub(crate) async fn client_on(site: Site, db: &Db) -> TestClient {
    let db = db.clone();
    TestClient::for_site(site, |site| {
        let login_manager = web::Data::new(login_manager(&site, db.clone()));
        app(site, web::Data::new(db), login_manager)
    })
    .await
}

/// The same on a fresh database (the bad-input suite's browser too).
pub(crate) async fn client(site: Site) -> TestClient {
    client_on(site, &db::for_tests().await).await
}

async fn browser(clock: &Clock) -> TestClient {
    client(site(clock)).await
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
    let mut browser = client_on(site(&clock), &db).await;
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
    let mut browser = client_on(site(&clock), &db).await;
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
    let mut browser = client_on(site(&clock), &db).await;
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

    #[actix_web::test]
    async fn a_remembered_login_starts_a_new_session_and_keeps_nothing_planted_before_it() {
        // Session fixation through the remember cookie: a session the attacker made is put in
        // a browser that is remembered. The login the cookie restores must not be that session.
        let clock = Clock::manual(start());
        let db = db::for_tests().await;
        let site = site(&clock);
        let mut attacker = client_on(site.clone(), &db).await;
        attacker.get("/protected").await; // an anonymous session, holding a flashed message
        let planted = attacker.cookie("session").unwrap().to_string();

        let mut victim = client_on(site, &db).await;
        log_in(&mut victim, &[("remember", "on")]).await;
        victim.restart();
        victim.set_cookie("session", &planted);
        let page = victim.get("/").await;
        page.assert_contains("Logged in as user1");
        assert!(!flashes(&page).contains("Please log in"), "carried over: {}", page.body());
        assert_ne!(victim.cookie("session"), Some(planted.as_str()));
    }

    #[actix_web::test]
    async fn a_new_login_takes_back_the_token_this_browser_had() {
        let clock = Clock::manual(start());
        let db = db::for_tests().await;
        let mut browser = client_on(site(&clock), &db).await;
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

        let db = db::open(&temp.config(), 10).await.unwrap();
        let versions: Vec<i64> = sqlx::query_scalar("SELECT version FROM schema_migrations")
            .fetch_all(&db)
            .await
            .unwrap();
        let expected: Vec<i64> = db::MIGRATIONS.iter().map(|(version, ..)| *version).collect();
        assert_eq!(versions, expected);
        assert_eq!(count_users(&db).await, 2, "user1 and rex are still there");
        let clock = Clock::manual(start());
        let mut browser = client_on(site(&clock), &db).await;
        log_in(&mut browser, &[("remember", "on")]).await;
        browser.restart();
        browser.get("/protected").await.assert_contains("Not a fresh login");
        db.close().await;
    }
}
// ANCHOR_END: remember_tokens

#[actix_web::test]
async fn strong_protection_ends_the_remember_token_row_too() {
    // Lesson 09's session protection in "strong" mode: a login whose session comes back from
    // another client ends. Its remember cookie goes, and now that the cookie's token is a row,
    // the row goes too, as at logout: a copy of the cookie is worth nothing.
    use actix_web::http::header::USER_AGENT;
    use actix_web::test::TestRequest;

    use crate::login::{LoginManager, SessionProtection};

    let clock = Clock::manual(start());
    let db = db::for_tests().await;
    let pool = db.clone();
    let mut browser = TestClient::for_site(site(&clock), |site| {
        let manager = LoginManager {
            session_protection: SessionProtection::Strong,
            ..login_manager(&site, pool.clone())
        };
        app(site, web::Data::new(pool), web::Data::new(manager))
    })
    .await;
    log_in(&mut browser, &[("remember", "on")]).await;
    let copied = browser.cookie("remember_token").unwrap().to_string();
    browser.get("/protected").await.assert_contains("Logged in as user1");
    assert_eq!(remember_rows(&db).await.len(), 1);

    // The same cookies, from a client with another User-Agent.
    let another = TestRequest::get().uri("/protected").insert_header((USER_AGENT, "curl/8.5.0"));
    let res = browser.send(another).await;
    res.assert_redirect("/login?next=%2Fprotected");
    res.set_cookie("remember_token").assert_removal();
    assert!(remember_rows(&db).await.is_empty(), "the token's row is deleted");
    browser.restart();
    browser.set_cookie("remember_token", &copied);
    browser.get("/protected").await.assert_redirect("/login?next=%2Fprotected");
}

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
    let mut browser = client_on(site(&clock), &db).await;
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
    let mut browser = client_on(site(&clock), &db).await;
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
    let mut browser = client_on(site(&clock), &db).await;
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
    let mut browser = client_on(site(&clock), &db).await;
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
    let mut browser = client_on(site(&clock), &db).await;
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
        let folder = std::env::temp_dir().join(format!("lesson-10-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&folder);
        TempDatabase(folder)
    }

    fn config(&self) -> Config {
        let url = format!("sqlite://{}", self.0.join("nested/users.db").display());
        Config::for_tests(10).with("DATABASE_URL", &url)
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
        let db = db::open(&temp.config(), 10).await.unwrap();
        let mut browser = client_on(site(&clock), &db).await;
        let fields =
            [("username", "rex"), ("email", "rex@dogs.example"), ("password", "good boy!")];
        register(&mut browser, &fields).await.assert_redirect("/login");
        db.close().await;
    }
    assert!(temp.0.join("nested/users.db").exists());
    // A second start applies no migration twice, and finds rex.
    let db = db::open(&temp.config(), 10).await.unwrap();
    let mut browser = client_on(site(&clock), &db).await;
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
    let config = Config::for_tests(10).with("DATABASE_URL", "sqlite:///dev/null/users.db");
    let error = db::open(&config, 10).await.unwrap_err();
    assert!(error.contains("DATABASE_URL"), "{error}");
}

#[actix_web::test]
async fn a_database_that_stops_answering_gets_a_503_page_that_says_so() {
    let clock = Clock::manual(start());
    let db = db::for_tests().await;
    let mut browser = client_on(site(&clock), &db).await;
    browser.get("/").await.assert_status(200);
    // The pool, closed: every query fails, as with a locked file or a full disk.
    db.close().await;
    let page = browser.get("/").await;
    page.assert_status(503).assert_contains("The database is not answering");
    // The error page, with the layout: `errors::Error` answers with `PageError`'s response.
    page.assert_contains("<h1>503 Service Unavailable</h1>");
    log_in(&mut browser, &[]).await.assert_status(503).assert_contains("not answering");
}
// ANCHOR_END: database

#[actix_web::test]
async fn a_login_or_registration_while_every_hashing_slot_is_busy_gets_a_503_with_retry_after() {
    let (clock, db) = (Clock::manual(start()), db::for_tests().await);
    let site = site(&clock).with_hashing(Hashing::none_free());
    let mut browser = client_on(site, &db).await;
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
