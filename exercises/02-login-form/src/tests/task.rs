//! The task of exercise 02, as tests: the login form remembers the name. Run with: just exercise 02

use actix_web::cookie::SameSite;
use shared::testkit::TestClient;

use crate::{LESSON, app};

/// A browser that logged in as `name` with the "Remember my name" box ticked, then logged out.
async fn remembered(name: &str) -> TestClient {
    let mut browser = TestClient::new(&LESSON, app).await;
    browser.post("/login", &[("username", name), ("remember", "on")]).await.assert_redirect("/");
    browser.get("/logout").await.assert_redirect("/login");
    browser
}

#[actix_web::test]
async fn ticking_remember_my_name_keeps_the_name_in_a_second_plain_cookie() {
    let mut browser = TestClient::new(&LESSON, app).await;
    let res = browser.post("/login", &[("username", "alice"), ("remember", "on")]).await;
    res.assert_redirect("/");
    assert_eq!(res.set_cookie("username").value(), "alice", "the login itself is lesson 02's");
    res.set_cookie("remembered_name")
        .assert_path("/")
        .assert_http_only()
        .assert_same_site(SameSite::Lax)
        .assert_browser_session();
    assert_eq!(res.set_cookie("remembered_name").value(), "alice");
}

#[actix_web::test]
async fn after_logout_the_form_is_filled_in_with_the_remembered_name_and_the_box_ticked() {
    let mut browser = remembered("alice").await;
    assert_eq!(browser.cookie("username"), None, "logged out");
    assert_eq!(browser.cookie("remembered_name"), Some("alice"), "logout keeps the name");
    browser
        .get("/login")
        .await
        .assert_status(200)
        .assert_contains(r#"name="username" value="alice""#)
        .assert_contains(r#"name="remember" value="on" checked"#);
}

#[actix_web::test]
async fn logging_in_without_the_box_forgets_the_remembered_name() {
    let mut browser = remembered("alice").await;
    let res = browser.post("/login", &[("username", "bob")]).await;
    res.assert_redirect("/");
    res.set_cookie("remembered_name").assert_removal().assert_path("/");
    assert_eq!(browser.cookie("remembered_name"), None);

    browser.get("/logout").await;
    browser
        .get("/login")
        .await
        .assert_contains(r#"name="username" value="""#)
        .assert_not_contains("checked");
}

#[actix_web::test]
async fn a_remembered_name_only_fills_in_the_form_it_does_not_log_you_in() {
    let mut browser = TestClient::new(&LESSON, app).await;
    // Anyone can set this cookie by hand: it must never count as a login.
    browser.set_cookie("remembered_name", "admin");
    browser.get("/").await.assert_contains(r#"<h1 id="greeting">Hello, Guest!</h1>"#);
    browser.get("/login").await.assert_status(200).assert_contains(r#"value="admin""#);
}

#[actix_web::test]
async fn a_remembered_name_comes_back_escaped_in_the_form() {
    let mut browser = remembered(r#""><script>alert(1)</script>"#).await;
    let res = browser.get("/login").await;
    res.assert_contains(r#"value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;""#);
    assert!(!res.body().contains("<script>"), "{}", res.body());
}

#[actix_web::test]
async fn spaces_semicolons_and_non_ascii_names_are_remembered_intact() {
    let mut browser = remembered("Jürgen; Müller").await;
    browser.get("/login").await.assert_contains(r#"value="Jürgen; Müller""#);
}
