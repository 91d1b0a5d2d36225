//! The task of exercise 06, as tests: locking an account after repeated failed logins. Run
//! with: just exercise 06
//!
//! The demo users: `aaa` / `open-sesame` and `bbb` / `0000`. Time is a manual clock that the
//! tests move forward: "fifteen minutes pass" is `clock.advance(Duration::minutes(15))`.

use std::sync::atomic::Ordering;

use actix_web::cookie::time::{Duration, OffsetDateTime};
use shared::testkit::{TestClient, TestResponse};
use shared::{Clock, Config};

use crate::exercise::Lockouts;
use crate::{LESSON, PasswordChecks, app};

const FAILED: &str = "Wrong username or password.";

fn start() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap()
}

async fn browser(clock: &Clock) -> TestClient {
    TestClient::with_clock(&LESSON, Config::for_tests(6), clock.clone(), app).await
}

/// Posts the login form.
async fn log_in(browser: &mut TestClient, username: &str, password: &str) -> TestResponse {
    browser.post("/login", &[("username", username), ("password", password)]).await
}

/// `times` wrong passwords for `username`, each refused with the login form again.
async fn fail(browser: &mut TestClient, username: &str, times: usize) {
    for _ in 0..times {
        log_in(browser, username, "wrong").await.assert_status(401);
    }
}

/// Logs in with the right password, expecting it to work, then logs out again.
async fn login_works(browser: &mut TestClient, username: &str, password: &str) {
    log_in(browser, username, password).await.assert_redirect("/");
    browser.get("/").await.assert_status(200).assert_contains(&format!("Profile of {username}"));
    browser.get("/logout").await.assert_redirect("/login");
}

/// Logs in with the right password, expecting to be refused as if it were wrong.
async fn login_is_refused(browser: &mut TestClient, username: &str, password: &str) {
    let page = log_in(browser, username, password).await;
    page.assert_status(401);
    assert!(page.main().contains(FAILED), "{}", page.main());
    browser.get("/").await.assert_redirect("/login");
}

#[actix_web::test]
async fn five_wrong_passwords_lock_the_account_and_then_even_the_right_one_fails() {
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    fail(&mut browser, "aaa", 5).await;
    login_is_refused(&mut browser, "aaa", "open-sesame").await;
}

#[actix_web::test]
async fn a_locked_account_gets_the_same_answer_and_costs_the_same_work_as_a_wrong_password() {
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    fail(&mut browser, "aaa", 5).await;
    let checks = browser.site().state::<PasswordChecks>();
    let before = checks.0.load(Ordering::Relaxed);

    // The right password for the locked account, and a wrong one for the same name on a server
    // where it is not locked.
    let locked = log_in(&mut browser, "aaa", "open-sesame").await;
    let mut other_server = self::browser(&clock).await;
    let wrong = log_in(&mut other_server, "aaa", "wrong").await;

    assert_eq!(locked.status(), wrong.status(), "the same status");
    assert!(locked.main().contains(FAILED), "{}", locked.main());
    assert_eq!(locked.main(), wrong.main(), "the same page");
    assert!(!locked.main().to_lowercase().contains("lock"), "{}", locked.main());
    // Both ran one Argon2 verification: the time of the answer does not tell them apart either.
    assert_eq!(checks.0.load(Ordering::Relaxed), before + 1, "one password check when locked");
    let other_checks = other_server.site().state::<PasswordChecks>();
    assert_eq!(other_checks.0.load(Ordering::Relaxed), 1, "and one for a wrong password");
}

#[actix_web::test]
async fn the_lock_ends_fifteen_minutes_after_the_fifth_failure() {
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    fail(&mut browser, "aaa", 5).await;
    clock.advance(Duration::minutes(15) - Duration::seconds(1));
    login_is_refused(&mut browser, "aaa", "open-sesame").await;
    clock.advance(Duration::seconds(1));
    login_works(&mut browser, "aaa", "open-sesame").await;
}

#[actix_web::test]
async fn five_failures_lock_only_when_they_fall_within_fifteen_minutes() {
    let clock = Clock::manual(start());
    // Four now and one 14 minutes later: five within fifteen minutes.
    let mut browser = browser(&clock).await;
    fail(&mut browser, "aaa", 4).await;
    clock.advance(Duration::minutes(14));
    fail(&mut browser, "aaa", 1).await;
    login_is_refused(&mut browser, "aaa", "open-sesame").await;

    // Four now and one 15 minutes later: the first four no longer count.
    let mut browser = self::browser(&clock).await;
    fail(&mut browser, "bbb", 4).await;
    clock.advance(Duration::minutes(15));
    fail(&mut browser, "bbb", 1).await;
    login_works(&mut browser, "bbb", "0000").await;
}

#[actix_web::test]
async fn a_successful_login_forgets_the_failures_before_it() {
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    fail(&mut browser, "aaa", 4).await;
    login_works(&mut browser, "aaa", "open-sesame").await;
    // Eight failures in a few minutes, but never five since the last success.
    fail(&mut browser, "aaa", 4).await;
    login_works(&mut browser, "aaa", "open-sesame").await;
    // Five since the last success: locked.
    fail(&mut browser, "aaa", 5).await;
    login_is_refused(&mut browser, "aaa", "open-sesame").await;
}

#[actix_web::test]
async fn the_lock_is_kept_on_the_server_so_new_cookies_do_not_open_it() {
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    fail(&mut browser, "aaa", 5).await;
    // The same browser without its cookies, and another browser altogether.
    browser.clear_cookies();
    login_is_refused(&mut browser, "aaa", "open-sesame").await;
    let mut other = TestClient::for_site(browser.site().clone(), app).await;
    login_is_refused(&mut other, "aaa", "open-sesame").await;
}

#[actix_web::test]
async fn locking_one_account_leaves_the_others_alone() {
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    fail(&mut browser, "aaa", 5).await;
    login_is_refused(&mut browser, "aaa", "open-sesame").await;
    login_works(&mut browser, "bbb", "0000").await;
}

#[actix_web::test]
async fn an_unknown_username_is_locked_like_a_real_one() {
    // Locking only real accounts would tell an attacker which names exist.
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    fail(&mut browser, "nobody", 5).await;
    let now = clock.now().unix_timestamp();
    let lockouts = browser.site().state::<Lockouts>();
    assert!(lockouts.is_locked("nobody", now));
    assert!(!lockouts.is_locked("aaa", now), "and only that name");
}
