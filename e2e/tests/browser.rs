//! The lessons in a real browser: Debian's Chromium, headless, driven through chromedriver,
//! against the lesson binaries on loopback. Run with: just e2e
//!
//! What the in-process tests (`just test`) cannot show: that a real browser stores what the
//! lesson's `Set-Cookie` says, sends it back, forgets it when it should, and keeps a permanent
//! cookie on disk across a restart.
//!
//! With server-side sessions (lesson 12), one more: "log out everywhere else" in one browser
//! profile ends the session of another.

use e2e::{Driver, Server, tools};

// ANCHOR: lesson_01
#[tokio::test]
async fn lesson_01_the_browser_sends_the_cookie_back_and_delete_cookie_removes_it() {
    let Some(tools) = tools() else { return };
    let server = Server::start("lesson-01-raw-cookies");
    let driver = Driver::start(&tools);
    let profile = driver.profile();
    let browser = driver.open(&profile).await;

    browser.goto(&server.at("/")).await;
    assert_eq!(browser.text("greeting").await, "Hello, Guest!");

    browser.goto(&server.at("/set_cookie/alice")).await;
    let cookie = browser.cookie("username").await.expect("the browser stored the cookie");
    assert_eq!(cookie.value, "alice");
    assert_eq!(cookie.http_only, Some(true));
    // The browser sends it back on the next request, and the page greets by name.
    browser.goto(&server.at("/")).await;
    assert_eq!(browser.text("greeting").await, "Hello, alice!");

    browser.goto(&server.at("/delete_cookie")).await;
    assert!(browser.cookie("username").await.is_none(), "the removal cookie deleted it");
    browser.goto(&server.at("/")).await;
    assert_eq!(browser.text("greeting").await, "Hello, Guest!");
    browser.quit().await;
}
// ANCHOR_END: lesson_01

/// Logs in to lesson 05 as `name`; the login makes the session permanent (the tutorial's
/// `session.permanent = True`), and `permanent: false` unticks it on the /session page.
async fn lesson_05_login(browser: &e2e::Browser, server: &Server, name: &str, permanent: bool) {
    browser.goto(&server.at("/login")).await;
    browser.fill("username", name).await;
    browser.submit("form[action='/login'] button").await;
    assert_eq!(browser.text("status").await, format!("Logged in as {name}"));
    if !permanent {
        browser.goto(&server.at("/session")).await;
        browser.click("input[name='permanent']").await;
        browser.submit("form[action='/session/permanent'] button").await;
        browser.goto(&server.at("/")).await;
        assert!(browser.text("cookie-kind").await.contains("not permanent"));
    }
}

// ANCHOR: lesson_05
#[tokio::test]
async fn lesson_05_a_permanent_session_survives_a_browser_restart_and_a_browser_session_does_not() {
    let Some(tools) = tools() else { return };
    let server = Server::start("lesson-05-permanent-sessions");
    let driver = Driver::start(&tools);

    // Permanent: the cookie has an expiry, so Chromium writes it to the profile on disk.
    let profile = driver.profile();
    let browser = driver.open(&profile).await;
    lesson_05_login(&browser, &server, "alice", true).await;
    let cookie = browser.cookie("session").await.expect("a session cookie");
    assert!(cookie.expiry.is_some(), "a permanent cookie has an expiry");
    browser.quit().await;
    let browser = driver.open(&profile).await;
    browser.goto(&server.at("/")).await;
    assert_eq!(browser.text("status").await, "Logged in as alice", "still, after the restart");
    browser.quit().await;

    // A browser-session cookie (no expiry) is gone when the browser closes.
    let profile = driver.profile();
    let browser = driver.open(&profile).await;
    lesson_05_login(&browser, &server, "bob", false).await;
    let cookie = browser.cookie("session").await.expect("a session cookie");
    assert_eq!(cookie.expiry, None, "a browser-session cookie has no expiry");
    browser.quit().await;
    let browser = driver.open(&profile).await;
    browser.goto(&server.at("/")).await;
    assert_eq!(browser.text("status").await, "You are not logged in!", "logged out by the restart");
    assert!(browser.cookie("session").await.is_none());
    browser.quit().await;
}
// ANCHOR_END: lesson_05

