//! What lesson 02 shows, as tests. Run with: just test 02

use actix_web::cookie::SameSite;
use actix_web::test::TestRequest;
use shared::testkit::TestClient;

use crate::LESSON;

#[actix_web::test]
async fn the_login_page_shows_a_form_posting_nm() {
    let mut browser = TestClient::new(&LESSON).await;
    browser
        .get("/login")
        .await
        .assert_status(200)
        .assert_contains(r#"<form method="post" action="/login">"#)
        .assert_contains(r#"name="nm""#);
}

// ANCHOR: login_flow
#[actix_web::test]
async fn logging_in_keeps_the_name_in_a_cookie_and_redirects_to_the_user_page() {
    let mut browser = TestClient::new(&LESSON).await;
    let res = browser.post("/login", &[("nm", "alice")]).await;
    res.assert_redirect("/user");
    assert_eq!(res.set_cookie("user").value(), "alice", "in plain text, for anyone to read");

    browser.get("/user").await.assert_status(200).assert_contains(r#"<h1 id="user">alice</h1>"#);
}
// ANCHOR_END: login_flow

#[actix_web::test]
async fn the_cookie_is_for_the_whole_site_http_only_and_same_site_lax() {
    let mut browser = TestClient::new(&LESSON).await;
    let res = browser.post("/login", &[("nm", "alice")]).await;
    res.set_cookie("user")
        .assert_path("/")
        .assert_http_only()
        .assert_same_site(SameSite::Lax)
        .assert_browser_session();
}

// ANCHOR: redirects
#[actix_web::test]
async fn an_anonymous_visit_to_the_user_page_redirects_to_login() {
    let mut browser = TestClient::new(&LESSON).await;
    browser.get("/user").await.assert_redirect("/login");
}

#[actix_web::test]
async fn the_login_page_sends_a_logged_in_user_to_the_user_page() {
    let mut browser = TestClient::new(&LESSON).await;
    browser.post("/login", &[("nm", "alice")]).await;
    browser.get("/login").await.assert_redirect("/user");
}

#[actix_web::test]
async fn logout_removes_the_cookie_and_redirects_to_login() {
    let mut browser = TestClient::new(&LESSON).await;
    browser.post("/login", &[("nm", "alice")]).await;
    let res = browser.get("/logout").await;
    res.assert_redirect("/login");
    res.set_cookie("user").assert_removal();
    browser.get("/user").await.assert_redirect("/login");
}
// ANCHOR_END: redirects

// ANCHOR: forgery
#[actix_web::test]
async fn a_forged_user_cookie_is_accepted() {
    let mut browser = TestClient::new(&LESSON).await;
    // Nobody logged in. The client just claims to be admin, and the server cannot tell.
    browser.set_cookie("user", "admin");
    browser.get("/user").await.assert_status(200).assert_contains(r#"<h1 id="user">admin</h1>"#);
}
// ANCHOR_END: forgery

#[actix_web::test]
async fn a_missing_or_empty_name_reshows_the_form_with_a_message_and_400() {
    let mut browser = TestClient::new(&LESSON).await;
    for fields in [&[][..], &[("nm", "")], &[("nm", "   ")], &[("other", "x")]] {
        let res = browser.post("/login", fields).await;
        res.assert_status(400)
            .assert_contains("Please enter a name of 1 to 64 characters.")
            .assert_contains(r#"name="nm""#);
        assert!(!res.has_set_cookie("user"));
    }
}

#[actix_web::test]
async fn a_name_too_long_for_a_cookie_is_refused_with_400() {
    let mut browser = TestClient::new(&LESSON).await;
    let long = "a".repeat(65);
    let res = browser.post("/login", &[("nm", long.as_str())]).await;
    res.assert_status(400).assert_contains("1 to 64 characters");
    assert!(!res.has_set_cookie("user"));
}

#[actix_web::test]
async fn a_body_that_is_not_a_form_gets_a_clear_415_page() {
    let mut browser = TestClient::new(&LESSON).await;
    let req = TestRequest::post()
        .uri("/login")
        .insert_header(("content-type", "application/json"))
        .set_payload(r#"{"nm":"alice"}"#);
    browser.send(req).await.assert_status(415).assert_contains("Content type error");
}

#[actix_web::test]
async fn an_oversized_form_gets_a_clear_413_page() {
    let mut browser = TestClient::new(&LESSON).await;
    let huge = "a".repeat(1024 * 1024);
    let res = browser.post("/login", &[("nm", huge.as_str())]).await;
    res.assert_status(413);
    assert!(res.body().contains("413"), "{}", res.body());
}

// ANCHOR: escaping
#[actix_web::test]
async fn a_script_in_the_name_comes_back_escaped() {
    let mut browser = TestClient::new(&LESSON).await;
    browser.post("/login", &[("nm", "<script>alert(1)</script>")]).await;
    let res = browser.get("/user").await;
    res.assert_contains("&lt;script&gt;alert(1)&lt;/script&gt;");
    assert!(!res.body().contains("<script>"));
}
// ANCHOR_END: escaping

#[actix_web::test]
async fn non_ascii_names_survive_the_cookie() {
    let mut browser = TestClient::new(&LESSON).await;
    browser.post("/login", &[("nm", "Jürgen; Müller")]).await;
    browser.get("/user").await.assert_contains("Jürgen; Müller");
}

// Bad cookies, bad forms, a wrong content type: a 4xx page or no cookie, never a 500.
shared::bad_input_tests!(crate::LESSON);
