//! The task of exercise 09, as tests: `strong_protection` on `/settings`. Run with:
//! just exercise 09
//!
//! A client is what the server sees of a browser: the address of its connection and its
//! `User-Agent`. The site's own session protection stays "basic"; only `/settings` is strong.

use actix_web::cookie::time::OffsetDateTime;
use actix_web::http::header::USER_AGENT;
use actix_web::test::TestRequest;
use actix_web::web;
use shared::testkit::{TestClient, TestResponse};
use shared::{Clock, Config, Site};

use crate::{LESSON, app, login_manager};

const SETTINGS_PAGE: &str = r#"<h1 id="settings">Settings of user1</h1>"#;

fn start() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap()
}

/// A browser as the server sees it. (Test addresses from RFC 5737: they belong to nobody.)
#[derive(Clone, Copy)]
struct Client {
    address: &'static str,
    user_agent: &'static str,
}

const LAPTOP: Client = Client { address: "192.0.2.10:50123", user_agent: "Firefox/128.0" };
/// The same laptop after a browser update.
const UPDATED: Client = Client { address: "192.0.2.10:50124", user_agent: "Firefox/129.0" };
/// The same laptop on another network.
const ELSEWHERE: Client = Client { address: "198.51.100.7:40000", user_agent: "Firefox/128.0" };
/// Someone else, with copies of the laptop's cookies.
const THIEF: Client = Client { address: "203.0.113.66:61000", user_agent: "curl/8.5.0" };

/// A browser on the app as `main` serves it.
async fn browser(clock: &Clock) -> TestClient {
    let site = Site::with_clock(&LESSON, Config::for_tests(9), clock.clone()).unwrap();
    let manager = web::Data::new(login_manager(&site));
    TestClient::for_site(site, |site| app(site, manager)).await
}

/// A second browser on the same server, holding copies of `browser`'s cookies.
async fn copy_of(browser: &TestClient) -> TestClient {
    let manager = web::Data::new(login_manager(browser.site()));
    let mut copy = TestClient::for_site(browser.site().clone(), |site| app(site, manager)).await;
    for name in ["session", "remember_token"] {
        if let Some(value) = browser.cookie(name) {
            copy.set_cookie(name, value);
        }
    }
    copy
}

async fn get(browser: &mut TestClient, client: Client, path: &str) -> TestResponse {
    let req = TestRequest::get().uri(path).peer_addr(client.address.parse().unwrap());
    browser.send(req.insert_header((USER_AGENT, client.user_agent))).await
}

/// Logs in as user1 from `client`, with "Remember me".
async fn log_in_from(browser: &mut TestClient, client: Client) {
    let fields = [("username", "user1"), ("password", "mypassword"), ("remember", "on")];
    let req = TestRequest::post().uri("/login").set_form(fields);
    let req = req.peer_addr(client.address.parse().unwrap());
    browser.send(req.insert_header((USER_AGENT, client.user_agent))).await;
}

