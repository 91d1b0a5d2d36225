//! The task of exercise 07, as tests: the name typed into a failed login survives the redirect
//! to the login page, once. Run with: just exercise 07
//!
//! The demo users: `aaa` / `open-sesame` and `bbb` / `0000`.

use shared::testkit::{TestClient, TestResponse};

use crate::exercise::MAX_TYPED;
use crate::{LESSON, app};

const FAILED: &str = "Wrong username or password.";

/// The value of the login form's username field, as the page has it (entities and all).
fn typed_name(page: &TestResponse) -> &str {
    let body = page.main();
    let marker = r#"name="username" value=""#;
    let Some(start) = body.find(marker).map(|at| at + marker.len()) else {
        panic!("no username field with a value attribute: {body}");
    };
    let end = body[start..].find('"').map_or(body.len(), |end| start + end);
    &body[start..end]
}

/// Posts the login form, expecting the redirect back to it.
async fn fail(browser: &mut TestClient, username: &str, password: &str) {
    let res = browser.post("/login", &[("username", username), ("password", password)]).await;
    res.assert_redirect("/login");
}

#[actix_web::test]
async fn after_a_wrong_password_the_login_page_has_the_name_filled_in_and_the_message() {
    let mut browser = TestClient::new(&LESSON, app).await;
    fail(&mut browser, "aaa", "wrong").await;
    let page = browser.get("/login").await;
    page.assert_status(200);
    assert!(page.body().contains(FAILED), "the message, above the form: {}", page.body());
    assert_eq!(typed_name(&page), "aaa");
}

#[actix_web::test]
async fn the_name_is_filled_in_once_then_the_field_is_empty_again() {
    let mut browser = TestClient::new(&LESSON, app).await;
    fail(&mut browser, "bbb", "wrong").await;
    assert_eq!(typed_name(&browser.get("/login").await), "bbb");
    assert_eq!(typed_name(&browser.get("/login").await), "", "a reload: gone");
}

#[actix_web::test]
async fn an_empty_password_keeps_the_name_and_an_empty_name_keeps_nothing() {
    let mut browser = TestClient::new(&LESSON, app).await;
    fail(&mut browser, "  aaa ", "").await;
    assert_eq!(typed_name(&browser.get("/login").await), "aaa", "trimmed, as the login does");
    fail(&mut browser, " ", "open-sesame").await;
    assert_eq!(typed_name(&browser.get("/login").await), "");
}

#[actix_web::test]
async fn the_name_is_kept_in_the_session_but_never_the_password() {
    let mut browser = TestClient::new(&LESSON, app).await;
    fail(&mut browser, "aaa", "typed-by-mistake").await;
    // The session page shows the dictionary (before the login page takes the name out of it).
    let session = browser.get("/session").await;
    session.assert_contains("&quot;aaa&quot;").assert_not_contains("typed-by-mistake");
    let page = browser.get("/login").await;
    assert_eq!(typed_name(&page), "aaa");
    page.assert_not_contains("typed-by-mistake");
}

#[actix_web::test]
async fn a_name_too_long_to_be_anybodys_is_not_kept_and_does_not_grow_the_cookie() {
    let mut browser = TestClient::new(&LESSON, app).await;
    let longest = "a".repeat(MAX_TYPED);
    fail(&mut browser, &longest, "wrong").await;
    assert_eq!(typed_name(&browser.get("/login").await), longest, "{MAX_TYPED} characters: kept");

    fail(&mut browser, &"a".repeat(MAX_TYPED + 1), "wrong").await;
    assert_eq!(typed_name(&browser.get("/login").await), "", "one more: not kept");
    for _ in 0..5 {
        fail(&mut browser, &"x".repeat(3000), "wrong").await;
    }
    assert!(browser.cookie("session").unwrap().len() < 400, "a small cookie");
    assert_eq!(typed_name(&browser.get("/login").await), "");
}

#[actix_web::test]
async fn what_was_typed_comes_back_as_text_never_as_html() {
    let mut browser = TestClient::new(&LESSON, app).await;
    fail(&mut browser, r#""><script>alert(1)</script>"#, "wrong").await;
    let page = browser.get("/login").await;
    assert_eq!(typed_name(&page), "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;");
    page.assert_not_contains("<script>alert(1)");
}

#[actix_web::test]
async fn a_successful_login_carries_no_typed_name_over() {
    let mut browser = TestClient::new(&LESSON, app).await;
    fail(&mut browser, "bbb", "wrong").await;
    assert_eq!(typed_name(&browser.get("/login").await), "bbb");
    // A failure whose page was never seen, then the right password: the new session starts
    // empty, so after logging out the form is empty too.
    fail(&mut browser, "bbb", "wrong").await;
    let res = browser.post("/login", &[("username", "aaa"), ("password", "open-sesame")]).await;
    res.assert_redirect("/");
    browser.get("/logout").await.assert_redirect("/login");
    assert_eq!(typed_name(&browser.get("/login").await), "");
}
