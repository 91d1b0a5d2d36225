//! The task of exercise 01, as tests: a visit counter in a plain cookie. Run with: just exercise 01

use actix_web::cookie::SameSite;
use shared::testkit::TestClient;

use crate::{LESSON, app};

#[actix_web::test]
async fn the_first_visit_counts_one_and_sets_the_visits_cookie() {
    let mut browser = TestClient::new(&LESSON, app).await;
    let res = browser.get("/visits").await;
    res.assert_status(200).assert_contains("You have visited this page 1 time.");
    assert_eq!(res.set_cookie("visits").value(), "1");
}

#[actix_web::test]
async fn each_visit_adds_one() {
    let mut browser = TestClient::new(&LESSON, app).await;
    browser.get("/visits").await;
    browser.get("/visits").await;
    let res = browser.get("/visits").await;
    res.assert_contains("You have visited this page 3 times.");
    assert_eq!(browser.cookie("visits"), Some("3"));
}

#[actix_web::test]
async fn the_visits_cookie_is_for_the_whole_site_http_only_and_same_site_lax() {
    let mut browser = TestClient::new(&LESSON, app).await;
    let res = browser.get("/visits").await;
    res.set_cookie("visits")
        .assert_path("/")
        .assert_http_only()
        .assert_same_site(SameSite::Lax)
        .assert_browser_session();
}

#[actix_web::test]
async fn the_count_comes_from_the_client_so_a_forged_count_is_believed() {
    // A plain cookie, as in lesson 01: the browser can send whatever it likes.
    let mut browser = TestClient::new(&LESSON, app).await;
    browser.set_cookie("visits", "41");
    browser.get("/visits").await.assert_contains("You have visited this page 42 times.");
    assert_eq!(browser.cookie("visits"), Some("42"));
}

#[actix_web::test]
async fn a_count_that_is_not_a_number_starts_again_at_one_instead_of_failing() {
    let mut browser = TestClient::new(&LESSON, app).await;
    // Not a number, negative, a fraction, too big for a u32, a percent-encoded zero byte.
    for garbage in ["", "abc", "-3", "1.5", "4294967296", "%00"] {
        browser.set_cookie("visits", garbage);
        let res = browser.get("/visits").await;
        res.assert_status(200).assert_contains("You have visited this page 1 time.");
        assert_eq!(res.set_cookie("visits").value(), "1", "after {garbage:?}");
    }
}

#[actix_web::test]
async fn the_largest_count_stays_there_instead_of_overflowing() {
    let mut browser = TestClient::new(&LESSON, app).await;
    let max = u32::MAX.to_string();
    browser.set_cookie("visits", &max);
    let res = browser.get("/visits").await;
    res.assert_status(200).assert_contains(&format!("You have visited this page {max} times."));
    assert_eq!(res.set_cookie("visits").value(), max);
}