/// The flash area of a page (the base layout puts it above `<main>`), or `""`.
fn flashes(res: &TestResponse) -> &str {
    let body = res.body();
    let Some(start) = body.find(r#"<ul class="flashes">"#) else { return "" };
    let end = body[start..].find("</ul>").map_or(body.len(), |end| start + end);
    &body[start..end]
}

#[actix_web::test]
async fn the_same_client_reaches_the_settings_as_before_and_another_one_does_not() {
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    log_in_from(&mut browser, LAPTOP).await;
    for _ in 0..3 {
        let page = get(&mut browser, LAPTOP, "/settings").await;
        page.assert_status(200).assert_contains(SETTINGS_PAGE);
    }
    get(&mut browser, UPDATED, "/settings").await.assert_redirect("/login?next=%2Fsettings");
    get(&mut browser, LAPTOP, "/").await.assert_contains("You are not logged in!");
}

#[actix_web::test]
async fn a_changed_user_agent_on_the_settings_ends_the_login_and_the_remember_cookie() {
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    log_in_from(&mut browser, LAPTOP).await;

    let res = get(&mut browser, UPDATED, "/settings").await;
    res.assert_redirect("/login?next=%2Fsettings");
    res.assert_not_contains(SETTINGS_PAGE);
    res.set_cookie("session").assert_removal();
    res.set_cookie("remember_token").assert_removal();
    // Logged out everywhere, from either User-Agent.
    get(&mut browser, LAPTOP, "/").await.assert_contains("You are not logged in!");
    get(&mut browser, UPDATED, "/protected").await.assert_redirect("/login?next=%2Fprotected");
}

#[actix_web::test]
async fn a_changed_address_on_the_settings_ends_the_login_too() {
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    log_in_from(&mut browser, LAPTOP).await;
    get(&mut browser, ELSEWHERE, "/settings").await.assert_redirect("/login?next=%2Fsettings");
    get(&mut browser, LAPTOP, "/").await.assert_contains("You are not logged in!");
}

#[actix_web::test]
async fn a_stolen_session_cookie_on_the_settings_ends_the_thiefs_login_not_the_laptops() {
    let clock = Clock::manual(start());
    let mut laptop = browser(&clock).await;
    log_in_from(&mut laptop, LAPTOP).await;
    let mut thief = copy_of(&laptop).await;

    get(&mut thief, THIEF, "/settings").await.assert_redirect("/login?next=%2Fsettings");
    get(&mut thief, THIEF, "/protected").await.assert_redirect("/login?next=%2Fprotected");
    // The laptop's cookies are its own: nothing the thief's requests did reaches them.
    get(&mut laptop, LAPTOP, "/settings").await.assert_contains(SETTINGS_PAGE);
}

#[actix_web::test]
async fn elsewhere_the_protection_stays_basic_and_only_the_settings_end_the_login() {
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    log_in_from(&mut browser, LAPTOP).await;
    // Another User-Agent on a page without the guard: still logged in, not freshly.
    let page = get(&mut browser, UPDATED, "/protected").await;
    page.assert_contains("Logged in as user1").assert_contains("Not a fresh login");
    // Back on the laptop's own User-Agent: the same client, so the guard lets it through, and
    // `fresh_login_required` asks for the password. Still logged in.
    get(&mut browser, LAPTOP, "/settings").await.assert_redirect("/login?next=%2Fsettings");
    let page = get(&mut browser, LAPTOP, "/login?next=%2Fsettings").await;
    assert!(flashes(&page).contains("Please give your password again"), "{}", page.body());
    get(&mut browser, LAPTOP, "/").await.assert_contains("Logged in as user1");
    // The other User-Agent on the settings: the login ends.
    get(&mut browser, UPDATED, "/settings").await.assert_redirect("/login?next=%2Fsettings");
    get(&mut browser, LAPTOP, "/").await.assert_contains("You are not logged in!");
}

#[actix_web::test]
async fn an_anonymous_visitor_gets_the_login_message_as_before_and_the_login_is_protected() {
    // Nobody is logged in: nothing to end, and `fresh_login_required` says why it sends the
    // visitor to log in (a guard that purged this session would lose the message).
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    get(&mut browser, LAPTOP, "/settings").await.assert_redirect("/login?next=%2Fsettings");
    let page = get(&mut browser, LAPTOP, "/login?next=%2Fsettings").await;
    assert!(flashes(&page).contains("Please log in to access this page."), "{}", page.body());
    log_in_from(&mut browser, LAPTOP).await;
    get(&mut browser, LAPTOP, "/settings").await.assert_contains(SETTINGS_PAGE);
    get(&mut browser, ELSEWHERE, "/settings").await.assert_redirect("/login?next=%2Fsettings");
    get(&mut browser, LAPTOP, "/").await.assert_contains("You are not logged in!");
}

#[actix_web::test]
async fn a_login_restored_by_the_remember_cookie_is_asked_for_the_password_then_protected() {
    // The remember cookie signs in again in a new session, stamped for the client that brought
    // the cookie: the same client, so the settings ask for the password, as in lesson 09; from
    // then on another client ends that login like any other.
    let clock = Clock::manual(start());
    let mut browser = browser(&clock).await;
    log_in_from(&mut browser, LAPTOP).await;
    browser.restart();
    get(&mut browser, LAPTOP, "/settings").await.assert_redirect("/login?next=%2Fsettings");
    let page = get(&mut browser, LAPTOP, "/login?next=%2Fsettings").await;
    assert!(flashes(&page).contains("Please give your password again"), "{}", page.body());
    get(&mut browser, LAPTOP, "/protected").await.assert_contains("Logged in as user1");
    assert!(browser.cookie("remember_token").is_some());
    get(&mut browser, UPDATED, "/settings").await.assert_redirect("/login?next=%2Fsettings");
    assert_eq!(browser.cookie("remember_token"), None);
}
