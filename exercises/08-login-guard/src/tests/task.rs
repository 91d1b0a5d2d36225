//! The task of exercise 08, as tests: `admin_required`. Run with: just exercise 08
//!
//! `aaa` / `open-sesame` is an administrator; `user1` / `mypassword` is not.

use actix_web::cookie::time::OffsetDateTime;
use actix_web::web;
use shared::testkit::{TestClient, TestResponse};
use shared::{Clock, Config, Site};

use crate::{LESSON, app, login_manager};

const NOT_AN_ADMIN: &str = "This page is for administrators only.";
const ADMIN_PAGE: &str = r#"<h1 id="admin">Administration</h1>"#;

fn start() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap()
}

/// A browser on the app as `main` serves it: `site`, and the login manager made from it.
async fn client(site: Site) -> TestClient {
    let manager = web::Data::new(login_manager());
    TestClient::for_site(site, |site| app(site, manager)).await
}

async fn browser(clock: &Clock) -> TestClient {
    client(Site::with_clock(&LESSON, Config::for_tests(8), clock.clone()).unwrap()).await
}

/// Posts the login form with the right password for `username` (and `next`, if given).
async fn log_in(browser: &mut TestClient, username: &str, next: Option<&str>) -> TestResponse {
    let password = if username == "aaa" { "open-sesame" } else { "mypassword" };
    let mut fields = vec![("username", username), ("password", password)];
    fields.extend(next.map(|next| ("next", next)));
    browser.post("/login", &fields).await
}

/// The flash area of a page (the base layout puts it above `<main>`), or `""`.
fn flashes(res: &TestResponse) -> &str {
    let body = res.body();
    let Some(start) = body.find(r#"<ul class="flashes">"#) else { return "" };
    let end = body[start..].find("</ul>").map_or(body.len(), |end| start + end);
    &body[start..end]
}

#[actix_web::test]
async fn an_anonymous_visit_to_admin_is_sent_to_login_with_next_and_the_message() {
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    browser.get("/admin").await.assert_redirect("/login?next=%2Fadmin");
    let page = browser.get("/login?next=%2Fadmin").await;
    assert!(flashes(&page).contains("Please log in to access this page."), "{}", page.body());
    page.assert_contains(r#"<input type="hidden" name="next" value="/admin">"#);
}

#[actix_web::test]
async fn an_administrator_gets_the_admin_page_and_a_user_who_is_not_gets_403() {
    let clock = Clock::manual(start());
    let mut admin = browser(&clock).await;
    log_in(&mut admin, "aaa", None).await.assert_redirect("/protected");
    admin.get("/admin").await.assert_status(200).assert_contains(ADMIN_PAGE);

    let mut user = client(admin.site().clone()).await;
    log_in(&mut user, "user1", None).await.assert_redirect("/protected");
    let page = user.get("/admin").await;
    page.assert_status(403).assert_contains(NOT_AN_ADMIN);
    // The page itself never ran: nothing of it is in the answer.
    page.assert_not_contains(ADMIN_PAGE).assert_not_contains(r#"id="users""#);
}

#[actix_web::test]
async fn a_user_who_is_not_an_administrator_stays_logged_in_after_the_403() {
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    log_in(&mut browser, "user1", None).await.assert_redirect("/protected");
    let page = browser.get("/admin").await;
    page.assert_status(403);
    // A "no", not a logout: the session cookie is not touched.
    assert!(!page.has_set_cookie("session"));
    browser.get("/protected").await.assert_status(200).assert_contains("Logged in as user1");
}

#[actix_web::test]
async fn after_the_login_an_administrator_lands_on_the_admin_page() {
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    browser.get("/admin").await.assert_redirect("/login?next=%2Fadmin");
    log_in(&mut browser, "aaa", Some("/admin")).await.assert_redirect("/admin");
    browser.get("/admin").await.assert_status(200).assert_contains(ADMIN_PAGE);
}

#[actix_web::test]
async fn a_user_sent_to_log_in_for_the_admin_page_gets_403_not_the_login_page_again() {
    // Another redirect to the login page would be a loop: log in, sent back, log in, ...
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    browser.get("/admin").await.assert_redirect("/login?next=%2Fadmin");
    log_in(&mut browser, "user1", Some("/admin")).await.assert_redirect("/admin");
    browser.get("/admin").await.assert_status(403).assert_contains(NOT_AN_ADMIN);
}
