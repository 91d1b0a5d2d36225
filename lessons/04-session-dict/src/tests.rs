//! What lesson 04 shows, as tests. Run with: just test 04

use actix_web::cookie::SameSite;
use shared::Config;
use shared::testkit::TestClient;

use crate::LESSON;

async fn logged_in_as(name: &str) -> TestClient {
    let mut browser = TestClient::new(&LESSON).await;
    browser.post("/login", &[("username", name)]).await.assert_redirect("/");
    browser
}

#[actix_web::test]
async fn a_new_visitor_is_not_logged_in() {
    let mut browser = TestClient::new(&LESSON).await;
    browser.get("/").await.assert_status(200).assert_contains("You are not logged in!");
}

// ANCHOR: round_trip
#[actix_web::test]
async fn login_puts_the_name_in_the_session_and_logout_takes_it_out() {
    let mut browser = TestClient::new(&LESSON).await;
    let res = browser.post("/login", &[("username", "alice")]).await;
    res.assert_redirect("/");
    assert!(res.has_set_cookie("session"));
    browser.get("/").await.assert_contains("Logged in as alice");

    browser.get("/logout").await.assert_redirect("/");
    browser.get("/").await.assert_contains("You are not logged in!");
}
// ANCHOR_END: round_trip

// ANCHOR: attributes
#[actix_web::test]
async fn the_session_cookie_is_http_only_lax_site_wide_and_not_secure_by_default() {
    let mut browser = TestClient::new(&LESSON).await;
    let res = browser.post("/login", &[("username", "alice")]).await;
    res.set_cookie("session")
        .assert_http_only()
        .assert_same_site(SameSite::Lax)
        .assert_path("/")
        // Not `Secure`, so every client sends it back over http://127.0.0.1, requests included.
        .assert_secure(false)
        // No Max-Age: gone when the browser closes (lesson 05 makes it permanent).
        .assert_browser_session();
}

#[actix_web::test]
async fn session_cookie_secure_switches_the_secure_attribute_on() {
    let config = Config::for_tests(4).with("SESSION_COOKIE_SECURE", "1");
    let mut browser = TestClient::with_config(&LESSON, config).await;
    let res = browser.post("/login", &[("username", "alice")]).await;
    res.set_cookie("session").assert_secure(true).assert_http_only();
}
// ANCHOR_END: attributes

// ANCHOR: tampering
#[actix_web::test]
async fn the_cookie_is_encrypted_so_the_name_cannot_be_read_from_it() {
    let browser = logged_in_as("alice").await;
    let value = browser.cookie("session").unwrap();
    assert!(!value.contains("alice"), "{value}");
}

#[actix_web::test]
async fn a_tampered_cookie_means_logged_out() {
    let mut browser = logged_in_as("alice").await;
    let value = browser.cookie("session").unwrap().to_string();
    // Flip one character in the middle of the ciphertext.
    let mut bytes = value.into_bytes();
    let middle = bytes.len() / 2;
    bytes[middle] = if bytes[middle] == b'A' { b'B' } else { b'A' };
    browser.set_cookie("session", std::str::from_utf8(&bytes).unwrap());

    let res = browser.get("/").await;
    res.assert_status(200).assert_contains("You are not logged in!");
    assert!(res.body().contains("Decryption failed"), "{}", res.body());
}

#[actix_web::test]
async fn a_cookie_from_a_server_with_another_key_means_logged_out() {
    let other = logged_in_as("alice").await;
    let mut browser = TestClient::new(&LESSON).await; // a new random key
    browser.set_cookie("session", other.cookie("session").unwrap());
    browser.get("/").await.assert_contains("You are not logged in!");
}

#[actix_web::test]
async fn garbage_in_the_session_cookie_means_logged_out_not_an_error() {
    let mut browser = TestClient::new(&LESSON).await;
    for garbage in ["", "x", "%%%", "not-base64!!", &"A".repeat(3000)] {
        browser.set_cookie("session", garbage);
        browser.get("/").await.assert_status(200).assert_contains("You are not logged in!");
    }
}
// ANCHOR_END: tampering

