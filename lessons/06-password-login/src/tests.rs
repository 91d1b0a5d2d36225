//! What lesson 06 shows, as tests. Run with: just test 06
//!
//! The demo users: `aaa` / `open-sesame` and `bbb` / `0000`. Each login really runs Argon2id
//! (the argon2 crate is optimised even in debug builds: see the workspace Cargo.toml).

use actix_web::cookie::time::{Duration, OffsetDateTime};
use actix_web::test::TestRequest;
use shared::hashing::Hashing;
use shared::testkit::TestClient;
use shared::{Clock, Config, Site};

use crate::{LESSON, app};

/// The login form's message, as the page shows it above the form.
fn form_error(message: &str) -> String {
    format!(r#"<p class="error" id="form-error">{message}</p>"#)
}

fn start() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap()
}

async fn browser(config: Config, clock: &Clock) -> TestClient {
    TestClient::with_clock(&LESSON, config, clock.clone(), app).await
}

async fn logged_in_as(username: &str, password: &str, clock: &Clock) -> TestClient {
    let mut browser = browser(Config::for_tests(6), clock).await;
    let res = browser.post("/login", &[("username", username), ("password", password)]).await;
    res.assert_redirect("/");
    browser
}

const FAILED: &str = "Wrong username or password.";

#[actix_web::test]
async fn an_anonymous_visitor_is_sent_from_the_home_page_to_login() {
    let mut browser = TestClient::new(&LESSON, app).await;
    browser.get("/").await.assert_redirect("/login");
    browser.get("/login").await.assert_status(200).assert_contains(r#"name="password""#);
}

// ANCHOR: login
#[actix_web::test]
async fn the_right_password_logs_you_in_and_shows_your_profile() {
    let clock = Clock::manual(start());
    let mut browser = logged_in_as("aaa", "open-sesame", &clock).await;
    browser
        .get("/")
        .await
        .assert_status(200)
        .assert_contains("Profile of aaa")
        .assert_contains("likes long walks");
    // Already logged in: the login page sends you on to the home page.
    browser.get("/login").await.assert_redirect("/");
}

#[actix_web::test]
async fn a_wrong_password_and_an_unknown_user_get_the_same_401_and_the_same_message() {
    let clock = Clock::manual(start());
    for (username, password) in [("aaa", "0000"), ("nobody", "open-sesame"), ("AAA", "open-sesame")]
    {
        let mut browser = browser(Config::for_tests(6), &clock).await;
        let res = browser.post("/login", &[("username", username), ("password", password)]).await;
        res.assert_status(401).assert_contains(&form_error(FAILED));
        // Nothing was written: no session, and the home page still sends you to log in.
        assert!(!res.has_set_cookie("session"), "no session for a failed login");
        browser.get("/").await.assert_redirect("/login");
    }
}

#[actix_web::test]
async fn the_form_comes_back_with_the_name_filled_in_but_never_the_password() {
    let mut browser = TestClient::new(&LESSON, app).await;
    let res = browser.post("/login", &[("username", "aaa"), ("password", "not-this-one")]).await;
    res.assert_status(401).assert_contains(r#"value="aaa""#).assert_not_contains("not-this-one");
    // What was typed comes back as text, never as HTML.
    let res = browser.post("/login", &[("username", r#""><b>x"#), ("password", "x")]).await;
    res.assert_status(401).assert_contains("&quot;&gt;&lt;b&gt;x").assert_not_contains("<b>x");
}

#[actix_web::test]
async fn empty_or_missing_fields_get_a_400_and_a_message() {
    let mut browser = TestClient::new(&LESSON, app).await;
    let cases: [&[(&str, &str)]; 4] = [
        &[],
        &[("username", "aaa")],
        &[("password", "open-sesame")],
        &[("username", " "), ("password", "open-sesame")],
    ];
    for fields in cases {
        let res = browser.post("/login", fields).await;
        res.assert_status(400)
            .assert_contains(&form_error("Please enter a username and a password."));
    }
}

#[actix_web::test]
async fn a_body_that_is_not_a_form_is_a_4xx_not_a_500() {
    let mut browser = TestClient::new(&LESSON, app).await;
    let req = TestRequest::post()
        .uri("/login")
        .insert_header(("content-type", "application/json"))
        .set_payload(r#"{"username":"aaa"}"#);
    browser.send(req).await.assert_status(415);
}
// ANCHOR_END: login

// ANCHOR: session
#[actix_web::test]
async fn only_the_username_goes_into_the_session_never_the_password_or_its_hash() {
    let clock = Clock::manual(start());
    let mut browser = logged_in_as("aaa", "open-sesame", &clock).await;
    let res = browser.get("/session").await;
    res.assert_contains("<td><code>username</code></td>")
        .assert_contains("<code>&quot;aaa&quot;</code>");
    // What the server decrypted from the cookie, as the inspector shows it.
    let decrypted = res.body().split("Decrypted with").nth(1).unwrap();
    let decrypted = decrypted.split("</td>").next().unwrap();
    assert!(decrypted.contains("username"), "{decrypted}");
    for secret in ["open-sesame", "argon2", "password", "likes long walks"] {
        assert!(!decrypted.contains(secret), "{secret} in the session: {decrypted}");
    }
}

#[actix_web::test]
async fn logging_in_starts_a_new_session_with_nothing_from_before_it() {
    // An absolute limit makes it visible: the anonymous session (every visitor gets one when
    // sessions are always permanent) began four minutes before the login, and the logged-in one
    // still gets its full five minutes.
    let config = Config::for_tests(6)
        .with("SESSION_REFRESH_EACH_REQUEST", "0")
        .with("SESSION_ALWAYS_PERMANENT", "1");
    let clock = Clock::manual(start());
    let mut browser = browser(config, &clock).await;
    browser.get("/login").await.assert_status(200);
    let before = browser.cookie("session").unwrap().to_string();

    clock.advance(Duration::minutes(4));
    let res = browser.post("/login", &[("username", "aaa"), ("password", "open-sesame")]).await;
    res.assert_redirect("/");
    assert_ne!(res.set_cookie("session").value(), before, "a new session cookie");

    clock.advance(Duration::minutes(4)); // nine minutes after the anonymous session began
    browser.get("/").await.assert_contains("Profile of aaa");
    clock.advance(Duration::minutes(1)); // five after the login
    browser.get("/").await.assert_redirect("/login");
}

#[actix_web::test]
async fn the_session_page_is_read_only_now() {
    let clock = Clock::manual(start());
    let mut browser = browser(Config::for_tests(6), &clock).await;
    // In lesson 05 this would have logged you in as anyone you liked.
    let res = browser.post("/session/insert", &[("key", "username"), ("value", "aaa")]).await;
    res.assert_status(404);
    browser.get("/").await.assert_redirect("/login");
}
// ANCHOR_END: session

// ANCHOR: logout
#[actix_web::test]
async fn logging_out_ends_the_session() {
    let clock = Clock::manual(start());
    let mut browser = logged_in_as("bbb", "0000", &clock).await;
    let page = browser.get("/logout").await;
    page.assert_redirect("/login");
    assert!(browser.cookie("session").is_none(), "the cookie goes too: {:?}", page.set_cookies());
    browser.get("/").await.assert_redirect("/login");
    browser.get("/session").await.assert_not_contains("<td><code>username</code></td>");
}
// ANCHOR_END: logout

#[actix_web::test]
async fn a_logged_in_session_still_expires_on_the_server() {
    let clock = Clock::manual(start());
    let mut browser = logged_in_as("aaa", "open-sesame", &clock).await;
    let copied = browser.cookie("session").unwrap().to_string();
    clock.advance(Duration::minutes(5));
    browser.set_cookie("session", &copied);
    browser.get("/").await.assert_redirect("/login");
}

#[actix_web::test]
async fn garbage_in_the_session_cookie_means_logged_out_not_an_error() {
    let mut browser = TestClient::new(&LESSON, app).await;
    for garbage in ["", "x", "%%%", "not-base64!!", &"A".repeat(3000)] {
        browser.set_cookie("session", garbage);
        browser.get("/").await.assert_redirect("/login");
    }
}

// Bad cookies, bad forms, a wrong content type: a 4xx page or no cookie, never a 500.
// ANCHOR: busy
#[actix_web::test]
async fn a_login_while_every_hashing_slot_is_busy_gets_a_503_with_retry_after() {
    let clock = Clock::manual(start());
    let site = Site::with_clock(&LESSON, Config::for_tests(6), clock).unwrap();
    let mut browser = TestClient::for_site(site.with_hashing(Hashing::none_free()), app).await;
    let res = browser.post("/login", &[("username", "aaa"), ("password", "open-sesame")]).await;
    res.assert_status(503).assert_contains("Too many sign-ins at once");
    assert_eq!(res.header("retry-after"), Some("5"));
    browser.get("/").await.assert_redirect("/login");
}
// ANCHOR_END: busy

shared::bad_input_tests!(crate::LESSON, crate::app);