// ANCHOR: lesson_09
#[tokio::test]
async fn lesson_09_login_required_next_logout_and_the_remember_me_cookie() {
    let Some(tools) = tools() else { return };
    let server = Server::start("lesson-09-remember-me");
    let driver = Driver::start(&tools);
    let profile = driver.profile();
    let browser = driver.open(&profile).await;

    // /protected sends an anonymous visitor to the login page, which remembers where to go.
    browser.goto(&server.at("/protected")).await;
    assert_eq!(browser.path().await, "/login?next=%2Fprotected");
    browser.fill("username", "user1").await;
    browser.fill("password", "mypassword").await;
    browser.submit("form[action='/login'] button").await;
    assert_eq!(browser.text("status").await, "Logged in as user1");
    assert_eq!(browser.path().await, "/protected");
    assert!(browser.text("fresh").await.starts_with("A fresh login"));

    // Logout is a POST, from the button on /logout.
    browser.goto(&server.at("/logout")).await;
    browser.submit("#logout").await;
    assert!(browser.path().await.starts_with("/login"));
    browser.goto(&server.at("/protected")).await;
    assert!(browser.path().await.starts_with("/login"), "logged out");

    // Remember me: with the session cookie gone, the remember cookie logs the user back in,
    // but not freshly: /settings asks for the password again.
    browser.goto(&server.at("/login")).await;
    browser.fill("username", "user1").await;
    browser.fill("password", "mypassword").await;
    browser.click("input[name='remember']").await;
    browser.submit("form[action='/login'] button").await;
    assert_eq!(browser.text("status").await, "Logged in as user1");
    assert!(browser.cookie("remember_token").await.is_some(), "a remember cookie");
    browser.delete_cookie("session").await;
    browser.goto(&server.at("/protected")).await;
    assert_eq!(browser.text("status").await, "Logged in as user1");
    assert!(browser.text("fresh").await.starts_with("Not a fresh login"));
    browser.goto(&server.at("/settings")).await;
    assert!(browser.path().await.starts_with("/login"), "settings need a fresh login");
    assert!(browser.text("reauth").await.contains("remember cookie"));
    browser.quit().await;
}
// ANCHOR_END: lesson_09

/// Logs in to lesson 09 as its demo user, `user1` / `mypassword`.
async fn lesson_12_login(browser: &e2e::Browser, server: &Server) {
    browser.goto(&server.at("/login")).await;
    browser.fill("username", "user1").await;
    browser.fill("password", "mypassword").await;
    browser.submit("form[action='/login'] button").await;
    assert_eq!(browser.path().await, "/protected");
    assert_eq!(browser.text("status").await, "Logged in as user1");
}

// ANCHOR: lesson_12
#[tokio::test]
async fn lesson_12_log_out_everywhere_else_ends_the_session_in_another_browser_profile() {
    let Some(tools) = tools() else { return };
    // A fresh database and no REDIS_URL (see `Server::start`): the SQLite session store.
    let server = Server::start("lesson-12-session-list");
    let driver = Driver::start(&tools);
    // Two browsers that share nothing: separate Chromium processes with separate profiles,
    // as a laptop and a phone would be.
    let (laptop_profile, phone_profile) = (driver.profile(), driver.profile());
    let laptop = driver.open(&laptop_profile).await;
    let phone = driver.open(&phone_profile).await;
    lesson_12_login(&laptop, &server).await;
    lesson_12_login(&phone, &server).await;
    assert_ne!(
        laptop.cookie("session").await.map(|c| c.value),
        phone.cookie("session").await.map(|c| c.value),
        "two sessions, one per profile"
    );

    // The laptop sees both sessions, marks its own, and ends the other one.
    laptop.goto(&server.at("/sessions")).await;
    assert_eq!(laptop.count("#sessions tr").await, 3, "a header and two sessions");
    assert_eq!(laptop.count("#sessions .current").await, 1);
    laptop.submit("#end-others").await;
    assert_eq!(laptop.path().await, "/sessions");
    assert_eq!(laptop.text_of(".flashes li").await, "Ended 1 other session.");
    assert_eq!(laptop.count("#sessions tr").await, 2, "a header and this session");

    // The phone still holds its cookie, but the session it names is gone from the server: its
    // next page load is logged out.
    assert!(phone.cookie("session").await.is_some(), "the phone's browser kept its cookie");
    phone.goto(&server.at("/protected")).await;
    assert_eq!(phone.path().await, "/login?next=%2Fprotected", "the phone is logged out");
    phone.goto(&server.at("/")).await;
    assert_eq!(phone.text("status").await, "You are not logged in!");

    // The laptop stays signed in.
    laptop.goto(&server.at("/protected")).await;
    assert_eq!(laptop.text("status").await, "Logged in as user1");
    laptop.quit().await;
    phone.quit().await;
}
// ANCHOR_END: lesson_12
