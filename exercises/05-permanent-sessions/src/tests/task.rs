//! The task of exercise 05, as tests: an absolute limit on top of sliding expiry. Run with:
//! just exercise 05
//!
//! Time is a manual clock (`Clock::manual`) that the tests move forward: "an hour passes" is
//! `clock.advance(Duration::hours(1))`, not an hour-long test.

use actix_web::cookie::time::{Duration, OffsetDateTime};
use shared::testkit::TestClient;
use shared::{Clock, Config};

use crate::{LESSON, app};

/// The home page's greeting, logged in as alice or not logged in.
const ALICE: &str = "Logged in as alice";
const LOGGED_OUT: &str = "You are not logged in!";

/// 2023-11-14 22:13:20 UTC: any fixed start will do.
fn start() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap()
}

/// Lesson 05's five sliding minutes, and at most an hour after the login.
fn config() -> Config {
    Config::for_tests(5).with("SESSION_MAX_LIFETIME", "1h")
}

/// A browser that logged in as alice at the clock's time.
async fn logged_in(config: Config, clock: &Clock) -> TestClient {
    let mut browser = TestClient::with_clock(&LESSON, config, clock.clone(), app).await;
    browser.post("/login", &[("username", "alice")]).await.assert_redirect("/");
    browser
}

/// Comes back to the home page every four minutes, `visits` times: never five minutes idle, so the
/// sliding lifetime alone would keep the session going for ever.
async fn keep_coming_back(browser: &mut TestClient, clock: &Clock, visits: u32) {
    for _ in 0..visits {
        clock.advance(Duration::minutes(4));
        browser.get("/").await.assert_contains(ALICE);
    }
}

#[actix_web::test]
async fn a_session_that_keeps_sliding_still_ends_an_hour_after_the_login() {
    let clock = Clock::manual(start());
    let mut browser = logged_in(config(), &clock).await;
    keep_coming_back(&mut browser, &clock, 14).await; // the last visit 56 minutes after the login

    clock.advance(Duration::minutes(4)); // 60 minutes after the login
    browser.get("/").await.assert_contains(LOGGED_OUT);
}

#[actix_web::test]
async fn near_the_limit_the_cookie_gets_only_the_time_that_is_left() {
    let clock = Clock::manual(start());
    let mut browser = logged_in(config(), &clock).await;
    keep_coming_back(&mut browser, &clock, 13).await; // 52 minutes after the login

    // Far from the limit, a full lifetime as in lesson 05...
    clock.advance(Duration::minutes(1)); // 53
    let res = browser.get("/").await;
    res.set_cookie("session").assert_max_age(300);
    // ...and close to it, only what is left: the browser forgets the cookie at the limit too.
    clock.advance(Duration::minutes(3)); // 56
    let res = browser.get("/").await;
    res.set_cookie("session").assert_max_age(240).assert_expires(start() + Duration::hours(1));
    // After that the end does not move any more, so there is no new cookie to send.
    clock.advance(Duration::minutes(1)); // 57
    assert!(!browser.get("/").await.has_set_cookie("session"));
    assert_eq!(browser.cookie_expires_at("session"), Some(start() + Duration::hours(1)));
}

#[actix_web::test]
async fn the_home_page_counts_down_to_the_absolute_limit() {
    let clock = Clock::manual(start());
    let mut browser = logged_in(config(), &clock).await;
    keep_coming_back(&mut browser, &clock, 14).await; // 56
    clock.advance(Duration::minutes(2)); // 58
    browser
        .get("/")
        .await
        .assert_contains("at Tue, 14 Nov 2023 23:13:20 +0000, 120 seconds from now");
}

#[actix_web::test]
async fn the_login_time_is_the_servers_own_entry_in_the_session() {
    let clock = Clock::manual(start());
    let mut browser = logged_in(config(), &clock).await;
    browser
        .get("/session")
        .await
        .assert_contains("<code>_login_at</code>")
        .assert_contains(&format!("<code>{}</code>", start().unix_timestamp()));
    // Nobody moves their own login time from the /session page.
    let res =
        browser.post("/session/insert", &[("key", "_login_at"), ("value", "9999999999")]).await;
    res.assert_status(400);
    browser.post("/session/remove", &[("key", "_login_at")]).await.assert_status(400);
}

#[actix_web::test]
async fn a_copied_cookie_is_refused_after_the_limit_even_if_it_never_went_idle() {
    let clock = Clock::manual(start());
    let mut browser = logged_in(config(), &clock).await;
    keep_coming_back(&mut browser, &clock, 14).await; // 56
    let copied = browser.cookie("session").unwrap().to_string();

    // Four minutes later the copy has not been idle for five: only the limit stops it.
    clock.advance(Duration::minutes(4)); // 60
    browser.set_cookie("session", &copied);
    browser.get("/").await.assert_contains(LOGGED_OUT);
}

#[actix_web::test]
async fn logging_in_again_starts_a_new_limit() {
    let clock = Clock::manual(start());
    let mut browser = logged_in(config(), &clock).await;
    keep_coming_back(&mut browser, &clock, 12).await; // 48
    clock.advance(Duration::minutes(2)); // 50: the name again, a new login
    browser.post("/login", &[("username", "alice")]).await.assert_redirect("/");

    keep_coming_back(&mut browser, &clock, 14).await; // 106: past the first login's hour
    clock.advance(Duration::minutes(4)); // 110: an hour after the second login
    browser.get("/").await.assert_contains(LOGGED_OUT);
}

#[actix_web::test]
async fn a_limit_shorter_than_the_lifetime_ends_the_session_first() {
    for refresh in ["1", "0"] {
        let config = Config::for_tests(5)
            .with("SESSION_LIFETIME", "1h")
            .with("SESSION_MAX_LIFETIME", "10m")
            .with("SESSION_REFRESH_EACH_REQUEST", refresh);
        let clock = Clock::manual(start());
        let mut browser = TestClient::with_clock(&LESSON, config, clock.clone(), app).await;
        let res = browser.post("/login", &[("username", "alice")]).await;
        res.set_cookie("session").assert_max_age(600);

        clock.advance(Duration::minutes(9));
        browser.get("/").await.assert_contains(ALICE);
        clock.advance(Duration::minutes(1));
        browser.get("/").await.assert_contains(LOGGED_OUT);
    }
}