// ANCHOR: replay
#[actix_web::test]
async fn a_cookie_copied_before_logout_still_logs_you_in_after_it() {
    // The cookie store keeps nothing on the server, so it cannot revoke anything: logout only
    // asks the browser to forget. Whoever copied the cookie is still "alice". Lesson 09 fixes it.
    let mut browser = logged_in_as("alice").await;
    let copied = browser.cookie("session").unwrap().to_string();
    browser.get("/logout").await;
    browser.get("/").await.assert_contains("You are not logged in!");

    browser.set_cookie("session", &copied);
    browser.get("/").await.assert_contains("Logged in as alice");
}
// ANCHOR_END: replay

#[actix_web::test]
async fn a_missing_or_empty_username_reshows_the_form_with_a_message_and_400() {
    let mut browser = TestClient::new(&LESSON).await;
    for fields in [&[][..], &[("username", "")], &[("username", " ")], &[("nm", "alice")]] {
        let res = browser.post("/login", fields).await;
        res.assert_status(400)
            .assert_contains("Please enter a name of 1 to 64 characters.")
            .assert_contains(r#"name="username""#);
        assert!(!res.has_set_cookie("session"));
    }
}

#[actix_web::test]
async fn a_script_in_the_username_comes_back_escaped() {
    let mut browser = logged_in_as("<script>alert(1)</script>").await;
    let res = browser.get("/").await;
    res.assert_contains("Logged in as &lt;script&gt;alert(1)&lt;/script&gt;");
    assert!(!res.body().contains("<script>"));
}

// ANCHOR: dictionary
#[actix_web::test]
async fn the_session_page_shows_the_dictionary_and_can_insert_remove_and_clear() {
    let mut browser = logged_in_as("alice").await;
    browser
        .get("/session")
        .await
        .assert_contains("<code>username</code>")
        .assert_contains("<code>&quot;alice&quot;</code>");

    browser.post("/session/insert", &[("key", "theme"), ("value", "dark")]).await;
    browser.get("/session").await.assert_contains("<code>theme</code>");

    browser.post("/session/remove", &[("key", "theme")]).await.assert_redirect("/session");
    browser.get("/session").await.assert_not_contains("<code>theme</code>");

    browser.post("/session/clear", &[]).await.assert_redirect("/session");
    browser.get("/session").await.assert_contains("The session is empty.");
    browser.get("/").await.assert_contains("You are not logged in!");
}
// ANCHOR_END: dictionary

#[actix_web::test]
async fn the_server_trusts_what_is_in_the_session_whoever_put_it_there() {
    // The session is the server's own dictionary: putting "username" in it is logging in.
    let mut browser = TestClient::new(&LESSON).await;
    browser.post("/session/insert", &[("key", "username"), ("value", "bob")]).await;
    browser.get("/").await.assert_contains("Logged in as bob");
}

// ANCHOR: too_big
#[actix_web::test]
async fn a_session_too_big_for_a_cookie_is_refused_with_413_and_nothing_is_lost() {
    let mut browser = logged_in_as("alice").await;
    let before = browser.cookie("session").unwrap().to_string();
    let big = "x".repeat(3000);
    let res = browser.post("/session/insert", &[("key", "big"), ("value", big.as_str())]).await;
    res.assert_status(413).assert_contains("Not stored");
    assert_eq!(browser.cookie("session"), Some(before.as_str()), "the cookie is unchanged");
    browser.get("/").await.assert_contains("Logged in as alice");
}
// ANCHOR_END: too_big

#[actix_web::test]
async fn an_insert_without_a_key_is_a_400() {
    let mut browser = TestClient::new(&LESSON).await;
    browser.post("/session/insert", &[("value", "x")]).await.assert_status(400);
}

#[actix_web::test]
async fn the_inspector_shows_the_decrypted_dictionary() {
    let mut browser = logged_in_as("alice").await;
    let res = browser.get("/").await;
    assert!(res.body().contains("Decrypted with the server&#39;s key"), "{}", res.body());
    assert!(res.body().contains("{&quot;username&quot;:&quot;\\&quot;alice\\&quot;&quot;}"));
}

// Bad cookies, bad forms, a wrong content type: a 4xx page or no cookie, never a 500.
shared::bad_input_tests!(crate::LESSON);
