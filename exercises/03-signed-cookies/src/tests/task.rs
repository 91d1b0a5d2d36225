//! The task of exercise 03, as tests: rotating the secret key. Run with: just exercise 03

use actix_web::cookie::{Key, SameSite};
use shared::Config;
use shared::config::encode_key;
use shared::testkit::TestClient;

use crate::{LESSON, app};

/// A server whose `SECRET_KEY` is `current`, with `SECRET_KEY_FALLBACKS` set to `fallbacks`.
async fn server(current: &Key, fallbacks: &[&Key]) -> TestClient {
    let fallbacks: Vec<String> = fallbacks.iter().map(|key| encode_key(key)).collect();
    let config = Config::for_tests(3)
        .with("SECRET_KEY", &encode_key(current))
        .with("SECRET_KEY_FALLBACKS", &fallbacks.join(","));
    TestClient::with_config(&LESSON, config, app).await
}

/// The `username` cookie that logging in as `name` gets from a server whose key is `key`.
async fn cookie_signed_with(key: &Key, name: &str) -> String {
    let mut browser = server(key, &[]).await;
    browser.post("/login", &[("username", name)]).await.assert_redirect("/");
    browser.cookie("username").unwrap().to_string()
}

#[actix_web::test]
async fn a_cookie_signed_with_a_fallback_key_still_logs_you_in() {
    let (old, new) = (Key::generate(), Key::generate());
    let cookie = cookie_signed_with(&old, "alice").await;

    // The key was rotated: SECRET_KEY=new, SECRET_KEY_FALLBACKS=old.
    let mut browser = server(&new, &[&old]).await;
    browser.set_cookie("username", &cookie);
    browser
        .get("/")
        .await
        .assert_status(200)
        .assert_contains(r#"<h1 id="greeting">Hello, alice!</h1>"#);

    // The old key verifies only what it signed: a changed cookie is still no cookie.
    let mut browser = server(&new, &[&old]).await;
    browser.set_cookie("username", &cookie.replace("alice", "admin"));
    browser.get("/").await.assert_contains(r#"<h1 id="greeting">Hello, Guest!</h1>"#);
}

#[actix_web::test]
async fn the_login_page_sends_a_user_with_an_old_cookie_home() {
    let (old, new) = (Key::generate(), Key::generate());
    let mut browser = server(&new, &[&old]).await;
    browser.set_cookie("username", &cookie_signed_with(&old, "alice").await);
    browser.get("/login").await.assert_redirect("/");
}

#[actix_web::test]
async fn an_old_cookie_is_signed_again_with_the_current_key_once() {
    let (old, new) = (Key::generate(), Key::generate());
    let mut browser = server(&new, &[&old]).await;
    browser.set_cookie("username", &cookie_signed_with(&old, "Jürgen; Müller").await);

    let res = browser.get("/").await;
    res.assert_status(200).assert_contains("Jürgen; Müller");
    res.set_cookie("username")
        .assert_path("/")
        .assert_http_only()
        .assert_same_site(SameSite::Lax)
        .assert_browser_session();
    // The browser keeps the new cookie; with it, the next visit needs no second re-signing.
    let res = browser.get("/").await;
    res.assert_status(200).assert_contains("Jürgen; Müller");
    assert!(!res.has_set_cookie("username"), "a cookie signed with the current key is left alone");

    // The new cookie is signed with the new key: it works without any fallback at all.
    let resigned = browser.cookie("username").unwrap().to_string();
    let mut later = server(&new, &[]).await;
    later.set_cookie("username", &resigned);
    later.get("/").await.assert_status(200).assert_contains("Jürgen; Müller");
}

#[actix_web::test]
async fn every_fallback_key_is_tried_in_turn() {
    let (oldest, older, new) = (Key::generate(), Key::generate(), Key::generate());
    for key in [&older, &oldest] {
        let mut browser = server(&new, &[&older, &oldest]).await;
        browser.set_cookie("username", &cookie_signed_with(key, "alice").await);
        browser.get("/").await.assert_status(200).assert_contains("Hello, alice!");
    }
}

#[actix_web::test]
async fn a_key_taken_out_of_the_fallbacks_no_longer_logs_anyone_in() {
    let (old, new) = (Key::generate(), Key::generate());
    let cookie = cookie_signed_with(&old, "alice").await;

    let mut during = server(&new, &[&old]).await;
    during.set_cookie("username", &cookie);
    during.get("/").await.assert_status(200).assert_contains("Hello, alice!");

    // After the rotation is over, SECRET_KEY_FALLBACKS is emptied: the old cookie is worthless.
    let mut after = server(&new, &[]).await;
    after.set_cookie("username", &cookie);
    after.get("/").await.assert_contains(r#"<h1 id="greeting">Hello, Guest!</h1>"#);
}
